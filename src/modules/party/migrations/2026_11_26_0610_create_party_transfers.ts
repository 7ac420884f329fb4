import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 组织关系转接: a transfer out of a branch (to another organisation in Linli, or outside it with
 * a printed introduction letter) or into one (with the sending organisation's letter), its
 * state and stage clock (`warn_at`/`due_at` for the platform's deadline marks), and every step
 * taken (who, when, from → to, note), one row per version.
 */
export const createPartyTransfers: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('party_transfer')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('out', 'in')`))
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('branch_review', 'committee_review', 'awaiting_receipt', 'completed', 'refused', 'cancelled')`),
      )
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      // Set for a transfer out (and for a transfer in once received).
      .addColumn('member_id', 'text', (c) => c.references('party_member.id'))
      // As the letter prints them (a document keeps what it said).
      .addColumn('member_name', 'text', (c) => c.notNull())
      .addColumn('id_masked', 'text')
      .addColumn('gender', 'text')
      .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('full', 'probationary')`))
      .addColumn('joined_on', 'text', (c) => c.notNull())
      .addColumn('confirmed_on', 'text')
      // Sending side: a branch in Linli, or the name of an organisation outside it.
      .addColumn('from_org_id', 'text', (c) => c.references('party_org.id'))
      .addColumn('from_org_name', 'text', (c) => c.notNull())
      .addColumn('from_party_path', 'text', (c) => pathCol(c))
      .addColumn('from_org_path', 'text', (c) => pathCol(c))
      // Receiving side: a branch in Linli, or the name of an organisation outside it.
      .addColumn('to_org_id', 'text', (c) => c.references('party_org.id'))
      .addColumn('to_org_name', 'text', (c) => c.notNull())
      .addColumn('to_party_path', 'text', (c) => pathCol(c))
      .addColumn('to_org_path', 'text', (c) => pathCol(c))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      // 介绍信编号: ours (given at the committee step) for a transfer out; the sender's for one in.
      .addColumn('letter_number', 'text')
      .addColumn('letter_valid_days', 'integer', (c) => c.notNull())
      .addColumn('letter_valid_until', 'text')
      // 党费交至 YYYY-MM.
      .addColumn('dues_paid_until', 'text')
      .addColumn('started_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('started_by_name', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      // The running stage's clock (platform deadline marks).
      .addColumn('warn_at', 'text')
      .addColumn('warned_at', 'text')
      .addColumn('due_at', 'text')
      .addColumn('overdue_at', 'text')
      .addColumn('refusal_reason', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_transfer_from').on('party_transfer').columns(['from_party_path', 'state']).execute();
    await db.schema.createIndex('party_transfer_to').on('party_transfer').columns(['to_party_path', 'state']).execute();
    await db.schema.createIndex('party_transfer_person').on('party_transfer').columns(['person_id', 'started_at']).execute();
    await db.schema.createIndex('party_transfer_due').on('party_transfer').columns(['state', 'due_at']).execute();
    await db.schema.createIndex('party_transfer_warn').on('party_transfer').columns(['state', 'warn_at']).execute();
    await db.schema.createIndex('party_transfer_letter').on('party_transfer').columns(['letter_number']).execute();

    await db.schema
      .createTable('party_transfer_step')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('transfer_id', 'text', (c) => c.notNull().references('party_transfer.id'))
      // The transfer's version this step produced: two steps on one version cannot both land.
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('actor_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addUniqueConstraint('party_transfer_step_version', ['transfer_id', 'version'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_transfer_step', 'party_transfer']) await db.schema.dropTable(t).execute();
  },
};
