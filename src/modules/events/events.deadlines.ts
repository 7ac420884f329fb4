import { addWorkingHours, workingHoursBetween, type WorkCalendar } from '../../platform/calendar/working-time.js';

/** The share of a stage's working time after which its handlers are warned (预警). */
export const WARN_SHARE = 0.8;

/**
 * When a stage that started at `start` and is due at `due` reaches its warning point, on the
 * working-hours calendar (a limit of 10 working hours warns after 8 of them, not after 80 %
 * of the nights and weekends in between).
 */
export function warnAtFor(calendar: WorkCalendar, start: Date, due: Date): Date {
  const hours = workingHoursBetween(calendar, start, due);
  if (!(hours > 0)) return due;
  return addWorkingHours(calendar, start, hours * WARN_SHARE);
}
