import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 咨询: legal and medical questions, answered by an assigned professional. The subject and
 * every message are stored encrypted (medical questions are sensitive personal information
 * under PIPL art. 28); only the asker and the assigned professional ever see them.
 */
export const createConsultations: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    // Who may be assigned: a lawyer, a doctor … serving a community or a street.
    await db.schema
      .createTable('consultation_professional')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('legal', 'medical')`))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text', (c) => c.notNull())
      .addColumn('intro', 'text')
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consultation_professional_user_kind').unique().on('consultation_professional').columns(['user_id', 'kind']).execute();
    await db.schema.createIndex('consultation_professional_path').on('consultation_professional').columns(['org_path']).execute();

    await db.schema
      .createTable('consultation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 咨询编号 ZX20261201-0003.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('legal', 'medical')`))
      .addColumn('subject_enc', 'text', (c) => c.notNull())
      .addColumn('asker_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('asker_person_id', 'text')
      // The asker's node (their grid): staff assign within their subtree.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'assigned', 'answered', 'closed')`))
      .addColumn('assignee_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('assigned_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('assigned_at', 'text')
      .addColumn('first_answered_at', 'text')
      .addColumn('last_message_at', 'text', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('closed_at', 'text')
      .addColumn('rating', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consultation_asker').on('consultation').columns(['asker_user_id', 'created_at']).execute();
    await db.schema.createIndex('consultation_assignee').on('consultation').columns(['assignee_user_id', 'status', 'last_message_at']).execute();
    await db.schema.createIndex('consultation_path').on('consultation').columns(['org_path', 'status', 'created_at']).execute();

    await db.schema
      .createTable('consultation_message')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('consultation_id', 'text', (c) => c.notNull().references('consultation.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('author_role', 'text', (c) => c.notNull().check(sql`author_role in ('asker', 'professional')`))
      .addColumn('body_enc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consultation_message_seq').unique().on('consultation_message').columns(['consultation_id', 'seq']).execute();

    await db.schema
      .createTable('consultation_code_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('consultation_code_seq').execute();
    await db.schema.dropTable('consultation_message').execute();
    await db.schema.dropTable('consultation').execute();
    await db.schema.dropTable('consultation_professional').execute();
  },
};
