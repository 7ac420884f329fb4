import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { Executor } from '../../platform/db/database.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { sensitiveWordsIn } from '../community/community.facts.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { audit, beijingDay } from './party.common.js';
import { canReadOrg, canRunOrg, leads } from './party.policy.js';
import { leadershipOf, loadOrg, myMember } from './organisations.service.js';
import { accountsOfPeople, getOrgs, nodeNames, postsIn, type MemberRow, type OrgRow } from './organisations.repository.js';
import { LEADING_POSTS } from './party.policy.js';
import * as repo from './branch.repository.js';

/**
 * 网上E支部, per branch (党支部):
 *
 * - **Notices (支部通知)**: whoever runs the branch (staff with `party.manage` on its community,
 *   its 书记/副书记 or those of an organisation above, by post) publishes; members of the branch
 *   and whoever reads it (`party.read`, leaders) see them; members are told in their inbox.
 * - **Discussion (讨论)**: posts and comments in plain text, rendered as text. Only the branch's
 *   own active members and the secretaries who lead it (by post) read and write it; staff
 *   grants do not open it, a member of another branch is told it does not exist. A leader may
 *   hide a post (with a reason); its author still sees it, marked.
 * - **Tasks (任务)**: given by those who run the branch to all or some of its members with a due
 *   day; a member marks their part done with a note; the overdue list shows who is late.
 */

addMessages({
  'error.BRANCH_NOT_FOUND': { 'zh-CN': '党支部不存在或您无权查看', en: 'No such branch, or it is not yours to see' },
  'error.BRANCH_NOT_A_BRANCH': { 'zh-CN': '网上E支部只设在党支部（所选组织不是党支部）', en: 'The online branch belongs to a branch (党支部); this organisation is not one' },
  'error.BRANCH_NOTICE_NOT_FOUND': { 'zh-CN': '支部通知不存在', en: 'No such branch notice' },
  'error.BRANCH_NOTICE_WITHDRAWN': { 'zh-CN': '该通知已撤回', en: 'This notice was already withdrawn' },
  'error.BRANCH_POST_NOT_FOUND': { 'zh-CN': '帖子不存在', en: 'No such post' },
  'error.BRANCH_POST_HIDDEN': { 'zh-CN': '该帖子已被隐藏，不能再评论', en: 'This post is hidden; it takes no more comments' },
  'error.BRANCH_WORD_BLOCKED': { 'zh-CN': '内容含有禁用词“{words}”，请修改后再发布', en: 'The text contains a forbidden word: {words}. Change it and try again' },
  'error.BRANCH_TASK_NOT_FOUND': { 'zh-CN': '任务不存在', en: 'No such task' },
  'error.BRANCH_TASK_STALE': { 'zh-CN': '任务刚被他人修改，请刷新后重试', en: 'Someone else just changed this task; reload and try again' },
  'error.BRANCH_TASK_CLOSED': { 'zh-CN': '任务已结束', en: 'This task is closed' },
  'error.BRANCH_TASK_NOT_YOURS': { 'zh-CN': '这项任务没有布置给您', en: 'This task was not given to you' },
  'error.BRANCH_TASK_DONE': { 'zh-CN': '您已完成这项任务', en: 'You have already done this task' },
  'error.BRANCH_TASK_DUE_PAST': { 'zh-CN': '完成期限不能早于今天', en: 'The due day cannot be before today' },
  'error.BRANCH_MEMBERS_OUTSIDE': { 'zh-CN': '所选党员中有 {count} 人不在本支部名册内', en: '{count} of the chosen members are not on this branch’s rolls' },
  'error.BRANCH_NO_MEMBERS': { 'zh-CN': '本支部没有在册党员', en: 'This branch has no active members' },
});

export interface BranchAccess {
  branch: OrgRow;
  me: MemberRow | undefined;
  /** On the branch's rolls. */
  member: boolean;
  /** Reads notices and tasks: members, and those who oversee it. */
  read: boolean;
  /** Oversees the branch (`party.read` grants on its community, or leads it by post): task lists by member, the overdue list. */
  oversee: boolean;
  /** Publishes notices, gives and closes tasks. */
  run: boolean;
  /** Reads and writes the discussion: members and the secretaries who lead the branch. */
  discuss: boolean;
  /** Hides posts: the secretaries who lead the branch. */
  moderate: boolean;
}

