import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { OrgNodeKind } from '../../platform/platform.table.js';
import type { StatCellTable } from './cockpit.table.js';

/**
 * The only SQL on the statistics cells. Metrics (value = count unless said):
 *   pop           dim1 sex (男/女/''), dim2 age band index '0'…'17' ('' unknown)  active people
 *   residence     dim1 residence type
 *   tag           dim1 tag code, dim2 's' sensitive / 'p' not                      people holding it
 *   special       people holding at least one special-group tag
 *   households, dwellings
 *   ev_reported, ev_closed, ev_closed_counted, ev_on_time, ev_rated, ev_satisfied   dim1 month
 *   app_submitted, app_completed, app_rated, app_satisfied                          dim1 month
 *   vol_minutes   dim1 month (minutes of volunteer service)
 *   fund_fen      on the community: the mutual-aid fund's balance in fen
 */
export type CellRow = Omit<StatCellTable, 'computed_at'>;

/** Org nodes down to grid level (the statistics never go below a grid). */
export const AREA_KINDS: OrgNodeKind[] = ['city', 'district', 'street', 'community', 'grid'];

export function listAreaNodes(db: Executor) {
  return db.selectFrom('org_node').select(['id', 'kind', 'name', 'code', 'path', 'parent_id', 'sort']).where('kind', 'in', AREA_KINDS).where('ended_at', 'is', null).execute();
}

/** Dwellings (org nodes) by path prefix. */
export async function dwellingCells(db: Executor, prefixLength: number) {
  const r = await sql<{ path: string; n: number }>`
    select substr(path, 1, ${sql.lit(prefixLength)}) as path, count(*) as n
    from org_node where kind = 'dwelling' and ended_at is null group by 1`.execute(db);
  return r.rows.map((x) => ({ path: x.path, n: Number(x.n) }));
}

/** PostgreSQL: one refresh at a time (a second waits, then replaces the first's cells); plain reads go on. */
export async function lockCells(db: Executor, dialect: 'sqlite' | 'postgres') {
  if (dialect === 'postgres') await sql`lock table stat_cell in exclusive mode`.execute(db);
}

export async function replaceCells(db: Executor, rows: CellRow[], at: string, ms: number) {
  await db.deleteFrom('stat_cell').execute();
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('stat_cell')
      .values(rows.slice(i, i + 500).map((r) => ({ ...r, computed_at: at })))
      .execute();
  }
  await db.deleteFrom('stat_refresh').where('id', '=', 'cells').execute();
  await db.insertInto('stat_refresh').values({ id: 'cells', computed_at: at, cells: rows.length, ms }).execute();
}

export async function lastRefresh(db: Executor) {
  return db.selectFrom('stat_refresh').selectAll().where('id', '=', 'cells').executeTakeFirst();
}

/** Sums of every metric × dims under a subtree: one range scan of the cells. */
export async function sumSubtree(db: Executor, path: string, metrics?: readonly string[]) {
  let q = db
    .selectFrom('stat_cell')
    .select(['metric', 'dim1', 'dim2', sql<number>`sum(value)`.as('value')])
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path));
  if (metrics) q = q.where('metric', 'in', [...metrics]);
  const rows = await q.groupBy(['metric', 'dim1', 'dim2']).execute();
  return rows.map((r) => ({ metric: r.metric, dim1: r.dim1, dim2: r.dim2, value: Number(r.value) }));
}

/**
 * Sums under a subtree grouped by the first `prefixLength` characters of the cell's path (the
 * child node holding it, when children's paths have that length).
 */
export async function sumByPrefix(db: Executor, path: string, prefixLength: number, metrics: readonly string[]) {
  const r = await sql<{ prefix: string; metric: string; dim1: string; dim2: string; value: number }>`
    select substr(org_path, 1, ${sql.lit(prefixLength)}) as prefix, metric, dim1, dim2, sum(value) as value
    from stat_cell
    where metric in (${sql.join(metrics.map((m) => sql.lit(m)))}) and org_path >= ${path} and org_path < ${prefixEnd(path)}
    group by 1, 2, 3, 4`.execute(db);
  return r.rows.map((x) => ({ prefix: x.prefix, metric: x.metric, dim1: x.dim1, dim2: x.dim2, value: Number(x.value) }));
}
