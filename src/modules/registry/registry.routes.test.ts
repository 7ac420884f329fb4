import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { countAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { tagPeople } from './scope.fixture.js';
import { reindexAll } from './search.index.js';

const FULL_NUMBERS = Object.values(REGISTRY_PEOPLE).flatMap((p) => [p.idNumber, p.phone]).filter((x) => x !== null) as string[];

/** No full ID or phone number of the fixture anywhere in a text. */
function expectNoFullNumbers(text: string) {
  for (const n of FULL_NUMBERS) expect(text).not.toContain(n);
}

/** Fields a department's mandate can name, as the API spells them (plus the id, always). */
const MANDATE_KEYS: Record<string, string[]> = {
  name: ['name'],
  gender: ['gender'],
  birthDate: ['birthDate', 'age'],
  idNumber: ['idType', 'idNumber'],
  phone: ['phone'],
  address: ['address', 'dwellingId'],
  tags: ['tags'],
};
const allowedKeys = (fields: string[]) => ['id', ...fields.flatMap((f) => MANDATE_KEYS[f] ?? [])];

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
  /** The access-log rows written after `mark()` (the test clock stands still, so rows are told apart by id). */
  const mark = async () => new Set((await platform.ctx.db.kysely.selectFrom('person_access').select('id').execute()).map((r) => r.id));
  const accessRows = async (before: Set<string>) =>
    (await platform.ctx.db.kysely.selectFrom('person_access').selectAll().orderBy('person_id').execute()).filter((r) => !before.has(r.id));
  const p = (s: string) => encodeURIComponent(s);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await reindexAll(platform.ctx);
    // 民政 (civil) covers 低保 and 特困 (among others), not 党员 or 重点人员.
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保', departmentCode: 'civil', validFrom: '2026-01-01', validTo: '2026-12-31' },
      { personId: reg.people.zhu, tag: '党员' },
      { personId: reg.people.chen, tag: '特困', departmentCode: 'civil' },
      { personId: reg.people.wang, tag: '重点人员' },
      { personId: reg.people.xu, tag: '残疾人', ended: true },
      { personId: reg.people.child, tag: '留守儿童', validFrom: '2026-12-01' },
    ]);
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
    for (const url of ['/api/v1/people', '/api/v1/people/lookup?idNumber=33048119800101001X', `/api/v1/people/${reg.people.zhu}`, '/api/v1/people/scope']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('refuses roles without registry.person.read', async () => {
    expect((await get('resident01', '/api/v1/people')).statusCode).toBe(403);
    expect((await get('admin', '/api/v1/people')).statusCode).toBe(403);
  });

  it('keeps no alias under the old /api/v1/registry/people path', async () => {
    expect((await get('xishan', '/api/v1/registry/people')).statusCode).toBe(404);
  });

  it('documents the read routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/people', '/api/v1/people/lookup', '/api/v1/people/scope', '/api/v1/people/export.xlsx', '/api/v1/people/{id}']) expect(doc.paths[path]?.get).toBeTruthy();
  });

  describe('subtree isolation', () => {
    it('a grid worker sees their own grid only', async () => {
      const res = await get('grid01', '/api/v1/people');
      expect(res.statusCode).toBe(200);
      expect(names(res.json())).toEqual(['徐美玲', '朱志强', '朱浩然']);
      expect(res.json().total).toBe(3);
      expect(names((await get('grid02', '/api/v1/people')).json())).toEqual(['王秀英']);
    });

    it('community staff see both grids of 西山社区 and nothing of 东山社区', async () => {
      const body = (await get('xishan', '/api/v1/people')).json();
      expect(names(body)).toEqual(['徐美玲', '朱志强', '朱浩然', '王秀英']);
      expect(body.items.map((i: { id: string }) => i.id)).not.toContain(reg.people.chen);
    });

    it('the street dispatcher sees both communities', async () => {
      expect(names((await get('street', '/api/v1/people')).json())).toEqual(['徐美玲', '朱志强', '朱浩然', '王秀英', '陈东']);
    });

    it('narrows to an orgNodeId inside the scope', async () => {
      const res = await get('xishan', `/api/v1/people?orgNodeId=${fx.nodes.grid02.id}`);
      expect(names(res.json())).toEqual(['王秀英']);
    });

    it('answers 403 for an orgNodeId outside the scope, and records the refusal', async () => {
      const res = await get('xishan', `/api/v1/people?orgNodeId=${fx.nodes.dongshan.id}`);
      expect(res.statusCode).toBe(403);
      const row = await lastAudit('registry.person.list');
      expect(row.outcome).toBe('denied');
      expect(row.actor_name).toBe('xishan');
      expect((await get('grid01', `/api/v1/people?orgNodeId=${fx.nodes.grid02.id}`)).statusCode).toBe(403);
      expect((await get('grid01', '/api/v1/people?orgNodeId=nosuchnode')).statusCode).toBe(404);
    });

    it('denies grid01 a person of grid02 (and the other way round), audited', async () => {
      const res = await get('grid01', `/api/v1/people/${reg.people.wang}`);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('王秀英');
      expect(await lastAudit('registry.person.read')).toMatchObject({ outcome: 'denied', actor_name: 'grid01', target_id: reg.people.wang });
      expect((await get('grid02', `/api/v1/people/${reg.people.zhu}`)).statusCode).toBe(403);
      expect((await get('xishan', `/api/v1/people/${reg.people.chen}`)).statusCode).toBe(403);
      expect((await get('grid02', '/api/v1/people/nosuchperson')).statusCode).toBe(404);
    });
  });

  describe('masking', () => {
    it('masks ID and phone numbers in lists and builds the address from the dwelling', async () => {
      const res = await get('street', '/api/v1/people?pageSize=50');
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
        tags: ['低保', '党员'],
      });
      const chen = res.json().items.find((i: { id: string }) => i.id === reg.people.chen);
      expect(chen).toMatchObject({ idType: '港澳台居民居住证', idNumber: '810000********0037', phone: '186****2222', address: '东山路2号1单元201室', residenceType: '境外人员' });
      const child = res.json().items.find((i: { id: string }) => i.id === reg.people.child);
      // 留守儿童 starts on 1 December: not held yet.
      expect(child).toMatchObject({ idNumber: null, phone: null, age: 10, tags: [] });
    });

    it('gives staff the whole record in the detail view, so edit forms start from it', async () => {
      await platform.ctx.db.kysely
        .updateTable('person')
        .set({ political_status: '群众', education: '大学本科', marital_status: '已婚', hukou_address: '浙江省海宁市硖石街道西山路18号', household_residence_status: '人户同在', relation_to_head: '10', occupation: '教师' })
        .where('id', '=', reg.people.xu)
        .execute();
      const res = await get('xishan', `/api/v1/people/${reg.people.xu}`);
      expect(res.json()).toMatchObject({ politicalStatus: '群众', education: '大学本科', maritalStatus: '已婚', hukouAddress: '浙江省海宁市硖石街道西山路18号', householdResidenceStatus: '人户同在', relationToHead: '10', occupation: '教师', end: null });
    });

    it('masks the detail view unless unmasking is asked', async () => {
      const res = await get('xishan', `/api/v1/people/${reg.people.xu}`);
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
      // A purpose alone is recorded, and does not unmask.
      const withPurpose = await get('xishan', `/api/v1/people/${reg.people.xu}?purpose=${p('入户走访前核对')}`);
      expect(withPurpose.json()).toMatchObject({ unmasked: false, idNumber: '330481********0028' });
      expect(await lastAudit('registry.person.read')).toMatchObject({ purpose: '入户走访前核对', target_id: reg.people.xu });
    });

    it('masks lookups and searches too', async () => {
      for (const url of [`/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}`, `/api/v1/people?q=${REGISTRY_PEOPLE.zhu.phone}`, `/api/v1/people?q=${p('朱')}`]) {
        const res = await get('xishan', url);
        expect(res.statusCode).toBe(200);
        expectNoFullNumbers(res.body);
      }
    });
  });

  describe('unmasking', () => {
    it('shows the full numbers with a purpose and pii.unmask, and records the purpose', async () => {
      const since = await mark();
      const before = await countAudit(platform.ctx.db, 'registry.person.unmask');
      const purpose = '核实低保申请材料';
      const res = await get('xishan', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${p(purpose)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ idNumber: '33048119800101001X', phone: '13812345678', unmasked: true, household: { isHead: true } });
      expect(await countAudit(platform.ctx.db, 'registry.person.unmask')).toBe(before + 1);
      const row = await lastAudit('registry.person.unmask');
      expect(row).toMatchObject({ purpose, target_type: 'person', target_id: reg.people.zhu, outcome: 'success', actor_name: 'xishan' });
      expect(JSON.parse(row.details!)).toEqual({ fields: ['idNumber', 'phone'] });
      // The resident's own access log says who looked, and why.
      const logged = (await accessRows(since)).filter((r) => r.person_id === reg.people.zhu);
      expect(logged).toEqual([expect.objectContaining({ kind: 'unmask', purpose, actor_name: '西山社区 王秀英', department_code: null })]);
    });

    it('needs a purpose to unmask, of reasonable length', async () => {
      const none = await get('xishan', `/api/v1/people/${reg.people.zhu}?unmask=1`);
      expect(none.statusCode).toBe(400);
      expect(none.json().error.code).toBe('PURPOSE_REQUIRED');
      expectNoFullNumbers(none.body);
      expect((await get('xishan', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=a`)).statusCode).toBe(400);
      expect((await get('xishan', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${'x'.repeat(201)}`)).statusCode).toBe(400);
    });

    it('refuses to unmask without pii.unmask, even with a purpose', async () => {
      // The dispatcher may read the registry but not unmask it.
      const masked = await get('street', `/api/v1/people/${reg.people.zhu}`);
      expect(masked.statusCode).toBe(200);
      expect(masked.json().abilities).toEqual({ unmask: false });
      const res = await get('street', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${p('派遣核实')}`);
      expect(res.statusCode).toBe(403);
      expectNoFullNumbers(res.body);
      const row = await lastAudit('registry.person.unmask');
      expect(row).toMatchObject({ outcome: 'denied', actor_name: 'street', purpose: '派遣核实', target_id: reg.people.zhu });
    });
  });

  describe('department officers (民政 civil: 低保, 特困 … across the street)', () => {
    const purpose = '低保年度复核';

    it('must state a purpose for every read', async () => {
      for (const url of ['/api/v1/people', `/api/v1/people/${reg.people.zhu}`, `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}`, '/api/v1/people/export.xlsx']) {
        const res = await get('civil', url);
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'PURPOSE_REQUIRED', message: expect.stringContaining('用途') });
      }
    });

    it('tells the console what it may read', async () => {
      const res = await get('civil', '/api/v1/people/scope');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ staff: false, purposeRequired: true, departments: [{ code: 'civil', name: '民政', orgNodeId: fx.nodes.street.id, tags: expect.arrayContaining(['低保', '特困']) }] });
      expect((await get('xishan', '/api/v1/people/scope')).json()).toEqual({ staff: true, purposeRequired: false, departments: [], filterableFields: null });
    });

    it('see only people holding a tag of their mandate today, with mandate fields only', async () => {
      const res = await get('civil', `/api/v1/people?pageSize=50&purpose=${p(purpose)}`);
      expect(res.statusCode).toBe(200);
      // 王秀英 (重点人员) is not theirs; 徐美玲's 残疾人 has ended; 朱浩然's 留守儿童 starts on 1 December.
      expect(names(res.json())).toEqual(['朱志强', '陈东']);
      expect(res.json().total).toBe(2);
      const civilFields = ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'];
      for (const item of res.json().items) {
        for (const key of Object.keys(item)) expect(allowedKeys(civilFields)).toContain(key);
        for (const hidden of ['residenceType', 'status', 'householdId']) expect(item).not.toHaveProperty(hidden);
      }
      // Only the mandate's tags: 朱志强 is a 党员 too, which is none of 民政's business.
      expect(res.json().items.find((i: { id: string }) => i.id === reg.people.zhu)).toMatchObject({ phone: '138****5678', address: '1幢1单元101室', tags: ['低保'] });
    });

    it('record the purpose in the audit row and one access-log row per person listed', async () => {
      const since = await mark();
      const before = await countAudit(platform.ctx.db, 'registry.person.list');
      await get('civil', `/api/v1/people?purpose=${p(purpose)}`);
      expect(await countAudit(platform.ctx.db, 'registry.person.list')).toBe(before + 1);
      const row = await lastAudit('registry.person.list');
      expect(row).toMatchObject({ actor_name: 'civil', purpose, outcome: 'success' });
      expect(JSON.parse(row.details!)).toEqual({ orgNodeId: null, count: 2, departments: ['civil'] });
      const logged = await accessRows(since);
      expect(logged.map((r) => r.person_id).sort()).toEqual([reg.people.zhu, reg.people.chen].sort());
      for (const r of logged) expect(r).toMatchObject({ kind: 'list', department_code: 'civil', purpose, actor_name: '民政办 张伟' });
    });

    it('staff list reads write no access-log rows (one audit row is their record)', async () => {
      const since = await mark();
      await get('xishan', '/api/v1/people');
      expect(await accessRows(since)).toEqual([]);
    });

    it('read a tagged person in detail with a purpose, audited and logged; others are refused', async () => {
      const since = await mark();
      const res = await get('civil', `/api/v1/people/${reg.people.zhu}?purpose=${p(purpose)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: '朱志强', tags: ['低保'], unmasked: false });
      for (const hidden of ['residenceType', 'status', 'householdId', 'ethnicity', 'household', 'dwelling']) expect(res.json()).not.toHaveProperty(hidden);
      expect(await lastAudit('registry.person.read')).toMatchObject({ actor_name: 'civil', purpose, target_id: reg.people.zhu });
      expect(await accessRows(since)).toEqual([expect.objectContaining({ person_id: reg.people.zhu, kind: 'view', department_code: 'civil', purpose })]);
      // In the subtree, but holding none of the mandate's tags.
      const wang = await get('civil', `/api/v1/people/${reg.people.wang}?purpose=${p(purpose)}`);
      expect(wang.statusCode).toBe(403);
      expect(await lastAudit('registry.person.read')).toMatchObject({ actor_name: 'civil', outcome: 'denied', target_id: reg.people.wang });
    });

    it('look up only people of their mandate, with the purpose logged', async () => {
      const since = await mark();
      const found = await get('civil', `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}&purpose=${p(purpose)}`);
      expect(found.json().items.map((i: { id: string }) => i.id)).toEqual([reg.people.zhu]);
      const notTheirs = await get('civil', `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.wang.idNumber}&purpose=${p(purpose)}`);
      expect(notTheirs.json().items).toEqual([]);
      expect(await lastAudit('registry.person.lookup')).toMatchObject({ purpose, actor_name: 'civil' });
      expect(await accessRows(since)).toEqual([expect.objectContaining({ person_id: reg.people.zhu, kind: 'lookup', department_code: 'civil', purpose })]);
    });

    it('may not filter or search by what the mandate does not cover', async () => {
      for (const q of ['tag=党员', 'residenceType=流动人口', 'status=all']) {
        const res = await get('civil', `/api/v1/people?purpose=${p(purpose)}&${q.replace(/=(.*)$/, (_, v: string) => `=${p(v)}`)}`);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('FILTER_OUTSIDE_MANDATE');
      }
      expect(await lastAudit('registry.person.list')).toMatchObject({ outcome: 'denied', actor_name: 'civil' });
      expect(names((await get('civil', `/api/v1/people?purpose=${p(purpose)}&tag=${p('低保')}`)).json())).toEqual(['朱志强']);
    });

    it('see a tag from the day it starts (a day in China)', async () => {
      // 00:30 on 1 December in Beijing is still 30 November in UTC.
      platform.setNow(new Date('2026-11-30T16:30:00Z'));
      try {
        const session = await loginAs(app, 'civil');
        const res = await app.inject({ method: 'GET', url: `/api/v1/people?purpose=${p(purpose)}`, headers: session.headers });
        expect(names(res.json())).toEqual(['朱志强', '朱浩然', '陈东']);
      } finally {
        platform.setNow(new Date('2026-11-26T02:00:00Z'));
      }
    });

    it('without phone and address in the mandate (人社) see neither, nor search by them', async () => {
      const res = await get('social', `/api/v1/people?pageSize=50&purpose=${p('养老保险资格认证')}`);
      expect(res.statusCode).toBe(200);
      // 人社 covers 低保 and 退役军人: only 朱志强.
      expect(names(res.json())).toEqual(['朱志强']);
      const socialFields = ['name', 'gender', 'birthDate', 'idNumber', 'tags'];
      for (const item of res.json().items) for (const key of Object.keys(item)) expect(allowedKeys(socialFields)).toContain(key);
      expect(res.json().items[0]).toMatchObject({ idNumber: '330481********001X', birthDate: '1980-01-01' });
      const byPhone = await get('social', `/api/v1/people?purpose=${p('养老保险资格认证')}&q=${REGISTRY_PEOPLE.zhu.phone}`);
      expect(byPhone.statusCode).toBe(403);
      expect(byPhone.json().error.code).toBe('FILTER_OUTSIDE_MANDATE');
      const byAddress = await get('social', `/api/v1/people?purpose=${p('养老保险资格认证')}&q=${p('1幢1单元101室')}`);
      expect(byAddress.statusCode).toBe(403);
    });

    it('unmask only what their mandate covers', async () => {
      const res = await get('social', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${p('养老保险资格认证')}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().idNumber).toBe(REGISTRY_PEOPLE.zhu.idNumber);
      expect(res.json()).not.toHaveProperty('phone');
      expect(res.json()).not.toHaveProperty('household');
      expect(JSON.parse((await lastAudit('registry.person.unmask')).details!)).toEqual({ fields: ['idNumber'], departments: ['social-security'] });
    });

    it('civil, with phone taken out of its mandate, never sees a phone anywhere', async () => {
      const db = platform.ctx.db.kysely;
      const original = (await db.selectFrom('department').select('mandate').where('code', '=', 'civil').executeTakeFirstOrThrow()).mandate;
      const mandate = JSON.parse(original) as { tags: string[]; fields: string[] };
      await db.updateTable('department').set({ mandate: JSON.stringify({ ...mandate, fields: mandate.fields.filter((f) => f !== 'phone') }) }).where('code', '=', 'civil').execute();
      try {
        const q = `purpose=${p(purpose)}`;
        const list = await get('civil', `/api/v1/people?${q}`);
        const detail = await get('civil', `/api/v1/people/${reg.people.zhu}?${q}&unmask=true`);
        const lookup = await get('civil', `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}&${q}`);
        for (const res of [list, detail, lookup]) {
          expect(res.statusCode).toBe(200);
          expect(res.body).not.toContain('"phone"');
          expect(res.body).not.toContain(REGISTRY_PEOPLE.zhu.phone);
          expect(res.body).not.toContain('138****5678');
        }
        expect(detail.json()).toMatchObject({ unmasked: true, idNumber: REGISTRY_PEOPLE.zhu.idNumber });
        expect((await get('civil', `/api/v1/people?${q}&q=5678`)).statusCode).toBe(400); // a tail needs a grid first …
        expect((await get('civil', `/api/v1/people?${q}&q=${REGISTRY_PEOPLE.zhu.phone}`)).json().error.code).toBe('FILTER_OUTSIDE_MANDATE');
      } finally {
        await db.updateTable('department').set({ mandate: original }).where('code', '=', 'civil').execute();
      }
    });
  });

  describe('look-up', () => {
    it('looks a person up by ID number through the blind index, 15-digit numbers included', async () => {
      const since = await mark();
      const res = await get('xishan', `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber.toLowerCase()}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((i: { id: string }) => i.id)).toEqual([reg.people.zhu]);
      expect(await accessRows(since)).toEqual([expect.objectContaining({ person_id: reg.people.zhu, kind: 'lookup', department_code: null })]);
      // 330481800101001 is the first-generation form of 33048119800101001X
      expect((await get('xishan', '/api/v1/people/lookup?idNumber=330481800101001')).json().items).toHaveLength(1);
      const row = await lastAudit('registry.person.lookup');
      expect(JSON.parse(row.details!)).toEqual({ idNumber: '330481********001X', count: 1 });
    });

    it('does not reveal people outside the scope to a look-up', async () => {
      const res = await get('grid02', `/api/v1/people/lookup?idNumber=${REGISTRY_PEOPLE.zhu.idNumber}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toEqual([]);
      expect(JSON.parse((await lastAudit('registry.person.lookup')).details!)).toEqual({ idNumber: '330481********001X', count: 0 });
    });

    it('rejects an invalid ID number before looking', async () => {
      const res = await get('xishan', '/api/v1/people/lookup?idNumber=330481198001010010');
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
      await get('xishan', `/api/v1/people?orgNodeId=${fx.nodes.grid01.id}`);
      expect(await countAudit(platform.ctx.db, 'registry.person.list')).toBe(before + 1);
      const row = await lastAudit('registry.person.list');
      expect(row.org_node_id).toBe(fx.nodes.grid01.id);
      expect(JSON.parse(row.details!)).toEqual({ orgNodeId: fx.nodes.grid01.id, count: 3 });
    });

    it('never holds a full ID or phone number', async () => {
      const rows = await platform.ctx.db.kysely.selectFrom('audit_log').select(['details', 'purpose', 'target_id']).execute();
      expect(rows.length).toBeGreaterThan(10);
      expectNoFullNumbers(JSON.stringify(rows));
      expectNoFullNumbers(JSON.stringify(await platform.ctx.db.kysely.selectFrom('person_access').selectAll().execute()));
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
