import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import * as points from './party-points.service.js';
import { DAY, demoMeta, type DemoParty } from './study.demo.js';

/**
 * The demo's 党员积分: the year's scores come from what the other demos did (meetings attended,
 * materials read, verified deeds, volunteering hours) by the default rules; the secretary of
 * 第一党支部 has reviewed them and made two adjustments with reasons.
 */
export async function seedPartyPointsDemo(seed: DemoSeedContext, p: DemoParty) {
  const { ctx, log } = seed;
  const anchor = ctx.now().getTime();
  const at = (daysAgo: number): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY) });
  const year = points.thisYear(ctx);
  const dangyuan = p.memberOfPerson(p.dangyuan.personId);
  if (dangyuan) await points.adjust(at(2), p.secretary, { memberId: dangyuan.id, year, points: 3, reason: '带头参加社区防汛值守三个夜班' }, demoMeta);
  const other = p.membersOf(p.b1.id).find((m) => m.id !== dangyuan?.id && m.person_id !== p.secretary.personId);
  if (other) await points.adjust(at(2), p.secretary, { memberId: other.id, year, points: -2, reason: '无故缺席一次支部党员大会' }, demoMeta);
  log(`  party points: ${year} scores by the default rules, 2 adjustments`);
}
