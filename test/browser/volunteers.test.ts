import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import * as shop from '../../src/modules/volunteers/shop.service.js';
import * as points from '../../src/modules/volunteers/points.service.js';
import { loginAs } from '../helpers/http.js';
import { launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 志愿服务 in Chromium on a phone-sized page: 徐美玲 registers as a volunteer (the consent text
 * shown and agreed), finds an opportunity in the shop and signs up; at the place she scans the
 * check-in and check-out codes (the token links staff get from the API) and sees her hours. A
 * forged code is refused with the server's message. Then the same pages in 长辈模式.
 */

const TITLE = '护卫鹃湖：湖岸垃圾清理';
const MINUTE = 60_000;
const HOUR = 3_600_000;

describe('a volunteer signs up, checks in and out by QR, and sees the hours and points', () => {
  let server: TestServer;
  let browser: Browser;
  let opportunityId: string;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', server.fixture.users.volunteer01!).execute();
    const staff = (await loadActor(ctx.db.kysely, server.fixture.users.xishan!))!;
    const now = ctx.now().getTime();
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    // Another card first, so the volunteer has to find hers by category and search.
    await shop.createOpportunity(ctx, staff, { orgNodeId: server.fixture.nodes.xishan.id, category: '文明交通', title: '暴走文明路：早高峰文明劝导', description: '站前路口文明劝导。', place: '海宁火车站站前路口', startsAt: new Date(now + 26 * HOUR).toISOString(), endsAt: new Date(now + 28 * HOUR).toISOString(), signupDeadline: new Date(now + 25 * HOUR).toISOString(), quota: 10, skills: [], requiresApproval: false, publish: true }, meta);
    const o = await shop.createOpportunity(
      ctx,
      staff,
      { orgNodeId: server.fixture.nodes.xishan.id, category: '环境', title: TITLE, description: '沿湖岸清理白色垃圾，请穿防滑鞋。', place: '鹃湖公园东岸', startsAt: new Date(now + 2 * HOUR).toISOString(), endsAt: new Date(now + 3 * HOUR).toISOString(), signupDeadline: new Date(now + HOUR).toISOString(), quota: 3, skills: ['摄影'], requiresApproval: false, publish: true },
      meta,
    );
    opportunityId = o.id;
    // Points for service time, by a rule kept as data: 12 an hour, so 50 minutes earn 10.
    await points.createRule(ctx, staff, { orgNodeId: server.fixture.nodes.xishan.id, name: '志愿服务时长积分', sourceKind: 'volunteer.hours', pointsPerUnit: 12, maxPerAward: null, maxPerMonth: null, validFrom: null, validTo: null, description: '' }, meta);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The staff's current code for the place, as the console or the leader's phone shows it. */
  const codePath = async (action: 'in' | 'out') => {
    const staff = await loginAs(server.app, 'xishan');
    const res = await server.app.inject({ method: 'GET', url: `/api/v1/volunteer-opportunities/${opportunityId}/attendance-qr?action=${action}`, headers: { cookie: staff.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { path: string }).path;
  };

  it('registers, signs up in the shop, checks in and out with the QR links, and sees the hours and points', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');

    // 社区 → 志愿服务: not registered yet, so the registration form with the consent text.
    await page.goto(`${server.url}/m/community`);
    await page.getByTestId('community-volunteer-link').click();
    const form = page.getByTestId('volunteer-register');
    await form.waitFor();
    await expect(page.getByTestId('volunteer-consent').innerText()).resolves.toContain('志愿服务记录与证明出具办法');
    await form.getByText('急救', { exact: true }).click();
    await form.getByText('周末', { exact: true }).click();
    // Without ticking the consent: refused on the page.
    await page.getByTestId('volunteer-register-submit').click();
    await page.getByText('请先勾选同意知情同意书').waitFor();
    await page.getByTestId('volunteer-agree').check();
    await page.getByTestId('volunteer-register-submit').click();
    await page.getByTestId('volunteer-summary').waitFor();
    await expect(page.getByTestId('volunteer-number').innerText()).resolves.toMatch(/^ZY\d{4}-\d{6}$/);

    // The shop: filter by category, search, open the card, sign up.
    await page.getByTestId('volunteer-shop-link').click();
    await page.getByTestId('volunteer-shop').waitFor();
    expect(await page.getByTestId('volunteer-card').count()).toBe(2);
    await page.getByTestId('volunteer-category-环境').click();
    await page.locator('[data-testid="volunteer-card"]').first().waitFor();
    await expect.poll(() => page.getByTestId('volunteer-card').count()).toBe(1);
    await page.getByTestId('volunteer-search').fill('鹃湖');
    await page.getByTestId('volunteer-search').press('Enter');
    const card = page.locator(`[data-testid="volunteer-card"][data-title="${TITLE}"]`);
    await expect(card.innerText()).resolves.toContain('名额 3 · 剩余 3');
    await card.click();
    await page.getByTestId('volunteer-opportunity').waitFor();
    await expect(page.getByTestId('volunteer-share-link').innerText()).resolves.toBe(`${server.url}/m/volunteer/opportunities/${opportunityId}`);
    await page.getByTestId('volunteer-signup').click();
    await page.getByTestId('volunteer-my-signup').getByText('报名成功').first().waitFor();
    await expect(page.getByTestId('volunteer-places').innerText()).resolves.toContain('剩余 2');

    // The day of the activity: five minutes after the start (the sessions of the morning have lapsed).
    server.platform.advance(2 * HOUR + 5 * MINUTE);
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');
    // A forged code: the page shows the server's refusal.
    const real = await codePath('in');
    const token = new URL(real, server.url).searchParams.get('t')!;
    const [payload, mac] = token.split('.') as [string, string];
    const forged = `${Buffer.from(Buffer.from(payload, 'base64url').toString().replace(opportunityId, 'aaaaaaaaaaaaaaaa')).toString('base64url')}.${mac}`;
    await page.goto(`${server.url}/m/volunteer/checkin?t=${forged}`);
    await page.getByTestId('volunteer-checkin-error').getByText('二维码无效（签名校验未通过），请扫描现场工作人员出示的二维码').waitFor();
    await page.goto(`${server.url}${real}`);
    const checkedIn = page.getByTestId('volunteer-checkin-result');
    await checkedIn.waitFor();
    expect(await checkedIn.getAttribute('data-action')).toBe('in');
    await checkedIn.getByText('签到成功').waitFor();
    await expect(checkedIn.innerText()).resolves.toContain(TITLE);
    // Scanning the same code again changes nothing.
    await page.goto(`${server.url}${real}`);
    await page.getByTestId('volunteer-checkin-result').getByText(/已签到（.*），无需重复扫码/).waitFor();

    // 50 minutes of work, then the check-out code.
    server.platform.advance(50 * MINUTE);
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');
    await page.goto(`${server.url}${await codePath('out')}`);
    const out = page.getByTestId('volunteer-checkin-result');
    await out.getByText('签退成功，本次计 50 分钟').waitFor();
    await page.getByTestId('volunteer-checkin-to-hours').click();
    const hours = page.getByTestId('volunteer-hours');
    await hours.waitFor();
    await expect.poll(() => hours.getAttribute('data-minutes')).toBe('50');
    await expect(hours.innerText()).resolves.toBe('0.8 小时');
    await expect(page.getByTestId('volunteer-records').innerText()).resolves.toContain(TITLE);
    await expect(page.getByTestId('volunteer-records').innerText()).resolves.toContain('50 分钟');
    // The ledger agrees: one journal credited 50 minutes, with the record as its source.
    const journals = await server.platform.ctx.db.kysely.selectFrom('ledger_journal').select(['source_type', 'memo']).where('source_type', '=', 'volunteer.service').execute();
    expect(journals).toEqual([{ source_type: 'volunteer.service', memo: expect.stringContaining(TITLE) }]);
    // …and the points they earned, on the 积分兑换 page.
    await page.getByTestId('volunteer-rewards-link').click();
    await expect.poll(() => page.getByTestId('reward-points').getAttribute('data-points')).toBe('10');
    expect(errors.filter((e) => !/favicon/.test(e) && !/401|403|410/.test(e))).toEqual([]);
    await context.close();
  });

  it('长辈模式: the shop and an opportunity in large type with 60 px targets', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');
    await page.goto(`${server.url}/m/volunteer/shop`);
    await page.getByTestId('volunteer-shop').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    for (const el of await page.locator('.rvo-chip').all()) expect((await el.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    const texts = await page.locator('[data-testid="volunteer-card"] .rvo-line, [data-testid="volunteer-card"] .rvo-card-title').evaluateAll((els) => els.map((e) => ({ what: e.textContent?.slice(0, 12), size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })));
    expect(texts.length).toBeGreaterThan(4);
    for (const x of texts) {
      expect(x.size, x.what ?? '').toBeGreaterThanOrEqual(18);
      expect(x.line / x.size, x.what ?? '').toBeGreaterThanOrEqual(1.3);
    }
    await page.locator('[data-testid="volunteer-card"]').filter({ hasText: '暴走文明路' }).click();
    await page.getByTestId('volunteer-signup').waitFor();
    expect((await page.getByTestId('volunteer-signup').boundingBox())!.height).toBeGreaterThanOrEqual(60);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });
});
