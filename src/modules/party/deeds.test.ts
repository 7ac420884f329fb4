import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import { createUser } from '../../platform/auth/users.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { pointsAccountCode, pointsBalances } from '../volunteers/points.accounts.js';

/**
 * 好人好事银行 on both databases: a verified deed's points in the ledger (once, however often it is
 * verified), a rejected deed gives nothing, the public honour roll shows verified deeds only and
 * never a number, the points can be spent at the 爱心超市, and who may do what (404/403/401, zh/en).
 */
describe(`good deeds 好人好事银行 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};

  const call = (who: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const db = () => platform.ctx.db.kysely;
  const balanceOf = async (personId: string) => (await pointsBalances(db(), [{ personId }])).get(pointsAccountCode({ personId }))!;
  const awardsOf = async (deedId: string) => db().selectFrom('points_award').selectAll().where('source_type', '=', 'good_deed').where('source_id', '=', deedId).execute();

  const deed = (extra: Record<string, unknown> = {}) => ({
    doer: { kind: 'self' },
    title: '扶老人过马路',
    description: '在硖石路口扶一位行动不便的老人安全过马路，并送到公交站。',
    happenedOn: '2026-11-25',
    place: '硖石路与西山路交叉口',
    witnesses: [{ name: '李阿姨', phone: '13900001234' }],
    ...extra,
  });
  async function record(who: string, body: Record<string, unknown>) {
    const res = await call(who, 'POST', '/api/v1/deeds', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; status: string; doerName: string };
  }
  const version = async (id: string) => ((await call('xishan', 'GET', `/api/v1/deeds/${id}`)).json() as { version: number }).version;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await db().updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db().updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    // Staff of 东山社区 (to prove the subtree check).
    await createUser(platform.ctx, { username: 'dongshan', displayName: '东山社区 刘洋', password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'community_staff', orgNodeId: fx.nodes.dongshan.id }] });
    app = await createTestApp(platform);
    for (const u of ['xishan', 'grid01', 'resident01', 'volunteer01', 'street', 'dongshan', 'party']) s[u] = await loginAs(app, u);
    // The volunteers' points rule of 西山社区 for good deeds: 20 points a deed, at most 50 a month per person.
    const rule = await call('xishan', 'POST', '/api/v1/points/rules', { orgNodeId: fx.nodes.xishan.id, name: '好人好事积分', sourceKind: 'good_deed', pointsPerUnit: 20, maxPerMonth: 50 });
    expect(rule.statusCode, rule.body).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('a verified deed deposits its points in the ledger once, however often it is verified', async () => {
    const png = await renderQrPng('https://example.test/m/deeds', { width: 64 });
    const photo = await uploadFile(app, s.resident01!, 'party.good_deed', { name: 'photo.png', mime: 'image/png', bytes: png });
    const d = await record('resident01', deed({ photoIds: [photo], nameConsent: true }));
    expect(d).toMatchObject({ status: 'pending', doerName: REGISTRY_PEOPLE.zhu.name });
    expect(await balanceOf(reg.people.zhu)).toBe(0);

    // Staff see the witness's phone masked only, and may open the photo.
    const view = await call('xishan', 'GET', `/api/v1/deeds/${d.id}`);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().witnesses).toEqual([{ name: '李阿姨', phoneMasked: '139****1234' }]);
    expect(view.body).not.toContain('13900001234');
    expect((await call('xishan', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(200);
    expect((await call('volunteer01', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(404);
    const stored = await db().selectFrom('good_deed').select('witnesses').where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(stored.witnesses).not.toContain('13900001234');

    const v1 = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/verify`, {});
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.json()).toMatchObject({ status: 'verified', points: 20, doerBalance: 20 });
    expect(await balanceOf(reg.people.zhu)).toBe(20);
    const awards = await awardsOf(d.id);
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({ holder_code: `points:person:${reg.people.zhu}`, points: 20, quantity: 1 });
    // The ledger journal names the award; the award names the deed.
    const journal = await db().selectFrom('ledger_journal').selectAll().where('id', '=', awards[0]!.journal_id!).executeTakeFirstOrThrow();
    expect(journal.source_type).toBe('points_award');
    expect(journal.source_id).toBe(awards[0]!.id);

    // Again, and twice at the same moment: nothing more.
    const again = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/verify`, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().points).toBe(20);
    const twice = await Promise.all([call('xishan', 'POST', `/api/v1/deeds/${d.id}/verify`, {}), call('party', 'POST', `/api/v1/deeds/${d.id}/verify`, {})]);
    expect(twice.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await balanceOf(reg.people.zhu)).toBe(20);
    expect(await awardsOf(d.id)).toHaveLength(1);

    // The doer sees it in their list with the balance, and was told.
    const mine = (await call('resident01', 'GET', '/api/v1/me/deeds')).json() as { items: { id: string; points: number; doneByMe: boolean }[]; balance: number; community: { id: string; name: string } };
    expect(mine.balance).toBe(20);
    expect(mine.community).toEqual({ id: fx.nodes.xishan.id, name: '西山社区' });
    expect(mine.items.find((i) => i.id === d.id)).toMatchObject({ points: 20, doneByMe: true });
    const told = await db().selectFrom('notification').select('link').where('user_id', '=', fx.users.resident01!).where('kind', '=', 'party.deed.verified').execute();
    expect(told.map((n) => n.link)).toEqual(['/m/deeds']);
    expect(await db().selectFrom('audit_log').select('seq').where('action', '=', 'party.deed.verify').where('target_id', '=', d.id).execute()).toHaveLength(1);
  });

  it('two deeds verified at once each deposit once; the monthly cap of the rule holds', async () => {
    const a = await record('resident01', deed({ title: '拾金不昧', description: '在西山公园拾到钱包一个，交还失主。' }));
    const b = await record('resident01', deed({ title: '义务清理楼道', description: '周末义务清理 1 幢楼道堆放的杂物。' }));
    const both = await Promise.all([call('xishan', 'POST', `/api/v1/deeds/${a.id}/verify`, {}), call('party', 'POST', `/api/v1/deeds/${b.id}/verify`, {})]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    // 20 before + 20 + 20 would be 60; the rule gives at most 50 a month.
    expect(await balanceOf(reg.people.zhu)).toBe(50);
    const points = [...(await awardsOf(a.id)), ...(await awardsOf(b.id))].map((x) => x.points).sort();
    expect(points).toEqual([10, 20]);
  });

  it('a rejected deed gives nothing, and cannot be verified afterwards', async () => {
    const before = await balanceOf(reg.people.xu);
    const d = await record('volunteer01', deed({ title: '帮邻居修水管', description: '帮隔壁邻居临时修好漏水的水管，避免楼下被淹。' }));
    const stale = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/reject`, { reason: '情况不属实', expectedVersion: 99 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('DEED_STALE');
    const res = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/reject`, { reason: '经核实为有偿服务，不属于好人好事', expectedVersion: await version(d.id) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', points: null, rejectReason: '经核实为有偿服务，不属于好人好事' });
    expect(await awardsOf(d.id)).toHaveLength(0);
    expect(await balanceOf(reg.people.xu)).toBe(before);
    const after = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/verify`, {}, 'en');
    expect(after.statusCode).toBe(409);
    expect(after.json().error).toMatchObject({ code: 'DEED_ALREADY_DECIDED', message: 'This deed has already been 退回' });
    const zh = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/verify`, {});
    expect(zh.json().error.message).toBe('该好人好事已退回，不能再次处理');
    expect(await awardsOf(d.id)).toHaveLength(0);
    const told = await db().selectFrom('notification').select('body').where('user_id', '=', fx.users.volunteer01!).where('kind', '=', 'party.deed.rejected').execute();
    expect(told.map((n) => n.body)).toEqual(['原因：经核实为有偿服务，不属于好人好事']);
  });

  it('a name only is verified without points, or linked to a registry person who then gets them', async () => {
    const named = await record('grid01', deed({ doer: { kind: 'name', name: '热心市民' }, orgNodeId: fx.nodes.grid01.id, witnesses: [] }));
    const v = await call('xishan', 'POST', `/api/v1/deeds/${named.id}/verify`, {});
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json()).toMatchObject({ status: 'verified', points: null, doerPersonId: null, doerName: '热心市民' });
    expect(await awardsOf(named.id)).toHaveLength(0);

    const linked = await record('grid01', deed({ doer: { kind: 'name', name: '王阿姨' }, orgNodeId: fx.nodes.grid02.id, witnesses: [] }));
    const before = await balanceOf(reg.people.wang);
    // 王秀英 of 西山 can be linked; 陈东 of 东山 is outside this staff member's area.
    const outside = await call('xishan', 'POST', `/api/v1/deeds/${linked.id}/verify`, { doerPersonId: reg.people.chen });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.code).toBe('DEED_PERSON_NOT_FOUND');
    const ok = await call('xishan', 'POST', `/api/v1/deeds/${linked.id}/verify`, { doerPersonId: reg.people.wang });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ doerPersonId: reg.people.wang, doerName: REGISTRY_PEOPLE.wang.name, points: 20 });
    expect(await balanceOf(reg.people.wang)).toBe(before + 20);
  });

  it('without a good-deed rule nothing is verified and nothing deposited', async () => {
    const d = await record('dongshan', deed({ doer: { kind: 'person', personId: reg.people.chen }, witnesses: [] }));
    expect(d.doerName).toBe(REGISTRY_PEOPLE.chen.name);
    const res = await call('dongshan', 'POST', `/api/v1/deeds/${d.id}/verify`, {}, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'DEED_NO_POINTS_RULE', message: 'No points rule for good deeds applies here; set one in the points rules first, then verify' });
    const row = await db().selectFrom('good_deed').select(['status', 'points']).where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', points: null });
    expect(await balanceOf(reg.people.chen)).toBe(0);
  });

  it('the public honour roll shows verified deeds only, names as the community decides, never a number', async () => {
    const pending = await record('volunteer01', deed({ title: '照顾独居老人', description: '连续一周为独居老人送饭，电话 13812345678 可联系。' }));
    const withPhone = await record('volunteer01', deed({ doer: { kind: 'self' }, title: '护送走失老人回家', description: '护送走失老人回家，家属电话 13987654321，身份证 330481198001010028 已交还。' }));
    await call('xishan', 'POST', `/api/v1/deeds/${withPhone.id}/verify`, {});

    const res = await app.inject({ method: 'GET', url: `/api/v1/public/deeds/honour?orgNodeId=${fx.nodes.xishan.id}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string; doerLabel: string; description: string }[]; stats: { deeds: number; people: number; points: number } };
    const ids = body.items.map((i) => i.id);
    expect(ids).toContain(withPhone.id);
    expect(ids).not.toContain(pending.id);
    const verified = await db().selectFrom('good_deed').select('id').where('status', '=', 'verified').where('org_path', 'like', `${fx.nodes.xishan.path}%`).execute();
    expect(new Set(ids)).toEqual(new Set(verified.map((r) => r.id)));
    expect(body.stats.deeds).toBe(verified.length);
    const rejected = await db().selectFrom('good_deed').select('id').where('status', '=', 'rejected').execute();
    for (const r of rejected) expect(ids).not.toContain(r.id);
    // 朱志强 consented: full name; 徐美玲 did not: 徐**; a name only without consent: 热**.
    const labels = body.items.map((i) => i.doerLabel);
    expect(labels).toContain('朱志强');
    expect(labels).toContain('徐**');
    expect(labels).toContain('热***');
    expect(labels).not.toContain('徐美玲');
    // No ID number, phone, witness, reporter or registry id anywhere in the answer.
    for (const secret of ['13987654321', '330481198001010028', '13900001234', '13812345678', '李阿姨', reg.people.zhu, reg.people.xu, fx.users.resident01!, REGISTRY_PEOPLE.zhu.idNumber, REGISTRY_PEOPLE.zhu.phone]) {
      expect(res.body).not.toContain(secret);
    }
    expect(body.items.find((i) => i.id === withPhone.id)!.description).toContain('139****4321');

    // The community decides: always masked.
    const set = await call('xishan', 'PUT', '/api/v1/deeds/settings', { orgNodeId: fx.nodes.xishan.id, nameDisplay: 'masked' });
    expect(set.statusCode, set.body).toBe(200);
    const masked = (await app.inject({ method: 'GET', url: `/api/v1/public/deeds/honour?orgNodeId=${fx.nodes.xishan.id}` })).json() as { items: { doerLabel: string }[] };
    expect(masked.items.map((i) => i.doerLabel)).not.toContain('朱志强');
    expect(masked.items.map((i) => i.doerLabel)).toContain('朱**');
    expect((await call('dongshan', 'PUT', '/api/v1/deeds/settings', { orgNodeId: fx.nodes.xishan.id, nameDisplay: 'consent' })).statusCode).toBe(404);
    await call('xishan', 'PUT', '/api/v1/deeds/settings', { orgNodeId: fx.nodes.xishan.id, nameDisplay: 'consent' });

    // 东山社区's roll holds none of 西山's deeds; an unknown node is 404.
    const ds = (await app.inject({ method: 'GET', url: `/api/v1/public/deeds/honour?orgNodeId=${fx.nodes.dongshan.id}` })).json() as { items: unknown[] };
    expect(ds.items).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/public/deeds/honour?orgNodeId=nope' })).statusCode).toBe(404);
  });

  it('points of good deeds are spent at the 爱心超市 like any others', async () => {
    const item = await call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: fx.nodes.xishan.id, name: '大米 5 斤', category: '粮油', pricePoints: 30, stock: 5 });
    expect(item.statusCode, item.body).toBe(201);
    const before = await balanceOf(reg.people.zhu);
    const order = await call('resident01', 'POST', '/api/v1/me/reward-orders', { itemId: item.json().id, quantity: 1 });
    expect(order.statusCode, order.body).toBe(201);
    expect(await balanceOf(reg.people.zhu)).toBe(before - 30);
  });

  it('who may do what: subtrees, roles, login; clear 4xx in Chinese and English', async () => {
    const d = await record('resident01', deed({ title: '为邻居代收快递', description: '帮出差的邻居代收快递一周，妥善保管。' }));
    // Staff of another community: it does not exist; a grid worker or the street may record but not verify.
    expect((await call('dongshan', 'GET', `/api/v1/deeds/${d.id}`)).statusCode).toBe(404);
    expect((await call('dongshan', 'POST', `/api/v1/deeds/${d.id}/verify`, {})).json().error.code).toBe('DEED_NOT_FOUND');
    expect((await call('grid01', 'POST', `/api/v1/deeds/${d.id}/verify`, {})).statusCode).toBe(403);
    expect((await call('street', 'GET', '/api/v1/deeds')).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/deeds')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/deeds', payload: deed() })).statusCode).toBe(401);
    const list = (await call('dongshan', 'GET', '/api/v1/deeds?status=all')).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).not.toContain(d.id);
    // A resident may not name a registry person; only staff of the area may.
    const person = await call('resident01', 'POST', '/api/v1/deeds', deed({ doer: { kind: 'person', personId: reg.people.wang } }), 'en');
    expect(person.statusCode).toBe(400);
    expect(person.json().error).toMatchObject({ code: 'DEED_PERSON_NOT_FOUND', message: 'No such person in your area' });

    const future = await call('resident01', 'POST', '/api/v1/deeds', deed({ happenedOn: '2026-12-01' }));
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ code: 'DEED_DAY_INVALID', message: '发生日期须在一年之内，且不能晚于今天' });
    const futureEn = await call('resident01', 'POST', '/api/v1/deeds', deed({ happenedOn: '2026-12-01' }), 'en');
    expect(futureEn.json().error.message).toBe('The day must be within the last year and not in the future');
    const badPhone = await call('resident01', 'POST', '/api/v1/deeds', deed({ witnesses: [{ name: '李阿姨', phone: '12345' }] }), 'en');
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.code).toBe('VALIDATION_FAILED');
    expect(badPhone.json().error.details[0].field).toBe('body.witnesses.0.phone');
    const noName = await call('resident01', 'POST', '/api/v1/deeds', deed({ doer: { kind: 'name', name: '' } }));
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.details[0].field).toBe('body.doer.name');
    // Someone else's photo, or a file of another purpose.
    const png = await renderQrPng('https://example.test/x', { width: 64 });
    const theirs = await uploadFile(app, s.volunteer01!, 'party.good_deed', { name: 'p.png', mime: 'image/png', bytes: png });
    const other = await uploadFile(app, s.resident01!, 'event.photo', { name: 'p.png', mime: 'image/png', bytes: png });
    for (const id of [theirs, other]) {
      const r = await call('resident01', 'POST', '/api/v1/deeds', deed({ photoIds: [id] }), 'en');
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'DEED_PHOTO_INVALID', message: 'Photos must be pictures you uploaded for good deeds (purpose party.good_deed)' });
    }
    // The street's dispatcher has no registry record: “self” is refused.
    const self = await call('street', 'POST', '/api/v1/deeds', deed());
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('DEED_SELF_NO_RECORD');
    // A reason is required to reject.
    const noReason = await call('xishan', 'POST', `/api/v1/deeds/${d.id}/reject`, { reason: '', expectedVersion: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].field).toBe('body.reason');
  });

  it('a reporter records at most 10 deeds an hour', async () => {
    const existing = await db().selectFrom('good_deed').select('id').where('reporter_user_id', '=', fx.users.grid01!).execute();
    for (let i = existing.length; i < 10; i++) await record('grid01', deed({ doer: { kind: 'name', name: `居民${i}` }, orgNodeId: fx.nodes.grid01.id, witnesses: [] }));
    const over = await call('grid01', 'POST', '/api/v1/deeds', deed({ doer: { kind: 'name', name: '居民十一' }, orgNodeId: fx.nodes.grid01.id, witnesses: [] }));
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('DEED_RATE_LIMITED');
    platform.advance(61 * 60_000);
    s.grid01 = await loginAs(app, 'grid01');
    expect((await call('grid01', 'POST', '/api/v1/deeds', deed({ doer: { kind: 'name', name: '居民十二' }, orgNodeId: fx.nodes.grid01.id, witnesses: [] }))).statusCode).toBe(201);
  });
});
