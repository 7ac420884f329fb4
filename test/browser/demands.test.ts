import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loginAs } from '../helpers/http.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 全响应 in Chromium: two suggestions by resident01 show up in grid01's console list (with the
 * counts per kind and the stats table by grid), and in the resident's own 我的诉求 in elderly mode.
 */
describe('demands pages', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    // Links resident01 to a person with a home in grid01 (a suggestion needs one).
    const reg = await seedRegistryFixture(server.platform.ctx, server.fixture.nodes);
    await server.platform.ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    const resident = await loginAs(server.app, 'resident01');
    for (const [title, content] of [
      ['楼道灯不亮', '二单元三楼楼道灯坏了一周，老人晚上上下楼不方便。'],
      ['健身器材松动', '小区中心花园的单杠底座松动，孩子玩耍有危险。'],
    ]) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/me/suggestions', payload: { category: '公共设施', title, content, public: true, anonymous: false }, headers: resident.headers });
      expect(res.statusCode, res.body).toBe(201);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the grid’s demands with counts and the stats table in the console', async () => {
    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'grid01');
    await page.getByTestId('side-menu').getByText('全响应诉求', { exact: true }).click();
    await page.getByTestId('demands-page').waitFor();
    await page.getByText('楼道灯不亮').waitFor();
    await page.getByText('健身器材松动').waitFor();
    await page.getByTestId('demands-page').locator('.ant-tag').getByText('待答复', { exact: true }).first().waitFor();
    expect(await page.getByTestId('demands-count-suggestion').textContent()).toBe('意见建议 2');
    const stats = page.getByTestId('demands-stats');
    await stats.getByText('合计').waitFor();
    await page.getByText('按责任单位').click();
    await stats.getByText('社区居委会').waitFor();
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('shows the resident their own demands from 我的, in elderly mode', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(page, server.url, 'resident01', '居民 朱志强');
    await page.goto(`${server.url}/m/me`);
    await page.getByTestId('me-demands-link').click();
    await page.getByTestId('my-demands').waitFor();
    await expect.poll(() => page.getByTestId('my-demand').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    const texts = await page.locator('[data-testid="my-demand"] strong, [data-testid="my-demand"] .r-muted').evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(texts.length).toBe(4);
    for (const size of texts) expect(size).toBeGreaterThanOrEqual(18);
    const box = await page.getByTestId('my-demand').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });
});
