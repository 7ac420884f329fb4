import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { PlatformContext } from '../../platform/context.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { promoteSuggestion } from './suggestions.service.js';

const DAY = 86_400_000;

describe(`suggestions 意见建议 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};

  const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const suggest = async (who: string, body: Record<string, unknown>) => {
    const res = await call(who, 'POST', '/api/v1/me/suggestions', { category: '公共设施', title: '增设充电桩', content: '小区电动车多，建议增设集中充电桩。', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; answerDueAt: string; authorLabel: string };
  };

  beforeAll(async () => {
    // Thursday 10:00 Beijing: five working days later is the next Thursday.
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const db = platform.ctx.db.kysely;
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    app = await createTestApp(platform);
    for (const u of ['xishan', 'grid01', 'grid02', 'resident01', 'volunteer01']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('takes a suggestion with a deadline of five working days and tells the grid staff', async () => {
    const a = await suggest('resident01', {});
    expect(a.authorLabel).toBe('朱**');
    expect(a.answerDueAt.slice(0, 10)).toBe('2026-12-03');
    const inbox = (await call('grid01', 'GET', '/api/v1/inbox')).json() as { items: { title: string }[] };
    expect(inbox.items.map((i) => i.title)).toContain('新的意见建议：增设充电桩');
    // grid02 does not see grid01's suggestions.
    expect((await call('grid02', 'GET', `/api/v1/suggestions/${a.id}`)).statusCode).toBe(404);
    expect(((await call('grid02', 'GET', '/api/v1/suggestions')).json() as { items: unknown[] }).items).toEqual([]);
  });

  it('answers in public, counts on-time and late answers, and masks numbers in the public text', async () => {
    const onTime = await suggest('resident01', { title: '路口加装减速带', content: '小学门口车速快，建议加装减速带。我的电话13812345678。' });
    const late = await suggest('volunteer01', { title: '老年食堂增加晚餐', content: '很多独居老人晚上不做饭，建议增加晚餐。', anonymous: true });
    const priv = await suggest('volunteer01', { title: '不公开的建议', content: '这是一条只给社区看的建议内容。', public: false });
    let res = await call('xishan', 'POST', `/api/v1/suggestions/${onTime.id}/answer`, { answer: '已联系交警部门，下周安装减速带。', expectedVersion: 1 });
    expect(res.json()).toMatchObject({ status: 'answered', answeredOnTime: true });
    platform.advance(10 * DAY);
    // Ten days on, sessions have long expired: everyone logs in again.
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    const overdue = (await call('xishan', 'GET', '/api/v1/suggestions?overdue=1')).json() as { items: { id: string; overdue: boolean }[] };
    expect(overdue.items.map((i) => i.id)).toEqual(expect.arrayContaining([late.id, priv.id]));
    expect(overdue.items.map((i) => i.id)).not.toContain(onTime.id);
    expect(overdue.items.every((i) => i.overdue)).toBe(true);
    res = await call('xishan', 'POST', `/api/v1/suggestions/${late.id}/answer`, { answer: '下月起工作日增加晚餐，欢迎报名。', expectedVersion: 1 });
    expect(res.json()).toMatchObject({ answeredOnTime: false });
    expect((await call('xishan', 'POST', `/api/v1/suggestions/${late.id}/answer`, { answer: '再答一次的内容也很长。', expectedVersion: 2 })).statusCode).toBe(409);

    const pub = (await call(null, 'GET', `/api/v1/public/suggestions?orgNodeId=${fx.nodes.xishan.id}`)).json() as { items: { id: string; content: string; authorLabel: string; answer: string | null }[]; stats: { asked: number; answered: number; answerRate: number; onTimeRate: number } };
    expect(pub.items.map((i) => i.id)).not.toContain(priv.id);
    const shown = pub.items.find((i) => i.id === onTime.id)!;
    expect(shown.content).not.toContain('13812345678');
    expect(shown.answer).toBe('已联系交警部门，下周安装减速带。');
    expect(pub.items.find((i) => i.id === late.id)!.authorLabel).toBe('匿名');
    // Everything asked counts, public or not: 4 asked, 2 answered, 1 of them on time.
    expect(pub.stats).toEqual({ asked: 4, answered: 2, answerRate: 0.5, onTimeRate: 0.5 });
    const mine = (await call('resident01', 'GET', '/api/v1/me/suggestions')).json() as { items: { id: string; content: string }[] };
    expect(mine.items.find((i) => i.id === onTime.id)!.content).toContain('13812345678');
    expect(await countAudit(platform.ctx.db, 'community.suggestion.answer')).toBe(2);

  });

  it('turns a suggestion into a grid event once', async () => {
    const a = await suggest('resident01', { category: '环境卫生', title: '垃圾点夜间满溢', content: '文苑路口垃圾投放点晚上经常满溢，味道很大。' });
    const res = await call('xishan', 'POST', `/api/v1/suggestions/${a.id}/promote`, { categoryCode: '0101', attributes: { amount: 'cart' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { eventId: string; eventCode: string };
    const event = await platform.ctx.db.kysely.selectFrom('grid_event').select(['channel', 'promoted_from', 'org_node_id', 'description']).where('id', '=', body.eventId).executeTakeFirstOrThrow();
    expect(event).toEqual({ channel: 'suggestion', promoted_from: `suggestion:${a.id}`, org_node_id: fx.nodes.grid01.id, description: '文苑路口垃圾投放点晚上经常满溢，味道很大。' });
    const again = await call('xishan', 'POST', `/api/v1/suggestions/${a.id}/promote`, { categoryCode: '0101', attributes: { amount: 'cart' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain(body.eventCode);
    const mine = (await call('resident01', 'GET', '/api/v1/me/suggestions')).json() as { items: { id: string; eventCode: string | null }[] };
    expect(mine.items.find((i) => i.id === a.id)!.eventCode).toBe(body.eventCode);
  });

  it('makes exactly one event when two staff promote the same suggestion at the same moment', async () => {
    const a = await suggest('resident01', { category: '公共设施', title: '路灯不亮', content: '文苑路东段三盏路灯一直不亮，晚上很黑。' });
    const [r1, r2] = await Promise.all([
      call('xishan', 'POST', `/api/v1/suggestions/${a.id}/promote`, { categoryCode: '0101', attributes: { amount: 'cart' } }),
      call('grid01', 'POST', `/api/v1/suggestions/${a.id}/promote`, { categoryCode: '0101', attributes: { amount: 'cart' } }),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    const events = await platform.ctx.db.kysely.selectFrom('grid_event').select(['id', 'code']).where('promoted_from', '=', `suggestion:${a.id}`).execute();
    expect(events).toHaveLength(1);
    const won = (r1.statusCode === 200 ? r1 : r2).json() as { eventId: string; eventCode: string };
    expect(won).toMatchObject({ eventId: events[0]!.id, eventCode: events[0]!.code });
    const refused = (r1.statusCode === 409 ? r1 : r2).json().error;
    expect(refused.code).toBe('SUGGESTION_ALREADY_PROMOTED');
    expect(refused.message).toContain(events[0]!.code);
    const row = await platform.ctx.db.kysely.selectFrom('suggestion').select('event_id').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.event_id).toBe(events[0]!.id);
  });

  it('makes exactly one event when two server processes promote the same suggestion at once', async () => {
    // A second connection pool stands for a second server process (its own write batches); on
    // PostgreSQL the two transactions really run side by side. SQLite has one writer: same database.
    const other = IS_PG ? openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 4 }) : platform.ctx.db;
    try {
      const second: PlatformContext = { ...platform.ctx, db: other };
      const a = await suggest('resident01', { category: '环境卫生', title: '绿化带垃圾', content: '小区东门绿化带里堆了很多建筑垃圾。' });
      const staff = (await loadActor(platform.ctx.db.kysely, fx.users.xishan!))!;
      const worker = (await loadActor(platform.ctx.db.kysely, fx.users.grid01!))!;
      const meta = { ip: '127.0.0.1', requestId: 'concurrent-promote' };
      const input = { categoryCode: '0101', attributes: { amount: 'cart' } };
      const results = await Promise.allSettled([promoteSuggestion(platform.ctx, staff, a.id, input, meta), promoteSuggestion(second, worker, a.id, input, meta)]);
      const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof promoteSuggestion>>> => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toMatchObject({ status: 409, code: 'SUGGESTION_ALREADY_PROMOTED' });
      const events = await platform.ctx.db.kysely.selectFrom('grid_event').select(['id', 'code']).where('promoted_from', '=', `suggestion:${a.id}`).execute();
      expect(events.map((e) => e.id)).toEqual([ok[0]!.value.eventId]);
      expect(refused[0]!.reason.params).toEqual({ code: events[0]!.code });
      expect(await countAudit(platform.ctx.db, 'community.suggestion.promote')).toBe(3);
    } finally {
      if (other !== platform.ctx.db) await other.destroy();
    }
  });

  it('hides one from the public list with a reason, and refuses bad input in the caller language', async () => {
    const a = await suggest('volunteer01', { title: '某某家的私事', content: '这条内容涉及他人隐私不宜公开。' });
    await call('xishan', 'POST', `/api/v1/suggestions/${a.id}/hide`, { reason: '涉及他人隐私' });
    const pub = (await call(null, 'GET', `/api/v1/public/suggestions?orgNodeId=${fx.nodes.xishan.id}`)).json() as { items: { id: string }[] };
    expect(pub.items.map((i) => i.id)).not.toContain(a.id);
    const bad = await call('resident01', 'POST', '/api/v1/me/suggestions', { category: '不存在', title: '短', content: '短' }, 'en');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    // Staff cannot submit as residents.
    expect((await call('xishan', 'POST', '/api/v1/me/suggestions', { category: '其他', title: '员工提的建议', content: '员工不应该走居民的入口。' })).statusCode).toBe(403);
  });
});
