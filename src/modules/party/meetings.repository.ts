import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { PartyLeaveRequestTable, PartyMeetingAttendanceTable, PartyMeetingRuleTable, PartyMeetingTable } from './meetings.table.js';
import './meetings.table.js';

/** The only SQL of 三会一课. */

export type MeetingRow = Selectable<PartyMeetingTable>;
export type AttendanceRow = Selectable<PartyMeetingAttendanceTable>;
export type LeaveRow = Selectable<PartyLeaveRequestTable>;
export type RuleRow = Selectable<PartyMeetingRuleTable>;

export function getMeeting(db: Executor, id: string) {
  return db.selectFrom('party_meeting').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertMeeting(db: Executor, row: MeetingRow) {
  await db.insertInto('party_meeting').values(row).execute();
}

export async function updateMeeting(db: Executor, id: string, version: number, set: Partial<MeetingRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_meeting')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface MeetingFilter {
  nodePaths: string[];
  partyPaths: string[];
  /** Within an organisation's subtree (party path), or exactly these organisations. */
  under?: string;
  orgIds?: string[];
  kind?: string;
  fromIso?: string;
  toIso?: string;
  includeCancelled?: boolean;
}

export function listMeetings(db: Executor, f: MeetingFilter, limit = 500) {
  let q = db.selectFrom('party_meeting').selectAll();
  q = q.where((eb) =>
    eb.or([
      ...f.nodePaths.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))])),
      ...f.partyPaths.map((p) => eb.and([eb('party_path', '>=', p), eb('party_path', '<', prefixEnd(p))])),
      sql<boolean>`1 = 0`,
    ]),
  );
  if (f.under) q = q.where('party_path', '>=', f.under).where('party_path', '<', prefixEnd(f.under));
  if (f.orgIds) q = f.orgIds.length ? q.where('org_id', 'in', f.orgIds) : q.where(sql<boolean>`1 = 0`);
  if (f.kind) q = q.where('kind', '=', f.kind as never);
  if (f.fromIso) q = q.where('starts_at', '>=', f.fromIso);
  if (f.toIso) q = q.where('starts_at', '<', f.toIso);
  if (!f.includeCancelled) q = q.where('status', '=', 'planned');
  return q.orderBy('starts_at', 'desc').orderBy('id').limit(limit).execute();
}

// ---------------------------------------------------------------- attendance

export async function insertAttendance(db: Executor, rows: AttendanceRow[]) {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('party_meeting_attendance').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
}

export function attendanceOf(db: Executor, meetingIds: string[]) {
  if (meetingIds.length === 0) return Promise.resolve([] as AttendanceRow[]);
  return db.selectFrom('party_meeting_attendance').selectAll().where('meeting_id', 'in', meetingIds).execute();
}

export function attendanceRow(db: Executor, meetingId: string, memberId: string) {
  return db.selectFrom('party_meeting_attendance').selectAll().where('meeting_id', '=', meetingId).where('member_id', '=', memberId).executeTakeFirst();
}

/** Present, once: only a row not yet present changes (a second scan finds it done). */
export async function markPresent(db: Executor, meetingId: string, memberId: string, set: { checked_in_at: string; method: 'qr' | 'secretary'; checked_in_by: string; updated_at: string }): Promise<boolean> {
  const r = await db
    .updateTable('party_meeting_attendance')
    .set({ status: 'present', ...set })
    .where('meeting_id', '=', meetingId)
    .where('member_id', '=', memberId)
    .where('status', '!=', 'present')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setLeave(db: Executor, meetingId: string, memberId: string, at: string) {
  await db.updateTable('party_meeting_attendance').set({ status: 'leave', updated_at: at }).where('meeting_id', '=', meetingId).where('member_id', '=', memberId).where('status', '=', 'expected').execute();
}

/** A member's attendance rows (for their own list), newest meetings first. */
export function attendanceOfMember(db: Executor, memberId: string) {
  return db.selectFrom('party_meeting_attendance').selectAll().where('member_id', '=', memberId).execute();
}

export function meetingsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as MeetingRow[]);
  return db.selectFrom('party_meeting').selectAll().where('id', 'in', ids).execute();
}

// ---------------------------------------------------------------- leave

export async function insertLeave(db: Executor, row: LeaveRow) {
  await db.insertInto('party_leave_request').values(row).execute();
}

export function getLeave(db: Executor, id: string) {
  return db.selectFrom('party_leave_request').selectAll().where('id', '=', id).executeTakeFirst();
}

export function leaveOf(db: Executor, where: { meetingIds?: string[]; memberId?: string; status?: string }) {
  let q = db.selectFrom('party_leave_request').selectAll();
  if (where.meetingIds) q = where.meetingIds.length ? q.where('meeting_id', 'in', where.meetingIds) : q.where(sql<boolean>`1 = 0`);
  if (where.memberId) q = q.where('member_id', '=', where.memberId);
  if (where.status) q = q.where('status', '=', where.status as never);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function decideLeave(db: Executor, id: string, version: number, set: Partial<LeaveRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_leave_request')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- rules

export function rulesFor(db: Executor, scopes: string[]) {
  return db.selectFrom('party_meeting_rule').selectAll().where('scope', 'in', scopes).execute();
}

export async function upsertRule(db: Executor, row: RuleRow) {
  await db
    .insertInto('party_meeting_rule')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'kind']).doUpdateSet({ applies_to: row.applies_to, period: row.period, min_count: row.min_count, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}

// ---------------------------------------------------------------- photos

export function photosOf(db: Executor, meetingId: string) {
  return db
    .selectFrom('attachment_use as u')
    .innerJoin('attachment as a', 'a.id', 'u.attachment_id')
    .select(['a.id', 'a.original_name'])
    .where('u.owner_type', '=', 'party_meeting')
    .where('u.owner_id', '=', meetingId)
    .orderBy('a.created_at')
    .execute();
}

export function attachmentsByIds(db: Executor, ids: string[]) {
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'mime']).where('id', 'in', ids).execute();
}
