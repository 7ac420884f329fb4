import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { preparedQuery } from '../../platform/db/prepared-query.js';
import type { EventChannel, EventNoteTable, EventState, EventUrgency, GridEventTable } from './events.table.js';
import './events.table.js';

export interface EventCodeSeqTable {
  /** `YYYYMMDD` in China time. */
  day: string;
  seq: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    event_code_seq: EventCodeSeqTable;
  }
}

export type EventRow = GridEventTable;

const nextCodeSeqQuery = preparedQuery<{ seq: number }, { day: string }>((db, p) =>
  db
    .insertInto('event_code_seq')
    .values({ day: p<string>('day'), seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql<number>`event_code_seq.seq + 1` }))
    .returning('seq'),
);

/** The next number of the day, in the caller's transaction (the row lock serialises writers). */
export async function nextCodeSeq(db: Executor, day: string): Promise<number> {
  const { rows } = await nextCodeSeqQuery(db, { day });
  return Number(rows[0]!.seq);
}

/** Every column of grid_event the code knows (the compiler checks the list against the row type). */
const EVENT_COLUMNS: { [K in keyof Required<EventRow>]: true } = { id: true, code: true, category_id: true, title: true, description: true, channel: true, source: true, source_order_no: true, urgency: true, state: true, workflow_instance_id: true, org_node_id: true, org_path: true, lat: true, lng: true, address: true, address_node_id: true, attributes: true, reporter_user_id: true, reporter_person_id: true, reporter_token_id: true, reporter_name_enc: true, reporter_phone_enc: true, patrol_id: true, promoted_from: true, merged_into_id: true, assignee_node_id: true, assignee_department_code: true, assignee_user_id: true, escalated_at: true, stage_started_at: true, due_at: true, warn_at: true, warned_at: true, overdue_at: true, accepted_at: true, first_dispatched_at: true, handling_started_at: true, handled_at: true, closed_at: true, close_due_at: true, closed_on_time: true, dispatch_count: true, return_count: true, handling_count: true, rework_count: true, extension_count: true, suspended: true, rating: true, rating_comment: true, rated_at: true, version: true, created_at: true, updated_at: true, media_url: true };

/** Reporting inserts thousands of rows a second: the 50-column insert is compiled once. */
const insertEventQuery = preparedQuery<unknown, EventRow>((db, p) =>
  db.insertInto('grid_event').values(Object.fromEntries((Object.keys(EVENT_COLUMNS) as (keyof EventRow & string)[]).map((c) => [c, p(c)])) as unknown as EventRow),
);

export async function insertEvent(db: Executor, row: EventRow) {
  await insertEventQuery(db, row);
}

export function getEvent(db: Executor, id: string) {
  return db.selectFrom('grid_event').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getEventByCode(db: Executor, code: string) {
  return db.selectFrom('grid_event').selectAll().where('code', '=', code).executeTakeFirst();
}

export function getEventsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as EventRow[]);
  return db.selectFrom('grid_event').selectAll().where('id', 'in', ids).execute();
}

export function updateEvent(db: Executor, id: string, patch: Partial<EventRow>) {
  return db.updateTable('grid_event').set(patch).where('id', '=', id).execute();
}

export function setInstanceDue(db: Executor, instanceId: string, dueAt: string | null) {
  return db.updateTable('workflow_instance').set({ due_at: dueAt }).where('id', '=', instanceId).execute();
}

// ---- notes (linked records on the timeline, events.notes.ts) -----------------------------

/** Adds the entry unless the event already names this record; true when a row was written. */
export async function insertEventNote(db: Executor, row: EventNoteTable): Promise<boolean> {
  const written = await db
    .insertInto('event_note')
    .values(row)
    .onConflict((oc) => oc.columns(['event_id', 'kind', 'record_id']).doNothing())
    .returning('id')
    .execute();
  return written.length > 0;
}

