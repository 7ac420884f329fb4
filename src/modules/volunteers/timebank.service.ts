import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { maskName } from '../../platform/crypto/mask.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { peopleBriefs, residentFacts } from '../registry/registry.facts.js';
import { escrowAccountCode, grantAccountCode, memberAccountCode, minutesOn, openEscrow, openMemberAccounts } from './timebank.accounts.js';
import { TIMEBANK_MANAGE } from './timebank.policy.js';
import * as repo from './timebank.repository.js';
import type { BookInput, PostInput } from './timebank.schema.js';
import type { TimebankExchangeStatus } from './timebank.table.js';
import { LIVE_EXCHANGE } from './timebank.table.js';

/**
 * 时间银行 (TimeOverflow style): neighbours post what they can do (offers) and what they need
 * (needs, promising hours), take and book each other's posts and pay in hours through the
 * platform ledger (see timebank.accounts.ts for the accounts).
 *
 *   need posted ──(a neighbour takes it: hours held requester → escrow)──► held
 *   offer booked ─(the booker's hours held → escrow)──────────────────────► held
 *   held ──done (helper)──► done ──accept (requester) / 7 days silent──► completed (escrow → helper)
 *   held|done ──dispute (either)──► disputed ──staff award──► resolved (escrow → helper or requester)
 *   held ──withdraw (helper)──► cancelled (escrow → requester; the need is open again)
 *   held past the deadline + 48 h ──job──► released (escrow → requester)
 *   need untaken past its deadline ──job──► expired (its promise no longer counts)
 *
 * What a member can promise is their balance minus what their open needs already promise, read
 * under the member's row lock, so nobody promises hours they do not have; the ledger's own
 * non-negative check on the member's account is the last word when the hours are held.
 */

/** Starting hours each new member is granted by their community (one journal when joining). */
export const STARTING_MINUTES = 120;
/** A `done` exchange neither confirmed nor disputed in this many days is confirmed (自动确认). */
export const AUTO_ACCEPT_DAYS = 7;
/** A held exchange not reported done this long after it was needed goes back to the requester. */
export const RELEASE_GRACE_HOURS = 48;
/** Needs (and bookings) are for at most this many days ahead. */
export const MAX_NEEDED_BY_DAYS = 60;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

addMessages({
  'error.TIMEBANK_NO_RECORD': { 'zh-CN': '时间银行面向本社区登记的居民：您的账号未关联社区居民信息，请到社区登记', en: 'The time bank is for residents in the registry: your account is not linked to a resident record; please register at your community' },
  'error.TIMEBANK_NOT_MEMBER': { 'zh-CN': '请先加入时间银行', en: 'Join the time bank first' },
  'error.TIMEBANK_ALREADY_MEMBER': { 'zh-CN': '您已加入时间银行', en: 'You have already joined the time bank' },
  'error.TIMEBANK_POST_NOT_FOUND': { 'zh-CN': '该信息不存在或不在您的社区', en: 'No such post in your community' },
  'error.TIMEBANK_NEEDED_BY_REQUIRED': { 'zh-CN': '发布需求须填写最晚需要帮助的时间', en: 'A need must say by when the help is needed' },
  'error.TIMEBANK_NEEDED_BY_INVALID': { 'zh-CN': '需要帮助的时间须晚于现在，且在 {days} 天之内', en: 'The time must be in the future and within {days} days' },
  'error.TIMEBANK_INSUFFICIENT_HOURS': { 'zh-CN': '时间余额不足：可用 {available} 小时，本次需要 {needed} 小时。帮助邻居可以赚取时长', en: 'Not enough hours: {available} h available, this needs {needed} h. Helping neighbours earns hours' },
  'error.TIMEBANK_REQUESTER_SHORT': { 'zh-CN': '对方的时间余额已不足以支付这项需求，暂不能接单', en: 'The neighbour no longer has the hours for this need; it cannot be taken now' },
  'error.TIMEBANK_OWN_POST': { 'zh-CN': '不能接自己发布的需求，也不能预约自己的服务', en: 'You cannot take your own need or book your own offer' },
  'error.TIMEBANK_POST_TAKEN': { 'zh-CN': '手慢了：该需求已被其他邻居接单', en: 'Too late: another neighbour has taken this need' },
  'error.TIMEBANK_POST_CLOSED': { 'zh-CN': '该信息已关闭或已过期', en: 'This post is closed or has expired' },
  'error.TIMEBANK_WRONG_KIND': { 'zh-CN': '需求请“接单”，服务请“预约”', en: 'Take a need; book an offer' },
  'error.TIMEBANK_NOT_AUTHOR': { 'zh-CN': '只有发布人可以关闭', en: 'Only the author can close it' },
  'error.TIMEBANK_EXCHANGE_NOT_FOUND': { 'zh-CN': '该交换记录不存在或与您无关', en: 'No such exchange of yours' },
  'error.TIMEBANK_EXCHANGE_STATE': { 'zh-CN': '该交换当前为“{status}”，不能{action}', en: 'This exchange is {status}: cannot {action}' },
  'error.TIMEBANK_NOT_REQUESTER': { 'zh-CN': '只有求助的一方可以确认完成', en: 'Only the neighbour who was helped can confirm' },
  'error.TIMEBANK_NOT_HELPER': { 'zh-CN': '只有帮忙的一方可以{action}', en: 'Only the helper can {action}' },
  'error.TIMEBANK_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的街道或社区', en: 'Choose a sub-district or community inside your area' },
});

/** Words for states and actions in messages (zh-CN; English messages carry the code words). */
export const EXCHANGE_LABELS: Record<TimebankExchangeStatus, string> = {
  held: '进行中（时长已冻结）',
  done: '待确认',
  completed: '已完成',
  disputed: '社区处理中',
  resolved: '社区已裁定',
  released: '已退回',
  cancelled: '已取消',
};
const ACTION_LABELS = { done: '标记完成', accept: '确认完成', dispute: '申请社区处理', withdraw: '放弃', resolve: '裁定' } as const;

type Member = repo.MemberRow;
type Post = repo.PostRow;
type Exchange = repo.ExchangeRow;

const hours = (minutes: number) => String(Math.round((minutes / 60) * 100) / 100);
const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
const iso = (s: string) => new Date(s).toISOString();
const system = { actorId: null, actorName: 'system' } as const;

