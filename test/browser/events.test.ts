import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, openSession, PASSWORD, PHONE, startServer, type TestServer } from './harness.js';

/*
 * The closed loop of a grid event in Chromium: a resident on a phone reports a missing manhole
 * cover with a photo and their position; the sub-district dispatcher accepts it on the event
 * page and dispatches it from the workbench; the grid worker takes it from 我的待办, reports it
 * done with a photo and checks it; the resident sees it closed and rates it; the public map
 * shows it without anything personal.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A small solid-colour PNG, made here so the test needs no fixture file. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const DESCRIPTION = '1幢东侧人行道上井盖缺失，只用树枝挡着，晚上很危险';
/** Inside 西山社区第一网格 (GRID01_POLYGON of the harness). */
const HERE = { latitude: 30.5331, longitude: 120.6832, accuracy: 15 };

async function consoleLogin(page: Page, url: string, username: string) {
  await page.goto(`${url}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

async function residentLogin(page: Page, url: string) {
  await page.goto(`${url}/m/login`);
  await page.locator('#login-username').fill('resident01');
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByText('您好，居民 朱志强').waitFor();
}

/** Opens a step's form on the console's event page, fills it, sends it and waits for the new state. */
async function takeStep(page: Page, step: string, state: string, fill?: () => Promise<void>) {
  await page.getByTestId(`step-${step}`).click();
  await page.getByTestId('step-form').waitFor();
  await fill?.();
  await page.getByTestId('step-submit').click();
  await page.getByTestId('step-done').waitFor();
  await page.getByTestId('event-facts').getByTestId('event-state').getByText(state, { exact: true }).waitFor();
}

describe('grid events in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident reports with a photo, the dispatcher dispatches, the grid worker closes it, the resident rates it; the public map shows it anonymised', async () => {
    // ---- The resident, on a phone: 办事 → 随手拍, category with its attribute, photo, position.
    const resident = await openSession(browser, PHONE);
    await resident.context.grantPermissions(['geolocation'], { origin: server.url });
    await resident.context.setGeolocation(HERE);
    const r = resident.page;
    await residentLogin(r, server.url);
    await r.getByTestId('tab-/services').click();
    await r.getByTestId('services-report').click();
    await r.waitForURL(/\/m\/services\/report$/);
    expect(await r.locator('.r-topbar').innerText()).toBe('随手拍');
    const form = r.getByTestId('report-form');
    await form.getByTestId('report-group').selectOption({ label: '设施设备' });
    await form.getByTestId('report-category').selectOption({ label: '井盖缺损' });
    // The category asks whether the shaft is open (required): sending without it is refused on the page.
    await form.locator('#rev-description').fill(DESCRIPTION);
    await r.getByTestId('report-where-here').click();
    await r.getByTestId('report-position').getByText('已定位').waitFor();
    await r.getByTestId('report-submit').click();
    expect(await r.getByTestId('message-error').innerText()).toContain('井口是否敞开');
    await form.getByTestId('attr-open').selectOption('yes');
    // The photo input opens the camera on a phone (capture) and takes any image.
    const input = form.getByTestId('report-photo-input');
    expect(await input.getAttribute('accept')).toBe('image/*');
    expect(await input.getAttribute('capture')).toBe('environment');
    await input.setInputFiles({ name: '井盖.png', mimeType: 'image/png', buffer: png(32, 24, [90, 90, 90]) });
    await form.getByTestId('report-photos').locator('img').waitFor();
    await r.getByTestId('report-submit').click();
    const done = r.getByTestId('report-done');
    await done.waitFor();
    const code = /SJ\d{8}-\d{4}/.exec(await done.innerText())?.[0];
    expect(code).toBeTruthy();

    // Its page: 待受理, the photo, one step on the timeline, and withdrawing is offered (not yet accepted).
    await r.getByTestId('report-view').click();
    await r.waitForURL(/\/m\/me\/events\/[^/]+$/);
    const eventId = r.url().split('/').pop()!;
    await r.getByTestId('my-event-state').getByText('待受理').waitFor();
    expect(await r.getByTestId('my-event-detail').innerText()).toContain(DESCRIPTION);
    expect(await r.getByTestId('my-event-detail').innerText()).toContain('西山社区第一网格');
    await expect.poll(() => r.getByTestId('my-event-photos').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(32);
    expect(await r.getByTestId('my-event-step').count()).toBe(1);
    await r.getByTestId('withdraw-form').waitFor();

    // ---- The sub-district dispatcher: 待受理 queue → the event page → 受理.
    const dispatcher = await openSession(browser, DESKTOP);
    const d = dispatcher.page;
    await consoleLogin(d, server.url, 'street');
    await d.getByTestId('side-menu').getByText('事件调度台', { exact: true }).click();
    await d.waitForURL(/\/console\/events$/);
    const table = d.getByTestId('events-table');
    await table.getByText(code!).waitFor();
    await expect.poll(() => d.getByTestId('queue-reported').innerText()).toBe('待受理（1）');
    const row = table.locator(`tr[data-row-key="${eventId}"]`);
    expect(await row.innerText()).toContain('西山社区第一网格');
    expect(await row.innerText()).toContain('居民随手拍');
    // The stage clock shows as a word as well as a colour.
    expect(await row.getByTestId('event-deadline').innerText()).toMatch(/正常|预警|超期/);
    await row.getByTestId('event-link').click();
    await d.waitForURL(new RegExp(`/console/events/${eventId}$`));
    await d.getByTestId('event-page').waitFor();
    expect(await d.getByTestId('event-code').innerText()).toBe(code);
    expect(await d.getByTestId('event-description').innerText()).toBe(DESCRIPTION);
    const facts = await d.getByTestId('event-facts').innerText();
    expect(facts).toContain('井口是否敞开');
    expect(facts).toMatch(/居民\s+朱\*\*/); // the reporter, masked
    expect(facts).not.toContain('朱志强');
    await expect.poll(() => d.getByTestId('event-photos').locator('img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(32);
    // The map: the grid and the event's point.
    await d.getByTestId('event-map').locator('[data-feature-id]').first().waitFor();
    expect(await d.getByTestId('event-map').locator(`[data-feature-id="event-${eventId}"]`).count()).toBe(1);
    expect(await d.getByTestId('step-finish').count()).toBe(0); // not the dispatcher's step
    await takeStep(d, 'accept', '待派遣');

    // Back on the workbench: 待派遣, select the row, 批量派遣 to the grid worker.
    await d.getByTestId('side-menu').getByText('事件调度台', { exact: true }).click();
    await d.getByTestId('queue-accepted').click();
    await expect.poll(() => d.getByTestId('queue-accepted').innerText()).toBe('待派遣（1）');
    await table.locator(`tr[data-row-key="${eventId}"]`).waitFor();
    await table.locator(`tr[data-row-key="${eventId}"] input[type="checkbox"]`).check();
    await d.getByTestId('batch-dispatch').click();
    await d.getByTestId('assignee-kind').getByText('处置人').click();
    await d.getByTestId('assignee-person').click();
    await d.locator('.ant-select-item-option').filter({ hasText: '网格员 李建华' }).click();
    await d.getByTestId('batch-dispatch-submit').click();
    expect(await d.getByTestId('batch-result').innerText()).toContain('派遣成功 1 件，失败 0 件');
    await expect.poll(() => d.getByTestId('queue-dispatched').innerText()).toBe('待处置（1）');

    // ---- The grid worker: 我的待办 → 签收 → 处置完毕 (a comment is required; a photo of the result) → 核查通过.
    const worker = await openSession(browser, DESKTOP);
    const w = worker.page;
    await consoleLogin(w, server.url, 'grid01');
    await w.getByTestId('side-menu').getByText('我的待办', { exact: true }).click();
    await w.waitForURL(/\/console\/event-tasks$/);
    await w.getByTestId('tasks-assignee').getByText('派给我的').click();
    await w.getByTestId('events-table').getByText(code!).click();
    await w.waitForURL(new RegExp(`/console/events/${eventId}$`));
    expect(await w.getByTestId('event-assignee').innerText()).toContain('李建华');
    await takeStep(w, 'take', '处置中');
    await w.getByTestId('step-finish').click();
    await w.getByTestId('step-submit').click();
    await w.locator('.ant-modal .ant-form-item-explain-error').getByText('此步骤须填写意见或原因').waitFor();
    await w.getByTestId('step-comment').fill('已联系市政更换新井盖，现场已恢复');
    await w.locator('.ant-modal input[type="file"]').setInputFiles({ name: '处理后.png', mimeType: 'image/png', buffer: png(20, 20, [40, 160, 60]) });
    await w.locator('.ant-modal .ant-upload-list-item-done').waitFor();
    await w.getByTestId('step-submit').click();
    await w.getByTestId('step-done').waitFor();
    await w.getByTestId('event-facts').getByTestId('event-state').getByText('待核查', { exact: true }).waitFor();
    await takeStep(w, 'verify', '已结案');
    const timeline = w.getByTestId('event-timeline');
    expect(await timeline.locator('[data-testid="timeline-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-transition')))).toEqual([
      'start',
      'accept',
      'dispatch',
      'take',
      'finish',
      'verify',
    ]);
    const finished = timeline.locator('[data-transition="finish"]');
    expect(await finished.innerText()).toContain('已联系市政更换新井盖，现场已恢复');
    expect(await finished.innerText()).toContain('网格员 李建华');
    expect(await finished.locator('img').count()).toBe(1);
    expect(await w.getByTestId('event-photos').locator('img').count()).toBe(2);

    // ---- The resident sees it closed and rates it.
    await r.reload();
    await r.getByTestId('my-event-state').getByText('已结案').waitFor();
    const steps = await r.getByTestId('my-event-step').allInnerTexts();
    expect(steps).toHaveLength(6);
    expect(steps[4]).toContain('已联系市政更换新井盖，现场已恢复');
    // The reporter's own view names roles, not staff.
    expect(steps.join('\n')).toContain('网格员');
    expect(steps.join('\n')).not.toContain('李建华');
    await r.getByTestId('rate-submit').click();
    expect(await r.getByTestId('rate-form').getByTestId('message-error').innerText()).toContain('请选择');
    await r.getByTestId('rate-满意').click();
    await r.locator('#rev-rate-comment').fill('处理很及时，谢谢网格员');
    await r.getByTestId('rate-submit').click();
    await r.getByText('评价已提交，谢谢').waitFor();
    await r.getByTestId('my-event-state').getByText('已评价').waitFor();
    expect(await r.getByTestId('my-event-detail').innerText()).toContain('满意（处理很及时，谢谢网格员）');
    // 我的 → 我的上报 lists it with its state.
    await r.getByTestId('tab-/me').click();
    await r.getByTestId('me-events-link').click();
    const mine = r.locator(`[data-testid="my-event"][data-code="${code}"]`);
    await mine.waitFor();
    expect(await mine.innerText()).toContain('已评价');
    // Nothing modal on the resident's pages (长辈模式 allows none).
    expect(await r.locator('[role="dialog"], .adm-mask, .adm-toast-main').count()).toBe(0);

    // ---- The public map, not logged in: the event and its state, nothing personal.
    const visitor = await openSession(browser, PHONE);
    const v = visitor.page;
    await v.goto(`${server.url}/m/community`);
    await v.getByTestId('community-map-link').click();
    await v.waitForURL(/\/m\/community\/map$/);
    const listed = v.locator(`[data-testid="public-event"][data-code="${code}"]`);
    await listed.waitFor();
    expect(await listed.innerText()).toContain('已评价');
    expect(await listed.innerText()).toContain('西山社区第一网格');
    expect(await v.locator(`[data-testid="map-event"][data-code="${code}"]`).count()).toBe(1);
    const publicText = await v.locator('main').innerText();
    for (const secret of ['朱志强', '朱**', DESCRIPTION, '李建华', '处理很及时']) expect(publicText).not.toContain(secret);
    await v.getByTestId('map-filter-open').click();
    expect(await listed.count()).toBe(0);

    for (const s of [resident, dispatcher, worker, visitor]) {
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  });
});
