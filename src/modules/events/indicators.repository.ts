import { sql, type RawBuilder } from 'kysely';
import type { Db, DialectName } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { workSecondsAt, type WorkClock } from './indicators.clock.js';
import { INDICATOR_COLUMNS } from './migrations/2026_11_26_0291_event_indicator_indexes.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** Where the caller may count: whole subtrees, and subtrees limited to the events dispatched to a department. */
export interface IndicatorScope {
  paths: string[];
  departmentPaths: { path: string; departments: string[] }[];
}

/** What one row of the aggregate is keyed by; the service rolls these up into the groups asked for. */
export type IndicatorKey = 'place' | 'unit' | 'category' | 'day';

/**
 * The additive facts of a group of events; every indicator is a ratio of two of them (see
 * events.indicators.ts), so groups roll up by adding.
 */
export interface IndicatorSums {
  reported: number;
  withdrawn: number;
  dueToAccept: number;
  accepted: number;
  rejected: number;
  dispatchedEvents: number;
  dispatches: number;
  returns: number;
  handlings: number;
  reworks: number;
  extended: number;
  dueToHandle: number;
  dueToHandleSuspended: number;
  handledOnTime: number;
  dueToClose: number;
  dueToCloseSuspended: number;
  closed: number;
  closedOnTime: number;
  rated: number;
  satisfied: number;
  responseCount: number;
  responseSeconds: number;
  handlingCount: number;
  handlingSeconds: number;
}

export const SUM_FIELDS = [
  'reported',
  'withdrawn',
  'dueToAccept',
  'accepted',
  'rejected',
  'dispatchedEvents',
  'dispatches',
  'returns',
  'handlings',
  'reworks',
  'extended',
  'dueToHandle',
  'dueToHandleSuspended',
  'handledOnTime',
  'dueToClose',
  'dueToCloseSuspended',
  'closed',
  'closedOnTime',
  'rated',
  'satisfied',
  'responseCount',
  'responseSeconds',
  'handlingCount',
  'handlingSeconds',
] as const satisfies readonly (keyof IndicatorSums)[];

/** Reported from `from` to before `to` (instants as stored); the same as local dates `fromDate`…`toDate`; deadlines judged at `asOf`. */
export interface IndicatorRange {
  from: string;
  to: string;
  fromDate: string;
  toDate: string;
  asOf: string;
}

export interface IndicatorRow extends IndicatorSums {
  k1: string | null;
  k2: string | null;
}

/**
 * The one aggregate query: events reported in [from, to) inside the scope, grouped by `key`.
 * One seek per place (grid, community) on the covering index grid_event_indicators
 * (org_path, created_at, facts…), so it reads a period's entries and nothing else. Working
 * times come from the row (measured by the job, indicators.durations.ts) or, for rows not
 * measured yet, from the calendar table (indicators.clock.ts). `asOf` decides which deadlines
 * have passed.
 */
export async function aggregateIndicators(
  db: Db,
  clock: WorkClock,
  scope: IndicatorScope,
  range: IndicatorRange,
  key: IndicatorKey,
): Promise<IndicatorRow[]> {
  if (scope.paths.length === 0 && scope.departmentPaths.length === 0) return [];
  const places = await placesIn(db, [...scope.paths, ...scope.departmentPaths.map((d) => d.path)]);
  const query = indicatorsQuery(db.dialect, clock, scope, range, key, places);
  // PostgreSQL would JIT-compile two dozen aggregate expressions for seconds to save
  // milliseconds on a query that reads an index for a tenth of a second; and, knowing nothing
  // of how many days a year has, it sorts a year's rows by day on disk within the default 4 MB.
  const { rows } =
    db.dialect === 'postgres'
      ? await db.kysely.transaction().execute(async (trx) => {
          await sql`set local jit = off`.execute(trx);
          await sql`set local work_mem = '64MB'`.execute(trx);
          return query.execute(trx);
        })
      : await query.execute(db.kysely);
  return (rows as Record<string, unknown>[]).map((r) => ({
    k1: (r.k1 as string | null) ?? null,
    // Booleans come back as 0/1 from SQLite and true/false from PostgreSQL.
    k2: r.k2 === null || r.k2 === undefined ? null : r.k2 === true ? '1' : r.k2 === false ? '0' : String(r.k2),
    reported: num(r.reported),
    withdrawn: num(r.withdrawn),
    dueToAccept: num(r.due_to_accept),
    accepted: num(r.accepted),
    rejected: num(r.rejected),
    dispatchedEvents: num(r.dispatched_events),
    dispatches: num(r.dispatches),
    returns: num(r.returns),
    handlings: num(r.handlings),
    reworks: num(r.reworks),
    extended: num(r.extended),
    dueToHandle: num(r.due_to_handle),
    dueToHandleSuspended: num(r.due_to_handle_suspended),
    handledOnTime: num(r.handled_on_time),
    dueToClose: num(r.due_to_close),
    dueToCloseSuspended: num(r.due_to_close_suspended),
    closed: num(r.closed),
    closedOnTime: num(r.closed_on_time),
    rated: num(r.rated),
    satisfied: num(r.satisfied),
    responseCount: num(r.response_count),
    responseSeconds: num(r.response_seconds),
    handlingCount: num(r.handling_count),
    handlingSeconds: num(r.handling_seconds),
  }));
}

