import type { CalendarDay } from './working-time.js';

/**
 * The State Council's 2026 holiday arrangement (国务院办公厅关于2026年部分节假日安排的通知),
 * seeded by the migration. Staff must check these against the official notice, and add each
 * new year (published every November) through PUT /api/v1/calendar/days/:date: a year that is
 * missing simply counts Monday to Friday as working days.
 */
export const HOLIDAYS_2026: readonly CalendarDay[] = [
  ...festival('元旦', ['2026-01-01', '2026-01-02', '2026-01-03'], ['2026-01-04']),
  ...festival(
    '春节',
    ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'],
    ['2026-02-14', '2026-02-28'],
  ),
  ...festival('清明节', ['2026-04-04', '2026-04-05', '2026-04-06'], []),
  ...festival('劳动节', ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'], ['2026-05-09']),
  ...festival('端午节', ['2026-06-19', '2026-06-20', '2026-06-21'], []),
  ...festival('中秋节', ['2026-09-25', '2026-09-26', '2026-09-27'], []),
  ...festival('国庆节', ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'], ['2026-09-20', '2026-10-10']),
];

function festival(name: string, holidays: string[], workdays: string[]): CalendarDay[] {
  return [
    ...holidays.map((date) => ({ date, kind: 'holiday' as const, name })),
    ...workdays.map((date) => ({ date, kind: 'workday' as const, name })),
  ];
}
