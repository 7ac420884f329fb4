import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { composeIdNumber } from '../../src/platform/cn/id-number.js';
import { seedRegistryFixture, type RegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loginAs } from '../helpers/http.js';
import { DESKTOP, launchBrowser, openSession, PASSWORD, PHONE, startServer, type TestServer } from './harness.js';

/*
 * The registry end to end in Chromium: community staff import a roster through the console
 * (the server's scheduler runs the job), watch it finish, read and download the rejected
 * rows, find an imported person by pinyin initials, and generate the ledgers the import fed;
 * then the resident sees their own record and who looked at it, on a phone, in 长辈模式.
 */

const id = (birth: string, seq: number) => composeIdNumber('330481', birth, seq);
/** The same number with its check character replaced by another one: a typo GB 11643 catches. */
const wrongCheck = (n: string) => n.slice(0, 17) + (n[17] === '1' ? '2' : '1');

const OUYANG = id('1975-06-18', 82); // 欧阳晓梅, 女: initials oyxm, 低保 from the file
const SUN = id('1940-03-05', 31); // 孙德胜, 男, 86: 高龄老人 derived from the birth date
const WRONG = wrongCheck(id('1988-02-14', 45)); // 钱错号
const UNMASK_PURPOSE = '核实低保申请材料';

async function roster(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(['姓名', '身份证号', '性别', '民族', '联系电话', '楼栋', '单元', '房号', '人员类型', '标签']);
  ws.addRow(['欧阳晓梅', OUYANG, '女', '汉族', '13900001234', '1幢', '1单元', '101室', '户籍人口', '低保']); // row 2
  ws.addRow(['孙德胜', SUN, '男', '汉族', '', '1幢', '1单元', '102室', '户籍人口', '']); // row 3
  ws.addRow(['钱错号', WRONG, '', '', '', '1幢', '1单元', '101室', '', '']); // row 4
  ws.addRow(['赵无楼', id('1990-09-09', 55), '', '', '', '9幢', '1单元', '101室', '', '']); // row 5
  // The ID column as text, as the template has it (a number cell would lose the last digits).
  ws.getColumn(2).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `2026年11月26日`: today in Beijing, as the resident page writes dates. */
function todayChinese(): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}

