import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { countAudit } from '../audit/audit.js';
import { getWorkCalendar } from './calendar.service.js';
import { addWorkingHours, isWorkingDay } from './working-time.js';

describe(`calendar API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let admin: Session;
  let dispatcher: Session;
  let gridWorker: Session;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    admin = await loginAs(app, 'admin');
    dispatcher = await loginAs(app, 'street');
    gridWorker = await loginAs(app, 'grid01');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/calendar/days?year=2026' });
    expect(res.statusCode).toBe(401);
    const put = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-01', payload: { kind: 'holiday', name: '元旦' } });
    expect(put.statusCode).toBe(401);
  });

  it('lists a year’s holidays and make-up days, with the office hours', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/calendar/days?year=2026', headers: gridWorker.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.year).toBe(2026);
    expect(body.hoursPerDay).toBe(7.5);
    expect(body.officeHours).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]);
    expect(body.items).toHaveLength(39);
    expect(body.items[0]).toEqual({ date: '2026-01-01', kind: 'holiday', name: '元旦' });
    expect(body.items.filter((d: { kind: string }) => d.kind === 'workday').map((d: { date: string }) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    // Without ?year= it is the current year in Beijing (the test clock says 2026).
    const current = await app.inject({ method: 'GET', url: '/api/v1/calendar/days', headers: gridWorker.headers });
    expect(current.json().year).toBe(2026);
    const next = await app.inject({ method: 'GET', url: '/api/v1/calendar/days?year=2027', headers: gridWorker.headers });
    expect(next.json().items).toEqual([]);
  });

  it('lets only calendar managers change days', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-01', headers: gridWorker.headers, payload: { kind: 'holiday', name: '元旦' } });
    expect(res.statusCode).toBe(403);
    const del = await app.inject({ method: 'DELETE', url: '/api/v1/calendar/days/2026-10-01', headers: gridWorker.headers });
    expect(del.statusCode).toBe(403);
  });

  it('refuses dates that do not exist', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-02-30', headers: admin.headers, payload: { kind: 'holiday', name: '春节' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details[0].field).toBe('params.date');
    const kind = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-02-10', headers: admin.headers, payload: { kind: 'vacation', name: '春节' } });
    expect(kind.statusCode).toBe(400);
  });

  it('adds next year’s days through the API, audited, and deadlines follow at once', async () => {
    // Warm the cache first, so the test shows the change reaches an already loaded calendar.
    const before = await getWorkCalendar(platform.ctx);
    expect(isWorkingDay(before, '2027-01-01')).toBe(true);
    const audits = await countAudit(platform.ctx.db, 'calendar.day.set');

    const holiday = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-01', headers: admin.headers, payload: { kind: 'holiday', name: '元旦' } });
    expect(holiday.statusCode).toBe(200);
    expect(holiday.json()).toEqual({ date: '2027-01-01', kind: 'holiday', name: '元旦' });
    // The calendar is deployment-wide: a street's dispatcher may not change it.
    const refused = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-02', headers: dispatcher.headers, payload: { kind: 'workday', name: '元旦' } });
    expect(refused.statusCode).toBe(403);
    // Sat 2027-01-02 as a make-up working day.
    const workday = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-02', headers: admin.headers, payload: { kind: 'workday', name: '元旦' } });
    expect(workday.statusCode).toBe(200);
    expect(await countAudit(platform.ctx.db, 'calendar.day.set')).toBe(audits + 2);

    const after = await getWorkCalendar(platform.ctx);
    expect(isWorkingDay(after, '2027-01-01')).toBe(false);
    expect(isWorkingDay(after, '2027-01-02')).toBe(true);
    // Thu 31 Dec 2026 17:00 + 1 h: 0.5 h, Fri 1 Jan off, Sat 2 Jan works: 09:00.
    expect(addWorkingHours(after, new Date('2026-12-31T17:00:00+08:00'), 1).toISOString()).toBe('2027-01-02T01:00:00.000Z');

    const list = await app.inject({ method: 'GET', url: '/api/v1/calendar/days?year=2027', headers: gridWorker.headers });
    expect(list.json().items).toEqual([
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-01-02', kind: 'workday', name: '元旦' },
    ]);

    // Replacing a day keeps one row and records what it was.
    const changed = await app.inject({ method: 'PUT', url: '/api/v1/calendar/days/2027-01-02', headers: admin.headers, payload: { kind: 'holiday', name: '元旦' } });
    expect(changed.statusCode).toBe(200);
    const row = await platform.ctx.db.kysely
      .selectFrom('audit_log')
      .select(['actor_name', 'target_id', 'details'])
      .where('action', '=', 'calendar.day.set')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.actor_name).toBe('admin');
    expect(row.target_id).toBe('2027-01-02');
    expect(JSON.parse(row.details!)).toEqual({ before: { kind: 'workday', name: '元旦' }, after: { kind: 'holiday', name: '元旦' } });
  });

  it('returns a day to the ordinary week, audited; deleting a missing day is 404', async () => {
    const missing = await app.inject({ method: 'DELETE', url: '/api/v1/calendar/days/2027-03-03', headers: admin.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CALENDAR_DAY_NOT_FOUND');

    const audits = await countAudit(platform.ctx.db, 'calendar.day.delete');
    const del = await app.inject({ method: 'DELETE', url: '/api/v1/calendar/days/2027-01-01', headers: admin.headers });
    expect(del.statusCode).toBe(204);
    expect(await countAudit(platform.ctx.db, 'calendar.day.delete')).toBe(audits + 1);
    expect(isWorkingDay(await getWorkCalendar(platform.ctx), '2027-01-01')).toBe(true);
  });
});
