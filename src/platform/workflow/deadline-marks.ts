import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Database } from '../db/schema.js';

/**
 * 时限预警 / 超时 marks, for any table whose rows carry a stage clock: `warn_at`, `warned_at`,
 * `due_at`, `overdue_at` and a `state`. Events and service applications use it; so will anything
 * else with a 时限 (party transfers, volunteer bookings).
 *
 * A mark is claimed by a conditional UPDATE (… where warned_at is null) in the same transaction
 * as what the caller does with the claimed rows (notifications, audit), so two processes never
 * warn twice and a crash warns nobody (the next run does). On PostgreSQL the candidates are
 * locked with SKIP LOCKED (two processes take different rows) and the UPDATE re-checks its
 * condition on the row it writes; on SQLite the UPDATE is the transaction's first write, so it
 * holds the only write lock until commit.
 */

export type DeadlineMark = 'warning' | 'overdue';

/** The columns a clocked row has; the table may have any others. */
interface ClockedRow {
  id: string;
  state: string;
  warn_at: string | null;
  warned_at: string | null;
  due_at: string | null;
  overdue_at: string | null;
}

/** Whatever the table's name, the builder sees it as `clocked`: typed by the clock columns alone. */
type ClockDb = { clocked: ClockedRow };

export interface DeadlineMarkSpec<T extends string, C extends string> {
  table: T;
  /** States whose clock runs (suspended and finished ones have none). */
  clockedStates: readonly string[];
  /** Columns returned for each claimed row. */
  columns: readonly C[];
  /** Rows claimed per transaction. */
  batchSize: number;
}

/**
 * Claims every row past `mark` at `now`, batch by batch, and hands each claimed batch to `tell`
 * inside the claiming transaction. Returns how many rows were claimed.
 */
export async function claimDeadlineMarks<T extends string, C extends string, R extends Record<C, unknown>>(
  ctx: PlatformContext,
  spec: DeadlineMarkSpec<T, C>,
  mark: DeadlineMark,
  now: Date,
  tell: (trx: Transaction<Database>, rows: R[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await claimBatch(ctx, spec, mark, now, tell);
    total += n;
    if (n < spec.batchSize) return total;
  }
}

async function claimBatch<T extends string, C extends string, R>(
  ctx: PlatformContext,
  spec: DeadlineMarkSpec<T, C>,
  mark: DeadlineMark,
  now: Date,
  tell: (trx: Transaction<Database>, rows: R[]) => Promise<void>,
): Promise<number> {
  const at = now.toISOString();
  const db = ctx.db.kysely as unknown as Kysely<ClockDb>;
  const table = spec.table as unknown as 'clocked';
  return db.transaction().execute(async (trx) => {
    const states = [...spec.clockedStates];
    const past =
      mark === 'warning'
        ? sql<boolean>`warn_at <= ${at} and warned_at is null and due_at > ${at} and state in (${sql.join(states)})`
        : sql<boolean>`due_at <= ${at} and overdue_at is null and state in (${sql.join(states)})`;
    let candidates = trx
      .selectFrom(table)
      .select('id')
      .where(past)
      .orderBy(mark === 'warning' ? 'warn_at' : 'due_at')
      .limit(spec.batchSize);
    if (ctx.db.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const rows = (await trx
      .updateTable(table)
      .set(
        mark === 'warning'
          ? { warned_at: at }
          : // Past due without a warning (the server was down): the overdue notice says it all.
            { overdue_at: at, warned_at: sql<string>`coalesce(warned_at, ${at})` },
      )
      .where('id', 'in', candidates)
      // Checked again on the row being written: this is what makes a claim once only.
      .where(past)
      .returning(spec.columns as unknown as 'id'[])
      .execute()) as unknown as R[];
    if (rows.length > 0) await tell(trx as unknown as Transaction<Database>, rows);
    return rows.length;
  });
}

/** `12月3日 10:30`, Beijing time, as deadline notices write it. */
export function beijingShort(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
