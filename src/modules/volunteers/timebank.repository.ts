import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { TimebankExchangeStatus, TimebankExchangeTable, TimebankMemberTable, TimebankPostKind, TimebankPostStatus, TimebankPostTable } from './timebank.table.js';
import './timebank.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * The only SQL of 时间银行.
 *
 * Lock order, everywhere, so PostgreSQL never deadlocks two of our own transactions: the member
 * whose hours are promised or held (`lockMember`), then the post, then the exchange, then the
 * ledger's accounts (which `ledger.post` locks itself).
 */

export type MemberRow = TimebankMemberTable;
export type PostRow = TimebankPostTable;
export type ExchangeRow = TimebankExchangeTable;

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

// ---------------------------------------------------------------- members

export function insertMember(db: Executor, row: MemberRow) {
  return db.insertInto('timebank_member').values(row).execute();
}

export function getMember(db: Executor, id: string) {
  return db.selectFrom('timebank_member').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getMembersByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as MemberRow[]);
  return db.selectFrom('timebank_member').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function memberOfUser(db: Executor, userId: string) {
  return db.selectFrom('timebank_member').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function memberOfPerson(db: Executor, personId: string) {
  return db.selectFrom('timebank_member').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/**
 * Takes the member's row lock before their hours are promised or held (PostgreSQL: the UPDATE's
 * row lock until COMMIT; SQLite: the database's write lock), so what they have and what they
 * have promised are read by one writer at a time.
 */
export function lockMember(db: Executor, id: string, at: string) {
  return db
    .updateTable('timebank_member')
    .set({ version: sql<number>`version + 1`, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function setContactNote(db: Executor, id: string, note: string | null, at: string) {
  await db.updateTable('timebank_member').set({ contact_note: note, updated_at: at }).where('id', '=', id).execute();
}

export function setGrantJournal(db: Executor, id: string, journalId: string) {
  return db.updateTable('timebank_member').set({ grant_journal_id: journalId }).where('id', '=', id).execute();
}

/** Minutes a member has promised in needs nobody has taken yet. */
export async function promisedMinutes(db: Executor, memberId: string): Promise<number> {
  const r = await db
    .selectFrom('timebank_post')
    .select(sql<number>`coalesce(sum(minutes), 0)`.as('m'))
    .where('member_id', '=', memberId)
    .where('kind', '=', 'need')
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(r.m);
}

/** A member's minutes by side and state of their exchanges: held (as requester), earned, spent. */
export async function memberTotals(db: Executor, memberId: string) {
  const rows = await db
    .selectFrom('timebank_exchange')
    .select([
      sql<number>`coalesce(sum(case when requester_member_id = ${memberId} and status in ('held', 'done', 'disputed') then minutes else 0 end), 0)`.as('held'),
      sql<number>`coalesce(sum(case when helper_member_id = ${memberId} and (status = 'completed' or (status = 'resolved' and resolution = 'helper')) then minutes else 0 end), 0)`.as('earned'),
      sql<number>`coalesce(sum(case when requester_member_id = ${memberId} and (status = 'completed' or (status = 'resolved' and resolution = 'helper')) then minutes else 0 end), 0)`.as('spent'),
    ])
    .where((eb) => eb.or([eb('requester_member_id', '=', memberId), eb('helper_member_id', '=', memberId)]))
    .executeTakeFirstOrThrow();
  return { held: Number(rows.held), earned: Number(rows.earned), spent: Number(rows.spent) };
}

// ---------------------------------------------------------------- posts

export function insertPost(db: Executor, row: PostRow) {
  return db.insertInto('timebank_post').values(row).execute();
}

export function getPost(db: Executor, id: string) {
  return db.selectFrom('timebank_post').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getPostsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as PostRow[]);
  return db.selectFrom('timebank_post').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export interface PostFilter {
  /** Staff: subtrees. */
  paths?: readonly string[];
  /** A member's community. */
  orgNodeId?: string;
  memberId?: string;
  kind?: TimebankPostKind;
  category?: string;
  statuses?: readonly TimebankPostStatus[];
}

function filteredPosts(db: Executor, f: PostFilter) {
  let q = db.selectFrom('timebank_post');
  if (f.paths) q = inSubtrees(q, 'org_path', f.paths);
  if (f.orgNodeId) q = q.where('org_node_id', '=', f.orgNodeId);
  if (f.memberId) q = q.where('member_id', '=', f.memberId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.statuses) q = q.where('status', 'in', f.statuses);
  return q;
}

export async function listPosts(db: Executor, f: PostFilter, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    filteredPosts(db, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    filteredPosts(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/**
 * Takes a need: one conditional UPDATE `open → taken` while it is still wanted, so of two
 * neighbours taking it at once exactly one gets a row back (PostgreSQL re-checks the condition on
 * the locked row after the first commits). 1 = taken, 0 = not open any more.
 */
export async function takeNeed(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('timebank_post')
    .set({ status: 'taken', version: sql<number>`version + 1`, updated_at: at })
    .where('id', '=', id)
    .where('kind', '=', 'need')
    .where('status', '=', 'open')
    .where('needed_by', '>', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Counts a booking of an offer that is still open: 1, or 0 when it is not. */
export async function bookOffer(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('timebank_post')
    .set({ exchange_count: sql<number>`exchange_count + 1`, version: sql<number>`version + 1`, updated_at: at })
    .where('id', '=', id)
    .where('kind', '=', 'offer')
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Moves a post only from the states the caller saw: 0 when it moved meanwhile. */
export async function updatePostIf(db: Executor, id: string, from: readonly TimebankPostStatus[], patch: Partial<PostRow>): Promise<number> {
  const r = await db
    .updateTable('timebank_post')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Open needs wanted by a time now past (the expiry job). */
export function needsPastDue(db: Executor, now: string, limit = 200) {
  return db.selectFrom('timebank_post').selectAll().where('status', '=', 'open').where('kind', '=', 'need').where('needed_by', '<=', now).orderBy('needed_by').limit(limit).execute();
}

// ---------------------------------------------------------------- exchanges

export function insertExchange(db: Executor, row: ExchangeRow) {
  return db.insertInto('timebank_exchange').values(row).execute();
}

export function getExchange(db: Executor, id: string) {
  return db.selectFrom('timebank_exchange').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves an exchange only from the states the caller saw: 0 when it moved meanwhile (once, across processes). */
export async function updateExchangeIf(db: Executor, id: string, from: readonly TimebankExchangeStatus[], patch: Partial<ExchangeRow>): Promise<number> {
  const r = await db
    .updateTable('timebank_exchange')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function setSettleJournal(db: Executor, id: string, journalId: string) {
  return db.updateTable('timebank_exchange').set({ settle_journal_id: journalId }).where('id', '=', id).execute();
}

/** A member's exchanges on either side, newest first. */
export function exchangesOfMember(db: Executor, memberId: string, limit = 200) {
  return db
    .selectFrom('timebank_exchange')
    .selectAll()
    .where((eb) => eb.or([eb('requester_member_id', '=', memberId), eb('helper_member_id', '=', memberId)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function exchangesOfPost(db: Executor, postId: string) {
  return db.selectFrom('timebank_exchange').selectAll().where('post_id', '=', postId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

function filteredExchanges(db: Executor, f: { paths: readonly string[]; statuses?: readonly TimebankExchangeStatus[] }) {
  let q = inSubtrees(db.selectFrom('timebank_exchange'), 'org_path', f.paths);
  if (f.statuses) q = q.where('status', 'in', f.statuses);
  return q;
}

export async function listExchanges(db: Executor, f: { paths: readonly string[]; statuses?: readonly TimebankExchangeStatus[] }, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    filteredExchanges(db, f).selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    filteredExchanges(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Held exchanges not reported done by their deadline (the release job). */
export function heldPastDue(db: Executor, now: string, limit = 200) {
  return db.selectFrom('timebank_exchange').selectAll().where('status', '=', 'held').where('due_at', '<=', now).orderBy('due_at').limit(limit).execute();
}

/** Exchanges reported done before `doneBefore` and neither confirmed nor disputed (the auto-confirm job). */
export function doneUnconfirmed(db: Executor, doneBefore: string, limit = 200) {
  return db.selectFrom('timebank_exchange').selectAll().where('status', '=', 'done').where('done_at', '<=', doneBefore).orderBy('done_at').limit(limit).execute();
}

// ---------------------------------------------------------------- overview

export async function overviewCounts(db: Executor, paths: readonly string[]) {
  const [members, posts, exchanges, communities, live] = await Promise.all([
    inSubtrees(db.selectFrom('timebank_member'), 'org_path', paths).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    inSubtrees(db.selectFrom('timebank_post'), 'org_path', paths)
      .select(['kind', sql<number>`count(*)`.as('n')])
      .where('status', '=', 'open')
      .groupBy('kind')
      .execute(),
    inSubtrees(db.selectFrom('timebank_exchange'), 'org_path', paths)
      .select([
        'status',
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(minutes), 0)`.as('minutes'),
        sql<number>`coalesce(sum(case when status = 'completed' or (status = 'resolved' and resolution = 'helper') then minutes else 0 end), 0)`.as('settled'),
      ])
      .groupBy('status')
      .execute(),
    inSubtrees(db.selectFrom('timebank_member'), 'org_path', paths).select('org_node_id').distinct().execute(),
    inSubtrees(db.selectFrom('timebank_exchange'), 'org_path', paths).select('id').where('status', 'in', ['held', 'done', 'disputed']).execute(),
  ]);
  return {
    members: Number(members.n),
    openOffers: Number(posts.find((p) => p.kind === 'offer')?.n ?? 0),
    openNeeds: Number(posts.find((p) => p.kind === 'need')?.n ?? 0),
    exchanges: exchanges.map((e) => ({ status: e.status, n: Number(e.n), minutes: Number(e.minutes), settled: Number(e.settled) })),
    communityIds: communities.map((c) => c.org_node_id),
    liveExchangeIds: live.map((l) => l.id),
  };
}

// ---------------------------------------------------------------- around

export function getNodesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; kind: string; path: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'kind', 'path']).where('id', 'in', [...new Set(ids)]).execute();
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'kind', 'path', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

/** Enabled accounts with one of these roles on a node at or above `path` (who is told of a dispute). */
export async function staffAbove(db: Executor, path: string, roles: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .select('u.id')
    .where('g.role', 'in', roles as string[])
    .where('u.disabled', '=', 0)
    .where('g.org_node_id', 'in', path.split('/').filter(Boolean))
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}
