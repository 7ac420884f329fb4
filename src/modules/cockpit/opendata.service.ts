import type { PlatformContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { lastMonths } from '../../platform/stats/months.js';
import * as repo from './cockpit.repository.js';
import { perRefresh } from './cockpit.cache.js';
import { AGE_BANDS, OPEN_DATASETS, OPEN_LEVELS, type OpenDatasetName, type OpenLevel } from './cockpit.schema.js';

/**
 * 开放数据: aggregated statistics of the areas (streets, communities, grids: by name and code, never
 * people), from the same precomputed cells as the cockpit, as JSON or CSV.
 *
 * 小格抑制 (small-cell suppression): a cell counting people (population, residence, special groups,
 * households) with 1–4 is withheld (`value: null, suppressed: true`; CSV: empty, 标注 `<5`).
 * Secondary suppression: a row or column and its 合计 form one equation; where exactly one of
 * its cells (the total included) is withheld, the smallest other non-zero cell is withheld too
 * (标注 `*`), or, when there is none, the total itself — repeated over all rows and columns until
 * no equation has a single unknown. Counts of events are not about people and are published as they are.
 */

addMessages({
  'error.OPEN_DATA_NOT_FOUND': { 'zh-CN': '没有名为“{name}”的开放数据集', en: 'No open dataset named "{name}"' },
});

/** Below this many people a cell is not published. */
export const SMALL_CELL = 5;

type Text = { 'zh-CN': string; en: string };
export interface OpenField {
  key: string;
  title: Text;
}

const AREA_FIELDS: OpenField[] = [
  { key: 'area', title: { 'zh-CN': '地区', en: 'Area' } },
  { key: 'areaCode', title: { 'zh-CN': '地区代码', en: 'Area code' } },
  { key: 'parent', title: { 'zh-CN': '上级地区', en: 'Parent area' } },
];
const NOTE_FIELD: OpenField = { key: 'note', title: { 'zh-CN': '标注', en: 'Note (<5: fewer than 5, withheld; *: withheld so a total does not reveal another)' } };
const VALUE_PEOPLE: OpenField = { key: 'value', title: { 'zh-CN': '人数', en: 'People' } };

interface DatasetSpec {
  title: Text;
  description: string;
  fields: OpenField[];
  /** Whether values count people (then small cells are withheld). */
  people: boolean;
}

const SPECS: Record<OpenDatasetName, DatasetSpec> = {
  population: {
    title: { 'zh-CN': '人口性别年龄结构', en: 'Population by sex and 5-year age band' },
    description: '实有人口按性别、5岁年龄组（含合计行、合计列），少于5人的格不公布 / Residents by sex and 5-year age band with totals; cells of 1–4 withheld',
    fields: [...AREA_FIELDS, { key: 'sex', title: { 'zh-CN': '性别', en: 'Sex' } }, { key: 'band', title: { 'zh-CN': '年龄组', en: 'Age band' } }, VALUE_PEOPLE, NOTE_FIELD],
    people: true,
  },
  residence: {
    title: { 'zh-CN': '人口居住类型', en: 'Population by residence type' },
    description: '户籍人口、流动人口、境外人员及合计 / Registered, floating and foreign residents, with the total',
    fields: [...AREA_FIELDS, { key: 'type', title: { 'zh-CN': '人口类型', en: 'Residence type' } }, VALUE_PEOPLE, NOTE_FIELD],
    people: true,
  },
  'special-groups': {
    title: { 'zh-CN': '重点服务人群', en: 'Special groups' },
    description: '持有各非敏感标签（高龄老人、退役军人等）的人数；敏感标签（低保、残疾人等）不公开 / People holding each non-sensitive tag; sensitive tags are never published',
    fields: [...AREA_FIELDS, { key: 'tag', title: { 'zh-CN': '人群', en: 'Group (tag)' } }, VALUE_PEOPLE, NOTE_FIELD],
    people: true,
  },
  households: {
    title: { 'zh-CN': '户数', en: 'Households' },
    description: '有在册居民的户数 / Households with at least one resident on the register',
    fields: [...AREA_FIELDS, { key: 'value', title: { 'zh-CN': '户数', en: 'Households' } }, NOTE_FIELD],
    people: true,
  },
  events: {
    title: { 'zh-CN': '网格事件月度统计', en: 'Grid events by month' },
    description: '近12个月每月上报、结案及按期结案的事件数 / Events reported, closed and closed on time in each of the last 12 months',
    fields: [
      ...AREA_FIELDS,
      { key: 'month', title: { 'zh-CN': '月份', en: 'Month' } },
      { key: 'reported', title: { 'zh-CN': '上报数', en: 'Reported' } },
      { key: 'closed', title: { 'zh-CN': '结案数', en: 'Closed' } },
      { key: 'onTime', title: { 'zh-CN': '按期结案数', en: 'Closed on time' } },
    ],
    people: false,
  },
};

const LEVEL_LABELS: Record<OpenLevel, Text> = { street: { 'zh-CN': '街道', en: 'Sub-district' }, community: { 'zh-CN': '社区', en: 'Community' }, grid: { 'zh-CN': '网格', en: 'Grid' } };

/** GET /api/v1/open-data: what can be downloaded. */
export function openCatalogue() {
  return {
    items: OPEN_DATASETS.map((name) => ({
      name,
      title: SPECS[name].title,
      description: SPECS[name].description,
      levels: [...OPEN_LEVELS],
      formats: ['json', 'csv'],
      fields: SPECS[name].fields,
    })),
    levels: OPEN_LEVELS.map((l) => ({ key: l, label: LEVEL_LABELS[l] })),
  };
}

export type OpenRecord = Record<string, string | number | null | boolean>;
export interface OpenDataset {
  name: OpenDatasetName;
  title: Text;
  level: OpenLevel;
  asOf: string | null;
  fields: OpenField[];
  records: OpenRecord[];
}

/* ---------- suppression ---------- */

interface Cell {
  value: number;
  state: 'shown' | 'small' | 'secondary';
}
interface Group {
  members: Cell[];
  total: Cell;
}

const cell = (value: number): Cell => ({ value, state: value >= 1 && value < SMALL_CELL ? 'small' : 'shown' });

/** Secondary suppression until no published total reveals exactly one withheld member. */
export function suppressSecondary(groups: Group[]) {
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of groups) {
      // members + total form one equation: exactly one unknown in it can be solved for.
      if ([...g.members, g.total].filter((c) => c.state !== 'shown').length !== 1) continue;
      const next = g.members.filter((m) => m.state === 'shown' && m.value > 0).sort((a, b) => a.value - b.value)[0];
      const pick = g.total.state === 'shown' ? (next ?? g.total) : next;
      if (!pick) continue;
      pick.state = 'secondary';
      changed = true;
    }
  }
}

