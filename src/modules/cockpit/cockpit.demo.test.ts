import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loginAs } from '../../../test/helpers/http.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { LinliApp } from '../../platform/http/app.js';
import type { CockpitMap, Overview } from './cockpit.schema.js';

/** After the demo seed the cells are already computed (the cockpit's seed runs last). */
describe(`cockpit on the demo community (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
    app = await createTestApp(platform);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('西山社区 shows the registry’s residents, a full pyramid, events, applications, hours and the fund at once', async () => {
    const s = await loginAs(app, 'xishan');
    const res = await app.inject({ method: 'GET', url: '/api/v1/cockpit/overview', headers: { cookie: s.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json() as Overview;
    expect(o.node.name).toBe('西山社区');
    expect(o.asOf).not.toBeNull();
    const db = platform.ctx.db.kysely;
    const path = o.node.path;
    const active = await db
      .selectFrom('person')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', 'active')
      .where('ended_at', 'is', null)
      .where('org_path', '>=', path)
      .where('org_path', '<', prefixEnd(path))
      .executeTakeFirstOrThrow();
    expect(o.population.residents).toBe(Number(active.n));
    expect(o.population.residents).toBeGreaterThan(13_000);
    expect(o.population.residents).toBeLessThan(14_000);
    expect(o.population.pyramid.reduce((sum, p) => sum + p.male + p.female, 0)).toBeGreaterThan(o.population.residents * 0.95);
    expect(o.population.households).toBeGreaterThan(1000);
    expect(o.population.dwellings).toBeGreaterThan(1000);
    expect(o.population.groups.length).toBeGreaterThan(3);
    expect(o.children).toHaveLength(12);
    expect(o.events.reported.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(o.applications.submitted.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(o.volunteerHours.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(o.fund).not.toBeNull();
    expect(o.fund!.balanceFen).toBeGreaterThan(0);

    const map = await app.inject({ method: 'GET', url: '/api/v1/cockpit/map?indicator=residents', headers: { cookie: s.cookie } });
    const items = (map.json() as CockpitMap).items;
    expect(items).toHaveLength(12);
    // People whose dwelling is unknown are counted on the community, not on a grid.
    expect(items.reduce((sum, i) => sum + (i.value ?? 0), 0)).toBeLessThanOrEqual(o.population.residents);
    expect(items.every((i) => (i.value ?? 0) > 0)).toBe(true);
  });
});
