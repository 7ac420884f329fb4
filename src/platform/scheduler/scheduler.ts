import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { maskSensitiveText } from '../crypto/mask.js';
import { newId } from '../ids.js';
import type { JobHandlerDefinition, LinliModule } from '../module.js';
import { DEFAULT_MAX_ATTEMPTS, presentJob, type Job } from './jobs.js';
import './scheduler.table.js';

export interface SchedulerOptions {
  /** Names this worker in `locked_by`; defaults to host:pid:random. */
  workerId?: string;
  /** Pause between poll cycles when started (default 5 s). */
  pollIntervalMs?: number;
  /** Jobs claimed, and run side by side, at a time (default 4). */
  batchSize?: number;
  /** How long a claimed job is this worker's; after that another worker retries it (default 5 min). */
  leaseMs?: number;
  /** Wait before retry number `attempt` + 1 (default 30 s, doubling, at most 1 h). */
  backoffMs?: (attempt: number) => number;
  log?: { error: (obj: object, msg: string) => void };
}

export interface RunSummary {
  claimed: number;
  succeeded: number;
  /** Failed, and scheduled to try again. */
  retried: number;
  /** Failed for the last time. */
  failed: number;
}

const MAX_ERROR_LENGTH = 2000;

export const defaultBackoffMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);

/** A recurring kind keeps exactly one row, found by this key. */
export const recurringKey = (kind: string) => `recurring:${kind}`;

/** Every job handler of the modules, by kind; a kind claimed twice is a wiring error. */
export function collectJobs(modules: LinliModule[]): JobHandlerDefinition[] {
  const seen = new Map<string, string>();
  const out: JobHandlerDefinition[] = [];
  for (const m of modules) {
    for (const job of m.jobs ?? []) {
      if (seen.has(job.kind)) throw new Error(`job kind ${job.kind} is handled by both ${seen.get(job.kind)} and ${m.name}`);
      seen.set(job.kind, m.name);
      out.push(job);
    }
  }
  return out;
}

/**
 * Runs due jobs. Safe with several server processes on one database: a job is claimed by one
 * worker with a single UPDATE (on PostgreSQL its candidate rows are picked with FOR UPDATE
 * SKIP LOCKED, so workers never wait on each other; on SQLite the statement itself is the
 * lock). A claim is a lease: a worker that dies mid-job leaves it `running` until the lease
 * passes, and then another worker retries it. Delivery is at least once, so handlers must be
 * idempotent (and finish well within the lease).
 */