export function getEventNoteByRecord(db: Executor, eventId: string, kind: string, recordId: string) {
  return db.selectFrom('event_note').selectAll().where('event_id', '=', eventId).where('kind', '=', kind).where('record_id', '=', recordId).executeTakeFirst();
}

/** An event's entries, oldest first. */
export function listEventNotes(db: Executor, eventId: string) {
  return db.selectFrom('event_note').selectAll().where('event_id', '=', eventId).orderBy('created_at').orderBy('id').execute();
}

// ---- places ---------------------------------------------------------------------------------

export interface PolygonNode {
  id: string;
  kind: 'grid' | 'community';
  name: string;
  path: string;
  geometry: string;
  updated_at: string;
}

/** Grids and communities that have a polygon (a few hundred in a city). */
export function listPolygonNodes(db: Executor) {
  return db
    .selectFrom('org_node')
    .select(['id', 'kind', 'name', 'path', 'geometry', 'updated_at'])
    .where('kind', 'in', ['grid', 'community'])
    .where('ended_at', 'is', null)
    .where('geometry', 'is not', null)
    .execute() as Promise<PolygonNode[]>;
}

/** A cheap fingerprint of those polygons: the cache of parsed polygons is rebuilt when it moves. */
export async function polygonFingerprint(db: Executor): Promise<string> {
  const r = await db
    .selectFrom('org_node')
    .select([sql<number>`count(*)`.as('n'), sql<string | null>`max(updated_at)`.as('at')])
    .where('kind', 'in', ['grid', 'community'])
    .executeTakeFirstOrThrow();
  return `${r.n}|${r.at ?? ''}`;
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'kind', 'name', 'path', 'parent_id', 'geometry', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export function getNodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_node').select(['id', 'kind', 'name', 'path', 'parent_id', 'geometry']).where('id', 'in', ids).execute();
}

/** Communities (with their path) whose name appears in a free-text address. */
export function listCommunities(db: Executor) {
  return db.selectFrom('org_node').select(['id', 'name', 'path']).where('kind', '=', 'community').where('ended_at', 'is', null).execute();
}

/** Buildings of a community (a few hundred at most), for matching an address text. */
export function listBuildings(db: Executor, path: string) {
  return db
    .selectFrom('org_node')
    .select(['id', 'name', 'path'])
    .where('kind', '=', 'building')
    .where('path', '>=', path)
    .where('path', '<', prefixEnd(path))
    .where('ended_at', 'is', null)
    .execute();
}

/** Children of a node by exact name (a building `3幢` in a community's grids, a unit, a dwelling). */
export function findInSubtreeByName(db: Executor, path: string, kind: 'building' | 'unit' | 'dwelling', names: string[]) {
  if (names.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('org_node')
    .select(['id', 'name', 'path', 'kind'])
    .where('kind', '=', kind)
    .where('path', '>=', path)
    .where('path', '<', prefixEnd(path))
    .where('name', 'in', names)
    .where('ended_at', 'is', null)
    .limit(5)
    .execute();
}

// ---- attachments ----------------------------------------------------------------------------

export function getAttachments(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'mime', 'original_name', 'size', 'created_at']).where('id', 'in', ids).execute();
}

