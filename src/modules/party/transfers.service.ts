import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingDays, addWorkingHours, localDateOf, workingHoursBetween, type WorkCalendar } from '../../platform/calendar/working-time.js';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { residentFacts } from '../registry/registry.facts.js';
import { setPoliticalStatusFromParty } from '../registry/registry.writes.js';
import { addDays, audit, beijingDay, dayEnd, type Label } from './party.common.js';
import { canDecideOrg, canReadOrg, canRunOrg, leads, LEADING_POSTS, PARTY_COMMITTEE, PARTY_READ, type Leadership } from './party.policy.js';
import * as orgRepo from './organisations.repository.js';
import { checkDates, committeeOf, leadershipOf, loadOrg, myMember, personForRolls, POLITICAL_STATUS_OF } from './organisations.service.js';
import * as repo from './transfers.repository.js';
import type { TransferInInput, TransferOutInput } from './transfers.schema.js';
import type { TransferState } from './transfers.table.js';

/**
 * 组织关系转接. A transfer out (the member or their secretary starts it) goes 支部审批 → 党委审批
 * (the committee gives the 介绍信编号 and, for an organisation outside Linli, a printable letter)
 * → 接收 (the receiving branch in Linli confirms it received the member, or — for a letter carried
 * outside — the committee records the returned 回执); a transfer in (with the sender's letter)
 * goes 党委审核 → 支部接收. Any step may refuse, with a reason. Each step is one conditional
 * UPDATE on the version the caller saw (409 when someone moved first), one `party_transfer_step`
 * row, an audit entry and notifications, in one transaction. Review stages have 5 working days;
 * receipt has the letter's validity; the deadline job warns at 80 % and when due.
 */

export const REVIEW_WORKING_DAYS = 5;
export const WARN_SHARE = 0.8;

addMessages({
  'error.PARTY_TRANSFER_NOT_FOUND': { 'zh-CN': '组织关系转接记录不存在或不在您的管辖范围内', en: 'No such relation transfer in your area' },
  'error.PARTY_TRANSFER_STALE': { 'zh-CN': '该转接刚被他人处理，请刷新后查看最新状态', en: 'Someone else just acted on this transfer; reload to see where it stands' },
  'error.PARTY_TRANSFER_OPEN': { 'zh-CN': '该党员已有一项正在办理的组织关系转接', en: 'This member already has a transfer under way' },
  'error.PARTY_TRANSFER_NOT_ALLOWED': { 'zh-CN': '您不能在此环节办理（当前：{state}）', en: 'You cannot take this step now (now: {state})' },
  'error.PARTY_TRANSFER_REASON_REQUIRED': { 'zh-CN': '请填写不同意（或撤回）的理由', en: 'Give the reason for refusing (or withdrawing)' },
  'error.PARTY_TRANSFER_SAME_BRANCH': { 'zh-CN': '转入组织与现所在支部相同', en: 'The destination is the member’s own branch' },
  'error.PARTY_TRANSFER_DEST_KIND': { 'zh-CN': '组织关系须转入党支部', en: 'A relation is transferred to a branch (党支部)' },
  'error.PARTY_NOT_MEMBER': { 'zh-CN': '您不在党员名册中（请联系所在党支部）', en: 'You are not on the party rolls (ask your branch)' },
  'error.PARTY_LETTER_NOT_ISSUED': { 'zh-CN': '介绍信在党委审批通过后开具', en: 'The letter is issued once the committee approves' },
});

export const STATE_LABELS: Record<TransferState, Label> = {
  branch_review: { 'zh-CN': '支部审批中', en: 'Branch reviewing' },
  committee_review: { 'zh-CN': '党委审批中', en: 'Committee reviewing' },
  awaiting_receipt: { 'zh-CN': '待接收', en: 'Awaiting receipt' },
  completed: { 'zh-CN': '已完成', en: 'Completed' },
  refused: { 'zh-CN': '未通过', en: 'Refused' },
  cancelled: { 'zh-CN': '已撤回', en: 'Withdrawn' },
};

const ACTION_LABELS: Record<string, Label> = {
  start: { 'zh-CN': '提出申请', en: 'Started' },
  approve: { 'zh-CN': '同意', en: 'Approved' },
  refuse: { 'zh-CN': '不同意', en: 'Refused' },
  confirm: { 'zh-CN': '确认接收', en: 'Receipt confirmed' },
  cancel: { 'zh-CN': '撤回', en: 'Withdrawn' },
};

