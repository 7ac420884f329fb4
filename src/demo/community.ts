import { composeGridCode } from '../platform/cn/grid-code.js';
import type { PlatformContext } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { OrgNodeTable } from '../platform/platform.table.js';
import { newId } from '../platform/ids.js';
import { newNodeRow } from '../platform/org/org.service.js';
import { insertNodes } from '../platform/org/org.repository.js';
import type { BuildingInfoTable, DwellingInfoTable, DwellingUse, HouseholdTable, PersonTable } from '../modules/registry/registry.table.js';
import { insertBuildingInfo, insertDwellingInfo, insertHouseholds, insertPeople } from '../modules/registry/registry.repository.js';
import { personRow } from '../modules/registry/registry.service.js';
import { Lattice, type Bounds } from './layout.js';
import { chineseNumber } from './names.js';
import { fullName, PeopleGenerator, type GeneratedHousehold, type GeneratedPerson } from './people.js';
import { chance, intBetween, pick, type Random } from './random.js';

type NodeRow = OrgNodeTable;

/** What a community looks like before it is drawn. */
export interface CommunityPlan {
  /** The street (街道) node it belongs to. */
  street: NodeRow;
  name: string;
  /** 12 digits: county (6) + street (3) + community (3), as in the statistical division codes. */
  code: string;
  residents: number;
  grids: number;
  /** 居民小组, numbered 1…n across the community; each grid holds a run of them. */
  residentGroups: number;
  bounds: Bounds;
  cols: number;
  rows: number;
  /** Housing estates (小区) whose blocks are named 「{estate}{n}幢」, one per grid in turn. */
  estates: readonly string[];
  /** Roads whose street-front blocks are named 「{road}{n}号」 (shops on the ground floor). */
  roads: readonly string[];
  /** Three digits that start each household number (户号) of the community. */
  householdPrefix: string;
  sort?: number;
}

export interface BuildHooks {
  /** Called for each household before it is stored, e.g. to give the demo accounts' people their names. */
  onHousehold?: (household: GeneratedHousehold, where: { gridIndex: number; grid: NodeRow }) => void;
}

export interface CommunityResult {
  community: NodeRow;
  grids: NodeRow[];
  /** Person ids by generated person, for hooks that kept a reference. */
  personIds: Map<GeneratedPerson, string>;
  counts: { buildings: number; units: number; dwellings: number; households: number; residents: number };
}

/** Residents per dwelling, counting empty flats and shops: Xishan's 13,481 people in about 5,000 dwellings. */
export const RESIDENTS_PER_DWELLING = 2.7;

/**
 * The CJ/T 348 object code the demo puts in front of its grid codes. The standard's own code for
 * a community grid is not available here, so a main-class placeholder (ending in 00) stands in;
 * a deployment uses its own.
 */
export const DEMO_GRID_OBJECT_CODE = '110000';

/** Grid codes after CJ/T 349: object code (6) + community code (12: region, street, community) + grid sequence (2). */
export function gridCode(communityCode: string, seq: number): string {
  return composeGridCode(DEMO_GRID_OBJECT_CODE, communityCode, seq);
}

interface BlockType {
  kind: 'estate' | 'road';
  floors: [number, number];
  units: [number, number];
  perFloor: number;
  area: [number, number];
}
/** Six-storey walk-ups of the 1990s dominate old communities like Xishan; some newer 11-storey blocks; street-front blocks with shops below. */
const BLOCKS: [BlockType, number][] = [
  [{ kind: 'estate', floors: [5, 6], units: [2, 4], perFloor: 2, area: [48, 96] }, 70],
  [{ kind: 'estate', floors: [11, 11], units: [1, 2], perFloor: 2, area: [78, 136] }, 15],
  [{ kind: 'road', floors: [4, 6], units: [1, 2], perFloor: 2, area: [52, 110] }, 15],
];

function pickBlock(rnd: Random): BlockType {
  const total = BLOCKS.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * total;
  for (const [b, w] of BLOCKS) if ((x -= w) < 0) return b;
  return BLOCKS[0][0];
}

/**
 * Generates one community (grids with boundaries, buildings with points, units, dwellings, households
 * and people) and writes it grid by grid in multi-row inserts, so memory stays small at any size.
 * `withRegistry: false` writes the tree only (when the registry module is not loaded).
 */