export async function linkAttachments(db: Executor, rows: { event_id: string; attachment_id: string; step: string; created_by: string | null; created_at: string }[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('event_attachment')
    .values(rows)
    .onConflict((oc) => oc.columns(['event_id', 'attachment_id']).doNothing())
    .execute();
}

export function listEventAttachments(db: Executor, eventId: string) {
  return db
    .selectFrom('event_attachment')
    .innerJoin('attachment', 'attachment.id', 'event_attachment.attachment_id')
    .select(['attachment.id', 'attachment.mime', 'attachment.original_name', 'attachment.size', 'event_attachment.step', 'event_attachment.created_at', 'event_attachment.created_by'])
    .where('event_attachment.event_id', '=', eventId)
    .orderBy('event_attachment.created_at')
    .execute();
}

/** Events an attachment belongs to (for the file access check). */
export function eventsOfAttachment(db: Executor, attachmentId: string) {
  return db
    .selectFrom('event_attachment')
    .innerJoin('grid_event', 'grid_event.id', 'event_attachment.event_id')
    .select(['grid_event.id', 'grid_event.org_path', 'grid_event.reporter_user_id', 'grid_event.assignee_user_id', 'grid_event.assignee_node_id'])
    .where('event_attachment.attachment_id', '=', attachmentId)
    .execute();
}

// ---- people ---------------------------------------------------------------------------------

export function getUsers(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('app_user').select(['id', 'username', 'display_name', 'person_id', 'disabled']).where('id', 'in', ids).execute();
}

export function grantsOfUser(db: Executor, userId: string) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .select(['role_grant.role', 'role_grant.org_node_id', 'role_grant.department_code', 'org_node.path'])
    .where('role_grant.user_id', '=', userId)
    .execute();
}

/** Who handles at a unit: handler roles granted on the node itself (and the department, if named). */
export async function handlersAt(db: Executor, nodeId: string, departmentCode: string | null): Promise<string[]> {
  let q = db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('role_grant.user_id')
    .where('role_grant.org_node_id', '=', nodeId)
    .where('role_grant.role', 'in', ['community_staff', 'grid_worker', 'department_officer'])
    .where('app_user.disabled', '=', 0);
  if (departmentCode) q = q.where((eb) => eb.or([eb('role_grant.department_code', '=', departmentCode), eb('role_grant.role', '!=', 'department_officer')]));
  else q = q.where('role_grant.role', '!=', 'department_officer');
  const rows = await q.limit(50).execute();
  return rows.map((r) => r.user_id);
}

/**
 * 上报街道 goes to the street's dispatchers (街道指挥中心): dispatcher grants on the street the
 * path lies under or above it (on every node of the path when there is no street); and the
 * name of the community on the path, for the notice.
 */
export async function streetDispatchersOf(db: Executor, orgPath: string): Promise<{ userIds: string[]; communityName: string | null }> {
  const ids = orgPath.split('/').filter(Boolean);
  if (ids.length === 0) return { userIds: [], communityName: null };
  const nodes = new Map((await db.selectFrom('org_node').select(['id', 'kind', 'name']).where('id', 'in', ids).execute()).map((n) => [n.id, n]));
  const chain = ids.map((id) => nodes.get(id)).filter((n): n is NonNullable<typeof n> => !!n);
  const street = chain.find((n) => n.kind === 'street');
  const over = street ? ids.slice(0, ids.indexOf(street.id) + 1) : ids;
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('role_grant.user_id')
    .distinct()
    .where('role_grant.org_node_id', 'in', over)
    .where('role_grant.role', '=', 'dispatcher')
    .where('app_user.disabled', '=', 0)
    .orderBy('role_grant.user_id')
    .execute();
  return { userIds: rows.map((r) => r.user_id), communityName: chain.find((n) => n.kind === 'community')?.name ?? null };
}

export async function departmentExists(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('department').select('code').where('code', '=', code).executeTakeFirst());
}

// ---- lists ----------------------------------------------------------------------------------

export type DeadlineStatus = 'normal' | 'warning' | 'overdue';

export interface EventFilter {
  /** Path prefixes the caller may read (already intersected with a requested subtree). */
  subtrees: string[];
  states?: EventState[];
  deadline?: DeadlineStatus;
  now: string;
  categoryIds?: string[];
  channel?: EventChannel;
  urgency?: EventUrgency;
  assigneeUserId?: string;
  /** Dispatched to one of these units (or to the user), for "my unit". */
  assigneeUnits?: { nodeIds: string[]; departments: string[]; userId: string };
  reporterUserId?: string;
  q?: string;
  createdFrom?: string;
  createdTo?: string;
}

