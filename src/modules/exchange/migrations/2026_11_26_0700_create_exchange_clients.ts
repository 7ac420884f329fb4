import type { Kysely, Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/** 数据共享交换 part 1: department clients, scoped keys, per-minute request counts, consents. */
export const createExchangeClients: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));
    await db.schema
      .createTable('exchange_client')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_code', 'text', (c) => c.notNull().references('department.code'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('life_events', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_client_department').on('exchange_client').columns(['department_code', 'org_path']).execute();
    await db.schema
      .createTable('exchange_key')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('exchange_client.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('revoke_reason', 'text')
      .addColumn('replaced_by', 'text')
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema.createIndex('exchange_key_client').on('exchange_key').columns(['client_id', 'created_at']).execute();
    await db.schema
      .createTable('exchange_rate')
      .addColumn('key_id', 'text', (c) => c.notNull().references('exchange_key.id'))
      .addColumn('window', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('exchange_rate_pk', ['key_id', 'window'])
      .execute();
    await db.schema
      .createTable('exchange_consent')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
      .addColumn('department_code', 'text', (c) => c.notNull().references('department.code'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text')
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdrawn_by', 'text', (c) => c.references('app_user.id'))
      .execute();
    // What each key read (or was refused), for the department's own page; the audit log has the same.
    await db.schema
      .createTable('exchange_read')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('exchange_client.id'))
      .addColumn('key_id', 'text', (c) => c.notNull().references('exchange_key.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('people', 'integer', (c) => c.notNull())
      .addColumn('detail', 'text')
      .execute();
    await db.schema.createIndex('exchange_read_client').on('exchange_read').columns(['client_id', 'at']).execute();
    await db.schema.createIndex('exchange_consent_person').on('exchange_consent').columns(['person_id', 'department_code']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['exchange_read', 'exchange_consent', 'exchange_rate', 'exchange_key', 'exchange_client']) await db.schema.dropTable(t).execute();
  },
};
