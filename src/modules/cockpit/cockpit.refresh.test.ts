import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import type { LinliApp } from '../../platform/http/app.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { lastMonths } from '../../platform/stats/months.js';
import { loadEventActor } from '../events/events.fixture.js';
import type { Actor } from '../../platform/policy/actor.js';
import { seedCockpitFixture } from './cockpit.fixture.js';
import { forgetStatistics } from './cockpit.cache.js';
import { cockpitMap, cockpitOverview, refreshStatistics } from './cockpit.service.js';
import { cutText, jsonSliced } from './cockpit.refresh.js';
import * as repo from './cockpit.repository.js';
import { OPEN_DATASETS, OPEN_LEVELS } from './cockpit.schema.js';
import { areasOf, buildDataset, openDataset, openDatasetCsv } from './opendata.service.js';

/**
 * The refresh precomputes what the reads need (issue 9): subtree totals per area node (stat_node)
 * and the published open datasets (stat_open), as a generation that replaces the last one at once.
 */
describe(`cockpit refresh: precomputed totals and datasets, in generations (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let admin: Actor;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    await seedCockpitFixture(platform.ctx, fx);
    app = await createTestApp(platform);
    admin = (await loadEventActor(platform.ctx.db.kysely, fx.users.admin!))!;
    await refreshStatistics(platform.ctx);
  }, 200_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const current = async () => (await repo.lastRefresh(platform.ctx.db.kysely))!.generation;

  /** Every area node's stored totals against the sums of the cells in its path range (what the reads summed before). */
  async function expectTotalsEqualCellSums() {
    const db = platform.ctx.db.kysely;
    const g = await current();
    const nodes = await repo.listAreaNodes(db);
    let compared = 0;
    for (const n of nodes) {
      const fromCells = await db
        .selectFrom('stat_cell')
        .select(['metric', 'dim1', 'dim2', sql<number>`sum(value)`.as('value')])
        .where('generation', '=', g)
        .where('org_path', '>=', n.path)
        .where('org_path', '<', prefixEnd(n.path))
        .groupBy(['metric', 'dim1', 'dim2'])
        .execute();
      const stored = await db.selectFrom('stat_node').select(['metric', 'dim1', 'dim2', 'value']).where('generation', '=', g).where('org_node_id', '=', n.id).execute();
      const key = (r: { metric: string; dim1: string; dim2: string; value: number }) => `${r.metric}|${r.dim1}|${r.dim2}|${Number(r.value)}`;
      expect(stored.map(key).sort(), n.name).toEqual(fromCells.map(key).sort());
      compared += stored.length;
    }
    expect(compared).toBeGreaterThan(100);
  }

  it('stores each area node’s subtree totals: equal to the sums of the cells under it', async () => {
    await expectTotalsEqualCellSums();
  });

  it('the city’s overview equals the sum of its streets’ and the street’s the sum of its communities’', async () => {
    const city = await cockpitOverview(platform.ctx, admin, fx.nodes.city.id);
    const street = await cockpitOverview(platform.ctx, admin, fx.nodes.street.id);
    const parts = await Promise.all([fx.nodes.xishan.id, fx.nodes.dongshan.id].map((id) => cockpitOverview(platform.ctx, admin, id)));
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(city.population).toEqual(street.population);
    expect(city.events).toEqual(street.events);
    expect(street.population.residents).toBe(sum(parts.map((p) => p.population.residents)));
    expect(street.population.residents).toBe(54);
    expect(street.population.households).toBe(sum(parts.map((p) => p.population.households)));
    street.population.pyramid.forEach((b, i) => {
      expect(b.male).toBe(sum(parts.map((p) => p.population.pyramid[i]!.male)));
      expect(b.female).toBe(sum(parts.map((p) => p.population.pyramid[i]!.female)));
    });
    street.events.reported.forEach((n, i) => expect(n).toBe(sum(parts.map((p) => p.events.reported[i]!))));
    // The map of the street colours the same communities with their own totals.
    const map = await cockpitMap(platform.ctx, admin, fx.nodes.street.id, 'residents');
    expect(Object.fromEntries(map.items.map((i) => [i.id, i.value]))).toEqual(Object.fromEntries(parts.map((p) => [p.node.id, p.population.residents])));
  });

  it('open data read cold after a refresh is the stored snapshot, equal to a dataset built from the totals; the CSV and JSON served are its text', async () => {
    const db = platform.ctx.db.kysely;
    const g = await current();
    const stored = await db.selectFrom('stat_open').select(['name', 'level', 'format']).distinct().where('generation', '=', g).execute();
    expect(stored).toHaveLength(OPEN_DATASETS.length * OPEN_LEVELS.length * 2);
    const nodes = await repo.listAreaNodes(db);
    const asOf = (await repo.lastRefresh(db))!.computed_at;
    const months = lastMonths(platform.ctx.now()).map((m) => m.key);
    for (const name of OPEN_DATASETS) {
      for (const level of OPEN_LEVELS) {
        forgetStatistics();
        const cold = await openDataset(platform.ctx, name, level);
        const areas = areasOf(nodes, level);
        const rowsOf = new Map<string, repo.Sum[]>();
        for (const a of areas) rowsOf.set(a.id, (await repo.nodeTotals(db, a.id)).rows);
        expect(cold, `${name} ${level}`).toEqual(await buildDataset(name, level, areas, rowsOf, months, asOf));
        expect(cold.records.length).toBeGreaterThan(0);
        const json = await app.inject({ method: 'GET', url: `/api/v1/open-data/${name}.json?level=${level}` });
        expect(json.statusCode).toBe(200);
        expect(json.body).toBe(JSON.stringify(cold));
        // Made in slices at refresh time, the text is the same as in one go.
        expect(await jsonSliced(cold, 7)).toBe(JSON.stringify(cold));
        const csv = await app.inject({ method: 'GET', url: `/api/v1/open-data/${name}.csv?level=${level}` });
        expect(csv.body).toBe(openDatasetCsv(cold));
      }
    }
  });

  it('a refresh leaves one generation: the new one replaces the old, and leftovers of an unfinished refresh are removed', async () => {
    const db = platform.ctx.db.kysely;
    const before = await current();
    // As a refresh stopped half-way would leave them: rows of a generation above the current one.
    await db.insertInto('stat_node').values({ generation: before + 1, org_node_id: fx.nodes.xishan.id, metric: 'pop', dim1: '男', dim2: '0', value: 999 }).execute();
    await db.insertInto('stat_open').values({ generation: before + 1, name: 'households', level: 'grid', format: 'json', part: 0, month: '2026-11', body: '{}' }).execute();
    const r = await refreshStatistics(platform.ctx);
    expect(await current()).toBe(before + 1);
    for (const table of ['stat_cell', 'stat_node', 'stat_open'] as const) {
      const gens = await db.selectFrom(table).select('generation').distinct().execute();
      expect(gens.map((x) => Number(x.generation)), table).toEqual([before + 1]);
    }
    const cells = await db.selectFrom('stat_cell').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(cells.n)).toBe(r.cells);
    expect((await cockpitOverview(platform.ctx, admin, fx.nodes.xishan.id)).population.pyramid[0]).toEqual({ band: '0-4', male: 0, female: 0 });
    expect((await openDataset(platform.ctx, 'households', 'grid')).records.length).toBe(2);
    await expectTotalsEqualCellSums();
  });

  it('readers during a refresh see the old statistics or the new ones, never a mix', async () => {
    const db = platform.ctx.db.kysely;
    const old = await cockpitOverview(platform.ctx, admin, fx.nodes.street.id);
    const one = await db.selectFrom('person').select('id').where('org_path', '>=', fx.nodes.grid02.path).where('org_path', '<', prefixEnd(fx.nodes.grid02.path)).where('status', '=', 'active').executeTakeFirstOrThrow();
    await db.updateTable('person').set({ status: 'moved_out' }).where('id', '=', one.id).execute();
    platform.advance(60_000);
    let done = false;
    const refresh = refreshStatistics(platform.ctx).finally(() => (done = true));
    const seen: { asOf: string | null; residents: number; grids: number }[] = [];
    while (!done) {
      // Requests arrive as I/O: a turn of the event loop between them (the refresh pauses between its slices).
      await new Promise((next) => setImmediate(next));
      const [o, m] = await Promise.all([cockpitOverview(platform.ctx, admin, fx.nodes.street.id), cockpitMap(platform.ctx, admin, fx.nodes.xishan.id, 'residents')]);
      seen.push({ asOf: o.asOf, residents: o.population.residents, grids: m.items.reduce((s, i) => s + (i.value ?? 0), 0) });
    }
    await refresh;
    const now = await cockpitOverview(platform.ctx, admin, fx.nodes.street.id);
    expect(now.population.residents).toBe(old.population.residents - 1);
    expect(now.asOf).not.toBe(old.asOf);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      // The overview is one statement: its asOf and its figures are of the same generation.
      if (s.asOf === old.asOf) expect(s.residents).toBe(old.population.residents);
      else expect(s).toMatchObject({ asOf: now.asOf, residents: now.population.residents });
      expect([52, 51]).toContain(s.grids);
    }
  });

  it('stored text is cut into parts that join back exactly, never inside a surrogate pair', () => {
    const text = `ab😀cd${'社区'.repeat(5)}😀`;
    for (const size of [1, 2, 3, 4, 7, 100]) {
      const parts = cutText(text, size);
      expect(parts.join('')).toBe(text);
      for (const p of parts) expect(p).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    expect(cutText('')).toEqual(['']);
  });

  it.runIf(!IS_PG)('SQLite: the facts read in a worker thread (on its own connection) give the same statistics as read inline', async () => {
    const db = platform.ctx.db.kysely;
    const snapshot = async () => {
      const g = await current();
      const cells = await db.selectFrom('stat_cell').select(['org_node_id', 'metric', 'dim1', 'dim2', 'value']).where('generation', '=', g).execute();
      const nodes = await db.selectFrom('stat_node').select(['org_node_id', 'metric', 'dim1', 'dim2', 'value']).where('generation', '=', g).execute();
      const open = await db.selectFrom('stat_open').select(['name', 'level', 'format', 'part', 'body']).where('generation', '=', g).execute();
      const key = (r: Record<string, unknown>) => JSON.stringify(Object.values(r).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
      return { cells: cells.map(key).sort(), nodes: nodes.map(key).sort(), open: open.map(key).sort() };
    };
    const inWorker = await refreshStatistics(platform.ctx, { facts: 'worker' });
    const a = await snapshot();
    const inline = await refreshStatistics(platform.ctx, { facts: 'inline' });
    const b = await snapshot();
    expect(inWorker.cells).toBe(inline.cells);
    expect(a).toEqual(b);
    expect(a.cells.length).toBeGreaterThan(20);
  });
});
