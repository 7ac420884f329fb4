import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { absoluteUrl, renderQrSvg } from '../../platform/qr/qr.js';
import { rotatingToken, signedLinkKey, signedPath, verifyOrThrow } from '../../platform/qr/signed-link.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { LECTURE_MANAGE } from './lectures.policy.js';
import * as repo from './lectures.repository.js';
import type { LectureInput, LecturePatch } from './lectures.schema.js';

/**
 * 微课 (micro-lectures such as 防诈骗, 急救知识, 智能手机使用): staff write a lecture page (title,
 * speaker, text, a video link, time, place, capacity) and publish it; anyone may read it;
 * residents and volunteers sign up until it starts — a seat is one conditional UPDATE, so the
 * capacity holds under concurrent sign-ups — and cancel until then. Attendance: staff mark it,
 * or people scan the rotating signed QR shown in the room (src/platform/qr/signed-link.ts:
 * a new code every minute, valid two; forged 403, expired 410).
 *
 * The video link is stored as given after validation (http/https to a real domain, no
 * credentials) and shown as a link with its host; no page ever embeds it.
 */

export const CHECKIN_PURPOSE = 'lecture.checkin';
/** Check-in opens this long before the start and closes this long after the end. */
export const CHECKIN_OPENS_BEFORE_MINUTES = 30;
export const CHECKIN_CLOSES_AFTER_MINUTES = 30;
export const QR_PERIOD_SECONDS = 60;
export const QR_VALID_SECONDS = 120;
/** Lectures last at most this long. */
export const MAX_LECTURE_MINUTES = 8 * 60;

const MINUTE = 60_000;

addMessages({
  'error.LECTURE_NOT_FOUND': { 'zh-CN': '微课不存在', en: 'No such lecture' },
  'error.LECTURE_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的街道、社区或网格', en: 'Choose a sub-district, community or grid inside your area' },
  'error.LECTURE_TIMES_INVALID': { 'zh-CN': '时间有误：结束须晚于开始，时长不超过 8 小时', en: 'Bad times: the end must follow the start, and it may last at most 8 hours' },
  'error.LECTURE_PAST': { 'zh-CN': '开始时间已过，不能发布', en: 'The start has passed; it cannot be published' },
  'error.LECTURE_VIDEO_INVALID': { 'zh-CN': '视频链接不能包含用户名或密码', en: 'A video link cannot carry a user name or password' },
  'error.LECTURE_STALE': { 'zh-CN': '微课已被他人修改，请刷新后重试', en: 'Someone else changed this lecture; reload and try again' },
  'error.LECTURE_NOT_DRAFT': { 'zh-CN': '只有草稿可以发布', en: 'Only a draft can be published' },
  'error.LECTURE_CANCELLED': { 'zh-CN': '该微课已取消', en: 'This lecture was cancelled' },
  'error.LECTURE_FULL': { 'zh-CN': '名额已满（{capacity} 人）', en: 'Fully booked ({capacity} seats)' },
  'error.LECTURE_STARTED': { 'zh-CN': '微课已开始，报名和取消已截止', en: 'The lecture has started; sign-ups and cancellations are closed' },
  'error.LECTURE_ALREADY_SIGNED': { 'zh-CN': '您已报名该微课', en: 'You have already signed up' },
  'error.LECTURE_NOT_SIGNED_UP': { 'zh-CN': '您没有报名该微课，请先报名或联系工作人员', en: 'You have not signed up for this lecture; sign up or ask the staff' },
  'error.LECTURE_ALREADY_ATTENDED': { 'zh-CN': '已签到，不能取消报名', en: 'Already checked in; the sign-up cannot be cancelled' },
  'error.LECTURE_CAPACITY_BELOW_TAKEN': { 'zh-CN': '已有 {taken} 人报名，名额不能少于此数', en: '{taken} people have signed up; the capacity cannot be lower' },
  'error.LECTURE_HAS_ATTENDANCE': { 'zh-CN': '已有人签到，不能取消或改期', en: 'People have checked in; it cannot be cancelled or moved' },
  'error.LECTURE_CHECKIN_NOT_OPEN': { 'zh-CN': '签到将于 {at} 开放', en: 'Check-in opens at {at}' },
  'error.LECTURE_CHECKIN_CLOSED': { 'zh-CN': '签到已于 {at} 截止，请联系工作人员补登', en: 'Check-in closed at {at}; ask the staff to record it' },
  'error.LECTURE_ATTENDANCE_TOO_EARLY': { 'zh-CN': '微课开始前 30 分钟起才能登记出席', en: 'Attendance can be recorded from 30 minutes before the start' },
  'error.LECTURE_QR_MISMATCH': { 'zh-CN': '这个二维码属于另一场微课', en: 'This QR code belongs to another lecture' },
});

