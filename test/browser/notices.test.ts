import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 通知公告 in Chromium: community staff write and publish a notice in the console; a resident
 * whose home page is already open sees it arrive without reloading (the live notification
 * stream), opens it, and the staff's read receipts count them.
 */

const TITLE = '12月3日西山路沿线计划停水';
const BODY = '因管网改造，12月3日8:00-16:00 停水，请提前储水。\n行动不便的居民请联系网格员送水。';

describe('notices arrive live on an open page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const reg = await seedRegistryFixture(server.platform.ctx, server.fixture.nodes);
    // resident01's account is 朱志强's registry record, living in 西山社区第一网格.
    await server.platform.ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('staff publish; the resident page shows it without a reload; opening it is the receipt', async () => {
    const resident = await openSession(browser, PHONE);
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    // The home page, open and left alone; a marker tells whether it was ever reloaded.
    await resident.page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await resident.page.getByText('暂无通知').waitFor();

    const staff = await openSession(browser, DESKTOP);
    await consoleLoginAs(staff.page, server.url, 'xishan');
    await staff.page.getByTestId('side-menu').getByText('通知公告', { exact: true }).click();
    await staff.page.getByTestId('notice-new').click();
    await staff.page.getByTestId('notice-title').fill(TITLE);
    await staff.page.getByTestId('notice-body').fill(BODY);
    // The audience defaults to the publishing community: all four of its registered people.
    await staff.page.getByTestId('notice-preview').getByText('预计送达 4 人，其中 1 人有账号').waitFor();
    await staff.page.getByTestId('notice-publish-now').click();
    await staff.page.getByTestId('notice-receipts').waitFor();

    // The resident's page hears of it and lists it, with no navigation.
    await resident.page.getByTestId('live-arrival').getByText(`新消息：【通知】${TITLE}`).waitFor();
    const item = resident.page.getByTestId('notice-item').filter({ hasText: TITLE });
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('0');
    expect(await resident.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

    await item.click();
    const detail = resident.page.getByTestId('notice-detail');
    await detail.getByText('行动不便的居民请联系网格员送水。').waitFor();
    expect(await detail.innerText()).toContain('发布：西山社区');

    // The staff's drawer, reopened: one read of four reached, three left for the grid workers.
    await staff.page.reload();
    await staff.page.getByTestId('receipts-read').getByText('1', { exact: true }).waitFor();
    const receipts = await staff.page.getByTestId('notice-receipts').innerText();
    expect(receipts).toMatch(/送达\s*4/);
    expect(receipts).toMatch(/未读未告知\s*3/);
    const row = await server.platform.ctx.db.kysely.selectFrom('notice').select(['status', 'recipient_count']).where('title', '=', TITLE).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'published', recipient_count: 4 });
    expect(resident.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    expect(staff.errors).toEqual([]);
    await resident.context.close();
    await staff.context.close();
  });
});
