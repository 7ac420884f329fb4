import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { giveFixturePolygons, POINTS } from './events.fixture.js';
import { forgetPolygons } from './events.service.js';

const bj = (local: string) => new Date(`${local}+08:00`);

/**
 * What the console and the mobile pages needed besides the loop: the public outlines for the
 * maps, the workbench's counts in one request, assignee names on list rows, and the category
 * editor's departments.
 */
describe(`grid events: map outlines, queue counts, assignee names, departments (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};

  const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? s[who]!.headers : {} });
  const report = async (who: string, body: Record<string, unknown>) => {
    const r = await call(who, 'POST', '/api/v1/events', body);
    expect(r.statusCode).toBe(201);
    return r.json() as { id: string; code: string };
  };
  const step = async (who: string, id: string, transition: string, body: Record<string, unknown> = {}) => {
    const r = await call(who, 'POST', `/api/v1/events/${id}/steps/${transition}`, body);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
    for (const u of ['resident01', 'xishan', 'grid01', 'admin']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('serves community and grid outlines without login: names and shapes only', async () => {
    const all = await call(null, 'GET', '/api/v1/public/event-map/areas');
    expect(all.statusCode).toBe(200);
    const items = all.json().items as { id: string; name: string; kind: string; parentId: string | null; geometry: { type: string; coordinates: number[][][] } }[];
    // 东山社区 has no outline in the fixture, buildings and dwellings are never areas.
    expect(items.map((a) => [a.name, a.kind])).toEqual([
      ['西山社区', 'community'],
      ['西山社区第一网格', 'grid'],
      ['西山社区第二网格', 'grid'],
    ]);
    for (const a of items) expect(Object.keys(a).sort()).toEqual(['geometry', 'id', 'kind', 'name', 'parentId']);
    expect(items.find((a) => a.id === fx.nodes.grid01.id)).toMatchObject({ parentId: fx.nodes.xishan.id, geometry: { type: 'Polygon' } });
    expect(items[1]!.geometry.coordinates[0]).toContainEqual([120.68, 30.52]);

    const one = await call(null, 'GET', `/api/v1/public/event-map/areas?communityId=${fx.nodes.xishan.id}`);
    expect(one.json().items.map((a: { id: string }) => a.id).sort()).toEqual([fx.nodes.xishan.id, fx.nodes.grid01.id, fx.nodes.grid02.id].sort());
    // Only a community with an outline names an area set.
    expect((await call(null, 'GET', `/api/v1/public/event-map/areas?communityId=${fx.nodes.grid01.id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/v1/public/event-map/areas?communityId=${fx.nodes.dongshan.id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/v1/public/event-map/areas?communityId=')).statusCode).toBe(400);
    // A community with no outline of its own still names its drawn grids (shape null). The clock
    // moves first: the polygon cache notices edits by the newest updated_at. A direct SQL edit
    // stands for another process, seen within POLYGON_CHECK_MS (1 s): the test drops the cache
    // rather than wait (edits through the org service drop it themselves).
    platform.advance(1000);
    await platform.ctx.db.kysely.updateTable('org_node').set({ geometry: null, updated_at: platform.ctx.now().toISOString() }).where('id', '=', fx.nodes.xishan.id).execute();
    forgetPolygons(platform.ctx.db);
    const bare = (await call(null, 'GET', '/api/v1/public/event-map/areas')).json().items;
    expect(bare.map((a: { name: string }) => a.name)).toEqual(['西山社区', '西山社区第一网格', '西山社区第二网格']);
    expect(bare[0]).toMatchObject({ kind: 'community', geometry: null });
    expect((await call(null, 'GET', `/api/v1/public/event-map/areas?communityId=${fx.nodes.xishan.id}`)).json().items).toHaveLength(3);
    platform.advance(1000);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    expect((await call(null, 'GET', '/api/v1/public/event-map/areas')).json().items[0].geometry).toMatchObject({ type: 'Polygon' });

    const doc = (await call(null, 'GET', '/api/openapi.json')).json();
    for (const p of ['/api/v1/public/event-map/areas', '/api/v1/events/counts', '/api/v1/event-categories/departments']) expect(doc.paths[p], p).toBeTruthy();
  });

  it('counts per state and deadline status with the list filters, as the list totals them', async () => {
    // Five events: two left reported, one accepted, one dispatched to grid01's worker, one in grid02 rejected.
    const a = await report('resident01', { categoryCode: '0102', description: '楼道小广告', ...POINTS.grid01 });
    await report('resident01', { categoryCode: '0102', description: '电梯里小广告', ...POINTS.grid01 });
    const c = await report('xishan', { categoryCode: '0102', description: '围墙涂写', channel: 'patrol', ...POINTS.grid01 });
    const d = await report('xishan', { categoryCode: '0102', description: '公告栏乱贴', channel: 'visit', ...POINTS.grid01 });
    const e = await report('xishan', { categoryCode: '0102', description: '重复反映', channel: 'phone', ...POINTS.grid02 });
    await step('xishan', c.id, 'accept');
    await step('xishan', d.id, 'accept');
    await step('xishan', d.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid01.id, userId: fx.users.grid01 } });
    await step('xishan', e.id, 'reject', { comment: '重复' });
    // Three hours on, past the 2 working hours to respond (sessions idle out meanwhile: log in again).
    platform.advance(3 * 3_600_000);
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    await step('xishan', a.id, 'accept');

    const total = async (who: string, query: string) => (await call(who, 'GET', `/api/v1/events?pageSize=1${query}`)).json().total as number;
    for (const filter of ['', `&orgNodeId=${fx.nodes.grid01.id}`, '&channel=visit', '&q=小广告']) {
      const res = await call('xishan', 'GET', `/api/v1/events/counts?${filter.slice(1)}`);
      expect(res.statusCode, res.body).toBe(200);
      const counts = res.json() as { total: number; byState: Record<string, number>; byDeadline: Record<string, number> };
      expect(counts.total).toBe(await total('xishan', filter));
      for (const state of ['reported', 'accepted', 'dispatched', 'rejected', 'closed']) expect(counts.byState[state], `${filter} ${state}`).toBe(await total('xishan', `${filter}&state=${state}`));
      for (const deadline of ['normal', 'warning', 'overdue']) expect(counts.byDeadline[deadline], `${filter} ${deadline}`).toBe(await total('xishan', `${filter}&deadline=${deadline}`));
      expect(Object.values(counts.byState).reduce((x, y) => x + y, 0)).toBe(counts.total);
    }
    const all = (await call('xishan', 'GET', '/api/v1/events/counts')).json();
    expect(all).toMatchObject({ total: 5, byState: { reported: 1, accepted: 2, dispatched: 1, rejected: 1, handling: 0 } });
    // The reported one is past its 2-hour response limit: overdue is counted, not only returned by the list.
    expect(all.byDeadline.overdue).toBeGreaterThanOrEqual(1);
    expect(all.byDeadline.normal + all.byDeadline.warning + all.byDeadline.overdue).toBe(5);
    // The state filter narrows the counts too; the caller's area bounds them.
    expect((await call('xishan', 'GET', '/api/v1/events/counts?state=accepted,dispatched')).json()).toMatchObject({ total: 3, byState: { reported: 0, accepted: 2, dispatched: 1 } });
    expect((await call('grid01', 'GET', '/api/v1/events/counts?assignee=me')).json()).toMatchObject({ total: 1, byState: { dispatched: 1 } });
    expect((await call('resident01', 'GET', '/api/v1/events/counts')).statusCode).toBe(403);
    expect((await call(null, 'GET', '/api/v1/events/counts')).statusCode).toBe(401);
    expect((await call('xishan', 'GET', '/api/v1/events/counts?deadline=late')).statusCode).toBe(400);
  });

  it('list rows carry the assignee unit, department and person names; the reporter sees no staff name', async () => {
    const ev = await report('resident01', { categoryCode: '0102', description: '单元门口小广告', ...POINTS.grid01 });
    await step('xishan', ev.id, 'accept');
    await step('xishan', ev.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid01.id, userId: fx.users.grid01 } });
    const rowOf = async (id: string) => (await call('xishan', 'GET', '/api/v1/events?pageSize=100')).json().items.find((e: { id: string }) => e.id === id);
    const row = await rowOf(ev.id);
    expect(row).toMatchObject({ id: ev.id, assigneeNodeName: '西山社区第一网格', assigneeDepartmentName: null, assigneeUserName: '网格员 李建华' });
    const mine = (await call('resident01', 'GET', '/api/v1/me/events?pageSize=100')).json().items.find((e: { id: string }) => e.id === ev.id);
    expect(mine).toMatchObject({ assigneeNodeName: '西山社区第一网格', assigneeUserName: null });

    const dept = await report('xishan', { categoryCode: '0102', description: '民政宣传栏破损', channel: 'visit', ...POINTS.grid02 });
    await step('xishan', dept.id, 'accept');
    await step('xishan', dept.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.xishan.id, departmentCode: 'civil' } });
    const deptRow = await rowOf(dept.id);
    expect(deptRow).toMatchObject({ assigneeNodeName: '西山社区', assigneeDepartmentName: '民政', assigneeUserName: null });
    const unassigned = (await call('xishan', 'GET', '/api/v1/events?state=reported')).json().items;
    expect(unassigned.every((e: { assigneeNodeName: string | null }) => e.assigneeNodeName === null)).toBe(true);
  });

  it('lists departments for the category editor to those who manage categories, the system admin too', async () => {
    const res = await call('admin', 'GET', '/api/v1/event-categories/departments');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toContainEqual({ code: 'civil', name: '民政' });
    expect(res.json().items.map((d: { code: string }) => d.code)).toEqual([...res.json().items.map((d: { code: string }) => d.code)].sort());
    expect((await call('xishan', 'GET', '/api/v1/event-categories/departments')).statusCode).toBe(200);
    expect((await call('resident01', 'GET', '/api/v1/event-categories/departments')).statusCode).toBe(403);
    expect((await call('grid01', 'GET', '/api/v1/event-categories/departments')).statusCode).toBe(403);
    expect((await call(null, 'GET', '/api/v1/event-categories/departments')).statusCode).toBe(401);
  });
});
