import type { Kysely, Migration } from 'kysely';

/**
 * Consents: why one was withdrawn (`withdraw_reason`, personal numbers masked before they are
 * stored), and the signed consent form as an uploaded attachment (`evidence_attachment_id`,
 * also recorded in `attachment_use` so a download's access check is a keyed lookup).
 */
export const consentWithdrawReasonAndEvidence: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('exchange_consent').addColumn('withdraw_reason', 'text').execute();
    await db.schema.alterTable('exchange_consent').addColumn('evidence_attachment_id', 'text', (c) => c.references('attachment.id')).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('exchange_consent').dropColumn('evidence_attachment_id').execute();
    await db.schema.alterTable('exchange_consent').dropColumn('withdraw_reason').execute();
  },
};
