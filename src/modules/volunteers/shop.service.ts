import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/schema.js';
import { parseJson } from '../../platform/db/dialect.js';
import { batchedWrite } from '../../platform/db/write-batch.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import * as hoursRepo from './hours.repository.js';
import { OPPORTUNITY_MANAGE, mayLead } from './shop.policy.js';
import * as repo from './shop.repository.js';
import type { OpportunityCard, OpportunityInput, OpportunityPatch } from './shop.schema.js';
import type { SignupStatus } from './shop.table.js';
import { ACTIVE_SIGNUP, PLACE_HOLDING } from './shop.table.js';
import { VOLUNTEER_MANAGE } from './volunteers.policy.js';
import * as volunteersRepo from './volunteers.repository.js';
import { findMyVolunteer, requireMyVolunteer, teamsLedBy } from './volunteers.service.js';

/**
 * 志愿服务网店: opportunities laid out as cards (cover, place, time, places left, skills, hours,
 * deadline, organiser), by category and searchable, shared by link and QR; sign-up with a waiting
 * list that moves up in sign-up order when a place frees; the team leader approves or declines.
 *
 * The last place is never taken twice: a sign-up first updates the opportunity's row (numbering
 * itself with `signup_seq` and taking the row lock), then takes a place with a conditional
 * UPDATE, or joins the waiting list. Sign-ups arriving together share one transaction
 * (`batchedWrite`), in which they run one after another; across server processes the row lock
 * serialises them (PostgreSQL).
 */

export const COVER_PURPOSE = 'volunteers.cover';
/** Opportunities last at most this long (longer work is several opportunities). */
export const MAX_WINDOW_MINUTES = 24 * 60;

const MINUTE = 60_000;

addMessages({
  'error.OPPORTUNITY_NOT_FOUND': { 'zh-CN': '志愿活动不存在', en: 'No such volunteering opportunity' },
  'error.OPPORTUNITY_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的街道、社区或网格', en: 'Choose a sub-district, community or grid inside your area' },
  'error.OPPORTUNITY_TEAM_INVALID': { 'zh-CN': '组织队伍不存在或不在您的管辖范围内', en: 'The organising team does not exist or is outside your area' },
  'error.OPPORTUNITY_TIMES_INVALID': { 'zh-CN': '时间有误：结束须晚于开始，报名截止不晚于开始，活动时长不超过 24 小时', en: 'Bad times: the end must follow the start, sign-ups must close by the start, and it may last at most 24 hours' },
  'error.OPPORTUNITY_PAST': { 'zh-CN': '报名截止时间已过，不能发布', en: 'The sign-up deadline has passed; it cannot be published' },
  'error.OPPORTUNITY_CREDIT_INVALID': { 'zh-CN': '计入时长不能超过活动时段（{max} 分钟）', en: 'Credited time cannot exceed the time window ({max} minutes)' },
  'error.OPPORTUNITY_COVER_INVALID': { 'zh-CN': '封面须为您上传的图片', en: 'The cover must be a picture you uploaded' },
  'error.OPPORTUNITY_STALE': { 'zh-CN': '活动信息已被他人修改，请刷新后重试', en: 'Someone else changed this opportunity; reload and try again' },
  'error.OPPORTUNITY_NOT_DRAFT': { 'zh-CN': '只有草稿可以发布', en: 'Only a draft can be published' },
  'error.OPPORTUNITY_CANCELLED': { 'zh-CN': '该活动已取消', en: 'This opportunity was cancelled' },
  'error.OPPORTUNITY_SIGNUP_CLOSED': { 'zh-CN': '报名已于 {at} 截止', en: 'Sign-ups closed at {at}' },
  'error.OPPORTUNITY_ENDED': { 'zh-CN': '活动已结束', en: 'This opportunity has ended' },
  'error.OPPORTUNITY_STARTED': { 'zh-CN': '活动已开始，不能再取消报名，请联系队长', en: 'The opportunity has started; ask the team leader instead of cancelling' },
  'error.OPPORTUNITY_QUOTA_BELOW_TAKEN': { 'zh-CN': '已有 {taken} 人报名成功，名额不能少于此数', en: '{taken} people hold places; the quota cannot be lower' },
  'error.OPPORTUNITY_TIMES_LOCKED': { 'zh-CN': '已有人报名，不能再改活动时间；如需改期请取消后重新发布', en: 'People have signed up: the times cannot change; cancel it and publish a new one instead' },
  'error.OPPORTUNITY_HAS_RECORDS': { 'zh-CN': '已有志愿者签到，不能取消活动', en: 'Volunteers have checked in; the opportunity cannot be cancelled' },
  'error.OPPORTUNITY_NOT_LEADER': { 'zh-CN': '只有该活动的组织队伍队长或社区工作人员可以操作', en: 'Only a leader of the organising team or community staff can do this' },
  'error.SIGNUP_ALREADY': { 'zh-CN': '您已报名该活动（{status}）', en: 'You have already signed up ({status})' },
  'error.SIGNUP_NOT_FOUND': { 'zh-CN': '报名记录不存在', en: 'No such sign-up' },
  'error.SIGNUP_NOT_ACTIVE': { 'zh-CN': '该报名已{status}', en: 'This sign-up is already {status}' },
  'error.SIGNUP_NOT_PENDING': { 'zh-CN': '只有待审核的报名可以通过', en: 'Only a sign-up awaiting approval can be approved' },
  'error.SIGNUP_CHECKED_IN': { 'zh-CN': '该志愿者已签到，不能拒绝', en: 'This volunteer has checked in and cannot be declined' },
  'error.SIGNUP_CHECKED_IN_CANCEL': { 'zh-CN': '您已签到，不能再取消报名；如有变化请联系队长', en: 'You have checked in: the sign-up can no longer be cancelled; tell the team leader' },
  'error.SIGNUP_VOLUNTEER_INVALID': { 'zh-CN': '只能为本队成员或您管辖范围内的在册志愿者报名', en: 'You can only sign up members of the team, or active volunteers of your area' },
  'error.SIGNUP_CONFLICT': { 'zh-CN': '报名情况刚有变化，请刷新后重试', en: 'The sign-ups just changed; reload and try again' },
});

