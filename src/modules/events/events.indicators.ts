import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import type { Actor } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { getNode } from '../../platform/org/org.repository.js';
import { CLOCK_FIRST_DAY, CLOCK_LAST_DAY, ensureWorkClock } from './indicators.clock.js';
import * as repo from './indicators.repository.js';
import { SUM_FIELDS, type IndicatorKey, type IndicatorRow, type IndicatorScope, type IndicatorSums } from './indicators.repository.js';
import type { IndicatorCounts, IndicatorGroup, IndicatorGroupBy, IndicatorQuery, IndicatorRates, IndicatorReport } from './indicators.schema.js';

/**
 * 考核指标 of grid events, as the digital urban-management standards count them.
 *
 * Which events: those REPORTED (created_at) between `from` 00:00 and `to` 24:00 Beijing time,
 * inside the caller's subtree, merged duplicates left out (they live on in the event they were
 * merged into). Each period's figures follow its events to their outcome; deadlines are judged
 * as of the moment of the query (`asOf`), so a month keeps settling until its last event is due.
 *
 * Counts (per event unless it says 次数):
 *   上报数      reported       every event of the period
 *   应受理数    dueToAccept    not withdrawn, and accepted, rejected, or still waiting after its
 *                              acceptance limit (due_at) passed; a report still inside its limit
 *                              does not count yet, either way
 *   受理数      accepted       accepted_at set
 *   派遣案件数  dispatchedEvents  first_dispatched_at set
 *   派遣次数    dispatches     Σ dispatch_count (re-dispatches included)
 *   回退次数    returns        Σ return_count
 *   处置次数    handlings      Σ handling_count (处置完毕 steps)
 *   返工次数    reworks        Σ rework_count
 *   延期案件数  extended       extension_count > 0 (approved extensions)
 *   应处置数    dueToHandle    dispatched, not voided, and handled (handled_at set) or past its
 *                              handling limit (close_due_at ≤ asOf)
 *   按期处置数  handledOnTime  of those, never suspended and handled_at ≤ close_due_at
 *   应结案数    dueToClose     dispatched, not voided, and closed (closed_at set) or past its
 *                              handling limit (close_due_at ≤ asOf) — "due to close in the period"
 *   结案数      closed         of those, closed
 *   按期结案数  closedOnTime   of those, never suspended and closed_on_time = 1
 *   挂账数      …Suspended     of the due ones, suspended (挂账/缓办) at some time
 *   评价数      rated          rating set; 满意数 satisfied: 满意 or 基本满意
 *
 * Indicators (null when the denominator is 0):
 *   受理率（响应率） = 受理数 / 应受理数
 *   按期处置率       = 按期处置数 / (应处置数 − 挂账数)
 *   结案率           = 结案数 / 应结案数
 *   按期结案率       = 按期结案数 / (应结案数 − 挂账数)
 *   返工率           = 返工次数 / 处置次数
 *   准确派遣率       = (派遣次数 − 回退次数) / 派遣次数
 *   延期率           = 延期案件数 / 派遣案件数
 *   满意率           = (满意 + 基本满意) / 评价数
 *   平均响应时长     = Σ working hours from created_at to accepted_at / accepted events
 *   平均处置时长     = Σ working hours from first_dispatched_at to handled_at / handled events
 *                      never suspended (a suspension's stopped clock is not on the row)
 * Suspended events leave both sides of the two on-time rates (the standard's "应结案数 − 缓办数"
 * in the denominator, and only unsuspended events in the numerator), so neither exceeds 100 %.
 *
 * Every count is additive: the SQL returns per-place / per-unit / per-category / per-day sums
 * and this file adds them into grids, communities, units, categories and periods.
 */

export const INDICATORS_READ = 'events.indicators.read';
/** The longest period one query may cover. */
export const MAX_RANGE_DAYS = 1096;
/** Rows listed even without events (grids of a city): more than this lists only those with events. */
const MAX_FILLED_NODES = 5000;

