import type { OrgNodeTable } from '../platform/platform.table.js';
import type { CommunityPlan } from './community.js';
import { boundsAround } from './layout.js';

/** Xishan, Haining: roughly where the community lies on the map. */
export const XISHAN_CENTRE = { lon: 120.688, lat: 30.512 };

/**
 * 西山社区 as the seed paper describes it: 13,481 residents in 67 resident groups. Twelve grids
 * of about 1,100 people tile a 2 km × 2 km box, four across and three down.
 */
export function xishanPlan(street: OrgNodeTable): CommunityPlan {
  return {
    street,
    name: '西山社区',
    code: '330481001003',
    residents: 13_481,
    grids: 12,
    residentGroups: 67,
    bounds: boundsAround(XISHAN_CENTRE.lon, XISHAN_CENTRE.lat, 2, 2),
    cols: 4,
    rows: 3,
    estates: ['西山新村', '紫微苑', '西山花园', '文苑小区', '洛隆新村', '水月亭小区', '工人新村', '新民小区', '硖川新村', '西南河小区', '南关厢小区', '塘桥新村'],
    roads: ['西山路', '水月亭西路', '文苑路', '工人路', '海昌南路', '西南河街', '新民路', '洛隆路'],
    householdPrefix: '003',
    sort: 3,
  };
}

/** 东山社区: a small neighbour east of Xishan, there to prove that one community cannot see another. */
export function dongshanPlan(street: OrgNodeTable): CommunityPlan {
  return {
    street,
    name: '东山社区',
    code: '330481001004',
    residents: 300,
    grids: 1,
    residentGroups: 2,
    bounds: boundsAround(XISHAN_CENTRE.lon + 0.0142, XISHAN_CENTRE.lat, 0.6, 0.6),
    cols: 1,
    rows: 1,
    estates: ['东山小区'],
    roads: ['东山路'],
    householdPrefix: '004',
    sort: 4,
  };
}
