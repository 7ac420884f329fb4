import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIALECT_LABEL } from '../../../test/helpers/platform.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { appointmentWorld, bj, createResidents, type AppointmentWorld } from './s2.testkit.js';

describe(`appointments over HTTP (${DIALECT_LABEL})`, () => {
  let w: AppointmentWorld;
  let app: LinliApp;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  let racers: string[] = [];

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? s[who]!.headers : {}), ...headers } });
  /** Moves the clock; sessions idle longer than 30 minutes expire, so these log in again. */
  const moveTo = async (local: string, who: string[]) => {
    w.platform.setNow(bj(local));
    for (const u of who) s[u] = await loginAs(app, u);
  };
  const slotAt = async (local: string) =>
    (await w.platform.ctx.db.kysely.selectFrom('appointment_slot').selectAll().where('window_id', '=', w.window.id).where('starts_at', '=', bj(local).toISOString()).executeTakeFirstOrThrow());

  beforeAll(async () => {
    // Monday 30 November 2026, 08:00.
    w = await appointmentWorld(bj('2026-11-30T08:00:00'));
    reg = await seedRegistryFixture(w.platform.ctx, w.fx.nodes);
    app = await createTestApp(w.platform);
    racers = (await createResidents(w.platform.ctx, w.fx.nodes.grid01.id, 8, 'race')).map((r) => r.username);
    for (const u of ['resident01', 'volunteer01', 'xishan', 'grid01', 'street', 'civil', 'provider01', ...racers]) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app?.close();
    await w?.platform.close();
  });

  it('should require authentication and the right role', async () => {
    expect((await call(null, 'GET', '/api/v1/service-windows')).statusCode).toBe(401);
    expect((await call(null, 'GET', `/api/v1/appointment-slots?windowId=${w.window.id}`)).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/me/appointments')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/appointments/check-in', { code: 'YY20261130-0001' })).statusCode).toBe(401);
    // A resident does not run windows, read the day list or check people in; staff do not book "for themselves".
    expect((await call('resident01', 'POST', '/api/v1/service-windows', {})).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/appointments')).statusCode).toBe(403);
    expect((await call('resident01', 'POST', '/api/v1/appointments/check-in', { code: 'YY20261130-0001' })).statusCode).toBe(403);
    expect((await call('xishan', 'POST', '/api/v1/me/appointments', { slotId: 'x' })).statusCode).toBe(403);
    expect((await call('provider01', 'GET', '/api/v1/appointments')).statusCode).toBe(403);
  });

  it('staff create a window; bad input is a 400 with Chinese and English messages', async () => {
    const bad = await call('xishan', 'POST', '/api/v1/service-windows', { orgNodeId: w.fx.nodes.xishan.id, code: 'mz', name: '', location: '一楼', officeHours: '8点到12点' });
    expect(bad.statusCode).toBe(400);
    const body = bad.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('输入有误，请检查标出的字段');
    const fields = body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['body.code', 'body.name', 'body.officeHours']);
    const hours = body.error.details.find((d: { field: string }) => d.field === 'body.officeHours');
    expect(hours).toMatchObject({ code: 'APPOINTMENT_OFFICE_HOURS_INVALID', message: '办公时间格式应为 08:30-12:00,13:30-17:30（按时间先后，不重叠）' });
    const en = await call('xishan', 'POST', '/api/v1/service-windows?lang=en', { orgNodeId: w.fx.nodes.xishan.id, code: 'MZ', name: '民政窗口', location: '一楼', officeHours: '12:00-08:30' });
    expect(en.json().error.details[0].message).toBe('Office hours look like 08:30-12:00,13:30-17:30 (in order, not overlapping)');

    const created = await call('xishan', 'POST', '/api/v1/service-windows', {
      orgNodeId: w.fx.nodes.xishan.id,
      code: 'MZ',
      name: '民政窗口',
      location: '西山社区党群服务中心一楼 2号窗口',
      matters: [{ code: 'MZ-001', name: '最低生活保障申请' }],
      officeHours: '08:30-11:30, 14:00-17:00',
      slotMinutes: 60,
      capacity: 1,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'MZ', officeHours: '08:30-11:30,14:00-17:00', slotMinutes: 60, capacity: 1, orgNodeName: '西山社区', active: true, version: 1 });
    const dup = await call('xishan', 'POST', '/api/v1/service-windows', { orgNodeId: w.fx.nodes.xishan.id, code: 'MZ', name: '民政二', location: '二楼' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'APPOINTMENT_WINDOW_CODE_TAKEN', message: '该社区已有编号为 MZ 的窗口' });
    // Staff of another community cannot open a window in 西山社区 (the grid worker has no such right at all).
    expect((await call('grid01', 'POST', '/api/v1/service-windows', { orgNodeId: w.fx.nodes.xishan.id, code: 'ZH', name: '综合窗口', location: '一楼' })).statusCode).toBe(403);

    const list = await call('resident01', 'GET', '/api/v1/service-windows');
    expect(list.json().items.map((x: { code: string }) => x.code)).toEqual(['MZ', 'SB']);
    const slots = await call('resident01', 'GET', `/api/v1/appointment-slots?windowId=${created.json().id}&from=2026-12-01&to=2026-12-01`);
    expect(slots.json().items.map((x: { startTime: string }) => x.startTime)).toEqual(['08:30', '09:30', '10:30', '14:00', '15:00', '16:00']);
  });

  it('a slot fought over through HTTP: exactly its capacity of 201s, clear 409s for the rest (zh and en)', async () => {
    const slot = await slotAt('2026-12-02T09:30:00');
    expect(slot.capacity).toBe(2);
    const responses = await Promise.all(
      racers.map((u, i) => call(u, 'POST', `/api/v1/me/appointments${i % 2 ? '?lang=en' : ''}`, { slotId: slot.id, matterCode: 'SB-002' })),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 409, 409, 409, 409, 409, 409]);
    for (const [i, r] of responses.entries()) {
      if (r.statusCode !== 409) continue;
      expect(r.json().error.code).toBe('APPOINTMENT_SLOT_FULL');
      expect(r.json().error.message).toBe(i % 2 ? 'This time slot is fully booked; please choose another' : '该时段已约满，请选择其他时段');
    }
    expect((await slotAt('2026-12-02T09:30:00')).booked).toBe(2);
    const after = await call('resident01', 'GET', `/api/v1/appointment-slots?windowId=${w.window.id}&from=2026-12-02&to=2026-12-02&available=true`);
    expect(after.json().items.some((x: { id: string }) => x.id === slot.id)).toBe(false);
  });

  it('a resident books, sees the QR code, changes, cancels; nobody else sees the booking', async () => {
    const first = await slotAt('2026-12-03T10:00:00');
    const booked = await call('resident01', 'POST', '/api/v1/me/appointments', { slotId: first.id, matterCode: 'SB-001', note: '带上户口本' });
    expect(booked.statusCode).toBe(201);
    const a = booked.json();
    expect(a).toMatchObject({ status: 'booked', statusLabel: '已预约', holderName: '朱志强', matterName: '城乡居民基本养老保险参保登记', window: { code: 'SB', name: '社保窗口' }, slot: { date: '2026-12-03', startTime: '10:00', endTime: '10:30' }, canChange: true, canCancel: true, staff: null });
    expect(a.code).toMatch(/^YY20261130-\d{4}$/);
    expect(a.checkInPath).toMatch(/^\/console\/services\/check-in\?t=/);
    // The same matter twice is refused with the matter's name.
    const again = await call('resident01', 'POST', '/api/v1/me/appointments', { slotId: (await slotAt('2026-12-04T10:00:00')).id, matterCode: 'SB-001' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('已有一个「城乡居民基本养老保险参保登记」的预约尚未办理，请勿重复预约（可以改约）');

    const qr = await call('resident01', 'GET', `/api/v1/me/appointments/${a.id}/qr`);
    expect(qr.statusCode).toBe(200);
    expect(qr.headers['content-type']).toContain('image/svg+xml');
    expect(qr.headers['cache-control']).toBe('private, no-store');
    expect(qr.body).toContain('<svg');
    const png = await call('resident01', 'GET', `/api/v1/me/appointments/${a.id}/qr?format=png`);
    expect(png.headers['content-type']).toBe('image/png');

    // Another resident: neither the booking nor its QR code exist for them.
    expect((await call('volunteer01', 'GET', `/api/v1/me/appointments/${a.id}`)).statusCode).toBe(404);
    expect((await call('volunteer01', 'GET', `/api/v1/me/appointments/${a.id}/qr`)).statusCode).toBe(404);
    expect((await call('volunteer01', 'POST', `/api/v1/me/appointments/${a.id}/cancel`, {})).statusCode).toBe(404);

    const target = await slotAt('2026-12-03T15:00:00');
    const moved = await call('resident01', 'POST', `/api/v1/me/appointments/${a.id}/change`, { slotId: target.id, expectedVersion: a.version });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ slot: { startTime: '15:00' }, changeCount: 1, version: a.version + 1 });
    expect((await slotAt('2026-12-03T10:00:00')).booked).toBe(0);
    expect((await slotAt('2026-12-03T15:00:00')).booked).toBe(1);
    const stale = await call('resident01', 'POST', `/api/v1/me/appointments/${a.id}/change`, { slotId: first.id, expectedVersion: a.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('APPOINTMENT_CONFLICT');

    const mine = await call('resident01', 'GET', '/api/v1/me/appointments');
    expect(mine.json().items.map((x: { id: string }) => x.id)).toContain(a.id);
    const cancelled = await call('resident01', 'POST', `/api/v1/me/appointments/${a.id}/cancel`, { reason: '材料没备齐，改天再来' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: '材料没备齐，改天再来', checkInPath: null, canCancel: false });
    expect((await slotAt('2026-12-03T15:00:00')).booked).toBe(0);
    const twice = await call('resident01', 'POST', `/api/v1/me/appointments/${a.id}/cancel?lang=en`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toBe('This appointment was cancelled');
  });

  it('staff book for a resident by phone (代预约), see the day list (audited) and check the person in by QR', async () => {
    const slot = await slotAt('2026-11-30T10:00:00');
    const noReason = await call('grid01', 'POST', '/api/v1/appointments', { slotId: slot.id, personId: reg.people.zhu });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].field).toBe('body.reason');
    // Someone of 东山社区 is outside the grid worker's area.
    const outside = await call('grid01', 'POST', '/api/v1/appointments', { slotId: slot.id, personId: reg.people.chen, reason: '电话预约' });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.message).toBe('居民不存在或不在您的管辖范围内');
    const made = await call('grid01', 'POST', '/api/v1/appointments', { slotId: slot.id, personId: reg.people.zhu, matterCode: 'SB-002', reason: '老人来电，行动不便，电话代约' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ holderName: '朱志强', onBehalf: true, staff: { personId: reg.people.zhu, bookedByName: '网格员 李建华', onBehalfReason: '老人来电，行动不便，电话代约' } });

    const before = await countAudit(w.platform.ctx.db, 'services.appointment.list');
    const list = await call('xishan', 'GET', `/api/v1/appointments?windowId=${w.window.id}&from=2026-11-30&to=2026-11-30`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([made.json().id]);
    expect(await countAudit(w.platform.ctx.db, 'services.appointment.list')).toBe(before + 1);
    // The dispatcher of the street reads it too; grid workers book for people but do not read the hall's list.
    expect((await call('street', 'GET', `/api/v1/appointments?windowId=${w.window.id}`)).statusCode).toBe(200);
    expect((await call('grid01', 'GET', `/api/v1/appointments?windowId=${w.window.id}`)).statusCode).toBe(403);

    const token = (await w.platform.ctx.db.kysely.selectFrom('appointment').select('check_in_token').where('id', '=', made.json().id).executeTakeFirstOrThrow()).check_in_token;
    const early = await call('xishan', 'POST', '/api/v1/appointments/check-in', { token });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toBe('还未到签到时间，请于 2026-11-30 09:00 后签到');
    await moveTo('2026-11-30T09:55:00', ['xishan']);
    const both = await call('xishan', 'POST', '/api/v1/appointments/check-in', { token, code: made.json().code });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details[0]).toMatchObject({ code: 'APPOINTMENT_CHECKIN_KEY_REQUIRED', message: '请扫描预约二维码或输入预约号（二选一）' });
    const ok = await call('xishan', 'POST', '/api/v1/appointments/check-in', { token });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'checked_in', staff: { checkedInByName: '西山社区 王秀英' } });
    const again = await call('xishan', 'POST', '/api/v1/appointments/check-in?lang=en', { token });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('This appointment was checked in at 2026-11-30 09:55');
  });

  it('staff cancel with a reason (the person is told), resize and close slots', async () => {
    await moveTo('2026-11-30T10:00:00', ['xishan', 'volunteer01']);
    const slot = await slotAt('2026-12-07T09:00:00');
    const a = (await call('volunteer01', 'POST', '/api/v1/me/appointments', { slotId: slot.id })).json();
    const noReason = await call('xishan', 'POST', `/api/v1/appointments/${a.id}/cancel?lang=en`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toMatchObject({ code: 'APPOINTMENT_REASON_REQUIRED', message: 'Please give a reason' });
    const resize = await call('xishan', 'PATCH', `/api/v1/appointment-slots/${slot.id}`, { capacity: 1 });
    expect(resize.json()).toMatchObject({ capacity: 1, booked: 1, available: 0, bookable: false });
    const closed = await call('xishan', 'PATCH', `/api/v1/appointment-slots/${slot.id}`, { closed: true, closedReason: '系统升级，暂停预约' });
    expect(closed.json()).toMatchObject({ closed: true, closedReason: '系统升级，暂停预约' });
    const cancelled = await call('xishan', 'POST', `/api/v1/appointments/${a.id}/cancel`, { reason: '窗口系统升级，当天暂停办理' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', staff: { bookedByName: '志愿者 徐美玲' } });
    const inbox = await call('volunteer01', 'GET', '/api/v1/inbox');
    expect(JSON.stringify(inbox.json())).toContain('窗口系统升级，当天暂停办理');
    const empty = await call('xishan', 'PATCH', `/api/v1/appointment-slots/${slot.id}`, {});
    expect(empty.statusCode).toBe(400);
  });

  it('documents every endpoint in the OpenAPI description', async () => {
    const paths = Object.keys((await call(null, 'GET', '/api/openapi.json')).json().paths);
    for (const p of [
      '/api/v1/service-windows',
      '/api/v1/service-windows/{id}',
      '/api/v1/service-windows/{id}/slots/generate',
      '/api/v1/appointment-slots',
      '/api/v1/appointment-slots/{id}',
      '/api/v1/appointments',
      '/api/v1/appointments/check-in',
      '/api/v1/appointments/{id}',
      '/api/v1/appointments/{id}/change',
      '/api/v1/appointments/{id}/cancel',
      '/api/v1/me/appointments',
      '/api/v1/me/appointments/{id}',
      '/api/v1/me/appointments/{id}/qr',
      '/api/v1/me/appointments/{id}/change',
      '/api/v1/me/appointments/{id}/cancel',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
