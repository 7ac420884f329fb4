import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, forbidden } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import type { Actor } from '../../platform/policy/actor.js';
import { scopePaths } from '../../platform/policy/actor.js';
import * as orgRepo from '../../platform/org/org.repository.js';
import { aggregateDemands, DEMAND_KINDS, pageDemands, type Demand, type DemandAgg, type DemandFilter, type DemandKind } from './demands.sql.js';
import { consoleLink, DEMAND_SOURCES, KIND_LABELS, residentLink, stateLabel } from './demands.sources.js';
import { DEMANDS_READ } from './demands.policy.js';

/**
 * 全响应: every demand of a subtree in one list, its rates by community / grid / unit, and a
 * resident's own list. Read-only; each kind is read through its module's facts function.
 *
 * Paging: each source returns its newest `page × pageSize` rows (sorted in SQL) and its count; the
 * pages are merged by createdAt and sliced. The window (page × pageSize) is bounded by MAX_WINDOW,
 * so a page never loads more than 7 × MAX_WINDOW rows; narrow by kind or date for deeper pages.
 */
export const MAX_WINDOW = 1000;
/** Grouping nodes read for the statistics (communities or grids of the subtree). */
const MAX_GROUPS = 2000;

addMessages({
  'error.DEMANDS_WINDOW_TOO_DEEP': {
    'zh-CN': '翻页过深：页码×每页条数不能超过 {max}，请按类型或日期缩小范围',
    en: 'Page too deep: page × pageSize may not exceed {max}; narrow the list by kind or date',
  },
  'error.DEMANDS_BAD_RANGE': { 'zh-CN': '开始日期不能晚于结束日期', en: 'The start date must not be after the end date' },
});

export interface DemandListQuery {
  kind?: DemandKind[];
  state?: 'open' | 'closed';
  overdue?: boolean;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export interface DemandView extends Demand {
  kindLabel: string;
  stateLabel: string;
  overdue: boolean;
  link: string;
}

function checkRange(q: { from?: string; to?: string; page: number; pageSize: number }) {
  if (q.page * q.pageSize > MAX_WINDOW) throw badRequest('DEMANDS_WINDOW_TOO_DEEP', { max: MAX_WINDOW });
  if (q.from && q.to && q.from > q.to) throw badRequest('DEMANDS_BAD_RANGE');
}

function staffPaths(actor: Actor): string[] {
  const paths = scopePaths(actor, DEMANDS_READ);
  if (paths.length === 0) throw forbidden();
  return paths;
}

async function merged(ctx: PlatformContext, kinds: readonly DemandKind[], filter: DemandFilter, page: number, pageSize: number) {
  const db = ctx.db.kysely;
  const limit = page * pageSize;
  const parts = await Promise.all(kinds.map(async (k) => ({ kind: k, ...(await pageDemands(db, DEMAND_SOURCES[k](db), filter, limit)) })));
  const all = parts.flatMap((p) => p.rows);
  all.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1));
  const byKind = Object.fromEntries(DEMAND_KINDS.map((k) => [k, parts.find((p) => p.kind === k)?.total ?? 0])) as Record<DemandKind, number>;
  return { rows: all.slice((page - 1) * pageSize, page * pageSize), total: parts.reduce((s, p) => s + p.total, 0), byKind };
}

function view(d: Demand, now: string, link: string): DemandView {
  return { ...d, kindLabel: KIND_LABELS[d.kind]['zh-CN'], stateLabel: stateLabel(d.kind, d.state), overdue: d.open && d.dueAt !== null && d.dueAt < now, link };
}

/** GET /api/v1/demands: the subtree's demands, newest first. The read is audited (it names residents' requests). */
export async function listDemands(ctx: PlatformContext, actor: Actor, q: DemandListQuery, meta: RequestMeta) {
  checkRange(q);
  const paths = staffPaths(actor);
  const now = ctx.now().toISOString();
  const filter: DemandFilter = { paths, from: q.from, to: q.to, open: q.state === undefined ? undefined : q.state === 'open', overdueAt: q.overdue ? now : undefined };
  const kinds = q.kind?.length ? q.kind : DEMAND_KINDS;
  const r = await merged(ctx, kinds, filter, q.page, q.pageSize);
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.displayName,
    action: 'demands.list',
    targetType: 'demand',
    ip: meta.ip,
    requestId: meta.requestId,
    details: { kinds: q.kind ?? 'all', state: q.state ?? null, overdue: !!q.overdue, from: q.from ?? null, to: q.to ?? null, page: q.page, returned: r.rows.length },
  });
  return { items: r.rows.map((d) => view(d, now, consoleLink(d.kind, d.id))), total: r.total, byKind: r.byKind, page: q.page, pageSize: q.pageSize };
}

