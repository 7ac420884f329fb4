import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 党员学习: study materials (an article as plain text, or a link to one) published by a party
 * organisation (a committee, a general branch or a branch) and assigned to its members when it is
 * published, and one reading record per material and member: when they opened it, how long they
 * spent on it and when they finished it (学习记录). The secretary sees who has not read it.
 */
export const createPartyStudy: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('party_study_material')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('article', 'link')`))
      .addColumn('title', 'text', (c) => c.notNull())
      // An article's text (plain text, line breaks kept; never markup), or a link's short introduction.
      .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
      // http(s) only, checked on the way in; null for an article.
      .addColumn('url', 'text')
      // 来源: 人民网, 共产党员网 … (optional).
      .addColumn('source', 'text')
      // How long reading should take, in minutes (a hint shown to members).
      .addColumn('suggested_minutes', 'integer')
      // Read by (Beijing day), optional.
      .addColumn('due_on', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('published', 'withdrawn')`))
      .addColumn('withdraw_reason', 'text')
      .addColumn('assigned_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_study_material_path').on('party_study_material').columns(['party_path', 'created_at']).execute();

    await db.schema
      .createTable('party_study_record')
      .addColumn('material_id', 'text', (c) => c.notNull().references('party_study_material.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('assigned_at', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      // Set once, when the member marks it read.
      .addColumn('read_at', 'text')
      // Time spent reading, summed over the visits the page reported.
      .addColumn('seconds', 'integer', (c) => c.notNull().defaultTo(0).check(sql`seconds >= 0`))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('party_study_record_pk', ['material_id', 'member_id'])
      .execute();
    await db.schema.createIndex('party_study_record_member').on('party_study_record').columns(['member_id', 'read_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_study_record', 'party_study_material']) await db.schema.dropTable(t).execute();
  },
};
