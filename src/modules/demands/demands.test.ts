import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { modules } from '../index.js';
import { DEMAND_KINDS } from './demands.sql.js';

type Method = 'GET' | 'POST';
interface Page {
  items: { kind: string; id: string; title: string; state: string; stateLabel: string; orgPath: string; personId: string | null; createdAt: string; open: boolean; onTime: boolean | null; link: string }[];
  total: number;
  byKind: Record<string, number>;
}
interface Stats {
  rows: { key: string; name: string; total: number; responded: number; responseRate: number | null; onTime: number; onTimeKnown: number; onTimeRate: number | null; byKind: Record<string, number> }[];
  total: { total: number; byKind: Record<string, number> };
}

/**
 * 全响应 on the demo community: its events, applications, orders, consultations, suggestions and
 * forum posts come from the modules' own demo seeds (their services); the test adds a correction
 * request and suggestions through the real routes.
 */
describe(`demands: every demand in one place (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const s: Record<string, Session> = {};
  const START = new Date('2026-11-26T02:00:00Z');

  const call = (who: string, method: Method, url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const ok = async <T = Record<string, unknown>>(who: string, method: Method, url: string, payload?: unknown, status = 200): Promise<T> => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as T;
  };

  const USERS = ['street', 'xishan', 'grid01', 'grid02', 'resident01', 'volunteer01', 'provider01'];
  /** Moves the clock and signs everyone in again (a jump of days ends the sessions). */
  const travel = async (to: string) => {
    platform.setNow(new Date(to));
    for (const u of USERS) s[u] = await loginAs(app, u);
  };
  const everything = async (who: string) => {
    const first = await ok<Page>(who, 'GET', '/api/v1/demands?pageSize=100');
    const items = [...first.items];
    for (let p = 2; items.length < first.total; p++) items.push(...(await ok<Page>(who, 'GET', `/api/v1/demands?pageSize=100&page=${p}`)).items);
    return { ...first, items };
  };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: START, demo: true });
    app = await createTestApp(platform, modules);
    for (const u of USERS) s[u] = await loginAs(app, u);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('lists demands from every module, newest first, for the street dispatcher', async () => {
    // A correction request through the resident's own route (the demo has none).
    await ok('resident01', 'POST', '/api/v1/me/corrections', { field: 'occupation', requestedValue: '退休', note: '已退休两年' }, 201);
    const page = await ok<Page>('street', 'GET', '/api/v1/demands?pageSize=100');
    for (const k of DEMAND_KINDS) expect(page.byKind[k], k).toBeGreaterThan(0);
    expect(page.total).toBe(Object.values(page.byKind).reduce((a, b) => a + b, 0));
    const sorted = [...page.items].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    expect(page.items.map((i) => i.createdAt)).toEqual(sorted.map((i) => i.createdAt));
    // Paging merges sources: page 2 continues page 1 without repeats.
    const p1 = await ok<Page>('street', 'GET', '/api/v1/demands?pageSize=7&page=1');
    const p2 = await ok<Page>('street', 'GET', '/api/v1/demands?pageSize=7&page=2');
    expect([...p1.items, ...p2.items].map((i) => i.id)).toEqual(page.items.slice(0, 14).map((i) => i.id));
    // A kind filter narrows to that module only; the correction names the field, not the value.
    const corr = await ok<Page>('street', 'GET', '/api/v1/demands?kind=correction');
    expect(corr.items.map((i) => i.title)).toContain('信息更正：职业');
    expect(JSON.stringify(corr)).not.toContain('退休');
    expect(new Set(corr.items.map((i) => i.kind))).toEqual(new Set(['correction']));
    expect(corr.items.find((i) => i.title === '信息更正：职业')).toMatchObject({ state: 'open', stateLabel: '待处理', open: true });
    // The list is audited.
    const audits = await platform.ctx.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'demands.list').execute();
    expect(audits.length).toBeGreaterThanOrEqual(4);
  });

  it('shows a grid worker only their grid', async () => {
    const grid01 = await platform.ctx.db.kysely.selectFrom('org_node').select(['id', 'path']).where('kind', '=', 'grid').orderBy('path').execute();
    const all = await everything('street');
    const mine = await everything('grid01');
    expect(all.items).toHaveLength(all.total);
    expect(new Set(all.items.map((i) => `${i.kind}:${i.id}`)).size).toBe(all.total);
    const g1 = await platform.ctx.db.kysely
      .selectFrom('role_grant')
      .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
      .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
      .select('org_node.path')
      .where('app_user.username', '=', 'grid01')
      .executeTakeFirstOrThrow();
    expect(grid01.length).toBeGreaterThan(1);
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.total).toBeLessThan(all.total);
    expect(mine.items.every((i) => i.orgPath.startsWith(g1.path))).toBe(true);
    // The same rows the dispatcher sees under that grid.
    expect(mine.items.map((i) => i.id).sort()).toEqual(all.items.filter((i) => i.orgPath.startsWith(g1.path)).map((i) => i.id).sort());
    // Residents and providers may not read the staff list.
    expect((await call('resident01', 'GET', '/api/v1/demands')).statusCode).toBe(403);
    expect((await call('provider01', 'GET', '/api/v1/demands/stats')).statusCode).toBe(403);
  });

  it('counts response and on-time rates per grid', async () => {
    // A window after the demo's data: two suggestions in grid01 (resident01), one answered in time, one left to run late.
    await travel('2026-12-01T01:00:00Z');
    const from = '2026-12-01T00:00:00Z';
    const a = await ok<{ id: string }>('resident01', 'POST', '/api/v1/me/suggestions', { category: '公共设施', title: '路灯不亮了', content: '三号楼前的路灯已经坏了一个星期，晚上走路看不清。', public: true, anonymous: false }, 201);
    await ok('resident01', 'POST', '/api/v1/me/suggestions', { category: '环境卫生', title: '垃圾桶满溢', content: '东门垃圾桶每天傍晚都满出来，请增加清运次数。', public: true, anonymous: false }, 201);
    const staffView = await ok<{ version: number }>('grid01', 'GET', `/api/v1/suggestions/${a.id}`);
    await travel('2026-12-02T01:00:00Z');
    await ok('grid01', 'POST', `/api/v1/suggestions/${a.id}/answer`, { answer: '已报修，物业明天上午更换灯泡。', expectedVersion: staffView.version });
    // The other passes its five-working-day deadline unanswered.
    await travel('2026-12-20T01:00:00Z');
    const stats = await ok<Stats>('street', 'GET', `/api/v1/demands/stats?groupBy=grid&from=${encodeURIComponent(from)}`);
    const g1 = await platform.ctx.db.kysely
      .selectFrom('role_grant')
      .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
      .select('role_grant.org_node_id')
      .where('app_user.username', '=', 'grid01')
      .executeTakeFirstOrThrow();
    const row = stats.rows.find((r) => r.key === g1.org_node_id)!;
    expect(row).toMatchObject({ total: 2, responded: 1, responseRate: 0.5, onTime: 1, onTimeKnown: 1, onTimeRate: 1 });
    expect(row.byKind.suggestion).toBe(2);
    expect(stats.total.total).toBe(2);
    const overdue = await ok<Page>('street', 'GET', `/api/v1/demands?overdue=1&from=${encodeURIComponent(from)}`);
    expect(overdue.items.map((i) => i.title)).toEqual(['垃圾桶满溢']);
    // By community and by unit the same two are counted once each.
    const byCommunity = await ok<Stats>('street', 'GET', `/api/v1/demands/stats?groupBy=community&from=${encodeURIComponent(from)}`);
    expect(byCommunity.rows.reduce((n, r) => n + r.total, 0)).toBe(2);
    const byUnit = await ok<Stats>('xishan', 'GET', `/api/v1/demands/stats?groupBy=unit&from=${encodeURIComponent(from)}`);
    expect(byUnit.rows.find((r) => r.byKind.suggestion === 2)).toMatchObject({ name: '社区居委会', responded: 1 });
    // grid02's worker sees none of grid01's.
    const other = await ok<Stats>('grid02', 'GET', `/api/v1/demands/stats?groupBy=grid&from=${encodeURIComponent(from)}`);
    expect(other.total.total).toBe(0);
  });

  it("gives a resident only their own demands, across modules", async () => {
    const mine = await ok<Page>('resident01', 'GET', '/api/v1/me/demands?pageSize=100');
    const me = await platform.ctx.db.kysely.selectFrom('app_user').select(['id', 'person_id']).where('username', '=', 'resident01').executeTakeFirstOrThrow();
    expect(mine.byKind.correction).toBe(1);
    expect(mine.byKind.suggestion).toBeGreaterThanOrEqual(2);
    expect(new Set(mine.items.map((i) => i.kind)).size).toBeGreaterThanOrEqual(2);
    expect(mine.items.every((i) => i.personId === null || i.personId === me.person_id)).toBe(true);
    expect(mine.items.every((i) => i.link.startsWith('/m/'))).toBe(true);
    // Someone else's list does not hold resident01's demands.
    const theirs = await ok<Page>('volunteer01', 'GET', '/api/v1/me/demands?pageSize=100');
    const ids = new Set(mine.items.map((i) => i.id));
    expect(theirs.items.some((i) => ids.has(i.id))).toBe(false);
    expect((await call('grid01', 'GET', '/api/v1/me/demands')).statusCode).toBe(403);
  });

  it('refuses bad input with a message in Chinese and English', async () => {
    const zh = await call('street', 'GET', '/api/v1/demands?kind=petition', undefined, 'zh-CN');
    expect(zh.statusCode).toBe(400);
    const en = await call('street', 'GET', '/api/v1/demands/stats?groupBy=street', undefined, 'en');
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toMatch(/[A-Za-z]/);
    const deep = await call('street', 'GET', '/api/v1/demands?page=60&pageSize=100', undefined, 'zh-CN');
    expect([deep.statusCode, deep.json().error.code]).toEqual([400, 'DEMANDS_WINDOW_TOO_DEEP']);
    expect(deep.json().error.message).toContain('翻页过深');
    const deepEn = await call('street', 'GET', '/api/v1/demands?page=60&pageSize=100', undefined, 'en');
    expect(deepEn.json().error.message).toContain('Page too deep');
    const range = await call('street', 'GET', '/api/v1/demands?from=2026-12-10&to=2026-12-01', undefined, 'en');
    expect([range.statusCode, range.json().error.code]).toEqual([400, 'DEMANDS_BAD_RANGE']);
    expect((await call('street', 'GET', '/api/v1/demands?from=yesterday')).statusCode).toBe(400);
  });
});
