import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { monthOf } from '../../platform/stats/months.js';
import { lit, openWhen, ratingScore, type DemandSource } from '../../platform/demands/demand-source.js';

/**
 * What other modules may read of grid events, without an actor: the caller has already decided
 * that its user may see the record that points at the event (a suggestion, a visit) and only
 * shows the event's number. Modules use this instead of the `grid_event` table, so the events
 * module can change its storage. `db` may be a transaction (a promoting caller reads inside it).
 */

/** The codes (SJYYYYMMDD-NNNN) of these events by id; unknown ids and nulls are left out. */
export async function eventCodes(db: Executor, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const out = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db.selectFrom('grid_event').select(['id', 'code']).where('id', 'in', wanted.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, r.code);
  }
  return out;
}

/**
 * Who reported an event: the registry person, or the caller's name and mobile as stored
 * (encrypted; the caller decrypts what it needs). Undefined for an unknown id.
 */
export async function eventReporter(db: Executor, eventId: string): Promise<{ personId: string | null; nameEnc: string | null; phoneEnc: string | null } | undefined> {
  return db
    .selectFrom('grid_event')
    .select(['reporter_person_id as personId', 'reporter_name_enc as nameEnc', 'reporter_phone_enc as phoneEnc'])
    .where('id', '=', eventId)
    .executeTakeFirst();
}

/**
 * 全响应: grid events as demands (the common shape of src/platform/demands/demand-source.ts).
 * Merged duplicates are left out (their original counts); the deadline is the handling limit
 * (close_due_at) once dispatched, else the running stage's; responded = accepted.
 */
export function eventDemandSource(db: Executor): DemandSource {
  return db
    .selectFrom('grid_event')
    .where('state', '!=', 'merged')
    .select([
      lit('event').as('kind'),
      'id',
      sql<string | null>`code`.as('code'),
      'title',
      sql<string>`channel`.as('channel'),
      sql<string>`state`.as('state'),
      'org_path',
      sql<string | null>`org_node_id`.as('org_node_id'),
      'created_at',
      sql<string | null>`coalesce(close_due_at, due_at)`.as('due_at'),
      sql<string | null>`accepted_at`.as('responded_at'),
      'closed_at',
      sql<number | null>`closed_on_time`.as('on_time'),
      ratingScore('rating').as('satisfaction'),
      sql<string | null>`reporter_person_id`.as('person_id'),
      sql<string | null>`reporter_user_id`.as('user_id'),
      openWhen('state', ['reported', 'accepted', 'dispatched', 'handling', 'extension_requested', 'suspended', 'checking', 'void_requested']).as('is_open'),
    ]);
}

/**
 * 驾驶舱 (src/modules/cockpit): counts of grid events per org path and month, merged duplicates
 * left out: reported (by created_at), closed / closedCounted (closed and never suspended) /
 * closedOnTime (of those, closed_on_time = 1) by closed_at, rated / satisfied (满意 or 基本满意)
 * by rated_at — the definitions of events.indicators.ts. Run by the refresh job, not per request.
 */
export async function eventCellsByPath(
  db: Executor,
  months: readonly { key: string; from: string; to: string }[],
): Promise<{ path: string; month: string; metric: 'reported' | 'closed' | 'closedCounted' | 'closedOnTime' | 'rated' | 'satisfied'; n: number }[]> {
  if (months.length === 0) return [];
  const from = sql.lit(months[0]!.from);
  const to = sql.lit(months[months.length - 1]!.to);
  const month = (col: string) => monthOf(col, months);
  const reported = await sql<{ path: string; month: string; n: number }>`
    select org_path as path, ${month('created_at')} as month, count(*) as n
    from grid_event where state != 'merged' and created_at >= ${from} and created_at < ${to}
    group by 1, 2`.execute(db);
  const closed = await sql<{ path: string; month: string; n: number; counted: number; on_time: number }>`
    select org_path as path, ${month('closed_at')} as month, count(*) as n,
      sum(case when suspended = 0 then 1 else 0 end) as counted,
      sum(case when suspended = 0 and closed_on_time = 1 then 1 else 0 end) as on_time
    from grid_event where state != 'merged' and closed_at >= ${from} and closed_at < ${to}
    group by 1, 2`.execute(db);
  const rated = await sql<{ path: string; month: string; n: number; satisfied: number }>`
    select org_path as path, ${month('rated_at')} as month, count(*) as n,
      sum(case when rating in ('满意', '基本满意') then 1 else 0 end) as satisfied
    from grid_event where state != 'merged' and rating is not null and rated_at >= ${from} and rated_at < ${to}
    group by 1, 2`.execute(db);
  type Metric = 'reported' | 'closed' | 'closedCounted' | 'closedOnTime' | 'rated' | 'satisfied';
  const out: { path: string; month: string; metric: Metric; n: number }[] = [];
  for (const r of reported.rows) out.push({ path: r.path, month: r.month, metric: 'reported', n: Number(r.n) });
  for (const r of closed.rows) {
    out.push({ path: r.path, month: r.month, metric: 'closed', n: Number(r.n) });
    out.push({ path: r.path, month: r.month, metric: 'closedCounted', n: Number(r.counted) });
    out.push({ path: r.path, month: r.month, metric: 'closedOnTime', n: Number(r.on_time) });
  }
  for (const r of rated.rows) {
    out.push({ path: r.path, month: r.month, metric: 'rated', n: Number(r.n) });
    out.push({ path: r.path, month: r.month, metric: 'satisfied', n: Number(r.satisfied) });
  }
  return out.filter((x) => x.month !== null && x.n > 0);
}
