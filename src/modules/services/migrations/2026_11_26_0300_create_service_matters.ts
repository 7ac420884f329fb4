import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 办事指南: groups, matters (a row mirroring the published version for lists), every version
 * of each matter's content (修订记录), and the search terms of the published versions.
 */
export const createServiceMatters: Migration = {
  async up(db: Kysely<any>) {
    const bytewise = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('service_matter_group')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('icon', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('service_matter')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('group_code', 'text', (c) => c.notNull().references('service_matter_group.code'))
      .addColumn('org_node_id', 'text', (c) => c.references('org_node.id'))
      // '' for the deployment-wide catalogue: every subtree filter still is a range on one column.
      .addColumn('org_path', 'text', (c) => bytewise(c.notNull().defaultTo('')))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('published_version', 'integer')
      .addColumn('latest_version', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('time_limit_days', 'integer', (c) => c.notNull())
      .addColumn('free', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('published_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('service_matter_group_sort').on('service_matter').columns(['group_code', 'sort']).execute();
    await db.schema.createIndex('service_matter_owner').on('service_matter').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('service_matter_version')
      .addColumn('matter_id', 'text', (c) => c.notNull().references('service_matter.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_by_name', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addColumn('published_by_name', 'text')
      .addPrimaryKeyConstraint('service_matter_version_pk', ['matter_id', 'version'])
      .execute();

    await db.schema
      .createTable('service_matter_term')
      // Compared byte-wise: a pinyin prefix is a range scan on both databases.
      .addColumn('term', 'text', (c) => bytewise(c.notNull()))
      .addColumn('matter_id', 'text', (c) => c.notNull().references('service_matter.id'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('weight', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_matter_term_pk', ['term', 'matter_id', 'field'])
      .execute();
    await db.schema.createIndex('service_matter_term_matter').on('service_matter_term').column('matter_id').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('service_matter_term').execute();
    await db.schema.dropTable('service_matter_version').execute();
    await db.schema.dropTable('service_matter').execute();
    await db.schema.dropTable('service_matter_group').execute();
  },
};
