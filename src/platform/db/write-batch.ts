import { CompiledQuery, type Transaction } from 'kysely';
import type { Db, Executor } from './database.js';
import type { Database } from './schema.js';

/**
 * Group commit for small, independent writes that arrive at the same time (reports, votes,
 * sign-ups): one transaction for a batch of them instead of one each.
 *
 * ```ts
 * const created = await batchedWrite(ctx.db, async (trx) => {
 *   await trx.insertInto('grid_event').values(row).execute();
 *   await appendAudit(ctx.db, entry, trx);
 *   return row.id;
 * });
 * ```
 *
 * Writes that arrive while a batch is being written wait and go into the next batch (at most
 * `MAX_BATCH`), in arrival order; a batch starts one turn of the event loop (setImmediate) after
 * its first write arrives, so callers woken together join it, and a lone caller waits for no one.
 * A batch is first written as one plain transaction; if a write throws, all of it is rolled
 * back and written again with each write in its own SAVEPOINT: the failing write's changes are
 * rolled back alone and only its caller gets its error; the others commit. Every caller resolves after COMMIT, so what it returns is durable
 * (as durable as a transaction of its own: WAL with synchronous=NORMAL on SQLite). Audit
 * entries appended with the batch's transaction are written together just before COMMIT
 * (`deferInBatch`), still in the same transaction as the writes.
 *
 * Used by reporting grid events (src/modules/events/events.service.ts `reportEvent`, so the
 * HTTP routes and Open311 too). Fits any write that is independent of the others in its batch:
 * a write must not depend on seeing another caller's write of the same batch fail.
 *
 * Why: a commit costs far more than a small insert. On SQLite the commit writes every page the
 * transaction touched (the table, each index, the audit chain) to the WAL, and a batch shares
 * those pages; on PostgreSQL each commit waits for its WAL flush, and writers that lock the
 * audit chain head queue behind it. One writer is all SQLite has anyway.
 *
 * Rules for `work`:
 * - it may run twice (the second time in a savepoint, after a write of its batch failed): change
 *   nothing but the database through `trx`, and compute what must not change (ids, times) before;
 * - use only `trx` for the database (on SQLite the batch holds the only connection, so a query
 *   on `db.kysely` inside `work` would wait for the batch forever);
 * - do the reads that need no lock (validation, look-ups, caches) before calling, so they run
 *   concurrently and the batch stays short;
 * - never call `batchedWrite` from inside `work`: it would wait for the batch it is part of.
 *   (Not detected: AsyncLocalStorage would slow every promise in the process.)
 */
export function batchedWrite<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new WriteBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher.push(work);
}

/**
 * Work a batch does once, at the end of its transaction just before COMMIT, for all its writes:
 * e.g. the audit log appends every write's entries with one read and one update of the chain
 * head. Items of a write that rolls back to its savepoint are dropped with it.
 */
export interface DeferredWork<T> {
  flush(trx: Transaction<Database>, items: T[]): Promise<void>;
}

/**
 * Queues `item` for `work` when `executor` is a batch's transaction and returns true; returns
 * false otherwise (the caller then does the work at once).
 */
export function deferInBatch<T>(executor: Executor, work: DeferredWork<T>, item: T): boolean {
  const state = batchStates.get(executor);
  if (!state) return false;
  let items = state.deferred.get(work as DeferredWork<unknown>);
  if (!items) {
    items = [];
    state.deferred.set(work as DeferredWork<unknown>, items);
  }
  items.push(item);
  return true;
}

/** The most writes in one transaction: enough to share the commit, few enough to keep each caller's wait short. */
export const MAX_BATCH = 128;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const batchers = new WeakMap<Db, WriteBatcher>();
const SAVEPOINT = CompiledQuery.raw('savepoint batched_write');
const RELEASE = CompiledQuery.raw('release savepoint batched_write');
const ROLLBACK = CompiledQuery.raw('rollback to savepoint batched_write');
const ALIVE = CompiledQuery.raw('select 1');

