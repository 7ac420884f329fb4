import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { getWorkCalendar } from './calendar.service.js';
import {
  addWorkingDays,
  addWorkingHours,
  buildWorkCalendar,
  hoursPerWorkingDay,
  isWorkingDay,
  parseOfficeHours,
  workingHoursBetween,
  type WorkCalendar,
} from './working-time.js';

// Every expected value below was worked out by hand from the 2026 State Council arrangement
// and a wall calendar (2026-01-01 is a Thursday), not taken from the code.
const bj = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();

describe(`working-day calendar, 2026 as seeded (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let cal: WorkCalendar;

  beforeAll(async () => {
    platform = await createTestPlatform();
    cal = await getWorkCalendar(platform.ctx);
  });
  afterAll(async () => {
    await platform.close();
  });

  it('seeds the 2026 holidays and make-up working days', () => {
    expect(cal.days.size).toBe(39);
    expect(cal.days.get('2026-02-15')).toEqual({ date: '2026-02-15', kind: 'holiday', name: '春节' });
    expect(cal.days.get('2026-09-20')).toEqual({ date: '2026-09-20', kind: 'workday', name: '国庆节' });
  });

  it('knows holidays, weekends and make-up working days', () => {
    const working = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10', '2026-10-08', '2026-02-24', '2026-03-02'];
    const resting = ['2026-01-01', '2026-01-03', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-07', '2026-10-11', '2026-03-07', '2026-03-08'];
    for (const d of working) expect([d, isWorkingDay(cal, d)]).toEqual([d, true]);
    for (const d of resting) expect([d, isWorkingDay(cal, d)]).toEqual([d, false]);
  });

  it('judges an instant by its Beijing date, not its UTC date', () => {
    // 2026-10-07T23:30Z is 07:30 on Thursday 8 October in Beijing: a working day.
    expect(isWorkingDay(cal, new Date('2026-10-07T23:30:00Z'))).toBe(true);
    // 2026-09-30T16:30Z is 00:30 on 1 October in Beijing: National Day.
    expect(isWorkingDay(cal, new Date('2026-09-30T16:30:00Z'))).toBe(false);
  });

  it('has 7.5 working hours a day by default', () => {
    expect(hoursPerWorkingDay(cal)).toBe(7.5);
  });

  it('8 working hours from 30 Sep 16:00 skip the National Day week', () => {
    // 1.5 h on 30 Sep (16:00–17:30), 1–7 Oct off, 8 Oct (Thu): 3.5 h morning, 3 h from 13:30.
    expect(iso(addWorkingHours(cal, bj('2026-09-30T16:00:00'), 8))).toBe(iso(bj('2026-10-08T16:30:00')));
    // 16 h: 1.5 + 7.5 (8 Oct) + 7 on 9 Oct (3.5 morning, 3.5 afternoon) → 17:00.
    expect(iso(addWorkingHours(cal, bj('2026-09-30T16:00:00'), 16))).toBe(iso(bj('2026-10-09T17:00:00')));
    // 24 h: 1.5 + 7.5 + 7.5 = 16.5 by 9 Oct; Sat 10 Oct is a make-up day: 7.5 → 17:30 exactly.
    expect(iso(addWorkingHours(cal, bj('2026-09-30T16:00:00'), 24))).toBe(iso(bj('2026-10-10T17:30:00')));
  });

  it('counts the Saturday make-up day before Spring Festival and skips the holiday', () => {
    // Fri 13 Feb 17:00 + 2 h: 0.5 h Friday, then Sat 14 Feb (make-up day) 08:30 + 1.5 h.
    expect(iso(addWorkingHours(cal, bj('2026-02-13T17:00:00'), 2))).toBe(iso(bj('2026-02-14T10:00:00')));
    // Sat 14 Feb 16:00 + 4 h: 1.5 h that day, 15–23 Feb off, Tue 24 Feb 08:30 + 2.5 h.
    expect(iso(addWorkingHours(cal, bj('2026-02-14T16:00:00'), 4))).toBe(iso(bj('2026-02-24T11:00:00')));
  });

  it('counts the Sunday make-up day after New Year', () => {
    // Wed 31 Dec 2025 17:00 + 1 h: 0.5 h, 1–3 Jan off, Sun 4 Jan works: 09:00.
    expect(iso(addWorkingHours(cal, bj('2025-12-31T17:00:00'), 1))).toBe(iso(bj('2026-01-04T09:00:00')));
  });

  it('skips lunch, nights and weekends', () => {
    expect(iso(addWorkingHours(cal, bj('2026-03-02T11:00:00'), 2))).toBe(iso(bj('2026-03-02T14:30:00')));
    expect(iso(addWorkingHours(cal, bj('2026-03-02T12:30:00'), 1))).toBe(iso(bj('2026-03-02T14:30:00')));
    expect(iso(addWorkingHours(cal, bj('2026-03-02T20:00:00'), 1))).toBe(iso(bj('2026-03-03T09:30:00')));
    expect(iso(addWorkingHours(cal, bj('2026-03-02T07:00:00'), 1))).toBe(iso(bj('2026-03-02T09:30:00')));
    // Fri 6 Mar at closing time + 0.5 h → Mon 9 Mar 09:00.
    expect(iso(addWorkingHours(cal, bj('2026-03-06T17:30:00'), 0.5))).toBe(iso(bj('2026-03-09T09:00:00')));
    // A limit that runs out at closing time falls due then, not next morning.
    expect(iso(addWorkingHours(cal, bj('2026-03-02T08:30:00'), 7.5))).toBe(iso(bj('2026-03-02T17:30:00')));
    expect(iso(addWorkingHours(cal, bj('2026-03-02T10:00:00'), 2))).toBe(iso(bj('2026-03-02T12:00:00')));
  });

  it('treats a year without data as plain Monday–Friday', () => {
    // Fri 1 Oct 2027 16:00 + 3 h: 1.5 h, weekend, Mon 4 Oct 08:30 + 1.5 h.
    expect(iso(addWorkingHours(cal, bj('2027-10-01T16:00:00'), 3))).toBe(iso(bj('2027-10-04T10:00:00')));
  });

  it('measures working hours between two instants', () => {
    expect(workingHoursBetween(cal, bj('2026-09-30T16:00:00'), bj('2026-10-09T09:00:00'))).toBe(9.5);
    expect(workingHoursBetween(cal, bj('2026-03-02T11:00:00'), bj('2026-03-02T14:30:00'))).toBe(2);
    expect(workingHoursBetween(cal, bj('2026-03-02T14:30:00'), bj('2026-03-02T11:00:00'))).toBe(-2);
    // The whole Spring Festival week, Sat 14 Feb 00:00 → Wed 25 Feb 00:00: 14 Feb and 24 Feb.
    expect(workingHoursBetween(cal, bj('2026-02-14T00:00:00'), bj('2026-02-25T00:00:00'))).toBe(15);
  });

  it('adds working days at the same time of day', () => {
    expect(iso(addWorkingDays(cal, bj('2026-09-30T10:00:00'), 1))).toBe(iso(bj('2026-10-08T10:00:00')));
    // 8 Oct, 9 Oct, Sat 10 Oct (make-up day).
    expect(iso(addWorkingDays(cal, bj('2026-09-30T10:00:00'), 3))).toBe(iso(bj('2026-10-10T10:00:00')));
    // 10 Oct, then Sun 11 off, Mon 12 Oct.
    expect(iso(addWorkingDays(cal, bj('2026-10-09T15:00:00'), 2))).toBe(iso(bj('2026-10-12T15:00:00')));
    expect(iso(addWorkingDays(cal, bj('2026-10-08T09:00:00'), -1))).toBe(iso(bj('2026-09-30T09:00:00')));
    expect(iso(addWorkingDays(cal, bj('2026-10-03T09:00:00'), 0))).toBe(iso(bj('2026-10-03T09:00:00')));
  });
});

describe('office hours are configurable', () => {
  it('reads HH:MM periods and computes with them', () => {
    const summer = buildWorkCalendar([], parseOfficeHours('08:30-12:00,14:30-18:00'));
    expect(hoursPerWorkingDay(summer)).toBe(7);
    // Mon 6 Jul 2026 11:00 + 2 h: 1 h, then 14:30 + 1 h.
    expect(addWorkingHours(summer, bj('2026-07-06T11:00:00'), 2).toISOString()).toBe(bj('2026-07-06T15:30:00').toISOString());
  });

  it('refuses periods that overlap or make no sense', () => {
    expect(() => parseOfficeHours('08:30-12:00,11:00-17:00')).toThrow(/overlap/);
    expect(() => parseOfficeHours('12:00-08:00')).toThrow(/not a valid period/);
    expect(() => parseOfficeHours('8h-12h')).toThrow(/HH:MM/);
  });

  it('refuses negative hours', () => {
    const cal = buildWorkCalendar([]);
    expect(() => addWorkingHours(cal, new Date(), -1)).toThrow(RangeError);
  });
});
