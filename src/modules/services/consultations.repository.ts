import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { ConsultationKind, ConsultationMessageTable, ConsultationProfessionalTable, ConsultationStatus, ConsultationTable } from './consultations.table.js';
import './consultations.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 咨询. */

export type ConsultationRow = ConsultationTable;
export type MessageRow = ConsultationMessageTable;
export type ProfessionalRow = ConsultationProfessionalTable;

export async function nextCodeSeq(db: Executor, day: string): Promise<number> {
  const row = await db
    .insertInto('consultation_code_seq')
    .values({ day, seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql<number>`consultation_code_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export function insertConsultation(db: Executor, row: ConsultationRow) {
  return db.insertInto('consultation').values(row).execute();
}

export function insertMessage(db: Executor, row: MessageRow) {
  return db.insertInto('consultation_message').values(row).execute();
}

export function getConsultation(db: Executor, id: string) {
  return db.selectFrom('consultation').selectAll().where('id', '=', id).executeTakeFirst();
}

export function messagesOf(db: Executor, id: string) {
  return db.selectFrom('consultation_message').selectAll().where('consultation_id', '=', id).orderBy('seq').execute();
}

/** Optimistic update: 0 when the consultation moved on since `version`. */
export async function updateConsultationIf(db: Executor, id: string, version: number, patch: Partial<ConsultationRow>): Promise<number> {
  const r = await db
    .updateTable('consultation')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface ConsultationFilter {
  askerUserId?: string;
  assigneeUserId?: string;
  scopePaths?: string[];
  status?: ConsultationStatus;
  kind?: ConsultationKind;
}

function filtered(db: Executor, f: ConsultationFilter) {
  let q = db.selectFrom('consultation');
  if (f.askerUserId) q = q.where('asker_user_id', '=', f.askerUserId);
  if (f.assigneeUserId) q = q.where('assignee_user_id', '=', f.assigneeUserId);
  if (f.scopePaths) {
    const paths = f.scopePaths;
    if (paths.length === 0) q = q.where(sql<boolean>`1 = 0`);
    else q = q.where((eb) => inAnySubtree(eb, 'org_path', paths));
  }
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  return q;
}

export async function listConsultations(db: Executor, f: ConsultationFilter, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    filtered(db, f).selectAll().orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---------------------------------------------------------------- professionals

export function insertProfessional(db: Executor, row: ProfessionalRow) {
  return db.insertInto('consultation_professional').values(row).execute();
}

export function getProfessional(db: Executor, id: string) {
  return db.selectFrom('consultation_professional').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateProfessional(db: Executor, id: string, patch: Partial<ProfessionalRow>) {
  return db.updateTable('consultation_professional').set(patch).where('id', '=', id).execute();
}

/** Professionals of a kind registered on the node with this path or one of its ancestors. */
export function professionalsServing(db: Executor, path: string, opts: { kind?: ConsultationKind; activeOnly: boolean }) {
  const ancestors = path.split('/').filter(Boolean);
  if (ancestors.length === 0) return Promise.resolve([] as ProfessionalRow[]);
  let q = db.selectFrom('consultation_professional').selectAll().where('org_node_id', 'in', ancestors);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  if (opts.activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('kind').orderBy('created_at').execute();
}

export function professionalsUnder(db: Executor, path: string, opts: { kind?: ConsultationKind; activeOnly: boolean }) {
  let q = db.selectFrom('consultation_professional').selectAll().where('org_path', '>=', path).where('org_path', '<', prefixEnd(path));
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  if (opts.activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('kind').orderBy('created_at').execute();
}

export function professionalsOfUsers(db: Executor, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([] as ProfessionalRow[]);
  return db.selectFrom('consultation_professional').selectAll().where('user_id', 'in', [...new Set(userIds)]).execute();
}

/** Enabled users holding one of `roles` on a node of this path (the node or an ancestor). */
export async function usersWithRolesOver(db: Executor, roles: string[], path: string): Promise<string[]> {
  const ids = path.split('/').filter(Boolean);
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

export function grantsOf(db: Executor, userId: string) {
  return db
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .select(['role_grant.role', 'org_node.path'])
    .where('role_grant.user_id', '=', userId)
    .execute();
}
