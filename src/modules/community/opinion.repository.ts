import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { OpinionAlertTable, OpinionTermWeekTable, OpinionWatchWordTable } from './opinion.table.js';
import './opinion.table.js';

/** The only SQL of 舆情 (the sources' own queries live with the sources). */

const under = (path: string) => (eb: ExpressionBuilder<Database, 'opinion_term_week'>) => eb.and([eb('org_path', '>=', path), eb('org_path', '<', prefixEnd(path))]);
/** Terms that are stop words now are left out when reading, so a new stop word takes effect at once. */
const notStopWord = (eb: ExpressionBuilder<Database, 'opinion_term_week'>) => eb('term', 'not in', eb.selectFrom('opinion_stop_word').select('word'));

// ---- ingest ----------------------------------------------------------------------------------

export async function ensureWatermark(db: Executor, source: string, now: string) {
  await db.insertInto('opinion_watermark').values({ source, at: '', last_id: '', items: 0, updated_at: now }).onConflict((oc) => oc.column('source').doNothing()).execute();
}

export async function readWatermark(db: Executor, source: string) {
  return db.selectFrom('opinion_watermark').selectAll().where('source', '=', source).executeTakeFirst();
}

/**
 * Takes the source's watermark row for this transaction: an UPDATE locks the row on PostgreSQL
 * (a second process ingesting the same source waits here until the first commits, then reads
 * the advanced watermark) and takes the write lock on SQLite.
 */
export async function lockWatermark(db: Executor, source: string, now: string) {
  await db.updateTable('opinion_watermark').set({ updated_at: now }).where('source', '=', source).execute();
  return readWatermark(db, source);
}

export async function advanceWatermark(db: Executor, source: string, to: { at: string; id: string }, items: number, now: string) {
  await db
    .updateTable('opinion_watermark')
    .set({ at: to.at, last_id: to.id, items: sql<number>`items + ${items}`, updated_at: now })
    .where('source', '=', source)
    .execute();
}

/** Adds counts (one row per term, week, node, source: callers aggregate first). */
export async function addTermCounts(db: Executor, rows: OpinionTermWeekTable[], chunk = 400) {
  for (let i = 0; i < rows.length; i += chunk) {
    await db
      .insertInto('opinion_term_week')
      .values(rows.slice(i, i + chunk))
      .onConflict((oc) => oc.columns(['term', 'week_start', 'org_node_id', 'source']).doUpdateSet({ count: sql<number>`opinion_term_week.count + excluded.count` }))
      .execute();
  }
}

/** Inserts an alert unless this item already raised one for this word; whether it was new. */
export async function insertAlert(db: Executor, row: OpinionAlertTable): Promise<boolean> {
  const res = await db.insertInto('opinion_alert').values(row).onConflict((oc) => oc.columns(['source', 'source_id', 'word']).doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function stopWords(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom('opinion_stop_word').select('word').execute()).map((r) => r.word));
}

export function watchWords(db: Executor) {
  return db.selectFrom('opinion_watch_word').selectAll().orderBy('org_path').orderBy('word').execute();
}

/** A node and its grid (or community) for placing texts: the deepest grid/community on its path. */
export async function placeOf(db: Executor, nodeId: string): Promise<{ id: string; path: string; name: string } | null> {
  const node = await db.selectFrom('org_node').select(['id', 'path', 'name']).where('id', '=', nodeId).executeTakeFirst();
  if (!node) return null;
  const ids = node.path.split('/').filter(Boolean);
  const place = await db.selectFrom('org_node').select(['id', 'path', 'name']).where('id', 'in', ids).where('kind', 'in', ['grid', 'community']).orderBy('depth', 'desc').executeTakeFirst();
  return place ?? node;
}

