import { isValidDate, isWorkingDay, type OfficeHours, type WorkCalendar } from '../../platform/calendar/working-time.js';

/**
 * Slot layout and Beijing-time helpers (pure, no database). Asia/Shanghai has no daylight
 * saving, so local time is UTC+8 arithmetic.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const BJ_OFFSET = 8 * 60 * MINUTE;

/** The Beijing date `YYYY-MM-DD` of an instant. */
export function bjDate(at: Date): string {
  return new Date(at.getTime() + BJ_OFFSET).toISOString().slice(0, 10);
}

/** `HH:MM` Beijing time. */
export function bjTime(at: Date | string): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(t + BJ_OFFSET).toISOString().slice(11, 16);
}

/** `YYYY-MM-DD HH:MM` Beijing time, as people write it. */
export function bjDateTime(at: Date | string): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(t + BJ_OFFSET).toISOString().slice(0, 16).replace('T', ' ');
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Days from `a` to `b` (local dates), negative when `b` is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
}

export interface SlotTime {
  date: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The slots of a window from `from` to `to` (local dates, inclusive): every working day of the
 * calendar (holidays skipped, 调休 weekends included), each office period cut into
 * `slotMinutes` pieces; a remainder shorter than a slot at the end of a period is left out.
 */
export function slotLayout(cal: WorkCalendar, hours: OfficeHours, slotMinutes: number, from: string, to: string): SlotTime[] {
  if (!isValidDate(from) || !isValidDate(to)) throw new RangeError('slotLayout: bad date');
  if (!Number.isInteger(slotMinutes) || slotMinutes < 5) throw new RangeError('slotLayout: slot too short');
  const out: SlotTime[] = [];
  const offset = hours.utcOffsetMinutes * MINUTE;
  for (let date = from; date <= to; date = addDays(date, 1)) {
    if (!isWorkingDay(cal, date)) continue;
    const midnight = Date.parse(`${date}T00:00:00Z`) - offset;
    for (const p of hours.periods) {
      for (let m = p.start; m + slotMinutes <= p.end; m += slotMinutes) {
        out.push({ date, startsAt: new Date(midnight + m * MINUTE), endsAt: new Date(midnight + (m + slotMinutes) * MINUTE) });
      }
    }
  }
  return out;
}