function filtered(db: Executor, f: EventFilter) {
  let q = db.selectFrom('grid_event');
  q = q.where((eb) => {
    const parts = f.subtrees.map((p) => eb.and([eb('grid_event.org_path', '>=', p), eb('grid_event.org_path', '<', prefixEnd(p))]));
    return parts.length ? eb.or(parts) : sql<SqlBool>`1 = 0`;
  });
  if (f.states?.length) q = q.where('grid_event.state', 'in', f.states);
  if (f.deadline === 'overdue') q = q.where('grid_event.due_at', 'is not', null).where('grid_event.due_at', '<=', f.now);
  if (f.deadline === 'warning') q = q.where('grid_event.warn_at', '<=', f.now).where('grid_event.due_at', '>', f.now);
  if (f.deadline === 'normal') {
    q = q.where((eb) => eb.or([eb('grid_event.due_at', 'is', null), eb.and([eb('grid_event.due_at', '>', f.now), eb.or([eb('grid_event.warn_at', 'is', null), eb('grid_event.warn_at', '>', f.now)])])]));
  }
  if (f.categoryIds?.length) q = q.where('grid_event.category_id', 'in', f.categoryIds);
  if (f.channel) q = q.where('grid_event.channel', '=', f.channel);
  if (f.urgency) q = q.where('grid_event.urgency', '=', f.urgency);
  if (f.assigneeUserId) q = q.where('grid_event.assignee_user_id', '=', f.assigneeUserId);
  if (f.assigneeUnits) {
    const u = f.assigneeUnits;
    q = q.where((eb) => {
      const parts = [eb('grid_event.assignee_user_id', '=', u.userId)];
      if (u.nodeIds.length) parts.push(eb('grid_event.assignee_node_id', 'in', u.nodeIds));
      if (u.departments.length) parts.push(eb('grid_event.assignee_department_code', 'in', u.departments));
      return eb.or(parts);
    });
  }
  if (f.reporterUserId) q = q.where('grid_event.reporter_user_id', '=', f.reporterUserId);
  if (f.q) {
    const text = f.q.trim();
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('grid_event.code', '>=', text.toUpperCase()).and('grid_event.code', '<', prefixEnd(text.toUpperCase())),
        sql<SqlBool>`grid_event.title like ${like} escape '\\'`,
        eb('grid_event.source_order_no', '=', text),
      ]),
    );
  }
  if (f.createdFrom) q = q.where('grid_event.created_at', '>=', f.createdFrom);
  if (f.createdTo) q = q.where('grid_event.created_at', '<', f.createdTo);
  return q;
}

