import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { createUser } from '../../platform/auth/users.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { refreshAllDerivedTags } from './tags.derived.js';

describe(`tags API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const post = async (username: string, url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: (await as(username)).headers });
  const lastAudit = (action: string) =>
    platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const counts = (body: { items: { code: string; count: number | null }[] }) => Object.fromEntries(body.items.map((i) => [i.code, i.count]));

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await refreshAllDerivedTags(platform.ctx);
    // An officer of 综治 (public security) on the street, and one of 民政 on 东山社区 only.
    for (const [username, departmentCode, node] of [
      ['zongzhi', 'public-security', fx.nodes.street.id],
      ['civil-ds', 'civil', fx.nodes.dongshan.id],
    ] as const) {
      await createUser(platform.ctx, {
        username,
        displayName: username,
        password: DEMO_PASSWORD,
        mustChangePassword: false,
        grants: [{ role: 'department_officer', orgNodeId: node, departmentCode }],
      });
    }
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/tags' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/api/v1/people/${reg.people.zhu}/tags` })).statusCode).toBe(401);
  });

  describe('definitions', () => {
    it('lists the standard tags with their category, rule and holders in the caller\'s subtree', async () => {
      const res = await get('xishan', '/api/v1/tags');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.map((i: { code: string }) => i.code)).toEqual(['低保', '特困', '残疾人', '独居老人', '高龄老人', '空巢老人', '退役军人', '育龄妇女', '留守儿童', '党员', '重点人员']);
      expect(body.items.find((i: { code: string }) => i.code === '育龄妇女')).toMatchObject({ category: '计划生育', derived: true, rule: '15至49周岁女性', sensitive: false, count: 1 });
      expect(body.items.find((i: { code: string }) => i.code === '低保')).toMatchObject({ category: '社会救助', derived: false, rule: null, sensitive: true, count: 0 });
      expect(body.abilities).toEqual({ define: true });
      expect(counts((await get('grid02', '/api/v1/tags')).json())['育龄妇女']).toBe(0);
      expect((await get('grid02', `/api/v1/tags?orgNodeId=${fx.nodes.grid01.id}`)).statusCode).toBe(403);
    });

    it('shows a department officer only its mandate\'s tags; the system admin definitions without counts', async () => {
      const civil = (await get('civil', '/api/v1/tags')).json();
      expect(civil.items.map((i: { code: string }) => i.code)).toEqual(['低保', '特困', '残疾人', '独居老人', '高龄老人', '空巢老人', '留守儿童']);
      expect(civil.abilities.define).toBe(false);
      const admin = (await get('admin', '/api/v1/tags')).json();
      expect(admin.items).toHaveLength(11);
      expect(admin.items.every((i: { count: number | null }) => i.count === null)).toBe(true);
      expect((await get('resident01', '/api/v1/tags')).statusCode).toBe(403);
    });

    it('lets community staff define a tag (audited), once; not grid workers', async () => {
      const res = await post('xishan', '/api/v1/tags', { code: '失独家庭', category: '计划生育', description: '独生子女死亡且未再生育的家庭' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ code: '失独家庭', category: '计划生育', derived: false, sensitive: true, count: 0 });
      expect((await lastAudit('registry.tag.define')).target_id).toBe('失独家庭');
      expect((await post('xishan', '/api/v1/tags', { code: '失独家庭', category: '计划生育' })).statusCode).toBe(409);
      expect((await post('grid01', '/api/v1/tags', { code: '新标签', category: '其他' })).statusCode).toBe(403);
      expect((await post('xishan', '/api/v1/tags', { code: '有 空格', category: '其他' })).statusCode).toBe(400);
    });
  });

  describe('a person\'s tags', () => {
    let disabledRow: string;
    let dibaoRow: string;

    it('gives a typed tag with validity and note, audited', async () => {
      const res = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '残疾人', validFrom: '2020-03-01', note: '肢体残疾四级' });
      expect(res.statusCode).toBe(201);
      const row = res.json();
      disabledRow = row.id;
      expect(row).toMatchObject({
        tag: '残疾人',
        category: '残疾人',
        source: 'typed',
        departmentCode: null,
        validFrom: '2020-03-01',
        validTo: null,
        note: '肢体残疾四级',
        createdBy: { id: fx.users.grid01, name: '网格员 李建华' },
        endedAt: null,
        activeToday: true,
      });
      const audit = await lastAudit('registry.tag.add');
      expect(audit).toMatchObject({ outcome: 'success', target_id: reg.people.zhu, actor_name: 'grid01' });
      expect(JSON.parse(audit.details!)).toMatchObject({ tag: '残疾人', source: 'typed', validFrom: '2020-03-01' });
    });

    it('refuses a tag held for an overlapping period, an unknown tag, a derived tag and bad dates', async () => {
      const again = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '残疾人' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('TAG_ALREADY_HELD');
      expect((await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '不存在' })).json().error.code).toBe('TAG_NOT_DEFINED');
      const derived = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '高龄老人' });
      expect(derived.statusCode).toBe(409);
      expect(derived.json().error.code).toBe('TAG_IS_DERIVED');
      expect((await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', validFrom: '2026-02-30' })).statusCode).toBe(400);
      expect((await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', validFrom: '2026-05-01', validTo: '2026-01-01' })).statusCode).toBe(400);
    });

    it('denies a grid worker a person of another grid, and records the refusal', async () => {
      const res = await post('grid02', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保' });
      expect(res.statusCode).toBe(403);
      expect(await lastAudit('registry.tag.add')).toMatchObject({ outcome: 'denied', actor_name: 'grid02', target_id: reg.people.zhu });
      expect((await post('xishan', `/api/v1/people/${reg.people.chen}/tags`, { tag: '低保' })).statusCode).toBe(403);
      expect((await post('grid01', '/api/v1/people/nosuchperson/tags', { tag: '低保' })).statusCode).toBe(404);
    });

    it('lets only an officer of the department grant a department tag of its mandate, recording the department', async () => {
      const staff = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'department' });
      expect(staff.statusCode).toBe(403);
      expect(staff.json().error.code).toBe('TAG_DEPARTMENT_SOURCE');
      const typed = await post('civil', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'typed' });
      expect(typed.json().error.code).toBe('TAG_DEPARTMENT_ONLY');
      const outside = await post('civil', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '重点人员', source: 'department' });
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('TAG_OUTSIDE_MANDATE');
      expect((await post('civil', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'department', departmentCode: 'health' })).statusCode).toBe(403);
      // 民政 of 东山社区 does not reach 西山社区.
      expect((await post('civil-ds', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'department' })).statusCode).toBe(403);
      const ok = await post('civil', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'department', validFrom: '2025-01-01', validTo: '2026-12-31', note: '差额保障' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ source: 'department', departmentCode: 'civil', departmentName: '民政', createdBy: { id: fx.users.civil } });
      dibaoRow = ok.json().id;
      const zz = await post('zongzhi', `/api/v1/people/${reg.people.xu}/tags`, { tag: '重点人员', source: 'department', note: '社区矫正对象' });
      expect(zz.statusCode).toBe(201);
      expect(zz.json().departmentCode).toBe('public-security');
    });

    it('ends a tag with a reason (never deletes it); department tags only by the department, derived ones never', async () => {
      const byStaff = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags/${dibaoRow}/end`, { reason: '不再符合' });
      expect(byStaff.statusCode).toBe(403);
      const byCivil = await post('civil', `/api/v1/people/${reg.people.zhu}/tags/${dibaoRow}/end`, { reason: '家庭收入超过保障标准' });
      expect(byCivil.statusCode).toBe(200);
      expect(byCivil.json()).toMatchObject({ endReason: '家庭收入超过保障标准', endedBy: { id: fx.users.civil }, activeToday: false });
      expect((await post('civil', `/api/v1/people/${reg.people.zhu}/tags/${disabledRow}/end`, { reason: '注销' })).json().error.code).toBe('TAG_DEPARTMENT_ONLY');
      const ended = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags/${disabledRow}/end`, { reason: '残疾人证已注销' });
      expect(ended.statusCode).toBe(200);
      expect(JSON.parse((await lastAudit('registry.tag.end')).details!)).toMatchObject({ tagId: disabledRow, tag: '残疾人', reason: '残疾人证已注销' });
      const twice = await post('grid01', `/api/v1/people/${reg.people.zhu}/tags/${disabledRow}/end`, { reason: '残疾人证已注销' });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.code).toBe('TAG_ALREADY_ENDED');
      // The row belongs to 朱志强, not to 徐美玲.
      expect((await post('grid01', `/api/v1/people/${reg.people.xu}/tags/${disabledRow}/end`, { reason: '错误' })).statusCode).toBe(404);
      const derived = await platform.ctx.db.kysely.selectFrom('person_tag').select('id').where('person_id', '=', reg.people.xu).where('tag', '=', '育龄妇女').executeTakeFirstOrThrow();
      expect((await post('xishan', `/api/v1/people/${reg.people.xu}/tags/${derived.id}/end`, { reason: '手工结束' })).json().error.code).toBe('TAG_IS_DERIVED');
      const rows = await platform.ctx.db.kysely.selectFrom('person_tag').select('id').where('person_id', '=', reg.people.zhu).execute();
      expect(rows.map((r) => r.id).sort()).toEqual([dibaoRow, disabledRow].sort());
    });

    it('lists active tags, and with history=1 the ended ones with who, when and why; each read audited and logged for the resident', async () => {
      const active = await get('grid01', `/api/v1/people/${reg.people.xu}/tags`);
      expect(active.statusCode).toBe(200);
      expect(active.json().items.map((i: { tag: string }) => i.tag).sort()).toEqual(['育龄妇女', '重点人员'].sort());
      expect(active.json().abilities).toEqual({ typed: true, departments: [] });
      expect((await get('grid01', `/api/v1/people/${reg.people.zhu}/tags`)).json().items).toEqual([]);
      const history = (await get('grid01', `/api/v1/people/${reg.people.zhu}/tags?history=1`)).json();
      expect(history.items).toHaveLength(2);
      const dibao = history.items.find((i: { tag: string }) => i.tag === '低保');
      expect(dibao).toMatchObject({ source: 'department', departmentName: '民政', validFrom: '2025-01-01', validTo: '2026-12-31', createdBy: { name: '民政办 张伟' }, endedBy: { name: '民政办 张伟' }, endReason: '家庭收入超过保障标准' });
      expect(dibao.endedAt).toEqual(expect.any(String));
      const audit = await lastAudit('registry.person.tags.read');
      expect(audit).toMatchObject({ target_id: reg.people.zhu, actor_name: 'grid01' });
      const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', reg.people.zhu).where('kind', '=', 'view').execute();
      expect(access.length).toBeGreaterThanOrEqual(2);
      expect(access[0]).toMatchObject({ actor_id: fx.users.grid01, actor_name: '网格员 李建华' });
      expect((await get('grid02', `/api/v1/people/${reg.people.zhu}/tags`)).statusCode).toBe(403);
    });

    it('shows a department officer only its mandate\'s tags, with a stated purpose', async () => {
      const without = await get('civil', `/api/v1/people/${reg.people.xu}/tags`);
      expect(without.statusCode).toBe(400);
      expect(without.json().error.code).toBe('PURPOSE_REQUIRED');
      const res = await get('civil', `/api/v1/people/${reg.people.xu}/tags?purpose=${encodeURIComponent('低保复核')}`);
      expect(res.statusCode).toBe(200);
      // 育龄妇女 and 重点人员 are outside 民政's mandate.
      expect(res.json().items).toEqual([]);
      expect(res.json().abilities).toEqual({ typed: false, departments: ['civil'] });
      const zz = (await get('zongzhi', `/api/v1/people/${reg.people.xu}/tags?purpose=${encodeURIComponent('矫正对象走访')}`)).json();
      expect(zz.items.map((i: { tag: string }) => i.tag)).toEqual(['重点人员']);
      const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', reg.people.xu).where('department_code', '=', 'public-security').executeTakeFirstOrThrow();
      expect(access).toMatchObject({ kind: 'view', purpose: '矫正对象走访' });
      expect(await lastAudit('registry.person.tags.read')).toMatchObject({ purpose: '矫正对象走访', actor_name: 'zongzhi' });
    });

    it('counts holders today in the caller\'s subtree', async () => {
      const c = counts((await get('xishan', '/api/v1/tags')).json());
      expect(c).toMatchObject({ 低保: 0, 残疾人: 0, 重点人员: 1, 育龄妇女: 1, 失独家庭: 0 });
      expect(counts((await get('civil-ds', '/api/v1/tags')).json())['低保']).toBe(0);
    });

    it('refuses tags for an ended record', async () => {
      await platform.ctx.db.kysely.updateTable('person').set({ status: 'moved_out' }).where('id', '=', reg.people.child).execute();
      const res = await post('grid01', `/api/v1/people/${reg.people.child}/tags`, { tag: '留守儿童' });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('TAG_PERSON_ENDED');
    });
  });
});
