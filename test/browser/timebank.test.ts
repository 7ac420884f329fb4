import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import { createUser } from '../../src/platform/auth/users.service.js';
import * as lectures from '../../src/modules/volunteers/lectures.service.js';
import * as timebank from '../../src/modules/volunteers/timebank.service.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PASSWORD, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 邻里时间银行 and 微课 in Chromium: a resident joins on a phone in 长辈模式 and posts a need; a
 * neighbour takes it and says it is done; the resident confirms and the hours move; the resident
 * signs up for a lecture whose video is a plain link; staff see the overview (the ledger's escrow
 * beside the exchanges), decide a dispute and open a lecture's sign-ups in the console.
 */

const DAY = 86_400_000;

describe('time bank and micro-lectures', () => {
  let server: TestServer;
  let browser: Browser;
  let lectureId: string;
  let disputedId: string;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const db = ctx.db.kysely;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', server.fixture.users.volunteer01!).execute();
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const xu = (await loadActor(db, server.fixture.users.volunteer01!))!;
    const xishan = (await loadActor(db, server.fixture.users.xishan!))!;
    await timebank.join(ctx, xu, { contactNote: '白天上班，微信联系' }, meta);
    // A disputed exchange for the console: 徐美玲 offered, a second neighbour (王秀英) booked and disputes.
    const wangId = await createUser(ctx, { username: 'wang', displayName: '居民 王秀英', password: PASSWORD, mustChangePassword: false, isDemo: true, personId: reg.people.wang, grants: [{ role: 'resident', orgNodeId: server.fixture.nodes.grid02.id }] }, db);
    const wang = (await loadActor(db, wangId))!;
    await timebank.join(ctx, wang, {}, meta);
    const offer = await timebank.createPost(ctx, xu, { kind: 'offer', category: '手机电脑', title: '教老人用智能手机', description: '微信视频、挂号。', minutes: 60 }, meta);
    const booked = await timebank.bookOffer(ctx, wang, offer.post.id, { minutes: 60, neededBy: new Date(ctx.now().getTime() + 2 * DAY).toISOString() }, meta);
    await timebank.dispute(ctx, wang, booked.id, { reason: '约好的时间没有来，也没有联系我' }, meta);
    disputedId = booked.id;
    const start = new Date(ctx.now().getTime() + 3 * DAY);
    const l = await lectures.createLecture(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, title: '守好钱袋子：防范电信网络诈骗', speaker: '硖石派出所社区民警 沈建明', body: '冒充客服、刷单返利……\n现场安装国家反诈中心 App。', videoUrl: 'https://tv.cctv.com/', place: '西山社区党群服务中心一楼会议室', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 90 * 60_000).toISOString(), capacity: 30, publish: true }, meta);
    lectureId = l.id;
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident joins and posts a need on a phone in 长辈模式; a neighbour takes it; the hours move on confirmation', async () => {
    const resident = await openSession(browser, PHONE);
    await resident.context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    const page = resident.page;
    await page.goto(`${server.url}/m/community`);
    await page.getByTestId('community-timebank-link').click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    // Joining: the rules in full, agreeing, no pop-up.
    await page.getByTestId('timebank-join').waitFor();
    await page.getByTestId('timebank-join-submit').click();
    await page.getByText('请先勾选同意规则').waitFor();
    await page.getByTestId('timebank-agree').check();
    await page.getByTestId('timebank-join-submit').click();
    await page.getByTestId('timebank-balance').and(page.locator('[data-balance="120"]')).waitFor();
    // 60 px targets in 长辈模式.
    const tab = page.getByTestId('timebank-tab-post');
    expect((await tab.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await tab.click();
    await page.getByTestId('timebank-title').fill('帮忙去药店买降压药');
    await page.getByTestId('timebank-minutes').selectOption('60');
    const submit = page.getByTestId('timebank-post-submit');
    expect((await submit.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await submit.click();
    const detail = page.getByTestId('timebank-post-detail');
    await detail.and(page.locator('[data-status="open"]')).waitFor();
    const postId = (await detail.getAttribute('data-id'))!;

    const neighbour = await openSession(browser, PHONE);
    await residentLoginAs(neighbour.page, server.url, 'volunteer01', '志愿者 徐美玲');
    await neighbour.page.goto(`${server.url}/m/timebank`);
    await neighbour.page.getByTestId('timebank-list-need').getByText('帮忙去药店买降压药').click();
    await neighbour.page.getByTestId('timebank-take').click();
    await neighbour.page.getByTestId('timebank-exchange').and(neighbour.page.locator('[data-status="held"]')).waitFor();
    await neighbour.page.getByTestId('timebank-done').click();
    await neighbour.page.getByTestId('timebank-exchange').and(neighbour.page.locator('[data-status="done"]')).waitFor();

    await page.goto(`${server.url}/m/timebank/${postId}`);
    const mine = page.getByTestId('timebank-exchange').and(page.locator('[data-role="requester"]'));
    await mine.getByText('白天上班，微信联系').waitFor();
    await page.getByTestId('timebank-accept').click();
    await page.getByTestId('timebank-exchange').and(page.locator('[data-status="completed"]')).waitFor();
    await page.goto(`${server.url}/m/timebank`);
    await page.getByTestId('timebank-balance').and(page.locator('[data-balance="60"]')).waitFor();
    await page.getByTestId('timebank-tab-statement').click();
    await page.getByTestId('timebank-statement').getByText('时间银行冻结：帮忙去药店买降压药').waitFor();
    expect(resident.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    expect(neighbour.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await neighbour.context.close();
    await resident.context.close();
  });

  it('a resident signs up for a lecture; the video is a link to its site, never embedded', async () => {
    const resident = await openSession(browser, PHONE);
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    const page = resident.page;
    await page.goto(`${server.url}/m/lectures`);
    await page.getByTestId('lectures-list').getByText('守好钱袋子：防范电信网络诈骗').click();
    await page.getByTestId('lecture-detail').waitFor();
    const video = page.getByTestId('lecture-video');
    expect(await video.getAttribute('href')).toBe('https://tv.cctv.com/');
    expect(await video.getAttribute('rel')).toContain('noopener');
    expect(await video.textContent()).toContain('tv.cctv.com');
    expect(await page.locator('iframe, video, embed, object').count()).toBe(0);
    await page.getByTestId('lecture-signup').click();
    await page.getByTestId('lecture-mine').and(page.locator('[data-status="signed"]')).waitFor();
    expect(resident.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await resident.context.close();
  });

  it('the room’s code checks a signed-up resident in once, then shows the lecture', async () => {
    const { ctx } = server.platform;
    const db = ctx.db.kysely;
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const xishan = (await loadActor(db, server.fixture.users.xishan!))!;
    const zhu = (await loadActor(db, server.fixture.users.resident01!))!;
    const start = new Date(ctx.now().getTime() + 10 * 60_000);
    const l = await lectures.createLecture(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, title: '急救知识：心肺复苏与 AED', speaker: '市红十字会 培训师', body: '', videoUrl: null, place: '西山社区党群服务中心二楼', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 60 * 60_000).toISOString(), capacity: 20, publish: true }, meta);
    await lectures.signUp(ctx, zhu, l.id, meta);
    const qr = await lectures.checkinQr(ctx, xishan, l.id, server.url);
    const resident = await openSession(browser, PHONE);
    await residentLoginAs(resident.page, server.url, 'resident01', '居民 朱志强');
    const page = resident.page;
    await page.goto(`${server.url}${qr.path}`);
    await page.getByTestId('lecture-outcome').getByText('签到成功').waitFor();
    await page.getByTestId('lecture-mine').and(page.locator('[data-attended="1"]')).waitFor();
    await page.goto(`${server.url}${qr.path}`);
    await page.getByTestId('lecture-outcome').getByText('您已签到过了').waitFor();
    expect(resident.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await resident.context.close();
  });

  it('staff see the overview, decide a dispute, and open a lecture’s sign-ups in the console', async () => {
    const staff = await openSession(browser, DESKTOP);
    await consoleLoginAs(staff.page, server.url, 'xishan');
    const page = staff.page;
    await page.goto(`${server.url}/console/volunteers/timebank/${disputedId}`);
    await page.getByTestId('timebank-overview').getByText('账实相符：冻结时长与托管账户余额一致').waitFor();
    const drawer = page.getByTestId('timebank-exchange-drawer');
    await drawer.and(page.locator('[data-status="disputed"]')).waitFor();
    await drawer.getByText('王秀英').first().waitFor();
    await page.getByTestId('timebank-resolve-form').getByLabel('退回求助人（服务未提供）').check();
    await page.getByTestId('timebank-resolve-form').locator('textarea').fill('电话核实：约定时间未上门，时长退回');
    await page.getByTestId('timebank-resolve').click();
    await drawer.and(page.locator('[data-status="resolved"]')).waitFor();

    await page.goto(`${server.url}/console/volunteers/lectures/${lectureId}`);
    await page.getByTestId('lecture-signups').getByText('朱志强').waitFor();
    expect(staff.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await staff.context.close();
  });
});