addMessages({
  'error.INDICATOR_RANGE_INVALID': { 'zh-CN': '开始日期不能晚于结束日期', en: 'The start date is after the end date' },
  'error.INDICATOR_RANGE_TOO_LONG': { 'zh-CN': '统计期间不能超过 {max} 天', en: 'The period may not exceed {max} days' },
  'error.INDICATOR_RANGE_OUTSIDE': { 'zh-CN': '统计期间须在 {first} 年至 {last} 年之间', en: 'The period must lie between {first} and {last}' },
});

const DAY = 86_400_000;

/** The caller's subtrees for indicators: department officers count only what was dispatched to their department. */
export function indicatorScopeOf(actor: Actor): IndicatorScope {
  const roles = rolesWith(INDICATORS_READ);
  const grants = actor.grants.filter((g) => roles.has(g.role));
  const staff = grants.filter((g) => g.role !== 'department_officer').map((g) => g.orgPath).sort();
  const paths: string[] = [];
  for (const p of staff) if (!paths.some((o) => p.startsWith(o))) paths.push(p);
  const byPath = new Map<string, Set<string>>();
  for (const g of grants) {
    if (g.role !== 'department_officer' || !g.departmentCode) continue;
    if (paths.some((o) => g.orgPath.startsWith(o))) continue;
    const set = byPath.get(g.orgPath) ?? new Set<string>();
    set.add(g.departmentCode);
    byPath.set(g.orgPath, set);
  }
  return { paths, departmentPaths: [...byPath].map(([path, set]) => ({ path, departments: [...set].sort() })) };
}

/** The scope narrowed to a node's subtree; null when the node lies outside it. */
function narrowTo(scope: IndicatorScope, path: string): IndicatorScope | null {
  if (scope.paths.some((p) => path.startsWith(p))) return { paths: [path], departmentPaths: [] };
  const departments = new Set<string>();
  for (const d of scope.departmentPaths) if (path.startsWith(d.path)) d.departments.forEach((c) => departments.add(c));
  // A node above the caller's grants (a street, asked by community staff) is refused rather than cut down.
  if (departments.size === 0) return null;
  return { paths: [], departmentPaths: [{ path, departments: [...departments].sort() }] };
}

const isEmpty = (s: IndicatorScope) => s.paths.length === 0 && s.departmentPaths.length === 0;