export const SIGNUP_LABELS: Record<SignupStatus, string> = { pending: '待审核', confirmed: '报名成功', waiting: '候补中', declined: '未通过', cancelled: '已取消' };

type Opp = repo.OpportunityRow;

/** 2026-11-26 10:00 (Beijing), for messages. */
const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

// ---------------------------------------------------------------- presenting

export function phaseOf(o: Pick<Opp, 'starts_at' | 'ends_at'>, now: Date): 'upcoming' | 'ongoing' | 'past' {
  const t = now.toISOString();
  return t < o.starts_at ? 'upcoming' : t < o.ends_at ? 'ongoing' : 'past';
}

export const sharePathOf = (id: string) => `/m/volunteer/opportunities/${id}`;

export function presentCard(o: Opp, waiting: number, now: Date): OpportunityCard {
  const share = sharePathOf(o.id);
  return {
    id: o.id,
    orgNodeId: o.org_node_id,
    teamId: o.team_id,
    organiser: o.organiser,
    category: o.category,
    title: o.title,
    description: o.description,
    place: o.place,
    startsAt: o.starts_at,
    endsAt: o.ends_at,
    signupDeadline: o.signup_deadline,
    quota: o.quota,
    taken: o.taken,
    placesLeft: Math.max(0, o.quota - o.taken),
    waiting,
    skills: parseJson<string[]>(o.skills, []),
    creditMinutes: o.credit_minutes,
    requiresApproval: o.requires_approval === 1,
    coverUrl: o.cover_attachment_id && o.status !== 'draft' ? `/api/v1/public/volunteer-opportunities/${o.id}/cover?v=${o.cover_attachment_id}` : null,
    status: o.status,
    cancelReason: o.cancel_reason,
    phase: phaseOf(o, now),
    signupOpen: o.status === 'published' && now.toISOString() < o.signup_deadline,
    sharePath: share,
    qrPath: `/api/v1/qr?path=${encodeURIComponent(share)}`,
  };
}

async function presentCards(ctx: PlatformContext, rows: Opp[]) {
  const waiting = await repo.waitingCounts(ctx.db.kysely, rows.map((r) => r.id));
  const now = ctx.now();
  return rows.map((o) => presentCard(o, waiting.get(o.id) ?? 0, now));
}

function presentStaff(o: Opp, waiting: number, now: Date) {
  return { ...presentCard(o, waiting, now), version: o.version, createdAt: o.created_at, publishedAt: o.published_at, coverAttachmentId: o.cover_attachment_id };
}

async function presentMine(ctx: PlatformContext, s: repo.SignupRow) {
  const db = ctx.db.kysely;
  const [positions, record] = await Promise.all([repo.waitingPositions(db, [s]), hoursRepo.recordOfSignup(db, s.id)]);
  return {
    id: s.id,
    opportunityId: s.opportunity_id,
    status: s.status,
    waitingPosition: positions.get(s.id) ?? null,
    seq: s.seq,
    placedAt: s.placed_at,
    declineReason: s.decline_reason,
    cancelledAt: s.cancelled_at,
    createdAt: s.created_at,
    record: record ? { checkInAt: record.check_in_at, checkOutAt: record.check_out_at, creditedMinutes: record.credited_minutes } : null,
  };
}

// ---------------------------------------------------------------- the shop (anyone)

