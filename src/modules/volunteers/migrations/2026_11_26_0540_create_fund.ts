import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 互助基金: one fund per community; donations (cash, transfer, in kind with a value), residents'
 * applications for help, the committee's decisions (two approvals by different people), and the
 * disbursements. Money is integer fen and lives only in the platform ledger (`fund:<node>:…`
 * accounts, append-only); these rows say who, why and which receipt, and point at the journal
 * that moved the money. A mistake is a reversing journal (status `reversed`), never an edit.
 */
export const createFund: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('fund')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One fund per community (the public page is /m/fund/<community id>).
      .addColumn('org_node_id', 'text', (c) => c.notNull().unique().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('fund_path').on('fund').column('org_path').execute();

    await db.schema
      .createTable('fund_donation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('fund_id', 'text', (c) => c.notNull().references('fund.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // 收据编号, e.g. JK2026-00012, numbered per fund and year.
      .addColumn('receipt_number', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cash', 'transfer', 'in_kind')`))
      // The amount, or for goods their agreed value, in fen.
      .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
      // For goods: what was given (大米 20 袋 …).
      .addColumn('goods', 'text')
      .addColumn('donor_type', 'text', (c) => c.notNull().check(sql`donor_type in ('person', 'organisation')`))
      .addColumn('donor_name', 'text', (c) => c.notNull())
      // Shown on the public page as 爱心人士 (the name stays on the receipt and for staff).
      .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('received_on', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('journal_id', 'text', (c) => c.notNull().references('ledger_journal.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('recorded', 'reversed')`))
      .addColumn('reversal_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('reversed_reason', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('recorded_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('fund_donation_fund').on('fund_donation').columns(['fund_id', 'received_on']).execute();

    await db.schema
      .createTable('fund_application')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('fund_id', 'text', (c) => c.notNull().references('fund.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // 申请编号, e.g. HZ2026-0003.
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      // Filed by staff for someone (代申请) or by the resident.
      .addColumn('filed_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('applicant_name', 'text', (c) => c.notNull())
      // 大病救助, 临时困难, 灾害救助, 助学, 其他: shown publicly next to the masked name.
      .addColumn('category', 'text', (c) => c.notNull())
      // The hardship in the applicant's words: encrypted (ctx.pii), read by the committee only.
      .addColumn('reason_enc', 'text', (c) => c.notNull())
      .addColumn('amount_asked_fen', 'bigint', (c) => c.notNull().check(sql`amount_asked_fen > 0`))
      .addColumn('approved_fen', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('disbursed_fen', 'bigint', (c) => c.notNull().defaultTo(0))
      // JSON attachment ids (purpose `volunteers.fund-application`).
      .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'approving', 'approved', 'rejected', 'withdrawn', 'disbursed')`))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('fund_application_money', sql`disbursed_fen >= 0 and disbursed_fen <= approved_fen`)
      .execute();
    await db.schema.createIndex('fund_application_fund').on('fund_application').columns(['fund_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('fund_application_person').on('fund_application').columns(['person_id', 'created_at']).execute();

    await db.schema
      .createTable('fund_decision')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) => c.notNull().references('fund_application.id'))
      .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'reject')`))
      .addColumn('amount_fen', 'bigint')
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('decided_by_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    // Two approvals means two people: one decision per person and application.
    await db.schema.createIndex('fund_decision_once').unique().on('fund_decision').columns(['application_id', 'decided_by']).execute();

    await db.schema
      .createTable('fund_disbursement')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('fund_id', 'text', (c) => c.notNull().references('fund.id'))
      .addColumn('application_id', 'text', (c) => c.notNull().references('fund_application.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // 支出凭证号, e.g. ZC2026-0002.
      .addColumn('voucher_number', 'text', (c) => c.notNull().unique())
      .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('cash', 'transfer', 'in_kind')`))
      .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
      .addColumn('paid_on', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('journal_id', 'text', (c) => c.notNull().references('ledger_journal.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('recorded', 'reversed')`))
      .addColumn('reversal_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('reversed_reason', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('recorded_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('fund_disbursement_application').on('fund_disbursement').columns(['application_id', 'created_at']).execute();
    await db.schema.createIndex('fund_disbursement_fund').on('fund_disbursement').columns(['fund_id', 'paid_on']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['fund_disbursement', 'fund_decision', 'fund_application', 'fund_donation', 'fund']) await db.schema.dropTable(t).execute();
  },
};