/** Kinds of node an event is placed on: a grid or a community (never a building or a dwelling, which go to address_node_id). */
const PLACE_KINDS = ['city', 'district', 'street', 'community', 'grid'] as const;
/** Up to this many places a subtree is read place by place; a bigger one as one range. */
export const MAX_PLACES = 1000;

/**
 * The paths events of each subtree can carry, so the aggregate seeks (org_path = P, created_at
 * in the period) once per grid on its index instead of scanning every year of the subtree.
 * Null for a subtree with more than MAX_PLACES of them (a whole large city): read as a range.
 */
export async function placesIn(db: Db, paths: string[]): Promise<Map<string, string[] | null>> {
  const out = new Map<string, string[] | null>();
  for (const p of paths) {
    const rows = await db.kysely
      .selectFrom('org_node')
      .select('path')
      .where('path', '>=', p)
      .where('path', '<', prefixEnd(p))
      .where('kind', 'in', [...PLACE_KINDS])
      .limit(MAX_PLACES + 1)
      .execute();
    out.set(p, rows.length === 0 || rows.length > MAX_PLACES ? null : rows.map((r) => r.path));
  }
  return out;
}

/**
 * What a row of the aggregate is keyed by. A place is its org_path, which is also the index's
 * order, so grouping by it streams without a sort; a day is the local date of the calendar row
 * the event's report time falls in.
 */
function keyColumns(key: IndicatorKey): [RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>] {
  // Grouped by position: the same text twice would be two parameters to PostgreSQL, not one expression.
  switch (key) {
    case 'place':
      return [sql`e.org_path`, sql`null`, sql`1`];
    case 'unit':
      return [sql`e.assignee_node_id`, sql`e.assignee_department_code`, sql`1, 2`];
    case 'category':
      return [sql`e.category_id`, sql`null`, sql`1`];
    case 'day':
      // The local date from the calendar table's day row the event falls in (see indicatorsQuery).
      return [sql`d.utc_date`, sql`null`, sql`d.utc_date`];
  }
}

