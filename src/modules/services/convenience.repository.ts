import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type {
  ComplaintStatus,
  ConvenienceComplaintTable,
  ConvenienceOfferingTable,
  ConvenienceOrderEventTable,
  ConvenienceOrderTable,
  ConvenienceProviderTable,
  ConvenienceRuleTable,
  OrderStatus,
  ProviderStatus,
} from './convenience.table.js';
import './convenience.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 便民服务. */

export type ProviderRow = ConvenienceProviderTable;
export type OfferingRow = ConvenienceOfferingTable;
export type OrderRow = ConvenienceOrderTable;
export type OrderEventRow = ConvenienceOrderEventTable;
export type RuleRow = ConvenienceRuleTable;
export type ComplaintRow = ConvenienceComplaintTable;

type PathTable = 'convenience_provider' | 'convenience_offering' | 'convenience_order' | 'convenience_rule' | 'convenience_complaint';

/** `org_path` inside one of these subtrees (an empty list matches nothing). */
function underAny<T extends PathTable>(paths: string[]) {
  return (eb: import('kysely').ExpressionBuilder<import('../../platform/db/schema.js').Database, T>) =>
    paths.length === 0
      ? sql<boolean>`1 = 0`
      : inAnySubtree(eb, 'org_path', paths);
}

const ancestorsOf = (path: string) => path.split('/').filter(Boolean);

// ---------------------------------------------------------------- providers

export function insertProvider(db: Executor, row: ProviderRow) {
  return db.insertInto('convenience_provider').values(row).execute();
}

export function getProvider(db: Executor, id: string) {
  return db.selectFrom('convenience_provider').selectAll().where('id', '=', id).executeTakeFirst();
}

