import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';

/**
 * 全响应: the one row shape every module's demands take. A source module builds a SELECT of its
 * own table with the columns of `DemandSqlRow` (in its `*.facts.ts`, with the helpers below);
 * the demands module wraps it as a derived table and filters, pages and counts it in SQL. It lives
 * in the platform so that the source modules, which come before demands, do not import demands.
 */

/** The derived table's columns. Timestamps are ISO text; on_time and is_open are 0/1. */
export interface DemandSqlRow {
  kind: string;
  id: string;
  code: string | null;
  title: string;
  channel: string;
  state: string;
  org_path: string;
  org_node_id: string | null;
  created_at: string;
  due_at: string | null;
  responded_at: string | null;
  closed_at: string | null;
  on_time: number | null;
  satisfaction: number | null;
  person_id: string | null;
  user_id: string | null;
  is_open: number;
}

export type DemandSource = SelectQueryBuilder<any, any, DemandSqlRow>;

/** Typed SQL pieces the sources use for constants and NULLs (NULLs are cast so PostgreSQL knows their type). */
export const lit = (s: string): RawBuilder<string> => sql<string>`${sql.lit(s)}`;
export const nullText = (): RawBuilder<string | null> => sql<string | null>`cast(null as text)`;
export const nullInt = (): RawBuilder<number | null> => sql<number | null>`cast(null as integer)`;
/** 满意 5, 基本满意 3, 不满意 1 (the three-step rating on a five-point scale). */
export const ratingScore = (column: string): RawBuilder<number | null> =>
  sql<number | null>`case ${sql.ref(column)} when '满意' then 5 when '基本满意' then 3 when '不满意' then 1 else null end`;
/** 1 when the column is one of the open states, else 0. */
export const openWhen = (column: string, openStates: readonly string[]): RawBuilder<number> =>
  sql<number>`case when ${sql.ref(column)} in (${sql.join(openStates.map((s) => sql.lit(s)))}) then 1 else 0 end`;
