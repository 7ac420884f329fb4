import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { absoluteUrl, renderQrSvg } from '../../platform/qr/qr.js';
import { rotatingToken, signedLinkKey, signedPath, verifyOrThrow } from '../../platform/qr/signed-link.js';
import { residentFacts } from '../registry/registry.facts.js';
import { ensureServiceAccounts, minutesAccountCode, minutesOf, servedAccountCode } from './hours.accounts.js';
import { awardPointsForService } from './points.service.js';
import { CERTIFICATE_ISSUE } from './hours.policy.js';
import * as repo from './hours.repository.js';
import type { CertificateItem } from './hours.table.js';
import { loadForLeader, sharePathOf } from './shop.service.js';
import * as shopRepo from './shop.repository.js';
import { VOLUNTEER_MANAGE } from './volunteers.policy.js';
import * as volunteersRepo from './volunteers.repository.js';
import { findMyVolunteer, requireMyVolunteer } from './volunteers.service.js';

/**
 * 志愿服务时长: check-in and check-out by a rotating signed QR code shown at the place
 * (src/platform/qr/signed-link.ts) or by the leader; the minutes actually served — check-out
 * minus check-in, inside the opportunity's time window, at most its credited time — are posted
 * to the platform's double-entry ledger at check-out, in the same transaction, with the service
 * record as the entry's source. A mistake is corrected by a reversing journal and a new one,
 * never by an edit. Certificates (志愿服务证明) are issued from the records and kept as issued.
 */

export const CHECKIN_PURPOSE = 'volunteer.checkin';
export const CHECKOUT_PURPOSE = 'volunteer.checkout';
export const CHECKIN_PAGE = '/m/volunteer/checkin';
/** The QR may be shown, and scanned, from this long before the start… */
export const ATTENDANCE_OPENS_BEFORE_MINUTES = 60;
/** …until this long after the end (late check-outs still count only up to the end). */
export const ATTENDANCE_CLOSES_AFTER_MINUTES = 120;
/** A new code every minute, each valid two: a photo of it passed on later is refused. */
export const QR_PERIOD_SECONDS = 60;
export const QR_VALID_SECONDS = 120;

const MINUTE = 60_000;

addMessages({
  'error.ATTENDANCE_NOT_OPEN': { 'zh-CN': '签到将于 {at} 开放', en: 'Check-in opens at {at}' },
  'error.ATTENDANCE_CLOSED': { 'zh-CN': '签到签退已于 {at} 截止，请联系队长补录', en: 'Check-in and check-out closed at {at}; ask the team leader to record it' },
  'error.ATTENDANCE_NOT_PUBLISHED': { 'zh-CN': '该活动未发布或已取消', en: 'This opportunity is not published, or was cancelled' },
  'error.ATTENDANCE_NOT_SIGNED_UP': { 'zh-CN': '您没有报名该活动，请先报名或联系队长', en: 'You have not signed up for this opportunity; sign up or ask the team leader' },
  'error.ATTENDANCE_WAITING': { 'zh-CN': '您还在候补名单上（第 {position} 位），暂不能签到', en: 'You are still on the waiting list (number {position}); you cannot check in yet' },
  'error.ATTENDANCE_PENDING': { 'zh-CN': '您的报名还在等待队长审核，暂不能签到', en: 'Your sign-up still awaits the team leader\'s approval' },
  'error.ATTENDANCE_NOT_CHECKED_IN': { 'zh-CN': '还没有签到，不能签退', en: 'Not checked in yet: cannot check out' },
  'error.ATTENDANCE_TIME_INVALID': { 'zh-CN': '时间须在活动前后签到时段内且不晚于现在', en: 'The time must fall in the opportunity\'s check-in period and not be in the future' },
  'error.ATTENDANCE_OUT_BEFORE_IN': { 'zh-CN': '签退时间不能早于签到时间', en: 'Check-out cannot be before check-in' },
  'error.ATTENDANCE_SIGNUP_INVALID': { 'zh-CN': '该报名不属于此活动，或尚未报名成功', en: 'This sign-up is not a confirmed sign-up of this opportunity' },
  'error.HOURS_RECORD_NOT_FOUND': { 'zh-CN': '服务记录不存在或不在您的管辖范围内', en: 'No such service record in your area' },
  'error.HOURS_STALE': { 'zh-CN': '该记录刚被他人更正，请刷新后重试', en: 'Someone else just corrected this record; reload and try again' },
  'error.HOURS_OWN_RECORD': { 'zh-CN': '不能更正本人的服务记录，请由其他队长或社区工作人员处理', en: 'You cannot correct your own record; another leader or community staff must' },
  'error.HOURS_UNCHANGED': { 'zh-CN': '更正后的时间与原记录相同', en: 'The corrected times are the ones recorded' },
  'error.CERTIFICATE_NOTHING': { 'zh-CN': '所选期间没有已签退的志愿服务记录', en: 'No completed service in the chosen period' },
  'error.CERTIFICATE_PERIOD_INVALID': { 'zh-CN': '起止日期有误', en: 'Bad period' },
  'error.CERTIFICATE_NOT_FOUND': { 'zh-CN': '志愿服务证明不存在', en: 'No such certificate' },
});

