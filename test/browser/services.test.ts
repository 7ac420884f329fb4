import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loginAs } from '../helpers/http.js';
import { seedServicesFixture } from '../../src/modules/services/services.fixture.js';
import { reindexAll } from '../../src/modules/registry/search.index.js';
import { DESKTOP, launchBrowser, openSession, PASSWORD, PHONE, startServer, type TestServer } from './harness.js';

/*
 * An online application (网上申请) end to end in Chromium: a resident on a phone opens the QR
 * link of 高龄津贴申领, logs in on the page, applies with photos of two documents; community
 * staff return it for the missing 户口簿 (退回补正); the resident adds it and resubmits; staff
 * accept, approve and complete it with a result file; the resident sees 已办结 on the timeline
 * (服务进度) and rates it. The server's state is checked along the way.
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

/** A small solid-colour PNG (a "photo" of a document), made here so the test needs no fixture file. */
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
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A one-page PDF (the result document staff attach at 办结). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

const RETURN_REASON = '请补充居民户口簿户主页和本人页的照片';
const RESULT = '经核实符合条件，高龄津贴自次月起按月发放';

async function consoleLogin(page: Page, url: string, username: string) {
  await page.goto(`${url}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

/** Opens a step's form on the staff application page, fills it, sends it and waits for the new state. */
async function takeStep(page: Page, step: string, state: string, fill?: () => Promise<void>) {
  await page.getByTestId(`step-${step}`).click();
  await page.getByTestId('step-form').waitFor();
  await fill?.();
  await page.getByTestId('step-submit').click();
  await page.getByTestId('step-done').waitFor();
  await page.getByTestId('application-facts').getByTestId('application-state').getByText(state, { exact: true }).waitFor();
}

describe('service hall applications in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await seedServicesFixture(server.platform.ctx, server.fixture.nodes);
    // The fixture writes people directly: build their search terms as a registry write would.
    await reindexAll(server.platform.ctx);
    // Migrations and the catalogue on a busy PostgreSQL can take more than the default two minutes.
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident scans a matter, applies with photos, is asked for a missing document, adds it; staff complete it; the resident sees 办结', { timeout: 240_000 }, async () => {
    const db = server.platform.ctx.db.kysely;
    // ---- The QR code's target: the poster prints the link its QR code holds.
    const qr = await fetch(`${server.url}/api/v1/service-matters/gaoling-jintie/qr`);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    const poster = await (await fetch(`${server.url}/api/v1/service-matters/gaoling-jintie/poster`)).text();
    const link = /<div class="url">([^<]+)<\/div>/.exec(poster)?.[1];
    expect(link).toBe(`${server.url}/m/services/matters/gaoling-jintie`);

    // ---- The resident, on a phone, not logged in: the guide.
    const resident = await openSession(browser, PHONE);
    const r = resident.page;
    await r.goto(link!);
    await r.getByTestId('matter-name').getByText('高龄津贴申领').waitFor();
    expect(await r.locator('.r-topbar').innerText()).toBe('事项详情');
    expect(await r.getByTestId('matter-conditions').innerText()).toContain('年满80周岁');
    const materials = r.getByTestId('matter-materials');
    expect(await materials.getByTestId('guide-material-id-card').innerText()).toContain('原件及复印件');
    expect(await materials.getByTestId('guide-material-hukou').innerText()).toContain('视情况提供');
    expect(await r.getByTestId('matter-facts').innerText()).toContain('10 个工作日');
    expect(await r.getByTestId('matter-place').innerText()).toContain('老年服务窗口');
    expect(await r.getByTestId('matter-book').getAttribute('href')).toBe('/m/services/appointments?matter=gaoling-jintie');

    // 在线办理 asks to log in on the page, then shows the form prefilled from the registry.
    await r.getByTestId('matter-apply').click();
    await r.waitForURL(/\/m\/services\/matters\/gaoling-jintie\/apply$/);
    await r.getByTestId('inline-login').waitFor();
    await r.locator('#rsv-login-username').fill('resident01');
    await r.locator('#rsv-login-password').fill(PASSWORD);
    await r.getByTestId('inline-login-submit').click();
    const form = r.getByTestId('apply-form');
    await form.waitFor();
    expect(await r.getByTestId('prefilled-name').innerText()).toContain('朱志强');
    expect(await r.getByTestId('prefilled-idNumber').innerText()).toContain('330481********001X');
    expect(await r.getByTestId('apply-prefilled').innerText()).not.toContain('33048119800101001X');
    expect(await r.getByTestId('material-id-card').innerText()).toContain('原件及复印件');

    // Sent without the required photos: each missing document is marked where it is uploaded.
    await r.getByTestId('apply-submit').click();
    await r.getByTestId('material-id-card-error').waitFor();
    expect(await r.getByTestId('material-bank-error').innerText()).toContain('本人银行卡');
    expect(await db.selectFrom('service_application').select('id').execute()).toEqual([]);

    // The camera input opens the phone's camera; the file input takes images and PDFs.
    expect(await r.getByTestId('material-id-card-camera').getAttribute('capture')).toBe('environment');
    expect(await r.getByTestId('material-id-card-input').getAttribute('accept')).toBe('image/*,application/pdf');
    await r.getByTestId('material-id-card-input').setInputFiles({ name: '身份证正面.png', mimeType: 'image/png', buffer: png(40, 25, [200, 200, 220]) });
    await r.getByTestId('material-id-card-files').getByText('身份证正面.png').waitFor();
    await r.getByTestId('material-bank-camera').setInputFiles({ name: '社保卡.png', mimeType: 'image/png', buffer: png(40, 25, [30, 90, 160]) });
    await r.getByTestId('material-bank-files').getByText('社保卡.png').waitFor();
    await r.getByTestId('field-livesAlone').check();
    await r.getByTestId('apply-submit').click();
    const receipt = r.getByTestId('receipt');
    await receipt.waitFor();
    const code = (await r.getByTestId('receipt-code').innerText()).trim();
    expect(code).toMatch(/^BJ\d{8}-\d{4}$/);
    expect(await receipt.innerText()).toContain('高龄津贴申领');
    expect(await receipt.innerText()).toContain('朱志强');

    const row = await db.selectFrom('service_application').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'submitted', channel: 'online', applicant_name: '朱志强', matter_code: 'gaoling-jintie' });
    expect(JSON.parse(row.form_data)).toMatchObject({ livesAlone: true });
    const filesOf = async () =>
      (await db.selectFrom('service_application_material').select(['material_code']).where('application_id', '=', row.id).execute()).map((f) => f.material_code).sort();
    expect(await filesOf()).toEqual(['bank', 'id-card']);

    // 服务进度: submitted, withdrawing offered.
    await r.getByTestId('receipt-progress').click();
    await r.waitForURL(new RegExp(`/m/services/applications/${row.id}$`));
    await r.getByTestId('application-detail-state').getByText('待受理').waitFor();
    expect(await r.getByTestId('application-step').count()).toBe(1);
    await r.getByTestId('withdraw-form').waitFor();

    // The per-field messages of the server show on the fields (another matter's form, not sent).
    await r.goto(`${server.url}/m/services/matters/dibao/apply`);
    await r.getByTestId('apply-form').waitFor();
    await r.getByTestId('field-householdSize').fill('99');
    await r.getByTestId('apply-submit').click();
    await r.getByTestId('field-householdSize-error').waitFor();
    expect(await r.getByTestId('field-householdSize-error').innerText()).toContain('不能大于 20');
    expect(await r.getByTestId('field-monthlyIncome-error').innerText()).toContain('请填写');
    expect(await r.getByTestId('field-householdSize').getAttribute('aria-invalid')).toBe('true');

    // ---- Community staff, at a desk: the queue, the application, 退回补正 for the 户口簿.
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await consoleLogin(s, server.url, 'xishan');
    await s.getByTestId('side-menu').getByText('办件工作台', { exact: true }).click();
    await s.waitForURL(/\/console\/service-applications$/);
    const queueRow = s.getByTestId('applications-table').locator('tr', { has: s.locator(`[data-code="${code}"]`) });
    await queueRow.waitFor();
    expect(await queueRow.innerText()).toContain('朱志强');
    expect(await queueRow.getByTestId('application-state').innerText()).toBe('待受理');
    expect(['normal', 'warning', 'overdue']).toContain(await queueRow.getByTestId('application-deadline').getAttribute('data-deadline'));
    await queueRow.getByTestId('application-link').click();
    await s.waitForURL(new RegExp(`/console/service-applications/${row.id}$`));
    await s.getByTestId('application-code').getByText(code).waitFor();
    const staffMaterials = s.getByTestId('application-materials');
    expect(await staffMaterials.getByTestId('application-file').count()).toBe(2);
    expect(await staffMaterials.getByTestId('material-hukou').innerText()).toContain('未提交');
    // A material's file opens for staff.
    const fileHref = await staffMaterials.getByTestId('material-id-card').getByTestId('application-file').getAttribute('href');
    const opened = await s.request.get(`${server.url}${fileHref}`);
    expect(opened.status()).toBe(200);
    expect(opened.headers()['content-type']).toContain('image/png');

    await takeStep(s, 'return', '待补正', async () => {
      await s.getByTestId('step-missing-hukou').click();
      await s.getByTestId('step-comment').fill(RETURN_REASON);
    });
    const returned = await db.selectFrom('service_application').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(returned).toMatchObject({ state: 'returned', return_count: 1, returned_from: 'submitted' });
    expect(JSON.parse(returned.missing_materials)).toEqual(['hukou']);

    // ---- The resident: the reason and what is missing, then 补正 with a photo of the 户口簿.
    await r.goto(`${server.url}/m/services/applications/${row.id}`);
    await r.getByTestId('application-detail-state').getByText('待补正').waitFor();
    const notice = r.getByTestId('application-returned');
    expect(await notice.innerText()).toContain(RETURN_REASON);
    expect(await r.getByTestId('application-missing').innerText()).toContain('居民户口簿');
    expect(await r.getByTestId('app-material-hukou').getAttribute('data-missing')).toBe('true');
    // Resubmitting without the document is refused on the page.
    await r.getByTestId('resubmit-submit').click();
    await r.getByTestId('material-hukou-error').waitFor();
    await r.getByTestId('resubmit-form').getByTestId('material-hukou-input').setInputFiles({ name: '户口簿.png', mimeType: 'image/png', buffer: png(40, 30, [160, 40, 40]) });
    await r.getByTestId('material-hukou-files').getByText('户口簿.png').waitFor();
    await r.getByTestId('resubmit-submit').click();
    await r.getByTestId('message-success').waitFor();
    await r.getByTestId('application-detail-state').getByText('待受理').waitFor();
    expect(await filesOf()).toEqual(['bank', 'hukou', 'id-card']);
    expect(await r.getByTestId('application-returned').count()).toBe(0);

    // ---- Staff: 受理, 审核通过, 办结 with a result file.
    await s.reload();
    await s.getByTestId('application-facts').getByTestId('application-state').getByText('待受理', { exact: true }).waitFor();
    expect(await s.getByTestId('application-materials').getByTestId('application-file').count()).toBe(3);
    expect(await s.getByTestId('application-timeline').innerText()).toContain(RETURN_REASON);
    await takeStep(s, 'accept', '审核中');
    await takeStep(s, 'approve', '待办结');
    await takeStep(s, 'complete', '已办结', async () => {
      await s.getByTestId('step-comment').fill(RESULT);
      await s.getByTestId('step-form').locator('input[type=file]').setInputFiles({ name: '高龄津贴核准通知书.pdf', mimeType: 'application/pdf', buffer: PDF });
      await s.getByTestId('step-form').getByText('高龄津贴核准通知书.pdf').waitFor();
      await s.getByTestId('step-form').locator('.ant-upload-list-item-done').waitFor();
    });
    expect(await s.getByTestId('application-facts').innerText()).toContain(RESULT);

    const completed = await db.selectFrom('service_application').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(completed).toMatchObject({ state: 'completed', result: RESULT, return_count: 1 });
    expect(completed.completed_at).toBeTruthy();
    expect(await filesOf()).toEqual(['bank', 'hukou', 'id-card', 'result']);

    // ---- The resident sees 办结 on the timeline, with the result, and rates it.
    await r.reload();
    await r.getByTestId('application-detail-state').getByText('已办结').waitFor();
    const steps = r.getByTestId('application-step');
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-transition')))).toEqual(['start', 'return', 'resubmit', 'accept', 'approve', 'complete']);
    const last = steps.last();
    expect(await last.getAttribute('data-to')).toBe('completed');
    expect(await last.innerText()).toContain('办结');
    expect(await last.innerText()).toContain('已办结');
    expect(await r.getByTestId('application-result').innerText()).toContain(RESULT);
    expect(await r.getByTestId('application-result').innerText()).toContain('高龄津贴核准通知书.pdf');
    await r.getByTestId('rate-满意').click();
    await r.getByTestId('rate-submit').click();
    await r.getByTestId('application-detail-state').getByText('已评价').waitFor();
    expect((await db.selectFrom('service_application').select(['state', 'rating']).where('id', '=', row.id).executeTakeFirstOrThrow())).toMatchObject({ state: 'rated', rating: '满意' });

    // 我的办事 lists it; the staff API agrees with what the pages showed.
    await r.goto(`${server.url}/m/services/applications`);
    const mine = r.getByTestId('my-applications').locator(`[data-code="${code}"]`);
    await mine.waitFor();
    expect(await mine.innerText()).toContain('已评价');
    const session = await loginAs(server.app, 'xishan');
    const detail = (await server.app.inject({ method: 'GET', url: `/api/v1/service-applications/${row.id}`, headers: session.headers })).json();
    expect(detail.timeline.map((x: { toState: string }) => x.toState)).toEqual(['submitted', 'returned', 'submitted', 'accepted', 'approved', 'completed', 'rated']);
    expect(detail.timeline[1].missingMaterials).toEqual([{ code: 'hukou', name: '居民户口簿' }]);

    // No console errors or CSP violations on either side (the 4xx answers the test caused aside).
    expect(resident.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    expect(staff.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await resident.context.close();
    await staff.context.close();
  });

  it('staff apply on behalf of a resident (代办) with a paper document, accept it in bulk, and read the statistics', { timeout: 180_000 }, async () => {
    const db = server.platform.ctx.db.kysely;
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await consoleLogin(s, server.url, 'xishan');
    await s.getByTestId('side-menu').getByText('代办申请', { exact: true }).click();
    await s.waitForURL(/\/console\/service-on-behalf$/);
    await s.getByTestId('on-behalf-matter').click();
    await s.keyboard.type('优待证');
    await s.locator('.ant-select-item-option').filter({ hasText: '老年人优待证办理' }).click();
    await s.getByTestId('on-behalf-person').click();
    await s.getByTestId('on-behalf-person').locator('input').fill('王秀英');
    await s.locator('.ant-select-item-option').filter({ hasText: '王秀英' }).first().click();
    const form = s.getByTestId('on-behalf-form');
    await form.waitFor();
    expect(await s.getByTestId('on-behalf-prefilled').innerText()).toContain('王秀英');
    // Nothing chosen, no reason: refused on the page.
    await s.getByTestId('on-behalf-submit').click();
    await form.getByText('请填写代办原因').waitFor();
    await s.getByTestId('on-behalf-field-delivery').click();
    await s.locator('.ant-select-item-option').filter({ hasText: '网格员送证上门' }).click();
    await s.getByTestId('on-behalf-paper-id-card').check();
    await form.locator('input[type=file]').nth(1).setInputFiles({ name: '一寸照片.png', mimeType: 'image/png', buffer: png(25, 35, [230, 230, 240]) });
    await form.locator('.ant-upload-list-item-done').waitFor();
    await s.getByTestId('on-behalf-reason').fill('独居高龄老人，腿脚不便，网格员上门代办');
    await s.getByTestId('on-behalf-submit').click();
    const done = s.getByTestId('on-behalf-done');
    await done.waitFor();
    const code = /BJ\d{8}-\d{4}/.exec(await done.innerText())?.[0];
    expect(code).toBeTruthy();
    const row = await db.selectFrom('service_application').selectAll().where('code', '=', code!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'submitted', channel: 'on_behalf', applicant_name: '王秀英', agent_reason: '独居高龄老人，腿脚不便，网格员上门代办', matter_code: 'laonian-youdaizheng' });
    expect(JSON.parse(row.paper_materials)).toEqual(['id-card']);
    expect(JSON.parse(row.form_data)).toMatchObject({ delivery: '网格员送证上门' });
    expect((await db.selectFrom('service_application_material').select('material_code').where('application_id', '=', row.id).execute()).map((f) => f.material_code)).toEqual(['photo']);

    // The queue: 待受理 with the 代办 mark; 批量受理.
    await s.getByTestId('side-menu').getByText('办件工作台', { exact: true }).click();
    await s.getByTestId('queue-submitted').click();
    const queueRow = s.getByTestId('applications-table').locator(`tr[data-row-key="${row.id}"]`);
    await queueRow.waitFor();
    expect(await queueRow.innerText()).toContain('代办');
    await queueRow.locator('input[type="checkbox"]').check();
    await s.getByTestId('batch-accept').click();
    expect(await s.getByTestId('batch-result').innerText()).toContain('成功 1 件，失败 0 件');
    expect((await db.selectFrom('service_application').select('state').where('id', '=', row.id).executeTakeFirstOrThrow()).state).toBe('accepted');

    // Statistics per matter: the first test's application was completed on time and rated 满意.
    await s.getByTestId('side-menu').getByText('办件统计', { exact: true }).click();
    const stats = s.getByTestId('statistics-table');
    const gaoling = stats.locator('tr', { hasText: '高龄津贴申领' });
    await gaoling.waitFor();
    const cells = await gaoling.locator('td').allInnerTexts();
    expect(cells.slice(0, 6)).toEqual(['高龄津贴申领', '1', '0', '0', '1', '100.0%']);
    expect(cells[10]).toBe('100.0%');
    expect((await stats.locator('tr', { hasText: '老年人优待证办理' }).locator('td').allInnerTexts()).slice(0, 3)).toEqual(['老年人优待证办理', '1', '1']);
    expect(staff.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await staff.context.close();
  });

  it('the 办事 tab is the hall entry: groups, a pinyin search, and elderly mode on a guide page', { timeout: 120_000 }, async () => {
    const { page: p, context, errors } = await openSession(browser, PHONE);
    await p.goto(`${server.url}/m/services`);
    await p.getByTestId('matter-groups').getByTestId('group-elderly').waitFor();
    // Initials of 高龄津贴申领.
    await p.getByTestId('matter-search-input').fill('gljt');
    await p.getByTestId('matter-search-submit').click();
    await p.waitForURL(/\/m\/services\/matters\?q=gljt$/);
    await p.getByTestId('matter-list').locator('[data-code="gaoling-jintie"]').waitFor();
    // A group lists its matters.
    await p.getByTestId('matter-groups').getByTestId('group-elderly').click();
    await p.waitForURL(/group=elderly/);
    await p.getByTestId('matter-list').locator('[data-code="laonian-youdaizheng"]').waitFor();
    expect(await p.getByTestId('matter-list').locator('[data-code="dibao"]').count()).toBe(0);

    // 长辈模式: large type on the guide, large touch targets.
    await p.evaluate(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 24 })));
    await p.goto(`${server.url}/m/services/matters/gaoling-jintie`);
    await p.getByTestId('matter-guide').waitFor();
    expect(await p.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    const fontSize = await p.getByTestId('matter-conditions').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(24);
    const apply = await p.getByTestId('matter-apply').boundingBox();
    expect(apply!.height).toBeGreaterThanOrEqual(60);
    expect(errors).toEqual([]);
    await context.close();
  });
});
