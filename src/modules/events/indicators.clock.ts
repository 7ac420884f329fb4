import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { Db, DialectName, Executor } from '../../platform/db/database.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { isWorkingDay, type WorkCalendar } from '../../platform/calendar/working-time.js';

/**
 * The working-hours calendar as a lookup table, so SQL can measure working time.
 *
 * W(t), the working seconds between the table's first day and instant t, is
 *   W(t) = base(d) + Σᵢ clamp(sec(t) − sᵢ(d), 0, lᵢ(d))
 * where d is t's UTC date (the first ten characters of its ISO text), sec(t) the seconds since
 * that day's 00:00 UTC, and (sᵢ, lᵢ) the office periods falling inside d, in UTC seconds. The
 * working time between a and b is W(b) − W(a), exactly what `workingHoursBetween` computes
 * (the tests compare the two), and a sum of such differences is a difference of two sums: one
 * aggregate query gives average response and handling times over a year of events.
 *
 * Keyed by UTC date because timestamps are stored as UTC text: a substring finds the row, no
 * time-zone arithmetic in SQL. Each row also gives the local day of the same date as a range of
 * stored instants, which the indicators walk in order to count by day. A UTC day overlaps two local days, so it may hold up to four
 * periods (two a day by default; 08:30–12:00 and 13:30–17:30 Beijing time are 00:30–04:00 and
 * 05:30–09:30 UTC, both inside one UTC day).
 */
export interface WorkDayRow {
  utc_date: string;
  base: number;
  /** The local day of the same date: its first instant and the next day's, as stored ISO text. */
  day_start: string;
  day_end: string;
  s1: number;
  l1: number;
  s2: number;
  l2: number;
  s3: number;
  l3: number;
  s4: number;
  l4: number;
}

export interface WorkClockTable {
  id: number;
  fingerprint: string;
  slots: number;
  built_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    event_work_day: WorkDayRow;
    event_work_clock: WorkClockTable;
  }
}

/** The days the table covers; a timestamp outside them has no working time (null in SQL). */
export const CLOCK_FIRST_DAY = '2020-01-01';
export const CLOCK_LAST_DAY = '2049-12-31';
export const MAX_SLOTS = 4;

const DAY = 86_400_000;
const dayIndex = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (index: number) => new Date(index * DAY).toISOString().slice(0, 10);

/** The rows of the table for a calendar, and how many period slots the busiest day uses. */
export function buildWorkDays(cal: WorkCalendar, first = CLOCK_FIRST_DAY, last = CLOCK_LAST_DAY): { rows: WorkDayRow[]; slots: number } {
  const firstIdx = dayIndex(first);
  const lastIdx = dayIndex(last);
  const offsetMs = cal.officeHours.utcOffsetMinutes * 60_000;
  const periods: [number, number][][] = Array.from({ length: lastIdx - firstIdx + 1 }, () => []);
  // Local days one either side: their office time may fall on the table's first or last UTC day.
  for (let local = firstIdx - 1; local <= lastIdx + 1; local++) {
    if (!isWorkingDay(cal, dateOf(local))) continue;
    const midnight = local * DAY - offsetMs;
    for (const p of cal.officeHours.periods) {
      let a = midnight + p.start * 60_000;
      const b = midnight + p.end * 60_000;
      while (a < b) {
        const d = Math.floor(a / DAY);
        const end = Math.min(b, (d + 1) * DAY);
        if (d >= firstIdx && d <= lastIdx) periods[d - firstIdx]!.push([(a - d * DAY) / 1000, (end - d * DAY) / 1000]);
        a = end;
      }
    }
  }
  let base = 0;
  let slots = 0;
  const rows: WorkDayRow[] = [];
  for (let i = 0; i < periods.length; i++) {
    const list = periods[i]!.sort((x, y) => x[0] - y[0]);
    // Periods that touch (across a local midnight) are one stretch of working time.
    const merged: [number, number][] = [];
    for (const p of list) {
      const prev = merged[merged.length - 1];
      if (prev && prev[1] >= p[0]) prev[1] = Math.max(prev[1], p[1]);
      else merged.push([p[0], p[1]]);
    }
    if (merged.length > MAX_SLOTS) throw new Error(`office hours put ${merged.length} periods in one UTC day; at most ${MAX_SLOTS} are supported`);
    slots = Math.max(slots, merged.length);
    const dayStart = (firstIdx + i) * DAY - offsetMs;
    const row: WorkDayRow = {
      utc_date: dateOf(firstIdx + i),
      base,
      day_start: new Date(dayStart).toISOString(),
      day_end: new Date(dayStart + DAY).toISOString(),
      s1: 0, l1: 0, s2: 0, l2: 0, s3: 0, l3: 0, s4: 0, l4: 0,
    };
    merged.forEach(([s, e], k) => {
      (row as unknown as Record<string, number>)[`s${k + 1}`] = s;
      (row as unknown as Record<string, number>)[`l${k + 1}`] = e - s;
      base += e - s;
    });
    rows.push(row);
  }
  return { rows, slots };
}

