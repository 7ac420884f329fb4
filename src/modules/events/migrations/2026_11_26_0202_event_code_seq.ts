import type { Kysely, Migration } from 'kysely';

/**
 * 事件编号 SJYYYYMMDD-NNNN: one counter row per (China) day, taken with an upsert in the
 * reporting transaction, so several server processes never hand out the same number and no
 * report scans the day's events to find the next one.
 */
export const createEventCodeSeq: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('event_code_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('event_code_seq').execute();
  },
};
