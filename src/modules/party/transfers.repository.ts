import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { CLOCKED_TRANSFER_STATES, type PartyTransferStepTable, type PartyTransferTable } from './transfers.table.js';
import './transfers.table.js';

/** The only SQL of 组织关系转接. */

export type TransferRow = Selectable<PartyTransferTable>;
export type StepRow = Selectable<PartyTransferStepTable>;

export function getTransfer(db: Executor, id: string) {
  return db.selectFrom('party_transfer').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A transfer of this person still under way (one at a time). */
export function openTransferOf(db: Executor, personId: string) {
  return db.selectFrom('party_transfer').selectAll().where('person_id', '=', personId).where('state', 'in', [...CLOCKED_TRANSFER_STATES]).executeTakeFirst();
}

export async function insertTransfer(db: Executor, row: TransferRow) {
  await db.insertInto('party_transfer').values(row).execute();
}

/** Moves the transfer on, only from the version the caller saw: false when someone else moved it first. */
export async function updateTransfer(db: Executor, id: string, version: number, set: Partial<TransferRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_transfer')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertStep(db: Executor, row: StepRow) {
  await db.insertInto('party_transfer_step').values(row).execute();
}

export function stepsOf(db: Executor, transferId: string) {
  return db.selectFrom('party_transfer_step').selectAll().where('transfer_id', '=', transferId).orderBy('version').execute();
}

export interface TransferFilter {
  nodePaths: string[];
  partyPaths: string[];
  state?: string;
  direction?: string;
  personId?: string;
}

/** Transfers whose sending or receiving side lies in the caller's subtrees or under what they lead. */
export function listTransfers(db: Executor, f: TransferFilter, limit: number) {
  let q = db.selectFrom('party_transfer').selectAll();
  if (f.personId) q = q.where('person_id', '=', f.personId);
  else
    q = q.where((eb) => {
      const within = (col: 'from_org_path' | 'to_org_path' | 'from_party_path' | 'to_party_path', p: string) => eb.and([eb(col, '>=', p), eb(col, '<', prefixEnd(p))]);
      return eb.or([
        ...f.nodePaths.flatMap((p) => [within('from_org_path', p), within('to_org_path', p)]),
        ...f.partyPaths.flatMap((p) => [within('from_party_path', p), within('to_party_path', p)]),
        sql<boolean>`1 = 0`,
      ]);
    });
  if (f.state) q = q.where('state', '=', f.state as never);
  if (f.direction) q = q.where('direction', '=', f.direction as never);
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
