import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { Executor } from '../../platform/db/database.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { absoluteUrl, renderQrSvg } from '../../platform/qr/qr.js';
import { rotatingToken, signedLinkKey, signedPath, verifyOrThrow } from '../../platform/qr/signed-link.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { audit, beijingDay, beijingTime, type Label } from './party.common.js';
import { canDecideOrg, canReadOrg, canRunOrg, leads, LEADING_POSTS, PARTY_COMMITTEE, PARTY_READ, type Leadership } from './party.policy.js';
import * as orgRepo from './organisations.repository.js';
import { committeeOf, leadershipOf, loadOrg, myMember } from './organisations.service.js';
import * as repo from './meetings.repository.js';
import type { MeetingInput } from './meetings.schema.js';
import { MEETING_KIND_LABELS, MEETING_KINDS, type MeetingKind } from './meetings.table.js';
import type { PartyOrgKind } from './organisations.table.js';

/**
 * 三会一课 and 主题党日. An organisation's secretary (by post) or staff plan a meeting with its
 * agenda, time and place; who should come is fixed then (the branch's members; the branch
 * committee for a 支委会; the group for a 党小组会). Members check in by scanning a signed QR
 * that the screen at the meeting replaces every minute (src/platform/qr/signed-link.ts: a photo
 * of it passed on later is refused as expired, an altered one as forged), or the secretary checks
 * them in. Members ask for leave (请假) before the meeting; the secretary decides. Minutes and
 * photos close it. The compliance view counts, per branch and group and per month or quarter,
 * the meetings held against the rhythm kept as data, and lists who missed what without leave.
 */

export const CHECKIN_PURPOSE = 'party.checkin';
export const CHECKIN_PAGE = '/m/party/checkin';
/** The code shows, and a scan counts, from this long before the start… */
export const CHECKIN_OPENS_BEFORE_MIN = 30;
/** …until this long after the end. */
export const CHECKIN_CLOSES_AFTER_MIN = 60;
export const QR_PERIOD_SECONDS = 60;
export const QR_VALID_SECONDS = 120;
export const PHOTO_PURPOSE = 'party.meeting';
const MINUTE = 60_000;

addMessages({
  'error.PARTY_MEETING_NOT_FOUND': { 'zh-CN': '会议不存在或不在您的管辖范围内', en: 'No such meeting in your area' },
  'error.PARTY_MEETING_STALE': { 'zh-CN': '该会议刚被他人修改，请刷新后重试', en: 'Someone else just changed this meeting; reload and try again' },
  'error.PARTY_MEETING_KIND': { 'zh-CN': '{org}不召开{kind}', en: 'A {org} does not hold a {kind}' },
  'error.PARTY_MEETING_TIME': { 'zh-CN': '结束时间须晚于开始时间，且会议不超过 12 小时', en: 'The end must be after the start, and a meeting lasts at most 12 hours' },
  'error.PARTY_MEETING_CANCELLED': { 'zh-CN': '该会议已取消', en: 'This meeting was cancelled' },
  'error.PARTY_MEETING_STARTED': { 'zh-CN': '会议已开始，不能再修改时间或取消', en: 'The meeting has started; its time can no longer change' },
  'error.PARTY_MEETING_NOT_HELD': { 'zh-CN': '会议开始后才能填写会议记录', en: 'Minutes are written once the meeting has started' },
  'error.PARTY_CHECKIN_NOT_OPEN': { 'zh-CN': '签到将于 {at} 开放', en: 'Check-in opens at {at}' },
  'error.PARTY_CHECKIN_CLOSED': { 'zh-CN': '签到已于 {at} 截止，请联系支部书记补签', en: 'Check-in closed at {at}; ask the branch secretary' },
  'error.PARTY_CHECKIN_NOT_ATTENDEE': { 'zh-CN': '您不是本次会议的参会人员', en: 'You are not expected at this meeting' },
  'error.PARTY_CHECKIN_TIME': { 'zh-CN': '签到时间须在签到时段内且不晚于现在', en: 'The time must be within the check-in period and not in the future' },
  'error.PARTY_LEAVE_NOT_FOUND': { 'zh-CN': '请假申请不存在或不在您的管辖范围内', en: 'No such leave request in your area' },
  'error.PARTY_LEAVE_EXISTS': { 'zh-CN': '您已为本次会议提交过请假申请', en: 'You already asked for leave for this meeting' },
  'error.PARTY_LEAVE_TOO_LATE': { 'zh-CN': '会议已开始，不能再请假', en: 'The meeting has started: too late to ask for leave' },
  'error.PARTY_LEAVE_STALE': { 'zh-CN': '该请假申请已被处理', en: 'This leave request was already decided' },
  'error.PARTY_PHOTO_INVALID': { 'zh-CN': '会议照片须为本人上传的图片', en: 'Meeting photos must be pictures you uploaded' },
  'error.PARTY_RULES_SCOPE': { 'zh-CN': '只有党委可以设置本党委的会议制度', en: 'Only a party committee sets its meeting rules' },
});

/** Which meetings an organisation holds. */
const KINDS_OF: Record<PartyOrgKind, readonly MeetingKind[]> = {
  committee: ['committee_meeting', 'party_lecture', 'theme_day'],
  general_branch: ['committee_meeting', 'party_lecture', 'theme_day'],
  branch: ['branch_assembly', 'committee_meeting', 'party_lecture', 'theme_day'],
  group: ['group_meeting'],
};
const ORG_WORDS: Record<PartyOrgKind, string> = { committee: '党委', general_branch: '党总支', branch: '党支部', group: '党小组' };

// ---------------------------------------------------------------- who comes

