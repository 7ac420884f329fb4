import { sql, type Kysely, type Migration } from 'kysely';
import { bigintType, dialectOf } from '../db/dialect.js';

/** Tables of the notification centre, file attachments and the ledger. */
export const notifyFilesLedger: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);

    // ── notification centre ───────────────────────────────────────────────
    await db.schema
      .createTable('notification')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .execute();
    await db.schema.createIndex('notification_user_created').on('notification').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('notification_user_read').on('notification').columns(['user_id', 'read_at']).execute();

    await db.schema
      .createTable('notification_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('notification_id', 'text', (c) => c.notNull().references('notification.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      // A reference (`user:<id>`), resolved by the channel at send time: phone numbers and
      // WeChat openids are not copied into a queue table.
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('notification_outbox_due').on('notification_outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('notification_outbox_notification').on('notification_outbox').column('notification_id').execute();

    // ── file attachments ──────────────────────────────────────────────────
    await db.schema
      .createTable('attachment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', bigintType(dialect), (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('original_name', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('org_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('attachment_owner').on('attachment').columns(['owner_user_id', 'created_at']).execute();
    await db.schema.createIndex('attachment_sha256').on('attachment').column('sha256').execute();
    await db.schema.createIndex('attachment_org_node').on('attachment').column('org_node_id').execute();

    // ── ledger (台账: hours, points, 互助基金) ──────────────────────────────
    await db.schema
      .createTable('ledger_account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('asset','liability','income','expense','equity')`))
      .addColumn('unit', 'text', (c) => c.notNull().check(sql`unit in ('minutes','points','fen')`))
      .addColumn('owner_type', 'text')
      .addColumn('owner_id', 'text')
      .addColumn('org_node_id', 'text', (c) => c.references('org_node.id'))
      .addColumn('allow_negative', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ledger_account_owner').on('ledger_account').columns(['owner_type', 'owner_id']).execute();

    await db.schema
      .createTable('ledger_journal')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('memo', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text')
      .addColumn('source_id', 'text')
      // Unique: a journal is reversed at most once, even by two racing requests.
      .addColumn('reverses_id', 'text', (c) => c.unique().references('ledger_journal.id'))
      .addColumn('created_by', 'text')
      .execute();
    await db.schema.createIndex('ledger_journal_source').on('ledger_journal').columns(['source_type', 'source_id']).execute();
    await db.schema.createIndex('ledger_journal_at').on('ledger_journal').column('at').execute();

    await db.schema
      .createTable('ledger_entry')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('journal_id', 'text', (c) => c.notNull().references('ledger_journal.id'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_account.id'))
      .addColumn('amount', bigintType(dialect), (c) => c.notNull().check(sql`amount <> 0`))
      .addColumn('unit', 'text', (c) => c.notNull())
      .execute();
    // Balances are SUM(amount) per account: (account_id, amount) lets PostgreSQL answer from the index alone.
    await db.schema.createIndex('ledger_entry_account').on('ledger_entry').columns(['account_id', 'amount']).execute();
    await db.schema.createIndex('ledger_entry_journal').on('ledger_entry').column('journal_id').execute();

    // A ledger that can be edited is not a ledger: corrections are reversals, for every role.
    if (dialect === 'postgres') {
      await sql`CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`.execute(db);
      for (const table of ['ledger_journal', 'ledger_entry']) {
        await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
          FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`.execute(db);
        await sql`CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`.execute(db);
      }
    } else {
      for (const table of ['ledger_journal', 'ledger_entry']) {
        await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE ON ${sql.table(table)}
          BEGIN SELECT RAISE(ABORT, ${sql.lit(`${table} is append-only`)}); END`.execute(db);
        await sql`CREATE TRIGGER ${sql.raw(`${table}_no_delete`)} BEFORE DELETE ON ${sql.table(table)}
          BEGIN SELECT RAISE(ABORT, ${sql.lit(`${table} is append-only`)}); END`.execute(db);
      }
    }
  },
  async down() {
    throw new Error('the ledger is append-only and cannot be rolled back');
  },
};
