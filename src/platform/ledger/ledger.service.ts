import type { Transaction } from 'kysely';
import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { toBool } from '../db/dialect.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import { newId } from '../ids.js';
import type { LedgerAccountKind, LedgerUnit } from './ledger.table.js';
import * as repo from './ledger.repository.js';

/**
 * Double-entry ledger (台账) for volunteer minutes, points and the mutual-aid fund (互助基金, in fen).
 * Append-only: a journal is posted once and corrected only by its reversal; the database
 * refuses UPDATE and DELETE on journals and entries. Balances are derived: SUM of entries.
 *
 * Sign convention: debit positive, credit negative. A balance is shown in the account's normal
 * direction (assets and expenses by debit, the rest by credit), so a volunteer's points account
 * (a liability of the community) with 100 points earned shows +100.
 *
 * These functions take the caller's executor so a business change and its ledger posting commit
 * together; the caller audits its use case (`appendAudit`) in that same transaction.
 */

export const LEDGER_UNITS: LedgerUnit[] = ['minutes', 'points', 'fen'];

const NORMAL_SIGN: Record<LedgerAccountKind, 1 | -1> = { asset: 1, expense: 1, liability: -1, income: -1, equity: -1 };

export function normalBalance(kind: LedgerAccountKind, rawSum: number): number {
  return NORMAL_SIGN[kind] * rawSum || 0; // `|| 0` turns -0 into 0
}

export interface AccountSpec {
  code: string;
  kind: LedgerAccountKind;
  unit: LedgerUnit;
  ownerType?: string | null;
  ownerId?: string | null;
  orgNodeId?: string | null;
  /** Whether the balance may go below zero (clearing accounts); members' and cash accounts may not. */
  allowNegative?: boolean;
  at?: Date;
}

export interface PostLine {
  accountCode: string;
  /** Integer, non-zero: debit positive, credit negative. */
  amount: number;
  /** If given, must be the account's unit (a guard against posting fen into a points account). */
  unit?: LedgerUnit;
}

export interface PostInput {
  memo: string;
  /** What caused the posting, e.g. `{ type: 'volunteer.checkout', id }`. */
  source?: { type: string; id: string } | null;
  lines: PostLine[];
  createdBy?: string | null;
  /** Pass `ctx.now()`; defaults to the wall clock. */
  at?: Date;
}

export interface PostedJournal {
  id: string;
  at: string;
  memo: string;
  sourceType: string | null;
  sourceId: string | null;
  reversesId: string | null;
  createdBy: string | null;
  entries: { accountCode: string; amount: number; unit: LedgerUnit }[];
}

addMessages({
  'error.LEDGER_ACCOUNT_NOT_FOUND': { 'zh-CN': '台账科目不存在：{account}', en: 'No such ledger account: {account}' },
  'error.LEDGER_ACCOUNT_CONFLICT': {
    'zh-CN': '台账科目 {account} 已存在，但类型或单位不同',
    en: 'Ledger account {account} exists with another kind or unit',
  },
  'error.LEDGER_INVALID_AMOUNT': { 'zh-CN': '记账金额须为非零整数', en: 'Ledger amounts must be non-zero integers' },
  'error.LEDGER_UNBALANCED': {
    'zh-CN': '借贷不平衡：单位 {unit} 合计为 {sum}',
    en: 'Debits and credits do not balance: {unit} sums to {sum}',
  },
  'error.LEDGER_UNIT_MISMATCH': {
    'zh-CN': '单位不符：科目 {account} 以 {expected} 记账',
    en: 'Unit mismatch: account {account} is kept in {expected}',
  },
  'error.LEDGER_INSUFFICIENT_BALANCE': {
    'zh-CN': '余额不足：科目 {account} 余额 {balance}，本次需要 {needed}',
    en: 'Insufficient balance: account {account} holds {balance}, this needs {needed}',
  },
  'error.LEDGER_JOURNAL_NOT_FOUND': { 'zh-CN': '记账凭证不存在', en: 'No such ledger journal' },
  'error.LEDGER_ALREADY_REVERSED': { 'zh-CN': '该凭证已冲正，不能重复冲正', en: 'This journal has already been reversed' },
  'error.LEDGER_REVERSAL_NOT_REVERSIBLE': {
    'zh-CN': '冲正凭证不能再冲正，请重新记账',
    en: 'A reversal cannot itself be reversed; post a new journal instead',
  },
});

