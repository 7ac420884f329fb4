import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { countAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';

const FULL_NUMBERS = Object.values(REGISTRY_PEOPLE).flatMap((p) => [p.idNumber, p.phone]).filter((x) => x !== null) as string[];

/** No full ID or phone number of the fixture anywhere in a text. */
function expectNoFullNumbers(text: string) {
  for (const n of FULL_NUMBERS) expect(text).not.toContain(n);
}

describe(`registry people API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const names = (body: { items: { name?: string }[] }) => body.items.map((i) => i.name).sort();
  const lastAudit = (action: string) =>
    platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    // An officer of a department whose mandate has neither phone nor address.
    await createUser(platform.ctx, {
      username: 'social',
      displayName: '人社 李芳',
      password: DEMO_PASSWORD,
      mustChangePassword: false,
      grants: [{ role: 'department_officer', orgNodeId: fx.nodes.street.id, departmentCode: 'social-security' }],
    });
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/registry/people' });
    expect(res.statusCode).toBe(401);
  });

  it('refuses roles without registry.person.read', async () => {
    expect((await get('resident01', '/api/v1/registry/people')).statusCode).toBe(403);
    expect((await get('admin', '/api/v1/registry/people')).statusCode).toBe(403);
  });

  describe('subtree isolation', () => {
    it('a grid worker sees their own grid only', async () => {
      const res = await get('grid01', '/api/v1/registry/people');
      expect(res.statusCode).toBe(200);
      expect(names(res.json())).toEqual(['徐美玲', '朱志强', '朱浩然']);
      expect(res.json().total).toBe(3);
      expect(names((await get('grid02', '/api/v1/registry/people')).json())).toEqual(['王秀英']);
    });

    it('community staff see both grids of 西山社区 and nothing of 东山社区', async () => {
      const body = (await get('xishan', '/api/v1/registry/people')).json();
      expect(names(body)).toEqual(['徐美玲', '朱志强', '朱浩然', '王秀英']);
      expect(body.items.map((i: { id: string }) => i.id)).not.toContain(reg.people.chen);
    });

    it('the street dispatcher sees both communities', async () => {
      expect(names((await get('street', '/api/v1/registry/people')).json())).toEqual(['徐美玲', '朱志强', '朱浩然', '王秀英', '陈东']);
    });

    it('narrows to an orgNodeId inside the scope', async () => {
      const res = await get('xishan', `/api/v1/registry/people?orgNodeId=${fx.nodes.grid02.id}`);
      expect(names(res.json())).toEqual(['王秀英']);
    });

    it('answers 403 for an orgNodeId outside the scope, and records the refusal', async () => {
      const res = await get('xishan', `/api/v1/registry/people?orgNodeId=${fx.nodes.dongshan.id}`);
      expect(res.statusCode).toBe(403);
      const row = await lastAudit('registry.person.list');
      expect(row.outcome).toBe('denied');
      expect(row.actor_name).toBe('xishan');
      expect((await get('grid01', `/api/v1/registry/people?orgNodeId=${fx.nodes.grid02.id}`)).statusCode).toBe(403);
      expect((await get('grid01', '/api/v1/registry/people?orgNodeId=nosuchnode')).statusCode).toBe(404);
    });

    it('does not show a person of another subtree by id', async () => {
      expect((await get('xishan', `/api/v1/registry/people/${reg.people.chen}`)).statusCode).toBe(403);
      expect((await get('grid02', `/api/v1/registry/people/${reg.people.zhu}`)).statusCode).toBe(403);
      expect((await get('grid02', '/api/v1/registry/people/nosuchperson')).statusCode).toBe(404);
    });
  });

  describe('masking', () => {
    it('masks ID and phone numbers in lists and builds the address from the dwelling', async () => {
      const res = await get('street', '/api/v1/registry/people?pageSize=50');
      expectNoFullNumbers(res.body);
      const zhu = res.json().items.find((i: { id: string }) => i.id === reg.people.zhu);
      expect(zhu).toMatchObject({
        name: '朱志强',
        gender: '男',
        birthDate: '1980-01-01',
        age: 46,
        idType: '居民身份证',
        idNumber: '330481********001X',
        phone: '138****5678',
        address: '1幢1单元101室',
        residenceType: '户籍人口',
        status: 'active',
        householdId: reg.householdId,
      });
      const chen = res.json().items.find((i: { id: string }) => i.id === reg.people.chen);
      expect(chen).toMatchObject({ idType: '港澳台居民居住证', idNumber: '810000********0037', phone: '186****2222', address: '东山路2号1单元201室', residenceType: '境外人员' });
      const child = res.json().items.find((i: { id: string }) => i.id === reg.people.child);
      expect(child).toMatchObject({ idNumber: null, phone: null, age: 10 });
    });

    it('masks the detail view unless a purpose is given', async () => {
      const res = await get('xishan', `/api/v1/registry/people/${reg.people.xu}`);
      expect(res.statusCode).toBe(200);
      expectNoFullNumbers(res.body);
      expect(res.json()).toMatchObject({
        name: '徐美玲',
        gender: '女',
        idNumber: '330481********0028',
        phone: '139****4321',
        ethnicity: '汉族',
        household: { id: reg.householdId, number: '003000001', isHead: false },
        dwelling: { use: '自住', areaM2: 86.5 },
        unmasked: false,
        abilities: { unmask: true },
      });
      expect((await lastAudit('registry.person.read')).target_id).toBe(reg.people.xu);
    });

    it('masks lookups and searches too', async () => {
      for (const url of [
        `/api/v1/registry/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}`,
        `/api/v1/registry/people?q=${REGISTRY_PEOPLE.zhu.phone}`,
        `/api/v1/registry/people?q=${encodeURIComponent('朱')}`,
      ]) {
        const res = await get('xishan', url);
        expect(res.statusCode).toBe(200);
        expectNoFullNumbers(res.body);
      }
    });
  });

  describe('unmasking', () => {
    it('shows the full numbers with a purpose and pii.unmask, and records the purpose', async () => {
      const before = await countAudit(platform.ctx.db, 'registry.person.unmask');
      const purpose = '核实低保申请材料';
      const res = await get('xishan', `/api/v1/registry/people/${reg.people.zhu}?purpose=${encodeURIComponent(purpose)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ idNumber: '33048119800101001X', phone: '13812345678', unmasked: true, household: { isHead: true } });
      expect(await countAudit(platform.ctx.db, 'registry.person.unmask')).toBe(before + 1);
      const row = await lastAudit('registry.person.unmask');
      expect(row).toMatchObject({ purpose, target_type: 'person', target_id: reg.people.zhu, outcome: 'success', actor_name: 'xishan' });
      expect(JSON.parse(row.details!)).toEqual({ fields: ['idNumber', 'phone'] });
    });

    it('rejects a purpose that is too short or too long', async () => {
      expect((await get('xishan', `/api/v1/registry/people/${reg.people.zhu}?purpose=a`)).statusCode).toBe(400);
      expect((await get('xishan', `/api/v1/registry/people/${reg.people.zhu}?purpose=${'x'.repeat(201)}`)).statusCode).toBe(400);
    });

    it('refuses to unmask without pii.unmask, even with a purpose', async () => {
      // The dispatcher may read the registry but not unmask it.
      const masked = await get('street', `/api/v1/registry/people/${reg.people.zhu}`);
      expect(masked.statusCode).toBe(200);
      expect(masked.json().abilities).toEqual({ unmask: false });
      const res = await get('street', `/api/v1/registry/people/${reg.people.zhu}?purpose=${encodeURIComponent('派遣核实')}`);
      expect(res.statusCode).toBe(403);
      expectNoFullNumbers(res.body);
      const row = await lastAudit('registry.person.unmask');
      expect(row).toMatchObject({ outcome: 'denied', actor_name: 'street', purpose: '派遣核实', target_id: reg.people.zhu });
    });
  });

  describe('department officers', () => {
    it('see only the fields of their mandate', async () => {
      const res = await get('social', '/api/v1/registry/people?pageSize=50');
      expect(res.statusCode).toBe(200);
      const items = res.json().items as Record<string, unknown>[];
      expect(items).toHaveLength(5);
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(expect.arrayContaining(['id', 'name', 'gender']));
        for (const hidden of ['phone', 'address', 'dwellingId', 'residenceType', 'status', 'householdId']) expect(item).not.toHaveProperty(hidden);
      }
      expect(items.find((i) => i.id === reg.people.zhu)).toMatchObject({ idNumber: '330481********001X', birthDate: '1980-01-01' });
    });

    it('unmask only what their mandate covers', async () => {
      const res = await get('social', `/api/v1/registry/people/${reg.people.xu}?purpose=${encodeURIComponent('养老保险资格认证')}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().idNumber).toBe(REGISTRY_PEOPLE.xu.idNumber);
      expect(res.json()).not.toHaveProperty('phone');
      expect(res.json()).not.toHaveProperty('household');
      expect(JSON.parse((await lastAudit('registry.person.unmask')).details!)).toEqual({ fields: ['idNumber'] });
    });

    it('with a wider mandate see phone and address', async () => {
      const item = (await get('civil', '/api/v1/registry/people?pageSize=50')).json().items.find((i: { id: string }) => i.id === reg.people.zhu);
      expect(item).toMatchObject({ phone: '138****5678', address: '1幢1单元101室' });
      expect(item).not.toHaveProperty('residenceType');
    });
  });

  describe('search and look-up', () => {
    it('finds by name fragment, full mobile, or last four characters', async () => {
      expect(names((await get('xishan', `/api/v1/registry/people?q=${encodeURIComponent('朱')}`)).json())).toEqual(['朱志强', '朱浩然']);
      expect(names((await get('xishan', `/api/v1/registry/people?q=${encodeURIComponent('+86 159-0000-1111')}`)).json())).toEqual(['王秀英']);
      expect(names((await get('xishan', '/api/v1/registry/people?q=001x')).json())).toEqual(['朱志强']);
      expect(names((await get('xishan', '/api/v1/registry/people?q=%25')).json())).toEqual([]);
    });

    it('pages through a subtree', async () => {
      const p1 = (await get('street', '/api/v1/registry/people?pageSize=2&page=1')).json();
      const p3 = (await get('street', '/api/v1/registry/people?pageSize=2&page=3')).json();
      expect(p1).toMatchObject({ total: 5, page: 1, pageSize: 2 });
      expect(p1.items).toHaveLength(2);
      expect(p3.items).toHaveLength(1);
    });

    it('looks a person up by ID number through the blind index, 15-digit numbers included', async () => {
      const res = await get('xishan', `/api/v1/registry/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber.toLowerCase()}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((i: { id: string }) => i.id)).toEqual([reg.people.zhu]);
      // 330481800101001 is the first-generation form of 33048119800101001X
      expect((await get('xishan', '/api/v1/registry/people/lookup?idNumber=330481800101001')).json().items).toHaveLength(1);
      const row = await lastAudit('registry.person.lookup');
      expect(JSON.parse(row.details!)).toEqual({ idNumber: '330481********001X', count: 1 });
    });

    it('does not reveal people outside the scope to a look-up', async () => {
      const res = await get('grid02', `/api/v1/registry/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([]);
      expect(JSON.parse((await lastAudit('registry.person.lookup')).details!)).toEqual({ idNumber: '330481********001X', count: 0 });
    });

    it('rejects an invalid ID number before looking', async () => {
      const res = await get('xishan', '/api/v1/registry/people/lookup?idNumber=330481198001010010');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details[0].field).toBe('querystring.idNumber');
      expect(res.json().error.details[0]).toMatchObject({ code: 'ID_NUMBER_INVALID', message: '身份证号码无效' });
      // The offending number is not echoed back.
      expect(res.body).not.toContain('330481198001010010');
    });
  });

  describe('audit', () => {
    it('writes exactly one row per list read, with the node and the count', async () => {
      const before = await countAudit(platform.ctx.db, 'registry.person.list');
      await get('xishan', `/api/v1/registry/people?orgNodeId=${fx.nodes.grid01.id}`);
      expect(await countAudit(platform.ctx.db, 'registry.person.list')).toBe(before + 1);
      const row = await lastAudit('registry.person.list');
      expect(row.org_node_id).toBe(fx.nodes.grid01.id);
      expect(JSON.parse(row.details!)).toEqual({ orgNodeId: fx.nodes.grid01.id, count: 3 });
    });

    it('never holds a full ID or phone number', async () => {
      const rows = await platform.ctx.db.kysely.selectFrom('audit_log').select(['details', 'purpose', 'target_id']).execute();
      expect(rows.length).toBeGreaterThan(10);
      expectNoFullNumbers(JSON.stringify(rows));
    });

    it('stores the numbers only encrypted', async () => {
      const rows = await platform.ctx.db.kysely.selectFrom('person').selectAll().execute();
      expectNoFullNumbers(JSON.stringify(rows));
      const zhu = rows.find((r) => r.id === reg.people.zhu)!;
      expect(platform.ctx.pii.decrypt(zhu.id_number_enc!)).toBe(REGISTRY_PEOPLE.zhu.idNumber);
      expect(zhu).toMatchObject({ id_number_region: '330481', id_number_tail: '001X', phone_prefix: '138', phone_tail: '5678' });
    });
  });
});