/** What the actor may do in a branch; a branch they have nothing to do with does not exist for them. */
export async function accessTo(ctx: PlatformContext, actor: Actor, branchId: string): Promise<BranchAccess> {
  let branch: OrgRow;
  try {
    branch = await loadOrg(ctx, branchId);
  } catch {
    throw notFound('BRANCH_NOT_FOUND');
  }
  const [me, led] = await Promise.all([myMember(ctx, actor), leadershipOf(ctx, actor)]);
  const member = me?.org_id === branch.id;
  const leader = leads(led, branch);
  const oversee = canReadOrg(actor, led, branch);
  const run = canRunOrg(actor, led, branch);
  const a: BranchAccess = { branch, me, member, read: member || oversee || run, oversee: oversee || run, run, discuss: member || leader, moderate: leader };
  if (!a.read && !a.run && !a.discuss) throw notFound('BRANCH_NOT_FOUND');
  if (branch.kind !== 'branch') throw badRequest('BRANCH_NOT_A_BRANCH');
  return a;
}

async function names(ctx: PlatformContext, personIds: string[]): Promise<Map<string, string>> {
  return new Map((await peopleBriefs(ctx.db.kysely, [...new Set(personIds)])).map((b) => [b.personId, b.name]));
}

async function presentAccess(ctx: PlatformContext, a: BranchAccess) {
  const db = ctx.db.kysely;
  const [members, nodes] = await Promise.all([repo.branchMembers(db, a.branch.id), nodeNames(db, [a.branch.org_node_id])]);
  return {
    branch: { id: a.branch.id, name: a.branch.name, orgNodeName: nodes.get(a.branch.org_node_id) ?? null, memberCount: members.length },
    abilities: { member: a.member, read: a.read, oversee: a.oversee, run: a.run, discuss: a.discuss, moderate: a.moderate },
  };
}

export async function getBranch(ctx: PlatformContext, actor: Actor, branchId: string) {
  return presentAccess(ctx, await accessTo(ctx, actor, branchId));
}

async function tellMembers(ctx: PlatformContext, trx: Parameters<typeof notify>[0], memberPersonIds: string[], input: { kind: string; title: string; body: string }) {
  const accounts = await accountsOfPeople(trx, memberPersonIds);
  await notify(trx, { recipients: [...accounts.values()].flat(), ...input, link: '/m/party/branch', at: ctx.now() });
}

// ---------------------------------------------------------------- my branch

/** 我的支部: the branch I am on the rolls of, what I may do there, my open and overdue tasks. */
export async function myBranch(ctx: PlatformContext, actor: Actor) {
  const me = await myMember(ctx, actor);
  if (!me) throw forbidden('PARTY_NOT_A_MEMBER');
  const a = await accessTo(ctx, actor, me.org_id);
  const view = await presentAccess(ctx, a);
  const tasks = await repo.tasksOfMember(ctx.db.kysely, me.id);
  const today = beijingDay(ctx.now());
  const open = tasks.filter((t) => t.status === 'open' && t.my_status === 'open');
  return { branch: view.branch, abilities: { run: a.run, moderate: a.moderate }, openTasks: open.length, overdueTasks: open.filter((t) => t.due_on < today).length };
}

// ---------------------------------------------------------------- notices

function presentNotice(n: repo.NoticeRow) {
  return { id: n.id, orgId: n.org_id, title: n.title, body: n.body, pinned: n.pinned === 1, status: n.status, withdrawReason: n.withdraw_reason, createdByName: n.created_by_name, createdAt: n.created_at };
}

export async function listNotices(ctx: PlatformContext, actor: Actor, branchId: string, q: { status: 'published' | 'all' }) {
  const a = await accessTo(ctx, actor, branchId);
  if (!a.read) throw notFound('BRANCH_NOT_FOUND');
  const rows = await repo.listNotices(ctx.db.kysely, a.branch.id, q.status === 'all' && a.run);
  return { items: rows.map(presentNotice) };
}

