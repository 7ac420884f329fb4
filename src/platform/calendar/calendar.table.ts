import type { CalendarDayKind } from './working-time.js';

/** Exceptions to the Monday–Friday week: public holidays and make-up working days (调休). */
export interface WorkCalendarDayTable {
  /** `YYYY-MM-DD`, Beijing date. */
  date: string;
  kind: CalendarDayKind;
  name: string;
}

declare module '../db/schema.js' {
  interface Database {
    work_calendar_day: WorkCalendarDayTable;
  }
}
