/**
 * Dates as Chinese users write them, in Beijing time whatever the browser's zone:
 * long `2026年11月26日` in prose, short `2026-11-26` in tables and forms.
 */
import { getLocale } from './i18n.js';

const ZONE = 'Asia/Shanghai';
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type DateInput = Date | string | number | null | undefined;

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parts(d: Date) {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(d)) p[x.type] = x.value;
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** `2026年11月26日` (zh-CN) or `26 Nov 2026` (en); a bare `YYYY-MM-DD` is taken as that calendar day. */
export function formatDateLong(value: DateInput, locale = getLocale()): string {
  const p = calendarParts(value);
  if (!p) return '';
  if (locale === 'en') return `${Number(p.day)} ${EN_MONTHS[Number(p.month) - 1]} ${p.year}`;
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}

/** `2026-11-26`, the same in both languages. */
export function formatDateShort(value: DateInput): string {
  const p = calendarParts(value);
  return p ? `${p.year}-${p.month}-${p.day}` : '';
}

/** `2026-11-26 14:05` in Beijing time. */
export function formatDateTime(value: DateInput): string {
  const d = toDate(value);
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `2026年11月26日 14:05` (zh-CN) or `26 Nov 2026 14:05` (en), Beijing time: for prose lists such as an access log. */
export function formatDateTimeLong(value: DateInput, locale = getLocale()): string {
  const d = toDate(value);
  if (!d) return '';
  const p = parts(d);
  return `${formatDateLong(d, locale)} ${p.hour}:${p.minute}`;
}

function calendarParts(value: DateInput) {
  // A plain date has no time zone: do not shift it across midnight.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [year, month, day] = value.split('-') as [string, string, string];
    return { year, month, day };
  }
  const d = toDate(value);
  return d ? parts(d) : null;
}