const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const beijingDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
/** The instant a Beijing day starts. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
const addDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

type Opp = shopRepo.OpportunityRow;

/**
 * Only actual service time counts: from check-in to check-out, inside the time window, at most
 * the opportunity's credited minutes, whole minutes.
 */
export function creditedMinutes(o: Pick<Opp, 'starts_at' | 'ends_at' | 'credit_minutes'>, checkInAt: string, checkOutAt: string): number {
  const from = Math.max(Date.parse(checkInAt), Date.parse(o.starts_at));
  const to = Math.min(Date.parse(checkOutAt), Date.parse(o.ends_at));
  return Math.min(o.credit_minutes, Math.floor(Math.max(0, to - from) / MINUTE));
}

function attendanceWindow(o: Opp) {
  return {
    opens: new Date(Date.parse(o.starts_at) - ATTENDANCE_OPENS_BEFORE_MINUTES * MINUTE).toISOString(),
    closes: new Date(Date.parse(o.ends_at) + ATTENDANCE_CLOSES_AFTER_MINUTES * MINUTE).toISOString(),
  };
}

function requireWindow(o: Opp, at: string) {
  if (o.status !== 'published') throw conflict('ATTENDANCE_NOT_PUBLISHED');
  const w = attendanceWindow(o);
  if (at < w.opens) throw conflict('ATTENDANCE_NOT_OPEN', { at: beijing(w.opens) });
  if (at > w.closes) throw conflict('ATTENDANCE_CLOSED', { at: beijing(w.closes) });
}

type RecordJoined = NonNullable<Awaited<ReturnType<typeof repo.getRecordWithOpportunity>>>;

function presentRecord(r: RecordJoined) {
  return {
    id: r.id,
    signupId: r.signup_id,
    opportunityId: r.opportunity_id,
    opportunityTitle: r.opportunity_title,
    organiser: r.opportunity_organiser,
    volunteerId: r.volunteer_id,
    volunteerName: r.volunteer_name,
    volunteerNumber: r.volunteer_number,
    checkInAt: r.check_in_at,
    checkInMethod: r.check_in_method,
    checkOutAt: r.check_out_at,
    checkOutMethod: r.check_out_method,
    creditedMinutes: r.credited_minutes,
    journalId: r.journal_id,
    corrections: r.corrections,
    version: r.version,
  };
}

async function recordView(ctx: PlatformContext, id: string) {
  return presentRecord((await repo.getRecordWithOpportunity(ctx.db.kysely, id))!);
}

// ---------------------------------------------------------------- the QR at the place