/** The shop of a community (its opportunities and those above it), or of everything published. */
export async function listShop(ctx: PlatformContext, q: { orgNodeId?: string; category?: string; q?: string; when: 'current' | 'past'; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  let around: string | undefined;
  if (q.orgNodeId) {
    const node = await volunteersRepo.getNode(db, q.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    around = node.path;
  }
  const { rows, total } = await repo.listOpportunities(db, { around, statuses: ['published'], category: q.category, q: q.q, when: q.when, now: ctx.now().toISOString() }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: await presentCards(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

async function loadVisible(ctx: PlatformContext, id: string) {
  const o = await repo.getOpportunity(ctx.db.kysely, id);
  if (!o || o.status === 'draft') throw notFound('OPPORTUNITY_NOT_FOUND');
  return o;
}

export async function getPublic(ctx: PlatformContext, id: string) {
  return (await presentCards(ctx, [await loadVisible(ctx, id)]))[0]!;
}

/** The cover picture of a published (or cancelled) opportunity. */
export async function coverOf(ctx: PlatformContext, id: string) {
  const o = await loadVisible(ctx, id);
  if (!o.cover_attachment_id) throw notFound('OPPORTUNITY_NOT_FOUND');
  return (await repo.getAttachment(ctx.db.kysely, o.cover_attachment_id))!;
}

// ---------------------------------------------------------------- the volunteer

/** An opportunity with the caller's sign-up (and waiting position), and whether they may lead it. */
export async function getForMe(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const o = await loadVisible(ctx, id);
  const v = await findMyVolunteer(ctx, actor, meta);
  const latest = v ? (await repo.latestSignups(ctx.db.kysely, v.id, [o.id]))[0] : undefined;
  return {
    opportunity: (await presentCards(ctx, [o]))[0]!,
    mine: latest ? await presentMine(ctx, latest) : null,
    canLead: mayLead(actor, o, await teamsLedBy(ctx, actor)),
    registered: !!v && v.status === 'active',
  };
}

export async function listMySignups(ctx: PlatformContext, actor: Actor) {
  const v = await findMyVolunteer(ctx, actor);
  if (!v) return { items: [] };
  const db = ctx.db.kysely;
  const signups = await repo.signupsOfVolunteer(db, v.id);
  const opps = new Map((await repo.getOpportunitiesByIds(db, signups.map((s) => s.opportunity_id))).map((o) => [o.id, o]));
  const cards = new Map((await presentCards(ctx, [...opps.values()])).map((c) => [c.id, c]));
  const items = [];
  for (const s of signups) items.push({ ...(await presentMine(ctx, s)), opportunity: cards.get(s.opportunity_id)! });
  return { items };
}

/**
 * Signs a volunteer up: a place if one is left (confirmed, or pending the leader's approval),
 * else the end of the waiting list. `deadline`: volunteers until the sign-up deadline, leaders
 * and staff (代报名) until the end.
 */
async function signUpIn(ctx: PlatformContext, actor: Actor, o: Opp, v: volunteersRepo.VolunteerRow, opts: { onBehalf: boolean }, meta: RequestMeta) {
  const now = ctx.now();
  const at = now.toISOString();
  const id = newId(now.getTime());
  const deadlineField = opts.onBehalf ? ('ends_at' as const) : ('signup_deadline' as const);
  const leaders = o.team_id ? await volunteersRepo.leaderUserIds(ctx.db.kysely, o.team_id) : [];
  try {
    // Group commit: concurrent sign-ups share one transaction and run one after another in it.
    await batchedWrite(ctx.db, async (trx) => {
      const claim = await repo.claimSignupSeq(trx, o.id, at, { field: deadlineField });
      if (!claim) throw new AppError(409, 'SIGNUP_CONFLICT');
      const placed = claim.taken < claim.quota && (await repo.takePlace(trx, o.id, at)) === 1;
      const status: SignupStatus = placed ? (claim.requiresApproval ? 'pending' : 'confirmed') : 'waiting';
      await repo.insertSignup(trx, {
        id,
        opportunity_id: o.id,
        volunteer_id: v.id,
        status,
        seq: claim.seq,
        placed_at: placed ? at : null,
        signed_up_by: actor.userId,
        on_behalf: opts.onBehalf ? 1 : 0,
        decided_by: null,
        decided_at: null,
        decline_reason: null,
        cancelled_at: null,
        cancel_reason: null,
        version: 1,
        created_at: at,
        updated_at: at,
      });
      if (status === 'pending' && leaders.length) {
        await notify(trx, { recipients: leaders, kind: 'volunteers.signup.pending', title: `新的报名待审核：${o.title}`, body: `${v.name}（${v.number}）`, link: sharePathOf(o.id), at: now });
      }
      if (opts.onBehalf && v.user_id) {
        await notify(trx, { recipients: [v.user_id], kind: 'volunteers.signup.on-behalf', title: `已为您报名：${o.title}`, body: `${beijing(o.starts_at)} · ${o.place} · ${SIGNUP_LABELS[status]}`, link: sharePathOf(o.id), at: now });
      }
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.signup.create', targetType: 'volunteer_signup', targetId: id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { opportunity: o.id, volunteer: v.number, status, seq: claim.seq, onBehalf: opts.onBehalf } }, trx);
      return { status, seq: claim.seq };
    });
  } catch (e) {
    if (volunteersRepo.isUniqueViolation(e)) {
      const s = await repo.activeSignup(ctx.db.kysely, o.id, v.id);
      throw conflict('SIGNUP_ALREADY', { status: s ? SIGNUP_LABELS[s.status] : '' });
    }
    if (e instanceof AppError && e.code === 'SIGNUP_CONFLICT') throw await whyClosed(ctx, o.id, deadlineField);
    throw e;
  }
  return presentMine(ctx, (await repo.getSignup(ctx.db.kysely, id))!);
}

/** Why an opportunity takes no more sign-ups, as the clearest error. */
async function whyClosed(ctx: PlatformContext, id: string, deadlineField: 'signup_deadline' | 'ends_at'): Promise<AppError> {
  const o = await repo.getOpportunity(ctx.db.kysely, id);
  if (!o || o.status === 'draft') return notFound('OPPORTUNITY_NOT_FOUND');
  if (o.status === 'cancelled') return conflict('OPPORTUNITY_CANCELLED');
  if (deadlineField === 'ends_at') return conflict('OPPORTUNITY_ENDED');
  return conflict('OPPORTUNITY_SIGNUP_CLOSED', { at: beijing(o.signup_deadline) });
}

/** 我要报名. */
export async function signUp(ctx: PlatformContext, actor: Actor, opportunityId: string, meta: RequestMeta) {
  const v = await requireMyVolunteer(ctx, actor);
  const o = await loadVisible(ctx, opportunityId);
  if (o.status === 'cancelled') throw conflict('OPPORTUNITY_CANCELLED');
  if (ctx.now().toISOString() >= o.signup_deadline) throw conflict('OPPORTUNITY_SIGNUP_CLOSED', { at: beijing(o.signup_deadline) });
  const existing = await repo.activeSignup(ctx.db.kysely, o.id, v.id);
  if (existing) throw conflict('SIGNUP_ALREADY', { status: SIGNUP_LABELS[existing.status] });
  return signUpIn(ctx, actor, o, v, { onBehalf: false }, meta);
}

/**
 * Takes a sign-up off the list (cancelled by the volunteer, declined by the leader). If it held a
 * place, the place goes to the head of the waiting list, and on, while places are free. Runs in
 * the caller's transaction, which must have taken the opportunity's row lock first.
 */
async function promoteWaiters(ctx: PlatformContext, trx: Transaction<Database>, opportunityId: string, now: Date) {
  const at = now.toISOString();
  const promoted: repo.SignupRow[] = [];
  const o = (await repo.getOpportunity(trx, opportunityId))!;
  for (;;) {
    const next = await repo.firstWaiting(trx, opportunityId);
    if (!next) break;
    if ((await repo.takePlace(trx, opportunityId, at)) !== 1) break;
    const status: SignupStatus = o.requires_approval === 1 ? 'pending' : 'confirmed';
    if ((await repo.updateSignupIf(trx, next.id, ['waiting'], { status, placed_at: at, updated_at: at })) !== 1) throw conflict('SIGNUP_CONFLICT');
    promoted.push({ ...next, status });
  }
  const vols = new Map((await volunteersRepo.getVolunteersByIds(trx, promoted.map((p) => p.volunteer_id))).map((v) => [v.id, v]));
  for (const p of promoted) {
    const v = vols.get(p.volunteer_id);
    if (v?.user_id) {
      await notify(trx, { recipients: [v.user_id], kind: 'volunteers.signup.promoted', title: `候补成功：${o.title}`, body: `${beijing(o.starts_at)} · ${o.place}${p.status === 'pending' ? ' · 等待队长审核' : ''}`, link: sharePathOf(o.id), at: now });
    }
  }
  return promoted;
}

async function takeOff(ctx: PlatformContext, actor: Actor, s: repo.SignupRow, o: Opp, change: { status: 'cancelled' | 'declined'; reason: string | null }, meta: RequestMeta) {
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.lockOpportunity(trx, o.id);
    const fresh = (await repo.getSignup(trx, s.id))!;
    if (!ACTIVE_SIGNUP.includes(fresh.status)) throw conflict('SIGNUP_NOT_ACTIVE', { status: SIGNUP_LABELS[fresh.status] });
    if (await hoursRepo.recordOfSignup(trx, s.id)) throw conflict(change.status === 'declined' ? 'SIGNUP_CHECKED_IN' : 'SIGNUP_CHECKED_IN_CANCEL');
    const patch =
      change.status === 'cancelled'
        ? { status: 'cancelled' as const, cancelled_at: at, cancel_reason: change.reason, updated_at: at }
        : { status: 'declined' as const, decided_by: actor.userId, decided_at: at, decline_reason: change.reason, updated_at: at };
    if ((await repo.updateSignupIf(trx, s.id, [fresh.status], patch)) !== 1) throw conflict('SIGNUP_CONFLICT');
    let promoted: repo.SignupRow[] = [];
    if (PLACE_HOLDING.includes(fresh.status)) {
      await repo.releasePlace(trx, o.id, at);
      promoted = await promoteWaiters(ctx, trx, o.id, now);
    }
    if (change.status === 'declined') {
      const v = await volunteersRepo.getVolunteer(trx, s.volunteer_id);
      if (v?.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.signup.declined', title: `报名未通过：${o.title}`, body: change.reason ?? '', link: sharePathOf(o.id), at: now });
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: change.status === 'cancelled' ? 'volunteers.signup.cancel' : 'volunteers.signup.decline', targetType: 'volunteer_signup', targetId: s.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { from: fresh.status, reason: change.reason, promoted: promoted.map((p) => p.id) } }, trx);
  });
}

/** 取消报名 (until the opportunity starts): the first on the waiting list moves up. */
export async function cancelMine(ctx: PlatformContext, actor: Actor, signupId: string, input: { reason?: string }, meta: RequestMeta) {
  const v = await requireMyVolunteer(ctx, actor);
  const s = await repo.getSignup(ctx.db.kysely, signupId);
  if (!s || s.volunteer_id !== v.id) throw notFound('SIGNUP_NOT_FOUND');
  const o = (await repo.getOpportunity(ctx.db.kysely, s.opportunity_id))!;
  if (!ACTIVE_SIGNUP.includes(s.status)) throw conflict('SIGNUP_NOT_ACTIVE', { status: SIGNUP_LABELS[s.status] });
  if (ctx.now().toISOString() >= o.starts_at) throw conflict('OPPORTUNITY_STARTED');
  await takeOff(ctx, actor, s, o, { status: 'cancelled', reason: input.reason?.trim() || null }, meta);
  return presentMine(ctx, (await repo.getSignup(ctx.db.kysely, signupId))!);
}

// ---------------------------------------------------------------- the leader

/** The opportunity if the caller leads it (staff of its area, or a leader of its team). */
export async function loadForLeader(ctx: PlatformContext, actor: Actor, id: string) {
  const o = await repo.getOpportunity(ctx.db.kysely, id);
  if (!o) throw notFound('OPPORTUNITY_NOT_FOUND');
  if (!mayLead(actor, o, await teamsLedBy(ctx, actor))) {
    // Staff of another area are told it does not exist; a volunteer who is not its leader, why not.
    if (o.status === 'draft' || scopePaths(actor, VOLUNTEER_MANAGE).length > 0) throw notFound('OPPORTUNITY_NOT_FOUND');
    throw forbidden('OPPORTUNITY_NOT_LEADER');
  }
  return o;
}

/** Every sign-up of an opportunity, in sign-up order, with the waiting positions and attendance. */
export async function listSignups(ctx: PlatformContext, actor: Actor, opportunityId: string) {
  const o = await loadForLeader(ctx, actor, opportunityId);
  const db = ctx.db.kysely;
  const rows = await repo.signupsOf(db, o.id);
  const records = new Map((await hoursRepo.recordsOfSignups(db, rows.map((r) => r.id))).map((r) => [r.signup_id, r]));
  let position = 0;
  const items = rows.map((s) => {
    const r = records.get(s.id);
    return {
      id: s.id,
      volunteerId: s.volunteer_id,
      volunteerName: s.volunteer_name,
      volunteerNumber: s.volunteer_number,
      status: s.status,
      seq: s.seq,
      waitingPosition: s.status === 'waiting' ? ++position : null,
      onBehalf: s.on_behalf === 1,
      placedAt: s.placed_at,
      decidedAt: s.decided_at,
      declineReason: s.decline_reason,
      cancelledAt: s.cancelled_at,
      createdAt: s.created_at,
      record: r ? { id: r.id, checkInAt: r.check_in_at, checkInMethod: r.check_in_method, checkOutAt: r.check_out_at, checkOutMethod: r.check_out_method, creditedMinutes: r.credited_minutes, corrections: r.corrections } : null,
    };
  });
  return { opportunity: presentStaff(o, items.filter((i) => i.status === 'waiting').length, ctx.now()), items };
}

/** 代报名: a leader signs up a member of the team, staff anyone active of their area (until the end). */
export async function signUpFor(ctx: PlatformContext, actor: Actor, opportunityId: string, input: { volunteerId: string }, meta: RequestMeta) {
  const o = await loadForLeader(ctx, actor, opportunityId);
  if (o.status === 'cancelled') throw conflict('OPPORTUNITY_CANCELLED');
  if (o.status !== 'published') throw notFound('OPPORTUNITY_NOT_FOUND');
  if (ctx.now().toISOString() >= o.ends_at) throw conflict('OPPORTUNITY_ENDED');
  const db = ctx.db.kysely;
  const v = await volunteersRepo.getVolunteer(db, input.volunteerId);
  const allowed = !!v && v.status === 'active' && (canAt(actor, VOLUNTEER_MANAGE, v.org_path) || (!!o.team_id && !!(await volunteersRepo.membership(db, o.team_id, v.id))));
  if (!allowed) throw badRequest('SIGNUP_VOLUNTEER_INVALID');
  const existing = await repo.activeSignup(db, o.id, v!.id);
  if (existing) throw conflict('SIGNUP_ALREADY', { status: SIGNUP_LABELS[existing.status] });
  return signUpIn(ctx, actor, o, v!, { onBehalf: true }, meta);
}

async function loadSignupForLeader(ctx: PlatformContext, actor: Actor, signupId: string) {
  const s = await repo.getSignup(ctx.db.kysely, signupId);
  if (!s) throw notFound('SIGNUP_NOT_FOUND');
  const o = await loadForLeader(ctx, actor, s.opportunity_id);
  return { s, o };
}

export async function approveSignup(ctx: PlatformContext, actor: Actor, signupId: string, meta: RequestMeta) {
  const { s, o } = await loadSignupForLeader(ctx, actor, signupId);
  if (ctx.now().toISOString() >= o.ends_at) throw conflict('OPPORTUNITY_ENDED');
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.lockOpportunity(trx, o.id);
    if ((await repo.updateSignupIf(trx, s.id, ['pending'], { status: 'confirmed', decided_by: actor.userId, decided_at: at, updated_at: at })) !== 1) throw conflict('SIGNUP_NOT_PENDING');
    const v = await volunteersRepo.getVolunteer(trx, s.volunteer_id);
    if (v?.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.signup.approved', title: `报名已通过：${o.title}`, body: `${beijing(o.starts_at)} · ${o.place}`, link: sharePathOf(o.id), at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.signup.approve', targetType: 'volunteer_signup', targetId: s.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return listSignups(ctx, actor, o.id);
}

export async function declineSignup(ctx: PlatformContext, actor: Actor, signupId: string, input: { reason: string }, meta: RequestMeta) {
  const { s, o } = await loadSignupForLeader(ctx, actor, signupId);
  if (ctx.now().toISOString() >= o.ends_at) throw conflict('OPPORTUNITY_ENDED');
  await takeOff(ctx, actor, s, o, { status: 'declined', reason: input.reason }, meta);
  return listSignups(ctx, actor, o.id);
}

/** Opportunities of the teams the caller leads (current first). */
export async function listLed(ctx: PlatformContext, actor: Actor) {
  const teams = await teamsLedBy(ctx, actor);
  const { rows } = await repo.listOpportunities(ctx.db.kysely, { teamIds: [...teams], statuses: ['published'], when: 'all', now: ctx.now().toISOString() }, { limit: 100, offset: 0 });
  const now = ctx.now().toISOString();
  rows.sort((a, b) => Number(a.ends_at <= now) - Number(b.ends_at <= now) || (a.ends_at <= now ? b.starts_at.localeCompare(a.starts_at) : a.starts_at.localeCompare(b.starts_at)));
  return { items: await presentCards(ctx, rows) };
}

// ---------------------------------------------------------------- staff

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const o = await repo.getOpportunity(ctx.db.kysely, id);
  if (!o || !canAt(actor, OPPORTUNITY_MANAGE, o.org_path)) throw notFound('OPPORTUNITY_NOT_FOUND');
  return o;
}

export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: Opp['status']; category?: string; q?: string; when: 'current' | 'past' | 'all'; page: number; pageSize: number }) {
  const paths = scopePaths(actor, OPPORTUNITY_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listOpportunities(ctx.db.kysely, { paths, statuses: q.status ? [q.status] : undefined, category: q.category, q: q.q, when: q.when, now: ctx.now().toISOString() }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const waiting = await repo.waitingCounts(ctx.db.kysely, rows.map((r) => r.id));
  return { items: rows.map((o) => presentStaff(o, waiting.get(o.id) ?? 0, ctx.now())), total, page: q.page, pageSize: q.pageSize };
}

export async function getForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const o = await loadForStaff(ctx, actor, id);
  return presentStaff(o, (await repo.waitingCounts(ctx.db.kysely, [o.id])).get(o.id) ?? 0, ctx.now());
}

interface Times {
  starts_at: string;
  ends_at: string;
  signup_deadline: string;
  credit_minutes: number;
}

function checkTimes(t: Times) {
  const window = (Date.parse(t.ends_at) - Date.parse(t.starts_at)) / MINUTE;
  if (!(window > 0) || window > MAX_WINDOW_MINUTES || t.signup_deadline > t.starts_at) throw badRequest('OPPORTUNITY_TIMES_INVALID');
  if (t.credit_minutes > Math.floor(window)) throw badRequest('OPPORTUNITY_CREDIT_INVALID', { max: Math.floor(window) });
}

const iso = (s: string) => new Date(s).toISOString();

async function checkTeam(ctx: PlatformContext, actor: Actor, teamId: string | null | undefined) {
  if (!teamId) return null;
  const team = await volunteersRepo.getTeam(ctx.db.kysely, teamId);
  if (!team || team.active !== 1 || !canAt(actor, OPPORTUNITY_MANAGE, team.org_path)) throw badRequest('OPPORTUNITY_TEAM_INVALID');
  return team;
}

async function checkCover(ctx: PlatformContext, actor: Actor, attachmentId: string | null | undefined) {
  if (!attachmentId) return;
  const a = await repo.getAttachment(ctx.db.kysely, attachmentId);
  if (!a || a.purpose !== COVER_PURPOSE || !a.mime.startsWith('image/') || a.owner_user_id !== actor.userId) throw badRequest('OPPORTUNITY_COVER_INVALID');
}

export async function createOpportunity(ctx: PlatformContext, actor: Actor, input: OpportunityInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await volunteersRepo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || !['street', 'community', 'grid'].includes(node.kind) || !canAt(actor, OPPORTUNITY_MANAGE, node.path)) throw badRequest('OPPORTUNITY_NODE_INVALID');
  const team = await checkTeam(ctx, actor, input.teamId);
  await checkCover(ctx, actor, input.coverAttachmentId);
  const now = ctx.now().toISOString();
  const times: Times = { starts_at: iso(input.startsAt), ends_at: iso(input.endsAt), signup_deadline: iso(input.signupDeadline), credit_minutes: input.creditMinutes ?? Math.floor((Date.parse(input.endsAt) - Date.parse(input.startsAt)) / MINUTE) };
  checkTimes(times);
  if (input.publish && times.signup_deadline <= now) throw badRequest('OPPORTUNITY_PAST');
  const row: Opp = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    team_id: team?.id ?? null,
    organiser: input.organiser ?? team?.name ?? node.name,
    category: input.category,
    title: input.title,
    description: input.description,
    place: input.place,
    ...times,
    quota: input.quota,
    taken: 0,
    signup_seq: 0,
    skills: JSON.stringify(input.skills),
    requires_approval: input.requiresApproval ? 1 : 0,
    cover_attachment_id: input.coverAttachmentId ?? null,
    status: input.publish ? 'published' : 'draft',
    cancel_reason: null,
    created_by: actor.userId,
    published_at: input.publish ? now : null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertOpportunity(trx, row);
    if (row.cover_attachment_id) await useAttachments(trx, 'volunteer_opportunity', row.id, [row.cover_attachment_id]);
    if (input.publish && team) await tellTeam(trx, team.id, row, ctx.now());
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.opportunity.create', targetType: 'volunteer_opportunity', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { title: row.title, status: row.status, quota: row.quota } }, trx);
  });
  return getForStaff(ctx, actor, row.id);
}

