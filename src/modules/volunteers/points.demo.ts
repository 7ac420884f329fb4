import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import * as points from './points.service.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * The demo's points rules (before the hours seed, so its check-outs earn points): 西山社区 gives
 * 10 points an hour of service (at most 60 for one service, 400 a month) and 20 per verified good
 * deed (at most 200 a month); 硖石街道 has its own hours rule (8 an hour) that 西山's overrides.
 * Then a few good deeds: 徐美玲 and three other volunteers, and resident 朱志强 (not a volunteer).
 */

const DAY = 86_400_000;

export async function seedPointsDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const at = (daysAgo: number): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY) });
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const street = (await loadActor(db, refs.user('street').id))!;
  const day = (daysAgo: number) => new Date(anchor + 8 * 3_600_000 - daysAgo * DAY).toISOString().slice(0, 10);
  const xishan = refs.node('xishan');

  await points.createRule(at(200), street, { orgNodeId: refs.node('street').id, name: '街道志愿服务积分', sourceKind: 'volunteer.hours', pointsPerUnit: 8, maxPerAward: 40, maxPerMonth: 300, validFrom: `${day(200).slice(0, 4)}-01-01`, validTo: null, description: '硖石街道各社区通用：志愿服务每小时 8 分。' }, meta);
  await points.createRule(at(180), staff, { orgNodeId: xishan.id, name: '志愿服务时长积分', sourceKind: 'volunteer.hours', pointsPerUnit: 10, maxPerAward: 60, maxPerMonth: 400, validFrom: null, validTo: null, description: '以签到签退的实际服务时长计，每小时 10 分，单次最多 60 分，每月最多 400 分。' }, meta);
  await points.createRule(at(180), staff, { orgNodeId: xishan.id, name: '好人好事积分', sourceKind: 'good_deed', pointsPerUnit: 20, maxPerAward: null, maxPerMonth: 200, validFrom: null, validTo: null, description: '经社区核实的好人好事，每件 20 分，每月最多 200 分。' }, meta);

  const xu = await volunteersRepo.volunteerOfUser(db, refs.user('volunteer01').id);
  const others = (await volunteersRepo.listVolunteers(db, { paths: [xishan.path], status: 'active' }, { limit: 10, offset: 0 })).rows.filter((v) => v.id !== xu?.id).slice(0, 3);
  const deeds: { holder: { volunteerId: string } | { personId: string }; daysAgo: number; quantity: number; description: string }[] = [];
  if (xu) {
    deeds.push({ holder: { volunteerId: xu.id }, daysAgo: 40, quantity: 1, description: '在紫微苑发现独居老人摔倒，及时呼叫 120 并陪同就医' });
    deeds.push({ holder: { volunteerId: xu.id }, daysAgo: 12, quantity: 1, description: '连续两周义务为楼道老人代购药品' });
  }
  const descriptions = ['拾到钱包一个（内有现金 860 元和证件），交还失主', '雨夜帮助邻居疏通楼道积水，避免电动车浸水', '劝阻楼道私拉电线充电，消除火灾隐患'];
  for (const [k, v] of others.entries()) deeds.push({ holder: { volunteerId: v.id }, daysAgo: 30 - k * 7, quantity: 1, description: descriptions[k]! });
  const zhu = refs.user('resident01').personId;
  if (zhu) {
    deeds.push({ holder: { personId: zhu }, daysAgo: 25, quantity: 2, description: '拾金不昧：在西山公园拾到老人遗失的存折和现金，交还失主' });
    deeds.push({ holder: { personId: zhu }, daysAgo: 9, quantity: 3, description: '暴雨中护送走失的认知障碍老人回家，并协助家属联系社区' });
  }
  let total = 0;
  for (const d of deeds) {
    const award = await points.awardGoodDeed(at(d.daysAgo), staff, { holder: d.holder, quantity: d.quantity, description: d.description, happenedOn: day(d.daysAgo + 1) }, meta);
    total += award.points;
  }
  seed.log(`volunteers: 3 points rules, ${deeds.length} good deeds (${total} points)`);
}