/** The code to show now (leader or staff): a new one every minute, valid two. */
export async function attendanceQr(ctx: PlatformContext, actor: Actor, opportunityId: string, action: 'in' | 'out', origin: string) {
  const o = await loadForLeader(ctx, actor, opportunityId);
  const now = ctx.now();
  requireWindow(o, now.toISOString());
  const t = rotatingToken(signedLinkKey(ctx.sessionKey), { purpose: action === 'in' ? CHECKIN_PURPOSE : CHECKOUT_PURPOSE, subject: o.id, at: now, periodSeconds: QR_PERIOD_SECONDS, validSeconds: QR_VALID_SECONDS });
  const path = signedPath(CHECKIN_PAGE, t.token);
  const url = absoluteUrl(origin, path);
  return { action, token: t.token, path, url, svg: await renderQrSvg(url), notBefore: t.notBefore.toISOString(), expiresAt: t.expiresAt.toISOString(), refreshAt: t.refreshAt.toISOString() };
}

// ---------------------------------------------------------------- check-in and check-out

async function checkIn(ctx: PlatformContext, actor: Actor, o: Opp, signup: shopRepo.SignupRow, how: { method: 'qr' | 'leader'; at: string }, meta: RequestMeta) {
  const existing = await repo.recordOfSignup(ctx.db.kysely, signup.id);
  if (existing) return { action: 'in' as const, already: true, record: await recordView(ctx, existing.id) };
  const now = ctx.now().toISOString();
  const row: repo.RecordRow = {
    id: newId(),
    signup_id: signup.id,
    opportunity_id: o.id,
    volunteer_id: signup.volunteer_id,
    org_path: o.org_path,
    check_in_at: how.at,
    check_in_method: how.method,
    check_in_by: actor.userId,
    check_out_at: null,
    check_out_method: null,
    check_out_by: null,
    credited_minutes: 0,
    journal_id: null,
    corrections: 0,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await repo.insertRecord(trx, row);
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.attendance.check-in', targetType: 'volunteer_service_record', targetId: row.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { opportunity: o.id, signup: signup.id, method: how.method, at: how.at } }, trx);
    });
  } catch (e) {
    // Two scans at the same instant: the unique signup_id lets one in; the other finds it.
    if (!volunteersRepo.isUniqueViolation(e)) throw e;
    const won = (await repo.recordOfSignup(ctx.db.kysely, signup.id))!;
    return { action: 'in' as const, already: true, record: await recordView(ctx, won.id) };
  }
  return { action: 'in' as const, already: false, record: await recordView(ctx, row.id) };
}

/** The check-out, the minutes and their ledger journal commit together, once. */
async function checkOut(ctx: PlatformContext, actor: Actor, o: Opp, signup: shopRepo.SignupRow, how: { method: 'qr' | 'leader'; at: string }, meta: RequestMeta) {
  const record = await repo.recordOfSignup(ctx.db.kysely, signup.id);
  if (!record) throw conflict('ATTENDANCE_NOT_CHECKED_IN');
  if (record.check_out_at) return { action: 'out' as const, already: true, record: await recordView(ctx, record.id) };
  if (how.at < record.check_in_at) throw badRequest('ATTENDANCE_OUT_BEFORE_IN');
  const minutes = creditedMinutes(o, record.check_in_at, how.at);
  const now = ctx.now();
  const won = await ctx.db.kysely.transaction().execute(async (trx) => {
    let journalId: string | null = null;
    if (minutes > 0) {
      await ensureServiceAccounts(trx, { volunteerId: record.volunteer_id, orgNodeId: o.org_node_id, at: now });
      const journal = await ledger.post(trx, {
        memo: `志愿服务：${o.title}（${beijingDay(o.starts_at)}）`,
        source: { type: 'volunteer.service', id: record.id },
        lines: [
          { accountCode: servedAccountCode(o.org_node_id), amount: minutes, unit: 'minutes' },
          { accountCode: minutesAccountCode(record.volunteer_id), amount: -minutes, unit: 'minutes' },
        ],
        createdBy: actor.userId,
        at: now,
      });
      journalId = journal.id;
      // Points by the `volunteer.hours` rule, in this same transaction (points.service.ts).
      await awardPointsForService(trx, { recordId: record.id, volunteerId: record.volunteer_id, orgPath: o.org_path, minutes, title: o.title, createdBy: actor.userId, at: now });
    }
    // Once: a second check-out at the same instant updates nothing and rolls its journal back.
    if ((await repo.setCheckOut(trx, record.id, { check_out_at: how.at, check_out_method: how.method, check_out_by: actor.userId, credited_minutes: minutes, journal_id: journalId, updated_at: now.toISOString() })) !== 1) throw new AppError(409, 'ATTENDANCE_ALREADY_OUT');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.attendance.check-out', targetType: 'volunteer_service_record', targetId: record.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { opportunity: o.id, method: how.method, at: how.at, minutes, journal: journalId } }, trx);
    return true;
  }).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'ATTENDANCE_ALREADY_OUT') return false;
    throw e;
  });
  return { action: 'out' as const, already: !won, record: await recordView(ctx, record.id) };
}