const present = (c: Cell): OpenRecord =>
  c.state === 'shown' ? { value: c.value, note: '' } : { value: null, suppressed: true, note: c.state === 'small' ? '<5' : '*' };

/* ---------- datasets ---------- */

type Sum = repo.Sum;

/** The metrics each dataset reads from an area's subtree totals. */
export const DATASET_METRICS: Record<OpenDatasetName, string[]> = {
  population: ['pop'],
  residence: ['residence'],
  'special-groups': ['tag'],
  households: ['households'],
  events: ['ev_reported', 'ev_closed', 'ev_on_time'],
};

/** The areas of a level, in publishing order, with what a record says about each. */
export function areasOf(nodes: repo.AreaNode[], level: OpenLevel) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return nodes
    .filter((n) => n.kind === level)
    .sort((a, b) => (a.code ?? '').localeCompare(b.code ?? '') || a.path.localeCompare(b.path, 'en') || a.sort - b.sort)
    .map((a) => ({ id: a.id, head: { area: a.name, areaCode: a.code, parent: (a.parent_id && byId.get(a.parent_id)?.name) || null } as OpenRecord }));
}

const total = (rows: Sum[], pred: (r: Sum) => boolean) => rows.reduce((s, r) => (pred(r) ? s + r.value : s), 0);
const pause = () => new Promise<void>((done) => setImmediate(done));

type Cached = { ds: OpenDataset };

