import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loginAs } from '../../../test/helpers/http.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import type { LinliApp } from '../../platform/http/app.js';
import { servicesTestModules } from './services.fixture.js';
import { runServiceDeadlineCheck } from './services.deadlines.job.js';

/** Thursday 26 November 2026, 10:00 Beijing time: the seeding day. */
const START = new Date('2026-11-26T02:00:00Z');

describe(`services demo: applications in every state (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const logs: string[] = [];
  const db = () => platform.ctx.db.kysely;

  beforeAll(async () => {
    const modules = servicesTestModules({ events: false });
    platform = await createTestPlatform({ start: START, modules });
    await seedDemoIfEmpty(platform.ctx, modules, (m) => logs.push(m));
    app = await createTestApp(platform, modules);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('seeds applications in every state, resident01 among the applicants, all in the past', async () => {
    expect(logs.join('\n')).toMatch(/services: \d+ demo applications/);
    const rows = await db().selectFrom('service_application').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['submitted', 'returned', 'accepted', 'approved', 'completed', 'rated', 'refused', 'denied', 'withdrawn']));
    for (const r of rows) {
      expect(r.code).toMatch(/^BJ\d{8}-\d{4}$/);
      expect(r.created_at < START.toISOString()).toBe(true);
      expect(r.updated_at <= START.toISOString()).toBe(true);
    }
    expect(rows.filter((r) => r.channel === 'on_behalf').length).toBeGreaterThanOrEqual(20);
    expect(rows.some((r) => r.return_count > 0 && r.state === 'accepted')).toBe(true);
    expect(rows.filter((r) => r.rating).length).toBeGreaterThanOrEqual(8);
    // Every planned application made it through the real service.
    expect(logs.join('\n')).not.toContain('skipped one application');
  });

  it("shows resident01 his own applications, one waiting for his correction", async () => {
    const s = await loginAs(app, 'resident01');
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/me/service-applications', headers: s.headers })).json();
    expect(mine.items.length).toBeGreaterThanOrEqual(4);
    const states = new Set(mine.items.map((i: { state: string }) => i.state));
    for (const st of ['rated', 'completed', 'returned']) expect(states.has(st), st).toBe(true);
    const returned = mine.items.find((i: { state: string }) => i.state === 'returned');
    const detail = (await app.inject({ method: 'GET', url: `/api/v1/me/service-applications/${returned.id}`, headers: s.headers })).json();
    expect(detail.missingMaterials.length).toBe(1);
    expect(detail.transitions.map((t: { name: string }) => t.name)).toContain('resubmit');
  });

  it('gives the workbench deadlines to watch and statistics to show', async () => {
    const run = await runServiceDeadlineCheck(platform.ctx);
    expect(run.warned + run.overdue).toBeGreaterThan(0);
    const s = await loginAs(app, 'xishan');
    const queue = (await app.inject({ method: 'GET', url: '/api/v1/service-applications?open=1&sort=due&pageSize=100', headers: s.headers })).json();
    expect(queue.total).toBeGreaterThanOrEqual(12);
    const stats = (await app.inject({ method: 'GET', url: '/api/v1/service-applications/statistics', headers: s.headers })).json();
    expect(stats.total.completed).toBeGreaterThanOrEqual(10);
    expect(stats.total.onTimeRate).toBeGreaterThan(0);
    expect(stats.total.satisfactionRate).toBeGreaterThan(0);
  });
});