function waitingFor(t: repo.TransferRow): Label | null {
  if (t.state === 'branch_review') return { 'zh-CN': `${t.from_org_name}审批`, en: 'The branch’s approval' };
  if (t.state === 'committee_review') return { 'zh-CN': '党委审批', en: 'The party committee’s approval' };
  if (t.state === 'awaiting_receipt') {
    if (t.direction === 'out' && !t.to_org_id) return { 'zh-CN': `${t.to_org_name}接收（回执寄回后由党委确认）`, en: 'Receipt by the organisation outside Linli (the committee records the returned slip)' };
    return { 'zh-CN': `${t.to_org_name}确认接收`, en: 'The receiving branch’s confirmation' };
  }
  return null;
}

// ---------------------------------------------------------------- deadlines

/** The end of office hours of the `days`-th working day after `from`. */
function reviewDue(cal: WorkCalendar, from: Date): Date {
  const day = localDateOf(cal, addWorkingDays(cal, from, REVIEW_WORKING_DAYS));
  const last = cal.officeHours.periods[cal.officeHours.periods.length - 1]!;
  return new Date(Date.parse(`${day}T00:00:00Z`) - cal.officeHours.utcOffsetMinutes * 60_000 + last.end * 60_000);
}

function clockFor(cal: WorkCalendar, state: TransferState, now: Date, receiptUntil: string | null): { warn_at: string | null; due_at: string | null; warned_at: null; overdue_at: null } {
  if (state === 'branch_review' || state === 'committee_review') {
    const due = reviewDue(cal, now);
    const hours = workingHoursBetween(cal, now, due);
    return { due_at: due.toISOString(), warn_at: addWorkingHours(cal, now, hours * WARN_SHARE).toISOString(), warned_at: null, overdue_at: null };
  }
  if (state === 'awaiting_receipt' && receiptUntil) {
    const due = Date.parse(dayEnd(receiptUntil));
    return { due_at: new Date(due).toISOString(), warn_at: new Date(now.getTime() + (due - now.getTime()) * WARN_SHARE).toISOString(), warned_at: null, overdue_at: null };
  }
  return { warn_at: null, due_at: null, warned_at: null, overdue_at: null };
}

// ---------------------------------------------------------------- who may do what

interface Sides {
  from: orgRepo.OrgRow | null;
  to: orgRepo.OrgRow | null;
  /** The committee that decides: the sender's for a transfer out, the receiver's for one in. */
  committee: orgRepo.OrgRow | null;
  /** The branch the committee decides for (its area when there is no committee). */
  deciding: orgRepo.OrgRow;
}

async function sidesOf(ctx: PlatformContext, t: repo.TransferRow, db: Executor = ctx.db.kysely): Promise<Sides> {
  const from = t.from_org_id ? ((await orgRepo.getOrg(db, t.from_org_id)) ?? null) : null;
  const to = t.to_org_id ? ((await orgRepo.getOrg(db, t.to_org_id)) ?? null) : null;
  const deciding = (t.direction === 'out' ? from : to)!;
  return { from, to, committee: (await committeeOf(ctx, deciding, db)) ?? null, deciding };
}

/** The sides of many transfers from one read of the organisations involved and their ancestors (lists). */
async function sidesOfMany(ctx: PlatformContext, rows: repo.TransferRow[]): Promise<Map<string, Sides>> {
  const paths = rows.flatMap((t) => [t.from_party_path, t.to_party_path]).filter((p): p is string => !!p);
  const orgs = await orgRepo.getOrgs(ctx.db.kysely, [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))]);
  const out = new Map<string, Sides>();
  for (const t of rows) {
    const from = t.from_org_id ? (orgs.get(t.from_org_id) ?? null) : null;
    const to = t.to_org_id ? (orgs.get(t.to_org_id) ?? null) : null;
    const deciding = (t.direction === 'out' ? from : to)!;
    const chain = deciding.path.split('/').filter(Boolean).map((id) => orgs.get(id)).filter((o): o is orgRepo.OrgRow => !!o);
    out.set(t.id, { from, to, committee: [...chain].reverse().find((o) => o.kind === 'committee') ?? null, deciding });
  }
  return out;
}