function stateConflict(status: TimebankExchangeStatus, action: keyof typeof ACTION_LABELS) {
  return conflict('TIMEBANK_EXCHANGE_STATE', { status: EXCHANGE_LABELS[status], action: ACTION_LABELS[action] });
}

function isInsufficient(e: unknown) {
  return e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT_BALANCE';
}

export const rules = () => ({ startingMinutes: STARTING_MINUTES, autoAcceptDays: AUTO_ACCEPT_DAYS, releaseGraceHours: RELEASE_GRACE_HOURS, maxNeededByDays: MAX_NEEDED_BY_DAYS });

// ---------------------------------------------------------------- who is asking

interface Viewer {
  member: Member | undefined;
  communityId: string;
  communityPath: string;
  communityName: string;
  personId: string;
  homeNodeId: string;
}

/** The caller's membership, or what joining would make of them: their registry person's community. */
async function viewerOf(ctx: PlatformContext, actor: Actor): Promise<Viewer> {
  const db = ctx.db.kysely;
  const member = await repo.memberOfUser(db, actor.userId);
  if (member) {
    const node = (await repo.getNode(db, member.org_node_id))!;
    return { member, communityId: node.id, communityPath: node.path, communityName: node.name, personId: member.person_id, homeNodeId: member.home_node_id };
  }
  if (!actor.personId) throw forbidden('TIMEBANK_NO_RECORD');
  const facts = await residentFacts(db, actor.personId);
  const community = facts?.chain.find((n) => n.kind === 'community');
  if (!facts || !community) throw forbidden('TIMEBANK_NO_RECORD');
  const home = [...facts.chain].reverse().find((n) => n.kind === 'grid') ?? community;
  return { member: undefined, communityId: community.id, communityPath: community.path, communityName: community.name, personId: facts.personId, homeNodeId: home.id };
}

async function requireMember(ctx: PlatformContext, actor: Actor): Promise<Member> {
  const v = await viewerOf(ctx, actor);
  if (!v.member) throw forbidden('TIMEBANK_NOT_MEMBER');
  return v.member;
}

interface PersonInfo {
  masked: string;
  name: string;
  phoneMasked: string | null;
  place: string | null;
  contactNote: string | null;
}

/** Names (from the registry) and grids of members. Neighbours get the masked name only. */
async function peopleOf(ctx: PlatformContext, members: Member[]): Promise<Map<string, PersonInfo>> {
  const db = ctx.db.kysely;
  const [briefs, nodes] = await Promise.all([peopleBriefs(db, [...new Set(members.map((m) => m.person_id))]), repo.getNodesByIds(db, members.map((m) => m.home_node_id))]);
  const byPerson = new Map(briefs.map((b) => [b.personId, b]));
  const nodeName = new Map(nodes.map((n) => [n.id, n.name]));
  return new Map(
    members.map((m) => {
      const b = byPerson.get(m.person_id);
      const name = b?.name ?? '邻居';
      return [m.id, { masked: maskName(name) ?? '邻居', name, phoneMasked: b?.phoneMasked ?? null, place: nodeName.get(m.home_node_id) ?? null, contactNote: m.contact_note }];
    }),
  );
}

// ---------------------------------------------------------------- presenting

function presentPost(p: Post, author: PersonInfo | undefined, viewerMemberId: string | null, now: Date) {
  const mine = p.member_id === viewerMemberId;
  const t = now.toISOString();
  return {
    id: p.id,
    kind: p.kind,
    category: p.category,
    title: p.title,
    description: p.description,
    minutes: p.minutes,
    place: p.place,
    neededBy: p.needed_by,
    status: p.status,
    closedReason: p.closed_reason,
    exchangeCount: p.exchange_count,
    createdAt: p.created_at,
    author: { name: author?.masked ?? '邻居', place: author?.place ?? null, isMe: mine },
    canTake: !!viewerMemberId && !mine && p.kind === 'need' && p.status === 'open' && (p.needed_by ?? '') > t,
    canBook: !!viewerMemberId && !mine && p.kind === 'offer' && p.status === 'open',
    canClose: mine && p.status === 'open',
  };
}

function presentExchange(ex: Exchange, post: Pick<Post, 'title' | 'category'>, me: string, people: Map<string, PersonInfo>) {
  const role = ex.requester_member_id === me ? ('requester' as const) : ('helper' as const);
  const other = people.get(role === 'requester' ? ex.helper_member_id : ex.requester_member_id);
  return {
    id: ex.id,
    postId: ex.post_id,
    kind: ex.kind,
    title: post.title,
    category: post.category,
    minutes: ex.minutes,
    status: ex.status,
    neededBy: ex.needed_by,
    dueAt: ex.due_at,
    autoAcceptAt: ex.status === 'done' && ex.done_at ? new Date(Date.parse(ex.done_at) + AUTO_ACCEPT_DAYS * DAY).toISOString() : null,
    note: ex.note,
    doneAt: ex.done_at,
    doneNote: ex.done_note,
    acceptedAt: ex.accepted_at,
    acceptedHow: ex.accepted_how,
    disputedAt: ex.disputed_at,
    disputedByMe: ex.disputed_by === me,
    disputeReason: ex.dispute_reason,
    resolvedAt: ex.resolved_at,
    resolution: ex.resolution,
    resolutionReason: ex.resolution_reason,
    releasedAt: ex.released_at,
    cancelledAt: ex.cancelled_at,
    cancelReason: ex.cancel_reason,
    createdAt: ex.created_at,
    role,
    counterpart: { name: other?.masked ?? '邻居', place: other?.place ?? null, contactNote: other?.contactNote ?? null },
    can: {
      done: role === 'helper' && ex.status === 'held',
      accept: role === 'requester' && (ex.status === 'held' || ex.status === 'done'),
      dispute: ex.status === 'held' || ex.status === 'done',
      withdraw: role === 'helper' && ex.status === 'held',
    },
  };
}

async function presentExchanges(ctx: PlatformContext, rows: Exchange[], me: string) {
  const db = ctx.db.kysely;
  const [posts, members] = await Promise.all([repo.getPostsByIds(db, rows.map((r) => r.post_id)), repo.getMembersByIds(db, rows.flatMap((r) => [r.requester_member_id, r.helper_member_id]))]);
  const byPost = new Map(posts.map((p) => [p.id, p]));
  const people = await peopleOf(ctx, members);
  return rows.map((r) => presentExchange(r, byPost.get(r.post_id)!, me, people));
}

