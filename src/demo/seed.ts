import type { PlatformContext } from '../platform/context.js';
import type { LinliModule } from '../platform/module.js';
import { appendAudit } from '../platform/audit/audit.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { createUser } from '../platform/auth/users.service.js';
import { insertNodes } from '../platform/org/org.repository.js';
import { newNodeRow } from '../platform/org/org.service.js';
import type { OrgNodeTable } from '../platform/platform.table.js';
import { DEMO_ACCOUNTS, DEMO_DEPARTMENTS, DEMO_PASSWORD, type DemoNodeKey } from './accounts.js';
import { buildCommunity, type BuildHooks } from './community.js';
import { PeopleGenerator, REFERENCE_DATE, type GeneratedPerson } from './people.js';
import { type Bounds, type Polygon, type Position } from './layout.js';
import { dongshanPlan, xishanPlan } from './plans.js';
import { mulberry32, seedFrom } from './random.js';

/** The one seed of the demo community: change it and every name and number changes. */
export const DEMO_SEED = 20_261_126;

/**
 * The people behind the demo accounts that are residents too. They live in 西山社区第一网格;
 * the seed renames a fitting generated person (right gender and age) rather than adding one,
 * so the household around them stays plausible.
 */
const DEMO_PEOPLE: Record<string, { surname: string; givenName: string; gender: '男' | '女'; age: [number, number]; minHousehold: number }> = {
  resident01: { surname: '朱', givenName: '志强', gender: '男', age: [35, 55], minHousehold: 3 },
  volunteer01: { surname: '徐', givenName: '美玲', gender: '女', age: [48, 66], minHousehold: 1 },
};

/** The smallest box holding every one of `boxes`. */
function unionBounds(boxes: Bounds[]): Bounds {
  return {
    west: Math.min(...boxes.map((b) => b.west)),
    south: Math.min(...boxes.map((b) => b.south)),
    east: Math.max(...boxes.map((b) => b.east)),
    north: Math.max(...boxes.map((b) => b.north)),
  };
}

function grow(b: Bounds, dLon: number, dLat: number): Bounds {
  return { west: b.west - dLon, south: b.south - dLat, east: b.east + dLon, north: b.north + dLat };
}

/**
 * A box with its corners cut (an octagon), so an area looks drawn rather than ruled. `cut` is
 * the share of the shorter side taken off each corner; keep it within the margin added around
 * what the shape must cover. Counter-clockwise, closed (RFC 7946).
 */
