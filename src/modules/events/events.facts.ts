import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { lit, openWhen, ratingScore, type DemandSource } from '../demands/demands.sql.js';

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
 * 全响应: grid events as demands (the common shape of src/modules/demands/demands.sql.ts).
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
