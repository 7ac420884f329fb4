import type { PlatformContext } from '../../platform/context.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { AppError } from '../../platform/errors.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { addDays, beijingDay } from './party.common.js';
import * as deeds from './deeds.service.js';
import { DAY, demoMeta, type DemoParty } from './study.demo.js';

/**
 * The demo's 好人好事银行 in 西山社区: eight deeds recorded by residents, a party member, a grid
 * worker and a volunteer — 扶老人过马路, 拾金不昧, 义务清理楼道 … —, five verified by the
 * community's staff (points deposited by the volunteers' `good_deed` rule of 西山社区, so the
 * doers can spend them at the 爱心超市), one rejected, two still waiting. Names on the honour roll:
 * full names where the doer agreed, else 朱**.
 */
export async function seedDeedsDemo(seed: DemoSeedContext, p: DemoParty) {
  const { ctx, log } = seed;
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const at = (daysAgo: number, hour = 0): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY + hour * 3_600_000) });
  const today = beijingDay(ctx.now());
  const user = async (username: string) => (await loadActor(db, p.refs.user(username).id)) as Actor;
  const resident = await user('resident01');
  const grid = await user('grid01');
  const volunteer = await user('volunteer01');

  await deeds.setSetting(at(60), p.staff, { orgNodeId: p.xishan.id, nameDisplay: 'consent' }, demoMeta);

  type Plan = { by: Actor; daysAgo: number; doer: { kind: 'self' } | { kind: 'name'; name: string }; title: string; description: string; place: string; witnesses: { name: string; phone?: string }[]; consent: boolean; outcome: 'verify' | 'reject' | 'wait'; linkTo?: string | null };
  const plans: Plan[] = [
    { by: resident, daysAgo: 30, doer: { kind: 'self' }, title: '扶老人过马路', description: '早高峰时在硖石路与西山路路口，扶一位拄拐杖的老人安全过马路，并陪她走到公交站等车。', place: '硖石路与西山路交叉口', witnesses: [{ name: '公交站保安' }], consent: true, outcome: 'verify' },
    { by: p.dangyuan, daysAgo: 22, doer: { kind: 'self' }, title: '拾金不昧', description: '在西山公园长椅上拾到钱包一个，内有现金和银行卡，通过社区联系到失主并当面归还。', place: '西山公园', witnesses: [{ name: '公园管理员', phone: '13957300000' }], consent: true, outcome: 'verify' },
    { by: grid, daysAgo: 18, doer: { kind: 'name', name: '张桂英' }, title: '义务清理楼道', description: '张阿姨连续一个月每周义务清扫 5 幢 2 单元楼道，清理堆放杂物，楼道焕然一新。', place: '紫微苑 5 幢 2 单元', witnesses: [{ name: '网格员 李建华' }], consent: false, outcome: 'verify' },
    { by: volunteer, daysAgo: 14, doer: { kind: 'self' }, title: '为独居老人代购药品', description: '连续两周为楼上独居的王奶奶代购降压药，并帮她整理好每天的服药盒。', place: '紫微苑 3 幢', witnesses: [], consent: false, outcome: 'verify' },
    { by: grid, daysAgo: 10, doer: { kind: 'name', name: '热心居民' }, title: '雨夜护送走失老人回家', description: '暴雨夜在菜场门口发现一位迷路的认知障碍老人，陪同等候并联系社区，护送老人安全回家。', place: '西山菜场', witnesses: [{ name: '菜场值班员' }], consent: false, outcome: 'verify' },
    { by: resident, daysAgo: 7, doer: { kind: 'name', name: '快递小哥' }, title: '帮邻居搬运家具', description: '帮助楼下邻居把旧家具搬下楼。', place: '1 幢', witnesses: [], consent: false, outcome: 'reject' },
    { by: p.dangyuan, daysAgo: 3, doer: { kind: 'self' }, title: '劝阻楼道私拉电线充电', description: '发现 7 幢楼道有人私拉电线给电动车充电，耐心劝阻并帮忙把车推到集中充电棚。', place: '紫微苑 7 幢', witnesses: [{ name: '7 幢楼长' }], consent: true, outcome: 'wait' },
    { by: resident, daysAgo: 1, doer: { kind: 'name', name: '李师傅' }, title: '雨中帮邻居收被子', description: '突降大雨时，李师傅帮出门上班的几户邻居收回晾在外面的被子，并送到各家门口。', place: '1 幢', witnesses: [], consent: false, outcome: 'wait' },
  ];
  let verified = 0;
  let points = 0;
  for (const plan of plans) {
    const d = await deeds.recordDeed(
      at(plan.daysAgo),
      plan.by,
      { doer: plan.doer, orgNodeId: p.xishan.id, title: plan.title, description: plan.description, happenedOn: addDays(today, -plan.daysAgo - 1), place: plan.place, witnesses: plan.witnesses, photoIds: [], nameConsent: plan.consent },
      demoMeta,
    );
    if (plan.outcome === 'verify') {
      try {
        const v = await deeds.verifyDeed(at(plan.daysAgo - 1), p.staff, d.id, {}, demoMeta);
        verified++;
        points += v.points ?? 0;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'DEED_NO_POINTS_RULE')) throw e;
        log('  party deeds: no good-deed points rule in 西山社区; deeds left pending');
      }
    } else if (plan.outcome === 'reject') {
      await deeds.rejectDeed(at(plan.daysAgo - 1), p.staff, d.id, { reason: '属于有偿搬运服务，不属于好人好事', expectedVersion: 1 }, demoMeta);
    }
  }
  log(`  party deeds: ${plans.length} good deeds, ${verified} verified (${points} points deposited), 1 rejected`);
}