/** Who should come: the branch's members; its committee (post holders) for a 支委会; the group's members for a 党小组会. */
async function expectedMembers(db: Executor, org: orgRepo.OrgRow, kind: MeetingKind): Promise<string[]> {
  if (kind === 'committee_meeting') {
    const posts = (await orgRepo.postsIn(db, [org.id])).filter((p) => p.post !== '党小组组长');
    return [...new Set(posts.map((p) => p.member_id))];
  }
  if (org.kind === 'group') return (await orgRepo.activeMembersOf(db, { groupId: org.id })).map((m) => m.id);
  if (org.kind === 'branch') return (await orgRepo.activeMembersOf(db, { branchId: org.id })).map((m) => m.id);
  return (await orgRepo.listMembers(db, { nodePaths: [org.org_path], partyPaths: [], under: org.path, status: 'active' }, { limit: 5000, offset: 0 })).map((m) => m.id);
}

async function isExpected(db: Executor, org: orgRepo.OrgRow, kind: MeetingKind, member: orgRepo.MemberRow): Promise<boolean> {
  if (kind === 'committee_meeting') return (await expectedMembers(db, org, kind)).includes(member.id);
  if (org.kind === 'group') return member.group_id === org.id;
  if (org.kind === 'branch') return member.org_id === org.id;
  return member.party_path.startsWith(org.path);
}

// ---------------------------------------------------------------- presenting

function window(m: repo.MeetingRow) {
  return { opens: new Date(Date.parse(m.starts_at) - CHECKIN_OPENS_BEFORE_MIN * MINUTE).toISOString(), closes: new Date(Date.parse(m.ends_at) + CHECKIN_CLOSES_AFTER_MIN * MINUTE).toISOString() };
}

function phaseOf(m: repo.MeetingRow, now: string): 'upcoming' | 'checkin_open' | 'held' | 'cancelled' {
  if (m.status === 'cancelled') return 'cancelled';
  const w = window(m);
  if (now < w.opens) return 'upcoming';
  if (now <= w.closes) return 'checkin_open';
  return 'held';
}

function countsOf(rows: repo.AttendanceRow[], m: repo.MeetingRow, now: string) {
  const present = rows.filter((r) => r.status === 'present').length;
  const leave = rows.filter((r) => r.status === 'leave').length;
  const waiting = rows.filter((r) => r.status === 'expected').length;
  // Absent (缺席) only once the meeting is over; before that they may still come.
  const over = m.ends_at <= now;
  return { expected: rows.length, present, leave, absent: over ? waiting : 0 };
}

async function presentMeetings(ctx: PlatformContext, actor: Actor, led: Leadership, rows: repo.MeetingRow[], db: Executor = ctx.db.kysely) {
  const [orgs, attendance] = await Promise.all([orgRepo.getOrgs(db, rows.map((m) => m.org_id)), repo.attendanceOf(db, rows.map((m) => m.id))]);
  const now = ctx.now().toISOString();
  return rows.map((m) => {
    const org = orgs.get(m.org_id)!;
    return {
      id: m.id,
      orgId: m.org_id,
      orgName: org?.name ?? '',
      kind: m.kind,
      kindLabel: MEETING_KIND_LABELS[m.kind],
      title: m.title,
      agenda: m.agenda,
      place: m.place,
      startsAt: m.starts_at,
      endsAt: m.ends_at,
      lecturer: m.lecturer,
      status: m.status,
      phase: phaseOf(m, now),
      cancelReason: m.cancel_reason,
      hasMinutes: !!m.minutes,
      counts: countsOf(
        attendance.filter((a) => a.meeting_id === m.id),
        m,
        now,
      ),
      version: m.version,
      abilities: { run: !!org && canRunOrg(actor, led, org), decide: !!org && canDecideOrg(actor, led, org) },
    };
  });
}

async function loadMeeting(ctx: PlatformContext, id: string, db: Executor = ctx.db.kysely) {
  const m = await repo.getMeeting(db, id);
  if (!m) throw notFound('PARTY_MEETING_NOT_FOUND');
  const org = (await orgRepo.getOrg(db, m.org_id))!;
  return { m, org };
}

async function meetingForRunner(ctx: PlatformContext, actor: Actor, id: string) {
  const led = await leadershipOf(ctx, actor);
  const { m, org } = await loadMeeting(ctx, id);
  if (!canRunOrg(actor, led, org)) {
    if (canReadOrg(actor, led, org)) throw forbidden();
    throw notFound('PARTY_MEETING_NOT_FOUND');
  }
  return { m, org, led };
}

// ---------------------------------------------------------------- planning

function checkTimes(startsAt: string, endsAt: string) {
  const s = Date.parse(startsAt);
  const e = Date.parse(endsAt);
  if (!(e > s) || e - s > 12 * 3_600_000) throw badRequest('PARTY_MEETING_TIME');
}

