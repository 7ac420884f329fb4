import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loginAs } from '../helpers/http.js';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { seedFixture, type Fixture } from '../helpers/fixture.js';
import { buildApp, type LinliApp } from '../../src/platform/http/app.js';
import { modules } from '../../src/modules/index.js';
import { createWindow } from '../../src/modules/services/appointments.service.js';
import { loadActor } from '../../src/modules/services/s2.testkit.js';
import { assertBuilt, chooseOption, DESKTOP, launchBrowser, openSession, PASSWORD, PHONE, WEB_DIR } from './harness.js';

/*
 * The service hall's other pages in Chromium (UI-B), one server for the file, the tests in order:
 * 1. a resident on a phone books a slot and sees the check-in QR code; staff open the QR's link in
 *    the console, log in, and the page checks the person in (已签到);
 * 2. a resident orders a convenience service; provider01 accepts, starts and completes it on the
 *    provider page (/m/provider); the resident confirms and rates it;
 * 3. a resident in 长辈模式 asks a legal question; staff assign it from a queue that shows no content;
 *    the professional answers; the resident closes and rates it;
 * 4. the 办事指南 editor shows a version's errors field by field, then saves and publishes version 2;
 * 5. staff read the day list, add a shop with its hours and an offer, see the convenience console;
 *    an anonymous resident finds the shop.
 * The server's clock is fixed on a working Wednesday morning, so there are slots to book and check in to.
 */

/** 2026-12-02 is a Wednesday and a working day; 09:10 Beijing time. */
const NOW = new Date('2026-12-02T09:10:00+08:00');

async function residentLogin(page: Page, url: string) {
  await page.goto(`${url}/m/login`);
  await page.locator('#login-username').fill('resident01');
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByText('您好，居民 朱志强').waitFor();
}