function committeeDecides(actor: Actor, led: Leadership, s: Sides): boolean {
  if (s.committee) return canAt(actor, PARTY_COMMITTEE, s.committee.org_path) || leads(led, s.committee);
  return canAt(actor, PARTY_COMMITTEE, s.deciding.org_path);
}

/** The steps the actor may take on the transfer now. */
function actionsFor(actor: Actor, led: Leadership, t: repo.TransferRow, s: Sides): ('approve' | 'refuse' | 'confirm' | 'cancel')[] {
  const out: ('approve' | 'refuse' | 'confirm' | 'cancel')[] = [];
  if (t.state === 'branch_review' && s.from && canDecideOrg(actor, led, s.from)) out.push('approve', 'refuse');
  if (t.state === 'committee_review' && committeeDecides(actor, led, s)) out.push('approve', 'refuse');
  if (t.state === 'awaiting_receipt') {
    const receiver = s.to ? canDecideOrg(actor, led, s.to) : committeeDecides(actor, led, s);
    if (receiver) out.push('confirm', 'refuse');
  }
  if ((t.state === 'branch_review' || t.state === 'committee_review') && (t.started_by === actor.userId || (t.direction === 'out' && t.person_id === actor.personId))) out.push('cancel');
  return out;
}

/** Whether the actor may see the transfer: its member, its starter, or the sides' readers and leaders. */
function canSee(actor: Actor, led: Leadership, t: repo.TransferRow, s: Sides): boolean {
  if (t.person_id === actor.personId || t.started_by === actor.userId) return true;
  if (s.from && canReadOrg(actor, led, s.from)) return true;
  if (s.to && canReadOrg(actor, led, s.to)) return true;
  return committeeDecides(actor, led, s);
}

// ---------------------------------------------------------------- presenting

function present(t: repo.TransferRow, actions: ReturnType<typeof actionsFor>, now: Date) {
  return {
    id: t.id,
    direction: t.direction,
    state: t.state,
    stateLabel: STATE_LABELS[t.state],
    memberId: t.member_id,
    personId: t.person_id,
    memberName: t.member_name,
    category: t.category,
    fromOrgId: t.from_org_id,
    fromOrgName: t.from_org_name,
    toOrgId: t.to_org_id,
    toOrgName: t.to_org_name,
    toExternal: t.direction === 'out' && !t.to_org_id,
    reason: t.reason,
    note: t.note,
    letterNumber: t.letter_number,
    letterValidDays: t.letter_valid_days,
    letterValidUntil: t.letter_valid_until,
    duesPaidUntil: t.dues_paid_until,
    startedByName: t.started_by_name,
    startedAt: t.started_at,
    dueAt: t.due_at,
    overdue: !!t.due_at && t.due_at < now.toISOString() && ['branch_review', 'committee_review', 'awaiting_receipt'].includes(t.state),
    refusalReason: t.refusal_reason,
    closedAt: t.closed_at,
    version: t.version,
    waitingFor: waitingFor(t),
    actions,
    letterPath: t.direction === 'out' && t.letter_number ? `/api/v1/party/transfers/${t.id}/letter` : null,
  };
}

async function detail(ctx: PlatformContext, actor: Actor, t: repo.TransferRow, led: Leadership, s: Sides) {
  const steps = await repo.stepsOf(ctx.db.kysely, t.id);
  const facts = await residentFacts(ctx.db.kysely, t.person_id);
  return {
    ...present(t, actionsFor(actor, led, t, s), ctx.now()),
    idMasked: t.id_masked ?? facts?.idMasked ?? null,
    joinedOn: t.joined_on,
    confirmedOn: t.confirmed_on,
    history: steps.map((x) => ({ version: x.version, action: x.action, actionLabel: ACTION_LABELS[x.action] ?? { 'zh-CN': x.action, en: x.action }, fromState: x.from_state, toState: x.to_state, note: x.note, actorName: x.actor_name, at: x.at })),
  };
}