export async function planMeeting(ctx: PlatformContext, actor: Actor, input: MeetingInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  const org = await loadOrg(ctx, input.orgId);
  if (!canRunOrg(actor, led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
  if (!KINDS_OF[org.kind].includes(input.kind)) throw badRequest('PARTY_MEETING_KIND', { org: ORG_WORDS[org.kind], kind: MEETING_KIND_LABELS[input.kind]['zh-CN'] });
  checkTimes(input.startsAt, input.endsAt);
  const now = ctx.now().toISOString();
  const row: repo.MeetingRow = {
    id: newId(),
    org_id: org.id,
    party_path: org.path,
    org_path: org.org_path,
    kind: input.kind,
    title: input.title,
    agenda: input.agenda,
    place: input.place,
    starts_at: new Date(input.startsAt).toISOString(),
    ends_at: new Date(input.endsAt).toISOString(),
    lecturer: input.lecturer ?? null,
    status: 'planned',
    cancel_reason: null,
    minutes: null,
    minutes_by: null,
    minutes_at: null,
    version: 1,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  const expected = await expectedMembers(db, org, input.kind);
  await db.transaction().execute(async (trx) => {
    await repo.insertMeeting(trx, row);
    await repo.insertAttendance(
      trx,
      expected.map((memberId) => ({ meeting_id: row.id, member_id: memberId, status: 'expected' as const, checked_in_at: null, method: null, checked_in_by: null, updated_at: now })),
    );
    const members = await orgRepo.getMembers(trx, expected);
    const accounts = await orgRepo.accountsOfPeople(trx, [...members.values()].map((m) => m.person_id));
    const recipients = [...accounts.values()].flat().filter((u) => u !== actor.userId);
    if (recipients.length) {
      await notify(trx, {
        recipients,
        kind: 'party.meeting.planned',
        title: `${MEETING_KIND_LABELS[row.kind]['zh-CN']}通知：${row.title}`,
        body: `${beijingTime(row.starts_at)}，${row.place}。${row.agenda}`.slice(0, 1000),
        link: '/m/party',
        at: ctx.now(),
      });
    }
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.plan', targetType: 'party_meeting', targetId: row.id, orgNodeId: org.org_node_id, details: { org: org.id, kind: row.kind, startsAt: row.starts_at, expected: expected.length } }), trx);
  });
  return getMeeting(ctx, actor, row.id, meta);
}

export async function updateMeeting(ctx: PlatformContext, actor: Actor, id: string, patch: { title?: string; agenda?: string; place?: string; startsAt?: string; endsAt?: string; lecturer?: string | null; expectedVersion: number }, meta: RequestMeta) {
  const { m, org } = await meetingForRunner(ctx, actor, id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  const now = ctx.now().toISOString();
  const startsAt = patch.startsAt ? new Date(patch.startsAt).toISOString() : m.starts_at;
  const endsAt = patch.endsAt ? new Date(patch.endsAt).toISOString() : m.ends_at;
  if ((startsAt !== m.starts_at || endsAt !== m.ends_at) && m.starts_at <= now) throw conflict('PARTY_MEETING_STARTED');
  checkTimes(startsAt, endsAt);
  const set: Partial<repo.MeetingRow> = { starts_at: startsAt, ends_at: endsAt, updated_at: now };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.agenda !== undefined) set.agenda = patch.agenda;
  if (patch.place !== undefined) set.place = patch.place;
  if (patch.lecturer !== undefined) set.lecturer = patch.lecturer;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateMeeting(trx, m.id, patch.expectedVersion, set))) throw conflict('PARTY_MEETING_STALE');
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.update', targetType: 'party_meeting', targetId: m.id, orgNodeId: org.org_node_id, details: { startsAt, endsAt, place: set.place, title: set.title } }), trx);
  });
  return getMeeting(ctx, actor, id, meta);
}

export async function cancelMeeting(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string; expectedVersion: number }, meta: RequestMeta) {
  const { m, org } = await meetingForRunner(ctx, actor, id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  if (m.starts_at <= ctx.now().toISOString()) throw conflict('PARTY_MEETING_STARTED');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateMeeting(trx, m.id, input.expectedVersion, { status: 'cancelled', cancel_reason: input.reason, updated_at: ctx.now().toISOString() }))) throw conflict('PARTY_MEETING_STALE');
    const rows = await repo.attendanceOf(trx, [m.id]);
    const members = await orgRepo.getMembers(trx, rows.map((r) => r.member_id));
    const accounts = [...(await orgRepo.accountsOfPeople(trx, [...members.values()].map((x) => x.person_id))).values()].flat().filter((u) => u !== actor.userId);
    if (accounts.length) await notify(trx, { recipients: accounts, kind: 'party.meeting.cancelled', title: `会议取消：${m.title}`, body: `原定 ${beijingTime(m.starts_at)}，${m.place}。原因：${input.reason}`, link: '/m/party', at: ctx.now() });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.cancel', targetType: 'party_meeting', targetId: m.id, orgNodeId: org.org_node_id, details: { reason: input.reason } }), trx);
  });
  return getMeeting(ctx, actor, id, meta);
}

// ---------------------------------------------------------------- reading