/**
 * A volunteer scans the code at the place (`/m/volunteer/checkin?t=…`): forged → 403, expired
 * → 410, otherwise checked in (or out) once; a second scan answers with the same record.
 */
export async function attendByQr(ctx: PlatformContext, actor: Actor, token: string, meta: RequestMeta) {
  const now = ctx.now();
  const claims = verifyOrThrow(signedLinkKey(ctx.sessionKey), token, { purposes: [CHECKIN_PURPOSE, CHECKOUT_PURPOSE], now });
  const db = ctx.db.kysely;
  const o = await shopRepo.getOpportunity(db, claims.subject);
  if (!o) throw notFound('OPPORTUNITY_NOT_FOUND');
  const v = await requireMyVolunteer(ctx, actor);
  const signup = await shopRepo.activeSignup(db, o.id, v.id);
  if (!signup) throw conflict('ATTENDANCE_NOT_SIGNED_UP');
  if (signup.status === 'waiting') throw conflict('ATTENDANCE_WAITING', { position: (await shopRepo.waitingPositions(db, [signup])).get(signup.id) ?? 0 });
  if (signup.status === 'pending') throw conflict('ATTENDANCE_PENDING');
  const at = now.toISOString();
  requireWindow(o, at);
  const result = claims.purpose === CHECKIN_PURPOSE ? await checkIn(ctx, actor, o, signup, { method: 'qr', at }, meta) : await checkOut(ctx, actor, o, signup, { method: 'qr', at }, meta);
  return { ...result, opportunity: { id: o.id, title: o.title, place: o.place, startsAt: o.starts_at, endsAt: o.ends_at, sharePath: sharePathOf(o.id) } };
}

/** 队长代签: the leader (or staff) checks a confirmed volunteer in or out, now or at a stated earlier time. */
export async function attendByLeader(ctx: PlatformContext, actor: Actor, opportunityId: string, input: { signupId: string; action: 'in' | 'out'; at?: string }, meta: RequestMeta) {
  const o = await loadForLeader(ctx, actor, opportunityId);
  const signup = await shopRepo.getSignup(ctx.db.kysely, input.signupId);
  if (!signup || signup.opportunity_id !== o.id || signup.status !== 'confirmed') throw badRequest('ATTENDANCE_SIGNUP_INVALID');
  const now = ctx.now().toISOString();
  const at = input.at ? new Date(input.at).toISOString() : now;
  const w = attendanceWindow(o);
  if (at > now || at < w.opens || at > w.closes) throw badRequest('ATTENDANCE_TIME_INVALID');
  if (o.status !== 'published') throw conflict('ATTENDANCE_NOT_PUBLISHED');
  return input.action === 'in' ? checkIn(ctx, actor, o, signup, { method: 'leader', at }, meta) : checkOut(ctx, actor, o, signup, { method: 'leader', at }, meta);
}

// ---------------------------------------------------------------- corrections

async function loadRecordForLeader(ctx: PlatformContext, actor: Actor, id: string) {
  const r = await repo.getRecord(ctx.db.kysely, id);
  if (!r) throw notFound('HOURS_RECORD_NOT_FOUND');
  const o = await loadForLeader(ctx, actor, r.opportunity_id);
  return { r, o };
}

