import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { registerPermissions } from '../../platform/policy/roles.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { VISIT_RECORD } from './visits.policy.js';
import { sendVisitAlerts } from './visits.service.js';

const DAY = 86_400_000;

describe(`visits and care 走访 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers });
  const relogin = async () => {
    for (const u of ['xishan', 'grid01', 'grid02']) s[u] = await loginAs(app, u);
  };
  type Due = { items: { personId: string; name: string; overdue: boolean; dueAt: string; lastVisitAt: string | null }[]; overdue: number; total: number };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-02T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    for (const person of [reg.people.zhu, reg.people.wang, reg.people.chen]) {
      await platform.ctx.db.kysely
        .insertInto('person_tag')
        .values({ id: newId(), person_id: person, tag: '独居老人', source: 'typed', department_code: null, valid_from: null, valid_to: null, note: null, created_by: null, created_at: '2026-01-01T00:00:00Z', ended_at: null, ended_by: null, end_reason: null })
        .execute();
    }
    app = await createTestApp(platform);
    await relogin();
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('plans weekly visits to 独居老人 and lists each grid its own people, due in seven days', async () => {
    const plan = await call('xishan', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.xishan.id, title: '独居老人每周走访', tag: '独居老人', intervalDays: 7 });
    expect(plan.statusCode, plan.body).toBe(201);
    expect((await call('xishan', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.xishan.id, title: '错误标签', tag: '不存在', intervalDays: 7 })).json().error.code).toBe('VISIT_UNKNOWN_TAG');
    expect((await call('grid01', 'POST', '/api/v1/visit-plans', { orgNodeId: fx.nodes.grid01.id, title: '网格员不能建计划', tag: '独居老人', intervalDays: 7 })).statusCode).toBe(403);
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g1.items.map((i) => i.name)).toEqual(['朱志强']);
    expect(g1.items[0]).toMatchObject({ overdue: false, lastVisitAt: null, dueAt: '2026-11-09T01:00:00.000Z' });
    const g2 = (await call('grid02', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g2.items.map((i) => i.name)).toEqual(['王秀英']); // 陈东 lives in 东山社区: not in this plan
    expect(await sendVisitAlerts(platform.ctx)).toBe(0);
  });

  it('marks them overdue on a fake clock and alerts each grid worker once a day', async () => {
    platform.advance(8 * DAY);
    await relogin();
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due?overdue=1')).json() as Due;
    expect(g1).toMatchObject({ total: 1, overdue: 1 });
    expect(await sendVisitAlerts(platform.ctx)).toBe(2);
    expect(await sendVisitAlerts(platform.ctx)).toBe(0);
    const inbox = (await call('grid01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(inbox.items[0]).toMatchObject({ title: '今日待走访：1 人已超期', link: '/console/community/visits' });
    expect(await countAudit(platform.ctx.db, 'community.visit.due.read')).toBeGreaterThanOrEqual(3);
  });

  it('records a visit with its needs, which resets the clock, and turns a need into an event once', async () => {
    const res = await call('grid01', 'POST', '/api/v1/visits', { personId: reg.people.zhu, kind: 'home', findings: '腿脚不便，楼道灯坏了，晚上不敢下楼。', needs: [{ kind: '维修', note: '1幢1单元楼道灯不亮' }] });
    expect(res.statusCode, res.body).toBe(201);
    const visit = res.json() as { id: string };
    const g1 = (await call('grid01', 'GET', '/api/v1/visits/due')).json() as Due;
    expect(g1.items[0]).toMatchObject({ overdue: false, lastVisitAt: expect.any(String) });
    // Not someone else's grid.
    expect((await call('grid01', 'POST', '/api/v1/visits', { personId: reg.people.wang, kind: 'home', findings: '越界登记' })).statusCode).toBe(404);
    const ev = await call('grid01', 'POST', `/api/v1/visits/${visit.id}/event`, { categoryCode: '0201' });
    expect(ev.statusCode, ev.body).toBe(200);
    const { eventId, eventCode } = ev.json() as { eventId: string; eventCode: string };
    const row = await platform.ctx.db.kysely.selectFrom('grid_event').select(['channel', 'promoted_from', 'description', 'org_node_id']).where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'visit', promoted_from: `visit:${visit.id}`, description: '维修：1幢1单元楼道灯不亮', org_node_id: fx.nodes.grid01.id });
    const again = await call('grid01', 'POST', `/api/v1/visits/${visit.id}/event`, { categoryCode: '0201' });
    expect(again.statusCode).toBe(409);
    const history = (await call('xishan', 'GET', `/api/v1/visits?personId=${reg.people.zhu}`)).json() as { items: { eventCode: string; needs: unknown[] }[] };
    expect(history.items[0]).toMatchObject({ eventCode, needs: [{ kind: '维修', note: '1幢1单元楼道灯不亮' }] });
    expect(await countAudit(platform.ctx.db, 'community.visit.read')).toBe(1);
  });

  const recordWithNeeds = async (who: string, personId: string, needs: { kind: string; note: string }[]) => {
    const res = await call(who, 'POST', '/api/v1/visits', { personId, kind: 'home', findings: '老人独居，行动不便，做饭困难。', needs });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  type Queue = { items: { id: string; code: string; matterCode: string; applicantName: string; orgNodeId: string; onBehalf: boolean; state: string }[]; total: number };

  it('turns a need into a service application made for the person (代办), once, linked on the visit', async () => {
    const visitId = await recordWithNeeds('grid01', reg.people.zhu, [
      { kind: '助餐', note: '希望每天送餐上门' },
      { kind: '救助', note: '医药费负担重' },
    ]);
    const url = `/api/v1/visits/${visitId}/needs/0/application`;
    // The matter's own checks, passed on as the services module answers them: the form first …
    const noForm = await call('grid01', 'POST', url, { matter: 'laonian-zhucan' });
    expect(noForm.statusCode).toBe(400);
    expect(noForm.json().error).toMatchObject({ code: 'SERVICE_FORM_INVALID', details: [expect.objectContaining({ field: 'body.form.way', message: '请填写“用餐方式”' })] });
    // … then the required materials (an ID card copy: upload it, or tick it as received on paper).
    const noMaterial = await call('grid01', 'POST', url, { matter: 'laonian-zhucan', form: { way: '送餐上门' } });
    expect(noMaterial.statusCode).toBe(400);
    expect(noMaterial.json().error).toMatchObject({ code: 'SERVICE_MATERIAL_REQUIRED', message: '请上传“申请人居民身份证”' });
    // A refused attempt leaves the need free.
    const ok = await call('grid01', 'POST', url, { matter: 'laonian-zhucan', form: { way: '送餐上门', diet: '低盐' }, paperMaterials: ['id-card'] });
    expect(ok.statusCode, ok.body).toBe(201);
    const app1 = ok.json() as { applicationId: string; applicationCode: string; state: string; needIndex: number };
    expect(app1).toMatchObject({ state: 'submitted', needIndex: 0, applicationCode: expect.stringMatching(/^BJ\d{8}-\d{4}$/) });

    // In the service hall's queue of the community, at the person's grid, as 代办 with the visit as the reason.
    const queue = (await call('xishan', 'GET', '/api/v1/service-applications?channel=on_behalf')).json() as Queue;
    expect(queue.items.filter((i) => i.id === app1.applicationId)).toEqual([
      expect.objectContaining({ code: app1.applicationCode, matterCode: 'laonian-zhucan', applicantName: '朱志强', orgNodeId: fx.nodes.grid01.id, onBehalf: true, state: 'submitted' }),
    ]);
    const detail = (await call('xishan', 'GET', `/api/v1/service-applications/${app1.applicationId}`)).json() as { agent: { name: string; reason: string }; applicant: { personId: string } };
    expect(detail.agent.reason).toBe('走访发现需求：助餐，希望每天送餐上门');
    expect(detail.applicant.personId).toBe(reg.people.zhu);

    // The visit remembers which need became which application.
    const history = (await call('grid01', 'GET', `/api/v1/visits?personId=${reg.people.zhu}`)).json() as { items: { id: string; needs: { kind: string; application: { id: string; code: string } | null }[] }[] };
    expect(history.items.find((v) => v.id === visitId)!.needs).toEqual([
      { kind: '助餐', note: '希望每天送餐上门', application: { id: app1.applicationId, code: app1.applicationCode } },
      { kind: '救助', note: '医药费负担重', application: null },
    ]);

    // Once: the second attempt (even with another matter) answers 409 with the existing application.
    const again = await call('xishan', 'POST', url, { matter: 'linshi-jiuzhu', form: { cause: '其他', reason: '再次尝试' }, paperMaterials: ['id-card', 'proof', 'bank'] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'VISIT_NEED_ALREADY_APPLIED', details: { applicationId: app1.applicationId, applicationCode: app1.applicationCode } });
    expect(again.json().error.message).toContain(app1.applicationCode);
    // No such need; not the caller's grid; bad input.
    expect((await call('grid01', 'POST', `/api/v1/visits/${visitId}/needs/5/application`, { matter: 'laonian-zhucan' })).json().error.code).toBe('VISIT_NEED_NOT_FOUND');
    expect((await call('grid02', 'POST', url, { matter: 'laonian-zhucan' })).statusCode).toBe(404);
    const bad = await call('grid01', 'POST', `/api/v1/visits/${visitId}/needs/x/application`, { matter: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');

    const rows = await platform.ctx.db.kysely.selectFrom('service_application').select(['id']).where('applicant_person_id', '=', reg.people.zhu).execute();
    expect(rows.map((r) => r.id)).toEqual([app1.applicationId]);
    expect(await countAudit(platform.ctx.db, 'community.visit.application')).toBe(1);
    expect(await countAudit(platform.ctx.db, 'services.application.submit-on-behalf')).toBe(1);
  });

  it('refuses a visitor who may not apply on behalf (403), writing nothing', async () => {
    // Grid workers and community staff hold both permissions. A deployment where party
    // secretaries also visit (this file only) gives them the visit permission without 代办.
    registerPermissions({ [VISIT_RECORD]: ['party_secretary'] });
    s.party = await loginAs(app, 'party');
    const visitId = await recordWithNeeds('party', reg.people.wang, [{ kind: '助餐', note: '想在老年食堂吃午饭' }]);
    const res = await call('party', 'POST', `/api/v1/visits/${visitId}/needs/0/application`, { matter: 'laonian-zhucan', form: { way: '堂食' }, paperMaterials: ['id-card'] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('VISIT_APPLICATION_FORBIDDEN');
    expect(await platform.ctx.db.kysely.selectFrom('service_application').select('id').where('applicant_person_id', '=', reg.people.wang).execute()).toEqual([]);
    const history = (await call('xishan', 'GET', `/api/v1/visits?personId=${reg.people.wang}`)).json() as { items: { id: string; needs: { application: unknown }[] }[] };
    expect(history.items.find((v) => v.id === visitId)!.needs[0]!.application).toBeNull();
    // The same need is open to a grid worker who may.
    const ok = await call('grid02', 'POST', `/api/v1/visits/${visitId}/needs/0/application`, { matter: 'laonian-zhucan', form: { way: '堂食' }, paperMaterials: ['id-card'] });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('makes one application of a need when two staff convert it at the same moment', async () => {
    const visitId = await recordWithNeeds('xishan', reg.people.zhu, [{ kind: '养老', note: '半失能，需要上门护理' }]);
    const url = `/api/v1/visits/${visitId}/needs/0/application`;
    // Two different matters, so the service hall's own duplicate check cannot be what stops the second.
    const [a, b] = await Promise.all([
      call('xishan', 'POST', url, { matter: 'jujia-yanglao-butie', form: { services: '上门护理', living: '独居' }, paperMaterials: ['id-card', 'assessment'] }),
      call('grid01', 'POST', url, { matter: 'laonian-nengli-pinggu', form: { purpose: '居家养老服务补贴', homeVisit: true }, paperMaterials: ['id-card'] }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const won = (a.statusCode === 201 ? a : b).json() as { applicationId: string; applicationCode: string };
    expect((a.statusCode === 409 ? a : b).json().error.code).toMatch(/^VISIT_NEED_(IN_PROGRESS|ALREADY_APPLIED)$/);
    const made = await platform.ctx.db.kysely
      .selectFrom('service_application')
      .select('id')
      .where('applicant_person_id', '=', reg.people.zhu)
      .where('matter_code', 'in', ['jujia-yanglao-butie', 'laonian-nengli-pinggu'])
      .execute();
    expect(made.map((r) => r.id)).toEqual([won.applicationId]);
    const history = (await call('xishan', 'GET', `/api/v1/visits?personId=${reg.people.zhu}`)).json() as { items: { id: string; needs: { application: { id: string } | null }[] }[] };
    expect(history.items.find((v) => v.id === visitId)!.needs[0]!.application).toMatchObject({ id: won.applicationId });
  });

  it('makes one event of a visit when two staff convert it at the same moment', async () => {
    const visitId = await recordWithNeeds('grid01', reg.people.zhu, [{ kind: '维修', note: '2幢楼道扶手松动' }]);
    const [a, b] = await Promise.all([call('grid01', 'POST', `/api/v1/visits/${visitId}/event`, { categoryCode: '0201' }), call('xishan', 'POST', `/api/v1/visits/${visitId}/event`, { categoryCode: '0201' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = await platform.ctx.db.kysely.selectFrom('grid_event').select(['id', 'code']).where('promoted_from', '=', `visit:${visitId}`).execute();
    expect(events).toHaveLength(1);
    const refused = (a.statusCode === 409 ? a : b).json().error;
    expect(refused.code).toBe('VISIT_ALREADY_EVENT');
    expect(refused.message).toContain(events[0]!.code);
    const row = await platform.ctx.db.kysely.selectFrom('visit_record').select('event_id').where('id', '=', visitId).executeTakeFirstOrThrow();
    expect(row.event_id).toBe(events[0]!.id);
  });
});