/**
 * A dataset as published by the last refresh (stat_open: its JSON and CSV text, built by the
 * refresh), kept in memory until the next one (cockpit.cache.ts). Built here from the areas'
 * subtree totals only when none is stored: before the first refresh, or, for events (the last 12
 * months), once a new month has begun since the refresh.
 */
function cachedDataset(ctx: PlatformContext, name: string, level: OpenLevel): Promise<Cached> {
  if (!(OPEN_DATASETS as readonly string[]).includes(name)) throw notFound('OPEN_DATA_NOT_FOUND', { name: name.slice(0, 40) });
  return perRefresh(ctx, `open|${name}|${level}`, () => loadDataset(ctx, name as OpenDatasetName, level));
}

async function loadDataset(ctx: PlatformContext, name: OpenDatasetName, level: OpenLevel): Promise<Cached> {
  const db = ctx.db.kysely;
  const refreshed = await repo.lastRefresh(db);
  const months = lastMonths(ctx.now());
  if (refreshed) {
    const stored = await repo.openText(db, refreshed.generation, name, level, 'json');
    if (stored && (name !== 'events' || stored.month === months[months.length - 1]!.key)) {
      return { ds: JSON.parse(stored.body) as OpenDataset };
    }
  }
  const areas = areasOf(await repo.listAreaNodes(db), level);
  const rowsOf = new Map<string, Sum[]>();
  for (const r of await repo.nodesTotals(
    db,
    areas.map((a) => a.id),
    DATASET_METRICS[name],
  )) {
    const list = rowsOf.get(r.nodeId) ?? [];
    list.push(r);
    rowsOf.set(r.nodeId, list);
  }
  return { ds: await buildDataset(name, level, areas, rowsOf, months.map((m) => m.key), refreshed?.computed_at ?? null) };
}

/** An open dataset at a level; no personal data, small cells withheld. */
export async function openDataset(ctx: PlatformContext, name: string, level: OpenLevel = 'community'): Promise<OpenDataset> {
  return (await cachedDataset(ctx, name, level)).ds;
}

/**
 * The dataset as the text sent (JSON, or CSV for Excel) and its file name: the text stored by the
 * last refresh as it is, never parsed (kept in memory until the next refresh); made from the
 * dataset only when none is stored (before the first refresh, or events in a new month).
 */
export async function openDatasetText(ctx: PlatformContext, name: string, level: OpenLevel, ext: 'json' | 'csv'): Promise<{ fileName: string; text: string }> {
  if (!(OPEN_DATASETS as readonly string[]).includes(name)) throw notFound('OPEN_DATA_NOT_FOUND', { name: name.slice(0, 40) });
  const text = await perRefresh(ctx, `open-text|${name}|${level}|${ext}`, async () => {
    const db = ctx.db.kysely;
    const refreshed = await repo.lastRefresh(db);
    const stored = refreshed ? await repo.openText(db, refreshed.generation, name, level, ext) : undefined;
    if (stored && (name !== 'events' || stored.month === lastMonths(ctx.now(), 1)[0]!.key)) return stored.body;
    const { ds } = await cachedDataset(ctx, name, level);
    return ext === 'csv' ? openDatasetCsv(ds) : JSON.stringify(ds);
  });
  return { fileName: `${name}-${level}.${ext}`, text };
}

/**
 * Builds a dataset from each area's subtree totals (`rowsOf`: area node id → sums); pauses for the
 * event loop every few hundred areas (the refresh builds every dataset at every level).
 */
