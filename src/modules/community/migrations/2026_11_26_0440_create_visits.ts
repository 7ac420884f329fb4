import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 走访 · 弱势关怀: visit plans by registry tag, visit records, one overdue alert a day per grid worker. */
export const createVisits: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('visit_plan')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      // The registry tag of the people to visit (独居老人, 困难家庭 …) and how often.
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('interval_days', 'integer', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('visit_record')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('visitor_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('visitor_name', 'text', (c) => c.notNull())
      .addColumn('visited_at', 'text', (c) => c.notNull())
      // home 入户, phone 电话, other 其他 (at the service hall, in the street …)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('findings', 'text', (c) => c.notNull())
      // JSON [{kind, note}]: what the household needs (维修, 助餐, 就医, 救助 …).
      .addColumn('needs', 'text', (c) => c.notNull())
      .addColumn('attachments', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.references('grid_event.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('visit_record_person').on('visit_record').columns(['person_id', 'visited_at']).execute();
    await db.schema.createIndex('visit_record_path').on('visit_record').columns(['org_path', 'visited_at']).execute();

    await db.schema
      .createTable('visit_alert')
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      // Beijing calendar day: one alert per grid worker per day.
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('overdue', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('visit_alert_pk', ['user_id', 'day'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['visit_alert', 'visit_record', 'visit_plan']) await db.schema.dropTable(t).execute();
  },
};
