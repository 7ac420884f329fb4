import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { seedPartyFixture, type PartyFixture } from './party.fixture.js';

/**
 * 党员积分 on both databases: 朱志强's yearly score counted from the facts (meetings attended,
 * materials read, volunteering hours, verified good deeds) by the rules kept as data, with the
 * yearly caps, the committee's own rules, the secretary's adjustments, the xlsx, and who may see
 * and change what.
 */
describe(`party member points 党员积分 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};
  const users = ['party', 'xishan', 'street', 'sec1', 'sec2', 'resident01', 'volunteer01', 'dssec', 'grid01'];

  const call = (who: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const db = () => platform.ctx.db.kysely;
  type Score = { memberId: string; name: string; total: number; adjustmentTotal: number; items: { item: string; units: number; raw: number; points: number; capped: boolean }[] };
  const byItem = (sc: Score) => Object.fromEntries(sc.items.map((i) => [i.item, [i.units, i.points]]));

  /** A meeting of 第一党支部 at a Beijing time, with who was there. */
  async function meeting(startsAt: string, attendance: Record<string, 'present' | 'leave' | 'expected'>, status: 'planned' | 'cancelled' = 'planned') {
    const id = newId();
    const at = '2026-01-01T00:00:00Z';
    await db()
      .insertInto('party_meeting')
      .values({ id, org_id: pf.orgs.branch1, party_path: `/${pf.orgs.committee}/${pf.orgs.branch1}/`, org_path: fx.nodes.xishan.path, kind: 'branch_assembly', title: '支部党员大会', agenda: '学习传达上级精神', place: '社区党群服务中心', starts_at: new Date(startsAt).toISOString(), ends_at: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(), lecturer: null, status, cancel_reason: status === 'cancelled' ? '改期' : null, minutes: null, minutes_by: null, minutes_at: null, version: 1, created_by: fx.users.party!, created_at: at, updated_at: at })
      .execute();
    for (const [member, st] of Object.entries(attendance)) {
      await db().insertInto('party_meeting_attendance').values({ meeting_id: id, member_id: member, status: st, checked_in_at: st === 'present' ? new Date(startsAt).toISOString() : null, method: st === 'present' ? 'secretary' : null, checked_in_by: st === 'present' ? fx.users.party! : null, updated_at: at }).execute();
    }
  }

  /** Volunteer service of a registry person: records checked in at these times, with these minutes. */
  async function volunteering(personId: string, services: [string, number][]) {
    const at = '2025-01-01T00:00:00Z';
    const vid = newId();
    await db()
      .insertInto('volunteer')
      .values({ id: vid, org_node_id: fx.nodes.xishan.id, org_path: fx.nodes.xishan.path, number: `ZY2025-${vid.slice(-6)}`, user_id: null, person_id: personId, name: '朱志强', id_type: '居民身份证', id_number_enc: null, id_number_idx: null, id_masked: null, phone_enc: null, phone_masked: null, skills: '[]', availability: '[]', intro: null, status: 'active', consent_version: 'v1', consent_text: '同意', consent_at: at, consent_how: 'paper', registered_by: fx.users.xishan!, version: 1, created_at: at, updated_at: at })
      .execute();
    for (const [checkIn, minutes] of services) {
      const oid = newId();
      const start = new Date(checkIn).toISOString();
      const end = new Date(Date.parse(checkIn) + 4 * 3_600_000).toISOString();
      await db()
        .insertInto('volunteer_opportunity')
        .values({ id: oid, org_node_id: fx.nodes.xishan.id, org_path: fx.nodes.xishan.path, team_id: null, organiser: '西山社区', category: '环境', title: '楼道清理', description: '', place: '1幢', starts_at: start, ends_at: end, signup_deadline: start, quota: 10, taken: 1, signup_seq: 1, skills: '[]', credit_minutes: 240, requires_approval: 0, cover_attachment_id: null, status: 'published', cancel_reason: null, created_by: fx.users.xishan!, published_at: at, version: 1, created_at: at, updated_at: at })
        .execute();
      const sid = newId();
      await db().insertInto('volunteer_signup').values({ id: sid, opportunity_id: oid, volunteer_id: vid, status: 'confirmed', seq: 1, placed_at: at, signed_up_by: fx.users.xishan!, on_behalf: 1, decided_by: null, decided_at: null, decline_reason: null, cancelled_at: null, cancel_reason: null, version: 1, created_at: at, updated_at: at }).execute();
      await db()
        .insertInto('volunteer_service_record')
        .values({ id: newId(), signup_id: sid, opportunity_id: oid, volunteer_id: vid, org_path: fx.nodes.xishan.path, check_in_at: start, check_in_method: 'leader', check_in_by: fx.users.xishan!, check_out_at: end, check_out_method: 'leader', check_out_by: fx.users.xishan!, credited_minutes: minutes, journal_id: null, corrections: 0, version: 1, created_at: at, updated_at: at })
        .execute();
    }
  }

  async function goodDeed(personId: string, happenedOn: string, status: 'verified' | 'pending' | 'rejected') {
    const at = '2026-11-01T00:00:00Z';
    await db()
      .insertInto('good_deed')
      .values({ id: newId(), org_node_id: fx.nodes.xishan.id, org_path: fx.nodes.xishan.path, doer_person_id: personId, doer_name: null, title: '扶老人过马路', description: '扶一位老人过马路并送到公交站。', happened_on: happenedOn, place: null, witnesses: '[]', photo_count: 0, name_consent: 0, status, reporter_user_id: fx.users.grid01!, reporter_person_id: null, decided_by: status === 'pending' ? null : fx.users.xishan!, decided_by_name: null, decided_at: status === 'pending' ? null : at, reject_reason: null, award_id: null, points: null, version: 1, created_at: at, updated_at: at })
      .execute();
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of users) s[u] = await loginAs(app, u);
    const { zhu, xu } = pf.members;

    // Meetings: three attended in 2026; one cancelled (not counted), one on leave, one of 2025 (31 Dec, 20:00 Beijing).
    await meeting('2026-03-05T14:00:00+08:00', { [zhu]: 'present', [xu]: 'present' });
    await meeting('2026-06-10T14:00:00+08:00', { [zhu]: 'present', [xu]: 'leave' });
    await meeting('2026-09-01T09:00:00+08:00', { [zhu]: 'present', [xu]: 'expected' });
    await meeting('2026-10-01T09:00:00+08:00', { [zhu]: 'present', [xu]: 'present' }, 'cancelled');
    await meeting('2025-12-31T20:00:00+08:00', { [zhu]: 'present' });
    // 1 January 2026 00:30 Beijing is 2025 in UTC, but counts in 2026.
    await meeting('2026-01-01T00:30:00+08:00', { [xu]: 'present' });

    // Volunteering: 150 + 100 minutes in 2026, 600 minutes in 2025.
    await volunteering(reg.people.zhu, [
      ['2026-04-12T09:00:00+08:00', 150],
      ['2026-10-20T09:00:00+08:00', 100],
      ['2025-08-01T09:00:00+08:00', 600],
    ]);
    // Good deeds: one verified of 2026, one pending, one rejected, one verified of 2025.
    await goodDeed(reg.people.zhu, '2026-05-20', 'verified');
    await goodDeed(reg.people.zhu, '2026-11-20', 'pending');
    await goodDeed(reg.people.zhu, '2026-11-21', 'rejected');
    await goodDeed(reg.people.zhu, '2025-12-31', 'verified');

    // Study: two materials of 第一党支部; 朱志强 reads both, 徐美玲 one.
    for (const title of ['学习贯彻党的二十届三中全会精神', '学习《中国共产党纪律处分条例》']) {
      const m = await call('sec1', 'POST', '/api/v1/party/study/materials', { orgId: pf.orgs.branch1, kind: 'article', title, body: '请结合社区工作实际认真学习，并在支部讨论区交流学习体会。' });
      expect(m.statusCode, m.body).toBe(201);
      expect((await call('resident01', 'POST', `/api/v1/me/party/study/${m.json().id}/progress`, { seconds: 900, done: true })).statusCode).toBe(200);
      if (title.startsWith('学习贯彻')) await call('volunteer01', 'POST', `/api/v1/me/party/study/${m.json().id}/progress`, { seconds: 300, done: true });
    }
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('the yearly score by the default rules: units × points, each item capped for the year', async () => {
    const res = await call('resident01', 'GET', '/api/v1/me/party/points');
    expect(res.statusCode, res.body).toBe(200);
    const me = res.json() as Score & { year: number };
    expect(me.year).toBe(2026);
    // Defaults: 2 a meeting (≤ 40), 1 a material (≤ 30), 1 an hour (≤ 20), 3 a deed (≤ 15).
    expect(byItem(me)).toEqual({ attendance: [3, 6], study: [2, 2], volunteering: [4.2, 4], good_deed: [1, 3] });
    expect(me.total).toBe(15);
    const y2025 = (await call('resident01', 'GET', '/api/v1/me/party/points?year=2025')).json() as Score;
    expect(byItem(y2025)).toEqual({ attendance: [1, 2], study: [0, 0], volunteering: [10, 10], good_deed: [1, 3] });
    expect(y2025.total).toBe(15);
    const xu = (await call('volunteer01', 'GET', '/api/v1/me/party/points')).json() as Score;
    expect(byItem(xu)).toEqual({ attendance: [2, 4], study: [1, 1], volunteering: [0, 0], good_deed: [0, 0] });
  });

  it('the committee sets its own rules; the caps bite; only the committee may', async () => {
    const rules = [
      { item: 'attendance', pointsPerUnit: 5, yearlyCap: 12 },
      { item: 'study', pointsPerUnit: 2, yearlyCap: null },
      { item: 'volunteering', pointsPerUnit: 1, yearlyCap: 3 },
      { item: 'good_deed', pointsPerUnit: 4, yearlyCap: null },
    ];
    // A branch secretary does not lead the committee; community staff keep records but do not decide.
    expect((await call('sec1', 'PUT', '/api/v1/party/points/rules', { committeeId: pf.orgs.committee, rules })).statusCode).toBe(404);
    expect((await call('xishan', 'PUT', '/api/v1/party/points/rules', { committeeId: pf.orgs.committee, rules })).statusCode).toBe(403);
    const notCommittee = await call('party', 'PUT', '/api/v1/party/points/rules', { committeeId: pf.orgs.branch1, rules }, 'en');
    expect(notCommittee.statusCode).toBe(400);
    expect(notCommittee.json().error).toMatchObject({ code: 'PARTY_POINTS_NOT_COMMITTEE', message: 'Points rules are set by a party committee; this organisation is not one' });
    const twice = await call('party', 'PUT', '/api/v1/party/points/rules', { committeeId: pf.orgs.committee, rules: [...rules.slice(0, 3), rules[0]] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.details[0]).toMatchObject({ code: 'PARTY_POINTS_RULES_ITEMS', message: '须为出勤、学习、志愿服务、好人好事四项各设一条规则' });

    const set = await call('party', 'PUT', '/api/v1/party/points/rules', { committeeId: pf.orgs.committee, rules });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ committeeName: '西山社区党委', canEdit: true });
    expect((set.json() as { rules: { own: boolean }[] }).rules.every((r) => r.own)).toBe(true);
    // 东山社区党委 still counts by the default.
    const ds = (await call('dssec', 'GET', `/api/v1/party/points/rules?orgId=${pf.orgs.dsBranch}`)).json() as { rules: { item: string; pointsPerUnit: number; own: boolean }[]; canEdit: boolean };
    expect(ds.rules.find((r) => r.item === 'attendance')).toMatchObject({ pointsPerUnit: 2, own: false });
    expect(ds.canEdit).toBe(false);

    const me = (await call('resident01', 'GET', '/api/v1/me/party/points')).json() as Score;
    // attendance 3 × 5 = 15 → cap 12; study 2 × 2 = 4; volunteering ⌊250 × 1 ÷ 60⌋ = 4 → cap 3; deeds 1 × 4 = 4.
    expect(byItem(me)).toEqual({ attendance: [3, 12], study: [2, 4], volunteering: [4.2, 3], good_deed: [1, 4] });
    expect(me.items.filter((i) => i.capped).map((i) => [i.item, i.raw])).toEqual([
      ['attendance', 15],
      ['volunteering', 4],
    ]);
    expect(me.total).toBe(23);
    const audit = await db().selectFrom('audit_log').select('details').where('action', '=', 'party.points.rules.set').execute();
    expect(audit).toHaveLength(1);
  });

  it('the secretary reviews the branch, adjusts with a reason (audited) and exports the xlsx', async () => {
    const list = await call('sec1', 'GET', `/api/v1/party/points?orgId=${pf.orgs.branch1}&year=2026`);
    expect(list.statusCode, list.body).toBe(200);
    const scores = list.json() as { canAdjust: boolean; items: Score[] };
    expect(scores.canAdjust).toBe(true);
    expect(scores.items.map((i) => i.name)).toEqual(['朱志强', '徐美玲', '沈建华']);
    expect(scores.items.map((i) => i.total)).toEqual([23, 12, 0]);

    const adj = await call('sec1', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2026, points: 5, reason: '带头参加社区防汛值守' });
    expect(adj.statusCode, adj.body).toBe(201);
    expect(adj.json()).toMatchObject({ total: 28, adjustmentTotal: 5, adjustments: [{ points: 5, reason: '带头参加社区防汛值守' }] });
    const minus = await call('xishan', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2026, points: -2, reason: '一次组织生活迟到' });
    expect(minus.json().total).toBe(26);
    const audits = await db().selectFrom('audit_log').select(['actor_name', 'details']).where('action', '=', 'party.points.adjust').where('target_id', '=', pf.members.zhu).orderBy('seq').execute();
    expect(audits.map((a) => a.actor_name)).toEqual(['sec1', 'xishan']);
    expect(JSON.parse(audits[0]!.details!)).toMatchObject({ year: 2026, points: 5, reason: '带头参加社区防汛值守' });
    expect(((await call('resident01', 'GET', '/api/v1/me/party/points')).json() as Score).total).toBe(26);

    const x = await call('sec1', 'GET', `/api/v1/party/points/export.xlsx?orgId=${pf.orgs.branch1}&year=2026`);
    expect(x.statusCode, x.body).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    expect(String(x.headers['content-disposition'])).toContain('.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('党员积分')!;
    const text = (r: number) => String(sheet.getRow(r).getCell(1).value ?? '');
    expect(text(1)).toBe('2026年度党员积分统计表');
    expect(text(2)).toBe('单位：西山社区　第一党支部');
    expect(text(3)).toContain('统计年度：2026年1月1日至2026年12月31日');
    expect(text(4)).toContain('制表日期：2026年11月26日');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const zhu = rows.find((r) => r[1] === '朱志强')!;
    // 序号 姓名 支部 | 出勤 3 12 | 学习 2 4 | 志愿 4.2 3 | 好人好事 1 4 | 调整 3 | 合计 26
    expect(zhu).toEqual([1, '朱志强', '第一党支部', 3, 12, 2, 4, 4.2, 3, 1, 4, 3, 26]);
    expect(rows.some((r) => String(r[0]).includes('积分规则：组织生活出勤每次 5 分，全年最多 12 分'))).toBe(true);
    expect(await db().selectFrom('audit_log').select('seq').where('action', '=', 'party.points.export').execute()).toHaveLength(1);
  });

  it('who may see and change scores; clear 4xx in Chinese and English', async () => {
    // Another branch's secretary, a plain member, 东山: no such organisation; the street reads but does not adjust.
    for (const who of ['sec2', 'resident01', 'dssec']) expect((await call(who, 'GET', `/api/v1/party/points?orgId=${pf.orgs.branch1}`)).statusCode, who).toBe(404);
    expect((await call('street', 'GET', `/api/v1/party/points?orgId=${pf.orgs.branch1}`)).statusCode).toBe(200);
    expect((await call('street', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2026, points: 1, reason: '街道表扬加分' })).statusCode).toBe(403);
    const notMine = await call('resident01', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.xu, year: 2026, points: 5, reason: '我想给她加分' }, 'en');
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().error).toMatchObject({ code: 'PARTY_MEMBER_NOT_FOUND', message: 'No such party member in your area' });
    expect((await call('sec2', 'GET', `/api/v1/party/points/export.xlsx?orgId=${pf.orgs.branch1}`)).statusCode).toBe(404);

    const old = await call('sec1', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2024, points: 5, reason: '补记两年前的加分' });
    expect(old.statusCode).toBe(400);
    expect(old.json().error).toMatchObject({ code: 'PARTY_POINTS_YEAR_INVALID', message: '只能调整今年或上一年的积分' });
    const zero = await call('sec1', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2026, points: 0, reason: '不加不减' }, 'en');
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.details[0]).toMatchObject({ field: 'body.points', code: 'PARTY_POINTS_ADJUST_ZERO', message: 'An adjustment cannot be 0 points' });
    const noReason = await call('sec1', 'POST', '/api/v1/party/points/adjustments', { memberId: pf.members.zhu, year: 2026, points: 3 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].field).toBe('body.reason');
    const notMember = await call('grid01', 'GET', '/api/v1/me/party/points');
    expect(notMember.statusCode).toBe(403);
    expect(notMember.json().error).toMatchObject({ code: 'PARTY_NOT_A_MEMBER', message: '您不是在册党员（或尚未与人口信息关联），无法使用此功能' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me/party/points' })).statusCode).toBe(401);
  });
});