export function providerOfUser(db: Executor, userId: string) {
  return db.selectFrom('convenience_provider').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function providersByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as ProviderRow[]);
  return db.selectFrom('convenience_provider').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export async function updateProviderIf(db: Executor, id: string, version: number, patch: Partial<ProviderRow>): Promise<number> {
  const r = await db.updateTable('convenience_provider').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Adds a rating to the provider's running average (one UPDATE: safe under concurrent ratings). */
export function addProviderRating(db: Executor, id: string, rating: number) {
  return db
    .updateTable('convenience_provider')
    .set({ rating_sum: sql<number>`rating_sum + ${rating}`, rating_count: sql<number>`rating_count + 1` })
    .where('id', '=', id)
    .execute();
}

export function addUpheldComplaint(db: Executor, id: string) {
  return db.updateTable('convenience_provider').set({ complaints_upheld: sql<number>`complaints_upheld + 1` }).where('id', '=', id).execute();
}

/** Providers whose area is a subtree of the caller's (staff lists). */
export function providersUnder(db: Executor, paths: string[], status?: ProviderStatus) {
  let q = db.selectFrom('convenience_provider').selectAll().where(underAny<'convenience_provider'>(paths));
  if (status) q = q.where('status', '=', status);
  return q.orderBy('status').orderBy('created_at').orderBy('id').execute();
}

/**
 * Approved providers serving a node: registered on the node, an ancestor (a street-wide
 * provider serves its communities) or, when `below`, a descendant.
 */
export function approvedProvidersServing(db: Executor, path: string | null, opts: { below: boolean; kind?: string }) {
  let q = db.selectFrom('convenience_provider').selectAll().where('status', '=', 'approved');
  if (path) {
    const ancestors = ancestorsOf(path);
    q = q.where((eb) =>
      eb.or([
        eb('org_node_id', 'in', ancestors.length ? ancestors : ['-']),
        ...(opts.below ? [eb.and([eb('org_path', '>=', path), eb('org_path', '<', prefixEnd(path))])] : []),
      ]),
    );
  }
  if (opts.kind) q = q.where('kind', '=', opts.kind as never);
  return q.orderBy('name').orderBy('id').limit(500).execute();
}

// ---------------------------------------------------------------- offerings

export function insertOffering(db: Executor, row: OfferingRow) {
  return db.insertInto('convenience_offering').values(row).execute();
}

export function getOffering(db: Executor, id: string) {
  return db.selectFrom('convenience_offering').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOfferingIf(db: Executor, id: string, version: number, patch: Partial<OfferingRow>): Promise<number> {
  const r = await db.updateTable('convenience_offering').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function offeringsOfProviders(db: Executor, providerIds: string[], opts: { visibleOnly: boolean; hidden?: boolean }) {
  if (providerIds.length === 0) return Promise.resolve([] as OfferingRow[]);
  let q = db.selectFrom('convenience_offering').selectAll().where('provider_id', 'in', [...new Set(providerIds)]);
  if (opts.visibleOnly) q = q.where('active', '=', 1).where('hidden', '=', 0);
  if (opts.hidden !== undefined) q = q.where('hidden', '=', opts.hidden ? 1 : 0);
  return q.orderBy('category').orderBy('name').orderBy('id').execute();
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Visible offerings of approved providers, optionally for a node (offered on it, above it or below it). */
export function visibleOfferings(db: Executor, f: { path?: string | null; category?: string; providerId?: string; q?: string }) {
  let q = db
    .selectFrom('convenience_offering as o')
    .innerJoin('convenience_provider as p', 'p.id', 'o.provider_id')
    .selectAll('o')
    .where('p.status', '=', 'approved')
    .where('o.active', '=', 1)
    .where('o.hidden', '=', 0);
  if (f.path) {
    const path = f.path;
    const ancestors = ancestorsOf(path);
    q = q.where((eb) => eb.or([eb('o.org_node_id', 'in', ancestors.length ? ancestors : ['-']), eb.and([eb('o.org_path', '>=', path), eb('o.org_path', '<', prefixEnd(path))])]));
  }
  if (f.category) q = q.where('o.category', '=', f.category);
  if (f.providerId) q = q.where('o.provider_id', '=', f.providerId);
  if (f.q) {
    const p = likePattern(f.q);
    q = q.where(sql<boolean>`(o.name like ${p} escape '\\' or coalesce(o.description, '') like ${p} escape '\\' or p.name like ${p} escape '\\')`);
  }
  return q.orderBy('o.category').orderBy('o.price_fen').orderBy('o.id').limit(1000).execute();
}

// ---------------------------------------------------------------- orders

export async function nextOrderSeq(db: Executor, day: string): Promise<number> {
  const row = await db
    .insertInto('convenience_order_code_seq')
    .values({ day, seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql<number>`convenience_order_code_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export function insertOrder(db: Executor, row: OrderRow) {
  return db.insertInto('convenience_order').values(row).execute();
}

export function ordersByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as OrderRow[]);
  return db.selectFrom('convenience_order').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function getOrder(db: Executor, id: string) {
  return db.selectFrom('convenience_order').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Optimistic, state-checked update: 0 when the order moved on. */
export async function updateOrderIf(db: Executor, id: string, version: number, patch: Partial<OrderRow>): Promise<number> {
  const r = await db.updateTable('convenience_order').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function appendOrderEvent(db: Executor, row: Omit<OrderEventRow, 'seq'>) {
  const last = await db.selectFrom('convenience_order_event').select(sql<number>`coalesce(max(seq), 0)`.as('n')).where('order_id', '=', row.order_id).executeTakeFirstOrThrow();
  await db.insertInto('convenience_order_event').values({ ...row, seq: Number(last.n) + 1 }).execute();
}

export function orderEvents(db: Executor, orderId: string) {
  return db.selectFrom('convenience_order_event').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

export interface OrderFilter {
  residentUserId?: string;
  providerId?: string;
  scopePaths?: string[];
  status?: OrderStatus;
  /** Created at or after / before (ISO). */
  from?: string;
  to?: string;
}

function ordersFiltered(db: Executor, f: OrderFilter) {
  let q = db.selectFrom('convenience_order');
  if (f.residentUserId) q = q.where('resident_user_id', '=', f.residentUserId);
  if (f.providerId) q = q.where('provider_id', '=', f.providerId);
  if (f.scopePaths) q = q.where(underAny<'convenience_order'>(f.scopePaths));
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  return q;
}

export async function listOrders(db: Executor, f: OrderFilter, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    ordersFiltered(db, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    ordersFiltered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** 台账: free minutes used per month, rule and provider, for rules of these subtrees. */
export async function allowanceUsage(db: Executor, paths: string[], fromMonth: string, toMonth: string) {
  const rows = await db
    .selectFrom('convenience_order as o')
    .innerJoin('convenience_rule as r', 'r.id', 'o.rule_id')
    .select([
      'o.ledger_month as month',
      'o.rule_id as rule_id',
      'o.provider_id as provider_id',
      sql<number>`count(*)`.as('orders'),
      sql<number>`count(distinct o.person_id)`.as('people'),
      sql<number>`sum(o.free_minutes)`.as('free_minutes'),
      sql<number>`sum(o.free_fen)`.as('free_fen'),
      sql<number>`sum(coalesce(o.resident_fen, 0))`.as('resident_fen'),
    ])
    .where('o.free_minutes', '>', 0)
    .where('o.ledger_month', '>=', fromMonth)
    .where('o.ledger_month', '<=', toMonth)
    .where((eb) =>
      paths.length === 0 ? sql<boolean>`1 = 0` : inAnySubtree(eb, 'r.org_path', paths),
    )
    .groupBy(['o.ledger_month', 'o.rule_id', 'o.provider_id'])
    .orderBy('o.ledger_month')
    .orderBy('o.rule_id')
    .orderBy('o.provider_id')
    .execute();
  return rows.map((r) => ({
    month: r.month!,
    ruleId: r.rule_id!,
    providerId: r.provider_id,
    orders: Number(r.orders),
    people: Number(r.people),
    freeMinutes: Number(r.free_minutes),
    freeFen: Number(r.free_fen),
    residentFen: Number(r.resident_fen),
  }));
}

// ---------------------------------------------------------------- rules

export function insertRule(db: Executor, row: RuleRow) {
  return db.insertInto('convenience_rule').values(row).execute();
}

export function getRule(db: Executor, id: string) {
  return db.selectFrom('convenience_rule').selectAll().where('id', '=', id).executeTakeFirst();
}

export function rulesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as RuleRow[]);
  return db.selectFrom('convenience_rule').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export async function updateRuleIf(db: Executor, id: string, version: number, patch: Partial<RuleRow>): Promise<number> {
  const r = await db.updateTable('convenience_rule').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function rulesUnder(db: Executor, paths: string[]) {
  return db.selectFrom('convenience_rule').selectAll().where(underAny<'convenience_rule'>(paths)).orderBy('created_at').orderBy('id').execute();
}

/** Active rules of a node's ancestors (and the node itself), valid on `today`, oldest first. */
export function rulesCovering(db: Executor, path: string, today: string) {
  const ancestors = ancestorsOf(path);
  if (ancestors.length === 0) return Promise.resolve([] as RuleRow[]);
  return db
    .selectFrom('convenience_rule')
    .selectAll()
    .where('org_node_id', 'in', ancestors)
    .where('active', '=', 1)
    .where('valid_from', '<=', today)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', today)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

// ---------------------------------------------------------------- complaints

export function insertComplaint(db: Executor, row: ComplaintRow) {
  return db.insertInto('convenience_complaint').values(row).execute();
}

export function getComplaint(db: Executor, id: string) {
  return db.selectFrom('convenience_complaint').selectAll().where('id', '=', id).executeTakeFirst();
}

export function complaintOfOrder(db: Executor, orderId: string) {
  return db.selectFrom('convenience_complaint').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function updateComplaintIf(db: Executor, id: string, version: number, patch: Partial<ComplaintRow>): Promise<number> {
  const r = await db.updateTable('convenience_complaint').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function listComplaints(db: Executor, f: { scopePaths?: string[]; providerId?: string; status?: ComplaintStatus }, page: { limit: number; offset: number }) {
  const base = () => {
    let q = db.selectFrom('convenience_complaint');
    if (f.scopePaths) q = q.where(underAny<'convenience_complaint'>(f.scopePaths));
    if (f.providerId) q = q.where('provider_id', '=', f.providerId);
    if (f.status) q = q.where('status', '=', f.status);
    return q;
  };
  const [rows, total] = await Promise.all([
    base().selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    base().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---------------------------------------------------------------- names

export async function userNames(db: Executor, ids: (string | null)[]) {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  if (list.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((u) => [u.id, u.display_name]));
}

export async function nodeNames(db: Executor, ids: string[]) {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', list).execute();
  return new Map(rows.map((n) => [n.id, n.name]));
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

/** Enabled users holding one of `roles` on this node or an ancestor (who to notify). */
export async function usersWithRolesOver(db: Executor, roles: string[], path: string): Promise<string[]> {
  const ids = ancestorsOf(path);
  if (ids.length === 0 || roles.length === 0) return [];
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('app_user.id')
    .where('role_grant.role', 'in', roles)
    .where('role_grant.org_node_id', 'in', ids)
    .where('app_user.disabled', '=', 0)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** Whether the account is enabled and holds `role` somewhere. */
export async function accountHasRole(db: Executor, userId: string, role: string): Promise<boolean> {
  const row = await db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('app_user.id')
    .where('role_grant.user_id', '=', userId)
    .where('role_grant.role', '=', role)
    .where('app_user.disabled', '=', 0)
    .executeTakeFirst();
  return !!row;
}