async function loadVisible(ctx: PlatformContext, actor: Actor, id: string) {
  const t = await repo.getTransfer(ctx.db.kysely, id);
  if (!t) throw notFound('PARTY_TRANSFER_NOT_FOUND');
  const led = await leadershipOf(ctx, actor);
  const s = await sidesOf(ctx, t);
  if (!canSee(actor, led, t, s)) throw notFound('PARTY_TRANSFER_NOT_FOUND');
  return { t, led, s };
}

export async function getTransfer(ctx: PlatformContext, actor: Actor, id: string) {
  const { t, led, s } = await loadVisible(ctx, actor, id);
  return detail(ctx, actor, t, led, s);
}

/** Transfers of the caller's area and of what they lead; `todo`: only those waiting for them. */
export async function listTransfers(ctx: PlatformContext, actor: Actor, q: { todo: boolean; state?: TransferState; direction?: 'out' | 'in'; page: number; pageSize: number }) {
  const led = await leadershipOf(ctx, actor);
  const nodePaths = [...new Set([...scopePaths(actor, PARTY_READ), ...scopePaths(actor, PARTY_COMMITTEE)])];
  if (nodePaths.length === 0 && led.length === 0) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const rows = await repo.listTransfers(ctx.db.kysely, { nodePaths, partyPaths: [...led], state: q.state, direction: q.direction }, 1000);
  const now = ctx.now();
  const sides = await sidesOfMany(ctx, rows);
  const items = [];
  for (const t of rows) {
    const s = sides.get(t.id)!;
    const actions = actionsFor(actor, led, t, s).filter((a) => a !== 'cancel' || !q.todo);
    if (q.todo && actions.length === 0) continue;
    items.push(present(t, actions, now));
  }
  return { items: items.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: items.length, page: q.page, pageSize: q.pageSize };
}

/** The member's own transfers: where each stands and its history. */
export async function myTransfers(ctx: PlatformContext, actor: Actor) {
  if (!actor.personId) return { items: [] };
  const rows = await repo.listTransfers(ctx.db.kysely, { nodePaths: [], partyPaths: [], personId: actor.personId }, 50);
  const led = await leadershipOf(ctx, actor);
  const items = [];
  for (const t of rows) items.push(await detail(ctx, actor, t, led, await sidesOf(ctx, t)));
  return { items };
}

// ---------------------------------------------------------------- notifying

/** Accounts of the 书记/副书记 of these organisations. */
async function leaderAccounts(db: Executor, orgIds: string[]): Promise<string[]> {
  const posts = await orgRepo.postsIn(db, orgIds, LEADING_POSTS);
  const accounts = await orgRepo.accountsOfPeople(db, posts.map((p) => p.person_id));
  return [...accounts.values()].flat();
}

/** Who must act in the transfer's current state (to remind them, and tell them it arrived). */
export async function handlersOf(ctx: PlatformContext, db: Executor, t: repo.TransferRow): Promise<string[]> {
  const s = await sidesOf(ctx, t, db);
  let ids: string[] = [];
  if (t.state === 'branch_review' && s.from) ids = [...(await leaderAccounts(db, [s.from.id])), ...(await orgRepo.grantHoldersAbove(db, s.from.org_path, ['party_secretary']))];
  const committeeSide = async () => [
    ...(s.committee ? await leaderAccounts(db, [s.committee.id]) : []),
    ...(await orgRepo.grantHoldersAbove(db, (s.committee ?? s.deciding).org_path, ['party_secretary'])),
  ];
  if (t.state === 'committee_review') ids = await committeeSide();
  if (t.state === 'awaiting_receipt') ids = s.to ? [...(await leaderAccounts(db, [s.to.id])), ...(await orgRepo.grantHoldersAbove(db, s.to.org_path, ['party_secretary']))] : await committeeSide();
  return [...new Set(ids)];
}

async function memberAccounts(db: Transaction<Database>, personId: string): Promise<string[]> {
  return (await orgRepo.accountsOfPeople(db, [personId])).get(personId) ?? [];
}

const MEMBER_LINK = '/m/party/transfers';
const CONSOLE_LINK = '/console/party/transfers';