describe('service hall pages (appointments, convenience, consultations, guide editor, shops) in Chromium', () => {
  let platform: TestPlatform;
  let fixture: Fixture;
  let app: LinliApp;
  let url: string;
  let browser: Browser;
  let windowId: string;

  beforeAll(async () => {
    assertBuilt();
    platform = await createTestPlatform({ start: NOW });
    fixture = await seedFixture(platform.ctx);
    const xishan = await loadActor(platform.ctx.db.kysely, fixture.users.xishan!);
    const w = await createWindow(
      platform.ctx,
      xishan,
      {
        orgNodeId: fixture.nodes.xishan.id,
        code: 'SB',
        name: '社保医保窗口',
        location: '西山社区党群服务中心一楼 1号窗口',
        matters: [],
        officeHours: '08:30-12:00,13:30-17:30',
        slotMinutes: 30,
        capacity: 2,
        bookAheadDays: 14,
      },
      {},
    );
    windowId = w.id;
    app = await buildApp(platform.ctx, modules, { webDir: WEB_DIR, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await platform?.close();
  });

  it('a resident books a slot and sees the QR code; staff scan it and see 已签到', async () => {
    // ---- the resident books on a phone, coming from a matter's page (?matter=)
    const resident = await openSession(browser, PHONE);
    const r = resident.page;
    await residentLogin(r, url);
    await r.goto(`${url}/m/services/appointments?matter=yibao-canbao`);
    await r.getByTestId('appointment-matter').getByText('城乡居民基本医疗保险').waitFor();
    // The only window is chosen already; the first day with free slots is today (server time).
    await r.getByTestId('appointment-window').getByText('社保医保窗口').waitFor();
    const today = r.locator('[data-testid="appointment-day"][data-date="2026-12-02"]');
    await today.waitFor();
    expect(await today.getAttribute('aria-pressed')).toBe('true');
    // Slots that have started are not offered; 10:00 has both seats.
    expect(await r.locator('[data-testid="appointment-slot"][data-time="09:00"]').count()).toBe(0);
    const slot = r.locator('[data-testid="appointment-slot"][data-time="10:00"]');
    await slot.getByText('余 2 个').waitFor();
    await slot.click();
    await r.getByTestId('appointment-chosen').getByText('12月2日 周三 10:00–10:30').waitFor();
    await r.getByTestId('appointment-book').click();

    await r.getByTestId('appointment-detail').waitFor();
    await r.getByText(/预约成功，预约号 YY20261202-\d{4}/).waitFor();
    await r.getByTestId('appointment-status').getByText('已预约').waitFor();
    const code = (await r.getByTestId('appointment-code').textContent())!.trim();
    expect(code).toMatch(/^YY20261202-\d{4}$/);
    // The QR code is drawn by the server and shown on the page.
    const qr = r.getByTestId('appointment-qr-image');
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The server holds one booking in that slot, and its check-in link for the holder.
    const residentApi = await loginAs(app, 'resident01');
    const mine = await app.inject({ method: 'GET', url: '/api/v1/me/appointments', headers: residentApi.headers });
    const booking = (mine.json() as { items: { id: string; code: string; status: string; holderName: string; checkInPath: string | null }[] }).items.find((a) => a.code === code)!;
    expect(booking.status).toBe('booked');
    expect(booking.checkInPath).toMatch(/^\/console\/services\/check-in\?t=/);
    const slots = await app.inject({ method: 'GET', url: `/api/v1/appointment-slots?windowId=${windowId}&from=2026-12-02&to=2026-12-02`, headers: residentApi.headers });
    expect((slots.json() as { items: { startTime: string; booked: number }[] }).items.find((s) => s.startTime === '10:00')!.booked).toBe(1);

    // ---- staff open the link the QR code carries (a phone camera would), log in, and see the result
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await s.goto(`${url}${booking.checkInPath}`);
    await s.getByTestId('login-username').fill('xishan');
    await s.getByTestId('login-password').fill(PASSWORD);
    await s.getByTestId('login-submit').click();
    await s.getByTestId('checkin-ok').getByText('已签到').waitFor();
    expect(booking.holderName).toBeTruthy();
    await s.getByTestId('checkin-person').getByText(booking.holderName, { exact: true }).waitFor();
    await s.getByTestId('checkin-slot').getByText('12月2日 周三 10:00–10:30').waitFor();

    const after = await app.inject({ method: 'GET', url: `/api/v1/me/appointments/${booking.id}`, headers: residentApi.headers });
    expect(after.json()).toMatchObject({ status: 'checked_in', canCancel: false });
    expect((after.json() as { checkedInAt: string | null }).checkedInAt).not.toBeNull();

    // Typing the number again says it is done already (once only).
    await s.getByTestId('checkin-code').fill(code);
    await s.getByTestId('checkin-submit').click();
    await s.getByTestId('checkin-error').getByText(/该预约已于 .* 签到/).waitFor();

    // ---- the resident sees it checked in, without the QR code
    await r.reload();
    await r.getByTestId('appointment-status').getByText('已签到').waitFor();
    expect(await r.getByTestId('appointment-qr').count()).toBe(0);

    expect(resident.errors).toEqual([]);
    // The one expected failure is the second check-in's 409.
    expect(staff.errors.filter((e) => !/409/.test(e))).toEqual([]);
    await resident.context.close();
    await staff.context.close();
  }, 120_000);

  it('a resident orders a convenience service, provider01 accepts and completes it on the provider page, the resident rates it', async () => {
    // A provider linked to provider01, approved by the community, with an hourly offering.
    const provider = await loginAs(app, 'provider01');
    const staffApi = await loginAs(app, 'xishan');
    const applied = await app.inject({
      method: 'POST',
      url: '/api/v1/convenience/provider/profile',
      headers: provider.headers,
      payload: { name: '暖心家政服务部', kind: 'merchant', contactName: '李红', contactPhone: '13905731234', orgNodeId: fixture.nodes.xishan.id, licenceNote: '营业执照 92330481MA2XXXXX' },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const providerId = (applied.json() as { id: string }).id;
    const approved = await app.inject({ method: 'POST', url: `/api/v1/convenience/manage/providers/${providerId}/review`, headers: staffApi.headers, payload: { action: 'approve' } });
    expect(approved.statusCode, approved.body).toBe(200);
    const offering = await app.inject({
      method: 'POST',
      url: '/api/v1/convenience/provider/offerings',
      headers: provider.headers,
      payload: { category: 'housekeeping', name: '日常保洁（按小时）', priceFen: 5000, priceUnit: '小时', durationMinutes: 60 },
    });
    expect(offering.statusCode, offering.body).toBe(201);

    // ---- the resident orders two hours on a phone
    const resident = await openSession(browser, PHONE);
    const r = resident.page;
    await residentLogin(r, url);
    await r.goto(`${url}/m/services/convenience`);
    const item = r.locator('[data-testid="offering"][data-name="日常保洁（按小时）"]');
    await item.getByText('¥50.00/小时').waitFor();
    await item.getByTestId('offering-order').click();
    await r.getByTestId('order-quantity').selectOption('2');
    await r.getByTestId('order-quote').getByText('合计 ¥100.00', { exact: false }).waitFor();
    await r.getByTestId('order-pay').getByText('您需支付 ¥100.00').waitFor();
    await r.getByTestId('order-when').fill('2026-12-03T09:00');
    await r.getByTestId('order-address').locator('input').fill('西山路 8 幢 2 单元 301 室');
    await r.getByTestId('order-submit').click();
    await r.getByTestId('order-detail').waitFor();
    await r.getByText(/已下单，订单号 \S+，等待服务商接单/).waitFor();
    expect(await r.getByTestId('order-status').getAttribute('data-status')).toBe('requested');
    const orderId = new URL(r.url()).pathname.split('/').pop()!;

    // ---- provider01 takes it on the provider page: accept, start, complete
    const prov = await openSession(browser, PHONE);
    const p = prov.page;
    await p.goto(`${url}/m/login`);
    await p.locator('#login-username').fill('provider01');
    await p.locator('#login-password').fill(PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.waitForURL(`${url}/m/`);
    await p.getByTestId('tab-/me').click();
    await p.getByTestId('me-name').waitFor();
    await p.getByTestId('me-provider-link').click();
    await p.getByTestId('provider-page').getByText('暖心家政服务部').waitFor();
    const card = p.locator('[data-testid="provider-order"]').filter({ hasText: '西山路 8 幢 2 单元 301 室' });
    await card.getByTestId('provider-accept').click();
    await p.getByTestId('provider-filter-active').click();
    await card.getByTestId('provider-start').click();
    await card.getByTestId('provider-complete').waitFor();
    // Hourly: the provider types the minutes served (90), and the price follows them.
    expect(await card.getByTestId('provider-complete').isDisabled()).toBe(true);
    await card.getByTestId('provider-amount').locator('input').fill('90');
    await card.getByTestId('provider-complete').click();
    await p.getByText(/已完成，等待居民确认评价/).waitFor();

    const residentApi = await loginAs(app, 'resident01');
    const done = await app.inject({ method: 'GET', url: `/api/v1/me/convenience/orders/${orderId}`, headers: residentApi.headers });
    expect(done.json()).toMatchObject({ status: 'completed', serviceMinutes: 90, totalFen: 7500, residentFen: 7500 });

    // ---- the resident confirms and rates it
    await r.reload();
    await r.getByTestId('order-rate').waitFor();
    await r.getByTestId('order-stars-5').click();
    await r.getByTestId('order-comment').locator('textarea').fill('阿姨很细心，打扫得很干净');
    await r.getByTestId('order-confirm').click();
    await r.getByTestId('order-rating').getByText('我的评价：5 星').waitFor();
    await expect.poll(() => r.getByTestId('order-status').getAttribute('data-status')).toBe('closed');
    // The timeline lists every step.
    const actions = await r.getByTestId('order-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions.length).toBeGreaterThanOrEqual(5);

    const closed = await app.inject({ method: 'GET', url: `/api/v1/me/convenience/orders/${orderId}`, headers: residentApi.headers });
    expect(closed.json()).toMatchObject({ status: 'closed', rating: 5 });
    const profile = await app.inject({ method: 'GET', url: '/api/v1/convenience/provider/profile', headers: provider.headers });
    expect(profile.json()).toMatchObject({ rating: 5, ratingCount: 1 });

    expect(resident.errors).toEqual([]);
    expect(prov.errors).toEqual([]);
    await resident.context.close();
    await prov.context.close();
  }, 120_000);

  it('a resident asks a legal question in elderly mode; staff assign it; the professional answers; the resident closes and rates it', async () => {
    // 西山社区 王秀英 is also the community's 人民调解员.
    const staffApi = await loginAs(app, 'xishan');
    const reg = await app.inject({
      method: 'POST',
      url: '/api/v1/consultations/professionals',
      headers: staffApi.headers,
      payload: { userId: fixture.users.xishan, kind: 'legal', title: '人民调解员', organisation: '西山社区人民调解委员会', orgNodeId: fixture.nodes.xishan.id },
    });
    expect(reg.statusCode, reg.body).toBe(201);

    // ---- the resident, with 长辈模式 on, asks
    const resident = await openSession(browser, PHONE);
    await resident.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 24 })));
    const r = resident.page;
    await residentLogin(r, url);
    await r.goto(`${url}/m/services`);
    await r.getByTestId('services-consultations').click();
    await r.getByTestId('consultation-form').waitFor();
    expect(await r.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    // Large touch targets and text in elderly mode.
    const box = await r.getByTestId('consultation-kind-legal').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
    expect(parseFloat(await r.getByTestId('consultation-kind-legal').evaluate((e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(18);
    // Nothing typed: every problem is shown at once, on the page.
    await r.getByTestId('consultation-submit').click();
    await r.getByText('请选择咨询类别').waitFor();
    await r.getByText('请填写标题（至少 2 个字）').waitFor();
    await r.getByTestId('consultation-kind-legal').click();
    await r.getByTestId('consultation-subject').locator('input').fill('租房押金不退怎么办');
    await r.locator('#rcs-question').fill('租期满了房东以墙面有污渍为由不退 3000 元押金，我该怎么维权？');
    await r.getByTestId('consultation-submit').click();
    await r.getByText(/已提交，编号 ZX\d{8}-\d{4}/).waitFor();
    const item = r.getByTestId('consultation-item').filter({ hasText: '租房押金不退怎么办' });
    await item.waitFor();
    const code = (await item.getAttribute('data-code'))!;

    // ---- staff assign it from the queue, which shows no subject
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await s.goto(`${url}/console/login`);
    await s.getByTestId('login-username').fill('xishan');
    await s.getByTestId('login-password').fill(PASSWORD);
    await s.getByTestId('login-submit').click();
    await s.getByTestId('side-menu').waitFor();
    await s.goto(`${url}/console/service-consultations`);
    const row = s.locator('tr').filter({ hasText: code });
    await row.waitFor();
    expect(await s.getByTestId('consultations-table').getByText('租房押金不退怎么办').count()).toBe(0);
    await row.getByTestId('consultation-assign').click();
    await chooseOption(s, s.getByTestId('consultation-professional'), '人民调解员');
    await s.getByRole('button', { name: /提\s*交/ }).click();
    await row.getByTestId('consultation-status').getByText('待答复').waitFor();

    // ---- the professional (the same person here) answers from 我负责答复的
    await s.getByRole('tab', { name: '我负责答复的' }).click();
    await s.locator('tr').filter({ hasText: code }).getByTestId('consultation-open').click();
    await s.getByTestId('consultation-detail').getByText('租期满了房东以墙面有污渍为由不退 3000 元押金').waitFor();
    await s.getByTestId('consultation-answer').fill('正常使用造成的墙面污渍属于合理损耗，房东不得据此扣押金。可先协商，协商不成可申请人民调解或向法院起诉。');
    await s.getByTestId('consultation-answer-send').click();
    await s.getByTestId('consultation-message').filter({ hasText: '合理损耗' }).waitFor();

    // ---- the resident reads the answer, closes and rates it
    await item.click();
    await r.getByTestId('consultation-message').filter({ hasText: '合理损耗' }).waitFor();
    expect(await r.getByTestId('consultation-message').filter({ hasText: '合理损耗' }).getAttribute('data-role')).toBe('professional');
    await r.getByTestId('consultation-rate-满意').click();
    await r.getByTestId('consultation-close-submit').click();
    await r.getByText('咨询已结束，谢谢您的评价').waitFor();
    await expect.poll(() => r.getByTestId('consultation-status').getAttribute('data-status')).toBe('closed');

    const residentApi = await loginAs(app, 'resident01');
    const mine = await app.inject({ method: 'GET', url: '/api/v1/me/consultations', headers: residentApi.headers });
    expect((mine.json() as { items: { code: string; status: string; rating: string | null }[] }).items.find((c) => c.code === code)).toMatchObject({ status: 'closed', rating: '满意' });

    expect(resident.errors).toEqual([]);
    expect(staff.errors).toEqual([]);
    await resident.context.close();
    await staff.context.close();
  }, 120_000);

  it('the matters editor shows the content’s errors, then saves and publishes a new version', async () => {
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await s.goto(`${url}/console/service-matters`);
    await s.getByTestId('login-username').fill('admin');
    await s.getByTestId('login-password').fill(PASSWORD);
    await s.getByTestId('login-submit').click();
    await s.getByTestId('matters-table').waitFor();
    await s.getByTestId('matters-search').locator('input').fill('城乡居民基本医疗保险');
    await s.getByTestId('matters-search').locator('input').press('Enter');
    const row = s.locator('tr').filter({ hasText: 'yibao-canbao' });
    await row.getByTestId('matter-edit').click();
    const editor = s.getByTestId('matter-json');
    await expect.poll(async () => (await editor.inputValue()).includes('"name": "城乡居民基本医疗保险参保缴费"')).toBe(true);
    const original = await editor.inputValue();

    // Not JSON: said at once, nothing sent.
    await editor.fill('{ "name": ');
    await s.getByTestId('matter-save').click();
    await s.getByText(/JSON 格式错误/).waitFor();
    // JSON, but not a valid matter: the server's errors, field by field.
    const broken = JSON.parse(original) as { name: string; conditions: string[] };
    broken.name = '';
    broken.conditions = [];
    await editor.fill(JSON.stringify(broken, null, 2));
    await s.getByTestId('matter-save').click();
    const errors = s.getByTestId('matter-errors');
    await errors.getByText(/^name: /).waitFor();
    await errors.getByText(/^conditions: /).waitFor();

    // Fixed: saved as version 2 and published.
    const fixed = JSON.parse(original) as { summary: string };
    fixed.summary = `${fixed.summary}（2026 年度缴费期已开始）`;
    await editor.fill(JSON.stringify(fixed, null, 2));
    await s.getByTestId('matter-note').fill('更新年度缴费期');
    await s.getByTestId('matter-publish-now').click();
    await s.getByTestId('matter-save').click();
    await s.getByTestId('matters-note').getByText('已保存为第 2 版').waitFor();

    const adminApi = await loginAs(app, 'admin');
    const versions = await app.inject({ method: 'GET', url: '/api/v1/service-matters/yibao-canbao/versions', headers: adminApi.headers });
    expect(versions.json()).toMatchObject({ publishedVersion: 2, latestVersion: 2 });
    const guide = await app.inject({ method: 'GET', url: '/api/v1/service-matters/yibao-canbao' });
    expect((guide.json() as { content: { summary: string } }).content.summary).toContain('2026 年度缴费期已开始');

    // The version history lists both, the new one published.
    await s.locator('tr').filter({ hasText: 'yibao-canbao' }).getByTestId('matter-versions-open').click();
    await s.getByTestId('matter-versions').getByText('更新年度缴费期').waitFor();
    expect(staff.errors.filter((e) => !/400/.test(e))).toEqual([]);
    await staff.context.close();
  }, 120_000);

  // Runs after the tests above and reads what they left: the booking checked in, the provider and its order.
  it('staff keep windows, the day list, the shop directory and convenience services; residents see the shops', async () => {
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await s.goto(`${url}/console/login`);
    await s.getByTestId('login-username').fill('xishan');
    await s.getByTestId('login-password').fill(PASSWORD);
    await s.getByTestId('login-submit').click();
    await s.getByTestId('side-menu').waitFor();

    // 办事窗口 → 预约名单 of 2 December: the booking checked in at the first test, its slot 1 of 2 seats.
    await s.getByTestId('side-menu').getByText('办事窗口').click();
    const windowRow = s.locator('tr').filter({ hasText: '社保医保窗口' });
    await windowRow.getByText('08:30-12:00,13:30-17:30').waitFor();
    await windowRow.getByText('预约名单').click();
    await s.getByLabel('日期').fill('2026-12-02');
    const booking = s.getByTestId('bookings-table').locator('tr').filter({ hasText: '10:00–10:30' });
    await booking.getByTestId('booking-status').getByText('已签到').waitFor();
    await s.locator('tr').filter({ hasText: '10:00–10:30' }).filter({ hasText: '1/2' }).first().waitFor();

    // 周边商户: a new shop with its hours typed as lines, and an offer.
    await s.goto(`${url}/console/service-merchants`);
    await s.getByTestId('merchant-new').click();
    await s.getByTestId('merchant-area').click();
    await s.locator('.ant-select-tree').getByTitle('西山社区（社区）').click();
    await expect.poll(() => s.getByTestId('merchant-area').innerText()).toContain('西山社区');
    const modal = s.locator('.ant-modal');
    await modal.getByLabel('商户名称').fill('西山菜场');
    await modal.getByLabel('类别').click();
    await s.locator('.ant-select-item-option').filter({ hasText: '菜场生鲜' }).click();
    await modal.getByLabel('电话').fill('0573-87012345');
    await modal.getByLabel('地址').fill('西山路 66 号');
    await modal.getByLabel('营业时间', { exact: true }).fill('1-5 06:00-18:00\n6,7 06:30-12:00');
    await s.getByTestId('merchant-save').click();
    const shop = s.locator('tr').filter({ hasText: '西山菜场' });
    // Saved, or the form's error said why not.
    const alert = modal.locator('.ant-alert, .ant-form-item-explain-error');
    await expect
      .poll(async () => ((await alert.count()) ? (await alert.allInnerTexts()).join(' | ') : (await shop.count()) ? 'saved' : 'waiting'), { timeout: 20_000 })
      .toBe('saved');
    await shop.locator('.ant-table-row-expand-icon').click();
    await s.getByPlaceholder('优惠标题').fill('早市鸡蛋特价');
    await s.getByTestId('offer-add').click();
    await s.getByText('早市鸡蛋特价').waitFor();
    const staffApi = await loginAs(app, 'xishan');
    const shops = await app.inject({ method: 'GET', url: '/api/v1/merchants?includeInactive=1&q=西山菜场', headers: staffApi.headers });
    const saved = (shops.json() as { items: { name: string; openingHours: { periods: { days: number[]; open: string; close: string }[] } }[] }).items[0]!;
    expect(saved.openingHours.periods).toEqual([
      { days: [1, 2, 3, 4, 5], open: '06:00', close: '18:00' },
      { days: [6, 7], open: '06:30', close: '12:00' },
    ]);

    // 便民服务: the provider approved in the second test, its order, the ledger.
    await s.goto(`${url}/console/service-convenience`);
    await s.locator('tr').filter({ hasText: '暖心家政服务部' }).getByTestId('provider-status').waitFor();
    await s.getByRole('tab', { name: '服务订单' }).click();
    await s.locator('tr').filter({ hasText: '日常保洁（按小时）' }).getByText('★★★★★').waitFor();
    await s.getByRole('tab', { name: '免费时长台账' }).click();
    await s.getByText('合计').waitFor();

    // A resident (not logged in) finds the shop, its offer and a tap-to-call link.
    const resident = await openSession(browser, PHONE);
    const r = resident.page;
    await r.goto(`${url}/m/services/merchants`);
    const card = r.locator('[data-testid="merchant"][data-name="西山菜场"]');
    await card.waitFor();
    await card.getByTestId('merchant-offer').getByText('早市鸡蛋特价').waitFor();
    expect(await card.getByTestId('merchant-call').getAttribute('href')).toBe('tel:0573-87012345');
    await r.getByTestId('merchant-category-market').click();
    await card.waitFor();

    expect(staff.errors).toEqual([]);
    expect(resident.errors).toEqual([]);
    await staff.context.close();
    await resident.context.close();
  }, 120_000);
});
