/**
 * Working time (工作时间) over a loaded calendar: pure computation, no database, so a time limit
 * (办理时限) is computed in microseconds. Time limits in government service are stated in working
 * hours or working days: nights, the lunch break, weekends and public holidays do not count,
 * and a make-up working day (调休上班) on a weekend does.
 *
 * Local time is a fixed UTC offset: Asia/Shanghai has had no daylight saving since 1991, so
 * `Date` arithmetic on shifted UTC values is exact and needs no time-zone database.
 */

export type CalendarDayKind = 'holiday' | 'workday';

export interface CalendarDay {
  /** `YYYY-MM-DD`, local date. */
  date: string;
  kind: CalendarDayKind;
  /** The festival it belongs to, e.g. 春节. */
  name: string;
}

/** A period of office time, in minutes after local midnight. */
export interface OfficePeriod {
  start: number;
  end: number;
}

export interface OfficeHours {
  /** Ordered, non-overlapping periods, e.g. morning and afternoon around the lunch break. */
  periods: readonly OfficePeriod[];
  /** Minutes east of UTC; 480 for Beijing time. */
  utcOffsetMinutes: number;
}

export interface WorkCalendar {
  /** Exceptions to the Monday–Friday rule, by local date. */
  days: ReadonlyMap<string, CalendarDay>;
  officeHours: OfficeHours;
}

/** 08:30–12:00 and 13:30–17:30 Beijing time: 7.5 working hours a day. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = parseOfficeHours('08:30-12:00,13:30-17:30');

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** No real calendar has ten years without a working day; stops a loop on a broken one. */
const MAX_DAYS_SCANNED = 3660;

/** Parses `08:30-12:00,13:30-17:30` (local times; the offset defaults to Beijing time). */
export function parseOfficeHours(text: string, utcOffsetMinutes = 480): OfficeHours {
  const periods = text.split(',').map((part) => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) throw new Error(`office hours: cannot read "${part}" (expected HH:MM-HH:MM)`);
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    if (Number(m[2]) > 59 || Number(m[4]) > 59 || end > 24 * 60 || start >= end) {
      throw new Error(`office hours: "${part}" is not a valid period`);
    }
    return { start, end };
  });
  for (let i = 1; i < periods.length; i++) {
    if (periods[i]!.start < periods[i - 1]!.end) throw new Error('office hours: periods must be in order and must not overlap');
  }
  return { periods, utcOffsetMinutes };
}

export function formatOfficeHours(hours: OfficeHours): { start: string; end: string }[] {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return hours.periods.map((p) => ({ start: hhmm(p.start), end: hhmm(p.end) }));
}

/** Working hours in one full working day (7.5 by default). */
export function hoursPerWorkingDay(cal: WorkCalendar): number {
  return cal.officeHours.periods.reduce((sum, p) => sum + (p.end - p.start), 0) / 60;
}

export function buildWorkCalendar(days: Iterable<CalendarDay>, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): WorkCalendar {
  const map = new Map<string, CalendarDay>();
  for (const d of days) map.set(d.date, d);
  return { days: map, officeHours };
}

// Days are counted as whole local days since 1970-01-01 (a Thursday).
function offsetMs(cal: WorkCalendar): number {
  return cal.officeHours.utcOffsetMinutes * MINUTE;
}

function localDayIndex(cal: WorkCalendar, t: number): number {
  return Math.floor((t + offsetMs(cal)) / DAY);
}

function dayStartUtc(cal: WorkCalendar, dayIndex: number): number {
  return dayIndex * DAY - offsetMs(cal);
}

function dateKey(dayIndex: number): string {
  return new Date(dayIndex * DAY).toISOString().slice(0, 10);
}

function isWorkingDayIndex(cal: WorkCalendar, dayIndex: number): boolean {
  const exception = cal.days.get(dateKey(dayIndex));
  if (exception) return exception.kind === 'workday';
  const weekday = new Date(dayIndex * DAY).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `YYYY-MM-DD` names a real date (no 2026-02-30). */
export function isValidDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function dayIndexOfDate(text: string): number {
  if (!isValidDate(text)) throw new RangeError(`not a date: ${text}`);
  return Math.floor(Date.parse(`${text}T00:00:00Z`) / DAY);
}

/** The local date (`YYYY-MM-DD`) of an instant. */
export function localDateOf(cal: WorkCalendar, at: Date): string {
  return dateKey(localDayIndex(cal, at.getTime()));
}

/** A `YYYY-MM-DD` string is a local date; a `Date` is an instant, judged by its local date. */
export function isWorkingDay(cal: WorkCalendar, date: Date | string): boolean {
  const index = typeof date === 'string' ? dayIndexOfDate(date) : localDayIndex(cal, date.getTime());
  return isWorkingDayIndex(cal, index);
}

/**
 * The instant `hours` working hours after `start`. Time before the first period, at lunch,
 * at night and on non-working days does not count. A limit that runs out exactly at the end
 * of a period falls due then (17:30), not at the next morning's opening.
 */
export function addWorkingHours(cal: WorkCalendar, start: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working hours must be ≥ 0, got ${hours}`);
  let remaining = Math.round(hours * HOUR);
  if (remaining === 0) return new Date(start.getTime());
  let t = start.getTime();
  const firstDay = localDayIndex(cal, t);
  for (let day = firstDay; day < firstDay + MAX_DAYS_SCANNED; day++) {
    if (isWorkingDayIndex(cal, day)) {
      const midnight = dayStartUtc(cal, day);
      for (const p of cal.officeHours.periods) {
        const periodEnd = midnight + p.end * MINUTE;
        if (t >= periodEnd) continue;
        const from = Math.max(t, midnight + p.start * MINUTE);
        const available = periodEnd - from;
        if (remaining <= available) return new Date(from + remaining);
        remaining -= available;
        t = periodEnd;
      }
    }
    t = Math.max(t, dayStartUtc(cal, day + 1));
  }
  throw new Error('working-day calendar has no working day in ten years');
}

/** Working hours between two instants; negative when `b` is before `a`. */
export function workingHoursBetween(cal: WorkCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to < from) return -workingHoursBetween(cal, b, a);
  let total = 0;
  const lastDay = localDayIndex(cal, to);
  for (let day = localDayIndex(cal, from); day <= lastDay; day++) {
    if (!isWorkingDayIndex(cal, day)) continue;
    const midnight = dayStartUtc(cal, day);
    for (const p of cal.officeHours.periods) {
      const overlap = Math.min(to, midnight + p.end * MINUTE) - Math.max(from, midnight + p.start * MINUTE);
      if (overlap > 0) total += overlap;
    }
  }
  return total / HOUR;
}

/**
 * The same local time of day on the `days`-th working day after (or, when negative, before)
 * the local date of `start`. Day counting starts the day after `start`, as in 三个工作日内.
 */
export function addWorkingDays(cal: WorkCalendar, start: Date, days: number): Date {
  if (!Number.isInteger(days)) throw new RangeError(`working days must be a whole number, got ${days}`);
  const step = days < 0 ? -1 : 1;
  const startDay = localDayIndex(cal, start.getTime());
  let day = startDay;
  let counted = 0;
  let scanned = 0;
  while (counted < Math.abs(days)) {
    day += step;
    if (++scanned > MAX_DAYS_SCANNED) throw new Error('working-day calendar has no working day in ten years');
    if (isWorkingDayIndex(cal, day)) counted++;
  }
  return new Date(start.getTime() + (day - startDay) * DAY);
}
