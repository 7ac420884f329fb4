import type { PlatformContext } from '../../platform/context.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { createUser } from '../../platform/auth/users.service.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { Role } from '../../platform/policy/roles.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { insertPeople } from '../registry/registry.repository.js';
import { personRow } from '../registry/registry.service.js';
import type { RegistryFixture } from '../registry/registry.fixture.js';
import * as orgs from './organisations.service.js';

type Node = { id: string; path: string };

/**
 * Party data for tests on top of test/helpers/fixture.ts and the registry fixture: 西山社区党委
 * with 第一党支部 (and its 第一党小组) and 第二党支部, 东山社区党委 with one branch; members with
 * accounts — the two branch secretaries `sec1` and `sec2`, resident01 朱志强 and volunteer01 徐美玲
 * in 第一党支部, 王秀英 in 第二党支部, and 陈东 as 东山's secretary `dssec` — plus people in the
 * registry who are not members yet (吴晓东 for a transfer in, 钱国平 for the rolls), and `dsparty`,
 * the party secretary of 东山社区.
 */
export const PARTY_PEOPLE = {
  shen: { name: '沈建华', idNumber: composeIdNumber('330481', '19700315', 11), phone: '13905731111' },
  lu: { name: '陆美芳', idNumber: composeIdNumber('330481', '19750620', 22), phone: '13905732222' },
  qian: { name: '钱国平', idNumber: composeIdNumber('330481', '19620908', 33), phone: '13905733333' },
  wu: { name: '吴晓东', idNumber: composeIdNumber('330106', '19900112', 55), phone: '13905735555' },
  yao: { name: '姚丽', idNumber: composeIdNumber('330481', '19880808', 44), phone: '13905734444' },
} as const;

export interface PartyFixture {
  people: Record<keyof typeof PARTY_PEOPLE, string>;
  users: Record<'sec1' | 'sec2' | 'dssec' | 'dsparty', string>;
  orgs: Record<'committee' | 'branch1' | 'group1' | 'branch2' | 'dsCommittee' | 'dsBranch', string>;
  members: Record<'shen' | 'lu' | 'zhu' | 'xu' | 'wang' | 'chen', string>;
}

export async function seedPartyFixture(
  ctx: PlatformContext,
  fx: { nodes: { xishan: Node; dongshan: Node; grid01: Node; grid02: Node; dwelling02: Node }; users: Record<string, string> },
  reg: RegistryFixture,
): Promise<PartyFixture> {
  const db = ctx.db.kysely;
  const at = ctx.now().toISOString();
  const P = PARTY_PEOPLE;
  const rows = {
    shen: personRow(ctx, { name: P.shen.name, idNumber: P.shen.idNumber, phone: P.shen.phone, ethnicity: '汉族', residenceType: '户籍人口', dwellingId: fx.nodes.dwelling02.id, orgPath: fx.nodes.dwelling02.path }, at),
    lu: personRow(ctx, { name: P.lu.name, idNumber: P.lu.idNumber, phone: P.lu.phone, ethnicity: '汉族', residenceType: '户籍人口', orgPath: fx.nodes.grid02.path }, at),
    qian: personRow(ctx, { name: P.qian.name, idNumber: P.qian.idNumber, phone: P.qian.phone, ethnicity: '汉族', residenceType: '户籍人口', orgPath: fx.nodes.grid01.path }, at),
    wu: personRow(ctx, { name: P.wu.name, idNumber: P.wu.idNumber, phone: P.wu.phone, ethnicity: '汉族', residenceType: '流动人口', orgPath: fx.nodes.grid02.path }, at),
    yao: personRow(ctx, { name: P.yao.name, idNumber: P.yao.idNumber, phone: P.yao.phone, ethnicity: '汉族', residenceType: '户籍人口', dwellingId: reg.nodes.dongshanDwelling.id, orgPath: reg.nodes.dongshanDwelling.path }, at),
  };
  await insertPeople(db, Object.values(rows));
  const people = Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.id])) as PartyFixture['people'];

  const account = (username: string, displayName: string, role: Role, node: Node, personId: string | null) =>
    createUser(ctx, { username, displayName, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, personId, grants: [{ role, orgNodeId: node.id }] });
  const users = {
    sec1: await account('sec1', '第一党支部书记 沈建华', 'resident', fx.nodes.grid01, people.shen),
    sec2: await account('sec2', '第二党支部书记 陆美芳', 'resident', fx.nodes.grid02, people.lu),
    dssec: await account('dssec', '东山社区党支部书记 陈东', 'resident', fx.nodes.dongshan, reg.people.chen),
    dsparty: await account('dsparty', '东山社区党委书记 姚红', 'party_secretary', fx.nodes.dongshan, null),
  };
  await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
  await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();

  const meta = { ip: '127.0.0.1', requestId: 'fixture' };
  const party = (await loadActor(db, fx.users.party!))!;
  const dsParty = (await loadActor(db, users.dsparty))!;
  const committee = await orgs.createOrg(ctx, party, { kind: 'committee', name: '西山社区党委', orgNodeId: fx.nodes.xishan.id, establishedOn: '2003-07-01' }, meta);
  const branch1 = await orgs.createOrg(ctx, party, { parentId: committee.id, kind: 'branch', name: '第一党支部', establishedOn: '2003-07-01', sort: 1 }, meta);
  const group1 = await orgs.createOrg(ctx, party, { parentId: branch1.id, kind: 'group', name: '第一党小组', establishedOn: '2003-07-01' }, meta);
  const branch2 = await orgs.createOrg(ctx, party, { parentId: committee.id, kind: 'branch', name: '第二党支部', establishedOn: '2003-07-01', sort: 2 }, meta);
  const dsCommittee = await orgs.createOrg(ctx, dsParty, { kind: 'committee', name: '东山社区党委', orgNodeId: fx.nodes.dongshan.id, establishedOn: '2005-07-01' }, meta);
  const dsBranch = await orgs.createOrg(ctx, dsParty, { parentId: dsCommittee.id, kind: 'branch', name: '东山社区第一党支部', establishedOn: '2005-07-01' }, meta);

  const add = async (actor: typeof party, personId: string, orgId: string, extra: { groupId?: string; posts?: { orgId: string; post: '书记' | '组织委员' | '党小组组长' }[]; category?: 'full' | 'probationary' } = {}) =>
    (
      await orgs.addMember(
        ctx,
        actor,
        { personId, orgId, groupId: extra.groupId, category: extra.category ?? 'full', joinedOn: '1998-07-01', confirmedOn: extra.category === 'probationary' ? undefined : '1999-07-01', posts: extra.posts ?? [] },
        meta,
      )
    ).id;
  const members = {
    shen: await add(party, people.shen, branch1.id, { posts: [{ orgId: branch1.id, post: '书记' }] }),
    lu: await add(party, people.lu, branch2.id, { posts: [{ orgId: branch2.id, post: '书记' }] }),
    zhu: await add(party, reg.people.zhu, branch1.id, { groupId: group1.id, posts: [{ orgId: group1.id, post: '党小组组长' }] }),
    xu: await add(party, reg.people.xu, branch1.id, { groupId: group1.id, posts: [{ orgId: branch1.id, post: '组织委员' }] }),
    wang: await add(party, reg.people.wang, branch2.id),
    chen: await add(dsParty, reg.people.chen, dsBranch.id, { posts: [{ orgId: dsBranch.id, post: '书记' }] }),
  };
  return {
    people,
    users,
    orgs: { committee: committee.id, branch1: branch1.id, group1: group1.id, branch2: branch2.id, dsCommittee: dsCommittee.id, dsBranch: dsBranch.id },
    members,
  };
}
