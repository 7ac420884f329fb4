import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 党组织与党员: the party tree 党委 → 党总支 → 党支部 → 党小组 (its own materialised path, each
 * organisation attached to an org node, usually the community), the members on the rolls —
 * linked to their registry person, never a copy of their identity — with the posts they hold,
 * and roster imports with their rejected rows. Numbers (介绍信编号) come from `party_number_seq`.
 * Later party tables (online branch, good deeds, points) reference `party_org` and `party_member`.
 */
export const createPartyOrgs: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('party_number_seq')
      // `<committee id>:transfer:<year>`
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('party_org')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('parent_id', 'text', (c) => c.references('party_org.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('committee', 'general_branch', 'branch', 'group')`))
      .addColumn('name', 'text', (c) => c.notNull())
      // Party-tree path `/id/id/`: an organisation and everything under it is one range.
      .addColumn('path', 'text', (c) => pathCol(c.notNull().unique()))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      // The org node's path: staff reach the organisation through their grant on it.
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('established_on', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'dissolved')`))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_org_org_path').on('party_org').columns(['org_path']).execute();
    await db.schema.createIndex('party_org_parent').on('party_org').columns(['parent_id', 'sort']).execute();

    await db.schema
      .createTable('party_member')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One record per person: a member who leaves and comes back is the same record again.
      .addColumn('person_id', 'text', (c) => c.notNull().unique().references('person.id'))
      // The branch (党支部) whose rolls they are on, and optionally their 党小组 in it.
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('group_id', 'text', (c) => c.references('party_org.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('full', 'probationary')`))
      // 入党时间 and 转正时间 (YYYY-MM-DD).
      .addColumn('joined_on', 'text', (c) => c.notNull())
      .addColumn('confirmed_on', 'text')
      // 流动党员: where they are now (city, employer), since when.
      .addColumn('is_mobile', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('mobile_location', 'text')
      .addColumn('mobile_since', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'transferred_out', 'ended')`))
      .addColumn('ended_on', 'text')
      .addColumn('end_reason', 'text')
      .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('manual', 'import', 'transfer_in')`))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_member_org').on('party_member').columns(['org_id', 'status']).execute();
    await db.schema.createIndex('party_member_group').on('party_member').columns(['group_id']).execute();
    await db.schema.createIndex('party_member_party_path').on('party_member').columns(['party_path', 'status']).execute();

    // 书记, 副书记, 组织委员 … of an organisation; ended posts keep their dates.
    await db.schema
      .createTable('party_member_post')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('post', 'text', (c) => c.notNull())
      .addColumn('from_on', 'text', (c) => c.notNull())
      .addColumn('to_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_member_post_member').on('party_member_post').columns(['member_id', 'to_on']).execute();
    await db.schema.createIndex('party_member_post_org').on('party_member_post').columns(['org_id', 'to_on']).execute();

    await db.schema
      .createTable('party_import')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      // The organisation imported into (a committee or a branch) and its org path.
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('columns', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
      .addColumn('total_rows', 'integer')
      .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
      // The sheet row up to which rows are committed (a rerun continues after it).
      .addColumn('last_row', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('runner', 'text')
      .addColumn('heartbeat_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('party_import_creator').on('party_import').columns(['created_by', 'created_at']).execute();

    await db.schema
      .createTable('party_import_rejection')
      .addColumn('import_id', 'text', (c) => c.notNull().references('party_import.id'))
      .addColumn('row_number', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      // The row as read, numbers masked (JSON header → text).
      .addColumn('raw', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('party_import_rejection_pk', ['import_id', 'row_number'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_import_rejection', 'party_import', 'party_member_post', 'party_member', 'party_org', 'party_number_seq']) await db.schema.dropTable(t).execute();
  },
};
