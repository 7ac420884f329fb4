import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedCockpitFixture } from './cockpit.fixture.js';
import { lastMonths } from '../../platform/stats/months.js';
import { cockpitMap, cockpitOverview, refreshStatistics } from './cockpit.service.js';
import { loadEventActor } from '../events/events.fixture.js';
import type { CockpitMap, Overview } from './cockpit.schema.js';

describe(`cockpit: statistics of an area from precomputed cells (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};

  const get = (who: string | null, url: string) => app.inject({ method: 'GET', url, headers: who ? { cookie: s[who]!.cookie } : {} });
  const ok = async <T>(who: string, url: string): Promise<T> => {
    const res = await get(who, url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as T;
  };

  beforeAll(async () => {
    // Thursday 2026-11-26, 10:00 Beijing time.
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    await seedCockpitFixture(platform.ctx, fx);
    app = await createTestApp(platform);
    for (const u of ['admin', 'street', 'xishan', 'grid01', 'resident01']) s[u] = await loginAs(app, u);
  }, 200_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('should require authentication, and a staff role', async () => {
    expect((await get(null, '/api/v1/cockpit/overview')).statusCode).toBe(401);
    expect((await get('resident01', '/api/v1/cockpit/overview')).statusCode).toBe(403);
  });

  it('shows nothing before the first refresh, then the refresh (admin, dispatcher) rebuilds the cells and is audited', async () => {
    const before = await ok<Overview>('xishan', '/api/v1/cockpit/overview');
    expect(before.asOf).toBeNull();
    expect(before.population.residents).toBe(0);
    const denied = await app.inject({ method: 'POST', url: '/api/v1/cockpit/refresh', headers: s.xishan!.headers });
    expect(denied.statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/api/v1/cockpit/refresh', headers: s.street!.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cells).toBeGreaterThan(20);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'cockpit.refresh').execute();
    expect(audit).toEqual([{ action: 'cockpit.refresh', actor_id: fx.users.street }]);
  });

  it('overview of a community sums its grids: population, pyramid, residence, groups, households, dwellings', async () => {
    const o = await ok<Overview>('xishan', '/api/v1/cockpit/overview');
    expect(o.node).toMatchObject({ id: fx.nodes.xishan.id, name: '西山社区', kind: 'community', path: fx.nodes.xishan.path });
    expect(o.trail).toEqual([]);
    expect(o.children.map((c) => c.name)).toEqual(['西山社区第一网格', '西山社区第二网格']);
    expect(o.asOf).toBe('2026-11-26T02:00:00.000Z');
    expect(o.population.residents).toBe(52);
    expect(o.population.households).toBe(7);
    expect(o.population.dwellings).toBe(2);
    expect(o.population.pyramid).toHaveLength(18);
    expect(o.population.pyramid[0]!.band).toBe('0-4');
    expect(o.population.pyramid[17]!.band).toBe('85+');
    const band = (b: string) => o.population.pyramid.find((p) => p.band === b);
    expect(band('30-34')).toEqual({ band: '30-34', male: 7, female: 0 });
    expect(band('40-44')).toEqual({ band: '40-44', male: 6, female: 6 });
    expect(band('70-74')).toEqual({ band: '70-74', male: 5, female: 3 });
    expect(band('80-84')).toEqual({ band: '80-84', male: 20, female: 5 });
    expect(o.population.pyramid.reduce((sum, p) => sum + p.male + p.female, 0)).toBe(52);
    expect(o.population.residence).toEqual([
      { type: '户籍人口', count: 40 },
      { type: '流动人口', count: 7 },
      { type: '境外人员', count: 5 },
    ]);
    // The ended 低保 tag and the moved-out person are not counted; largest group first.
    expect(o.population.groups).toEqual([
      { tag: '退役军人', count: 8 },
      { tag: '低保', count: 5 },
    ]);
  });

  it('months, events, on-time and satisfaction rates over the last 12 months', async () => {
    const o = await ok<Overview>('xishan', '/api/v1/cockpit/overview');
    expect(o.months).toEqual(lastMonths(new Date('2026-11-26T02:00:00Z')).map((m) => m.key));
    expect(o.months[0]).toBe('2025-12');
    expect(o.months[11]).toBe('2026-11');
    const zeros = (k: number) => Array.from({ length: k }, () => 0);
    // The 2025-11 event is outside the window.
    expect(o.events.reported).toEqual([...zeros(10), 1, 3]);
    expect(o.events.closed).toEqual([...zeros(10), 1, 2]);
    expect(o.events.onTimeRate).toEqual([...Array.from({ length: 10 }, () => null), 1, 0.5]);
    expect(o.events.satisfaction).toEqual([...Array.from({ length: 10 }, () => null), 0, 1]);
    expect(o.applications).toEqual({ submitted: zeros(12), completed: zeros(12) });
    expect(o.volunteerHours).toEqual(zeros(12));
    expect(o.fund).toBeNull();
    expect(o.satisfaction).toEqual({ rate: 0.5, rated: 2 });
  });

  it('overview of a grid, with the trail from the scope root', async () => {
    const o = await ok<Overview>('xishan', `/api/v1/cockpit/overview?nodeId=${fx.nodes.grid01.id}`);
    expect(o.node.name).toBe('西山社区第一网格');
    expect(o.trail).toEqual([{ id: fx.nodes.xishan.id, name: '西山社区', kind: 'community' }]);
    expect(o.children).toEqual([]);
    expect(o.population.residents).toBe(40);
    expect(o.population.households).toBe(1);
    expect(o.events.reported.slice(10)).toEqual([0, 3]);
    const street = await ok<Overview>('street', '/api/v1/cockpit/overview');
    expect(street.node.kind).toBe('street');
    // 东山社区's two people have no grid: their cell is the community.
    expect(street.population.residents).toBe(54);
    expect(street.children.map((c) => c.name).sort()).toEqual(['东山社区', '西山社区']);
    const deep = await ok<Overview>('street', `/api/v1/cockpit/overview?nodeId=${fx.nodes.grid02.id}`);
    expect(deep.trail.map((t) => t.name)).toEqual(['硖石街道', '西山社区']);
    expect(deep.population.residents).toBe(12);
  });

  it('map: the children of a node with one indicator each', async () => {
    const m = await ok<CockpitMap>('street', '/api/v1/cockpit/map?indicator=residents');
    expect(m.node.kind).toBe('street');
    expect(m.indicator).toBe('residents');
    expect(Object.fromEntries(m.items.map((i) => [i.name, i.value]))).toEqual({ 西山社区: 52, 东山社区: 2 });
    const value = async (indicator: string, node = fx.nodes.xishan.id) =>
      Object.fromEntries((await ok<CockpitMap>('xishan', `/api/v1/cockpit/map?nodeId=${node}&indicator=${indicator}`)).items.map((i) => [i.name, i.value]));
    expect(await value('elderly')).toEqual({ 西山社区第一网格: 33, 西山社区第二网格: 0 });
    expect(await value('households')).toEqual({ 西山社区第一网格: 1, 西山社区第二网格: 6 });
    expect(await value('specialGroups')).toEqual({ 西山社区第一网格: 2, 西山社区第二网格: 11 });
    expect(await value('events')).toEqual({ 西山社区第一网格: 3, 西山社区第二网格: 1 });
    expect(await value('onTimeRate')).toEqual({ 西山社区第一网格: 0.5, 西山社区第二网格: 1 });
    expect(await value('satisfaction')).toEqual({ 西山社区第一网格: 1, 西山社区第二网格: 0 });
    expect(await value('applications')).toEqual({ 西山社区第一网格: 0, 西山社区第二网格: 0 });
    expect(await value('volunteerHours')).toEqual({ 西山社区第一网格: 0, 西山社区第二网格: 0 });
    // A grid has no children to colour.
    expect((await ok<CockpitMap>('xishan', `/api/v1/cockpit/map?nodeId=${fx.nodes.grid01.id}&indicator=residents`)).items).toEqual([]);
  });

  it('indicators list their labels and units', async () => {
    const r = await ok<{ items: { key: string; label: Record<string, string>; unit: Record<string, string> }[] }>('grid01', '/api/v1/cockpit/indicators');
    expect(r.items.map((i) => i.key)).toEqual(['residents', 'households', 'elderly', 'specialGroups', 'events', 'onTimeRate', 'satisfaction', 'applications', 'volunteerHours']);
    expect(r.items[0]).toEqual({ key: 'residents', label: { 'zh-CN': '实有人口', en: 'Residents' }, unit: { 'zh-CN': '人', en: 'people' } });
    // No tile server configured: the map loads nothing external.
    expect(r).toMatchObject({ mapTileUrl: null });
    const tiled = await createTestApp({ ...platform, ctx: { ...platform.ctx, config: { ...platform.ctx.config, mapTileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' } } });
    try {
      const session = await loginAs(tiled, 'grid01');
      const res = await tiled.inject({ method: 'GET', url: '/api/v1/cockpit/indicators', headers: { cookie: session.cookie } });
      expect(res.json()).toMatchObject({ mapTileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' });
    } finally {
      await tiled.close();
    }
  });

  it('refuses a node outside the subtree (403, audited), a bad indicator (400) and an unknown node (404)', async () => {
    const outside = await get('grid01', `/api/v1/cockpit/overview?nodeId=${fx.nodes.grid02.id}`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('COCKPIT_OUTSIDE_SCOPE');
    expect((await get('grid01', `/api/v1/cockpit/map?nodeId=${fx.nodes.xishan.id}&indicator=residents`)).statusCode).toBe(403);
    const denied = await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_id', 'outcome', 'target_id']).where('action', '=', 'cockpit.read').execute();
    expect(denied).toContainEqual({ actor_id: fx.users.grid01, outcome: 'denied', target_id: fx.nodes.grid02.id });
    const bad = await app.inject({ method: 'GET', url: '/api/v1/cockpit/map?indicator=nonsense', headers: { cookie: s.xishan!.cookie, 'accept-language': 'zh-CN' } });
    expect(bad.statusCode).toBe(400);
    expect((await get('xishan', '/api/v1/cockpit/map')).statusCode).toBe(400);
    expect((await get('xishan', '/api/v1/cockpit/overview?nodeId=nosuchnode000000')).statusCode).toBe(404);
    expect((await get('xishan', `/api/v1/cockpit/overview?nodeId=${fx.nodes.building01.id}`)).statusCode).toBe(400);
  });

  it('a refresh replaces every cell (moved-out people leave the counts)', async () => {
    const db = platform.ctx.db.kysely;
    const one = await db.selectFrom('person').select('id').where('org_path', '=', fx.nodes.dwelling01.path).where('status', '=', 'active').where('birth_date', '=', '1994-03-01').executeTakeFirstOrThrow();
    await db.updateTable('person').set({ status: 'moved_out' }).where('id', '=', one.id).execute();
    // Reads show the last refresh (and are kept until the next one), not the live tables.
    expect((await ok<Overview>('xishan', '/api/v1/cockpit/overview')).population.residents).toBe(52);
    const mapBefore = await ok<CockpitMap>('xishan', `/api/v1/cockpit/map?indicator=residents`);
    const r = await refreshStatistics(platform.ctx);
    const mapAfter = await ok<CockpitMap>('xishan', `/api/v1/cockpit/map?indicator=residents`);
    const sumOf = (m: CockpitMap) => m.items.reduce((s, i) => s + (i.value ?? 0), 0);
    expect(sumOf(mapAfter)).toBe(sumOf(mapBefore) - 1);
    expect(r.cells).toBeGreaterThan(20);
    const o = await ok<Overview>('xishan', '/api/v1/cockpit/overview');
    expect(o.population.residents).toBe(51);
    expect(o.population.pyramid.find((p) => p.band === '30-34')!.male).toBe(6);
    const count = await db.selectFrom('stat_cell').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(r.cells);
    // Two refreshes at once (the job and a button press): one waits for the other, both succeed.
    const [a, b] = await Promise.all([refreshStatistics(platform.ctx), refreshStatistics(platform.ctx)]);
    expect(a.cells).toBe(r.cells);
    expect(b.cells).toBe(r.cells);
  });

  it('the service functions the benchmark calls directly check their input too', async () => {
    const actor = await loadEventActor(platform.ctx.db.kysely, fx.users.xishan!);
    await expect(cockpitMap(platform.ctx, actor, undefined, 'nonsense' as never)).rejects.toMatchObject({ status: 400, code: 'COCKPIT_BAD_INDICATOR' });
    const m = await cockpitMap(platform.ctx, actor, undefined, 'residents');
    expect(m.items.map((i) => i.value)).toEqual([39, 12]);
    expect((await cockpitOverview(platform.ctx, actor)).population.residents).toBe(51);
  });
});