export async function createNotice(ctx: PlatformContext, actor: Actor, branchId: string, input: { title: string; body: string; pinned: boolean }, meta: RequestMeta) {
  const a = await accessTo(ctx, actor, branchId);
  if (!a.run) throw forbidden();
  const at = ctx.now().toISOString();
  const row: repo.NoticeRow = {
    id: newId(),
    org_id: a.branch.id,
    party_path: a.branch.path,
    org_path: a.branch.org_path,
    title: input.title,
    body: input.body,
    pinned: input.pinned ? 1 : 0,
    status: 'published',
    withdraw_reason: null,
    created_by: actor.userId,
    created_by_name: actor.displayName,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const members = await repo.branchMembers(ctx.db.kysely, a.branch.id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertNotice(trx, row);
    await tellMembers(ctx, trx, members.map((m) => m.person_id), { kind: 'party.branch.notice', title: `支部通知：${row.title}`, body: row.body.slice(0, 200) });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.notice.create', targetType: 'party_branch_notice', targetId: row.id, orgNodeId: a.branch.org_node_id, details: { branch: a.branch.name, title: row.title } }), trx);
  });
  return presentNotice(row);
}

export async function withdrawNotice(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const n = await repo.getNotice(ctx.db.kysely, id);
  if (!n) throw notFound('BRANCH_NOTICE_NOT_FOUND');
  const a = await accessTo(ctx, actor, n.org_id).catch(() => {
    throw notFound('BRANCH_NOTICE_NOT_FOUND');
  });
  if (!a.run) throw a.read ? forbidden() : notFound('BRANCH_NOTICE_NOT_FOUND');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.withdrawNotice(trx, id, input.reason, ctx.now().toISOString()))) throw conflict('BRANCH_NOTICE_WITHDRAWN');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.notice.withdraw', targetType: 'party_branch_notice', targetId: id, orgNodeId: a.branch.org_node_id, details: { reason: input.reason } }), trx);
  });
  return presentNotice((await repo.getNotice(ctx.db.kysely, id))!);
}

// ---------------------------------------------------------------- discussion

async function presentPosts(ctx: PlatformContext, a: BranchAccess, rows: repo.PostRow[]) {
  const people = await repo.memberPeople(ctx.db.kysely, rows.map((r) => r.author_member_id));
  const nameOf = await names(ctx, [...people.values()]);
  return rows.map((p) => ({
    id: p.id,
    orgId: p.org_id,
    authorName: nameOf.get(people.get(p.author_member_id) ?? '') ?? '',
    body: p.body,
    mine: p.author_member_id === a.me?.id,
    hidden: p.status === 'hidden',
    hiddenReason: p.hidden_reason,
    commentCount: p.comment_count,
    lastActivityAt: p.last_activity_at,
    createdAt: p.created_at,
  }));
}

function discussing(a: BranchAccess) {
  if (!a.discuss) throw notFound('BRANCH_NOT_FOUND');
  return a;
}

/** The member row the actor writes as: their own (members and leaders are all on some rolls). */
function author(a: BranchAccess): MemberRow {
  if (!a.me) throw forbidden('PARTY_NOT_A_MEMBER');
  return a.me;
}

export async function listPosts(ctx: PlatformContext, actor: Actor, branchId: string, q: { page: number; pageSize: number }) {
  const a = discussing(await accessTo(ctx, actor, branchId));
  const see = { hidden: a.moderate, authorMemberId: a.me?.id ?? null };
  const db = ctx.db.kysely;
  const [rows, total] = await Promise.all([repo.listPosts(db, a.branch.id, see, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), repo.countPosts(db, a.branch.id, see)]);
  return { items: await presentPosts(ctx, a, rows), total, page: q.page, pageSize: q.pageSize, canModerate: a.moderate };
}

/**
 * The community's sensitive words (the forum's list, community.facts): a block-level word refuses
 * the text with 422 naming it (the attempt audited, without the text); review-level words are
 * returned, and the branch's secretaries are told to look (they may hide the post).
 */
async function screen(ctx: PlatformContext, actor: Actor, meta: RequestMeta, a: BranchAccess, body: string, what: 'post' | 'comment'): Promise<string[]> {
  const found = await sensitiveWordsIn(ctx.db.kysely, a.branch.org_path, [body]);
  if (found.block.length) {
    await appendAudit(ctx.db, audit(actor, meta, { action: `party.branch.${what}.blocked`, outcome: 'denied', targetType: 'party_org', targetId: a.branch.id, orgNodeId: a.branch.org_node_id, details: { words: found.block } }));
    throw new AppError(422, 'BRANCH_WORD_BLOCKED', { words: found.block.join('、') }, { words: found.block });
  }
  return found.review;
}

