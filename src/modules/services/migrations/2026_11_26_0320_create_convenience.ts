import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 便民服务: providers (registered, approved by the community), their offerings, residents'
 * orders with a timeline, 政府购买服务 rules, complaints. Free hours used are posted to the
 * platform ledger (ledger_* tables) in the completion's transaction; the order keeps the
 * journal id and the amounts so the 台账 is a GROUP BY over orders that agrees with the ledger.
 */
export const createConvenience: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('convenience_provider')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('social_org', 'merchant', 'professional')`))
      .addColumn('contact_name', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('licence_note', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'suspended')`))
      .addColumn('status_reason', 'text')
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('applied_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('reviewed_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('reviewed_at', 'text')
      .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('complaints_upheld', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // One provider per provider account.
    await db.schema.createIndex('convenience_provider_user').unique().on('convenience_provider').column('user_id').where(sql<boolean>`user_id is not null`).execute();
    await db.schema.createIndex('convenience_provider_path').on('convenience_provider').columns(['org_path', 'status']).execute();

    await db.schema
      .createTable('convenience_offering')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider_id', 'text', (c) => c.notNull().references('convenience_provider.id'))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('price_fen', 'integer', (c) => c.notNull().check(sql`price_fen >= 0`))
      .addColumn('price_unit', 'text', (c) => c.notNull().check(sql`price_unit in ('次', '小时', '餐')`))
      .addColumn('duration_minutes', 'integer', (c) => c.notNull().check(sql`duration_minutes > 0`))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hidden_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('convenience_offering_provider').on('convenience_offering').columns(['provider_id']).execute();
    await db.schema.createIndex('convenience_offering_path').on('convenience_offering').columns(['org_path', 'category']).execute();

    await db.schema
      .createTable('convenience_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('tag_match', 'text', (c) => c.notNull().check(sql`tag_match in ('any', 'all')`))
      .addColumn('categories', 'text', (c) => c.notNull())
      .addColumn('monthly_minutes', 'integer', (c) => c.notNull().check(sql`monthly_minutes > 0`))
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('convenience_rule_path').on('convenience_rule').columns(['org_path']).execute();

    await db.schema
      .createTable('convenience_order')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('offering_id', 'text', (c) => c.notNull().references('convenience_offering.id'))
      .addColumn('provider_id', 'text', (c) => c.notNull().references('convenience_provider.id'))
      .addColumn('resident_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('person_id', 'text')
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('offering_name', 'text', (c) => c.notNull())
      .addColumn('price_fen', 'integer', (c) => c.notNull())
      .addColumn('price_unit', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer', (c) => c.notNull())
      .addColumn('wanted_at', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('address_source', 'text', (c) => c.notNull().check(sql`address_source in ('registry', 'typed')`))
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('requested', 'accepted', 'declined', 'cancelled', 'in_service', 'completed', 'closed')`),
      )
      .addColumn('quote_rule_id', 'text')
      .addColumn('quote_free_minutes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('accepted_at', 'text')
      .addColumn('declined_reason', 'text')
      .addColumn('started_at', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('quantity', 'integer')
      .addColumn('service_minutes', 'integer')
      .addColumn('total_fen', 'integer')
      .addColumn('rule_id', 'text', (c) => c.references('convenience_rule.id'))
      .addColumn('free_minutes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('free_fen', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('resident_fen', 'integer')
      .addColumn('ledger_month', 'text')
      .addColumn('ledger_journal_id', 'text')
      .addColumn('rating', 'integer', (c) => c.check(sql`rating between 1 and 5`))
      .addColumn('rating_comment', 'text')
      .addColumn('rated_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('cancelled_at', 'text')
      .addColumn('cancel_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('convenience_order_resident').on('convenience_order').columns(['resident_user_id', 'created_at']).execute();
    await db.schema.createIndex('convenience_order_provider').on('convenience_order').columns(['provider_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('convenience_order_path').on('convenience_order').columns(['org_path', 'status', 'created_at']).execute();
    await db.schema.createIndex('convenience_order_month').on('convenience_order').columns(['ledger_month', 'rule_id']).execute();

    await db.schema
      .createTable('convenience_order_event')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('convenience_order.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('actor_role', 'text', (c) => c.notNull().check(sql`actor_role in ('resident', 'provider', 'staff', 'system')`))
      .addColumn('note', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('convenience_order_event_seq').unique().on('convenience_order_event').columns(['order_id', 'seq']).execute();

    await db.schema
      .createTable('convenience_complaint')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().unique().references('convenience_order.id'))
      .addColumn('provider_id', 'text', (c) => c.notNull().references('convenience_provider.id'))
      .addColumn('resident_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted', 'accepted', 'closed')`))
      .addColumn('accepted_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('accepted_at', 'text')
      .addColumn('provider_reply', 'text')
      .addColumn('provider_replied_at', 'text')
      .addColumn('result', 'text')
      .addColumn('upheld', 'integer')
      .addColumn('closed_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('convenience_complaint_path').on('convenience_complaint').columns(['org_path', 'status']).execute();
    await db.schema.createIndex('convenience_complaint_provider').on('convenience_complaint').columns(['provider_id', 'status']).execute();

    await db.schema
      .createTable('convenience_order_code_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['convenience_order_code_seq', 'convenience_complaint', 'convenience_order_event', 'convenience_order', 'convenience_rule', 'convenience_offering', 'convenience_provider']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
