import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { CorrectionRequestTable } from './registry.table.js';
import './registry.table.js';

export async function insertCorrection(db: Executor, row: CorrectionRequestTable): Promise<void> {
  await db.insertInto('correction_request').values(row).execute();
}

export function getCorrection(db: Executor, id: string): Promise<CorrectionRequestTable | undefined> {
  return db.selectFrom('correction_request').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface CorrectionFilter {
  paths: string[];
  status?: CorrectionRequestTable['status'];
}

function filtered(db: Executor, f: CorrectionFilter) {
  let q = db
    .selectFrom('correction_request')
    .innerJoin('person', 'person.id', 'correction_request.person_id')
    .where((eb: ExpressionBuilder<Database, 'correction_request'>): Expression<SqlBool> =>
      f.paths.length
        ? eb.or(f.paths.map((p) => eb.and([eb('correction_request.org_path', '>=', p), eb('correction_request.org_path', '<', prefixEnd(p))])))
        : sql<SqlBool>`1 = 0`,
    );
  if (f.status) q = q.where('correction_request.status', '=', f.status);
  return q;
}

/** Open requests first, then newest first. */
export function listCorrections(db: Executor, f: CorrectionFilter, page: { limit: number; offset: number }) {
  return filtered(db, f)
    .selectAll('correction_request')
    .select(['person.name as person_name'])
    .orderBy(sql`case when ${sql.ref('correction_request.status')} = 'open' then 0 else 1 end`)
    .orderBy('correction_request.created_at', 'desc')
    .orderBy('correction_request.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countCorrections(db: Executor, f: CorrectionFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function correctionsOfPerson(db: Executor, personId: string) {
  return db.selectFrom('correction_request').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
}

/** Enabled users holding `role` on a node that is the person's node or one of its ancestors. */
export async function usersWithRoleOver(db: Executor, role: string, path: string): Promise<string[]> {
  const ids = path.split('/').filter(Boolean);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select('app_user.id')
    .where('role_grant.role', '=', role)
    .where('role_grant.org_node_id', 'in', ids)
    .where('app_user.disabled', '=', 0)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

export async function resolveCorrection(db: Executor, id: string, patch: Pick<CorrectionRequestTable, 'status' | 'handled_by' | 'handled_at' | 'response'>): Promise<number> {
  const r = await db.updateTable('correction_request').set(patch).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function accessLog(db: Executor, personId: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('person_access')
    .leftJoin('department', 'department.code', 'person_access.department_code')
    .select(['person_access.id', 'person_access.at', 'person_access.actor_name', 'person_access.department_code', 'department.name as department_name', 'person_access.kind', 'person_access.purpose'])
    .where('person_access.person_id', '=', personId)
    .orderBy('person_access.at', 'desc')
    .orderBy('person_access.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAccessLog(db: Executor, personId: string): Promise<number> {
  const r = await db.selectFrom('person_access').select(sql<number>`count(*)`.as('n')).where('person_id', '=', personId).executeTakeFirstOrThrow();
  return Number(r.n);
}
