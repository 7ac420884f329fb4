import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 网上申请: one row per application, mirroring its workflow case (state, the running stage's
 * clock and what the deadline job said about it) and the facts statistics count; the files
 * of each step; the BJ number counter per (Beijing) day.
 */
export const createServiceApplications: Migration = {
  async up(db: Kysely<any>) {
    const bytewise = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('service_application')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 申请编号 as read out at the window: BJ + date + sequence.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('matter_id', 'text', (c) => c.notNull().references('service_matter.id'))
      .addColumn('matter_code', 'text', (c) => c.notNull())
      .addColumn('matter_version', 'integer', (c) => c.notNull())
      .addColumn('matter_name', 'text', (c) => c.notNull())
      .addColumn('group_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('workflow_instance_id', 'text', (c) => c.references('workflow_instance.id'))
      // The applicant's grid (or community): staff read and handle it on their subtree.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => bytewise(c.notNull()))
      .addColumn('channel', 'text', (c) => c.notNull())
      // The applicant: the registry person (prefilled, never retyped); numbers only encrypted
      // and masked.
      .addColumn('applicant_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('applicant_person_id', 'text', (c) => c.notNull())
      .addColumn('applicant_name', 'text', (c) => c.notNull())
      .addColumn('applicant_id_enc', 'text')
      .addColumn('applicant_id_masked', 'text')
      .addColumn('applicant_phone_enc', 'text')
      .addColumn('applicant_phone_masked', 'text')
      .addColumn('applicant_address', 'text')
      // 代办: who applied for the resident, and why.
      .addColumn('agent_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('agent_name', 'text')
      .addColumn('agent_reason', 'text')
      .addColumn('form_data', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('paper_materials', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('missing_materials', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('returned_from', 'text')
      .addColumn('assignee_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('last_returned_at', 'text')
      .addColumn('resubmitted_at', 'text')
      .addColumn('return_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refusal_reason', 'text')
      .addColumn('result', 'text')
      .addColumn('stage_started_at', 'text')
      .addColumn('due_at', 'text')
      .addColumn('warn_at', 'text')
      .addColumn('warned_at', 'text')
      .addColumn('overdue_at', 'text')
      // 承诺办结时间: from acceptance, moved by the time spent waiting for corrections.
      .addColumn('promise_due_at', 'text')
      .addColumn('completed_on_time', 'integer')
      .addColumn('rating', 'text')
      .addColumn('rating_comment', 'text')
      .addColumn('rated_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    const idx = (name: string, columns: string[]) => db.schema.createIndex(name).on('service_application').columns(columns).execute();
    await idx('service_application_path_created', ['org_path', 'created_at']);
    await idx('service_application_path_state', ['org_path', 'state', 'due_at']);
    await idx('service_application_state_due', ['state', 'due_at']);
    await idx('service_application_warn', ['warn_at', 'warned_at']);
    await idx('service_application_applicant', ['applicant_user_id', 'created_at']);
    await idx('service_application_person', ['applicant_person_id', 'created_at']);
    await idx('service_application_assignee', ['assignee_user_id', 'state']);
    await idx('service_application_matter', ['matter_id', 'created_at']);
    // One open application per person and matter, held by the database under concurrent submissions.
    await db.schema
      .createIndex('service_application_one_open')
      .on('service_application')
      .columns(['matter_id', 'applicant_person_id'])
      .unique()
      .where(sql.ref('state'), 'in', ['submitted', 'returned', 'accepted', 'approved'])
      .execute();

    await db.schema
      .createTable('service_application_material')
      .addColumn('application_id', 'text', (c) => c.notNull().references('service_application.id'))
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('material_code', 'text', (c) => c.notNull())
      // The step the file came with: submit, resubmit, complete (a result document).
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_application_material_pk', ['application_id', 'attachment_id'])
      .execute();
    await db.schema.createIndex('service_application_material_attachment').on('service_application_material').column('attachment_id').execute();

    await db.schema
      .createTable('service_application_code_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('service_application_code_seq').execute();
    await db.schema.dropTable('service_application_material').execute();
    await db.schema.dropTable('service_application').execute();
  },
};
