import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { AVAILABILITY, COMMON_SKILLS } from './volunteers.schema.js';
import * as volunteers from './volunteers.service.js';

/**
 * The demo's volunteers of 西山社区: volunteer01 (徐美玲) registered online, about thirty
 * residents registered at the desk, three young volunteers from outside the registry (recruited
 * through the shop), and four teams — 西山社区志愿服务队, 食品安全义务网络监督团, 水环境义务网络监督团
 * and 银龄互助队 (led by 徐美玲) — with two observations of the food-safety team, one already a
 * grid event.
 */

const DAY = 86_400_000;
export const DEMO_TEAMS = {
  service: '西山社区志愿服务队',
  food: '食品安全义务网络监督团',
  water: '水环境义务网络监督团',
  elders: '银龄互助队',
} as const;

const YOUNG = [
  { name: '沈佳怡', birth: '2001-05-12', seq: 24, phone: '13857321406', skills: ['摄影', '电脑'] },
  { name: '陆子涵', birth: '1999-09-03', seq: 17, phone: '15968304127', skills: ['外语', '教学辅导'] },
  { name: '顾晨阳', birth: '2003-01-26', seq: 31, phone: '18768215390', skills: ['驾驶', '急救'] },
];

export async function seedVolunteersDemo(seed: DemoSeedContext) {
  const { ctx, random } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const at = (daysAgo: number): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY) });
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const xishan = refs.node('xishan');
  const pick = <T>(list: readonly T[], n: number) => {
    const pool = [...list];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    return out;
  };

  // volunteer01 registers herself online (her account is linked to her registry record).
  const v01 = await loadActor(db, refs.user('volunteer01').id);
  if (!v01?.personId) return;
  const xu = await volunteers.registerSelf(at(150), v01, { skills: ['急救', '心理疏导', '文艺表演'], availability: ['工作日白天', '周末'], intro: '退休护士，喜欢和老人聊天。', consent: true, consentVersion: volunteers.CONSENT_VERSION }, meta);

  // Residents registered at the desk: working-age and retired people of several grids.
  const skip = new Set([refs.user('volunteer01').personId, refs.user('resident01').personId]);
  const people = [
    ...(await refs.people(refs.grid(1), { minAge: 22, maxAge: 70, limit: 40 })),
    ...(await refs.people(refs.grid(3), { minAge: 22, maxAge: 70, limit: 30 })),
    ...(await refs.people(refs.grid(6), { minAge: 22, maxAge: 70, limit: 30 })),
  ].filter((p) => !skip.has(p.id));
  const chosen = pick(people, 26);
  const elders = pick((await refs.people(refs.grid(2), { minAge: 60, maxAge: 75, limit: 40 })).filter((p) => !skip.has(p.id)), 6);
  const registered: { id: string; name: string }[] = [];
  for (const [i, p] of [...chosen, ...elders].entries()) {
    const v = await volunteers.registerByStaff(
      at(140 - i * 3),
      staff,
      {
        orgNodeId: xishan.id,
        personId: p.id,
        skills: pick(COMMON_SKILLS, 1 + Math.floor(random() * 2)),
        availability: pick(AVAILABILITY, 1 + Math.floor(random() * 2)),
        consentOnPaper: true,
      },
      meta,
    );
    registered.push({ id: v.id, name: v.name });
  }
  const young: { id: string }[] = [];
  for (const [i, y] of YOUNG.entries()) {
    young.push(
      await volunteers.registerByStaff(
        at(60 - i * 7),
        staff,
        { orgNodeId: xishan.id, identity: { name: y.name, idType: '居民身份证', idNumber: composeIdNumber('330481', y.birth, y.seq), phone: y.phone }, skills: y.skills, availability: ['周末', '节假日'], consentOnPaper: true },
        meta,
      ),
    );
  }

  // Teams and their leaders.
  const team = async (name: string, kind: 'service' | 'supervision', description: string, daysAgo: number) =>
    (await volunteers.createTeam(at(daysAgo), staff, { orgNodeId: xishan.id, name, kind, description }, meta)).id;
  const service = await team(DEMO_TEAMS.service, 'service', '社区党委领导的综合志愿服务队，承担文明劝导、垃圾分类督导、社区活动保障。', 145);
  const food = await team(DEMO_TEAMS.food, 'supervision', '对辖区餐饮店、菜场、学校周边小摊的食品安全进行义务监督，发现问题通过平台上报。', 130);
  const water = await team(DEMO_TEAMS.water, 'supervision', '巡查鹃湖、洛塘河西山段水环境，记录排污、垃圾和水体异常。', 120);
  const elderTeam = await team(DEMO_TEAMS.elders, 'service', '低龄老人服务高龄老人：上门陪伴、理发、读报、代购。', 110);
  const member = (teamId: string, volunteerId: string, role: 'leader' | 'member', daysAgo: number) => volunteers.setMember(at(daysAgo), staff, teamId, { volunteerId, role }, meta);

  await member(service, registered[0]!.id, 'leader', 140);
  for (const v of [xu, ...registered.slice(1, 14), ...young]) await member(service, v.id, 'member', 100);
  await member(food, registered[14]!.id, 'leader', 125);
  for (const v of [xu, ...registered.slice(15, 19), young[0]!]) await member(food, v.id, 'member', 90);
  await member(water, young[1]!.id, 'leader', 55);
  for (const v of [...registered.slice(19, 23), young[2]!]) await member(water, v.id, 'member', 50);
  await member(elderTeam, xu.id, 'leader', 105);
  for (const v of registered.slice(26)) await member(elderTeam, v.id, 'member', 100);

  // Two observations of the food-safety team by 徐美玲; staff turn the first into a grid event.
  const first = await volunteers.fileObservation(
    at(9),
    v01,
    { teamId: food, title: '学校门口流动摊贩无证售卖', description: '硖石小学东门放学时段有三处流动摊贩售卖炸串和散装饮料，无健康证、无遮挡，油烟和垃圾较多，学生排队购买。', address: '硖石小学东门', attachmentIds: [] },
    meta,
  );
  await volunteers.forwardObservation(at(8.9), staff, first.id, { categoryCode: '0103', orgNodeId: refs.grid(3).id }, meta);
  await volunteers.fileObservation(
    at(2),
    v01,
    { teamId: food, title: '农贸市场冷柜温度偏高', description: '西山农贸市场北区两家冷冻品摊位冷柜温度计显示零下8度左右，摊主说夜里会断电，建议市场监管所抽查。', address: '西山农贸市场北区', attachmentIds: [] },
    meta,
  );
  seed.log(`volunteers: ${registered.length + young.length + 1} volunteers, 4 teams, 2 observations`);
}
