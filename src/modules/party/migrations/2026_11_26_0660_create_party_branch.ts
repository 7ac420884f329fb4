import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 网上E支部: per-branch notices (支部通知), a discussion among the branch's members (posts and
 * comments, plain text) and tasks given to members (assign, due day, done with a note). The
 * branch is a `party_org` of kind `branch`; its members are the active `party_member` rows on
 * its rolls.
 */
export const createPartyBranch: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('party_branch_notice')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('published', 'withdrawn')`))
      .addColumn('withdraw_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_branch_notice_org').on('party_branch_notice').columns(['org_id', 'created_at']).execute();

    await db.schema
      .createTable('party_branch_post')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('author_member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('visible', 'hidden')`))
      .addColumn('hidden_reason', 'text')
      .addColumn('hidden_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('hidden_at', 'text')
      .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_activity_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_branch_post_org').on('party_branch_post').columns(['org_id', 'last_activity_at']).execute();

    await db.schema
      .createTable('party_branch_comment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('post_id', 'text', (c) => c.notNull().references('party_branch_post.id'))
      .addColumn('author_member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('visible', 'hidden')`))
      .addColumn('hidden_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_branch_comment_post').on('party_branch_comment').columns(['post_id', 'created_at']).execute();

    await db.schema
      .createTable('party_branch_task')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      // Done by the end of this Beijing day.
      .addColumn('due_on', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
      .addColumn('assignee_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('done_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_branch_task_org').on('party_branch_task').columns(['org_id', 'status', 'due_on']).execute();

    await db.schema
      .createTable('party_branch_task_member')
      .addColumn('task_id', 'text', (c) => c.notNull().references('party_branch_task.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done')`))
      .addColumn('done_at', 'text')
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('party_branch_task_member_pk', ['task_id', 'member_id'])
      .execute();
    await db.schema.createIndex('party_branch_task_member_member').on('party_branch_task_member').columns(['member_id', 'status']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_branch_task_member', 'party_branch_task', 'party_branch_comment', 'party_branch_post', 'party_branch_notice']) await db.schema.dropTable(t).execute();
  },
};
