import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL, IS_PG } from '../../../test/helpers/platform.js';
import { setCalendarDay } from '../../platform/calendar/calendar.service.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/policy/actor.js';
import { NO_SHOW_JOB, SLOTS_JOB } from './appointments.jobs.js';
import * as svc from './appointments.service.js';
import { appointmentWorld, bj, createResidents, loadActor, type AppointmentWorld } from './s2.testkit.js';
import { servicesModule } from './services.module.js';

/** The error a rejected promise carries: status and code. */
function failure(r: PromiseSettledResult<unknown>): { status: number; code: string } {
  if (r.status !== 'rejected') throw new Error('expected a rejection');
  const e = r.reason as AppError;
  if (!(e instanceof AppError)) throw e;
  return { status: e.status, code: e.code };
}

async function expectAppError(p: Promise<unknown>, status: number, code: string) {
  const [r] = await Promise.allSettled([p]);
  expect(failure(r!)).toEqual({ status, code });
}

describe(`appointments: slots on the working-day calendar (${DIALECT_LABEL})`, () => {
  let w: AppointmentWorld;

  beforeAll(async () => {
    // Monday 28 September 2026: the 国庆 week lies ahead, with its 调休 Saturday 10 October.
    w = await appointmentWorld(bj('2026-09-28T08:00:00'), { bookAheadDays: 20 });
  });
  afterAll(async () => {
    await w?.platform.close();
  });

  const slotsOn = async (date: string) => (await svc.listSlots(w.platform.ctx, w.actors.resident01!, { windowId: w.window.id, from: date, to: date })).items;

  it('lays out office hours in 30-minute slots on a working day, in Beijing time', async () => {
    const day = await slotsOn('2026-09-29');
    // 08:30–12:00 is seven slots, 13:30–17:30 eight.
    expect(day).toHaveLength(15);
    expect(day[0]).toMatchObject({ startTime: '08:30', endTime: '09:00', startsAt: '2026-09-29T00:30:00.000Z', capacity: 2, booked: 0, available: 2, bookable: true });
    expect(day.map((s) => s.startTime)).toContain('11:30');
    expect(day.map((s) => s.startTime)).not.toContain('12:00');
    expect(day[7]!.startTime).toBe('13:30');
    expect(day[14]!.endTime).toBe('17:30');
  });

  it('has no slots on the 国庆 holiday or a normal Sunday, and slots on the 调休 Saturday', async () => {
    for (const holiday of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-07']) expect(await slotsOn(holiday)).toHaveLength(0);
    expect(await slotsOn('2026-10-11')).toHaveLength(0); // Sunday
    expect(await slotsOn('2026-10-03')).toHaveLength(0); // Saturday inside the holiday
    expect(await slotsOn('2026-10-10')).toHaveLength(15); // 调休上班 Saturday
    expect(await slotsOn('2026-10-09')).toHaveLength(15); // Friday
  });

  it('is idempotent, and closes the slots of a day that becomes a holiday later (bookings kept and counted for staff to call)', async () => {
    const ctx = w.platform.ctx;
    const again = await svc.generateSlots(ctx, w.window.id, '2026-09-28', '2026-10-18');
    expect(again.created).toBe(0);
    const [first] = await slotsOn('2026-10-16');
    const booked = await svc.bookOwn(ctx, w.actors.resident01!, { slotId: first!.id }, {});
    expect(booked.status).toBe('booked');
    await setCalendarDay(ctx, w.actors.admin!, { date: '2026-10-16', kind: 'holiday', name: '测试停办' });
    const run = await svc.generateSlots(ctx, w.window.id, '2026-10-12', '2026-10-18');
    expect(run).toMatchObject({ created: 0, closed: 15, bookedOnNonWorkingDays: 1 });
    const day = await slotsOn('2026-10-16');
    expect(day.filter((s) => s.closed)).toHaveLength(15);
    expect(day.find((s) => s.id === first!.id)).toMatchObject({ booked: 1, closed: true, closedReason: '非工作日' });
    expect(day.filter((s) => s.bookable)).toHaveLength(0);
    await expectAppError(svc.bookOwn(ctx, w.actors.volunteer01!, { slotId: day[3]!.id }, {}), 409, 'APPOINTMENT_SLOT_CLOSED');
  });

  it('the hourly job lays out new days as time moves on, for every active window', async () => {
    const job = servicesModule.jobs!.find((j) => j.kind === SLOTS_JOB)!;
    expect(job.everySeconds).toBe(3600);
    expect(await slotsOn('2026-10-20')).toHaveLength(0);
    w.platform.setNow(bj('2026-10-12T08:00:00'));
    await job.handler(w.platform.ctx, {});
    // 20 days ahead of 12 October is 1 November; the working days up to it now have slots.
    expect(await slotsOn('2026-10-20')).toHaveLength(15);
    expect(await slotsOn('2026-10-30')).toHaveLength(15);
    expect(await slotsOn('2026-11-02')).toHaveLength(0);
    expect(await svc.ensureSlotsAhead(w.platform.ctx)).toBe(0);
  });

  it('refuses a range backwards or too long', async () => {
    await expectAppError(svc.generateSlots(w.platform.ctx, w.window.id, '2026-10-10', '2026-10-01'), 400, 'APPOINTMENT_RANGE_INVALID');
    await expectAppError(svc.generateSlots(w.platform.ctx, w.window.id, '2026-10-01', '2027-01-01'), 400, 'APPOINTMENT_RANGE_INVALID');
  });
});

describe(`appointments: a slot fought over, change, cancel, check-in, no-shows (${DIALECT_LABEL})`, () => {
  let w: AppointmentWorld;
  let residents: Actor[];
  const ctx = () => w.platform.ctx;
  const db = () => w.platform.ctx.db.kysely;
  const slotAt = async (local: string) =>
    db().selectFrom('appointment_slot').selectAll().where('window_id', '=', w.window.id).where('starts_at', '=', bj(local).toISOString()).executeTakeFirstOrThrow();

  beforeAll(async () => {
    // Monday 30 November 2026, 08:00.
    w = await appointmentWorld(bj('2026-11-30T08:00:00'), { capacity: 3 });
    const accounts = await createResidents(ctx(), w.fx.nodes.grid01.id, 16);
    residents = await Promise.all(accounts.map((a) => loadActor(db(), a.id)));
  });
  afterAll(async () => {
    await w?.platform.close();
  });

  it('lets exactly capacity of many concurrent bookings win; the rest get 409 SLOT_FULL', async () => {
    const slot = await slotAt('2026-12-01T09:00:00');
    expect(slot.capacity).toBe(3);
    const results = await Promise.allSettled(residents.slice(0, 12).map((r) => svc.bookOwn(ctx(), r, { slotId: slot.id }, {})));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(3);
    for (const r of results.filter((x) => x.status === 'rejected')) expect(failure(r)).toEqual({ status: 409, code: 'APPOINTMENT_SLOT_FULL' });
    const after = await slotAt('2026-12-01T09:00:00');
    expect(after.booked).toBe(3);
    const rows = await db().selectFrom('appointment').select(['id', 'code', 'holder_key']).where('slot_id', '=', slot.id).where('status', '=', 'booked').execute();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.holder_key)).size).toBe(3);
    // Numbers are unique and of the booking day.
    expect(new Set(rows.map((r) => r.code)).size).toBe(3);
    for (const r of rows) expect(r.code).toMatch(/^YY20261130-\d{4}$/);
  });

  it('lets one person hold one booking of a slot, and one of a matter, even when they race themselves', async () => {
    const me = residents[12]!;
    const slot = await slotAt('2026-12-02T10:00:00');
    const same = await Promise.allSettled(Array.from({ length: 6 }, () => svc.bookOwn(ctx(), me, { slotId: slot.id }, {})));
    expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of same.filter((x) => x.status === 'rejected')) expect(failure(r)).toEqual({ status: 409, code: 'APPOINTMENT_DUPLICATE_SLOT' });
    expect((await slotAt('2026-12-02T10:00:00')).booked).toBe(1);

    // The same matter in five different slots at once: one wins, every other seat is given back.
    const other = residents[13]!;
    const times = ['2026-12-03T08:30:00', '2026-12-03T09:00:00', '2026-12-03T09:30:00', '2026-12-03T10:00:00', '2026-12-03T10:30:00'];
    const slots = await Promise.all(times.map(slotAt));
    const matter = await Promise.allSettled(slots.map((s) => svc.bookOwn(ctx(), other, { slotId: s.id, matterCode: 'SB-002' }, {})));
    expect(matter.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of matter.filter((x) => x.status === 'rejected')) expect(failure(r)).toEqual({ status: 409, code: 'APPOINTMENT_DUPLICATE_MATTER' });
    const seats = (await Promise.all(times.map(slotAt))).reduce((n, s) => n + s.booked, 0);
    expect(seats).toBe(1);
  });

  it('frees the seat on change and on cancel', async () => {
    const full = await slotAt('2026-12-01T09:00:00');
    const target = await slotAt('2026-12-01T14:00:00');
    const holders = new Set((await db().selectFrom('appointment').select('holder_key').where('slot_id', '=', full.id).where('status', '=', 'booked').execute()).map((r) => r.holder_key));
    const owner = residents.slice(0, 12).find((r) => holders.has(`u:${r.userId}`))!;
    const d = residents.slice(0, 12).find((r) => !holders.has(`u:${r.userId}`))!;
    // d lost the race above: the slot is full.
    await expectAppError(svc.bookOwn(ctx(), d, { slotId: full.id }, {}), 409, 'APPOINTMENT_SLOT_FULL');
    const holder = (await svc.listMyAppointments(ctx(), owner, { page: 1, pageSize: 10, status: 'booked' })).items.find((x) => x.slot.id === full.id);
    expect(holder).toBeTruthy();

    const moved = await svc.changeAppointment(ctx(), owner, holder!.id, { slotId: target.id }, {}, 'holder');
    expect(moved.slot.id).toBe(target.id);
    expect(moved.changeCount).toBe(1);
    expect((await slotAt('2026-12-01T09:00:00')).booked).toBe(2);
    expect((await slotAt('2026-12-01T14:00:00')).booked).toBe(1);
    const dBooking = await svc.bookOwn(ctx(), d, { slotId: full.id }, {});
    expect((await slotAt('2026-12-01T09:00:00')).booked).toBe(3);

    const cancelled = await svc.cancelAppointment(ctx(), d, dBooking.id, { reason: '临时有事' }, {}, 'holder');
    expect(cancelled.status).toBe('cancelled');
    expect((await slotAt('2026-12-01T09:00:00')).booked).toBe(2);
    await expectAppError(svc.cancelAppointment(ctx(), d, dBooking.id, {}, {}, 'holder'), 409, 'APPOINTMENT_ALREADY_CANCELLED');
    // Someone else's booking is not there for you.
    await expectAppError(svc.cancelAppointment(ctx(), residents[15]!, moved.id, {}, {}, 'holder'), 404, 'APPOINTMENT_NOT_FOUND');
    // Moving to another window's slot, to the same slot, or to a full one is refused.
    await expectAppError(svc.changeAppointment(ctx(), owner, moved.id, { slotId: target.id }, {}, 'holder'), 400, 'APPOINTMENT_CHANGE_SAME_SLOT');
  });

  it('never overbooks when bookings, changes and cancels race on one slot', async () => {
    const hot = await slotAt('2026-12-04T09:00:00');
    const cold = await slotAt('2026-12-04T15:00:00');
    // Three hold seats elsewhere and will move into the hot slot while six book it directly.
    const movers = residents.slice(4, 7);
    const moving = await Promise.all(movers.map((r) => svc.bookOwn(ctx(), r, { slotId: cold.id }, {})));
    const first = await svc.bookOwn(ctx(), residents[7]!, { slotId: hot.id }, {});
    const ops: Promise<unknown>[] = [
      ...movers.map((r, i) => svc.changeAppointment(ctx(), r, moving[i]!.id, { slotId: hot.id }, {}, 'holder')),
      ...residents.slice(8, 12).map((r) => svc.bookOwn(ctx(), r, { slotId: hot.id }, {})),
      svc.cancelAppointment(ctx(), residents[7]!, first.id, {}, {}, 'holder'),
    ];
    const results = await Promise.allSettled(ops);
    for (const r of results.filter((x) => x.status === 'rejected')) expect(failure(r).status).toBe(409);
    const [h, c] = await Promise.all([slotAt('2026-12-04T09:00:00'), slotAt('2026-12-04T15:00:00')]);
    const count = async (slotId: string) =>
      Number((await db().selectFrom('appointment').select((eb) => eb.fn.countAll().as('n')).where('slot_id', '=', slotId).where('status', '=', 'booked').executeTakeFirstOrThrow()).n);
    expect(h.booked).toBeLessThanOrEqual(3);
    expect(h.booked).toBe(await count(hot.id));
    expect(c.booked).toBe(await count(cold.id));
  });

  it('checks in by QR token at the window, once, in its time, by staff of the area', async () => {
    const ctx0 = ctx();
    const slot = await slotAt('2026-11-30T10:00:00');
    const booking = await svc.bookOwn(ctx0, w.actors.resident01!, { slotId: slot.id, matterCode: 'SB-001' }, {});
    expect(booking.checkInPath).toMatch(/^\/console\/services\/check-in\?t=[\w-]{20,}$/);
    const token = new URL(booking.checkInPath!, 'http://x').searchParams.get('t')!;
    // 08:00 is more than an hour early.
    await expectAppError(svc.checkIn(ctx0, w.actors.xishan!, { token }, {}), 409, 'APPOINTMENT_CHECKIN_TOO_EARLY');
    w.platform.setNow(bj('2026-11-30T09:50:00'));
    await expectAppError(svc.checkIn(ctx0, w.actors.street!, { token }, {}), 403, 'APPOINTMENT_OUTSIDE_SCOPE');
    const done = await svc.checkIn(ctx0, w.actors.xishan!, { token }, {});
    expect(done).toMatchObject({ status: 'checked_in', holderName: '朱志强', matterName: '城乡居民基本养老保险参保登记' });
    expect(done.staff?.checkedInByName).toBe('西山社区 王秀英');
    await expectAppError(svc.checkIn(ctx0, w.actors.xishan!, { token }, {}), 409, 'APPOINTMENT_ALREADY_CHECKED_IN');
    await expectAppError(svc.checkIn(ctx0, w.actors.xishan!, { token: 'not-a-real-token-at-all' }, {}), 404, 'APPOINTMENT_NOT_FOUND');
    // Staff of 东山社区 have no say over 西山社区's windows.
    const dongshanStaff = { ...w.actors.xishan!, userId: w.actors.xishan!.userId, grants: [{ ...w.actors.xishan!.grants[0]!, orgNodeId: w.fx.nodes.dongshan.id, orgPath: w.fx.nodes.dongshan.path }] };
    const other = await svc.bookOwn(ctx0, w.actors.volunteer01!, { slotId: (await slotAt('2026-11-30T10:30:00')).id }, {});
    const otherToken = new URL(other.checkInPath!, 'http://x').searchParams.get('t')!;
    await expectAppError(svc.checkIn(ctx0, dongshanStaff, { token: otherToken }, {}), 403, 'APPOINTMENT_OUTSIDE_SCOPE');
    // By the number read out, too.
    const byCode = await svc.checkIn(ctx0, w.actors.civil!, { code: other.code }, {});
    expect(byCode.status).toBe('checked_in');
  });

  it('marks no-shows with the job after the slot ends (on a fake clock), once, and tells the person', async () => {
    const ctx0 = ctx();
    w.platform.setNow(bj('2026-11-30T10:40:00'));
    const slot = await slotAt('2026-11-30T14:00:00');
    const booking = await svc.bookOwn(ctx0, residents[14]!, { slotId: slot.id }, {});
    expect(servicesModule.jobs?.map((j) => j.kind)).toEqual(expect.arrayContaining([NO_SHOW_JOB, SLOTS_JOB]));
    const job = servicesModule.jobs!.find((j) => j.kind === NO_SHOW_JOB)!;
    expect(job.everySeconds).toBe(300);

    // The slot ends 14:30; until 15:00 the person may still check in.
    w.platform.setNow(bj('2026-11-30T14:55:00'));
    expect(await svc.markNoShows(ctx0)).toBe(0);
    w.platform.setNow(bj('2026-11-30T15:01:00'));
    await job.handler(ctx0, {});
    const row = await db().selectFrom('appointment').selectAll().where('id', '=', booking.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('no_show');
    expect(row.no_show_at).toBe(bj('2026-11-30T15:01:00').toISOString());
    expect(await svc.markNoShows(ctx0)).toBe(0);
    const told = await db().selectFrom('notification').select(['kind', 'body']).where('user_id', '=', residents[14]!.userId).where('kind', '=', 'services.appointment.no-show').execute();
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain(row.code);
    // Checked-in and cancelled bookings of the morning are not no-shows.
    const morning = await db().selectFrom('appointment').select(['status']).where('slot_starts_at', '<', bj('2026-11-30T12:00:00').toISOString()).execute();
    expect(morning.map((m) => m.status).sort()).toEqual(['checked_in', 'checked_in']);
    const token = (await db().selectFrom('appointment').select('check_in_token').where('id', '=', booking.id).executeTakeFirstOrThrow()).check_in_token;
    await expectAppError(svc.checkIn(ctx0, w.actors.xishan!, { token }, {}), 409, 'APPOINTMENT_WAS_NO_SHOW');
  });

  it('pauses online booking after three no-shows in 90 days (staff may still book for the person)', async () => {
    const ctx0 = ctx();
    const me = residents[15]!;
    for (const time of ['2026-11-30T15:30:00', '2026-11-30T16:00:00', '2026-11-30T16:30:00']) {
      w.platform.setNow(bj('2026-11-30T15:10:00'));
      await svc.bookOwn(ctx0, me, { slotId: (await slotAt(time)).id }, {});
    }
    w.platform.setNow(bj('2026-11-30T17:45:00'));
    expect(await svc.markNoShows(ctx0)).toBe(3);
    w.platform.setNow(bj('2026-12-01T08:00:00'));
    await expectAppError(svc.bookOwn(ctx0, me, { slotId: (await slotAt('2026-12-07T09:00:00')).id }, {}), 403, 'APPOINTMENT_BLOCKED');
    // Thirty days after the last one the pause ends.
    w.platform.setNow(bj('2026-12-31T09:00:00'));
    await svc.generateSlots(ctx0, w.window.id, '2026-12-31', '2027-01-08');
    const later = await slotAt('2027-01-05T09:00:00');
    expect((await svc.bookOwn(ctx0, me, { slotId: later.id }, {})).status).toBe('booked');
  });

  it('refuses slots in the past, too far ahead, or matters the window does not handle', async () => {
    const ctx0 = ctx();
    w.platform.setNow(bj('2026-12-01T10:10:00'));
    await expectAppError(svc.bookOwn(ctx0, w.actors.volunteer01!, { slotId: (await slotAt('2026-12-01T10:00:00')).id }, {}), 409, 'APPOINTMENT_SLOT_PAST');
    await expectAppError(svc.bookOwn(ctx0, w.actors.volunteer01!, { slotId: (await slotAt('2026-12-01T11:00:00')).id, matterCode: 'MZ-404' }, {}), 400, 'APPOINTMENT_MATTER_NOT_AT_WINDOW');
    await expectAppError(svc.bookOwn(ctx0, w.actors.volunteer01!, { slotId: (await slotAt('2027-01-05T10:00:00')).id }, {}), 409, 'APPOINTMENT_TOO_FAR');
    await expectAppError(svc.bookOwn(ctx0, w.actors.volunteer01!, { slotId: 'nope' }, {}), 404, 'APPOINTMENT_SLOT_NOT_FOUND');
  });

  it(`runs on ${IS_PG ? 'PostgreSQL with a pool of several connections' : 'SQLite'}`, () => {
    expect(w.platform.ctx.db.dialect).toBe(IS_PG ? 'postgres' : 'sqlite');
  });
});
