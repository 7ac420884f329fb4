import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import type { HouseholdTable } from './registry.table.js';
import './registry.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

function underPaths(paths: string[]) {
  return (eb: ExpressionBuilder<Database, 'household'>): Expression<SqlBool> =>
    paths.length ? inAnySubtree(eb, 'household.org_path', paths) : sql<SqlBool>`1 = 0`;
}

export interface HouseholdFilter {
  paths: string[];
  number?: string;
}

function filtered(db: Executor, f: HouseholdFilter) {
  let q = db.selectFrom('household').where(underPaths(f.paths));
  // An explicit ESCAPE: SQLite has no default escape character for LIKE.
  if (f.number) q = q.where(sql<SqlBool>`${sql.ref('household.number')} like ${`${f.number.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  return q;
}

export function listHouseholds(db: Executor, f: HouseholdFilter, page: { limit: number; offset: number }) {
  return filtered(db, f)
    .leftJoin('person as head', 'head.id', 'household.head_person_id')
    .select(['household.id', 'household.number', 'household.head_person_id', 'household.dwelling_id', 'household.org_path', 'household.created_at', 'head.name as head_name'])
    .select((eb) =>
      eb
        .selectFrom('person')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('person.household_id', '=', 'household.id')
        .where('person.status', '=', 'active')
        .as('member_count'),
    )
    .orderBy('household.org_path')
    .orderBy('household.number')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countHouseholds(db: Executor, f: HouseholdFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function getHousehold(db: Executor, id: string): Promise<HouseholdTable | undefined> {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

export function activeMembers(db: Executor, householdId: string) {
  return db.selectFrom('person').selectAll().where('household_id', '=', householdId).where('status', '=', 'active').orderBy('relation_to_head').orderBy('birth_date').orderBy('id').execute();
}

export async function insertHousehold(db: Executor, row: HouseholdTable): Promise<void> {
  await db.insertInto('household').values(row).execute();
}

export async function setHead(db: Executor, id: string, personId: string | null): Promise<void> {
  await db.updateTable('household').set({ head_person_id: personId }).where('id', '=', id).execute();
}
