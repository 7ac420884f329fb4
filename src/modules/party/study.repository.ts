import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { PartyStudyMaterialTable, PartyStudyRecordTable } from './study.table.js';
import './study.table.js';
import './organisations.table.js';

/** The only SQL of 党员学习. */

export type MaterialRow = Selectable<PartyStudyMaterialTable>;
export type RecordRow = Selectable<PartyStudyRecordTable>;

/** Where the caller reaches: org-node subtrees (grants) or party paths (what they lead). */
export interface Reach {
  nodePaths: readonly string[];
  partyPaths: readonly string[];
}

const within = (column: string, p: string) => (eb: any) => eb.and([eb(column, '>=', p), eb(column, '<', prefixEnd(p))]);

export async function insertMaterial(db: Executor, row: MaterialRow) {
  await db.insertInto('party_study_material').values(row).execute();
}

export function getMaterial(db: Executor, id: string) {
  return db.selectFrom('party_study_material').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateMaterialIf(db: Executor, id: string, version: number, set: Partial<MaterialRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_study_material')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

function materialsWhere(db: Executor, reach: Reach, f: { under?: string; status?: string }) {
  let q = db.selectFrom('party_study_material').where((eb) =>
    eb.or([...reach.nodePaths.map((p) => within('org_path', p)(eb)), ...reach.partyPaths.map((p) => within('party_path', p)(eb)), sql<boolean>`1 = 0`]),
  );
  if (f.under) q = q.where('party_path', '>=', f.under).where('party_path', '<', prefixEnd(f.under));
  if (f.status && f.status !== 'all') q = q.where('status', '=', f.status as never);
  return q;
}

export function listMaterials(db: Executor, reach: Reach, f: { under?: string; status?: string }, page: { limit: number; offset: number }) {
  return materialsWhere(db, reach, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

export async function countMaterials(db: Executor, reach: Reach, f: { under?: string; status?: string }): Promise<number> {
  const r = await materialsWhere(db, reach, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Active members on the rolls of an organisation or any below it. */
export function activeMembersUnder(db: Executor, partyPath: string) {
  return db
    .selectFrom('party_member')
    .select(['id', 'person_id', 'org_id', 'party_path'])
    .where('status', '=', 'active')
    .where('party_path', '>=', partyPath)
    .where('party_path', '<', prefixEnd(partyPath))
    .orderBy('party_path')
    .orderBy('joined_on')
    .orderBy('id')
    .execute();
}

export async function insertRecords(db: Executor, rows: RecordRow[]) {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('party_study_record').values(rows.slice(i, i + 200)).execute();
}

export function recordsOf(db: Executor, materialId: string) {
  return db
    .selectFrom('party_study_record as r')
    .innerJoin('party_member as m', 'm.id', 'r.member_id')
    .select(['r.material_id', 'r.member_id', 'r.assigned_at', 'r.opened_at', 'r.read_at', 'r.seconds', 'r.updated_at', 'm.person_id', 'm.org_id'])
    .where('r.material_id', '=', materialId)
    .orderBy('m.party_path')
    .orderBy('m.joined_on')
    .orderBy('m.id')
    .execute();
}

/** Read counts per material. */
export async function readCounts(db: Executor, materialIds: string[]): Promise<Map<string, number>> {
  if (materialIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('party_study_record')
    .select(['material_id', sql<number>`count(*)`.as('n')])
    .where('material_id', 'in', materialIds)
    .where('read_at', 'is not', null)
    .groupBy('material_id')
    .execute();
  return new Map(rows.map((r) => [r.material_id, Number(r.n)]));
}

/** A member's records with their published materials, newest first. */
export function recordsOfMember(db: Executor, memberId: string, materialId?: string) {
  let q = db
    .selectFrom('party_study_record as r')
    .innerJoin('party_study_material as s', 's.id', 'r.material_id')
    .selectAll('s')
    .select(['r.assigned_at', 'r.opened_at', 'r.read_at', 'r.seconds'])
    .where('r.member_id', '=', memberId)
    .where('s.status', '=', 'published');
  if (materialId) q = q.where('s.id', '=', materialId);
  return q.orderBy('s.created_at', 'desc').orderBy('s.id', 'desc').limit(200).execute();
}

export function getRecord(db: Executor, materialId: string, memberId: string) {
  return db.selectFrom('party_study_record').selectAll().where('material_id', '=', materialId).where('member_id', '=', memberId).executeTakeFirst();
}

/** Adds reading time; sets when it was first opened and (once) when it was read. */
export async function addProgress(db: Executor, materialId: string, memberId: string, p: { seconds: number; done: boolean; at: string }) {
  await db
    .updateTable('party_study_record')
    .set({
      seconds: sql<number>`seconds + ${p.seconds}`,
      opened_at: sql<string>`coalesce(opened_at, ${p.at})`,
      read_at: p.done ? sql<string>`coalesce(read_at, ${p.at})` : sql<string | null>`read_at`,
      updated_at: p.at,
    })
    .where('material_id', '=', materialId)
    .where('member_id', '=', memberId)
    .execute();
}

/** Materials read per member in a period (`read_at` in [from, to)): 党员积分's study item. */
export async function readsOf(db: Executor, memberIds: string[], from: string, to: string): Promise<Map<string, number>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('party_study_record')
    .select(['member_id', sql<number>`count(*)`.as('n')])
    .where('member_id', 'in', memberIds)
    .where('read_at', '>=', from)
    .where('read_at', '<', to)
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}
