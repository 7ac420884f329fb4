import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { countAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { forumCommentsSource, forumPostsSource } from './forum.opinion.js';
import { opinionSource } from './opinion.sources.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Post {
  id: string;
  status: string;
  html: string;
  nickname: string;
  likeCount: number;
  moderationReason: string | null;
  reviewWords: string[];
  version: number;
}

describe(`forum 兴趣社区 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let groupId: string;
  const s: Record<string, Session> = {};

  const call = (who: string, method: Method, url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const ok = async <T = Record<string, unknown>>(who: string, method: Method, url: string, payload?: unknown, status = 200): Promise<T> => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as T;
  };
  const post = (who: string, body: string, title = '邻里分享', imageIds: string[] = []) => call(who, 'POST', `/api/v1/forum/groups/${groupId}/posts`, { title, body, imageIds });
  const feedIds = async (who: string) => ((await ok<{ items: { id: string }[] }>(who, 'GET', `/api/v1/forum/groups/${groupId}/posts?pageSize=50`)).items.map((p) => p.id));
  const storedHtml = async (id: string) => (await platform.ctx.db.kysely.selectFrom('forum_post').select(['body_html', 'body_text', 'status']).where('id', '=', id).executeTakeFirstOrThrow());

  async function upload(who: string, data: Buffer, purpose = 'community.forum'): Promise<string> {
    const boundary = `----linli${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({ method: 'POST', url: `/api/v1/files?purpose=${purpose}`, payload, headers: { ...s[who]!.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const db = platform.ctx.db.kysely;
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    // More accounts: a resident of grid02 (王秀英), two spare residents for rate limits, and 东山社区's staff and a resident.
    const extra: [string, string, 'resident' | 'community_staff', string, string | null][] = [
      ['neighbour', '居民 王秀英', 'resident', fx.nodes.grid02.id, reg.people.wang],
      ['busy1', '居民 甲', 'resident', fx.nodes.grid01.id, null],
      ['busy2', '居民 乙', 'resident', fx.nodes.grid01.id, null],
      ['dsstaff', '东山社区 工作人员', 'community_staff', fx.nodes.dongshan.id, null],
      ['dsresident', '居民 陈东', 'resident', reg.nodes.dongshanGrid.id, reg.people.chen],
    ];
    for (const [username, displayName, role, orgNodeId, personId] of extra) {
      await createUser(platform.ctx, { username, displayName, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, personId, grants: [{ role, orgNodeId }] });
    }
    app = await createTestApp(platform);
    for (const u of ['xishan', 'grid01', 'grid02', 'resident01', 'volunteer01', 'neighbour', 'busy1', 'busy2', 'dsstaff', 'dsresident']) s[u] = await loginAs(app, u);
    const group = await ok<{ id: string }>('xishan', 'POST', '/api/v1/forum/groups', { orgNodeId: fx.nodes.xishan.id, name: '书画交流', description: '写字画画' }, 201);
    groupId = group.id;
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('sets nicknames: validated, free of sensitive words, unique per community', async () => {
    await ok('resident01', 'POST', `/api/v1/forum/groups/${groupId}/join`);
    const noNick = await post('resident01', '还没有昵称');
    expect(noNick.statusCode).toBe(403);
    expect(noNick.json().error.code).toBe('FORUM_NICKNAME_REQUIRED');

    const digits = await call('resident01', 'PUT', '/api/v1/me/forum-profile', { nickname: '13812345678' });
    expect([digits.statusCode, digits.json().error.code]).toEqual([400, 'FORUM_NICKNAME_INVALID']);
    const reserved = await call('resident01', 'PUT', '/api/v1/me/forum-profile', { nickname: '社区管理员' });
    expect([reserved.statusCode, reserved.json().error.code]).toEqual([400, 'FORUM_NICKNAME_RESERVED']);
    const sensitive = await call('resident01', 'PUT', '/api/v1/me/forum-profile', { nickname: '刷单达人' }, 'en');
    expect(sensitive.statusCode).toBe(422);
    expect(sensitive.json().error.message).toContain('刷单');

    expect(await ok('resident01', 'PUT', '/api/v1/me/forum-profile', { nickname: '文苑老朱' })).toEqual({ nickname: '文苑老朱', communityId: fx.nodes.xishan.id, communityName: '西山社区' });
    // The same name in full-width letters is the same name; another community may use it.
    await ok('volunteer01', 'PUT', '/api/v1/me/forum-profile', { nickname: 'Ａmy美玲' });
    const taken = await call('neighbour', 'PUT', '/api/v1/me/forum-profile', { nickname: 'amy美玲' });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'FORUM_NICKNAME_TAKEN']);
    await ok('dsresident', 'PUT', '/api/v1/me/forum-profile', { nickname: '文苑老朱' });
    for (const [u, n] of [['neighbour', '八幢王阿姨'], ['busy1', '忙碌甲'], ['busy2', '忙碌乙'], ['xishan', '西山社区小王'], ['grid01', '网格李哥']] as const) {
      await ok(u, 'PUT', '/api/v1/me/forum-profile', { nickname: n });
    }
    for (const u of ['volunteer01', 'neighbour', 'busy1', 'busy2']) await ok(u, 'POST', `/api/v1/forum/groups/${groupId}/join`);
    // Joining twice is joining once.
    const g = await ok<{ memberCount: number; joined: boolean }>('resident01', 'POST', `/api/v1/forum/groups/${groupId}/join`);
    expect(g).toMatchObject({ memberCount: 5, joined: true });
  });

  it('stores a post with a script tag, an onerror image and a javascript: link harmless', async () => {
    const body =
      '<p>周六来写春联<script>alert(1)</script></p>' +
      '<img src=x onerror=alert(2)>' +
      '<IMG SRC="javascript:alert(3)">' +
      '<a href="javascript:alert(4)">点我</a>' +
      '<a href="JaVaScRiPt&#58;alert(5)">再点</a>' +
      '<p onclick="alert(6)" style="color:red">正文 <strong>加粗</strong> &amp; 更多</p>' +
      '<svg onload="alert(7)"><circle /></svg><iframe src="https://evil.example/"></iframe>' +
      '<a href="https://www.haining.gov.cn/">海宁市政府网</a>';
    const res = await post('resident01', body, '书画室开放');
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as Post;
    expect(created.status).toBe('published');
    const stored = await storedHtml(created.id);
    const seen = (await ok<Post>('volunteer01', 'GET', `/api/v1/forum/posts/${created.id}`)).html;
    for (const html of [created.html, stored.body_html, seen]) {
      expect(html).not.toMatch(/<script|<svg|<iframe|onerror|onload|onclick|javascript:|style=|alert\(/i);
      expect(html).toContain('<a href="https://www.haining.gov.cn/" rel="nofollow noopener noreferrer" target="_blank">海宁市政府网</a>');
      expect(html).toContain('<strong>加粗</strong>');
    }
    expect(stored.body_text).toBe('周六来写春联\n点我再点正文 加粗 & 更多\n海宁市政府网');
  });

  it('keeps pictures of our own files endpoint only, and lets readers of a published post open them', async () => {
    const png = await renderQrPng('https://example.test/m/forum', { width: 96 });
    const mine = await upload('resident01', png);
    const foreign = await upload('volunteer01', png);
    const wrongPurpose = await upload('resident01', png, 'event.photo');
    const bad = await post('resident01', '看看我的字', '作品', [foreign]);
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'FORUM_IMAGES_INVALID']);
    expect((await post('resident01', '看看我的字', '作品', [wrongPurpose])).statusCode).toBe(400);
    const body = `<p>我的字</p><img src="/api/v1/files/${mine}"><img src="/api/v1/files/${foreign}"><img src="https://evil.example/${mine}">`;
    const created = await ok<Post & { images: { url: string }[] }>('resident01', 'POST', `/api/v1/forum/groups/${groupId}/posts`, { title: '我的作品', body, imageIds: [mine] }, 201);
    expect(created.html).toBe(`<p>我的字</p><img src="/api/v1/files/${mine}" />`);
    expect(created.images).toEqual([{ id: mine, url: `/api/v1/files/${mine}` }]);
    // A published post's picture is published: its readers open it without an audit row per thumbnail.
    const reads = await countAudit(platform.ctx.db, 'files.attachment.read');
    expect((await call('neighbour', 'GET', `/api/v1/files/${mine}`)).statusCode).toBe(200);
    expect(await countAudit(platform.ctx.db, 'files.attachment.read')).toBe(reads);
    // 东山社区's resident does not read 西山社区's groups.
    expect((await call('dsresident', 'GET', `/api/v1/files/${mine}`)).statusCode).toBe(404);
    // A held post's picture is no one's to see but its author and the moderators, whose reads are audited.
    const heldPicture = await upload('resident01', png);
    const held = await post('resident01', '在家动动手指就能刷单，详情私聊', '分享', [heldPicture]);
    expect([held.statusCode, held.json().status]).toEqual([201, 'pending']);
    expect((await call('neighbour', 'GET', `/api/v1/files/${heldPicture}`)).statusCode).toBe(404);
    expect((await call('grid01', 'GET', `/api/v1/files/${heldPicture}`)).statusCode).toBe(200);
    expect(await countAudit(platform.ctx.db, 'files.attachment.read')).toBe(reads + 1);
  });

  it('holds a post with a review-level word until a moderator of its subtree approves it', async () => {
    // Spaces, full-width spaces and punctuation between the characters do not hide the word.
    const res = await post('resident01', '在家动动手指就能刷　单，月入过万，详情私聊', '好消息分享');
    expect(res.statusCode, res.body).toBe(201);
    const held = res.json() as Post;
    expect(held.status).toBe('pending');
    expect(await feedIds('resident01')).toContain(held.id);
    expect(await feedIds('volunteer01')).not.toContain(held.id);
    expect((await call('volunteer01', 'GET', `/api/v1/forum/posts/${held.id}`)).statusCode).toBe(404);
    expect((await call('volunteer01', 'PUT', `/api/v1/forum/posts/${held.id}/like`)).statusCode).toBe(404);

    const queue = await ok<{ items: { id: string; reviewWords: string[]; nickname: string }[] }>('grid01', 'GET', '/api/v1/forum/review-queue');
    expect(queue.items.find((i) => i.id === held.id)).toMatchObject({ reviewWords: ['刷单'], nickname: '文苑老朱' });
    const inbox = await ok<{ items: { title: string }[] }>('grid01', 'GET', '/api/v1/inbox');
    expect(inbox.items.map((i) => i.title)).toContain('兴趣社区待审核：好消息分享');
    // grid02's worker and 东山社区's staff moderate elsewhere: not their post.
    expect((await ok<{ items: { id: string }[] }>('grid02', 'GET', '/api/v1/forum/review-queue')).items.map((i) => i.id)).not.toContain(held.id);
    expect((await call('grid02', 'POST', `/api/v1/forum/posts/${held.id}/approve`)).statusCode).toBe(404);
    expect((await call('dsstaff', 'POST', `/api/v1/forum/posts/${held.id}/approve`)).statusCode).toBe(404);
    expect((await call('resident01', 'POST', `/api/v1/forum/posts/${held.id}/approve`)).statusCode).toBe(403);

    expect(await ok('grid01', 'POST', `/api/v1/forum/posts/${held.id}/approve`)).toEqual({ id: held.id, kind: 'post', status: 'published' });
    expect((await call('grid01', 'POST', `/api/v1/forum/posts/${held.id}/approve`)).statusCode).toBe(409);
    expect(await feedIds('volunteer01')).toContain(held.id);
    const told = await ok<{ items: { title: string }[] }>('resident01', 'GET', '/api/v1/inbox');
    expect(told.items.map((i) => i.title)).toContain('您的帖子“好消息分享”已通过审核');

    // Rejected with a reason: the author sees why, nobody else sees it.
    const other = (await post('resident01', '有高利贷需要的找我', '借钱')).json() as Post;
    expect(other.status).toBe('pending');
    await ok('xishan', 'POST', `/api/v1/forum/posts/${other.id}/reject`, { reason: '涉嫌违法放贷' });
    expect(await ok<Post>('resident01', 'GET', `/api/v1/forum/posts/${other.id}`)).toMatchObject({ status: 'rejected', moderationReason: '涉嫌违法放贷' });
    expect((await call('volunteer01', 'GET', `/api/v1/forum/posts/${other.id}`)).statusCode).toBe(404);
    expect(await countAudit(platform.ctx.db, 'community.forum.post.reject')).toBe(1);
  });

  it('refuses a block-level word with 422 naming it, and keeps nothing', async () => {
    const db = platform.ctx.db.kysely;
    const before = await db.selectFrom('forum_post').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await call('resident01', 'POST', `/api/v1/forum/groups/${groupId}/posts`, { title: '内部消息', body: '本期六·合·彩特码' }, 'en');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'FORUM_WORD_BLOCKED', details: { words: ['六合彩'] } });
    expect(res.json().error.message).toContain('六合彩');
    const zh = await post('resident01', '代 开 发 票，联系我');
    expect(zh.json().error.message).toBe('内容含有禁用词“代开发票”，请修改后再发布');
    const comment = await call('volunteer01', 'POST', `/api/v1/forum/posts/${(await feedIds('volunteer01'))[0]}/comments`, { body: '冰毒' });
    expect(comment.statusCode).toBe(422);
    const after = await db.selectFrom('forum_post').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await countAudit(platform.ctx.db, 'community.forum.post.blocked')).toBe(2);
  });

  it('applies edits of the word list at once, within the community that made them', async () => {
    // Grid workers moderate but do not keep the list; nobody below the top edits the default list.
    expect((await call('grid01', 'POST', '/api/v1/forum/words', { word: '噪音扰民', level: 'review' })).statusCode).toBe(403);
    const words = await ok<{ items: { id: string; word: string; editable: boolean; scopeName: string }[] }>('xishan', 'GET', '/api/v1/forum/words');
    const preset = words.items.find((w) => w.word === '刷单')!;
    expect(preset).toMatchObject({ editable: false, scopeName: '全平台' });
    expect((await call('xishan', 'DELETE', `/api/v1/forum/words/${preset.id}`)).statusCode).toBe(403);

    const word = await ok<{ id: string; scopeName: string }>('xishan', 'POST', '/api/v1/forum/words', { word: '噪音 扰民', level: 'review' }, 201);
    expect(word.scopeName).toBe('西山社区');
    expect((await call('xishan', 'POST', '/api/v1/forum/words', { word: '噪音扰民', level: 'block' })).statusCode).toBe(409);
    const text = '晚上广场舞噪音扰民，希望大家注意';
    expect(((await post('volunteer01', text)).json() as Post).status).toBe('pending');
    await ok('xishan', 'PATCH', `/api/v1/forum/words/${word.id}`, { level: 'block' });
    expect((await post('volunteer01', text)).statusCode).toBe(422);
    await ok('xishan', 'DELETE', `/api/v1/forum/words/${word.id}`);
    expect(((await post('volunteer01', text)).json() as Post).status).toBe('published');
    // 东山社区's own word does not apply in 西山社区.
    await ok('dsstaff', 'POST', '/api/v1/forum/words', { word: '东山特产', level: 'block' }, 201);
    expect(((await post('neighbour', '东山特产的橘子很甜')).json() as Post).status).toBe('published');
    expect(await countAudit(platform.ctx.db, 'community.forum.word.add')).toBe(2);
  });

  it('limits posts to 5 per 10 minutes per user, counted in the database, also when sent at once', async () => {
    const sent: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await post('busy1', `第${i}条内容`);
      expect(res.statusCode).toBe(201);
      sent.push((res.json() as Post).id);
    }
    const sixth = await post('busy1', '第6条内容');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error).toMatchObject({ code: 'FORUM_POST_RATE_LIMITED', message: '发帖太频繁：每 10 分钟最多发 5 篇，请 10 分钟后再试' });
    // Deleting does not refill the allowance.
    await ok('busy1', 'DELETE', `/api/v1/forum/posts/${sent[0]}`);
    expect((await post('busy1', '删了再发')).statusCode).toBe(429);

    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => post('busy2', `同时发送的第${i + 1}条`)));
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(burst.filter((r) => r.statusCode === 429)).toHaveLength(3);

    platform.advance(11 * 60_000);
    expect((await post('busy1', '十分钟后可以再发')).statusCode).toBe(201);
  });

  it('limits comments to 30 an hour per user', async () => {
    const target = (await feedIds('busy1'))[0]!;
    for (let i = 1; i <= 30; i++) expect((await call('busy2', 'POST', `/api/v1/forum/posts/${target}/comments`, { body: `评论${i}` })).statusCode).toBe(201);
    const over = await call('busy2', 'POST', `/api/v1/forum/posts/${target}/comments`, { body: '第31条' }, 'en');
    expect(over.statusCode).toBe(429);
    expect(over.json().error).toMatchObject({ code: 'FORUM_COMMENT_RATE_LIMITED', message: 'Too many comments: at most 30 every 60 minutes. Try again in 60 minutes' });
  });

  it('shows nicknames to residents and the real person to moderators of the subtree only, audited', async () => {
    const created = (await post('resident01', '我家住1幢，欢迎来串门', '自我介绍')).json() as Post;
    const seen = await call('neighbour', 'GET', `/api/v1/forum/posts/${created.id}`);
    expect(seen.json()).toMatchObject({ nickname: '文苑老朱', mine: false });
    expect(seen.body).not.toContain('朱志强');
    expect(seen.body).not.toContain(fx.users.resident01!);
    const list = await call('neighbour', 'GET', `/api/v1/forum/groups/${groupId}/posts`);
    expect(list.body).not.toContain('朱志强');

    const before = await countAudit(platform.ctx.db, 'community.forum.identity.read');
    const who = await ok('grid01', 'GET', `/api/v1/forum/posts/${created.id}/author`);
    expect(who).toEqual({ nickname: '文苑老朱', accountName: '居民 朱志强', name: '朱志强', phoneMasked: '138****5678', grid: '西山社区第一网格' });
    expect(await countAudit(platform.ctx.db, 'community.forum.identity.read')).toBe(before + 1);
    expect((await call('neighbour', 'GET', `/api/v1/forum/posts/${created.id}/author`)).statusCode).toBe(403);
    expect((await call('grid02', 'GET', `/api/v1/forum/posts/${created.id}/author`)).statusCode).toBe(404);
    expect((await call('dsstaff', 'GET', `/api/v1/forum/posts/${created.id}/author`)).statusCode).toBe(404);
    expect(await countAudit(platform.ctx.db, 'community.forum.identity.read')).toBe(before + 1);
    // 东山社区 neither reads nor manages 西山社区's groups.
    expect((await call('dsresident', 'GET', `/api/v1/forum/groups/${groupId}`)).statusCode).toBe(404);
    expect((await call('dsstaff', 'POST', '/api/v1/forum/groups', { orgNodeId: fx.nodes.xishan.id, name: '东山插手' })).statusCode).toBe(403);
    expect((await ok<{ items: unknown[] }>('dsresident', 'GET', '/api/v1/forum/groups')).items).toEqual([]);
  });

  it('counts likes once per user, also when they arrive together', async () => {
    const target = ((await post('neighbour', '楼下的桂花开了', '桂花')).json() as Post).id;
    const first = await ok<{ likeCount: number }>('volunteer01', 'PUT', `/api/v1/forum/posts/${target}/like`);
    const again = await ok<{ likeCount: number }>('volunteer01', 'PUT', `/api/v1/forum/posts/${target}/like`);
    expect([first.likeCount, again.likeCount]).toEqual([1, 1]);
    const who = ['resident01', 'busy1', 'busy2', 'grid01', 'xishan', 'volunteer01'];
    const results = await Promise.all([...who, ...who].map((u) => call(u, 'PUT', `/api/v1/forum/posts/${target}/like`)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const db = platform.ctx.db.kysely;
    const rows = await db.selectFrom('forum_like').select(db.fn.countAll<number>().as('n')).where('post_id', '=', target).executeTakeFirstOrThrow();
    const shown = await ok<Post & { likedByMe: boolean }>('busy1', 'GET', `/api/v1/forum/posts/${target}`);
    expect([Number(rows.n), shown.likeCount, shown.likedByMe]).toEqual([6, 6, true]);
    expect((await ok<{ likeCount: number }>('busy1', 'DELETE', `/api/v1/forum/posts/${target}/like`)).likeCount).toBe(5);
    expect((await ok<{ likeCount: number }>('busy1', 'DELETE', `/api/v1/forum/posts/${target}/like`)).likeCount).toBe(5);
  });

  it('takes reports to the queue; a moderator hides the post (author told) or dismisses a report', async () => {
    const bad = ((await post('neighbour', '某某家的孩子真没教养，住在1幢', '吐槽')).json() as Post).id;
    const r1 = await ok<{ alreadyReported: boolean }>('volunteer01', 'POST', '/api/v1/forum/reports', { targetType: 'post', targetId: bad, reason: '人身攻击', detail: '点名攻击邻居' });
    expect(r1.alreadyReported).toBe(false);
    expect((await ok<{ alreadyReported: boolean }>('volunteer01', 'POST', '/api/v1/forum/reports', { targetType: 'post', targetId: bad, reason: '人身攻击' })).alreadyReported).toBe(true);
    await ok('resident01', 'POST', '/api/v1/forum/reports', { targetType: 'post', targetId: bad, reason: '泄露隐私' });
    expect((await call('neighbour', 'POST', '/api/v1/forum/reports', { targetType: 'post', targetId: bad, reason: '其他' })).statusCode).toBe(400);

    // The author lives in grid02: its grid worker and the community's staff handle it, grid01's worker does not.
    expect((await ok<{ items: { targetId: string }[] }>('grid01', 'GET', '/api/v1/forum/reports')).items.map((r) => r.targetId)).not.toContain(bad);
    expect((await ok<{ items: { targetId: string }[] }>('grid02', 'GET', '/api/v1/forum/reports')).items.map((r) => r.targetId)).toContain(bad);
    const reports = await ok<{ items: { id: string; targetId: string; reportCount: number; targetNickname: string }[] }>('xishan', 'GET', '/api/v1/forum/reports');
    const mine = reports.items.filter((r) => r.targetId === bad);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ reportCount: 2, targetNickname: '八幢王阿姨' });
    expect((await call('grid01', 'POST', `/api/v1/forum/posts/${bad}/hide`, { reason: '人身攻击' })).statusCode).toBe(404);
    await ok('xishan', 'POST', `/api/v1/forum/posts/${bad}/hide`, { reason: '点名攻击邻居，违反社区公约' });
    expect(await feedIds('volunteer01')).not.toContain(bad);
    expect((await call('volunteer01', 'GET', `/api/v1/forum/posts/${bad}`)).statusCode).toBe(404);
    // Its author still sees it, with the reason.
    expect(await ok<Post>('neighbour', 'GET', `/api/v1/forum/posts/${bad}`)).toMatchObject({ status: 'hidden', moderationReason: '点名攻击邻居，违反社区公约' });
    expect((await ok<{ items: unknown[] }>('xishan', 'GET', '/api/v1/forum/reports')).items.some((r) => (r as { targetId: string }).targetId === bad)).toBe(false);
    expect((await ok<{ items: { targetId: string }[] }>('xishan', 'GET', '/api/v1/forum/reports?status=hidden')).items.filter((r) => r.targetId === bad)).toHaveLength(2);
    const told = await ok<{ items: { title: string; body: string }[] }>('neighbour', 'GET', '/api/v1/inbox');
    expect(told.items[0]).toMatchObject({ title: '您的帖子“吐槽”已被管理员隐藏', body: '原因：点名攻击邻居，违反社区公约' });

    // A comment reported without cause: dismissed, and it stays.
    const target = (await feedIds('neighbour'))[0]!;
    const c = await ok<{ id: string }>('resident01', 'POST', `/api/v1/forum/posts/${target}/comments`, { body: '<script>alert(1)</script> 写得真好' }, 201);
    const comments = await ok<{ items: { id: string; body: string; nickname: string }[] }>('neighbour', 'GET', `/api/v1/forum/posts/${target}/comments`);
    // Comments are plain text: kept as typed and rendered as text, never as markup.
    expect(comments.items.find((x) => x.id === c.id)).toMatchObject({ body: '<script>alert(1)</script> 写得真好', nickname: '文苑老朱' });
    await ok('neighbour', 'POST', '/api/v1/forum/reports', { targetType: 'comment', targetId: c.id, reason: '广告营销' });
    const open = await ok<{ items: { id: string; targetId: string }[] }>('grid01', 'GET', '/api/v1/forum/reports');
    const report = open.items.find((r) => r.targetId === c.id)!;
    await ok('grid01', 'POST', `/api/v1/forum/reports/${report.id}/dismiss`, { reason: '正常评论' });
    expect((await ok<{ items: { id: string }[] }>('neighbour', 'GET', `/api/v1/forum/posts/${target}/comments`)).items.map((x) => x.id)).toContain(c.id);
    expect(await countAudit(platform.ctx.db, 'community.forum.report.dismiss')).toBe(1);
  });

  it('lets authors edit and delete their own posts only, and staff close a group', async () => {
    const p = (await post('resident01', '原来的内容', '可以修改')).json() as Post;
    expect((await call('volunteer01', 'PATCH', `/api/v1/forum/posts/${p.id}`, { body: '别人改', expectedVersion: p.version })).statusCode).toBe(404);
    const edited = await ok<Post>('resident01', 'PATCH', `/api/v1/forum/posts/${p.id}`, { body: '改过的<script>x</script>内容', expectedVersion: p.version });
    expect(edited).toMatchObject({ html: '改过的内容', status: 'published' });
    expect((await call('resident01', 'PATCH', `/api/v1/forum/posts/${p.id}`, { body: '旧版本', expectedVersion: p.version })).statusCode).toBe(409);
    // An edit that brings in a review-level word goes back to the queue.
    expect((await ok<Post>('resident01', 'PATCH', `/api/v1/forum/posts/${p.id}`, { body: '有事加微信', expectedVersion: edited.version })).status).toBe('pending');
    expect((await call('volunteer01', 'DELETE', `/api/v1/forum/posts/${p.id}`)).statusCode).toBe(404);
    await ok('resident01', 'DELETE', `/api/v1/forum/posts/${p.id}`);
    expect(await feedIds('resident01')).not.toContain(p.id);
    expect((await storedHtml(p.id)).status).toBe('deleted');

    expect((await call('grid01', 'POST', `/api/v1/forum/groups/${groupId}/close`, { reason: '网格员不能关' })).statusCode).toBe(404);
    await ok('xishan', 'POST', `/api/v1/forum/groups/${groupId}/close`, { reason: '小组合并到书画院' });
    expect((await post('resident01', '关闭后还能发吗')).json().error.code).toBe('FORUM_GROUP_CLOSED');
    expect((await ok<{ items: { id: string }[] }>('neighbour', 'GET', '/api/v1/forum/groups')).items.map((g) => g.id)).not.toContain(groupId);
    expect((await ok<{ items: { id: string; status: string }[] }>('xishan', 'GET', '/api/v1/forum/groups?all=1')).items.find((g) => g.id === groupId)?.status).toBe('closed');
    await ok('xishan', 'POST', `/api/v1/forum/groups/${groupId}/reopen`);
  });

  it('feeds opinion trends: plain text of posts and comments, after a watermark, in (created_at, id) order', async () => {
    expect(opinionSource('forum-posts')).toBe(forumPostsSource);
    expect(opinionSource('forum-comments')).toBe(forumCommentsSource);
    const db = platform.ctx.db.kysely;
    const all = await forumPostsSource.since(db, null, 1000, platform.ctx);
    const stored = await db.selectFrom('forum_post').select(['id', 'created_at']).orderBy('created_at').orderBy('id').execute();
    expect(all.map((i) => i.id)).toEqual(stored.map((r) => r.id));
    const script = all.find((i) => i.text.startsWith('书画室开放'))!;
    expect(script.text).toBe('书画室开放\n周六来写春联\n点我再点正文 加粗 & 更多\n海宁市政府网');
    expect(script.orgNodeId).toBe(fx.nodes.grid01.id);
    const last = all[all.length - 1]!;
    expect(await forumPostsSource.since(db, { at: last.at, id: last.id }, 1000, platform.ctx)).toEqual([]);
    const mid = all[4]!;
    expect((await forumPostsSource.since(db, { at: mid.at, id: mid.id }, 3, platform.ctx)).map((i) => i.id)).toEqual(all.slice(5, 8).map((i) => i.id));
    const comments = await forumCommentsSource.since(db, null, 1000, platform.ctx);
    expect(comments.some((c) => c.text === '<script>alert(1)</script> 写得真好')).toBe(true);
  });
});
