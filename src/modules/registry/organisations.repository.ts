import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { OrganisationKind, OrganisationTable } from './registry.table.js';
import './registry.table.js';

export interface OrganisationFilter {
  paths: string[];
  kind?: OrganisationKind;
  nameContains?: string;
  includeEnded?: boolean;
}

function filtered(db: Executor, f: OrganisationFilter) {
  let q = db
    .selectFrom('organisation')
    .where((eb: ExpressionBuilder<Database, 'organisation'>): Expression<SqlBool> =>
      f.paths.length ? eb.or(f.paths.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))]))) : sql<SqlBool>`1 = 0`,
    );
  if (!f.includeEnded) q = q.where('ended_at', 'is', null);
  if (f.kind) q = q.where('kind', '=', f.kind);
  // An explicit ESCAPE: SQLite has no default escape character for LIKE.
  if (f.nameContains) q = q.where(sql<SqlBool>`${sql.ref('name')} like ${`%${f.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  return q;
}

export function listOrganisations(db: Executor, f: OrganisationFilter, page: { limit: number; offset: number }) {
  return filtered(db, f).selectAll().orderBy('org_path').orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countOrganisations(db: Executor, f: OrganisationFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function getOrganisation(db: Executor, id: string): Promise<OrganisationTable | undefined> {
  return db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findActiveByCreditCode(db: Executor, code: string) {
  return db.selectFrom('organisation').select(['id', 'org_path']).where('credit_code', '=', code).where('ended_at', 'is', null).execute();
}

export async function insertOrganisations(db: Executor, rows: OrganisationTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('organisation').values(rows.slice(i, i + 500)).execute();
}

export async function updateOrganisation(db: Executor, id: string, patch: Partial<OrganisationTable>): Promise<void> {
  await db.updateTable('organisation').set(patch).where('id', '=', id).execute();
}
