import type { PlatformContext } from '../../platform/context.js';
import { newNodeRow } from '../../platform/org/org.service.js';
import { insertNodes } from '../../platform/org/org.repository.js';
import { newId } from '../../platform/ids.js';
import { insertDwellingInfo, insertHouseholds, insertPeople } from './registry.repository.js';
import { personRow, type NewPerson } from './registry.service.js';

type Node = { id: string; path: string };

const withDepth = (n: Node) => ({ ...n, depth: n.path.split('/').filter(Boolean).length - 1 });

/**
 * People for registry tests on top of test/helpers/fixture.ts's small tree: a family in
 * grid01, one person in grid02, one in 东山社区. The numbers are the hand-checked ones of
 * src/platform/cn/id-number.test.ts.
 */
export const REGISTRY_PEOPLE = {
  zhu: { name: '朱志强', idNumber: '33048119800101001X', phone: '13812345678' },
  xu: { name: '徐美玲', idNumber: '330481198001010028', phone: '13987654321' },
  child: { name: '朱浩然', idNumber: null, phone: null },
  wang: { name: '王秀英', idNumber: '11010519491231002X', phone: '15900001111' },
  chen: { name: '陈东', idNumber: '810000199006150037', phone: '18600002222' },
} as const;

export interface RegistryFixture {
  people: Record<keyof typeof REGISTRY_PEOPLE, string>;
  nodes: { dwelling03: Node; dongshanGrid: Node; dongshanDwelling: Node };
  householdId: string;
}

export async function seedRegistryFixture(
  ctx: PlatformContext,
  nodes: { grid02: Node; dongshan: Node; building02: Node; dwelling01: Node },
): Promise<RegistryFixture> {
  const at = ctx.now().toISOString();
  const unit02 = newNodeRow(withDepth(nodes.building02), 'unit', '2单元', { at });
  const dwelling03 = newNodeRow(unit02, 'dwelling', '301室', { at });
  const dongshanGrid = newNodeRow(withDepth(nodes.dongshan), 'grid', '东山社区第一网格', { code: '11000033048100100401', at });
  const dsBuilding = newNodeRow(dongshanGrid, 'building', '东山路2号', { at });
  const dsUnit = newNodeRow(dsBuilding, 'unit', '1单元', { at });
  const dongshanDwelling = newNodeRow(dsUnit, 'dwelling', '201室', { at });
  await insertNodes(ctx.db.kysely, [unit02, dwelling03, dongshanGrid, dsBuilding, dsUnit, dongshanDwelling]);
  await insertDwellingInfo(ctx.db.kysely, [{ org_node_id: nodes.dwelling01.id, area_m2: 86.5, use: '自住', rental_start: null, rental_end: null, rental_note: null, updated_at: null }]);

  const householdId = newId();
  const P = REGISTRY_PEOPLE;
  const inputs: Record<keyof typeof P, NewPerson> = {
    zhu: { name: P.zhu.name, idNumber: P.zhu.idNumber, phone: P.zhu.phone, ethnicity: '汉族', residenceType: '户籍人口', householdId, dwellingId: nodes.dwelling01.id, orgPath: nodes.dwelling01.path },
    xu: { name: P.xu.name, idNumber: P.xu.idNumber, phone: P.xu.phone, ethnicity: '汉族', residenceType: '户籍人口', householdId, dwellingId: nodes.dwelling01.id, orgPath: nodes.dwelling01.path },
    child: { name: P.child.name, gender: '男', birthDate: '2016-03-08', ethnicity: '汉族', residenceType: '户籍人口', householdId, dwellingId: nodes.dwelling01.id, orgPath: nodes.dwelling01.path },
    wang: { name: P.wang.name, idNumber: P.wang.idNumber, phone: P.wang.phone, ethnicity: '汉族', residenceType: '流动人口', dwellingId: dwelling03.id, orgPath: dwelling03.path },
    chen: { name: P.chen.name, idType: '港澳台居民居住证', idNumber: P.chen.idNumber, phone: P.chen.phone, residenceType: '境外人员', dwellingId: dongshanDwelling.id, orgPath: dongshanDwelling.path },
  };
  const rows = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, personRow(ctx, v, at)])) as Record<keyof typeof P, ReturnType<typeof personRow>>;
  await insertHouseholds(ctx.db.kysely, [{ id: householdId, number: '003000001', head_person_id: rows.zhu.id, dwelling_id: nodes.dwelling01.id, org_path: nodes.dwelling01.path, created_at: at }]);
  await insertPeople(ctx.db.kysely, Object.values(rows));
  return {
    people: Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.id])) as RegistryFixture['people'],
    nodes: { dwelling03, dongshanGrid, dongshanDwelling },
    householdId,
  };
}