/** Meetings of the caller's area and of what they lead (read scope), newest first. */
export async function listMeetings(ctx: PlatformContext, actor: Actor, q: { orgId?: string; from?: string; to?: string; kind?: MeetingKind; includeCancelled: boolean }) {
  const led = await leadershipOf(ctx, actor);
  const nodePaths = scopePaths(actor, PARTY_READ);
  if (nodePaths.length === 0 && led.length === 0) return { items: [] };
  let under: string | undefined;
  let orgIds: string[] | undefined;
  if (q.orgId) {
    const org = await loadOrg(ctx, q.orgId);
    if (!canReadOrg(actor, led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
    // A group's own meetings; anything else: its meetings and those of everything under it.
    if (org.kind === 'group') orgIds = [org.id];
    else under = org.path;
  }
  const rows = await repo.listMeetings(ctx.db.kysely, {
    nodePaths,
    partyPaths: [...led],
    under,
    orgIds,
    kind: q.kind,
    fromIso: q.from ? new Date(`${q.from}T00:00:00+08:00`).toISOString() : undefined,
    toIso: q.to ? new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000).toISOString() : undefined,
    includeCancelled: q.includeCancelled,
  });
  return { items: await presentMeetings(ctx, actor, led, rows) };
}

export async function getMeeting(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  const { m, org } = await loadMeeting(ctx, id);
  if (!canReadOrg(actor, led, org)) throw notFound('PARTY_MEETING_NOT_FOUND');
  const [view] = await presentMeetings(ctx, actor, led, [m]);
  const rows = await repo.attendanceOf(db, [m.id]);
  const leave = await repo.leaveOf(db, { meetingIds: [m.id] });
  const members = await orgRepo.getMembers(db, [...rows.map((r) => r.member_id), ...leave.map((l) => l.member_id)]);
  const names = new Map((await peopleBriefs(db, [...new Set([...members.values()].map((x) => x.person_id))])).map((b) => [b.personId, b.name]));
  const nameOf = (memberId: string) => names.get(members.get(memberId)?.person_id ?? '') ?? '';
  const photos = await repo.photosOf(db, m.id);
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.read', targetType: 'party_meeting', targetId: m.id, orgNodeId: org.org_node_id, details: { attendees: rows.length } }));
  const order = { present: 0, leave: 1, expected: 2 } as const;
  return {
    ...view!,
    minutes: m.minutes,
    minutesAt: m.minutes_at,
    photos: photos.map((p) => ({ id: p.id, name: p.original_name, url: `/api/v1/files/${p.id}` })),
    attendees: rows
      .map((r) => ({ memberId: r.member_id, name: nameOf(r.member_id), status: r.status, checkedInAt: r.checked_in_at, method: r.method }))
      .sort((a, b) => order[a.status] - order[b.status] || (a.checkedInAt ?? '').localeCompare(b.checkedInAt ?? '') || a.name.localeCompare(b.name, 'zh-CN')),
    leave: leave.map((l) => presentLeave(l, m, nameOf(l.member_id))),
  };
}

function presentLeave(l: repo.LeaveRow, m: Pick<repo.MeetingRow, 'title' | 'starts_at'>, name: string) {
  return {
    id: l.id,
    meetingId: l.meeting_id,
    meetingTitle: m.title,
    meetingStartsAt: m.starts_at,
    memberId: l.member_id,
    name,
    reason: l.reason,
    status: l.status,
    decidedByName: l.decided_by_name,
    decidedAt: l.decided_at,
    decisionNote: l.decision_note,
    createdAt: l.created_at,
    version: l.version,
  };
}

// ---------------------------------------------------------------- the QR and check-in

/** The code to show on the screen now: replaced every minute, each valid two. */
export async function checkinQr(ctx: PlatformContext, actor: Actor, id: string, origin: string) {
  const { m } = await meetingForRunner(ctx, actor, id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  const now = ctx.now();
  requireWindow(m, now.toISOString());
  const t = rotatingToken(signedLinkKey(ctx.sessionKey), { purpose: CHECKIN_PURPOSE, subject: m.id, at: now, periodSeconds: QR_PERIOD_SECONDS, validSeconds: QR_VALID_SECONDS });
  const path = signedPath(CHECKIN_PAGE, t.token);
  const url = absoluteUrl(origin, path);
  const rows = await repo.attendanceOf(ctx.db.kysely, [m.id]);
  return { token: t.token, path, url, svg: await renderQrSvg(url), notBefore: t.notBefore.toISOString(), expiresAt: t.expiresAt.toISOString(), refreshAt: t.refreshAt.toISOString(), counts: countsOf(rows, m, now.toISOString()) };
}

function requireWindow(m: repo.MeetingRow, at: string) {
  const w = window(m);
  if (at < w.opens) throw conflict('PARTY_CHECKIN_NOT_OPEN', { at: beijingTime(w.opens) });
  if (at > w.closes) throw conflict('PARTY_CHECKIN_CLOSED', { at: beijingTime(w.closes) });
}

async function checkIn(ctx: PlatformContext, actor: Actor, m: repo.MeetingRow, org: orgRepo.OrgRow, members: orgRepo.MemberRow[], how: { method: 'qr' | 'secretary'; at: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const now = ctx.now().toISOString();
  const done = await db.transaction().execute(async (trx) => {
    // Someone who should come but joined the rolls after the meeting was planned gets a row now.
    await repo.insertAttendance(
      trx,
      members.map((member) => ({ meeting_id: m.id, member_id: member.id, status: 'expected' as const, checked_in_at: null, method: null, checked_in_by: null, updated_at: now })),
    );
    const marked: string[] = [];
    // Once: a second scan (also at the same instant) changes nothing.
    for (const member of members) if (await repo.markPresent(trx, m.id, member.id, { checked_in_at: how.at, method: how.method, checked_in_by: actor.userId, updated_at: now })) marked.push(member.id);
    if (marked.length) await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.check-in', targetType: 'party_meeting', targetId: m.id, orgNodeId: org.org_node_id, details: { members: marked, method: how.method, at: how.at } }), trx);
    return marked;
  });
  return done;
}

/**
 * A member scans the code at the meeting (`/m/party/checkin?t=…`): forged → 403, expired → 410,
 * not expected → 403, otherwise present (once; a second scan answers with the first time).
 */
export async function checkInByQr(ctx: PlatformContext, actor: Actor, token: string, meta: RequestMeta) {
  const now = ctx.now();
  const claims = verifyOrThrow(signedLinkKey(ctx.sessionKey), token, { purposes: [CHECKIN_PURPOSE], now });
  const db = ctx.db.kysely;
  const found = await repo.getMeeting(db, claims.subject);
  if (!found) throw notFound('PARTY_MEETING_NOT_FOUND');
  const { m, org } = await loadMeeting(ctx, found.id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  const member = await myMember(ctx, actor);
  if (!member) throw forbidden('PARTY_NOT_MEMBER');
  const row = await repo.attendanceRow(db, m.id, member.id);
  if (!row && !(await isExpected(db, org, m.kind, member))) {
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.check-in', outcome: 'denied', targetType: 'party_meeting', targetId: m.id, details: { member: member.id, reason: 'not expected' } }));
    throw forbidden('PARTY_CHECKIN_NOT_ATTENDEE');
  }
  const at = now.toISOString();
  requireWindow(m, at);
  const marked = await checkIn(ctx, actor, m, org, [member], { method: 'qr', at }, meta);
  const after = (await repo.attendanceRow(db, m.id, member.id))!;
  const result = { already: marked.length === 0, checkedInAt: after.checked_in_at! };
  return { ...result, meeting: { id: m.id, title: m.title, kindLabel: MEETING_KIND_LABELS[m.kind], orgName: org.name, place: m.place, startsAt: m.starts_at, endsAt: m.ends_at } };
}

/** 代签到: the secretary checks members in, now or at a stated earlier time within the window. */
export async function checkInBySecretary(ctx: PlatformContext, actor: Actor, id: string, input: { memberIds: string[]; at?: string }, meta: RequestMeta, opts: { quiet?: boolean } = {}) {
  const { m, org } = await meetingForRunner(ctx, actor, id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  const db = ctx.db.kysely;
  const members = [...(await orgRepo.getMembers(db, input.memberIds)).values()];
  if (members.length !== new Set(input.memberIds).size) throw badRequest('PARTY_CHECKIN_NOT_ATTENDEE');
  const rows = new Set((await repo.attendanceOf(db, [m.id])).map((r) => r.member_id));
  for (const member of members) {
    if (member.status !== 'active' || (!rows.has(member.id) && !(await isExpected(db, org, m.kind, member)))) throw badRequest('PARTY_CHECKIN_NOT_ATTENDEE');
  }
  const now = ctx.now().toISOString();
  const at = input.at ? new Date(input.at).toISOString() : now;
  const w = window(m);
  if (at > now || at < w.opens || at > w.closes) throw badRequest('PARTY_CHECKIN_TIME');
  await checkIn(ctx, actor, m, org, members, { method: 'secretary', at }, meta);
  return opts.quiet ? undefined : getMeeting(ctx, actor, id, meta);
}

// ---------------------------------------------------------------- leave

/** 请假: a member expected at a meeting asks before it starts; the secretaries are told. */
export async function requestLeave(ctx: PlatformContext, actor: Actor, meetingId: string, input: { reason: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const member = await myMember(ctx, actor);
  if (!member) throw forbidden('PARTY_NOT_MEMBER');
  const { m, org } = await loadMeeting(ctx, meetingId);
  const row = await repo.attendanceRow(db, m.id, member.id);
  if (!row && !(await isExpected(db, org, m.kind, member))) throw notFound('PARTY_MEETING_NOT_FOUND');
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  if (m.starts_at <= ctx.now().toISOString()) throw conflict('PARTY_LEAVE_TOO_LATE');
  const now = ctx.now().toISOString();
  const leave: repo.LeaveRow = { id: newId(), meeting_id: m.id, member_id: member.id, reason: input.reason, status: 'pending', decided_by: null, decided_by_name: null, decided_at: null, decision_note: null, version: 1, created_at: now };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertLeave(trx, leave);
      await repo.insertAttendance(trx, [{ meeting_id: m.id, member_id: member.id, status: 'expected', checked_in_at: null, method: null, checked_in_by: null, updated_at: now }]);
      const deciders = await decidersOf(ctx, trx, org);
      const name = (await peopleBriefs(trx, [member.person_id]))[0]?.name ?? '';
      if (deciders.length) await notify(trx, { recipients: deciders, kind: 'party.leave.requested', title: `请假申请：${m.title}`, body: `${name}：${input.reason}`, link: '/m/party/duties', at: ctx.now() });
      await appendAudit(ctx.db, audit(actor, meta, { action: 'party.leave.request', targetType: 'party_leave_request', targetId: leave.id, orgNodeId: org.org_node_id, details: { meeting: m.id } }), trx);
    });
  } catch (e) {
    if (orgRepo.isUniqueViolation(e)) throw conflict('PARTY_LEAVE_EXISTS');
    throw e;
  }
  return presentLeave(leave, m, '');
}

/** The accounts that decide for an organisation: its leaders (and those above) and the committee's secretaries. */
async function decidersOf(ctx: PlatformContext, db: Executor, org: orgRepo.OrgRow): Promise<string[]> {
  const chain = await orgRepo.ancestors(db, org.path);
  const posts = await orgRepo.postsIn(
    db,
    chain.map((o) => o.id),
    LEADING_POSTS,
  );
  const nearest = [...chain].reverse().find((o) => posts.some((p) => p.org_id === o.id));
  const people = posts.filter((p) => p.org_id === nearest?.id).map((p) => p.person_id);
  const accounts = [...(await orgRepo.accountsOfPeople(db, people)).values()].flat();
  return [...new Set([...accounts, ...(await orgRepo.grantHoldersAbove(db, org.org_path, ['party_secretary']))])];
}

/** Leave requests the caller decides (pending by default), oldest first. */
export async function listLeave(ctx: PlatformContext, actor: Actor, q: { status?: 'pending' | 'approved' | 'refused' }) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  const nodePaths = scopePaths(actor, PARTY_COMMITTEE);
  if (nodePaths.length === 0 && led.length === 0) return { items: [] };
  const from = new Date(ctx.now().getTime() - 90 * 86_400_000).toISOString();
  const meetings = await repo.listMeetings(db, { nodePaths, partyPaths: [...led], fromIso: from, includeCancelled: false }, 1000);
  const byId = new Map(meetings.map((m) => [m.id, m]));
  const rows = await repo.leaveOf(db, { meetingIds: [...byId.keys()], status: q.status ?? 'pending' });
  const members = await orgRepo.getMembers(db, rows.map((r) => r.member_id));
  const names = new Map((await peopleBriefs(db, [...members.values()].map((x) => x.person_id))).map((b) => [b.personId, b.name]));
  return { items: rows.map((l) => presentLeave(l, byId.get(l.meeting_id)!, names.get(members.get(l.member_id)?.person_id ?? '') ?? '')) };
}

export async function decideLeave(ctx: PlatformContext, actor: Actor, id: string, input: { approve: boolean; note?: string; expectedVersion: number }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const l = await repo.getLeave(db, id);
  if (!l) throw notFound('PARTY_LEAVE_NOT_FOUND');
  const { m, org } = await loadMeeting(ctx, l.meeting_id);
  const led = await leadershipOf(ctx, actor);
  if (!canDecideOrg(actor, led, org)) {
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.leave.decide', outcome: 'denied', targetType: 'party_leave_request', targetId: l.id }));
    throw notFound('PARTY_LEAVE_NOT_FOUND');
  }
  const now = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    const ok = await repo.decideLeave(trx, l.id, input.expectedVersion, { status: input.approve ? 'approved' : 'refused', decided_by: actor.userId, decided_by_name: actor.displayName, decided_at: now, decision_note: input.note ?? null });
    if (!ok) throw conflict('PARTY_LEAVE_STALE');
    if (input.approve) await repo.setLeave(trx, m.id, l.member_id, now);
    const member = await orgRepo.getMember(trx, l.member_id);
    const accounts = member ? ((await orgRepo.accountsOfPeople(trx, [member.person_id])).get(member.person_id) ?? []) : [];
    if (accounts.length) await notify(trx, { recipients: accounts, kind: 'party.leave.decided', title: `请假${input.approve ? '已批准' : '未批准'}：${m.title}`, body: input.note ? `${actor.displayName}：${input.note}` : `${actor.displayName}${input.approve ? '批准了您的请假' : '未批准您的请假，请按时参加'}`, link: '/m/party', at: ctx.now() });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.leave.decide', targetType: 'party_leave_request', targetId: l.id, orgNodeId: org.org_node_id, details: { meeting: m.id, approve: input.approve } }), trx);
  });
  const after = (await repo.getLeave(db, id))!;
  const member = await orgRepo.getMember(db, after.member_id);
  const name = member ? ((await peopleBriefs(db, [member.person_id]))[0]?.name ?? '') : '';
  return presentLeave(after, m, name);
}