interface BatchState {
  /** In the order each work was first deferred. */
  deferred: Map<DeferredWork<unknown>, unknown[]>;
}
const batchStates = new WeakMap<object, BatchState>();

export interface WriteBatchStats {
  batches: number;
  writes: number;
  largest: number;
  /** Batches written a second time, with a savepoint per write, because a write failed. */
  retried: number;
}

class WriteBatcher {
  private pending: Pending[] = [];
  private flushing = false;
  readonly stats: WriteBatchStats = { batches: 0, writes: 0, largest: 0, retried: 0 };

  constructor(private readonly db: Db) {}

  push<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        // Let callers that are about to arrive (woken by the last COMMIT, their look-ups cached)
        // join this batch: one turn of the event loop, nothing when no one else is waiting.
        await new Promise((resolve) => setImmediate(resolve));
        await this.write(this.pending.splice(0, MAX_BATCH));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending[]) {
    this.stats.batches += 1;
    this.stats.writes += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    // First as one plain transaction: a savepoint per write costs about a fifth of a report on
    // SQLite (the first change of every page is journalled again) and two round trips on
    // PostgreSQL, and writes rarely fail here (their checks ran before). If one fails, all of it
    // is rolled back and the batch is written again, each write in its own savepoint.
    // A lone write is its own transaction: its failure is its own.
    let result = await this.attempt(batch, batch.length === 1 ? 'plain' : 'optimistic');
    if (result.error !== undefined && batch.length > 1) {
      this.stats.retried += 1;
      result = await this.attempt(batch, 'savepoints');
    }
    const { outcomes, error } = result;
    batch.forEach((item, i) => {
      const o = outcomes[i];
      // A write that failed keeps its own error; if the transaction failed (COMMIT, the deferred
      // work), nothing of the batch was written and the others get that error.
      if (o && !o.ok) item.reject(o.error);
      else if (error !== undefined) item.reject(error);
      else item.resolve(o!.value);
    });
  }

  private async attempt(batch: Pending[], mode: 'plain' | 'optimistic' | 'savepoints'): Promise<{ outcomes: Outcome[]; error?: unknown }> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        const state: BatchState = { deferred: new Map() };
        batchStates.set(trx, state);
        try {
          if (mode === 'savepoints') for (const item of batch) outcomes.push(await this.writeOne(trx, state, item));
          else {
            for (const item of batch) outcomes.push({ ok: true, value: await item.work(trx) });
            // PostgreSQL: a write that swallowed a failed statement left the transaction aborted, and
            // COMMIT would quietly roll it back; any statement now fails and sends us to savepoints.
            if (mode === 'optimistic' && this.db.dialect === 'postgres') await trx.executeQuery(ALIVE);
          }
          for (const [work, items] of state.deferred) if (items.length > 0) await work.flush(trx, items);
        } finally {
          batchStates.delete(trx);
        }
      });
    } catch (error) {
      if (mode === 'plain') return { outcomes: [{ ok: false, error }], error };
      return { outcomes: mode === 'savepoints' ? outcomes : [], error };
    }
    return { outcomes };
  }

  private async writeOne(trx: Transaction<Database>, state: BatchState, item: Pending): Promise<Outcome> {
    const marks = new Map([...state.deferred].map(([work, items]) => [work, items.length]));
    await trx.executeQuery(SAVEPOINT);
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await item.work(trx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      try {
        await trx.executeQuery(RELEASE);
        return outcome;
      } catch (error) {
        // E.g. the write swallowed a failed statement on PostgreSQL (transaction aborted): undo it.
        outcome = { ok: false, error };
      }
    }
    await trx.executeQuery(ROLLBACK);
    await trx.executeQuery(RELEASE);
    for (const [work, items] of state.deferred) items.length = marks.get(work) ?? 0;
    return outcome;
  }
}

/** Counters of the batches written for a database (for benchmarks and tests). */
export function writeBatchStats(db: Db): WriteBatchStats {
  return { ...(batchers.get(db)?.stats ?? { batches: 0, writes: 0, largest: 0, retried: 0 }) };
}
