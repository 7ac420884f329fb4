import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 志愿服务时长: one service record per sign-up (check-in, check-out, minutes credited and the
 * ledger journal that credited them), the corrections made to records (each a reversing journal
 * and a new one: the ledger is never edited), and the certificates issued (志愿服务证明), kept as
 * issued so a reprint shows what was certified.
 */
export const createHours: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('volunteer_service_record')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One record per sign-up: a second check-in finds the first (idempotent).
      .addColumn('signup_id', 'text', (c) => c.notNull().unique().references('volunteer_signup.id'))
      .addColumn('opportunity_id', 'text', (c) => c.notNull().references('volunteer_opportunity.id'))
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('check_in_at', 'text', (c) => c.notNull())
      .addColumn('check_in_method', 'text', (c) => c.notNull().check(sql`check_in_method in ('qr', 'leader')`))
      .addColumn('check_in_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('check_out_at', 'text')
      .addColumn('check_out_method', 'text', (c) => c.check(sql`check_out_method in ('qr', 'leader')`))
      .addColumn('check_out_by', 'text', (c) => c.references('app_user.id'))
      // Minutes credited now (0 until checked out); equals the sum of this record's ledger entries.
      .addColumn('credited_minutes', 'integer', (c) => c.notNull().defaultTo(0))
      // The journal that credits them now (null while nothing is credited).
      .addColumn('journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('corrections', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('volunteer_service_record_minutes', sql`credited_minutes >= 0`)
      .execute();
    await db.schema.createIndex('volunteer_service_record_volunteer').on('volunteer_service_record').columns(['volunteer_id', 'check_in_at']).execute();
    await db.schema.createIndex('volunteer_service_record_opportunity').on('volunteer_service_record').columns(['opportunity_id', 'check_in_at']).execute();

    await db.schema
      .createTable('volunteer_hours_correction')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'text', (c) => c.notNull().references('volunteer_service_record.id'))
      .addColumn('old_check_in_at', 'text', (c) => c.notNull())
      .addColumn('old_check_out_at', 'text')
      .addColumn('new_check_in_at', 'text', (c) => c.notNull())
      .addColumn('new_check_out_at', 'text', (c) => c.notNull())
      .addColumn('old_minutes', 'integer', (c) => c.notNull())
      .addColumn('new_minutes', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('reversed_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('new_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('corrected_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('corrected_by_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volunteer_hours_correction_record').on('volunteer_hours_correction').columns(['record_id', 'at']).execute();

    await db.schema
      .createTable('volunteer_certificate')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 证明编号, e.g. ZM2026-00012.
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
      // The issuing node (its staff issued it) and, as printed, the organisation's name.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('issuing_org', 'text', (c) => c.notNull())
      .addColumn('responsible_person', 'text', (c) => c.notNull())
      .addColumn('handler_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('handler_name', 'text', (c) => c.notNull())
      // As certified: name, ID type and masked number, volunteer number.
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id_type', 'text', (c) => c.notNull())
      .addColumn('id_masked', 'text')
      .addColumn('volunteer_number', 'text', (c) => c.notNull())
      // Service days covered (Beijing dates), the total and the items (JSON [{date, title, organiser, minutes}]).
      .addColumn('period_from', 'text', (c) => c.notNull())
      .addColumn('period_to', 'text', (c) => c.notNull())
      .addColumn('total_minutes', 'integer', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('issued_on', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('volunteer_certificate_volunteer').on('volunteer_certificate').columns(['volunteer_id', 'created_at']).execute();
    await db.schema.createIndex('volunteer_certificate_path').on('volunteer_certificate').columns(['org_path', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['volunteer_certificate', 'volunteer_hours_correction', 'volunteer_service_record']) await db.schema.dropTable(t).execute();
  },
};