// ---------------------------------------------------------------- minutes

export async function saveMinutes(ctx: PlatformContext, actor: Actor, id: string, input: { minutes: string; photoIds: string[]; expectedVersion: number }, meta: RequestMeta) {
  const { m, org } = await meetingForRunner(ctx, actor, id);
  if (m.status === 'cancelled') throw conflict('PARTY_MEETING_CANCELLED');
  const now = ctx.now().toISOString();
  if (m.starts_at > now) throw conflict('PARTY_MEETING_NOT_HELD');
  const db = ctx.db.kysely;
  const current = (await repo.photosOf(db, m.id)).map((p) => p.id);
  const newOnes = input.photoIds.filter((p) => !current.includes(p));
  if (newOnes.length) {
    const files = await repo.attachmentsByIds(db, newOnes);
    if (files.length !== new Set(newOnes).size || files.some((f) => f.owner_user_id !== actor.userId || f.purpose !== PHOTO_PURPOSE || !f.mime.startsWith('image/'))) throw badRequest('PARTY_PHOTO_INVALID');
  }
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateMeeting(trx, m.id, input.expectedVersion, { minutes: input.minutes, minutes_by: actor.userId, minutes_at: now, updated_at: now }))) throw conflict('PARTY_MEETING_STALE');
    await useAttachments(trx, 'party_meeting', m.id, input.photoIds);
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.meeting.minutes', targetType: 'party_meeting', targetId: m.id, orgNodeId: org.org_node_id, details: { length: input.minutes.length, photos: input.photoIds.length } }), trx);
  });
  return getMeeting(ctx, actor, id, meta);
}

