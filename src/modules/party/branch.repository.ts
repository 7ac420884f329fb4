import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { PartyBranchCommentTable, PartyBranchNoticeTable, PartyBranchPostTable, PartyBranchTaskTable } from './branch.table.js';
import './branch.table.js';
import './organisations.table.js';

/** The only SQL of 网上E支部. */

export type NoticeRow = Selectable<PartyBranchNoticeTable>;
export type PostRow = Selectable<PartyBranchPostTable>;
export type CommentRow = Selectable<PartyBranchCommentTable>;
export type TaskRow = Selectable<PartyBranchTaskTable>;

// ---------------------------------------------------------------- members

/** Active members on the branch's rolls. */
export function branchMembers(db: Executor, branchId: string) {
  return db.selectFrom('party_member').select(['id', 'person_id']).where('org_id', '=', branchId).where('status', '=', 'active').orderBy('joined_on').orderBy('id').execute();
}

export async function memberPeople(db: Executor, memberIds: string[]): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db.selectFrom('party_member').select(['id', 'person_id']).where('id', 'in', [...new Set(memberIds)]).execute();
  return new Map(rows.map((r) => [r.id, r.person_id]));
}

// ---------------------------------------------------------------- notices

export async function insertNotice(db: Executor, row: NoticeRow) {
  await db.insertInto('party_branch_notice').values(row).execute();
}

export function getNotice(db: Executor, id: string) {
  return db.selectFrom('party_branch_notice').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listNotices(db: Executor, orgId: string, all: boolean) {
  let q = db.selectFrom('party_branch_notice').selectAll().where('org_id', '=', orgId);
  if (!all) q = q.where('status', '=', 'published');
  return q.orderBy('pinned', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
}

export async function withdrawNotice(db: Executor, id: string, reason: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('party_branch_notice')
    .set({ status: 'withdrawn', withdraw_reason: reason, updated_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- discussion

export async function insertPost(db: Executor, row: PostRow) {
  await db.insertInto('party_branch_post').values(row).execute();
}

export function getPost(db: Executor, id: string) {
  return db.selectFrom('party_branch_post').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Posts of a branch, latest activity first: visible ones, plus hidden ones for moderators and their authors. */
export function listPosts(db: Executor, orgId: string, see: { hidden: boolean; authorMemberId: string | null }, page: { limit: number; offset: number }) {
  let q = db.selectFrom('party_branch_post').selectAll().where('org_id', '=', orgId);
  if (!see.hidden) {
    q = q.where((eb) => eb.or([eb('status', '=', 'visible'), ...(see.authorMemberId ? [eb('author_member_id', '=', see.authorMemberId)] : [])]));
  }
  return q.orderBy('last_activity_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

export async function countPosts(db: Executor, orgId: string, see: { hidden: boolean; authorMemberId: string | null }): Promise<number> {
  let q = db.selectFrom('party_branch_post').select(sql<number>`count(*)`.as('n')).where('org_id', '=', orgId);
  if (!see.hidden) q = q.where((eb) => eb.or([eb('status', '=', 'visible'), ...(see.authorMemberId ? [eb('author_member_id', '=', see.authorMemberId)] : [])]));
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function hidePost(db: Executor, id: string, by: string, reason: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('party_branch_post')
    .set({ status: 'hidden', hidden_reason: reason, hidden_by: by, hidden_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'visible')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertComment(db: Executor, row: CommentRow) {
  await db.insertInto('party_branch_comment').values(row).execute();
  await db
    .updateTable('party_branch_post')
    .set({ comment_count: sql<number>`comment_count + 1`, last_activity_at: row.created_at, updated_at: row.created_at })
    .where('id', '=', row.post_id)
    .execute();
}

export function commentsOf(db: Executor, postId: string) {
  return db.selectFrom('party_branch_comment').selectAll().where('post_id', '=', postId).where('status', '=', 'visible').orderBy('created_at').orderBy('id').limit(500).execute();
}

// ---------------------------------------------------------------- tasks

export async function insertTask(db: Executor, row: TaskRow, memberIds: string[]) {
  await db.insertInto('party_branch_task').values(row).execute();
  for (let i = 0; i < memberIds.length; i += 200) {
    await db
      .insertInto('party_branch_task_member')
      .values(memberIds.slice(i, i + 200).map((m) => ({ task_id: row.id, member_id: m, status: 'open' as const, done_at: null, note: null })))
      .execute();
  }
}

export function getTask(db: Executor, id: string) {
  return db.selectFrom('party_branch_task').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listTasks(db: Executor, orgId: string, status: 'open' | 'closed' | 'all') {
  let q = db.selectFrom('party_branch_task').selectAll().where('org_id', '=', orgId);
  if (status !== 'all') q = q.where('status', '=', status);
  return q.orderBy('due_on', status === 'closed' ? 'desc' : 'asc').orderBy('id').limit(200).execute();
}

export function assigneesOf(db: Executor, taskId: string) {
  return db
    .selectFrom('party_branch_task_member as a')
    .innerJoin('party_member as m', 'm.id', 'a.member_id')
    .select(['a.member_id', 'a.status', 'a.done_at', 'a.note', 'm.person_id'])
    .where('a.task_id', '=', taskId)
    .orderBy('m.joined_on')
    .orderBy('m.id')
    .execute();
}

/** A member's tasks (of open and closed tasks), due first. */
export function tasksOfMember(db: Executor, memberId: string) {
  return db
    .selectFrom('party_branch_task_member as a')
    .innerJoin('party_branch_task as t', 't.id', 'a.task_id')
    .selectAll('t')
    .select(['a.status as my_status', 'a.done_at as my_done_at', 'a.note as my_note'])
    .where('a.member_id', '=', memberId)
    .orderBy('t.due_on', 'desc')
    .orderBy('t.id')
    .limit(200)
    .execute();
}

/** Marks a member's part done (once); counts it on the task. */
export async function markDone(db: Executor, taskId: string, memberId: string, note: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('party_branch_task_member')
    .set({ status: 'done', done_at: at, note })
    .where('task_id', '=', taskId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db.updateTable('party_branch_task').set({ done_count: sql<number>`done_count + 1`, updated_at: at }).where('id', '=', taskId).execute();
  return true;
}

export async function closeTask(db: Executor, id: string, version: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('party_branch_task')
    .set({ status: 'closed', closed_at: at, updated_at: at, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open parts of open tasks of a branch that are past their day. */
export function overdueOf(db: Executor, orgId: string, today: string) {
  return db
    .selectFrom('party_branch_task_member as a')
    .innerJoin('party_branch_task as t', 't.id', 'a.task_id')
    .innerJoin('party_member as m', 'm.id', 'a.member_id')
    .select(['t.id as task_id', 't.title', 't.due_on', 'a.member_id', 'm.person_id'])
    .where('t.org_id', '=', orgId)
    .where('t.status', '=', 'open')
    .where('a.status', '=', 'open')
    .where('t.due_on', '<', today)
    .orderBy('t.due_on')
    .orderBy('t.id')
    .orderBy('m.joined_on')
    .limit(1000)
    .execute();
}
