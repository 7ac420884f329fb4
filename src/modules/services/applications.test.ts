import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { servicesTestModules, materialUpload, seedServicesFixture, type ServicesFixture } from './services.fixture.js';

const bj = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => bj(local).toISOString();

describe(`online applications (网上申请) over HTTP (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let sx: ServicesFixture;
  const s: Record<string, Session> = {};
  const USERS = ['resident01', 'resident02', 'xishan', 'grid01', 'grid02', 'dongshan', 'volunteer01', 'street'];
  const db = () => platform.ctx.db.kysely;

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? s[who]!.headers : {} });
  /** Moves the clock and logs everyone in again (sessions expire after 30 idle minutes). */
  const at = async (local: string) => {
    platform.setNow(bj(local));
    for (const u of USERS) s[u] = await loginAs(app, u);
  };
  const upload = async (who: string, purpose?: string) => {
    const body = await materialUpload(purpose);
    const res = await app.inject({ method: 'POST', url: body.url, payload: body.payload, headers: { ...s[who]!.headers, 'content-type': body.contentType } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const step = (who: string, id: string, transition: string, body: Record<string, unknown> = {}) => call(who, 'POST', `/api/v1/service-applications/${id}/steps/${transition}`, body);
  const mine = (who: string, id: string, transition: string, body: Record<string, unknown> = {}) => call(who, 'POST', `/api/v1/me/service-applications/${id}/steps/${transition}`, body);
  const inbox = (username: string) =>
    db().selectFrom('notification').innerJoin('app_user', 'app_user.id', 'notification.user_id').selectAll('notification').where('app_user.username', '=', username).orderBy('created_at').execute();
  const queue = async (who: string, query = '') => (await call(who, 'GET', `/api/v1/service-applications?pageSize=200${query}`)).json() as { items: { id: string; code: string; [k: string]: unknown }[]; total: number };

  /** resident01 applies for 高龄津贴 with the two required materials. */
  const applyGaoling = async () => {
    const idCard = await upload('resident01');
    const bank = await upload('resident01');
    const res = await call('resident01', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'gaoling-jintie',
      // A prefilled field sent anyway is ignored: the registry's name is used.
      form: { livesAlone: true, name: '冒名顶替' },
      files: [
        { materialCode: 'id-card', attachmentId: idCard },
        { materialCode: 'bank', attachmentId: bank },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    const modules = servicesTestModules();
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00'), modules });
    fx = await seedFixture(platform.ctx);
    sx = await seedServicesFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform, modules);
    await at('2026-11-30T09:00:00');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication and the right role', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/me/service-applications'],
      ['GET', '/api/v1/me/service-applications/prefill?matter=dibao'],
      ['POST', '/api/v1/me/service-applications'],
      ['GET', '/api/v1/service-applications'],
      ['GET', '/api/v1/service-applications/statistics'],
      ['POST', '/api/v1/service-applications/on-behalf'],
      ['POST', '/api/v1/service-applications/x/steps/accept'],
    ] as const) {
      expect((await call(null, method, url, method === 'POST' ? {} : undefined)).statusCode, `${method} ${url}`).toBe(401);
    }
    expect((await call('resident01', 'GET', '/api/v1/service-applications')).statusCode).toBe(403);
    expect((await call('resident01', 'POST', '/api/v1/service-applications/on-behalf', {})).statusCode).toBe(403);
    expect((await call('xishan', 'POST', '/api/v1/me/service-applications', { matterCode: 'dibao' })).statusCode).toBe(403);
  });

  it('prefills the form from the registry: the resident never retypes who they are', async () => {
    const res = await call('resident01', 'GET', '/api/v1/me/service-applications/prefill?matter=gaoling-jintie');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.applicant).toMatchObject({ personId: sx.reg.people.zhu, name: '朱志强', idNumber: '330481********001X', phone: '138****5678', address: '1幢1单元101室', communityName: '西山社区' });
    const value = (key: string) => body.fields.find((f: { key: string }) => f.key === key);
    expect(value('name')).toMatchObject({ value: '朱志强', readOnly: true });
    expect(value('idNumber')).toMatchObject({ value: '330481********001X', readOnly: true });
    expect(value('phone')).toMatchObject({ value: '138****5678', readOnly: true });
    expect(value('address')).toMatchObject({ value: '1幢1单元101室', readOnly: true });
    expect(value('birthDate')).toMatchObject({ value: '1980-01-01', readOnly: true });
    expect(value('livesAlone')).toMatchObject({ readOnly: false });
    expect(value('livesAlone').value).toBeUndefined();
    expect(body.materials.map((m: { code: string; required: boolean }) => [m.code, m.required])).toEqual([
      ['id-card', true],
      ['hukou', false],
      ['bank', true],
    ]);
    expect(body.openApplication).toBeNull();
    // No full number anywhere in the answer.
    expect(res.body).not.toContain('33048119800101001X');
    expect(res.body).not.toContain('13812345678');
    expect(await countAudit(platform.ctx.db, 'services.application.prefill')).toBe(1);
  });

  it('runs a full application with a correction round: submit, accept, 退回补正, resubmit, approve, complete, rate', async () => {
    await at('2026-11-30T09:00:00');
    const created = await applyGaoling();
    expect(created.code).toMatch(/^BJ20261130-\d{4}$/);
    expect(created.state).toBe('submitted');
    // 受理时限 one working day: the end of Tuesday's office hours.
    expect(created.dueAt).toBe(iso('2026-12-01T17:30:00'));
    expect(created.receipt).toMatchObject({ code: created.code, matterName: '高龄津贴申领', applicantName: '朱志强', applicantIdNumber: '330481********001X', timeLimitDays: 10, progressPath: `/m/services/applications/${created.id}` });
    expect(created.receipt.materials.map((m: { code: string; files: number }) => [m.code, m.files])).toEqual([
      ['id-card', 1],
      ['hukou', 0],
      ['bank', 1],
    ]);
    const id = created.id as string;
    const row = await db().selectFrom('service_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.applicant_name).toBe('朱志强');
    expect(row.applicant_id_enc).not.toContain('001X');
    expect(JSON.parse(row.form_data)).toEqual({ livesAlone: true });

    const receipt = (await call('resident01', 'GET', `/api/v1/me/service-applications/${id}/receipt`)).json();
    expect(receipt.materials.filter((m: { files: number }) => m.files > 0).map((m: { code: string }) => m.code)).toEqual(['id-card', 'bank']);

    // The community's staff are told, and see it in their queue.
    expect((await inbox('xishan')).some((n) => n.kind === 'services.application.submitted' && n.title.includes(created.code))).toBe(true);
    const q = await queue('xishan', '&open=1');
    expect(q.items.find((i) => i.id === id)).toMatchObject({ state: 'submitted', deadlineStatus: 'normal', applicantName: '朱志强', matterName: '高龄津贴申领', onBehalf: false });

    await at('2026-11-30T10:00:00');
    const accepted = await step('xishan', id, 'accept');
    expect(accepted.statusCode, accepted.body).toBe(200);
    // 承诺时限 10 working days from acceptance: the end of 14 December.
    expect(accepted.json()).toMatchObject({ state: 'accepted', promiseDueAt: iso('2026-12-14T17:30:00'), dueAt: iso('2026-12-14T17:30:00'), assigneeName: '西山社区 王秀英' });

    await at('2026-12-01T10:00:00');
    const returned = await step('xishan', id, 'return', { missingMaterials: ['hukou'], comment: '身份证住址与户籍不一致，请补充户口簿本人页' });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ state: 'returned', dueAt: null, deadlineStatus: null, returnCount: 1 });

    const seen = (await call('resident01', 'GET', `/api/v1/me/service-applications/${id}`)).json();
    expect(seen).toMatchObject({ state: 'returned', stateLabel: { 'zh-CN': '待补正' }, missingMaterials: ['hukou'], returnedFrom: 'accepted' });
    expect(seen.materials.find((m: { code: string }) => m.code === 'hukou')).toMatchObject({ missing: true, files: [] });
    expect(seen.transitions.map((t: { name: string }) => t.name)).toEqual(['resubmit', 'withdraw']);
    const back = seen.timeline.find((t: { transition: string }) => t.transition === 'return');
    expect(back).toMatchObject({ comment: '身份证住址与户籍不一致，请补充户口簿本人页', missingMaterials: [{ code: 'hukou', name: '居民户口簿' }], actorName: null });
    const told = (await inbox('resident01')).find((n) => n.kind === 'services.application.return');
    expect(told?.body).toContain('居民户口簿');
    expect(told?.link).toBe(`/m/services/applications/${id}`);

    // Resubmitting without the missing material is refused, saying which one.
    const empty = await mine('resident01', id, 'resubmit');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ code: 'SERVICE_MISSING_NOT_ADDED', message: '请补充“居民户口簿”后再提交' });

    // Two working days later the resident adds it: the promise moves by the time spent waiting.
    await at('2026-12-03T10:00:00');
    const hukou = await upload('resident01');
    const resubmitted = await mine('resident01', id, 'resubmit', { files: [{ materialCode: 'hukou', attachmentId: hukou }], comment: '已补充户口簿' });
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
    expect(resubmitted.json()).toMatchObject({ state: 'accepted', promiseDueAt: iso('2026-12-16T17:30:00'), deadlineStatus: 'normal' });
    expect((await inbox('xishan')).some((n) => n.kind === 'services.application.resubmit_review')).toBe(true);

    await at('2026-12-04T09:00:00');
    expect((await step('xishan', id, 'approve')).json().state).toBe('approved');
    const result = await upload('xishan');
    const completed = await step('xishan', id, 'complete', { comment: '经审核符合条件，自2027年1月起按月发放高龄津贴', files: [{ materialCode: 'result', attachmentId: result }] });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ state: 'completed', dueAt: null });

    const done = (await call('resident01', 'GET', `/api/v1/me/service-applications/${id}`)).json();
    expect(done).toMatchObject({ state: 'completed', stateLabel: { 'zh-CN': '已办结', en: 'Completed' }, completedOnTime: true, result: '经审核符合条件，自2027年1月起按月发放高龄津贴' });
    expect(done.timeline.map((t: { label: { 'zh-CN': string } }) => t.label['zh-CN'])).toEqual(['提交申请', '受理', '退回补正', '补正后提交', '审核通过', '办结']);
    expect(done.timeline.at(-1).toLabel['zh-CN']).toBe('已办结');
    expect(done.timeline.every((t: { actorName: string | null }) => t.actorName === null)).toBe(true);
    expect(done.resultFiles).toHaveLength(1);
    expect(done.form.find((f: { key: string }) => f.key === 'name').value).toBe('朱志强');
    expect(done.transitions.map((t: { name: string }) => t.name)).toEqual(['rate']);

    // Notified at every step.
    const kinds = (await inbox('resident01')).filter((n) => n.link === `/m/services/applications/${id}`).map((n) => n.kind);
    expect(kinds).toEqual(['services.application.received', 'services.application.accept', 'services.application.return', 'services.application.approve', 'services.application.complete']);

    const badRating = await mine('resident01', id, 'rate', {});
    expect(badRating.statusCode).toBe(400);
    expect(badRating.json().error.code).toBe('SERVICE_RATING_REQUIRED');
    expect((await mine('resident01', id, 'rate', { rating: '满意', comment: '社区上门指导，很方便' })).json()).toMatchObject({ state: 'rated', rating: '满意' });

    // Staff read it (audited, and written in the resident's own access log) and open its files.
    const staffView = await call('xishan', 'GET', `/api/v1/service-applications/${id}`);
    expect(staffView.statusCode).toBe(200);
    expect(staffView.json().timeline[1].actorName).toBe('西山社区 王秀英');
    expect(staffView.body).not.toContain('33048119800101001X');
    const access = await db().selectFrom('person_access').selectAll().where('person_id', '=', sx.reg.people.zhu).execute();
    expect(access.some((a) => a.purpose?.includes(created.code))).toBe(true);
    expect((await call('xishan', 'GET', `/api/v1/files/${hukou}`)).statusCode).toBe(200);
    expect((await call('grid02', 'GET', `/api/v1/files/${hukou}`)).statusCode).toBe(404);
    expect((await call('resident01', 'GET', `/api/v1/files/${result}`)).statusCode).toBe(200);

    expect(await countAudit(platform.ctx.db, 'services.application.submit')).toBeGreaterThanOrEqual(1);
    expect(await countAudit(platform.ctx.db, 'services.application.read')).toBeGreaterThanOrEqual(1);
    const trail = await db().selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', id).orderBy('seq').execute();
    expect(trail.map((a) => a.action)).toEqual(
      expect.arrayContaining(['workflow.start', 'services.application.submit', 'workflow.transition', 'services.application.read']),
    );
    expect(trail.filter((a) => a.action === 'workflow.transition')).toHaveLength(6);
  });

  it('refuses an application with a reason (不予受理), which the resident sees', async () => {
    await at('2026-12-07T09:00:00');
    const photo = await upload('resident01');
    const idCard = await upload('resident01');
    const res = await call('resident01', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'laonian-youdaizheng',
      form: { delivery: '社区窗口领取' },
      files: [
        { materialCode: 'id-card', attachmentId: idCard },
        { materialCode: 'photo', attachmentId: photo },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const noReason = await step('xishan', id, 'refuse');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toMatchObject({ code: 'WORKFLOW_COMMENT_REQUIRED', message: '执行“refuse”须填写原因或意见' });
    const en = await call('xishan', 'POST', `/api/v1/service-applications/${id}/steps/refuse?lang=en`, {});
    expect(en.json().error.message).toBe('Step "refuse" requires a reason or comment');
    const refused = await step('xishan', id, 'refuse', { comment: '申请人未满60周岁，不符合办理条件' });
    expect(refused.json()).toMatchObject({ state: 'refused', stateLabel: { 'zh-CN': '不予受理' } });
    const seen = (await call('resident01', 'GET', `/api/v1/me/service-applications/${id}`)).json();
    expect(seen).toMatchObject({ state: 'refused', refusalReason: '申请人未满60周岁，不符合办理条件', transitions: [] });
    const told = (await inbox('resident01')).find((n) => n.kind === 'services.application.refuse');
    expect(told?.body).toBe('不予受理，原因：申请人未满60周岁，不符合办理条件');
    // A closed application takes no more steps.
    const again = await mine('resident01', id, 'resubmit');
    expect(again.statusCode).toBe(409);
    // Refused is not open: the resident may apply again.
    const pre = (await call('resident01', 'GET', '/api/v1/me/service-applications/prefill?matter=laonian-youdaizheng')).json();
    expect(pre.openApplication).toBeNull();
  });

  it('records an on-behalf application (代办) with who applied and why, for the resident to follow', async () => {
    await at('2026-12-07T10:00:00');
    // The grid worker prepares the form from 徐美玲's record: an audited read she can see.
    const pre = await call('grid01', 'GET', `/api/v1/service-applications/prefill?matter=jujia-yanglao-butie&personId=${sx.reg.people.xu}`);
    expect(pre.statusCode, pre.body).toBe(200);
    expect(pre.json().applicant).toMatchObject({ name: '徐美玲', idNumber: '330481********0028' });
    expect(await countAudit(platform.ctx.db, 'services.application.prefill-other')).toBe(1);
    const looked = await db().selectFrom('person_access').selectAll().where('person_id', '=', sx.reg.people.xu).execute();
    expect(looked.map((a) => a.purpose)).toContain('代办服务申请：居家养老服务补贴申请');

    // Not for a resident of another grid.
    const outside = await call('grid01', 'GET', `/api/v1/service-applications/prefill?matter=jujia-yanglao-butie&personId=${sx.reg.people.wang}`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('SERVICE_ON_BEHALF_FORBIDDEN');

    const idCard = await upload('grid01');
    const body = {
      matterCode: 'jujia-yanglao-butie',
      personId: sx.reg.people.xu,
      reason: '高龄独居老人行动不便，网格员上门代办',
      form: { services: '助餐', living: '独居' },
      files: [{ materialCode: 'id-card', attachmentId: idCard }],
      paperMaterials: ['assessment'],
    };
    const outsideApply = await call('grid02', 'POST', '/api/v1/service-applications/on-behalf', body);
    expect(outsideApply.statusCode).toBe(403);
    const created = await call('grid01', 'POST', '/api/v1/service-applications/on-behalf', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().receipt.onBehalf).toEqual({ agentName: '网格员 李建华', reason: '高龄独居老人行动不便，网格员上门代办' });
    expect(created.json().receipt.materials.find((m: { code: string }) => m.code === 'assessment')).toMatchObject({ onPaper: true });
    const id = created.json().id;
    const row = await db().selectFrom('service_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'on_behalf', agent_name: '网格员 李建华', agent_reason: '高龄独居老人行动不便，网格员上门代办', applicant_user_id: null, applicant_name: '徐美玲' });
    expect(await countAudit(platform.ctx.db, 'services.application.submit-on-behalf')).toBe(1);

    const detail = (await call('xishan', 'GET', `/api/v1/service-applications/${id}`)).json();
    expect(detail).toMatchObject({ channel: 'on_behalf', onBehalf: true, agent: { name: '网格员 李建华', reason: '高龄独居老人行动不便，网格员上门代办' } });
    expect(detail.materials.find((m: { code: string }) => m.code === 'assessment')).toMatchObject({ onPaper: true, files: [] });
    expect((await queue('xishan', '&channel=on_behalf')).items.map((i) => i.id)).toEqual([id]);

    // Handled to the end; she has no account, so the grid worker records her rating (回访).
    expect((await step('xishan', id, 'accept')).statusCode).toBe(200);
    expect((await step('xishan', id, 'approve')).statusCode).toBe(200);
    expect((await step('xishan', id, 'complete', { comment: '已核定每月200元服务券' })).statusCode).toBe(200);
    expect((await inbox('grid01')).some((n) => n.kind === 'services.application.complete' && n.title.includes(row.code))).toBe(true);
    const rated = await step('grid01', id, 'rate', { rating: '满意', comment: '电话回访，老人表示满意' });
    expect(rated.json()).toMatchObject({ state: 'rated', rating: '满意' });

    // A 代办 for resident01 shows in his own list, as done for him.
    const zhuCard = await upload('grid01');
    const forZhu = await call('grid01', 'POST', '/api/v1/service-applications/on-behalf', {
      matterCode: 'laonian-zhucan',
      personId: sx.reg.people.zhu,
      reason: '居民腿部骨折行动不便，电话委托网格员代办',
      form: { way: '送餐上门' },
      files: [{ materialCode: 'id-card', attachmentId: zhuCard }],
    });
    expect(forZhu.statusCode, forZhu.body).toBe(201);
    const list = (await call('resident01', 'GET', '/api/v1/me/service-applications')).json();
    expect(list.items.find((i: { id: string }) => i.id === forZhu.json().id)).toMatchObject({ onBehalf: true, matterName: '老年助餐服务登记' });
    const his = (await call('resident01', 'GET', `/api/v1/me/service-applications/${forZhu.json().id}`)).json();
    expect(his.agent).toEqual({ userId: null, name: '网格员 李建华', reason: '居民腿部骨折行动不便，电话委托网格员代办' });
    expect((await inbox('resident01')).some((n) => n.kind === 'services.application.received' && n.body.includes('由网格员 李建华为您代办'))).toBe(true);
    // He may open the file the grid worker uploaded for him.
    expect((await call('resident01', 'GET', `/api/v1/files/${zhuCard}`)).statusCode).toBe(200);
  });

  it('lets a resident see only their own applications, and staff only their subtree', async () => {
    await at('2026-12-08T09:00:00');
    const card = await upload('resident02');
    const bank = await upload('resident02');
    const wang = await call('resident02', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'gaoling-jintie',
      form: {},
      files: [
        { materialCode: 'id-card', attachmentId: card },
        { materialCode: 'bank', attachmentId: bank },
      ],
    });
    expect(wang.statusCode, wang.body).toBe(201);
    const wangId = wang.json().id;
    const zhuIds = (await call('resident01', 'GET', '/api/v1/me/service-applications')).json().items.map((i: { id: string }) => i.id);
    expect(zhuIds.length).toBeGreaterThanOrEqual(3);

    const theirs = (await call('resident02', 'GET', '/api/v1/me/service-applications')).json();
    expect(theirs.items.map((i: { id: string }) => i.id)).toEqual([wangId]);
    for (const zid of zhuIds) {
      expect((await call('resident02', 'GET', `/api/v1/me/service-applications/${zid}`)).statusCode).toBe(404);
      expect((await call('resident02', 'GET', `/api/v1/me/service-applications/${zid}/receipt`)).statusCode).toBe(404);
      expect((await mine('resident02', zid, 'withdraw')).statusCode).toBe(404);
    }
    expect((await call('resident02', 'GET', `/api/v1/service-applications/${zhuIds[0]}`)).statusCode).toBe(403);

    // Grid workers see their grid; community staff the community; another community nothing.
    const g1 = (await queue('grid01')).items.map((i) => i.id);
    const g2 = (await queue('grid02')).items.map((i) => i.id);
    expect(g2).toEqual([wangId]);
    expect(g1).toEqual(expect.arrayContaining(zhuIds));
    expect(g1).not.toContain(wangId);
    expect((await call('grid02', 'GET', `/api/v1/service-applications/${zhuIds[0]}`)).statusCode).toBe(404);
    expect((await queue('xishan')).items.map((i) => i.id)).toEqual(expect.arrayContaining([...zhuIds, wangId]));
    expect((await queue('dongshan')).total).toBe(0);
    expect((await call('dongshan', 'GET', `/api/v1/service-applications/${wangId}`)).statusCode).toBe(404);
    expect((await step('dongshan', wangId, 'accept')).statusCode).toBe(404);
    // The street reads its communities' applications but does not handle them.
    expect((await queue('street')).items.map((i) => i.id)).toContain(wangId);

    // Only community staff handle; only the applicant (or their agent) withdraws.
    const byGrid = await step('grid02', wangId, 'accept');
    expect(byGrid.statusCode).toBe(403);
    expect(byGrid.json().error.code).toBe('WORKFLOW_FORBIDDEN');
    const byStaff = await step('xishan', wangId, 'withdraw');
    expect(byStaff.statusCode).toBe(403);
    expect(byStaff.json().error.code).toBe('SERVICE_NOT_APPLICANT');
    const withdrawn = await mine('resident02', wangId, 'withdraw', { comment: '已在窗口办理' });
    expect(withdrawn.json()).toMatchObject({ state: 'withdrawn' });
  });

  it('answers bad input with 4xx and messages in Chinese and English', async () => {
    await at('2026-12-08T10:00:00');
    const card = await upload('resident01');
    // Required fields, a number out of range and an option not offered: all reported at once.
    const zh = await call('resident01', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'dibao',
      form: { householdSize: 40, cause: '中彩票' },
      files: [{ materialCode: 'id-card', attachmentId: card }],
    });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.code).toBe('SERVICE_FORM_INVALID');
    expect(zh.json().error.message).toBe('申请表填写有误：共同生活家庭人口、家庭月收入合计（元）、主要困难原因、申请理由');
    expect(zh.json().error.details).toEqual([
      { field: 'body.form.householdSize', code: 'too_big', message: '“共同生活家庭人口”不能大于 20' },
      { field: 'body.form.monthlyIncome', code: 'required', message: '请填写“家庭月收入合计（元）”' },
      { field: 'body.form.cause', code: 'invalid_option', message: '“主要困难原因”的选项无效' },
      { field: 'body.form.reason', code: 'required', message: '请填写“申请理由”' },
    ]);
    const en = await call('resident01', 'POST', '/api/v1/me/service-applications?lang=en', { matterCode: 'dibao', form: { householdSize: 3, monthlyIncome: 'abc', cause: '因病', reason: '因病' }, files: [] });
    expect(en.json().error).toMatchObject({ code: 'SERVICE_FORM_INVALID', details: [{ field: 'body.form.monthlyIncome', code: 'not_a_number', message: '"家庭月收入合计（元）" must be a number' }] });

    const form = { householdSize: 3, monthlyIncome: 1800, cause: '因病', reason: '妻子患尿毒症长期透析，家庭收入低' };
    const noFiles = await call('resident01', 'POST', '/api/v1/me/service-applications?lang=en', { matterCode: 'dibao', form, files: [{ materialCode: 'id-card', attachmentId: card }] });
    expect(noFiles.statusCode).toBe(400);
    expect(noFiles.json().error).toMatchObject({ code: 'SERVICE_MATERIAL_REQUIRED', message: 'Please upload "居民户口簿"' });

    const offline = await call('resident01', 'POST', '/api/v1/me/service-applications', { matterCode: 'geshui-fudao', form: {} });
    expect(offline.statusCode).toBe(400);
    expect(offline.json().error.message).toBe('事项“个人所得税专项附加扣除填报辅导”不能网上申请，请到窗口办理');
    expect((await call('resident01', 'POST', '/api/v1/me/service-applications', { matterCode: 'no-such', form: {} })).statusCode).toBe(404);
    const invalid = await call('resident01', 'POST', '/api/v1/me/service-applications', { form: {} });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('VALIDATION_FAILED');

    // Someone else's file, a file uploaded for another purpose, a material the matter does not have.
    const others = await upload('resident02');
    const photo = await upload('resident01', 'event.photo');
    for (const files of [[{ materialCode: 'id-card', attachmentId: others }], [{ materialCode: 'id-card', attachmentId: photo }]]) {
      const r = await call('resident01', 'POST', '/api/v1/me/service-applications', { matterCode: 'gaoling-jintie', form: {}, files });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('SERVICE_FILE_INVALID');
    }
    const unknown = await call('resident01', 'POST', '/api/v1/me/service-applications?lang=en', { matterCode: 'gaoling-jintie', form: {}, files: [{ materialCode: 'passport', attachmentId: card }] });
    expect(unknown.json().error).toMatchObject({ code: 'SERVICE_MATERIAL_UNKNOWN', message: 'This matter has no material "passport"' });

    // A second open application for the same matter is refused.
    const bank = await upload('resident01');
    const first = await call('resident01', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'gaoling-jintie',
      form: {},
      files: [
        { materialCode: 'id-card', attachmentId: card },
        { materialCode: 'bank', attachmentId: bank },
      ],
    });
    expect(first.statusCode).toBe(201);
    const card2 = await upload('resident01');
    const bank2 = await upload('resident01');
    const dup = await call('resident01', 'POST', '/api/v1/me/service-applications', {
      matterCode: 'gaoling-jintie',
      form: {},
      files: [
        { materialCode: 'id-card', attachmentId: card2 },
        { materialCode: 'bank', attachmentId: bank2 },
      ],
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'SERVICE_APPLICATION_DUPLICATE', message: `该事项已有一件办理中的申请（${first.json().code}），请勿重复申请` });
    // A file already part of an application cannot be reused for another.
    const reuse = await call('resident01', 'POST', '/api/v1/me/service-applications', { matterCode: 'laonian-zhucan', form: { way: '堂食' }, files: [{ materialCode: 'id-card', attachmentId: card }] });
    expect(reuse.json().error.code).toBe('SERVICE_FILE_INVALID');

    // An account with no registry record cannot apply (it has nothing to prefill from).
    const noRecord = await call('volunteer01', 'POST', '/api/v1/me/service-applications', { matterCode: 'gaoling-jintie', form: {} });
    expect(noRecord.statusCode).toBe(400);
    expect(noRecord.json().error.code).toBe('SERVICE_NO_PERSON_RECORD');

    // Unknown steps and stale versions.
    expect((await step('xishan', first.json().id, 'fly')).statusCode).toBe(400);
    const stale = await step('xishan', first.json().id, 'accept', { expectedVersion: 9 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('WORKFLOW_CONFLICT');
    const missingUnknown = await step('xishan', first.json().id, 'return', { comment: '缺材料', missingMaterials: ['passport'] });
    expect(missingUnknown.statusCode).toBe(400);
  });

  it('gives staff one queue across matters with filters, assignment, bulk actions and statistics', async () => {
    await at('2026-12-09T09:00:00');
    const open = await queue('xishan', '&state=submitted');
    expect(open.total).toBeGreaterThanOrEqual(2);
    const ids = open.items.map((i) => i.id);
    // Bulk accept: a result per application (one a grid worker cannot accept).
    const bulk = await call('xishan', 'POST', '/api/v1/service-applications/batch', { action: 'accept', ids: [...ids, 'nonexistent'] });
    expect(bulk.statusCode).toBe(200);
    const results = bulk.json().results;
    expect(results.filter((r: { ok: boolean }) => r.ok)).toHaveLength(ids.length);
    expect(results.find((r: { id: string }) => r.id === 'nonexistent')).toMatchObject({ ok: false, error: { code: 'SERVICE_APPLICATION_NOT_FOUND' } });

    const handlers = (await call('xishan', 'GET', '/api/v1/service-applications/handlers')).json();
    expect(handlers.items.map((h: { displayName: string }) => h.displayName)).toContain('西山社区 王秀英');
    const grid01Id = fx.users.grid01!;
    const badAssign = await call('xishan', 'POST', `/api/v1/service-applications/${ids[0]}/assign`, { userId: grid01Id });
    expect(badAssign.statusCode).toBe(400);
    expect(badAssign.json().error.code).toBe('SERVICE_ASSIGNEE_INVALID');
    const cleared = await call('xishan', 'POST', '/api/v1/service-applications/batch', { action: 'assign', ids, userId: null });
    expect(cleared.json().results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect((await queue('xishan', '&assignee=none&open=1')).items.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    const mineAssigned = await call('xishan', 'POST', `/api/v1/service-applications/${ids[0]}/assign`, { userId: fx.users.xishan });
    expect(mineAssigned.json()).toMatchObject({ assigneeName: '西山社区 王秀英' });
    expect((await queue('xishan', '&assignee=me&open=1')).items.map((i) => i.id)).toEqual([ids[0]]);
    expect(await countAudit(platform.ctx.db, 'services.application.assign')).toBeGreaterThanOrEqual(ids.length + 1);

    // Filters: matter, number prefix, applicant name, sort by due.
    expect((await queue('xishan', '&matter=laonian-zhucan')).items.every((i) => i.matterCode === 'laonian-zhucan')).toBe(true);
    const code = open.items[0]!.code;
    expect((await queue('xishan', `&q=${code}`)).items.map((i) => i.code)).toEqual([code]);
    expect((await queue('xishan', `&q=${encodeURIComponent('徐美')}`)).items.every((i) => i.applicantName === '徐美玲')).toBe(true);
    const byDue = (await queue('xishan', '&open=1&sort=due')).items.map((i) => i.dueAt as string | null);
    const clocked = byDue.filter((d): d is string => !!d);
    expect(clocked).toEqual([...clocked].sort());
    expect(await countAudit(platform.ctx.db, 'services.application.list')).toBeGreaterThan(0);

    const stats = await call('xishan', 'GET', '/api/v1/service-applications/statistics');
    expect(stats.statusCode).toBe(200);
    const gaoling = stats.json().items.find((r: { matterCode: string }) => r.matterCode === 'gaoling-jintie');
    expect(gaoling).toMatchObject({ matterName: '高龄津贴申领', completed: 1, completedOnTime: 1, onTimeRate: 1, rated: 1, satisfied: 1, satisfactionRate: 1, returned: 1 });
    expect(gaoling.applications).toBe(3);
    const youdai = stats.json().items.find((r: { matterCode: string }) => r.matterCode === 'laonian-youdaizheng');
    expect(youdai).toMatchObject({ applications: 1, refused: 1, completed: 0, onTimeRate: null });
    expect(stats.json().total.onBehalf).toBe(2);
    // Another community's staff see none of it; a resident may not ask.
    expect((await call('dongshan', 'GET', '/api/v1/service-applications/statistics')).json().total.applications).toBe(0);
    expect((await call('resident01', 'GET', '/api/v1/service-applications/statistics')).statusCode).toBe(403);
  });
});
