import { type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 纠纷调解: cases of the 人民调解委员会 with their parties, mediators, sessions, agreement and
 * history. Confidential: every free text (summary, records, agreement, notes) is stored
 * encrypted like ID and phone numbers, and who may see a case is a row of `mediation_member`
 * (registrar, assigner, lead, helper) or a party link, never the subtree alone.
 */
export const createMediation: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('mediation_case')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 西调〔2026〕第12号: the community's first character, the Beijing year, a number per community and year.
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('community_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('summary_enc', 'text', (c) => c.notNull())
      // walk_in | referral | event:<id>
      .addColumn('source', 'text', (c) => c.notNull())
      // One case per event: the unique key refuses a second (also two at the same instant).
      .addColumn('source_event_id', 'text', (c) => c.unique().references('grid_event.id'))
      .addColumn('referral_from', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('outcome_note_enc', 'text')
      .addColumn('follow_up_enc', 'text')
      .addColumn('accepted_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('registered_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mediation_case_path_status').on('mediation_case').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('mediation_number_seq')
      // `<community id>:<year>`
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();

    // Who may see the case besides its parties: registrar, assigner(s), lead and helpers.
    await db.schema
      .createTable('mediation_member')
      .addColumn('case_id', 'text', (c) => c.notNull().references('mediation_case.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .addPrimaryKeyConstraint('mediation_member_pk', ['case_id', 'user_id', 'role'])
      .execute();
    await db.schema.createIndex('mediation_member_user').on('mediation_member').columns(['user_id', 'case_id']).execute();

    await db.schema
      .createTable('mediation_party')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('mediation_case.id'))
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone_enc', 'text')
      .addColumn('phone_idx', 'text')
      .addColumn('phone_prefix', 'text')
      .addColumn('phone_tail', 'text')
      .addColumn('note', 'text')
      .addColumn('added_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .execute();
    await db.schema.createIndex('mediation_party_case').on('mediation_party').columns(['case_id']).execute();
    await db.schema.createIndex('mediation_party_person').on('mediation_party').columns(['person_id']).execute();

    await db.schema
      .createTable('mediation_session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('mediation_case.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('held_at', 'text', (c) => c.notNull())
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('attendees_enc', 'text', (c) => c.notNull())
      .addColumn('record_enc', 'text', (c) => c.notNull())
      .addColumn('next_step_enc', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('mediation_session_seq', ['case_id', 'seq'])
      .execute();

    await db.schema
      .createTable('mediation_agreement')
      .addColumn('case_id', 'text', (c) => c.primaryKey().references('mediation_case.id'))
      .addColumn('text_enc', 'text', (c) => c.notNull())
      // JSON array of the terms (each an obligation: who does what by when), encrypted.
      .addColumn('terms_enc', 'text', (c) => c.notNull())
      .addColumn('performance_deadline', 'text')
      .addColumn('signed_on', 'text')
      .addColumn('performed', 'integer')
      .addColumn('performance_note_enc', 'text')
      .addColumn('performance_recorded_at', 'text')
      .addColumn('updated_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // The case's history: every change, one row per version (who, when, from → to, a note).
    await db.schema
      .createTable('mediation_step')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('mediation_case.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('note_enc', 'text')
      .addColumn('actor_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('actor_name', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addUniqueConstraint('mediation_step_version', ['case_id', 'version'])
      .execute();

    await db.schema
      .createTable('mediation_attachment')
      .addColumn('case_id', 'text', (c) => c.notNull().references('mediation_case.id'))
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('added_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mediation_attachment_pk', ['case_id', 'attachment_id'])
      .execute();
    await db.schema.createIndex('mediation_attachment_file').on('mediation_attachment').columns(['attachment_id']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['mediation_attachment', 'mediation_step', 'mediation_agreement', 'mediation_session', 'mediation_party', 'mediation_member', 'mediation_number_seq', 'mediation_case']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
