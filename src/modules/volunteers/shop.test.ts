import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL, IS_PG } from '../../../test/helpers/platform.js';
import { uploadFile } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { PlatformContext } from '../../platform/context.js';
import { openDatabase } from '../../platform/db/database.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import * as shop from './shop.service.js';
import { DAY, HOUR, meta, volunteersKit, type Kit } from './volunteers.testkit.js';

describe(`volunteer shop 志愿服务网店 (${DIALECT_LABEL})`, () => {
  let k: Kit;

  beforeAll(async () => {
    k = await volunteersKit();
    // volunteer01 (徐美玲, a registry person) registers online.
    const res = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer', { skills: ['急救'], availability: ['周末'], consent: true, consentVersion: '2026-11' });
    expect(res.statusCode, res.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('lays opportunities out as cards: by category, searchable, shareable, with a cover; drafts stay hidden', async () => {
    const png = await renderQrPng('cover');
    const cover = await uploadFile(k.app, k.s.xishan!, shop.COVER_PURPOSE, { name: 'lake.png', mime: 'image/png', bytes: png });
    const a = await k.opportunity({ title: '护卫鹃湖：湖岸垃圾清理', category: '环境', skills: ['摄影'], coverAttachmentId: cover, quota: 15 });
    const b = await k.opportunity({ title: '暴走文明路：早高峰文明劝导', category: '文明交通', place: '海宁火车站站前路口', startsIn: 2 * DAY });
    const draft = await k.opportunity({ title: '草稿：亲子垃圾分类游戏日', category: '垃圾分类', publish: false });

    const all = (await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities?orgNodeId=${k.fx.nodes.grid01.id}`)).json() as { items: { id: string; title: string; placesLeft: number; quota: number; skills: string[]; coverUrl: string | null; sharePath: string; qrPath: string; organiser: string; creditMinutes: number; signupOpen: boolean; phase: string }[]; total: number };
    // A grid's shop shows its community's opportunities (the nodes above it).
    expect(all.items.map((i) => i.id)).toEqual([a.id, b.id]);
    const card = all.items[0]!;
    expect(card).toMatchObject({ title: '护卫鹃湖：湖岸垃圾清理', quota: 15, placesLeft: 15, skills: ['摄影'], organiser: '西山社区', creditMinutes: 120, signupOpen: true, phase: 'upcoming', sharePath: `/m/volunteer/opportunities/${a.id}` });
    expect(card.qrPath).toBe(`/api/v1/qr?path=${encodeURIComponent(`/m/volunteer/opportunities/${a.id}`)}`);
    const img = await k.call(null, 'GET', card.coverUrl!);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    const qr = await k.call(null, 'GET', card.qrPath);
    expect(qr.statusCode).toBe(200);
    expect(qr.body).toContain('<svg');

    const byCategory = (await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities?category=${encodeURIComponent('文明交通')}`)).json() as { items: { id: string }[] };
    expect(byCategory.items.map((i) => i.id)).toEqual([b.id]);
    const searched = (await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities?q=${encodeURIComponent('火车站')}`)).json() as { items: { id: string }[] };
    expect(searched.items.map((i) => i.id)).toEqual([b.id]);
    // Another community's shop does not list 西山's.
    const dongshan = (await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities?orgNodeId=${k.fx.nodes.dongshan.id}`)).json() as { items: unknown[] };
    expect(dongshan.items).toEqual([]);
    expect((await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities/${draft.id}`)).statusCode).toBe(404);
    expect((await k.call(null, 'GET', `/api/v1/public/volunteer-opportunities/${b.id}`)).json()).toMatchObject({ id: b.id, place: '海宁火车站站前路口' });
  });

  it('refuses bad opportunities with clear messages in the caller language', async () => {
    const now = k.platform.ctx.now().getTime();
    const base = { orgNodeId: k.fx.nodes.xishan.id, category: '环境', title: '湖岸垃圾清理', place: '鹃湖', quota: 5, publish: true };
    let res = await k.call('xishan', 'POST', '/api/v1/volunteer-opportunities', { ...base, startsAt: new Date(now + DAY).toISOString(), endsAt: new Date(now + DAY - HOUR).toISOString(), signupDeadline: new Date(now + HOUR).toISOString() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('结束须晚于开始');
    res = await k.call('xishan', 'POST', '/api/v1/volunteer-opportunities', { ...base, startsAt: new Date(now + DAY).toISOString(), endsAt: new Date(now + DAY + HOUR).toISOString(), signupDeadline: new Date(now + HOUR).toISOString(), creditMinutes: 90 }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('Credited time cannot exceed the time window (60 minutes)');
    res = await k.call('xishan', 'POST', '/api/v1/volunteer-opportunities', { ...base, quota: 0, startsAt: 'tomorrow' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.quota', 'body.startsAt']));
    // Another community's staff: not their area.
    res = await k.call('street', 'POST', '/api/v1/volunteer-opportunities', { ...base, orgNodeId: k.fx.nodes.dongshan.id, startsAt: new Date(now + DAY).toISOString(), endsAt: new Date(now + DAY + HOUR).toISOString(), signupDeadline: new Date(now + HOUR).toISOString() });
    expect(res.statusCode).toBe(201);
    expect((await k.call('xishan', 'GET', `/api/v1/volunteer-opportunities/${res.json().id}`)).statusCode).toBe(404);
    // A resident cannot publish.
    expect((await k.call('resident01', 'POST', '/api/v1/volunteer-opportunities', base)).statusCode).toBe(403);
  });

  it('takes exactly 10 of 50 concurrent sign-ups for 10 places; the rest wait in order; a cancellation promotes the first waiter', async () => {
    const opp = await k.opportunity({ title: '防汛应急演练保障', category: '应急', quota: 10 });
    const people = await k.makeVolunteers('rush', 50);
    // A second connection pool stands for a second server process: on PostgreSQL the two
    // transactions really contend for the opportunity's row. SQLite has one writer: same database.
    const other = IS_PG ? openDatabase(k.platform.config.databaseUrl, { schema: k.platform.schema, poolSize: 4 }) : k.platform.ctx.db;
    try {
      const second: PlatformContext = { ...k.platform.ctx, db: other };
      const results = await Promise.allSettled(people.map((p, i) => shop.signUp(i % 2 ? second : k.platform.ctx, p.actor, opp.id, meta)));
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toEqual([]);
      const made = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof shop.signUp>>>).value);
      const confirmed = made.filter((m) => m.status === 'confirmed');
      const waiting = made.filter((m) => m.status === 'waiting');
      expect(confirmed).toHaveLength(10);
      expect(waiting).toHaveLength(40);
      // Numbered 1..50 with no gaps; every place went to an earlier sign-up than any waiter.
      expect(made.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(Math.max(...confirmed.map((m) => m.seq))).toBeLessThan(Math.min(...waiting.map((m) => m.seq)));
      const db = k.platform.ctx.db.kysely;
      const row = await db.selectFrom('volunteer_opportunity').select(['taken', 'quota', 'signup_seq']).where('id', '=', opp.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ taken: 10, quota: 10, signup_seq: 50 });
      const list = (await k.call('xishan', 'GET', `/api/v1/volunteer-opportunities/${opp.id}/signups`)).json() as { items: { id: string; status: string; seq: number; waitingPosition: number | null; volunteerId: string }[]; opportunity: { placesLeft: number; waiting: number } };
      expect(list.opportunity).toMatchObject({ placesLeft: 0, waiting: 40 });
      const waiters = list.items.filter((i) => i.status === 'waiting');
      expect(waiters.map((w) => w.waitingPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(waiters.map((w) => w.seq)).toEqual([...waiters.map((w) => w.seq)].sort((a, b) => a - b));
      // What each waiter is told matches the list.
      const byVolunteer = new Map(people.map((p) => [p.volunteerId, p]));
      const fifth = waiters[4]!;
      const mine = await shop.getForMe(k.platform.ctx, byVolunteer.get(fifth.volunteerId)!.actor, opp.id, meta);
      expect(mine.mine).toMatchObject({ status: 'waiting', waitingPosition: 5 });

      // A confirmed volunteer cancels: the first waiter takes the place, everyone behind moves up one.
      const leaving = list.items.find((i) => i.status === 'confirmed')!;
      const cancelled = await shop.cancelMine(k.platform.ctx, byVolunteer.get(leaving.volunteerId)!.actor, leaving.id, { reason: '临时有事' }, meta);
      expect(cancelled.status).toBe('cancelled');
      const after = (await k.call('xishan', 'GET', `/api/v1/volunteer-opportunities/${opp.id}/signups`)).json() as typeof list;
      expect(after.items.find((i) => i.id === waiters[0]!.id)).toMatchObject({ status: 'confirmed', waitingPosition: null });
      expect(after.items.filter((i) => i.status === 'confirmed')).toHaveLength(10);
      expect(after.items.find((i) => i.id === fifth.id)!.waitingPosition).toBe(4);
      expect((await db.selectFrom('volunteer_opportunity').select('taken').where('id', '=', opp.id).executeTakeFirstOrThrow()).taken).toBe(10);
      const promoted = byVolunteer.get(waiters[0]!.volunteerId)!;
      const inbox = await db.selectFrom('notification').select(['title', 'link']).where('user_id', '=', promoted.userId).execute();
      expect(inbox).toContainEqual({ title: '候补成功：防汛应急演练保障', link: `/m/volunteer/opportunities/${opp.id}` });
      expect(await countAudit(k.platform.ctx.db, 'volunteers.signup.create')).toBeGreaterThanOrEqual(50);
    } finally {
      if (other !== k.platform.ctx.db) await other.destroy();
    }
  });

  it('signs up over HTTP once, tells the position on the waiting list, and refuses after the deadline', async () => {
    const opp = await k.opportunity({ title: '微爱童行：小学上学路护学岗', category: '文明交通', quota: 1, startsIn: 5 * HOUR });
    const [first] = await k.makeVolunteers('early', 1);
    await shop.signUp(k.platform.ctx, first!.actor, opp.id, meta);
    let res = await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/opportunities/${opp.id}/signup`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'waiting', waitingPosition: 1 });
    res = await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/opportunities/${opp.id}/signup`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('您已报名该活动（候补中）');
    // A resident who has not registered as a volunteer is told to register.
    res = await k.call('resident01', 'POST', `/api/v1/me/volunteer/opportunities/${opp.id}/signup`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('您还不是注册志愿者，请先登记');
    const me = (await k.call('volunteer01', 'GET', `/api/v1/me/volunteer/opportunities/${opp.id}`)).json();
    expect(me).toMatchObject({ mine: { status: 'waiting', waitingPosition: 1 }, canLead: false, registered: true, opportunity: { placesLeft: 0, waiting: 1 } });
    const mySignups = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer/signups')).json() as { items: { opportunity: { id: string }; status: string }[] };
    expect(mySignups.items.find((i) => i.opportunity.id === opp.id)?.status).toBe('waiting');

    // Past the deadline (an hour before the start): closed, with the time.
    await k.advance(4 * HOUR + 1);
    const [late] = await k.makeVolunteers('late', 1);
    await expect(shop.signUp(k.platform.ctx, late!.actor, opp.id, meta)).rejects.toMatchObject({ status: 409, code: 'OPPORTUNITY_SIGNUP_CLOSED' });
    // Still possible to cancel before the start; not after.
    const mine = (await k.call('volunteer01', 'GET', `/api/v1/me/volunteer/opportunities/${opp.id}`)).json() as { mine: { id: string } };
    await k.advance(HOUR);
    res = await k.call('volunteer01', 'POST', `/api/v1/me/volunteer/signups/${mine.mine.id}/cancel`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('OPPORTUNITY_STARTED');
  });

  it('lets the team leader (data, not a role) approve and decline; a decline frees the place for the waiting list', async () => {
    // 徐美玲 leads 银龄互助队.
    const team = (await k.call('xishan', 'POST', '/api/v1/volunteer-teams', { orgNodeId: k.fx.nodes.xishan.id, name: '银龄互助队', kind: 'service', description: '低龄老人服务高龄老人' })).json() as { id: string; version: number };
    const xu = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer')).json().volunteer as { id: string };
    let res = await k.call('xishan', 'PUT', `/api/v1/volunteer-teams/${team.id}/members`, { volunteerId: xu.id, role: 'leader' });
    expect(res.statusCode, res.body).toBe(200);
    const opp = await k.opportunity({ title: '重阳敬老：陪伴高龄老人聊天读报', category: '助老', teamId: team.id, quota: 2, requiresApproval: true });
    const [a, b, c] = await k.makeVolunteers('chat', 3);
    const sa = await shop.signUp(k.platform.ctx, a!.actor, opp.id, meta);
    const sb = await shop.signUp(k.platform.ctx, b!.actor, opp.id, meta);
    const sc = await shop.signUp(k.platform.ctx, c!.actor, opp.id, meta);
    expect([sa.status, sb.status, sc.status]).toEqual(['pending', 'pending', 'waiting']);
    // The leader sees the sign-ups; someone who leads nothing is told why not.
    const led = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer/led-opportunities')).json() as { items: { id: string }[] };
    expect(led.items.map((i) => i.id)).toContain(opp.id);
    expect((await shop.getForMe(k.platform.ctx, await k.actor('volunteer01'), opp.id, meta)).canLead).toBe(true);
    await expect(shop.approveSignup(k.platform.ctx, a!.actor, sb.id, meta)).rejects.toMatchObject({ status: 403, code: 'OPPORTUNITY_NOT_LEADER' });
    res = await k.call('volunteer01', 'POST', `/api/v1/volunteer-signups/${sa.id}/approve`);
    expect(res.statusCode, res.body).toBe(200);
    res = await k.call('volunteer01', 'POST', `/api/v1/volunteer-signups/${sb.id}/decline`, { reason: '需有护理经验' });
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json() as { items: { id: string; status: string; declineReason: string | null }[] };
    expect(list.items.map((i) => [i.id, i.status])).toEqual([
      [sa.id, 'confirmed'],
      [sb.id, 'declined'],
      // The waiter took the freed place, pending the leader's approval like everyone here.
      [sc.id, 'pending'],
    ]);
    expect((await k.call('volunteer01', 'POST', `/api/v1/volunteer-signups/${sa.id}/approve`)).json().error.code).toBe('SIGNUP_NOT_PENDING');
    const declined = await k.platform.ctx.db.kysely.selectFrom('notification').select('title').where('user_id', '=', b!.userId).execute();
    expect(declined.map((d) => d.title)).toContain('报名未通过：重阳敬老：陪伴高龄老人聊天读报');
    expect(await countAudit(k.platform.ctx.db, 'volunteers.signup.decline')).toBe(1);
  });

  it('moves the waiting list up when staff add places, and refuses fewer places than are taken', async () => {
    const opp = await k.opportunity({ title: '亲子垃圾分类游戏日', category: '垃圾分类', quota: 1 });
    const vs = await k.makeVolunteers('family', 3);
    for (const v of vs) await shop.signUp(k.platform.ctx, v.actor, opp.id, meta);
    let res = await k.call('xishan', 'PATCH', `/api/v1/volunteer-opportunities/${opp.id}`, { quota: 2, expectedVersion: opp.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ taken: 2, quota: 2, waiting: 1 });
    res = await k.call('xishan', 'PATCH', `/api/v1/volunteer-opportunities/${opp.id}`, { quota: 1, expectedVersion: res.json().version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('已有 2 人报名成功，名额不能少于此数');
    // People have signed up: the times are fixed.
    const version = (await k.call('xishan', 'GET', `/api/v1/volunteer-opportunities/${opp.id}`)).json().version;
    res = await k.call('xishan', 'PATCH', `/api/v1/volunteer-opportunities/${opp.id}`, { startsAt: new Date(k.platform.ctx.now().getTime() + 3 * DAY).toISOString(), expectedVersion: version });
    expect(res.json().error.code).toBe('OPPORTUNITY_TIMES_LOCKED');
    // Cancelling tells everyone still signed up.
    res = await k.call('xishan', 'POST', `/api/v1/volunteer-opportunities/${opp.id}/cancel`, { reason: '天气原因' });
    expect(res.json()).toMatchObject({ status: 'cancelled', taken: 0 });
    const told = await k.platform.ctx.db.kysely.selectFrom('notification').select('user_id').where('title', '=', '活动取消：亲子垃圾分类游戏日').execute();
    expect(told.map((t) => t.user_id).sort()).toEqual(vs.map((v) => v.userId).sort());
    await expect(shop.signUp(k.platform.ctx, (await k.makeVolunteers('after', 1))[0]!.actor, opp.id, meta)).rejects.toMatchObject({ code: 'OPPORTUNITY_CANCELLED' });
  });
});
