import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { LectureSignupTable, LectureStatus, LectureTable } from './lectures.table.js';
import './lectures.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 微课. Lock order: the lecture's row first (every change to its seats updates it), then sign-ups. */

export type LectureRow = LectureTable;
export type SignupRow = LectureSignupTable;

export function isUnique(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface LectureFilter {
  paths?: readonly string[];
  /** A node's own line: lectures of its subtree and of the nodes above it. */
  around?: string;
  statuses?: readonly LectureStatus[];
  when?: 'upcoming' | 'past' | 'all';
  now: string;
}

function filtered(db: Executor, f: LectureFilter) {
  let q = db.selectFrom('lecture');
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
  if (f.statuses) q = q.where('status', 'in', f.statuses);
  if (f.when === 'upcoming') q = q.where('ends_at', '>', f.now);
  if (f.when === 'past') q = q.where('ends_at', '<=', f.now);
  return q;
}

export async function listLectures(db: Executor, f: LectureFilter, page: { limit: number; offset: number }) {
  const order = f.when === 'past' ? 'desc' : 'asc';
  const [rows, total] = await Promise.all([
    filtered(db, f).selectAll().orderBy('starts_at', order).orderBy('id', order).limit(page.limit).offset(page.offset).execute(),
    filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function insertLecture(db: Executor, row: LectureRow) {
  return db.insertInto('lecture').values(row).execute();
}

export function getLecture(db: Executor, id: string) {
  return db.selectFrom('lecture').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getLecturesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as LectureRow[]);
  return db.selectFrom('lecture').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

/** Optimistic update: 0 when someone changed the row since `version`. */
export async function updateLectureIf(db: Executor, id: string, version: number, patch: Partial<LectureRow>): Promise<number> {
  const r = await db.updateTable('lecture').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The lecture's row lock without changing anything (PostgreSQL: until COMMIT; SQLite: the write lock). */
export function lockLecture(db: Executor, id: string) {
  return db.updateTable('lecture').set({ taken: sql<number>`taken` }).where('id', '=', id).execute();
}

/** A new capacity, only if it still seats everyone signed up (0 otherwise). */
export async function setCapacity(db: Executor, id: string, capacity: number, at: string): Promise<number> {
  const r = await db.updateTable('lecture').set({ capacity, updated_at: at }).where('id', '=', id).where('taken', '<=', capacity).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Takes a seat: one conditional UPDATE, so under any number of concurrent sign-ups `taken` never
 * passes `capacity` (PostgreSQL re-checks the condition on the locked row). 1 = a seat, 0 = none
 * (full, not published, or sign-ups closed at the start).
 */
export async function takeSeat(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('lecture')
    .set({ taken: sql<number>`taken + 1`, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'published')
    .where('starts_at', '>', at)
    .where(sql<boolean>`taken < capacity`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function releaseSeat(db: Executor, id: string, at: string): Promise<number> {
  const r = await db.updateTable('lecture').set({ taken: sql<number>`taken - 1`, updated_at: at }).where('id', '=', id).where('taken', '>', 0).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function markCancelled(db: Executor, id: string, reason: string, at: string) {
  return db.updateTable('lecture').set({ status: 'cancelled', cancel_reason: reason, taken: 0, updated_at: at, version: sql<number>`version + 1` }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- sign-ups

export function insertSignup(db: Executor, row: SignupRow) {
  return db.insertInto('lecture_signup').values(row).execute();
}

export function getSignup(db: Executor, id: string) {
  return db.selectFrom('lecture_signup').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The account's live sign-up of a lecture, if any. */
export function liveSignup(db: Executor, lectureId: string, userId: string) {
  return db.selectFrom('lecture_signup').selectAll().where('lecture_id', '=', lectureId).where('user_id', '=', userId).where('status', '=', 'signed').executeTakeFirst();
}

/** The account's latest sign-up of a lecture (live or cancelled). */
export function latestSignup(db: Executor, lectureId: string, userId: string) {
  return db.selectFrom('lecture_signup').selectAll().where('lecture_id', '=', lectureId).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function signupsOfUser(db: Executor, userId: string, limit = 100) {
  return db.selectFrom('lecture_signup').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export function signupsOf(db: Executor, lectureId: string) {
  return db
    .selectFrom('lecture_signup as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select('u.display_name')
    .where('s.lecture_id', '=', lectureId)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
}

/** Cancels a live sign-up nobody has marked present yet: 1, or 0 when it moved meanwhile. */
export async function cancelSignupIf(db: Executor, id: string, at: string): Promise<number> {
  const r = await db
    .updateTable('lecture_signup')
    .set({ status: 'cancelled', cancelled_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'signed')
    .where('attended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Marks live sign-ups of a lecture present (only those not marked yet) or not present; the ids changed. */
export async function setAttendance(db: Executor, lectureId: string, ids: readonly string[], mark: { attended: boolean; method: 'staff' | 'qr'; by: string; at: string }): Promise<string[]> {
  const q = db
    .updateTable('lecture_signup')
    .where('lecture_id', '=', lectureId)
    .where('id', 'in', [...new Set(ids)])
    .where('status', '=', 'signed');
  const rows = mark.attended
    ? await q.set({ attended_at: mark.at, attended_method: mark.method, attended_by: mark.by, updated_at: mark.at }).where('attended_at', 'is', null).returning('id').execute()
    : await q.set({ attended_at: null, attended_method: null, attended_by: null, updated_at: mark.at }).where('attended_at', 'is not', null).returning('id').execute();
  return rows.map((r) => r.id);
}

export async function attendedCounts(db: Executor, lectureIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (lectureIds.length === 0) return out;
  const rows = await db
    .selectFrom('lecture_signup')
    .select(['lecture_id', sql<number>`count(*)`.as('n')])
    .where('lecture_id', 'in', [...new Set(lectureIds)])
    .where('status', '=', 'signed')
    .where('attended_at', 'is not', null)
    .groupBy('lecture_id')
    .execute();
  for (const r of rows) out.set(r.lecture_id, Number(r.n));
  return out;
}

/** Accounts still signed up (told of a cancellation or a change of time). */
export async function signedUsers(db: Executor, lectureId: string): Promise<string[]> {
  const rows = await db.selectFrom('lecture_signup').select('user_id').where('lecture_id', '=', lectureId).where('status', '=', 'signed').execute();
  return rows.map((r) => r.user_id);
}

export function cancelAllSignups(db: Executor, lectureId: string, at: string) {
  return db.updateTable('lecture_signup').set({ status: 'cancelled', cancelled_at: at, updated_at: at }).where('lecture_id', '=', lectureId).where('status', '=', 'signed').execute();
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'kind', 'path', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export function getNodesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string }[]);
  return db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
}