export async function buildCommunity(
  ctx: PlatformContext,
  db: Executor,
  rnd: Random,
  people: PeopleGenerator,
  plan: CommunityPlan,
  opts: { withRegistry: boolean; at: string; hooks?: BuildHooks },
): Promise<CommunityResult> {
  const at = opts.at;
  const lattice = new Lattice(rnd, plan.bounds, plan.cols, plan.rows);
  const community = newNodeRow(plan.street, 'community', plan.name, { code: plan.code, geometry: JSON.stringify(lattice.outline()), sort: plan.sort ?? 0, at });
  const grids = Array.from({ length: plan.grids }, (_, g) =>
    newNodeRow(community, 'grid', `${plan.name}第${chineseNumber(g + 1)}网格`, { code: gridCode(plan.code, g + 1), geometry: JSON.stringify(lattice.cellPolygon(g)), sort: g + 1, at }),
  );
  await insertNodes(db, [community, ...grids]);

  const counts = { buildings: 0, units: 0, dwellings: 0, households: 0, residents: 0 };
  const personIds = new Map<GeneratedPerson, string>();
  const perGroup = plan.residents / plan.residentGroups;
  const roadNumbers = new Map<string, number>();
  let householdSeq = 0;

  for (let g = 0; g < plan.grids; g++) {
    const grid = grids[g];
    const estate = plan.estates[g % plan.estates.length];
    const nodes: NodeRow[] = [];
    const buildingInfo: BuildingInfoTable[] = [];
    const dwellingInfo: DwellingInfoTable[] = [];
    const households: HouseholdTable[] = [];
    const persons: PersonTable[] = [];
    let blockNo = 0;
    const firstGroup = Math.floor((g * plan.residentGroups) / plan.grids);
    const endGroup = Math.floor(((g + 1) * plan.residentGroups) / plan.grids);

    for (let group = firstGroup; group < endGroup; group++) {
      let groupResidents = 0;
      while (groupResidents < perGroup) {
        const type = pickBlock(rnd);
        let units = intBetween(rnd, type.units[0], type.units[1]);
        let floors = intBetween(rnd, type.floors[0], type.floors[1]);
        // Trim the group's last block to what the group still needs (the rest of it stays empty).
        const needed = Math.ceil((perGroup - groupResidents) / RESIDENTS_PER_DWELLING);
        if (floors * units * type.perFloor > needed * 1.25) {
          units = Math.max(1, Math.min(units, Math.ceil(needed / (floors * type.perFloor))));
          floors = Math.max(2, Math.min(floors, Math.ceil(needed / (units * type.perFloor))));
        }
        let name: string;
        if (type.kind === 'road') {
          const road = pick(rnd, plan.roads);
          const no = (roadNumbers.get(road) ?? -1) + 2 * intBetween(rnd, 1, 3);
          roadNumbers.set(road, no);
          name = `${road}${no}号`;
        } else {
          name = `${estate}${++blockNo}幢`;
        }
        const building = newNodeRow(grid, 'building', name, { geometry: JSON.stringify(lattice.pointIn(rnd, g)), sort: nodes.length, at });
        nodes.push(building);
        buildingInfo.push({ org_node_id: building.id, resident_group: group + 1, floors });
        counts.buildings++;
        for (let u = 1; u <= units; u++) {
          const unit = newNodeRow(building, 'unit', `${u}单元`, { sort: u, at });
          nodes.push(unit);
          counts.units++;
          for (let floor = 1; floor <= floors; floor++) {
            for (let pos = 1; pos <= type.perFloor; pos++) {
              const dwelling = newNodeRow(unit, 'dwelling', `${floor}${String(pos).padStart(2, '0')}室`, { sort: floor * 100 + pos, at });
              nodes.push(dwelling);
              counts.dwellings++;
              const shop = type.kind === 'road' && floor === 1 && chance(rnd, 0.5);
              const full = groupResidents >= perGroup;
              const use: DwellingUse = shop ? '商用' : full || chance(rnd, 0.02) ? '空置' : chance(rnd, 0.13) ? '出租' : '自住';
              const area = use === '商用' ? intBetween(rnd, 3000, 15000) / 100 : intBetween(rnd, type.area[0] * 100, type.area[1] * 100) / 100;
              dwellingInfo.push({ org_node_id: dwelling.id, area_m2: area, use, rental_start: null, rental_end: null, rental_note: null, updated_at: null });
              if (use === '商用' || use === '空置') continue;
              const household = people.household(use === '自住' ? 'owner' : 'tenant');
              opts.hooks?.onHousehold?.(household, { gridIndex: g, grid });
              const householdId = newId();
              const rows = household.members.map((m) => {
                const row = personRow(
                  ctx,
                  {
                    name: fullName(m),
                    idType: m.idType,
                    idNumber: m.idNumber,
                    phone: m.phone,
                    ethnicity: m.ethnicity,
                    residenceType: m.residenceType,
                    householdId,
                    dwellingId: dwelling.id,
                    orgPath: dwelling.path,
                  },
                  at,
                );
                personIds.set(m, row.id);
                return row;
              });
              households.push({
                id: householdId,
                number: plan.householdPrefix + String(++householdSeq).padStart(6, '0'),
                head_person_id: rows[0].id,
                dwelling_id: dwelling.id,
                org_path: dwelling.path,
                created_at: at,
              });
              persons.push(...rows);
              groupResidents += rows.length;
              counts.households++;
              counts.residents += rows.length;
            }
          }
        }
      }
    }
    await insertNodes(db, nodes);
    if (opts.withRegistry) {
      await insertBuildingInfo(db, buildingInfo);
      await insertDwellingInfo(db, dwellingInfo);
      await insertHouseholds(db, households);
      await insertPeople(db, persons);
    }
  }
  return { community, grids, personIds, counts };
}
