import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { DemandSource, DemandSqlRow } from '../../platform/demands/demand-source.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * 全响应: the SQL that filters, pages and counts demands. A source module builds a SELECT of its
 * own table in the common shape (`DemandSqlRow`, src/platform/demands/demand-source.ts, in its
 * `*.facts.ts`); `pageDemands` / `aggregateDemands` wrap it as a derived table `d` and filter there
 * (both PostgreSQL and SQLite push the predicates down to the base table, so the org_path /
 * created_at indexes still serve). The demands module itself reads
 * no other module's table: it only calls the facts functions.
 */

export const DEMAND_KINDS = ['event', 'application', 'order', 'consultation', 'suggestion', 'correction', 'forum'] as const;
export type DemandKind = (typeof DEMAND_KINDS)[number];

export interface DemandFilter {
  /** Staff: the subtrees (OR). An empty list matches nothing. */
  paths?: string[];
  /** Resident: only what this account asked for. */
  userId?: string;
  /** createdAt >= from, < to (ISO). */
  from?: string;
  to?: string;
  /** true: still open; false: ended. */
  open?: boolean;
  /** Only open demands whose deadline is before this instant (ISO). */
  overdueAt?: string;
}

/** One demand as the API gives it (a `DemandSqlRow` presented). */
export interface Demand {
  kind: DemandKind;
  id: string;
  code: string | null;
  title: string;
  channel: string;
  state: string;
  orgPath: string;
  orgNodeId: string | null;
  createdAt: string;
  dueAt: string | null;
  respondedAt: string | null;
  closedAt: string | null;
  onTime: boolean | null;
  /** 1–5, or null before a rating. */
  satisfaction: number | null;
  personId: string | null;
  open: boolean;
}

/** Counts of one org path (the caller rolls paths up to communities or grids). */
export interface DemandAgg {
  orgPath: string;
  total: number;
  responded: number;
  closed: number;
  open: number;
  overdue: number;
  onTime: number;
  onTimeKnown: number;
  satisfactionSum: number;
  satisfactionCount: number;
}

function filtered(db: Executor, source: DemandSource, f: DemandFilter): SelectQueryBuilder<any, 'd', DemandSqlRow> {
  let q = (db as any).selectFrom(source.as('d')) as SelectQueryBuilder<any, 'd', DemandSqlRow>;
  if (f.paths) {
    const paths = f.paths;
    if (paths.length === 0) q = q.where(sql<boolean>`1 = 0`);
    else q = q.where((eb) => inAnySubtree(eb, 'd.org_path', paths));
  }
  if (f.userId) q = q.where('d.user_id', '=', f.userId);
  if (f.from) q = q.where('d.created_at', '>=', f.from);
  if (f.to) q = q.where('d.created_at', '<', f.to);
  if (f.open !== undefined) q = q.where('d.is_open', '=', f.open ? 1 : 0);
  if (f.overdueAt) q = q.where('d.is_open', '=', 1).where('d.due_at', 'is not', null).where('d.due_at', '<', f.overdueAt);
  return q;
}

function present(r: DemandSqlRow): Demand {
  const sat = r.satisfaction === null || r.satisfaction === undefined ? null : Number(r.satisfaction);
  return {
    kind: r.kind as DemandKind,
    id: r.id,
    code: r.code,
    title: r.title,
    channel: r.channel,
    state: r.state,
    orgPath: r.org_path,
    orgNodeId: r.org_node_id ?? lastSegment(r.org_path),
    createdAt: r.created_at,
    dueAt: r.due_at,
    respondedAt: r.responded_at,
    closedAt: r.closed_at,
    onTime: r.on_time === null || r.on_time === undefined ? null : Number(r.on_time) === 1,
    satisfaction: sat,
    personId: r.person_id,
    open: Number(r.is_open) === 1,
  };
}

function lastSegment(path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  return parts.length ? parts[parts.length - 1]! : null;
}

/** The newest `limit` demands of a source (createdAt desc, id desc) and how many match in all. */
export async function pageDemands(db: Executor, source: DemandSource, f: DemandFilter, limit: number): Promise<{ rows: Demand[]; total: number }> {
  const q = filtered(db, source, f);
  const [rows, count] = await Promise.all([
    q.selectAll('d').orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: (rows as DemandSqlRow[]).map(present), total: Number((count as { n: number }).n) };
}

/** Counts per org path of a source, in one grouped query. */
export async function aggregateDemands(db: Executor, source: DemandSource, f: DemandFilter, now: string): Promise<DemandAgg[]> {
  const rows = await filtered(db, source, f)
    .select([
      'd.org_path',
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(case when d.responded_at is not null then 1 else 0 end)`.as('responded'),
      sql<number>`sum(case when d.is_open = 0 then 1 else 0 end)`.as('closed'),
      sql<number>`sum(d.is_open)`.as('open'),
      sql<number>`sum(case when d.is_open = 1 and d.due_at is not null and d.due_at < ${now} then 1 else 0 end)`.as('overdue'),
      sql<number>`sum(case when d.on_time = 1 then 1 else 0 end)`.as('on_time'),
      sql<number>`sum(case when d.on_time is not null then 1 else 0 end)`.as('on_time_known'),
      sql<number>`coalesce(sum(d.satisfaction), 0)`.as('sat_sum'),
      sql<number>`count(d.satisfaction)`.as('sat_count'),
    ])
    .groupBy('d.org_path')
    .execute();
  return (rows as Record<string, unknown>[]).map((r) => ({
    orgPath: String(r.org_path),
    total: Number(r.total),
    responded: Number(r.responded ?? 0),
    closed: Number(r.closed ?? 0),
    open: Number(r.open ?? 0),
    overdue: Number(r.overdue ?? 0),
    onTime: Number(r.on_time ?? 0),
    onTimeKnown: Number(r.on_time_known ?? 0),
    satisfactionSum: Number(r.sat_sum ?? 0),
    satisfactionCount: Number(r.sat_count ?? 0),
  }));
}