// Meeting photos open for whoever may read the meeting, and for the members expected at it.
registerAttachmentAccess(PHOTO_PURPOSE, async (ctx, actor, attachment) => {
  const db = ctx.db.kysely;
  const owners = await attachmentOwners(db, attachment.id, 'party_meeting');
  if (owners.length === 0) return false;
  const led = await leadershipOf(ctx, actor);
  const member = await myMember(ctx, actor);
  for (const id of owners) {
    const m = await repo.getMeeting(db, id);
    const org = m ? await orgRepo.getOrg(db, m.org_id) : undefined;
    if (!m || !org) continue;
    if (canReadOrg(actor, led, org)) return true;
    if (member && (await repo.attendanceRow(db, m.id, member.id))) return true;
  }
  return false;
});

// ---------------------------------------------------------------- the member's own view

/** 我的会议: upcoming and the last six months' meetings the member is expected at, with their attendance and leave. */
export async function myMeetings(ctx: PlatformContext, actor: Actor) {
  const member = await myMember(ctx, actor);
  if (!member) return { items: [] };
  const db = ctx.db.kysely;
  const rows = await repo.attendanceOfMember(db, member.id);
  const since = new Date(ctx.now().getTime() - 183 * 86_400_000).toISOString();
  const meetings = (await repo.meetingsByIds(db, rows.map((r) => r.meeting_id))).filter((m) => m.ends_at >= since).sort((a, b) => b.starts_at.localeCompare(a.starts_at));
  const leave = await repo.leaveOf(db, { memberId: member.id });
  const orgs = await orgRepo.getOrgs(db, meetings.map((m) => m.org_id));
  const now = ctx.now().toISOString();
  return {
    items: meetings.map((m) => {
      const a = rows.find((r) => r.meeting_id === m.id)!;
      const l = leave.find((x) => x.meeting_id === m.id);
      return {
        id: m.id,
        orgName: orgs.get(m.org_id)?.name ?? '',
        kind: m.kind,
        kindLabel: MEETING_KIND_LABELS[m.kind],
        title: m.title,
        agenda: m.agenda,
        place: m.place,
        startsAt: m.starts_at,
        endsAt: m.ends_at,
        lecturer: m.lecturer,
        status: m.status,
        phase: phaseOf(m, now),
        cancelReason: m.cancel_reason,
        attendance: a.status,
        absent: a.status === 'expected' && m.ends_at <= now && m.status === 'planned',
        checkedInAt: a.checked_in_at,
        leave: l ? { id: l.id, status: l.status, reason: l.reason, decisionNote: l.decision_note } : null,
        canAskLeave: m.status === 'planned' && m.starts_at > now && !l,
      };
    }),
  };
}

