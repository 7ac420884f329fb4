import { sql, type Kysely } from 'kysely';
import type { Executor } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import type { LedgerAccountTable, LedgerEntryTable, LedgerJournalTable } from './ledger.table.js';
import './ledger.table.js';

/** The only SQL of the ledger. Nothing here updates or deletes a journal or an entry. */

export type LedgerAccount = LedgerAccountTable;

export function getAccountsByCodes(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as LedgerAccount[]);
  return db.selectFrom('ledger_account').selectAll().where('code', 'in', codes).execute();
}

export function getAccountByCode(db: Executor, code: string) {
  return db.selectFrom('ledger_account').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Inserts the account unless its code exists (both dialects: ON CONFLICT DO NOTHING). */
export async function insertAccountIfMissing(db: Executor, row: LedgerAccount) {
  await db.insertInto('ledger_account').values(row).onConflict((oc) => oc.column('code').doNothing()).execute();
}

/**
 * Takes the write lock on accounts whose balance is about to be checked, in id order so two
 * posts touching the same accounts can never deadlock. PostgreSQL: row locks (FOR UPDATE), one
 * by one so the order is the one we chose. SQLite: a no-op write takes the database's single
 * write lock before the balance is read, so the read cannot go stale before our insert.
 */
export async function lockAccounts(db: Executor, ids: string[]) {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return;
  if (dialectOf(db as unknown as Kysely<unknown>) === 'postgres') {
    for (const id of sorted) {
      await db.selectFrom('ledger_account').select('id').where('id', '=', id).forUpdate().execute();
    }
  } else {
    await db.updateTable('ledger_account').set({ allow_negative: sql`allow_negative` }).where('id', 'in', sorted).execute();
  }
}

/** Raw sums (debit positive) per account id; accounts without entries are absent. */
export async function sumByAccount(db: Executor, accountIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('ledger_entry')
    .select(['account_id', sql<number>`coalesce(sum(amount), 0)`.as('total')])
    .where('account_id', 'in', accountIds)
    .groupBy('account_id')
    .execute();
  for (const r of rows) out.set(r.account_id, Number(r.total));
  return out;
}

export async function insertJournal(db: Executor, journal: LedgerJournalTable, entries: LedgerEntryTable[]) {
  await db.insertInto('ledger_journal').values(journal).execute();
  await db.insertInto('ledger_entry').values(entries).execute();
}

export function getJournal(db: Executor, id: string) {
  return db.selectFrom('ledger_journal').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getReversalOf(db: Executor, journalId: string) {
  return db.selectFrom('ledger_journal').selectAll().where('reverses_id', '=', journalId).executeTakeFirst();
}

export function getJournalEntries(db: Executor, journalId: string) {
  return db
    .selectFrom('ledger_entry')
    .innerJoin('ledger_account', 'ledger_account.id', 'ledger_entry.account_id')
    .select(['ledger_entry.id', 'ledger_entry.amount', 'ledger_entry.unit', 'ledger_account.code as account_code'])
    .where('ledger_entry.journal_id', '=', journalId)
    // Debits first, as a voucher (记账凭证) is written.
    .orderBy('ledger_entry.amount', 'desc')
    .orderBy('ledger_account.code')
    .execute();
}

/** An account's entries, newest first, with their journal: the statement a volunteer sees. */
export function listAccountEntries(db: Executor, accountId: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('ledger_entry')
    .innerJoin('ledger_journal', 'ledger_journal.id', 'ledger_entry.journal_id')
    .select([
      'ledger_entry.id',
      'ledger_entry.amount',
      'ledger_entry.unit',
      'ledger_journal.id as journal_id',
      'ledger_journal.at',
      'ledger_journal.memo',
      'ledger_journal.source_type',
      'ledger_journal.source_id',
      'ledger_journal.reverses_id',
    ])
    .where('ledger_entry.account_id', '=', accountId)
    .orderBy('ledger_journal.at', 'desc')
    .orderBy('ledger_entry.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAccountEntries(db: Executor, accountId: string) {
  const r = await db.selectFrom('ledger_entry').select(sql<number>`count(*)`.as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(r.n);
}