export async function countEvents(db: Executor, f: EventFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Counts per state and deadline status in one pass (the status as the `deadline` filter reads it). */
export async function countByStateAndDeadline(db: Executor, f: EventFilter) {
  const status = sql<DeadlineStatus>`case when grid_event.due_at is not null and grid_event.due_at <= ${f.now} then 'overdue' when grid_event.warn_at <= ${f.now} and grid_event.due_at > ${f.now} then 'warning' else 'normal' end`;
  const rows = await filtered(db, f)
    .select(['grid_event.state', status.as('deadline'), sql<number>`count(*)`.as('n')])
    // By position: PostgreSQL would not match the bound parameters of a repeated expression.
    .groupBy([sql`1`, sql`2`])
    .execute();
  return rows.map((r) => ({ state: r.state, deadline: r.deadline, n: Number(r.n) }));
}

export type ListSort = 'due_at' | '-due_at' | 'created' | '-created';

export function listEvents(db: Executor, f: EventFilter, page: { limit: number; offset: number; sort: ListSort }) {
  let q = filtered(db, f)
    .innerJoin('event_category', 'event_category.id', 'grid_event.category_id')
    .innerJoin('org_node', 'org_node.id', 'grid_event.org_node_id')
    .selectAll('grid_event')
    .select(['event_category.name as category_name', 'event_category.code as category_code', 'org_node.name as org_node_name']);
  switch (page.sort) {
    case 'due_at':
      // Running clocks first, soonest due first; events without a clock after them.
      q = q.orderBy(sql`case when grid_event.due_at is null then 1 else 0 end`).orderBy('grid_event.due_at').orderBy('grid_event.created_at', 'desc');
      break;
    case '-due_at':
      q = q.orderBy(sql`case when grid_event.due_at is null then 1 else 0 end`).orderBy('grid_event.due_at', 'desc').orderBy('grid_event.created_at', 'desc');
      break;
    case 'created':
      q = q.orderBy('grid_event.created_at');
      break;
    default:
      q = q.orderBy('grid_event.created_at', 'desc');
  }
  return q.orderBy('grid_event.id').limit(page.limit).offset(page.offset).execute();
}

/** The anonymised public map: public categories, not withdrawn/merged/voided, newest first. */
export function listPublicEvents(db: Executor, opts: { subtree?: string; from: string; limit: number; states: EventState[] }) {
  let q = db
    .selectFrom('grid_event')
    .innerJoin('event_category', 'event_category.id', 'grid_event.category_id')
    .innerJoin('org_node', 'org_node.id', 'grid_event.org_node_id')
    .select([
      'grid_event.code',
      'grid_event.title',
      'grid_event.state',
      'grid_event.lat',
      'grid_event.lng',
      'grid_event.created_at',
      'grid_event.closed_at',
      'grid_event.org_node_id',
      'event_category.name as category_name',
      'event_category.code as category_code',
      'org_node.name as org_node_name',
      'org_node.geometry as org_node_geometry',
    ])
    .where('grid_event.created_at', '>=', opts.from)
    .where('grid_event.state', 'in', opts.states)
    .where('event_category.public', '=', 1);
  if (opts.subtree) q = q.where('grid_event.org_path', '>=', opts.subtree).where('grid_event.org_path', '<', prefixEnd(opts.subtree));
  return q.orderBy('grid_event.created_at', 'desc').limit(opts.limit).execute();
}

/** Is there a running (not closed, not terminal) event with this id? */
export const OPEN_STATES: EventState[] = ['reported', 'accepted', 'dispatched', 'handling', 'extension_requested', 'suspended', 'checking', 'void_requested'];

/** The last step of a kind on an instance (who asked to void, how many hours were asked). */
export function lastStep(db: Executor, instanceId: string, transition: string) {
  return db
    .selectFrom('workflow_transition')
    .select(['actor_id', 'data', 'at', 'version'])
    .where('instance_id', '=', instanceId)
    .where('transition', '=', transition)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- dispatch targets -----------------------------------------------------------------------

function inSubtrees(column: string, subtrees: string[]) {
  return (eb: any) => {
    const parts = subtrees.map((p) => eb.and([eb(column, '>=', p), eb(column, '<', prefixEnd(p))]));
    return parts.length ? eb.or(parts) : sql<SqlBool>`1 = 0`;
  };
}

/** Streets, communities and grids a dispatcher may send events to. */
export function listUnits(db: Executor, subtrees: string[]) {
  return db
    .selectFrom('org_node')
    .select(['id', 'name', 'kind', 'parent_id'])
    .where('kind', 'in', ['street', 'community', 'grid'])
    .where('ended_at', 'is', null)
    .where(inSubtrees('path', subtrees))
    .orderBy('path')
    .limit(2000)
    .execute();
}

/** People who handle events inside those subtrees (grid workers, community staff, department officers). */
export function listHandlers(db: Executor, subtrees: string[]) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select(['app_user.id as user_id', 'app_user.display_name', 'role_grant.role', 'role_grant.org_node_id', 'role_grant.department_code'])
    .where('role_grant.role', 'in', ['community_staff', 'grid_worker', 'department_officer'])
    .where('app_user.disabled', '=', 0)
    .where(inSubtrees('org_node.path', subtrees))
    .orderBy('org_node.path')
    .orderBy('app_user.display_name')
    .limit(1000)
    .execute();
}