/** A published opportunity is announced to the members of its team. */
async function tellTeam(trx: Transaction<Database>, teamId: string, o: Opp, now: Date) {
  const members = await volunteersRepo.membersOf(trx, [teamId]);
  const vols = await volunteersRepo.getVolunteersByIds(trx, members.filter((m) => m.status === 'active').map((m) => m.volunteer_id));
  const users = vols.map((v) => v.user_id).filter((u): u is string => !!u);
  await notify(trx, { recipients: users, kind: 'volunteers.opportunity.published', title: `新的志愿活动：${o.title}`, body: `${beijing(o.starts_at)} · ${o.place} · 名额 ${o.quota}`, link: sharePathOf(o.id), at: now });
}

export async function updateOpportunity(ctx: PlatformContext, actor: Actor, id: string, input: OpportunityPatch, meta: RequestMeta) {
  const o = await loadForStaff(ctx, actor, id);
  if (o.status === 'cancelled') throw conflict('OPPORTUNITY_CANCELLED');
  const team = input.teamId !== undefined ? await checkTeam(ctx, actor, input.teamId) : undefined;
  // A new cover must be the caller's upload; the one already there may stay whoever edits.
  if (input.coverAttachmentId && input.coverAttachmentId !== o.cover_attachment_id) await checkCover(ctx, actor, input.coverAttachmentId);
  const times: Times = {
    starts_at: input.startsAt ? iso(input.startsAt) : o.starts_at,
    ends_at: input.endsAt ? iso(input.endsAt) : o.ends_at,
    signup_deadline: input.signupDeadline ? iso(input.signupDeadline) : o.signup_deadline,
    credit_minutes: input.creditMinutes ?? o.credit_minutes,
  };
  const timesChanged = times.starts_at !== o.starts_at || times.ends_at !== o.ends_at || times.signup_deadline !== o.signup_deadline || times.credit_minutes !== o.credit_minutes;
  if (timesChanged) {
    if (o.status === 'published' && o.signup_seq > 0) throw conflict('OPPORTUNITY_TIMES_LOCKED');
    if (input.startsAt || input.endsAt) times.credit_minutes = input.creditMinutes ?? Math.min(o.credit_minutes, Math.floor((Date.parse(times.ends_at) - Date.parse(times.starts_at)) / MINUTE));
    checkTimes(times);
  }
  const now = ctx.now();
  const at = now.toISOString();
  const patch: Partial<Opp> = { updated_at: at, ...(timesChanged ? times : {}) };
  if (team !== undefined) patch.team_id = team?.id ?? null;
  if (input.organiser) patch.organiser = input.organiser;
  if (input.category) patch.category = input.category;
  if (input.title) patch.title = input.title;
  if (input.description !== undefined) patch.description = input.description;
  if (input.place) patch.place = input.place;
  if (input.skills) patch.skills = JSON.stringify(input.skills);
  if (input.requiresApproval !== undefined) patch.requires_approval = input.requiresApproval ? 1 : 0;
  if (input.coverAttachmentId !== undefined) patch.cover_attachment_id = input.coverAttachmentId;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // The row lock first, as every change to sign-ups takes it: the quota and the waiting list move together.
    await repo.lockOpportunity(trx, o.id);
    if ((await repo.updateOpportunityIf(trx, o.id, input.expectedVersion, patch)) !== 1) throw conflict('OPPORTUNITY_STALE');
    let promoted: repo.SignupRow[] = [];
    if (input.quota !== undefined && input.quota !== o.quota) {
      if ((await repo.setQuota(trx, o.id, input.quota, at)) !== 1) {
        const fresh = (await repo.getOpportunity(trx, o.id))!;
        throw conflict('OPPORTUNITY_QUOTA_BELOW_TAKEN', { taken: fresh.taken });
      }
      if (o.status === 'published') promoted = await promoteWaiters(ctx, trx, o.id, now);
    }
    if (patch.cover_attachment_id !== undefined) await useAttachments(trx, 'volunteer_opportunity', o.id, patch.cover_attachment_id ? [patch.cover_attachment_id] : []);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.opportunity.update', targetType: 'volunteer_opportunity', targetId: o.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: [...Object.keys(patch).filter((k) => k !== 'updated_at'), ...(input.quota !== undefined ? ['quota'] : [])], promoted: promoted.length } }, trx);
  });
  return getForStaff(ctx, actor, o.id);
}

