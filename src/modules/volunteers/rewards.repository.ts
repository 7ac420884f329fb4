import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { RewardItemTable, RewardOrderStatus, RewardOrderTable } from './rewards.table.js';
import './rewards.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 爱心超市 (catalogue, orders). Points move in the platform ledger. */

export type ItemRow = RewardItemTable;
export type OrderRow = RewardOrderTable;

function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

// ---------------------------------------------------------------- items

export function insertItem(db: Executor, row: ItemRow) {
  return db.insertInto('reward_item').values(row).execute();
}

export function getItem(db: Executor, id: string) {
  return db.selectFrom('reward_item').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listItems(db: Executor, paths: readonly string[]) {
  return inSubtrees(db.selectFrom('reward_item').selectAll(), 'org_path', paths).orderBy('org_path').orderBy('sort').orderBy('created_at').execute();
}

/** Items on sale at the nodes with these paths (a resident's community and the nodes above it), available on `day`. */
export function itemsOnSaleAt(db: Executor, nodePaths: readonly string[], day: string) {
  if (nodePaths.length === 0) return Promise.resolve([] as ItemRow[]);
  return db
    .selectFrom('reward_item')
    .selectAll()
    .where('org_path', 'in', [...nodePaths])
    .where('on_sale', '=', 1)
    .where((eb) => eb.or([eb('available_from', 'is', null), eb('available_from', '<=', day)]))
    .where((eb) => eb.or([eb('available_to', 'is', null), eb('available_to', '>=', day)]))
    .orderBy('sort')
    .orderBy('created_at')
    .execute();
}

/**
 * A staff edit, only from the version they read; `stockDelta` moves the stock by that much in the
 * same statement, never below zero (0 rows: stale version, or not enough stock to write off).
 */
export async function updateItemIf(db: Executor, id: string, version: number, patch: Partial<ItemRow>, stockDelta = 0): Promise<number> {
  let q = db.updateTable('reward_item').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version);
  if (stockDelta !== 0) q = q.set({ stock: sql<number>`stock + ${stockDelta}` }).where(sql<boolean>`stock + ${stockDelta} >= 0`);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Takes `qty` from stock in one conditional UPDATE (PostgreSQL re-checks the condition on the
 * locked row after waiting for a concurrent order): 1 = taken, 0 = not enough left or not on sale.
 * The item's row lock is held until the caller's COMMIT, so orders of one item queue here.
 */
export async function takeStock(db: Executor, id: string, qty: number, at: string): Promise<number> {
  const r = await db
    .updateTable('reward_item')
    .set({ stock: sql<number>`stock - ${qty}`, updated_at: at })
    .where('id', '=', id)
    .where('on_sale', '=', 1)
    .where('stock', '>=', qty)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function returnStock(db: Executor, id: string, qty: number, at: string) {
  return db.updateTable('reward_item').set({ stock: sql<number>`stock + ${qty}`, updated_at: at }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- orders

export function insertOrder(db: Executor, row: OrderRow) {
  return db.insertInto('reward_order').values(row).execute();
}

export function getOrder(db: Executor, id: string) {
  return db.selectFrom('reward_order').selectAll().where('id', '=', id).executeTakeFirst();
}

export function orderByCode(db: Executor, code: string) {
  return db.selectFrom('reward_order').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function codeTaken(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('reward_order').select('id').where('code', '=', code).executeTakeFirst());
}

/** Items a holder has ordered (pending or fulfilled) since `sinceIso` (null: ever). */
export async function orderedQuantity(db: Executor, holderCode: string, itemId: string, sinceIso: string | null): Promise<number> {
  let q = db
    .selectFrom('reward_order')
    .select(sql<number>`coalesce(sum(quantity), 0)`.as('n'))
    .where('holder_code', '=', holderCode)
    .where('item_id', '=', itemId)
    .where('status', 'in', ['pending', 'fulfilled']);
  if (sinceIso) q = q.where('created_at', '>=', sinceIso);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export function ordersOfHolder(db: Executor, holderCode: string, limit = 100) {
  return db.selectFrom('reward_order').selectAll().where('holder_code', '=', holderCode).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function listOrders(db: Executor, f: { paths: readonly string[]; status?: RewardOrderStatus; q?: string }, page: { limit: number; offset: number }) {
  let q = inSubtrees(db.selectFrom('reward_order'), 'org_path', f.paths);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.q) q = q.where((eb) => eb.or([eb('code', '=', f.q!), eb('holder_name', '=', f.q!)]));
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Pending → fulfilled, once: 0 when the order is no longer pending (fulfilled or cancelled meanwhile). */
export async function markFulfilled(db: Executor, id: string, patch: { at: string; by: string; byName: string }): Promise<number> {
  const r = await db
    .updateTable('reward_order')
    .set({ status: 'fulfilled', fulfilled_at: patch.at, fulfilled_by: patch.by, fulfilled_by_name: patch.byName, updated_at: patch.at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Pending → cancelled, once (also across processes: the loser updates nothing). */
export async function markCancelled(db: Executor, id: string, patch: { at: string; by: string | null; kind: 'holder' | 'staff' | 'expired'; reason: string }): Promise<number> {
  const r = await db
    .updateTable('reward_order')
    .set({ status: 'cancelled', cancelled_at: patch.at, cancelled_by: patch.by, cancel_kind: patch.kind, cancel_reason: patch.reason, updated_at: patch.at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function setReversal(db: Executor, id: string, journalId: string) {
  return db.updateTable('reward_order').set({ reversal_journal_id: journalId }).where('id', '=', id).execute();
}

/** Pending orders past their pick-up time, oldest first. */
export async function expiredOrderIds(db: Executor, nowIso: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('reward_order').select('id').where('status', '=', 'pending').where('expires_at', '<=', nowIso).orderBy('expires_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

export function getAttachment(db: Executor, id: string) {
  return db.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();
}
