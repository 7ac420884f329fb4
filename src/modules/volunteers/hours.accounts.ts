import type { Executor } from '../../platform/db/database.js';
import * as ledger from '../../platform/ledger/ledger.service.js';

/**
 * The ledger accounts of volunteer time (unit `minutes`, src/platform/ledger). A volunteer's
 * service minutes are what the community owes them in recognition: a liability account per
 * volunteer, credited at each check-out, whose balance (shown positive) is their total time.
 * Its other side is the organising node's expense account of service received. Points, the time
 * bank and the mutual-aid fund (later) open accounts of their own prefixes (`points:…`,
 * `timebank:…`, `fund:…`), never these.
 */
export const minutesAccountCode = (volunteerId: string) => `volunteer:minutes:${volunteerId}`;
export const servedAccountCode = (orgNodeId: string) => `volunteer:served:${orgNodeId}`;

export async function ensureServiceAccounts(db: Executor, opts: { volunteerId: string; orgNodeId: string; at: Date }) {
  await ledger.ensureAccount(db, { code: servedAccountCode(opts.orgNodeId), kind: 'expense', unit: 'minutes', ownerType: 'org_node', ownerId: opts.orgNodeId, orgNodeId: opts.orgNodeId, allowNegative: true, at: opts.at });
  await ledger.ensureAccount(db, { code: minutesAccountCode(opts.volunteerId), kind: 'liability', unit: 'minutes', ownerType: 'volunteer', ownerId: opts.volunteerId, at: opts.at });
}

/** Minutes credited to each volunteer (the ledger balance; 0 without an account). */
export async function minutesOf(db: Executor, volunteerIds: readonly string[]): Promise<Map<string, number>> {
  const found = await ledger.balances(db, volunteerIds.map(minutesAccountCode));
  return new Map(volunteerIds.map((id) => [id, found.get(minutesAccountCode(id))?.balance ?? 0]));
}
