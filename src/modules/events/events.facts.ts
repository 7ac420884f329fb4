import type { Executor } from '../../platform/db/database.js';

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
