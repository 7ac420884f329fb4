import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Executor } from './database.js';
import { dialectOf } from './dialect.js';

/**
 * A Kysely query built and compiled once per dialect, then run with new values: for the few
 * statements on a hot path (a report's insert runs thousands of times a second; building and
 * compiling a 50-column insert costs more than SQLite takes to run it).
 *
 * ```ts
 * const bumpSeq = preparedQuery((db, p) =>
 *   db.insertInto('event_code_seq').values({ day: p<string>('day'), seq: 1 })
 *     .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql`event_code_seq.seq + 1` }))
 *     .returning('seq'));
 * const { rows } = await bumpSeq(trx, { day: '20261126' });
 * ```
 *
 * `p(name)` stands for a value given at run time; it must be used where Kysely makes a
 * parameter (a value, not an identifier or a list whose length varies). Everything else in the
 * query is fixed at the first compile. The SQL is the one Kysely writes for the dialect, so it
 * runs the same on SQLite and PostgreSQL.
 */
export function preparedQuery<Row = unknown, Params extends object = Record<string, unknown>>(
  build: (db: Executor, p: <T = unknown>(name: keyof Params & string) => T) => Compilable<Row>,
): (executor: Executor, params: Params) => Promise<QueryResult<Row>> {
  const compiled = new Map<string, { sql: string; slots: (string | { fixed: unknown })[] }>();
  return (executor, params) => {
    const dialect = dialectOf(executor as unknown as Kysely<unknown>);
    let c = compiled.get(dialect);
    if (!c) {
      const marks = new Map<string, string>();
      const p = <T>(name: string): T => {
        const mark = `\u0000prepared:${name}\u0000`;
        marks.set(mark, name);
        return mark as T;
      };
      const q = build(executor, p as never).compile();
      const slots = q.parameters.map((v) => (typeof v === 'string' && marks.has(v) ? marks.get(v)! : { fixed: v }));
      const used = new Set(slots.filter((s): s is string => typeof s === 'string'));
      const lost = [...marks.values()].filter((n) => !used.has(n));
      if (lost.length) throw new Error(`preparedQuery: ${lost.join(', ')} did not become parameters`);
      c = { sql: q.sql, slots };
      compiled.set(dialect, c);
    }
    const values = c.slots.map((s) => (typeof s === 'string' ? ((params as Record<string, unknown>)[s] ?? null) : s.fixed));
    return executor.executeQuery(CompiledQuery.raw(c.sql, values)) as Promise<QueryResult<Row>>;
  };
}