type Row = repo.LectureRow;

const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const iso = (s: string) => new Date(s).toISOString();

export const sharePathOf = (id: string) => `/m/lectures/${id}`;

function phaseOf(l: Pick<Row, 'starts_at' | 'ends_at'>, now: Date): 'upcoming' | 'ongoing' | 'past' {
  const t = now.toISOString();
  return t < l.starts_at ? 'upcoming' : t < l.ends_at ? 'ongoing' : 'past';
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

function present(l: Row, organiser: string, now: Date) {
  return {
    id: l.id,
    orgNodeId: l.org_node_id,
    organiser,
    title: l.title,
    speaker: l.speaker,
    body: l.body,
    videoUrl: l.video_url,
    videoHost: hostOf(l.video_url),
    place: l.place,
    startsAt: l.starts_at,
    endsAt: l.ends_at,
    capacity: l.capacity,
    taken: l.taken,
    seatsLeft: Math.max(0, l.capacity - l.taken),
    status: l.status,
    cancelReason: l.cancel_reason,
    phase: phaseOf(l, now),
    signupOpen: l.status === 'published' && now.toISOString() < l.starts_at && l.taken < l.capacity,
    sharePath: sharePathOf(l.id),
  };
}

async function presentAll(ctx: PlatformContext, rows: Row[]) {
  const names = new Map((await repo.getNodesByIds(ctx.db.kysely, rows.map((r) => r.org_node_id))).map((n) => [n.id, n.name]));
  const now = ctx.now();
  return rows.map((l) => present(l, names.get(l.org_node_id) ?? '', now));
}

async function presentStaff(ctx: PlatformContext, rows: Row[]) {
  const [cards, attended] = await Promise.all([presentAll(ctx, rows), repo.attendedCounts(ctx.db.kysely, rows.map((r) => r.id))]);
  return rows.map((l, i) => ({ ...cards[i]!, version: l.version, createdAt: l.created_at, publishedAt: l.published_at, attended: attended.get(l.id) ?? 0 }));
}

function presentSignup(s: repo.SignupRow) {
  return { id: s.id, status: s.status, attendedAt: s.attended_at, attendedMethod: s.attended_method, createdAt: s.created_at, cancelledAt: s.cancelled_at };
}

// ---------------------------------------------------------------- anyone

export async function listPublic(ctx: PlatformContext, q: { orgNodeId?: string; when: 'upcoming' | 'past'; page: number; pageSize: number }) {
  let around: string | undefined;
  if (q.orgNodeId) {
    const node = await repo.getNode(ctx.db.kysely, q.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    around = node.path;
  }
  const { rows, total } = await repo.listLectures(ctx.db.kysely, { around, statuses: ['published', 'cancelled'], when: q.when, now: ctx.now().toISOString() }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: await presentAll(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

async function loadVisible(ctx: PlatformContext, id: string) {
  const l = await repo.getLecture(ctx.db.kysely, id);
  if (!l || l.status === 'draft') throw notFound('LECTURE_NOT_FOUND');
  return l;
}

export async function getPublic(ctx: PlatformContext, id: string) {
  return (await presentAll(ctx, [await loadVisible(ctx, id)]))[0]!;
}

// ---------------------------------------------------------------- residents

export async function getForMe(ctx: PlatformContext, actor: Actor, id: string) {
  const l = await loadVisible(ctx, id);
  const mine = await repo.latestSignup(ctx.db.kysely, l.id, actor.userId);
  return { lecture: (await presentAll(ctx, [l]))[0]!, mine: mine ? presentSignup(mine) : null };
}

export async function listMine(ctx: PlatformContext, actor: Actor) {
  const db = ctx.db.kysely;
  const signups = await repo.signupsOfUser(db, actor.userId);
  const seen = new Set<string>();
  const latest = signups.filter((s) => !seen.has(s.lecture_id) && seen.add(s.lecture_id));
  const lectures = await repo.getLecturesByIds(db, latest.map((s) => s.lecture_id));
  const cards = new Map((await presentAll(ctx, lectures)).map((c) => [c.id, c]));
  return { items: latest.filter((s) => cards.has(s.lecture_id)).map((s) => ({ lecture: cards.get(s.lecture_id)!, mine: presentSignup(s) })) };
}

/** Why a lecture takes no sign-up now, as the clearest error. */
async function whyNoSeat(db: Executor, id: string, now: string): Promise<AppError> {
  const l = await repo.getLecture(db, id);
  if (!l || l.status === 'draft') return notFound('LECTURE_NOT_FOUND');
  if (l.status === 'cancelled') return conflict('LECTURE_CANCELLED');
  if (now >= l.starts_at) return conflict('LECTURE_STARTED');
  return conflict('LECTURE_FULL', { capacity: l.capacity });
}

/** 报名: a seat if one is left (409 `LECTURE_FULL` otherwise), once per account. */
export async function signUp(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const l = await loadVisible(ctx, id);
  const db = ctx.db.kysely;
  if (await repo.liveSignup(db, l.id, actor.userId)) throw conflict('LECTURE_ALREADY_SIGNED');
  const now = ctx.now();
  const at = now.toISOString();
  const sid = newId(now.getTime());
  try {
    await db.transaction().execute(async (trx) => {
      if ((await repo.takeSeat(trx, l.id, at)) !== 1) throw await whyNoSeat(trx, l.id, at);
      await repo.insertSignup(trx, { id: sid, lecture_id: l.id, user_id: actor.userId, person_id: actor.personId, status: 'signed', attended_at: null, attended_method: null, attended_by: null, cancelled_at: null, created_at: at, updated_at: at });
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.signup', targetType: 'lecture_signup', targetId: sid, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { lecture: l.id } }, trx);
    });
  } catch (e) {
    // Two sign-ups of one account at the same instant: the partial unique index lets one in (and the other's seat rolls back).
    if (repo.isUnique(e)) throw conflict('LECTURE_ALREADY_SIGNED');
    throw e;
  }
  return getForMe(ctx, actor, l.id);
}

export async function cancelMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const l = await loadVisible(ctx, id);
  const db = ctx.db.kysely;
  const s = await repo.liveSignup(db, l.id, actor.userId);
  if (!s) throw conflict('LECTURE_NOT_SIGNED_UP');
  if (s.attended_at) throw conflict('LECTURE_ALREADY_ATTENDED');
  const at = ctx.now().toISOString();
  if (at >= l.starts_at) throw conflict('LECTURE_STARTED');
  await db.transaction().execute(async (trx) => {
    // The lecture's row first (as sign-ups and cancellations of the whole lecture take it).
    await repo.lockLecture(trx, l.id);
    if ((await repo.cancelSignupIf(trx, s.id, at)) !== 1) throw conflict('LECTURE_NOT_SIGNED_UP');
    await repo.releaseSeat(trx, l.id, at);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.signup.cancel', targetType: 'lecture_signup', targetId: s.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { lecture: l.id } }, trx);
  });
  return getForMe(ctx, actor, l.id);
}

function checkinWindow(l: Row) {
  return {
    opens: new Date(Date.parse(l.starts_at) - CHECKIN_OPENS_BEFORE_MINUTES * MINUTE).toISOString(),
    closes: new Date(Date.parse(l.ends_at) + CHECKIN_CLOSES_AFTER_MINUTES * MINUTE).toISOString(),
  };
}

function requireCheckinOpen(l: Row, at: string) {
  if (l.status !== 'published') throw conflict('LECTURE_CANCELLED');
  const w = checkinWindow(l);
  if (at < w.opens) throw conflict('LECTURE_CHECKIN_NOT_OPEN', { at: beijing(w.opens) });
  if (at > w.closes) throw conflict('LECTURE_CHECKIN_CLOSED', { at: beijing(w.closes) });
}

/** 扫码签到: the room's QR (`/m/lectures/:id?t=…`); forged 403, expired 410; a second scan changes nothing. */
export async function checkIn(ctx: PlatformContext, actor: Actor, id: string, token: string, meta: RequestMeta) {
  const now = ctx.now();
  const claims = verifyOrThrow(signedLinkKey(ctx.sessionKey), token, { purposes: [CHECKIN_PURPOSE], now });
  if (claims.subject !== id) throw badRequest('LECTURE_QR_MISMATCH');
  const l = await loadVisible(ctx, id);
  const at = now.toISOString();
  requireCheckinOpen(l, at);
  const db = ctx.db.kysely;
  const s = await repo.liveSignup(db, l.id, actor.userId);
  if (!s) throw conflict('LECTURE_NOT_SIGNED_UP');
  const changed = await db.transaction().execute(async (trx) => {
    const ids = await repo.setAttendance(trx, l.id, [s.id], { attended: true, method: 'qr', by: actor.userId, at });
    if (ids.length) await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.check-in', targetType: 'lecture_signup', targetId: s.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { lecture: l.id, method: 'qr' } }, trx);
    return ids.length > 0;
  });
  return { already: !changed, ...(await getForMe(ctx, actor, l.id)) };
}

// ---------------------------------------------------------------- staff

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const l = await repo.getLecture(ctx.db.kysely, id);
  if (!l || !canAt(actor, LECTURE_MANAGE, l.org_path)) throw notFound('LECTURE_NOT_FOUND');
  return l;
}

export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: 'draft' | 'published' | 'cancelled'; when: 'upcoming' | 'past' | 'all'; page: number; pageSize: number }) {
  const paths = scopePaths(actor, LECTURE_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listLectures(ctx.db.kysely, { paths, statuses: q.status ? [q.status] : undefined, when: q.when, now: ctx.now().toISOString() }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: await presentStaff(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

export async function getForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  return (await presentStaff(ctx, [await loadForStaff(ctx, actor, id)]))[0]!;
}

function checkTimes(startsAt: string, endsAt: string) {
  const minutes = (Date.parse(endsAt) - Date.parse(startsAt)) / MINUTE;
  if (!(minutes > 0) || minutes > MAX_LECTURE_MINUTES) throw badRequest('LECTURE_TIMES_INVALID');
}

function checkVideo(url: string | null | undefined) {
  if (!url) return;
  const u = new URL(url);
  if (u.username || u.password) throw badRequest('LECTURE_VIDEO_INVALID');
}

export async function createLecture(ctx: PlatformContext, actor: Actor, input: LectureInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await repo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || !['street', 'community', 'grid'].includes(node.kind) || !canAt(actor, LECTURE_MANAGE, node.path)) throw badRequest('LECTURE_NODE_INVALID');
  const startsAt = iso(input.startsAt);
  const endsAt = iso(input.endsAt);
  checkTimes(startsAt, endsAt);
  checkVideo(input.videoUrl);
  const now = ctx.now();
  const at = now.toISOString();
  if (input.publish && startsAt <= at) throw badRequest('LECTURE_PAST');
  const row: Row = {
    id: newId(now.getTime()),
    org_node_id: node.id,
    org_path: node.path,
    title: input.title,
    speaker: input.speaker,
    body: input.body,
    video_url: input.videoUrl ?? null,
    place: input.place,
    starts_at: startsAt,
    ends_at: endsAt,
    capacity: input.capacity,
    taken: 0,
    status: input.publish ? 'published' : 'draft',
    cancel_reason: null,
    created_by: actor.userId,
    published_at: input.publish ? at : null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertLecture(trx, row);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.create', targetType: 'lecture', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { title: row.title, status: row.status, capacity: row.capacity } }, trx);
  });
  return getForStaff(ctx, actor, row.id);
}

export async function updateLecture(ctx: PlatformContext, actor: Actor, id: string, input: LecturePatch, meta: RequestMeta) {
  const l = await loadForStaff(ctx, actor, id);
  if (l.status === 'cancelled') throw conflict('LECTURE_CANCELLED');
  const startsAt = input.startsAt ? iso(input.startsAt) : l.starts_at;
  const endsAt = input.endsAt ? iso(input.endsAt) : l.ends_at;
  const moved = startsAt !== l.starts_at || endsAt !== l.ends_at || (input.place !== undefined && input.place !== l.place);
  if (startsAt !== l.starts_at || endsAt !== l.ends_at) checkTimes(startsAt, endsAt);
  checkVideo(input.videoUrl);
  const now = ctx.now();
  const at = now.toISOString();
  const patch: Partial<Row> = { updated_at: at, starts_at: startsAt, ends_at: endsAt };
  if (input.title) patch.title = input.title;
  if (input.speaker) patch.speaker = input.speaker;
  if (input.body !== undefined) patch.body = input.body;
  if (input.videoUrl !== undefined) patch.video_url = input.videoUrl;
  if (input.place) patch.place = input.place;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.lockLecture(trx, l.id);
    if (moved && (await repo.attendedCounts(trx, [l.id])).get(l.id)) throw conflict('LECTURE_HAS_ATTENDANCE');
    if ((await repo.updateLectureIf(trx, l.id, input.expectedVersion, patch)) !== 1) throw conflict('LECTURE_STALE');
    if (input.capacity !== undefined && input.capacity !== l.capacity && (await repo.setCapacity(trx, l.id, input.capacity, at)) !== 1) {
      throw conflict('LECTURE_CAPACITY_BELOW_TAKEN', { taken: (await repo.getLecture(trx, l.id))!.taken });
    }
    if (moved && l.status === 'published') {
      const users = await repo.signedUsers(trx, l.id);
      await notify(trx, { recipients: users, kind: 'volunteers.lecture.changed', title: `微课时间地点有变：${patch.title ?? l.title}`, body: `${beijing(startsAt)} · ${patch.place ?? l.place}`, link: `/m/lectures/${l.id}`, at: now });
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.update', targetType: 'lecture', targetId: l.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: Object.keys(input).filter((k) => k !== 'expectedVersion') } }, trx);
  });
  return getForStaff(ctx, actor, l.id);
}

export async function publishLecture(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const l = await loadForStaff(ctx, actor, id);
  if (l.status !== 'draft') throw conflict('LECTURE_NOT_DRAFT');
  const at = ctx.now().toISOString();
  if (l.starts_at <= at) throw badRequest('LECTURE_PAST');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateLectureIf(trx, l.id, input.expectedVersion, { status: 'published', published_at: at, updated_at: at })) !== 1) throw conflict('LECTURE_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.publish', targetType: 'lecture', targetId: l.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return getForStaff(ctx, actor, l.id);
}

