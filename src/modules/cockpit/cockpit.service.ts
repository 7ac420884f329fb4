import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import type { Actor } from '../../platform/policy/actor.js';
import { scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import * as orgRepo from '../../platform/org/org.repository.js';
import type { OrgNode } from '../../platform/org/org.repository.js';
import { lastMonths } from '../../platform/stats/months.js';
import { COCKPIT_VIEW } from './cockpit.policy.js';
import * as repo from './cockpit.repository.js';
import { AREA_KINDS, type Sum } from './cockpit.repository.js';
import { refreshStatistics } from './cockpit.refresh.js';
import { AGE_BANDS, INDICATOR_KEYS, type CockpitMap, type IndicatorKey, type Overview } from './cockpit.schema.js';

export { refreshStatistics } from './cockpit.refresh.js';

/**
 * 驾驶舱: population structure, events, applications, volunteer hours, fund balance and satisfaction
 * of a subtree, and its children coloured by an indicator. Every read is an indexed look-up of
 * precomputed subtree totals (stat_node: one node's rows, or its children's), whatever the size
 * of the city; refreshStatistics (cockpit.refresh.ts) rebuilds them from the source modules'
 * facts functions every 10 minutes and on demand, as a new generation.
 */

addMessages({
  'error.COCKPIT_NODE_NOT_FOUND': { 'zh-CN': '找不到该组织节点', en: 'No such organisation node' },
  'error.COCKPIT_OUTSIDE_SCOPE': { 'zh-CN': '该区域不在您的管辖范围内', en: 'This area is outside your scope' },
  'error.COCKPIT_BAD_INDICATOR': { 'zh-CN': '未知的指标：{indicator}', en: 'Unknown indicator: {indicator}' },
  'error.COCKPIT_NODE_LEVEL': { 'zh-CN': '驾驶舱只统计到网格一级，请选择市、街道、社区或网格', en: 'The cockpit goes down to grids only: choose a city, sub-district, community or grid' },
});

/** The map indicators with their labels and units (GET /api/v1/cockpit/indicators). */
export const INDICATORS: Record<IndicatorKey, { label: { 'zh-CN': string; en: string }; unit: { 'zh-CN': string; en: string } }> = {
  residents: { label: { 'zh-CN': '实有人口', en: 'Residents' }, unit: { 'zh-CN': '人', en: 'people' } },
  households: { label: { 'zh-CN': '户数', en: 'Households' }, unit: { 'zh-CN': '户', en: 'households' } },
  elderly: { label: { 'zh-CN': '60岁以上老年人', en: 'People aged 60+' }, unit: { 'zh-CN': '人', en: 'people' } },
  specialGroups: { label: { 'zh-CN': '特殊人群', en: 'Special groups' }, unit: { 'zh-CN': '人', en: 'people' } },
  events: { label: { 'zh-CN': '事件上报数（近12个月）', en: 'Events reported (12 months)' }, unit: { 'zh-CN': '件', en: 'events' } },
  onTimeRate: { label: { 'zh-CN': '按期结案率（近12个月）', en: 'Closed on time (12 months)' }, unit: { 'zh-CN': '比率', en: 'ratio' } },
  satisfaction: { label: { 'zh-CN': '满意率（近12个月）', en: 'Satisfaction (12 months)' }, unit: { 'zh-CN': '比率', en: 'ratio' } },
  applications: { label: { 'zh-CN': '办事申请数（近12个月）', en: 'Service applications (12 months)' }, unit: { 'zh-CN': '件', en: 'applications' } },
  volunteerHours: { label: { 'zh-CN': '志愿服务时长（近12个月）', en: 'Volunteer hours (12 months)' }, unit: { 'zh-CN': '小时', en: 'hours' } },
};

export function listIndicators() {
  return { items: INDICATOR_KEYS.map((key) => ({ key, ...INDICATORS[key] })) };
}

/* ---------- refresh ---------- */

/** POST /api/v1/cockpit/refresh: rebuild now (audited). */
export async function refreshByActor(ctx: PlatformContext, actor: Actor, meta?: RequestMeta) {
  const r = await refreshStatistics(ctx);
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.displayName, action: 'cockpit.refresh', targetType: 'stat_cell', ip: meta?.ip, requestId: meta?.requestId, details: r });
  return r;
}

/* ---------- reads ---------- */