async function exchangeView(ctx: PlatformContext, member: Member, id: string) {
  return (await presentExchanges(ctx, [(await repo.getExchange(ctx.db.kysely, id))!], member.id))[0]!;
}

// ---------------------------------------------------------------- me

async function memberBalance(db: Executor, member: Member) {
  return (await minutesOn(db, [memberAccountCode(member.id)])).get(memberAccountCode(member.id)) ?? 0;
}

export async function getMe(ctx: PlatformContext, actor: Actor) {
  let v: Viewer;
  try {
    v = await viewerOf(ctx, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'TIMEBANK_NO_RECORD') return { eligible: false, communityName: null, member: null, rules: rules() };
    throw e;
  }
  if (!v.member) return { eligible: true, communityName: v.communityName, member: null, rules: rules() };
  const db = ctx.db.kysely;
  const m = v.member;
  const [balance, promised, totals] = await Promise.all([memberBalance(db, m), repo.promisedMinutes(db, m.id), repo.memberTotals(db, m.id)]);
  return {
    eligible: true,
    communityName: v.communityName,
    member: { id: m.id, joinedAt: m.created_at, contactNote: m.contact_note, balance, promised, available: balance - promised, held: totals.held, earned: totals.earned, spent: totals.spent },
    rules: rules(),
  };
}

/**
 * 加入时间银行: a member row, the member's account and the community's starting grant
 * (`STARTING_MINUTES`, one journal sourced `timebank.join`) in one transaction, once per person.
 */
export async function join(ctx: PlatformContext, actor: Actor, input: { contactNote?: string }, meta: RequestMeta) {
  const v = await viewerOf(ctx, actor);
  if (v.member) throw conflict('TIMEBANK_ALREADY_MEMBER');
  const now = ctx.now();
  const at = now.toISOString();
  const id = newId(now.getTime());
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await repo.insertMember(trx, { id, person_id: v.personId, user_id: actor.userId, org_node_id: v.communityId, org_path: v.communityPath, home_node_id: v.homeNodeId, contact_note: input.contactNote || null, grant_journal_id: null, version: 1, created_at: at, updated_at: at });
      await openMemberAccounts(trx, { memberId: id, communityId: v.communityId, at: now });
      const grant = await ledger.post(trx, {
        memo: `时间银行入会赠送时长（${v.communityName}）`,
        source: { type: 'timebank.join', id },
        lines: [
          { accountCode: grantAccountCode(v.communityId), amount: STARTING_MINUTES, unit: 'minutes' },
          { accountCode: memberAccountCode(id), amount: -STARTING_MINUTES, unit: 'minutes' },
        ],
        createdBy: actor.userId,
        at: now,
      });
      await repo.setGrantJournal(trx, id, grant.id);
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.join', targetType: 'timebank_member', targetId: id, orgNodeId: v.communityId, ip: meta.ip, requestId: meta.requestId, details: { startingMinutes: STARTING_MINUTES, journal: grant.id } }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('TIMEBANK_ALREADY_MEMBER');
    throw e;
  }
  return getMe(ctx, actor);
}

export async function updateMe(ctx: PlatformContext, actor: Actor, input: { contactNote: string | null }, meta: RequestMeta) {
  const m = await requireMember(ctx, actor);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.setContactNote(trx, m.id, input.contactNote || null, ctx.now().toISOString());
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.member.update', targetType: 'timebank_member', targetId: m.id, orgNodeId: m.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: ['contactNote'] } }, trx);
  });
  return getMe(ctx, actor);
}

