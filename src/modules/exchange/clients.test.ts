import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { openPlatform, type Platform } from '../../platform/bootstrap.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import { buildApp } from '../../platform/http/app.js';
import { modules } from '../index.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { tagPeople } from '../registry/scope.fixture.js';

const HOUR = 3600_000;

describe(`exchange clients 部门接入与密钥 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  let clientId: string;

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const withKey = (key: string, url: string, lang?: string, on: LinliApp = app) => on.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, ...(lang ? { 'accept-language': lang } : {}) } });
  const issue = async (body: Record<string, unknown>) => {
    const res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '人社系统密钥', tags: ['低保'], fields: ['name', 'idNumber', 'tags', 'phone'], orgNodeId: fx.nodes.xishan.id, purpose: '低保对象就业援助核查', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string; prefix: string; consentFields: string[] };
  };
  const audits = (action: string, outcome?: 'success' | 'denied' | 'failure') => {
    let q = platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (outcome) q = q.where('outcome', '=', outcome);
    return q.orderBy('seq').execute();
  };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    // 低保: 朱志强 (grid01) and 王秀英 (grid02) in 西山, 陈东 in 东山; 徐美玲 is 退役军人 only.
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保' },
      { personId: reg.people.wang, tag: '低保' },
      { personId: reg.people.chen, tag: '低保' },
      { personId: reg.people.xu, tag: '退役军人' },
    ]);
    app = await createTestApp(platform);
    for (const u of ['admin', 'xishan', 'civil', 'grid02']) s[u] = await loginAs(app, u);
    // 人社 (social-security): mandate tags 低保, 退役军人; fields without phone or address.
    const res = await call('admin', 'POST', '/api/v1/exchange/clients', { departmentCode: 'social-security', name: '海宁市人社局就业援助系统', contact: '就业科 张工 13800001111', orgNodeId: fx.nodes.street.id, legalBasis: '《就业促进法》第五十二条：就业困难人员援助' });
    expect(res.statusCode, res.body).toBe(201);
    clientId = (res.json() as { id: string }).id;
    expect((res.json() as { contact: string }).contact).not.toContain('13800001111');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('issues a scoped key once, stores only its hash, and checks the scope against the mandate', async () => {
    const k = await issue({});
    expect(k.key).toMatch(/^lx_/);
    expect(k.consentFields).toEqual(['phone']);
    const stored = await platform.ctx.db.kysely.selectFrom('exchange_key').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(k.key);
    const detail = await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}`);
    expect(detail.body).not.toContain(k.key);
    expect(detail.json()).toMatchObject({ mandate: { tags: ['低保', '退役军人'] }, canManage: true });
    // A tag outside the mandate, a node outside the client's area, a bad body: 400 in both languages.
    let res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '越权密钥', tags: ['特困'], fields: ['name'], orgNodeId: fx.nodes.xishan.id, purpose: '测试' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_TAG_OUTSIDE_MANDATE', message: '标签 特困 不在该部门的法定授权范围内' });
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '越界密钥', tags: ['低保'], fields: ['name'], orgNodeId: fx.nodes.city.id, purpose: '测试' }, 'en');
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_NODE_OUTSIDE_CLIENT', message: 'The chosen area lies outside the client’s area' });
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: 'x', tags: [], fields: ['salary'], orgNodeId: fx.nodes.xishan.id, purpose: '' });
    expect(res.statusCode).toBe(400);
    // Only the system admin issues keys.
    expect((await call('xishan', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '社区密钥', tags: ['低保'], fields: ['name'], orgNodeId: fx.nodes.xishan.id, purpose: '测试用途' })).statusCode).toBe(403);
    expect((await audits('exchange.key.issue')).length).toBe(1);
  });

  it('reads people through the key: its subtree, its tags, its fields, audited with its purpose', async () => {
    const k = await issue({ name: '列表密钥' });
    const res = await withKey(k.key, '/api/v1/exchange/data/people');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Record<string, unknown>[]; total: number };
    expect(body.items.map((p) => p.id).sort()).toEqual([reg.people.zhu, reg.people.wang].sort());
    const zhu = body.items.find((p) => p.id === reg.people.zhu)!;
    expect(zhu).toMatchObject({ name: '朱志强', idNumber: '330481********001X', tags: ['低保'] });
    // Not in the key (gender) nor the mandate (phone, address) without consent.
    expect(Object.keys(zhu).sort()).toEqual(['id', 'idNumber', 'idType', 'name', 'tags']);
    const [audit] = (await audits('exchange.person.list', 'success')).slice(-1);
    expect(audit).toMatchObject({ purpose: '低保对象就业援助核查', actor_id: k.id });
    const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', reg.people.zhu).where('department_code', '=', 'social-security').execute();
    expect(access.length).toBeGreaterThan(0);
    expect(access[0]!.purpose).toBe('低保对象就业援助核查');
    const scope = (await withKey(k.key, '/api/v1/exchange/data/scope')).json();
    expect(scope.key).toMatchObject({ tags: ['低保'], fields: ['name', 'idNumber', 'tags'], consentFields: ['phone'] });
  });

  it('refuses a key outside its scope and audits the refusal', async () => {
    const k = await issue({ name: '越权测试密钥' });
    const before = (await audits('exchange.person.list', 'denied')).length;
    // Another community (the key is for 西山).
    let res = await withKey(k.key, `/api/v1/exchange/data/people?orgNodeId=${fx.nodes.dongshan.id}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_SCOPE_EXCEEDED', message: '超出该密钥的授权范围' });
    // A tag of the mandate but not of the key.
    res = await withKey(k.key, '/api/v1/exchange/data/people?tag=退役军人', 'en');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('Outside this key’s scope');
    const denied = await audits('exchange.person.list', 'denied');
    expect(denied.length).toBe(before + 2);
    expect(JSON.parse(denied.at(-2)!.details!)).toMatchObject({ reason: 'subtree', keyId: k.id, departmentCode: 'social-security' });
    expect(denied.at(-1)!.purpose).toBe('低保对象就业援助核查');
    // A person outside: 陈东 in 东山, 徐美玲 without a key tag. Refused, audited, never "exists elsewhere".
    for (const id of [reg.people.chen, reg.people.xu]) {
      res = await withKey(k.key, `/api/v1/exchange/data/people/${id}`);
      expect(res.statusCode).toBe(403);
    }
    const refusedPeople = await audits('exchange.person.read', 'denied');
    expect(refusedPeople.map((a) => a.target_id)).toEqual(expect.arrayContaining([reg.people.chen, reg.people.xu]));
    // The department's page lists the refusals beside the reads.
    const reads = (await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}/reads?pageSize=100`)).json() as { items: { outcome: string; keyId: string }[] };
    expect(reads.items.filter((r) => r.keyId === k.id && r.outcome === 'denied').length).toBe(4);
  });

  it('shares a field beyond the mandate only for people with a valid consent', async () => {
    const k = await issue({ name: '同意测试密钥' });
    const consent = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', validTo: '2027-10-31', evidence: '书面授权书 XS-2026-118' });
    expect(consent.statusCode, consent.body).toBe(201);
    let people = (await withKey(k.key, '/api/v1/exchange/data/people')).json().items as Record<string, unknown>[];
    expect(people.find((p) => p.id === reg.people.zhu)).toMatchObject({ phone: '138****5678', consentedFields: ['phone'] });
    expect(people.find((p) => p.id === reg.people.wang)!.phone).toBeUndefined();
    // A mandate field needs no consent; a consent ending before it starts is refused.
    let res = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'name', validFrom: '2026-11-01', evidence: '书面授权书' });
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_CONSENT_IN_MANDATE', message: '该字段已在部门法定授权范围内，无需居民同意' });
    res = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'address', validFrom: '2026-11-01', validTo: '2026-10-01', evidence: '书面授权书' });
    expect(res.json().error.code).toBe('EXCHANGE_CONSENT_DATES');
    // Staff of another grid cannot record consents for this person.
    expect((await call('grid02', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', evidence: '书面授权书' })).statusCode).toBe(404);
    // Withdrawn: the phone is gone again.
    res = await call('xishan', 'POST', `/api/v1/exchange/consents/${consent.json().id}/withdraw`);
    expect(res.json().withdrawnAt).not.toBeNull();
    people = (await withKey(k.key, '/api/v1/exchange/data/people')).json().items;
    expect(people.find((p) => p.id === reg.people.zhu)!.phone).toBeUndefined();
    expect((await audits('exchange.consent.record')).length).toBe(1);
    expect((await audits('exchange.consent.withdraw')).length).toBe(1);
  });

  it('limits requests per key and minute across processes, with a 429 in Chinese and English', async () => {
    const k = await issue({ name: '限流密钥', ratePerMinute: 3 });
    // A second server process on the same database counts into the same minute.
    const db2 = openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 2 });
    const other: Platform = await openPlatform(platform.config, modules, { db: db2, migrate: false, now: platform.ctx.now });
    const app2 = await buildApp(other.ctx, modules, { logger: false });
    await app2.ready();
    try {
      // Start at the top of a minute so the three calls share it.
      platform.setNow(new Date('2026-11-26T05:00:05Z'));
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope', undefined, app2)).statusCode).toBe(200);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
      let res = await withKey(k.key, '/api/v1/exchange/data/scope', undefined, app2);
      expect(res.statusCode).toBe(429);
      expect(res.json().error.message).toBe('请求过于频繁：每分钟最多 3 次，请稍后再试');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      res = await withKey(k.key, '/api/v1/exchange/data/scope', 'en');
      expect(res.json().error.message).toBe('Too many requests: at most 3 a minute, try again shortly');
      expect((await audits('exchange.key.refused', 'denied')).filter((a) => a.target_id === k.id).length).toBe(1);
      platform.advance(60_000);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
    } finally {
      await app2.close();
      await other.close();
      // The clock moved by hours: everyone logs in again.
      for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    }
  });

  it('rotates a key (the old one works until the cut-over) and revokes keys', async () => {
    const old = await issue({ name: '轮换密钥' });
    const now = platform.ctx.now();
    const res = await call('admin', 'POST', `/api/v1/exchange/keys/${old.id}/rotate`, { cutoverAt: new Date(now.getTime() + HOUR).toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json() as { id: string; key: string; previous: { state: string; replacedBy: string } };
    expect(next.previous).toMatchObject({ state: 'expiring', replacedBy: next.id });
    expect((await withKey(old.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
    expect((await withKey(next.key, '/api/v1/exchange/data/scope')).json().key.tags).toEqual(['低保']);
    platform.advance(2 * HOUR);
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    let r = await withKey(old.key, '/api/v1/exchange/data/people');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('EXCHANGE_KEY_EXPIRED');
    expect((await withKey(next.key, '/api/v1/exchange/data/people')).statusCode).toBe(200);
    // A cut-over in the past is refused; so is rotating an expired key.
    expect((await call('admin', 'POST', `/api/v1/exchange/keys/${next.id}/rotate`, { cutoverAt: '2020-01-01T00:00:00Z' })).json().error.code).toBe('EXCHANGE_CUTOVER_PAST');
    expect((await call('admin', 'POST', `/api/v1/exchange/keys/${old.id}/rotate`, {})).json().error.code).toBe('EXCHANGE_KEY_NOT_ACTIVE');
    r = await call('admin', 'POST', `/api/v1/exchange/keys/${next.id}/revoke`, { reason: '系统下线' });
    expect(r.json()).toMatchObject({ state: 'revoked', revokeReason: '系统下线' });
    r = await withKey(next.key, '/api/v1/exchange/data/people', 'en');
    expect(r.statusCode).toBe(401);
    expect(r.json().error).toMatchObject({ code: 'EXCHANGE_KEY_REVOKED', message: 'The exchange key has been revoked' });
    expect((await withKey('lx_not-a-real-key', '/api/v1/exchange/data/people')).json().error.code).toBe('EXCHANGE_KEY_INVALID');
    expect((await app.inject({ method: 'GET', url: '/api/v1/exchange/data/people' })).json().error.code).toBe('EXCHANGE_KEY_MISSING');
    const refused = await audits('exchange.key.refused', 'denied');
    expect(refused.map((a) => JSON.parse(a.details!).code)).toEqual(expect.arrayContaining(['EXCHANGE_KEY_EXPIRED', 'EXCHANGE_KEY_REVOKED']));
    // A suspended client's keys stop too.
    const k = await issue({ name: '暂停测试密钥' });
    await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/status`, { status: 'suspended' });
    expect((await withKey(k.key, '/api/v1/exchange/data/scope')).json().error.code).toBe('EXCHANGE_CLIENT_SUSPENDED');
    await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/status`, { status: 'active' });
    expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
  });

  it('shows each department only its own clients', async () => {
    const civil = await call('admin', 'POST', '/api/v1/exchange/clients', { departmentCode: 'civil', name: '民政社会救助系统', contact: '救助科', orgNodeId: fx.nodes.city.id, lifeEvents: ['person.died'], legalBasis: '《社会救助暂行办法》' });
    expect(civil.statusCode).toBe(201);
    const listRes = await call('civil', 'GET', '/api/v1/exchange/clients');
    expect(listRes.statusCode, listRes.body).toBe(200);
    const list = listRes.json() as { items: { departmentCode: string }[]; canManage: boolean };
    expect(list.items.map((c) => c.departmentCode)).toEqual(['civil']);
    expect(list.canManage).toBe(false);
    expect((await call('civil', 'GET', `/api/v1/exchange/clients/${clientId}`)).statusCode).toBe(404);
    expect((await call('civil', 'GET', `/api/v1/exchange/clients/${civil.json().id}`)).json()).toMatchObject({ mandate: { tags: expect.arrayContaining(['低保']) }, canManage: false });
  });
});
