import type { PlatformContext } from '../context.js';
import type { Db, Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.js';
import type { RequestMeta } from '../auth/auth.service.js';
import { notFound } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import type { Actor } from '../policy/actor.js';
import { buildWorkCalendar, DEFAULT_OFFICE_HOURS, type CalendarDay, type CalendarDayKind, type OfficeHours, type WorkCalendar } from './working-time.js';
import './calendar.table.js';

/**
 * The calendar is read on every deadline computation and changes once a year, so it is loaded
 * once per database and kept. A change made here drops the copy at once; other server
 * processes pick it up within CALENDAR_REFRESH_MS.
 */
export const CALENDAR_REFRESH_MS = 60_000;

interface CalendarCache {
  officeHours: OfficeHours;
  loading?: Promise<WorkCalendar>;
  loadedAt?: number;
}

// Keyed by database so two platforms in one process (tests) never share a calendar.
const caches = new WeakMap<Db, CalendarCache>();

function cacheFor(db: Db): CalendarCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { officeHours: DEFAULT_OFFICE_HOURS };
    caches.set(db, cache);
  }
  return cache;
}

/** Sets the office hours deadlines are computed with (default 08:30–12:00, 13:30–17:30). */
export function configureOfficeHours(db: Db, officeHours: OfficeHours): void {
  const cache = cacheFor(db);
  cache.officeHours = officeHours;
  cache.loading = undefined;
}

/** Forgets the loaded calendar; the next `getWorkCalendar` reads the table again. */
export function invalidateWorkCalendar(db: Db): void {
  cacheFor(db).loading = undefined;
}

/**
 * The working-day calendar, loaded once and cached. Pass the transaction when inside one:
 * SQLite has a single connection, and a query outside the open transaction would wait for it.
 */
export function getWorkCalendar(ctx: Pick<PlatformContext, 'db'>, executor: Executor = ctx.db.kysely): Promise<WorkCalendar> {
  const cache = cacheFor(ctx.db);
  // Wall-clock time, not ctx.now(): this is cache freshness, not a business time.
  const fresh = cache.loadedAt !== undefined && Date.now() - cache.loadedAt < CALENDAR_REFRESH_MS;
  if (cache.loading && fresh) return cache.loading;
  const officeHours = cache.officeHours;
  const loading = listDays(executor).then((days) => buildWorkCalendar(days, officeHours));
  cache.loading = loading;
  cache.loadedAt = Date.now();
  loading.catch(() => {
    if (cache.loading === loading) cache.loading = undefined;
  });
  return loading;
}

export async function listDays(executor: Executor, year?: number): Promise<CalendarDay[]> {
  let q = executor.selectFrom('work_calendar_day').select(['date', 'kind', 'name']);
  if (year !== undefined) q = q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`);
  return q.orderBy('date').execute();
}

/** Marks a date as a holiday or a make-up working day (adds or replaces). Audited. */
export async function setCalendarDay(
  ctx: PlatformContext,
  actor: Actor,
  input: { date: string; kind: CalendarDayKind; name: string },
  meta: RequestMeta = {},
): Promise<CalendarDay> {
  const day: CalendarDay = { date: input.date, kind: input.kind, name: input.name };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('work_calendar_day').select(['kind', 'name']).where('date', '=', day.date).executeTakeFirst();
    if (before) await trx.updateTable('work_calendar_day').set({ kind: day.kind, name: day.name }).where('date', '=', day.date).execute();
    else await trx.insertInto('work_calendar_day').values(day).execute();
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'calendar.day.set',
        targetType: 'work_calendar_day',
        targetId: day.date,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { before: before ?? null, after: { kind: day.kind, name: day.name } },
      },
      trx,
    );
  });
  invalidateWorkCalendar(ctx.db);
  return day;
}

/** Returns a date to the ordinary week (Monday–Friday working). Audited. */
export async function deleteCalendarDay(ctx: PlatformContext, actor: Actor, date: string, meta: RequestMeta = {}): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('work_calendar_day').select(['kind', 'name']).where('date', '=', date).executeTakeFirst();
    if (!before) throw notFound('CALENDAR_DAY_NOT_FOUND', { date });
    await trx.deleteFrom('work_calendar_day').where('date', '=', date).execute();
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'calendar.day.delete',
        targetType: 'work_calendar_day',
        targetId: date,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { before },
      },
      trx,
    );
  });
  invalidateWorkCalendar(ctx.db);
}

addMessages({
  'error.CALENDAR_DAY_NOT_FOUND': { 'zh-CN': '日历中没有 {date} 的节假日或调休记录', en: 'The calendar has no holiday or make-up working day on {date}' },
});