/** My account's statement (the ledger's entries, newest first). */
export async function myStatement(ctx: PlatformContext, actor: Actor, page: { page: number; pageSize: number }) {
  const m = await requireMember(ctx, actor);
  const st = await ledger.statement(ctx.db.kysely, memberAccountCode(m.id), { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
  return { balance: st.account.balance, total: st.total, items: st.items.map((i) => ({ journalId: i.journalId, at: i.at, memo: i.memo, amount: i.amount, sourceType: i.sourceType, sourceId: i.sourceId })) };
}

/**
 * What the member can still promise or spend, read under their row lock: the balance minus what
 * their open needs promise. 422 with both numbers when `minutes` is more.
 */
async function requireAvailable(trx: Executor, member: Member, minutes: number, at: string) {
  await repo.lockMember(trx, member.id, at);
  const [balance, promised] = await Promise.all([memberBalance(trx, member), repo.promisedMinutes(trx, member.id)]);
  const available = balance - promised;
  if (minutes > available) throw new AppError(422, 'TIMEBANK_INSUFFICIENT_HOURS', { available: hours(Math.max(0, available)), needed: hours(minutes) });
}

function checkNeededBy(neededBy: string, now: Date) {
  const t = Date.parse(neededBy);
  if (!(t > now.getTime()) || t > now.getTime() + MAX_NEEDED_BY_DAYS * DAY) throw badRequest('TIMEBANK_NEEDED_BY_INVALID', { days: MAX_NEEDED_BY_DAYS });
}

// ---------------------------------------------------------------- posts

export async function listPosts(ctx: PlatformContext, actor: Actor, q: { kind?: 'offer' | 'need'; category?: string; mine: '0' | '1'; page: number; pageSize: number }) {
  const v = await viewerOf(ctx, actor);
  const me = v.member?.id ?? null;
  if (q.mine === '1' && !me) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const filter: repo.PostFilter = q.mine === '1' ? { memberId: me!, kind: q.kind, category: q.category } : { orgNodeId: v.communityId, kind: q.kind, category: q.category, statuses: ['open'] };
  const { rows, total } = await repo.listPosts(ctx.db.kysely, filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const people = await peopleOf(ctx, await repo.getMembersByIds(ctx.db.kysely, rows.map((r) => r.member_id)));
  const now = ctx.now();
  return { items: rows.map((p) => presentPost(p, people.get(p.member_id), me, now)), total, page: q.page, pageSize: q.pageSize };
}

async function loadPostFor(ctx: PlatformContext, v: { communityId: string }, id: string) {
  const p = await repo.getPost(ctx.db.kysely, id);
  if (!p || p.org_node_id !== v.communityId) throw notFound('TIMEBANK_POST_NOT_FOUND');
  return p;
}

/** A post with the exchanges the caller is part of (its author: all of them). */
export async function getPost(ctx: PlatformContext, actor: Actor, id: string) {
  const v = await viewerOf(ctx, actor);
  const p = await loadPostFor(ctx, v, id);
  const me = v.member?.id ?? null;
  const db = ctx.db.kysely;
  const all = me ? await repo.exchangesOfPost(db, p.id) : [];
  const mine = all.filter((e) => p.member_id === me || e.requester_member_id === me || e.helper_member_id === me);
  const author = (await peopleOf(ctx, await repo.getMembersByIds(db, [p.member_id]))).get(p.member_id);
  return { post: presentPost(p, author, me, ctx.now()), exchanges: me ? await presentExchanges(ctx, mine, me) : [] };
}

export async function createPost(ctx: PlatformContext, actor: Actor, input: PostInput, meta: RequestMeta) {
  const m = await requireMember(ctx, actor);
  const now = ctx.now();
  const at = now.toISOString();
  let neededBy: string | null = null;
  if (input.kind === 'need') {
    if (!input.neededBy) throw badRequest('TIMEBANK_NEEDED_BY_REQUIRED');
    checkNeededBy(input.neededBy, now);
    neededBy = iso(input.neededBy);
  }
  const row: Post = {
    id: newId(now.getTime()),
    kind: input.kind,
    member_id: m.id,
    org_node_id: m.org_node_id,
    org_path: m.org_path,
    category: input.category,
    title: input.title,
    description: input.description,
    minutes: input.minutes,
    place: input.place ?? null,
    needed_by: neededBy,
    status: 'open',
    closed_reason: null,
    closed_by: null,
    exchange_count: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // A need promises hours: not more than the member has left to promise.
    if (row.kind === 'need') await requireAvailable(trx, m, row.minutes, at);
    await repo.insertPost(trx, row);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.post.create', targetType: 'timebank_post', targetId: row.id, orgNodeId: m.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { kind: row.kind, category: row.category, minutes: row.minutes, neededBy } }, trx);
  });
  return getPost(ctx, actor, row.id);
}

/** The author closes an open post (a need's promise no longer counts). */
export async function closePost(ctx: PlatformContext, actor: Actor, id: string, input: { reason?: string }, meta: RequestMeta) {
  const v = await viewerOf(ctx, actor);
  const p = await loadPostFor(ctx, v, id);
  if (!v.member || p.member_id !== v.member.id) throw forbidden('TIMEBANK_NOT_AUTHOR');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updatePostIf(trx, p.id, ['open'], { status: 'closed', closed_reason: input.reason || null, closed_by: actor.userId, updated_at: at })) !== 1) throw conflict('TIMEBANK_POST_CLOSED');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.post.close', targetType: 'timebank_post', targetId: p.id, orgNodeId: p.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason ?? null } }, trx);
  });
  return getPost(ctx, actor, p.id);
}

/** Why a post could not be taken or booked now, as the clearest error. */
async function whyNotOpen(db: Executor, id: string) {
  const p = await repo.getPost(db, id);
  if (p?.status === 'taken') return conflict('TIMEBANK_POST_TAKEN');
  return conflict('TIMEBANK_POST_CLOSED');
}

async function holdHours(trx: Executor, opts: { exchangeId: string; requester: string; communityId: string; minutes: number; memo: string; by: string; now: Date }) {
  await openEscrow(trx, { exchangeId: opts.exchangeId, communityId: opts.communityId, at: opts.now });
  return ledger.post(trx, {
    memo: opts.memo,
    source: { type: 'timebank.hold', id: opts.exchangeId },
    lines: [
      { accountCode: memberAccountCode(opts.requester), amount: opts.minutes, unit: 'minutes' },
      { accountCode: escrowAccountCode(opts.exchangeId), amount: -opts.minutes, unit: 'minutes' },
    ],
    createdBy: opts.by,
    at: opts.now,
  });
}

/** Pays an exchange's escrow out, to the helper or back to the requester: once (the escrow cannot go negative). */
async function settle(trx: Executor, ex: Exchange, to: 'helper' | 'requester', opts: { type: string; memo: string; by: string | null; now: Date }) {
  const j = await ledger.post(trx, {
    memo: opts.memo,
    source: { type: opts.type, id: ex.id },
    lines: [
      { accountCode: escrowAccountCode(ex.id), amount: ex.minutes, unit: 'minutes' },
      { accountCode: memberAccountCode(to === 'helper' ? ex.helper_member_id : ex.requester_member_id), amount: -ex.minutes, unit: 'minutes' },
    ],
    createdBy: opts.by,
    at: opts.now,
  });
  await repo.setSettleJournal(trx, ex.id, j.id);
  return j;
}

function newExchange(p: Post, opts: { id: string; requester: string; helper: string; minutes: number; neededBy: string; note: string | null; holdJournalId: string; at: string }): Exchange {
  return {
    id: opts.id,
    post_id: p.id,
    kind: p.kind,
    requester_member_id: opts.requester,
    helper_member_id: opts.helper,
    org_node_id: p.org_node_id,
    org_path: p.org_path,
    minutes: opts.minutes,
    status: 'held',
    needed_by: opts.neededBy,
    due_at: new Date(Date.parse(opts.neededBy) + RELEASE_GRACE_HOURS * HOUR).toISOString(),
    note: opts.note,
    done_at: null,
    done_note: null,
    accepted_at: null,
    accepted_how: null,
    disputed_at: null,
    disputed_by: null,
    dispute_reason: null,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    resolution_reason: null,
    released_at: null,
    cancelled_at: null,
    cancel_reason: null,
    hold_journal_id: opts.holdJournalId,
    settle_journal_id: null,
    version: 1,
    created_at: opts.at,
    updated_at: opts.at,
  };
}

async function userOf(db: Executor, memberId: string) {
  return (await repo.getMember(db, memberId))?.user_id ?? null;
}

/**
 * 接单: a neighbour takes a need. One conditional UPDATE decides who gets it (409 for everyone
 * else); the promised hours move from the requester's account to the exchange's escrow in the
 * same transaction.
 */
