import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { seedPartyFixture, type PartyFixture } from '../../src/modules/party/party.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import * as points from '../../src/modules/volunteers/points.service.js';
import * as study from '../../src/modules/party/study.service.js';
import * as branch from '../../src/modules/party/branch.service.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * Party part 2 in Chromium: a party member on a phone in 长辈模式 reads a study material and marks
 * it read, sees the branch's notice and task and posts in the discussion, records a good deed;
 * community staff verify it in the console; the member's points show; anyone (no login) reads the
 * public honour roll, which shows no phone number.
 */

describe('party study, online branch, good deeds and points', () => {
  let server: TestServer;
  let browser: Browser;
  let pf: PartyFixture;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    pf = await seedPartyFixture(ctx, server.fixture, reg);
    const db = ctx.db.kysely;
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const xishan = (await loadActor(db, server.fixture.users.xishan!))!;
    const sec1 = (await loadActor(db, pf.users.sec1))!;
    await points.createRule(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, name: '好人好事积分', sourceKind: 'good_deed', pointsPerUnit: 20, maxPerAward: null, maxPerMonth: null, validFrom: null, validTo: null, description: '' }, meta);
    await study.createMaterial(ctx, sec1, { orgId: pf.orgs.branch1, kind: 'article', title: '学习贯彻党的二十届三中全会精神', body: '一、深刻领会进一步全面深化改革的重大意义。\n二、结合社区工作实际谈体会。', suggestedMinutes: 10 }, meta);
    await branch.createNotice(ctx, sec1, pf.orgs.branch1, { title: '关于开展主题党日活动的通知', body: '本周六下午两点半在社区党群服务中心开展主题党日活动。', pinned: true }, meta);
    const day = new Date(ctx.now().getTime() + 8 * 3_600_000 + 5 * 86_400_000).toISOString().slice(0, 10);
    await branch.createTask(ctx, sec1, pf.orgs.branch1, { title: '入户走访独居老人', description: '每人走访两户。', dueOn: day }, meta);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a member studies, reports a task and posts on a phone in 长辈模式', async () => {
    const member = await openSession(browser, PHONE);
    await member.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(member.page, server.url, 'resident01', '居民 朱志强');
    const page = member.page;

    await page.goto(`${server.url}/m/party/study`);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    await page.getByRole('heading', { name: '党员学习' }).waitFor();
    const item = page.getByTestId('study-item').filter({ hasText: '学习贯彻党的二十届三中全会精神' });
    await item.getByText('未学').waitFor();
    await item.getByRole('button').click();
    await page.getByText('一、深刻领会进一步全面深化改革的重大意义。').waitFor();
    const mark = page.getByTestId('study-mark-read');
    expect((await mark.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await mark.click();
    await page.getByText(/已记录：.* 学完/).waitFor();
    const rec = await server.platform.ctx.db.kysely.selectFrom('party_study_record').select(['read_at']).where('member_id', '=', pf.members.zhu).executeTakeFirstOrThrow();
    expect(rec.read_at).not.toBeNull();

    await page.goto(`${server.url}/m/party/branch`);
    await page.getByRole('heading', { name: '网上E支部' }).waitFor();
    await page.getByTestId('branch-notices').getByText('关于开展主题党日活动的通知').waitFor();
    const task = page.getByTestId('branch-task').filter({ hasText: '入户走访独居老人' });
    await task.getByTestId('task-note').fill('已走访紫微苑 3 幢两户，取暖正常。');
    await task.getByTestId('task-done').click();
    await page.getByTestId('branch-task').and(page.locator('[data-status="done"]')).waitFor();
    // Plain text stays text: markup is shown, never rendered.
    await page.getByTestId('post-body').fill('周六一起去看望独居老人 <b>有空的回复</b>');
    await page.getByTestId('post-submit').click();
    await page.getByTestId('branch-post').filter({ hasText: '周六一起去看望独居老人 <b>有空的回复</b>' }).waitFor();
    expect(await page.locator('[data-testid="branch-post"] b').count()).toBe(0);
    expect(member.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('a resident records a deed, staff verify it in the console, the points and the public roll show it', async () => {
    const member = await openSession(browser, PHONE);
    await member.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(member.page, server.url, 'resident01', '居民 朱志强');
    const page = member.page;
    await page.goto(`${server.url}/m/deeds`);
    await page.getByRole('heading', { name: '好人好事', exact: true }).waitFor();
    await page.getByTestId('deed-title').fill('拾金不昧');
    await page.getByTestId('deed-description').fill('在西山公园拾到钱包一个，内有现金，失主电话 13812345678，已交还。');
    const submit = page.getByTestId('deed-submit');
    expect((await submit.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await submit.click();
    await page.getByText('已提交，社区核实后会通知您。').waitFor();
    await page.getByTestId('my-deed').and(page.locator('[data-status="pending"]')).getByText('拾金不昧').waitFor();

    const staff = await openSession(browser, DESKTOP);
    await consoleLoginAs(staff.page, server.url, 'xishan');
    await staff.page.goto(`${server.url}/console/party/deeds`);
    await staff.page.getByTestId('deed-open-拾金不昧').click();
    await staff.page.getByTestId('deed-verify').click();
    await staff.page.getByTestId('deed-done').getByText('已核实，存入 20 分').waitFor();
    expect(staff.errors.filter((e) => !/favicon/.test(e))).toEqual([]);

    await page.reload();
    await page.getByTestId('my-deed').and(page.locator('[data-status="verified"]')).getByText('存入 20 分').waitFor();
    await page.getByTestId('deeds-balance').getByText('我的积分：20 分').waitFor();
    await page.goto(`${server.url}/m/party/points`);
    await page.locator('[data-item="good_deed"]').getByText('1 件 × 3 分 = 3 分').waitFor();

    // The public roll, without logging in: the deed, the name masked (no consent), no phone number.
    const visitor = await openSession(browser, PHONE);
    await visitor.page.goto(`${server.url}/m/deeds/honour/${server.fixture.nodes.xishan.id}`);
    const roll = visitor.page.getByTestId('honour-item').filter({ hasText: '拾金不昧' });
    await roll.getByText('朱**').waitFor();
    const text = await visitor.page.getByTestId('honour-list').textContent();
    expect(text).toContain('138****5678');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('朱志强');
    expect(visitor.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