/** Tells the branch's secretaries (but the writer) that a post or comment holds review-level words. */
async function askSecretariesToLook(ctx: PlatformContext, trx: Executor, actor: Actor, a: BranchAccess, words: string[], excerpt: string) {
  if (words.length === 0) return;
  const leaders = await postsIn(trx, [a.branch.id], LEADING_POSTS);
  const accounts = await accountsOfPeople(trx, leaders.map((p) => p.person_id));
  const recipients = [...new Set([...accounts.values()].flat())].filter((u) => u !== actor.userId);
  if (recipients.length === 0) return;
  await notify(trx, { recipients, kind: 'party.branch.review', title: `支部讨论区有内容含需审看的词：${words.join('、')}`, body: excerpt.slice(0, 200), link: '/m/party/branch', at: ctx.now() });
}

export async function createPost(ctx: PlatformContext, actor: Actor, branchId: string, input: { body: string }, meta: RequestMeta) {
  const a = discussing(await accessTo(ctx, actor, branchId));
  const me = author(a);
  const reviewWords = await screen(ctx, actor, meta, a, input.body, 'post');
  const at = ctx.now().toISOString();
  const row: repo.PostRow = {
    id: newId(),
    org_id: a.branch.id,
    party_path: a.branch.path,
    author_member_id: me.id,
    author_user_id: actor.userId,
    body: input.body,
    status: 'visible',
    hidden_reason: null,
    hidden_by: null,
    hidden_at: null,
    comment_count: 0,
    last_activity_at: at,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertPost(trx, row);
    await askSecretariesToLook(ctx, trx, actor, a, reviewWords, row.body);
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.post.create', targetType: 'party_branch_post', targetId: row.id, orgNodeId: a.branch.org_node_id, details: { branch: a.branch.name, length: row.body.length, ...(reviewWords.length ? { reviewWords } : {}) } }), trx);
  });
  return (await presentPosts(ctx, a, [row]))[0]!;
}

async function postFor(ctx: PlatformContext, actor: Actor, id: string) {
  const p = await repo.getPost(ctx.db.kysely, id);
  if (!p) throw notFound('BRANCH_POST_NOT_FOUND');
  const a = await accessTo(ctx, actor, p.org_id).catch(() => {
    throw notFound('BRANCH_POST_NOT_FOUND');
  });
  if (!a.discuss) throw notFound('BRANCH_POST_NOT_FOUND');
  if (p.status === 'hidden' && !a.moderate && p.author_member_id !== a.me?.id) throw notFound('BRANCH_POST_NOT_FOUND');
  return { p, a };
}

export async function getPost(ctx: PlatformContext, actor: Actor, id: string) {
  const { p, a } = await postFor(ctx, actor, id);
  const comments = await repo.commentsOf(ctx.db.kysely, p.id);
  const people = await repo.memberPeople(ctx.db.kysely, comments.map((c) => c.author_member_id));
  const nameOf = await names(ctx, [...people.values()]);
  const [view] = await presentPosts(ctx, a, [p]);
  return {
    ...view!,
    canModerate: a.moderate,
    comments: comments.map((c) => ({ id: c.id, authorName: nameOf.get(people.get(c.author_member_id) ?? '') ?? '', body: c.body, mine: c.author_member_id === a.me?.id, createdAt: c.created_at })),
  };
}

export async function addComment(ctx: PlatformContext, actor: Actor, postId: string, input: { body: string }, meta: RequestMeta) {
  const { p, a } = await postFor(ctx, actor, postId);
  if (p.status !== 'visible') throw conflict('BRANCH_POST_HIDDEN');
  const me = author(a);
  const reviewWords = await screen(ctx, actor, meta, a, input.body, 'comment');
  const at = ctx.now().toISOString();
  const row: repo.CommentRow = { id: newId(), post_id: p.id, author_member_id: me.id, author_user_id: actor.userId, body: input.body, status: 'visible', hidden_reason: null, created_at: at };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertComment(trx, row);
    await askSecretariesToLook(ctx, trx, actor, a, reviewWords, row.body);
    if (p.author_user_id !== actor.userId) {
      await notify(trx, { recipients: [p.author_user_id], kind: 'party.branch.comment', title: '您在支部讨论区的帖子有新回复', body: row.body.slice(0, 200), link: '/m/party/branch', at: ctx.now() });
    }
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.comment.create', targetType: 'party_branch_post', targetId: p.id, orgNodeId: a.branch.org_node_id, details: { comment: row.id, length: row.body.length, ...(reviewWords.length ? { reviewWords } : {}) } }), trx);
  });
  return getPost(ctx, actor, p.id);
}

