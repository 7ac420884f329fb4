import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { createUser } from '../../platform/auth/users.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { haversineMetres } from './patrols.service.js';

const BASE = { lat: 30.51, lng: 120.68 };
/** `k` steps of 0.001° north of BASE: 111.2 m each. */
const north = (k: number) => ({ lat: BASE.lat + k * 0.001, lng: BASE.lng });
const GRID01_POLYGON = { type: 'Polygon', coordinates: [[[120.675, 30.505], [120.685, 30.505], [120.685, 30.515], [120.675, 30.515], [120.675, 30.505]]] };

describe(`patrols (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let categoryId: string;
  let gridxId: string;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: (await as(username)).headers });
  const db = () => platform.ctx.db.kysely;
  const at = (offsetMinutes: number) => new Date(platform.ctx.now().getTime() + offsetMinutes * 60_000).toISOString();
  // Moving the clock past the idle limit ends sessions: log in again afterwards.
  const forget = () => Object.keys(sessions).forEach((k) => delete sessions[k]);
  const minutes = (n: number) => (platform.advance(n * 60_000), forget());
  const setNow = (d: Date) => (platform.setNow(d), forget());

  /** Reports an event from a patrol through the event API, as the phone does. */
  async function reportOnPatrol(username: string, patrolId: string) {
    return call(username, 'POST', '/api/v1/events', { categoryId, description: '巡查发现井盖破损', channel: 'patrol', patrolId });
  }
  async function eventOnPatrol(patrolId: string, username = 'grid01') {
    const res = await reportOnPatrol(username, patrolId);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-12-01T01:00:00Z') });
    fx = await seedFixture(platform.ctx);
    // A grid worker of the whole community (holds no single grid).
    gridxId = await createUser(platform.ctx, { username: 'gridx', displayName: '网格员 周敏', password: 'Linli@2026', mustChangePassword: false, isDemo: true, grants: [{ role: 'grid_worker', orgNodeId: fx.nodes.xishan.id }] }, db());
    await db().updateTable('org_node').set({ geometry: JSON.stringify(GRID01_POLYGON) }).where('id', '=', fx.nodes.grid01.id).execute();
    const now = platform.ctx.now().toISOString();
    const category = { name_en: null, description: null, keywords: null, default_unit: 'community' as const, default_department_code: null, response_hours: 2, handling_hours: 16, attributes: '[]', public: 1, active: 1, version: 1, created_at: now, updated_at: now };
    const groupId = newId();
    categoryId = newId();
    await db().insertInto('event_category').values({ ...category, id: groupId, parent_id: null, code: 'T-PATROL', name: '设施', sort: 98 }).execute();
    await db().insertInto('event_category').values({ ...category, id: categoryId, parent_id: groupId, code: 'T-PATROL-01', name: '井盖', sort: 1 }).execute();
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('should require authentication, and the run/read permissions', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/patrols'],
      ['GET', '/api/v1/patrols/current'],
      ['POST', '/api/v1/patrols/x/points'],
      ['POST', '/api/v1/patrols/x/end'],
      ['GET', '/api/v1/patrols'],
      ['GET', '/api/v1/patrols/coverage?from=2026-12-01&to=2026-12-31'],
      ['GET', '/api/v1/patrols/x'],
    ] as const) {
      expect((await app.inject({ method, url, payload: method === 'POST' ? {} : undefined })).statusCode, `${method} ${url}`).toBe(401);
    }
    // Only grid workers patrol; department officers do not read patrols.
    expect((await call('xishan', 'POST', '/api/v1/patrols', {})).statusCode).toBe(403);
    expect((await call('street', 'POST', '/api/v1/patrols', { gridId: fx.nodes.grid01.id })).statusCode).toBe(403);
    expect((await call('civil', 'GET', '/api/v1/patrols')).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/patrols')).statusCode).toBe(403);
  });

  it('starts a patrol in the worker’s grid, one at a time, and refuses another grid', async () => {
    expect((await call('grid01', 'GET', '/api/v1/patrols/current')).json()).toBeNull();
    const res = await call('grid01', 'POST', '/api/v1/patrols', {});
    expect(res.statusCode).toBe(201);
    const patrol = res.json();
    expect(patrol).toMatchObject({ gridId: fx.nodes.grid01.id, gridName: '西山社区第一网格', workerUserId: fx.users.grid01, workerName: '网格员 李建华', open: true, endedAt: null, pointCount: 0, distanceKm: 0, eventCount: 0, startedAt: platform.ctx.now().toISOString() });
    expect((await call('grid01', 'GET', '/api/v1/patrols/current')).json().id).toBe(patrol.id);

    const again = await call('grid01', 'POST', '/api/v1/patrols', { gridId: fx.nodes.grid01.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PATROL_ALREADY_OPEN');
    expect(again.json().error.message).toContain('尚未结束');

    const elsewhere = await call('grid02', 'POST', '/api/v1/patrols', { gridId: fx.nodes.grid01.id });
    expect(elsewhere.statusCode).toBe(403);
    const denied = await db().selectFrom('audit_log').selectAll().where('action', '=', 'events.patrol.start').where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.actor_id)).toEqual([fx.users.grid02]);
    const started = await db().selectFrom('audit_log').selectAll().where('action', '=', 'events.patrol.start').where('outcome', '=', 'success').execute();
    expect(started.map((d) => [d.actor_id, d.target_id, d.org_node_id])).toEqual([[fx.users.grid01, patrol.id, fx.nodes.grid01.id]]);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
  });

  it('a worker of several grids names one; a community is not a grid', async () => {
    const none = await call('gridx', 'POST', '/api/v1/patrols', {});
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('PATROL_GRID_REQUIRED');
    const community = await call('gridx', 'POST', '/api/v1/patrols', { gridId: fx.nodes.xishan.id });
    expect(community.statusCode).toBe(400);
    expect(community.json().error.code).toBe('PATROL_NOT_A_GRID');
    const outside = await call('gridx', 'POST', '/api/v1/patrols', { gridId: fx.nodes.dongshan.id });
    expect(outside.statusCode).toBe(403);
    const unknown = await call('gridx', 'POST', '/api/v1/patrols', { gridId: 'nosuchnode' });
    expect(unknown.statusCode).toBe(404);
  });

  it('two starts at the same moment open one patrol', async () => {
    const results = await Promise.all([0, 1, 2].map(() => call('gridx', 'POST', '/api/v1/patrols', { gridId: fx.nodes.grid02.id })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const open = await db().selectFrom('event_patrol').select('id').where('worker_user_id', '=', gridxId).where('ended_at', 'is', null).execute();
    expect(open).toHaveLength(1);
    expect((await call('gridx', 'POST', `/api/v1/patrols/${open[0]!.id}/end`, {})).statusCode).toBe(200);
  });

  it('records the track in order, sums the distance by haversine, and skips a batch sent again', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    minutes(10);
    // Sent out of order: stored in time order, numbered on.
    const batch = [
      { at: at(-4), ...north(2), note: '3幢北侧路灯不亮' },
      { at: at(-8), ...north(0) },
      { at: at(-6), ...north(1) },
    ];
    const res = await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points: batch });
    expect(res.statusCode).toBe(200);
    const expected = haversineMetres(north(0), north(1)) + haversineMetres(north(1), north(2));
    expect(expected).toBeGreaterThan(222);
    expect(expected).toBeLessThan(223);
    expect(res.json()).toEqual({ patrolId: patrol.id, accepted: 3, skipped: 0, pointCount: 3, distanceKm: Math.round(expected) / 1000 });

    // The phone did not get the answer and sends the batch again, with one new point.
    minutes(2);
    const resend = await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points: [...batch, { at: at(0), lat: north(2).lat, lng: BASE.lng + 0.001 }] });
    expect(resend.statusCode).toBe(200);
    const east = haversineMetres(north(2), { lat: north(2).lat, lng: BASE.lng + 0.001 });
    expect(resend.json()).toMatchObject({ accepted: 1, skipped: 3, pointCount: 4, distanceKm: Math.round(expected + east) / 1000 });

    const track = await db().selectFrom('event_patrol_point').selectAll().where('patrol_id', '=', patrol.id).orderBy('seq').execute();
    expect(track.map((p) => [Number(p.seq), Number(p.lat), p.note])).toEqual([
      [1, north(0).lat, null],
      [2, north(1).lat, null],
      [3, north(2).lat, '3幢北侧路灯不亮'],
      [4, north(2).lat, null],
    ]);
    expect(track[0]!.at).toBe(batch[1]!.at);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
  });

  it('refuses points that cannot be true, and stores nothing of their batch', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    minutes(5);
    const post = (points: object[]) => call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points });
    const cases: [object[], string][] = [
      // The GPS default when there is no fix.
      [[{ at: at(-1), lat: 0, lng: 0 }], 'PATROL_POINT_OUTSIDE'],
      // 10 km north of the grid.
      [[{ at: at(-2), ...north(0) }, { at: at(-1), lat: 30.6, lng: BASE.lng }], 'PATROL_POINT_OUTSIDE'],
      // Before the patrol began, and well ahead of the server's clock.
      [[{ at: at(-30), ...north(0) }], 'PATROL_POINT_TIME'],
      [[{ at: at(10), ...north(0) }], 'PATROL_POINT_TIME'],
      // 1.1 km in 5 s.
      [[{ at: at(-1), ...north(0) }, { at: new Date(Date.parse(at(-1)) + 5000).toISOString(), ...north(10) }], 'PATROL_POINT_JUMP'],
    ];
    for (const [points, code] of cases) {
      const res = await post(points);
      expect(res.statusCode, code).toBe(400);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.details[0].field).toBe(`body.points.${points.length - 1}`);
    }
    expect((await post([{ at: at(-1), lat: 91, lng: 0 }])).statusCode).toBe(400);
    expect((await post([])).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/api/v1/patrols/${patrol.id}/points?lang=en`, payload: { points: [{ at: at(-1), lat: 0, lng: 0 }] }, headers: (await as('grid01')).headers })).json().error.message).toBe(
      'Point 1 is not near the grid and was refused',
    );
    expect(await db().selectFrom('event_patrol_point').select('seq').where('patrol_id', '=', patrol.id).execute()).toEqual([]);
    // Just outside the drawn grid (600 m north of its edge) is a plausible route.
    expect((await post([{ at: at(-1), lat: 30.5205, lng: BASE.lng }])).statusCode).toBe(200);

    // Somebody else's patrol.
    const other = await call('grid02', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points: [{ at: at(0), ...north(0) }] });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('PATROL_NOT_YOURS');
    expect((await call('grid02', 'POST', `/api/v1/patrols/${patrol.id}/end`, {})).statusCode).toBe(403);
    expect((await call('grid01', 'POST', '/api/v1/patrols/nosuchpatrol/points', { points: [{ at: at(0), ...north(0) }] })).statusCode).toBe(404);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
  });

  it('ends a patrol with a summary and its length; an ended patrol takes no more points', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    minutes(45);
    const end = await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, { summary: '巡查3幢、5幢，发现井盖破损一处，已上报' });
    expect(end.statusCode).toBe(200);
    expect(end.json()).toMatchObject({ id: patrol.id, open: false, endedAt: platform.ctx.now().toISOString(), durationMinutes: 45, summary: '巡查3幢、5幢，发现井盖破损一处，已上报' });
    const again = await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PATROL_ENDED');
    const late = await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points: [{ at: at(0), ...north(0) }] });
    expect(late.statusCode).toBe(409);
    expect((await call('grid01', 'GET', '/api/v1/patrols/current')).json()).toBeNull();
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'events.patrol.end').where('target_id', '=', patrol.id).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ minutes: 45 });
  });

  it('shows a patrol with its track and the events reported on it; the read is audited', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    minutes(3);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/points`, { points: [{ at: at(-2), ...north(0) }, { at: at(-1), ...north(1), note: '井盖破损' }] });
    const eventId = await eventOnPatrol(patrol.id);
    minutes(20);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});

    const res = await call('xishan', 'GET', `/api/v1/patrols/${patrol.id}`);
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    expect(detail).toMatchObject({ id: patrol.id, pointCount: 2, eventCount: 1, durationMinutes: 23 });
    expect(detail.points.map((p: { seq: number; note: string | null }) => [p.seq, p.note])).toEqual([
      [1, null],
      [2, '井盖破损'],
    ]);
    expect(detail.events).toEqual([expect.objectContaining({ id: eventId, state: 'reported', categoryName: '井盖' })]);
    const event = await db().selectFrom('grid_event').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ patrol_id: patrol.id, channel: 'patrol', org_node_id: fx.nodes.grid01.id, reporter_user_id: fx.users.grid01 });
    const read = await db().selectFrom('audit_log').selectAll().where('action', '=', 'events.patrol.read').where('target_id', '=', patrol.id).execute();
    expect(read.map((r) => r.actor_id)).toEqual([fx.users.xishan]);

    // The other grid's worker may not see this track; the street's dispatcher may.
    expect((await call('grid02', 'GET', `/api/v1/patrols/${patrol.id}`)).statusCode).toBe(403);
    expect((await call('street', 'GET', `/api/v1/patrols/${patrol.id}`)).statusCode).toBe(200);
    expect((await call('street', 'GET', '/api/v1/patrols/nosuchpatrol')).statusCode).toBe(404);
  });

  it('an event is reported only on the worker’s own open patrol', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    // Another grid's worker may not report there at all; the community's worker may, but not on this patrol.
    expect((await reportOnPatrol('grid02', patrol.id)).statusCode).toBe(403);
    const other = await reportOnPatrol('gridx', patrol.id);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('PATROL_NOT_YOURS');
    const unknown = await call('grid01', 'POST', '/api/v1/events', { categoryId, description: '巡查发现井盖破损', channel: 'patrol', patrolId: 'nosuchpatrol', orgNodeId: fx.nodes.grid01.id });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PATROL_NOT_FOUND');
    await eventOnPatrol(patrol.id);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
    const ended = await reportOnPatrol('grid01', patrol.id);
    expect(ended.statusCode).toBe(409);
    expect(ended.json().error.code).toBe('PATROL_ENDED');
    // One event on it, counted once.
    expect(await db().selectFrom('grid_event').select('id').where('patrol_id', '=', patrol.id).execute()).toHaveLength(1);
    const row = await db().selectFrom('event_patrol').select('event_count').where('id', '=', patrol.id).executeTakeFirstOrThrow();
    expect(Number(row.event_count)).toBe(1);
    expect((await call('grid01', 'GET', `/api/v1/patrols/${patrol.id}`)).json().eventCount).toBe(1);
  });

  it('a patrol is named only on a patrol report, and an unknown one is 404 with or without a place', async () => {
    const patrol = (await call('grid01', 'POST', '/api/v1/patrols', {})).json();
    const before = await db().selectFrom('grid_event').select('id').execute();
    // Another channel naming a patrol: refused, in Chinese and in English.
    const phone = await call('grid01', 'POST', '/api/v1/events', { categoryId, description: '居民来电反映井盖破损', channel: 'phone', patrolId: patrol.id });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error).toMatchObject({ code: 'EVENT_PATROL_CHANNEL', message: '只有巡查上报（渠道“巡查”）可以关联巡查记录' });
    const en = await call('grid01', 'POST', '/api/v1/events?lang=en', { categoryId, description: 'x', channel: 'visit', patrolId: patrol.id, orgNodeId: fx.nodes.grid01.id });
    expect(en.statusCode).toBe(400);
    expect(en.json().error).toMatchObject({ code: 'EVENT_PATROL_CHANNEL', message: 'Only a report from a patrol (channel "patrol") can name a patrol' });
    // An unknown patrol and no place: the patrol is what is missing, not the place.
    const unknown = await call('grid01', 'POST', '/api/v1/events', { categoryId, description: '巡查发现井盖破损', channel: 'patrol', patrolId: 'nosuchpatrol' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'PATROL_NOT_FOUND', message: '巡查记录不存在' });
    // Nothing was written, nothing counted on the patrol.
    expect(await db().selectFrom('grid_event').select('id').execute()).toHaveLength(before.length);
    expect(Number((await db().selectFrom('event_patrol').select('event_count').where('id', '=', patrol.id).executeTakeFirstOrThrow()).event_count)).toBe(0);
    // The same patrol on a patrol report, without a place: its grid.
    const ok = await reportOnPatrol('grid01', patrol.id);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().orgNodeId).toBe(fx.nodes.grid01.id);
    await call('grid01', 'POST', `/api/v1/patrols/${patrol.id}/end`, {});
  });

  it('lists patrols of the subtree with filters and pages', async () => {
    minutes(1);
    const p2 = (await call('grid02', 'POST', '/api/v1/patrols', {})).json();
    const all = (await call('xishan', 'GET', '/api/v1/patrols?pageSize=100')).json();
    expect(all.total).toBeGreaterThanOrEqual(6);
    expect(all.items[0].id).toBe(p2.id); // newest first
    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

    // The grid's patrols, whoever walked them (the community's worker patrolled it too).
    const mine = (await call('grid02', 'GET', '/api/v1/patrols')).json();
    expect(ids(mine)[0]).toBe(p2.id);
    expect(mine.items.every((i: { gridId: string }) => i.gridId === fx.nodes.grid02.id)).toBe(true);
    expect(mine.items.map((i: { workerUserId: string }) => i.workerUserId).sort()).toEqual([fx.users.grid02, gridxId].sort());
    expect((await call('grid02', 'GET', `/api/v1/patrols?orgNodeId=${fx.nodes.grid01.id}`)).statusCode).toBe(403);

    const grid01 = (await call('street', 'GET', `/api/v1/patrols?orgNodeId=${fx.nodes.grid01.id}&pageSize=100`)).json();
    expect(grid01.items.every((i: { gridId: string }) => i.gridId === fx.nodes.grid01.id)).toBe(true);
    const byWorker = (await call('street', 'GET', `/api/v1/patrols?workerUserId=${fx.users.grid02}`)).json();
    expect(ids(byWorker)).toEqual([p2.id]);
    expect(ids((await call('street', 'GET', '/api/v1/patrols?open=1')).json())).toEqual([p2.id]);
    expect((await call('street', 'GET', '/api/v1/patrols?open=0&pageSize=100')).json().total).toBe(all.total - 1);

    const page1 = (await call('xishan', 'GET', '/api/v1/patrols?page=1&pageSize=2')).json();
    const page2 = (await call('xishan', 'GET', '/api/v1/patrols?page=2&pageSize=2')).json();
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(2);
    expect([...ids(page1), ...ids(page2)]).toEqual(ids(all).slice(0, 4));

    // Local (Beijing) days: everything so far started on 2026-12-01.
    expect((await call('xishan', 'GET', '/api/v1/patrols?from=2026-12-01&to=2026-12-01&pageSize=100')).json().total).toBe(all.total);
    expect((await call('xishan', 'GET', '/api/v1/patrols?from=2026-12-02')).json().total).toBe(0);
    expect((await call('xishan', 'GET', '/api/v1/patrols?to=2026-11-30')).json().total).toBe(0);
    expect((await call('xishan', 'GET', '/api/v1/patrols?from=2026-13-01')).statusCode).toBe(400);
    await call('grid02', 'POST', `/api/v1/patrols/${p2.id}/end`, {});
  });

  it('coverage per grid and worker: time, distance, points, events, calendar and working days', async () => {
    // 2026-09-30 … 2026-10-11: 12 days; working days 9-30, 10-08, 10-09 and 10-10 (国庆 调休 Saturday).
    const patrolAt = async (username: string, startUtc: string, lengthMinutes: number | null, opts: { points?: number; event?: boolean } = {}) => {
      setNow(new Date(startUtc));
      const started = await call(username, 'POST', '/api/v1/patrols', {});
      expect(started.statusCode, started.body).toBe(201);
      const p = started.json();
      if (opts.points) {
        minutes(opts.points + 1);
        await call(username, 'POST', `/api/v1/patrols/${p.id}/points`, { points: Array.from({ length: opts.points }, (_, k) => ({ at: at(-opts.points! - 1 + k), ...north(k) })) });
      }
      if (opts.event) await eventOnPatrol(p.id, username);
      if (lengthMinutes !== null) {
        setNow(new Date(Date.parse(startUtc) + lengthMinutes * 60_000));
        expect((await call(username, 'POST', `/api/v1/patrols/${p.id}/end`, {})).statusCode).toBe(200);
      }
      return p.id as string;
    };
    await patrolAt('grid01', '2026-09-29T15:30:00Z', 20); // 9-29 23:30 Beijing: before the period
    await patrolAt('grid01', '2026-09-30T01:00:00Z', 60, { points: 3 }); // 9-30 09:00
    await patrolAt('grid01', '2026-10-03T02:00:00Z', 30, { event: true }); // 国庆 holiday
    await patrolAt('grid01', '2026-10-09T16:30:00Z', 45); // 10-10 00:30 Beijing: the 调休 working Saturday
    await patrolAt('grid01', '2026-10-11T16:10:00Z', 15); // 10-12 00:10 Beijing: after the period
    await patrolAt('grid02', '2026-10-08T01:00:00Z', null); // still open: counted, no length yet
    setNow(new Date('2026-10-12T03:00:00Z'));

    const res = await call('xishan', 'GET', `/api/v1/patrols/coverage?from=2026-09-30&to=2026-10-11&orgNodeId=${fx.nodes.xishan.id}`);
    expect(res.statusCode).toBe(200);
    const cov = res.json();
    const leg = haversineMetres(north(0), north(1)) + haversineMetres(north(1), north(2));
    const grid01Figures = {
      patrols: 3,
      durationMinutes: 135,
      distanceKm: Math.round(leg) / 1000,
      points: 3,
      eventsReported: 1,
      days: { patrolled: 3, inPeriod: 12 },
      workingDays: { patrolled: 2, inPeriod: 4 },
    };
    const grid02Figures = { patrols: 1, durationMinutes: 0, distanceKm: 0, points: 0, eventsReported: 0, days: { patrolled: 1, inPeriod: 12 }, workingDays: { patrolled: 1, inPeriod: 4 } };
    expect(cov.grids).toEqual([
      { gridId: fx.nodes.grid01.id, gridName: '西山社区第一网格', communityName: '西山社区', ...grid01Figures },
      { gridId: fx.nodes.grid02.id, gridName: '西山社区第二网格', communityName: '西山社区', ...grid02Figures },
    ]);
    expect(cov.workers).toEqual([
      { workerUserId: fx.users.grid01, workerName: '网格员 李建华', ...grid01Figures },
      { workerUserId: fx.users.grid02, workerName: '网格员 陈丽娟', ...grid02Figures },
      // A worker without a patrol in the period is listed: that is what coverage is for.
      expect.objectContaining({ workerName: '网格员 周敏', patrols: 0, days: { patrolled: 0, inPeriod: 12 } }),
    ]);
    expect(cov.totals).toEqual({ ...grid01Figures, patrols: 4, days: { patrolled: 4, inPeriod: 12 }, workingDays: { patrolled: 3, inPeriod: 4 } });

    // A grid worker sees their own grid only; the street sees the same as the community.
    const own = (await call('grid02', 'GET', '/api/v1/patrols/coverage?from=2026-09-30&to=2026-10-11')).json();
    expect(own.grids.map((g: { gridId: string }) => g.gridId)).toEqual([fx.nodes.grid02.id]);
    expect(own.workers.map((w: { workerUserId: string }) => w.workerUserId)).toEqual([fx.users.grid02]);
    expect((await call('grid02', 'GET', `/api/v1/patrols/coverage?from=2026-09-30&to=2026-10-11&orgNodeId=${fx.nodes.xishan.id}`)).statusCode).toBe(403);
    const street = (await call('street', 'GET', '/api/v1/patrols/coverage?from=2026-09-30&to=2026-10-11')).json();
    expect(street.totals).toEqual(cov.totals);
    const dongshan = (await call('street', 'GET', `/api/v1/patrols/coverage?from=2026-09-30&to=2026-10-11&orgNodeId=${fx.nodes.dongshan.id}`)).json();
    expect(dongshan).toMatchObject({ grids: [], workers: [], totals: { patrols: 0 } });

    for (const q of ['from=2026-10-11&to=2026-09-30', 'from=2025-01-01&to=2026-10-11', 'from=2026-09-30', 'from=2026-02-30&to=2026-03-01']) {
      expect((await call('street', 'GET', `/api/v1/patrols/coverage?${q}`)).statusCode, q).toBe(400);
    }
    const bad = await call('street', 'GET', '/api/v1/patrols/coverage?from=2026-10-11&to=2026-09-30');
    expect(bad.json().error.code).toBe('PATROL_PERIOD_INVALID');
  });
});
