import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { monthOf } from '../../platform/stats/months.js';
import './volunteers.table.js';
import './hours.table.js';
import { fundBalances } from './fund.accounts.js';

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

/**
 * 驾驶舱 (src/modules/cockpit): minutes of volunteer service credited per org path of the service
 * record and month of check-in (the current credited_minutes, so corrections count as corrected).
 */
export async function serviceMinutesByPath(db: Executor, months: readonly { key: string; from: string; to: string }[]): Promise<{ path: string; month: string; minutes: number }[]> {
  if (months.length === 0) return [];
  const month = monthOf('check_in_at', months);
  const r = await sql<{ path: string; month: string | null; minutes: number }>`
    select org_path as path, ${month} as month, coalesce(sum(credited_minutes), 0) as minutes
    from volunteer_service_record
    where check_in_at >= ${sql.lit(months[0]!.from)} and check_in_at < ${sql.lit(months[months.length - 1]!.to)}
    group by 1, 2`.execute(db);
  return r.rows.filter((x) => x.month !== null && Number(x.minutes) > 0).map((x) => ({ path: x.path, month: x.month!, minutes: Number(x.minutes) }));
}

/** 互助基金: the balance (cash + in kind, fen) of every community fund that has ledger accounts. */
export async function fundBalancesByCommunity(db: Executor): Promise<{ orgNodeId: string; balanceFen: number }[]> {
  const owners = await db.selectFrom('ledger_account').select('owner_id').distinct().where('owner_type', '=', 'fund').where('owner_id', 'is not', null).execute();
  const out: { orgNodeId: string; balanceFen: number }[] = [];
  for (const o of owners) out.push({ orgNodeId: o.owner_id!, balanceFen: (await fundBalances(db, o.owner_id!)).balance });
  return out;
}
