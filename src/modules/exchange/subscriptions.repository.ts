import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { ExchangeChangeTable, ExchangeDeliveryTable, ExchangeSubscriptionTable, DeliveryStatus } from './subscriptions.table.js';

/** The only SQL of subscriptions, change capture and deliveries. */

export const CURSOR = 'registry';

export async function insertSubscription(db: Executor, row: ExchangeSubscriptionTable) {
  await db.insertInto('exchange_subscription').values(row).execute();
}

export function getSubscription(db: Executor, id: string) {
  return db.selectFrom('exchange_subscription').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setSubscriptionStatus(db: Executor, id: string, status: 'active' | 'paused') {
  await db.updateTable('exchange_subscription').set({ status }).where('id', '=', id).execute();
}

export function subscriptionsOf(db: Executor, clientId: string) {
  return db.selectFrom('exchange_subscription').selectAll().where('client_id', '=', clientId).orderBy('created_at').execute();
}

/** Active subscriptions of active clients, with the client's department and life-event entitlement. */
export function activeSubscriptions(db: Executor) {
  return db
    .selectFrom('exchange_subscription as s')
    .innerJoin('exchange_client as c', 'c.id', 's.client_id')
    .select(['s.id', 's.event', 's.tags', 's.org_path', 's.client_id', 's.created_at', 'c.department_code', 'c.life_events', 'c.org_path as client_path'])
    .where('s.status', '=', 'active')
    .where('c.status', '=', 'active')
    .execute();
}

export async function deliveryCounts(db: Executor, subscriptionIds: string[]): Promise<Map<string, Record<DeliveryStatus, number>>> {
  const out = new Map<string, Record<DeliveryStatus, number>>();
  if (subscriptionIds.length === 0) return out;
  const rows = await db
    .selectFrom('exchange_delivery')
    .select(['subscription_id', 'status', sql<number>`count(*)`.as('n')])
    .where('subscription_id', 'in', subscriptionIds)
    .groupBy(['subscription_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.subscription_id) ?? { pending: 0, delivered: 0, dead: 0 };
    c[r.status] = Number(r.n);
    out.set(r.subscription_id, c);
  }
  return out;
}

/** Starts the change capture at `at` when it has never run (history before the first subscription is not sent). */
export async function ensureCursor(db: Executor, at: string) {
  await db.insertInto('exchange_cursor').values({ name: CURSOR, watermark: at }).onConflict((oc) => oc.column('name').doNothing()).execute();
}

/** The watermark, locked for this transaction on PostgreSQL (one capture at a time). */
export async function lockCursor(db: Executor, postgres: boolean): Promise<string | undefined> {
  let q = db.selectFrom('exchange_cursor').select('watermark').where('name', '=', CURSOR);
  if (postgres) q = q.forUpdate();
  return (await q.executeTakeFirst())?.watermark;
}

export async function moveCursor(db: Executor, watermark: string) {
  await db.updateTable('exchange_cursor').set({ watermark }).where('name', '=', CURSOR).execute();
}

export function tagsGained(db: Executor, from: string, to: string) {
  return db
    .selectFrom('person_tag as t')
    .innerJoin('person as p', 'p.id', 't.person_id')
    .select(['t.id', 't.person_id', 't.tag', 't.created_at as at', 'p.org_path'])
    .where('t.created_at', '>', from)
    .where('t.created_at', '<=', to)
    .execute();
}

export function tagsLost(db: Executor, from: string, to: string) {
  return db
    .selectFrom('person_tag as t')
    .innerJoin('person as p', 'p.id', 't.person_id')
    .select(['t.id', 't.person_id', 't.tag', 't.ended_at as at', 'p.org_path'])
    .where('t.ended_at', '>', from)
    .where('t.ended_at', '<=', to)
    .execute();
}

export function peopleRegistered(db: Executor, from: string, to: string) {
  return db.selectFrom('person').select(['id', 'birth_date', 'created_at as at', 'org_path']).where('created_at', '>', from).where('created_at', '<=', to).execute();
}

export function peopleDied(db: Executor, from: string, to: string) {
  return db
    .selectFrom('person')
    .select(['id', 'ended_at as at', 'org_path'])
    .where('ended_at', '>', from)
    .where('ended_at', '<=', to)
    .where('end_kind', '=', 'deceased')
    .execute();
}

export async function capturedAlready(db: Executor, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('exchange_change').select('id').where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export async function insertChanges(db: Executor, rows: ExchangeChangeTable[]) {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('exchange_change').values(rows.slice(i, i + 500)).execute();
}

export async function insertDeliveries(db: Executor, rows: ExchangeDeliveryTable[]) {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('exchange_delivery').values(rows.slice(i, i + 200)).execute();
}

export function getDelivery(db: Executor, id: string) {
  return db.selectFrom('exchange_delivery').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listDeliveries(db: Executor, subscriptionIds: string[], status: DeliveryStatus | undefined, page: { limit: number; offset: number }) {
  if (subscriptionIds.length === 0) return Promise.resolve([] as ExchangeDeliveryTable[]);
  let q = db.selectFrom('exchange_delivery').selectAll().where('subscription_id', 'in', subscriptionIds);
  if (status) q = q.where('status', '=', status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

export function deliveriesWithSubscription(db: Executor, ids: string[]) {
  return db
    .selectFrom('exchange_delivery as d')
    .innerJoin('exchange_subscription as s', 's.id', 'd.subscription_id')
    .innerJoin('exchange_client as c', 'c.id', 's.client_id')
    .select(['d.id', 'd.event', 'd.payload', 'd.person_id', 'd.subscription_id', 's.url', 's.secret_enc', 's.purpose', 's.status as subscription_status', 'c.id as client_id', 'c.name as client_name', 'c.department_code', 'c.status as client_status'])
    .where('d.id', 'in', ids)
    .execute();
}

/** Records a try's outcome, unless another process re-claimed the row meanwhile (its outcome counts). */
export async function settle(db: Executor, id: string, attempt: number, patch: Partial<ExchangeDeliveryTable>): Promise<boolean> {
  const res = await db.updateTable('exchange_delivery').set(patch).where('id', '=', id).where('attempts', '=', attempt).where('status', '=', 'pending').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A dead delivery back in the queue, with its same id. */
export async function replay(db: Executor, id: string, now: string): Promise<boolean> {
  const res = await db
    .updateTable('exchange_delivery')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, dead_at: null, replays: sql`replays + 1` })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Clears the payloads of deliveries delivered before `cutoff`; the records stay. */
export async function pruneDelivered(db: Executor, cutoff: string, now: string, limit: number): Promise<number> {
  const ids = db.selectFrom('exchange_delivery').select('id').where('status', '=', 'delivered').where('delivered_at', '<', cutoff).where('pruned_at', 'is', null).limit(limit);
  const res = await db.updateTable('exchange_delivery').set({ payload: '', pruned_at: now }).where('id', 'in', ids).executeTakeFirst();
  return Number(res.numUpdatedRows);
}
