import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { countInSubtree, listInSubtree } from './org.repository.js';
import { countAudit } from '../audit/audit.js';

describe(`organisation tree (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let f: Fixture;
  let grid01: Session;
  let xishan: Session;
  let admin: Session;

  beforeAll(async () => {
    platform = await createTestPlatform();
    f = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    grid01 = await loginAs(app, 'grid01');
    xishan = await loginAs(app, 'xishan');
    admin = await loginAs(app, 'admin');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/org/nodes' })).statusCode).toBe(401);
  });

  it('subtree queries return exactly the nodes under a path', async () => {
    const db = platform.ctx.db.kysely;
    expect(await countInSubtree(db, f.nodes.xishan.path, 'grid')).toBe(2);
    expect(await countInSubtree(db, f.nodes.grid01.path, 'dwelling')).toBe(2);
    expect(await countInSubtree(db, f.nodes.grid02.path, 'dwelling')).toBe(0);
    expect(await countInSubtree(db, f.nodes.dongshan.path, 'grid')).toBe(0);
    const dwellings = await listInSubtree(db, f.nodes.city.path, 'dwelling', { limit: 10, offset: 0 });
    expect(dwellings.map((d) => d.name).sort()).toEqual(['101室', '102室']);
  });

  it('a grid worker sees their grid as root and nothing outside it', async () => {
    const roots = await app.inject({ method: 'GET', url: '/api/v1/org/nodes', headers: grid01.headers });
    expect(roots.json().items.map((n: { id: string }) => n.id)).toEqual([f.nodes.grid01.id]);
    const inside = await app.inject({ method: 'GET', url: `/api/v1/org/nodes?parentId=${f.nodes.grid01.id}`, headers: grid01.headers });
    expect(inside.statusCode).toBe(200);
    expect(inside.json().items.map((n: { name: string }) => n.name)).toEqual(['1幢']);
    for (const id of [f.nodes.grid02.id, f.nodes.xishan.id, f.nodes.dongshan.id, f.nodes.building02.id]) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${id}`, headers: grid01.headers });
      expect(res.statusCode).toBe(403);
    }
  });

  it('community staff see both grids of their community but not the other community', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/org/nodes?parentId=${f.nodes.xishan.id}`, headers: xishan.headers });
    expect(res.json().total).toBe(2);
    expect((await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${f.nodes.dongshan.id}`, headers: xishan.headers })).statusCode).toBe(403);
  });

  it('returns a node with its ancestors for breadcrumbs', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${f.nodes.dwelling01.id}`, headers: xishan.headers });
    expect(res.json().ancestors.map((a: { name: string }) => a.name)).toEqual(['海宁市', '硖石街道', '西山社区', '西山社区第一网格', '1幢', '1单元', '101室']);
  });

  it('the system admin creates and edits nodes (audited); others may not', async () => {
    const forbidden = await app.inject({ method: 'POST', url: '/api/v1/org/nodes', headers: xishan.headers, payload: { parentId: f.nodes.xishan.id, name: '第三网格' } });
    expect(forbidden.statusCode).toBe(403);
    const before = await countAudit(platform.ctx.db, 'org.node.create');
    const square = { type: 'Polygon', coordinates: [[[120.68, 30.51], [120.69, 30.51], [120.69, 30.52], [120.68, 30.52], [120.68, 30.51]]] };
    const created = await app.inject({ method: 'POST', url: '/api/v1/org/nodes', headers: admin.headers, payload: { parentId: f.nodes.xishan.id, name: '西山社区第三网格', code: '11000033048100100303', geometry: square } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'grid', name: '西山社区第三网格', geometry: square });
    expect(await countAudit(platform.ctx.db, 'org.node.create')).toBe(before + 1);
    const geo = await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${f.nodes.xishan.id}/geojson`, headers: xishan.headers });
    expect(geo.json().features.map((x: { properties: { name: string } }) => x.properties.name)).toEqual(['西山社区第三网格']);
    const renamed = await app.inject({ method: 'PATCH', url: `/api/v1/org/nodes/${created.json().id}`, headers: admin.headers, payload: { name: '西山社区三网格' } });
    expect(renamed.json().name).toBe('西山社区三网格');
  });

  it('refuses a grid code that breaks CJ/T 349 or names another community', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/v1/org/nodes', headers: admin.headers, payload: { parentId: f.nodes.xishan.id, name: '错误网格', code: '12345' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('GRID_CODE_INVALID');
    // A valid code, but of 东山社区 (…004…), under 西山社区 (…003…).
    const other = await app.inject({ method: 'POST', url: '/api/v1/org/nodes', headers: admin.headers, payload: { parentId: f.nodes.xishan.id, name: '错位网格', code: '11000033048100100405' } });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.message).toMatch(/CJ\/T 349/);
  });

  it('rejects bad input with the offending field', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/org/nodes?pageSize=100000', headers: xishan.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('querystring.pageSize');
  });
});