export class Scheduler {
  readonly workerId: string;
  private readonly handlers: Map<string, JobHandlerDefinition>;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly log: { error: (obj: object, msg: string) => void };
  private recurringEnsured = false;
  private stopping = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    private readonly ctx: PlatformContext,
    jobs: JobHandlerDefinition[],
    options: SchedulerOptions = {},
  ) {
    this.handlers = new Map();
    for (const job of jobs) {
      if (this.handlers.has(job.kind)) throw new Error(`job kind ${job.kind} has two handlers`);
      if (job.everySeconds !== undefined && !(job.everySeconds > 0)) throw new Error(`job kind ${job.kind}: everySeconds must be positive`);
      this.handlers.set(job.kind, job);
    }
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.batchSize = options.batchSize ?? 4;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.log = options.log ?? { error: (obj, msg) => console.error(msg, obj) };
  }

  static forModules(ctx: PlatformContext, modules: LinliModule[], options?: SchedulerOptions): Scheduler {
    return new Scheduler(ctx, collectJobs(modules), options);
  }

  /** Polls in the background until `stop()`. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.pollLoop();
  }

  /** Stops polling and waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.runDueJobs();
      } catch (err) {
        this.log.error({ err, workerId: this.workerId }, 'scheduler poll failed');
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.pollIntervalMs);
        this.timer.unref?.();
      });
    }
  }

  /**
   * One poll cycle: claims and runs, batch by batch, every job that was due when the cycle
   * began (so a job retried or rescheduled meanwhile waits for a later cycle).
   */
  async runDueJobs(): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, succeeded: 0, retried: 0, failed: 0 };
    if (this.handlers.size === 0) return summary;
    if (!this.recurringEnsured) {
      await this.ensureRecurring();
      this.recurringEnsured = true;
    }
    const cycleStart = this.ctx.now();
    await this.failAbandoned(cycleStart);
    while (!this.stopping) {
      const jobs = await this.claimDueJobs(this.batchSize, cycleStart);
      if (jobs.length === 0) break;
      summary.claimed += jobs.length;
      const outcomes = await Promise.all(jobs.map((job) => this.runOne(job)));
      for (const o of outcomes) summary[o]++;
    }
    return summary;
  }

  /** Keeps one row per recurring kind; a fresh database runs each right away. */
  async ensureRecurring(): Promise<void> {
    const now = this.ctx.now().toISOString();
    for (const job of this.handlers.values()) {
      if (job.everySeconds === undefined) continue;
      const key = recurringKey(job.kind);
      await this.ctx.db.kysely
        .insertInto('scheduled_job')
        .values({
          id: newId(),
          kind: job.kind,
          payload: null,
          run_at: now,
          status: 'pending',
          attempts: 0,
          max_attempts: DEFAULT_MAX_ATTEMPTS,
          locked_by: null,
          locked_until: null,
          last_error: null,
          dedupe_key: key,
          created_at: now,
          finished_at: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    }
  }

  private dueAt(nowIso: string) {
    const kinds = [...this.handlers.keys()];
    return (eb: ExpressionBuilder<Database, 'scheduled_job'>) =>
      eb.and([
        eb('kind', 'in', kinds),
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', nowIso), eb('attempts', '<', eb.ref('max_attempts'))]),
        ]),
      ]);
  }

  /**
   * Claims up to `limit` due jobs of the kinds this worker handles and leases them to it.
   * Public so a test can play a worker that claims and then dies.
   */
  async claimDueJobs(limit: number, asOf: Date = this.ctx.now()): Promise<Job[]> {
    const db = this.ctx.db;
    const now = this.ctx.now();
    const due = this.dueAt(asOf.toISOString());
    let candidates = db.kysely.selectFrom('scheduled_job').select('id').where(due).orderBy('run_at').orderBy('id').limit(limit);
    if (db.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const rows = await db.kysely
      .updateTable('scheduled_job')
      .set((eb) => ({
        status: 'running',
        locked_by: this.workerId,
        locked_until: new Date(now.getTime() + this.leaseMs).toISOString(),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', candidates)
      // Checked again on the row being written: on SQLite this condition is what makes the claim safe.
      .where(due)
      .returningAll()
      .execute();
    return rows.map(presentJob).sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : 0));
  }

  /** Jobs whose worker died on their last allowed attempt: recorded as failed, not retried again. */
  private async failAbandoned(asOf: Date): Promise<void> {
    const nowIso = asOf.toISOString();
    const kinds = [...this.handlers.keys()];
    const abandoned = await this.ctx.db.kysely
      .selectFrom('scheduled_job')
      .select(['id', 'kind', 'locked_by'])
      .where('kind', 'in', kinds)
      .where('status', '=', 'running')
      .where('locked_until', '<', nowIso)
      .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
      .execute();
    for (const job of abandoned) {
      await this.settle(job.id, job.locked_by, job.kind, 'failure', `lease expired: worker ${job.locked_by ?? '?'} did not finish`, true);
    }
  }

  private async runOne(job: Job): Promise<'succeeded' | 'retried' | 'failed'> {
    const handler = this.handlers.get(job.kind)!;
    let outcome: 'succeeded' | 'retried' | 'failed' = 'succeeded';
    let recorded: boolean;
    try {
      await handler.handler(this.ctx, job.payload);
      recorded = await this.settle(job.id, this.workerId, job.kind, 'success', null, true);
    } catch (err) {
      // Only the message, masked: an error text may quote a resident's ID or phone number.
      const message = maskSensitiveText(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, MAX_ERROR_LENGTH);
      const last = job.attempts >= job.maxAttempts;
      outcome = last ? 'failed' : 'retried';
      recorded = await this.settle(job.id, this.workerId, job.kind, 'failure', message, last, job.attempts);
    }
    if (!recorded) {
      this.log.error({ jobId: job.id, kind: job.kind, workerId: this.workerId }, 'scheduler: the lease ran out before the job finished; another worker took it over');
    }
    return outcome;
  }

  /**
   * Records how a run ended, if the lease is still this worker's (when it is not, the job was
   * taken over and the other worker's outcome stands). A recurring job never ends: it goes
   * back to pending for its next period.
   */
  private async settle(
    id: string,
    lockedBy: string | null,
    kind: string,
    outcome: 'success' | 'failure',
    error: string | null,
    final: boolean,
    attempts = 0,
  ): Promise<boolean> {
    const now = this.ctx.now();
    const every = this.handlers.get(kind)?.everySeconds;
    const released = { locked_by: null, locked_until: null };
    let patch;
    if (!final) {
      patch = { ...released, status: 'pending' as const, run_at: new Date(now.getTime() + this.backoffMs(attempts)).toISOString(), last_error: error };
    } else if (every !== undefined) {
      const next = new Date(now.getTime() + every * 1000).toISOString();
      patch = { ...released, status: 'pending' as const, run_at: next, attempts: 0, finished_at: now.toISOString(), last_error: outcome === 'failure' ? error : null };
    } else if (outcome === 'success') {
      patch = { ...released, status: 'done' as const, finished_at: now.toISOString() };
    } else {
      patch = { ...released, status: 'failed' as const, finished_at: now.toISOString(), last_error: error };
    }
    let q = this.ctx.db.kysely.updateTable('scheduled_job').set(patch).where('id', '=', id).where('status', '=', 'running');
    q = lockedBy === null ? q.where('locked_by', 'is', null) : q.where('locked_by', '=', lockedBy);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
