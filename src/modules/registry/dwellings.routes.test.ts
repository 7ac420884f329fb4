import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';

describe(`dwellings API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: (await as(username)).headers });
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/dwellings' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/api/v1/dwellings/${fx.nodes.dwelling01.id}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PATCH', url: `/api/v1/dwellings/${fx.nodes.dwelling01.id}`, payload: {} })).statusCode).toBe(401);
  });

  it('lists the dwellings of the caller\'s subtree with use, area and occupants', async () => {
    const res = await call('grid01', 'GET', '/api/v1/dwellings');
    expect(res.statusCode).toBe(200);
    expect(ids(res.json())).toEqual([fx.nodes.dwelling01.id, fx.nodes.dwelling02.id].sort());
    const d1 = res.json().items.find((i: { id: string }) => i.id === fx.nodes.dwelling01.id);
    expect(d1).toMatchObject({ name: '101室', address: '1幢1单元101室', use: '自住', areaM2: 86.5, occupants: 3 });
    expect(ids((await call('xishan', 'GET', '/api/v1/dwellings')).json())).toEqual([fx.nodes.dwelling01.id, fx.nodes.dwelling02.id, reg.nodes.dwelling03.id].sort());
    expect(ids((await call('xishan', 'GET', `/api/v1/dwellings?orgNodeId=${fx.nodes.grid02.id}`)).json())).toEqual([reg.nodes.dwelling03.id]);
    expect((await call('grid01', 'GET', `/api/v1/dwellings?orgNodeId=${fx.nodes.grid02.id}`)).statusCode).toBe(403);
    expect((await call('civil', 'GET', '/api/v1/dwellings')).statusCode).toBe(403);
  });

  it('records rental facts on a rented-out dwelling and filters by use', async () => {
    const res = await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling02.id}`, { use: '出租', areaM2: 72, rentalStart: '2026-03-01', rentalEnd: '2027年2月28日', rentalNote: '租客 2 人，已签治安责任书' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ use: '出租', areaM2: 72, rentalStart: '2026-03-01', rentalEnd: '2027-02-28', rentalNote: '租客 2 人，已签治安责任书' });
    expect(ids((await call('grid01', 'GET', '/api/v1/dwellings?use=出租')).json())).toEqual([fx.nodes.dwelling02.id]);
    expect(ids((await call('grid01', 'GET', '/api/v1/dwellings?use=自住')).json())).toEqual([fx.nodes.dwelling01.id]);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'registry.dwelling.update').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ before: null, after: { use: '出租', rentalEnd: '2027-02-28' } });
    // Only the rental note changes; the rest stays.
    const note = await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling02.id}`, { rentalNote: '租客 3 人' });
    expect(note.json()).toMatchObject({ use: '出租', areaM2: 72, rentalStart: '2026-03-01', rentalNote: '租客 3 人' });
  });

  it('refuses rental facts on a dwelling that is not rented out, and dates in the wrong order', async () => {
    const res = await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling01.id}`, { rentalStart: '2026-01-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('RENTAL_FACTS_NEED_RENTAL');
    const order = await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling02.id}`, { rentalEnd: '2025-01-01' });
    expect(order.json().error.code).toBe('RENTAL_DATES');
    // Back to 自住: the tenancy facts end with it.
    const back = await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling02.id}`, { use: '自住' });
    expect(back.json()).toMatchObject({ use: '自住', areaM2: 72, rentalStart: null, rentalEnd: null, rentalNote: null });
  });

  it('shows a dwelling with its occupants (masked) and households; other grids cannot see or change it', async () => {
    const res = await call('grid01', 'GET', `/api/v1/dwellings/${fx.nodes.dwelling01.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.occupants.map((o: { name: string }) => o.name).sort()).toEqual(['徐美玲', '朱志强', '朱浩然']);
    expect(body.occupants.find((o: { name: string }) => o.name === '朱志强')).toMatchObject({ idNumber: '330481********001X', phone: '138****5678' });
    expect(body.households).toEqual([{ id: reg.householdId, number: '003000001', headPersonId: reg.people.zhu }]);
    expect(res.body).not.toContain('13812345678');
    expect((await call('grid02', 'GET', `/api/v1/dwellings/${fx.nodes.dwelling01.id}`)).statusCode).toBe(403);
    expect((await call('grid02', 'PATCH', `/api/v1/dwellings/${fx.nodes.dwelling01.id}`, { use: '空置' })).statusCode).toBe(403);
    expect((await call('grid01', 'GET', `/api/v1/dwellings/${fx.nodes.unit01.id}`)).statusCode).toBe(404);
    expect((await call('grid01', 'PATCH', `/api/v1/dwellings/${fx.nodes.unit01.id}`, { use: '空置' })).statusCode).toBe(400);
  });
});
