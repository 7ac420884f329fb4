import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import type { LinliApp } from '../../platform/http/app.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { seedCockpitFixture } from './cockpit.fixture.js';
import { refreshStatistics } from './cockpit.service.js';
import { openDataset, suppressSecondary, type OpenDataset } from './opendata.service.js';

/** Parses RFC 4180 CSV (quoted fields, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

describe(`open data: aggregated statistics with small cells withheld (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    await seedCockpitFixture(platform.ctx, fx);
    await refreshStatistics(platform.ctx);
    app = await createTestApp(platform);
  }, 200_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const find = (ds: OpenDataset, match: Record<string, string>) => {
    const hits = ds.records.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
    expect(hits, JSON.stringify(match)).toHaveLength(1);
    return hits[0]!;
  };

  it('the catalogue and the datasets are public (no login)', async () => {
    const cat = await app.inject({ method: 'GET', url: '/api/v1/open-data' });
    expect(cat.statusCode).toBe(200);
    const items = cat.json().items as { name: string; title: Record<string, string>; levels: string[]; formats: string[]; fields: { key: string; title: Record<string, string> }[] }[];
    expect(items.map((i) => i.name)).toEqual(['population', 'residence', 'special-groups', 'households', 'events']);
    expect(items[0]).toMatchObject({ title: { 'zh-CN': '人口性别年龄结构' }, levels: ['street', 'community', 'grid'], formats: ['json', 'csv'] });
    expect(items[0]!.fields.find((f) => f.key === 'value')!.title).toEqual({ 'zh-CN': '人数', en: 'People' });
    const res = await app.inject({ method: 'GET', url: '/api/v1/open-data/population.json?level=grid' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('population-grid.json');
    expect((await app.inject({ method: 'GET', url: '/api/v1/open-data/nothing.json' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/open-data/population.xml' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/open-data/population.json?level=dwelling' })).statusCode).toBe(400);
  });

  it('withholds cells of 1–4 people and, by secondary suppression, a cell a published total would reveal', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/open-data/population.json?level=grid' });
    const ds = res.json() as OpenDataset;
    const g1 = { area: '西山社区第一网格' };
    // The 7 men aged 30-34 are shown; the 3 women aged 70-74 are withheld.
    expect(find(ds, { ...g1, sex: '男', band: '30-34' })).toMatchObject({ value: 7, note: '' });
    expect(find(ds, { ...g1, sex: '女', band: '70-74' })).toEqual({ ...g1, areaCode: '11000033048100100301', parent: '西山社区', sex: '女', band: '70-74', value: null, suppressed: true, note: '<5' });
    // 女 合计 (8) is published, so the other woman's cell (5 aged 80-84) is withheld too …
    expect(find(ds, { ...g1, sex: '女', band: '合计' })).toMatchObject({ value: 8 });
    expect(find(ds, { ...g1, sex: '女', band: '80-84' })).toMatchObject({ value: null, suppressed: true, note: '*' });
    // … and so are the men's cells of those two columns (their totals are published).
    expect(find(ds, { ...g1, sex: '合计', band: '70-74' })).toMatchObject({ value: 8 });
    expect(find(ds, { ...g1, sex: '男', band: '70-74' })).toMatchObject({ value: null, suppressed: true, note: '*' });
    expect(find(ds, { ...g1, sex: '男', band: '80-84' })).toMatchObject({ value: null, suppressed: true, note: '*' });
    expect(find(ds, { ...g1, sex: '合计', band: '合计' })).toMatchObject({ value: 40 });
    // No published total reveals a withheld cell: every row and column has 0 or ≥ 2 withheld.
    for (const area of new Set(ds.records.map((r) => r.area as string))) {
      const mine = ds.records.filter((r) => r.area === area);
      const lines = [...new Set(mine.map((r) => `sex:${r.sex}`)), ...new Set(mine.map((r) => `band:${r.band}`))];
      for (const line of lines) {
        const [k, v] = line.split(':') as [string, string];
        const withheld = mine.filter((r) => r[k] === v && r.suppressed).length;
        expect(withheld, `${area} ${line}`).not.toBe(1);
      }
    }
    // 东山社区 is not a grid: at grid level only grids are areas.
    expect(ds.records.some((r) => r.area === '东山社区')).toBe(false);
    // Nothing about people but counts: no ids, no names.
    expect(JSON.stringify(ds)).not.toMatch(/测试/);
  });

  it('residence, special groups (no sensitive tags), households and events by community', async () => {
    const res = await openDataset(platform.ctx, 'residence', 'grid');
    const g1 = { area: '西山社区第一网格' };
    expect(find(res, { ...g1, type: '户籍人口' })).toMatchObject({ value: 30 });
    expect(find(res, { ...g1, type: '境外人员' })).toMatchObject({ value: null, suppressed: true, note: '<5' });
    expect(find(res, { ...g1, type: '流动人口' })).toMatchObject({ value: null, suppressed: true, note: '*' });
    expect(find(res, { ...g1, type: '合计' })).toMatchObject({ value: 40 });

    const groups = await openDataset(platform.ctx, 'special-groups', 'community');
    expect(groups.records.some((r) => r.tag === '低保')).toBe(false);
    expect(find(groups, { area: '西山社区', tag: '退役军人' })).toMatchObject({ value: 8 });
    expect(find(groups, { area: '东山社区', tag: '退役军人' })).toMatchObject({ value: 0 });
    const byGrid = await openDataset(platform.ctx, 'special-groups', 'grid');
    expect(find(byGrid, { ...g1, tag: '退役军人' })).toMatchObject({ value: null, suppressed: true });

    const hh = await openDataset(platform.ctx, 'households', 'grid');
    expect(find(hh, g1)).toMatchObject({ value: null, suppressed: true, note: '<5' });
    expect(find(hh, { area: '西山社区第二网格' })).toMatchObject({ value: 6 });

    const pop = await openDataset(platform.ctx, 'population', 'community');
    // 东山社区's two people (no grid) count for their community, and are withheld.
    expect(find(pop, { area: '东山社区', sex: '合计', band: '合计' })).toMatchObject({ value: null, suppressed: true });
    expect(find(pop, { area: '西山社区', sex: '合计', band: '合计' })).toMatchObject({ value: 52 });
    const street = await openDataset(platform.ctx, 'population', 'street');
    expect(find(street, { area: '硖石街道', sex: '合计', band: '合计' })).toMatchObject({ value: 54, areaCode: '330481001', parent: '海宁市' });

    const ev = await openDataset(platform.ctx, 'events', 'community');
    expect(find(ev, { area: '西山社区', month: '2026-11' })).toMatchObject({ reported: 3, closed: 2, onTime: 1 });
    expect(find(ev, { area: '西山社区', month: '2026-10' })).toMatchObject({ reported: 1, closed: 1, onTime: 1 });
    expect(ev.records.filter((r) => r.area === '西山社区')).toHaveLength(12);
  });

  it('CSV: UTF-8 with a BOM, a zh-CN header, withheld cells empty and marked', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/open-data/population.csv?level=grid' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment; filename="population-grid.csv"');
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(raw.toString('utf8').slice(1));
    expect(rows[0]).toEqual(['地区', '地区代码', '上级地区', '性别', '年龄组', '人数', '标注']);
    const row = (sex: string, band: string) => rows.find((r) => r[0] === '西山社区第一网格' && r[3] === sex && r[4] === band);
    expect(row('男', '30-34')).toEqual(['西山社区第一网格', '11000033048100100301', '西山社区', '男', '30-34', '7', '']);
    expect(row('女', '70-74')).toEqual(['西山社区第一网格', '11000033048100100301', '西山社区', '女', '70-74', '', '<5']);
    expect(row('女', '80-84')![6]).toBe('*');
    // 2 grids × (2 sexes + 合计) × (18 bands + 不详 + 合计).
    expect(rows.length - 1).toBe(2 * 3 * 20);
  });

  it('serves a dataset built once per refresh, and the next refresh’s numbers at once (same clock)', async () => {
    const db = platform.ctx.db.kysely;
    const first = await openDataset(platform.ctx, 'households', 'grid');
    expect(await openDataset(platform.ctx, 'households', 'grid')).toBe(first);
    const g2 = { area: '西山社区第二网格' };
    expect(find(first, g2)).toMatchObject({ value: 6 });
    // One household of 西山社区第二网格 loses its members: nothing changes until the statistics are refreshed.
    const path = (await db.selectFrom('org_node').select('path').where('id', '=', fx.nodes.grid02.id).executeTakeFirstOrThrow()).path;
    const hh = await db
      .selectFrom('household as h')
      .innerJoin('person as p', 'p.household_id', 'h.id')
      .select('h.id')
      .where('h.org_path', '>=', path)
      .where('h.org_path', '<', prefixEnd(path))
      .where('p.status', '=', 'active')
      .orderBy('h.id')
      .executeTakeFirstOrThrow();
    await db.updateTable('person').set({ household_id: null }).where('household_id', '=', hh.id).execute();
    expect(find(await openDataset(platform.ctx, 'households', 'grid'), g2)).toMatchObject({ value: 6 });
    await refreshStatistics(platform.ctx);
    const after = await openDataset(platform.ctx, 'households', 'grid');
    expect(after).not.toBe(first);
    expect(find(after, g2)).toMatchObject({ value: 5 });
    const csv = await app.inject({ method: 'GET', url: '/api/v1/open-data/households.csv?level=grid' });
    expect(csv.body).toContain('西山社区第二网格,');
    expect(parseCsv(csv.body.slice(1)).find((r) => r[0] === '西山社区第二网格')).toContain('5');
  });

  it('secondary suppression: a total with one withheld member withholds the next smallest, or the total', () => {
    const c = (value: number, state: 'shown' | 'small' = value >= 1 && value < 5 ? 'small' : 'shown') => ({ value, state }) as { value: number; state: 'shown' | 'small' | 'secondary' };
    const a = [c(3), c(9), c(6), c(0)];
    const total = c(18);
    suppressSecondary([{ members: a, total }]);
    expect(a.map((x) => x.state)).toEqual(['small', 'shown', 'secondary', 'shown']);
    expect(total.state).toBe('shown');
    const b = [c(2), c(0)];
    const t2 = c(2);
    t2.state = 'shown';
    suppressSecondary([{ members: b, total: t2 }]);
    expect(t2.state).toBe('secondary');
  });
});
