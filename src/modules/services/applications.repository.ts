import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { ApplicationState, ServiceApplicationMaterialTable, ServiceApplicationTable } from './applications.table.js';
import './applications.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

export type ApplicationRow = ServiceApplicationTable;

/** Still being handled (a person has at most one of these per matter). */
export const OPEN_STATES: ApplicationState[] = ['submitted', 'returned', 'accepted', 'approved'];
/** States with a running clock (待补正 stops it). */
export const CLOCKED_STATES: ApplicationState[] = ['submitted', 'accepted', 'approved'];

/** The day's next BJ number: one counter row per Beijing day, taken by upsert in the submitting transaction. */
export async function nextCodeSeq(db: Executor, day: string): Promise<number> {
  const row = await db
    .insertInto('service_application_code_seq')
    .values({ day, seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql<number>`service_application_code_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export function insertApplication(db: Executor, row: ApplicationRow) {
  return db.insertInto('service_application').values(row).execute();
}

export function getApplication(db: Executor, id: string) {
  return db.selectFrom('service_application').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateApplication(db: Executor, id: string, patch: Partial<ApplicationRow>) {
  return db.updateTable('service_application').set(patch).where('id', '=', id).execute();
}

export function setInstanceDue(db: Executor, instanceId: string, dueAt: string) {
  return db.updateTable('workflow_instance').set({ due_at: dueAt }).where('id', '=', instanceId).execute();
}

export function findOpen(db: Executor, matterId: string, personId: string) {
  return db
    .selectFrom('service_application')
    .select(['id', 'code', 'state'])
    .where('matter_id', '=', matterId)
    .where('applicant_person_id', '=', personId)
    .where('state', 'in', OPEN_STATES)
    .executeTakeFirst();
}

export async function linkMaterials(db: Executor, rows: ServiceApplicationMaterialTable[]) {
  if (rows.length) await db.insertInto('service_application_material').values(rows).execute();
}

export function listMaterials(db: Executor, applicationId: string) {
  return db
    .selectFrom('service_application_material')
    .innerJoin('attachment', 'attachment.id', 'service_application_material.attachment_id')
    .select([
      'service_application_material.material_code',
      'service_application_material.step',
      'service_application_material.created_at',
      'attachment.id',
      'attachment.original_name',
      'attachment.mime',
      'attachment.size',
    ])
    .where('service_application_material.application_id', '=', applicationId)
    .orderBy('service_application_material.created_at')
    .execute();
}

export function getAttachments(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose']).where('id', 'in', ids).execute();
}

/** Attachments already linked to an application (a file belongs to one application). */
export function linkedAttachments(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('service_application_material').select(['attachment_id', 'application_id']).where('attachment_id', 'in', ids).execute();
}

export function applicationsOfAttachment(db: Executor, attachmentId: string) {
  return db
    .selectFrom('service_application_material')
    .innerJoin('service_application', 'service_application.id', 'service_application_material.application_id')
    .select(['service_application.id', 'service_application.org_path', 'service_application.applicant_user_id', 'service_application.agent_user_id'])
    .where('service_application_material.attachment_id', '=', attachmentId)
    .execute();
}

export type DeadlineStatus = 'normal' | 'warning' | 'overdue';

export interface QueueFilter {
  subtrees: string[];
  states?: ApplicationState[];
  deadline?: DeadlineStatus;
  now: string;
  matterCode?: string;
  groupCode?: string;
  assigneeUserId?: string | null;
  channel?: 'online' | 'on_behalf';
  q?: string;
  from?: string;
  to?: string;
  applicantUserId?: string;
}

function applyFilter<Q extends { where: (...args: any[]) => Q }>(q: Q, f: QueueFilter): Q {
  let out = q;
  out = out.where((eb: any) => eb.or(f.subtrees.map((p) => eb.and([eb('service_application.org_path', '>=', p), eb('service_application.org_path', '<', prefixEnd(p))]))));
  if (f.states?.length) out = out.where('service_application.state', 'in', f.states);
  if (f.applicantUserId) out = out.where('service_application.applicant_user_id', '=', f.applicantUserId);
  if (f.matterCode) out = out.where('service_application.matter_code', '=', f.matterCode);
  if (f.groupCode) out = out.where('service_application.group_code', '=', f.groupCode);
  if (f.assigneeUserId === null) out = out.where('service_application.assignee_user_id', 'is', null);
  else if (f.assigneeUserId) out = out.where('service_application.assignee_user_id', '=', f.assigneeUserId);
  if (f.channel) out = out.where('service_application.channel', '=', f.channel);
  if (f.from) out = out.where('service_application.created_at', '>=', f.from);
  if (f.to) out = out.where('service_application.created_at', '<', f.to);
  if (f.q) {
    const q = f.q;
    out = /^BJ/i.test(q)
      ? out.where('service_application.code', '>=', q.toUpperCase()).where('service_application.code', '<', prefixEnd(q.toUpperCase()))
      : out.where('service_application.applicant_name', 'like', `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (f.deadline) {
    const states = f.states?.length ? f.states.filter((s) => CLOCKED_STATES.includes(s)) : CLOCKED_STATES;
    out = out.where('service_application.state', 'in', states.length ? states : ['']).where('service_application.due_at', 'is not', null);
    if (f.deadline === 'overdue') out = out.where('service_application.due_at', '<=', f.now);
    else if (f.deadline === 'warning') out = out.where('service_application.due_at', '>', f.now).where('service_application.warn_at', '<=', f.now);
    else out = out.where('service_application.due_at', '>', f.now).where((eb: any) => eb.or([eb('service_application.warn_at', 'is', null), eb('service_application.warn_at', '>', f.now)]));
  }
  return out;
}

export function listApplications(db: Executor, f: QueueFilter, page: { limit: number; offset: number; sort: 'due' | '-created' | 'created' }) {
  let q = db
    .selectFrom('service_application')
    .innerJoin('org_node', 'org_node.id', 'service_application.org_node_id')
    .leftJoin('app_user as assignee', 'assignee.id', 'service_application.assignee_user_id')
    .selectAll('service_application')
    .select(['org_node.name as org_node_name', 'assignee.display_name as assignee_name']);
  q = applyFilter(q, f);
  if (page.sort === 'due') {
    // Nulls (no running clock) last on both databases.
    q = q.orderBy(sql`case when service_application.due_at is null then 1 else 0 end`).orderBy('service_application.due_at').orderBy('service_application.created_at');
  } else q = q.orderBy('service_application.created_at', page.sort === 'created' ? 'asc' : 'desc');
  return q.orderBy('service_application.id').limit(page.limit).offset(page.offset).execute();
}

export async function countApplications(db: Executor, f: QueueFilter): Promise<number> {
  const row = await applyFilter(db.selectFrom('service_application').select(db.fn.countAll<number>().as('n')), f).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface StatFilter {
  subtrees: string[];
  from?: string;
  to?: string;
  now: string;
}

/** Per matter, one aggregate over the caller's subtrees (applications submitted in the period). */
export function statistics(db: Executor, f: StatFilter) {
  const open = OPEN_STATES.map((s) => `'${s}'`).join(',');
  let q = db
    .selectFrom('service_application')
    .select([
      'matter_id',
      'matter_code',
      'group_code',
      sql<string>`max(matter_name)`.as('matter_name'),
      sql<number>`count(*)`.as('applications'),
      sql<number>`sum(case when state in (${sql.raw(open)}) then 1 else 0 end)`.as('open'),
      sql<number>`sum(case when state in (${sql.raw(open)}) and due_at is not null and due_at <= ${f.now} then 1 else 0 end)`.as('overdue_open'),
      sql<number>`sum(case when completed_at is not null then 1 else 0 end)`.as('completed'),
      sql<number>`sum(case when completed_on_time = 1 then 1 else 0 end)`.as('completed_on_time'),
      sql<number>`sum(case when state in ('refused', 'denied') then 1 else 0 end)`.as('refused'),
      sql<number>`sum(case when return_count > 0 then 1 else 0 end)`.as('returned'),
      sql<number>`sum(case when channel = 'on_behalf' then 1 else 0 end)`.as('on_behalf'),
      sql<number>`sum(case when rating is not null then 1 else 0 end)`.as('rated'),
      sql<number>`sum(case when rating in ('满意', '基本满意') then 1 else 0 end)`.as('satisfied'),
    ])
    .where((eb) => eb.or(f.subtrees.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))]))));
  if (f.from) q = q.where('submitted_at', '>=', f.from);
  if (f.to) q = q.where('submitted_at', '<', f.to);
  return q.groupBy(['matter_id', 'matter_code', 'group_code']).orderBy('matter_code').execute();
}

