import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { PartyPointsAdjustmentTable, PartyPointsRuleTable } from './party-points.table.js';
import './party-points.table.js';
import './meetings.table.js';
import './organisations.table.js';

/** The only SQL of 党员积分 (it reads the facts it counts: attendance, reading records, deeds — and volunteering through volunteers.facts.ts). */

export type RuleRow = Selectable<PartyPointsRuleTable>;
export type AdjustmentRow = Selectable<PartyPointsAdjustmentTable>;

export function rulesOf(db: Executor, scopes: string[]) {
  return db.selectFrom('party_points_rule').selectAll().where('scope', 'in', [...new Set(['*', ...scopes])]).execute();
}

export async function replaceRules(db: Executor, scope: string, rows: RuleRow[]) {
  await db.deleteFrom('party_points_rule').where('scope', '=', scope).execute();
  if (rows.length) await db.insertInto('party_points_rule').values(rows).execute();
}

/** Active members on the rolls of an organisation or below, in roll order. */
export function membersUnder(db: Executor, partyPath: string) {
  return db
    .selectFrom('party_member')
    .select(['id', 'person_id', 'org_id', 'party_path'])
    .where('status', '=', 'active')
    .where('party_path', '>=', partyPath)
    .where('party_path', '<', prefixEnd(partyPath))
    .orderBy('party_path')
    .orderBy('joined_on')
    .orderBy('id')
    .execute();
}

/** Meetings attended (present, not cancelled) per member, of meetings starting in [from, to). */
export async function attendanceOf(db: Executor, memberIds: string[], from: string, to: string): Promise<Map<string, number>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('party_meeting_attendance as a')
    .innerJoin('party_meeting as m', 'm.id', 'a.meeting_id')
    .select(['a.member_id', sql<number>`count(*)`.as('n')])
    .where('a.member_id', 'in', memberIds)
    .where('a.status', '=', 'present')
    .where('m.status', '=', 'planned')
    .where('m.starts_at', '>=', from)
    .where('m.starts_at', '<', to)
    .groupBy('a.member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}

export function adjustmentsOf(db: Executor, memberIds: string[], year: number) {
  if (memberIds.length === 0) return Promise.resolve([] as AdjustmentRow[]);
  return db.selectFrom('party_points_adjustment').selectAll().where('member_id', 'in', memberIds).where('year', '=', year).orderBy('created_at').orderBy('id').execute();
}

export async function insertAdjustment(db: Executor, row: AdjustmentRow) {
  await db.insertInto('party_points_adjustment').values(row).execute();
}
