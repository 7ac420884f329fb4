import { type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 通知公告: notices targeted by organisation subtree and registry tags, with read receipts. */
export const createNotices: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('notice')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The publishing node (a community, street …): its staff edit the notice.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      // Plain text (line breaks kept); never HTML, so nothing a publisher types can run in a page.
      .addColumn('body', 'text', (c) => c.notNull())
      // JSON {nodeIds: [], tags: [], tagMode: 'any' | 'all'}: who receives it.
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('audience_label', 'text', (c) => c.notNull())
      // JSON [attachmentId]; files of purpose `community.notice`.
      .addColumn('attachments', 'text', (c) => c.notNull())
      // JSON [channel]: outbox channels besides the in-app inbox (sms …).
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('recipient_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('published_at', 'text')
      .addColumn('published_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdrawn_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('withdraw_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('notice_path_status').on('notice').columns(['org_path', 'status', 'published_at']).execute();

    // One row per person reached; user_id when they have an account (the app's read receipt),
    // informed_* when a grid worker told them in person or by phone (no account, or not read).
    await db.schema
      .createTable('notice_recipient')
      .addColumn('notice_id', 'text', (c) => c.notNull().references('notice.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('read_at', 'text')
      .addColumn('informed_at', 'text')
      .addColumn('informed_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('informed_how', 'text')
      .addPrimaryKeyConstraint('notice_recipient_pk', ['notice_id', 'person_id'])
      .execute();
    await db.schema.createIndex('notice_recipient_user').on('notice_recipient').columns(['user_id', 'notice_id']).execute();
    await db.schema.createIndex('notice_recipient_path').on('notice_recipient').columns(['notice_id', 'org_path']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('notice_recipient').execute();
    await db.schema.dropTable('notice').execute();
  },
};
