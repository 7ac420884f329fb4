import type { OpeningHours } from './merchants.table.js';

/** Opening hours (营业时间), pure: Beijing time is UTC+8 with no daylight saving. */

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function localParts(at: Date): { weekday: number; minutes: number } {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const d = local.getUTCDay();
  return { weekday: d === 0 ? 7 : d, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

const previousDay = (weekday: number) => (weekday === 1 ? 7 : weekday - 1);

/** Whether the shop is open at `at`; a period whose close is at or before its open runs past midnight. */
export function isOpenAt(hours: OpeningHours, at: Date): boolean {
  const { weekday, minutes } = localParts(at);
  return hours.periods.some((p) => {
    const open = toMinutes(p.open);
    const close = toMinutes(p.close);
    if (close > open) return p.days.includes(weekday) && minutes >= open && minutes < close;
    return (p.days.includes(weekday) && minutes >= open) || (p.days.includes(previousDay(weekday)) && minutes < close);
  });
}

/** Today's hours as a notice board writes them: `07:00–11:00、16:30–21:00`, or 今日休息. */
export function hoursOn(hours: OpeningHours, at: Date): string {
  const { weekday } = localParts(at);
  const today = hours.periods.filter((p) => p.days.includes(weekday)).sort((a, b) => a.open.localeCompare(b.open));
  if (today.length === 0) return '今日休息';
  return today.map((p) => (p.open === '00:00' && p.close === '24:00' ? '24小时营业' : `${p.open}–${p.close}${toMinutes(p.close) <= toMinutes(p.open) ? '（次日）' : ''}`)).join('、');
}
