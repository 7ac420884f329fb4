import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { MatterStatus, ServiceMatterTable, ServiceMatterTermTable, ServiceMatterVersionTable } from './matters.table.js';
import './matters.table.js';

export type MatterRow = ServiceMatterTable;
export type VersionRow = ServiceMatterVersionTable;

export function listGroups(db: Executor) {
  return db.selectFrom('service_matter_group').selectAll().orderBy('sort').orderBy('code').execute();
}

export async function groupExists(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('service_matter_group').select('code').where('code', '=', code).executeTakeFirst());
}

/** Published matters per group, for the guide's home page. */
export function countPublishedByGroup(db: Executor, ownerPaths: string[] | null) {
  let q = db.selectFrom('service_matter').select(['group_code', db.fn.countAll<number>().as('n')]).where('status', '=', 'published');
  if (ownerPaths) q = q.where('org_path', 'in', ownerPaths);
  return q.groupBy('group_code').execute();
}

export interface MatterFilter {
  statuses: MatterStatus[];
  groupCode?: string;
  /** Owner paths to include exactly ('' is the deployment-wide catalogue); null: every owner. */
  ownerPaths?: string[] | null;
  /** Owners inside these subtrees (staff managing their own), besides ownerPaths. */
  ownerSubtrees?: string[];
  ids?: string[];
  modes?: ('online' | 'offline' | 'both')[];
}

export function listMatters(db: Executor, f: MatterFilter, limit = 500) {
  let q = db.selectFrom('service_matter').selectAll().where('status', 'in', f.statuses);
  if (f.groupCode) q = q.where('group_code', '=', f.groupCode);
  if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : ['']);
  if (f.modes) q = q.where('mode', 'in', f.modes);
  // null: every owner; otherwise the listed owners ('' is the deployment-wide catalogue) and subtrees.
  const owners = f.ownerPaths;
  const subtrees = f.ownerSubtrees ?? [];
  if (owners !== null && (owners !== undefined || subtrees.length)) {
    q = q.where((eb) =>
      eb.or([...(owners ?? []).map((p) => eb('org_path', '=', p)), ...subtrees.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))]))]),
    );
  }
  return q.orderBy('sort').orderBy('code').limit(limit).execute();
}

export function getMatterByCode(db: Executor, code: string) {
  return db.selectFrom('service_matter').selectAll().where('code', '=', code).executeTakeFirst();
}

export function getMatter(db: Executor, id: string) {
  return db.selectFrom('service_matter').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getVersion(db: Executor, matterId: string, version: number) {
  return db.selectFrom('service_matter_version').selectAll().where('matter_id', '=', matterId).where('version', '=', version).executeTakeFirst();
}

export function listVersions(db: Executor, matterId: string) {
  return db.selectFrom('service_matter_version').selectAll().where('matter_id', '=', matterId).orderBy('version', 'desc').execute();
}

export function insertMatter(db: Executor, row: MatterRow) {
  return db.insertInto('service_matter').values(row).execute();
}

export function insertVersion(db: Executor, row: VersionRow) {
  return db.insertInto('service_matter_version').values(row).execute();
}

/** Moves the latest version on only if it is still `from` (two editors: one wins). */
export async function bumpLatest(db: Executor, id: string, from: number, patch: Partial<MatterRow>): Promise<boolean> {
  const r = await db.updateTable('service_matter').set({ ...patch, latest_version: from + 1 }).where('id', '=', id).where('latest_version', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function updateMatter(db: Executor, id: string, patch: Partial<MatterRow>) {
  return db.updateTable('service_matter').set(patch).where('id', '=', id).execute();
}

export function markVersionPublished(db: Executor, matterId: string, version: number, at: string, by: string) {
  return db.updateTable('service_matter_version').set({ published_at: at, published_by_name: by }).where('matter_id', '=', matterId).where('version', '=', version).execute();
}

export async function replaceTerms(db: Executor, matterId: string, terms: Omit<ServiceMatterTermTable, 'matter_id'>[]) {
  await db.deleteFrom('service_matter_term').where('matter_id', '=', matterId).execute();
  for (let i = 0; i < terms.length; i += 200) {
    await db
      .insertInto('service_matter_term')
      .values(terms.slice(i, i + 200).map((t) => ({ ...t, matter_id: matterId })))
      .execute();
  }
}

export async function deleteTerms(db: Executor, matterId: string) {
  await db.deleteFrom('service_matter_term').where('matter_id', '=', matterId).execute();
}

export interface TermHit {
  matter_id: string;
  term: string;
  field: string;
  weight: number;
}

/** Exact terms (characters and bigrams of a Han word). */
export function termsIn(db: Executor, terms: string[]): Promise<TermHit[]> {
  return db.selectFrom('service_matter_term').select(['matter_id', 'term', 'field', 'weight']).where('term', 'in', terms).execute();
}

/** Pinyin and initials starting with `prefix`: one range on the term index. */
export function pinyinPrefix(db: Executor, prefix: string): Promise<TermHit[]> {
  return db
    .selectFrom('service_matter_term')
    .select(['matter_id', 'term', 'field', 'weight'])
    .where('term', '>=', prefix)
    .where('term', '<', prefixEnd(prefix))
    .where('field', 'in', ['pinyin', 'initials', 'keyword_pinyin'])
    .execute();
}