const fingerprints = new WeakMap<WorkCalendar, string>();

/** What the table depends on: the calendar's exceptions, the office hours and the covered days. */
export function calendarFingerprint(cal: WorkCalendar): string {
  let fp = fingerprints.get(cal);
  if (!fp) {
    const days = [...cal.days.values()].map((d) => [d.date, d.kind]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    fp = createHash('sha256')
      .update(JSON.stringify({ days, hours: cal.officeHours, first: CLOCK_FIRST_DAY, last: CLOCK_LAST_DAY }))
      .digest('hex')
      .slice(0, 32);
    fingerprints.set(cal, fp);
  }
  return fp;
}

export interface WorkClock {
  fingerprint: string;
  /** Period columns the SQL needs to read (the table may hold up to MAX_SLOTS). */
  slots: number;
  utcOffsetMinutes: number;
}

const synced = new WeakMap<Db, WorkClock>();
const building = new WeakMap<Db, Promise<WorkClock>>();

/**
 * Makes sure the table matches the current calendar and returns how to read it. Free while
 * nothing changed (one comparison in memory); after a calendar change the first caller
 * rebuilds it (~11,000 rows, under a second) under a lock, so several server processes
 * build it once, and marks the working times measured across the changed days for measuring
 * again. A process may see a change up to CALENDAR_REFRESH_MS late; until then it keeps the
 * table it knows.
 */
export async function ensureWorkClock(ctx: Pick<PlatformContext, 'db' | 'now'>): Promise<WorkClock> {
  const cal = await getWorkCalendar(ctx);
  const fingerprint = calendarFingerprint(cal);
  const known = synced.get(ctx.db);
  if (known?.fingerprint === fingerprint) return known;
  let pending = building.get(ctx.db);
  if (!pending) {
    pending = syncWorkClock(ctx, cal, fingerprint).finally(() => building.delete(ctx.db));
    building.set(ctx.db, pending);
  }
  return pending;
}

async function syncWorkClock(ctx: Pick<PlatformContext, 'db' | 'now'>, cal: WorkCalendar, fingerprint: string): Promise<WorkClock> {
  const db = ctx.db.kysely;
  const utcOffsetMinutes = cal.officeHours.utcOffsetMinutes;
  const meta = await db.selectFrom('event_work_clock').select(['fingerprint', 'slots']).where('id', '=', 1).executeTakeFirst();
  if (meta?.fingerprint === fingerprint) {
    const clock = { fingerprint, slots: meta.slots, utcOffsetMinutes };
    synced.set(ctx.db, clock);
    return clock;
  }
  const { rows, slots } = buildWorkDays(cal);
  await db.transaction().execute(async (trx) => {
    // One builder at a time across processes; a second one finds the work done.
    if (ctx.db.dialect === 'postgres') await sql`lock table event_work_clock in exclusive mode`.execute(trx);
    const again = await trx.selectFrom('event_work_clock').select('fingerprint').where('id', '=', 1).executeTakeFirst();
    if (again?.fingerprint === fingerprint) return;
    const old = await trx.selectFrom('event_work_day').selectAll().orderBy('utc_date').execute();
    await forgetMeasuredAcross(trx, changedDays(old, rows));
    await trx.deleteFrom('event_work_day').execute();
    // 12 parameters a row: within SQLite's and PostgreSQL's limits per statement.
    const chunk = ctx.db.dialect === 'postgres' ? 5000 : 2000;
    for (let i = 0; i < rows.length; i += chunk) await trx.insertInto('event_work_day').values(rows.slice(i, i + chunk)).execute();
    await trx.deleteFrom('event_work_clock').execute();
    await trx.insertInto('event_work_clock').values({ id: 1, fingerprint, slots, built_at: ctx.now().toISOString() }).execute();
  });
  const stored = await db.selectFrom('event_work_clock').select('slots').where('id', '=', 1).executeTakeFirstOrThrow();
  const clock = { fingerprint, slots: stored.slots, utcOffsetMinutes };
  synced.set(ctx.db, clock);
  return clock;
}

/** More changed days than this (new office hours) and every time measured since the first is forgotten. */
const MAX_CHANGED_DAYS = 60;

/**
 * The UTC days whose working time differs between two builds of the table (a holiday added,
 * a make-up day moved), or `{ from }` when there are too many to list. An interval's working
 * time changes only if it touches such a day: the running totals (base) shift, but cancel out.
 */
export function changedDays(old: WorkDayRow[], rows: WorkDayRow[]): { days: string[] } | { from: string } {
  // The first build: nothing can have been measured yet (the job builds the table before it measures).
  if (old.length === 0) return { days: [] };
  const key = (r: WorkDayRow) => [r.s1, r.l1, r.s2, r.l2, r.s3, r.l3, r.s4, r.l4].map(Number).join(',');
  const before = new Map(old.map((r) => [r.utc_date, key(r)]));
  const days = rows.filter((r) => before.get(r.utc_date) !== key(r)).map((r) => r.utc_date);
  if (days.length > MAX_CHANGED_DAYS) return { from: days[0]! };
  return { days };
}

/**
 * Marks the working times the job measured as to be measured again where the calendar changed
 * under them (the query measures such rows itself until the job comes round).
 */
async function forgetMeasuredAcross(trx: Executor, changed: ReturnType<typeof changedDays>): Promise<void> {
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  let response: RawBuilder<unknown>;
  let handling: RawBuilder<unknown>;
  if ('from' in changed) {
    response = sql`accepted_at >= ${changed.from}`;
    handling = sql`handled_at >= ${changed.from}`;
  } else {
    if (changed.days.length === 0) return;
    // The interval [start, end] touches day d when it ends on or after d and starts before the next day.
    const touches = (start: string, end: string) => sql.join(changed.days.map((d) => sql`(${sql.ref(end)} >= ${d} and ${sql.ref(start)} < ${dayAfter(d)})`), sql` or `);
    response = touches('created_at', 'accepted_at');
    handling = touches('first_dispatched_at', 'handled_at');
  }
  await sql`update grid_event set response_work_seconds = null where response_work_seconds is not null and (${response})`.execute(trx);
  await sql`update grid_event set handling_work_for = null where handling_work_for is not null and (${handling})`.execute(trx);
}

/**
 * W(column) in SQL: a scalar subquery on event_work_day, null when the column is null or
 * outside the table. Used only for rows whose working times the job has not measured yet, so
 * its per-row cost is paid by a few rows. Column names are code constants, never input.
 */
export function workSecondsAt(dialect: DialectName, column: string, slots: number): RawBuilder<number | null> {
  const sec = `(cast(substr(${column}, 12, 2) as integer) * 3600 + cast(substr(${column}, 15, 2) as integer) * 60 + cast(substr(${column}, 18, 2) as integer))`;
  const [lo, hi] = dialect === 'postgres' ? ['greatest', 'least'] : ['max', 'min'];
  const terms = ['w.base'];
  for (let i = 1; i <= Math.max(1, slots); i++) terms.push(`${hi}(${lo}(${sec} - w.s${i}, 0), w.l${i})`);
  return sql.raw<number | null>(`(select ${terms.join(' + ')} from event_work_day w where w.utc_date = substr(${column}, 1, 10))`);
}
