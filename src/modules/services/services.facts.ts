import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { monthOf } from '../../platform/stats/months.js';
import { lit, nullInt, nullText, openWhen, ratingScore, type DemandSource } from '../../platform/demands/demand-source.js';

/**
 * What other modules may read of 政务服务 and 便民服务 without an actor: the caller (the demands
 * module, 全响应) has already scoped its user to a subtree or to their own account. Each function
 * returns a SELECT in the common demand shape of src/platform/demands/demand-source.ts; the caller
 * filters, pages and counts it in SQL.
 */

/** 办事申请: deadline = the promised completion (else the running stage's); responded = accepted. */
export function applicationDemandSource(db: Executor): DemandSource {
  return db.selectFrom('service_application').select([
    lit('application').as('kind'),
    'id',
    sql<string | null>`code`.as('code'),
    sql<string>`matter_name`.as('title'),
    sql<string>`channel`.as('channel'),
    sql<string>`state`.as('state'),
    'org_path',
    sql<string | null>`org_node_id`.as('org_node_id'),
    'created_at',
    sql<string | null>`coalesce(promise_due_at, due_at)`.as('due_at'),
    sql<string | null>`accepted_at`.as('responded_at'),
    sql<string | null>`coalesce(completed_at, closed_at)`.as('closed_at'),
    sql<number | null>`completed_on_time`.as('on_time'),
    ratingScore('rating').as('satisfaction'),
    sql<string | null>`applicant_person_id`.as('person_id'),
    sql<string | null>`applicant_user_id`.as('user_id'),
    openWhen('state', ['submitted', 'returned', 'accepted', 'approved']).as('is_open'),
  ]);
}

/** 便民服务订单: the deadline is the wanted time; responded = the provider accepted; rating 1–5. */
export function orderDemandSource(db: Executor): DemandSource {
  return db.selectFrom('convenience_order').select([
    lit('order').as('kind'),
    'id',
    sql<string | null>`code`.as('code'),
    sql<string>`offering_name`.as('title'),
    lit('resident_app').as('channel'),
    sql<string>`status`.as('state'),
    'org_path',
    sql<string | null>`org_node_id`.as('org_node_id'),
    'created_at',
    sql<string | null>`wanted_at`.as('due_at'),
    sql<string | null>`coalesce(accepted_at, case when status = 'declined' then updated_at end)`.as('responded_at'),
    sql<string | null>`coalesce(completed_at, closed_at, cancelled_at, case when status = 'declined' then updated_at end)`.as('closed_at'),
    nullInt().as('on_time'),
    sql<number | null>`rating`.as('satisfaction'),
    sql<string | null>`person_id`.as('person_id'),
    sql<string | null>`resident_user_id`.as('user_id'),
    openWhen('status', ['requested', 'accepted', 'in_service']).as('is_open'),
  ]);
}

/** 法律 / 医疗咨询: the subject is encrypted, so the title is the kind; responded = first answer. */
export function consultationDemandSource(db: Executor): DemandSource {
  return db.selectFrom('consultation').select([
    lit('consultation').as('kind'),
    'id',
    sql<string | null>`code`.as('code'),
    sql<string>`case kind when 'legal' then '法律咨询' when 'medical' then '医疗咨询' else '咨询' end`.as('title'),
    lit('resident_app').as('channel'),
    sql<string>`status`.as('state'),
    'org_path',
    sql<string | null>`org_node_id`.as('org_node_id'),
    'created_at',
    nullText().as('due_at'),
    sql<string | null>`first_answered_at`.as('responded_at'),
    'closed_at',
    nullInt().as('on_time'),
    ratingScore('rating').as('satisfaction'),
    sql<string | null>`asker_person_id`.as('person_id'),
    sql<string | null>`asker_user_id`.as('user_id'),
    openWhen('status', ['submitted', 'assigned', 'answered']).as('is_open'),
  ]);
}

/**
 * 驾驶舱 (src/modules/cockpit): 办事申请 per org path and month: submitted (submitted_at),
 * completed (completed_at), rated / satisfied (满意 or 基本满意, by rated_at). Run by the refresh job.
 */
export async function applicationCellsByPath(
  db: Executor,
  months: readonly { key: string; from: string; to: string }[],
): Promise<{ path: string; month: string; metric: 'submitted' | 'completed' | 'rated' | 'satisfied'; n: number }[]> {
  if (months.length === 0) return [];
  const from = sql.lit(months[0]!.from);
  const to = sql.lit(months[months.length - 1]!.to);
  const month = (col: string) => monthOf(col, months);
  const count = async (col: string, extra = sql`1 = 1`) =>
    (
      await sql<{ path: string; month: string | null; n: number; satisfied: number }>`
        select org_path as path, ${month(col)} as month, count(*) as n,
          sum(case when rating in ('满意', '基本满意') then 1 else 0 end) as satisfied
        from service_application where ${sql.ref(col)} >= ${from} and ${sql.ref(col)} < ${to} and ${extra}
        group by 1, 2`.execute(db)
    ).rows;
  type Metric = 'submitted' | 'completed' | 'rated' | 'satisfied';
  const out: { path: string; month: string | null; metric: Metric; n: number }[] = [];
  for (const r of await count('submitted_at')) out.push({ path: r.path, month: r.month, metric: 'submitted', n: Number(r.n) });
  for (const r of await count('completed_at')) out.push({ path: r.path, month: r.month, metric: 'completed', n: Number(r.n) });
  for (const r of await count('rated_at', sql`rating is not null`)) {
    out.push({ path: r.path, month: r.month, metric: 'rated', n: Number(r.n) });
    out.push({ path: r.path, month: r.month, metric: 'satisfied', n: Number(r.satisfied) });
  }
  return out.filter((x): x is typeof x & { month: string } => x.month !== null && x.n > 0);
}