/** The node a cockpit read is about: the given one inside the actor's subtree, or their scope root. */
async function resolveNode(ctx: PlatformContext, actor: Actor, nodeId: string | undefined, meta?: RequestMeta): Promise<{ node: OrgNode; root: string }> {
  const scopes = scopePaths(actor, COCKPIT_VIEW);
  if (scopes.length === 0) throw forbidden();
  const db = ctx.db.kysely;
  let id = nodeId;
  if (!id) {
    const roles = rolesWith(COCKPIT_VIEW);
    id = actor.grants.find((g) => roles.has(g.role))!.orgNodeId;
  }
  const node = await orgRepo.getNode(db, id);
  if (!node) throw notFound('COCKPIT_NODE_NOT_FOUND');
  const root = scopes.filter((p) => node.path.startsWith(p)).sort((a, b) => a.length - b.length)[0];
  if (!root) {
    await appendAudit(ctx.db, {
      actorId: actor.userId,
      actorName: actor.displayName,
      action: 'cockpit.read',
      outcome: 'denied',
      targetType: 'org_node',
      targetId: node.id,
      orgNodeId: node.id,
      ip: meta?.ip,
      requestId: meta?.requestId,
      details: { code: 'COCKPIT_OUTSIDE_SCOPE' },
    });
    throw forbidden('COCKPIT_OUTSIDE_SCOPE');
  }
  if (!AREA_KINDS.includes(node.kind)) throw badRequest('COCKPIT_NODE_LEVEL');
  return { node, root };
}

const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);
const total = (rows: Sum[], metric: string, pred: (r: Sum) => boolean = () => true) => rows.reduce((s, r) => (r.metric === metric && pred(r) ? s + r.value : s), 0);

/** Metrics each indicator needs (the map reads only these). */
const INDICATOR_METRICS: Record<IndicatorKey, string[]> = {
  residents: ['pop'],
  households: ['households'],
  elderly: ['pop'],
  specialGroups: ['special'],
  events: ['ev_reported'],
  onTimeRate: ['ev_on_time', 'ev_closed_counted'],
  satisfaction: ['ev_rated', 'ev_satisfied', 'app_rated', 'app_satisfied'],
  applications: ['app_submitted'],
  volunteerHours: ['vol_minutes'],
};

/** An indicator's value from a node's sums; counts are 0 without data, rates null. */
function indicatorValue(key: IndicatorKey, rows: Sum[], months: Set<string>): number | null {
  const inMonths = (r: Sum) => months.has(r.dim1);
  switch (key) {
    case 'residents':
      return total(rows, 'pop');
    case 'households':
      return total(rows, 'households');
    case 'elderly':
      return total(rows, 'pop', (r) => r.dim2 !== '' && Number(r.dim2) >= 12);
    case 'specialGroups':
      return total(rows, 'special');
    case 'events':
      return total(rows, 'ev_reported', inMonths);
    case 'onTimeRate':
      return rate(total(rows, 'ev_on_time', inMonths), total(rows, 'ev_closed_counted', inMonths));
    case 'satisfaction':
      return rate(total(rows, 'ev_satisfied', inMonths) + total(rows, 'app_satisfied', inMonths), total(rows, 'ev_rated', inMonths) + total(rows, 'app_rated', inMonths));
    case 'applications':
      return total(rows, 'app_submitted', inMonths);
    case 'volunteerHours':
      return Math.round(total(rows, 'vol_minutes', inMonths) / 6) / 10;
  }
}

async function drillableChildren(ctx: PlatformContext, node: OrgNode) {
  if (node.kind === 'grid') return [];
  const kids = await orgRepo.listChildren(ctx.db.kysely, node.id, { limit: 5000, offset: 0 });
  return kids.filter((k) => AREA_KINDS.includes(k.kind));
}

const brief = (n: { id: string; name: string; kind: string }) => ({ id: n.id, name: n.name, kind: n.kind });

