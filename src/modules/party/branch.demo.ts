import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import { addDays, beijingDay } from './party.common.js';
import * as branch from './branch.service.js';
import { DAY, demoMeta, type DemoParty } from './study.demo.js';

/**
 * The demo's 网上E支部: notices of 第一党支部 (a pinned 主题党日 notice, the dues notice) and of
 * 第二党支部; a discussion in 第一党支部 between `dangyuan01` and its secretary `zhibu01`; two
 * tasks — a visit round due three days ago (dangyuan01 done with a note, the others late: the
 * overdue list) and a fire-safety campaign due in ten days.
 */
export async function seedBranchDemo(seed: DemoSeedContext, p: DemoParty) {
  const { ctx, log } = seed;
  const anchor = ctx.now().getTime();
  const at = (daysAgo: number, hour = 0): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY + hour * 3_600_000) });
  const today = beijingDay(ctx.now());

  await branch.createNotice(at(12), p.secretary, p.b1.id, { title: '关于缴纳第四季度党费的通知', body: '请各位党员于本月底前通过网上E支部或到社区党群服务中心缴纳第四季度党费。流动党员可委托家属代缴，并告知支部组织委员。', pinned: false }, demoMeta);
  await branch.createNotice(
    at(2),
    p.secretary,
    p.b1.id,
    {
      title: '关于开展本月主题党日活动的通知',
      body: '本月主题党日定于20日（周六）下午2点半在社区党群服务中心二楼开展，内容为重温入党誓词和“党员志愿服务进小区”。\n请全体党员准时参加，因故不能参加的请在网上E支部提前请假。',
      pinned: true,
    },
    demoMeta,
  );
  await branch.createNotice(at(5), p.party, p.b2.id, { title: '关于报送党员联系户名单的通知', body: '请第二党支部各党小组于本周五前报送党员联系户名单，每名党员联系 5 至 10 户居民。', pinned: false }, demoMeta);

  const post = await branch.createPost(at(6, 2), p.dangyuan, p.b1.id, { body: '读了书记发的学习文章很有感触。我联系的紫微苑 3 幢有两位独居老人，冬天快到了，想约几位党员周末一起上门帮他们检查一下取暖设备和电线，有空的同志回复一下。' }, demoMeta);
  await branch.addComment(at(6, 5), p.secretary, post.id, { body: '这个主意好！我周六上午可以去，顺便把社区的防寒包带过去。' }, demoMeta);
  await branch.addComment(at(5, 1), p.dangyuan, post.id, { body: '好的，那就周六上午 9 点在 3 幢楼下集合。' }, demoMeta);
  await branch.createPost(at(3, 4), p.secretary, p.b1.id, { body: '提醒大家：本月主题党日后要交学习体会，可以直接写在讨论区，也可以交纸质稿给组织委员。' }, demoMeta);

  const visit = await branch.createTask(at(10), p.secretary, p.b1.id, { title: '入户走访独居老人（每人两户）', description: '了解老人冬季取暖、用电和就医情况，发现困难及时报网格员。完成后请写明走访了哪两户、情况如何。', dueOn: addDays(today, -3) }, demoMeta);
  await branch.markDone(at(4), p.dangyuan, visit.id, { note: '已走访紫微苑 3 幢两户独居老人，取暖设备正常，一户需代购降压药，已告知网格员。' }, demoMeta);
  await branch.createTask(at(1), p.secretary, p.b1.id, { title: '参与冬季消防安全宣传', description: '到联系户家中宣传冬季用电用火安全，劝导楼道内不要给电动车充电。', dueOn: addDays(today, 10) }, demoMeta);
  log('  party branch: 3 notices, 2 posts, 2 comments, 2 tasks (one overdue)');
}
