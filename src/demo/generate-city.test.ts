import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../test/helpers/platform.js';
import { prefixEnd } from '../platform/db/dialect.js';
import { isValidIdNumber } from '../platform/cn/id-number.js';
import { generateCity, type GeneratedCity } from '../../bench/generate-city.js';

describe(`synthetic city for benchmarks (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let city: GeneratedCity;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    city = await generateCity(platform.ctx, { residents: 6_000, residentsPerCommunity: 2_000, communitiesPerStreet: 2 });
  }, 120_000);
  afterAll(async () => {
    await platform.close();
  });

  it('builds streets × communities × grids × buildings × units × dwellings with people', async () => {
    expect(city).toMatchObject({ streets: 2, communities: 3 });
    expect(city.residents).toBeGreaterThan(6_000 * 0.95);
    expect(city.residents).toBeLessThan(6_000 * 1.05);
    expect(city.residents / city.dwellings).toBeGreaterThan(2.3);
    expect(city.residents / city.dwellings).toBeLessThan(3.1);
    const db = platform.ctx.db.kysely;
    const kinds = await db.selectFrom('org_node').select(['kind', sql<number>`count(*)`.as('n')]).groupBy('kind').execute();
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toEqual({
      city: 1,
      street: 2,
      community: 3,
      grid: city.grids,
      building: city.buildings,
      unit: city.units,
      dwelling: city.dwellings,
    });
  });

  it('stores people under the city subtree with valid, encrypted numbers', async () => {
    const db = platform.ctx.db.kysely;
    const inCity = await db
      .selectFrom('person')
      .select(['id_number_enc', 'org_path'])
      .where('org_path', '>=', city.cityPath)
      .where('org_path', '<', prefixEnd(city.cityPath))
      .execute();
    expect(inCity).toHaveLength(city.residents);
    for (const p of inCity.slice(0, 500)) expect(isValidIdNumber(platform.ctx.pii.decrypt(p.id_number_enc!))).toBe(true);
  });
});
