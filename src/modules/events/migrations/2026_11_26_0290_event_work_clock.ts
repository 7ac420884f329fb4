import { sql, type Kysely, type Migration } from 'kysely';
import { bigintType, dialectOf } from '../../../platform/db/dialect.js';

/**
 * The working-hours calendar as a table the indicator query can join (indicators.clock.ts):
 * one row per UTC day with the working seconds counted before it and its office periods, so
 * "average response time in working hours" stays one aggregate SQL over a year of events.
 * Derived data: rebuilt from work_calendar_day whenever the calendar changes.
 */
export const createEventWorkClock: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const big = bigintType(dialect);
    let table = db.schema
      .createTable('event_work_day')
      // `YYYY-MM-DD`: the first ten characters of an ISO-8601 UTC timestamp.
      .addColumn('utc_date', 'text', (c) => c.primaryKey())
      // Working seconds from the table's first day to this day's 00:00 UTC.
      .addColumn('base', big, (c) => c.notNull())
      // The local day of the same date, as the UTC instants it begins and ends at: the rows the
      // indicators walk, in order, to count by day without sorting a year's events.
      .addColumn('day_start', 'text', (c) => c.notNull())
      .addColumn('day_end', 'text', (c) => c.notNull());
    // Up to four working periods inside the UTC day: start (seconds after 00:00 UTC) and length.
    for (let i = 1; i <= 4; i++) {
      table = table.addColumn(`s${i}`, 'integer', (c) => c.notNull().defaultTo(0)).addColumn(`l${i}`, 'integer', (c) => c.notNull().defaultTo(0));
    }
    // Looked up by key only: without a rowid SQLite keeps the row in the key's b-tree.
    if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
    await table.execute();

    await db.schema
      .createTable('event_work_clock')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      // Hash of the calendar days and office hours the table was built from.
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('slots', 'integer', (c) => c.notNull())
      .addColumn('built_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('event_work_clock').execute();
    await db.schema.dropTable('event_work_day').execute();
  },
};
