import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import { earnPoints } from '../../src/modules/volunteers/points.accounts.js';
import * as fund from '../../src/modules/volunteers/fund.service.js';
import * as rewards from '../../src/modules/volunteers/rewards.service.js';
import { consoleLoginAs, contrast, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 爱心超市 and 互助基金 in Chromium: a resident with points orders a reward on a phone in 长辈模式
 * and sees the code to show; staff enter the code in the console and hand it over; the resident
 * applies to the fund; anyone (no login) reads the fund's public books, with anonymous donors as
 * 爱心人士 and no applicant's full name.
 */

describe('rewards and the mutual-aid fund', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    const xishan = (await loadActor(ctx.db.kysely, server.fixture.users.xishan!))!;
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const day = new Date(ctx.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    await rewards.createItem(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, name: '洗衣液 2kg', description: '低泡易漂', category: '日用品', pricePoints: 80, stock: 5, limitPerPerson: null, limitPeriod: 'month', holdDays: 7, pictureAttachmentId: null, availableFrom: null, availableTo: null, sort: 0 }, meta);
    await rewards.createItem(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, name: '东北大米 5kg', description: '', category: '粮油', pricePoints: 200, stock: 3, limitPerPerson: 1, limitPeriod: 'month', holdDays: 7, pictureAttachmentId: null, availableFrom: null, availableTo: null, sort: 1 }, meta);
    await earnPoints(ctx.db.kysely, { holder: { personId: reg.people.zhu }, amount: 120, orgNodeId: server.fixture.nodes.xishan.id, source: { type: 'test', id: 'browser' }, memo: '好人好事：拾金不昧', createdBy: null, at: ctx.now() });
    const f = await fund.createFund(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, name: '西山社区互助基金', description: '社区居民互助' }, meta);
    await fund.recordDonation(ctx, xishan, f.id, { kind: 'transfer', amountFen: 2_000_000, goods: null, donorType: 'organisation', donorName: '海宁市西山物业服务有限公司', anonymous: false, receivedOn: day, note: null }, meta);
    await fund.recordDonation(ctx, xishan, f.id, { kind: 'cash', amountFen: 100_000, goods: null, donorType: 'person', donorName: '陆建明', anonymous: true, receivedOn: day, note: null }, meta);
    // 王秀英's application, approved by two and paid: her name must not appear in full in public.
    const app = await fund.fileOnBehalf(ctx, xishan, f.id, { personId: reg.people.wang, category: '大病救助', reason: '髋关节置换手术，自付费用较高。', amountFen: 500_000, attachmentIds: [] }, meta);
    const party = (await loadActor(ctx.db.kysely, server.fixture.users.party!))!;
    const first = await fund.decide(ctx, xishan, app.id, { decision: 'approve', amountFen: 500_000, comment: '属实', expectedVersion: app.version }, meta);
    await fund.decide(ctx, party, app.id, { decision: 'approve', amountFen: 500_000, comment: '同意', expectedVersion: first.version }, meta);
    await fund.disburse(ctx, xishan, app.id, { amountFen: 500_000, method: 'transfer', paidOn: day, note: null }, meta);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident orders with points on a phone in 长辈模式; staff fulfil the code in the console', async () => {
    const resident = await openSession(browser, PHONE);
    await resident.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    const page = resident.page;
    await page.goto(`${server.url}/m/volunteer/rewards`);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    await page.getByTestId('reward-points').and(page.locator('[data-points="120"]')).waitFor();
    await page.getByRole('heading', { name: '积分与爱心超市' }).waitFor();
    // The rice costs more than they have: no order button, the gap is said in words.
    const rice = page.getByTestId('reward-item').filter({ hasText: '东北大米 5kg' });
    await rice.getByText('积分不足，还差 80 分').waitFor();
    const soap = page.getByTestId('reward-item').filter({ hasText: '洗衣液 2kg' });
    await soap.getByTestId('reward-order').click();
    // No pop-up: the confirmation is on the page, with 60 px targets in 长辈模式.
    const yes = soap.getByTestId('reward-confirm-yes');
    expect((await yes.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await yes.click();
    await page.getByTestId('reward-points').and(page.locator('[data-points="40"]')).waitFor();
    const codeBox = page.getByTestId('reward-code');
    await codeBox.waitFor();
    const code = (await codeBox.textContent())!.replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    const style = await codeBox.evaluate((el) => {
      const s = getComputedStyle(el);
      return { size: parseFloat(s.fontSize), color: s.color, bg: getComputedStyle(document.body).backgroundColor };
    });
    expect(style.size).toBeGreaterThanOrEqual(30);
    expect(contrast(style.color, style.bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : style.bg)).toBeGreaterThanOrEqual(4.5);
    expect(resident.errors.filter((e) => !/favicon/.test(e))).toEqual([]);

    const staff = await openSession(browser, DESKTOP);
    await consoleLoginAs(staff.page, server.url, 'xishan');
    await staff.page.getByTestId('side-menu').getByText('积分与互助基金', { exact: true }).click();
    await staff.page.getByRole('tab', { name: '兑换核销' }).click();
    await staff.page.getByTestId('reward-fulfil-code').fill(code);
    await staff.page.getByTestId('reward-fulfil-check').click();
    await staff.page.getByText('朱志强').first().waitFor();
    await staff.page.getByTestId('reward-fulfil').click();
    await staff.page.getByText('已核销：朱志强 领取 洗衣液 2kg × 1').waitFor();
    // The fund's books and the committee's applications in the same page.
    await staff.page.getByRole('tab', { name: '互助基金' }).click();
    await staff.page.getByText('基金余额').waitFor();
    await staff.page.getByRole('cell', { name: /^\d{4}-\d{2}$/ }).first().waitFor();
    await staff.page.getByRole('tab', { name: '救助申请与审批' }).click();
    await staff.page.getByRole('row').filter({ hasText: '王秀英' }).getByText('查看').click();
    await staff.page.getByText('髋关节置换手术，自付费用较高。').waitFor();
    expect(staff.errors.filter((e) => !/favicon/.test(e))).toEqual([]);

    // The resident's page shows it collected after a reload.
    await page.reload();
    await page.getByTestId('reward-history').getByText('已领取').waitFor();
    expect(await page.getByTestId('reward-pending-order').count()).toBe(0);
  });

  it('a resident applies for help; anyone reads the public books without names of applicants', async () => {
    const resident = await openSession(browser, PHONE);
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    const page = resident.page;
    await page.goto(`${server.url}/m/fund/apply`);
    const form = page.getByTestId('fund-apply-form');
    await form.waitFor();
    await page.getByTestId('fund-category').selectOption('临时困难');
    await page.getByTestId('fund-amount').fill('3000');
    await page.getByTestId('fund-reason').fill('太短');
    await page.getByTestId('fund-apply-submit').click();
    await page.getByTestId('message-error').waitFor();
    await page.getByTestId('fund-reason').fill('父亲摔伤住院，本人暂停工作照顾，家庭临时困难。');
    await page.getByTestId('fund-apply-submit').click();
    await page.getByText(/申请已提交，编号 HZ\d{4}-\d{4}/).waitFor();
    await page.locator('[data-testid="fund-my-application"][data-status="submitted"]').waitFor();
    // The one refused submission (reason too short) is the only error the page logged.
    expect(resident.errors.filter((e) => !/favicon|400 \(Bad Request\)/.test(e))).toEqual([]);

    const visitor = await openSession(browser, PHONE);
    await visitor.page.goto(`${server.url}/m/fund/${server.fixture.nodes.xishan.id}`);
    await visitor.page.getByTestId('fund-summary').getByText('西山社区互助基金').waitFor();
    const balance = await visitor.page.getByTestId('fund-balance').getAttribute('data-fen');
    expect(Number(balance)).toBe(2_000_000 + 100_000 - 500_000);
    const entries = visitor.page.getByTestId('fund-entries');
    await entries.getByText('爱心人士').waitFor();
    await entries.getByText('王**（大病救助）').waitFor();
    const text = await visitor.page.locator('main').textContent();
    for (const hidden of ['王秀英', '陆建明', '朱志强', '髋关节']) expect(text).not.toContain(hidden);
    await visitor.page.getByTestId('fund-months').waitFor();
    expect(visitor.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