/** `YYYY-MM-DD` of an instant in the calendar's local time. */
function localDate(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** 00:00 local time of a date, as the ISO text timestamps are stored in. */
function localMidnightIso(date: string, offsetMinutes: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - offsetMinutes * 60_000).toISOString();
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
/** The Monday of a date's week (weeks run Monday to Sunday in China). */
function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

function emptySums(): IndicatorSums {
  return Object.fromEntries(SUM_FIELDS.map((f) => [f, 0])) as unknown as IndicatorSums;
}

function addInto(target: IndicatorSums, row: IndicatorSums): void {
  for (const f of SUM_FIELDS) target[f] += row[f];
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const hours = (seconds: number) => Math.round((seconds / 3600) * 100) / 100;

/** The indicators of one group, from its sums (the formulas above). */
export function ratesOf(s: IndicatorSums): IndicatorRates {
  return {
    acceptanceRate: ratio(s.accepted, s.dueToAccept),
    onTimeHandlingRate: ratio(s.handledOnTime, s.dueToHandle - s.dueToHandleSuspended),
    closingRate: ratio(s.closed, s.dueToClose),
    onTimeClosingRate: ratio(s.closedOnTime, s.dueToClose - s.dueToCloseSuspended),
    reworkRate: ratio(s.reworks, s.handlings),
    accurateDispatchRate: ratio(s.dispatches - s.returns, s.dispatches),
    extensionRate: ratio(s.extended, s.dispatchedEvents),
    satisfactionRate: ratio(s.satisfied, s.rated),
    avgResponseHours: s.responseCount > 0 ? hours(s.responseSeconds / s.responseCount) : null,
    avgHandlingHours: s.handlingCount > 0 ? hours(s.handlingSeconds / s.handlingCount) : null,
  };
}

function countsOf(s: IndicatorSums): IndicatorCounts {
  const { responseSeconds, handlingSeconds, ...rest } = s;
  return { ...rest, responseHours: hours(responseSeconds), handlingHours: hours(handlingSeconds) };
}

function group(key: string | null, label: string, sums: IndicatorSums): IndicatorGroup {
  return { key, label, counts: countsOf(sums), rates: ratesOf(sums) };
}

const KEY_OF: Record<IndicatorGroupBy, IndicatorKey> = {
  grid: 'place',
  community: 'place',
  unit: 'unit',
  category: 'category',
  day: 'day',
  week: 'day',
  month: 'day',
};

export interface ResolvedQuery {
  from: string;
  to: string;
  asOf: Date;
  groupBy: IndicatorGroupBy;
  scope: IndicatorScope;
  node: { id: string; name: string; path: string } | null;
}

/** Dates, scope and node of a query; 400 for a bad period, 403 (audited) outside the caller's subtree. */
export async function resolveQuery(ctx: PlatformContext, actor: Actor, query: IndicatorQuery, action: string, meta: RequestMeta): Promise<ResolvedQuery & { offset: number }> {
  const clock = await ensureWorkClock(ctx);
  const offset = clock.utcOffsetMinutes;
  const asOf = ctx.now();
  const today = localDate(asOf.getTime(), offset);
  const to = query.to ?? today;
  const from = query.from ?? `${(query.to ?? today).slice(0, 7)}-01`;
  if (from > to) throw badRequest('INDICATOR_RANGE_INVALID');
  // Days are walked on the calendar table (indicators.clock.ts), which covers these years.
  if (from < CLOCK_FIRST_DAY || to >= CLOCK_LAST_DAY) throw badRequest('INDICATOR_RANGE_OUTSIDE', { first: CLOCK_FIRST_DAY.slice(0, 4), last: CLOCK_LAST_DAY.slice(0, 4) });
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw badRequest('INDICATOR_RANGE_TOO_LONG', { max: MAX_RANGE_DAYS });

  const refuse = async (details: Record<string, unknown>) => {
    await appendAudit(ctx.db, {
      actorId: actor.userId,
      actorName: actor.username,
      action,
      outcome: 'denied',
      orgNodeId: query.orgNodeId ?? null,
      details,
      ip: meta.ip,
      requestId: meta.requestId,
    });
    return forbidden();
  };
  let scope = indicatorScopeOf(actor);
  if (isEmpty(scope)) throw await refuse({ orgNodeId: query.orgNodeId ?? null });
  let node: ResolvedQuery['node'] = null;
  if (query.orgNodeId) {
    const row = await getNode(ctx.db.kysely, query.orgNodeId);
    if (!row) throw notFound();
    const narrowed = narrowTo(scope, row.path);
    if (!narrowed) throw await refuse({ orgNodeId: query.orgNodeId });
    scope = narrowed;
    node = { id: row.id, name: row.name, path: row.path };
  }
  return { from, to, asOf, groupBy: query.groupBy, scope, node, offset };
}

/** The indicators of the caller's subtree (or a node of it), grouped as asked. */
export async function computeIndicators(ctx: PlatformContext, actor: Actor, query: IndicatorQuery, meta: RequestMeta = {}): Promise<IndicatorReport> {
  const q = await resolveQuery(ctx, actor, query, 'events.indicators.read', meta);
  return report(ctx, q);
}

export async function report(ctx: PlatformContext, q: ResolvedQuery & { offset: number }): Promise<IndicatorReport> {
  const clock = await ensureWorkClock(ctx);
  const range = { from: localMidnightIso(q.from, q.offset), to: localMidnightIso(addDays(q.to, 1), q.offset), fromDate: q.from, toDate: q.to, asOf: q.asOf.toISOString() };
  const rows = await repo.aggregateIndicators(ctx.db, clock, q.scope, range, KEY_OF[q.groupBy]);
  const total = emptySums();
  for (const r of rows) addInto(total, r);
  const groups = await groupRows(ctx, q, rows);
  const unit = q.node?.name ?? (await scopeLabel(ctx, q.scope));
  return {
    from: q.from,
    to: q.to,
    asOf: range.asOf,
    groupBy: q.groupBy,
    orgNode: q.node ? { id: q.node.id, name: q.node.name } : null,
    unit,
    groups,
    total: group(null, '合计', total),
  };
}

async function scopeLabel(ctx: PlatformContext, scope: IndicatorScope): Promise<string> {
  const ids = [...scope.paths, ...scope.departmentPaths.map((d) => d.path)].map((p) => p.split('/').filter(Boolean).pop()!);
  const nodes = await repo.nodesByIds(ctx.db, ids);
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  return ids.map((id) => names.get(id) ?? id).join('、');
}

/** Rolls the query's rows up into the groups asked for, with labels, in a clerk's order. */
async function groupRows(ctx: PlatformContext, q: ResolvedQuery & { offset: number }, rows: IndicatorRow[]): Promise<IndicatorGroup[]> {
  const db = ctx.db;
  const buckets = new Map<string | null, IndicatorSums>();
  const bucket = (key: string | null) => {
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = emptySums()));
    return b;
  };

  if (q.groupBy === 'day' || q.groupBy === 'week' || q.groupBy === 'month') {
    const periodOf = (date: string) => (q.groupBy === 'day' ? date : q.groupBy === 'week' ? mondayOf(date) : date.slice(0, 7));
    // Every period of the range, with or without events, so a chart has no gaps.
    const keys: string[] = [];
    for (let d = q.from; d <= q.to; d = addDays(d, 1)) {
      const k = periodOf(d);
      if (keys[keys.length - 1] !== k) keys.push(k);
    }
    for (const k of keys) bucket(k);
    for (const r of rows) addInto(bucket(periodOf(r.k1!)), r);
    const label = (k: string) =>
      q.groupBy === 'day' ? k : q.groupBy === 'week' ? `${k} 至 ${addDays(k, 6)}` : `${k.slice(0, 4)}年${Number(k.slice(5, 7))}月`;
    return keys.map((k) => group(k, label(k), buckets.get(k)!));
  }

  if (q.groupBy === 'grid' || q.groupBy === 'community') {
    // Rows come keyed by the place's path; its node is the last id on it.
    for (const r of rows) r.k1 = r.k1!.split('/').filter(Boolean).pop()!;
    const tree = new NodeBook(db);
    await tree.load(rows.map((r) => r.k1!));
    // A node's community is its nearest ancestor of that kind (trees may have districts, streets …).
    const target = (n: BookNode): BookNode => {
      if (q.groupBy === 'grid') return n;
      for (const id of n.path.split('/').filter(Boolean).reverse()) if (tree.get(id)?.kind === 'community') return tree.get(id)!;
      return n;
    };
    const shown = new Map<string, BookNode>();
    // Every live grid (community) of the scope, so one with nothing reported still has its row.
    if (q.scope.paths.length) {
      const all = await repo.nodesOfKindIn(db, q.scope.paths, [q.groupBy], MAX_FILLED_NODES + 1);
      if (all.length <= MAX_FILLED_NODES) for (const n of all) shown.set(n.id, n);
    }
    for (const r of rows) {
      const n = tree.get(r.k1!);
      const t = n ? target(n) : undefined;
      const key = t?.id ?? r.k1!;
      if (t) shown.set(key, t);
      addInto(bucket(key), r);
    }
    await tree.load([...shown.keys()]);
    const label = (n: BookNode) => (n.kind === q.groupBy ? n.name : `${n.name}（未分${q.groupBy === 'grid' ? '网格' : '社区'}）`);
    return [...shown.values()].sort(byKey((n) => tree.orderKey(n.id))).map((n) => group(n.id, label(n), buckets.get(n.id) ?? emptySums()));
  }

  if (q.groupBy === 'category') {
    const cats = await repo.categoriesByIds(db, [...new Set(rows.map((r) => r.k1!))]);
    const parents = await repo.categoriesByIds(db, [...new Set(cats.map((c) => c.parent_id).filter((x): x is string => !!x))]);
    const byId = new Map([...cats, ...parents].map((c) => [c.id, c]));
    for (const r of rows) addInto(bucket(r.k1), r);
    const order = (id: string) => {
      const c = byId.get(id);
      const p = c?.parent_id ? byId.get(c.parent_id) : undefined;
      return [p?.sort ?? c?.sort ?? 0, p ? c?.sort ?? 0 : -1, c?.code ?? id] as const;
    };
    const label = (id: string) => {
      const c = byId.get(id);
      const p = c?.parent_id ? byId.get(c.parent_id) : undefined;
      return c ? (p ? `${p.name} / ${c.name}` : c.name) : id;
    };
    return [...buckets.keys()]
      .map((k) => k!)
      .sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
      })
      .map((k) => group(k, label(k), buckets.get(k)!));
  }

  // Handling unit: the node (and department there) an event was dispatched to; a node's
  // departments right after it, before its children; 未派遣 last.
  const tree = new NodeBook(db);
  await tree.load(rows.map((r) => r.k1).filter((x): x is string => !!x));
  const departments = new Map((await repo.departmentNames(db, [...new Set(rows.map((r) => r.k2).filter((x): x is string => !!x))])).map((d) => [d.code, d.name]));
  const labels = new Map<string | null, { label: string; order: string }>();
  for (const r of rows) {
    const key = r.k1 === null && r.k2 === null ? null : `${r.k1 ?? ''}|${r.k2 ?? ''}`;
    addInto(bucket(key), r);
    if (key === null) labels.set(null, { label: '未派遣', order: '\uffff' });
    else {
      const n = r.k1 ? tree.get(r.k1) : undefined;
      const dept = r.k2 ? departments.get(r.k2) ?? r.k2 : null;
      labels.set(key, { label: [n?.name, dept].filter(Boolean).join(' ') || key, order: `${r.k1 ? tree.orderKey(r.k1) : ''}\u0000${dept ?? ''}` });
    }
  }
  return [...buckets.keys()].sort(byKey((k) => labels.get(k)!.order)).map((k) => group(k, labels.get(k)!.label, buckets.get(k)!));
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };

