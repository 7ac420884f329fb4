import type { Kysely, Migration } from 'kysely';

/**
 * A delivered payload holds personal data the receiver already has; after the retention period
 * the payload is cleared and `pruned_at` says when, while the delivery record itself (who got
 * which change, when) stays for the audit trail.
 */
export const pruneDeliveredPayloads: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('exchange_delivery').addColumn('pruned_at', 'text').execute();
    await db.schema.createIndex('exchange_delivery_delivered').on('exchange_delivery').columns(['status', 'delivered_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('exchange_delivery_delivered').execute();
    await db.schema.alterTable('exchange_delivery').dropColumn('pruned_at').execute();
  },
};
