import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { BuildingInfoTable, DwellingInfoTable, HouseholdTable, PersonTable } from './registry.table.js';
import './registry.table.js';

/** How a list of people is narrowed: subtrees (OR-ed path prefixes) and one optional search. */
export interface PersonFilter {
  /** Path prefixes; a person matches when its org_path lies under any of them. Empty matches nothing. */
  paths: string[];
  idNumberIdx?: string;
  phoneIdx?: string;
  /** Last four characters of the ID number or the mobile. */
  tail?: string;
  nameContains?: string;
}

function personWhere(filter: PersonFilter) {
  return (eb: ExpressionBuilder<Database, 'person'>): Expression<SqlBool> => {
    const ranges = filter.paths.map((p) => eb.and([eb('person.org_path', '>=', p), eb('person.org_path', '<', prefixEnd(p))]));
    const parts: Expression<SqlBool>[] = [ranges.length ? eb.or(ranges) : sql<SqlBool>`1 = 0`];
    if (filter.idNumberIdx) parts.push(eb('person.id_number_idx', '=', filter.idNumberIdx));
    if (filter.phoneIdx) parts.push(eb('person.phone_idx', '=', filter.phoneIdx));
    if (filter.tail) parts.push(eb.or([eb('person.id_number_tail', '=', filter.tail), eb('person.phone_tail', '=', filter.tail)]));
    // An explicit ESCAPE: SQLite has no default escape character for LIKE.
    if (filter.nameContains) parts.push(sql<SqlBool>`${sql.ref('person.name')} like ${`%${escapeLike(filter.nameContains)}%`} escape '\\'`);
    return eb.and(parts);
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function listPeople(db: Executor, filter: PersonFilter, page: { limit: number; offset: number }) {
  return db
    .selectFrom('person')
    .selectAll()
    .where(personWhere(filter))
    .orderBy('person.org_path')
    .orderBy('person.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPeople(db: Executor, filter: PersonFilter): Promise<number> {
  const r = await db.selectFrom('person').select(sql<number>`count(*)`.as('n')).where(personWhere(filter)).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function getPerson(db: Executor, id: string) {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPeopleByIdNumberIdx(db: Executor, idx: string) {
  return db.selectFrom('person').selectAll().where('id_number_idx', '=', idx).orderBy('created_at').execute();
}

export function getHousehold(db: Executor, id: string) {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getDwellingInfo(db: Executor, orgNodeId: string) {
  return db.selectFrom('dwelling_info').selectAll().where('org_node_id', '=', orgNodeId).executeTakeFirst();
}

/** Names and kinds of many org nodes in one query (for building addresses of a page). */
export function getNodeNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'kind']).where('id', 'in', ids).execute();
}

export function getOrgNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function getDepartmentMandates(db: Executor, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('department').select(['code', 'mandate']).where('code', 'in', codes).execute();
}

/**
 * Multi-row inserts, `chunk` rows a statement: seeding and imports write thousands of rows,
 * and one statement per row would cost a round trip each on PostgreSQL.
 */
async function insertChunked<T>(rows: T[], chunk: number, insert: (part: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}

export function insertPeople(db: Executor, rows: PersonTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('person').values(part).execute());
}

export function insertHouseholds(db: Executor, rows: HouseholdTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('household').values(part).execute());
}

export function insertDwellingInfo(db: Executor, rows: DwellingInfoTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('dwelling_info').values(part).execute());
}

export function insertBuildingInfo(db: Executor, rows: BuildingInfoTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('building_info').values(part).execute());
}

/** People under a subtree by plain criteria (no scope check: for seeds and internal jobs). */
export function findPeopleUnder(
  db: Executor,
  path: string,
  opts: { limit: number; gender?: string; bornFrom?: string; bornTo?: string; residenceType?: string },
) {
  let q = db
    .selectFrom('person')
    .select(['id', 'name', 'gender', 'birth_date', 'residence_type', 'household_id', 'dwelling_id', 'org_path'])
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path))
    .where('status', '=', 'active');
  if (opts.gender) q = q.where('gender', '=', opts.gender as never);
  if (opts.bornFrom) q = q.where('birth_date', '>=', opts.bornFrom);
  if (opts.bornTo) q = q.where('birth_date', '<=', opts.bornTo);
  if (opts.residenceType) q = q.where('residence_type', '=', opts.residenceType as never);
  return q.orderBy('org_path').orderBy('id').limit(opts.limit).execute();
}