type BookNode = Awaited<ReturnType<typeof repo.nodesByIds>>[number];

/** Org nodes with their ancestors, loaded in batches, to label groups and list them in tree order. */
class NodeBook {
  private readonly nodes = new Map<string, BookNode>();
  constructor(private readonly db: PlatformContext['db']) {}

  async load(ids: string[]): Promise<void> {
    const missing = new Set<string>();
    for (const id of ids) if (!this.nodes.has(id)) missing.add(id);
    if (missing.size) for (const n of await repo.nodesByIds(this.db, [...missing])) this.nodes.set(n.id, n);
    const ancestors = new Set<string>();
    for (const id of ids) for (const a of this.nodes.get(id)?.path.split('/').filter(Boolean) ?? []) if (!this.nodes.has(a)) ancestors.add(a);
    if (ancestors.size) for (const n of await repo.nodesByIds(this.db, [...ancestors])) this.nodes.set(n.id, n);
  }

  get(id: string): BookNode | undefined {
    return this.nodes.get(id);
  }

  /** Depth first, siblings by their sort, code and name: the order of the org tree in the console. */
  orderKey(id: string): string {
    const n = this.nodes.get(id);
    if (!n) return id;
    return n.path
      .split('/')
      .filter(Boolean)
      .map((a) => {
        const x = this.nodes.get(a);
        return x ? `${String(x.sort + 1_000_000).padStart(9, '0')}\u0002${x.code ?? ''}\u0002${x.name}` : a;
      })
      .join('\u0001');
  }
}

export const GROUP_LABEL: Record<IndicatorGroupBy, string> = {
  grid: '网格',
  community: '社区',
  unit: '处置单位',
  category: '事件类别',
  month: '月份',
  week: '周',
  day: '日期',
};
