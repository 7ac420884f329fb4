import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newNodeRow } from '../../platform/org/org.service.js';
import { insertNodes } from '../../platform/org/org.repository.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { insertPeople } from './registry.repository.js';
import { personRow, type NewPerson } from './registry.service.js';
import { tagPeople } from './scope.fixture.js';
import { reindexAll, reindexPeople } from './search.index.js';

/**
 * Search, filters, sorting and paging of GET /api/v1/people. The clock stands at 01:00 on
 * 26 November in Beijing, which is still the 25th in UTC: ages must count China's date.
 */
describe(`people search (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const ids: Record<string, string> = {};
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const find = async (username: string, query: Record<string, string | number | string[]>) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) qs.append(k, String(one));
    const res = await get(username, `/api/v1/people?pageSize=100&${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: { id: string; name: string; age: number | null }[]; total: number };
  };
  const names = async (username: string, query: Record<string, string | number | string[]>) => (await find(username, query)).items.map((i) => i.name).sort();

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-25T17:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const at = platform.ctx.now().toISOString();
    // 11幢1单元101室 in grid01: "1-1-101" must not find it.
    const building11 = newNodeRow({ ...fx.nodes.grid01, depth: 4 }, 'building', '11幢', { at });
    const unit = newNodeRow(building11, 'unit', '1单元', { at });
    const dwelling = newNodeRow(unit, 'dwelling', '101室', { at });
    await insertNodes(platform.ctx.db.kysely, [building11, unit, dwelling]);
    const d02 = fx.nodes.dwelling02;
    const extra: Record<string, NewPerson> = {
      zhangsan: { name: '张三', gender: '男', birthDate: '1990-05-01', residenceType: '户籍人口', dwellingId: d02.id, orgPath: d02.path },
      // 20 today in China (not yet in UTC) …
      zhangshanshan: { name: '张珊珊', gender: '女', birthDate: '2006-11-26', residenceType: '流动人口', dwellingId: d02.id, orgPath: d02.path },
      // … and 19 until tomorrow.
      lvxiaolong: { name: '吕小龙', gender: '男', birthDate: '2006-11-27', residenceType: '流动人口', dwellingId: d02.id, orgPath: d02.path },
      zhangsanfeng: { name: '张三丰', gender: '男', birthDate: '1940-03-03', residenceType: '户籍人口', dwellingId: reg.nodes.dwelling03.id, orgPath: reg.nodes.dwelling03.path },
      qianduoduo: { name: '钱多多', gender: '女', birthDate: '1985-07-07', residenceType: '户籍人口', dwellingId: dwelling.id, orgPath: dwelling.path },
      moved: { name: '张迁', gender: '男', birthDate: '1970-01-01', residenceType: '户籍人口', dwellingId: d02.id, orgPath: d02.path, status: 'moved_out' },
    };
    const rows = Object.entries(extra).map(([k, v]) => {
      const row = personRow(platform.ctx, v, at);
      ids[k] = row.id;
      return row;
    });
    await insertPeople(platform.ctx.db.kysely, rows);
    Object.assign(ids, reg.people);
    await reindexAll(platform.ctx, { batch: 3 });
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保' },
      { personId: reg.people.wang, tag: '独居老人' },
      { personId: ids.zhangsanfeng!, tag: '独居老人' },
      { personId: ids.zhangsanfeng!, tag: '低保', ended: true },
    ]);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  describe('by name', () => {
    it('finds by pinyin initials', async () => {
      expect(await names('xishan', { q: 'zs' })).toEqual(['张三', '张三丰', '张珊珊'].sort());
      expect(await names('xishan', { q: 'ZZQ' })).toEqual(['朱志强']);
      expect(await names('grid01', { q: 'zs' })).toEqual(['张三', '张珊珊'].sort());
    });

    it('finds by full and partial pinyin', async () => {
      expect(await names('xishan', { q: 'zhangsan' })).toEqual(['张三', '张三丰'].sort());
      expect(await names('xishan', { q: 'zhangs' })).toEqual(['张三', '张三丰', '张珊珊'].sort());
      expect(await names('xishan', { q: 'zhu' })).toEqual(['朱志强', '朱浩然'].sort());
      expect(await names('xishan', { q: "lü'xiao" })).toEqual(['吕小龙']);
      expect(await names('xishan', { q: 'lvxl' })).toEqual([]);
    });

    it('finds by 汉字: one character is a surname, more any part of the name', async () => {
      expect(await names('xishan', { q: '张' })).toEqual(['张三', '张三丰', '张珊珊'].sort());
      expect(await names('xishan', { q: '张三' })).toEqual(['张三', '张三丰'].sort());
      expect(await names('xishan', { q: '志强' })).toEqual(['朱志强']);
      expect(await names('xishan', { q: '三' })).toEqual([]);
    });

    it('across a street, matches names from their start (a substring would scan the street)', async () => {
      expect(await names('xishan', { q: '志强' })).toEqual(['朱志强']);
      expect(await names('street', { q: '志强' })).toEqual([]);
      expect(await names('street', { q: '朱志' })).toEqual(['朱志强']);
      expect(await names('street', { q: '张三' })).toEqual(['张三', '张三丰'].sort());
    });

    it('searches inside the reader’s scope only', async () => {
      expect(await names('grid02', { q: 'zs' })).toEqual(['张三丰']);
      expect(await names('grid02', { q: '朱' })).toEqual([]);
      expect(await names('xishan', { q: 'chendong' })).toEqual([]);
      expect(await names('street', { q: 'chendong' })).toEqual(['陈东']);
    });

    it('finds a person renamed and reindexed', async () => {
      await platform.ctx.db.kysely.updateTable('person').set({ name: '朱志刚' }).where('id', '=', reg.people.zhu).execute();
      await reindexPeople(platform.ctx.db.kysely, [reg.people.zhu]);
      try {
        expect(await names('xishan', { q: 'zhuzhig' })).toEqual(['朱志刚']);
        expect(await names('xishan', { q: 'zhuzhiq' })).toEqual([]);
      } finally {
        await platform.ctx.db.kysely.updateTable('person').set({ name: '朱志强' }).where('id', '=', reg.people.zhu).execute();
        await reindexPeople(platform.ctx.db.kysely, [reg.people.zhu]);
      }
    });
  });

  describe('by number', () => {
    it('finds by full ID number and mobile through the blind index', async () => {
      expect(await names('xishan', { q: REGISTRY_PEOPLE.zhu.idNumber })).toEqual(['朱志强']);
      expect(await names('xishan', { q: REGISTRY_PEOPLE.zhu.idNumber.toLowerCase() })).toEqual(['朱志强']);
      expect(await names('xishan', { q: '13987654321' })).toEqual(['徐美玲']);
      expect(await names('xishan', { q: '+86 139-8765-4321' })).toEqual(['徐美玲']);
      expect(await names('grid02', { q: '13987654321' })).toEqual([]);
    });

    it('finds by the last four of the ID number or mobile within a grid', async () => {
      expect(await names('grid01', { q: '001x' })).toEqual(['朱志强']);
      expect(await names('grid01', { q: '4321' })).toEqual(['徐美玲']);
      expect(await names('xishan', { q: '001X', orgNodeId: fx.nodes.grid01.id })).toEqual(['朱志强']);
      expect(await names('xishan', { q: '002X', orgNodeId: fx.nodes.grid02.id })).toEqual(['王秀英']);
      // Over a whole community four digits are not selective: choose a grid first.
      const wide = await get('xishan', '/api/v1/people?q=001X');
      expect(wide.statusCode).toBe(400);
      expect(wide.json().error.code).toBe('TAIL_NEEDS_GRID');
    });
  });

  describe('by address', () => {
    it.each([
      ['1幢1单元101室', ['徐美玲', '朱志强', '朱浩然']],
      ['1幢1单元101', ['徐美玲', '朱志强', '朱浩然']],
      ['1-1-101', ['徐美玲', '朱志强', '朱浩然']],
      ['1栋1单元101', ['徐美玲', '朱志强', '朱浩然']],
      ['11-1-101', ['钱多多']],
      ['102室', ['吕小龙', '张三', '张珊珊']],
      ['8幢2单元301', ['张三丰', '王秀英']],
    ])('%s', async (q, expected) => {
      expect(await names('xishan', { q })).toEqual([...expected].sort());
    });

    it('finds a street-front block by road and number', async () => {
      expect(await names('street', { q: '东山路2号1单元201室' })).toEqual(['陈东']);
      expect(await names('street', { q: '东山路2号' })).toEqual(['陈东']);
    });
  });

  describe('filters', () => {
    it('by grid (within scope)', async () => {
      expect(await names('xishan', { orgNodeId: fx.nodes.grid02.id })).toEqual(['张三丰', '王秀英'].sort());
      expect(await names('xishan', { orgNodeId: fx.nodes.grid02.id, q: 'zs' })).toEqual(['张三丰']);
    });

    it('by one or more tags held today', async () => {
      expect(await names('xishan', { tag: '低保' })).toEqual(['朱志强']);
      expect(await names('xishan', { tag: ['低保', '独居老人'] })).toEqual(['张三丰', '朱志强', '王秀英'].sort());
      expect(await names('xishan', { tag: '低保,独居老人' })).toEqual(['张三丰', '朱志强', '王秀英'].sort());
      expect(await names('xishan', { tag: '独居老人', q: 'zs' })).toEqual(['张三丰']);
    });

    it('by age range, counted on China’s date', async () => {
      expect(await names('grid01', { minAge: 20, maxAge: 20 })).toEqual(['张珊珊']);
      expect(await names('grid01', { maxAge: 19 })).toEqual(['吕小龙', '朱浩然'].sort());
      expect(await names('xishan', { minAge: 80 })).toEqual(['张三丰']);
      const ages = (await find('grid01', { minAge: 20, maxAge: 20 })).items.map((i) => i.age);
      expect(ages).toEqual([20]);
      expect((await get('grid01', '/api/v1/people?minAge=30&maxAge=20')).json().error.code).toBe('AGE_RANGE_INVALID');
    });

    it('by gender and residence type', async () => {
      expect(await names('grid01', { gender: '女' })).toEqual(['张珊珊', '徐美玲', '钱多多'].sort());
      expect(await names('xishan', { residenceType: '流动人口' })).toEqual(['吕小龙', '张珊珊', '王秀英'].sort());
      expect(await names('xishan', { residenceType: '流动人口', gender: '男' })).toEqual(['吕小龙']);
    });

    it('by record status: active by default', async () => {
      expect(await names('grid01', { q: '张' })).toEqual(['张三', '张珊珊'].sort());
      expect(await names('grid01', { q: '张', status: 'all' })).toEqual(['张三', '张珊珊', '张迁'].sort());
      expect(await names('grid01', { status: 'moved_out' })).toEqual(['张迁']);
    });
  });

  describe('sorting and paging', () => {
    it('sorts by name in pinyin order, either way', async () => {
      const asc = (await find('grid01', { sort: 'name' })).items.map((i) => i.name);
      expect(asc).toEqual(['吕小龙', '钱多多', '徐美玲', '张三', '张珊珊', '朱浩然', '朱志强']);
      const desc = (await find('grid01', { sort: 'name', order: 'desc' })).items.map((i) => i.name);
      expect(desc).toEqual([...asc].reverse());
    });

    it('sorts by age, youngest first, unknown birth dates last', async () => {
      const ages = (await find('xishan', { sort: 'age' })).items.map((i) => i.age);
      expect(ages).toEqual([...ages].sort((a, b) => (a ?? 999) - (b ?? 999)));
      expect(ages[0]).toBe(10);
      const oldest = (await find('xishan', { sort: 'age', order: 'desc' })).items[0]!;
      expect(oldest.name).toBe('张三丰');
    });

    it('sorts by dwelling by default and by creation on request', async () => {
      const items = (await find('grid01', {})).items as unknown as { name: string; address: string }[];
      // Each dwelling's people come together, and 11幢 (added last) after 1幢.
      const runs = items.map((i) => i.address).filter((a, i, all) => i === 0 || all[i - 1] !== a);
      expect(runs).toHaveLength(new Set(runs).size);
      expect(items[items.length - 1]!.name).toBe('钱多多');
      const created = (await find('grid01', { sort: 'created' })).items.map((i) => i.name);
      expect(created.sort()).toEqual(items.map((i) => i.name).sort());
    });

    it('pages through a sorted search with a total', async () => {
      const all = (await find('xishan', { q: 'zs', sort: 'name' })).items.map((i) => i.name);
      const res = await get('xishan', '/api/v1/people?q=zs&sort=name&pageSize=2&page=2');
      expect(res.json()).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(res.json().items.map((i: { name: string }) => i.name)).toEqual(all.slice(2));
    });
  });

  it('rebuilds the whole index idempotently, one row per person with its address key', async () => {
    await reindexAll(platform.ctx, { batch: 4 });
    const db = platform.ctx.db.kysely;
    const people = await db.selectFrom('person').select('id').execute();
    const rows = await db.selectFrom('person_search').selectAll().execute();
    expect(rows.map((r) => r.person_id).sort()).toEqual(people.map((p) => p.id).sort());
    expect(rows.find((r) => r.person_id === reg.people.zhu)).toMatchObject({ name: '朱志强', name_pinyin: 'zhuzhiqiang', name_initials: 'zzq', address: '#1-1-101#' });
    expect(rows.find((r) => r.person_id === reg.people.chen)).toMatchObject({ address: '东山路#2-1-201#' });
  });

  it('rejects unknown sorts and silly page sizes', async () => {
    expect((await get('xishan', '/api/v1/people?sort=idNumber')).statusCode).toBe(400);
    expect((await get('xishan', '/api/v1/people?pageSize=1000')).statusCode).toBe(400);
  });
});