/** What a member sees first: their record on the rolls, and what their posts ask of them. */
export async function myParty(ctx: PlatformContext, actor: Actor) {
  const db = ctx.db.kysely;
  const member = await myMember(ctx, actor);
  const led = await leadershipOf(ctx, actor);
  let view = null;
  if (member) {
    const posts = await orgRepo.postsOf(db, [member.id], { current: true });
    const orgs = await orgRepo.getOrgs(db, [member.org_id, member.group_id ?? '', ...posts.map((p) => p.org_id)].filter(Boolean));
    const branch = orgs.get(member.org_id)!;
    const chain = await orgRepo.ancestors(db, branch.path);
    const leaders = await orgRepo.postsIn(db, [branch.id], LEADING_POSTS);
    const names = new Map((await peopleBriefs(db, leaders.map((p) => p.person_id))).map((b) => [b.personId, b.name]));
    const counts = await orgRepo.memberCounts(db, [branch]);
    view = {
      id: member.id,
      category: member.category,
      joinedOn: member.joined_on,
      confirmedOn: member.confirmed_on,
      isMobile: member.is_mobile === 1,
      mobileLocation: member.mobile_location,
      branch: { id: branch.id, name: branch.name, chain: chain.map((o) => o.name), memberCount: counts.get(branch.id) ?? 0, leaders: leaders.map((p) => ({ name: names.get(p.person_id) ?? '', post: p.post })) },
      group: member.group_id ? { id: member.group_id, name: orgs.get(member.group_id)?.name ?? '' } : null,
      posts: posts.map((p) => ({ orgName: orgs.get(p.org_id)?.name ?? '', post: p.post })),
    };
  }
  const ledOrgs = led.length ? await orgRepo.getOrgs(db, led.map((p) => p.split('/').filter(Boolean).pop()!)) : new Map();
  let pendingLeave = 0;
  if (led.length) pendingLeave = (await listLeave(ctx, actor, { status: 'pending' })).items.length;
  return {
    member: view,
    leads: [...ledOrgs.values()].map((o: orgRepo.OrgRow) => ({ id: o.id, name: o.name, kind: o.kind })),
    duties: { pendingLeave },
  };
}

// ---------------------------------------------------------------- rules and compliance

const KIND_ORDER = Object.fromEntries(MEETING_KINDS.map((k, i) => [k, i]));

/** The rhythm in force for an organisation: its committee's own rules over the platform's defaults. */
async function effectiveRules(ctx: PlatformContext, org: orgRepo.OrgRow) {
  const committee = await committeeOf(ctx, org);
  const scopes = committee ? ['*', committee.id] : ['*'];
  const rows = await repo.rulesFor(ctx.db.kysely, scopes);
  const byKind = new Map<string, repo.RuleRow>();
  for (const r of rows.filter((x) => x.scope === '*')) byKind.set(r.kind, r);
  for (const r of rows.filter((x) => x.scope !== '*')) byKind.set(r.kind, r);
  return [...byKind.values()].sort((a, b) => KIND_ORDER[a.kind]! - KIND_ORDER[b.kind]!);
}

export async function getRules(ctx: PlatformContext, actor: Actor, orgId: string) {
  const led = await leadershipOf(ctx, actor);
  const org = await loadOrg(ctx, orgId);
  if (!canReadOrg(actor, led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
  return { items: (await effectiveRules(ctx, org)).map((r) => ({ kind: r.kind, kindLabel: MEETING_KIND_LABELS[r.kind], appliesTo: r.applies_to, period: r.period, minCount: r.min_count, scope: r.scope })) };
}

/** A committee sets its own rhythm (the platform's defaults stay for everyone else). */
export async function setRules(ctx: PlatformContext, actor: Actor, input: { orgId: string; rules: { kind: MeetingKind; appliesTo: 'branch' | 'group'; period: 'month' | 'quarter'; minCount: number }[] }, meta: RequestMeta) {
  const led = await leadershipOf(ctx, actor);
  const org = await loadOrg(ctx, input.orgId);
  if (org.kind !== 'committee') throw badRequest('PARTY_RULES_SCOPE');
  if (!(canAt(actor, PARTY_COMMITTEE, org.org_path) || leads(led, org))) throw notFound('PARTY_ORG_NOT_FOUND');
  const now = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const r of input.rules) await repo.upsertRule(trx, { id: newId(), scope: org.id, kind: r.kind, applies_to: r.appliesTo, period: r.period, min_count: r.minCount, updated_by: actor.userId, updated_at: now });
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.rules.set', targetType: 'party_org', targetId: org.id, orgNodeId: org.org_node_id, details: { rules: input.rules } }), trx);
  });
  return getRules(ctx, actor, org.id);
}

interface Period {
  key: string;
  startIso: string;
  endIso: string;
  /** Last Beijing day of the period. */
  lastDay: string;
}