export async function hidePost(ctx: PlatformContext, actor: Actor, postId: string, input: { reason: string }, meta: RequestMeta) {
  const { p, a } = await postFor(ctx, actor, postId);
  if (!a.moderate) throw forbidden();
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.hidePost(trx, p.id, actor.userId, input.reason, at))) throw conflict('BRANCH_POST_HIDDEN');
    await notify(trx, { recipients: [p.author_user_id], kind: 'party.branch.post.hidden', title: '您在支部讨论区的帖子已被隐藏', body: `原因：${input.reason}`, link: '/m/party/branch', at: ctx.now() });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.post.hide', targetType: 'party_branch_post', targetId: p.id, orgNodeId: a.branch.org_node_id, details: { reason: input.reason } }), trx);
  });
  return getPost(ctx, actor, p.id);
}

// ---------------------------------------------------------------- tasks

function presentTask(t: repo.TaskRow, orgName: string, today: string) {
  return {
    id: t.id,
    orgId: t.org_id,
    orgName,
    title: t.title,
    description: t.description,
    dueOn: t.due_on,
    status: t.status,
    assigneeCount: t.assignee_count,
    doneCount: t.done_count,
    overdue: t.status === 'open' && t.due_on < today && t.done_count < t.assignee_count,
    createdByName: t.created_by_name,
    createdAt: t.created_at,
    version: t.version,
  };
}

export async function listTasks(ctx: PlatformContext, actor: Actor, branchId: string, q: { status: 'open' | 'closed' | 'all' }) {
  const a = await accessTo(ctx, actor, branchId);
  if (!a.read) throw notFound('BRANCH_NOT_FOUND');
  const today = beijingDay(ctx.now());
  return { items: (await repo.listTasks(ctx.db.kysely, a.branch.id, q.status)).map((t) => presentTask(t, a.branch.name, today)) };
}

export async function createTask(ctx: PlatformContext, actor: Actor, branchId: string, input: { title: string; description: string; dueOn: string; memberIds?: string[] }, meta: RequestMeta) {
  const a = await accessTo(ctx, actor, branchId);
  if (!a.run) throw forbidden();
  const now = ctx.now();
  const today = beijingDay(now);
  if (input.dueOn < today) throw badRequest('BRANCH_TASK_DUE_PAST');
  const members = await repo.branchMembers(ctx.db.kysely, a.branch.id);
  let chosen = members;
  if (input.memberIds) {
    const ids = new Set(input.memberIds);
    chosen = members.filter((m) => ids.has(m.id));
    if (chosen.length !== ids.size) throw badRequest('BRANCH_MEMBERS_OUTSIDE', { count: ids.size - chosen.length });
  }
  if (chosen.length === 0) throw badRequest('BRANCH_NO_MEMBERS');
  const at = now.toISOString();
  const row: repo.TaskRow = {
    id: newId(),
    org_id: a.branch.id,
    party_path: a.branch.path,
    org_path: a.branch.org_path,
    title: input.title,
    description: input.description,
    due_on: input.dueOn,
    status: 'open',
    assignee_count: chosen.length,
    done_count: 0,
    created_by: actor.userId,
    created_by_name: actor.displayName,
    closed_at: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertTask(trx, row, chosen.map((m) => m.id));
    await tellMembers(ctx, trx, chosen.map((m) => m.person_id), { kind: 'party.branch.task', title: `支部任务：${row.title}`, body: `请于${row.due_on}前完成。${row.description.slice(0, 150)}` });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.task.create', targetType: 'party_branch_task', targetId: row.id, orgNodeId: a.branch.org_node_id, details: { branch: a.branch.name, title: row.title, dueOn: row.due_on, assignees: chosen.length } }), trx);
  });
  return presentTask(row, a.branch.name, today);
}

async function taskFor(ctx: PlatformContext, actor: Actor, id: string) {
  const t = await repo.getTask(ctx.db.kysely, id);
  if (!t) throw notFound('BRANCH_TASK_NOT_FOUND');
  const a = await accessTo(ctx, actor, t.org_id).catch(() => {
    throw notFound('BRANCH_TASK_NOT_FOUND');
  });
  return { t, a };
}

