import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { servicesTestModules, materialUpload, seedServicesFixture } from './services.fixture.js';
import { dueAfterWorkingDays, runServiceDeadlineCheck, SERVICE_DEADLINE_CHECK } from './services.deadlines.job.js';
import { servicesModule } from './services.module.js';

const bj = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => bj(local).toISOString();

describe(`application deadlines on the working-day calendar (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};
  const db = () => platform.ctx.db.kysely;
  const at = async (local: string) => {
    platform.setNow(bj(local));
    for (const u of ['resident01', 'resident02', 'xishan']) s[u] = await loginAs(app, u);
  };
  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => app.inject({ method, url, payload: payload as never, headers: s[who]!.headers });
  const upload = async (who: string) => {
    const body = await materialUpload();
    const res = await app.inject({ method: 'POST', url: body.url, payload: body.payload, headers: { ...s[who]!.headers, 'content-type': body.contentType } });
    return res.json().id as string;
  };
  const apply = async (who: string) => {
    const res = await call(who, 'POST', '/api/v1/me/service-applications', {
      matterCode: 'gaoling-jintie',
      form: {},
      files: [
        { materialCode: 'id-card', attachmentId: await upload(who) },
        { materialCode: 'bank', attachmentId: await upload(who) },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string; dueAt: string };
  };
  const row = (id: string) => db().selectFrom('service_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const notices = (kind: string) =>
    db().selectFrom('notification').innerJoin('app_user', 'app_user.id', 'notification.user_id').select(['app_user.username', 'notification.title', 'notification.body', 'notification.link']).where('notification.kind', '=', kind).execute();

  beforeAll(async () => {
    const modules = servicesTestModules();
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00'), modules });
    fx = await seedFixture(platform.ctx);
    await seedServicesFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform, modules);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('is a recurring job of the services module', () => {
    expect(servicesModule.jobs?.find((j) => j.kind === SERVICE_DEADLINE_CHECK)?.everySeconds).toBe(60);
  });

  it('counts working days as the guide states them: to the end of office hours, skipping weekends', async () => {
    const cal = await getWorkCalendar(platform.ctx);
    expect(dueAfterWorkingDays(cal, bj('2026-11-30T09:00:00'), 1).toISOString()).toBe(iso('2026-12-01T17:30:00'));
    // Friday afternoon + 1 working day: Monday.
    expect(dueAfterWorkingDays(cal, bj('2026-12-04T16:00:00'), 1).toISOString()).toBe(iso('2026-12-07T17:30:00'));
    // 即办 (0 days): today if in office hours, else the next working day.
    expect(dueAfterWorkingDays(cal, bj('2026-12-02T10:00:00'), 0).toISOString()).toBe(iso('2026-12-02T17:30:00'));
    expect(dueAfterWorkingDays(cal, bj('2026-12-05T10:00:00'), 0).toISOString()).toBe(iso('2026-12-07T17:30:00'));
    expect(dueAfterWorkingDays(cal, bj('2026-11-30T09:00:00'), 10).toISOString()).toBe(iso('2026-12-14T17:30:00'));
  });

  it('warns at 80 % of the working time, marks overdue past the limit, notifies once, and restarts with each stage', async () => {
    await at('2026-11-30T09:00:00');
    const a = await apply('resident01');
    const b = await apply('resident02');
    expect(a.dueAt).toBe(iso('2026-12-01T17:30:00'));
    // 14.5 working hours (Monday 09:00–17:30 is 7, Tuesday 7.5): 80 % is 11.6, on Tuesday at 14:36.
    expect((await row(a.id)).warn_at).toBe(iso('2026-12-01T14:36:00'));

    await at('2026-12-01T14:00:00');
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 0 });

    // b is returned for a missing material: its clock stops, and it is never marked while waiting.
    const returned = await call('xishan', 'POST', `/api/v1/service-applications/${b.id}/steps/return`, { missingMaterials: ['hukou'], comment: '请补充户口簿' });
    expect(returned.statusCode).toBe(200);

    await at('2026-12-01T15:00:00');
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 1, overdue: 0 });
    expect((await row(a.id)).warned_at).toBe(iso('2026-12-01T15:00:00'));
    const warnings = await notices('services.deadline.warning');
    expect(warnings.map((n) => n.username)).toEqual(['xishan']);
    expect(warnings[0]).toMatchObject({ title: `服务申请即将超时：${a.code}`, link: `/console/service-applications/${a.id}` });
    expect(warnings[0]!.body).toBe('朱志强申请的“高龄津贴申领”（待受理）将于12月1日 17:30到期，请抓紧办理。');
    expect(await countAudit(platform.ctx.db, 'services.deadline.warned')).toBe(1);
    const warningQueue = (await call('xishan', 'GET', '/api/v1/service-applications?deadline=warning')).json();
    expect(warningQueue.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(warningQueue.items[0].deadlineStatus).toBe('warning');
    // Once only, however often the job runs.
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 0 });

    await at('2026-12-02T09:00:00');
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 1 });
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 0 });
    const overdue = await notices('services.deadline.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.body).toContain('已于12月1日 17:30到期');
    expect(await countAudit(platform.ctx.db, 'services.deadline.overdue')).toBe(1);
    const late = (await call('xishan', 'GET', '/api/v1/service-applications?deadline=overdue')).json();
    expect(late.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect((await call('resident02', 'GET', `/api/v1/me/service-applications/${b.id}`)).json()).toMatchObject({ state: 'returned', deadlineStatus: null });
    expect((await row(b.id)).overdue_at).toBeNull();

    // Accepting starts the promised limit: the marks are cleared and it can warn again later.
    const accepted = await call('xishan', 'POST', `/api/v1/service-applications/${a.id}/steps/accept`, {});
    expect(accepted.json()).toMatchObject({ state: 'accepted', deadlineStatus: 'normal', promiseDueAt: iso('2026-12-16T17:30:00') });
    const fresh = await row(a.id);
    expect(fresh).toMatchObject({ warned_at: null, overdue_at: null });
    // Completed after its promise: counted as late in the on-time rate.
    await at('2026-12-17T09:00:00');
    // Past due without a warning (no run in between): the overdue notice says it all.
    expect(await runServiceDeadlineCheck(platform.ctx)).toEqual({ warned: 0, overdue: 1 });
    await call('xishan', 'POST', `/api/v1/service-applications/${a.id}/steps/approve`, {});
    const done = await call('xishan', 'POST', `/api/v1/service-applications/${a.id}/steps/complete`, { comment: '已办结' });
    expect(done.json()).toMatchObject({ state: 'completed', deadlineStatus: null });
    expect((await row(a.id)).completed_on_time).toBe(0);
    const stats = (await call('xishan', 'GET', '/api/v1/service-applications/statistics')).json();
    expect(stats.items.find((r: { matterCode: string }) => r.matterCode === 'gaoling-jintie')).toMatchObject({ completed: 1, completedOnTime: 0, onTimeRate: 0 });
  });
});