export async function takeNeed(ctx: PlatformContext, actor: Actor, postId: string, meta: RequestMeta) {
  const helper = await requireMember(ctx, actor);
  const p = await loadPostFor(ctx, { communityId: helper.org_node_id }, postId);
  if (p.kind !== 'need') throw badRequest('TIMEBANK_WRONG_KIND');
  if (p.member_id === helper.id) throw conflict('TIMEBANK_OWN_POST');
  const now = ctx.now();
  const at = now.toISOString();
  const id = newId(now.getTime());
  const helperName = (await peopleOf(ctx, [helper])).get(helper.id)?.masked ?? '邻居';
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await repo.lockMember(trx, p.member_id, at);
      if ((await repo.takeNeed(trx, p.id, at)) !== 1) throw await whyNotOpen(trx, p.id);
      let hold: ledger.PostedJournal;
      try {
        hold = await holdHours(trx, { exchangeId: id, requester: p.member_id, communityId: p.org_node_id, minutes: p.minutes, memo: `时间银行冻结：${p.title}`, by: actor.userId, now });
      } catch (e) {
        if (isInsufficient(e)) throw new AppError(422, 'TIMEBANK_REQUESTER_SHORT');
        throw e;
      }
      await repo.insertExchange(trx, newExchange(p, { id, requester: p.member_id, helper: helper.id, minutes: p.minutes, neededBy: p.needed_by!, note: null, holdJournalId: hold.id, at }));
      const requesterUser = await userOf(trx, p.member_id);
      if (requesterUser) {
        await notify(trx, { recipients: [requesterUser], kind: 'volunteers.timebank.taken', title: `邻居接单：${p.title}`, body: `${helperName} 接下了您的需求，${hours(p.minutes)} 小时已从您的时间账户冻结；帮忙完成后请确认。`, link: `/m/timebank/${p.id}`, at: now });
      }
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.take', targetType: 'timebank_exchange', targetId: id, orgNodeId: p.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { post: p.id, minutes: p.minutes, holdJournal: hold.id } }, trx);
    });
  } catch (e) {
    // The partial unique index: one live exchange per need, whatever slipped past the UPDATE.
    if (repo.isUniqueViolation(e)) throw conflict('TIMEBANK_POST_TAKEN');
    throw e;
  }
  return exchangeView(ctx, helper, id);
}

/** 预约: a member books a neighbour's offer; their hours are held at once. */
export async function bookOffer(ctx: PlatformContext, actor: Actor, postId: string, input: BookInput, meta: RequestMeta) {
  const requester = await requireMember(ctx, actor);
  const p = await loadPostFor(ctx, { communityId: requester.org_node_id }, postId);
  if (p.kind !== 'offer') throw badRequest('TIMEBANK_WRONG_KIND');
  if (p.member_id === requester.id) throw conflict('TIMEBANK_OWN_POST');
  const now = ctx.now();
  const at = now.toISOString();
  checkNeededBy(input.neededBy, now);
  const minutes = input.minutes ?? p.minutes;
  const id = newId(now.getTime());
  const requesterName = (await peopleOf(ctx, [requester])).get(requester.id)?.masked ?? '邻居';
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await requireAvailable(trx, requester, minutes, at);
    if ((await repo.bookOffer(trx, p.id, at)) !== 1) throw await whyNotOpen(trx, p.id);
    let hold: ledger.PostedJournal;
    try {
      hold = await holdHours(trx, { exchangeId: id, requester: requester.id, communityId: p.org_node_id, minutes, memo: `时间银行冻结：预约 ${p.title}`, by: actor.userId, now });
    } catch (e) {
      if (isInsufficient(e)) throw new AppError(422, 'TIMEBANK_INSUFFICIENT_HOURS', { available: '0', needed: hours(minutes) });
      throw e;
    }
    await repo.insertExchange(trx, newExchange(p, { id, requester: requester.id, helper: p.member_id, minutes, neededBy: iso(input.neededBy), note: input.note ?? null, holdJournalId: hold.id, at }));
    const helperUser = await userOf(trx, p.member_id);
    if (helperUser) {
      await notify(trx, { recipients: [helperUser], kind: 'volunteers.timebank.booked', title: `有邻居预约了您的服务：${p.title}`, body: `${requesterName} 预约 ${hours(minutes)} 小时，希望在 ${beijing(iso(input.neededBy))} 前完成。${input.note ?? ''}`.trim(), link: `/m/timebank/${p.id}`, at: now });
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.book', targetType: 'timebank_exchange', targetId: id, orgNodeId: p.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { post: p.id, minutes, holdJournal: hold.id } }, trx);
  });
  return exchangeView(ctx, requester, id);
}

// ---------------------------------------------------------------- exchanges (the two parties)

export async function listMyExchanges(ctx: PlatformContext, actor: Actor) {
  const v = await viewerOf(ctx, actor);
  if (!v.member) return { items: [] };
  return { items: await presentExchanges(ctx, await repo.exchangesOfMember(ctx.db.kysely, v.member.id), v.member.id) };
}

async function loadMine(ctx: PlatformContext, actor: Actor, id: string) {
  const m = await requireMember(ctx, actor);
  const ex = await repo.getExchange(ctx.db.kysely, id);
  if (!ex || (ex.requester_member_id !== m.id && ex.helper_member_id !== m.id)) throw notFound('TIMEBANK_EXCHANGE_NOT_FOUND');
  const post = (await repo.getPost(ctx.db.kysely, ex.post_id))!;
  return { m, ex, post, role: ex.requester_member_id === m.id ? ('requester' as const) : ('helper' as const) };
}

export async function getMyExchange(ctx: PlatformContext, actor: Actor, id: string) {
  const { m, ex } = await loadMine(ctx, actor, id);
  return exchangeView(ctx, m, ex.id);
}