function chamferedBox(b: Bounds, cut: number): Polygon {
  const c = Math.min(b.east - b.west, b.north - b.south) * cut;
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  const ring: Position[] = [
    [b.west + c, b.south],
    [b.east - c, b.south],
    [b.east, b.south + c],
    [b.east, b.north - c],
    [b.east - c, b.north],
    [b.west + c, b.north],
    [b.west, b.north - c],
    [b.west, b.south + c],
  ].map(([x, y]) => [r(x!), r(y!)] as Position);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

const ageAtReference = (p: GeneratedPerson) => Number(REFERENCE_DATE.slice(0, 4)) - Number(p.birthDate.slice(0, 4));

/**
 * Seeds the demo community on an empty database (no org nodes) and returns true; otherwise
 * returns false and touches nothing. Deterministic: a fixed-seed PRNG draws the same tree,
 * people and numbers every time (only generated ids differ). The core (tree, people,
 * departments, accounts) is one transaction; then each module's `seedDemo` runs in manifest
 * order with a PRNG of its own.
 */
export async function seedDemoIfEmpty(ctx: PlatformContext, modules: LinliModule[], log: (m: string) => void): Promise<boolean> {
  const any = await ctx.db.kysely.selectFrom('org_node').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const started = performance.now();
  const rnd = mulberry32(DEMO_SEED);
  const withRegistry = modules.some((m) => m.name === 'registry');
  // argon2 is deliberately slow: hash the one demo password once for every account.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const at = ctx.now().toISOString();

  const demoPeople = new Map<string, GeneratedPerson>();
  const hooks: BuildHooks = {
    onHousehold(household, { gridIndex }) {
      if (gridIndex !== 0 || household.kind !== 'owner') return;
      for (const [username, want] of Object.entries(DEMO_PEOPLE)) {
        if (demoPeople.has(username) || household.members.length < want.minHousehold) continue;
        if ([...demoPeople.values()].some((p) => household.members.includes(p))) continue;
        const person = household.members.find((m) => m.gender === want.gender && ageAtReference(m) >= want.age[0] && ageAtReference(m) <= want.age[1]);
        if (!person) continue;
        // Whoever shares the person's family name in the household keeps sharing it.
        const old = person.surname;
        for (const m of household.members) if (m.surname === old) m.surname = want.surname;
        person.givenName = want.givenName;
        demoPeople.set(username, person);
        return;
      }
    },
  };

  const result = await ctx.db.kysely.transaction().execute(async (trx) => {
    const city = newNodeRow(null, 'city', '海宁市', { code: '330481', at });
    const street = newNodeRow(city, 'street', '硖石街道', { code: '330481001', sort: 1, at });
    const plans = { xishan: xishanPlan(street), dongshan: dongshanPlan(street) };
    // Outlines for the cockpit's city and street maps: drawn from the plans, no random draws.
    const streetBounds = grow(unionBounds([plans.xishan.bounds, plans.dongshan.bounds]), 0.0035, 0.003);
    street.geometry = JSON.stringify(chamferedBox(streetBounds, 0.2));
    city.geometry = JSON.stringify(chamferedBox(grow(streetBounds, 0.03, 0.025), 0.35));
    await insertNodes(trx, [city, street]);
    for (const d of DEMO_DEPARTMENTS) {
      await trx.insertInto('department').values({ code: d.code, name: d.name, mandate: JSON.stringify(d.mandate) }).execute();
    }
    const people = new PeopleGenerator(rnd, '330481');
    const xishan = await buildCommunity(ctx, trx, rnd, people, plans.xishan, { withRegistry, at, hooks });
    const dongshan = await buildCommunity(ctx, trx, rnd, people, plans.dongshan, { withRegistry, at });
    const nodes: Record<DemoNodeKey, OrgNodeTable> = {
      city,
      street,
      xishan: xishan.community,
      dongshan: dongshan.community,
      grid01: xishan.grids[0],
      grid02: xishan.grids[1],
    };
    for (const a of DEMO_ACCOUNTS) {
      const person = demoPeople.get(a.username);
      await createUser(
        ctx,
        {
          username: a.username,
          displayName: a.displayName,
          password: DEMO_PASSWORD,
          mustChangePassword: false,
          isDemo: true,
          personId: withRegistry && person ? xishan.personIds.get(person) ?? null : null,
          grants: [{ role: a.role, orgNodeId: nodes[a.node].id, departmentCode: a.departmentCode }],
        },
        trx,
        passwordHash,
      );
    }
    const counts = {
      xishan: xishan.counts,
      dongshan: dongshan.counts,
      accounts: DEMO_ACCOUNTS.length,
    };
    await appendAudit(ctx.db, { action: 'demo.seed', targetType: 'org_node', targetId: city.id, orgNodeId: city.id, details: counts }, trx);
    return counts;
  });
  const coreMs = Math.round(performance.now() - started);
  log(
    `演示社区已生成 / demo community seeded: 西山社区 ${result.xishan.residents} 人, ${result.xishan.households} 户, ${result.xishan.dwellings} 套房屋, 12 个网格; 东山社区 ${result.dongshan.residents} 人 (${coreMs} ms)`,
  );

  // The rest of each person's record (政治面貌, 学历 …) and the grid's organisations, before module
  // seeds derive tags from them.
  if (withRegistry) await (await import('./registry-extras.js')).seedRegistryExtras(ctx, log);
  for (const m of modules) {
    if (!m.seedDemo) continue;
    const t = performance.now();
    await m.seedDemo({ ctx, random: mulberry32(seedFrom(m.name) ^ DEMO_SEED), log });
    log(`  ${m.name}: demo data seeded (${Math.round(performance.now() - t)} ms)`);
  }
  if (withRegistry) await (await import('../modules/registry/search.index.js')).reindexAll(ctx);
  return true;
}