/** 取消微课: everyone signed up is told; refused once anyone has checked in. */
export async function cancelLecture(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const l = await loadForStaff(ctx, actor, id);
  if (l.status === 'cancelled') throw conflict('LECTURE_CANCELLED');
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.lockLecture(trx, l.id);
    if ((await repo.attendedCounts(trx, [l.id])).get(l.id)) throw conflict('LECTURE_HAS_ATTENDANCE');
    const users = await repo.signedUsers(trx, l.id);
    await repo.cancelAllSignups(trx, l.id, at);
    await repo.markCancelled(trx, l.id, input.reason, at);
    await notify(trx, { recipients: users, kind: 'volunteers.lecture.cancelled', title: `微课取消：${l.title}`, body: input.reason, link: `/m/lectures/${l.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.cancel', targetType: 'lecture', targetId: l.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason, signups: users.length } }, trx);
  });
  return getForStaff(ctx, actor, l.id);
}

/** Who signed up, with names, masked phones and places from the registry: an audited read. */
export async function listSignups(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const l = await loadForStaff(ctx, actor, id);
  const db = ctx.db.kysely;
  const rows = await repo.signupsOf(db, l.id);
  const briefs = new Map((await peopleBriefs(db, [...new Set(rows.map((r) => r.person_id).filter((p): p is string => !!p))])).map((b) => [b.personId, b]));
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.signups.read', targetType: 'lecture', targetId: l.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { count: rows.length } });
  return {
    lecture: (await presentStaff(ctx, [l]))[0]!,
    items: rows.map((r) => {
      const b = r.person_id ? briefs.get(r.person_id) : undefined;
      return { id: r.id, name: b?.name ?? r.display_name, phoneMasked: b?.phoneMasked ?? null, place: b?.place ?? null, status: r.status, attendedAt: r.attended_at, attendedMethod: r.attended_method, createdAt: r.created_at, cancelledAt: r.cancelled_at };
    }),
  };
}

/** Staff mark sign-ups present (or not), from 30 minutes before the start. */
export async function markAttendance(ctx: PlatformContext, actor: Actor, id: string, input: { signupIds: string[]; attended: boolean }, meta: RequestMeta) {
  const l = await loadForStaff(ctx, actor, id);
  if (l.status !== 'published') throw conflict('LECTURE_CANCELLED');
  const now = ctx.now();
  const at = now.toISOString();
  if (at < checkinWindow(l).opens) throw conflict('LECTURE_ATTENDANCE_TOO_EARLY');
  const changed = await ctx.db.kysely.transaction().execute(async (trx) => {
    const ids = await repo.setAttendance(trx, l.id, input.signupIds, { attended: input.attended, method: 'staff', by: actor.userId, at });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.lecture.attendance', targetType: 'lecture', targetId: l.id, orgNodeId: l.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { attended: input.attended, signups: ids } }, trx);
    return ids;
  });
  return { changed: changed.length, ...(await listSignups(ctx, actor, l.id, meta)) };
}

/** The code to show in the room now: a new one every minute, valid two. */
export async function checkinQr(ctx: PlatformContext, actor: Actor, id: string, origin: string) {
  const l = await loadForStaff(ctx, actor, id);
  const now = ctx.now();
  requireCheckinOpen(l, now.toISOString());
  const t = rotatingToken(signedLinkKey(ctx.sessionKey), { purpose: CHECKIN_PURPOSE, subject: l.id, at: now, periodSeconds: QR_PERIOD_SECONDS, validSeconds: QR_VALID_SECONDS });
  const path = signedPath(sharePathOf(l.id), t.token);
  const url = absoluteUrl(origin, path);
  return { token: t.token, path, url, svg: await renderQrSvg(url), notBefore: t.notBefore.toISOString(), expiresAt: t.expiresAt.toISOString(), refreshAt: t.refreshAt.toISOString() };
}
