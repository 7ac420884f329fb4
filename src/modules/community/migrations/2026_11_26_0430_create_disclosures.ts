import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 居务公开, 财务公开, 党务公开: items, the calendar of what must be disclosed when, questions. */
export const createDisclosures: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('disclosure_schedule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      // monthly | quarterly | yearly: one disclosure per period, due `due_days` after it ends.
      .addColumn('frequency', 'text', (c) => c.notNull())
      .addColumn('due_days', 'integer', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('disclosure_item')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      // Income positive, spending negative, in fen; null when the item has no amount.
      .addColumn('amount_fen', 'integer')
      .addColumn('schedule_id', 'text', (c) => c.references('disclosure_schedule.id'))
      // `2026-Q3`, `2026-10`, `2026`: the period a scheduled item discloses.
      .addColumn('period', 'text')
      .addColumn('attachments', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      // JSON of the last scan's findings (masked), shown to the author until they are gone.
      .addColumn('findings', 'text')
      .addColumn('published_at', 'text')
      .addColumn('published_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('disclosure_item_path').on('disclosure_item').columns(['org_path', 'status', 'published_at']).execute();
    await db.schema.createIndex('disclosure_item_schedule').on('disclosure_item').columns(['schedule_id', 'period', 'status']).execute();

    // One warning per schedule and period, however many processes run the check.
    await db.schema
      .createTable('disclosure_late')
      .addColumn('schedule_id', 'text', (c) => c.notNull().references('disclosure_schedule.id'))
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('warned_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('disclosure_late_pk', ['schedule_id', 'period'])
      .execute();

    await db.schema
      .createTable('disclosure_question')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('item_id', 'text', (c) => c.notNull().references('disclosure_item.id'))
      .addColumn('asker_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('asker_label', 'text', (c) => c.notNull())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('answer', 'text')
      .addColumn('answered_by_name', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('disclosure_question_item').on('disclosure_question').columns(['item_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['disclosure_question', 'disclosure_late', 'disclosure_item', 'disclosure_schedule']) await db.schema.dropTable(t).execute();
  },
};