/** The helper says the help is done; the requester is asked to confirm. */
export async function markDone(ctx: PlatformContext, actor: Actor, id: string, input: { note?: string }, meta: RequestMeta) {
  const { m, ex, post, role } = await loadMine(ctx, actor, id);
  if (role !== 'helper') throw forbidden('TIMEBANK_NOT_HELPER', { action: ACTION_LABELS.done });
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateExchangeIf(trx, ex.id, ['held'], { status: 'done', done_at: at, done_note: input.note || null, updated_at: at })) !== 1) throw stateConflict((await repo.getExchange(trx, ex.id))!.status, 'done');
    const to = await userOf(trx, ex.requester_member_id);
    if (to) await notify(trx, { recipients: [to], kind: 'volunteers.timebank.done', title: `请确认：${post.title}`, body: `邻居说帮忙已经完成。请确认，有异议可申请社区处理；${AUTO_ACCEPT_DAYS} 天内未处理将自动确认。`, link: `/m/timebank/${post.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.done', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return exchangeView(ctx, m, ex.id);
}

/** The requester confirms: the held hours go to the helper. */
export async function accept(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { m, ex, post, role } = await loadMine(ctx, actor, id);
  if (role !== 'requester') throw forbidden('TIMEBANK_NOT_REQUESTER');
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateExchangeIf(trx, ex.id, ['held', 'done'], { status: 'completed', accepted_at: at, accepted_how: 'requester', updated_at: at })) !== 1) throw stateConflict((await repo.getExchange(trx, ex.id))!.status, 'accept');
    const j = await settle(trx, ex, 'helper', { type: 'timebank.settle', memo: `时间银行：${post.title}（确认完成）`, by: actor.userId, now });
    const to = await userOf(trx, ex.helper_member_id);
    if (to) await notify(trx, { recipients: [to], kind: 'volunteers.timebank.accepted', title: `邻居已确认：${post.title}`, body: `${hours(ex.minutes)} 小时已转入您的时间账户。谢谢您的帮助！`, link: `/m/timebank/${post.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.accept', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { minutes: ex.minutes, journal: j.id } }, trx);
  });
  return exchangeView(ctx, m, ex.id);
}

/** Either party asks the community to decide; the hours stay held. */
export async function dispute(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const { m, ex, post, role } = await loadMine(ctx, actor, id);
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateExchangeIf(trx, ex.id, ['held', 'done'], { status: 'disputed', disputed_at: at, disputed_by: m.id, dispute_reason: input.reason, updated_at: at })) !== 1) throw stateConflict((await repo.getExchange(trx, ex.id))!.status, 'dispute');
    const other = await userOf(trx, role === 'requester' ? ex.helper_member_id : ex.requester_member_id);
    if (other) await notify(trx, { recipients: [other], kind: 'volunteers.timebank.disputed', title: `对方申请社区处理：${post.title}`, body: `理由：${input.reason}。时长继续冻结，社区工作人员会联系双方。`, link: `/m/timebank/${post.id}`, at: now });
    const staff = await repo.staffAbove(trx, ex.org_path, ['community_staff']);
    if (staff.length) await notify(trx, { recipients: staff, kind: 'volunteers.timebank.dispute', title: `时间银行争议待处理：${post.title}`, body: `${hours(ex.minutes)} 小时冻结中。理由：${input.reason}`, link: `/console/volunteers/timebank/${ex.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.dispute', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { by: role, reason: input.reason } }, trx);
  });
  return exchangeView(ctx, m, ex.id);
}

/** The helper gives up before it is done: the hours go back, and the need is open again while still wanted. */
export async function withdraw(ctx: PlatformContext, actor: Actor, id: string, input: { reason?: string }, meta: RequestMeta) {
  const { m, ex, post, role } = await loadMine(ctx, actor, id);
  if (role !== 'helper') throw forbidden('TIMEBANK_NOT_HELPER', { action: ACTION_LABELS.withdraw });
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateExchangeIf(trx, ex.id, ['held'], { status: 'cancelled', cancelled_at: at, cancel_reason: input.reason || null, updated_at: at })) !== 1) throw stateConflict((await repo.getExchange(trx, ex.id))!.status, 'withdraw');
    const j = await settle(trx, ex, 'requester', { type: 'timebank.return', memo: `时间银行退回：${post.title}（帮助人放弃）`, by: actor.userId, now });
    let reopened = false;
    if (ex.kind === 'need') {
      reopened = (post.needed_by ?? '') > at;
      await repo.updatePostIf(trx, post.id, ['taken'], { status: reopened ? 'open' : 'expired', updated_at: at });
    }
    const to = await userOf(trx, ex.requester_member_id);
    if (to) await notify(trx, { recipients: [to], kind: 'volunteers.timebank.withdrawn', title: `邻居放弃了：${post.title}`, body: `${hours(ex.minutes)} 小时已退回您的时间账户。${reopened ? '需求已重新开放，等待其他邻居接单。' : ''}${input.reason ? `原因：${input.reason}` : ''}`, link: `/m/timebank/${post.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.withdraw', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason ?? null, journal: j.id, reopened } }, trx);
  });
  return exchangeView(ctx, m, ex.id);
}

// ---------------------------------------------------------------- staff

async function presentStaff(ctx: PlatformContext, actor: Actor, rows: Exchange[]) {
  const db = ctx.db.kysely;
  const [posts, members, escrow] = await Promise.all([
    repo.getPostsByIds(db, rows.map((r) => r.post_id)),
    repo.getMembersByIds(db, rows.flatMap((r) => [r.requester_member_id, r.helper_member_id])),
    minutesOn(db, rows.map((r) => escrowAccountCode(r.id))),
  ]);
  const byPost = new Map(posts.map((p) => [p.id, p]));
  const people = await peopleOf(ctx, members);
  const party = (memberId: string) => {
    const p = people.get(memberId);
    return { memberId, name: p?.name ?? '', phoneMasked: p?.phoneMasked ?? null, place: p?.place ?? null };
  };
  return rows.map((ex) => ({
    id: ex.id,
    postId: ex.post_id,
    kind: ex.kind,
    title: byPost.get(ex.post_id)?.title ?? '',
    category: byPost.get(ex.post_id)?.category ?? '',
    orgNodeId: ex.org_node_id,
    minutes: ex.minutes,
    status: ex.status,
    neededBy: ex.needed_by,
    dueAt: ex.due_at,
    note: ex.note,
    doneAt: ex.done_at,
    doneNote: ex.done_note,
    acceptedAt: ex.accepted_at,
    acceptedHow: ex.accepted_how,
    disputedAt: ex.disputed_at,
    disputedBy: ex.disputed_by ? (ex.disputed_by === ex.requester_member_id ? ('requester' as const) : ('helper' as const)) : null,
    disputeReason: ex.dispute_reason,
    resolvedAt: ex.resolved_at,
    resolution: ex.resolution,
    resolutionReason: ex.resolution_reason,
    releasedAt: ex.released_at,
    cancelledAt: ex.cancelled_at,
    cancelReason: ex.cancel_reason,
    createdAt: ex.created_at,
    requester: party(ex.requester_member_id),
    helper: party(ex.helper_member_id),
    escrowBalance: escrow.get(escrowAccountCode(ex.id)) ?? 0,
    holdJournalId: ex.hold_journal_id,
    settleJournalId: ex.settle_journal_id,
    canResolve: ex.status === 'disputed' && canAt(actor, TIMEBANK_MANAGE, ex.org_path),
  }));
}

