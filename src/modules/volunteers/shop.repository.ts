import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { SignupStatus, VolunteerOpportunityTable, VolunteerSignupTable } from './shop.table.js';
import { likePattern } from './volunteers.repository.js';
import './shop.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * The only SQL of 志愿服务网店.
 *
 * Lock order, everywhere, so PostgreSQL never deadlocks two of our own transactions: the
 * opportunity row first (every change to its sign-ups begins with an UPDATE of it), then sign-up
 * rows, then service records and the ledger.
 */

export type OpportunityRow = VolunteerOpportunityTable;
export type SignupRow = VolunteerSignupTable;

// ---------------------------------------------------------------- opportunities

export function insertOpportunity(db: Executor, row: OpportunityRow) {
  return db.insertInto('volunteer_opportunity').values(row).execute();
}

export function getOpportunity(db: Executor, id: string) {
  return db.selectFrom('volunteer_opportunity').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getOpportunitiesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as OpportunityRow[]);
  return db.selectFrom('volunteer_opportunity').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

/** Optimistic update of the editable fields: 0 when someone changed the row since `version`. */
export async function updateOpportunityIf(db: Executor, id: string, version: number, patch: Partial<OpportunityRow>): Promise<number> {
  const r = await db
    .updateTable('volunteer_opportunity')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface OpportunityFilter {
  /** Subtrees (staff lists). */
  paths?: readonly string[];
  /** A node's own line: opportunities of its subtree and of the nodes above it (a community's shop). */
  around?: string;
  statuses?: readonly OpportunityRow['status'][];
  category?: string;
  q?: string;
  /** current: not ended at `now`; past: ended. */
  when?: 'current' | 'past' | 'all';
  now: string;
  teamIds?: readonly string[];
}

function filteredOpportunities(db: Executor, f: OpportunityFilter) {
  let q = db.selectFrom('volunteer_opportunity');
  if (f.paths) {
    const paths = f.paths;
    q = paths.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where((eb) => inAnySubtree(eb, 'org_path', paths));
  }
  if (f.around) {
    const around = f.around;
    const ids = around.split('/').filter(Boolean);
    const above = ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
    q = q.where((eb) => eb.or([eb('org_path', 'in', above), eb.and([eb('org_path', '>=', around), eb('org_path', '<', prefixEnd(around))])]));
  }
  if (f.teamIds) {
    const teamIds = f.teamIds;
    q = teamIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('team_id', 'in', teamIds);
  }
  if (f.statuses) q = q.where('status', 'in', f.statuses);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.q) {
    const like = likePattern(f.q);
    q = q.where(sql<boolean>`(title like ${like} escape '\\' or description like ${like} escape '\\' or place like ${like} escape '\\' or organiser like ${like} escape '\\')`);
  }
  if (f.when === 'current') q = q.where('ends_at', '>', f.now);
  if (f.when === 'past') q = q.where('ends_at', '<=', f.now);
  return q;
}

