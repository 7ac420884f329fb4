import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type {
  ForumCommentTable,
  ForumContentStatus,
  ForumGroupTable,
  ForumPostTable,
  ForumProfileTable,
  ForumReportStatus,
  ForumReportTable,
  SensitiveWordTable,
} from './forum.table.js';
import './forum.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 兴趣社区. */

export type GroupRow = ForumGroupTable;
export type PostRow = ForumPostTable;
export type CommentRow = ForumCommentTable;
export type ReportRow = ForumReportTable;
export type WordRow = SensitiveWordTable;

/** `/a/b/c/` → `/a/`, `/a/b/`, `/a/b/c/`. */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// ── organisation nodes ─────────────────────────────────────────────────────────────────────

export function nodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', 'in', [...new Set(ids)]).execute();
}

export function nodeById(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', '=', id).executeTakeFirst();
}

/** Accounts holding these roles on a node of this path (or above it): who moderates an item. */
export async function usersWithRolesOnPath(db: Executor, path: string, roles: string[]): Promise<string[]> {
  const ids = path.split('/').filter(Boolean);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .select('u.id')
    .where('g.role', 'in', roles as never[])
    .where('g.org_node_id', 'in', ids)
    .where('u.disabled', '=', 0)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

// ── sensitive words ────────────────────────────────────────────────────────────────────────

/** The words that apply to content of a community: the default list and those of the community and above. */
export function wordsApplying(db: Executor, path: string) {
  const up = ancestorPaths(path);
  return db
    .selectFrom('sensitive_word')
    .selectAll()
    .where((eb) => eb.or([eb('scope', '=', '*'), ...(up.length ? [eb('org_path', 'in', up)] : [])]))
    .execute();
}

/** The default list, the words set above the caller's subtrees (which apply to them) and those within. */
export function wordsVisible(db: Executor, scopes: string[]) {
  const above = [...new Set(scopes.flatMap(ancestorPaths))];
  return db
    .selectFrom('sensitive_word')
    .selectAll()
    .where((eb) => eb.or([eb('scope', '=', '*'), ...(above.length ? [eb('org_path', 'in', above)] : []), inAnySubtree(eb, 'org_path', scopes)]))
    .orderBy('level')
    .orderBy('word_key')
    .execute();
}

export function wordById(db: Executor, id: string) {
  return db.selectFrom('sensitive_word').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertWord(db: Executor, row: WordRow) {
  await db.insertInto('sensitive_word').values(row).execute();
}

export async function updateWordLevel(db: Executor, id: string, level: WordRow['level'], at: string) {
  await db.updateTable('sensitive_word').set({ level, updated_at: at }).where('id', '=', id).execute();
}

export async function deleteWord(db: Executor, id: string) {
  await db.deleteFrom('sensitive_word').where('id', '=', id).execute();
}

// ── nicknames ──────────────────────────────────────────────────────────────────────────────

export function profileOf(db: Executor, userId: string) {
  return db.selectFrom('forum_profile').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function profileByKey(db: Executor, communityId: string, key: string) {
  return db.selectFrom('forum_profile').select(['user_id']).where('community_node_id', '=', communityId).where('nickname_key', '=', key).executeTakeFirst();
}

export async function insertProfile(db: Executor, row: ForumProfileTable) {
  await db.insertInto('forum_profile').values(row).execute();
}

export async function updateProfile(db: Executor, userId: string, patch: Pick<ForumProfileTable, 'community_node_id' | 'nickname' | 'nickname_key' | 'person_id' | 'updated_at'>) {
  await db.updateTable('forum_profile').set(patch).where('user_id', '=', userId).execute();
}

export async function nicknamesOf(db: Executor, userIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('forum_profile').select(['user_id', 'nickname']).where('user_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.user_id, r.nickname]));
}

/**
 * Takes the user's profile row lock (PostgreSQL row lock; SQLite's write lock) for the rest of
 * the transaction, so two posts sent at once by one user are counted one after the other.
 */
export async function touchProfile(db: Executor, userId: string, at: string): Promise<boolean> {
  const res = await db.updateTable('forum_profile').set({ last_write_at: at }).where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Posts (or comments) a user wrote since an instant, whatever became of them: deleting does not refill the allowance. */
export async function writtenSince(db: Executor, table: 'forum_post' | 'forum_comment', userId: string, since: string): Promise<{ n: number; oldest: string | null }> {
  const row = await db
    .selectFrom(table)
    .select([sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
    .where('author_user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { n: Number(row.n), oldest: row.oldest };
}

// ── groups and members ─────────────────────────────────────────────────────────────────────

/** Groups of the communities on or under these paths (a resident's grid lies under its community). */
export function groupsNear(db: Executor, places: string[], includeClosed: boolean) {
  const above = [...new Set(places.flatMap(ancestorPaths))];
  let q = db
    .selectFrom('forum_group')
    .selectAll()
    .where((eb) => eb.or([...(above.length ? [eb('org_path', 'in', above)] : []), inAnySubtree(eb, 'org_path', places)]));
  if (!includeClosed) q = q.where('status', '=', 'open');
  return q.orderBy('org_path').orderBy('created_at').orderBy('id').limit(500).execute();
}

export function groupById(db: Executor, id: string) {
  return db.selectFrom('forum_group').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertGroup(db: Executor, row: GroupRow) {
  await db.insertInto('forum_group').values(row).execute();
}

export async function updateGroup(db: Executor, id: string, version: number, patch: Partial<GroupRow>): Promise<boolean> {
  const res = await db.updateTable('forum_group').set(patch).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function memberCounts(db: Executor, groupIds: string[]): Promise<Map<string, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db.selectFrom('forum_member').select(['group_id', sql<number>`count(*)`.as('n')]).where('group_id', 'in', groupIds).groupBy('group_id').execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

export async function publishedPostCounts(db: Executor, groupIds: string[]): Promise<Map<string, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('forum_post')
    .select(['group_id', sql<number>`count(*)`.as('n')])
    .where('group_id', 'in', groupIds)
    .where('status', '=', 'published')
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

export async function joinedGroups(db: Executor, userId: string, groupIds: string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db.selectFrom('forum_member').select('group_id').where('user_id', '=', userId).where('group_id', 'in', groupIds).execute();
  return new Set(rows.map((r) => r.group_id));
}

/** Joins once: a second (or concurrent) join is a no-op. True when this call joined. */
export async function addMember(db: Executor, groupId: string, userId: string, at: string): Promise<boolean> {
  const res = await db
    .insertInto('forum_member')
    .values({ group_id: groupId, user_id: userId, joined_at: at })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function removeMember(db: Executor, groupId: string, userId: string): Promise<boolean> {
  const res = await db.deleteFrom('forum_member').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function isMember(db: Executor, groupId: string, userId: string): Promise<boolean> {
  return !!(await db.selectFrom('forum_member').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst());
}

// ── posts ──────────────────────────────────────────────────────────────────────────────────

export function postById(db: Executor, id: string) {
  return db.selectFrom('forum_post').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertPost(db: Executor, row: PostRow, imageIds: string[]) {
  await db.insertInto('forum_post').values(row).execute();
  if (imageIds.length) await db.insertInto('forum_post_image').values(imageIds.map((attachment_id, position) => ({ post_id: row.id, attachment_id, position }))).execute();
}

export async function replaceImages(db: Executor, postId: string, imageIds: string[]) {
  await db.deleteFrom('forum_post_image').where('post_id', '=', postId).execute();
  if (imageIds.length) await db.insertInto('forum_post_image').values(imageIds.map((attachment_id, position) => ({ post_id: postId, attachment_id, position }))).execute();
}

export async function imagesOf(db: Executor, postIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (postIds.length === 0) return out;
  const rows = await db.selectFrom('forum_post_image').select(['post_id', 'attachment_id']).where('post_id', 'in', postIds).orderBy('post_id').orderBy('position').execute();
  for (const r of rows) out.set(r.post_id, [...(out.get(r.post_id) ?? []), r.attachment_id]);
  return out;
}

/** A group's feed for one reader: published posts, and the reader's own still held for review. */
export function feed(db: Executor, groupId: string, userId: string, page: { limit: number; offset: number }) {
  const base = db
    .selectFrom('forum_post')
    .where('group_id', '=', groupId)
    .where((eb) => eb.or([eb('status', '=', 'published'), eb.and([eb('status', '=', 'pending'), eb('author_user_id', '=', userId)])]));
  return Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
}

/** Changes a post only if it is still in the state the caller saw; true when it did. */
export async function setPostState(db: Executor, id: string, from: ForumContentStatus[], patch: Partial<PostRow>): Promise<boolean> {
  const res = await db.updateTable('forum_post').set(patch).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function updatePostVersioned(db: Executor, id: string, version: number, from: ForumContentStatus[], patch: Partial<PostRow>): Promise<boolean> {
  const res = await db.updateTable('forum_post').set(patch).where('id', '=', id).where('version', '=', version).where('status', 'in', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function publishedCommentCounts(db: Executor, postIds: string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('forum_comment')
    .select(['post_id', sql<number>`count(*)`.as('n')])
    .where('post_id', 'in', postIds)
    .where('status', '=', 'published')
    .groupBy('post_id')
    .execute();
  return new Map(rows.map((r) => [r.post_id, Number(r.n)]));
}

export async function likedPosts(db: Executor, userId: string, postIds: string[]): Promise<Set<string>> {
  if (postIds.length === 0) return new Set();
  const rows = await db.selectFrom('forum_like').select('post_id').where('user_id', '=', userId).where('post_id', 'in', postIds).execute();
  return new Set(rows.map((r) => r.post_id));
}

/**
 * One like per user and post. The primary key decides (also between concurrent requests), and
 * the counter moves by one in the same transaction only when a row was really added or removed.
 */
export async function addLike(db: Executor, postId: string, userId: string, at: string): Promise<boolean> {
  const res = await db
    .insertInto('forum_like')
    .values({ post_id: postId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await db.updateTable('forum_post').set({ like_count: sql`like_count + 1` }).where('id', '=', postId).execute();
  return true;
}

export async function removeLike(db: Executor, postId: string, userId: string): Promise<boolean> {
  const res = await db.deleteFrom('forum_like').where('post_id', '=', postId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) return false;
  await db.updateTable('forum_post').set({ like_count: sql`like_count - 1` }).where('id', '=', postId).execute();
  return true;
}

export async function likeCount(db: Executor, postId: string): Promise<number> {
  const row = await db.selectFrom('forum_post').select('like_count').where('id', '=', postId).executeTakeFirst();
  return Number(row?.like_count ?? 0);
}

// ── comments ───────────────────────────────────────────────────────────────────────────────

export function commentById(db: Executor, id: string) {
  return db.selectFrom('forum_comment').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertComment(db: Executor, row: CommentRow) {
  await db.insertInto('forum_comment').values(row).execute();
}

/** A post's comments for one reader: published ones, and the reader's own that are not deleted. */
export function commentsFor(db: Executor, postId: string, userId: string, page: { limit: number; offset: number }) {
  const base = db
    .selectFrom('forum_comment')
    .where('post_id', '=', postId)
    .where((eb) => eb.or([eb('status', '=', 'published'), eb.and([eb('author_user_id', '=', userId), eb('status', 'in', ['pending', 'rejected', 'hidden'])])]));
  return Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
}

export async function setCommentState(db: Executor, id: string, from: ForumContentStatus[], patch: Partial<CommentRow>): Promise<boolean> {
  const res = await db.updateTable('forum_comment').set(patch).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ── review queue and reports ───────────────────────────────────────────────────────────────

export function pendingPosts(db: Executor, scopes: string[], limit: number) {
  const base = db.selectFrom('forum_post').where('status', '=', 'pending').where((eb) => inAnySubtree(eb, 'org_path', scopes));
  return Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(limit).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
}

export function pendingComments(db: Executor, scopes: string[], limit: number) {
  const base = db.selectFrom('forum_comment').where('status', '=', 'pending').where((eb) => inAnySubtree(eb, 'org_path', scopes));
  return Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(limit).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
}

export function postsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('forum_post').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function commentsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('forum_comment').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function groupsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('forum_group').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

/** Files of the given ids (for checking pictures a post names). */
export function attachmentsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'mime']).where('id', 'in', [...new Set(ids)]).execute();
}

/** Posts that show this picture (for deciding who may open it). */
export function postsWithImage(db: Executor, attachmentId: string) {
  return db
    .selectFrom('forum_post_image as i')
    .innerJoin('forum_post as p', 'p.id', 'i.post_id')
    .innerJoin('forum_group as g', 'g.id', 'p.group_id')
    .select(['p.id', 'p.status', 'p.author_user_id', 'p.org_path', 'g.org_path as group_path'])
    .where('i.attachment_id', '=', attachmentId)
    .execute();
}

/** A report, once per reporter and item; false when this reporter had already reported it. */
export async function insertReport(db: Executor, row: ReportRow): Promise<boolean> {
  const res = await db
    .insertInto('forum_report')
    .values(row)
    .onConflict((oc) => oc.columns(['target_type', 'target_id', 'reporter_user_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function reportById(db: Executor, id: string) {
  return db.selectFrom('forum_report').selectAll().where('id', '=', id).executeTakeFirst();
}

export function reportsIn(db: Executor, scopes: string[], status: ForumReportStatus, page: { limit: number; offset: number }) {
  const base = db.selectFrom('forum_report').where('status', '=', status).where((eb) => inAnySubtree(eb, 'org_path', scopes));
  return Promise.all([
    base.selectAll().orderBy('created_at', status === 'open' ? 'asc' : 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
}

export async function openReportCounts(db: Executor, targetIds: string[]): Promise<Map<string, number>> {
  if (targetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('forum_report')
    .select(['target_id', sql<number>`count(*)`.as('n')])
    .where('target_id', 'in', [...new Set(targetIds)])
    .where('status', '=', 'open')
    .groupBy('target_id')
    .execute();
  return new Map(rows.map((r) => [r.target_id, Number(r.n)]));
}

/** Closes every open report of an item with one outcome; returns the reporters. */
export async function resolveReports(db: Executor, targetType: 'post' | 'comment', targetId: string, outcome: { status: ForumReportStatus; by: string | null; at: string; resolution: string | null }): Promise<string[]> {
  const open = await db.selectFrom('forum_report').select('reporter_user_id').where('target_type', '=', targetType).where('target_id', '=', targetId).where('status', '=', 'open').execute();
  if (open.length === 0) return [];
  await db
    .updateTable('forum_report')
    .set({ status: outcome.status, handled_by: outcome.by, handled_at: outcome.at, resolution: outcome.resolution })
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .where('status', '=', 'open')
    .execute();
  return open.map((r) => r.reporter_user_id);
}