/**
 * 更正: new check-in and check-out times with a reason. One transaction: the record moves from
 * the version the caller read, the journal that credited it is reversed (a mirror journal), the
 * corrected minutes are posted as a new journal with the same source, and the correction is kept.
 * Nobody corrects their own record.
 */
export async function correctRecord(ctx: PlatformContext, actor: Actor, id: string, input: { checkInAt: string; checkOutAt: string; reason: string; expectedVersion: number }, meta: RequestMeta) {
  const { r, o } = await loadRecordForLeader(ctx, actor, id);
  const own = await volunteersRepo.volunteerOfUser(ctx.db.kysely, actor.userId);
  if (own && own.id === r.volunteer_id) throw forbidden('HOURS_OWN_RECORD');
  const inAt = new Date(input.checkInAt).toISOString();
  const outAt = new Date(input.checkOutAt).toISOString();
  const now = ctx.now();
  if (outAt <= inAt) throw badRequest('ATTENDANCE_OUT_BEFORE_IN');
  if (outAt > now.toISOString()) throw badRequest('ATTENDANCE_TIME_INVALID');
  if (inAt === r.check_in_at && outAt === r.check_out_at) throw badRequest('HOURS_UNCHANGED');
  const minutes = creditedMinutes(o, inAt, outAt);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // The version check first: of two corrections at once, the second waits for the row and then finds it moved.
    const moved = await repo.updateRecordIf(trx, r.id, input.expectedVersion, {
      check_in_at: inAt,
      check_out_at: outAt,
      check_out_method: r.check_out_method ?? 'leader',
      check_out_by: r.check_out_by ?? actor.userId,
      credited_minutes: minutes,
      corrections: r.corrections + 1,
      updated_at: now.toISOString(),
    });
    if (moved !== 1) throw conflict('HOURS_STALE');
    const reversed = r.journal_id ? await ledger.reverse(trx, r.journal_id, input.reason, { createdBy: actor.userId, at: now }) : null;
    let posted: ledger.PostedJournal | null = null;
    if (minutes > 0) {
      await ensureServiceAccounts(trx, { volunteerId: r.volunteer_id, orgNodeId: o.org_node_id, at: now });
      posted = await ledger.post(trx, {
        memo: `志愿服务（更正）：${o.title}（${beijingDay(o.starts_at)}）`,
        source: { type: 'volunteer.service', id: r.id },
        lines: [
          { accountCode: servedAccountCode(o.org_node_id), amount: minutes, unit: 'minutes' },
          { accountCode: minutesAccountCode(r.volunteer_id), amount: -minutes, unit: 'minutes' },
        ],
        createdBy: actor.userId,
        at: now,
      });
    }
    await repo.setJournal(trx, r.id, posted?.id ?? null);
    // Points follow the corrected minutes (more, or taken back up to what is left), in this transaction.
    await awardPointsForService(trx, { recordId: r.id, volunteerId: r.volunteer_id, orgPath: o.org_path, minutes, title: o.title, createdBy: actor.userId, at: now });
    await repo.insertCorrection(trx, {
      id: newId(),
      record_id: r.id,
      old_check_in_at: r.check_in_at,
      old_check_out_at: r.check_out_at,
      new_check_in_at: inAt,
      new_check_out_at: outAt,
      old_minutes: r.credited_minutes,
      new_minutes: minutes,
      reason: input.reason,
      reversed_journal_id: reversed?.id ?? null,
      new_journal_id: posted?.id ?? null,
      corrected_by: actor.userId,
      corrected_by_name: actor.displayName,
      at: now.toISOString(),
    });
    const v = await volunteersRepo.getVolunteer(trx, r.volunteer_id);
    if (v?.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.hours.corrected', title: `服务时长已更正：${o.title}`, body: `${r.credited_minutes} 分钟 → ${minutes} 分钟：${input.reason}`, link: '/m/volunteer', at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.hours.correct', targetType: 'volunteer_service_record', targetId: r.id, orgNodeId: o.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { oldMinutes: r.credited_minutes, newMinutes: minutes, reason: input.reason, reversed: reversed?.id ?? null, posted: posted?.id ?? null } }, trx);
  });
  return getRecord(ctx, actor, id);
}