async function tellAfterStep(ctx: PlatformContext, trx: Transaction<Database>, t: repo.TransferRow, actor: Actor | null, what: string) {
  const now = ctx.now();
  const member = (await memberAccounts(trx, t.person_id)).filter((u) => u !== actor?.userId);
  if (member.length) {
    await notify(trx, { recipients: member, kind: 'party.transfer.progress', title: `组织关系转接：${STATE_LABELS[t.state]['zh-CN']}`, body: `${t.from_org_name} → ${t.to_org_name}：${what}`, link: MEMBER_LINK, at: now });
  }
  if (['branch_review', 'committee_review', 'awaiting_receipt'].includes(t.state)) {
    const handlers = (await handlersOf(ctx, trx, t)).filter((u) => u !== actor?.userId);
    if (handlers.length) {
      await notify(trx, { recipients: handlers, kind: 'party.transfer.todo', title: `待办理：${t.member_name}的组织关系转接`, body: `${t.from_org_name} → ${t.to_org_name}，${waitingFor(t)?.['zh-CN'] ?? ''}`, link: CONSOLE_LINK, at: now });
    }
  }
}

// ---------------------------------------------------------------- starting

async function snapshotOf(ctx: PlatformContext, personId: string) {
  const facts = await residentFacts(ctx.db.kysely, personId);
  if (!facts) throw notFound('PARTY_PERSON_NOT_IN_REGISTRY');
  return { name: facts.name, idMasked: facts.idMasked, gender: facts.gender };
}

/**
 * 转出: the member (own record) or whoever runs their branch starts it; it goes to the branch.
 * The destination is a branch in Linli, or an organisation outside it by name.
 */
export async function startOut(ctx: PlatformContext, actor: Actor, input: TransferOutInput, meta: RequestMeta, opts: { self: boolean }) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  let m: orgRepo.MemberRow | undefined;
  if (opts.self) {
    m = await myMember(ctx, actor);
    if (!m) throw notFound('PARTY_NOT_MEMBER');
  } else {
    m = input.memberId ? await orgRepo.getMember(db, input.memberId) : undefined;
    if (!m) throw notFound('PARTY_MEMBER_NOT_FOUND');
  }
  const from = await loadOrg(ctx, m.org_id);
  if (!opts.self && !canRunOrg(actor, led, from)) throw notFound('PARTY_MEMBER_NOT_FOUND');
  if (m.status !== 'active') throw conflict('PARTY_MEMBER_NOT_ACTIVE');
  let to: orgRepo.OrgRow | null = null;
  if ('orgId' in input.destination) {
    to = await loadOrg(ctx, input.destination.orgId);
    if (to.kind !== 'branch') throw badRequest('PARTY_TRANSFER_DEST_KIND');
    if (to.id === from.id) throw badRequest('PARTY_TRANSFER_SAME_BRANCH');
  }
  if (await repo.openTransferOf(db, m.person_id)) throw conflict('PARTY_TRANSFER_OPEN');
  const snap = await snapshotOf(ctx, m.person_id);
  const now = ctx.now();
  const cal = await getWorkCalendar(ctx);
  const row: repo.TransferRow = {
    id: newId(),
    direction: 'out',
    state: 'branch_review',
    person_id: m.person_id,
    member_id: m.id,
    member_name: snap.name,
    id_masked: snap.idMasked,
    gender: snap.gender,
    category: m.category,
    joined_on: m.joined_on,
    confirmed_on: m.confirmed_on,
    from_org_id: from.id,
    from_org_name: from.name,
    from_party_path: from.path,
    from_org_path: from.org_path,
    to_org_id: to?.id ?? null,
    to_org_name: to ? to.name : (input.destination as { name: string }).name,
    to_party_path: to?.path ?? null,
    to_org_path: to?.org_path ?? null,
    reason: input.reason,
    note: input.note ?? null,
    letter_number: null,
    letter_valid_days: input.validDays,
    letter_valid_until: null,
    dues_paid_until: input.duesPaidUntil ?? null,
    started_by: actor.userId,
    started_by_name: actor.displayName,
    started_at: now.toISOString(),
    ...clockFor(cal, 'branch_review', now, null),
    refusal_reason: null,
    closed_at: null,
    version: 1,
    updated_at: now.toISOString(),
  };
  await write(ctx, actor, row, meta);
  return getTransfer(ctx, actor, row.id);
}

