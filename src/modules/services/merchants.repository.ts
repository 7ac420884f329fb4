import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { MerchantOfferTable, MerchantTable } from './merchants.table.js';
import './merchants.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 周边商圈. */

export type MerchantRow = MerchantTable;
export type OfferRow = MerchantOfferTable;

/** The directory is small per community; lists are filtered and paged in memory after this cap. */
export const DIRECTORY_CAP = 2000;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function findMerchants(db: Executor, f: { underPaths?: string[]; category?: string; q?: string; activeOnly: boolean }) {
  let q = db.selectFrom('merchant').selectAll();
  if (f.underPaths) {
    const paths = f.underPaths;
    if (paths.length === 0) q = q.where(sql<boolean>`1 = 0`);
    else q = q.where((eb) => inAnySubtree(eb, 'org_path', paths));
  }
  if (f.category) q = q.where('category', '=', f.category);
  if (f.activeOnly) q = q.where('active', '=', 1);
  if (f.q) {
    const p = likePattern(f.q);
    q = q.where(sql<boolean>`(name like ${p} escape '\\' or address like ${p} escape '\\' or coalesce(description, '') like ${p} escape '\\')`);
  }
  return q.orderBy('category').orderBy('sort').orderBy('id').limit(DIRECTORY_CAP).execute();
}

export async function countByCategory(db: Executor, underPath: string | null) {
  let q = db.selectFrom('merchant').select(['category', sql<number>`count(*)`.as('n')]).where('active', '=', 1);
  if (underPath) q = q.where('org_path', '>=', underPath).where('org_path', '<', prefixEnd(underPath));
  return (await q.groupBy('category').execute()).map((r) => ({ category: r.category, n: Number(r.n) }));
}

export function getMerchant(db: Executor, id: string) {
  return db.selectFrom('merchant').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertMerchant(db: Executor, row: MerchantRow) {
  return db.insertInto('merchant').values(row).execute();
}

export async function updateMerchant(db: Executor, id: string, version: number, patch: Partial<MerchantRow>): Promise<number> {
  const r = await db
    .updateTable('merchant')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function offersOf(db: Executor, merchantIds: string[], currentOn?: string) {
  if (merchantIds.length === 0) return Promise.resolve([] as OfferRow[]);
  let q = db.selectFrom('merchant_offer').selectAll().where('merchant_id', 'in', merchantIds);
  if (currentOn) q = q.where('active', '=', 1).where('starts_on', '<=', currentOn).where('ends_on', '>=', currentOn);
  return q.orderBy('ends_on').orderBy('id').execute();
}

export function getOffer(db: Executor, id: string) {
  return db.selectFrom('merchant_offer').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertOffer(db: Executor, row: OfferRow) {
  return db.insertInto('merchant_offer').values(row).execute();
}

export function updateOffer(db: Executor, id: string, patch: Partial<OfferRow>) {
  return db.updateTable('merchant_offer').set(patch).where('id', '=', id).execute();
}