const monthStart = (ym: string) => new Date(`${ym}-01T00:00:00+08:00`).toISOString();
const nextMonth = (ym: string) => {
  const [y, m] = [Number(ym.slice(0, 4)), Number(ym.slice(5, 7))];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/** Months, or quarters, touching `from` … `to` (YYYY-MM). */
export function periodsOf(kind: 'month' | 'quarter', from: string, to: string): Period[] {
  const out: Period[] = [];
  if (kind === 'month') {
    for (let ym = from; ym <= to; ym = nextMonth(ym)) {
      const end = monthStart(nextMonth(ym));
      out.push({ key: ym, startIso: monthStart(ym), endIso: end, lastDay: beijingDay(new Date(Date.parse(end) - 1)) });
    }
    return out;
  }
  const q = (ym: string) => `${ym.slice(0, 4)}-Q${Math.floor((Number(ym.slice(5, 7)) - 1) / 3) + 1}`;
  const first = (key: string) => `${key.slice(0, 4)}-${String((Number(key.slice(6)) - 1) * 3 + 1).padStart(2, '0')}`;
  for (let ym = from; ym <= to; ym = nextMonth(ym)) {
    const key = q(ym);
    if (out.some((p) => p.key === key)) continue;
    const start = first(key);
    const end = monthStart(nextMonth(nextMonth(nextMonth(start))));
    out.push({ key, startIso: monthStart(start), endIso: end, lastDay: beijingDay(new Date(Date.parse(end) - 1)) });
  }
  return out;
}

/**
 * 三会一课 compliance of an organisation and everything under it, month by month (or quarter)
 * from `from` to `to`: meetings held (not cancelled, started by now) per rule, kept / missed /
 * still open (the period has not ended), and who was absent without leave from meetings that
 * are over. Reading the names is audited.
 */
export async function compliance(ctx: PlatformContext, actor: Actor, q: { orgId: string; from: string; to: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const led = await leadershipOf(ctx, actor);
  let org = await loadOrg(ctx, q.orgId);
  if (!canReadOrg(actor, led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
  if (org.kind === 'group') org = await loadOrg(ctx, org.parent_id!);
  if (q.from > q.to || periodsOf('month', q.from, q.to).length > 24) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'querystring.from', code: 'range', message: 'from ≤ to, at most 24 months' }]);
  const now = ctx.now();
  const nowIso = now.toISOString();
  const rules = (await effectiveRules(ctx, org)).filter((r) => r.min_count > 0);
  const tree = await orgRepo.orgSubtree(db, org.path);
  const parents = new Map(tree.map((o) => [o.id, o]));
  const units = tree.filter((o) => o.kind === 'branch' || o.kind === 'group');
  // Whole periods: a quarter reaching outside the months asked for counts all its meetings.
  const spans = rules.flatMap((r) => periodsOf(r.period, q.from, q.to));
  const fromIso = spans.reduce((a, p) => (p.startIso < a ? p.startIso : a), monthStart(q.from));
  const toIso = spans.reduce((a, p) => (p.endIso > a ? p.endIso : a), monthStart(nextMonth(q.to)));
  const meetings = (await repo.listMeetings(db, { nodePaths: [org.org_path], partyPaths: [org.path], under: org.path, fromIso, toIso, includeCancelled: false }, 5000)).filter(
    (m) => m.starts_at <= nowIso,
  );
  const out = units.map((u) => {
    const periods = [];
    for (const rule of rules.filter((r) => r.applies_to === u.kind)) {
      for (const p of periodsOf(rule.period, q.from, q.to)) {
        const count = meetings.filter((m) => m.org_id === u.id && m.kind === rule.kind && m.starts_at >= p.startIso && m.starts_at < p.endIso).length;
        const established = u.established_on ?? beijingDay(u.created_at);
        let status: 'kept' | 'missed' | 'open' | 'not_applicable';
        if (p.lastDay < established) status = 'not_applicable';
        else if (count >= rule.min_count) status = 'kept';
        else if (p.endIso > nowIso) status = 'open';
        else status = 'missed';
        periods.push({ kind: rule.kind, period: p.key, count, required: rule.min_count, status });
      }
    }
    return { orgId: u.id, name: u.name, kind: u.kind as 'branch' | 'group', parentName: u.parent_id ? (parents.get(u.parent_id)?.name ?? null) : null, periods, missed: periods.filter((p) => p.status === 'missed').length };
  });
  // Who missed what: expected and neither present nor on approved leave, at meetings that are over.
  const over = meetings.filter((m) => m.ends_at <= nowIso && m.starts_at >= monthStart(q.from) && m.starts_at < monthStart(nextMonth(q.to)));
  const rows = (await repo.attendanceOf(db, over.map((m) => m.id))).filter((r) => r.status === 'expected');
  const members = await orgRepo.getMembers(db, rows.map((r) => r.member_id));
  const names = new Map((await peopleBriefs(db, [...new Set([...members.values()].map((m) => m.person_id))])).map((b) => [b.personId, b.name]));
  const byMember = new Map<string, { id: string; title: string; kind: MeetingKind; startsAt: string }[]>();
  const meetingById = new Map(over.map((m) => [m.id, m]));
  for (const r of rows) {
    const m = meetingById.get(r.meeting_id)!;
    byMember.set(r.member_id, [...(byMember.get(r.member_id) ?? []), { id: m.id, title: m.title, kind: m.kind, startsAt: m.starts_at }]);
  }
  const orgsOfMembers = await orgRepo.getOrgs(db, [...members.values()].map((m) => m.org_id));
  const absences = [...byMember.entries()]
    .map(([memberId, list]) => {
      const m = members.get(memberId)!;
      return { memberId, name: names.get(m.person_id) ?? '', orgName: orgsOfMembers.get(m.org_id)?.name ?? '', meetings: list.sort((a, b) => a.startsAt.localeCompare(b.startsAt)) };
    })
    .sort((a, b) => b.meetings.length - a.meetings.length || a.name.localeCompare(b.name, 'zh-CN'));
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.compliance.read', targetType: 'party_org', targetId: org.id, orgNodeId: org.org_node_id, details: { from: q.from, to: q.to, absentMembers: absences.length } }));
  return {
    orgId: org.id,
    from: q.from,
    to: q.to,
    asOf: nowIso,
    rules: rules.map((r) => ({ kind: r.kind, kindLabel: MEETING_KIND_LABELS[r.kind] as Label, appliesTo: r.applies_to, period: r.period, minCount: r.min_count })),
    units: out,
    absences,
  };
}
