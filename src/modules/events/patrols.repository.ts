import { sql } from 'kysely';
import type { DialectName, Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { EventPatrolPointTable, EventPatrolTable } from './events.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** Only SQL here. Patrols carry their grid's path, so every filter is a range scan of a subtree. */

export interface PatrolFilter {
  /** Subtree paths (any of them). */
  paths: string[];
  workerUserId?: string;
  /** Started at or after / before (UTC ISO). */
  startedFrom?: string;
  startedBefore?: string;
  open?: boolean;
}

export type PatrolRow = EventPatrolTable & { grid_name: string; worker_name: string };

function filtered(db: Executor, f: PatrolFilter) {
  let q = db
    .selectFrom('event_patrol')
    .where((eb) => eb.or(f.paths.map((p) => eb.and([eb('event_patrol.org_path', '>=', p), eb('event_patrol.org_path', '<', prefixEnd(p))]))));
  if (f.workerUserId) q = q.where('event_patrol.worker_user_id', '=', f.workerUserId);
  if (f.startedFrom) q = q.where('event_patrol.started_at', '>=', f.startedFrom);
  if (f.startedBefore) q = q.where('event_patrol.started_at', '<', f.startedBefore);
  if (f.open === true) q = q.where('event_patrol.ended_at', 'is', null);
  if (f.open === false) q = q.where('event_patrol.ended_at', 'is not', null);
  return q;
}

export function listPatrols(db: Executor, f: PatrolFilter, page: { limit: number; offset: number }): Promise<PatrolRow[]> {
  return filtered(db, f)
    .innerJoin('org_node', 'org_node.id', 'event_patrol.grid_id')
    .innerJoin('app_user', 'app_user.id', 'event_patrol.worker_user_id')
    .selectAll('event_patrol')
    .select(['org_node.name as grid_name', 'app_user.display_name as worker_name'])
    .orderBy('event_patrol.started_at', 'desc')
    .orderBy('event_patrol.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPatrols(db: Executor, f: PatrolFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The figures coverage counts, for every patrol started in the period under the paths. */
export function patrolFacts(db: Executor, f: PatrolFilter) {
  return filtered(db, f)
    .select(['event_patrol.id', 'event_patrol.grid_id', 'event_patrol.worker_user_id', 'event_patrol.started_at', 'event_patrol.ended_at', 'event_patrol.distance_m', 'event_patrol.point_count'])
    .execute();
}

/** Events reported on each of these patrols (the events table is the truth, not a counter). */
export async function eventCounts(db: Executor, patrolIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < patrolIds.length; i += 500) {
    const rows = await db
      .selectFrom('grid_event')
      .select(['patrol_id', sql<number>`count(*)`.as('n')])
      .where('patrol_id', 'in', patrolIds.slice(i, i + 500))
      .groupBy('patrol_id')
      .execute();
    for (const r of rows) out.set(r.patrol_id!, Number(r.n));
  }
  return out;
}

export function getPatrol(db: Executor, id: string): Promise<PatrolRow | undefined> {
  return db
    .selectFrom('event_patrol')
    .innerJoin('org_node', 'org_node.id', 'event_patrol.grid_id')
    .innerJoin('app_user', 'app_user.id', 'event_patrol.worker_user_id')
    .selectAll('event_patrol')
    .select(['org_node.name as grid_name', 'app_user.display_name as worker_name'])
    .where('event_patrol.id', '=', id)
    .executeTakeFirst();
}

/** The patrol row, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
export function lockPatrol(db: Executor, dialect: DialectName, id: string): Promise<EventPatrolTable | undefined> {
  const q = db.selectFrom('event_patrol').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export function openPatrolOf(db: Executor, workerUserId: string): Promise<EventPatrolTable | undefined> {
  return db.selectFrom('event_patrol').selectAll().where('worker_user_id', '=', workerUserId).where('ended_at', 'is', null).executeTakeFirst();
}

export async function insertPatrol(db: Executor, row: EventPatrolTable): Promise<void> {
  await db.insertInto('event_patrol').values(row).execute();
}

export function lastPoint(db: Executor, patrolId: string): Promise<EventPatrolPointTable | undefined> {
  return db.selectFrom('event_patrol_point').selectAll().where('patrol_id', '=', patrolId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertPoints(db: Executor, rows: EventPatrolPointTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 250) await db.insertInto('event_patrol_point').values(rows.slice(i, i + 250)).execute();
}

/** Moves the counters on, if nobody else did since `seenCount` was read (false: they did). */
export async function advancePatrol(db: Executor, id: string, seenCount: number, patch: { point_count: number; distance_m: number }): Promise<boolean> {
  const r = await db
    .updateTable('event_patrol')
    .set(patch)
    .where('id', '=', id)
    .where('point_count', '=', seenCount)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function endPatrol(db: Executor, id: string, patch: { ended_at: string; summary: string | null }): Promise<boolean> {
  const r = await db.updateTable('event_patrol').set(patch).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countEventOnPatrol(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('event_patrol')
    .set((eb) => ({ event_count: eb('event_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export function trackOf(db: Executor, patrolId: string): Promise<EventPatrolPointTable[]> {
  return db.selectFrom('event_patrol_point').selectAll().where('patrol_id', '=', patrolId).orderBy('seq').execute();
}

export function eventsOfPatrol(db: Executor, patrolId: string) {
  return db
    .selectFrom('grid_event')
    .leftJoin('event_category', 'event_category.id', 'grid_event.category_id')
    .select(['grid_event.id', 'grid_event.code', 'grid_event.title', 'grid_event.state', 'grid_event.lat', 'grid_event.lng', 'grid_event.created_at', 'event_category.name as category_name'])
    .where('grid_event.patrol_id', '=', patrolId)
    .orderBy('grid_event.created_at')
    .orderBy('grid_event.id')
    .execute();
}

/** Grids (not closed) under any of the paths, with the name of their community. */
export function gridsUnder(db: Executor, paths: string[]) {
  return db
    .selectFrom('org_node as g')
    .leftJoin('org_node as c', 'c.id', 'g.parent_id')
    .select(['g.id', 'g.name', 'g.path', 'c.name as community_name'])
    .where('g.kind', '=', 'grid')
    .where('g.ended_at', 'is', null)
    .where((eb) => inAnySubtree(eb, 'g.path', paths))
    // Grid codes (CJ/T 349) run in the order the grids are numbered.
    .orderBy('c.sort')
    .orderBy('c.code')
    .orderBy('g.sort')
    .orderBy('g.code')
    .orderBy('g.id')
    .execute();
}

/** Grid workers with a grant under any of the paths (active accounts). */
export function gridWorkersUnder(db: Executor, paths: string[]) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select(['app_user.id', 'app_user.display_name'])
    .where('role_grant.role', '=', 'grid_worker')
    .where('app_user.disabled', '=', 0)
    .where((eb) => inAnySubtree(eb, 'org_node.path', paths))
    .distinct()
    .execute();
}

export function userNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; display_name: string }[]);
  return db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', ids).execute();
}
