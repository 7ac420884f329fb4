import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { OrgNodeKind } from '../../platform/platform.table.js';
import type { StatCellTable, StatNodeTable, StatOpenTable } from './cockpit.table.js';

/**
 * The only SQL on the statistics tables. Metrics (value = count unless said):
 *   pop           dim1 sex (男/女/''), dim2 age band index '0'…'17' ('' unknown)  active people
 *   residence     dim1 residence type
 *   tag           dim1 tag code, dim2 's' sensitive / 'p' not                      people holding it
 *   special       people holding at least one special-group tag
 *   households, dwellings
 *   ev_reported, ev_closed, ev_closed_counted, ev_on_time, ev_rated, ev_satisfied   dim1 month
 *   app_submitted, app_completed, app_rated, app_satisfied                          dim1 month
 *   vol_minutes   dim1 month (minutes of volunteer service)
 *   fund_fen      on the community: the mutual-aid fund's balance in fen
 *
 * Generations: a refresh writes generation g + 1 in slices, flips stat_refresh.generation in one
 * statement, then deletes g in slices. Every read joins stat_refresh in the same statement, so it
 * sees one whole generation (the one current when the statement ran).
 */
export type CellRow = Omit<StatCellTable, 'computed_at' | 'generation'>;
export type NodeRow = Omit<StatNodeTable, 'generation'>;
export type OpenRow = Omit<StatOpenTable, 'generation'>;
export type Sum = { metric: string; dim1: string; dim2: string; value: number };

/** Org nodes down to grid level (the statistics never go below a grid). */
export const AREA_KINDS: OrgNodeKind[] = ['city', 'district', 'street', 'community', 'grid'];

export function listAreaNodes(db: Executor) {
  return db.selectFrom('org_node').select(['id', 'kind', 'name', 'code', 'path', 'parent_id', 'sort']).where('kind', 'in', AREA_KINDS).where('ended_at', 'is', null).execute();
}
export type AreaNode = Awaited<ReturnType<typeof listAreaNodes>>[number];

/** Dwellings (org nodes) by path prefix. */
export async function dwellingCells(db: Executor, prefixLength: number) {
  const r = await sql<{ path: string; n: number }>`
    select substr(path, 1, ${sql.lit(prefixLength)}) as path, count(*) as n
    from org_node where kind = 'dwelling' and ended_at is null group by 1`.execute(db);
  return r.rows.map((x) => ({ path: x.path, n: Number(x.n) }));
}

/* ---------- reads ---------- */

export async function lastRefresh(db: Executor) {
  return db.selectFrom('stat_refresh').selectAll().where('id', '=', 'cells').executeTakeFirst();
}

/** One node's subtree totals in the current generation, with the refresh time (asOf null before the first refresh). One statement. */
export async function nodeTotals(db: Executor, nodeId: string, metrics?: readonly string[]): Promise<{ asOf: string | null; generation: number | null; rows: Sum[] }> {
  const metricIn = metrics ? sql` and n.metric in (${sql.join(metrics.map((m) => sql.lit(m)))})` : sql``;
  const r = await sql<{ computed_at: string; generation: number; metric: string | null; dim1: string; dim2: string; value: number }>`
    select r.computed_at, r.generation, n.metric, n.dim1, n.dim2, n.value
    from stat_refresh r left join stat_node n on n.generation = r.generation and n.org_node_id = ${nodeId}${metricIn}
    where r.id = 'cells'`.execute(db);
  const first = r.rows[0];
  return {
    asOf: first?.computed_at ?? null,
    generation: first ? Number(first.generation) : null,
    rows: r.rows.filter((x) => x.metric !== null).map((x) => ({ metric: x.metric!, dim1: x.dim1, dim2: x.dim2, value: Number(x.value) })),
  };
}

