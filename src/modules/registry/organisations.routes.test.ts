import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { creditCodeCheckChar, parseCreditCode } from './organisations.credit-code.js';
import { normaliseContactPhone } from './organisations.service.js';

/** A valid code from its first 17 characters. */
const code = (first17: string) => first17 + creditCodeCheckChar(first17);

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts published codes and computes their check character', () => {
    // Codes printed on the business licences of well-known companies.
    for (const c of ['9144030071526726XG', '91330100716105852F', '914403001922038216']) expect(parseCreditCode(c)).toEqual({ ok: true, code: c });
    expect(parseCreditCode(' 91330100716105852f ')).toEqual({ ok: true, code: '91330100716105852F' });
  });

  it('names what is wrong', () => {
    expect(parseCreditCode('91330100716105852G')).toEqual({ ok: false, problem: 'check_digit' });
    expect(parseCreditCode('9133010071610585')).toEqual({ ok: false, problem: 'format' });
    expect(parseCreditCode('91330100716105852I')).toEqual({ ok: false, problem: 'format' }); // I is not in the character set
    expect(parseCreditCode(code('C1330100716105852'))).toEqual({ ok: false, problem: 'authority' });
    expect(parseCreditCode(code('95330100716105852'))).toEqual({ ok: false, problem: 'authority' }); // 工商 has no category 5
  });

  it('reads contact phones: mobiles and landlines with an area code', () => {
    expect(normaliseContactPhone('+86 138-1234-5678')).toEqual({ number: '13812345678', prefix: '138', tail: '5678' });
    expect(normaliseContactPhone('0573-87012345')).toEqual({ number: '0573-87012345', prefix: '0573', tail: '2345' });
    expect(normaliseContactPhone('(0573)87012345')).toEqual({ number: '0573-87012345', prefix: '0573', tail: '2345' });
    expect(normaliseContactPhone('87012345')).toBeNull();
  });
});

