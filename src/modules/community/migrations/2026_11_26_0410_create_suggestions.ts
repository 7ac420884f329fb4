import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 意见建议: residents' suggestions, answered in public within a time limit. */
export const createSuggestions: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('suggestion')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The author's grid (or community): its staff answer.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('author_person_id', 'text', (c) => c.references('person.id'))
      // Shown publicly instead of the name: 朱** (the masked name) or 匿名.
      .addColumn('author_label', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      // The author chose to show it (and its answer) in the public list.
      .addColumn('public', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('answer', 'text')
      .addColumn('answered_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('answered_by_name', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('answer_due_at', 'text', (c) => c.notNull())
      .addColumn('answered_on_time', 'integer')
      .addColumn('event_id', 'text', (c) => c.references('grid_event.id'))
      .addColumn('hidden_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('suggestion_path_status').on('suggestion').columns(['org_path', 'status', 'created_at']).execute();
    await db.schema.createIndex('suggestion_author').on('suggestion').columns(['author_user_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('suggestion').execute();
  },
};