/** GET /api/v1/cockpit/overview: everything the cockpit shows for one node. */
export async function cockpitOverview(ctx: PlatformContext, actor: Actor, nodeId?: string, meta?: RequestMeta): Promise<Overview> {
  const { node, root } = await resolveNode(ctx, actor, nodeId, meta);
  const db = ctx.db.kysely;
  const [totals, ancestors, children] = await Promise.all([repo.nodeTotals(db, node.id), orgRepo.getAncestors(db, node.path), drillableChildren(ctx, node)]);
  const rows = totals.rows;
  const months = lastMonths(ctx.now()).map((m) => m.key);
  const monthSet = new Set(months);
  const perMonth = (metric: string) => {
    const m = new Map<string, number>();
    for (const r of rows) if (r.metric === metric && monthSet.has(r.dim1)) m.set(r.dim1, (m.get(r.dim1) ?? 0) + r.value);
    return months.map((k) => m.get(k) ?? 0);
  };
  const pop = rows.filter((r) => r.metric === 'pop');
  const pyramid = AGE_BANDS.map((band, i) => ({
    band,
    male: total(pop, 'pop', (r) => r.dim1 === '男' && r.dim2 === String(i)),
    female: total(pop, 'pop', (r) => r.dim1 === '女' && r.dim2 === String(i)),
  }));
  const RESIDENCE_ORDER = ['户籍人口', '流动人口', '境外人员'];
  const residence = [...new Set(rows.filter((r) => r.metric === 'residence').map((r) => r.dim1))]
    .sort((a, b) => (RESIDENCE_ORDER.indexOf(a) + 1 || 99) - (RESIDENCE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b))
    .map((type) => ({ type, count: total(rows, 'residence', (r) => r.dim1 === type) }));
  const groups = [...new Set(rows.filter((r) => r.metric === 'tag').map((r) => r.dim1))]
    .map((tag) => ({ tag, count: total(rows, 'tag', (r) => r.dim1 === tag) }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  const evClosedCounted = perMonth('ev_closed_counted');
  const evOnTime = perMonth('ev_on_time');
  const evRated = perMonth('ev_rated');
  const evSatisfied = perMonth('ev_satisfied');
  const hasFund = rows.some((r) => r.metric === 'fund_fen');
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
  const rated = sum(evRated) + sum(perMonth('app_rated'));
  return {
    node: { ...brief(node), path: node.path },
    trail: ancestors.filter((a) => a.id !== node.id && a.path.startsWith(root)).map(brief),
    children: children.map(brief),
    asOf: totals.asOf,
    population: {
      residents: total(rows, 'pop'),
      households: total(rows, 'households'),
      dwellings: total(rows, 'dwellings'),
      pyramid,
      residence,
      groups,
    },
    months,
    events: {
      reported: perMonth('ev_reported'),
      closed: perMonth('ev_closed'),
      onTimeRate: months.map((_, i) => rate(evOnTime[i]!, evClosedCounted[i]!)),
      satisfaction: months.map((_, i) => rate(evSatisfied[i]!, evRated[i]!)),
    },
    applications: { submitted: perMonth('app_submitted'), completed: perMonth('app_completed') },
    volunteerHours: perMonth('vol_minutes').map((m) => Math.round(m / 6) / 10),
    fund: hasFund ? { balanceFen: total(rows, 'fund_fen') } : null,
    satisfaction: { rate: rate(sum(evSatisfied) + sum(perMonth('app_satisfied')), rated), rated },
  };
}

/** GET /api/v1/cockpit/map: the node's children (streets of a city, grids of a community …) with one indicator each. */
export async function cockpitMap(ctx: PlatformContext, actor: Actor, nodeId: string | undefined, indicator: IndicatorKey, meta?: RequestMeta): Promise<CockpitMap> {
  if (!INDICATOR_KEYS.includes(indicator)) throw badRequest('COCKPIT_BAD_INDICATOR', { indicator: String(indicator).slice(0, 40) });
  const { node } = await resolveNode(ctx, actor, nodeId, meta);
  const children = await drillableChildren(ctx, node);
  const months = new Set(lastMonths(ctx.now()).map((m) => m.key));
  const byChild = new Map<string, Sum[]>();
  // The children's subtree totals of the indicator's metrics: one indexed read.
  for (const r of await repo.nodesTotals(
    ctx.db.kysely,
    children.map((c) => c.id),
    INDICATOR_METRICS[indicator],
  )) {
    const list = byChild.get(r.nodeId) ?? [];
    list.push(r);
    byChild.set(r.nodeId, list);
  }
  return {
    node: brief(node),
    indicator,
    items: children.map((c) => ({ ...brief(c), value: indicatorValue(indicator, byChild.get(c.id) ?? [], months) })),
  };
}
