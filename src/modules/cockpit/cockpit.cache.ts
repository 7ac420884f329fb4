import type { PlatformContext } from '../../platform/context.js';
import { lastMonths } from '../../platform/stats/months.js';
import * as repo from './cockpit.repository.js';

/**
 * Statistics change only when they are refreshed, so an open dataset read from stat_open (parsed
 * JSON and its text) is kept once per refresh generation and month, per database, and shared by
 * every request until the next one. `forgetStatistics` (called by the refresh) drops this
 * process's copies at once; another process sees the new generation. The overview and the map
 * need no copy: each is one indexed read of precomputed subtree totals (stat_node). Cached values
 * are shared: callers must not change them.
 */
const memo = new WeakMap<object, { stamp: string; entries: Map<string, Promise<unknown>> }>();
let generation = 0;

export function forgetStatistics(): void {
  generation++;
}

export async function perRefresh<T>(ctx: PlatformContext, key: string, build: () => Promise<T>): Promise<T> {
  const refreshed = await repo.lastRefresh(ctx.db.kysely);
  const stamp = [generation, refreshed?.generation ?? '', refreshed?.computed_at ?? '', lastMonths(ctx.now(), 1)[0]!.key].join('|');
  let m = memo.get(ctx.db);
  if (!m || m.stamp !== stamp) memo.set(ctx.db, (m = { stamp, entries: new Map() }));
  const entries = m.entries;
  let entry = entries.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = build();
    entries.set(key, entry);
    entry.catch(() => entries.delete(key));
  }
  return entry;
}
