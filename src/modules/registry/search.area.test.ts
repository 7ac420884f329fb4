import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newNodeRow } from '../../platform/org/org.service.js';
import { insertNodes } from '../../platform/org/org.repository.js';
import { insertPeople, listPeople, type PersonFilter } from './registry.repository.js';
import { personRow, type NewPerson } from './registry.service.js';
import { areaPathOf, areasOfScope, reindexAll } from './search.index.js';

/**
 * Names, pinyin, initials and addresses are searched area first (person_search.area_path: the person's
 * community, or the street/district/city node of someone registered above any community).
 */
describe('search areas', () => {
  const kinds: Record<string, string> = { c: 'city', s: 'street', m: 'community', g: 'grid', b: 'building', x: 'street', y: 'grid' };
  const kindOf = (id: string) => kinds[id];

  it('is the nearest community, else the deepest city, district or street node, else the path', () => {
    expect(areaPathOf('/c/s/m/g/b/', kindOf)).toBe('/c/s/m/');
    expect(areaPathOf('/c/s/m/', kindOf)).toBe('/c/s/m/');
    expect(areaPathOf('/c/s/', kindOf)).toBe('/c/s/');
    // A grid straight under a street: the street.
    expect(areaPathOf('/c/x/y/b/', kindOf)).toBe('/c/x/');
    expect(areaPathOf('/q/r/', () => undefined)).toBe('/q/r/');
  });

  it('of a scope: its own area inside a community, every area under it above', async () => {
    const under = async (p: string) =>
      [
        { path: '/c/s/', kind: 'street' },
        { path: '/c/s/m/', kind: 'community' },
        { path: '/c/s/m2/', kind: 'community' },
        { path: '/c/x/', kind: 'street' },
      ].filter((n) => n.path.startsWith(p));
    const scope = (p: string) => areasOfScope(p, async (id) => ({ ...kinds, m2: 'community' })[id], under);
    expect(await scope('/c/s/m/g/')).toEqual(['/c/s/m/']);
    expect(await scope('/c/s/m/')).toEqual(['/c/s/m/']);
    expect((await scope('/c/s/')).sort()).toEqual(['/c/s/', '/c/s/m/', '/c/s/m2/']);
    expect((await scope('/c/')).sort()).toEqual(['/c/', '/c/s/', '/c/s/m/', '/c/s/m2/', '/c/x/']);
    expect(await scope('/c/x/y/')).toEqual(['/c/x/']);
  });
});