async function consoleLogin(page: Page, url: string, username: string) {
  await page.goto(`${url}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

describe('registry pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let reg: RegistryFixture;

  beforeAll(async () => {
    // Imports are background jobs: this server runs them as the real one does.
    [server, browser] = await Promise.all([startServer({ runJobsEveryMs: 200 }), launchBrowser()]);
    reg = await seedRegistryFixture(server.platform.ctx, server.fixture.nodes);
    const db = server.platform.ctx.db.kysely;
    // resident01 is 朱志强, head of household 003000001 with his wife and son.
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('username', '=', 'resident01').execute();
    await db.updateTable('person').set({ relation_to_head: '02' }).where('id', '=', reg.people.zhu).execute();
    await db.updateTable('person').set({ relation_to_head: '12' }).where('id', '=', reg.people.xu).execute();
    await db.updateTable('person').set({ relation_to_head: '20' }).where('id', '=', reg.people.child).execute();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('staff import a roster, watch it finish, read and download the rejected rows, find a person by initials and generate ledgers', async () => {
    const { page, context, errors, requests } = await openSession(browser, DESKTOP);
    await consoleLogin(page, server.url, 'xishan');
    const menu = page.getByTestId('side-menu');
    const menuText = await menu.innerText();
    for (const label of ['居民', '户籍/家庭', '房屋', '单位组织', '纠错申请', '标签', '台账', '导入']) expect(menuText).toContain(label);

    // 导入: choose the file, start, and the page follows the job until it is 完成.
    await menu.getByText('导入', { exact: true }).click();
    await page.waitForURL(/\/console\/imports$/);
    await page.locator('input[type="file"]').setInputFiles({ name: '西山社区花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await roster() });
    await page.getByTestId('import-start').click();
    await page.waitForURL(/\/console\/imports\/[^/]+$/);
    const jobId = page.url().split('/').pop()!;
    const detail = page.getByTestId('import-detail');
    await detail.getByTestId('import-status').getByText('完成').waitFor({ timeout: 20_000 });
    expect(requests.filter((u) => u.endsWith(`/api/v1/imports/${jobId}`)).length).toBeGreaterThanOrEqual(1);
    expect(await detail.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await detail.innerText()).toContain('已处理 4 / 4 行');
    const count = async (k: string) => (await detail.getByTestId(`import-count-${k}`).innerText()).replace(/\s+/g, ' ');
    expect(await count('created')).toContain('新增 2');
    expect(await count('updated')).toContain('更新 0');
    expect(await count('rejected')).toContain('未通过 2');
    // The job list shows it too.
    expect(await page.getByTestId('import-jobs').innerText()).toContain('西山社区花名册.xlsx');

    // The rejected rows: the spreadsheet's row numbers and the reasons in Chinese.
    const rejected = page.getByTestId('import-rejections').locator('tbody tr');
    await rejected.first().waitFor();
    const lines = await rejected.allInnerTexts();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^4\s+身份证号校验位错误/);
    expect(lines[1]).toMatch(/^5\s+未找到楼栋 9幢/);
    // Numbers in the raw row are masked.
    expect(lines.join('\n')).not.toContain(id('1990-09-09', 55));

    // 下载错误报告: an xlsx with 行号 and 原因.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-report').click()]);
    expect(download.suggestedFilename()).toBe('西山社区花名册-未通过的行.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(2).values as unknown[]).slice(1, 3)).toEqual(['行号', '原因']);
    // The reason names the number masked, as every screen and file does.
    expect([sheet.getCell('A3').value, sheet.getCell('B3').value]).toEqual([4, `身份证号校验位错误，请核对（330481********${WRONG.slice(-4)}）`]);
    expect(JSON.stringify(sheet.getSheetValues())).not.toContain(WRONG);
    expect([sheet.getCell('A4').value, sheet.getCell('B4').value]).toEqual([5, '未找到楼栋 9幢']);

    // 居民: pinyin initials find 欧阳晓梅; her record is masked and carries the imported tag.
    await menu.getByText('居民', { exact: true }).click();
    await page.waitForURL(/\/console\/people$/);
    const table = page.getByTestId('people-table');
    await table.getByText('朱志强').waitFor();
    await page.getByTestId('people-search').locator('input').fill('oyxm');
    await page.getByTestId('people-search').locator('input').press('Enter');
    await table.getByText('欧阳晓梅').waitFor();
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(1);
    const row = await table.locator('tbody tr.ant-table-row').innerText();
    expect(row).toContain(`330481********${OUYANG.slice(-4)}`);
    expect(row).toContain('139****1234');
    expect(row).toContain('低保');
    expect(row).not.toContain(OUYANG);
    await table.getByRole('button', { name: '欧阳晓梅' }).click();
    const drawer = page.getByTestId('person-detail');
    await drawer.waitFor();
    expect(await page.getByTestId('person-id-number').innerText()).toBe(`330481********${OUYANG.slice(-4)}`);
    expect(await drawer.innerText()).toMatch(/1幢1单元101室/);
    await page.locator('.ant-drawer-close').click();

    // 台账: the 民政 低保 ledger lists her, generated from the one registry …
    await menu.getByText('台账', { exact: true }).click();
    await page.waitForURL(/\/console\/ledgers$/);
    await page.getByTestId('ledger-list').getByRole('link', { name: '低保对象台账' }).click();
    const rows = page.getByTestId('ledger-rows');
    await rows.getByText('欧阳晓梅').waitFor();
    expect(await page.getByTestId('ledger-title').innerText()).toBe('低保对象台账');
    expect(await page.getByTestId('ledger-total').innerText()).toBe('共 1 人');
    expect(await page.getByTestId('ledger-sheet').innerText()).toContain('填报单位：硖石街道西山社区');
    // … and downloads as an xlsx with its title row.
    const [ledgerFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export').click()]);
    expect(ledgerFile.suggestedFilename()).toMatch(/低保对象台账.*\.xlsx$/);
    const ledgerBook = new ExcelJS.Workbook();
    await ledgerBook.xlsx.load(fs.readFileSync((await ledgerFile.path())!) as never);
    expect(String(ledgerBook.worksheets[0]!.getCell('A1').value)).toContain('低保对象台账');

    // The 80+ ledger holds 孙德胜: 高龄老人 was derived from the birth date the import gave.
    await menu.getByText('台账', { exact: true }).click();
    await page.getByTestId('ledger-list').getByRole('link', { name: '80岁以上高龄老人台账' }).click();
    await rows.getByText('孙德胜').waitFor();
    expect(await page.getByTestId('ledger-total').innerText()).toBe('共 1 人');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('the resident sees their record, household and who unmasked their ID, on a phone in 长辈模式, and asks for a correction inline', async () => {
    // Staff look at the full ID number, with a purpose: the resident must be able to see it.
    const staff = await loginAs(server.app, 'xishan');
    const unmask = await server.app.inject({ method: 'GET', url: `/api/v1/people/${reg.people.zhu}?unmask=true&purpose=${encodeURIComponent(UNMASK_PURPOSE)}`, headers: staff.headers });
    expect(unmask.statusCode, unmask.body).toBe(200);
    expect(unmask.json()).toMatchObject({ unmasked: true, idNumber: '33048119800101001X' });

    const { page, context, errors } = await openSession(browser, PHONE);
    await page.goto(`${server.url}/m/login`);
    await page.locator('#login-username').fill('resident01');
    await page.locator('#login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByText('您好，居民 朱志强').waitFor();

    // 我的 → 长辈模式 on → 我的档案.
    await page.getByTestId('tab-/me').click();
    await page.getByTestId('elderly-toggle').click();
    await page.getByTestId('font-larger').waitFor();
    await page.getByTestId('me-record-link').click();
    await page.waitForURL(/\/m\/me\/record$/);
    expect(await page.locator('.r-topbar').innerText()).toBe('我的档案');
    // 我的 stays the current tab under its sub-page.
    expect(await page.locator('nav.r-tabbar a[aria-current="page"]').innerText()).toBe('我的');

    const record = page.getByTestId('my-record');
    await record.getByText('朱志强').waitFor();
    const recordText = await record.innerText();
    expect(recordText).toContain('330481********001X');
    expect(recordText).toContain('138****5678');
    expect(recordText).toContain('1幢1单元101室');
    expect(recordText).not.toContain('33048119800101001X');
    const household = await page.getByTestId('my-household').innerText();
    expect(household).toContain('户号 003000001');
    expect(household).toMatch(/徐美玲[\s\S]*妻/);
    expect(household).toMatch(/朱浩然[\s\S]*子/);

    // 谁查看了我的信息: who, which office, why, when (a Chinese date).
    const access = page.getByTestId('access-entry').filter({ hasText: '查看完整号码' });
    await access.first().waitFor();
    const entry = await access.first().innerText();
    expect(entry).toContain('西山社区 王秀英');
    expect(entry).toContain('社区/网格工作人员');
    expect(entry).toContain(`用途：${UNMASK_PURPOSE}`);
    expect(entry).toContain(todayChinese());

    // Elderly mode: large text, 60 px targets.
    expect(await page.locator('main').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(18);
    for (const sel of ['[data-testid="correct-submit"]', '[data-testid="correct-field"]']) {
      const box = (await page.locator(sel).boundingBox())!;
      expect(box.height, sel).toBeGreaterThanOrEqual(60);
    }

    // 申请更正: an inline message, no toast or dialog; the request shows under 我的申请.
    await page.getByTestId('correct-field').selectOption('phone');
    await page.locator('#correct-value').fill('13911112222');
    await page.getByTestId('correct-submit').click();
    await page.getByTestId('message-success').waitFor();
    expect(await page.getByTestId('message-success').innerText()).toContain('已提交');
    expect(await page.locator('[role="dialog"], .adm-mask, .adm-toast-main').count()).toBe(0);
    const requests = page.getByTestId('my-requests');
    await requests.getByText('139****2222', { exact: false }).waitFor();
    expect(await requests.innerText()).toMatch(/联系电话[\s\S]*待处理/);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('staff register a person (the server’s errors beside the fields), see the full number with a purpose and answer a correction; an officer must state a purpose and sees only mandate people', async () => {
    const resident = await loginAs(server.app, 'resident01');
    const filed = await server.app.inject({ method: 'POST', url: '/api/v1/me/corrections', headers: resident.headers, payload: { field: 'occupation', requestedValue: '退休教师' } });
    expect(filed.statusCode, filed.body).toBe(201);
    // 王秀英 (grid02) lives alone: a 民政 mandate tag, so the civil affairs officer may see her.
    const staffApi = await loginAs(server.app, 'xishan');
    const tagged = await server.app.inject({ method: 'POST', url: `/api/v1/people/${reg.people.wang}/tags`, headers: staffApi.headers, payload: { tag: '独居老人' } });
    expect(tagged.statusCode, tagged.body).toBe(201);

    const { page, context, errors } = await openSession(browser, DESKTOP);
    await consoleLogin(page, server.url, 'xishan');
    const menu = page.getByTestId('side-menu');
    await menu.getByText('居民', { exact: true }).click();
    await page.getByTestId('people-table').getByText('朱志强').waitFor();

    // 登记居民: a wrong check digit comes back from the server and is shown under the field.
    const good = id('1992-07-07', 66);
    await page.getByTestId('people-new').click();
    const form = page.getByTestId('person-form');
    await form.getByTestId('form-name').fill('韩新');
    await form.getByTestId('form-id-number').fill(wrongCheck(good));
    await form.getByTestId('form-community').click();
    await page.locator('.ant-select-tree').getByTitle('西山社区（社区）').click();
    await form.getByRole('button', { name: /保\s*存/ }).click();
    const idError = form.locator('.ant-form-item').filter({ has: page.getByTestId('form-id-number') }).locator('.ant-form-item-explain-error');
    await idError.waitFor();
    expect(await idError.innerText()).toContain('身份证号码无效');
    await form.getByTestId('form-id-number').fill(good);
    await form.getByRole('button', { name: /保\s*存/ }).click();

    // Saved: the drawer opens on the new record (no dwelling: kept at community level).
    const detail = page.getByTestId('person-detail');
    await detail.getByText('韩新').waitFor();
    expect(await page.getByTestId('person-id-number').innerText()).toBe(`330481********${good.slice(-4)}`);
    // 查看完整号码 asks why, then shows the number.
    await page.getByTestId('person-unmask').click();
    await page.getByTestId('unmask-purpose').fill('核对登记信息');
    await page.locator('.ant-modal').getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(() => page.getByTestId('person-id-number').innerText()).toBe(good);
    await page.locator('.ant-drawer-close').click();
    // … and is listed for placement.
    await page.getByRole('tab', { name: '待安置' }).click();
    await page.getByTestId('unplaced-table').getByText('韩新').waitFor();

    // 纠错申请: the resident's request, open first; answered and applied.
    await menu.getByText('纠错申请', { exact: true }).click();
    const queue = page.getByTestId('correction-table');
    const request = queue.locator('tbody tr').filter({ hasText: '退休教师' });
    await request.waitFor();
    expect(await request.innerText()).toMatch(/朱志强[\s\S]*职业[\s\S]*待处理/);
    await request.getByRole('button', { name: /办\s*理/ }).click();
    await page.locator('.ant-modal').getByLabel('答复').fill('已核实，已更正');
    await page.locator('.ant-modal').getByRole('button', { name: /提\s*交/ }).click();
    await request.getByText('已办结').waitFor();
    const occupation = await server.platform.ctx.db.kysely.selectFrom('person').select('occupation').where('id', '=', reg.people.zhu).executeTakeFirstOrThrow();
    expect(occupation.occupation).toBe('退休教师');
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();

    // 民政: nothing is listed before a purpose is given; then only mandate people and fields.
    const officer = await openSession(browser, DESKTOP);
    await consoleLogin(officer.page, server.url, 'civil');
    await officer.page.getByTestId('side-menu').getByText('居民', { exact: true }).click();
    await officer.page.getByTestId('purpose-bar').waitFor();
    // Not networkidle: the live notification stream stays open while logged in. The page has
    // settled when its own requests are done; give a stray list request the time to show.
    await officer.page.waitForLoadState('load');
    await officer.page.waitForTimeout(800);
    expect(officer.requests.some((u) => /\/api\/v1\/people\?/.test(u))).toBe(false);
    await officer.page.getByTestId('purpose-input').fill('独居老人走访');
    await officer.page.getByTestId('purpose-set').click();
    const list = officer.page.getByTestId('people-table');
    await list.getByText('王秀英').waitFor();
    const names = await list.locator('tbody tr.ant-table-row td:first-child').allInnerTexts();
    expect(names).toContain('王秀英');
    expect(names).not.toContain('朱志强');
    expect(await list.locator('thead').innerText()).not.toContain('人口类型');
    expect(officer.requests.some((u) => u.includes('purpose=') && /\/api\/v1\/people\?/.test(u))).toBe(true);
    expect(officer.errors).toEqual([]);
    await officer.context.close();
  });
});