/** A task with every assignee's part (names of members: an audited read). */
export async function getTask(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { t, a } = await taskFor(ctx, actor, id);
  if (!a.oversee) throw notFound('BRANCH_TASK_NOT_FOUND');
  const rows = await repo.assigneesOf(ctx.db.kysely, t.id);
  const nameOf = await names(ctx, rows.map((r) => r.person_id));
  const today = beijingDay(ctx.now());
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.task.read', targetType: 'party_branch_task', targetId: t.id, orgNodeId: a.branch.org_node_id, details: { assignees: rows.length } }));
  return {
    ...presentTask(t, a.branch.name, today),
    assignees: rows.map((r) => ({ memberId: r.member_id, name: nameOf.get(r.person_id) ?? '', status: r.status, doneAt: r.done_at, note: r.note, overdue: t.status === 'open' && r.status === 'open' && t.due_on < today })),
  };
}

/** 我的任务: what my branch gave me, open ones first. */
export async function myTasks(ctx: PlatformContext, actor: Actor) {
  const me = await myMember(ctx, actor);
  if (!me) throw forbidden('PARTY_NOT_A_MEMBER');
  const rows = await repo.tasksOfMember(ctx.db.kysely, me.id);
  const orgs = await getOrgs(ctx.db.kysely, rows.map((r) => r.org_id));
  const today = beijingDay(ctx.now());
  const items = rows.map((r) => ({ ...presentTask(r, orgs.get(r.org_id)?.name ?? '', today), overdue: r.status === 'open' && r.my_status === 'open' && r.due_on < today, myStatus: r.my_status, myDoneAt: r.my_done_at, myNote: r.my_note }));
  const rank = (i: (typeof items)[number]) => (i.status === 'open' && i.myStatus === 'open' ? 0 : 1);
  items.sort((x, y) => rank(x) - rank(y));
  return { items };
}

export async function markDone(ctx: PlatformContext, actor: Actor, id: string, input: { note: string }, meta: RequestMeta) {
  const { t, a } = await taskFor(ctx, actor, id);
  if (!a.me) throw forbidden('PARTY_NOT_A_MEMBER');
  const mine = (await repo.assigneesOf(ctx.db.kysely, t.id)).find((r) => r.member_id === a.me!.id);
  if (!mine) throw forbidden('BRANCH_TASK_NOT_YOURS');
  if (t.status !== 'open') throw conflict('BRANCH_TASK_CLOSED');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.markDone(trx, t.id, a.me!.id, input.note, at))) throw conflict('BRANCH_TASK_DONE');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.task.done', targetType: 'party_branch_task', targetId: t.id, orgNodeId: a.branch.org_node_id, details: { late: t.due_on < beijingDay(ctx.now()) } }), trx);
  });
  return (await myTasks(ctx, actor)).items.find((i) => i.id === t.id)!;
}

export async function closeTask(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const { t, a } = await taskFor(ctx, actor, id);
  if (!a.run) throw a.read ? forbidden() : notFound('BRANCH_TASK_NOT_FOUND');
  if (t.status !== 'open') throw conflict('BRANCH_TASK_CLOSED');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.closeTask(trx, t.id, input.expectedVersion, ctx.now().toISOString()))) throw conflict('BRANCH_TASK_STALE');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.task.close', targetType: 'party_branch_task', targetId: t.id, orgNodeId: a.branch.org_node_id, details: { done: t.done_count, of: t.assignee_count } }), trx);
  });
  return presentTask((await repo.getTask(ctx.db.kysely, t.id))!, a.branch.name, beijingDay(ctx.now()));
}

/** 逾期未完成: who is late with which open task (names of members: an audited read). */
export async function overdue(ctx: PlatformContext, actor: Actor, branchId: string, meta: RequestMeta) {
  const a = await accessTo(ctx, actor, branchId);
  if (!a.oversee) throw notFound('BRANCH_NOT_FOUND');
  const today = beijingDay(ctx.now());
  const rows = await repo.overdueOf(ctx.db.kysely, a.branch.id, today);
  const nameOf = await names(ctx, rows.map((r) => r.person_id));
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.branch.task.overdue.read', targetType: 'party_org', targetId: a.branch.id, orgNodeId: a.branch.org_node_id, details: { rows: rows.length } }));
  const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  return { items: rows.map((r) => ({ taskId: r.task_id, title: r.title, dueOn: r.due_on, memberId: r.member_id, name: nameOf.get(r.person_id) ?? '', daysLate: daysBetween(r.due_on, today) })) };
}