/** Enabled accounts of grid workers and community staff granted on these nodes. */
export async function staffOn(db: Executor, nodeIds: string[]): Promise<string[]> {
  if (nodeIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .select('u.id')
    .where('g.role', 'in', ['community_staff', 'grid_worker'])
    .where('u.disabled', '=', 0)
    .where('g.org_node_id', 'in', nodeIds)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** The grid and community nodes among the ids of a path (whose staff hear of an alert). */
export async function gridAndCommunityOf(db: Executor, path: string): Promise<string[]> {
  const ids = path.split('/').filter(Boolean);
  if (ids.length === 0) return [];
  return (await db.selectFrom('org_node').select('id').where('id', 'in', ids).where('kind', 'in', ['grid', 'community']).execute()).map((r) => r.id);
}

// ---- trends ----------------------------------------------------------------------------------

/** Sum of counts per term for some weeks in a subtree (optionally one source), stop words left out. */
export async function termTotals(db: Executor, q: { path: string; weeks: string[]; source?: string; terms?: string[]; limit?: number }) {
  if (q.terms && q.terms.length === 0) return [];
  let query = db
    .selectFrom('opinion_term_week')
    .select(['term', 'week_start', sql<number>`sum(count)`.as('n')])
    .where('week_start', 'in', q.weeks)
    .where(under(q.path))
    .where(notStopWord);
  if (q.source) query = query.where('source', '=', q.source);
  if (q.terms) query = query.where('term', 'in', q.terms);
  query = query.groupBy(['term', 'week_start']).orderBy(sql`sum(count)`, 'desc').orderBy('term');
  if (q.limit) query = query.limit(q.limit);
  return (await query.execute()).map((r) => ({ term: r.term, week: r.week_start, count: Number(r.n) }));
}

/** Per node of the subtree: each term's count in one week. */
export async function nodeTermCounts(db: Executor, q: { path: string; week: string; source?: string }) {
  let query = db
    .selectFrom('opinion_term_week as t')
    .innerJoin('org_node as n', 'n.id', 't.org_node_id')
    .select(['t.org_node_id', 'n.name', 'n.path', 't.term', sql<number>`sum(t.count)`.as('n')])
    .where('t.week_start', '=', q.week)
    .where('t.org_path', '>=', q.path)
    .where('t.org_path', '<', prefixEnd(q.path))
    .where('t.term', 'not in', (eb) => eb.selectFrom('opinion_stop_word').select('word'));
  if (q.source) query = query.where('t.source', '=', q.source);
  const rows = await query.groupBy(['t.org_node_id', 'n.name', 'n.path', 't.term']).execute();
  return rows.map((r) => ({ orgNodeId: r.org_node_id, name: r.name, path: r.path, term: r.term, count: Number(r.n) }));
}

/** One term's weekly counts in a subtree between two Mondays. */
export async function termSeries(db: Executor, q: { path: string; term: string; from: string; to: string; source?: string }) {
  let query = db
    .selectFrom('opinion_term_week')
    .select(['week_start', sql<number>`sum(count)`.as('n')])
    .where('term', '=', q.term)
    .where(under(q.path))
    .where('week_start', '>=', q.from)
    .where('week_start', '<=', q.to);
  if (q.source) query = query.where('source', '=', q.source);
  const rows = await query.groupBy('week_start').execute();
  return new Map(rows.map((r) => [r.week_start, Number(r.n)]));
}

export async function lastIngestAt(db: Executor): Promise<string | null> {
  const r = await db.selectFrom('opinion_watermark').select(sql<string | null>`max(at)`.as('at')).where('at', '!=', '').executeTakeFirst();
  return r?.at ?? null;
}

// ---- alerts ----------------------------------------------------------------------------------

export async function listAlerts(db: Executor, q: { path: string; status: 'open' | 'acknowledged' | 'all'; limit: number; offset: number }) {
  let base = db.selectFrom('opinion_alert as a').where('a.org_path', '>=', q.path).where('a.org_path', '<', prefixEnd(q.path));
  const open = Number((await base.select(sql<number>`count(*)`.as('n')).where('a.status', '=', 'open').executeTakeFirstOrThrow()).n);
  if (q.status !== 'all') base = base.where('a.status', '=', q.status);
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const items = await base
    .innerJoin('org_node as n', 'n.id', 'a.org_node_id')
    .selectAll('a')
    .select('n.name as org_node_name')
    // Urgent first among the open, then newest.
    .orderBy('a.status', 'desc')
    .orderBy(sql`case when a.level = 'urgent' then 0 else 1 end`)
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items, total, open };
}

export function getAlert(db: Executor, id: string) {
  return db.selectFrom('opinion_alert').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Acknowledges an open alert; false if it was no longer open. */
export async function acknowledgeAlert(db: Executor, id: string, by: { userId: string; name: string; note: string | null; at: string }): Promise<boolean> {
  const res = await db
    .updateTable('opinion_alert')
    .set({ status: 'acknowledged', acknowledged_by: by.userId, acknowledged_by_name: by.name, acknowledged_at: by.at, note: by.note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---- word lists ------------------------------------------------------------------------------

export async function insertWatchWord(db: Executor, row: OpinionWatchWordTable) {
  await db.insertInto('opinion_watch_word').values(row).execute();
}

export function getWatchWord(db: Executor, id: string) {
  return db.selectFrom('opinion_watch_word').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteWatchWord(db: Executor, id: string) {
  await db.deleteFrom('opinion_watch_word').where('id', '=', id).execute();
}

/** The same word already watched at this node or above (everywhere, a street above a community). */
export async function watchWordCovering(db: Executor, word: string, path: string) {
  const rows = await db.selectFrom('opinion_watch_word').selectAll().where('word', '=', word).execute();
  return rows.find((r) => path.startsWith(r.org_path)) ?? null;
}

export async function nodeNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function listStopWords(db: Executor) {
  return db.selectFrom('opinion_stop_word').select(['word', 'created_at']).orderBy('word').execute();
}

export async function insertStopWord(db: Executor, word: string, by: string, at: string): Promise<boolean> {
  const res = await db.insertInto('opinion_stop_word').values({ word, created_by: by, created_at: at }).onConflict((oc) => oc.column('word').doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function deleteStopWord(db: Executor, word: string): Promise<boolean> {
  const res = await db.deleteFrom('opinion_stop_word').where('word', '=', word).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export function getNodeById(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'name', 'kind']).where('id', '=', id).executeTakeFirst();
}
