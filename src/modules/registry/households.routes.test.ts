import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';

describe(`households API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: (await as(username)).headers });
  const db = () => platform.ctx.db.kysely;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/households'],
      ['POST', '/api/v1/households'],
      ['GET', `/api/v1/households/${reg.householdId}`],
      ['POST', `/api/v1/households/${reg.householdId}/members`],
      ['DELETE', `/api/v1/households/${reg.householdId}/members/${reg.people.xu}`],
      ['POST', `/api/v1/households/${reg.householdId}/head`],
    ] as const) {
      expect((await app.inject({ method, url, payload: method === 'POST' ? {} : undefined })).statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('lists the households of the grid with head and member count; another grid sees none of them', async () => {
    const res = await call('grid01', 'GET', '/api/v1/households');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([{ id: reg.householdId, number: '003000001', headPersonId: reg.people.zhu, headName: '朱志强', dwellingId: fx.nodes.dwelling01.id, address: '1幢1单元101室', memberCount: 3 }]);
    expect((await call('grid01', 'GET', '/api/v1/households?number=0030')).json().total).toBe(1);
    expect((await call('grid01', 'GET', '/api/v1/households?number=9')).json().total).toBe(0);
    expect((await call('grid02', 'GET', '/api/v1/households')).json().total).toBe(0);
    expect((await call('grid02', 'GET', `/api/v1/households/${reg.householdId}`)).statusCode).toBe(403);
    expect((await call('grid02', 'GET', `/api/v1/households?orgNodeId=${fx.nodes.grid01.id}`)).statusCode).toBe(403);
  });

  it('shows the members with their relation to the head, masked, and logs the view for each', async () => {
    await db().updateTable('person').set({ relation_to_head: '02' }).where('id', '=', reg.people.zhu).execute();
    await db().updateTable('person').set({ relation_to_head: '10' }).where('id', '=', reg.people.xu).execute();
    await db().updateTable('person').set({ relation_to_head: '20' }).where('id', '=', reg.people.child).execute();
    const res = await call('grid01', 'GET', `/api/v1/households/${reg.householdId}`);
    expect(res.statusCode).toBe(200);
    const members = res.json().members;
    expect(members.map((m: { name: string; relationToHeadName: string; isHead: boolean }) => [m.name, m.relationToHeadName, m.isHead])).toEqual([
      ['朱志强', '户主', true],
      ['徐美玲', '配偶', false],
      ['朱浩然', '子', false],
    ]);
    expect(members[0].idNumber).toBe('330481********001X');
    const logged = await db().selectFrom('person_access').select('person_id').where('kind', '=', 'view').execute();
    expect(new Set(logged.map((r) => r.person_id))).toEqual(new Set([reg.people.zhu, reg.people.xu, reg.people.child]));
  });

  it('changes the head: the new head becomes 户主, the former one takes the relation given, both in the history', async () => {
    const res = await call('grid01', 'POST', `/api/v1/households/${reg.householdId}/head`, { personId: reg.people.xu, formerHeadRelation: '配偶', reason: '户主变更登记' });
    expect(res.statusCode).toBe(200);
    expect(res.json().headPersonId).toBe(reg.people.xu);
    const byName = Object.fromEntries(res.json().members.map((m: { name: string; relationToHead: string; isHead: boolean }) => [m.name, [m.relationToHead, m.isHead]]));
    expect(byName).toEqual({ 徐美玲: ['02', true], 朱志强: ['10', false], 朱浩然: ['20', false] });
    const history = await db().selectFrom('person_change').selectAll().where('field', '=', 'relationToHead').orderBy('person_id').execute();
    expect(history.map((h) => [h.person_id, h.old_value, h.new_value, h.reason])).toEqual(
      expect.arrayContaining([
        [reg.people.xu, '配偶', '户主', '户主变更登记'],
        [reg.people.zhu, '户主', '配偶', '户主变更登记'],
      ]),
    );
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'registry.household.head').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ from: reg.people.zhu, to: reg.people.xu });
    // The former head cannot keep a head relation; a non-member cannot become head.
    expect((await call('grid01', 'POST', `/api/v1/households/${reg.householdId}/head`, { personId: reg.people.zhu, formerHeadRelation: '户主' })).statusCode).toBe(400);
    expect((await call('grid01', 'POST', `/api/v1/households/${reg.householdId}/head`, { personId: reg.people.wang })).statusCode).toBe(403);
    expect((await call('grid02', 'POST', `/api/v1/households/${reg.householdId}/head`, { personId: reg.people.zhu })).statusCode).toBe(403);
  });

  it('opens a household, adds and removes members; the head must hand over before leaving', async () => {
    expect((await call('grid01', 'POST', '/api/v1/households', { number: '003000001', dwellingId: fx.nodes.dwelling02.id })).json().error.code).toBe('HOUSEHOLD_NUMBER_EXISTS');
    const created = await call('grid01', 'POST', '/api/v1/households', { number: '003000002', dwellingId: fx.nodes.dwelling02.id, headPersonId: reg.people.child });
    expect(created.statusCode).toBe(201);
    const h = created.json();
    expect(h).toMatchObject({ number: '003000002', headPersonId: reg.people.child, address: '1幢1单元102室' });
    expect(h.members).toEqual([expect.objectContaining({ id: reg.people.child, relationToHead: '02', isHead: true })]);
    const child = await db().selectFrom('person').selectAll().where('id', '=', reg.people.child).executeTakeFirstOrThrow();
    expect(child.household_id).toBe(h.id);
    // A second head is refused; members join with a relation.
    expect((await call('grid01', 'POST', `/api/v1/households/${h.id}/members`, { personId: reg.people.zhu, relationToHead: '户主' })).json().error.code).toBe('HOUSEHOLD_HAS_HEAD');
    const joined = await call('grid01', 'POST', `/api/v1/households/${h.id}/members`, { personId: reg.people.zhu, relationToHead: '父亲' });
    expect(joined.statusCode).toBe(200);
    expect(joined.json().members.find((m: { id: string }) => m.id === reg.people.zhu)).toMatchObject({ relationToHead: '51', relationToHeadName: '父亲' });
    expect((await call('grid01', 'POST', `/api/v1/households/${h.id}/members`, { personId: reg.people.zhu, relationToHead: '邻居' })).json().error.code).toBe('CODE_UNKNOWN');
    expect((await call('grid01', 'DELETE', `/api/v1/households/${h.id}/members/${reg.people.child}`)).json().error.code).toBe('HEAD_CANNOT_LEAVE');
    const left = await call('grid01', 'DELETE', `/api/v1/households/${h.id}/members/${reg.people.zhu}`);
    expect(left.statusCode).toBe(200);
    const zhu = await db().selectFrom('person').selectAll().where('id', '=', reg.people.zhu).executeTakeFirstOrThrow();
    expect(zhu).toMatchObject({ household_id: null, relation_to_head: null });
    const changes = await db().selectFrom('person_change').selectAll().where('person_id', '=', reg.people.zhu).where('field', '=', 'household').orderBy('at').orderBy('id').execute();
    expect(changes.map((c) => [c.old_value, c.new_value])).toEqual(expect.arrayContaining([['003000001', '003000002'], ['003000002', null]]));
    expect((await call('grid01', 'DELETE', `/api/v1/households/${h.id}/members/${reg.people.zhu}`)).json().error.code).toBe('NOT_A_MEMBER');
  });

  it('community staff open households of either grid; a grid worker cannot open one in another grid', async () => {
    expect((await call('grid01', 'POST', '/api/v1/households', { number: '008000001', dwellingId: reg.nodes.dwelling03.id })).statusCode).toBe(403);
    expect((await call('xishan', 'POST', '/api/v1/households', { number: '008000001', dwellingId: reg.nodes.dwelling03.id })).statusCode).toBe(201);
    expect((await call('xishan', 'POST', '/api/v1/households', { number: '008000009' })).json().error.code).toBe('PLACE_REQUIRED');
  });
});