/** GET /api/v1/me/demands: everything this account asked for, across modules, newest first. */
export async function listMine(ctx: PlatformContext, actor: Actor, q: { page: number; pageSize: number }) {
  checkRange(q);
  if (!actor.userId) throw forbidden();
  const now = ctx.now().toISOString();
  const r = await merged(ctx, DEMAND_KINDS, { userId: actor.userId }, q.page, q.pageSize);
  // A resident's own list: the person id is theirs; nothing else of anyone is shown.
  return { items: r.rows.map((d) => view(d, now, residentLink(d.kind, d.id))), total: r.total, byKind: r.byKind, page: q.page, pageSize: q.pageSize };
}

export interface StatsRow {
  key: string;
  name: string;
  total: number;
  responded: number;
  responseRate: number | null;
  closed: number;
  open: number;
  overdue: number;
  onTime: number;
  onTimeKnown: number;
  onTimeRate: number | null;
  satisfaction: number | null;
  satisfactionCount: number;
  byKind: Record<DemandKind, number>;
}

function emptyRow(key: string, name: string): StatsRow {
  return {
    key,
    name,
    total: 0,
    responded: 0,
    responseRate: null,
    closed: 0,
    open: 0,
    overdue: 0,
    onTime: 0,
    onTimeKnown: 0,
    onTimeRate: null,
    satisfaction: null,
    satisfactionCount: 0,
    byKind: Object.fromEntries(DEMAND_KINDS.map((k) => [k, 0])) as Record<DemandKind, number>,
  };
}

const satSums = new WeakMap<StatsRow, number>();
function add(row: StatsRow, kind: DemandKind, a: DemandAgg) {
  row.total += a.total;
  row.responded += a.responded;
  row.closed += a.closed;
  row.open += a.open;
  row.overdue += a.overdue;
  row.onTime += a.onTime;
  row.onTimeKnown += a.onTimeKnown;
  row.satisfactionCount += a.satisfactionCount;
  satSums.set(row, (satSums.get(row) ?? 0) + a.satisfactionSum);
  row.byKind[kind] += a.total;
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);
function finish(row: StatsRow): StatsRow {
  row.responseRate = rate(row.responded, row.total);
  row.onTimeRate = rate(row.onTime, row.onTimeKnown);
  row.satisfaction = row.satisfactionCount === 0 ? null : Math.round(((satSums.get(row) ?? 0) / row.satisfactionCount) * 100) / 100;
  return row;
}

/**
 * GET /api/v1/demands/stats: response rate (responded / all), on-time rate (on time / those with a
 * verdict), average satisfaction (1–5) and counts per kind, by community, grid or answering unit.
 * Each source is aggregated in SQL per org path; paths are rolled up here to the community or grid
 * that holds them (demands filed above grid level go to an 「未落到网格」 row).
 */
export async function demandStats(ctx: PlatformContext, actor: Actor, q: { groupBy: 'community' | 'grid' | 'unit'; from?: string; to?: string }) {
  if (q.from && q.to && q.from > q.to) throw badRequest('DEMANDS_BAD_RANGE');
  const paths = staffPaths(actor);
  const db = ctx.db.kysely;
  const now = ctx.now().toISOString();
  const filter: DemandFilter = { paths, from: q.from, to: q.to };
  const aggs = await Promise.all(DEMAND_KINDS.map(async (k) => ({ kind: k, rows: await aggregateDemands(db, DEMAND_SOURCES[k](db), filter, now) })));
  const total = emptyRow('total', '合计');
  const rows = new Map<string, StatsRow>();
  if (q.groupBy === 'unit') {
    for (const { kind, rows: list } of aggs) {
      const u = KIND_LABELS[kind];
      const row = rows.get(u.unit) ?? emptyRow(u.unit, u.unit);
      rows.set(u.unit, row);
      for (const a of list) {
        add(row, kind, a);
        add(total, kind, a);
      }
    }
  } else {
    const nodes = (await Promise.all(paths.map((p) => orgRepo.listInSubtree(db, p, q.groupBy as 'community' | 'grid', { limit: MAX_GROUPS, offset: 0 })))).flat();
    // Longest path first, so a path is given to the deepest node that holds it.
    nodes.sort((a, b) => b.path.length - a.path.length);
    for (const n of [...nodes].sort((a, b) => a.path.localeCompare(b.path))) rows.set(n.id, emptyRow(n.id, n.name));
    const other = emptyRow('other', q.groupBy === 'grid' ? '未落到网格' : '未落到社区');
    for (const { kind, rows: list } of aggs) {
      for (const a of list) {
        const node = nodes.find((n) => a.orgPath.startsWith(n.path));
        add(node ? rows.get(node.id)! : other, kind, a);
        add(total, kind, a);
      }
    }
    if (other.total > 0) rows.set('other', other);
  }
  return { groupBy: q.groupBy, rows: [...rows.values()].map(finish), total: finish(total) };
}
