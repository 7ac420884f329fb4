import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { accountCodes } from './convenience.service.js';
import { servicesTestModules, seedServicesFixture, type ServicesFixture } from './services.fixture.js';
import { bj, createAccounts } from './s2.testkit.js';

const PROVIDER = {
  name: '海宁市乐龄居家养老服务中心',
  kind: 'social_org',
  contactName: '沈慧琴',
  contactPhone: '0573-87012345',
  licenceNote: '民办非企业单位登记证书 52330481MJ8765432X；养老机构备案',
  description: '为西山社区老年人提供上门护理、助餐、家政服务。',
};
const WANTED = bj('2026-12-01T09:00:00').toISOString();

describe(`convenience services 便民服务 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let sx: ServicesFixture;
  let extra: Record<string, string>;
  const s: Record<string, Session> = {};
  const ids: Record<string, string> = {};
  const db = () => platform.ctx.db.kysely;

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? s[who]!.headers : {} });
  const ok = async (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await call(who, method, url, payload);
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const inbox = async (who: string) => JSON.stringify((await call(who, 'GET', '/api/v1/inbox')).json());
  const order = (who: string, offeringId: string, extraBody: Record<string, unknown> = {}) =>
    ok(who, 'POST', '/api/v1/me/convenience/orders', { offeringId, wantedAt: WANTED, useRegistryAddress: true, ...extraBody });
  /** Accept, start and complete as the provider. */
  const serve = async (orderId: string, done: Record<string, unknown>, who = 'provider01') => {
    await ok(who, 'POST', `/api/v1/convenience/provider/orders/${orderId}/accept`, {});
    await ok(who, 'POST', `/api/v1/convenience/provider/orders/${orderId}/start`, {});
    return ok(who, 'POST', `/api/v1/convenience/provider/orders/${orderId}/complete`, done);
  };

  beforeAll(async () => {
    const modules = servicesTestModules();
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00'), modules });
    fx = await seedFixture(platform.ctx);
    sx = await seedServicesFixture(platform.ctx, fx.nodes);
    extra = await createAccounts(platform.ctx, [
      { username: 'provider02', displayName: '老张水电维修', role: 'provider', nodeId: fx.nodes.xishan.id },
      { username: 'provider03', displayName: '暖心家政服务部', role: 'provider', nodeId: fx.nodes.xishan.id },
      { username: 'dongres', displayName: '居民 陆阿婆', role: 'resident', nodeId: fx.nodes.dongshan.id },
    ]);
    app = await createTestApp(platform, modules);
    for (const u of ['resident01', 'resident02', 'volunteer01', 'xishan', 'dongshan', 'provider01', 'provider02', 'provider03', 'street', 'civil', 'dongres']) s[u] = await loginAs(app, u);
   }, 120_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('should require authentication and the right role', async () => {
    expect((await call(null, 'GET', '/api/v1/me/convenience/orders')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/convenience/provider/profile', PROVIDER)).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/convenience/manage/orders')).statusCode).toBe(401);
    // The catalogue is public.
    expect((await call(null, 'GET', '/api/v1/convenience/offerings')).statusCode).toBe(200);
    expect((await call(null, 'GET', '/api/v1/convenience/categories')).json().items.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['家政保洁', '养老助餐', '上门护理', '医疗咨询', '法律咨询', '家电维修', '水电维修', '代购跑腿']),
    );
    expect((await call('resident01', 'GET', '/api/v1/convenience/provider/orders')).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/convenience/manage/orders')).statusCode).toBe(403);
    expect((await call('provider01', 'POST', '/api/v1/me/convenience/orders', {})).statusCode).toBe(403);
    expect((await call('provider01', 'GET', '/api/v1/convenience/manage/providers')).statusCode).toBe(403);
    expect((await call('street', 'GET', '/api/v1/convenience/manage/providers')).statusCode).toBe(403);
    // Every route is described in the OpenAPI document.
    const paths = Object.keys((await call(null, 'GET', '/api/openapi.json')).json().paths);
    for (const p of ['/api/v1/me/convenience/quote', '/api/v1/convenience/provider/orders/{id}/complete', '/api/v1/convenience/manage/rules', '/api/v1/convenience/manage/allowance-ledger.xlsx']) expect(paths).toContain(p);
  });

  it('a provider applies, staff approve; only approved providers reach residents', async () => {
    expect((await call('provider01', 'GET', '/api/v1/convenience/provider/profile')).json().error.code).toBe('CONVENIENCE_NO_PROVIDER');
    const applied = await call('provider01', 'POST', '/api/v1/convenience/provider/profile', { ...PROVIDER, orgNodeId: fx.nodes.xishan.id });
    expect(applied.statusCode).toBe(201);
    const p = applied.json();
    ids.p1 = p.id;
    expect(p).toMatchObject({ status: 'pending', statusLabel: '待审核', linkedAccount: true, orgNodeName: '西山社区', rating: null });
    expect((await call('provider01', 'POST', '/api/v1/convenience/provider/profile', { ...PROVIDER, orgNodeId: fx.nodes.xishan.id })).json().error.code).toBe('CONVENIENCE_PROVIDER_EXISTS');
    // A grid is not a service area.
    const grid = await call('provider02', 'POST', '/api/v1/convenience/provider/profile', { ...PROVIDER, name: '老张水电维修', orgNodeId: fx.nodes.grid01.id });
    expect(grid.statusCode).toBe(400);
    expect(grid.json().error.message).toBe('服务区域须为社区或街道');

    expect((await call(null, 'GET', '/api/v1/convenience/providers')).json().items).toEqual([]);
    expect((await call(null, 'GET', `/api/v1/convenience/providers/${p.id}`)).statusCode).toBe(404);
    expect(await inbox('xishan')).toContain('服务商入驻申请：海宁市乐龄居家养老服务中心');
    const pending = await ok('xishan', 'GET', '/api/v1/convenience/manage/providers?status=pending');
    expect(pending.items.map((x: { id: string }) => x.id)).toEqual([p.id]);
    // 东山社区's staff do not see or approve it.
    expect((await ok('dongshan', 'GET', '/api/v1/convenience/manage/providers')).items).toEqual([]);
    expect((await call('dongshan', 'POST', `/api/v1/convenience/manage/providers/${p.id}/review`, { action: 'approve' })).statusCode).toBe(404);

    const approved = await ok('xishan', 'POST', `/api/v1/convenience/manage/providers/${p.id}/review`, { action: 'approve' });
    expect(approved).toMatchObject({ status: 'approved', statusLabel: '已通过' });
    expect(await inbox('provider01')).toContain('入驻申请已通过');
    expect((await call(null, 'GET', '/api/v1/convenience/providers')).json().items.map((x: { name: string }) => x.name)).toEqual(['海宁市乐龄居家养老服务中心']);
    expect((await call('xishan', 'POST', `/api/v1/convenience/manage/providers/${p.id}/review`, { action: 'approve' })).statusCode).toBe(409);

    // Staff register one for a provider account; rejected, it is edited and goes back to pending.
    const byStaff = await ok('xishan', 'POST', '/api/v1/convenience/manage/providers', { ...PROVIDER, name: '老张水电维修', kind: 'professional', contactName: '张建国', contactPhone: '13905730001', licenceNote: '电工证 T330481197005120011', orgNodeId: fx.nodes.xishan.id, userId: extra.provider02 });
    ids.p2 = byStaff.id;
    expect(byStaff).toMatchObject({ status: 'pending', linkedAccount: true });
    const noReason = await call('xishan', 'POST', `/api/v1/convenience/manage/providers/${byStaff.id}/review`, { action: 'reject' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0]).toMatchObject({ field: 'body.reason', code: 'CONVENIENCE_REASON_REQUIRED', message: '请填写原因' });
    await ok('xishan', 'POST', `/api/v1/convenience/manage/providers/${byStaff.id}/review`, { action: 'reject', reason: '电工证已过期，请上传有效证件' });
    const mine = await ok('provider02', 'GET', '/api/v1/convenience/provider/profile');
    expect(mine).toMatchObject({ status: 'rejected', statusReason: '电工证已过期，请上传有效证件' });
    const again = await ok('provider02', 'PATCH', '/api/v1/convenience/provider/profile', { expectedVersion: mine.version, licenceNote: '电工证 T330481197005120011（2026年复审）' });
    expect(again.status).toBe('pending');
    expect((await call('provider02', 'PATCH', '/api/v1/convenience/provider/profile', { expectedVersion: mine.version, name: '老张' })).statusCode).toBe(409);
    await ok('xishan', 'POST', `/api/v1/convenience/manage/providers/${byStaff.id}/review`, { action: 'approve' });
    // Only a provider account can be linked.
    const notProvider = await call('xishan', 'POST', '/api/v1/convenience/manage/providers', { ...PROVIDER, name: '某某', orgNodeId: fx.nodes.xishan.id, userId: fx.users.resident01 });
    expect(notProvider.json().error.code).toBe('CONVENIENCE_PROVIDER_ACCOUNT');
  });

  it('providers publish offerings; staff can hide one; bad input is 400 with messages', async () => {
    const add = (who: string, body: Record<string, unknown>) => call(who, 'POST', '/api/v1/convenience/provider/offerings', body);
    const care = await add('provider01', { category: 'home-care', name: '上门护理（基础护理）', description: '测血压血糖、翻身拍背、协助服药', priceFen: 6000, priceUnit: '小时', durationMinutes: 60 });
    expect(care.statusCode).toBe(201);
    ids.care = care.json().id;
    expect(care.json()).toMatchObject({ categoryName: '上门护理', priceLabel: '¥60.00/小时', providerName: '海宁市乐龄居家养老服务中心' });
    ids.clean = (await add('provider01', { category: 'housekeeping', name: '居家保洁', priceFen: 4000, priceUnit: '小时', durationMinutes: 60 })).json().id;
    ids.meal = (await add('provider01', { category: 'meals', name: '助餐送餐上门（午餐）', priceFen: 1500, priceUnit: '餐', durationMinutes: 30 })).json().id;
    ids.pipe = (await add('provider02', { category: 'plumbing-electrical', name: '水管疏通', priceFen: 8000, priceUnit: '次', durationMinutes: 60 })).json().id;

    const bad = await call('provider01', 'POST', '/api/v1/convenience/provider/offerings?lang=en', { category: 'spa', name: 'x', priceFen: -1, priceUnit: '月', durationMinutes: 60 });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.category', 'body.name', 'body.priceFen', 'body.priceUnit']));
    // Outside the provider's area.
    const outside = await add('provider01', { category: 'meals', name: '东山助餐', priceFen: 1500, priceUnit: '餐', durationMinutes: 30, orgNodeId: fx.nodes.dongshan.id });
    expect(outside.json().error).toMatchObject({ code: 'CONVENIENCE_OUTSIDE_AREA', message: '服务项目的区域须在服务商的服务区域内' });
    // Another provider's offering is not editable.
    expect((await call('provider02', 'PATCH', `/api/v1/convenience/provider/offerings/${ids.care}`, { expectedVersion: 1, priceFen: 1 })).statusCode).toBe(404);

    const pub = await ok('resident01', 'GET', '/api/v1/convenience/offerings');
    expect(pub.items).toHaveLength(4);
    const hidden = await ok('xishan', 'POST', `/api/v1/convenience/manage/offerings/${ids.pipe}/visibility`, { hidden: true, reason: '价格未公示，待核实' });
    expect(hidden).toMatchObject({ hidden: true, hiddenReason: '价格未公示，待核实' });
    expect((await ok('resident01', 'GET', '/api/v1/convenience/offerings')).items.map((o: { id: string }) => o.id)).not.toContain(ids.pipe);
    expect((await call('resident01', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.pipe}`)).statusCode).toBe(404);
    expect(await inbox('provider02')).toContain('服务项目已被社区下架：水管疏通');
    await ok('xishan', 'POST', `/api/v1/convenience/manage/offerings/${ids.pipe}/visibility`, { hidden: false });
    expect((await ok(null as never, 'GET', `/api/v1/convenience/offerings?category=plumbing-electrical`)).items).toHaveLength(1);
  });

  it('an order from request to rating, with its timeline, notices and audit', async () => {
    const q = await ok('resident01', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}&quantity=2`);
    expect(q).toMatchObject({ totalFen: 12000, rule: null, coverage: 'none', freeMinutes: 0, residentFen: 12000, registryAddress: '西山社区1幢1单元101室' });
    const placed = await order('resident01', ids.care, { quantity: 2, note: '老人行动不便，请先电话联系' });
    ids.o1 = placed.id;
    expect(placed).toMatchObject({ status: 'requested', statusLabel: '待接单', address: '西山社区1幢1单元101室', addressSource: 'registry', residentName: null, actions: ['cancel'] });
    expect(placed.code).toMatch(/^BM20261130-\d{4}$/);
    expect(await inbox('provider01')).toContain(`新订单：上门护理（基础护理）`);

    const seen = await ok('provider01', 'GET', `/api/v1/convenience/provider/orders/${ids.o1}`);
    expect(seen).toMatchObject({ residentName: '朱志强', actions: ['accept', 'decline'] });
    await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/accept`, {});
    expect(await inbox('resident01')).toContain('您的订单已接单');
    // Not yet started: completing is refused.
    const early = await call('provider01', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/complete`, { actualMinutes: 90 });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toBe('订单当前状态为“已接单”，不能完成服务');
    await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/start`, {});
    const noAmount = await call('provider01', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/complete`, {});
    expect(noAmount.json().error.code).toBe('CONVENIENCE_QUANTITY_REQUIRED');
    const done = await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/complete`, { actualMinutes: 90, note: '测血压 135/85，已协助服药' });
    expect(done).toMatchObject({ status: 'completed', serviceMinutes: 90, totalFen: 9000, freeMinutes: 0, residentFen: 9000, ruleId: null });
    expect(await inbox('resident01')).toContain('服务已完成，请确认评价');

    const badRating = await call('resident01', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/confirm`, { rating: 6 });
    expect(badRating.statusCode).toBe(400);
    const rated = await ok('resident01', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/confirm`, { rating: 5, comment: '护理员很耐心' });
    expect(rated).toMatchObject({ status: 'closed', statusLabel: '已完成', rating: 5, ratingComment: '护理员很耐心' });
    expect(rated.timeline.map((e: { action: string }) => e.action)).toEqual(['ordered', 'accepted', 'started', 'completed', 'rated']);
    expect(rated.timeline[1]).toMatchObject({ actorRole: 'provider', actorName: '海宁市乐龄居家养老服务中心', label: '服务商接单' });
    expect((await ok('resident01', 'GET', `/api/v1/convenience/providers/${ids.p1}`))).toMatchObject({ rating: 5, ratingCount: 1 });
    expect((await ok('resident01', 'GET', '/api/v1/convenience/offerings?category=home-care')).items[0].providerRating).toBe(5);
    for (const a of ['create', 'accept', 'start', 'complete', 'confirm']) expect(await countAudit(platform.ctx.db, `services.convenience.order.${a}`)).toBeGreaterThanOrEqual(1);
    // Confirming twice is refused.
    expect((await call('resident01', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/confirm`, { rating: 1 })).statusCode).toBe(409);
  });

  it('a provider declines with a reason; a resident cancels before acceptance', async () => {
    const o = await order('resident01', ids.clean, { useRegistryAddress: false, address: '西山路88号紫微苑3幢2单元502室' });
    expect(o.addressSource).toBe('typed');
    const noReason = await call('provider01', 'POST', `/api/v1/convenience/provider/orders/${o.id}/decline`, {});
    expect(noReason.statusCode).toBe(400);
    const declined = await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${o.id}/decline`, { reason: '当天保洁人员已排满' });
    expect(declined).toMatchObject({ status: 'declined', declinedReason: '当天保洁人员已排满' });
    expect(await inbox('resident01')).toContain('订单未被接单');
    expect((await call('resident01', 'POST', `/api/v1/me/convenience/orders/${o.id}/cancel`, {})).statusCode).toBe(409);

    const c = await order('resident01', ids.meal, { quantity: 1 });
    const cancelled = await ok('resident01', 'POST', `/api/v1/me/convenience/orders/${c.id}/cancel`, { reason: '家人回来了，不需要了' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: '家人回来了，不需要了', actions: [] });
    expect(await inbox('provider01')).toContain(`订单 ${c.code} 已被居民取消`);
    const late = await call('provider01', 'POST', `/api/v1/convenience/provider/orders/${c.id}/accept?lang=en`, {});
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('CONVENIENCE_ORDER_STATE');
  });

  it('政府购买服务: a tag rule grants free hours, the ledger records them, then the allowance is exhausted', async () => {
    const rule = { name: '独居、高龄老人居家养老服务（政府购买）', orgNodeId: fx.nodes.xishan.id, tags: ['独居老人', '高龄老人'], tagMatch: 'any', categories: ['home-care', 'housekeeping'], monthlyHours: 4, validFrom: '2026-01-01', validTo: '2026-12-31' };
    const unknownTag = await call('xishan', 'POST', '/api/v1/convenience/manage/rules', { ...rule, tags: ['独居老人', '外星人'] });
    expect(unknownTag.json().error).toMatchObject({ code: 'CONVENIENCE_RULE_TAG_UNKNOWN', message: '标签“外星人”未在人口库中定义' });
    const backwards = await call('xishan', 'POST', '/api/v1/convenience/manage/rules?lang=en', { ...rule, validTo: '2025-12-31' });
    expect(backwards.json().error.details[0]).toMatchObject({ field: 'body.validTo', code: 'CONVENIENCE_RULE_DATES', message: 'The end date cannot be before the start date' });
    expect((await call('dongshan', 'POST', '/api/v1/convenience/manage/rules', rule)).statusCode).toBe(403);
    const created = await ok('xishan', 'POST', '/api/v1/convenience/manage/rules', rule);
    ids.rule = created.id;
    expect(created).toMatchObject({ monthlyMinutes: 240, description: '独居老人 或 高龄老人，每月免费4小时（上门护理、家政保洁）' });

    // 王秀英 (resident02) is not tagged yet: charged normally.
    expect((await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}&quantity=3`)).coverage).toBe('none');
    await ok('xishan', 'POST', `/api/v1/people/${sx.reg.people.wang}/tags`, { tag: '独居老人', note: '子女在外地' });
    const q1 = await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}&quantity=3`);
    expect(q1).toMatchObject({ coverage: 'covered', rule: { id: ids.rule }, allowanceLeftMinutes: 240, freeMinutes: 180, freeFen: 18000, residentFen: 0, month: '2026-11' });
    // Meals are not covered by the rule.
    expect((await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.meal}`)).coverage).toBe('none');
    // resident01 holds neither tag.
    expect((await ok('resident01', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}`)).coverage).toBe('none');

    const codes = {
      allowance: accountCodes.allowance(ids.rule, sx.reg.people.wang, '2026-11'),
      issued: accountCodes.issued(ids.rule),
      expense: accountCodes.expense(fx.nodes.xishan.id),
      payable: accountCodes.payable(ids.p1),
    };
    const balances = async () => Object.fromEntries([...(await ledger.balances(db(), Object.values(codes))).values()].map((b) => [b.code, b.balance]));

    const o1 = await order('resident02', ids.care, { quantity: 3 });
    expect(o1.quoteFreeMinutes).toBe(180);
    const c1 = await serve(o1.id, { actualMinutes: 180 });
    expect(c1).toMatchObject({ ruleId: ids.rule, ruleName: rule.name, freeMinutes: 180, freeFen: 18000, residentFen: 0, totalFen: 18000 });
    expect(await balances()).toEqual({ [codes.allowance]: 60, [codes.issued]: 60, [codes.expense]: 180, [codes.payable]: 180 });
    const journal = await ledger.getJournal(db(), (await db().selectFrom('convenience_order').select('ledger_journal_id').where('id', '=', o1.id).executeTakeFirstOrThrow()).ledger_journal_id!);
    expect(journal).toMatchObject({ sourceType: 'convenience.order', sourceId: o1.id });

    // 2 hours of 家政 with 1 hour left: half free.
    const q2 = await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.clean}&quantity=2`);
    expect(q2).toMatchObject({ coverage: 'partial', allowanceLeftMinutes: 60, freeMinutes: 60, freeFen: 4000, residentFen: 4000 });
    expect(q2.message).toContain('您需支付¥40.00');
    const o2 = await order('resident02', ids.clean, { quantity: 2 });
    const c2 = await serve(o2.id, { actualMinutes: 120 });
    expect(c2).toMatchObject({ freeMinutes: 60, freeFen: 4000, residentFen: 4000 });
    expect(await balances()).toEqual({ [codes.allowance]: 0, [codes.issued]: 0, [codes.expense]: 240, [codes.payable]: 240 });

    // Exhausted: the quote says so and the next order is charged in full; the ledger does not move.
    const q3 = await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}`);
    expect(q3).toMatchObject({ coverage: 'exhausted', allowanceLeftMinutes: 0, freeMinutes: 0, residentFen: 6000 });
    expect(q3.message).toContain('免费额度已用完');
    const o3 = await order('resident02', ids.care);
    const c3 = await serve(o3.id, { actualMinutes: 60 });
    expect(c3).toMatchObject({ ruleId: null, freeMinutes: 0, residentFen: 6000, totalFen: 6000 });
    expect(await balances()).toEqual({ [codes.allowance]: 0, [codes.issued]: 0, [codes.expense]: 240, [codes.payable]: 240 });

    // The 台账 per rule, provider and month agrees with the ledger.
    const report = await ok('xishan', 'GET', '/api/v1/convenience/manage/allowance-ledger?month=2026-11');
    expect(report.rows).toEqual([expect.objectContaining({ month: '2026-11', ruleId: ids.rule, providerName: '海宁市乐龄居家养老服务中心', orders: 2, people: 1, freeMinutes: 240, freeHours: 4, freeFen: 22000, residentFen: 4000 })]);
    expect(report.ledgerExpenseMinutes).toBe(240);
    expect((await ok('civil', 'GET', '/api/v1/convenience/manage/allowance-ledger?month=2026-11')).totals.freeMinutes).toBe(240);
    expect((await ok('dongshan', 'GET', '/api/v1/convenience/manage/allowance-ledger?month=2026-11')).rows).toEqual([]);
    const xlsx = await call('xishan', 'GET', '/api/v1/convenience/manage/allowance-ledger.xlsx?month=2026-11');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    // A new month, a new allowance.
    platform.setNow(bj('2026-12-01T08:00:00'));
    s.resident02 = await loginAs(app, 'resident02');
    const dec = await ok('resident02', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}`);
    expect(dec).toMatchObject({ month: '2026-12', coverage: 'covered', allowanceLeftMinutes: 240 });
    platform.setNow(bj('2026-11-30T15:00:00'));
    // The jump of a day let the sessions idle out: log in again.
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
  });

  it('two completions racing for the same allowance never give out more than the month holds', async () => {
    platform.setNow(bj('2026-12-02T09:00:00'));
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    const a = await order('resident02', ids.care, { quantity: 3, wantedAt: bj('2026-12-03T09:00:00').toISOString() });
    const b = await order('resident02', ids.care, { quantity: 3, wantedAt: bj('2026-12-03T14:00:00').toISOString() });
    for (const o of [a, b]) {
      await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${o.id}/accept`, {});
      await ok('provider01', 'POST', `/api/v1/convenience/provider/orders/${o.id}/start`, {});
    }
    const complete = (id: string) => call('provider01', 'POST', `/api/v1/convenience/provider/orders/${id}/complete`, { actualMinutes: 180 });
    const raced = await Promise.all([complete(a.id), complete(b.id)]);
    for (const r of raced) expect([200, 409]).toContain(r.statusCode);
    // A loser (PostgreSQL: the ledger refused the overdraft) is simply retried.
    for (const [i, r] of raced.entries()) if (r.statusCode === 409) expect((await complete([a.id, b.id][i]!)).statusCode).toBe(200);
    const rows = await db().selectFrom('convenience_order').select(['free_minutes', 'resident_fen', 'status']).where('id', 'in', [a.id, b.id]).execute();
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(rows.map((r) => r.free_minutes).sort((x, y) => x - y)).toEqual([60, 180]);
    const code = accountCodes.allowance(ids.rule, sx.reg.people.wang, '2026-12');
    expect((await ledger.balanceOf(db(), code)).balance).toBe(0);
    platform.setNow(bj('2026-11-30T15:30:00'));
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
  });

  it('privacy: another resident, another provider and another community see nothing', async () => {
    const other = await call('resident02', 'GET', `/api/v1/me/convenience/orders/${ids.o1}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toBe('订单不存在');
    expect((await call('resident02', 'GET', `/api/v1/me/convenience/orders/${ids.o1}?lang=en`)).json().error.message).toBe('No such order');
    expect((await call('resident02', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/complaint`, { content: '我也要投诉这个订单' })).statusCode).toBe(404);
    expect((await ok('resident02', 'GET', '/api/v1/me/convenience/orders')).items.every((o: { id: string }) => o.id !== ids.o1)).toBe(true);
    expect((await call('provider02', 'GET', `/api/v1/convenience/provider/orders/${ids.o1}`)).statusCode).toBe(404);
    expect((await call('provider02', 'POST', `/api/v1/convenience/provider/orders/${ids.o1}/accept`, {})).statusCode).toBe(404);
    expect((await ok('provider02', 'GET', '/api/v1/convenience/provider/orders')).items).toEqual([]);
    // provider03 has no provider at all.
    expect((await call('provider03', 'GET', '/api/v1/convenience/provider/orders')).statusCode).toBe(404);
    expect((await call('dongshan', 'GET', `/api/v1/convenience/manage/orders/${ids.o1}`)).statusCode).toBe(404);
    expect((await ok('dongshan', 'GET', '/api/v1/convenience/manage/orders')).items).toEqual([]);
    const staff = await ok('xishan', 'GET', '/api/v1/convenience/manage/orders');
    expect(staff.total).toBeGreaterThanOrEqual(6);
    expect((await ok('xishan', 'GET', `/api/v1/convenience/manage/orders/${ids.o1}`)).residentName).toBe('朱志强');
    const denied = await db().selectFrom('audit_log').select(['actor_name']).where('action', '=', 'services.convenience.order.read').where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.actor_name)).toEqual(expect.arrayContaining(['resident02', 'provider02']));
  });

  it('bad order input answers 400 with messages in zh and en', async () => {
    const none = await call('resident01', 'POST', '/api/v1/me/convenience/orders', { offeringId: ids.care, wantedAt: WANTED });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0]).toMatchObject({ field: 'body.address', code: 'CONVENIENCE_ADDRESS_REQUIRED', message: '请填写服务地址，或选择使用登记的住址' });
    const en = await call('resident01', 'POST', '/api/v1/me/convenience/orders?lang=en', { offeringId: ids.care, wantedAt: WANTED });
    expect(en.json().error.details[0].message).toBe('Type the address, or choose your registered address');
    const past = await call('resident01', 'POST', '/api/v1/me/convenience/orders', { offeringId: ids.care, wantedAt: bj('2026-11-01T09:00:00').toISOString(), useRegistryAddress: true });
    expect(past.json().error).toMatchObject({ code: 'CONVENIENCE_WANTED_TIME', message: '预约服务时间须在当前时间之后的60天内' });
    const badDate = await call('resident01', 'POST', '/api/v1/me/convenience/orders', { offeringId: ids.care, wantedAt: '明天上午', useRegistryAddress: true });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.details[0].field).toBe('body.wantedAt');
    // volunteer01 has no registry dwelling linked: the registry address cannot be used.
    const noHome = await call('volunteer01', 'POST', '/api/v1/me/convenience/orders', { offeringId: ids.care, wantedAt: WANTED, useRegistryAddress: true });
    expect(noHome.json().error.code).toBe('CONVENIENCE_NO_REGISTRY_ADDRESS');
    expect((await call('resident01', 'POST', '/api/v1/me/convenience/orders', { offeringId: 'nope', wantedAt: WANTED, useRegistryAddress: true })).statusCode).toBe(404);
    // 西山社区's offering does not serve a resident of 东山社区.
    const far = await call('dongres', 'POST', '/api/v1/me/convenience/orders', { offeringId: ids.care, wantedAt: WANTED, address: '东山社区某小区1幢101室' });
    expect(far.json().error).toMatchObject({ code: 'CONVENIENCE_NOT_SERVED', message: '该服务项目不覆盖您所在的社区' });
  });

  it('a complaint is filed, accepted, answered by the provider and closed as upheld; staff may then suspend the provider', async () => {
    const filed = await call('resident01', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/complaint`, { content: '护理员迟到四十分钟，也没有提前打电话。' });
    expect(filed.statusCode).toBe(201);
    const complaint = filed.json().complaint;
    expect(complaint).toMatchObject({ status: 'submitted', statusLabel: '待受理', orderCode: expect.stringMatching(/^BM/) });
    expect(filed.json().actions).not.toContain('complain');
    expect((await call('resident01', 'POST', `/api/v1/me/convenience/orders/${ids.o1}/complaint`, { content: '再投诉一次试试看' })).json().error.code).toBe('CONVENIENCE_COMPLAINT_EXISTS');
    expect(await inbox('xishan')).toContain('便民服务投诉待受理');
    expect((await call('dongshan', 'POST', `/api/v1/convenience/manage/complaints/${complaint.id}/accept`, {})).statusCode).toBe(404);

    await ok('xishan', 'POST', `/api/v1/convenience/manage/complaints/${complaint.id}/accept`, {});
    expect(await inbox('provider01')).toContain('您有一条投诉待答复');
    expect(await inbox('resident01')).toContain('投诉已受理');
    expect((await call('provider02', 'POST', `/api/v1/convenience/provider/complaints/${complaint.id}/reply`, { reply: '不是我们' })).statusCode).toBe(404);
    const replied = await ok('provider01', 'POST', `/api/v1/convenience/provider/complaints/${complaint.id}/reply`, { reply: '当天交通拥堵，已对护理员批评教育并向老人致歉。' });
    expect(replied.providerReply).toContain('致歉');
    const closed = await ok('xishan', 'POST', `/api/v1/convenience/manage/complaints/${complaint.id}/close`, { result: '经核实迟到属实，责令服务商整改并扣减当月考核分。', upheld: true });
    expect(closed).toMatchObject({ status: 'closed', statusLabel: '已办结', upheld: true });
    expect(await inbox('resident01')).toContain('处理结果：经核实迟到属实');
    const detail = await ok('resident01', 'GET', `/api/v1/me/convenience/orders/${ids.o1}`);
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['complaint', 'complaint.accepted', 'complaint.replied', 'complaint.closed']));
    expect((await call('xishan', 'POST', `/api/v1/convenience/manage/complaints/${complaint.id}/close`, { result: '再次办结', upheld: false })).statusCode).toBe(409);

    const p = await ok('xishan', 'GET', `/api/v1/convenience/manage/providers/${ids.p1}`);
    expect(p.complaintsUpheld).toBe(1);
    const suspended = await ok('xishan', 'POST', `/api/v1/convenience/manage/providers/${ids.p1}/review`, { action: 'suspend', reason: '投诉属实，暂停接单整改一个月' });
    expect(suspended.status).toBe('suspended');
    expect(await inbox('provider01')).toContain('服务已被暂停');
    expect((await ok(null as never, 'GET', '/api/v1/convenience/providers')).items.map((x: { id: string }) => x.id)).not.toContain(ids.p1);
    expect((await call('resident01', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}`)).statusCode).toBe(404);
    await ok('xishan', 'POST', `/api/v1/convenience/manage/providers/${ids.p1}/review`, { action: 'reinstate' });
    expect((await call('resident01', 'GET', `/api/v1/me/convenience/quote?offeringId=${ids.care}`)).statusCode).toBe(200);
  });
});