/** A record with its corrections and every ledger journal whose source it is. */
export async function getRecord(ctx: PlatformContext, actor: Actor, id: string) {
  const { r } = await loadRecordForLeader(ctx, actor, id);
  const db = ctx.db.kysely;
  const [view, history, journalIds] = await Promise.all([recordView(ctx, r.id), repo.correctionsOf(db, [r.id]), repo.journalsOfSource(db, 'volunteer.service', r.id)]);
  const journals = [];
  for (const j of journalIds) journals.push(await ledger.getJournal(db, j));
  return {
    ...view,
    history: history.map((c) => ({ id: c.id, oldCheckInAt: c.old_check_in_at, oldCheckOutAt: c.old_check_out_at, newCheckInAt: c.new_check_in_at, newCheckOutAt: c.new_check_out_at, oldMinutes: c.old_minutes, newMinutes: c.new_minutes, reason: c.reason, reversedJournalId: c.reversed_journal_id, newJournalId: c.new_journal_id, correctedByName: c.corrected_by_name, at: c.at })),
    journals: journals.map((j) => ({ id: j.id, at: j.at, memo: j.memo, sourceType: j.sourceType, sourceId: j.sourceId, reversesId: j.reversesId, entries: j.entries })),
  };
}

export async function listRecords(ctx: PlatformContext, actor: Actor, q: { volunteerId?: string; opportunityId?: string; open: boolean; page: number; pageSize: number }) {
  const paths = scopePaths(actor, VOLUNTEER_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listRecords(ctx.db.kysely, { paths, volunteerId: q.volunteerId, opportunityId: q.opportunityId, open: q.open }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: rows.map(presentRecord), total, page: q.page, pageSize: q.pageSize };
}

// ---------------------------------------------------------------- the volunteer's hours

/** 我的时长: the ledger balance, the service records, and the account's entries with their sources. */
export async function myHours(ctx: PlatformContext, actor: Actor) {
  const v = await findMyVolunteer(ctx, actor);
  if (!v) return { minutes: 0, records: [], entries: [] };
  const db = ctx.db.kysely;
  const [minutes, records] = await Promise.all([minutesOf(db, [v.id]), repo.recordsOfVolunteer(db, v.id)]);
  let entries: { journalId: string; at: string; memo: string; sourceType: string | null; sourceId: string | null; reversesId: string | null; amount: number }[] = [];
  try {
    entries = (await ledger.statement(db, minutesAccountCode(v.id), { limit: 200, offset: 0 })).items;
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'LEDGER_ACCOUNT_NOT_FOUND')) throw e;
  }
  return { minutes: minutes.get(v.id) ?? 0, records: records.reverse().map(presentRecord), entries };
}

// ---------------------------------------------------------------- certificates

function presentCertificate(c: repo.CertificateRow) {
  return {
    id: c.id,
    number: c.number,
    volunteerId: c.volunteer_id,
    name: c.name,
    idType: c.id_type,
    idMasked: c.id_masked,
    volunteerNumber: c.volunteer_number,
    periodFrom: c.period_from,
    periodTo: c.period_to,
    totalMinutes: c.total_minutes,
    items: parseJson<CertificateItem[]>(c.items, []),
    issuingOrg: c.issuing_org,
    responsiblePerson: c.responsible_person,
    handlerName: c.handler_name,
    issuedOn: c.issued_on,
    printPath: `/api/v1/volunteer-certificates/${c.id}/print`,
  };
}

/**
 * 出具志愿服务证明: from the volunteer's checked-out records in the period (by service day,
 * Beijing time), one line per service, with name, ID type and masked number, volunteer number,
 * the issuing organisation, its responsible person and the handler (the caller); numbered
 * ZM<year>-<n>. Kept as issued: a later correction shows in a new certificate, not this one.
 */
