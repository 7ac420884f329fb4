import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { GoodDeedSettingTable, GoodDeedTable } from './deeds.table.js';
import './deeds.table.js';

/** The only SQL of 好人好事银行 (and the few platform reads it needs: nodes, attachments, accounts). */

export type DeedRow = Selectable<GoodDeedTable>;
export type SettingRow = Selectable<GoodDeedSettingTable>;

const inPaths = (column: 'org_path', paths: readonly string[]) => (eb: any) =>
  eb.or([...paths.map((p) => eb.and([eb(column, '>=', p), eb(column, '<', prefixEnd(p))])), sql<boolean>`1 = 0`]);

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export async function nodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, { id: string; path: string; kind: string; name: string }>();
  const rows = await db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export function attachmentsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'original_name', 'mime', 'owner_user_id', 'purpose']).where('id', 'in', [...new Set(ids)]).execute();
}

/** Attachments each deed uses (attachment_use owner `good_deed`). */
export async function photosOf(db: Executor, deedIds: string[]): Promise<Map<string, { id: string; name: string; mime: string }[]>> {
  const out = new Map<string, { id: string; name: string; mime: string }[]>();
  if (deedIds.length === 0) return out;
  const rows = await db
    .selectFrom('attachment_use as u')
    .innerJoin('attachment as a', 'a.id', 'u.attachment_id')
    .select(['u.owner_id', 'a.id', 'a.original_name', 'a.mime'])
    .where('u.owner_type', '=', 'good_deed')
    .where('u.owner_id', 'in', deedIds)
    .orderBy('a.created_at')
    .execute();
  for (const r of rows) out.set(r.owner_id, [...(out.get(r.owner_id) ?? []), { id: r.id, name: r.original_name, mime: r.mime }]);
  return out;
}

export async function userNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

// ---------------------------------------------------------------- deeds

export async function insertDeed(db: Executor, row: DeedRow) {
  await db.insertInto('good_deed').values(row).execute();
}

export function getDeed(db: Executor, id: string) {
  return db.selectFrom('good_deed').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateDeedIf(db: Executor, id: string, where: { status: DeedRow['status']; version?: number }, set: Partial<DeedRow>): Promise<boolean> {
  let q = db
    .updateTable('good_deed')
    .set({ ...set, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', where.status);
  if (where.version !== undefined) q = q.where('version', '=', where.version);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setAward(db: Executor, id: string, awardId: string | null, points: number | null) {
  await db.updateTable('good_deed').set({ award_id: awardId, points }).where('id', '=', id).execute();
}

export function listDeeds(db: Executor, paths: readonly string[], status: string, page: { limit: number; offset: number }) {
  let q = db.selectFrom('good_deed').selectAll().where(inPaths('org_path', paths));
  if (status !== 'all') q = q.where('status', '=', status as never);
  return q.orderBy('created_at', status === 'pending' ? 'asc' : 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countDeeds(db: Executor, paths: readonly string[], status: string): Promise<number> {
  let q = db.selectFrom('good_deed').select(sql<number>`count(*)`.as('n')).where(inPaths('org_path', paths));
  if (status !== 'all') q = q.where('status', '=', status as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** How many deeds a user recorded since an instant, and the oldest of them (the per-user limit). */
export async function recordedSince(db: Executor, userId: string, since: string) {
  const r = await db
    .selectFrom('good_deed')
    .select([sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
    .where('reporter_user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { n: Number(r.n), oldest: r.oldest };
}

/** Deeds I recorded or did, newest first. */
export function deedsOf(db: Executor, userId: string, personId: string | null) {
  return db
    .selectFrom('good_deed')
    .selectAll()
    .where((eb) => eb.or([eb('reporter_user_id', '=', userId), ...(personId ? [eb('doer_person_id', '=', personId)] : [])]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** Verified deeds under a node, newest deed first (the honour roll). */
export function verifiedUnder(db: Executor, path: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('good_deed')
    .selectAll()
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path))
    .where('status', '=', 'verified')
    .orderBy('happened_on', 'desc')
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function verifiedStats(db: Executor, path: string) {
  const r = await db
    .selectFrom('good_deed')
    .select([
      sql<number>`count(*)`.as('deeds'),
      sql<number>`count(distinct coalesce(doer_person_id, doer_name))`.as('people'),
      sql<number>`coalesce(sum(points), 0)`.as('points'),
    ])
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path))
    .where('status', '=', 'verified')
    .executeTakeFirstOrThrow();
  return { deeds: Number(r.deeds), people: Number(r.people), points: Number(r.points) };
}

/** Verified deeds per registry person whose deed happened in [fromDay, toDay] (党员积分's good-deed item). */
export async function verifiedDeedsOf(db: Executor, personIds: string[], fromDay: string, toDay: string): Promise<Map<string, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('good_deed')
    .select(['doer_person_id', sql<number>`count(*)`.as('n')])
    .where('doer_person_id', 'in', personIds)
    .where('status', '=', 'verified')
    .where('happened_on', '>=', fromDay)
    .where('happened_on', '<=', toDay)
    .groupBy('doer_person_id')
    .execute();
  return new Map(rows.map((r) => [r.doer_person_id!, Number(r.n)]));
}

/** Deeds using an attachment (for the photo access check). */
export function deedsUsingAttachment(db: Executor, attachmentId: string) {
  return db
    .selectFrom('good_deed')
    .select(['id', 'org_path', 'reporter_user_id'])
    .where('id', 'in', (eb) => eb.selectFrom('attachment_use').select('owner_id').where('attachment_id', '=', attachmentId).where('owner_type', '=', 'good_deed'))
    .execute();
}

// ---------------------------------------------------------------- settings

/** Settings on a node or above it (deepest last). */
export function settingsAbove(db: Executor, path: string) {
  const ids = path.split('/').filter(Boolean);
  return db.selectFrom('good_deed_setting').selectAll().where('org_node_id', 'in', ids).execute();
}

/** Every setting at or above any of these paths. */
export function settingsFor(db: Executor, paths: string[]) {
  const ids = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  if (ids.length === 0) return Promise.resolve([] as SettingRow[]);
  return db.selectFrom('good_deed_setting').selectAll().where('org_node_id', 'in', ids).execute();
}

export async function upsertSetting(db: Executor, row: SettingRow) {
  await db
    .insertInto('good_deed_setting')
    .values(row)
    .onConflict((oc) => oc.column('org_node_id').doUpdateSet({ name_display: row.name_display, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}