describe(`initials search by area (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const sessions: Record<string, Session> = {};
  const names = async (username: string, q: string) => {
    const session = (sessions[username] ??= await loginAs(app, username));
    const res = await app.inject({ method: 'GET', url: `/api/v1/people?pageSize=100&q=${encodeURIComponent(q)}`, headers: session.headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { name: string }[]; total: number };
    expect(body.total).toBe(body.items.length);
    return body.items.map((i) => i.name).sort();
  };

  beforeAll(async () => {
    platform = await createTestPlatform();
    fx = await seedFixture(platform.ctx);
    const at = platform.ctx.now().toISOString();
    // A grid straight under the street (no community above it), with a dwelling.
    const looseGrid = newNodeRow({ ...fx.nodes.street, depth: 1 }, 'grid', '街道直属网格', { at });
    const looseBuilding = newNodeRow(looseGrid, 'building', '9幢', { at });
    await insertNodes(platform.ctx.db.kysely, [looseGrid, looseBuilding]);
    const people: NewPerson[] = [
      // Registered at the street node itself, and in the loose grid: the street is their area.
      { name: '欧阳街', gender: '男', birthDate: '1980-01-01', residenceType: '户籍人口', orgPath: fx.nodes.street.path },
      { name: '欧阳格', gender: '女', birthDate: '1981-01-01', residenceType: '户籍人口', orgPath: looseBuilding.path },
      // In 西山社区 (grid01) and 东山社区.
      { name: '欧阳西', gender: '男', birthDate: '1982-01-01', residenceType: '户籍人口', dwellingId: fx.nodes.dwelling01.id, orgPath: fx.nodes.dwelling01.path },
      { name: '欧阳东', gender: '女', birthDate: '1983-01-01', residenceType: '户籍人口', orgPath: fx.nodes.dongshan.path },
    ];
    await insertPeople(platform.ctx.db.kysely, people.map((p) => personRow(platform.ctx, p, at)));
    await reindexAll(platform.ctx);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('keeps each search row’s area', async () => {
    const rows = await platform.ctx.db.kysely.selectFrom('person_search').select(['name', 'area_path']).where('name', 'like', '欧阳%').execute();
    const area = Object.fromEntries(rows.map((r) => [r.name, r.area_path]));
    expect(area).toEqual({ 欧阳街: fx.nodes.street.path, 欧阳格: fx.nodes.street.path, 欧阳西: fx.nodes.xishan.path, 欧阳东: fx.nodes.dongshan.path });
  });

  it('finds people of every area of the scope, and no others', async () => {
    expect(await names('street', 'oy')).toEqual(['欧阳东', '欧阳格', '欧阳街', '欧阳西']);
    expect(await names('street', 'ouyangj')).toEqual(['欧阳街']);
    expect(await names('xishan', 'oy')).toEqual(['欧阳西']);
    expect(await names('grid01', 'oyx')).toEqual(['欧阳西']);
    expect(await names('grid02', 'oy')).toEqual([]);
    expect(await names('street', 'oyg')).toEqual(['欧阳格']);
  });

  it('reads names and addresses area first too', async () => {
    expect(await names('street', '欧阳')).toEqual(['欧阳东', '欧阳格', '欧阳街', '欧阳西']);
    expect(await names('xishan', '欧阳')).toEqual(['欧阳西']);
    expect(await names('grid02', '欧阳')).toEqual([]);
    // 欧阳西 lives in 1幢1单元101室 of grid01 (西山社区).
    expect(await names('street', '1-1-101')).toContain('欧阳西');
    expect(await names('xishan', '1幢1单元101')).toContain('欧阳西');
    expect(await names('grid02', '1-1-101')).toEqual([]);
  });

  it('looks the areas up only for a search that reads an index beginning with them', async () => {
    const db = platform.ctx.db.kysely;
    const scope = { paths: [fx.nodes.street.path], status: 'active' as const };
    const numbered: PersonFilter = { ...scope, addressLike: '%#1-1-101#%' };
    expect((await listPeople(db, numbered, { limit: 10, offset: 0 })).map((p) => p.name)).toEqual(['欧阳西']);
    expect(numbered.areas).toEqual([fx.nodes.street.path, fx.nodes.dongshan.path, fx.nodes.xishan.path].sort());
    // No building number: the address scan reads the scope's path range, so no areas are asked for.
    const words: PersonFilter = { ...scope, addressLike: '%1幢%' };
    await listPeople(db, words, { limit: 10, offset: 0 });
    expect(words.areas).toBeUndefined();
    const browse: PersonFilter = { ...scope };
    await listPeople(db, browse, { limit: 10, offset: 0 });
    expect(browse.areas).toBeUndefined();
  });

  it('applies every other condition to a search', async () => {
    const session = (sessions.street ??= await loginAs(app, 'street'));
    const res = await app.inject({ method: 'GET', url: `/api/v1/people?pageSize=100&q=oy&gender=${encodeURIComponent('女')}`, headers: session.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { items: { name: string }[] }).items.map((i) => i.name).sort()).toEqual(['欧阳东', '欧阳格']);
  });

  it('keeps an ended record out of an active search, and finds it among all records', async () => {
    const person = await platform.ctx.db.kysely.selectFrom('person').select('id').where('name', '=', '欧阳西').executeTakeFirstOrThrow();
    const staff = (sessions.xishan ??= await loginAs(app, 'xishan'));
    const ended = await app.inject({ method: 'POST', url: `/api/v1/people/${person.id}/end`, headers: staff.headers, payload: { kind: 'moved_out', date: '2026-11-20', reason: '迁往外省' } });
    expect(ended.statusCode, ended.body).toBe(200);
    // Active records only (the default): by pinyin, by name and by address.
    expect(await names('street', 'oy')).toEqual(['欧阳东', '欧阳格', '欧阳街']);
    expect(await names('street', '欧阳')).toEqual(['欧阳东', '欧阳格', '欧阳街']);
    expect(await names('street', '1-1-101')).not.toContain('欧阳西');
    const all = await app.inject({ method: 'GET', url: `/api/v1/people?pageSize=100&status=all&q=oy`, headers: sessions.street!.headers });
    expect(all.statusCode, all.body).toBe(200);
    expect((all.json() as { items: { name: string }[] }).items.map((i) => i.name).sort()).toEqual(['欧阳东', '欧阳格', '欧阳街', '欧阳西']);
    const row = await platform.ctx.db.kysely.selectFrom('person_search').select('status').where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('moved_out');
  });
});
