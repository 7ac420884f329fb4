import type { Executor } from '../../platform/db/database.js';
import * as ledger from '../../platform/ledger/ledger.service.js';

/**
 * The ledger accounts of the time bank (unit `minutes`, src/platform/ledger), never the
 * volunteers' service minutes (`volunteer:…`):
 *
 * - `timebank:member:<memberId>`: a member's hours, a liability of the bank, **allowNegative = false**:
 *   nobody spends or promises hours they do not have (the ledger refuses the post).
 * - `timebank:escrow:<exchangeId>`: the hours of one exchange while it is open (冻结). Held from
 *   the requester when a neighbour takes the need (or the requester books an offer), paid to the
 *   helper on confirmation, or back to the requester; never negative, so it can be settled once.
 * - `timebank:grant:<communityId>`: the community's starting grant, an expense account that may go
 *   negative: each new member gets `STARTING_MINUTES` from it when joining (one journal, sourced
 *   `timebank.join`), so a neighbour can ask for help before having helped anyone.
 */
export const memberAccountCode = (memberId: string) => `timebank:member:${memberId}`;
export const escrowAccountCode = (exchangeId: string) => `timebank:escrow:${exchangeId}`;
export const grantAccountCode = (communityId: string) => `timebank:grant:${communityId}`;

export async function openMemberAccounts(db: Executor, opts: { memberId: string; communityId: string; at: Date }) {
  await ledger.ensureAccount(db, { code: grantAccountCode(opts.communityId), kind: 'expense', unit: 'minutes', ownerType: 'org_node', ownerId: opts.communityId, orgNodeId: opts.communityId, allowNegative: true, at: opts.at });
  await ledger.ensureAccount(db, { code: memberAccountCode(opts.memberId), kind: 'liability', unit: 'minutes', ownerType: 'timebank_member', ownerId: opts.memberId, orgNodeId: opts.communityId, allowNegative: false, at: opts.at });
}

export function openEscrow(db: Executor, opts: { exchangeId: string; communityId: string; at: Date }) {
  return ledger.ensureAccount(db, { code: escrowAccountCode(opts.exchangeId), kind: 'liability', unit: 'minutes', ownerType: 'timebank_exchange', ownerId: opts.exchangeId, orgNodeId: opts.communityId, allowNegative: false, at: opts.at });
}

/** Ledger balances (minutes) of these accounts by code; 0 for an account not opened. */
export async function minutesOn(db: Executor, codes: string[]): Promise<Map<string, number>> {
  const found = await ledger.balances(db, codes);
  return new Map(codes.map((c) => [c, found.get(c)?.balance ?? 0]));
}