export async function buildDataset(ds: OpenDatasetName, level: OpenLevel, areas: ReturnType<typeof areasOf>, rowsOf: Map<string, Sum[]>, months: string[], asOf: string | null): Promise<OpenDataset> {
  const spec = SPECS[ds];
  const records: OpenRecord[] = [];
  const SLICE = 50;
  for (let k = 0; k < areas.length; k++) {
    if (k > 0 && k % SLICE === 0) await pause();
    const { head } = areas[k]!;
    const rows = rowsOf.get(areas[k]!.id) ?? [];
    if (ds === 'population') {
      const SEXES = ['男', '女'];
      const BANDS = [...AGE_BANDS.map((b, i) => ({ label: b as string, dim: String(i) })), { label: '不详', dim: '' }];
      const pop = rows.filter((r) => r.metric === 'pop');
      const grid = SEXES.map((s) => BANDS.map((b) => cell(total(pop, (r) => r.dim1 === s && r.dim2 === b.dim))));
      const rowTotals = SEXES.map((s) => cell(total(pop, (r) => r.dim1 === s)));
      const colTotals = BANDS.map((b) => cell(total(pop, (r) => r.dim2 === b.dim)));
      const all = cell(total(pop, () => true));
      const groups: Group[] = [
        ...SEXES.map((_, i) => ({ members: grid[i]!, total: rowTotals[i]! })),
        ...BANDS.map((_, j) => ({ members: SEXES.map((_, i) => grid[i]![j]!), total: colTotals[j]! })),
        { members: rowTotals, total: all },
        { members: colTotals, total: all },
      ];
      suppressSecondary(groups);
      SEXES.forEach((s, i) => {
        BANDS.forEach((b, j) => records.push({ ...head, sex: s, band: b.label, ...present(grid[i]![j]!) }));
        records.push({ ...head, sex: s, band: '合计', ...present(rowTotals[i]!) });
      });
      BANDS.forEach((b, j) => records.push({ ...head, sex: '合计', band: b.label, ...present(colTotals[j]!) }));
      records.push({ ...head, sex: '合计', band: '合计', ...present(all) });
    } else if (ds === 'residence') {
      const TYPES = ['户籍人口', '流动人口', '境外人员'];
      const res = rows.filter((r) => r.metric === 'residence');
      const cells = TYPES.map((t) => cell(total(res, (r) => r.dim1 === t)));
      const all = cell(total(res, () => true));
      suppressSecondary([{ members: cells, total: all }]);
      TYPES.forEach((t, i) => records.push({ ...head, type: t, ...present(cells[i]!) }));
      records.push({ ...head, type: '合计', ...present(all) });
    } else if (ds === 'households') {
      records.push({ ...head, ...present(cell(total(rows, (r) => r.metric === 'households'))) });
    } else if (ds === 'events') {
      for (const m of months) {
        const of = (metric: string) => total(rows, (r) => r.metric === metric && r.dim1 === m);
        records.push({ ...head, month: m, reported: of('ev_reported'), closed: of('ev_closed'), onTime: of('ev_on_time') });
      }
    }
  }
  if (ds === 'special-groups') {
    // Sensitive tags (低保, 残疾人, 重点人员 …) never leave the platform, however large the count.
    const tagRows = (id: string) => (rowsOf.get(id) ?? []).filter((r) => r.metric === 'tag');
    const tags = [...new Set(areas.flatMap((a) => tagRows(a.id).filter((r) => r.dim2 === 'p').map((r) => r.dim1)))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    for (let k = 0; k < areas.length; k++) {
      if (k > 0 && k % SLICE === 0) await pause();
      const { id, head } = areas[k]!;
      const rows = tagRows(id);
      for (const t of tags) records.push({ ...head, tag: t, ...present(cell(total(rows, (r) => r.dim1 === t && r.dim2 === 'p'))) });
    }
  }
  return { name: ds, title: spec.title, level, asOf, fields: spec.fields, records };
}

/** A cell as CSV text; a leading = + - @ is quoted so a spreadsheet never runs it as a formula. */
function csvCell(v: unknown): string {
  let text = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV for Excel: UTF-8 with a BOM, a zh-CN header row (English titles are in the catalogue), CRLF. */
export function openDatasetCsv(ds: OpenDataset): string {
  const lines = [ds.fields.map((f) => csvCell(f.title['zh-CN'])).join(',')];
  for (const r of ds.records) lines.push(ds.fields.map((f) => csvCell(r[f.key])).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The same text as openDatasetCsv, pausing for the event loop every few thousand records (used by the refresh). */
export async function openDatasetCsvSliced(ds: OpenDataset): Promise<string> {
  const lines = [ds.fields.map((f) => csvCell(f.title['zh-CN'])).join(',')];
  for (let i = 0; i < ds.records.length; i++) {
    if (i > 0 && i % 2000 === 0) await pause();
    const r = ds.records[i]!;
    lines.push(ds.fields.map((f) => csvCell(r[f.key])).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

