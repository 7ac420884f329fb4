import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 数据共享交换 part 2: subscriptions, captured changes, webhook deliveries (the outbox) and the
 * capture's watermark. Also time indexes on the registry's person and person_tag rows, which the
 * change capture reads by time (`created_at`, `ended_at`).
 */
export const createExchangeSubscriptions: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('exchange_subscription')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('exchange_client.id'))
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_subscription_event').on('exchange_subscription').columns(['event', 'status']).execute();
    await db.schema
      .createTable('exchange_change')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('tag', 'text')
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('captured_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('exchange_delivery')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_id', 'text', (c) => c.notNull().references('exchange_subscription.id'))
      .addColumn('change_id', 'text', (c) => c.notNull().references('exchange_change.id'))
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('dead_at', 'text')
      .addColumn('replays', 'integer', (c) => c.notNull())
      .addUniqueConstraint('exchange_delivery_once', ['subscription_id', 'change_id'])
      .execute();
    await db.schema.createIndex('exchange_delivery_due').on('exchange_delivery').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('exchange_delivery_subscription').on('exchange_delivery').columns(['subscription_id', 'status', 'created_at']).execute();
    await db.schema
      .createTable('exchange_cursor')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('watermark', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_person_tag_created').on('person_tag').column('created_at').execute();
    await db.schema.createIndex('exchange_person_tag_ended').on('person_tag').column('ended_at').execute();
    await db.schema.createIndex('exchange_person_created').on('person').column('created_at').execute();
    await db.schema.createIndex('exchange_person_ended').on('person').column('ended_at').execute();
  },
  async down(db: Kysely<any>) {
    for (const i of ['exchange_person_tag_created', 'exchange_person_tag_ended', 'exchange_person_created', 'exchange_person_ended']) await db.schema.dropIndex(i).execute();
    for (const t of ['exchange_cursor', 'exchange_delivery', 'exchange_change', 'exchange_subscription']) await db.schema.dropTable(t).execute();
  },
};
