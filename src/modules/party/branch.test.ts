import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { seedPartyFixture, type PartyFixture } from './party.fixture.js';

/**
 * 网上E支部 on both databases: notices to the branch, a discussion only the branch's members
 * (and the secretaries who lead it) can read or write, tasks with due days, done notes and the
 * overdue list; 4xx in Chinese and English.
 */
describe(`online branch 网上E支部 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};
  const users = ['party', 'xishan', 'sec1', 'sec2', 'resident01', 'volunteer01', 'dssec', 'grid01'];

  const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const b1 = () => `/api/v1/party/branches/${pf.orgs.branch1}`;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of users) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('my branch: what a member, a secretary and outsiders may do', async () => {
    const mine = await call('resident01', 'GET', '/api/v1/me/party/branch');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ branch: { id: pf.orgs.branch1, name: '第一党支部', memberCount: 3 }, abilities: { run: false, moderate: false } });
    expect((await call('sec1', 'GET', '/api/v1/me/party/branch')).json().abilities).toEqual({ run: true, moderate: true });
    const staff = (await call('xishan', 'GET', b1())).json() as { abilities: Record<string, boolean> };
    expect(staff.abilities).toMatchObject({ member: false, read: true, run: true, discuss: false, moderate: false });
    for (const who of ['sec2', 'dssec', 'grid01']) expect((await call(who, 'GET', b1())).statusCode, who).toBe(404);
    const en = await call('grid01', 'GET', '/api/v1/me/party/branch', undefined, 'en');
    expect(en.statusCode).toBe(403);
    expect(en.json().error).toMatchObject({ code: 'PARTY_NOT_A_MEMBER', message: 'You are not on the party rolls (or your account is not linked to your registry record)' });
    // The online branch belongs to a 党支部, not to the committee.
    const committee = await call('party', 'GET', `/api/v1/party/branches/${pf.orgs.committee}/notices`, undefined, 'en');
    expect(committee.statusCode).toBe(400);
    expect(committee.json().error.code).toBe('BRANCH_NOT_A_BRANCH');
  });

  it('notices reach the branch’s members; others of the party do not see them', async () => {
    const res = await call('sec1', 'POST', `${b1()}/notices`, { title: '关于开展十二月主题党日活动的通知', body: '12月5日（周五）下午2点在社区党群服务中心二楼开展主题党日活动，请全体党员准时参加。', pinned: true });
    expect(res.statusCode, res.body).toBe(201);
    const n = res.json() as { id: string };
    const told = await platform.ctx.db.kysely.selectFrom('notification').select('user_id').where('kind', '=', 'party.branch.notice').execute();
    expect(told.map((t) => t.user_id).sort()).toEqual([fx.users.resident01!, fx.users.volunteer01!, pf.users.sec1].sort());
    const seen = (await call('resident01', 'GET', `${b1()}/notices`)).json() as { items: { id: string; pinned: boolean }[] };
    expect(seen.items).toMatchObject([{ id: n.id, pinned: true }]);
    expect(((await call('party', 'GET', `${b1()}/notices`)).json() as { items: unknown[] }).items).toHaveLength(1);
    expect((await call('sec2', 'GET', `${b1()}/notices`)).statusCode).toBe(404);
    // A member may not publish; another branch's secretary is told the branch does not exist.
    expect((await call('resident01', 'POST', `${b1()}/notices`, { title: '我想发个通知', body: '成员不能发布支部通知。' })).statusCode).toBe(403);
    expect((await call('sec2', 'POST', `${b1()}/notices`, { title: '我想发个通知', body: '别的支部书记也不能发布。' })).statusCode).toBe(404);
    const w = await call('sec1', 'POST', `/api/v1/party/branch-notices/${n.id}/withdraw`, { reason: '时间调整，另行通知' });
    expect(w.statusCode, w.body).toBe(200);
    expect(((await call('resident01', 'GET', `${b1()}/notices`)).json() as { items: unknown[] }).items).toHaveLength(0);
    expect((await call('sec1', 'POST', `/api/v1/party/branch-notices/${n.id}/withdraw`, { reason: '再撤一次' })).json().error.code).toBe('BRANCH_NOTICE_WITHDRAWN');
  });

  it('the discussion is the branch’s own: a member of another branch, staff and the committee cannot read it', async () => {
    const text = '大家好，<b>本周六</b>上午 9 点\n一起去紫微苑看望独居老人，有空的同志回复一下。';
    const post = await call('resident01', 'POST', `${b1()}/posts`, { body: text });
    expect(post.statusCode, post.body).toBe(201);
    const p = post.json() as { id: string; body: string; authorName: string; mine: boolean };
    // Plain text as written: nothing interpreted, nothing dropped (pages render it as text).
    expect(p).toMatchObject({ body: text, authorName: '朱志强', mine: true });

    const c = await call('volunteer01', 'POST', `/api/v1/party/branch-posts/${p.id}/comments`, { body: '我可以去，带上血压计。' });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().comments).toMatchObject([{ authorName: '徐美玲', body: '我可以去，带上血压计。', mine: true }]);
    const told = await platform.ctx.db.kysely.selectFrom('notification').select('link').where('user_id', '=', fx.users.resident01!).where('kind', '=', 'party.branch.comment').execute();
    expect(told).toEqual([{ link: '/m/party/branch' }]);

    // 第二党支部's secretary, community staff, the community party secretary (grants only), 东山, a grid worker:
    for (const who of ['sec2', 'xishan', 'party', 'dssec', 'grid01']) {
      const list = await call(who, 'GET', `${b1()}/posts`);
      expect(list.statusCode, who).toBe(404);
      expect((await call(who, 'GET', `/api/v1/party/branch-posts/${p.id}`)).statusCode, who).toBe(404);
      expect((await call(who, 'POST', `/api/v1/party/branch-posts/${p.id}/comments`, { body: '看看' })).statusCode, who).toBe(404);
      expect((await call(who, 'POST', `${b1()}/posts`, { body: '我也说两句' })).statusCode, who).toBe(404);
    }
    const en = await call('sec2', 'GET', `${b1()}/posts`, undefined, 'en');
    expect(en.json().error).toMatchObject({ code: 'BRANCH_NOT_FOUND', message: 'No such branch, or it is not yours to see' });
    const zh = await call('sec2', 'GET', `${b1()}/posts`);
    expect(zh.json().error.message).toBe('党支部不存在或您无权查看');

    // The branch's secretary reads it and may hide a post; the author still sees theirs, marked; the others do not.
    expect(((await call('sec1', 'GET', `${b1()}/posts`)).json() as { items: unknown[] }).items).toHaveLength(1);
    expect((await call('volunteer01', 'POST', `/api/v1/party/branch-posts/${p.id}/hide`, { reason: '无关内容' })).statusCode).toBe(403);
    const hidden = await call('sec1', 'POST', `/api/v1/party/branch-posts/${p.id}/hide`, { reason: '涉及老人住址，请私下联系' });
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect(((await call('volunteer01', 'GET', `${b1()}/posts`)).json() as { items: unknown[] }).items).toHaveLength(0);
    expect((await call('volunteer01', 'GET', `/api/v1/party/branch-posts/${p.id}`)).statusCode).toBe(404);
    const own = (await call('resident01', 'GET', `${b1()}/posts`)).json() as { items: { id: string; hidden: boolean; hiddenReason: string }[] };
    expect(own.items).toMatchObject([{ id: p.id, hidden: true, hiddenReason: '涉及老人住址，请私下联系' }]);
    expect((await call('resident01', 'POST', `/api/v1/party/branch-posts/${p.id}/comments`, { body: '好的' })).json().error.code).toBe('BRANCH_POST_HIDDEN');

    const empty = await call('resident01', 'POST', `${b1()}/posts`, { body: '  \u200b ' }, 'en');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].field).toBe('body.body');
  });

  it('tasks: given to members, done with a note, the overdue list', async () => {
    const res = await call('sec1', 'POST', `${b1()}/tasks`, { title: '入户走访独居老人', description: '每人走访两户独居老人，了解冬季取暖情况。', dueOn: '2026-11-27' });
    expect(res.statusCode, res.body).toBe(201);
    const t = res.json() as { id: string; assigneeCount: number; version: number };
    expect(t.assigneeCount).toBe(3);
    const chosen = await call('sec1', 'POST', `${b1()}/tasks`, { title: '整理支部党员名册', dueOn: '2026-12-10', memberIds: [pf.members.xu] });
    expect(chosen.json().assigneeCount).toBe(1);

    const mine = (await call('resident01', 'GET', '/api/v1/me/party/tasks')).json() as { items: { id: string; myStatus: string }[] };
    expect(mine.items.map((i) => i.id)).toEqual([t.id]);
    const done = await call('resident01', 'POST', `/api/v1/party/branch-tasks/${t.id}/done`, { note: '已走访紫微苑 3 幢两户，取暖正常。' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ myStatus: 'done', myNote: '已走访紫微苑 3 幢两户，取暖正常。', doneCount: 1 });
    const twice = await call('resident01', 'POST', `/api/v1/party/branch-tasks/${t.id}/done`, { note: '再报一次' }, 'en');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'BRANCH_TASK_DONE', message: 'You have already done this task' });
    // Not given to them / not their branch.
    expect((await call('resident01', 'POST', `/api/v1/party/branch-tasks/${chosen.json().id}/done`, { note: '我也做了' })).json().error.code).toBe('BRANCH_TASK_NOT_YOURS');
    expect((await call('sec2', 'POST', `/api/v1/party/branch-tasks/${t.id}/done`, { note: '我也做了' })).statusCode).toBe(404);
    // Members do not read the list of who did what; the secretary and staff do (audited).
    expect((await call('volunteer01', 'GET', `/api/v1/party/branch-tasks/${t.id}`)).statusCode).toBe(404);
    const detail = (await call('xishan', 'GET', `/api/v1/party/branch-tasks/${t.id}`)).json() as { assignees: { name: string; status: string; note: string | null }[] };
    expect(detail.assignees.find((a) => a.name === '朱志强')).toMatchObject({ status: 'done', note: '已走访紫微苑 3 幢两户，取暖正常。' });

    // Two days later: 沈建华 and 徐美玲 are late.
    platform.advance(2 * 86_400_000);
    for (const u of users) s[u] = await loginAs(app, u);
    const overdue = await call('sec1', 'GET', `${b1()}/tasks/overdue`);
    expect(overdue.statusCode, overdue.body).toBe(200);
    expect((overdue.json() as { items: { taskId: string; name: string; daysLate: number }[] }).items.map((i) => [i.taskId, i.name, i.daysLate]).sort()).toEqual(
      [
        [t.id, '徐美玲', 1],
        [t.id, '沈建华', 1],
      ].sort(),
    );
    expect((await call('resident01', 'GET', `${b1()}/tasks/overdue`)).statusCode).toBe(404);
    const list = (await call('sec1', 'GET', `${b1()}/tasks`)).json() as { items: { id: string; overdue: boolean }[] };
    expect(list.items.find((i) => i.id === t.id)!.overdue).toBe(true);
    expect(((await call('volunteer01', 'GET', '/api/v1/me/party/branch')).json() as { overdueTasks: number }).overdueTasks).toBe(1);

    // Closing: a stale version is refused; after closing nobody can report it done.
    expect((await call('sec1', 'POST', `/api/v1/party/branch-tasks/${t.id}/close`, { expectedVersion: t.version + 5 })).json().error.code).toBe('BRANCH_TASK_STALE');
    expect((await call('resident01', 'POST', `/api/v1/party/branch-tasks/${t.id}/close`, { expectedVersion: t.version })).statusCode).toBe(403);
    expect((await call('sec1', 'POST', `/api/v1/party/branch-tasks/${t.id}/close`, { expectedVersion: t.version })).statusCode).toBe(200);
    expect((await call('volunteer01', 'POST', `/api/v1/party/branch-tasks/${t.id}/done`, { note: '补报' })).json().error.code).toBe('BRANCH_TASK_CLOSED');
    expect(((await call('sec1', 'GET', `${b1()}/tasks/overdue`)).json() as { items: unknown[] }).items).toHaveLength(0);

    const past = await call('sec1', 'POST', `${b1()}/tasks`, { title: '过期的任务', dueOn: '2026-11-01' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toMatchObject({ code: 'BRANCH_TASK_DUE_PAST', message: '完成期限不能早于今天' });
    const outside = await call('sec1', 'POST', `${b1()}/tasks`, { title: '给别的支部的人', dueOn: '2026-12-30', memberIds: [pf.members.wang] }, 'en');
    expect(outside.json().error).toMatchObject({ code: 'BRANCH_MEMBERS_OUTSIDE', message: '1 of the chosen members are not on this branch’s rolls' });
    const badDay = await call('sec1', 'POST', `${b1()}/tasks`, { title: '日期写错了', dueOn: '2026-13-01' });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.json().error.details[0].field).toBe('body.dueOn');
  });

  it('the discussion follows the community’s sensitive words: a block-level word is refused, a review-level one is shown to the secretaries', async () => {
    const db = platform.ctx.db.kysely;
    const posts = async () => (await db.selectFrom('party_branch_post').select('id').where('org_id', '=', pf.orgs.branch1).execute()).length;
    const before = await posts();
    const blocked = await call('resident01', 'POST', `${b1()}/posts`, { body: '谁有六合彩的门路' });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error).toMatchObject({ code: 'BRANCH_WORD_BLOCKED', message: '内容含有禁用词“六合彩”，请修改后再发布' });
    expect(await posts()).toBe(before);
    const refusals = await db.selectFrom('audit_log').select(['outcome', 'details']).where('action', '=', 'party.branch.post.blocked').execute();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.outcome).toBe('denied');
    expect(refusals[0]!.details).not.toContain('门路');

    const inbox = async (who: string) => ((await call(who, 'GET', '/api/v1/inbox')).json() as { items: { title: string }[] }).items.map((i) => i.title);
    const held = await call('volunteer01', 'POST', `${b1()}/posts`, { body: '朋友圈有人招刷单，大家别上当' });
    expect(held.statusCode, held.body).toBe(201);
    expect(await inbox('sec1')).toContain('支部讨论区有内容含需审看的词：刷单');
    expect(await inbox('resident01')).not.toContain('支部讨论区有内容含需审看的词：刷单');
    // The same list guards comments.
    const comment = await call('resident01', 'POST', `/api/v1/party/branch-posts/${held.json().id}/comments`, { body: '举报赌博网站' }, 'en');
    expect(comment.statusCode).toBe(422);
    expect(comment.json().error.message).toBe('The text contains a forbidden word: 赌博网站. Change it and try again');
  });
});
