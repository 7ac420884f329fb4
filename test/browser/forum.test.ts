import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import * as forum from '../../src/modules/community/forum.service.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 兴趣社区 in Chromium: a resident on a phone sets a nickname, joins a group, posts (one post is
 * held for review and labelled 审核中), opens a neighbour's post whose HTML tried to run script
 * (nothing runs), likes and comments; staff approve the held post in the console; 长辈模式 sizes.
 */

const XSS_TITLE = '春联写好了';

describe('forum in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let groupId: string;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', server.fixture.users.volunteer01!).execute();
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const xishan = (await loadActor(ctx.db.kysely, server.fixture.users.xishan!))!;
    const volunteer = (await loadActor(ctx.db.kysely, server.fixture.users.volunteer01!))!;
    groupId = (await forum.createGroup(ctx, xishan, { orgNodeId: server.fixture.nodes.xishan.id, name: '书画交流', description: '写字画画，交流心得' }, meta)).id;
    await forum.setNickname(ctx, volunteer, { nickname: '美玲志愿者' }, meta);
    await forum.joinGroup(ctx, volunteer, groupId, meta);
    const body = '<p>今天写了一副春联。</p><img src=x onerror="window.__xss = 1"><script>window.__xss = 2</script><a href="javascript:window.__xss=3">看看</a>';
    await forum.createPost(ctx, volunteer, groupId, { title: XSS_TITLE, body, imageIds: [] }, meta);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident sets a nickname, joins, posts, sees a held post as 审核中, likes and comments; no script runs', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await residentLoginAs(page, server.url, 'resident01', '居民 朱志强');
    await page.goto(`${server.url}/m/community`);
    await page.getByTestId('community-forum-link').click();
    await page.getByTestId('forum-nickname-input').fill('文苑老朱');
    await page.getByTestId('forum-nickname-save').click();
    await page.getByTestId('forum-nickname').getByText('文苑老朱').waitFor();
    const group = page.getByTestId('forum-group').filter({ hasText: '书画交流' });
    await group.getByTestId('forum-join').click();
    await group.getByText('已加入').waitFor();
    await group.getByText('书画交流').click();

    await page.getByTestId('forum-post-title').fill('周六书画室见');
    await page.getByTestId('forum-post-body').locator('textarea').fill('第一段\n\n第二段');
    await page.getByTestId('forum-post-submit').click();
    await page.getByTestId('message-success').getByText('已发布').waitFor();
    await page.getByTestId('forum-post-item').filter({ hasText: '周六书画室见' }).waitFor();

    await page.getByTestId('forum-post-title').fill('出闲置自行车');
    await page.getByTestId('forum-post-body').locator('textarea').fill('九成新，有意加微信');
    await page.getByTestId('forum-post-submit').click();
    await page.getByTestId('message-info').getByText('审核通过后其他居民才能看到', { exact: false }).waitFor();
    await page.getByTestId('forum-post-item').filter({ hasText: '出闲置自行车' }).getByText('审核中').waitFor();

    // The neighbour's post: its stored HTML is harmless, and nothing of what it tried runs here.
    await page.getByTestId('forum-post-item').filter({ hasText: XSS_TITLE }).click();
    const html = page.getByTestId('forum-post-html');
    await html.getByText('今天写了一副春联。').waitFor();
    expect(await html.innerHTML()).not.toMatch(/script|onerror|javascript:/i);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByTestId('forum-like').click();
    await page.getByTestId('forum-like').getByText('已赞 1').waitFor();
    await page.getByTestId('forum-comment-body').locator('textarea').fill('写得真好！');
    await page.getByTestId('forum-comment-send').click();
    await page.getByTestId('forum-comment').filter({ hasText: '写得真好！' }).getByText('文苑老朱').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });

  it('staff approve the held post in the console', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'xishan');
    await page.getByTestId('side-menu').getByText('兴趣社区', { exact: true }).click();
    const row = page.locator('tr').filter({ hasText: '出闲置自行车' });
    await row.getByText('加微信', { exact: true }).waitFor();
    await row.getByTestId('forum-queue-open').click();
    await page.getByTestId('forum-reveal').click();
    await page.locator('.ant-drawer').getByText('朱志强', { exact: true }).waitFor();
    await page.getByTestId('forum-approve').click();
    await page.locator('.ant-drawer').getByText('已处理').waitFor();
    const stored = await server.platform.ctx.db.kysely.selectFrom('forum_post').select('status').where('title', '=', '出闲置自行车').executeTakeFirstOrThrow();
    expect(stored.status).toBe('published');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('长辈模式 on a group page: ≥ 18 px text, line height ≥ 1.3, 60 px buttons', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(page, server.url, 'volunteer01', '志愿者 徐美玲');
    await page.goto(`${server.url}/m/groups/${groupId}`);
    await page.getByTestId('forum-post-form').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    for (const id of ['forum-post-submit', 'forum-join']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box!.height, id).toBeGreaterThanOrEqual(60);
    }
    const texts = await page.locator('[data-testid="forum-feed"] .rf-link, [data-testid="forum-post-form"] label span, [data-testid="forum-group-head"] p').evaluateAll((els) =>
      els.map((e) => ({ what: e.textContent?.slice(0, 20), size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })),
    );
    expect(texts.length).toBeGreaterThan(3);
    for (const x of texts) {
      expect(x.size, x.what ?? '').toBeGreaterThanOrEqual(18);
      expect(x.line / x.size, x.what ?? '').toBeGreaterThanOrEqual(1.3);
    }
    // A post link in the feed is a 60 px target too.
    const link = await page.locator('[data-testid="forum-feed"] .rf-link').first().boundingBox();
    expect(link!.height).toBeGreaterThanOrEqual(60);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });
});