export async function listOpportunities(db: Executor, f: OpportunityFilter, page: { limit: number; offset: number }) {
  const order = f.when === 'past' ? 'desc' : 'asc';
  const [rows, total] = await Promise.all([
    filteredOpportunities(db, f).selectAll().orderBy('starts_at', order).orderBy('id', order).limit(page.limit).offset(page.offset).execute(),
    filteredOpportunities(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/**
 * Takes the opportunity's row lock for a change to its sign-ups (PostgreSQL: the UPDATE's row
 * lock until COMMIT; SQLite: the database's write lock) and numbers the sign-up: the row's
 * `signup_seq` + 1, returned with what the caller decides on. Undefined when the opportunity
 * takes no sign-ups (not published, or past `deadline` when one is given).
 */
export async function claimSignupSeq(db: Executor, id: string, at: string, deadline: { field: 'signup_deadline' | 'ends_at' }) {
  const row = await db
    .updateTable('volunteer_opportunity')
    .set({ signup_seq: sql<number>`signup_seq + 1`, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'published')
    .where(deadline.field, '>', at)
    .returning(['signup_seq', 'taken', 'quota', 'requires_approval'])
    .executeTakeFirst();
  return row ? { seq: Number(row.signup_seq), taken: Number(row.taken), quota: Number(row.quota), requiresApproval: Number(row.requires_approval) === 1 } : undefined;
}

/** The opportunity's row lock without changing anything (see `claimSignupSeq`); the row as it is now. */
export async function lockOpportunity(db: Executor, id: string) {
  return db
    .updateTable('volunteer_opportunity')
    .set({ signup_seq: sql<number>`signup_seq` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Takes a place: one conditional UPDATE, so under any number of concurrent sign-ups `taken`
 * never passes `quota` (PostgreSQL re-checks the condition on the locked row). 1 = taken, 0 = full.
 */
export async function takePlace(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('volunteer_opportunity')
    .set({ taken: sql<number>`taken + 1`, updated_at: at })
    .where('id', '=', id)
    .where(sql<boolean>`taken < quota`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function releasePlace(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('volunteer_opportunity')
    .set({ taken: sql<number>`taken - 1`, updated_at: at })
    .where('id', '=', id)
    .where('taken', '>', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A new quota, only if it still holds everyone placed (0 otherwise). */
export async function setQuota(db: Executor, id: string, quota: number, at: string): Promise<number> {
  const r = await db.updateTable('volunteer_opportunity').set({ quota, updated_at: at }).where('id', '=', id).where('taken', '<=', quota).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Cancels the opportunity: no places held any more (its sign-ups are cancelled in the same transaction). */
export function markCancelled(db: Executor, id: string, reason: string, at: string) {
  return db
    .updateTable('volunteer_opportunity')
    .set({ status: 'cancelled', cancel_reason: reason, taken: 0, updated_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- sign-ups

export function insertSignup(db: Executor, row: SignupRow) {
  return db.insertInto('volunteer_signup').values(row).execute();
}

export function getSignup(db: Executor, id: string) {
  return db.selectFrom('volunteer_signup').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The volunteer's sign-up of an opportunity that is still alive (a place or a position), if any. */
export function activeSignup(db: Executor, opportunityId: string, volunteerId: string) {
  return db
    .selectFrom('volunteer_signup')
    .selectAll()
    .where('opportunity_id', '=', opportunityId)
    .where('volunteer_id', '=', volunteerId)
    .where('status', 'in', ['pending', 'confirmed', 'waiting'])
    .executeTakeFirst();
}

/** The volunteer's latest sign-up of each opportunity (for the shop's "mine"). */
export function latestSignups(db: Executor, volunteerId: string, opportunityIds: readonly string[]) {
  if (opportunityIds.length === 0) return Promise.resolve([] as SignupRow[]);
  return db.selectFrom('volunteer_signup').selectAll().where('volunteer_id', '=', volunteerId).where('opportunity_id', 'in', [...new Set(opportunityIds)]).orderBy('seq', 'desc').execute();
}

/** Moves a sign-up only from the states the caller saw: 0 when it moved meanwhile. */
export async function updateSignupIf(db: Executor, id: string, from: readonly SignupStatus[], patch: Partial<SignupRow>): Promise<number> {
  const r = await db
    .updateTable('volunteer_signup')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The head of the waiting list (lowest `seq`). */
export function firstWaiting(db: Executor, opportunityId: string) {
  return db.selectFrom('volunteer_signup').selectAll().where('opportunity_id', '=', opportunityId).where('status', '=', 'waiting').orderBy('seq').limit(1).executeTakeFirst();
}

/** 1-based places on the waiting list of these sign-ups (by `seq`). */
export async function waitingPositions(db: Executor, signups: readonly Pick<SignupRow, 'id' | 'opportunity_id' | 'seq' | 'status'>[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const waiting = signups.filter((s) => s.status === 'waiting');
  for (const s of waiting) {
    const r = await db
      .selectFrom('volunteer_signup')
      .select(sql<number>`count(*)`.as('n'))
      .where('opportunity_id', '=', s.opportunity_id)
      .where('status', '=', 'waiting')
      .where('seq', '<=', s.seq)
      .executeTakeFirstOrThrow();
    out.set(s.id, Number(r.n));
  }
  return out;
}

/** How many wait, per opportunity. */
export async function waitingCounts(db: Executor, opportunityIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (opportunityIds.length === 0) return out;
  const rows = await db
    .selectFrom('volunteer_signup')
    .select(['opportunity_id', sql<number>`count(*)`.as('n')])
    .where('opportunity_id', 'in', [...new Set(opportunityIds)])
    .where('status', '=', 'waiting')
    .groupBy('opportunity_id')
    .execute();
  for (const r of rows) out.set(r.opportunity_id, Number(r.n));
  return out;
}

/** Every sign-up of an opportunity with the volunteer's name and number, in sign-up order. */
export function signupsOf(db: Executor, opportunityId: string) {
  return db
    .selectFrom('volunteer_signup as s')
    .innerJoin('volunteer as v', 'v.id', 's.volunteer_id')
    .selectAll('s')
    .select(['v.name as volunteer_name', 'v.number as volunteer_number', 'v.user_id as volunteer_user_id'])
    .where('s.opportunity_id', '=', opportunityId)
    .orderBy('s.seq')
    .execute();
}

/** A volunteer's sign-ups, newest first. */
export function signupsOfVolunteer(db: Executor, volunteerId: string, limit = 200) {
  return db.selectFrom('volunteer_signup').selectAll().where('volunteer_id', '=', volunteerId).orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
}

/** Accounts of the volunteers still signed up (a place or waiting), for telling them of a cancellation. */
export async function activeSignupUsers(db: Executor, opportunityId: string): Promise<{ signupId: string; userId: string | null }[]> {
  const rows = await db
    .selectFrom('volunteer_signup as s')
    .innerJoin('volunteer as v', 'v.id', 's.volunteer_id')
    .select(['s.id', 'v.user_id'])
    .where('s.opportunity_id', '=', opportunityId)
    .where('s.status', 'in', ['pending', 'confirmed', 'waiting'])
    .execute();
  return rows.map((r) => ({ signupId: r.id, userId: r.user_id }));
}

export function getAttachment(db: Executor, id: string) {
  return db.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();
}
