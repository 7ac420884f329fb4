import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { seedPartyFixture } from '../../src/modules/party/party.fixture.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 三会一课 in Chromium: the community party committee's secretary plans a 支部党员大会 in the
 * console and shows its rotating check-in code; a member opens the code's link on a phone-sized
 * page (in 长辈模式) and is checked in; the attendance appears in the console without a reload.
 */

/** `YYYY-MM-DDTHH:mm` in Beijing time, as a datetime-local field takes it (the browser runs in Asia/Shanghai). */
const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

describe('a meeting planned in the console, checked in on a phone with its QR link', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const reg = await seedRegistryFixture(server.platform.ctx, server.fixture.nodes);
    await seedPartyFixture(server.platform.ctx, server.fixture, reg);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plans, shows the code, and sees the member who scanned it', async () => {
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await consoleLoginAs(s, server.url, 'party');
    await s.getByTestId('side-menu').getByText('智慧党建', { exact: true }).click();
    await s.getByTestId('party-tab-meetings').click();
    await s.getByTestId('party-plan').click();
    // The first branch is chosen; the kind from the list the branch holds.
    await s.getByTestId('party-plan-kind').click();
    await s.locator('.ant-select-item-option').filter({ hasText: '支部党员大会' }).click();
    await s.getByTestId('party-plan-title').fill('12月支部党员大会');
    await s.getByTestId('party-plan-agenda').fill('1. 学习党的二十届四中全会精神；2. 民主评议党员');
    await s.getByTestId('party-plan-place').fill('西山社区党群服务中心二楼会议室');
    const starts = Date.now() + 10 * 60_000;
    await s.getByTestId('party-plan-starts').fill(local(starts));
    await s.getByTestId('party-plan-ends').fill(local(starts + 90 * 60_000));
    await s.getByTestId('party-plan-save').click();

    const drawer = s.getByTestId('party-meeting-drawer');
    await drawer.getByTestId('party-meeting-counts').getByText('应到 3，实到 0，请假 0，缺席 0').waitFor();
    await drawer.getByTestId('party-show-qr').click();
    const qr = drawer.getByTestId('party-qr');
    await qr.waitFor();
    const path = await qr.getAttribute('data-path');
    expect(path).toMatch(/^\/m\/party\/checkin\?t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await qr.locator('img').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);

    // A member on a phone, in 长辈模式, opens the code's link.
    const phone = await openSession(browser, PHONE);
    await phone.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(phone.page, server.url, 'resident01', '居民 朱志强');
    await phone.page.goto(`${server.url}${path}`);
    const result = phone.page.getByTestId('party-checkin-result');
    await result.getByText('签到成功').waitFor();
    await result.getByText('支部党员大会 · 12月支部党员大会').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    const sizes = await result.locator('p, h2').evaluateAll((els) => els.map((e) => ({ size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })));
    for (const x of sizes) {
      expect(x.size).toBeGreaterThanOrEqual(18);
      expect(x.line / x.size).toBeGreaterThanOrEqual(1.3);
    }
    expect((await result.getByTestId('party-checkin-back').boundingBox())!.height).toBeGreaterThanOrEqual(60);
    // Scanning again changes nothing, and says so.
    await phone.page.reload();
    await phone.page.getByTestId('party-checkin-result').getByText(/您已于 \d{2}:\d{2} 签到/).waitFor();
    // Their own page lists the meeting as checked in.
    await phone.page.getByTestId('party-checkin-back').click();
    await phone.page.getByTestId('party-my-meeting').filter({ hasText: '12月支部党员大会' }).getByTestId('party-my-attendance').getByText('已签到').waitFor();

    // The console follows the scan while the code is on screen.
    await drawer.getByTestId('party-attendance').locator('tr').filter({ hasText: '朱志强' }).getByText('已签到').waitFor({ timeout: 15_000 });
    await drawer.getByTestId('party-meeting-counts').getByText('应到 3，实到 1，请假 0，缺席 0').waitFor({ timeout: 15_000 });
    const row = await server.platform.ctx.db.kysely
      .selectFrom('party_meeting_attendance as a')
      .innerJoin('party_meeting as m', 'm.id', 'a.meeting_id')
      .select(['a.status', 'a.method'])
      .where('m.title', '=', '12月支部党员大会')
      .where('a.status', '=', 'present')
      .execute();
    expect(row).toEqual([{ status: 'present', method: 'qr' }]);
    expect(staff.errors).toEqual([]);
    expect(phone.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await phone.context.close();
    await staff.context.close();
  });
});
