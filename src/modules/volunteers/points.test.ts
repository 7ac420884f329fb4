import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL } from '../../../test/helpers/platform.js';
import { countAudit } from '../../platform/audit/audit.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import * as hours from './hours.service.js';
import { earnPoints, ensurePointsAccount, pointsAccountCode, pointsBalances, pointsIssuedAccountCode, spendPoints } from './points.accounts.js';
import * as points from './points.service.js';
import * as shop from './shop.service.js';
import { HOUR, MINUTE, meta, volunteersKit, type Kit } from './volunteers.testkit.js';

type Rule = { id: string; version: number; sourceKind: string; pointsPerUnit: number; active: boolean; orgNodeId: string };

describe(`points 积分 (${DIALECT_LABEL})`, () => {
  let k: Kit;
  const db = () => k.platform.ctx.db.kysely;
  const rule = async (who: string, body: Record<string, unknown>) => {
    const res = await k.call(who, 'POST', '/api/v1/points/rules', { name: '志愿服务时长积分', sourceKind: 'volunteer.hours', pointsPerUnit: 10, orgNodeId: k.fx.nodes.xishan.id, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Rule;
  };
  const awardsOf = (sourceType: string, sourceId: string) => db().selectFrom('points_award').selectAll().where('source_type', '=', sourceType).where('source_id', '=', sourceId).orderBy('revision').execute();

  beforeAll(async () => {
    k = await volunteersKit();
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('keeps points in ledger accounts: earned from the node’s issued account, never spent below zero', async () => {
    const at = k.platform.ctx.now();
    expect(pointsAccountCode({ personId: 'p1' })).toBe('points:person:p1');
    expect(pointsAccountCode({ volunteerId: 'v1' })).toBe('points:volunteer:v1');
    const holder = { volunteerId: 'unit-holder' };
    expect((await pointsBalances(db(), [holder])).get('points:volunteer:unit-holder')).toBe(0);
    await ensurePointsAccount(db(), holder, at);
    const { journalId } = await earnPoints(db(), { holder, amount: 30, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'x1' }, memo: '测试积分', createdBy: null, at });
    const journal = await ledger.getJournal(db(), journalId);
    expect(journal.entries.map((e) => [e.accountCode, e.amount]).sort()).toEqual([
      [pointsIssuedAccountCode(k.fx.nodes.xishan.id), 30],
      ['points:volunteer:unit-holder', -30],
    ]);
    await expect(spendPoints(db(), { holder, amount: 31, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'x2' }, memo: '超额兑换', createdBy: null, at })).rejects.toMatchObject({ status: 409, code: 'LEDGER_INSUFFICIENT_BALANCE' });
    await spendPoints(db(), { holder, amount: 30, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'x3' }, memo: '兑换', createdBy: null, at });
    expect((await pointsBalances(db(), [holder])).get('points:volunteer:unit-holder')).toBe(0);
    await expect(earnPoints(db(), { holder, amount: 0, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'x4' }, memo: '零', createdBy: null, at })).rejects.toMatchObject({ status: 400, code: 'LEDGER_INVALID_AMOUNT' });
    await expect(earnPoints(db(), { holder, amount: 1.5, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'x5' }, memo: '小数', createdBy: null, at })).rejects.toMatchObject({ code: 'LEDGER_INVALID_AMOUNT' });
  });

  it('keeps rules as data: staff create and change them; bad input gets 400 in Chinese or English; role and subtree are checked', async () => {
    const r = await rule('xishan', { name: '测试规则', pointsPerUnit: 6, maxPerAward: 30, validFrom: '2026-01-01' });
    expect(r).toMatchObject({ sourceKind: 'volunteer.hours', pointsPerUnit: 6, active: true });

    let res = await k.call('xishan', 'POST', '/api/v1/points/rules', { name: '乱写的规则', sourceKind: 'made.up', pointsPerUnit: 5, orgNodeId: k.fx.nodes.xishan.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'POINTS_KIND_UNKNOWN', message: '未知的积分来源类型：made.up' });
    res = await k.call('xishan', 'POST', '/api/v1/points/rules', { name: '乱写的规则', sourceKind: 'made.up', pointsPerUnit: 5, orgNodeId: k.fx.nodes.xishan.id }, 'en');
    expect(res.json().error.message).toBe('Unknown points source kind: made.up');
    res = await k.call('xishan', 'POST', '/api/v1/points/rules', { name: '零分规则', sourceKind: 'good_deed', pointsPerUnit: 0, orgNodeId: k.fx.nodes.xishan.id }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.json().error.details)).toContain('pointsPerUnit');
    res = await k.call('xishan', 'POST', '/api/v1/points/rules', { name: '倒挂有效期', sourceKind: 'good_deed', pointsPerUnit: 5, orgNodeId: k.fx.nodes.xishan.id, validFrom: '2026-12-01', validTo: '2026-11-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('输入有误，请检查标出的字段');
    // Another community: outside xishan's subtree.
    res = await k.call('xishan', 'POST', '/api/v1/points/rules', { name: '东山规则', sourceKind: 'good_deed', pointsPerUnit: 5, orgNodeId: k.fx.nodes.dongshan.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('POINTS_NODE_INVALID');
    // Roles without the permission.
    for (const who of ['grid01', 'resident01', 'volunteer01']) {
      expect((await k.call(who, 'POST', '/api/v1/points/rules', { name: '越权规则', sourceKind: 'good_deed', pointsPerUnit: 5, orgNodeId: k.fx.nodes.xishan.id })).statusCode).toBe(403);
      expect((await k.call(who, 'GET', '/api/v1/points/rules')).statusCode).toBe(403);
    }

    // Changed from the version read; a stale version is refused.
    res = await k.call('xishan', 'PATCH', `/api/v1/points/rules/${r.id}`, { pointsPerUnit: 7, active: false, expectedVersion: 1 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ pointsPerUnit: 7, active: false, version: 2 });
    res = await k.call('xishan', 'PATCH', `/api/v1/points/rules/${r.id}`, { pointsPerUnit: 9, expectedVersion: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('POINTS_RULE_STALE');
    res = await k.call('xishan', 'PATCH', `/api/v1/points/rules/${r.id}`, { validFrom: '2027-01-01', validTo: '2026-01-01', expectedVersion: 2 }, 'en');
    expect(res.json().error).toMatchObject({ code: 'POINTS_PERIOD_INVALID', message: 'The validity cannot start after it ends' });
    res = await k.call('xishan', 'PATCH', `/api/v1/points/rules/${r.id}`, { validTo: '2025-12-31', expectedVersion: 2 });
    expect(res.json().error.code).toBe('POINTS_PERIOD_INVALID');

    // The street's rule is seen from the street, not from the community below.
    const streetRule = await rule('street', { name: '街道规则', sourceKind: 'good_deed', pointsPerUnit: 3, orgNodeId: k.fx.nodes.street.id, validTo: '2026-01-31' });
    const fromStreet = (await k.call('street', 'GET', '/api/v1/points/rules')).json() as { items: Rule[] };
    expect(fromStreet.items.map((i) => i.id)).toEqual(expect.arrayContaining([r.id, streetRule.id]));
    const fromXishan = (await k.call('xishan', 'GET', '/api/v1/points/rules')).json() as { items: Rule[] };
    expect(fromXishan.items.map((i) => i.id)).not.toContain(streetRule.id);
    expect((await k.call('xishan', 'PATCH', `/api/v1/points/rules/${streetRule.id}`, { active: false, expectedVersion: 1 })).statusCode).toBe(404);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.points.rule.create')).toBe(2);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.points.rule.update')).toBe(1);
    // Neither rule counts from here on: the street's ended in January, the other is inactive.
  });

  it('earns points for hours in the check-out’s transaction by the deepest rule, capped; a correction adjusts them, never below what is left', async () => {
    await rule('street', { name: '街道志愿服务积分', pointsPerUnit: 8, orgNodeId: k.fx.nodes.street.id });
    const xishanRule = await rule('xishan', { name: '西山志愿服务积分', pointsPerUnit: 10, maxPerAward: 15 });
    const opp = await k.opportunity({ title: '社区文化家园书法义写', category: '文化', startsIn: 2 * HOUR, hours: 2 });
    const [v] = await k.makeVolunteers('pts', 1);
    await shop.signUp(k.platform.ctx, v!.actor, opp.id, meta);
    await k.advance(2 * HOUR);
    const staff = await k.actor('xishan');
    const signup = (await shop.listSignups(k.platform.ctx, staff, opp.id)).items[0]!;
    await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'in' }, meta);
    await k.advance(2 * HOUR);
    const out = await hours.attendByLeader(k.platform.ctx, staff, opp.id, { signupId: signup.id, action: 'out' }, meta);
    expect(out.record.creditedMinutes).toBe(120);
    const holder = pointsAccountCode({ volunteerId: v!.volunteerId });
    // 2 hours × 10 = 20, capped at 15 for one service; the community's rule, not the street's.
    expect((await pointsBalances(db(), [{ volunteerId: v!.volunteerId }])).get(holder)).toBe(15);
    let awards = await awardsOf('volunteer.service', out.record.id);
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({ rule_id: xishanRule.id, revision: 1, quantity: 120, points: 15, uncapped_points: 20, holder_code: holder });
    const journal = await ledger.getJournal(db(), awards[0]!.journal_id!);
    expect(journal).toMatchObject({ sourceType: 'points_award', sourceId: awards[0]!.id });

    // A second call for the same record (a retried check-out) awards nothing new.
    const again = await points.awardPointsForService(db(), { recordId: out.record.id, volunteerId: v!.volunteerId, orgPath: k.fx.nodes.xishan.path, minutes: 120, title: 'x', createdBy: null, at: k.platform.ctx.now() });
    expect(again).toMatchObject({ already: true, points: 15 });
    expect(await awardsOf('volunteer.service', out.record.id)).toHaveLength(1);

    // Corrected to one hour: 10 points, 5 taken back.
    await k.advance(HOUR);
    let res = await k.call('xishan', 'POST', `/api/v1/volunteer-hours/${out.record.id}/correct`, { checkInAt: out.record.checkInAt, checkOutAt: new Date(Date.parse(out.record.checkInAt) + HOUR).toISOString(), reason: '提前一小时离场，按签到表更正', expectedVersion: out.record.version });
    expect(res.statusCode, res.body).toBe(200);
    expect((await pointsBalances(db(), [{ volunteerId: v!.volunteerId }])).get(holder)).toBe(10);
    awards = await awardsOf('volunteer.service', out.record.id);
    expect(awards.map((a) => [a.revision, a.points])).toEqual([
      [1, 15],
      [2, -5],
    ]);

    // They spend 8; a correction to a single minute (0 points) can only take back the 2 left.
    await spendPoints(db(), { holder: { volunteerId: v!.volunteerId }, amount: 8, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test', id: 'spent' }, memo: '兑换', createdBy: null, at: k.platform.ctx.now() });
    const version = (res.json() as { version: number }).version;
    res = await k.call('xishan', 'POST', `/api/v1/volunteer-hours/${out.record.id}/correct`, { checkInAt: out.record.checkInAt, checkOutAt: new Date(Date.parse(out.record.checkInAt) + MINUTE).toISOString(), reason: '实际只到场签到即离开', expectedVersion: version });
    expect(res.statusCode, res.body).toBe(200);
    expect((await pointsBalances(db(), [{ volunteerId: v!.volunteerId }])).get(holder)).toBe(0);
    awards = await awardsOf('volunteer.service', out.record.id);
    expect(awards.map((a) => a.points)).toEqual([15, -5, -2]);

    // A volunteer in the registry earns into their person's account: one balance per resident.
    const reg = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer', { skills: ['急救'], availability: ['周末'], consent: true, consentVersion: '2026-11' });
    expect(reg.statusCode, reg.body).toBe(201);
    const opp2 = await k.opportunity({ title: '垃圾分类桶边督导', category: '垃圾分类', startsIn: HOUR, hours: 1 });
    expect((await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/opportunities/${opp2.id}/signup`)).statusCode).toBe(201);
    await k.advance(HOUR);
    const s2 = (await shop.listSignups(k.platform.ctx, await k.actor('xishan'), opp2.id)).items[0]!;
    await hours.attendByLeader(k.platform.ctx, await k.actor('xishan'), opp2.id, { signupId: s2.id, action: 'in' }, meta);
    await k.advance(HOUR);
    await hours.attendByLeader(k.platform.ctx, await k.actor('xishan'), opp2.id, { signupId: s2.id, action: 'out' }, meta);
    const mine = (await k.call('volunteer01', 'GET', '/api/v1/me/points')).json() as { holderCode: string; balance: number; entries: { amount: number; sourceType: string }[] };
    expect(mine).toMatchObject({ holderCode: `points:person:${k.reg.people.xu}`, balance: 10 });
    expect(mine.entries).toEqual([expect.objectContaining({ amount: 10, sourceType: 'points_award' })]);
  });

  it('awards points for verified good deeds by rule, capped per month; refused without a rule, outside the area or in the future', async () => {
    const deed = (body: Record<string, unknown>, lang?: string) => k.call('xishan', 'POST', '/api/v1/points/good-deeds', { holder: { personId: k.reg.people.zhu }, description: '拾到钱包交还失主', happenedOn: '2026-11-25', ...body }, lang);
    // The street's good-deed rule ended in January and the community has none yet.
    let res = await deed({});
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'POINTS_NO_RULE', message: '当前没有适用的“好人好事”积分规则，请先设置规则' });
    await rule('xishan', { name: '好人好事积分', sourceKind: 'good_deed', pointsPerUnit: 20, maxPerMonth: 50 });
    res = await deed({ quantity: 2 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ points: 40, uncappedPoints: 40, holderName: '朱志强' });
    res = await deed({ description: '帮助邻居老人送医' });
    expect(res.json()).toMatchObject({ points: 10, uncappedPoints: 20 });
    res = await deed({ description: '雨夜疏通楼道积水' });
    expect(res.json()).toMatchObject({ points: 0, journalId: null });
    const mine = (await k.call('resident01', 'GET', '/api/v1/me/points')).json() as { balance: number; entries: unknown[] };
    expect(mine).toMatchObject({ balance: 50 });
    expect(mine.entries).toHaveLength(2);
    const inbox = (await k.call('resident01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(inbox.items.map((i) => i.title)).toEqual(expect.arrayContaining(['获得积分 40 分', '获得积分 10 分']));

    // Someone of another community, a day to come, a volunteer who does not exist.
    res = await deed({ holder: { personId: k.reg.people.chen } });
    expect(res.statusCode).toBe(404);
    res = await deed({ happenedOn: '2026-12-31' }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('The day cannot be in the future');
    expect((await deed({ holder: { volunteerId: 'nobody' } })).statusCode).toBe(404);
    expect((await deed({ holder: { personId: k.reg.people.zhu, volunteerId: 'x' } })).statusCode).toBe(400);
    expect((await k.call('grid01', 'POST', '/api/v1/points/good-deeds', { holder: { personId: k.reg.people.zhu }, description: '越权发放积分', happenedOn: '2026-11-25' })).statusCode).toBe(403);

    // The staff list shows who got what under which rule.
    const list = (await k.call('xishan', 'GET', '/api/v1/points/awards?kind=good_deed')).json() as { items: { holderName: string; points: number; ruleName: string }[]; total: number };
    expect(list.total).toBe(3);
    expect(list.items.map((i) => i.points).sort((a, b) => a - b)).toEqual([0, 10, 40]);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.points.good-deed')).toBe(3);
  });

  it('awards a source once when two awards of it race', async () => {
    const holder = { personId: k.reg.people.wang };
    const at = k.platform.ctx.now();
    const input = { kind: 'good_deed', holder, orgPath: k.fx.nodes.grid02.path, quantity: 1, source: { type: 'test.race', id: 'same' }, memo: '并发发放', createdBy: null, at };
    const results = await Promise.all([points.awardPointsByRule(db(), input), points.awardPointsByRule(db(), input)]);
    expect(results.filter((r) => r && !r.already)).toHaveLength(1);
    expect((await pointsBalances(db(), [holder])).get(pointsAccountCode(holder))).toBe(20);
    const n = await db().selectFrom('points_award').select(sql<number>`count(*)`.as('n')).where('source_type', '=', 'test.race').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });
});
