import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../test/helpers/platform.js';
import { loginAs } from '../../test/helpers/http.js';
import { modules as allModules } from '../modules/index.js';
import { defineModule, type DemoSeedContext } from '../platform/module.js';
import { parseIdNumber } from '../platform/cn/id-number.js';
import { isMobile } from '../platform/cn/phone.js';
import { prefixEnd } from '../platform/db/dialect.js';
import { DEMO_ACCOUNTS, DEMO_DEPARTMENTS } from './accounts.js';
import { pointInPolygon, type Polygon, type Point } from './layout.js';
import { loadDemoRefs, type DemoRefs } from './refs.js';
import { seedDemoIfEmpty } from './seed.js';

/** A later module's seed hook, as it would use the demo refs. */
function probeModule(calls: { first: number; refs: DemoRefs }[]) {
  return defineModule({
    name: 'probe',
    seedDemo: async ({ ctx, random }: DemoSeedContext) => {
      calls.push({ first: random(), refs: await loadDemoRefs(ctx) });
    },
  });
}

async function tableCounts(p: TestPlatform) {
  const out: Record<string, number> = {};
  for (const t of ['org_node', 'person', 'household', 'dwelling_info', 'building_info', 'app_user', 'role_grant', 'department', 'audit_log'] as const) {
    const r = await p.ctx.db.kysely.selectFrom(t).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

/** A digest of everything the seed draws (ids aside): same seed, same digest. */
async function contentDigest(p: TestPlatform) {
  const db = p.ctx.db.kysely;
  const nodes = await db.selectFrom('org_node').select(['kind', 'name', 'code', 'geometry', 'depth']).execute();
  const people = await db.selectFrom('person').select(['name', 'birth_date', 'id_number_enc', 'phone_enc', 'ethnicity', 'residence_type']).execute();
  const lines = [
    ...nodes.map((n) => `${n.depth}|${n.kind}|${n.name}|${n.code}|${n.geometry}`),
    ...people.map((r) => `${r.name}|${r.birth_date}|${r.id_number_enc ? p.ctx.pii.decrypt(r.id_number_enc) : ''}|${r.phone_enc ? p.ctx.pii.decrypt(r.phone_enc) : ''}|${r.ethnicity}|${r.residence_type}`),
  ].sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

describe(`demo community seed (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  const calls: { first: number; refs: DemoRefs }[] = [];
  const logs: string[] = [];
  let seeded: boolean;
  let xishanPath: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    seeded = await seedDemoIfEmpty(platform.ctx, [...allModules, probeModule(calls)], (m) => logs.push(m));
    const xishan = await platform.ctx.db.kysely.selectFrom('org_node').select('path').where('name', '=', '西山社区').executeTakeFirstOrThrow();
    xishanPath = xishan.path;
  }, 120_000);
  afterAll(async () => {
    await platform.close();
  });

  it('seeds an empty database and says so', () => {
    expect(seeded).toBe(true);
    expect(logs.join('\n')).toContain('西山社区');
  });

  it('builds the tree 海宁市 → 硖石街道 → 西山社区 and 东山社区', async () => {
    const db = platform.ctx.db.kysely;
    const top = await db.selectFrom('org_node').select(['name', 'kind', 'code', 'depth']).where('depth', '<=', 2).orderBy('depth').orderBy('sort').execute();
    expect(top).toEqual([
      { name: '海宁市', kind: 'city', code: '330481', depth: 0 },
      { name: '硖石街道', kind: 'street', code: '330481001', depth: 1 },
      { name: '西山社区', kind: 'community', code: '330481001003', depth: 2 },
      { name: '东山社区', kind: 'community', code: '330481001004', depth: 2 },
    ]);
  });

  it('gives 西山社区 about 13,500 residents in about 4,800 households and 5,000 dwellings', async () => {
    const db = platform.ctx.db.kysely;
    const count = async (table: 'person' | 'household') =>
      Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('org_path', '>=', xishanPath).where('org_path', '<', prefixEnd(xishanPath)).executeTakeFirstOrThrow()).n);
    const residents = await count('person');
    expect(residents).toBeGreaterThanOrEqual(13_500 * 0.95);
    expect(residents).toBeLessThanOrEqual(13_500 * 1.05);
    const households = await count('household');
    expect(households).toBeGreaterThanOrEqual(4_800 * 0.9);
    expect(households).toBeLessThanOrEqual(4_800 * 1.1);
    const dwellings = Number(
      (await db.selectFrom('org_node').select(sql<number>`count(*)`.as('n')).where('kind', '=', 'dwelling').where('path', '>=', xishanPath).where('path', '<', prefixEnd(xishanPath)).executeTakeFirstOrThrow()).n,
    );
    expect(dwellings).toBeGreaterThanOrEqual(5_000 * 0.9);
    expect(dwellings).toBeLessThanOrEqual(5_000 * 1.1);
    // Every household has a head who lives in it.
    const orphans = await db
      .selectFrom('household')
      .leftJoin('person', 'person.id', 'household.head_person_id')
      .select(sql<number>`count(*)`.as('n'))
      .where((eb) => eb.or([eb('person.id', 'is', null), eb('person.household_id', '!=', eb.ref('household.id'))]))
      .executeTakeFirstOrThrow();
    expect(Number(orphans.n)).toBe(0);
    // 东山社区 is small.
    const dongshan = await db.selectFrom('org_node').select('path').where('name', '=', '东山社区').executeTakeFirstOrThrow();
    const small = Number((await db.selectFrom('person').select(sql<number>`count(*)`.as('n')).where('org_path', '>=', dongshan.path).where('org_path', '<', prefixEnd(dongshan.path)).executeTakeFirstOrThrow()).n);
    expect(small).toBeGreaterThan(250);
    expect(small).toBeLessThan(350);
  });

  it('draws 12 grids with 20-digit codes and polygons that tile the community, buildings inside them', async () => {
    const db = platform.ctx.db.kysely;
    const grids = await db.selectFrom('org_node').selectAll().where('kind', '=', 'grid').where('path', '>=', xishanPath).where('path', '<', prefixEnd(xishanPath)).orderBy('sort').execute();
    expect(grids.map((g) => g.name)).toEqual(
      ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'].map((n) => `西山社区第${n}网格`),
    );
    const area = (poly: Polygon) => {
      const ring = poly.coordinates[0];
      let s = 0;
      for (let i = 0; i < ring.length - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
      return s / 2; // positive: counter-clockwise
    };
    let total = 0;
    for (const [i, g] of grids.entries()) {
      expect(g.code).toBe(`110000330481001003${String(i + 1).padStart(2, '0')}`);
      expect(g.code).toHaveLength(20);
      const poly = JSON.parse(g.geometry!) as Polygon;
      expect(poly.type).toBe('Polygon');
      expect(poly.coordinates[0][0]).toEqual(poly.coordinates[0].at(-1));
      expect(area(poly)).toBeGreaterThan(0);
      total += area(poly);
      const buildings = await db.selectFrom('org_node').select('geometry').where('parent_id', '=', g.id).execute();
      expect(buildings.length).toBeGreaterThan(5);
      for (const b of buildings) expect(pointInPolygon((JSON.parse(b.geometry!) as Point).coordinates, poly)).toBe(true);
    }
    const community = JSON.parse((await db.selectFrom('org_node').select('geometry').where('name', '=', '西山社区').executeTakeFirstOrThrow()).geometry!) as Polygon;
    // The grids cover the community exactly: their areas add up to its area (about 2 km × 2 km around Xishan).
    expect(total).toBeCloseTo(area(community), 9);
    const lons = community.coordinates[0].map((c) => c[0]);
    const lats = community.coordinates[0].map((c) => c[1]);
    expect((Math.min(...lons) + Math.max(...lons)) / 2).toBeCloseTo(120.688, 3);
    expect((Math.min(...lats) + Math.max(...lats)) / 2).toBeCloseTo(30.512, 3);
  });

  it('puts the buildings in the 67 resident groups of the seed paper', async () => {
    const rows = await platform.ctx.db.kysely
      .selectFrom('building_info')
      .innerJoin('org_node', 'org_node.id', 'building_info.org_node_id')
      .select('building_info.resident_group')
      .distinct()
      .where('org_node.path', '>=', xishanPath)
      .where('org_node.path', '<', prefixEnd(xishanPath))
      .execute();
    expect(rows.map((r) => r.resident_group).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 67 }, (_, i) => i + 1));
  });

  it('gives everyone a valid ID number that agrees with their gender and birth date, and valid mobiles', async () => {
    const people = await platform.ctx.db.kysely.selectFrom('person').select(['id_number_enc', 'phone_enc', 'gender', 'birth_date', 'id_number_region', 'id_number_tail', 'ethnicity', 'residence_type']).execute();
    const today = platform.ctx.now();
    const seen = new Set<string>();
    let over60 = 0;
    let over80 = 0;
    let haining = 0;
    let han = 0;
    for (const p of people) {
      const id = platform.ctx.pii.decrypt(p.id_number_enc!);
      const parsed = parseIdNumber(id, today);
      expect(parsed.ok, id.slice(0, 6)).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.info.gender).toBe(p.gender);
      expect(parsed.info.birthDate).toBe(p.birth_date);
      expect(p.id_number_region).toBe(id.slice(0, 6));
      expect(p.id_number_tail).toBe(id.slice(-4));
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      if (p.phone_enc) expect(isMobile(platform.ctx.pii.decrypt(p.phone_enc))).toBe(true);
      const age = 2026 - Number(p.birth_date!.slice(0, 4));
      if (age > 60) over60++;
      if (age > 80) over80++;
      if (id.startsWith('330481')) haining++;
      if (p.ethnicity === '汉族') han++;
    }
    // An ageing community: about 22 % over 60, some over 80; mostly registered in Haining; mostly Han.
    expect(over60 / people.length).toBeGreaterThan(0.17);
    expect(over60 / people.length).toBeLessThan(0.27);
    expect(over80).toBeGreaterThan(50);
    expect(haining / people.length).toBeGreaterThan(0.6);
    expect(han / people.length).toBeGreaterThan(0.95);
    const types = new Set(people.map((p) => p.residence_type));
    expect(types).toEqual(new Set(['户籍人口', '流动人口', '境外人员']));
  });

  it('creates every demo account, and each can log in through the API', async () => {
    const users = await platform.ctx.db.kysely.selectFrom('app_user').selectAll().execute();
    const names = users.map((u) => u.username);
    for (const a of DEMO_ACCOUNTS) expect(names).toContain(a.username);
    // Module demos add accounts of their own (the other providers, elderly residents with free
    // hours): demo accounts too, and never a staff or admin role.
    const extra = users.filter((u) => !DEMO_ACCOUNTS.some((a) => a.username === u.username));
    const extraRoles = extra.length ? await platform.ctx.db.kysely.selectFrom('role_grant').select('role').where('user_id', 'in', extra.map((u) => u.id)).execute() : [];
    expect([...new Set(extraRoles.map((r) => r.role))].sort()).toEqual(extra.length ? ['provider', 'resident'] : []);
    expect(users.every((u) => u.is_demo === 1 && u.must_change_password === 0)).toBe(true);
    const departments = await platform.ctx.db.kysely.selectFrom('department').select('code').execute();
    expect(departments.map((d) => d.code).sort()).toEqual(DEMO_DEPARTMENTS.map((d) => d.code).sort());
    const app = await createTestApp(platform);
    try {
      for (const a of DEMO_ACCOUNTS) {
        const session = await loginAs(app, a.username);
        expect(session.body).toMatchObject({ username: a.username, mustChangePassword: false, roles: [{ role: a.role, departmentCode: a.departmentCode ?? null }] });
      }
      // The grid worker's grant reaches 第一网格's people.
      const list = await app.inject({ method: 'GET', url: '/api/v1/people?pageSize=5', headers: (await loginAs(app, 'grid01')).headers });
      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBeGreaterThan(800);
    } finally {
      await app.close();
    }
  });

  it('links resident01 and volunteer01 to people living in 第一网格', async () => {
    const db = platform.ctx.db.kysely;
    const grid01 = await db.selectFrom('org_node').select('path').where('name', '=', '西山社区第一网格').executeTakeFirstOrThrow();
    for (const [username, name] of [['resident01', '朱志强'], ['volunteer01', '徐美玲']] as const) {
      const user = await db.selectFrom('app_user').select('person_id').where('username', '=', username).executeTakeFirstOrThrow();
      expect(user.person_id).toBeTruthy();
      const person = await db.selectFrom('person').selectAll().where('id', '=', user.person_id!).executeTakeFirstOrThrow();
      expect(person.name).toBe(name);
      expect(person.org_path.startsWith(grid01.path)).toBe(true);
      expect(person.household_id).toBeTruthy();
    }
  });

  it("runs each module's seedDemo hook afterwards, with refs to the demo", async () => {
    expect(calls).toHaveLength(1);
    const { refs } = calls[0];
    expect(refs.node('grid01').name).toBe('西山社区第一网格');
    expect(refs.grid(12).name).toBe('西山社区第十二网格');
    expect(refs.grids).toHaveLength(12);
    expect(refs.user('resident01').personId).toBeTruthy();
    const elders = await refs.people('grid01', { minAge: 80, limit: 10 });
    expect(elders.length).toBeGreaterThan(0);
    for (const e of elders) expect(2026 - Number(e.birthDate!.slice(0, 4))).toBeGreaterThanOrEqual(80);
    const buildings = await refs.children(refs.grid(3), 'building');
    expect(buildings.length).toBeGreaterThan(5);
  });

  it('does nothing the second time', async () => {
    const before = await tableCounts(platform);
    const again = await seedDemoIfEmpty(platform.ctx, [...allModules, probeModule(calls)], () => {});
    expect(again).toBe(false);
    expect(await tableCounts(platform)).toEqual(before);
    expect(calls).toHaveLength(1);
  });

  it('is deterministic: a second empty database gets the same community', async () => {
    const other = await createTestPlatform({ start: new Date('2026-11-27T08:00:00Z') });
    const otherCalls: { first: number; refs: DemoRefs }[] = [];
    try {
      await seedDemoIfEmpty(other.ctx, [...allModules, probeModule(otherCalls)], () => {});
      expect(await contentDigest(other)).toBe(await contentDigest(platform));
      expect(otherCalls[0].first).toBe(calls[0].first);
    } finally {
      await other.close();
    }
  }, 120_000);
});
