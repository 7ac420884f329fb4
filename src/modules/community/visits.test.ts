import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { sendVisitAlerts } from './visits.service.js';

const DAY = 86_400_000;

describe(`visits and care 走访 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers });
  const relogin = async () => {
    for (const u of ['xishan', 'grid01', 'grid02']) s[u] = await loginAs(app, u);
  };
  type Due = { items: { personId: string; name: string; overdue: boolean; dueAt: string; lastVisitAt: string | null }[]; overdue: number; total: number };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-02T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    for (const person of [reg.people.zhu, reg.people.wang, reg.people.chen]) {
      await platform.ctx.db.kysely
        .insertInto('person_tag')
        .values({ id: newId(), person_id: person, tag: '独居老人', source: 'typed', department_code: null, valid_from: null, valid_to: null, note: null, created_by: null, created_at: '2026-01-01T00:00:00Z', ended_at: null, ended_by: null, end_reason: null })
        .execute();
    }
    app = await createTestApp(platform);
    await relogin();
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('plans weekly visits to 独居老人 and lists each grid its own people, due in seven days', async () => {
    const plan = await call('xishan', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.xishan.id, title: '独居老人每周走访', tag: '独居老人', intervalDays: 7 });
    expect(plan.statusCode, plan.body).toBe(201);
    expect((await call('xishan', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.xishan.id, title: '错误标签', tag: '不存在', intervalDays: 7 })).json().error.code).toBe('VISIT_UNKNOWN_TAG');
    expect((await call('grid01', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.grid01.id, title: '网格员不能建计划', tag: '独居老人', intervalDays: 7 })).statusCode).toBe(403);
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g1.items.map((i) => i.name)).toEqual(['朱志强']);
    expect(g1.items[0]).toMatchObject({ overdue: false, lastVisitAt: null, dueAt: '2026-11-09T01:00:00.000Z' });
    const g2 = (await call('grid02', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g2.items.map((i) => i.name)).toEqual(['王秀英']); // 陈东 lives in 东山社区: not in this plan
    expect(await sendVisitAlerts(platform.ctx)).toBe(0);
  });

  it('marks them overdue on a fake clock and alerts each grid worker once a day', async () => {
    platform.advance(8 * DAY);
    await relogin();
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due?overdue=1')).json() as Due;
    expect(g1).toMatchObject({ total: 1, overdue: 1 });
    expect(await sendVisitAlerts(platform.ctx)).toBe(2);
    expect(await sendVisitAlerts(platform.ctx)).toBe(0);
    const inbox = (await call('grid01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(inbox.items[0]).toMatchObject({ title: '今日待走访：1 人已超期', link: '/console/community/visits' });
    expect(await countAudit(platform.ctx.db, 'community.visit.due.read')).toBeGreaterThanOrEqual(3);
  });

  it('records a visit with its needs, which resets the clock, and turns a need into an event once', async () => {
    const res = await call('grid01', 'POST', '/api/v1/visits', { personId: reg.people.zhu, kind: 'home', findings: '腿脚不便，楼道灯坏了，晚上不敢下楼。', needs: [{ kind: '维修', note: '1幢1单元楼道灯不亮' }] });
    expect(res.statusCode, res.body).toBe(201);
    const visit = res.json() as { id: string };
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g1.items[0]).toMatchObject({ overdue: false, lastVisitAt: expect.any(String) });
    // Not someone else's grid.
    expect((await call('grid01', 'POST', '/api/v1/visits', { personId: reg.people.wang, kind: 'home', findings: '越界登记' })).statusCode).toBe(404);
    const ev = await call('grid01', 'POST', `/api/v1/visits/${visit.id}/event`, { categoryCode: '0201' });
    expect(ev.statusCode, ev.body).toBe(200);
    const { eventId, eventCode } = ev.json() as { eventId: string; eventCode: string };
    const row = await platform.ctx.db.kysely.selectFrom('grid_event').select(['channel', 'promoted_from', 'description', 'org_node_id']).where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'visit', promoted_from: `visit:${visit.id}`, description: '维修：1幢1单元楼道灯不亮', org_node_id: fx.nodes.grid01.id });
    const again = await call('grid01', 'POST', `/api/v1/visits/${visit.id}/event`, { categoryCode: '0201' });
    expect(again.statusCode).toBe(409);
    const history = (await call('xishan', 'GET', `/api/v1/visits?personId=${reg.people.zhu}`)).json() as { items: { eventCode: string; needs: unknown[] }[] };
    expect(history.items[0]).toMatchObject({ eventCode, needs: [{ kind: '维修', note: '1幢1单元楼道灯不亮' }] });
    expect(await countAudit(platform.ctx.db, 'community.visit.read')).toBe(1);
  });
});
