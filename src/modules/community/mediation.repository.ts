import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Role } from '../../platform/policy/roles.js';
import './mediation.table.js';
import type {
  MediationAgreementTable,
  MediationCaseTable,
  MediationMemberRole,
  MediationMemberTable,
  MediationPartyTable,
  MediationSessionTable,
  MediationStatus,
  MediationStepTable,
} from './mediation.table.js';

/**
 * The only SQL of 纠纷调解. Every list starts from `mediation_member` (the caller's own cases)
 * or from `mediation_party` (a resident's): no query here lists cases by subtree, except the
 * committee's counts, which return numbers only.
 */

export type CaseRow = MediationCaseTable;

/** The next number of a community's year, in the caller's transaction (the row lock serialises writers). */
export async function nextNumberSeq(db: Executor, scope: string): Promise<number> {
  const row = await db
    .insertInto('mediation_number_seq')
    .values({ scope, seq: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ seq: sql<number>`mediation_number_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export async function insertCase(db: Executor, row: CaseRow) {
  await db.insertInto('mediation_case').values(row).execute();
}

export function getCase(db: Executor, id: string) {
  return db.selectFrom('mediation_case').selectAll().where('id', '=', id).executeTakeFirst();
}

export function caseOfEvent(db: Executor, eventId: string) {
  return db.selectFrom('mediation_case').select(['id', 'number']).where('source_event_id', '=', eventId).executeTakeFirst();
}

/** Changes a case only at the version the caller saw; returns whether it did (0 rows: someone was first). */
export async function updateCaseIf(db: Executor, id: string, version: number, patch: Partial<CaseRow>): Promise<boolean> {
  const res = await db
    .updateTable('mediation_case')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---- members (who sees the case) ----

export async function memberRoles(db: Executor, caseId: string, userId: string): Promise<MediationMemberRole[]> {
  const rows = await db.selectFrom('mediation_member').select('role').where('case_id', '=', caseId).where('user_id', '=', userId).where('removed_at', 'is', null).execute();
  return rows.map((r) => r.role);
}

export async function rolesOfUserIn(db: Executor, userId: string, caseIds: string[]): Promise<Map<string, MediationMemberRole[]>> {
  const out = new Map<string, MediationMemberRole[]>();
  if (caseIds.length === 0) return out;
  const rows = await db.selectFrom('mediation_member').select(['case_id', 'role']).where('user_id', '=', userId).where('case_id', 'in', caseIds).where('removed_at', 'is', null).execute();
  for (const r of rows) out.set(r.case_id, [...(out.get(r.case_id) ?? []), r.role]);
  return out;
}

export function activeMembers(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return Promise.resolve([] as (MediationMemberTable & { display_name: string })[]);
  return db
    .selectFrom('mediation_member as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .selectAll('m')
    .select('u.display_name')
    .where('m.case_id', 'in', caseIds)
    .where('m.removed_at', 'is', null)
    .orderBy('m.added_at')
    .execute();
}

/** Adds a member, or brings back one taken off earlier (same case, user and role). */
export async function addMember(db: Executor, row: MediationMemberTable) {
  await db
    .insertInto('mediation_member')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'user_id', 'role']).doUpdateSet({ removed_at: null, added_by: row.added_by, added_at: row.added_at }))
    .execute();
}

export async function removeMediators(db: Executor, caseId: string, keep: { lead: string; helpers: string[] }, at: string) {
  await db
    .updateTable('mediation_member')
    .set({ removed_at: at })
    .where('case_id', '=', caseId)
    .where('removed_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('role', '=', 'lead'), eb('user_id', '!=', keep.lead)]),
        keep.helpers.length ? eb.and([eb('role', '=', 'helper'), eb('user_id', 'not in', keep.helpers)]) : eb('role', '=', 'helper'),
      ]),
    )
    .execute();
}

export interface CaseFilter {
  status?: MediationStatus;
  open?: boolean;
}

function memberCases(db: Executor, userId: string, f: CaseFilter) {
  let q = db
    .selectFrom('mediation_case')
    .where('id', 'in', (eb) => eb.selectFrom('mediation_member').select('case_id').where('user_id', '=', userId).where('removed_at', 'is', null));
  if (f.status) q = q.where('status', '=', f.status);
  if (f.open !== undefined) q = f.open ? q.where('status', '!=', 'closed') : q.where('status', '=', 'closed');
  return q;
}

/** The caller's own cases (as registrar, assigner or mediator), newest first. */
export async function listMemberCases(db: Executor, userId: string, f: CaseFilter, page: { limit: number; offset: number }) {
  const base = memberCases(db, userId, f);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('accepted_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---- parties ----

export function activeParties(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return Promise.resolve([] as MediationPartyTable[]);
  return db.selectFrom('mediation_party').selectAll().where('case_id', 'in', caseIds).where('removed_at', 'is', null).orderBy('side').orderBy('added_at').orderBy('id').execute();
}

export function getParty(db: Executor, caseId: string, partyId: string) {
  return db.selectFrom('mediation_party').selectAll().where('id', '=', partyId).where('case_id', '=', caseId).where('removed_at', 'is', null).executeTakeFirst();
}

export async function insertParty(db: Executor, row: MediationPartyTable) {
  await db.insertInto('mediation_party').values(row).execute();
}

export async function removeParty(db: Executor, partyId: string, at: string) {
  await db.updateTable('mediation_party').set({ removed_at: at }).where('id', '=', partyId).execute();
}

/** Cases where this registry person is an active party, newest first. */
export function casesOfPerson(db: Executor, personId: string) {
  return db
    .selectFrom('mediation_case as c')
    .innerJoin('mediation_party as p', 'p.case_id', 'c.id')
    .selectAll('c')
    .select('p.side as my_side')
    .where('p.person_id', '=', personId)
    .where('p.removed_at', 'is', null)
    .orderBy('c.accepted_at', 'desc')
    .limit(100)
    .execute();
}

/** Which of these people have an enabled account (a party who can follow the case on the phone). */
export async function peopleWithAccounts(db: Executor, personIds: string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'person_id']).where('person_id', 'in', personIds).where('disabled', '=', 0).orderBy('created_at').execute();
  const out = new Map<string, string>();
  for (const r of rows) if (r.person_id && !out.has(r.person_id)) out.set(r.person_id, r.id);
  return out;
}

// ---- sessions, agreement, history, attachments ----

export function sessionsOf(db: Executor, caseId: string) {
  return db.selectFrom('mediation_session').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

export async function insertSession(db: Executor, row: Omit<MediationSessionTable, 'seq'>): Promise<number> {
  const last = await db.selectFrom('mediation_session').select((eb) => eb.fn.max('seq').as('m')).where('case_id', '=', row.case_id).executeTakeFirst();
  const seq = Number(last?.m ?? 0) + 1;
  await db.insertInto('mediation_session').values({ ...row, seq }).execute();
  return seq;
}

export function agreementOf(db: Executor, caseId: string) {
  return db.selectFrom('mediation_agreement').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

export async function upsertAgreement(db: Executor, row: MediationAgreementTable) {
  const { case_id: _id, created_at: _c, ...rest } = row;
  await db
    .insertInto('mediation_agreement')
    .values(row)
    .onConflict((oc) => oc.column('case_id').doUpdateSet(rest))
    .execute();
}

export async function updateAgreement(db: Executor, caseId: string, patch: Partial<MediationAgreementTable>) {
  await db.updateTable('mediation_agreement').set(patch).where('case_id', '=', caseId).execute();
}

export async function insertStep(db: Executor, row: MediationStepTable) {
  await db.insertInto('mediation_step').values(row).execute();
}

export function stepsOf(db: Executor, caseId: string) {
  return db.selectFrom('mediation_step').selectAll().where('case_id', '=', caseId).orderBy('version').execute();
}

export function attachmentsOf(db: Executor, caseId: string) {
  return db
    .selectFrom('mediation_attachment as ma')
    .innerJoin('attachment as a', 'a.id', 'ma.attachment_id')
    .select(['a.id', 'a.original_name', 'a.mime', 'a.purpose', 'a.org_node_id', 'a.owner_user_id'])
    .where('ma.case_id', '=', caseId)
    .orderBy('ma.added_at')
    .execute();
}

export async function linkAttachment(db: Executor, row: { case_id: string; attachment_id: string; added_by: string; added_at: string }) {
  await db
    .insertInto('mediation_attachment')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'attachment_id']).doNothing())
    .execute();
}

export async function casesOfAttachment(db: Executor, attachmentId: string): Promise<string[]> {
  const rows = await db.selectFrom('mediation_attachment').select('case_id').where('attachment_id', '=', attachmentId).execute();
  return rows.map((r) => r.case_id);
}

export function getAttachment(db: Executor, id: string) {
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'org_node_id']).where('id', '=', id).executeTakeFirst();
}

// ---- the committee's counts (numbers only) ----

export async function countsUnder(db: Executor, path: string) {
  return db
    .selectFrom('mediation_case')
    .select(['status', 'category', 'outcome', sql<number>`count(*)`.as('n')])
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path))
    .groupBy(['status', 'category', 'outcome'])
    .execute();
}

// ---- organisation and accounts ----

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', '=', id).executeTakeFirst();
}

export function getNodes(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; path: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', 'in', ids).execute();
}

/**
 * Staff who may mediate in a community: enabled accounts holding one of `roles` on a node of
 * its subtree (the community itself or one of its grids).
 */
export function mediatorCandidates(db: Executor, communityPath: string, roles: Role[]) {
  return db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .innerJoin('org_node as n', 'n.id', 'g.org_node_id')
    .select(['u.id as user_id', 'u.display_name', 'g.role', 'n.name as node_name', 'n.path'])
    .where('g.role', 'in', roles)
    .where('u.disabled', '=', 0)
    .where('n.path', '>=', communityPath)
    .where('n.path', '<', prefixEnd(communityPath))
    .orderBy('n.path')
    .orderBy('u.username')
    .execute();
}

export function userNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; display_name: string }[]);
  return db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', ids).execute();
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