function inTransaction<T>(db: Executor, fn: (trx: Transaction<Database> | Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Opens an account, or returns the existing one with that code (refusing a different kind or unit). */
export async function ensureAccount(db: Executor, spec: AccountSpec): Promise<repo.LedgerAccount> {
  if (!LEDGER_UNITS.includes(spec.unit)) throw badRequest('VALIDATION_FAILED', {}, { unit: spec.unit });
  await repo.insertAccountIfMissing(db, {
    id: newId(),
    code: spec.code,
    kind: spec.kind,
    unit: spec.unit,
    owner_type: spec.ownerType ?? null,
    owner_id: spec.ownerId ?? null,
    org_node_id: spec.orgNodeId ?? null,
    allow_negative: spec.allowNegative ? 1 : 0,
    created_at: (spec.at ?? new Date()).toISOString(),
  });
  const account = (await repo.getAccountByCode(db, spec.code))!;
  if (account.kind !== spec.kind || account.unit !== spec.unit) throw conflict('LEDGER_ACCOUNT_CONFLICT', { account: spec.code });
  return account;
}

/**
 * Posts a balanced journal. Refuses (and writes nothing) when: an amount is not a non-zero
 * integer, an account is unknown, a line's unit is not its account's, the lines do not sum to
 * zero per unit, or an account that may not go negative would. The last check holds under
 * concurrent posts: the accounts it reads are locked first (see `lockAccounts`).
 */
export function post(db: Executor, input: PostInput): Promise<PostedJournal> {
  return inTransaction(db, (trx) => postIn(trx, input, null));
}

async function postIn(trx: Executor, input: PostInput, reversesId: string | null): Promise<PostedJournal> {
  const memo = input.memo.trim();
  if (!memo) throw badRequest('VALIDATION_FAILED', {}, { memo: 'required' });
  if (input.lines.length === 0) throw badRequest('VALIDATION_FAILED', {}, { lines: 'required' });
  for (const line of input.lines) {
    if (!Number.isSafeInteger(line.amount) || line.amount === 0) throw badRequest('LEDGER_INVALID_AMOUNT');
  }

  const codes = [...new Set(input.lines.map((l) => l.accountCode))];
  const accounts = new Map((await repo.getAccountsByCodes(trx, codes)).map((a) => [a.code, a]));
  for (const code of codes) if (!accounts.has(code)) throw notFound('LEDGER_ACCOUNT_NOT_FOUND', { account: code });

  const sumPerUnit = new Map<LedgerUnit, number>();
  const netPerAccount = new Map<string, number>();
  for (const line of input.lines) {
    const account = accounts.get(line.accountCode)!;
    if (line.unit && line.unit !== account.unit) {
      throw badRequest('LEDGER_UNIT_MISMATCH', { account: account.code, expected: account.unit });
    }
    sumPerUnit.set(account.unit, (sumPerUnit.get(account.unit) ?? 0) + line.amount);
    netPerAccount.set(account.id, (netPerAccount.get(account.id) ?? 0) + line.amount);
  }
  for (const [unit, sum] of sumPerUnit) if (sum !== 0) throw badRequest('LEDGER_UNBALANCED', { unit, sum });

  // Only accounts that must stay non-negative and lose balance here need the lock and the check:
  // a post that only adds can never break the rule, and hot clearing accounts stay unlocked.
  const guarded = [...accounts.values()].filter(
    (a) => !toBool(a.allow_negative) && NORMAL_SIGN[a.kind] * (netPerAccount.get(a.id) ?? 0) < 0,
  );
  if (guarded.length) {
    await repo.lockAccounts(trx, guarded.map((a) => a.id));
    const sums = await repo.sumByAccount(trx, guarded.map((a) => a.id));
    for (const a of guarded.sort((x, y) => (x.id < y.id ? -1 : 1))) {
      const balance = normalBalance(a.kind, sums.get(a.id) ?? 0);
      const change = normalBalance(a.kind, netPerAccount.get(a.id)!);
      if (balance + change < 0) {
        throw new AppError(409, 'LEDGER_INSUFFICIENT_BALANCE', { account: a.code, balance, needed: -change });
      }
    }
  }

  const at = (input.at ?? new Date()).toISOString();
  const journal = {
    id: newId(),
    at,
    memo,
    source_type: input.source?.type ?? null,
    source_id: input.source?.id ?? null,
    reverses_id: reversesId,
    created_by: input.createdBy ?? null,
  };
  const entries = input.lines.map((line) => {
    const account = accounts.get(line.accountCode)!;
    return { id: newId(), journal_id: journal.id, account_id: account.id, amount: line.amount, unit: account.unit };
  });
  try {
    await repo.insertJournal(trx, journal, entries);
  } catch (e) {
    if (reversesId && isUniqueViolation(e)) throw conflict('LEDGER_ALREADY_REVERSED');
    throw e;
  }
  return {
    id: journal.id,
    at,
    memo,
    sourceType: journal.source_type,
    sourceId: journal.source_id,
    reversesId,
    createdBy: journal.created_by,
    entries: entries.map((e, i) => ({ accountCode: input.lines[i]!.accountCode, amount: e.amount, unit: e.unit })),
  };
}

/**
 * Posts the mirror of a journal (every amount negated), once. The reversal goes through the same
 * checks: reversing points a volunteer has already spent is refused, not driven negative.
 */
export function reverse(
  db: Executor,
  journalId: string,
  reason: string,
  opts: { createdBy?: string | null; at?: Date } = {},
): Promise<PostedJournal> {
  return inTransaction(db, async (trx) => {
    const original = await repo.getJournal(trx, journalId);
    if (!original) throw notFound('LEDGER_JOURNAL_NOT_FOUND');
    if (original.reverses_id) throw conflict('LEDGER_REVERSAL_NOT_REVERSIBLE');
    if (await repo.getReversalOf(trx, journalId)) throw conflict('LEDGER_ALREADY_REVERSED');
    const entries = await repo.getJournalEntries(trx, journalId);
    return postIn(
      trx,
      {
        memo: `冲正 / reversal: ${reason.trim() || original.memo}`,
        source: original.source_type && original.source_id ? { type: original.source_type, id: original.source_id } : null,
        lines: entries.map((e) => ({ accountCode: e.account_code, amount: -Number(e.amount), unit: e.unit })),
        createdBy: opts.createdBy,
        at: opts.at,
      },
      journalId,
    );
  });
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface AccountBalance {
  code: string;
  kind: LedgerAccountKind;
  unit: LedgerUnit;
  /** In the account's normal direction (see the sign convention above). */
  balance: number;
}

/** Balances of several accounts in one query; unknown codes are absent from the result. */
export async function balances(db: Executor, codes: string[]): Promise<Map<string, AccountBalance>> {
  const accounts = await repo.getAccountsByCodes(db, [...new Set(codes)]);
  const sums = await repo.sumByAccount(db, accounts.map((a) => a.id));
  return new Map(
    accounts.map((a) => [a.code, { code: a.code, kind: a.kind, unit: a.unit, balance: normalBalance(a.kind, sums.get(a.id) ?? 0) }]),
  );
}

export async function balanceOf(db: Executor, code: string): Promise<AccountBalance> {
  const found = (await balances(db, [code])).get(code);
  if (!found) throw notFound('LEDGER_ACCOUNT_NOT_FOUND', { account: code });
  return found;
}

export async function getJournal(db: Executor, id: string): Promise<PostedJournal> {
  const j = await repo.getJournal(db, id);
  if (!j) throw notFound('LEDGER_JOURNAL_NOT_FOUND');
  const entries = await repo.getJournalEntries(db, id);
  return {
    id: j.id,
    at: j.at,
    memo: j.memo,
    sourceType: j.source_type,
    sourceId: j.source_id,
    reversesId: j.reverses_id,
    createdBy: j.created_by,
    entries: entries.map((e) => ({ accountCode: e.account_code, amount: Number(e.amount), unit: e.unit })),
  };
}

/** An account's statement, newest first; `amount` is shown in the account's normal direction. */
export async function statement(db: Executor, code: string, page: { limit: number; offset: number }) {
  const account = await repo.getAccountByCode(db, code);
  if (!account) throw notFound('LEDGER_ACCOUNT_NOT_FOUND', { account: code });
  const [rows, total, sums] = await Promise.all([
    repo.listAccountEntries(db, account.id, page),
    repo.countAccountEntries(db, account.id),
    repo.sumByAccount(db, [account.id]),
  ]);
  return {
    account: { code: account.code, kind: account.kind, unit: account.unit, balance: normalBalance(account.kind, sums.get(account.id) ?? 0) },
    total,
    items: rows.map((r) => ({
      journalId: r.journal_id,
      at: r.at,
      memo: r.memo,
      sourceType: r.source_type,
      sourceId: r.source_id,
      reversesId: r.reverses_id,
      amount: normalBalance(account.kind, Number(r.amount)),
    })),
  };
}
