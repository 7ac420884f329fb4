import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { hoursOn, isOpenAt } from './merchants.hours.js';
import { bj, createAccounts } from './s2.testkit.js';

const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7];

describe('opening hours', () => {
  const late = { periods: [{ days: [1, 2, 3, 4, 5], open: '17:00', close: '02:00' }] };
  it('runs a period past midnight into the next day, including Sunday night into Monday', () => {
    expect(isOpenAt(late, bj('2026-11-30T21:30:00'))).toBe(true); // Monday evening
    expect(isOpenAt(late, bj('2026-12-01T01:59:00'))).toBe(true); // Monday's night, Tuesday 01:59
    expect(isOpenAt(late, bj('2026-12-01T02:00:00'))).toBe(false);
    expect(isOpenAt(late, bj('2026-12-05T01:00:00'))).toBe(true); // Friday's night, Saturday 01:00
    expect(isOpenAt(late, bj('2026-12-06T01:00:00'))).toBe(false); // Saturday has no evening
    const sunday = { periods: [{ days: [7], open: '22:00', close: '02:00' }] };
    expect(isOpenAt(sunday, bj('2026-11-30T01:00:00'))).toBe(true); // Monday 01:00
  });
  it('writes today as a notice board does', () => {
    const split = { periods: [{ days: ALL_WEEK, open: '16:30', close: '21:00' }, { days: ALL_WEEK, open: '07:00', close: '11:00' }] };
    expect(hoursOn(split, bj('2026-11-30T12:00:00'))).toBe('07:00–11:00、16:30–21:00');
    expect(hoursOn({ periods: [{ days: ALL_WEEK, open: '00:00', close: '24:00' }] }, bj('2026-11-30T12:00:00'))).toBe('24小时营业');
    expect(hoursOn(late, bj('2026-11-30T12:00:00'))).toBe('17:00–02:00（次日）');
    expect(hoursOn(late, bj('2026-12-05T12:00:00'))).toBe('今日休息');
  });
});

