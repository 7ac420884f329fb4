import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import * as surveys from '../../src/modules/community/surveys.service.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 民意调查 in Chromium: staff have a survey's results open in the console; a resident answers it
 * on a phone-sized page; the staff's count and chart update without a reload (the topic stream
 * GET /api/v1/live/topics?topic=survey:<id>), and the resident sees the public results.
 */

const TITLE = '社区环境满意度调查';

describe('survey results update live', () => {
  let server: TestServer;
  let browser: Browser;
  let surveyId: string;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', server.fixture.users.volunteer01!).execute();
    const xishan = (await loadActor(ctx.db.kysely, server.fixture.users.xishan!))!;
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const now = ctx.now().getTime();
    const draft = await surveys.createSurvey(
      ctx,
      xishan,
      {
        orgNodeId: server.fixture.nodes.xishan.id,
        title: TITLE,
        description: '请花一分钟告诉我们您的看法。',
        questions: [
          { kind: 'single', title: '您对小区环境卫生满意吗', required: true, options: ['满意', '一般', '不满意'] },
          { kind: 'rating', title: '给网格员打分', required: true },
          { kind: 'text', title: '其他建议', required: false, maxLength: 200 },
        ],
        audience: { nodeIds: [server.fixture.nodes.xishan.id], tags: [], tagMode: 'any' },
        anonymous: false,
        resultsPublic: true,
        opensAt: new Date(now - 3_600_000).toISOString(),
        closesAt: new Date(now + 7 * 86_400_000).toISOString(),
      },
      meta,
    );
    surveyId = (await surveys.publishSurvey(ctx, xishan, draft.id, { expectedVersion: draft.version }, meta)).id;
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident answers on a phone; the staff chart counts it without a reload', async () => {
    const staff = await openSession(browser, DESKTOP);
    await consoleLoginAs(staff.page, server.url, 'xishan');
    await staff.page.getByTestId('side-menu').getByText('民意调查', { exact: true }).click();
    await staff.page.getByRole('link', { name: TITLE }).or(staff.page.getByText(TITLE, { exact: true })).first().click();
    const responses = staff.page.getByTestId('survey-responses');
    await responses.locator('.ant-statistic-content-value').getByText('0', { exact: true }).waitFor();
    await staff.page.locator('[data-testid="survey-chart-q1"][data-values="0,0,0"]').locator('canvas').waitFor();
    await staff.page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    const resident = await openSession(browser, PHONE);
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    await resident.page.goto(`${server.url}/m/surveys`);
    await resident.page.getByTestId('survey-item').filter({ hasText: TITLE }).click();
    const form = resident.page.getByTestId('survey-form');
    await form.waitFor();
    // Required question left out: the server's message shows under it, nothing is stored.
    await form.getByText('满意', { exact: true }).click();
    await resident.page.getByTestId('survey-submit').click();
    await resident.page.getByTestId('survey-q-q2').getByText('第2题为必答题').waitFor();
    await resident.page.getByTestId('survey-q-q2').getByText('4', { exact: true }).click();
    await resident.page.getByTestId('survey-q-q3').locator('textarea').fill('希望多安排几次垃圾分类宣传');
    await resident.page.getByTestId('survey-submit').click();
    await resident.page.getByText('感谢您的参与！').waitFor();
    // Public results, after answering.
    await resident.page.getByTestId('survey-turnout').getByText('已有 1 人参与（25.0%）').waitFor();

    // The staff's open drawer counts it, with no navigation.
    await responses.locator('.ant-statistic-content-value').getByText('1', { exact: true }).waitFor();
    expect(await staff.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await staff.page.locator('[data-testid="survey-chart-q1"][data-values="1,0,0"]').waitFor();
    await staff.page.locator('[data-testid="survey-chart-q2"][data-values="0,0,0,1,0"]').waitFor();

    const stored = await server.platform.ctx.db.kysely.selectFrom('survey_participation').select('person_id').where('survey_id', '=', surveyId).execute();
    expect(stored).toHaveLength(1);
    expect(resident.errors.filter((e) => !/favicon|400 \(Bad Request\)/.test(e))).toEqual([]);
    expect(staff.errors).toEqual([]);
    await resident.context.close();
    await staff.context.close();
  });

  it('长辈模式 on the survey page: ≥ 18 px text, line height ≥ 1.3, 60 px choices', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');
    await page.goto(`${server.url}/m/surveys/${surveyId}`);
    await page.getByTestId('survey-form').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    const choices = await page.locator('[data-testid="survey-form"] .rev-check').evaluateAll((els) => els.map((e) => ({ what: e.textContent, ...(e.getBoundingClientRect().toJSON() as DOMRect) })));
    expect(choices.length).toBe(8); // 3 options + 5 ratings
    for (const c of choices) {
      expect(c.height, c.what ?? '').toBeGreaterThanOrEqual(60);
      expect(c.width, c.what ?? '').toBeGreaterThanOrEqual(60);
    }
    const texts = await page.locator('[data-testid="survey-detail"] p, [data-testid="survey-detail"] label, [data-testid="survey-detail"] legend').evaluateAll((els) =>
      els.map((e) => ({ what: e.textContent?.slice(0, 20), size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })),
    );
    expect(texts.length).toBeGreaterThan(0);
    for (const x of texts) {
      expect(x.size, x.what ?? '').toBeGreaterThanOrEqual(18);
      expect(x.line / x.size, x.what ?? '').toBeGreaterThanOrEqual(1.3);
    }
    const submit = await page.getByTestId('survey-submit').boundingBox();
    expect(submit!.height).toBeGreaterThanOrEqual(60);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });
});
