import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { seedPartyFixture, type PartyFixture } from './party.fixture.js';

/**
 * 党员学习 on both databases: a branch secretary publishes materials to the members of their
 * branch, members report time and mark them read, the secretary sees who has not read (and who is
 * late); links must be http(s); nobody outside the branch's leadership sees the records.
 */
describe(`party study 党员学习 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};
  const users = ['party', 'xishan', 'sec1', 'sec2', 'resident01', 'volunteer01', 'dssec', 'grid01'];

  const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const article = (extra: Record<string, unknown> = {}) => ({
    orgId: pf.orgs.branch1,
    kind: 'article',
    title: '学习贯彻党的二十届三中全会精神',
    body: '一、深刻领会进一步全面深化改革的重大意义。\r\n二、结合社区工作实际，谈谈如何把学习成果转化为服务居民的实际行动。',
    suggestedMinutes: 15,
    ...extra,
  });
  async function publish(who: string, body: Record<string, unknown>) {
    const res = await call(who, 'POST', '/api/v1/party/study/materials', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; assignedCount: number; version: number; body: string };
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of users) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('a branch secretary publishes to the branch; members are told and read it; the secretary sees who has not', async () => {
    const m = await publish('sec1', article({ dueOn: '2026-11-28' }));
    // 第一党支部: 沈建华 (书记), 朱志强, 徐美玲.
    expect(m.assignedCount).toBe(3);
    // Plain text: line breaks normalised, nothing else touched.
    expect(m.body).toBe('一、深刻领会进一步全面深化改革的重大意义。\n二、结合社区工作实际，谈谈如何把学习成果转化为服务居民的实际行动。');
    const told = await platform.ctx.db.kysely.selectFrom('notification').select(['user_id', 'link']).where('kind', '=', 'party.study.assigned').execute();
    expect(told.map((n) => n.user_id).sort()).toEqual([fx.users.resident01!, fx.users.volunteer01!, pf.users.sec1].sort());
    expect(new Set(told.map((n) => n.link))).toEqual(new Set(['/m/party/study']));

    const mine = (await call('resident01', 'GET', '/api/v1/me/party/study')).json() as { items: { id: string; readAt: string | null }[]; unread: number };
    expect(mine.items.map((i) => i.id)).toEqual([m.id]);
    expect(mine.unread).toBe(1);
    // 第二党支部's secretary was not given it.
    expect(((await call('sec2', 'GET', '/api/v1/me/party/study')).json() as { items: unknown[] }).items).toHaveLength(0);
    expect((await call('sec2', 'GET', `/api/v1/me/party/study/${m.id}`)).statusCode).toBe(404);

    // Time first, then read; a later report only adds time.
    const p1 = await call('resident01', 'POST', `/api/v1/me/party/study/${m.id}/progress`, { seconds: 120 });
    expect(p1.statusCode, p1.body).toBe(200);
    expect(p1.json()).toMatchObject({ seconds: 120, readAt: null });
    expect(p1.json().openedAt).not.toBeNull();
    platform.advance(10 * 60_000);
    const p2 = await call('resident01', 'POST', `/api/v1/me/party/study/${m.id}/progress`, { seconds: 480, done: true });
    expect(p2.json()).toMatchObject({ seconds: 600, readAt: '2026-11-26T02:10:00.000Z' });
    const p3 = await call('resident01', 'POST', `/api/v1/me/party/study/${m.id}/progress`, { seconds: 30, done: true });
    expect(p3.json()).toMatchObject({ seconds: 630, readAt: '2026-11-26T02:10:00.000Z' });
    expect(((await call('resident01', 'GET', '/api/v1/me/party/study')).json() as { unread: number }).unread).toBe(0);

    const detail = await call('sec1', 'GET', `/api/v1/party/study/materials/${m.id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const d = detail.json() as { readCount: number; records: { name: string; readAt: string | null; seconds: number; overdue: boolean }[] };
    expect(d.readCount).toBe(1);
    expect(d.records.map((r) => [r.name, !!r.readAt, r.seconds]).sort()).toEqual([
      ['徐美玲', false, 0],
      ['朱志强', true, 630],
      ['沈建华', false, 0],
    ].sort());
    expect(d.records.some((r) => r.overdue)).toBe(false);
    const audits = await platform.ctx.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', m.id).execute();
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['party.study.create', 'party.study.progress', 'party.study.read', 'party.study.records.read']));

    // Past the due day: the unread are late.
    platform.advance(3 * 86_400_000);
    for (const u of users) s[u] = await loginAs(app, u);
    const late = (await call('sec1', 'GET', `/api/v1/party/study/materials/${m.id}`)).json() as { records: { name: string; overdue: boolean }[] };
    expect(late.records.filter((r) => r.overdue).map((r) => r.name).sort()).toEqual(['徐美玲', '沈建华'].sort());
    const xu = (await call('volunteer01', 'GET', '/api/v1/me/party/study')).json() as { items: { id: string; overdue: boolean }[] };
    expect(xu.items.find((i) => i.id === m.id)!.overdue).toBe(true);
  });

  it('the committee publishes to chosen members; only http(s) links are taken', async () => {
    const link = await publish('party', {
      orgId: pf.orgs.committee,
      kind: 'link',
      title: '习近平新时代中国特色社会主义思想学习纲要（节选）',
      url: 'https://www.12371.cn/special/xxgy/',
      source: '共产党员网',
      memberIds: [pf.members.wang, pf.members.lu],
    });
    expect(link.assignedCount).toBe(2);
    const lu = (await call('sec2', 'GET', '/api/v1/me/party/study')).json() as { items: { id: string; url: string }[] };
    expect(lu.items.map((i) => [i.id, i.url])).toEqual([[link.id, 'https://www.12371.cn/special/xxgy/']]);
    expect(((await call('resident01', 'GET', '/api/v1/me/party/study')).json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(link.id);

    for (const url of ['javascript:alert(1)', 'ftp://files.example.com/a.pdf', 'https://user:secret@www.12371.cn/', 'https://localhost/x', 'data:text/html,<script>']) {
      const res = await call('party', 'POST', '/api/v1/party/study/materials', { orgId: pf.orgs.committee, kind: 'link', title: '一篇文章的链接', url }, 'en');
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({ field: 'body.url', code: 'PARTY_LINK_INVALID', message: 'The link must be an http:// or https:// address without a user name or password' });
    }
    const zh = await call('party', 'POST', '/api/v1/party/study/materials', { orgId: pf.orgs.committee, kind: 'link', title: '一篇文章的链接', url: 'javascript:alert(1)' });
    expect(zh.json().error.details[0].message).toBe('链接须是以 http:// 或 https:// 开头的网址，且不含用户名和密码');
    const noUrl = await call('party', 'POST', '/api/v1/party/study/materials', { orgId: pf.orgs.committee, kind: 'link', title: '一篇文章的链接' });
    expect(noUrl.json().error.details[0]).toMatchObject({ field: 'body.url', code: 'STUDY_LINK_REQUIRED', message: '学习链接须填写网址' });
    const outside = await call('party', 'POST', '/api/v1/party/study/materials', article({ orgId: pf.orgs.branch1, memberIds: [pf.members.wang] }), 'en');
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error).toMatchObject({ code: 'STUDY_MEMBERS_OUTSIDE', message: '1 of the chosen members are not on the rolls of this organisation or below' });
  });

  it('who may publish and read the records: posts and grants, never another branch or area', async () => {
    const m = await publish('xishan', article({ title: '学习《中国共产党纪律处分条例》' }));
    // Another branch's secretary, a plain member, 东山's secretary, a grid worker: no such organisation / material.
    for (const who of ['sec2', 'resident01', 'dssec', 'grid01']) {
      const create = await call(who, 'POST', '/api/v1/party/study/materials', article());
      expect(create.statusCode, who).toBe(404);
      expect((await call(who, 'GET', `/api/v1/party/study/materials/${m.id}`)).statusCode, who).toBe(404);
    }
    expect((await call('dssec', 'POST', '/api/v1/party/study/materials', article())).json().error.code).toBe('PARTY_ORG_NOT_FOUND');
    // The committee's secretary reads everything of 西山; 东山's list holds nothing of it.
    const list = (await call('party', 'GET', '/api/v1/party/study/materials')).json() as { items: { id: string; canManage: boolean }[] };
    expect(list.items.find((i) => i.id === m.id)?.canManage).toBe(true);
    const ds = (await call('dssec', 'GET', '/api/v1/party/study/materials')).json() as { items: { id: string }[] };
    expect(ds.items.map((i) => i.id)).not.toContain(m.id);
    // A grid worker leads nothing and reads no party area: 403 on the list.
    expect((await call('grid01', 'GET', '/api/v1/party/study/materials')).statusCode).toBe(403);
    // Not a member: no study of one's own.
    const notMember = await call('grid01', 'GET', '/api/v1/me/party/study', undefined, 'en');
    expect(notMember.statusCode).toBe(403);
    expect(notMember.json().error).toMatchObject({ code: 'PARTY_NOT_A_MEMBER' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me/party/study' })).statusCode).toBe(401);

    // Withdrawn: members stop seeing it; a stale version is refused.
    expect((await call('sec1', 'POST', `/api/v1/party/study/materials/${m.id}/withdraw`, { reason: '重复发布', expectedVersion: m.version + 1 })).statusCode).toBe(409);
    const w = await call('sec1', 'POST', `/api/v1/party/study/materials/${m.id}/withdraw`, { reason: '重复发布', expectedVersion: m.version });
    expect(w.statusCode, w.body).toBe(200);
    expect(((await call('resident01', 'GET', '/api/v1/me/party/study')).json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(m.id);
    expect((await call('resident01', 'POST', `/api/v1/me/party/study/${m.id}/progress`, { seconds: 10, done: true })).statusCode).toBe(404);

    // Clear 4xx: a short article, a due day in the past, too much time in one report.
    const short = await call('sec1', 'POST', '/api/v1/party/study/materials', article({ body: '太短了' }), 'en');
    expect(short.json().error.details[0]).toMatchObject({ field: 'body.body', code: 'STUDY_ARTICLE_SHORT', message: 'An article needs at least 20 characters' });
    const past = await call('sec1', 'POST', '/api/v1/party/study/materials', article({ dueOn: '2026-01-01' }));
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toMatchObject({ code: 'STUDY_DUE_PAST', message: '完成期限不能早于今天' });
    const tooLong = await call('resident01', 'POST', `/api/v1/me/party/study/${m.id}/progress`, { seconds: 99_999 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details[0].field).toBe('body.seconds');
  });
});