function staffPaths(actor: Actor) {
  const paths = scopePaths(actor, TIMEBANK_MANAGE);
  if (paths.length === 0) throw forbidden();
  return paths;
}

/** Exchanges of the caller's subtree with the parties' names (an audited read). */
export async function listExchanges(ctx: PlatformContext, actor: Actor, q: { status?: TimebankExchangeStatus; open: '0' | '1'; page: number; pageSize: number }, meta: RequestMeta) {
  const paths = staffPaths(actor);
  const statuses = q.open === '1' ? (['disputed'] as TimebankExchangeStatus[]) : q.status ? [q.status] : undefined;
  const { rows, total } = await repo.listExchanges(ctx.db.kysely, { paths, statuses }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.exchanges.read', targetType: 'timebank_exchange', ip: meta.ip, requestId: meta.requestId, details: { statuses: statuses ?? 'all', page: q.page, count: rows.length } });
  return { items: await presentStaff(ctx, actor, rows), total, page: q.page, pageSize: q.pageSize };
}

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const ex = await repo.getExchange(ctx.db.kysely, id);
  if (!ex || !canAt(actor, TIMEBANK_MANAGE, ex.org_path)) throw notFound('TIMEBANK_EXCHANGE_NOT_FOUND');
  return ex;
}

export async function getExchangeForStaff(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const ex = await loadForStaff(ctx, actor, id);
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.exchange.read', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId });
  return (await presentStaff(ctx, actor, [ex]))[0]!;
}

/** 裁定: community staff award a disputed exchange's hours to the helper or back to the requester, with a reason. */
export async function resolve(ctx: PlatformContext, actor: Actor, id: string, input: { award: 'helper' | 'requester'; reason: string }, meta: RequestMeta) {
  const ex = await loadForStaff(ctx, actor, id);
  const post = (await repo.getPost(ctx.db.kysely, ex.post_id))!;
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateExchangeIf(trx, ex.id, ['disputed'], { status: 'resolved', resolved_at: at, resolved_by: actor.userId, resolution: input.award, resolution_reason: input.reason, updated_at: at })) !== 1) throw stateConflict((await repo.getExchange(trx, ex.id))!.status, 'resolve');
    const j = await settle(trx, ex, input.award, { type: 'timebank.resolve', memo: `时间银行争议裁定：${post.title}（${input.award === 'helper' ? '归帮助人' : '退回求助人'}）`, by: actor.userId, now });
    const users = [await userOf(trx, ex.requester_member_id), await userOf(trx, ex.helper_member_id)].filter((u): u is string => !!u);
    await notify(trx, { recipients: users, kind: 'volunteers.timebank.resolved', title: `社区已裁定：${post.title}`, body: `${hours(ex.minutes)} 小时${input.award === 'helper' ? '转给帮助人' : '退回求助人'}。理由：${input.reason}`, link: `/m/timebank/${post.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.resolve', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { award: input.award, reason: input.reason, minutes: ex.minutes, journal: j.id } }, trx);
  });
  return (await presentStaff(ctx, actor, [(await repo.getExchange(ctx.db.kysely, ex.id))!]))[0]!;
}

/** Posts of the caller's subtree (authors masked, as neighbours see them). */
export async function listPostsForStaff(ctx: PlatformContext, actor: Actor, q: { kind?: 'offer' | 'need'; status?: 'open' | 'taken' | 'closed' | 'expired'; page: number; pageSize: number }) {
  const paths = staffPaths(actor);
  const { rows, total } = await repo.listPosts(ctx.db.kysely, { paths, kind: q.kind, statuses: q.status ? [q.status] : undefined }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const people = await peopleOf(ctx, await repo.getMembersByIds(ctx.db.kysely, rows.map((r) => r.member_id)));
  const now = ctx.now();
  return {
    items: rows.map((p) => {
      const { canTake: _t, canBook: _b, canClose: _c, ...view } = presentPost(p, people.get(p.member_id), null, now);
      return { ...view, orgNodeId: p.org_node_id, canClose: p.status === 'open' };
    }),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** Staff close an improper open post (the author is told why). */
export async function closePostByStaff(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const p = await repo.getPost(ctx.db.kysely, id);
  if (!p || !canAt(actor, TIMEBANK_MANAGE, p.org_path)) throw notFound('TIMEBANK_POST_NOT_FOUND');
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updatePostIf(trx, p.id, ['open'], { status: 'closed', closed_reason: input.reason, closed_by: actor.userId, updated_at: at })) !== 1) throw conflict('TIMEBANK_POST_CLOSED');
    const to = await userOf(trx, p.member_id);
    if (to) await notify(trx, { recipients: [to], kind: 'volunteers.timebank.post-closed', title: `社区关闭了您发布的信息：${p.title}`, body: `原因：${input.reason}`, link: `/m/timebank/${p.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.timebank.post.close', targetType: 'timebank_post', targetId: p.id, orgNodeId: p.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason, by: 'staff' } }, trx);
  });
  const people = await peopleOf(ctx, await repo.getMembersByIds(ctx.db.kysely, [p.member_id]));
  const fresh = (await repo.getPost(ctx.db.kysely, p.id))!;
  const { canTake: _t, canBook: _b, canClose: _c, ...view } = presentPost(fresh, people.get(p.member_id), null, now);
  return { ...view, orgNodeId: fresh.org_node_id, canClose: false };
}

