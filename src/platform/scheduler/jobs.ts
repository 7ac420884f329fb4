import type { Executor } from '../db/database.js';
import { parseJson } from '../db/dialect.js';
import { newId } from '../ids.js';
import type { JobStatus, ScheduledJobTable } from './scheduler.table.js';
import './scheduler.table.js';

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface ScheduleInput {
  kind: string;
  runAt: Date;
  payload?: unknown;
  /** Scheduling again with the same key does nothing and returns the first job's id. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  runAt: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  dedupeKey: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Schedules a job. Pass the business transaction so the job exists only if the change that
 * wants it commits (a reminder for a case that was never saved would be noise).
 *
 * @example
 * await schedule(trx, { kind: 'care.visit-reminder', runAt, payload: { personId }, dedupeKey: `visit:${personId}:2026-12` }, ctx.now());
 */
export async function schedule(executor: Executor, input: ScheduleInput, now: Date = new Date()): Promise<string> {
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive whole number');
  const id = newId(now.getTime());
  await executor
    .insertInto('scheduled_job')
    .values({
      id,
      kind: input.kind,
      payload: input.payload === undefined ? null : JSON.stringify(input.payload),
      run_at: input.runAt.toISOString(),
      status: 'pending',
      attempts: 0,
      max_attempts: maxAttempts,
      locked_by: null,
      locked_until: null,
      last_error: null,
      dedupe_key: input.dedupeKey ?? null,
      created_at: now.toISOString(),
      finished_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
  if (!input.dedupeKey) return id;
  const existing = await executor.selectFrom('scheduled_job').select('id').where('dedupe_key', '=', input.dedupeKey).executeTakeFirstOrThrow();
  return existing.id;
}

/** Cancels a job that has not started; false when there is none (already running or finished). */
export async function cancel(executor: Executor, which: { id: string } | { dedupeKey: string }): Promise<boolean> {
  let q = executor.deleteFrom('scheduled_job').where('status', '=', 'pending');
  q = 'id' in which ? q.where('id', '=', which.id) : q.where('dedupe_key', '=', which.dedupeKey);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function getJob(executor: Executor, id: string): Promise<Job | undefined> {
  const row = await executor.selectFrom('scheduled_job').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? presentJob(row) : undefined;
}

export function presentJob(row: ScheduledJobTable): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: parseJson<unknown>(row.payload, null),
    runAt: row.run_at,
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