export async function publishOpportunity(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const o = await loadForStaff(ctx, actor, id);
  if (o.status !== 'draft') throw conflict('OPPORTUNITY_NOT_DRAFT');
  const now = ctx.now();
  if (o.signup_deadline <= now.toISOString()) throw badRequest('OPPORTUNITY_PAST');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateOpportunityIf(trx, o.id, input.expectedVersion, { status: 'published', published_at: now.toISOString(), updated_at: now.toISOString() })) !== 1) throw conflict('OPPORTUNITY_STALE');
    if (o.team_id) await tellTeam(trx, o.team_id, o, now);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.opportunity.publish', targetType: 'volunteer_opportunity', targetId: o.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return getForStaff(ctx, actor, o.id);
}

/** 取消活动: everyone still signed up is told; refused once anyone has checked in. */
export async function cancelOpportunity(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const o = await loadForStaff(ctx, actor, id);
  if (o.status === 'cancelled') throw conflict('OPPORTUNITY_CANCELLED');
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.lockOpportunity(trx, o.id);
    if ((await hoursRepo.countRecordsOf(trx, o.id)) > 0) throw conflict('OPPORTUNITY_HAS_RECORDS');
    const active = await repo.activeSignupUsers(trx, o.id);
    for (const a of active) await repo.updateSignupIf(trx, a.signupId, ACTIVE_SIGNUP, { status: 'cancelled', cancelled_at: at, cancel_reason: `活动取消：${input.reason}`, updated_at: at });
    await repo.markCancelled(trx, o.id, input.reason, at);
    const users = active.map((a) => a.userId).filter((u): u is string => !!u);
    await notify(trx, { recipients: users, kind: 'volunteers.opportunity.cancelled', title: `活动取消：${o.title}`, body: input.reason, link: sharePathOf(o.id), at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.opportunity.cancel', targetType: 'volunteer_opportunity', targetId: o.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason, signups: active.length } }, trx);
  });
  return getForStaff(ctx, actor, o.id);
}