/** 转入: the receiving branch's secretary (or staff) registers the sender's letter; the committee reviews it. */
export async function startIn(ctx: PlatformContext, actor: Actor, input: TransferInInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  const to = await loadOrg(ctx, input.toOrgId);
  if (!canRunOrg(actor, led, to)) throw notFound('PARTY_ORG_NOT_FOUND');
  if (to.kind !== 'branch') throw badRequest('PARTY_TRANSFER_DEST_KIND');
  const personId = await personForRolls(ctx, to, { idNumber: input.idNumber });
  const existing = await orgRepo.memberOfPerson(db, personId);
  if (existing?.status === 'active') {
    const org = await orgRepo.getOrg(db, existing.org_id);
    throw conflict('PARTY_MEMBER_EXISTS', { org: org?.name ?? '' });
  }
  if (await repo.openTransferOf(db, personId)) throw conflict('PARTY_TRANSFER_OPEN');
  const today = beijingDay(ctx.now());
  checkDates(today, input.category, input.joinedOn, input.confirmedOn);
  const snap = await snapshotOf(ctx, personId);
  const now = ctx.now();
  const cal = await getWorkCalendar(ctx);
  const validDays = Math.max(1, Math.round((Date.parse(input.letterValidUntil) - Date.parse(today)) / 86_400_000));
  const row: repo.TransferRow = {
    id: newId(),
    direction: 'in',
    state: 'committee_review',
    person_id: personId,
    member_id: existing?.id ?? null,
    member_name: snap.name,
    id_masked: snap.idMasked,
    gender: snap.gender,
    category: input.category,
    joined_on: input.joinedOn,
    confirmed_on: input.confirmedOn ?? null,
    from_org_id: null,
    from_org_name: input.fromOrgName,
    from_party_path: null,
    from_org_path: null,
    to_org_id: to.id,
    to_org_name: to.name,
    to_party_path: to.path,
    to_org_path: to.org_path,
    reason: input.reason,
    note: input.note ?? null,
    letter_number: input.letterNumber,
    letter_valid_days: validDays,
    letter_valid_until: input.letterValidUntil,
    dues_paid_until: input.duesPaidUntil ?? null,
    started_by: actor.userId,
    started_by_name: actor.displayName,
    started_at: now.toISOString(),
    ...clockFor(cal, 'committee_review', now, null),
    refusal_reason: null,
    closed_at: null,
    version: 1,
    updated_at: now.toISOString(),
  };
  if (input.letterValidUntil < today) throw badRequest('PARTY_DATES_INVALID', { why: '介绍信已过有效期' }, { why: { 'zh-CN': '介绍信已过有效期', en: 'the letter has expired' } });
  await write(ctx, actor, row, meta);
  return getTransfer(ctx, actor, row.id);
}

async function write(ctx: PlatformContext, actor: Actor, row: repo.TransferRow, meta: RequestMeta) {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // One transfer under way per person: checked again inside the transaction.
    if (await repo.openTransferOf(trx, row.person_id)) throw conflict('PARTY_TRANSFER_OPEN');
    await repo.insertTransfer(trx, row);
    await repo.insertStep(trx, { id: newId(), transfer_id: row.id, version: 1, action: 'start', from_state: null, to_state: row.state, note: row.note, actor_user_id: actor.userId, actor_name: actor.displayName, at: row.started_at });
    const node = row.direction === 'out' ? row.from_org_path : row.to_org_path;
    await appendAudit(
      ctx.db,
      audit(actor, meta, { action: `party.transfer.start-${row.direction}`, targetType: 'party_transfer', targetId: row.id, orgNodeId: node ? node.split('/').filter(Boolean).pop()! : null, details: { member: row.member_id, from: row.from_org_name, to: row.to_org_name, reason: row.reason } }),
      trx,
    );
    await tellAfterStep(ctx, trx, row, actor, '已提出申请');
  });
}

// ---------------------------------------------------------------- steps

