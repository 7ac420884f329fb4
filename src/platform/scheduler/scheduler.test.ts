import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { openDatabase, type Db } from '../db/database.js';
import type { PlatformContext } from '../context.js';
import type { JobHandlerDefinition } from '../module.js';
import { cancel, getJob, schedule } from './jobs.js';
import { collectJobs, recurringKey, Scheduler } from './scheduler.js';

describe(`scheduler (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let ctx: PlatformContext;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-12-01T01:00:00Z') });
    ctx = platform.ctx;
  });
  afterAll(async () => {
    await platform.close();
  });
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('scheduled_job').execute();
  });

  const quiet = { log: { error: () => {} } };

  it('runs a due job once, with its payload, and records it done', async () => {
    const seen: unknown[] = [];
    const scheduler = new Scheduler(ctx, [{ kind: 'test.echo', handler: async (_c, payload) => void seen.push(payload) }], quiet);
    const id = await schedule(ctx.db.kysely, { kind: 'test.echo', runAt: ctx.now(), payload: { personId: 'p1', n: 2 } }, ctx.now());
    expect(await scheduler.runDueJobs()).toEqual({ claimed: 1, succeeded: 1, retried: 0, failed: 0 });
    expect(await scheduler.runDueJobs()).toEqual({ claimed: 0, succeeded: 0, retried: 0, failed: 0 });
    expect(seen).toEqual([{ personId: 'p1', n: 2 }]);
    expect(await getJob(ctx.db.kysely, id)).toMatchObject({ status: 'done', attempts: 1, lockedBy: null, lockedUntil: null, finishedAt: ctx.now().toISOString() });
  });

  it('waits for run_at', async () => {
    let runs = 0;
    const scheduler = new Scheduler(ctx, [{ kind: 'test.later', handler: async () => void runs++ }], quiet);
    await schedule(ctx.db.kysely, { kind: 'test.later', runAt: new Date(ctx.now().getTime() + 60_000) }, ctx.now());
    await scheduler.runDueJobs();
    expect(runs).toBe(0);
    platform.advance(60_000);
    await scheduler.runDueJobs();
    expect(runs).toBe(1);
  });

  it('schedules once per dedupe key, and cancels a pending job', async () => {
    let runs = 0;
    const scheduler = new Scheduler(ctx, [{ kind: 'test.remind', handler: async () => void runs++ }], quiet);
    const a = await schedule(ctx.db.kysely, { kind: 'test.remind', runAt: ctx.now(), dedupeKey: 'visit:p1:2026-12' }, ctx.now());
    const b = await schedule(ctx.db.kysely, { kind: 'test.remind', runAt: ctx.now(), dedupeKey: 'visit:p1:2026-12' }, ctx.now());
    expect(b).toBe(a);
    const c = await schedule(ctx.db.kysely, { kind: 'test.remind', runAt: ctx.now(), dedupeKey: 'visit:p2:2026-12' }, ctx.now());
    expect(await cancel(ctx.db.kysely, { dedupeKey: 'visit:p2:2026-12' })).toBe(true);
    expect(await cancel(ctx.db.kysely, { id: c })).toBe(false);
    expect(await scheduler.runDueJobs()).toMatchObject({ claimed: 1 });
    expect(runs).toBe(1);
    // A finished job cannot be cancelled, and its key still holds.
    expect(await cancel(ctx.db.kysely, { id: a })).toBe(false);
    expect(await schedule(ctx.db.kysely, { kind: 'test.remind', runAt: ctx.now(), dedupeKey: 'visit:p1:2026-12' }, ctx.now())).toBe(a);
  });

  it('schedules inside a transaction: a rolled-back change leaves no job', async () => {
    await expect(
      ctx.db.kysely.transaction().execute(async (trx) => {
        await schedule(trx, { kind: 'test.echo', runAt: ctx.now(), dedupeKey: 'rolled-back' }, ctx.now());
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');
    expect(await ctx.db.kysely.selectFrom('scheduled_job').select('id').where('dedupe_key', '=', 'rolled-back').execute()).toEqual([]);
  });

  it('retries a failing job with back-off, then records the failure', async () => {
    let runs = 0;
    const scheduler = new Scheduler(
      ctx,
      [
        {
          kind: 'test.flaky',
          handler: async () => {
            runs++;
            // An ID number in an error message must not reach the table unmasked.
            throw new Error(`department API refused person 330481199001011234 (try ${runs})`);
          },
        },
      ],
      quiet,
    );
    const id = await schedule(ctx.db.kysely, { kind: 'test.flaky', runAt: ctx.now(), maxAttempts: 3 }, ctx.now());

    expect(await scheduler.runDueJobs()).toEqual({ claimed: 1, succeeded: 0, retried: 1, failed: 0 });
    let job = (await getJob(ctx.db.kysely, id))!;
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lockedBy: null });
    expect(job.runAt).toBe(new Date(ctx.now().getTime() + 30_000).toISOString());
    expect(job.lastError).toBe('Error: department API refused person 330481********1234 (try 1)');

    // Not before the back-off has passed.
    platform.advance(29_000);
    expect((await scheduler.runDueJobs()).claimed).toBe(0);
    platform.advance(1_000);
    expect(await scheduler.runDueJobs()).toEqual({ claimed: 1, succeeded: 0, retried: 1, failed: 0 });
    job = (await getJob(ctx.db.kysely, id))!;
    // The second wait is twice the first.
    expect(job.runAt).toBe(new Date(ctx.now().getTime() + 60_000).toISOString());

    platform.advance(60_000);
    expect(await scheduler.runDueJobs()).toEqual({ claimed: 1, succeeded: 0, retried: 0, failed: 1 });
    job = (await getJob(ctx.db.kysely, id))!;
    expect(job).toMatchObject({ status: 'failed', attempts: 3, finishedAt: ctx.now().toISOString(), lastError: expect.stringContaining('(try 3)') });

    platform.advance(3_600_000);
    expect((await scheduler.runDueJobs()).claimed).toBe(0);
    expect(runs).toBe(3);
  });

  it('succeeds on a retry', async () => {
    let runs = 0;
    const scheduler = new Scheduler(
      ctx,
      [
        {
          kind: 'test.second-time',
          handler: async () => {
            if (++runs === 1) throw new Error('database busy');
          },
        },
      ],
      { ...quiet, backoffMs: () => 5_000 },
    );
    const id = await schedule(ctx.db.kysely, { kind: 'test.second-time', runAt: ctx.now() }, ctx.now());
    await scheduler.runDueJobs();
    platform.advance(5_000);
    expect(await scheduler.runDueJobs()).toMatchObject({ succeeded: 1 });
    expect(await getJob(ctx.db.kysely, id)).toMatchObject({ status: 'done', attempts: 2, lastError: 'Error: database busy' });
  });

  it('retries a job whose worker died once its lease has passed', async () => {
    let runs = 0;
    const jobs: JobHandlerDefinition[] = [{ kind: 'test.lease', handler: async () => void runs++ }];
    const crashed = new Scheduler(ctx, jobs, { ...quiet, workerId: 'crashed-worker', leaseMs: 120_000 });
    const survivor = new Scheduler(ctx, jobs, { ...quiet, workerId: 'survivor', leaseMs: 120_000 });
    const id = await schedule(ctx.db.kysely, { kind: 'test.lease', runAt: ctx.now(), maxAttempts: 2 }, ctx.now());

    // The first worker claims the job, then dies without running it.
    const claimed = await crashed.claimDueJobs(10);
    expect(claimed.map((j) => j.id)).toEqual([id]);
    expect(await getJob(ctx.db.kysely, id)).toMatchObject({ status: 'running', lockedBy: 'crashed-worker', attempts: 1 });

    // While the lease holds, nobody else touches it.
    platform.advance(119_000);
    expect((await survivor.runDueJobs()).claimed).toBe(0);
    platform.advance(2_000);
    expect(await survivor.runDueJobs()).toEqual({ claimed: 1, succeeded: 1, retried: 0, failed: 0 });
    expect(runs).toBe(1);
    expect(await getJob(ctx.db.kysely, id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: null });
  });

  it('gives up on a job whose worker died on its last attempt', async () => {
    const jobs: JobHandlerDefinition[] = [{ kind: 'test.doomed', handler: async () => {} }];
    const crashed = new Scheduler(ctx, jobs, { ...quiet, workerId: 'crashed-worker', leaseMs: 60_000 });
    const survivor = new Scheduler(ctx, jobs, { ...quiet, workerId: 'survivor', leaseMs: 60_000 });
    const id = await schedule(ctx.db.kysely, { kind: 'test.doomed', runAt: ctx.now(), maxAttempts: 1 }, ctx.now());
    await crashed.claimDueJobs(10);
    platform.advance(61_000);
    expect((await survivor.runDueJobs()).claimed).toBe(0);
    expect(await getJob(ctx.db.kysely, id)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/lease expired.*crashed-worker/) });
  });

  it('keeps one row per recurring job and runs it every period', async () => {
    let ticks = 0;
    const jobs: JobHandlerDefinition[] = [{ kind: 'test.tick', everySeconds: 600, handler: async () => void ticks++ }];
    const a = new Scheduler(ctx, jobs, quiet);
    const b = new Scheduler(ctx, jobs, quiet);
    await a.runDueJobs();
    await b.runDueJobs();
    expect(ticks).toBe(1);
    const rows = await ctx.db.kysely.selectFrom('scheduled_job').selectAll().where('kind', '=', 'test.tick').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dedupe_key: recurringKey('test.tick'), status: 'pending', run_at: new Date(ctx.now().getTime() + 600_000).toISOString() });

    platform.advance(599_000);
    await a.runDueJobs();
    expect(ticks).toBe(1);
    platform.advance(1_000);
    await b.runDueJobs();
    await a.runDueJobs();
    expect(ticks).toBe(2);
    platform.advance(600_000);
    await a.runDueJobs();
    expect(ticks).toBe(3);
    expect(await ctx.db.kysely.selectFrom('scheduled_job').select('id').where('kind', '=', 'test.tick').execute()).toHaveLength(1);
  });

  it('a failing recurring job is not lost: it comes back next period', async () => {
    let runs = 0;
    const jobs: JobHandlerDefinition[] = [
      {
        kind: 'test.bad-tick',
        everySeconds: 3600,
        handler: async () => {
          runs++;
          throw new Error('upstream down');
        },
      },
    ];
    const s = new Scheduler(ctx, jobs, { ...quiet, backoffMs: () => 1000 });
    await s.runDueJobs();
    for (let i = 0; i < 4; i++) {
      platform.advance(1000);
      await s.runDueJobs();
    }
    expect(runs).toBe(5); // the default 5 attempts
    const row = await ctx.db.kysely.selectFrom('scheduled_job').selectAll().where('kind', '=', 'test.bad-tick').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, last_error: 'Error: upstream down', run_at: new Date(ctx.now().getTime() + 3_600_000).toISOString() });
  });

  it('leaves jobs it has no handler for to the workers that do', async () => {
    const s = new Scheduler(ctx, [{ kind: 'test.mine', handler: async () => {} }], quiet);
    const other = await schedule(ctx.db.kysely, { kind: 'test.someone-elses', runAt: ctx.now() }, ctx.now());
    expect((await s.runDueJobs()).claimed).toBe(0);
    expect(await getJob(ctx.db.kysely, other)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('collects handlers from module manifests and refuses a kind handled twice', () => {
    const h = async () => {};
    expect(collectJobs([{ name: 'a', jobs: [{ kind: 'a.one', handler: h }] }, { name: 'b' }]).map((j) => j.kind)).toEqual(['a.one']);
    expect(() => collectJobs([{ name: 'a', jobs: [{ kind: 'x', handler: h }] }, { name: 'b', jobs: [{ kind: 'x', handler: h }] }])).toThrow(/both a and b/);
  });

  it('starts polling in the background and stops cleanly', async () => {
    let runs = 0;
    const s = new Scheduler(ctx, [{ kind: 'test.bg', handler: async () => void runs++ }], { ...quiet, pollIntervalMs: 10 });
    await schedule(ctx.db.kysely, { kind: 'test.bg', runAt: ctx.now() }, ctx.now());
    s.start();
    for (let i = 0; i < 500 && runs === 0; i++) await sleep(10);
    await s.stop();
    expect(runs).toBe(1);
  });

  it('two servers with their own connection pools run each of 50 jobs exactly once', async () => {
    // A second, independent connection to the same database: another server process's pool.
    const url = ctx.config.databaseUrl;
    const db2: Db = openDatabase(url, { schema: platform.schema, poolSize: 4 });
    try {
      const ctx2: PlatformContext = { ...ctx, db: db2 };
      const executions = new Map<string, number>();
      const byWorker: Record<string, number> = { one: 0, two: 0 };
      const handler = (worker: 'one' | 'two') => async (_c: PlatformContext, payload: unknown) => {
        const n = (payload as { n: number }).n;
        executions.set(String(n), (executions.get(String(n)) ?? 0) + 1);
        byWorker[worker]!++;
        await sleep(1); // let the other worker's claim interleave with this one's
      };
      const one = new Scheduler(ctx, [{ kind: 'test.bulk', handler: handler('one') }], { ...quiet, workerId: 'one', batchSize: 3 });
      const two = new Scheduler(ctx2, [{ kind: 'test.bulk', handler: handler('two') }], { ...quiet, workerId: 'two', batchSize: 3 });
      for (let n = 0; n < 50; n++) await schedule(ctx.db.kysely, { kind: 'test.bulk', runAt: ctx.now(), payload: { n } }, ctx.now());

      const [r1, r2] = await Promise.all([one.runDueJobs(), two.runDueJobs()]);
      expect(r1.claimed + r2.claimed).toBe(50);
      expect(executions.size).toBe(50);
      expect([...executions.values()].every((count) => count === 1)).toBe(true);
      expect(byWorker.one! + byWorker.two!).toBe(50);
      const statuses = await ctx.db.kysely.selectFrom('scheduled_job').select('status').where('kind', '=', 'test.bulk').execute();
      expect(statuses.filter((s) => s.status === 'done')).toHaveLength(50);
    } finally {
      await db2.destroy();
    }
  });
});
