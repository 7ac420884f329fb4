import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { lit, nullInt, nullText, openWhen, ratingScore, type DemandSource } from '../demands/demands.sql.js';

/**
 * What other modules may read of 政务服务 and 便民服务 without an actor: the caller (the demands
 * module, 全响应) has already scoped its user to a subtree or to their own account. Each function
 * returns a SELECT in the common demand shape of src/modules/demands/demands.sql.ts; the caller
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