/** 审批、接收、不同意、撤回: one step on the version the caller saw. */
export async function takeStep(ctx: PlatformContext, actor: Actor, id: string, input: { action: 'approve' | 'refuse' | 'confirm' | 'cancel'; note?: string; expectedVersion: number }, meta: RequestMeta) {
  const { t, led, s } = await loadVisible(ctx, actor, id);
  if (t.version !== input.expectedVersion) throw conflict('PARTY_TRANSFER_STALE');
  if (!actionsFor(actor, led, t, s).includes(input.action)) {
    await appendAudit(ctx.db, audit(actor, meta, { action: `party.transfer.${input.action}`, outcome: 'denied', targetType: 'party_transfer', targetId: t.id, details: { state: t.state } }));
    throw forbidden('PARTY_TRANSFER_NOT_ALLOWED', { state: STATE_LABELS[t.state]['zh-CN'] });
  }
  if ((input.action === 'refuse' || input.action === 'cancel') && (!input.note || input.note.length < 2)) throw badRequest('PARTY_TRANSFER_REASON_REQUIRED');
  const now = ctx.now();
  const nowIso = now.toISOString();
  const today = beijingDay(now);
  const cal = await getWorkCalendar(ctx);
  let next: TransferState;
  const set: Partial<repo.TransferRow> = { updated_at: nowIso };
  if (input.action === 'refuse') {
    next = 'refused';
    set.refusal_reason = input.note!;
  } else if (input.action === 'cancel') next = 'cancelled';
  else if (t.state === 'branch_review') next = 'committee_review';
  else if (t.state === 'committee_review') {
    next = 'awaiting_receipt';
    if (t.direction === 'out') set.letter_valid_until = addDays(today, t.letter_valid_days);
  } else next = 'completed';
  const receiptUntil = set.letter_valid_until ?? t.letter_valid_until;
  Object.assign(set, { state: next, ...clockFor(cal, next, now, receiptUntil) });
  if (next === 'completed' || next === 'refused' || next === 'cancelled') set.closed_at = nowIso;

  const db = ctx.db.kysely;
  let after: repo.TransferRow | undefined;
  await db.transaction().execute(async (trx) => {
    // The committee's approval of a transfer out gives the letter its number (no gaps: the sequence row is locked).
    if (t.direction === 'out' && t.state === 'committee_review' && next === 'awaiting_receipt') {
      const year = today.slice(0, 4);
      const committee = s.committee ?? s.deciding;
      const node = await orgRepo.getNode(trx, committee.org_node_id);
      const n = await orgRepo.nextNumber(trx, `${committee.id}:transfer:${year}`);
      set.letter_number = `${(node?.name ?? committee.name).slice(0, 1)}党转〔${year}〕${String(n).padStart(3, '0')}号`;
    }
    if (!(await repo.updateTransfer(trx, t.id, input.expectedVersion, set))) throw conflict('PARTY_TRANSFER_STALE');
    try {
      await repo.insertStep(trx, { id: newId(), transfer_id: t.id, version: input.expectedVersion + 1, action: input.action, from_state: t.state, to_state: next, note: input.note ?? null, actor_user_id: actor.userId, actor_name: actor.displayName, at: nowIso });
    } catch (e) {
      if (orgRepo.isUniqueViolation(e)) throw conflict('PARTY_TRANSFER_STALE');
      throw e;
    }
    after = (await repo.getTransfer(trx, t.id))!;
    if (next === 'completed') after = await complete(ctx, trx, actor, after, s, today, meta);
    await appendAudit(
      ctx.db,
      audit(actor, meta, {
        action: `party.transfer.${input.action}`,
        targetType: 'party_transfer',
        targetId: t.id,
        details: { from: t.state, to: next, note: input.note ?? null, letter: set.letter_number ?? null, version: input.expectedVersion + 1 },
      }),
      trx,
    );
    const what = input.action === 'refuse' ? `不同意：${input.note}` : input.action === 'cancel' ? `已撤回：${input.note}` : `${ACTION_LABELS[input.action]!['zh-CN']}（${actor.displayName}）`;
    await tellAfterStep(ctx, trx, after, actor, what);
  });
  return detail(ctx, actor, after!, led, await sidesOf(ctx, after!));
}

