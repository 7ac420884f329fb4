import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ingestOpinion } from '../../src/modules/community/opinion.service.js';
import { registerOpinionSource, unregisterOpinionSource } from '../../src/modules/community/opinion.sources.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, startServer, type TestServer } from './harness.js';

/*
 * 舆情监测 in Chromium: a week of residents' words is ingested; community staff open the
 * dashboard from the menu and see 电梯 on top of the bar chart, its weekly line, the grid table,
 * and an urgent alert they acknowledge.
 */

const TEXTS = [
  '3幢电梯又坏了，已经停了三天，希望物业尽快修好电梯。',
  '5幢电梯经常停在半层，门打不开，老人上下楼很不方便。',
  '电梯运行的时候异响抖动，孩子和老人都不敢坐。',
  '楼上卫生间漏水，天花板已经发霉了。',
  '厨房水管漏水，楼下邻居投诉了好几次。',
  '晚上停车位不够，很多车乱停。',
  '隔壁夫妻经常吵架，昨晚听到打骂声，担心有家暴。',
];

describe('opinion dashboard 舆情监测', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const at = new Date(ctx.now().getTime() - 10 * 60_000).toISOString();
    const grid01 = server.fixture.nodes.grid01.id;
    const items = TEXTS.map((text, i) => ({ id: `browser${String(i).padStart(9, '0')}`, orgNodeId: grid01, at, text }));
    registerOpinionSource({ name: 'browser', label: '测试文本', since: async (_db, w, limit) => items.filter((x) => !w || x.id > w.id).slice(0, limit) });
    await ingestOpinion(ctx);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    unregisterOpinionSource('browser');
    await browser?.close();
    await server?.close();
  });

  it('shows the week’s top terms, a term by week, the grids, and lets staff acknowledge an alert', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'xishan');
    await page.getByTestId('side-menu').getByText('舆情监测', { exact: true }).click();
    const top = page.getByTestId('opinion-top-chart');
    await top.locator('canvas').waitFor();
    const categories = (await top.getAttribute('data-categories'))!.split(',');
    const values = (await top.getAttribute('data-values'))!.split(',').map(Number);
    expect(categories.slice(0, 2)).toEqual(['电梯', '漏水']);
    expect(values.slice(0, 2)).toEqual([3, 2]);
    await page.locator('[data-testid="opinion-series-chart"]').locator('canvas').waitFor();
    expect(await page.getByTestId('opinion-series-chart').getAttribute('data-values')).toMatch(/,3$/);
    await page.getByTestId('opinion-grids').getByText('西山社区第一网格').waitFor();

    await page.getByRole('tab', { name: /预警/ }).first().click();
    const alerts = page.getByTestId('opinion-alerts');
    await alerts.getByText('家暴', { exact: true }).waitFor();
    await alerts.getByText('紧急').waitFor();
    await alerts.getByRole('button', { name: /处\s*理/ }).click(); // antd spaces out a two-character label
    await page.getByPlaceholder('处理情况（可选），如：已上门核实').fill('已上门了解，已联系妇联');
    await page.locator('.ant-modal').getByRole('button', { name: /处\s*理/ }).click();
    await alerts.getByText('暂无预警').waitFor();
    const row = await server.platform.ctx.db.kysely.selectFrom('opinion_alert').select(['status', 'note']).where('word', '=', '家暴').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'acknowledged', note: '已上门了解，已联系妇联' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