/** Handlers: users holding one of `roles` on a node inside the subtrees. */
export function handlersIn(db: Executor, subtrees: string[], roles: string[]) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select(['app_user.id as user_id', 'app_user.display_name', 'org_node.id as org_node_id', 'org_node.name as org_node_name', 'org_node.path'])
    .where('role_grant.role', 'in', roles as never[])
    .where('app_user.disabled', '=', 0)
    .where((eb) => inAnySubtree(eb, 'org_node.path', subtrees))
    .orderBy('org_node.path')
    .orderBy('app_user.display_name')
    .execute();
}

export function grantsOfUser(db: Executor, userId: string) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select(['role_grant.role', 'org_node.path', 'app_user.display_name', 'app_user.disabled'])
    .where('role_grant.user_id', '=', userId)
    .execute();
}

/** Users holding `roles` on a node of this path or above it (the people of an application's community). */
export function grantHoldersAbove(db: Executor, path: string, roles: string[]) {
  const ids = path.split('/').filter(Boolean);
  if (ids.length === 0) return Promise.resolve([] as { user_id: string }[]);
  return db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('role_grant.user_id')
    .distinct()
    .where('role_grant.org_node_id', 'in', ids)
    .where('role_grant.role', 'in', roles as never[])
    .where('app_user.disabled', '=', 0)
    .execute();
}

export function userOfPerson(db: Executor, personId: string) {
  return db.selectFrom('app_user').select(['id', 'display_name']).where('person_id', '=', personId).where('disabled', '=', 0).orderBy('created_at').executeTakeFirst();
}

export function userNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; display_name: string }[]);
  return db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', ids).execute();
}
