import type { Executor } from '../../platform/db/database.js';
import { badRequest } from '../../platform/errors.js';
import * as ledger from '../../platform/ledger/ledger.service.js';

/**
 * The ledger accounts of points (积分, unit `points`, src/platform/ledger). A holder's points are
 * what the community owes them: a liability account per holder (a registry person, or a volunteer
 * without a registry record), which may never go below zero. Points are issued by an org node
 * (its expense account `points:issued:<orgNodeId>`) and spent at that node's 爱心超市 (its income
 * account `points:redeemed:<orgNodeId>`); both of those are clearing accounts and may go negative.
 *
 * This file is imported by other modules (party building awards points too): keep its API stable.
 * Every function takes the caller's executor so a business change and its posting commit together;
 * the caller audits its own use case.
 */

export type PointsHolder = { personId: string } | { volunteerId: string };

export function pointsAccountCode(holder: PointsHolder): string {
  return 'personId' in holder ? `points:person:${holder.personId}` : `points:volunteer:${holder.volunteerId}`;
}

/** The org node's expense account of points issued (debited when points are earned). */
export const pointsIssuedAccountCode = (orgNodeId: string) => `points:issued:${orgNodeId}`;
/** The org node's income account of points spent at its 爱心超市 (credited when points are spent). */
export const pointsRedeemedAccountCode = (orgNodeId: string) => `points:redeemed:${orgNodeId}`;

function holderOwner(holder: PointsHolder): { ownerType: string; ownerId: string } {
  return 'personId' in holder ? { ownerType: 'person', ownerId: holder.personId } : { ownerType: 'volunteer', ownerId: holder.volunteerId };
}

/** Opens the holder's points account (a liability that may not go negative); idempotent. */
export async function ensurePointsAccount(db: Executor, holder: PointsHolder, at: Date): Promise<string> {
  const code = pointsAccountCode(holder);
  await ledger.ensureAccount(db, { code, kind: 'liability', unit: 'points', ...holderOwner(holder), allowNegative: false, at });
  return code;
}

async function ensureNodeAccount(db: Executor, code: string, kind: 'expense' | 'income', orgNodeId: string, at: Date) {
  await ledger.ensureAccount(db, { code, kind, unit: 'points', ownerType: 'org_node', ownerId: orgNodeId, orgNodeId, allowNegative: true, at });
}

function checkAmount(amount: number) {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw badRequest('LEDGER_INVALID_AMOUNT');
}

export interface EarnPointsInput {
  holder: PointsHolder;
  /** Positive integer points. */
  amount: number;
  /** The node that awards (and bears) the points. */
  orgNodeId: string;
  /** What earned them, e.g. `{ type: 'volunteer.hours', id: recordId }` or `{ type: 'party.activity', id }`. */
  source: { type: string; id: string };
  memo: string;
  createdBy: string | null;
  at: Date;
}

/** Awards points: debit `points:issued:<orgNodeId>`, credit the holder's account. Opens accounts as needed. */
export async function earnPoints(db: Executor, input: EarnPointsInput): Promise<{ journalId: string }> {
  checkAmount(input.amount);
  const holderCode = await ensurePointsAccount(db, input.holder, input.at);
  const issued = pointsIssuedAccountCode(input.orgNodeId);
  await ensureNodeAccount(db, issued, 'expense', input.orgNodeId, input.at);
  const journal = await ledger.post(db, {
    memo: input.memo,
    source: input.source,
    lines: [
      { accountCode: issued, amount: input.amount, unit: 'points' },
      { accountCode: holderCode, amount: -input.amount, unit: 'points' },
    ],
    createdBy: input.createdBy,
    at: input.at,
  });
  return { journalId: journal.id };
}

/**
 * Spends points at an org node's 爱心超市: debit the holder's account, credit
 * `points:redeemed:<orgNodeId>`. Refused with 409 LEDGER_INSUFFICIENT_BALANCE (writing nothing)
 * when the holder has fewer points, also under concurrent spending (the ledger locks the account).
 */
export async function spendPoints(
  db: Executor,
  input: Omit<EarnPointsInput, 'orgNodeId'> & { orgNodeId: string },
): Promise<{ journalId: string }> {
  checkAmount(input.amount);
  const holderCode = await ensurePointsAccount(db, input.holder, input.at);
  const redeemed = pointsRedeemedAccountCode(input.orgNodeId);
  await ensureNodeAccount(db, redeemed, 'income', input.orgNodeId, input.at);
  const journal = await ledger.post(db, {
    memo: input.memo,
    source: input.source,
    lines: [
      { accountCode: holderCode, amount: input.amount, unit: 'points' },
      { accountCode: redeemed, amount: -input.amount, unit: 'points' },
    ],
    createdBy: input.createdBy,
    at: input.at,
  });
  return { journalId: journal.id };
}

/** Points held by each holder, keyed by `pointsAccountCode(holder)` (0 without an account). */
export async function pointsBalances(db: Executor, holders: readonly PointsHolder[]): Promise<Map<string, number>> {
  const codes = holders.map(pointsAccountCode);
  const found = await ledger.balances(db, codes);
  return new Map(codes.map((code) => [code, found.get(code)?.balance ?? 0]));
}