/** Receipt confirmed: the member moves to the receiving branch, leaves the rolls (outside Linli), or joins them (in). */
async function complete(ctx: PlatformContext, trx: Transaction<Database>, actor: Actor, t: repo.TransferRow, s: Sides, today: string, meta: RequestMeta): Promise<repo.TransferRow> {
  const nowIso = ctx.now().toISOString();
  const member = t.member_id ? await orgRepo.getMember(trx, t.member_id) : await orgRepo.memberOfPerson(trx, t.person_id);
  const endPosts = async (m: orgRepo.MemberRow) => {
    const posts = await orgRepo.postsOf(trx, [m.id], { current: true });
    await orgRepo.endPosts(
      trx,
      posts.map((p) => p.id),
      today,
    );
  };
  if (t.direction === 'out') {
    if (!member || member.status !== 'active') throw conflict('PARTY_MEMBER_NOT_ACTIVE');
    await endPosts(member);
    const set: Partial<orgRepo.MemberRow> = s.to
      ? { org_id: s.to.id, group_id: null, org_path: s.to.org_path, party_path: s.to.path, is_mobile: 0, mobile_location: null, mobile_since: null, updated_at: nowIso }
      : { status: 'transferred_out', ended_on: today, end_reason: `组织关系转出至${t.to_org_name}（介绍信 ${t.letter_number}）`, updated_at: nowIso };
    if (!(await orgRepo.updateMember(trx, member.id, member.version, set))) throw conflict('PARTY_MEMBER_STALE');
    await appendAudit(ctx.db, audit(actor, meta, { action: s.to ? 'party.member.moved' : 'party.member.transferred-out', targetType: 'party_member', targetId: member.id, details: { transfer: t.id, to: t.to_org_name } }), trx);
    return t;
  }
  const to = s.to!;
  const fields = {
    org_id: to.id,
    group_id: null,
    org_path: to.org_path,
    party_path: to.path,
    category: t.category,
    joined_on: t.joined_on,
    confirmed_on: t.confirmed_on,
    is_mobile: 0,
    mobile_location: null,
    mobile_since: null,
    status: 'active' as const,
    ended_on: null,
    end_reason: null,
    updated_at: nowIso,
  };
  let memberId: string;
  if (member) {
    if (member.status === 'active') throw conflict('PARTY_MEMBER_EXISTS', { org: '' });
    if (!(await orgRepo.updateMember(trx, member.id, member.version, { ...fields, source: 'transfer_in' }))) throw conflict('PARTY_MEMBER_STALE');
    memberId = member.id;
  } else {
    memberId = newId();
    await orgRepo.insertMember(trx, { id: memberId, person_id: t.person_id, ...fields, source: 'transfer_in', version: 1, created_by: actor.userId, created_at: nowIso });
  }
  await setPoliticalStatusFromParty(ctx, trx, actor, t.person_id, POLITICAL_STATUS_OF[t.category], { reason: `组织关系转入${to.name}（自${t.from_org_name}）`, meta });
  await trx.updateTable('party_transfer').set({ member_id: memberId }).where('id', '=', t.id).execute();
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.member.transferred-in', targetType: 'party_member', targetId: memberId, details: { transfer: t.id, from: t.from_org_name, branch: to.id } }), trx);
  return { ...t, member_id: memberId };
}

// ---------------------------------------------------------------- the letter

/** The letter to print (transfers out approved by the committee): its member, or those who see the transfer; audited. */
export async function letterFor(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { t, s } = await loadVisible(ctx, actor, id);
  if (t.direction !== 'out' || !t.letter_number) throw conflict('PARTY_LETTER_NOT_ISSUED');
  const facts = await residentFacts(ctx.db.kysely, t.person_id);
  const issuer = s.committee ?? s.deciding;
  const step = (await repo.stepsOf(ctx.db.kysely, t.id)).find((x) => x.from_state === 'committee_review' && x.action === 'approve');
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.transfer.letter', targetType: 'party_transfer', targetId: t.id, details: { letter: t.letter_number, own: t.person_id === actor.personId } }));
  return {
    number: t.letter_number,
    name: t.member_name,
    gender: t.gender,
    birthDate: facts?.birthDate ?? null,
    ethnicity: facts?.ethnicity ?? null,
    idMasked: t.id_masked,
    category: t.category,
    fromOrgName: t.from_org_name,
    toOrgName: t.to_org_name,
    issuerName: `中共${issuer.name.replace(/^中共/, '')}`,
    duesPaidUntil: t.dues_paid_until,
    validDays: t.letter_valid_days,
    validUntil: t.letter_valid_until,
    issuedOn: step ? beijingDay(step.at) : beijingDay(t.updated_at),
    state: t.state,
  };
}
