import { sql } from 'kysely';
import type { PlatformContext } from '../src/platform/context.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import { buildCommunity, RESIDENTS_PER_DWELLING } from '../src/demo/community.js';
import { boundsAround } from '../src/demo/layout.js';
import { chineseNumber } from '../src/demo/names.js';
import { PeopleGenerator } from '../src/demo/people.js';
import { mulberry32, pick } from '../src/demo/random.js';

export interface GenerateCityOptions {
  /** How many people to generate (≈ RESIDENTS_PER_DWELLING per dwelling). */
  residents: number;
  /** People per community; Xishan-sized (~10,000) by default. */
  residentsPerCommunity?: number;
  communitiesPerStreet?: number;
  seed?: number;
  name?: string;
  log?: (msg: string) => void;
}

export interface GeneratedCity {
  cityId: string;
  cityPath: string;
  streets: number;
  communities: number;
  grids: number;
  buildings: number;
  units: number;
  dwellings: number;
  households: number;
  residents: number;
  ms: number;
}

const PLACE_WORDS = ['文昌', '锦绣', '阳光', '和平', '金都', '春晖', '银湖', '翠苑', '东方', '紫金', '新城', '嘉禾', '百合', '长安', '宁安', '盐官', '袁花', '丁桥', '周王庙', '斜桥', '许村', '长安', '马桥', '联合', '双山', '海昌', '钱塘', '南苑', '北苑', '桃园'];
const ESTATE_SUFFIXES = ['花园', '小区', '新村', '苑', '家园', '公寓'];
const ROAD_SUFFIXES = ['路', '街', '大道'];

/**
 * A synthetic city for benchmarks: streets × communities × grids × buildings × units ×
 * dwellings with households and people, drawn by the same generators as the demo community
 * (so numbers are valid, encrypted and blind-indexed exactly as real ones). Each community is
 * one transaction of multi-row inserts, so memory stays flat and SQLite writes at full speed.
 *
 *   const city = await generateCity(ctx, { residents: 1_000_000 });
 *   // → 100 communities of ~10,000 people in 10 streets, ~900 grids, ~370,000 dwellings
 */
export async function generateCity(ctx: PlatformContext, opts: GenerateCityOptions): Promise<GeneratedCity> {
  const started = performance.now();
  const rnd = mulberry32(opts.seed ?? 1_000_003);
  const log = opts.log ?? (() => {});
  const perCommunityTarget = opts.residentsPerCommunity ?? 10_000;
  const communities = Math.max(1, Math.round(opts.residents / perCommunityTarget));
  const perCommunity = opts.residents / communities;
  const perStreet = opts.communitiesPerStreet ?? 10;
  const streets = Math.ceil(communities / perStreet);
  // Grids of ~1,100 people in a square lattice; resident groups of ~200.
  const side = Math.max(1, Math.round(Math.sqrt(perCommunity / 1_100)));
  const gridsPer = side * side;
  const groupsPer = Math.max(gridsPer, Math.round(perCommunity / 200));
  const at = ctx.now().toISOString();
  // A big page cache while the blind indexes (random keys) grow; SQLite's default is 2 MB.
  if (ctx.db.dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(ctx.db.kysely);
  const cityCode = '330499';

  const city = newNodeRow(null, 'city', opts.name ?? '基准市', { code: cityCode, at });
  const streetRows = Array.from({ length: streets }, (_, s) =>
    newNodeRow(city, 'street', `${PLACE_WORDS[s % PLACE_WORDS.length]}${s >= PLACE_WORDS.length ? chineseNumber(Math.floor(s / PLACE_WORDS.length) + 1) : ''}街道`, {
      code: `${cityCode}${String(s + 1).padStart(3, '0')}`,
      sort: s + 1,
      at,
    }),
  );
  await ctx.db.kysely.transaction().execute((trx) => insertNodes(trx, [city, ...streetRows]));

  const people = new PeopleGenerator(rnd, '330481');
  const totals = { grids: 0, buildings: 0, units: 0, dwellings: 0, households: 0, residents: 0 };
  // Communities sit side by side on a square of ~2 km cells east of Haining.
  const across = Math.ceil(Math.sqrt(communities));
  const cellKm = 2 * Math.sqrt(perCommunity / 13_500);
  for (let c = 0; c < communities; c++) {
    const s = Math.floor(c / perStreet);
    const street = streetRows[s];
    const lon = 120.75 + (c % across) * (cellKm / 95.9);
    const lat = 30.45 + Math.floor(c / across) * (cellKm / 110.95);
    const place = PLACE_WORDS[c % PLACE_WORDS.length];
    const t = performance.now();
    const result = await ctx.db.kysely.transaction().execute((trx) =>
      buildCommunity(
        ctx,
        trx,
        rnd,
        people,
        {
          street,
          name: `${place}${chineseNumber((c % 99) + 1)}社区`,
          code: `${street.code}${String((c % perStreet) + 1).padStart(3, '0')}`,
          residents: perCommunity,
          grids: gridsPer,
          residentGroups: groupsPer,
          bounds: boundsAround(lon, lat, cellKm, cellKm),
          cols: side,
          rows: side,
          estates: Array.from({ length: gridsPer }, () => `${pick(rnd, PLACE_WORDS)}${pick(rnd, ESTATE_SUFFIXES)}`),
          roads: Array.from({ length: 4 }, () => `${pick(rnd, PLACE_WORDS)}${pick(rnd, ROAD_SUFFIXES)}`),
          householdPrefix: String(c % 1000).padStart(3, '0'),
          sort: c + 1,
        },
        { withRegistry: true, at },
      ),
    );
    totals.grids += result.grids.length;
    for (const k of ['buildings', 'units', 'dwellings', 'households', 'residents'] as const) totals[k] += result.counts[k];
    if ((c + 1) % 10 === 0 || c === communities - 1) {
      log(`  ${c + 1}/${communities} communities, ${totals.residents} residents (${Math.round(performance.now() - t)} ms for the last)`);
    }
  }
  await (await import('../src/modules/registry/search.index.js')).reindexAll(ctx);
  return { cityId: city.id, cityPath: city.path, streets, communities, ...totals, ms: Math.round(performance.now() - started) };
}

export { RESIDENTS_PER_DWELLING };
