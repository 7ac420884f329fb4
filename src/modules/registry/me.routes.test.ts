import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';

describe(`resident's own record, corrections and access log (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: (await as(username)).headers });
  const db = () => platform.ctx.db.kysely;
  const inbox = (username: string) =>
    db().selectFrom('notification').innerJoin('app_user', 'app_user.id', 'notification.user_id').selectAll('notification').where('app_user.username', '=', username).orderBy('created_at').execute();
  let correctionId: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    // resident01 is 朱志强, head of household 003000001 with his wife and son.
    await db().updateTable('app_user').set({ person_id: reg.people.zhu }).where('username', '=', 'resident01').execute();
    await db().updateTable('person').set({ relation_to_head: '02' }).where('id', '=', reg.people.zhu).execute();
    await db().updateTable('person').set({ relation_to_head: '12' }).where('id', '=', reg.people.xu).execute();
    await db().updateTable('person').set({ relation_to_head: '20' }).where('id', '=', reg.people.child).execute();
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/me/record'],
      ['POST', '/api/v1/me/corrections'],
      ['GET', '/api/v1/me/corrections'],
      ['GET', '/api/v1/me/access-log'],
      ['GET', '/api/v1/corrections'],
      ['POST', '/api/v1/corrections/x/resolve'],
    ] as const) {
      expect((await app.inject({ method, url, payload: method === 'POST' ? {} : undefined })).statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('shows the resident their own record, masked, and their household: names and relations', async () => {
    const res = await call('resident01', 'GET', '/api/v1/me/record');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.person).toMatchObject({ id: reg.people.zhu, name: '朱志强', idNumber: '330481********001X', phone: '138****5678', address: '1幢1单元101室', relationToHeadName: '户主' });
    expect(body.household.number).toBe('003000001');
    expect(body.household.members).toEqual([
      { name: '朱志强', relationToHead: '02', relationToHeadName: '户主', isHead: true, isSelf: true },
      { name: '徐美玲', relationToHead: '12', relationToHeadName: '妻', isHead: false, isSelf: false },
      { name: '朱浩然', relationToHead: '20', relationToHeadName: '子', isHead: false, isSelf: false },
    ]);
    expect(res.body).not.toContain(REGISTRY_PEOPLE.zhu.idNumber);
    expect(res.body).not.toContain(REGISTRY_PEOPLE.xu.idNumber);
    expect(res.body).not.toContain(REGISTRY_PEOPLE.xu.phone);
  });

  it('answers 404 to an account without a resident record', async () => {
    const res = await call('volunteer01', 'GET', '/api/v1/me/record');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NO_PERSON_RECORD');
    expect((await call('volunteer01', 'POST', '/api/v1/me/corrections', { field: 'phone', requestedValue: '13900000000' })).statusCode).toBe(404);
  });

  it('files a correction: stored with the number encrypted, the grid worker of the grid notified', async () => {
    const res = await call('resident01', 'POST', '/api/v1/me/corrections', { field: 'phone', requestedValue: '13911112222', note: '换了新手机号' });
    expect(res.statusCode).toBe(201);
    correctionId = res.json().id;
    expect(res.json()).toMatchObject({ field: 'phone', fieldLabel: '联系电话', requestedValue: '139****2222', status: 'open' });
    const row = await db().selectFrom('correction_request').selectAll().where('id', '=', correctionId).executeTakeFirstOrThrow();
    expect(row.requested_value).not.toContain('13911112222');
    expect(row.org_path).toBe(fx.nodes.dwelling01.path);
    const notes = await inbox('grid01');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'registry.correction.filed', title: '居民信息更正申请', body: '朱志强 申请更正“联系电话”：换了新手机号' });
    expect(await inbox('grid02')).toHaveLength(0);
    const mine = await call('resident01', 'GET', '/api/v1/me/corrections');
    expect(mine.json().items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[correctionId, 'open']]);
  });

  it('lists requests to the staff of the subtree only, open first', async () => {
    const other = await call('resident01', 'POST', '/api/v1/me/corrections', { field: 'other', note: '家里新添了一个女儿' });
    expect(other.statusCode).toBe(201);
    const list = await call('grid01', 'GET', '/api/v1/corrections');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { field: string; personName: string }) => [c.field, c.personName])).toEqual([
      ['other', '朱志强'],
      ['phone', '朱志强'],
    ]);
    expect(list.body).not.toContain('13911112222');
    expect((await call('grid02', 'GET', '/api/v1/corrections')).json().total).toBe(0);
    expect((await call('resident01', 'GET', '/api/v1/corrections')).statusCode).toBe(403);
    expect((await call('grid02', 'POST', `/api/v1/corrections/${correctionId}/resolve`, { status: 'done', response: '已更新' })).statusCode).toBe(403);
    // 'other' needs a person to act: it cannot be applied automatically.
    const applied = await call('grid01', 'POST', `/api/v1/corrections/${other.json().id}/resolve`, { status: 'done', response: '已办', apply: true });
    expect(applied.json().error.code).toBe('CORRECTION_NOT_APPLICABLE');
    const done = await call('grid01', 'POST', `/api/v1/corrections/${other.json().id}/resolve`, { status: 'rejected', response: '请携带出生医学证明到社区办理新生儿落户' });
    expect(done.statusCode).toBe(200);
    const after = await call('grid01', 'GET', '/api/v1/corrections');
    expect(after.json().items.map((c: { status: string }) => c.status)).toEqual(['open', 'rejected']);
  });

  it('the grid worker resolves it: the record changes with source correction, the resident is told', async () => {
    const res = await call('grid01', 'POST', `/api/v1/corrections/${correctionId}/resolve`, { status: 'done', response: '已电话核实并更新' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done', response: '已电话核实并更新' });
    const person = await db().selectFrom('person').selectAll().where('id', '=', reg.people.zhu).executeTakeFirstOrThrow();
    expect(platform.ctx.pii.decrypt(person.phone_enc!)).toBe('13911112222');
    const change = await db().selectFrom('person_change').selectAll().where('person_id', '=', reg.people.zhu).where('field', '=', 'phone').executeTakeFirstOrThrow();
    expect(change).toMatchObject({ source: 'correction', old_value: '138****5678', new_value: '139****2222', reason: '居民更正申请：换了新手机号', actor_name: '网格员 李建华' });
    const told = await inbox('resident01');
    expect(told.map((n) => n.title)).toEqual(['您的信息更正申请未通过', '您的信息更正申请已办结']);
    expect((await call('resident01', 'GET', '/api/v1/me/record')).json().person.phone).toBe('139****2222');
    expect((await call('grid01', 'POST', `/api/v1/corrections/${correctionId}/resolve`, { status: 'rejected', response: '重复' })).json().error.code).toBe('CORRECTION_CLOSED');
  });

  it('a value the registry refuses leaves the request open', async () => {
    const res = await call('resident01', 'POST', '/api/v1/me/corrections', { field: 'birthDate', requestedValue: '1980-01-02' });
    const resolve = await call('grid01', 'POST', `/api/v1/corrections/${res.json().id}/resolve`, { status: 'done', response: '已更正' });
    expect(resolve.statusCode).toBe(400);
    expect(resolve.json().error.code).toBe('BIRTH_DATE_MISMATCH');
    const row = await db().selectFrom('correction_request').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });

  it('shows the resident who viewed their data, for which department and why', async () => {
    // Staff unmask the resident's ID number through the read path, with a purpose.
    const purpose = '核实低保申请材料';
    const read = await call('xishan', 'GET', `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${encodeURIComponent(purpose)}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().idNumber).toBe(REGISTRY_PEOPLE.zhu.idNumber);
    const log = await call('resident01', 'GET', '/api/v1/me/access-log');
    expect(log.statusCode).toBe(200);
    const rows = log.json().items as { actorName: string; kind: string; purpose: string | null; departmentCode: string | null; at: string }[];
    expect(rows[0]).toMatchObject({ actorName: '西山社区 王秀英', kind: 'unmask', purpose, departmentCode: null });
    expect(log.json().total).toBe(rows.length);
    // Exactly their own person's rows: a read of his wife's record is not in his log.
    await call('xishan', 'GET', `/api/v1/people/${reg.people.xu}?unmask=true&purpose=${encodeURIComponent('核实家庭成员')}`);
    const own = await db().selectFrom('person_access').select('id').where('person_id', '=', reg.people.zhu).execute();
    const again = (await call('resident01', 'GET', '/api/v1/me/access-log')).json();
    expect(again.items.map((r: { id: string }) => r.id).sort()).toEqual(own.map((r) => r.id).sort());
    expect(again.items.some((r: { purpose: string | null }) => r.purpose === '核实家庭成员')).toBe(false);
  });
});
