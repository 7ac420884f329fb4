import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { createUser } from '../../platform/auth/users.service.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { seedRegistryFixture } from '../registry/registry.fixture.js';
import { signUp } from './lectures.service.js';

const START = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 Beijing
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Json = Record<string, any>;

describe(`micro-lectures 微课 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};
  const CROWD = Array.from({ length: 12 }, (_, i) => `crowd${i}`);

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {}), ...(lang ? { 'accept-language': lang } : {}) } });
  const ok = async (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, status = 200) => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.json() as Json;
  };
  const db = () => platform.ctx.db.kysely;
  const at = (ms: number) => new Date(platform.ctx.now().getTime() + ms).toISOString();
  async function loginAll() {
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
  }
  async function lecture(body: Json = {}) {
    return ok('xishan', 'POST', '/api/v1/lectures', {
      orgNodeId: fx.nodes.xishan.id,
      title: '防范电信网络诈骗讲座',
      speaker: '硖石派出所 反诈民警 沈警官',
      body: '冒充客服、刷单返利、虚假投资理财……\n现场教大家安装国家反诈中心 App。',
      videoUrl: 'https://tv.cctv.com/2025/05/01/VIDEabc.shtml',
      place: '西山社区党群服务中心一楼会议室',
      startsAt: at(2 * DAY),
      endsAt: at(2 * DAY + 90 * MINUTE),
      capacity: 30,
      publish: true,
      ...body,
    }, 201);
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: START });
    fx = await seedFixture(platform.ctx);
    const reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await db().updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const u of CROWD) await createUser(platform.ctx, { username: u, displayName: `居民${u}`, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'resident', orgNodeId: fx.nodes.grid01.id }] }, db(), hash);
    await createUser(platform.ctx, { username: 'dsstaff', displayName: '东山社区 工作人员', password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'community_staff', orgNodeId: fx.nodes.dongshan.id }] }, db(), hash);
    app = await createTestApp(platform);
    for (const u of ['xishan', 'street', 'grid01', 'party', 'resident01', 'volunteer01', 'dsstaff', ...CROWD]) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('publishes lecture pages anyone may read; drafts stay with staff', async () => {
    const l = await lecture();
    expect(l).toMatchObject({ status: 'published', capacity: 30, taken: 0, seatsLeft: 30, videoHost: 'tv.cctv.com', signupOpen: true, organiser: '西山社区', sharePath: `/m/lectures/${l.id}` });
    const draft = await lecture({ title: '急救知识：心肺复苏与 AED', publish: false });
    expect(draft.status).toBe('draft');
    const pub = await ok(null, 'GET', `/api/v1/public/lectures?orgNodeId=${fx.nodes.grid01.id}`);
    expect(pub.items.map((i: Json) => i.id)).toContain(l.id);
    expect(pub.items.map((i: Json) => i.id)).not.toContain(draft.id);
    expect((await call(null, 'GET', `/api/v1/public/lectures/${draft.id}`)).statusCode).toBe(404);
    const published = await ok('party', 'POST', `/api/v1/lectures/${draft.id}/publish`, { expectedVersion: draft.version });
    expect(published.status).toBe('published');
    expect((await ok(null, 'GET', `/api/v1/public/lectures/${draft.id}`)).title).toBe('急救知识：心肺复苏与 AED');
    expect(await db().selectFrom('audit_log').select('seq').where('action', '=', 'volunteers.lecture.publish').where('target_id', '=', draft.id).execute()).toHaveLength(1);
  });

  it('validates input and video links with localised 400s; never a script or a local address', async () => {
    for (const videoUrl of ['javascript:alert(1)', 'http://localhost/v.mp4', 'ftp://v.example.com/x', 'data:text/html,hi']) {
      const r = await call('xishan', 'POST', '/api/v1/lectures', { orgNodeId: fx.nodes.xishan.id, title: '智能手机使用', speaker: '志愿者 徐美玲', place: '活动室', startsAt: at(DAY), endsAt: at(DAY + HOUR), capacity: 20, videoUrl });
      expect(r.statusCode, videoUrl).toBe(400);
      expect(r.json().error.details.map((d: Json) => d.field)).toEqual(['body.videoUrl']);
    }
    const creds = await call('xishan', 'POST', '/api/v1/lectures', { orgNodeId: fx.nodes.xishan.id, title: '智能手机使用', speaker: '志愿者 徐美玲', place: '活动室', startsAt: at(DAY), endsAt: at(DAY + HOUR), capacity: 20, videoUrl: 'https://user:secret@v.qq.com/x' });
    expect(creds.json().error).toMatchObject({ code: 'LECTURE_VIDEO_INVALID', message: '视频链接不能包含用户名或密码' });
    const zh = await call('xishan', 'POST', '/api/v1/lectures', { orgNodeId: fx.nodes.xishan.id, title: '课', speaker: '', place: '活动室', startsAt: 'soon', endsAt: at(HOUR), capacity: 0 });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.details.map((d: Json) => d.field).sort()).toEqual(['body.capacity', 'body.speaker', 'body.startsAt', 'body.title']);
    const en = await call('xishan', 'POST', '/api/v1/lectures', { orgNodeId: fx.nodes.xishan.id, title: '课', speaker: '', place: '活动室', startsAt: 'soon', endsAt: at(HOUR), capacity: 0 }, 'en');
    expect(en.json().error.message).not.toBe(zh.json().error.message);
    const backwards = await call('xishan', 'POST', '/api/v1/lectures', { orgNodeId: fx.nodes.xishan.id, title: '智能手机使用', speaker: '志愿者 徐美玲', place: '活动室', startsAt: at(DAY), endsAt: at(DAY - HOUR), capacity: 20 }, 'en');
    expect(backwards.json().error).toMatchObject({ code: 'LECTURE_TIMES_INVALID', message: 'Bad times: the end must follow the start, and it may last at most 8 hours' });
  });

  it('holds the capacity under concurrent sign-ups: exactly as many as there are seats', async () => {
    const l = await lecture({ title: '智能手机使用：微信视频与挂号', capacity: 5 });
    const results = await Promise.all(CROWD.map((u) => call(u, 'POST', `/api/v1/me/lectures/${l.id}/signup`)));
    const won = results.filter((r) => r.statusCode === 201);
    const full = results.filter((r) => r.statusCode !== 201);
    expect(won).toHaveLength(5);
    expect(full).toHaveLength(CROWD.length - 5);
    for (const r of full) {
      expect(r.statusCode).toBe(409);
      expect(r.json().error).toMatchObject({ code: 'LECTURE_FULL', message: '名额已满（5 人）' });
    }
    const row = await db().selectFrom('lecture').select(['taken', 'capacity']).where('id', '=', l.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ taken: 5, capacity: 5 });
    expect(await db().selectFrom('lecture_signup').select('id').where('lecture_id', '=', l.id).where('status', '=', 'signed').execute()).toHaveLength(5);
    expect((await ok(null, 'GET', `/api/v1/public/lectures/${l.id}`))).toMatchObject({ seatsLeft: 0, signupOpen: false });

    // A cancellation frees one seat, taken by the next who asks.
    const winner = CROWD[results.findIndex((r) => r.statusCode === 201)]!;
    const loser = CROWD[results.findIndex((r) => r.statusCode !== 201)]!;
    expect((await ok(winner, 'POST', `/api/v1/me/lectures/${l.id}/cancel`)).mine.status).toBe('cancelled');
    expect((await ok(loser, 'POST', `/api/v1/me/lectures/${l.id}/signup`, undefined, 201)).mine.status).toBe('signed');
    expect((await db().selectFrom('lecture').select('taken').where('id', '=', l.id).executeTakeFirstOrThrow()).taken).toBe(5);
    // Capacity cannot drop below those signed up.
    const below = await call('xishan', 'PATCH', `/api/v1/lectures/${l.id}`, { capacity: 3, expectedVersion: (await ok('xishan', 'GET', `/api/v1/lectures/${l.id}`)).version });
    expect(below.json().error).toMatchObject({ code: 'LECTURE_CAPACITY_BELOW_TAKEN' });
  });

  it('two server processes: concurrent sign-ups for the last seats still never overbook', async () => {
    // PostgreSQL: a second pool, as a second server process; SQLite: one writer per file.
    const other = IS_PG ? openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 4 }) : platform.ctx.db;
    try {
      const l = await lecture({ title: '垃圾分类微课堂', capacity: 3 });
      const actors = await Promise.all(CROWD.slice(0, 8).map(async (u) => (await loadActor(db(), (await db().selectFrom('app_user').select('id').where('username', '=', u).executeTakeFirstOrThrow()).id))!));
      const meta = { ip: '127.0.0.1', requestId: 'lecture-test' };
      const results = await Promise.allSettled(actors.map((a, i) => signUp(i % 2 ? platform.ctx : { ...platform.ctx, db: other }, a, l.id, meta)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'LECTURE_FULL' });
      expect((await db().selectFrom('lecture').select('taken').where('id', '=', l.id).executeTakeFirstOrThrow()).taken).toBe(3);
    } finally {
      if (other !== platform.ctx.db) await other.destroy();
    }
  });

  it('one sign-up per account, also when two arrive together', async () => {
    const l = await lecture({ title: '老年人防跌倒讲座' });
    const both = await Promise.all([call('resident01', 'POST', `/api/v1/me/lectures/${l.id}/signup`), call('resident01', 'POST', `/api/v1/me/lectures/${l.id}/signup`)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().error.code).toBe('LECTURE_ALREADY_SIGNED');
    expect((await db().selectFrom('lecture').select('taken').where('id', '=', l.id).executeTakeFirstOrThrow()).taken).toBe(1);
    const mine = await ok('resident01', 'GET', '/api/v1/me/lectures');
    expect(mine.items.map((i: Json) => i.lecture.id)).toContain(l.id);
  });

  it('records attendance by staff and by the room QR (forged 403, expired 410), only within its subtree', async () => {
    const l = await lecture({ title: '居家用电安全', startsAt: at(3 * HOUR), endsAt: at(5 * HOUR) });
    const other = await lecture({ title: '居家用火安全', startsAt: at(3 * HOUR), endsAt: at(5 * HOUR) });
    for (const u of ['resident01', 'volunteer01', 'crowd0']) await ok(u, 'POST', `/api/v1/me/lectures/${l.id}/signup`, undefined, 201);
    await ok('crowd1', 'POST', `/api/v1/me/lectures/${other.id}/signup`, undefined, 201);

    // Staff of the subtree only; grid workers and residents hold no permission.
    expect((await call('dsstaff', 'GET', `/api/v1/lectures/${l.id}/signups`)).statusCode).toBe(404);
    expect((await call('grid01', 'GET', `/api/v1/lectures/${l.id}/signups`)).statusCode).toBe(403);
    expect((await call('resident01', 'POST', `/api/v1/lectures/${l.id}/attendance`, { signupIds: ['x'], attended: true })).statusCode).toBe(403);
    const list = await ok('xishan', 'GET', `/api/v1/lectures/${l.id}/signups`);
    expect(list.items.map((i: Json) => i.name)).toContain('朱志强');
    expect(list.items.find((i: Json) => i.name === '朱志强').phoneMasked).toBe('138****5678');
    expect(await db().selectFrom('audit_log').select('seq').where('action', '=', 'volunteers.lecture.signups.read').where('target_id', '=', l.id).execute()).not.toHaveLength(0);

    // Too early for attendance and for the QR.
    const ids = list.items.map((i: Json) => i.id);
    expect((await call('xishan', 'POST', `/api/v1/lectures/${l.id}/attendance`, { signupIds: ids, attended: true })).json().error.code).toBe('LECTURE_ATTENDANCE_TOO_EARLY');
    expect((await call('xishan', 'GET', `/api/v1/lectures/${l.id}/checkin-qr`)).json().error.code).toBe('LECTURE_CHECKIN_NOT_OPEN');

    platform.advance(3 * HOUR - 10 * MINUTE);
    await loginAll();
    // Sign-ups closed at the start? Not yet started: still 10 minutes.
    const qr = await ok('xishan', 'GET', `/api/v1/lectures/${l.id}/checkin-qr`);
    expect(qr.path).toBe(`/m/lectures/${l.id}?t=${encodeURIComponent(qr.token)}`);
    expect(qr.svg).toMatch(/^<svg/);

    // A forged code (its signature altered) and a code of another lecture.
    const [payload, mac] = qr.token.split('.');
    const forged = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    expect((await call('resident01', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: forged })).statusCode).toBe(403);
    const otherQr = await ok('xishan', 'GET', `/api/v1/lectures/${other.id}/checkin-qr`);
    expect((await call('resident01', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: otherQr.token })).json().error.code).toBe('LECTURE_QR_MISMATCH');
    // Not signed up.
    expect((await call('crowd1', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: qr.token })).json().error.code).toBe('LECTURE_NOT_SIGNED_UP');

    const first = await ok('resident01', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: qr.token });
    expect(first).toMatchObject({ already: false, mine: { attendedMethod: 'qr' } });
    const second = await ok('resident01', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: qr.token });
    expect(second.already).toBe(true);
    // Attended: no cancelling any more.
    expect((await call('resident01', 'POST', `/api/v1/me/lectures/${l.id}/cancel`)).json().error.code).toBe('LECTURE_ALREADY_ATTENDED');

    // A photo of the code passed on three minutes later has expired.
    platform.advance(3 * MINUTE);
    await loginAll();
    const late = await call('volunteer01', 'POST', `/api/v1/me/lectures/${l.id}/checkin`, { token: qr.token });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('SIGNED_LINK_EXPIRED');

    // Staff mark the others present, and take one back.
    const marked = await ok('xishan', 'POST', `/api/v1/lectures/${l.id}/attendance`, { signupIds: ids, attended: true });
    expect(marked.changed).toBe(2); // resident01 was already present by QR
    expect(marked.items.filter((i: Json) => i.attendedMethod === 'staff')).toHaveLength(2);
    const crowd0 = marked.items.find((i: Json) => i.name === '居民crowd0');
    const unmarked = await ok('xishan', 'POST', `/api/v1/lectures/${l.id}/attendance`, { signupIds: [crowd0.id], attended: false });
    expect(unmarked.changed).toBe(1);
    expect((await ok('xishan', 'GET', `/api/v1/lectures/${l.id}`)).attended).toBe(2);
    expect(await db().selectFrom('audit_log').select('seq').where('action', '=', 'volunteers.lecture.attendance').where('target_id', '=', l.id).execute()).toHaveLength(2);

    // Started: no new sign-ups, no cancellations; with attendance it cannot be cancelled.
    platform.advance(10 * MINUTE);
    await loginAll();
    expect((await call('crowd5', 'POST', `/api/v1/me/lectures/${l.id}/signup`)).json().error.code).toBe('LECTURE_STARTED');
    expect((await call('xishan', 'POST', `/api/v1/lectures/${l.id}/cancel`, { reason: '临时停电' })).json().error.code).toBe('LECTURE_HAS_ATTENDANCE');
  });

  it('cancelling a lecture tells everyone signed up', async () => {
    const l = await lecture({ title: '冬季养生讲座' });
    await ok('crowd2', 'POST', `/api/v1/me/lectures/${l.id}/signup`, undefined, 201);
    const cancelled = await ok('xishan', 'POST', `/api/v1/lectures/${l.id}/cancel`, { reason: '主讲医生临时出诊，改期另行通知' });
    expect(cancelled).toMatchObject({ status: 'cancelled', taken: 0 });
    const inbox = await db().selectFrom('notification').innerJoin('app_user as u', 'u.id', 'notification.user_id').select('notification.link').where('u.username', '=', 'crowd2').where('notification.kind', '=', 'volunteers.lecture.cancelled').execute();
    expect(inbox.map((n) => n.link)).toEqual([`/m/lectures/${l.id}`]);
    expect((await ok('crowd2', 'GET', `/api/v1/me/lectures/${l.id}`)).mine.status).toBe('cancelled');
    expect((await call('crowd3', 'POST', `/api/v1/me/lectures/${l.id}/signup`)).json().error.code).toBe('LECTURE_CANCELLED');
    // 东山社区's staff cannot touch 西山's lectures; the street can.
    expect((await call('dsstaff', 'GET', `/api/v1/lectures/${l.id}`)).statusCode).toBe(404);
    expect((await ok('street', 'GET', `/api/v1/lectures/${l.id}`)).status).toBe('cancelled');
  });
});