export async function issueCertificate(ctx: PlatformContext, actor: Actor, input: { volunteerId: string; from?: string; to?: string; issuingOrg: string; responsiblePerson: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const v = await volunteersRepo.getVolunteer(db, input.volunteerId);
  if (!v || !canAt(actor, CERTIFICATE_ISSUE, v.org_path)) throw notFound('VOLUNTEER_NOT_FOUND');
  if (input.from && input.to && input.from > input.to) throw badRequest('CERTIFICATE_PERIOD_INVALID');
  const records = (await repo.recordsOfVolunteer(db, v.id, { fromIso: input.from ? dayStart(input.from) : undefined, toIso: input.to ? dayStart(addDay(input.to)) : undefined })).filter((r) => r.check_out_at && r.credited_minutes > 0);
  if (records.length === 0) throw badRequest('CERTIFICATE_NOTHING');
  const items: CertificateItem[] = records.map((r) => ({ date: beijingDay(r.check_in_at), title: r.opportunity_title, organiser: r.opportunity_organiser, minutes: r.credited_minutes }));
  const total = items.reduce((s, i) => s + i.minutes, 0);
  let identity = { name: v.name, idMasked: v.id_masked };
  if (v.person_id) {
    const facts = await residentFacts(db, v.person_id);
    if (facts) identity = { name: facts.name, idMasked: facts.idMasked };
  }
  const now = ctx.now();
  const today = beijingDay(now.toISOString());
  const issuer = await volunteersRepo.getNode(db, v.org_node_id);
  const id = newId();
  const year = today.slice(0, 4);
  await db.transaction().execute(async (trx) => {
    const number = `ZM${year}-${String(await volunteersRepo.nextNumber(trx, `certificate:${year}`)).padStart(5, '0')}`;
    await repo.insertCertificate(trx, {
      id,
      number,
      volunteer_id: v.id,
      org_node_id: issuer!.id,
      org_path: issuer!.path,
      issuing_org: input.issuingOrg,
      responsible_person: input.responsiblePerson,
      handler_user_id: actor.userId,
      handler_name: actor.displayName,
      name: identity.name,
      id_type: v.id_type,
      id_masked: identity.idMasked,
      volunteer_number: v.number,
      period_from: input.from ?? items[0]!.date,
      period_to: input.to ?? items[items.length - 1]!.date,
      total_minutes: total,
      items: JSON.stringify(items),
      issued_on: today,
      created_at: now.toISOString(),
    });
    if (v.user_id) await notify(trx, { recipients: [v.user_id], kind: 'volunteers.certificate.issued', title: `志愿服务证明已出具：${number}`, body: `累计 ${(total / 60).toFixed(1)} 小时`, link: '/m/volunteer', at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.certificate.issue', targetType: 'volunteer_certificate', targetId: id, orgNodeId: v.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { number, volunteer: v.number, minutes: total, items: items.length } }, trx);
  });
  return presentCertificate((await repo.getCertificate(db, id))!);
}

export async function listCertificates(ctx: PlatformContext, actor: Actor, q: { page: number; pageSize: number }) {
  const paths = scopePaths(actor, CERTIFICATE_ISSUE);
  if (paths.length === 0) throw forbidden();
  return { items: (await repo.listCertificates(ctx.db.kysely, paths, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize })).map(presentCertificate) };
}

export async function myCertificates(ctx: PlatformContext, actor: Actor) {
  const v = await findMyVolunteer(ctx, actor);
  return { items: v ? (await repo.certificatesOf(ctx.db.kysely, v.id)).map(presentCertificate) : [] };
}

/** The certificate for printing: its volunteer, or staff of its issuing area; the read (a masked ID on it) is audited. */
export async function certificateForPrint(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const c = await repo.getCertificate(ctx.db.kysely, id);
  if (!c) throw notFound('CERTIFICATE_NOT_FOUND');
  const mine = await volunteersRepo.volunteerOfUser(ctx.db.kysely, actor.userId);
  if (mine?.id !== c.volunteer_id && !canAt(actor, CERTIFICATE_ISSUE, c.org_path)) throw notFound('CERTIFICATE_NOT_FOUND');
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.certificate.print', targetType: 'volunteer_certificate', targetId: c.id, orgNodeId: c.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { number: c.number, own: mine?.id === c.volunteer_id } });
  return presentCertificate(c);
}
