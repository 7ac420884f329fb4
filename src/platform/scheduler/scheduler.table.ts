export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/** A unit of background work: run once at `run_at`, retried with back-off, leased while it runs. */
export interface ScheduledJobTable {
  id: string;
  /** The handler that runs it, e.g. `events.deadline-check`. */
  kind: string;
  /** JSON. */
  payload: string | null;
  run_at: string;
  status: JobStatus;
  /** Runs started so far (a claim counts, even if the worker then crashed). */
  attempts: number;
  max_attempts: number;
  /** The worker holding the lease while `running`. */
  locked_by: string | null;
  /** A running job whose lease has passed is taken over: its worker is presumed dead. */
  locked_until: string | null;
  last_error: string | null;
  /** Scheduling twice with one key schedules once. */
  dedupe_key: string | null;
  created_at: string;
  finished_at: string | null;
}

declare module '../db/schema.js' {
  interface Database {
    scheduled_job: ScheduledJobTable;
  }
}
