import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loginAs } from '../helpers/http.js';
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

  // Four people and four browser contexts: more than the project's default minute on a busy machine.
  it('a resident reports with a photo, the dispatcher dispatches, the grid worker closes it, the resident rates it; the public map shows it anonymised', { timeout: 180_000 }, async () => {
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
    // The row names who handles it: the unit and the person.
    await d.getByTestId('queue-dispatched').click();
    const assignee = table.locator(`tr[data-row-key="${eventId}"]`).getByTestId('event-row-assignee');
    await assignee.waitFor();
    expect(await assignee.innerText()).toMatch(/西山社区第一网格[\s\S]*李建华/);

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
    // The community's grid outlines under the points (the harness gives both grids a shape).
    const map = v.getByTestId('event-map');
    await expect.poll(() => map.locator('[data-testid="map-area"][data-kind="grid"]').count()).toBe(2);
    expect(await map.locator('svg > *').first().getAttribute('data-testid')).toBe('map-areas');
    const publicText = await v.locator('main').innerText();
    for (const secret of ['朱志强', '朱**', DESCRIPTION, '李建华', '处理很及时']) expect(publicText).not.toContain(secret);
    await v.getByTestId('map-filter-open').click();
    expect(await listed.count()).toBe(0);

    for (const s of [resident, dispatcher, worker, visitor]) {
      expect(s.errors).toEqual([]);
      await s.context.close();
    }
  });

  it('a resident picks the place on the grid map: a tap in 第二网格 puts the event there', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await residentLogin(page, server.url);
    await page.goto(`${server.url}/m/services/report`);
    const form = page.getByTestId('report-form');
    await form.getByTestId('report-group').selectOption({ label: '市容环境' });
    await form.getByTestId('report-category').selectOption({ label: '乱张贴乱涂写' });
    await form.locator('#rev-description').fill('8幢楼道里贴满了开锁小广告');
    await page.getByTestId('report-where-map').click();
    const grid02 = page.locator(`[data-testid="report-map"] [data-area-id="${server.fixture.nodes.grid02.id}"]`);
    await grid02.waitFor();
    // Nothing picked yet: refused on the page.
    await page.getByTestId('report-submit').click();
    expect(await page.getByTestId('message-error').innerText()).toContain('请在地图上点选问题位置');
    await grid02.click();
    expect(await page.getByTestId('report-map-picked').innerText()).toContain('西山社区第二网格');
    expect(await page.getByTestId('report-map-pin').count()).toBe(1);
    expect(await grid02.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    await page.getByTestId('report-view').click();
    await page.getByTestId('my-event-state').getByText('待受理').waitFor();
    expect(await page.getByTestId('my-event-detail').innerText()).toContain('西山社区第二网格');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('长辈模式 on the event pages: an address report with a multiple choice, 60 px targets, ≥ 18 px text, no pop-ups; withdrawn before acceptance', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLogin(page, server.url);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);

    /** Every visible control in the page body: at least 60×60 px; text at least 18 px with line height ≥ 1.3. */
    const expectElderly = async () => {
      const boxes = await page
        .locator('main button, main select, main input:not([type="file"]):not([type="checkbox"]), main textarea, main .rev-file, main .rev-check, main a')
        .evaluateAll((els) =>
          els
            .filter((e) => e.getAttribute('aria-hidden') !== 'true' && (e as HTMLElement).offsetParent !== null)
            .map((e) => ({ what: e.outerHTML.slice(0, 80), ...(e.getBoundingClientRect().toJSON() as DOMRect) })),
        );
      expect(boxes.length).toBeGreaterThan(0);
      for (const b of boxes) {
        expect(b.height, b.what).toBeGreaterThanOrEqual(60);
        expect(b.width, b.what).toBeGreaterThanOrEqual(60);
      }
      const texts = await page.locator('main label, main p, main legend, main li, main dd').evaluateAll((els) =>
        els.map((e) => ({ what: e.textContent?.slice(0, 30), size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })),
      );
      for (const x of texts) {
        expect(x.size, x.what ?? '').toBeGreaterThanOrEqual(18);
        expect(x.line / x.size, x.what ?? '').toBeGreaterThanOrEqual(1.3);
      }
      expect(await page.locator('[role="dialog"], .adm-mask, .adm-toast-main').count()).toBe(0);
    };

    await page.goto(`${server.url}/m/services/report`);
    const form = page.getByTestId('report-form');
    await form.getByTestId('report-group').selectOption({ label: '民生诉求' });
    await form.getByTestId('report-category').selectOption({ label: '困难救助' });
    const need = form.getByTestId('attr-need');
    await need.getByText('生活困难').click();
    await need.getByText('医疗').click();
    await form.locator('#rev-description').fill('楼上独居老人腿脚不便，看病买药都很困难');
    await expectElderly();
    // 楼栋-单元-房号 as residents type them: bare numbers get 幢, 单元, 室.
    await form.getByTestId('report-community').fill('西山社区');
    await form.getByTestId('report-building').fill('1');
    await form.getByTestId('report-unit').fill('1');
    await form.getByTestId('report-room').fill('101');
    expect(await form.getByTestId('report-address-preview').innerText()).toContain('西山社区1幢1单元101室');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    await expectElderly();
    await page.getByTestId('report-view').click();
    await page.getByTestId('my-event-state').getByText('待受理').waitFor();
    const detail = await page.getByTestId('my-event-detail').innerText();
    expect(detail).toContain('西山社区1幢1单元101室');
    expect(detail).toContain('西山社区第一网格');
    expect(detail).toMatch(/困难类型\s+生活困难、医疗/);
    await expectElderly();

    // Not accepted yet: the reporter withdraws it, inline.
    await page.getByTestId('withdraw-submit').click();
    await page.getByTestId('my-event-state').getByText('已撤回').waitFor();
    expect(await page.getByTestId('withdraw-form').count()).toBe(0);
    expect((await page.getByTestId('my-event-step').allInnerTexts()).at(-1)).toContain('撤回');

    await page.goto(`${server.url}/m/me/events`);
    await page.getByTestId('my-event').first().waitFor();
    await expectElderly();
    await page.goto(`${server.url}/m/community/map`);
    await page.getByTestId('map-count').waitFor();
    await expectElderly();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('staff pages: a category edited, indicators with charts and an xlsx, a patrol track over its grid and coverage', { timeout: 120_000 }, async () => {
    // A patrol of grid01, walked over ten minutes (the server's clock moves; the points are timed inside the patrol).
    const worker = await loginAs(server.app, 'grid01');
    const started = await server.app.inject({ method: 'POST', url: '/api/v1/patrols', headers: worker.headers, payload: { gridId: server.fixture.nodes.grid01.id } });
    expect(started.statusCode).toBe(201);
    const patrol = started.json() as { id: string; startedAt: string };
    server.platform.advance(10 * 60_000);
    const at = (minutes: number) => new Date(Date.parse(patrol.startedAt) + minutes * 60_000).toISOString();
    const walk = [
      [120.681, 30.531],
      [120.681, 30.533],
      [120.683, 30.533],
      [120.685, 30.533],
      [120.685, 30.531],
    ];
    const points = walk.map(([lng, lat], i) => ({ at: at(i + 1), lat: lat!, lng: lng!, ...(i === 2 ? { note: '3幢北侧路灯不亮' } : {}) }));
    const posted = await server.app.inject({ method: 'POST', url: `/api/v1/patrols/${patrol.id}/points`, headers: worker.headers, payload: { points } });
    expect(posted.statusCode).toBe(200);
    const ended = await server.app.inject({ method: 'POST', url: `/api/v1/patrols/${patrol.id}/end`, headers: worker.headers, payload: { summary: '巡查一圈，路灯一处不亮' } });
    expect(ended.statusCode).toBe(200);

    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLogin(page, server.url, 'street');
    const menu = page.getByTestId('side-menu');

    // 巡查记录: the history, the track drawn over the grid, the coverage per grid.
    await menu.getByText('巡查记录', { exact: true }).click();
    const patrols = page.getByTestId('patrols-table');
    await patrols.getByText('网格员 李建华').waitFor();
    expect(await patrols.innerText()).toContain('巡查一圈，路灯一处不亮');
    await patrols.getByTestId('patrol-link').first().click();
    await page.waitForURL(new RegExp(`/console/patrols/${patrol.id}$`));
    const track = page.getByTestId('patrol-track');
    await track.locator('svg').waitFor();
    // The grid outline, the walked path, and the point with a note.
    expect(await track.locator('svg path').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('patrol-detail').innerText()).toContain('3幢北侧路灯不亮');
    await page.getByRole('button', { name: '返回列表' }).click();
    await page.getByRole('tab', { name: '巡查覆盖' }).click();
    await page.getByTestId('coverage-totals').getByText('巡查 1 次', { exact: false }).waitFor();
    const gridRow = page.getByTestId('coverage-grids').locator('tr', { hasText: '西山社区第一网格' });
    expect(await gridRow.innerText()).toMatch(/西山社区第一网格\s+西山社区\s+1\s+1\//);

    // 考核指标: the rated event counts as satisfied; the charts draw; the table downloads as xlsx.
    await menu.getByText('考核指标', { exact: true }).click();
    await page.getByTestId('indicators-table').getByText('西山社区第一网格').waitFor();
    expect(await page.getByTestId('indicator-total-satisfactionRate').innerText()).toBe('100.0%');
    await page.getByTestId('indicators-chart-rates').locator('canvas').waitFor();
    await page.getByTestId('indicators-chart-volume').locator('canvas').waitFor();
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('indicators-export').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

    // 登记 by phone (a caller's name and number shown masked); someone else accepts it while the page is open: 409, 刷新后重试.
    const staff = await loginAs(server.app, 'xishan');
    const reported = await server.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: staff.headers,
      payload: { channel: 'phone', categoryCode: '0203', description: '8幢门口人行道地砖松动', orgNodeId: server.fixture.nodes.grid02.id, reporterName: '张建明', reporterPhone: '13800001234' },
    });
    expect(reported.statusCode).toBe(201);
    const phoned = reported.json() as { id: string };
    await page.goto(`${server.url}/console/events/${phoned.id}`);
    await page.getByTestId('event-page').waitFor();
    const phonedFacts = await page.getByTestId('event-facts').innerText();
    expect(phonedFacts).toContain('来电人 张** 138****1234');
    expect(phonedFacts).not.toContain('13800001234');
    const accepted = await server.app.inject({ method: 'POST', url: `/api/v1/events/${phoned.id}/steps/accept`, headers: staff.headers, payload: {} });
    expect(accepted.statusCode).toBe(200);
    await page.getByTestId('step-accept').click();
    await page.getByTestId('step-submit').click();
    expect(await page.getByTestId('step-error').innerText()).toContain('该事件刚被他人处理，请刷新后重试');
    await page.getByTestId('step-refresh').click();
    await page.getByTestId('event-facts').getByTestId('event-state').getByText('待派遣', { exact: true }).waitFor();
    expect(await page.getByTestId('step-accept').count()).toBe(0);
    expect(await page.getByTestId('event-timeline').innerText()).toContain('社区工作人员');

    // 事件分类: 道路破损's response limit from 4 to 6 working hours, with the version it was read at.
    await menu.getByText('事件分类', { exact: true }).click();
    const categories = page.getByTestId('categories-table');
    await categories.getByText('道路破损').waitFor();
    await page.getByTestId('category-edit-0203').click();
    const drawer = page.getByTestId('category-drawer');
    await drawer.getByTestId('category-response').fill('6');
    await drawer.getByTestId('category-save').click();
    await expect.poll(() => categories.locator('tr', { hasText: '道路破损' }).innerText()).toMatch(/0203\s+道路破损\s+街道\s+6 小时\s+72 小时/);
    // The refused step was a 409 the page answered.
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });
});
