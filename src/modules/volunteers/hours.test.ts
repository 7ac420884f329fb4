import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL } from '../../../test/helpers/platform.js';
import { countAudit } from '../../platform/audit/audit.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { signedLinkKey, signLinkToken } from '../../platform/qr/signed-link.js';
import { minutesAccountCode } from './hours.accounts.js';
import * as hours from './hours.service.js';
import * as shop from './shop.service.js';
import { HOUR, MINUTE, meta, volunteersKit, type Kit } from './volunteers.testkit.js';

type Qr = { token: string; path: string; url: string; svg: string; expiresAt: string; refreshAt: string };
type Scan = { action: 'in' | 'out'; already: boolean; record: { id: string; checkInAt: string; checkOutAt: string | null; creditedMinutes: number; journalId: string | null; version: number; checkInMethod: string } };

describe(`volunteer hours 志愿服务时长 (${DIALECT_LABEL})`, () => {
  let k: Kit;
  let xuId: string;

  beforeAll(async () => {
    k = await volunteersKit();
    const res = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer', { skills: ['急救'], availability: ['周末'], consent: true, consentVersion: '2026-11' });
    expect(res.statusCode, res.body).toBe(201);
    xuId = res.json().id;
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  const qr = async (who: string, oppId: string, action: 'in' | 'out') => {
    const res = await k.call(who, 'GET', `/api/v1/volunteer-opportunities/${oppId}/attendance-qr?action=${action}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Qr;
  };
  const scan = (who: string, token: string, lang?: string) => k.call(who, 'POST', '/api/v1/me/volunteer/attendance', { token }, lang);

  it('checks in and out by the rotating signed QR: forged 403, expired 410, a second scan changes nothing; only actual time counts', async () => {
    // Starts in 3 hours (13:00 Beijing), two hours long.
    const opp = await k.opportunity({ title: '护卫鹃湖：湖岸垃圾清理', startsIn: 3 * HOUR, hours: 2 });
    expect((await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/opportunities/${opp.id}/signup`)).json().status).toBe('confirmed');
    // Too early for the code: it opens an hour before the start.
    let res = await k.call('xishan', 'GET', `/api/v1/volunteer-opportunities/${opp.id}/attendance-qr?action=in`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ATTENDANCE_NOT_OPEN');
    // 40 minutes before the start the volunteer scans in (time before the start will not count).
    await k.advance(2 * HOUR + 20 * MINUTE);
    const code = await qr('xishan', opp.id, 'in');
    expect(code.path).toBe(`/m/volunteer/checkin?t=${code.token}`);
    expect(code.url).toMatch(/^http:\/\/[^/]+\/m\/volunteer\/checkin\?t=/);
    expect(code.svg).toContain('<svg');
    expect(Date.parse(code.expiresAt) - Date.parse(code.refreshAt)).toBe(60_000);

    // A forged code: another opportunity's id with this code's signature.
    const [payload, mac] = code.token.split('.') as [string, string];
    const forged = `${Buffer.from(Buffer.from(payload, 'base64url').toString().replace(opp.id, 'aaaaaaaaaaaaaaaa')).toString('base64url')}.${mac}`;
    res = await scan('volunteer01', forged);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'SIGNED_LINK_INVALID', message: '二维码无效（签名校验未通过），请扫描现场工作人员出示的二维码' });
    // Signed with a key that is not the server's.
    res = await scan('volunteer01', signLinkToken(signedLinkKey(Buffer.alloc(32, 1)), { purpose: 'volunteer.checkin', subject: opp.id, notBefore: k.platform.ctx.now(), expiresAt: new Date(k.platform.ctx.now().getTime() + HOUR) }), 'en');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('This QR code is not valid (its signature does not match); scan the code shown on site');
    res = await scan('volunteer01', 'not-a-token');
    expect(res.statusCode).toBe(400);

    res = await scan('volunteer01', code.token);
    expect(res.statusCode, res.body).toBe(200);
    const first = res.json() as Scan;
    expect(first).toMatchObject({ action: 'in', already: false, record: { checkInMethod: 'qr', checkOutAt: null, creditedMinutes: 0 } });
    // Idempotent: the same code again, or the next one, finds the same record.
    res = await scan('volunteer01', code.token);
    expect(res.json()).toMatchObject({ action: 'in', already: true, record: { id: first.record.id, checkInAt: first.record.checkInAt } });
    expect(await k.platform.ctx.db.kysely.selectFrom('volunteer_service_record').select('id').where('volunteer_id', '=', xuId).execute()).toHaveLength(1);

    // A photo of the code passed on three minutes later: expired.
    await k.advance(3 * MINUTE);
    res = await scan('volunteer01', code.token);
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('SIGNED_LINK_EXPIRED');
    expect(res.json().error.message).toMatch(/^二维码已过期（\d{4}-\d\d-\d\d \d\d:\d\d 失效），请扫描现场最新的二维码$/);

    // Check-out 30 minutes after the end: the window caps the time at two hours.
    await k.advance(40 * MINUTE + 2 * HOUR + 30 * MINUTE - 3 * MINUTE);
    const out = await qr('xishan', opp.id, 'out');
    // A fresh check-in code changes nothing now; the check-out code checks out.
    expect((await scan('volunteer01', (await qr('xishan', opp.id, 'in')).token)).json()).toMatchObject({ action: 'in', already: true });
    res = await scan('volunteer01', out.token);
    expect(res.statusCode, res.body).toBe(200);
    const done = res.json() as Scan;
    expect(done).toMatchObject({ action: 'out', already: false, record: { creditedMinutes: 120 } });
    expect((await scan('volunteer01', out.token)).json()).toMatchObject({ already: true, record: { creditedMinutes: 120 } });

    // The ledger: a balance that is the sum of entries, each with its source.
    const balance = await ledger.balanceOf(k.platform.ctx.db.kysely, minutesAccountCode(xuId));
    expect(balance).toMatchObject({ unit: 'minutes', balance: 120 });
    const mine = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer/hours')).json() as { minutes: number; records: { id: string; creditedMinutes: number }[]; entries: { amount: number; sourceType: string; sourceId: string; memo: string }[] };
    expect(mine.minutes).toBe(120);
    expect(mine.records).toEqual([expect.objectContaining({ id: done.record.id, creditedMinutes: 120 })]);
    expect(mine.entries).toEqual([expect.objectContaining({ amount: 120, sourceType: 'volunteer.service', sourceId: done.record.id })]);
    expect(mine.entries[0]!.memo).toContain('护卫鹃湖');
    expect(await countAudit(k.platform.ctx.db, 'volunteers.attendance.check-in')).toBe(1);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.attendance.check-out')).toBe(1);
  });

  it('counts only actual service time: late arrival, early leave, the credited maximum', async () => {
    const opp = await k.opportunity({ title: '暴走文明路：早高峰文明劝导', category: '文明交通', startsIn: 2 * HOUR, hours: 3, creditMinutes: 150 });
    const [late, early] = await k.makeVolunteers('count', 2);
    await shop.signUp(k.platform.ctx, late!.actor, opp.id, meta);
    await shop.signUp(k.platform.ctx, early!.actor, opp.id, meta);
    expect(hours.creditedMinutes({ starts_at: '2026-12-01T01:00:00.000Z', ends_at: '2026-12-01T04:00:00.000Z', credit_minutes: 150 }, '2026-12-01T01:25:30.000Z', '2026-12-01T04:30:00.000Z')).toBe(150);
    expect(hours.creditedMinutes({ starts_at: '2026-12-01T01:00:00.000Z', ends_at: '2026-12-01T04:00:00.000Z', credit_minutes: 150 }, '2026-12-01T01:25:30.000Z', '2026-12-01T02:10:00.000Z')).toBe(44);
    expect(hours.creditedMinutes({ starts_at: '2026-12-01T01:00:00.000Z', ends_at: '2026-12-01T04:00:00.000Z', credit_minutes: 150 }, '2026-12-01T05:00:00.000Z', '2026-12-01T05:30:00.000Z')).toBe(0);
    // Through the service: one arrives 70 minutes late and stays past the end, one leaves after 50 minutes.
    await k.advance(2 * HOUR + 70 * MINUTE);
    const list = await shop.listSignups(k.platform.ctx, await k.actor('xishan'), opp.id);
    const sLate = list.items.find((i) => i.volunteerId === late!.volunteerId)!;
    const sEarly = list.items.find((i) => i.volunteerId === early!.volunteerId)!;
    const staff = await k.actor('xishan');
    await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: sLate.id, action: 'in' }, meta);
    await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: sEarly.id, action: 'in', at: new Date(k.platform.ctx.now().getTime() - 70 * MINUTE).toISOString() }, meta);
    const leftEarly = await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: sEarly.id, action: 'out', at: new Date(k.platform.ctx.now().getTime() - 20 * MINUTE).toISOString() }, meta);
    expect(leftEarly.record.creditedMinutes).toBe(50);
    // A leader may not record the future.
    await expect(hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: sLate.id, action: 'out', at: new Date(k.platform.ctx.now().getTime() + HOUR).toISOString() }, meta)).rejects.toMatchObject({ status: 400, code: 'ATTENDANCE_TIME_INVALID' });
    await k.advance(2 * HOUR);
    const stayed = await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: sLate.id, action: 'out' }, meta);
    // 110 minutes from arrival to the end: under the 150 maximum.
    expect(stayed.record.creditedMinutes).toBe(110);
    const balances = await ledger.balances(k.platform.ctx.db.kysely, [minutesAccountCode(late!.volunteerId), minutesAccountCode(early!.volunteerId)]);
    expect([...balances.values()].map((b) => b.balance).sort()).toEqual([110, 50]);
  });

  it('refuses scans by people not confirmed: not signed up, waiting (with the position), pending approval', async () => {
    const opp = await k.opportunity({ title: '垃圾分类桶边督导', category: '垃圾分类', quota: 1, startsIn: 2 * HOUR });
    const [placed, waiter] = await k.makeVolunteers('scan', 2);
    await shop.signUp(k.platform.ctx, placed!.actor, opp.id, meta);
    await shop.signUp(k.platform.ctx, waiter!.actor, opp.id, meta);
    await k.advance(2 * HOUR);
    const code = await qr('xishan', opp.id, 'in');
    await expect(hours.attendByQr(k.platform.ctx, waiter!.actor, code.token, meta)).rejects.toMatchObject({ status: 409, code: 'ATTENDANCE_WAITING', params: { position: 1 } });
    const res = await scan('volunteer01', code.token);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('您没有报名该活动，请先报名或联系队长');
    // Checking out before checking in is refused too.
    const out = await qr('xishan', opp.id, 'out');
    await expect(hours.attendByQr(k.platform.ctx, placed!.actor, out.token, meta)).rejects.toMatchObject({ status: 409, code: 'ATTENDANCE_NOT_CHECKED_IN' });
    // A volunteer who leads nothing cannot show the code.
    expect((await k.call('volunteer01', 'GET', `/api/v1/volunteer-opportunities/${opp.id}/attendance-qr`)).statusCode).toBe(403);
  });

  it('corrects a record with a reversing journal and a new one; never one’s own; stale versions refused', async () => {
    const opp = await k.opportunity({ title: '防汛应急演练保障', category: '应急', startsIn: 2 * HOUR, hours: 2 });
    const [v] = await k.makeVolunteers('fix', 1);
    await shop.signUp(k.platform.ctx, v!.actor, opp.id, meta);
    await k.advance(2 * HOUR);
    const staff = await k.actor('xishan');
    const signup = (await shop.listSignups(k.platform.ctx, staff, opp.id)).items[0]!;
    // The leader checked them in 40 minutes late by mistake; they left at the end.
    await k.advance(40 * MINUTE);
    await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'in' }, meta);
    await k.advance(80 * MINUTE);
    const out = await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'out' }, meta);
    expect(out.record.creditedMinutes).toBe(80);
    const original = out.record.journalId!;

    // Staff correct it the next morning.
    await k.advance(12 * HOUR);
    const startsAt = new Date(Date.parse(out.record.checkInAt) - 40 * MINUTE).toISOString();
    let res = await k.call('xishan', 'POST', `/api/v1/volunteer-hours/${out.record.id}/correct`, { checkInAt: startsAt, checkOutAt: out.record.checkOutAt, reason: '按现场签到表更正签到时间', expectedVersion: out.record.version });
    expect(res.statusCode, res.body).toBe(200);
    const fixed = res.json() as { creditedMinutes: number; journalId: string; corrections: number; version: number; history: { oldMinutes: number; newMinutes: number; reversedJournalId: string; newJournalId: string }[]; journals: { id: string; reversesId: string | null; sourceId: string; entries: { accountCode: string; amount: number }[] }[] };
    expect(fixed).toMatchObject({ creditedMinutes: 120, corrections: 1 });
    expect(fixed.history).toEqual([expect.objectContaining({ oldMinutes: 80, newMinutes: 120, newJournalId: fixed.journalId })]);
    // Three journals with this record as their source: the posting, its mirror, the new posting.
    expect(fixed.journals.map((j) => [j.reversesId, j.sourceId])).toEqual([
      [null, out.record.id],
      [original, out.record.id],
      [null, out.record.id],
    ]);
    const mirror = fixed.journals[1]!;
    expect(mirror.id).toBe(fixed.history[0]!.reversedJournalId);
    expect(mirror.entries.find((e) => e.accountCode === minutesAccountCode(v!.volunteerId))!.amount).toBe(80);
    // The original journal is untouched (the ledger refuses edits); the balance is the sum: 80 − 80 + 120.
    expect((await ledger.getJournal(k.platform.ctx.db.kysely, original)).entries.find((e) => e.accountCode === minutesAccountCode(v!.volunteerId))!.amount).toBe(-80);
    expect((await ledger.balanceOf(k.platform.ctx.db.kysely, minutesAccountCode(v!.volunteerId))).balance).toBe(120);

    // The same correction again from the old version: refused, nothing posted.
    res = await k.call('xishan', 'POST', `/api/v1/volunteer-hours/${out.record.id}/correct`, { checkInAt: startsAt, checkOutAt: new Date(Date.parse(out.record.checkOutAt!) - MINUTE).toISOString(), reason: '再次更正签退时间', expectedVersion: out.record.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('HOURS_STALE');
    expect((await ledger.balanceOf(k.platform.ctx.db.kysely, minutesAccountCode(v!.volunteerId))).balance).toBe(120);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.hours.correct')).toBe(1);
    // A leader cannot correct their own record.
    const own = await k.opportunity({ title: '社区文化家园书法义写', category: '文化', startsIn: 2 * HOUR, hours: 1 });
    const team = (await k.call('xishan', 'POST', '/api/v1/volunteer-teams', { orgNodeId: k.fx.nodes.xishan.id, name: '西山社区志愿服务队', kind: 'service' })).json() as { id: string };
    await k.call('xishan', 'PUT', `/api/v1/volunteer-teams/${team.id}/members`, { volunteerId: xuId, role: 'leader' });
    await k.call('xishan', 'PATCH', `/api/v1/volunteer-opportunities/${own.id}`, { teamId: team.id, expectedVersion: own.version });
    await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/opportunities/${own.id}/signup`);
    await k.advance(2 * HOUR);
    const mySignup = (await k.call('volunteer01', 'GET', `/api/v1/me/volunteer/opportunities/${own.id}`)).json().mine as { id: string };
    const inRes = await k.call('volunteer01', 'POST', `/api/v1/volunteer-opportunities/${own.id}/attendance`, { signupId: mySignup.id, action: 'in' });
    expect(inRes.statusCode, inRes.body).toBe(200);
    await k.advance(HOUR);
    const outRes = (await k.call('volunteer01', 'POST', `/api/v1/volunteer-opportunities/${own.id}/attendance`, { signupId: mySignup.id, action: 'out' })).json() as Scan;
    res = await k.call('volunteer01', 'POST', `/api/v1/volunteer-hours/${outRes.record.id}/correct`, { checkInAt: new Date(Date.parse(outRes.record.checkInAt) - HOUR).toISOString(), checkOutAt: outRes.record.checkOutAt, reason: '给自己多记一些', expectedVersion: outRes.record.version });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('HOURS_OWN_RECORD');
  });

  it('checks out once when two check-outs race: one journal', async () => {
    const opp = await k.opportunity({ title: '亲子垃圾分类游戏日', category: '垃圾分类', startsIn: 2 * HOUR, hours: 1 });
    const [v] = await k.makeVolunteers('race', 1);
    await shop.signUp(k.platform.ctx, v!.actor, opp.id, meta);
    await k.advance(2 * HOUR);
    const staff = await k.actor('xishan');
    const signup = (await shop.listSignups(k.platform.ctx, staff, opp.id)).items[0]!;
    await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'in' }, meta);
    await k.advance(HOUR);
    const code = (await hours.attendanceQr(k.platform.ctx, staff, opp.id, 'out', 'http://127.0.0.1')).token;
    const results = await Promise.all([hours.attendByQr(k.platform.ctx, v!.actor, code, meta), hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'out' }, meta)]);
    expect(results.map((r) => r.already).sort()).toEqual([false, true]);
    const journals = await k.platform.ctx.db.kysely.selectFrom('ledger_journal').select('id').where('source_id', '=', results[0].record.id).execute();
    expect(journals).toHaveLength(1);
    expect((await ledger.balanceOf(k.platform.ctx.db.kysely, minutesAccountCode(v!.volunteerId))).balance).toBe(60);
  });

  it('issues a printable certificate with what the 2020 rules ask for, to its volunteer and the issuer only', async () => {
    let res = await k.call('xishan', 'POST', '/api/v1/volunteer-certificates', { volunteerId: xuId, issuingOrg: '西山社区居民委员会', responsiblePerson: '沈国良' });
    expect(res.statusCode, res.body).toBe(201);
    const cert = res.json() as { id: string; number: string; totalMinutes: number; items: { title: string; minutes: number }[]; idMasked: string; idType: string; volunteerNumber: string; handlerName: string; printPath: string; name: string };
    expect(cert.number).toBe('ZM2026-00001');
    expect(cert).toMatchObject({ name: '徐美玲', idType: '居民身份证', idMasked: '330481********0028', handlerName: '西山社区 王秀英' });
    expect(cert.volunteerNumber).toMatch(/^ZY2026-\d{6}$/);
    // Both of 徐美玲's services: the lake (120) and the calligraphy (60, her own record).
    expect(cert.items.map((i) => [i.title, i.minutes])).toEqual([
      ['护卫鹃湖：湖岸垃圾清理', 120],
      ['社区文化家园书法义写', 60],
    ]);
    expect(cert.totalMinutes).toBe(180);
    expect((await ledger.balanceOf(k.platform.ctx.db.kysely, minutesAccountCode(xuId))).balance).toBe(180);

    const page = await k.call('volunteer01', 'GET', cert.printPath);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const html = page.body;
    for (const text of ['志愿服务证明', '徐美玲', '居民身份证', '330481********0028', cert.volunteerNumber, '3.0 小时', '护卫鹃湖：湖岸垃圾清理', '西山社区居民委员会', '负责人：沈国良', '经办人：西山社区 王秀英', `证明编号：${cert.number}`, '出具日期：2026年11月']) expect(html).toContain(text);
    expect(html).not.toContain('330481198001010028');
    expect(html).not.toContain('<script');
    expect((await k.call('xishan', 'GET', cert.printPath)).statusCode).toBe(200);
    // Someone else's certificate does not exist for them.
    expect((await k.call('resident01', 'GET', cert.printPath)).statusCode).toBe(404);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.certificate.print')).toBe(2);
    const mine = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer/certificates')).json() as { items: { number: string }[] };
    expect(mine.items.map((i) => i.number)).toEqual([cert.number]);
    res = await k.call('xishan', 'POST', '/api/v1/volunteer-certificates', { volunteerId: xuId, issuingOrg: '西山社区居民委员会', responsiblePerson: '沈国良', from: '2027-01-01', to: '2027-01-31' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('所选期间没有已签退的志愿服务记录');
    // A volunteer cannot issue one.
    expect((await k.call('volunteer01', 'POST', '/api/v1/volunteer-certificates', { volunteerId: xuId, issuingOrg: '西山社区居民委员会', responsiblePerson: '沈国良' })).statusCode).toBe(403);
  });
});