/** Subtree totals of these nodes (a node's children) for some metrics, current generation. One statement. */
export async function nodesTotals(db: Executor, nodeIds: readonly string[], metrics: readonly string[]): Promise<(Sum & { nodeId: string })[]> {
  if (nodeIds.length === 0) return [];
  const r = await db
    .selectFrom('stat_node as n')
    .innerJoin('stat_refresh as r', (j) => j.onRef('r.generation', '=', 'n.generation').on('r.id', '=', 'cells'))
    .select(['n.org_node_id', 'n.metric', 'n.dim1', 'n.dim2', 'n.value'])
    .where('n.org_node_id', 'in', [...nodeIds])
    .where('n.metric', 'in', [...metrics])
    .execute();
  return r.map((x) => ({ nodeId: x.org_node_id, metric: x.metric, dim1: x.dim1, dim2: x.dim2, value: Number(x.value) }));
}

/** A stored open dataset's text (json or csv) of a generation, its parts joined, with the month it was built for. */
export async function openText(db: Executor, generation: number, name: string, level: string, format: 'json' | 'csv'): Promise<{ month: string; body: string } | undefined> {
  const parts = await db
    .selectFrom('stat_open')
    .select(['month', 'body'])
    .where('generation', '=', generation)
    .where('name', '=', name)
    .where('level', '=', level)
    .where('format', '=', format)
    .orderBy('part')
    .execute();
  return parts.length === 0 ? undefined : { month: parts[0]!.month, body: parts.map((p) => p.body).join('') };
}

/* ---------- writes (refresh) ---------- */

type StatTable = 'stat_cell' | 'stat_node' | 'stat_open';

/** PostgreSQL: one refresh at a time across processes (a session lock on a held connection; released by `unlock`). */
export const lockRefresh = (db: Executor) => sql`select pg_advisory_lock(hashtext(current_schema() || '.linli.cockpit.refresh'))`.execute(db);
export const unlockRefresh = (db: Executor) => sql`select pg_advisory_unlock(hashtext(current_schema() || '.linli.cockpit.refresh'))`.execute(db);

export async function insertCells(db: Executor, generation: number, rows: CellRow[], at: string) {
  if (rows.length > 0) await db.insertInto('stat_cell').values(rows.map((r) => ({ ...r, generation, computed_at: at }))).execute();
}
export async function insertNodeRows(db: Executor, generation: number, rows: NodeRow[]) {
  if (rows.length > 0) await db.insertInto('stat_node').values(rows.map((r) => ({ ...r, generation }))).execute();
}
export async function insertOpen(db: Executor, generation: number, row: OpenRow) {
  await db.insertInto('stat_open').values({ ...row, generation }).execute();
}

/**
 * Deletes rows of a table below generation `keep` (after a flip) or above it (`above`: leftovers of
 * an unfinished refresh). SQLite: at most `limit` rows by rowid, so the caller deletes in slices
 * with pauses between (the connection is synchronous); PostgreSQL: all at once (the server waits
 * on the socket, not in JavaScript). True while there may be more to delete.
 */
export async function deleteGenerations(db: Executor, dialect: 'sqlite' | 'postgres', table: StatTable, keep: number, side: 'below' | 'above', limit: number): Promise<boolean> {
  const t = sql.table(table);
  const cmp = sql.raw(side === 'below' ? '<' : '>');
  const r =
    dialect === 'postgres'
      ? await sql`delete from ${t} where generation ${cmp} ${keep}`.execute(db)
      : await sql`delete from ${t} where rowid in (select rowid from ${t} where generation ${cmp} ${keep} limit ${sql.lit(limit)})`.execute(db);
  return dialect === 'sqlite' && Number(r.numAffectedRows ?? 0) >= limit;
}

/** Makes `generation` the current one: one statement, so readers switch from the old to the new at once. */
export async function flipGeneration(db: Executor, generation: number, at: string, cells: number, ms: number) {
  await db
    .insertInto('stat_refresh')
    .values({ id: 'cells', computed_at: at, cells, ms, generation })
    .onConflict((oc) => oc.column('id').doUpdateSet({ computed_at: at, cells, ms, generation }))
    .execute();
}
