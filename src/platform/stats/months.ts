import { sql, type RawBuilder } from 'kysely';

/** One statistics month: `YYYY-MM` (Beijing time) and its bounds as ISO UTC text, [from, to). */
export interface StatMonth {
  key: string;
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The 12 months ending with the current Beijing month, oldest first. */
export function lastMonths(now: Date, count = 12): StatMonth[] {
  const bj = new Date(now.getTime() + 8 * 3_600_000);
  let y = bj.getUTCFullYear();
  let m = bj.getUTCMonth() + 1;
  const out: StatMonth[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${y}-${pad(m)}`;
    const ny = m === 12 ? y + 1 : y;
    const nm = m === 12 ? 1 : m + 1;
    out.unshift({ key, from: new Date(`${key}-01T00:00:00+08:00`).toISOString(), to: new Date(`${ny}-${pad(nm)}-01T00:00:00+08:00`).toISOString() });
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return out;
}

/** Today's date in Beijing, `YYYY-MM-DD`. */
export function beijingDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * `case when col >= from1 and col < to1 then 'YYYY-MM' … end`: the month of an ISO timestamp
 * column, null outside the months. Bounds are literals (code-made), so GROUP BY 1 works on both dialects.
 */
export function monthOf(column: string, months: readonly StatMonth[]): RawBuilder<string | null> {
  const branches = months.map((m) => sql`when ${sql.ref(column)} >= ${sql.lit(m.from)} and ${sql.ref(column)} < ${sql.lit(m.to)} then ${sql.lit(m.key)}`);
  return sql<string | null>`(case ${sql.join(branches, sql` `)} else null end)`;
}

/** `substr(col, 1, n)`: the first n characters of a materialised path (ids have a fixed length). */
export function pathPrefix(column: string, length: number): RawBuilder<string> {
  return sql<string>`substr(${sql.ref(column)}, 1, ${sql.lit(length)})`;
}