/** The aggregate's SQL (exported for the benchmark's EXPLAIN); at least one scope path. */
export function indicatorsQuery(
  dialect: DialectName,
  clock: WorkClock,
  scope: IndicatorScope,
  range: IndicatorRange,
  key: IndicatorKey,
  places: Map<string, string[] | null> = new Map(),
): RawBuilder<unknown> {
  const w = (column: string) => workSecondsAt(dialect, column, clock.slots);
  // Working times the job has measured, or measured here for rows it has not reached yet.
  const response = sql`(case when e.accepted_at is null then null when e.response_work_seconds is not null then e.response_work_seconds else ${w('e.accepted_at')} - ${w('e.created_at')} end)`;
  const handling = sql`(case when e.handled_at is null or e.first_dispatched_at is null or e.suspended = 1 then null when e.handling_work_for = e.handled_at then e.handling_work_seconds else ${w('e.handled_at')} - ${w('e.first_dispatched_at')} end)`;
  const asOf = range.asOf;
  // 应处置 / 应结案: dispatched, not voided, and finished (or closed) or past the handling limit.
  const dueToHandle = sql`e.first_dispatched_at is not null and e.state <> 'voided' and (e.handled_at is not null or e.close_due_at <= ${asOf})`;
  const dueToClose = sql`e.first_dispatched_at is not null and e.state <> 'voided' and (e.closed_at is not null or e.close_due_at <= ${asOf})`;
  // Each count once per row; the cheapest, most selective test first. Shortcuts rest on the
  // loop: only a report not yet accepted can be withdrawn; a closed event is never voided.
  const count = (cond: RawBuilder<unknown>) => sql`count(*) filter (where ${cond})`;
  const [k1, k2, groupBy] = keyColumns(key);
  const within = (p: string) => {
    const list = places.get(p);
    return list ? sql`e.org_path in (${sql.join(list)})` : sql`e.org_path >= ${p} and e.org_path < ${prefixEnd(p)}`;
  };
  const scopes: RawBuilder<unknown>[] = [
    ...scope.paths.map((p) => sql`(${within(p)})`),
    ...scope.departmentPaths.map((d) => sql`(${within(d.path)} and e.assignee_department_code in (${sql.join(d.departments)}))`),
  ];
  const filter = sql`(${sql.join(scopes, sql` or `)}) and e.state <> 'merged'`;
  // By day: walk the calendar's local days in order and seek each day's events, so rows come
  // grouped already (neither database sorts a year's events, and days need no time zone in SQL).
  // The days alone bound the reports: a second bound on created_at would let SQLite seek by it
  // instead. PostgreSQL needs the seek spelt out (LATERAL, fenced by OFFSET 0), or it reads the
  // subtree's year once and filters it again for every day.
  let from: RawBuilder<unknown>;
  let where: RawBuilder<unknown>;
  const days = sql`d.utc_date >= ${range.fromDate} and d.utc_date <= ${range.toDate}`;
  const sameDay = sql`e.created_at >= d.day_start and e.created_at < d.day_end`;
  if (key !== 'day') {
    from = sql`grid_event e`;
    where = sql`${filter} and e.created_at >= ${range.from} and e.created_at < ${range.to}`;
  } else if (dialect === 'postgres') {
    const columns = sql.raw(['org_path', 'created_at', ...INDICATOR_COLUMNS].map((c) => `e.${c}`).join(', '));
    from = sql`event_work_day d cross join lateral (select ${columns} from grid_event e where ${filter} and ${sameDay} offset 0) e`;
    where = days;
  } else {
    from = sql`event_work_day d join grid_event e on ${sameDay}`;
    where = sql`${days} and ${filter}`;
  }
  return sql`
    select ${k1} as k1, ${k2} as k2,
      count(*) as reported,
      ${count(sql`e.state = 'withdrawn'`)} as withdrawn,
      ${count(sql`e.accepted_at is not null or e.state = 'rejected' or (e.state = 'reported' and e.due_at <= ${asOf})`)} as due_to_accept,
      ${count(sql`e.accepted_at is not null`)} as accepted,
      ${count(sql`e.state = 'rejected'`)} as rejected,
      ${count(sql`e.first_dispatched_at is not null`)} as dispatched_events,
      sum(e.dispatch_count) as dispatches,
      sum(e.return_count) as returns,
      sum(e.handling_count) as handlings,
      sum(e.rework_count) as reworks,
      ${count(sql`e.extension_count > 0`)} as extended,
      ${count(dueToHandle)} as due_to_handle,
      ${count(sql`e.suspended = 1 and ${dueToHandle}`)} as due_to_handle_suspended,
      ${count(sql`e.suspended = 0 and e.handled_at <= e.close_due_at and e.state <> 'voided'`)} as handled_on_time,
      ${count(dueToClose)} as due_to_close,
      ${count(sql`e.suspended = 1 and ${dueToClose}`)} as due_to_close_suspended,
      ${count(sql`e.closed_at is not null and e.first_dispatched_at is not null`)} as closed,
      ${count(sql`e.closed_on_time = 1 and e.suspended = 0 and e.first_dispatched_at is not null`)} as closed_on_time,
      ${count(sql`e.rating is not null`)} as rated,
      ${count(sql`e.rating in ('满意', '基本满意')`)} as satisfied,
      count(${response}) as response_count,
      sum(${response}) as response_seconds,
      count(${handling}) as handling_count,
      sum(${handling}) as handling_seconds
    from ${from}
    where ${where}
    group by ${groupBy}`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Nodes by id with their path (to find a grid's community) and kind. */
export function nodesByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.kysely.selectFrom('org_node').select(['id', 'name', 'kind', 'path', 'sort', 'code']).where('id', 'in', ids).execute();
}

/** Live nodes of a kind inside subtrees (the rows a table lists even when nothing was reported there). */
export function nodesOfKindIn(db: Db, paths: string[], kinds: string[], limit: number) {
  if (paths.length === 0) return Promise.resolve([]);
  return db.kysely
    .selectFrom('org_node')
    .select(['id', 'name', 'kind', 'path', 'sort', 'code'])
    .where((eb) => inAnySubtree(eb, 'path', paths))
    .where('kind', 'in', kinds as never[])
    .where('ended_at', 'is', null)
    .orderBy('path')
    .limit(limit)
    .execute();
}

export function categoriesByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.kysely.selectFrom('event_category').select(['id', 'parent_id', 'code', 'name', 'sort']).where('id', 'in', ids).execute();
}

export function departmentNames(db: Db, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return db.kysely.selectFrom('department').select(['code', 'name']).where('code', 'in', codes).execute();
}
