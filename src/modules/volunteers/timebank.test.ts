import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { createUser } from '../../platform/auth/users.service.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { insertPeople } from '../registry/registry.repository.js';
import { personRow } from '../registry/registry.service.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { escrowAccountCode, memberAccountCode } from './timebank.accounts.js';
import { AUTO_ACCEPT_DAYS, RELEASE_GRACE_HOURS, runDeadlines, STARTING_MINUTES, takeNeed } from './timebank.service.js';

const START = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 Beijing
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Json = Record<string, any>;

describe(`time bank 时间银行 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  /** username → member id, once joined. */
  const memberOf: Record<string, string> = {};
  const NEIGHBOURS = ['nb1', 'nb2', 'nb3', 'nb4', 'nb5'];

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const ok = async (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, status = 200) => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as Json;
  };
  const db = () => platform.ctx.db.kysely;
  const now = () => platform.ctx.now().getTime();
  const inDays = (d: number) => new Date(now() + d * DAY).toISOString();
  const balance = async (username: string) => (await ledger.balanceOf(db(), memberAccountCode(memberOf[username]!))).balance;
  const escrow = async (exchangeId: string) => (await ledger.balanceOf(db(), escrowAccountCode(exchangeId))).balance;
  const audits = async (action: string, targetId: string) =>
    (await db().selectFrom('audit_log').select('seq').where('action', '=', action).where('target_id', '=', targetId).execute()).length;
  const inbox = async (username: string, kind: string) =>
    db().selectFrom('notification').innerJoin('app_user as u', 'u.id', 'notification.user_id').select(['notification.link', 'notification.title']).where('u.username', '=', username).where('notification.kind', '=', kind).execute();

  async function loginAll() {
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
  }

  async function need(who: string, body: Json = {}) {
    const r = await ok(who, 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '帮忙去药店买药', description: '腿脚不便，需要去人民医院药房取药。', minutes: 60, place: '1幢1单元', neededBy: inDays(3), ...body }, 201);
    return r.post as Json;
  }
  async function offer(who: string, body: Json = {}) {
    const r = await ok(who, 'POST', '/api/v1/me/timebank/posts', { kind: 'offer', category: '手机电脑', title: '教老人用智能手机', description: '微信视频、健康码、挂号。', minutes: 60, ...body }, 201);
    return r.post as Json;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: START });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await db().updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db().updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    // More neighbours: 王秀英 (第二网格), 陈东 (东山社区), five of 第一网格, a resident without a registry record, and 东山社区's staff.
    const hash = await hashPassword(DEMO_PASSWORD);
    const extra = NEIGHBOURS.map((_, i) => personRow(platform.ctx, { name: ['钱国平', '孙丽华', '李德明', '周小燕', '吴建中'][i]!, gender: i % 2 ? '女' : '男', birthDate: '1960-05-01', residenceType: '户籍人口', dwellingId: fx.nodes.dwelling02.id, orgPath: fx.nodes.dwelling02.path }));
    await insertPeople(db(), extra);
    const people: Record<string, { person: string | null; node: string; role?: 'resident' | 'community_staff' }> = {
      wang: { person: reg.people.wang, node: fx.nodes.grid02.id },
      chen: { person: reg.people.chen, node: fx.nodes.dongshan.id },
      nobody: { person: null, node: fx.nodes.grid01.id },
      dsstaff: { person: null, node: fx.nodes.dongshan.id, role: 'community_staff' },
      ...Object.fromEntries(NEIGHBOURS.map((u, i) => [u, { person: extra[i]!.id, node: fx.nodes.grid01.id }])),
    };
    for (const [username, p] of Object.entries(people)) {
      const id = await createUser(platform.ctx, { username, displayName: username, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: p.role ?? 'resident', orgNodeId: p.node }] }, db(), hash);
      if (p.person) await db().updateTable('app_user').set({ person_id: p.person }).where('id', '=', id).execute();
    }
    app = await createTestApp(platform);
    for (const u of ['xishan', 'street', 'grid01', 'resident01', 'volunteer01', ...Object.keys(people)]) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('lets residents with a registry record join, with the starting grant posted once in the ledger', async () => {
    const before = await ok('resident01', 'GET', '/api/v1/me/timebank');
    expect(before).toMatchObject({ eligible: true, communityName: '西山社区', member: null, rules: { startingMinutes: STARTING_MINUTES } });

    // No registry record: cannot join, told why in both languages.
    expect((await ok('nobody', 'GET', '/api/v1/me/timebank')).eligible).toBe(false);
    const zh = await call('nobody', 'POST', '/api/v1/me/timebank/join', { agree: true });
    expect(zh.statusCode).toBe(403);
    expect(zh.json().error).toMatchObject({ code: 'TIMEBANK_NO_RECORD' });
    expect(zh.json().error.message).toMatch(/居民信息/);
    const en = await call('nobody', 'POST', '/api/v1/me/timebank/join', { agree: true }, 'en');
    expect(en.json().error.message).toMatch(/registry/);
    // Staff hold no time bank permission; the agreement is required.
    expect((await call('grid01', 'POST', '/api/v1/me/timebank/join', { agree: true })).statusCode).toBe(403);
    expect((await call('resident01', 'POST', '/api/v1/me/timebank/join', { agree: false })).statusCode).toBe(400);

    for (const u of ['resident01', 'volunteer01', 'wang', 'chen', ...NEIGHBOURS]) {
      const me = await ok(u, 'POST', '/api/v1/me/timebank/join', { agree: true, contactNote: `${u} 白天在家` }, 201);
      expect(me.member).toMatchObject({ balance: STARTING_MINUTES, available: STARTING_MINUTES, promised: 0, held: 0 });
      memberOf[u] = me.member.id;
    }
    expect((await ok('chen', 'GET', '/api/v1/me/timebank')).communityName).toBe('东山社区');
    const again = await call('resident01', 'POST', '/api/v1/me/timebank/join', { agree: true });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('TIMEBANK_ALREADY_MEMBER');

    const st = await ok('resident01', 'GET', '/api/v1/me/timebank/statement');
    expect(st).toMatchObject({ balance: STARTING_MINUTES, total: 1 });
    expect(st.items[0]).toMatchObject({ amount: STARTING_MINUTES, sourceType: 'timebank.join', sourceId: memberOf.resident01 });
    expect(await audits('volunteers.timebank.join', memberOf.resident01!)).toBe(1);
  });

  it('post → take → done → accept moves the hours requester → escrow → helper', async () => {
    const p = await need('resident01');
    expect(p).toMatchObject({ kind: 'need', status: 'open', minutes: 60, canClose: true, canTake: false });
    expect((await ok('resident01', 'GET', '/api/v1/me/timebank')).member).toMatchObject({ balance: 120, promised: 60, available: 60 });

    // Neighbours see it, the author masked; another community does not.
    const list = await ok('volunteer01', 'GET', '/api/v1/me/timebank/posts?kind=need');
    const seen = list.items.find((i: Json) => i.id === p.id);
    expect(seen).toMatchObject({ canTake: true, author: { name: '朱**', place: '西山社区第一网格', isMe: false } });
    expect((await call('chen', 'GET', `/api/v1/me/timebank/posts/${p.id}`)).statusCode).toBe(404);
    expect((await call('chen', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`)).statusCode).toBe(404);
    // Nobody takes their own need.
    expect((await call('resident01', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`)).json().error.code).toBe('TIMEBANK_OWN_POST');

    const ex = await ok('volunteer01', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`, undefined, 201);
    expect(ex).toMatchObject({ status: 'held', role: 'helper', minutes: 60, counterpart: { name: '朱**', contactNote: 'resident01 白天在家' }, can: { done: true, accept: false, withdraw: true } });
    expect(await balance('resident01')).toBe(60);
    expect(await escrow(ex.id)).toBe(60);
    expect(await balance('volunteer01')).toBe(120);
    expect((await ok('resident01', 'GET', '/api/v1/me/timebank')).member).toMatchObject({ balance: 60, promised: 0, available: 60, held: 60 });
    expect((await inbox('resident01', 'volunteers.timebank.taken')).map((n) => n.link)).toContain(`/m/timebank/${p.id}`);
    // Taken: a second neighbour is too late.
    const late = await call('wang', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('TIMEBANK_POST_TAKEN');

    // Only the requester confirms; a stranger does not even see the exchange.
    expect((await call('volunteer01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/accept`)).json().error.code).toBe('TIMEBANK_NOT_REQUESTER');
    expect((await call('wang', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/accept`)).statusCode).toBe(404);
    expect((await call('resident01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/done`, {})).json().error.code).toBe('TIMEBANK_NOT_HELPER');

    const done = await ok('volunteer01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/done`, { note: '药已送到家' });
    expect(done.status).toBe('done');
    expect(Date.parse(done.autoAcceptAt) - Date.parse(done.doneAt)).toBe(AUTO_ACCEPT_DAYS * DAY);
    expect((await inbox('resident01', 'volunteers.timebank.done')).map((n) => n.link)).toContain(`/m/timebank/${p.id}`);

    const accepted = await ok('resident01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/accept`);
    expect(accepted).toMatchObject({ status: 'completed', acceptedHow: 'requester', role: 'requester' });
    expect(await escrow(ex.id)).toBe(0);
    expect(await balance('volunteer01')).toBe(180);
    expect(await balance('resident01')).toBe(60);
    expect((await inbox('volunteer01', 'volunteers.timebank.accepted')).map((n) => n.link)).toContain(`/m/timebank/${p.id}`);
    // Once: a second confirmation changes nothing.
    const twice = await call('resident01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/accept`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('TIMEBANK_EXCHANGE_STATE');
    expect(await balance('volunteer01')).toBe(180);

    const row = await db().selectFrom('timebank_exchange').selectAll().where('id', '=', ex.id).executeTakeFirstOrThrow();
    const hold = await ledger.getJournal(db(), row.hold_journal_id);
    const settle = await ledger.getJournal(db(), row.settle_journal_id!);
    expect(hold.entries).toEqual(expect.arrayContaining([{ accountCode: memberAccountCode(memberOf.resident01!), amount: 60, unit: 'minutes' }, { accountCode: escrowAccountCode(ex.id), amount: -60, unit: 'minutes' }]));
    expect(settle.entries).toEqual(expect.arrayContaining([{ accountCode: escrowAccountCode(ex.id), amount: 60, unit: 'minutes' }, { accountCode: memberAccountCode(memberOf.volunteer01!), amount: -60, unit: 'minutes' }]));
    for (const action of ['volunteers.timebank.take', 'volunteers.timebank.done', 'volunteers.timebank.accept']) expect(await audits(action, ex.id)).toBe(1);

    // Both see it among their exchanges, the helper's earnings counted.
    expect((await ok('volunteer01', 'GET', '/api/v1/me/timebank')).member).toMatchObject({ balance: 180, earned: 60 });
    const detail = await ok('resident01', 'GET', `/api/v1/me/timebank/posts/${p.id}`);
    expect(detail.post.status).toBe('taken');
    expect(detail.exchanges.map((e: Json) => e.id)).toEqual([ex.id]);
  });

  it('refuses to promise more hours than are available: 422 in Chinese and English, nothing held', async () => {
    // resident01 holds 60 minutes now.
    const zh = await call('resident01', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '陪同就医', title: '陪同去医院复查', minutes: 90, neededBy: inDays(5) });
    expect(zh.statusCode).toBe(422);
    expect(zh.json().error).toMatchObject({ code: 'TIMEBANK_INSUFFICIENT_HOURS' });
    expect(zh.json().error.message).toBe('时间余额不足：可用 1 小时，本次需要 1.5 小时。帮助邻居可以赚取时长');
    const en = await call('resident01', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '陪同就医', title: '陪同去医院复查', minutes: 90, neededBy: inDays(5) }, 'en');
    expect(en.json().error.message).toBe('Not enough hours: 1 h available, this needs 1.5 h. Helping neighbours earns hours');

    // An open need's promise counts: 45 of the 60 promised leaves 15.
    const small = await need('resident01', { minutes: 45, title: '帮忙取快递' });
    const more = await call('resident01', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '帮忙倒垃圾', minutes: 30, neededBy: inDays(2) });
    expect(more.statusCode).toBe(422);
    expect(more.json().error.message).toMatch(/可用 0.25 小时/);
    // Booking an offer is a promise too.
    const o = await offer('volunteer01');
    const book = await call('resident01', 'POST', `/api/v1/me/timebank/posts/${o.id}/book`, { minutes: 30, neededBy: inDays(2) });
    expect(book.statusCode).toBe(422);
    expect(await balance('resident01')).toBe(60);
    expect((await ok('resident01', 'GET', '/api/v1/me/timebank')).member).toMatchObject({ balance: 60, promised: 45, available: 15 });

    // Closing the need frees its promise; then the booking fits and holds at once.
    await ok('resident01', 'POST', `/api/v1/me/timebank/posts/${small.id}/close`, { reason: '家人已经取了' });
    const booked = await ok('resident01', 'POST', `/api/v1/me/timebank/posts/${o.id}/book`, { minutes: 30, neededBy: inDays(2), note: '想学视频通话' }, 201);
    expect(booked).toMatchObject({ status: 'held', role: 'requester', minutes: 30, kind: 'offer' });
    expect(await balance('resident01')).toBe(30);
    expect(await escrow(booked.id)).toBe(30);
    expect((await inbox('volunteer01', 'volunteers.timebank.booked')).map((n) => n.link)).toContain(`/m/timebank/${o.id}`);
    // The ledger itself never lets the member's account below zero.
    await expect(
      ledger.post(db(), { memo: 'x', lines: [{ accountCode: memberAccountCode(memberOf.resident01!), amount: 31 }, { accountCode: escrowAccountCode(booked.id), amount: -31 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_INSUFFICIENT_BALANCE' });
  });

  it('refuses bad input with 400 and localised messages', async () => {
    const zh = await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '买', minutes: 5, neededBy: 'tomorrow' });
    expect(zh.statusCode).toBe(400);
    const body = zh.json().error;
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details.map((d: Json) => d.field).sort()).toEqual(['body.minutes', 'body.neededBy', 'body.title']);
    const en = await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '买', minutes: 5, neededBy: 'tomorrow' }, 'en');
    expect(en.json().error.message).not.toBe(body.message);
    const noDate = await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '帮忙买菜', minutes: 30 });
    expect(noDate.statusCode).toBe(400);
    expect(noDate.json().error).toMatchObject({ code: 'TIMEBANK_NEEDED_BY_REQUIRED', message: '发布需求须填写最晚需要帮助的时间' });
    expect((await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '帮忙买菜', minutes: 30 }, 'en')).json().error.message).toBe('A need must say by when the help is needed');
    const past = await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'need', category: '跑腿代办', title: '帮忙买菜', minutes: 30, neededBy: inDays(-1) });
    expect(past.json().error).toMatchObject({ code: 'TIMEBANK_NEEDED_BY_INVALID', message: '需要帮助的时间须晚于现在，且在 60 天之内' });
    expect((await call('wang', 'POST', '/api/v1/me/timebank/posts', { kind: 'offer', category: '不存在', title: '帮忙买菜', minutes: 30 })).statusCode).toBe(400);
    expect((await call('xishan', 'POST', '/api/v1/timebank/exchanges/x1/resolve', { award: 'both', reason: '短' })).statusCode).toBe(400);
  });

  it('lets exactly one of several neighbours take a need at once; the others get 409', async () => {
    const p = await need('wang', { title: '帮忙搬一张旧沙发下楼', minutes: 90, category: '家居维修' });
    // PostgreSQL: a pool of its own per taker, so the takes really run side by side.
    const results = await Promise.all(NEIGHBOURS.map((u) => call(u, 'POST', `/api/v1/me/timebank/posts/${p.id}/take`)));
    const won = results.filter((r) => r.statusCode === 201);
    const lost = results.filter((r) => r.statusCode !== 201);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(NEIGHBOURS.length - 1);
    for (const r of lost) {
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('TIMEBANK_POST_TAKEN');
    }
    const rows = await db().selectFrom('timebank_exchange').select(['id', 'helper_member_id']).where('post_id', '=', p.id).execute();
    expect(rows).toHaveLength(1);
    expect(await escrow(rows[0]!.id)).toBe(90);
    expect(await balance('wang')).toBe(30);
    const holds = await db().selectFrom('ledger_journal').select('id').where('source_type', '=', 'timebank.hold').where('source_id', '=', rows[0]!.id).execute();
    expect(holds).toHaveLength(1);
  });

  it('two service processes taking the same need at the same instant: one wins', async () => {
    // PostgreSQL: a second connection pool, as a second server process would have; SQLite: one writer per file.
    const other = IS_PG ? openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 4 }) : platform.ctx.db;
    try {
      const p = await need('volunteer01', { title: '帮忙修一下水龙头', minutes: 30, category: '家居维修' });
      const actors = await Promise.all(['nb1', 'nb2'].map(async (u) => loadActor(db(), (await db().selectFrom('app_user').select('id').where('username', '=', u).executeTakeFirstOrThrow()).id)));
      const meta = { ip: '127.0.0.1', requestId: 'tb-test' };
      const results = await Promise.allSettled([takeNeed(platform.ctx, actors[0]!, p.id, meta), takeNeed({ ...platform.ctx, db: other }, actors[1]!, p.id, meta)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(lost.reason).toMatchObject({ status: 409, code: 'TIMEBANK_POST_TAKEN' });
      expect(await db().selectFrom('timebank_exchange').select('id').where('post_id', '=', p.id).execute()).toHaveLength(1);
    } finally {
      if (other !== platform.ctx.db) await other.destroy();
    }
  });

  it('sends disputes to community staff, who award the hours either way with a reason', async () => {
    // A: 孙丽华 asks, 钱国平 helps and says it is done; 孙丽华 disputes; staff award the helper.
    const pa = await need('nb2', { title: '帮忙贴春联', minutes: 30, category: '其他' });
    const a = await ok('nb1', 'POST', `/api/v1/me/timebank/posts/${pa.id}/take`, undefined, 201);
    await ok('nb1', 'POST', `/api/v1/me/timebank/exchanges/${a.id}/done`, {});
    const short = await call('nb2', 'POST', `/api/v1/me/timebank/exchanges/${a.id}/dispute`, { reason: '短' });
    expect(short.statusCode).toBe(400);
    const disputed = await ok('nb2', 'POST', `/api/v1/me/timebank/exchanges/${a.id}/dispute`, { reason: '只贴了一半，另一半没贴' });
    expect(disputed).toMatchObject({ status: 'disputed', disputedByMe: true, can: { accept: false, dispute: false } });
    expect((await inbox('nb1', 'volunteers.timebank.disputed')).map((n) => n.link)).toContain(`/m/timebank/${pa.id}`);
    expect((await inbox('xishan', 'volunteers.timebank.dispute')).map((n) => n.link)).toContain(`/console/volunteers/timebank/${a.id}`);
    // Nobody settles a disputed exchange but staff.
    expect((await call('nb2', 'POST', `/api/v1/me/timebank/exchanges/${a.id}/accept`)).statusCode).toBe(409);

    // Staff of their subtree only: 东山社区's staff do not see it; grid workers hold no permission.
    expect((await call('dsstaff', 'POST', `/api/v1/timebank/exchanges/${a.id}/resolve`, { award: 'helper', reason: '核实已完成大部分' })).statusCode).toBe(404);
    expect((await call('dsstaff', 'GET', `/api/v1/timebank/exchanges/${a.id}`)).statusCode).toBe(404);
    expect((await call('grid01', 'POST', `/api/v1/timebank/exchanges/${a.id}/resolve`, { award: 'helper', reason: '核实已完成大部分' })).statusCode).toBe(403);
    expect((await call('nb2', 'POST', `/api/v1/timebank/exchanges/${a.id}/resolve`, { award: 'requester', reason: '我自己裁定一下' })).statusCode).toBe(403);

    const disputes = await ok('xishan', 'GET', '/api/v1/timebank/exchanges?open=1');
    const row = disputes.items.find((i: Json) => i.id === a.id);
    expect(row).toMatchObject({ status: 'disputed', disputedBy: 'requester', requester: { name: '孙丽华' }, helper: { name: '钱国平' }, escrowBalance: 30, canResolve: true });
    const readAudits = await db().selectFrom('audit_log').select('seq').where('action', '=', 'volunteers.timebank.exchanges.read').where('actor_name', '=', 'xishan').execute();
    expect(readAudits.length).toBeGreaterThan(0);

    const b1 = await balance('nb1');
    const resolved = await ok('xishan', 'POST', `/api/v1/timebank/exchanges/${a.id}/resolve`, { award: 'helper', reason: '电话核实：春联已贴好，另一副是居民自己要求留着' });
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'helper', escrowBalance: 0, canResolve: false });
    expect(await balance('nb1')).toBe(b1 + 30);
    expect((await inbox('nb2', 'volunteers.timebank.resolved')).map((n) => n.link)).toContain(`/m/timebank/${pa.id}`);
    expect(await audits('volunteers.timebank.resolve', a.id)).toBe(1);
    const again = await call('xishan', 'POST', `/api/v1/timebank/exchanges/${a.id}/resolve`, { award: 'requester', reason: '再裁定一次试试' });
    expect(again.statusCode).toBe(409);
    expect(await balance('nb1')).toBe(b1 + 30);

    // B: the helper disputes (the requester will not confirm); the street awards the hours back to the requester.
    const pb = await need('nb4', { title: '帮忙遛狗一周', minutes: 60, category: '其他' });
    const b = await ok('nb3', 'POST', `/api/v1/me/timebank/posts/${pb.id}/take`, undefined, 201);
    const r4 = await balance('nb4');
    await ok('nb3', 'POST', `/api/v1/me/timebank/exchanges/${b.id}/dispute`, { reason: '对方临时改成遛两周，谈不拢' });
    const back = await ok('street', 'POST', `/api/v1/timebank/exchanges/${b.id}/resolve`, { award: 'requester', reason: '双方约定不一致，未提供服务，时长退回' });
    expect(back).toMatchObject({ status: 'resolved', resolution: 'requester', disputedBy: 'helper' });
    expect(await balance('nb4')).toBe(r4 + 60);
    expect(await escrow(b.id)).toBe(0);

    const overview = await ok('xishan', 'GET', '/api/v1/timebank/overview');
    expect(overview.heldMinutes).toBe(overview.escrowMinutes);
    expect(overview.grantedMinutes).toBe(8 * STARTING_MINUTES); // the eight members of 西山社区
    expect(overview.exchanges.resolved).toBe(2);
    expect((await ok('dsstaff', 'GET', '/api/v1/timebank/overview')).members).toBe(1);
    expect((await call('grid01', 'GET', '/api/v1/timebank/overview')).statusCode).toBe(403);
  });

  it('a helper who gives up returns the hours and reopens the need', async () => {
    const p = await need('nb5', { title: '帮忙换个灯泡', minutes: 30, category: '家居维修' });
    const ex = await ok('nb1', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`, undefined, 201);
    const before = await balance('nb5');
    expect((await call('nb5', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/withdraw`, {})).json().error.code).toBe('TIMEBANK_NOT_HELPER');
    const w = await ok('nb1', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/withdraw`, { reason: '临时要出差' });
    expect(w.status).toBe('cancelled');
    expect(await balance('nb5')).toBe(before + 30);
    expect((await ok('nb5', 'GET', `/api/v1/me/timebank/posts/${p.id}`)).post.status).toBe('open');
    // …and someone else can take it now.
    await ok('nb2', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`, undefined, 201);
  });

  it('releases held hours of a need nobody completed in time, once, and expires untaken needs', async () => {
    const held = await need('volunteer01', { title: '帮忙照看孩子一小时', minutes: 60, category: '陪伴聊天', neededBy: inDays(1) });
    const ex = await ok('resident01', 'POST', `/api/v1/me/timebank/posts/${held.id}/take`, undefined, 201);
    const untaken = await need('volunteer01', { title: '帮忙收一下被子', minutes: 15, category: '跑腿代办', neededBy: inDays(1) });
    const doneEx = await (async () => {
      const p = await need('nb3', { title: '帮忙拎米上楼', minutes: 30, category: '跑腿代办', neededBy: inDays(1) });
      const e = await ok('nb4', 'POST', `/api/v1/me/timebank/posts/${p.id}/take`, undefined, 201);
      await ok('nb4', 'POST', `/api/v1/me/timebank/exchanges/${e.id}/done`, {});
      return e;
    })();
    const requesterBefore = await balance('volunteer01');
    const promisedBefore = (await ok('volunteer01', 'GET', '/api/v1/me/timebank')).member.promised;
    const helperBefore = await balance('nb4');

    // Nothing is due yet.
    expect(await runDeadlines(platform.ctx)).toEqual({ expired: 0, released: 0, confirmed: 0 });

    // Past the need's time + the grace, and 7 days after "done": two runs at once (PostgreSQL: two pools, as two processes).
    platform.advance(1 * DAY + RELEASE_GRACE_HOURS * HOUR + HOUR);
    platform.advance(AUTO_ACCEPT_DAYS * DAY);
    const t = platform.ctx.now().toISOString();
    const count = async (q: Promise<{ n: unknown }>) => Number((await q).n);
    const due = {
      expired: await count(db().selectFrom('timebank_post').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'open').where('kind', '=', 'need').where('needed_by', '<=', t).executeTakeFirstOrThrow()),
      released: await count(db().selectFrom('timebank_exchange').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'held').where('due_at', '<=', t).executeTakeFirstOrThrow()),
      confirmed: await count(db().selectFrom('timebank_exchange').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'done').where('done_at', '<=', new Date(Date.parse(t) - AUTO_ACCEPT_DAYS * DAY).toISOString()).executeTakeFirstOrThrow()),
    };
    expect(due.released).toBeGreaterThanOrEqual(2); // this one, and the booking and the reopened need taken earlier
    expect(due.confirmed).toBe(1);
    expect(due.expired).toBeGreaterThanOrEqual(1);
    const other = IS_PG ? openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 4 }) : platform.ctx.db;
    try {
      const runs = await Promise.all([runDeadlines(platform.ctx), runDeadlines({ ...platform.ctx, db: other })]);
      // Each due item handled exactly once between the two runs.
      expect(runs.reduce((a, r) => a + r.released, 0)).toBe(due.released);
      expect(runs.reduce((a, r) => a + r.confirmed, 0)).toBe(due.confirmed);
      expect(runs.reduce((a, r) => a + r.expired, 0)).toBe(due.expired);
    } finally {
      if (other !== platform.ctx.db) await other.destroy();
    }
    expect(await runDeadlines(platform.ctx)).toEqual({ expired: 0, released: 0, confirmed: 0 });

    const releases = await db().selectFrom('ledger_journal').select('id').where('source_type', '=', 'timebank.release').where('source_id', '=', ex.id).execute();
    expect(releases).toHaveLength(1);
    expect(await escrow(ex.id)).toBe(0);
    // Back to the requester: this exchange's 60 minutes (and any other held exchange of theirs that ran out).
    const releasedOfTheirs = await db().selectFrom('timebank_exchange').select('minutes').where('status', '=', 'released').where('requester_member_id', '=', memberOf.volunteer01!).execute();
    expect(releasedOfTheirs.map((r) => r.minutes)).toContain(60);
    expect(await balance('volunteer01')).toBe(requesterBefore + releasedOfTheirs.reduce((a, r) => a + r.minutes, 0));
    expect((await ledger.getJournal(db(), releases[0]!.id)).entries).toEqual(expect.arrayContaining([{ accountCode: memberAccountCode(memberOf.volunteer01!), amount: -60, unit: 'minutes' }]));
    const row = await db().selectFrom('timebank_exchange').select(['status', 'released_at']).where('id', '=', ex.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('released');
    expect(await audits('volunteers.timebank.release', ex.id)).toBe(1);
    const posts = await db().selectFrom('timebank_post').select(['id', 'status']).where('id', 'in', [held.id, untaken.id]).execute();
    expect(Object.fromEntries(posts.map((p) => [p.id, p.status]))).toEqual({ [held.id]: 'expired', [untaken.id]: 'expired' });
    expect(await audits('volunteers.timebank.post.expire', untaken.id)).toBe(1);

    // Done but never confirmed or disputed: confirmed automatically, the helper paid once.
    expect(await balance('nb4')).toBe(helperBefore + 30);
    const auto = await db().selectFrom('timebank_exchange').select(['status', 'accepted_how']).where('id', '=', doneEx.id).executeTakeFirstOrThrow();
    expect(auto).toEqual({ status: 'completed', accepted_how: 'auto' });

    await loginAll();
    // The expired need's promise no longer counts.
    expect((await ok('volunteer01', 'GET', '/api/v1/me/timebank')).member.promised).toBe(promisedBefore - 15);
    expect((await inbox('volunteer01', 'volunteers.timebank.released')).map((n) => n.link)).toContain(`/m/timebank/${held.id}`);
    // Too late for the helper to say done now.
    expect((await call('resident01', 'POST', `/api/v1/me/timebank/exchanges/${ex.id}/done`, {})).statusCode).toBe(409);
  });

  it('keeps every member account and escrow equal to the sum of its entries and never negative', async () => {
    const accounts = await db().selectFrom('ledger_account').select(['code']).where('code', 'like', 'timebank:%').execute();
    const all = await ledger.balances(db(), accounts.map((a) => a.code));
    for (const [code, b] of all) if (!code.startsWith('timebank:grant:')) expect(b.balance, code).toBeGreaterThanOrEqual(0);
    // The bank is closed: grants out = members + escrow in.
    const sum = (prefix: string) => [...all.values()].filter((b) => b.code.startsWith(prefix)).reduce((a, b) => a + b.balance, 0);
    expect(sum('timebank:member:') + sum('timebank:escrow:')).toBe(sum('timebank:grant:'));
  });
});
