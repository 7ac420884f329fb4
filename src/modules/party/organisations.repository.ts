import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { LEADING_POSTS } from './party.policy.js';
import type { PartyImportRejectionTable, PartyImportTable, PartyMemberPostTable, PartyMemberTable, PartyOrgTable } from './organisations.table.js';
import './organisations.table.js';
import './transfers.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 党组织与党员 (and the few platform reads it needs: nodes, accounts, grants). */

export type OrgRow = Selectable<PartyOrgTable>;
export type MemberRow = Selectable<PartyMemberTable>;
export type PostRow = Selectable<PartyMemberPostTable>;
export type ImportRow = Selectable<PartyImportTable>;

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `column >= p AND column < p || U+FFFF` for any of the paths (none: nothing). */
export function inPaths<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

// ---------------------------------------------------------------- numbers

/** The next number of a scope, in the caller's transaction (the upsert locks the row: no gaps, no twins). */
export async function nextNumber(db: Executor, scope: string): Promise<number> {
  const row = await db
    .insertInto('party_number_seq')
    .values({ scope, seq: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ seq: sql<number>`party_number_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

// ---------------------------------------------------------------- platform reads

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function nodeNames(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Enabled accounts of these registry people (to tell a member, or a secretary, something). */
export async function accountsOfPeople(db: Executor, personIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (personIds.length === 0) return out;
  const rows = await db.selectFrom('app_user').select(['id', 'person_id']).where('person_id', 'in', [...new Set(personIds)]).where('disabled', '=', 0).execute();
  for (const r of rows) out.set(r.person_id!, [...(out.get(r.person_id!) ?? []), r.id]);
  return out;
}

/** Users granted one of these roles on a node at or above `path` (the committee's secretaries of an area). */
export async function grantHoldersAbove(db: Executor, path: string, roles: string[]): Promise<string[]> {
  const nodeIds = path.split('/').filter(Boolean);
  if (nodeIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .select('g.user_id')
    .where('g.org_node_id', 'in', nodeIds)
    .where('g.role', 'in', roles as never)
    .where('u.disabled', '=', 0)
    .execute();
  return [...new Set(rows.map((r) => r.user_id))];
}

export function getAttachment(db: Executor, id: string) {
  return db.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---------------------------------------------------------------- organisations

export function getOrg(db: Executor, id: string) {
  return db.selectFrom('party_org').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getOrgs(db: Executor, ids: string[]): Promise<Map<string, OrgRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('party_org').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Organisations attached to nodes in these subtrees, or lying under these party paths. */
export function listOrgs(db: Executor, where: { nodePaths: string[]; partyPaths: string[] }) {
  let q = db.selectFrom('party_org').selectAll().where('status', '=', 'active');
  q = q.where((eb) =>
    eb.or([
      ...where.nodePaths.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))])),
      ...where.partyPaths.map((p) => eb.and([eb('path', '>=', p), eb('path', '<', prefixEnd(p))])),
      sql<boolean>`1 = 0`,
    ]),
  );
  return q.orderBy('path').execute();
}

/** An organisation and everything under it. */
export function orgSubtree(db: Executor, partyPath: string) {
  return db.selectFrom('party_org').selectAll().where('path', '>=', partyPath).where('path', '<', prefixEnd(partyPath)).where('status', '=', 'active').orderBy('path').execute();
}

/** The organisations above one (party-path ids), top first. */
export async function ancestors(db: Executor, partyPath: string): Promise<OrgRow[]> {
  const ids = partyPath.split('/').filter(Boolean);
  const map = await getOrgs(db, ids);
  return ids.map((id) => map.get(id)).filter((o): o is OrgRow => !!o);
}

export async function insertOrg(db: Executor, row: OrgRow) {
  await db.insertInto('party_org').values(row).execute();
}

export async function updateOrg(db: Executor, id: string, version: number, set: Partial<OrgRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_org')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Active members per organisation: on the rolls of it or of anything under it; a group counts those assigned to it. */
export async function memberCounts(db: Executor, orgs: Pick<OrgRow, 'id' | 'path' | 'kind'>[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orgs.length === 0) return out;
  const groups = orgs.filter((o) => o.kind === 'group').map((o) => o.id);
  const others = orgs.filter((o) => o.kind !== 'group');
  const rows = await db
    .selectFrom('party_member')
    .select(['party_path', 'group_id', sql<number>`count(*)`.as('n')])
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...others.map((o) => eb.and([eb('party_path', '>=', o.path), eb('party_path', '<', prefixEnd(o.path))])),
        ...(groups.length ? [eb('group_id', 'in', groups)] : []),
        sql<boolean>`1 = 0`,
      ]),
    )
    .groupBy(['party_path', 'group_id'])
    .execute();
  for (const o of orgs) {
    let n = 0;
    for (const r of rows) if (o.kind === 'group' ? r.group_id === o.id : r.party_path.startsWith(o.path)) n += Number(r.n);
    out.set(o.id, n);
  }
  return out;
}

// ---------------------------------------------------------------- members

export function getMember(db: Executor, id: string) {
  return db.selectFrom('party_member').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getMembers(db: Executor, ids: string[]): Promise<Map<string, MemberRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('party_member').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export function memberOfPerson(db: Executor, personId: string) {
  return db.selectFrom('party_member').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

export async function membersOfPeople(db: Executor, personIds: string[]): Promise<Map<string, MemberRow>> {
  const out = new Map<string, MemberRow>();
  for (let i = 0; i < personIds.length; i += 1000) {
    const rows = await db.selectFrom('party_member').selectAll().where('person_id', 'in', personIds.slice(i, i + 1000)).execute();
    for (const r of rows) out.set(r.person_id, r);
  }
  return out;
}

export interface MemberFilter {
  /** Org-node subtrees (staff grants) or party paths (what the caller leads). */
  nodePaths: string[];
  partyPaths: string[];
  /** Within this organisation's subtree (party path). */
  under?: string;
  groupId?: string;
  category?: string;
  mobile?: boolean;
  status?: string;
  personIds?: string[];
}

function memberWhere(db: Executor, f: MemberFilter) {
  let q = db.selectFrom('party_member');
  q = q.where((eb) =>
    eb.or([
      ...f.nodePaths.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))])),
      ...f.partyPaths.map((p) => eb.and([eb('party_path', '>=', p), eb('party_path', '<', prefixEnd(p))])),
      sql<boolean>`1 = 0`,
    ]),
  );
  if (f.under) q = q.where('party_path', '>=', f.under).where('party_path', '<', prefixEnd(f.under));
  if (f.groupId) q = q.where('group_id', '=', f.groupId);
  if (f.category) q = q.where('category', '=', f.category as never);
  if (f.mobile) q = q.where('is_mobile', '=', 1);
  if (f.status && f.status !== 'all') q = q.where('status', '=', f.status as never);
  if (f.personIds) q = f.personIds.length ? q.where('person_id', 'in', f.personIds) : q.where(sql<boolean>`1 = 0`);
  return q;
}

export function listMembers(db: Executor, f: MemberFilter, page: { limit: number; offset: number }) {
  return memberWhere(db, f).selectAll().orderBy('party_path').orderBy('joined_on').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countMembers(db: Executor, f: MemberFilter): Promise<number> {
  const r = await memberWhere(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Active members on the rolls of a branch (or of a group of it). */
export function activeMembersOf(db: Executor, where: { branchId?: string; groupId?: string }) {
  let q = db.selectFrom('party_member').selectAll().where('status', '=', 'active');
  if (where.branchId) q = q.where('org_id', '=', where.branchId);
  if (where.groupId) q = q.where('group_id', '=', where.groupId);
  return q.orderBy('joined_on').orderBy('id').execute();
}

export async function insertMember(db: Executor, row: MemberRow) {
  await db.insertInto('party_member').values(row).execute();
}

export async function updateMember(db: Executor, id: string, version: number, set: Partial<MemberRow>): Promise<boolean> {
  const r = await db
    .updateTable('party_member')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A person's relation transfers, newest first (for their record). */
export function transfersOfPerson(db: Executor, personId: string) {
  return db
    .selectFrom('party_transfer')
    .select(['id', 'direction', 'state', 'from_org_name', 'to_org_name', 'started_at', 'closed_at'])
    .where('person_id', '=', personId)
    .orderBy('started_at', 'desc')
    .execute();
}

// ---------------------------------------------------------------- posts

export function postsOf(db: Executor, memberIds: string[], opts: { current: boolean }) {
  if (memberIds.length === 0) return Promise.resolve([] as PostRow[]);
  let q = db.selectFrom('party_member_post').selectAll().where('member_id', 'in', [...new Set(memberIds)]);
  q = opts.current ? q.where('to_on', 'is', null) : q.where('to_on', 'is not', null);
  return q.orderBy('from_on').orderBy('id').execute();
}

/** Current posts held in these organisations, with the holder's person and member. */
export function postsIn(db: Executor, orgIds: string[], posts?: readonly string[]) {
  if (orgIds.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom('party_member_post as p')
    .innerJoin('party_member as m', 'm.id', 'p.member_id')
    .select(['p.id', 'p.org_id', 'p.post', 'p.from_on', 'p.member_id', 'm.person_id'])
    .where('p.org_id', 'in', [...new Set(orgIds)])
    .where('p.to_on', 'is', null)
    .where('m.status', '=', 'active');
  if (posts) q = q.where('p.post', 'in', [...posts]);
  return q.orderBy('p.org_id').orderBy('p.from_on').execute();
}

/** Party paths of the organisations whose 书记/副书记 this person is now. */
export async function ledPaths(db: Executor, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('party_member_post as p')
    .innerJoin('party_member as m', 'm.id', 'p.member_id')
    .innerJoin('party_org as o', 'o.id', 'p.org_id')
    .select('o.path')
    .where('m.person_id', '=', personId)
    .where('m.status', '=', 'active')
    .where('p.to_on', 'is', null)
    .where('p.post', 'in', [...LEADING_POSTS])
    .where('o.status', '=', 'active')
    .execute();
  return [...new Set(rows.map((r) => r.path))].sort();
}

export async function insertPosts(db: Executor, rows: PostRow[]) {
  if (rows.length) await db.insertInto('party_member_post').values(rows).execute();
}

export async function endPosts(db: Executor, ids: string[], toOn: string) {
  if (ids.length) await db.updateTable('party_member_post').set({ to_on: toOn }).where('id', 'in', ids).where('to_on', 'is', null).execute();
}

// ---------------------------------------------------------------- imports

export async function insertImport(db: Executor, row: ImportRow) {
  await db.insertInto('party_import').values(row).execute();
}

export function getImport(db: Executor, id: string) {
  return db.selectFrom('party_import').selectAll().where('id', '=', id).executeTakeFirst();
}

export function importsOf(db: Executor, userId: string, limit: number) {
  return db.selectFrom('party_import').selectAll().where('created_by', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Takes the import for one run: queued, or running with a heartbeat older than `staleBefore`. */
export async function claimImport(db: Executor, id: string, runner: string, now: string, staleBefore: string): Promise<ImportRow | undefined> {
  const r = await db
    .updateTable('party_import')
    .set({ status: 'running', runner, heartbeat_at: now, started_at: sql<string>`coalesce(started_at, ${now})` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return getImport(db, id);
}

/** Moves the import on by one committed chunk, if this runner still holds it. */
export async function advanceImport(
  db: Executor,
  id: string,
  runner: string,
  add: { processed: number; created: number; updated: number; unchanged: number; rejected: number },
  set: { last_row: number; heartbeat_at: string; total_rows?: number | null },
): Promise<boolean> {
  const r = await db
    .updateTable('party_import')
    .set({
      ...set,
      processed_rows: sql<number>`processed_rows + ${add.processed}`,
      created: sql<number>`created + ${add.created}`,
      updated: sql<number>`updated + ${add.updated}`,
      unchanged: sql<number>`unchanged + ${add.unchanged}`,
      rejected: sql<number>`rejected + ${add.rejected}`,
    })
    .where('id', '=', id)
    .where('runner', '=', runner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function finishImport(db: Executor, id: string, runner: string, status: 'done' | 'failed', error: string | null, at: string) {
  await db.updateTable('party_import').set({ status, error, finished_at: at, heartbeat_at: at }).where('id', '=', id).where('runner', '=', runner).execute();
}

export async function insertRejections(db: Executor, rows: PartyImportRejectionTable[]) {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('party_import_rejection').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
}

export function rejectionsOf(db: Executor, importId: string, page: { limit: number; afterRow?: number }) {
  return db
    .selectFrom('party_import_rejection')
    .selectAll()
    .where('import_id', '=', importId)
    .where('row_number', '>', page.afterRow ?? 0)
    .orderBy('row_number')
    .limit(page.limit)
    .execute();
}
