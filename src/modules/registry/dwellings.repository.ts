import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { DwellingInfoTable, DwellingUse } from './registry.table.js';
import './registry.table.js';

export interface DwellingFilter {
  paths: string[];
  use?: DwellingUse;
}

function filtered(db: Executor, f: DwellingFilter) {
  let q = db
    .selectFrom('org_node')
    .leftJoin('dwelling_info', 'dwelling_info.org_node_id', 'org_node.id')
    .where('org_node.kind', '=', 'dwelling')
    .where('org_node.ended_at', 'is', null)
    .where((eb: ExpressionBuilder<Database, 'org_node'>): Expression<SqlBool> =>
      f.paths.length ? eb.or(f.paths.map((p) => eb.and([eb('org_node.path', '>=', p), eb('org_node.path', '<', prefixEnd(p))]))) : sql<SqlBool>`1 = 0`,
    );
  if (f.use) q = q.where('dwelling_info.use', '=', f.use);
  return q;
}

export function listDwellings(db: Executor, f: DwellingFilter, page: { limit: number; offset: number }) {
  return filtered(db, f)
    .select(['org_node.id', 'org_node.name', 'org_node.path', 'dwelling_info.use', 'dwelling_info.area_m2', 'dwelling_info.rental_start', 'dwelling_info.rental_end', 'dwelling_info.rental_note'])
    .select((eb) =>
      eb.selectFrom('person').select(sql<number>`count(*)`.as('n')).whereRef('person.dwelling_id', '=', 'org_node.id').where('person.status', '=', 'active').as('occupants'),
    )
    .orderBy('org_node.path')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countDwellings(db: Executor, f: DwellingFilter): Promise<number> {
  const r = await filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function getInfo(db: Executor, id: string): Promise<DwellingInfoTable | undefined> {
  return db.selectFrom('dwelling_info').selectAll().where('org_node_id', '=', id).executeTakeFirst();
}

export async function saveInfo(db: Executor, row: DwellingInfoTable, exists: boolean): Promise<void> {
  if (exists) {
    const { org_node_id, ...rest } = row;
    await db.updateTable('dwelling_info').set(rest).where('org_node_id', '=', org_node_id).execute();
  } else {
    await db.insertInto('dwelling_info').values(row).execute();
  }
}

export function occupants(db: Executor, dwellingId: string) {
  return db.selectFrom('person').selectAll().where('dwelling_id', '=', dwellingId).where('status', '=', 'active').orderBy('household_id').orderBy('birth_date').orderBy('id').execute();
}

/** Active owner/tenant/resident links to the dwelling, with the person's name. */
export function activeLinks(db: Executor, dwellingId: string) {
  return db
    .selectFrom('person_dwelling_link')
    .innerJoin('person', 'person.id', 'person_dwelling_link.person_id')
    .select(['person_dwelling_link.id', 'person_dwelling_link.person_id', 'person_dwelling_link.relation', 'person_dwelling_link.from_date', 'person.name'])
    .where('person_dwelling_link.dwelling_id', '=', dwellingId)
    .where('person_dwelling_link.ended_at', 'is', null)
    .orderBy('person_dwelling_link.created_at')
    .execute();
}

export function householdsAt(db: Executor, dwellingId: string) {
  return db.selectFrom('household').select(['id', 'number', 'head_person_id']).where('dwelling_id', '=', dwellingId).orderBy('number').execute();
}
