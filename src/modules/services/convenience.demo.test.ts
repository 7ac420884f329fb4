import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loginAs } from '../../../test/helpers/http.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import type { LinliApp } from '../../platform/http/app.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import type { LinliModule } from '../../platform/module.js';
import { servicesTestModules } from './services.fixture.js';
import { seedConvenienceDemo } from './convenience.demo.js';
import { accountCodes } from './convenience.service.js';

/** Thursday 26 November 2026, 10:00 Beijing time: the seeding day. */
const START = new Date('2026-11-26T02:00:00Z');

/** The deployment without events, and a services module seeding only S3's demo (convenience services). */
const modules: LinliModule[] = servicesTestModules({ events: false })
  .map((m) => (m.name === 'services' ? { ...m, seedDemo: seedConvenienceDemo } : m));

describe(`convenience demo 便民服务 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const logs: string[] = [];
  const db = () => platform.ctx.db.kysely;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: START, modules });
    await seedDemoIfEmpty(platform.ctx, modules, (m) => logs.push(m));
    app = await createTestApp(platform, modules);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('seeds six approved providers and one pending, about twenty offerings and the purchased-service rule', async () => {
    expect(logs.join('\n')).toMatch(/convenience: 7 providers, \d+ offerings, 1 purchased-service rule, \d+ orders/);
    const providers = await db().selectFrom('convenience_provider').select(['name', 'status', 'user_id']).execute();
    expect(providers.filter((p) => p.status === 'approved')).toHaveLength(6);
    expect(providers.filter((p) => p.status === 'pending').map((p) => p.name)).toEqual(['海宁阿姨帮家政服务有限公司']);
    const p01 = await db().selectFrom('app_user').select('id').where('username', '=', 'provider01').executeTakeFirstOrThrow();
    expect(providers.find((p) => p.user_id === p01.id)?.name).toBe('海宁市乐龄居家养老服务中心');
    expect((await db().selectFrom('convenience_offering').select('id').execute()).length).toBeGreaterThanOrEqual(20);
    const rules = await db().selectFrom('convenience_rule').selectAll().execute();
    expect(rules.map((r) => [r.tags, r.monthly_minutes])).toEqual([[JSON.stringify(['独居老人', '高龄老人']), 240]]);
  });

  it('seeds about thirty orders in every state, in the past, free hours within each month’s allowance and on the ledger', async () => {
    const orders = await db().selectFrom('convenience_order').selectAll().execute();
    expect(orders.length).toBeGreaterThanOrEqual(28);
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(['requested', 'accepted', 'declined', 'cancelled', 'in_service', 'completed', 'closed']));
    for (const o of orders) {
      expect(o.created_at <= START.toISOString()).toBe(true);
      expect(o.updated_at <= START.toISOString()).toBe(true);
    }
    const free = orders.filter((o) => o.free_minutes > 0);
    expect(free.length).toBeGreaterThanOrEqual(8);
    expect(new Set(free.map((o) => o.ledger_month))).toEqual(new Set(['2026-10', '2026-11']));
    // Someone used up a month's allowance and paid for the rest.
    expect(free.some((o) => Number(o.resident_fen) > 0)).toBe(true);
    const perPersonMonth = new Map<string, number>();
    for (const o of free) perPersonMonth.set(`${o.rule_id}:${o.person_id}:${o.ledger_month}`, (perPersonMonth.get(`${o.rule_id}:${o.person_id}:${o.ledger_month}`) ?? 0) + o.free_minutes);
    for (const [key, used] of perPersonMonth) {
      expect(used).toBeLessThanOrEqual(240);
      const [rule, person, month] = key.split(':') as [string, string, string];
      const code = accountCodes.allowance(rule, person, month);
      expect((await ledger.balanceOf(db(), code)).balance).toBe(240 - used);
    }
    const xishan = await db().selectFrom('org_node').select('id').where('name', '=', '西山社区').executeTakeFirstOrThrow();
    expect((await ledger.balanceOf(db(), accountCodes.expense(xishan.id))).balance).toBe(free.reduce((a, o) => a + o.free_minutes, 0));
    expect(orders.filter((o) => o.rating !== null).length).toBeGreaterThanOrEqual(8);
    expect((await db().selectFrom('convenience_complaint').selectAll().execute()).map((c) => c.status)).toEqual(['accepted']);
  });

  it('the demo accounts see their own side', async () => {
    const resident = await loginAs(app, 'resident01');
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/me/convenience/orders', headers: resident.headers })).json();
    expect(mine.total).toBe(3);
    const provider = await loginAs(app, 'provider01');
    const work = (await app.inject({ method: 'GET', url: '/api/v1/convenience/provider/orders?pageSize=100', headers: provider.headers })).json();
    expect(work.items.length).toBeGreaterThanOrEqual(8);
    expect(work.items.every((o: { providerName: string }) => o.providerName === '海宁市乐龄居家养老服务中心')).toBe(true);
    const elder = await loginAs(app, 'elder01');
    const elderOrders = (await app.inject({ method: 'GET', url: '/api/v1/me/convenience/orders?pageSize=50', headers: elder.headers })).json();
    expect(elderOrders.total).toBeGreaterThanOrEqual(4);
    // elder01 ran out of November's free hours on the cleaning and paid for the rest.
    expect(elderOrders.items.some((o: { freeMinutes: number; residentFen: number | null }) => o.freeMinutes > 0 && (o.residentFen ?? 0) > 0)).toBe(true);
    const staff = await loginAs(app, 'xishan');
    const report = (await app.inject({ method: 'GET', url: '/api/v1/convenience/manage/allowance-ledger?fromMonth=2026-10&toMonth=2026-11', headers: staff.headers })).json();
    expect(report.totals.freeMinutes).toBe(report.ledgerExpenseMinutes);
    expect(report.rows.length).toBeGreaterThanOrEqual(3);
  });
});
