import type { Executor } from '../../../platform/db/database.js';
import type { EventState } from '../events.table.js';
import '../events.table.js';
import './open311.table.js';

/** Top nodes of the tree: their codes are the jurisdiction_id values this deployment answers to. */
export function listRootCodes(db: Executor) {
  return db.selectFrom('org_node').select(['code', 'name']).where('parent_id', 'is', null).where('ended_at', 'is', null).execute();
}

const EVENT_COLUMNS = [
  'e.id',
  'e.code',
  'e.state',
  'e.description',
  'e.created_at',
  'e.updated_at',
  'e.closed_at',
  'e.close_due_at',
  'e.due_at',
  'e.address',
  'e.address_node_id',
  'e.lat',
  'e.lng',
  'e.org_node_id',
  'e.org_path',
  'e.assignee_node_id',
  'e.assignee_department_code',
  'e.workflow_instance_id',
  'e.merged_into_id',
  'c.code as service_code',
  'c.name as service_name',
  'c.name_en as service_name_en',
] as const;

function publicEvents(db: Executor) {
  // Only events of categories offered to the public are visible through Open311.
  return db.selectFrom('grid_event as e').innerJoin('event_category as c', 'c.id', 'e.category_id').select(EVENT_COLUMNS).where('c.public', '=', 1);
}

export type EventRow = Awaited<ReturnType<ReturnType<typeof publicEvents>['execute']>>[number];

export interface EventFilter {
  /** Inclusive bounds on requested_datetime (created_at, ISO UTC). */
  from: string;
  to: string;
  serviceCodes?: string[];
  states?: EventState[];
  limit: number;
}

/** Newest first, inside a window of created_at (the grid_event_created index). */
export function findPublicEvents(db: Executor, f: EventFilter) {
  let q = publicEvents(db).where('e.created_at', '>=', f.from).where('e.created_at', '<=', f.to);
  if (f.serviceCodes?.length) q = q.where('c.code', 'in', f.serviceCodes);
  if (f.states?.length) q = q.where('e.state', 'in', f.states);
  return q.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(f.limit).execute();
}

export function findPublicEventsByCodes(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as EventRow[]);
  return publicEvents(db).where('e.code', 'in', codes).orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').execute();
}

export function codesOfEvents(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; code: string }[]);
  return db.selectFrom('grid_event').select(['id', 'code']).where('id', 'in', ids).execute();
}

export function nodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; kind: string; name: string; path: string }[]);
  return db.selectFrom('org_node').select(['id', 'kind', 'name', 'path']).where('id', 'in', ids).execute();
}

export function departmentsByCodes(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as { code: string; name: string }[]);
  return db.selectFrom('department').select(['code', 'name']).where('code', 'in', codes).execute();
}

/** Steps with a comment among the given transitions, newest first per case. */
export function commentedSteps(db: Executor, instanceIds: string[], transitions: readonly string[]) {
  if (instanceIds.length === 0) return Promise.resolve([] as { instance_id: string; version: number; transition: string; comment: string | null }[]);
  return db
    .selectFrom('workflow_transition')
    .select(['instance_id', 'version', 'transition', 'comment'])
    .where('instance_id', 'in', instanceIds)
    .where('transition', 'in', [...transitions])
    .where('comment', 'is not', null)
    .orderBy('instance_id')
    .orderBy('version', 'desc')
    .execute();
}

/** Image attachments of events, oldest first per event. */
export function eventImages(db: Executor, eventIds: string[]) {
  if (eventIds.length === 0) return Promise.resolve([] as { event_id: string; attachment_id: string; mime: string }[]);
  return db
    .selectFrom('event_attachment as ea')
    .innerJoin('attachment as a', 'a.id', 'ea.attachment_id')
    .select(['ea.event_id', 'ea.attachment_id', 'a.mime'])
    .where('ea.event_id', 'in', eventIds)
    .where('a.mime', 'like', 'image/%')
    .orderBy('ea.event_id')
    .orderBy('ea.created_at')
    .orderBy('ea.attachment_id')
    .execute();
}

/** One image of a public event, by the event's code (what media URLs carry). */
export function publicEventImage(db: Executor, eventCode: string, attachmentId: string) {
  return db
    .selectFrom('grid_event as e')
    .innerJoin('event_category as c', 'c.id', 'e.category_id')
    .innerJoin('event_attachment as ea', 'ea.event_id', 'e.id')
    .innerJoin('attachment as a', 'a.id', 'ea.attachment_id')
    .select(['a.id', 'a.sha256', 'a.mime', 'a.size'])
    .where('e.code', '=', eventCode)
    .where('c.public', '=', 1)
    .where('a.id', '=', attachmentId)
    .where('a.mime', 'like', 'image/%')
    .executeTakeFirst();
}

export function setMediaUrl(db: Executor, eventId: string, mediaUrl: string) {
  return db.updateTable('grid_event').set({ media_url: mediaUrl }).where('id', '=', eventId).execute();
}
