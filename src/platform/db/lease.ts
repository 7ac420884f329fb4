import { sql, type Kysely } from 'kysely';
import type { Db, Executor } from './database.js';
import type { Database } from './schema.js';

/**
 * A queue row sent at least once (notification outbox, exchange deliveries): `pending` until
 * done, due at `next_attempt_at`, its tries counted in `attempts`.
 */
export interface LeasedRow {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
}

/** Tables whose rows are `LeasedRow`s. */
export type LeasedTable = { [K in keyof Database]: Database[K] extends LeasedRow ? K : never }[keyof Database];

export interface Claim {
  id: string;
  /** The attempt this claim is: a process records an outcome only for its own attempt. */
  attempt: number;
}

/**
 * Claims up to `limit` due pending rows of `table` for a lease (`next_attempt_at` moves to
 * `leaseUntil`, `attempts` + 1), so a process that dies mid-send leaves them to be taken up
 * again after the lease. Safe with several server processes: on PostgreSQL the due rows are
 * locked `FOR UPDATE SKIP LOCKED` (no two claimers wait on or take the same row); on SQLite each
 * row is taken by a conditional update that only one claimer can win.
 */
export async function claimDueRows(db: Pick<Db, 'dialect' | 'kysely'>, table: LeasedTable, opts: { now: string; leaseUntil: string; limit: number }): Promise<Claim[]> {
  // The table is one of several: typed through the columns they share.
  const k = db.kysely as unknown as Kysely<Record<string, LeasedRow>>;
  const due = (e: Executor | Kysely<Record<string, LeasedRow>>) =>
    (e as Kysely<Record<string, LeasedRow>>)
      .selectFrom(table)
      .select(['id', 'attempts'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', opts.now)
      .orderBy('next_attempt_at')
      .limit(opts.limit);
  if (db.dialect === 'postgres') {
    return k.transaction().execute(async (trx) => {
      const rows = await due(trx).forUpdate().skipLocked().execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable(table)
        .set({ attempts: sql`attempts + 1`, next_attempt_at: opts.leaseUntil })
        .where('id', 'in', rows.map((d) => d.id))
        .execute();
      return rows.map((d) => ({ id: d.id, attempt: Number(d.attempts) + 1 }));
    });
  }
  const claims: Claim[] = [];
  for (const d of await due(k).execute()) {
    // Wins only if nobody claimed (or finished) the row since we looked.
    const res = await k
      .updateTable(table)
      .set({ attempts: d.attempts + 1, next_attempt_at: opts.leaseUntil })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', d.attempts)
      .where('next_attempt_at', '<=', opts.now)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) claims.push({ id: d.id, attempt: d.attempts + 1 });
  }
  return claims;
}
