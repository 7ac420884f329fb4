import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { signedLinkKey, signLinkToken } from '../../platform/qr/signed-link.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { seedPartyFixture, type PartyFixture } from './party.fixture.js';

interface Meeting {
  id: string;
  orgName: string;
  kind: string;
  title: string;
  phase: string;
  hasMinutes: boolean;
  counts: { expected: number; present: number; leave: number; absent: number };
  version: number;
  attendees: { memberId: string; name: string; status: string; method: string | null; checkedInAt: string | null }[];
  leave: { id: string; name: string; status: string; version: number }[];
  photos: { id: string; url: string }[];
}
interface Compliance {
  rules: { kind: string; period: string; minCount: number }[];
  units: { name: string; kind: string; periods: { kind: string; period: string; count: number; status: string }[]; missed: number }[];
  absences: { name: string; orgName: string; meetings: { title: string }[] }[];
}

const USERS = ['party', 'xishan', 'resident01', 'volunteer01', 'sec1', 'sec2', 'grid01', 'grid02', 'dsparty'];

describe(`meetings and study 三会一课 with QR check-in (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};
  let assembly: Meeting;
  let qrToken: string;

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  /** Moves the clock (Beijing wall time) and logs everyone in again: sessions go idle after 30 minutes. */
  const at = async (beijing: string) => {
    platform.setNow(new Date(`${beijing}+08:00`));
    for (const u of USERS) s[u] = await loginAs(app, u);
  };
  const plan = (who: string, body: Record<string, unknown>) => call(who, 'POST', '/api/v1/party/meetings', { agenda: '1. 学习党的二十届四中全会精神；2. 讨论本支部年度工作；3. 其他事项', place: '西山社区党群服务中心二楼会议室', ...body });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-16T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of USERS) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('lets a branch secretary plan the branch’s meetings, telling those expected', async () => {
    const res = await plan('sec1', { orgId: pf.orgs.branch1, kind: 'branch_assembly', title: '11月支部党员大会', startsAt: '2026-11-16T14:30:00+08:00', endsAt: '2026-11-16T16:30:00+08:00' });
    expect(res.statusCode, res.body).toBe(201);
    assembly = res.json() as Meeting;
    expect(assembly).toMatchObject({ orgName: '第一党支部', kind: 'branch_assembly', phase: 'upcoming', counts: { expected: 3, present: 0, leave: 0, absent: 0 } });
    expect(assembly.attendees.map((a) => a.name).sort()).toEqual(['徐美玲', '朱志强', '沈建华'].sort());
    const told = await platform.ctx.db.kysely.selectFrom('notification').select(['title', 'link']).where('user_id', '=', fx.users.resident01!).where('kind', '=', 'party.meeting.planned').execute();
    expect(told).toEqual([{ title: '支部党员大会通知：11月支部党员大会', link: '/m/party' }]);
    // 支委会: the branch committee only (its post holders).
    const committee = (await plan('sec1', { orgId: pf.orgs.branch1, kind: 'committee_meeting', title: '11月支委会', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:30:00+08:00' })).json() as Meeting;
    expect(committee.attendees.map((a) => a.name).sort()).toEqual(['徐美玲', '沈建华'].sort());
    // 党小组会 is held by a group, not a branch; in both languages.
    const wrong = await plan('sec1', { orgId: pf.orgs.branch1, kind: 'group_meeting', title: '党小组会', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toBe('党支部不召开党小组会');
    const en = await call('sec1', 'POST', '/api/v1/party/meetings', { orgId: pf.orgs.branch1, kind: 'group_meeting', title: '党小组会', agenda: '学习', place: '活动室', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00' }, 'en');
    expect(en.json().error.message).toBe('A 党支部 does not hold a 党小组会');
    const backwards = await plan('sec1', { orgId: pf.orgs.branch1, kind: 'party_lecture', title: '党课', startsAt: '2026-11-20T10:00:00+08:00', endsAt: '2026-11-20T09:00:00+08:00' });
    expect(backwards.json().error.code).toBe('PARTY_MEETING_TIME');
    const noTime = await plan('sec1', { orgId: pf.orgs.branch1, kind: 'party_lecture', title: '党课', startsAt: '明天上午' });
    expect(noTime.statusCode).toBe(400);
    expect(noTime.json().error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.startsAt', 'body.endsAt']));
    // Another branch's secretary, a plain member, another community: not theirs.
    expect((await plan('sec2', { orgId: pf.orgs.branch1, kind: 'party_lecture', title: '党课', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00' })).statusCode).toBe(404);
    expect((await plan('resident01', { orgId: pf.orgs.branch1, kind: 'party_lecture', title: '党课', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00' })).statusCode).toBe(404);
    expect((await plan('dsparty', { orgId: pf.orgs.branch1, kind: 'party_lecture', title: '党课', startsAt: '2026-11-20T09:00:00+08:00', endsAt: '2026-11-20T10:00:00+08:00' })).statusCode).toBe(404);
    // Community staff plan for any branch of their area.
    expect((await plan('xishan', { orgId: pf.orgs.group1, kind: 'group_meeting', title: '第一党小组学习', startsAt: '2026-11-18T19:00:00+08:00', endsAt: '2026-11-18T20:30:00+08:00' })).statusCode).toBe(201);
  });

  it('checks a member in with the rotating QR; a code passed on after its window, or altered, fails', async () => {
    const early = await call('sec1', 'GET', `/api/v1/party/meetings/${assembly.id}/checkin-qr`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toBe('签到将于 2026-11-16 14:00 开放');
    await at('2026-11-16T14:20:10');
    const qr = await call('sec1', 'GET', `/api/v1/party/meetings/${assembly.id}/checkin-qr`);
    expect(qr.statusCode, qr.body).toBe(200);
    const code = qr.json() as { token: string; path: string; url: string; svg: string; expiresAt: string; refreshAt: string };
    expect(code.path).toBe(`/m/party/checkin?t=${code.token}`);
    expect(code.url).toMatch(/^http:\/\/localhost(:\d+)?\/m\/party\/checkin\?t=/);
    expect(code.svg).toContain('<svg');
    expect(code.expiresAt).toBe('2026-11-16T06:22:00.000Z');
    expect(code.refreshAt).toBe('2026-11-16T06:21:00.000Z');
    qrToken = code.token;
    // Only who runs the meeting shows the code.
    expect((await call('resident01', 'GET', `/api/v1/party/meetings/${assembly.id}/checkin-qr`)).statusCode).toBe(404);

    const scan = (who: string, token: string, lang?: string) => call(who, 'POST', '/api/v1/me/party/checkin', { token }, lang);
    const ok = await scan('resident01', code.token);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ already: false, checkedInAt: '2026-11-16T06:20:10.000Z', meeting: { title: '11月支部党员大会', orgName: '第一党支部', kindLabel: { 'zh-CN': '支部党员大会' } } });
    // A second scan records nothing new.
    expect((await scan('resident01', code.token)).json()).toMatchObject({ already: true, checkedInAt: '2026-11-16T06:20:10.000Z' });
    // Someone of another branch, someone not on the rolls: refused.
    expect((await scan('sec2', code.token)).json().error).toMatchObject({ code: 'PARTY_CHECKIN_NOT_ATTENDEE', message: '您不是本次会议的参会人员' });
    expect((await scan('grid01', code.token)).statusCode).toBe(403);
    expect((await scan('grid01', code.token)).json().error.code).toBe('PARTY_NOT_MEMBER');

    // Forged: the payload changed to another meeting, or signed with another key → 403.
    const [payload, mac] = code.token.split('.') as [string, string];
    const other = (await call('sec1', 'GET', '/api/v1/party/meetings')).json().items.find((m: Meeting) => m.id !== assembly.id) as Meeting;
    const forged = `${Buffer.from(Buffer.from(payload, 'base64url').toString().replace(assembly.id, other.id)).toString('base64url')}.${mac}`;
    const f = await scan('volunteer01', forged);
    expect(f.statusCode).toBe(403);
    expect(f.json().error).toMatchObject({ code: 'SIGNED_LINK_INVALID', message: '二维码无效（签名校验未通过），请扫描现场工作人员出示的二维码' });
    const wrongKey = signLinkToken(signedLinkKey(Buffer.alloc(32, 9)), { purpose: 'party.checkin', subject: assembly.id, notBefore: new Date('2026-11-16T06:20:00Z'), expiresAt: new Date('2026-11-16T06:22:00Z') });
    expect((await scan('volunteer01', wrongKey)).statusCode).toBe(403);
    // A genuine code for something else (a volunteer check-in) does not sign anyone into a meeting.
    const volunteerCode = signLinkToken(signedLinkKey(platform.ctx.sessionKey), { purpose: 'volunteer.checkin', subject: assembly.id, notBefore: new Date('2026-11-16T06:20:00Z'), expiresAt: new Date('2026-11-16T06:22:00Z') });
    expect((await scan('volunteer01', volunteerCode)).json().error.code).toBe('SIGNED_LINK_WRONG_PURPOSE');
    expect((await scan('volunteer01', 'not-a-token')).statusCode).toBe(400);

    // A photo of the code sent on to someone at home, used three minutes later: expired → 410.
    await at('2026-11-16T14:23:00');
    const late = await scan('volunteer01', qrToken);
    expect(late.statusCode).toBe(410);
    expect(late.json().error).toMatchObject({ code: 'SIGNED_LINK_EXPIRED', message: '二维码已过期（2026-11-16 14:22 失效），请扫描现场最新的二维码' });
    expect((await scan('volunteer01', qrToken, 'en')).json().error.message).toBe('This QR code expired at 2026-11-16 14:22; scan the latest code on site');
    // The code on the screen now still works.
    const fresh = (await call('sec1', 'GET', `/api/v1/party/meetings/${assembly.id}/checkin-qr`)).json() as { token: string; counts: { present: number } };
    expect(fresh.token).not.toBe(qrToken);
    expect(fresh.counts.present).toBe(1);
    expect((await scan('volunteer01', fresh.token)).statusCode).toBe(200);

    const detail = (await call('sec1', 'GET', `/api/v1/party/meetings/${assembly.id}`)).json() as Meeting;
    expect(detail.attendees.filter((a) => a.status === 'present').map((a) => [a.name, a.method])).toEqual([
      ['朱志强', 'qr'],
      ['徐美玲', 'qr'],
    ]);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').select(['outcome']).where('action', '=', 'party.meeting.check-in').where('target_id', '=', assembly.id).execute();
    expect(audit.filter((a) => a.outcome === 'success')).toHaveLength(2);
    expect(audit.filter((a) => a.outcome === 'denied')).toHaveLength(1);
  });

  it('lets the secretary check a member in by hand, not in the future', async () => {
    const future = await call('sec1', 'POST', `/api/v1/party/meetings/${assembly.id}/attendance`, { memberIds: [pf.members.shen], at: '2026-11-16T15:00:00+08:00' });
    expect(future.json().error.code).toBe('PARTY_CHECKIN_TIME');
    const notOurs = await call('sec1', 'POST', `/api/v1/party/meetings/${assembly.id}/attendance`, { memberIds: [pf.members.wang] });
    expect(notOurs.json().error.code).toBe('PARTY_CHECKIN_NOT_ATTENDEE');
    expect((await call('sec2', 'POST', `/api/v1/party/meetings/${assembly.id}/attendance`, { memberIds: [pf.members.shen] })).statusCode).toBe(404);
    // Staff of the area read the meeting but do not run another community's.
    expect((await call('dsparty', 'GET', `/api/v1/party/meetings/${assembly.id}`)).statusCode).toBe(404);
  });

  it('takes leave requests before the meeting; the branch secretary decides them', async () => {
    await at('2026-11-16T14:40:00'); // the 党员大会 is under way
    const committee = ((await call('sec1', 'GET', `/api/v1/party/meetings?orgId=${pf.orgs.branch1}&kind=committee_meeting`)).json() as { items: Meeting[] }).items[0]!;
    const asked = await call('volunteer01', 'POST', `/api/v1/me/party/meetings/${committee.id}/leave`, { reason: '当天陪母亲去医院复查' });
    expect(asked.statusCode, asked.body).toBe(201);
    expect((await call('volunteer01', 'POST', `/api/v1/me/party/meetings/${committee.id}/leave`, { reason: '再请一次' })).json().error.code).toBe('PARTY_LEAVE_EXISTS');
    // Not expected at the 支委会 (no post): no leave to ask.
    expect((await call('resident01', 'POST', `/api/v1/me/party/meetings/${committee.id}/leave`, { reason: '有事' })).statusCode).toBe(404);
    // Too late for the meeting under way.
    expect((await call('resident01', 'POST', `/api/v1/me/party/meetings/${assembly.id}/leave`, { reason: '有事' })).json().error.code).toBe('PARTY_LEAVE_TOO_LATE');
    const toDecide = (await call('sec1', 'GET', '/api/v1/party/leave-requests')).json() as { items: { id: string; name: string; meetingTitle: string; version: number }[] };
    expect(toDecide.items).toEqual([expect.objectContaining({ name: '徐美玲', meetingTitle: '11月支委会' })]);
    expect(((await call('sec2', 'GET', '/api/v1/party/leave-requests')).json() as { items: unknown[] }).items).toEqual([]);
    const leave = toDecide.items[0]!;
    expect((await call('sec2', 'POST', `/api/v1/party/leave-requests/${leave.id}/decide`, { approve: true, expectedVersion: leave.version })).statusCode).toBe(404);
    // Community staff keep records; decisions are the secretaries'.
    expect((await call('xishan', 'POST', `/api/v1/party/leave-requests/${leave.id}/decide`, { approve: true, expectedVersion: leave.version })).statusCode).toBe(404);
    const decided = await call('sec1', 'POST', `/api/v1/party/leave-requests/${leave.id}/decide`, { approve: true, note: '同意，会后补学', expectedVersion: leave.version });
    expect(decided.json()).toMatchObject({ status: 'approved', decidedByName: '第一党支部书记 沈建华', decisionNote: '同意，会后补学' });
    expect((await call('sec1', 'POST', `/api/v1/party/leave-requests/${leave.id}/decide`, { approve: false, expectedVersion: leave.version })).json().error.code).toBe('PARTY_LEAVE_STALE');
    const mine = (await call('volunteer01', 'GET', '/api/v1/me/party/meetings')).json() as { items: { title: string; attendance: string; leave: { status: string } | null }[] };
    expect(mine.items.find((m) => m.title === '11月支委会')).toMatchObject({ attendance: 'leave', leave: { status: 'approved' } });
    expect(mine.items.find((m) => m.title === '11月支部党员大会')).toMatchObject({ attendance: 'present', leave: null });
  });

  it('keeps minutes with photos for those at the meeting', async () => {
    const detail = (await call('sec1', 'GET', `/api/v1/party/meetings/${assembly.id}`)).json() as Meeting;
    const photo = await uploadFile(app, s.sec1!, 'party.meeting', { name: '会议现场.png', mime: 'image/png', bytes: await renderQrPng('西山社区第一党支部11月党员大会') });
    const bad = await call('sec1', 'PUT', `/api/v1/party/meetings/${assembly.id}/minutes`, { minutes: '太短', photoIds: [], expectedVersion: detail.version });
    expect(bad.statusCode).toBe(400);
    const saved = await call('sec1', 'PUT', `/api/v1/party/meetings/${assembly.id}/minutes`, {
      minutes: '会议由书记沈建华主持，应到3人，实到3人。会议传达学习了党的二十届四中全会精神，讨论了本支部年度工作总结，部署了冬季结对帮扶困难党员工作。',
      photoIds: [photo],
      expectedVersion: detail.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ hasMinutes: true, photos: [expect.objectContaining({ id: photo })] });
    // A member expected at it opens the photo; someone of another branch does not.
    expect((await call('resident01', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(200);
    expect((await call('sec2', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(404);
    expect((await call('sec1', 'PUT', `/api/v1/party/meetings/${assembly.id}/minutes`, { minutes: '再次修改会议记录内容，补充讨论情况。', photoIds: [photo], expectedVersion: detail.version })).json().error.code).toBe('PARTY_MEETING_STALE');
  });

  it('shows, per branch and group, the rhythm kept and missed, and who missed what without leave', async () => {
    // Earlier months, recorded by the secretaries: 第二党支部 held no 支委会 in October.
    for (const [who, orgId, kind, title, day] of [
      ['sec1', pf.orgs.branch1, 'committee_meeting', '8月支委会', '2026-08-10'],
      ['sec1', pf.orgs.branch1, 'committee_meeting', '9月支委会', '2026-09-08'],
      ['sec1', pf.orgs.branch1, 'branch_assembly', '三季度支部党员大会', '2026-09-20'],
      ['sec1', pf.orgs.branch1, 'party_lecture', '书记讲党课', '2026-09-25'],
      ['sec1', pf.orgs.branch1, 'committee_meeting', '10月支委会', '2026-10-12'],
      ['sec2', pf.orgs.branch2, 'committee_meeting', '8月支委会', '2026-08-11'],
      ['sec2', pf.orgs.branch2, 'committee_meeting', '9月支委会', '2026-09-09'],
      ['sec2', pf.orgs.branch2, 'committee_meeting', '11月支委会', '2026-11-03'],
    ] as const) {
      const res = await plan(who, { orgId, kind, title, startsAt: `${day}T09:00:00+08:00`, endsAt: `${day}T10:30:00+08:00` });
      expect(res.statusCode, res.body).toBe(201);
      // Everyone came, recorded afterwards by the secretary — except 陆美芳 at 第二党支部's 11月支委会.
      if (title === '11月支委会') continue;
      const ticked = await call(who, 'POST', `/api/v1/party/meetings/${res.json().id}/attendance`, { memberIds: (res.json() as Meeting).attendees.map((a) => a.memberId), at: `${day}T08:55:00+08:00` });
      expect(ticked.statusCode, ticked.body).toBe(200);
      expect((ticked.json() as Meeting).counts.absent).toBe(0);
    }
    await at('2026-11-16T17:00:00'); // today's 党员大会 is over
    const res = await call('party', 'GET', `/api/v1/party/compliance?orgId=${pf.orgs.committee}&from=2026-08&to=2026-11`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as Compliance;
    expect(c.rules.map((r) => [r.kind, r.period])).toEqual([
      ['branch_assembly', 'quarter'],
      ['committee_meeting', 'month'],
      ['group_meeting', 'month'],
      ['party_lecture', 'quarter'],
    ]);
    const unit = (name: string) => c.units.find((u) => u.name === name)!;
    const statuses = (name: string, kind: string) => Object.fromEntries(unit(name).periods.filter((p) => p.kind === kind).map((p) => [p.period, p.status]));
    expect(statuses('第二党支部', 'committee_meeting')).toEqual({ '2026-08': 'kept', '2026-09': 'kept', '2026-10': 'missed', '2026-11': 'kept' });
    expect(statuses('第一党支部', 'committee_meeting')).toEqual({ '2026-08': 'kept', '2026-09': 'kept', '2026-10': 'kept', '2026-11': 'open' });
    expect(statuses('第一党支部', 'branch_assembly')).toEqual({ '2026-Q3': 'kept', '2026-Q4': 'kept' });
    expect(statuses('第二党支部', 'branch_assembly')).toEqual({ '2026-Q3': 'missed', '2026-Q4': 'open' });
    expect(statuses('第一党支部', 'party_lecture')).toEqual({ '2026-Q3': 'kept', '2026-Q4': 'open' });
    // The group met on the 18th: not yet; August to October were missed.
    expect(statuses('第一党小组', 'group_meeting')).toEqual({ '2026-08': 'missed', '2026-09': 'missed', '2026-10': 'missed', '2026-11': 'open' });
    expect(unit('第二党支部').missed).toBe(3);
    // Who missed what without leave: 沈建华 did not check in at today's 党员大会; 陆美芳 at the 11月支委会.
    expect(c.absences.map((a) => [a.name, a.orgName, a.meetings.map((m) => m.title)])).toEqual(
      expect.arrayContaining([
        ['沈建华', '第一党支部', ['11月支部党员大会']],
        ['陆美芳', '第二党支部', ['11月支委会']],
      ]),
    );
    expect(c.absences).toHaveLength(2);
    // A branch secretary sees their own branch; the other branch's is not theirs.
    const own = (await call('sec2', 'GET', `/api/v1/party/compliance?orgId=${pf.orgs.branch2}&from=2026-10&to=2026-10`)).json() as Compliance;
    expect(own.units.map((u) => [u.name, u.missed])).toEqual([['第二党支部', 1]]);
    expect((await call('sec2', 'GET', `/api/v1/party/compliance?orgId=${pf.orgs.branch1}&from=2026-10&to=2026-10`)).statusCode).toBe(404);
    expect((await call('party', 'GET', `/api/v1/party/compliance?orgId=${pf.orgs.committee}&from=2026-11&to=2026-08`)).statusCode).toBe(400);
    const reads = await platform.ctx.db.kysely.selectFrom('audit_log').select('seq').where('action', '=', 'party.compliance.read').execute();
    expect(reads).toHaveLength(2);

    // The rhythm is data: the committee adds a monthly 主题党日 for its branches.
    expect((await call('sec1', 'PUT', '/api/v1/party/meeting-rules', { orgId: pf.orgs.committee, rules: [{ kind: 'theme_day', appliesTo: 'branch', period: 'month', minCount: 1 }] })).statusCode).toBe(404);
    const set = await call('party', 'PUT', '/api/v1/party/meeting-rules', { orgId: pf.orgs.committee, rules: [{ kind: 'theme_day', appliesTo: 'branch', period: 'month', minCount: 1 }] });
    expect(set.statusCode, set.body).toBe(200);
    const withTheme = (await call('party', 'GET', `/api/v1/party/compliance?orgId=${pf.orgs.committee}&from=2026-10&to=2026-10`)).json() as Compliance;
    expect(withTheme.rules.map((r) => r.kind)).toContain('theme_day');
    expect(Object.fromEntries(withTheme.units.find((u) => u.name === '第一党支部')!.periods.map((p) => [p.kind, p.status]))).toMatchObject({ theme_day: 'missed', committee_meeting: 'kept' });
    // 东山's committee keeps the defaults.
    const ds = (await call('dsparty', 'GET', `/api/v1/party/meeting-rules?orgId=${pf.orgs.dsCommittee}`)).json() as { items: { kind: string }[] };
    expect(ds.items.map((r) => r.kind)).not.toContain('theme_day');
  });
});
