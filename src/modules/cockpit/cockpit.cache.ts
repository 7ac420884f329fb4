import type { PlatformContext } from '../../platform/context.js';
import { lastMonths } from '../../platform/stats/months.js';
import * as repo from './cockpit.repository.js';

/**
 * Statistics change only when they are refreshed, so what is built from them (a subtree's sums,
 * an open dataset) is built once per refresh and month, per database, and shared by every
 * request until the next one: at a city's size the sums of all its cells, or a dataset at grid
 * level, take longer than a request may (docs/benchmarks.md). `forgetStatistics` (called by the
 * refresh) drops this process's copies at once, even when the clock has not moved; another
 * process sees the new refresh time. Cached values are shared: callers must not change them.
 */
const memo = new WeakMap<object, { stamp: string; entries: Map<string, Promise<unknown>> }>();
let generation = 0;

export function forgetStatistics(): void {
  generation++;
}

export async function perRefresh<T>(ctx: PlatformContext, key: string, build: (asOf: string | null) => Promise<T>): Promise<T> {
  const refreshed = await repo.lastRefresh(ctx.db.kysely);
  const stamp = [generation, refreshed?.computed_at ?? '', refreshed?.cells ?? 0, lastMonths(ctx.now(), 1)[0]!.key].join('|');
  let m = memo.get(ctx.db);
  if (!m || m.stamp !== stamp) memo.set(ctx.db, (m = { stamp, entries: new Map() }));
  const entries = m.entries;
  let entry = entries.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = build(refreshed?.computed_at ?? null);
    entries.set(key, entry);
    entry.catch(() => entries.delete(key));
  }
  return entry;
}