describe(`organisations API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: (await as(username)).headers });
  const SHOP = code('92330481MA2C3D4E5');
  let shopId: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/organisations'],
      ['POST', '/api/v1/organisations'],
      ['GET', '/api/v1/organisations/x'],
      ['PATCH', '/api/v1/organisations/x'],
      ['DELETE', '/api/v1/organisations/x'],
    ] as const) {
      expect((await app.inject({ method, url, payload: method === 'POST' || method === 'PATCH' ? {} : undefined })).statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('registers a shop: credit code checked, contact phone encrypted and masked, audited', async () => {
    const res = await call('grid01', 'POST', '/api/v1/organisations', {
      name: '西山便利店',
      kind: 'shop',
      creditCode: SHOP.toLowerCase(),
      orgNodeId: fx.nodes.building01.id,
      address: '西山路 12 号',
      legalRepresentative: '陆建平',
      contactName: '陆建平',
      contactPhone: '13512345678',
      employees: 3,
    });
    expect(res.statusCode).toBe(201);
    shopId = res.json().id;
    expect(res.json()).toMatchObject({ name: '西山便利店', kind: 'shop', creditCode: SHOP, contactPhone: '135****5678', place: '1幢', active: true });
    expect(res.body).not.toContain('13512345678');
    const row = await platform.ctx.db.kysely.selectFrom('organisation').selectAll().where('id', '=', shopId).executeTakeFirstOrThrow();
    expect(row.contact_phone_enc).not.toContain('13512345678');
    expect(platform.ctx.pii.decrypt(row.contact_phone_enc!)).toBe('13512345678');
    expect(row.org_path).toBe(fx.nodes.building01.path);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'registry.organisation.create').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ target_id: shopId, actor_name: 'grid01' });
  });

  it('refuses a credit code with a wrong check character, and the same code twice', async () => {
    const wrong = SHOP.slice(0, 17) + (SHOP[17] === '0' ? '1' : '0');
    const res = await call('grid01', 'POST', '/api/v1/organisations', { name: '错码商店', kind: 'shop', creditCode: wrong, orgNodeId: fx.nodes.grid01.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'CREDIT_CODE_INVALID', message: '统一社会信用代码无效（check_digit）' });
    const twice = await call('xishan', 'POST', '/api/v1/organisations', { name: '西山便利店二店', kind: 'shop', creditCode: SHOP, orgNodeId: fx.nodes.grid02.id });
    expect(twice.statusCode).toBe(409);
    const phone = await call('grid01', 'POST', '/api/v1/organisations', { name: '电话错', kind: 'shop', orgNodeId: fx.nodes.grid01.id, contactPhone: '12345' });
    expect(phone.json().error.code).toBe('CONTACT_PHONE_INVALID');
  });

  it('keeps each grid to its own organisations', async () => {
    const social = await call('xishan', 'POST', '/api/v1/organisations', { name: '西山社区老年协会', kind: 'social_org', orgNodeId: fx.nodes.grid02.id, contactPhone: '0573-87012345' });
    expect(social.statusCode).toBe(201);
    expect(social.json().contactPhone).toBe('0573****2345');
    const names = async (u: string, q = '') => (await call(u, 'GET', `/api/v1/organisations${q}`)).json().items.map((i: { name: string }) => i.name).sort();
    expect(await names('grid01')).toEqual(['西山便利店']);
    expect(await names('grid02')).toEqual(['西山社区老年协会']);
    expect(await names('xishan')).toEqual(['西山便利店', '西山社区老年协会']);
    expect(await names('street', '?kind=social_org')).toEqual(['西山社区老年协会']);
    expect(await names('xishan', '?q=便利')).toEqual(['西山便利店']);
    expect((await call('grid02', 'GET', `/api/v1/organisations/${shopId}`)).statusCode).toBe(403);
    expect((await call('grid02', 'PATCH', `/api/v1/organisations/${shopId}`, { employees: 4 })).statusCode).toBe(403);
    expect((await call('grid01', 'POST', '/api/v1/organisations', { name: '越界', kind: 'shop', orgNodeId: fx.nodes.grid02.id })).statusCode).toBe(403);
    expect((await call('street', 'POST', '/api/v1/organisations', { name: '只读', kind: 'shop', orgNodeId: fx.nodes.grid02.id })).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/organisations')).statusCode).toBe(403);
  });

  it('shows the full contact phone only with a purpose and pii.unmask (audited)', async () => {
    const masked = await call('grid01', 'GET', `/api/v1/organisations/${shopId}`);
    expect(masked.json()).toMatchObject({ contactPhone: '135****5678', unmasked: false, abilities: { unmask: true, write: true } });
    const full = await call('grid01', 'GET', `/api/v1/organisations/${shopId}?purpose=${encodeURIComponent('联系店主开展消防检查')}`);
    expect(full.json()).toMatchObject({ contactPhone: '13512345678', unmasked: true });
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'registry.organisation.unmask').executeTakeFirstOrThrow();
    expect(audit.purpose).toBe('联系店主开展消防检查');
    // The dispatcher reads organisations but may not unmask.
    expect((await call('street', 'GET', `/api/v1/organisations/${shopId}?purpose=${encodeURIComponent('核实情况')}`)).statusCode).toBe(403);
  });

  it('updates and closes an organisation; the row stays', async () => {
    const res = await call('grid01', 'PATCH', `/api/v1/organisations/${shopId}`, { employees: 5, contactPhone: '0573-87000001', note: '新增夜间营业' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ employees: 5, contactPhone: '0573****0001', note: '新增夜间营业', creditCode: SHOP });
    const end = await call('grid01', 'DELETE', `/api/v1/organisations/${shopId}?reason=${encodeURIComponent('停业')}`);
    expect(end.statusCode).toBe(200);
    expect(end.json().active).toBe(false);
    expect((await call('grid01', 'GET', '/api/v1/organisations')).json().total).toBe(0);
    expect((await call('grid01', 'GET', '/api/v1/organisations?includeEnded=true')).json().items.map((i: { id: string }) => i.id)).toEqual([shopId]);
    expect((await call('grid01', 'PATCH', `/api/v1/organisations/${shopId}`, { employees: 1 })).statusCode).toBe(409);
    // Its code is free again for the business that takes over.
    expect((await call('grid01', 'POST', '/api/v1/organisations', { name: '西山便利店（新）', kind: 'shop', creditCode: SHOP, orgNodeId: fx.nodes.grid01.id })).statusCode).toBe(201);
  });
});