describe(`merchants directory (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};
  const ids: Record<string, string> = {};

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? s[who]!.headers : {} });

  beforeAll(async () => {
    // Monday 30 November 2026, 21:30.
    platform = await createTestPlatform({ start: bj('2026-11-30T21:30:00') });
    fx = await seedFixture(platform.ctx);
    await createAccounts(platform.ctx, [{ username: 'dongstaff', displayName: '东山社区 陆敏', role: 'community_staff', nodeId: fx.nodes.dongshan.id }]);
    app = await createTestApp(platform);
    for (const u of ['xishan', 'resident01', 'dongstaff']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('only community staff keep the directory', async () => {
    const body = { orgNodeId: fx.nodes.xishan.id, name: '测试商户', category: 'food', address: '西山路1号', openingHours: { periods: [] } };
    expect((await call(null, 'POST', '/api/v1/merchants', body)).statusCode).toBe(401);
    expect((await call('resident01', 'POST', '/api/v1/merchants', body)).statusCode).toBe(403);
    expect((await call('dongstaff', 'POST', '/api/v1/merchants', body)).statusCode).toBe(403);
  });

  it('staff list merchants with hours and offers; bad input is a 400 in Chinese and English', async () => {
    const add = async (key: string, body: Record<string, unknown>) => {
      const res = await call('xishan', 'POST', '/api/v1/merchants', { orgNodeId: fx.nodes.xishan.id, ...body });
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
      return res.json();
    };
    const wonton = await add('wonton', { name: '张记馄饨', category: 'food', address: '西山路118号', phone: '0573-87012345', openingHours: { periods: [{ days: ALL_WEEK, open: '06:00', close: '13:00' }], note: '春节休息' } });
    expect(wonton).toMatchObject({ categoryName: '餐饮美食', openNow: false, todayHours: '06:00–13:00', phone: '0573-87012345', orgNodeName: '西山社区', offers: [] });
    await add('bbq', { name: '老街夜宵烧烤', category: 'food', address: '水月亭西路36号', phone: '138 5733 1234', openingHours: { periods: [{ days: ALL_WEEK, open: '17:00', close: '02:00' }] }, description: '烧烤、炒粉干' });
    await add('shop', { name: '邻家便利店（紫微苑店）', category: 'grocery', address: '紫微苑南门', openingHours: { periods: [{ days: ALL_WEEK, open: '00:00', close: '24:00' }] } });
    await add('pharmacy', { name: '康宁大药房西山店', category: 'pharmacy', address: '文苑路52号', phone: '400-800-1234', openingHours: { periods: [{ days: [1, 2, 3, 4, 5], open: '08:00', close: '20:00' }, { days: [6, 7], open: '09:00', close: '18:00' }] } });
    await add('closed', { name: '已歇业的干洗店', category: 'laundry', address: '工人路9号', openingHours: { periods: [{ days: ALL_WEEK, open: '08:00', close: '18:00' }] } });

    const bad = await call('xishan', 'POST', '/api/v1/merchants', { orgNodeId: fx.nodes.xishan.id, name: '坏', category: 'casino', address: '西山路', phone: '12345', openingHours: { periods: [{ days: [1, 1], open: '09:00', close: '09:00' }] } });
    expect(bad.statusCode).toBe(400);
    const details = bad.json().error.details as { field: string; code: string; message: string }[];
    expect(details.map((d) => d.field)).toEqual(expect.arrayContaining(['body.name', 'body.category', 'body.phone', 'body.openingHours.periods.0']));
    expect(details.find((d) => d.field === 'body.phone')).toMatchObject({ code: 'MERCHANT_PHONE_INVALID', message: '电话格式有误：手机号、带区号的固话（0573-87012345）或 400 电话' });
    expect(details.find((d) => d.field === 'body.openingHours.periods.0')?.code).toBe('MERCHANT_HOURS_INVALID');
    const en = await call('xishan', 'POST', '/api/v1/merchants?lang=en', { orgNodeId: fx.nodes.xishan.id, name: '好店', category: 'food', address: '西山路', phone: '12345', openingHours: { periods: [] } });
    expect(en.json().error.details[0].message).toBe('Bad phone number: a mobile, a landline with area code (0573-87012345) or a 400 number');

    const offer = await call('xishan', 'POST', `/api/v1/merchants/${ids.bbq}/offers`, { title: '社区居民九折', description: '出示邻里App居民页面', startsOn: '2026-11-01', endsOn: '2026-12-31' });
    expect(offer.statusCode).toBe(201);
    expect(offer.json()).toMatchObject({ current: true, active: true });
    const old = await call('xishan', 'POST', `/api/v1/merchants/${ids.bbq}/offers`, { title: '国庆套餐', startsOn: '2026-10-01', endsOn: '2026-10-07' });
    expect(old.json().current).toBe(false);
    const backwards = await call('xishan', 'POST', `/api/v1/merchants/${ids.bbq}/offers`, { title: '倒着的优惠', startsOn: '2026-12-31', endsOn: '2026-12-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details[0]).toMatchObject({ field: 'body.endsOn', code: 'MERCHANT_OFFER_DATES', message: '优惠结束日期不能早于开始日期' });

    const stale = await call('xishan', 'PATCH', `/api/v1/merchants/${ids.closed}`, { expectedVersion: 1, active: false });
    expect(stale.json()).toMatchObject({ active: false, version: 2 });
    const again = await call('xishan', 'PATCH', `/api/v1/merchants/${ids.closed}`, { expectedVersion: 1, name: '干洗店' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('商户信息已被他人修改，请刷新后重试');
    expect((await call('dongstaff', 'PATCH', `/api/v1/merchants/${ids.wonton}`, { expectedVersion: 1, name: '李记馄饨' })).statusCode).toBe(404);
    expect(await countAudit(platform.ctx.db, 'services.merchant.create')).toBe(5);
  });

  it('anyone reads the directory by category, words and "open now", with running offers only', async () => {
    const all = await call(null, 'GET', `/api/v1/merchants?orgNodeId=${fx.nodes.xishan.id}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBe(4);
    expect(all.json().items.map((m: { name: string }) => m.name)).not.toContain('已歇业的干洗店');

    const food = await call(null, 'GET', '/api/v1/merchants?category=food');
    expect(food.json().items.map((m: { name: string }) => m.name).sort()).toEqual(['张记馄饨', '老街夜宵烧烤']);
    const open = await call(null, 'GET', '/api/v1/merchants?openNow=true');
    expect(open.json().items.map((m: { name: string }) => m.name).sort()).toEqual(['老街夜宵烧烤', '邻家便利店（紫微苑店）']);
    const bbq = open.json().items.find((m: { name: string }) => m.name === '老街夜宵烧烤');
    expect(bbq).toMatchObject({ openNow: true, todayHours: '17:00–02:00（次日）', phone: '13857331234', offers: [{ title: '社区居民九折', current: true }] });
    expect(bbq.offers).toHaveLength(1);

    expect((await call(null, 'GET', `/api/v1/merchants?q=${encodeURIComponent('馄饨')}`)).json().items.map((m: { name: string }) => m.name)).toEqual(['张记馄饨']);
    expect((await call(null, 'GET', `/api/v1/merchants?q=${encodeURIComponent('炒粉')}`)).json().total).toBe(1);
    // LIKE wildcards typed by a user are literal characters.
    expect((await call(null, 'GET', `/api/v1/merchants?q=${encodeURIComponent('%')}`)).json().total).toBe(0);
    expect((await call(null, 'GET', `/api/v1/merchants?orgNodeId=${fx.nodes.dongshan.id}`)).json().total).toBe(0);

    const cats = await call(null, 'GET', `/api/v1/merchants/categories?orgNodeId=${fx.nodes.xishan.id}`);
    const counts = Object.fromEntries(cats.json().items.map((c: { code: string; count: number }) => [c.code, c.count]));
    expect(counts).toMatchObject({ food: 2, grocery: 1, pharmacy: 1, laundry: 0, beauty: 0 });
    expect(cats.json().items[0]).toMatchObject({ code: 'food', name: '餐饮美食', nameEn: 'Food and drink' });

    const one = await call(null, 'GET', `/api/v1/merchants/${ids.pharmacy}`);
    expect(one.json()).toMatchObject({ name: '康宁大药房西山店', openNow: false, todayHours: '08:00–20:00', phone: '400-800-1234' });
    expect((await call(null, 'GET', `/api/v1/merchants/${ids.closed}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/v1/merchants?category=casino')).statusCode).toBe(400);
  });

  it('staff see inactive merchants and past offers; the public may not ask for them', async () => {
    expect((await call(null, 'GET', '/api/v1/merchants?includeInactive=true')).statusCode).toBe(401);
    expect((await call('resident01', 'GET', '/api/v1/merchants?includeInactive=true')).statusCode).toBe(403);
    const staff = await call('xishan', 'GET', '/api/v1/merchants?includeInactive=true');
    expect(staff.json().total).toBe(5);
    const bbq = (await call('xishan', 'GET', `/api/v1/merchants/${ids.bbq}`)).json();
    expect(bbq.offers.map((o: { title: string; current: boolean }) => `${o.title}:${o.current}`).sort()).toEqual(['国庆套餐:false', '社区居民九折:true']);
    expect((await call('dongstaff', 'GET', '/api/v1/merchants?includeInactive=true')).json().total).toBe(0);
    // Withdrawing an offer takes it off the public page.
    const offerId = bbq.offers.find((o: { title: string }) => o.title === '社区居民九折').id;
    expect((await call('xishan', 'PATCH', `/api/v1/merchants/${ids.bbq}/offers/${offerId}`, { active: false })).json()).toMatchObject({ active: false, current: false });
    expect((await call(null, 'GET', `/api/v1/merchants/${ids.bbq}`)).json().offers).toEqual([]);
  });

  it('documents every endpoint in the OpenAPI description', async () => {
    const paths = Object.keys((await call(null, 'GET', '/api/openapi.json')).json().paths);
    for (const p of ['/api/v1/merchants', '/api/v1/merchants/categories', '/api/v1/merchants/{id}', '/api/v1/merchants/{id}/offers', '/api/v1/merchants/{id}/offers/{offerId}']) {
      expect(paths).toContain(p);
    }
  });
});