/** Counts of a subtree (a node of the caller's, or all of theirs), with the ledger's escrow beside the rows' held minutes. */
export async function overview(ctx: PlatformContext, actor: Actor, q: { orgNodeId?: string }) {
  let paths = staffPaths(actor);
  const db = ctx.db.kysely;
  if (q.orgNodeId) {
    const node = await repo.getNode(db, q.orgNodeId);
    if (!node || !canAt(actor, TIMEBANK_MANAGE, node.path)) throw badRequest('TIMEBANK_NODE_INVALID');
    paths = [node.path];
  }
  const c = await repo.overviewCounts(db, paths);
  const [escrow, grants] = await Promise.all([minutesOn(db, c.liveExchangeIds.map(escrowAccountCode)), minutesOn(db, c.communityIds.map(grantAccountCode))]);
  const exchanges: Record<string, number> = { held: 0, done: 0, completed: 0, disputed: 0, resolved: 0, released: 0, cancelled: 0 };
  let heldMinutes = 0;
  let settledMinutes = 0;
  for (const e of c.exchanges) {
    exchanges[e.status] = e.n;
    if ((LIVE_EXCHANGE as string[]).includes(e.status)) heldMinutes += e.minutes;
    settledMinutes += e.settled;
  }
  return {
    members: c.members,
    openOffers: c.openOffers,
    openNeeds: c.openNeeds,
    exchanges,
    settledMinutes,
    heldMinutes,
    escrowMinutes: [...escrow.values()].reduce((a, b) => a + b, 0),
    grantedMinutes: [...grants.values()].reduce((a, b) => a + b, 0),
  };
}

// ---------------------------------------------------------------- the deadlines job

/**
 * Runs the time bank's deadlines at `ctx.now()`; each step is a conditional UPDATE from the
 * state it found, committed with its ledger journal, so a second run — in this process or
 * another — finds nothing to do:
 *
 * - open needs past `needed_by` → `expired` (their promise stops counting);
 * - held exchanges past `due_at` (needed by + 48 h, never reported done) → `released`: the hours
 *   go back to the requester;
 * - exchanges reported done `AUTO_ACCEPT_DAYS` ago, neither confirmed nor disputed → `completed`
 *   (自动确认): the hours go to the helper.
 */
export async function runDeadlines(ctx: PlatformContext): Promise<{ expired: number; released: number; confirmed: number }> {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const at = now.toISOString();
  let expired = 0;
  let released = 0;
  let confirmed = 0;

  for (const p of await repo.needsPastDue(db, at)) {
    const done = await db.transaction().execute(async (trx) => {
      if ((await repo.updatePostIf(trx, p.id, ['open'], { status: 'expired', updated_at: at })) !== 1) return false;
      const to = await userOf(trx, p.member_id);
      if (to) await notify(trx, { recipients: [to], kind: 'volunteers.timebank.expired', title: `需求已过期：${p.title}`, body: `到 ${beijing(p.needed_by!)} 还没有邻居接单，承诺的 ${hours(p.minutes)} 小时已释放。可以重新发布。`, link: `/m/timebank/${p.id}`, at: now });
      await appendAudit(ctx.db, { ...system, action: 'volunteers.timebank.post.expire', targetType: 'timebank_post', targetId: p.id, orgNodeId: p.org_node_id, details: { neededBy: p.needed_by } }, trx);
      return true;
    });
    if (done) expired++;
  }

  for (const ex of await repo.heldPastDue(db, at)) {
    const done = await db.transaction().execute(async (trx) => {
      if ((await repo.updateExchangeIf(trx, ex.id, ['held'], { status: 'released', released_at: at, updated_at: at })) !== 1) return false;
      const post = (await repo.getPost(trx, ex.post_id))!;
      const j = await settle(trx, ex, 'requester', { type: 'timebank.release', memo: `时间银行退回：${post.title}（逾期未完成）`, by: null, now });
      if (ex.kind === 'need') await repo.updatePostIf(trx, post.id, ['taken'], { status: 'expired', updated_at: at });
      const users = [await userOf(trx, ex.requester_member_id), await userOf(trx, ex.helper_member_id)].filter((u): u is string => !!u);
      await notify(trx, { recipients: users, kind: 'volunteers.timebank.released', title: `逾期未完成，时长已退回：${post.title}`, body: `到 ${beijing(ex.due_at)} 仍未标记完成，冻结的 ${hours(ex.minutes)} 小时已退回求助人。`, link: `/m/timebank/${post.id}`, at: now });
      await appendAudit(ctx.db, { ...system, action: 'volunteers.timebank.release', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, details: { dueAt: ex.due_at, minutes: ex.minutes, journal: j.id } }, trx);
      return true;
    });
    if (done) released++;
  }

  const doneBefore = new Date(now.getTime() - AUTO_ACCEPT_DAYS * DAY).toISOString();
  for (const ex of await repo.doneUnconfirmed(db, doneBefore)) {
    const done = await db.transaction().execute(async (trx) => {
      if ((await repo.updateExchangeIf(trx, ex.id, ['done'], { status: 'completed', accepted_at: at, accepted_how: 'auto', updated_at: at })) !== 1) return false;
      const post = (await repo.getPost(trx, ex.post_id))!;
      const j = await settle(trx, ex, 'helper', { type: 'timebank.settle', memo: `时间银行：${post.title}（超时自动确认）`, by: null, now });
      const users = [await userOf(trx, ex.requester_member_id), await userOf(trx, ex.helper_member_id)].filter((u): u is string => !!u);
      await notify(trx, { recipients: users, kind: 'volunteers.timebank.auto-accepted', title: `已自动确认：${post.title}`, body: `标记完成 ${AUTO_ACCEPT_DAYS} 天内无人确认或申请处理，${hours(ex.minutes)} 小时已转给帮助人。`, link: `/m/timebank/${post.id}`, at: now });
      await appendAudit(ctx.db, { ...system, action: 'volunteers.timebank.auto-accept', targetType: 'timebank_exchange', targetId: ex.id, orgNodeId: ex.org_node_id, details: { doneAt: ex.done_at, minutes: ex.minutes, journal: j.id } }, trx);
      return true;
    });
    if (done) confirmed++;
  }
  return { expired, released, confirmed };
}
