import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import './volunteers.table.js';
import './hours.table.js';

/**
 * What other modules may read of volunteering, without an actor (the caller has decided its user
 * may see these people and audits its own use case). Added for 党员积分 (party building counts a
 * member's hours of a year); `hours.accounts.ts` `minutesOf` gives lifetime totals per volunteer.
 */

/**
 * Minutes of service credited to registry people (through their volunteer records) for services
 * checked in within [fromIso, toIso): the current `credited_minutes` of each record, so a
 * correction of the hours is counted as corrected. 0 for people without a volunteer record.
 */
export async function serviceMinutesOfPeople(db: Executor, personIds: readonly string[], fromIso: string, toIso: string): Promise<Map<string, number>> {
  const out = new Map<string, number>(personIds.map((id) => [id, 0]));
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('volunteer_service_record as r')
      .innerJoin('volunteer as v', 'v.id', 'r.volunteer_id')
      .select(['v.person_id', sql<number>`coalesce(sum(r.credited_minutes), 0)`.as('minutes')])
      .where('v.person_id', 'in', ids.slice(i, i + 500))
      .where('r.check_in_at', '>=', fromIso)
      .where('r.check_in_at', '<', toIso)
      .groupBy('v.person_id')
      .execute();
    for (const r of rows) out.set(r.person_id!, Number(r.minutes));
  }
  return out;
}
