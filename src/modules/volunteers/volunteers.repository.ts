import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { TeamRole, VolunteerObservationTable, VolunteerTable, VolunteerTeamMemberTable, VolunteerTeamTable } from './volunteers.table.js';
import './volunteers.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 志愿者与队伍 (people, teams, observations, numbers). */

export type VolunteerRow = VolunteerTable;
export type TeamRow = VolunteerTeamTable;
export type MemberRow = VolunteerTeamMemberTable;
export type ObservationRow = VolunteerObservationTable;

/** A unique index refused the row (both dialects' codes). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `path >= p AND path < p || U+FFFF` for any of the paths (none: nothing). */
function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

/** `%text%` with backslash, `%` and `_` escaped (use with an explicit ESCAPE: SQLite has no default escape character). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---------------------------------------------------------------- numbers

/** The next number of a scope (`volunteer:2026`), in the caller's transaction (the row lock serialises writers). */
export async function nextNumber(db: Executor, scope: string): Promise<number> {
  const row = await db
    .insertInto('volunteer_number_seq')
    .values({ scope, seq: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ seq: sql<number>`volunteer_number_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

// ---------------------------------------------------------------- volunteers

export function insertVolunteer(db: Executor, row: VolunteerRow) {
  return db.insertInto('volunteer').values(row).execute();
}

export function getVolunteer(db: Executor, id: string) {
  return db.selectFrom('volunteer').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getVolunteersByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as VolunteerRow[]);
  return db.selectFrom('volunteer').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function volunteerOfUser(db: Executor, userId: string) {
  return db.selectFrom('volunteer').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function volunteerOfPerson(db: Executor, personId: string) {
  return db.selectFrom('volunteer').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

export function volunteerByIdIndex(db: Executor, idx: string) {
  return db.selectFrom('volunteer').selectAll().where('id_number_idx', '=', idx).executeTakeFirst();
}

/** Links an account to a record that has none yet: 0 when someone linked it meanwhile. */
export async function linkUser(db: Executor, volunteerId: string, userId: string, at: string): Promise<number> {
  const r = await db.updateTable('volunteer').set({ user_id: userId, updated_at: at, version: sql<number>`version + 1` }).where('id', '=', volunteerId).where('user_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Optimistic update: 0 when the record changed since `version`. */
export async function updateVolunteer(db: Executor, id: string, version: number, patch: Partial<VolunteerRow>): Promise<number> {
  const r = await db
    .updateTable('volunteer')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface VolunteerFilter {
  paths: readonly string[];
  q?: string;
  teamId?: string;
  status?: 'active' | 'inactive';
  skill?: string;
}

function filteredVolunteers(db: Executor, f: VolunteerFilter) {
  let q = inSubtrees(db.selectFrom('volunteer as v'), 'v.org_path', f.paths);
  if (f.status) q = q.where('v.status', '=', f.status);
  if (f.q) {
    const like = likePattern(f.q);
    q = q.where(sql<boolean>`(v.name like ${like} escape '\\' or v.number like ${like} escape '\\')`);
  }
  // Skills are a JSON array of strings: match the quoted skill.
  if (f.skill) q = q.where(sql<boolean>`v.skills like ${likePattern(JSON.stringify(f.skill))} escape '\\'`);
  if (f.teamId) {
    const teamId = f.teamId;
    q = q.where((eb) => eb.exists(eb.selectFrom('volunteer_team_member as m').select(sql.lit(1).as('one')).whereRef('m.volunteer_id', '=', 'v.id').where('m.team_id', '=', teamId)));
  }
  return q;
}

export async function listVolunteers(db: Executor, f: VolunteerFilter, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    filteredVolunteers(db, f).selectAll('v').orderBy('v.number').limit(page.limit).offset(page.offset).execute(),
    filteredVolunteers(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---------------------------------------------------------------- teams

export function insertTeam(db: Executor, row: TeamRow) {
  return db.insertInto('volunteer_team').values(row).execute();
}

export function getTeam(db: Executor, id: string) {
  return db.selectFrom('volunteer_team').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getTeamsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as TeamRow[]);
  return db.selectFrom('volunteer_team').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function listTeams(db: Executor, paths: readonly string[]) {
  return inSubtrees(db.selectFrom('volunteer_team'), 'org_path', paths).selectAll().orderBy('org_path').orderBy('name').limit(500).execute();
}

export async function updateTeam(db: Executor, id: string, version: number, patch: Partial<TeamRow>): Promise<number> {
  const r = await db
    .updateTable('volunteer_team')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Members of teams with their names and numbers, leaders first. */
export function membersOf(db: Executor, teamIds: readonly string[]) {
  if (teamIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('volunteer_team_member as m')
    .innerJoin('volunteer as v', 'v.id', 'm.volunteer_id')
    .select(['m.team_id', 'm.volunteer_id', 'm.role', 'm.joined_at', 'v.name', 'v.number', 'v.status'])
    .where('m.team_id', 'in', [...new Set(teamIds)])
    .orderBy('m.team_id')
    .orderBy('m.role')
    .orderBy('v.number')
    .execute();
}

/** The teams a volunteer belongs to, with their role in each. */
export function teamsOf(db: Executor, volunteerIds: readonly string[]) {
  if (volunteerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('volunteer_team_member as m')
    .innerJoin('volunteer_team as t', 't.id', 'm.team_id')
    .select(['m.volunteer_id', 'm.role', 't.id', 't.name', 't.kind', 't.org_node_id', 't.active'])
    .where('m.volunteer_id', 'in', [...new Set(volunteerIds)])
    .orderBy('t.name')
    .execute();
}

/** Adds a member or changes their role (upsert on team × volunteer). */
export function upsertMember(db: Executor, row: MemberRow) {
  return db
    .insertInto('volunteer_team_member')
    .values(row)
    .onConflict((oc) => oc.columns(['team_id', 'volunteer_id']).doUpdateSet({ role: row.role }))
    .execute();
}

export async function removeMember(db: Executor, teamId: string, volunteerId: string): Promise<number> {
  const r = await db.deleteFrom('volunteer_team_member').where('team_id', '=', teamId).where('volunteer_id', '=', volunteerId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function membership(db: Executor, teamId: string, volunteerId: string): Promise<{ role: TeamRole } | undefined> {
  return db.selectFrom('volunteer_team_member').select('role').where('team_id', '=', teamId).where('volunteer_id', '=', volunteerId).executeTakeFirst();
}

/** Ids of the active teams a volunteer leads. */
export async function ledTeamIds(db: Executor, volunteerId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('volunteer_team_member as m')
    .innerJoin('volunteer_team as t', 't.id', 'm.team_id')
    .select('m.team_id')
    .where('m.volunteer_id', '=', volunteerId)
    .where('m.role', '=', 'leader')
    .where('t.active', '=', 1)
    .execute();
  return new Set(rows.map((r) => r.team_id));
}

/** User accounts of the leaders of a team (for notifications). */
export async function leaderUserIds(db: Executor, teamId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('volunteer_team_member as m')
    .innerJoin('volunteer as v', 'v.id', 'm.volunteer_id')
    .select('v.user_id')
    .where('m.team_id', '=', teamId)
    .where('m.role', '=', 'leader')
    .where('v.user_id', 'is not', null)
    .execute();
  return rows.map((r) => r.user_id!);
}

// ---------------------------------------------------------------- observations

export function insertObservation(db: Executor, row: ObservationRow) {
  return db.insertInto('volunteer_observation').values(row).execute();
}

export function getObservation(db: Executor, id: string) {
  return db.selectFrom('volunteer_observation').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listObservations(db: Executor, f: { paths?: readonly string[]; volunteerId?: string; status?: ObservationRow['status'] }, page: { limit: number; offset: number }) {
  let q = db.selectFrom('volunteer_observation').selectAll();
  if (f.paths) q = inSubtrees(q, 'org_path', f.paths);
  if (f.volunteerId) q = q.where('volunteer_id', '=', f.volunteerId);
  if (f.status) q = q.where('status', '=', f.status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

/** Marks the observation forwarded as this event, only if no event has it yet: 0 otherwise. */
export async function markForwarded(db: Executor, id: string, patch: { event_id: string; handled_by: string; handled_by_name: string; at: string }): Promise<number> {
  const r = await db
    .updateTable('volunteer_observation')
    .set({ event_id: patch.event_id, status: 'forwarded', handled_by: patch.handled_by, handled_by_name: patch.handled_by_name, handled_at: patch.at, updated_at: patch.at })
    .where('id', '=', id)
    .where('event_id', 'is', null)
    .where('status', '=', 'filed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markDismissed(db: Executor, id: string, patch: { reason: string; handled_by: string; handled_by_name: string; at: string }): Promise<number> {
  const r = await db
    .updateTable('volunteer_observation')
    .set({ status: 'dismissed', dismiss_reason: patch.reason, handled_by: patch.handled_by, handled_by_name: patch.handled_by_name, handled_at: patch.at, updated_at: patch.at })
    .where('id', '=', id)
    .where('status', '=', 'filed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------------------------------------------------------------- platform look-ups

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind', 'code', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export function getNodesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; path: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', 'in', [...new Set(ids)]).execute();
}

/** Enabled community staff granted on a node of this path (the node and those above it). */
export async function staffAbove(db: Executor, path: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .select('u.id')
    .where('g.role', '=', 'community_staff')
    .where('u.disabled', '=', 0)
    .where('g.org_node_id', 'in', path.split('/').filter(Boolean))
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** The enabled account of a registry person, if any (the oldest). */
export function accountOfPerson(db: Executor, personId: string) {
  return db.selectFrom('app_user').select(['id']).where('person_id', '=', personId).where('disabled', '=', 0).orderBy('created_at').limit(1).executeTakeFirst();
}

export function getAttachments(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; owner_user_id: string; purpose: string; mime: string }[]);
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'mime']).where('id', 'in', [...new Set(ids)]).execute();
}
