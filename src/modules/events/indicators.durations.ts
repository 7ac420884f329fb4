import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { workingHoursBetween, type WorkCalendar } from '../../platform/calendar/working-time.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { calendarFingerprint, ensureWorkClock } from './indicators.clock.js';
import { PENDING_DURATIONS } from './migrations/2026_11_26_0291_event_indicator_indexes.js';

/**
 * Working times as facts on the event row, so the indicators add them up instead of measuring
 * a year of events against the calendar at every query: response_work_seconds (report →
 * acceptance) and handling_work_seconds (first dispatch → the last 处置完毕, measured to
 * handling_work_for = that handled_at). A job measures the rows that need it every minute; the
 * indicators measure the few it has not reached yet themselves, so a figure never waits for it.
 */
export const DURATIONS_JOB = 'events.indicator-durations';

/** Working seconds between two ISO instants, to the whole second (as the SQL reads them). */
export function workSecondsBetween(cal: WorkCalendar, from: string, to: string): number {
  const second = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000);
  return Math.round(workingHoursBetween(cal, second(from), second(to)) * 3600);
}

interface PendingRow {
  id: string;
  created_at: string;
  accepted_at: string | null;
  first_dispatched_at: string | null;
  handled_at: string | null;
}

/**
 * Measures the events whose working times are missing or stale, `batch` at a time, up to `max`
 * rows; returns how many it wrote. Each write is conditional on the timestamps it measured
 * (a step taken meanwhile leaves the row for the next round), and on the calendar still being
 * the one it measured with (a calendar change marks rows again, see indicators.clock.ts).
 */
export async function measureWorkDurations(ctx: PlatformContext, opts: { batch?: number; max?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const max = opts.max ?? 200_000;
  const db = ctx.db.kysely;
  const clock = await ensureWorkClock(ctx);
  const cal = await getWorkCalendar(ctx);
  if (calendarFingerprint(cal) !== clock.fingerprint) return 0;
  let written = 0;
  let done = 0;
  while (done < max) {
    const { rows } = await sql<PendingRow>`
      select id, created_at, accepted_at, first_dispatched_at, handled_at from grid_event
      where ${sql.raw(PENDING_DURATIONS)} limit ${batch}`.execute(db);
    if (rows.length === 0) break;
    done += rows.length;
    const values = rows.map((r) => {
      const response = r.accepted_at ? workSecondsBetween(cal, r.created_at, r.accepted_at) : null;
      const handling = r.handled_at && r.first_dispatched_at ? workSecondsBetween(cal, r.first_dispatched_at, r.handled_at) : null;
      return sql`(${r.id}, ${r.accepted_at}, cast(${Number.isFinite(response) ? response : null} as bigint), ${r.handled_at}, cast(${Number.isFinite(handling) ? handling : null} as bigint))`;
    });
    const changed = await db.transaction().execute(async (trx) => {
      // Still the calendar these were measured with? (Shares the lock a rebuild takes exclusively.)
      const lock = ctx.db.dialect === 'postgres' ? sql` for share` : sql``;
      const { rows: meta } = await sql<{ fingerprint: string }>`select fingerprint from event_work_clock where id = 1${lock}`.execute(trx);
      if (meta[0]?.fingerprint !== clock.fingerprint) return -1;
      const result = await sql`
        with v (id, accepted_at, response, handled_at, handling) as (values ${sql.join(values)})
        update grid_event set
          response_work_seconds = case when grid_event.accepted_at = v.accepted_at then v.response else grid_event.response_work_seconds end,
          handling_work_seconds = case when grid_event.handled_at = v.handled_at then v.handling else grid_event.handling_work_seconds end,
          handling_work_for = case when grid_event.handled_at = v.handled_at then v.handled_at else grid_event.handling_work_for end
        from v where grid_event.id = v.id`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    });
    if (changed < 0) break;
    written += changed;
    // Nothing written means every row moved on under us (or cannot be measured): stop for this round.
    if (changed === 0 || rows.length < batch) break;
  }
  return written;
}

export const durationsJob: JobHandlerDefinition = {
  kind: DURATIONS_JOB,
  everySeconds: 60,
  handler: async (ctx) => {
    await measureWorkDurations(ctx);
  },
};
