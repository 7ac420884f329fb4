import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import * as notices from './notices.service.js';

/**
 * The demo's 通知公告: what 西山社区 and 硖石街道 sent in the last week, one of them to the
 * 高龄老人 only (some told at home by grid01), resident01 having read some, and a draft.
 */

const DAY = 86_400_000;

interface DemoNotice {
  by: 'xishan' | 'street';
  to: 'xishan' | 'street' | 'grid01';
  category: 'notice' | 'announcement' | 'news';
  title: string;
  body: string;
  tags?: string[];
  daysAgo: number;
  pinned?: boolean;
  draft?: boolean;
  readBy?: ('resident01' | 'volunteer01')[];
}

const NOTICES: DemoNotice[] = [
  {
    by: 'street',
    to: 'street',
    category: 'notice',
    title: '硖石街道关于开展生活垃圾分类“桶边督导”的通知',
    body: '各社区居民：\n为巩固垃圾分类成效，自12月1日起，街道将在各小区投放点开展“桶边督导”，时间为每天7:00-9:00、18:00-20:00。请大家按“厨余垃圾、可回收物、有害垃圾、其他垃圾”四分类投放，厨余垃圾破袋投放。\n欢迎居民报名担任督导志愿者，可到所在社区服务大厅登记。\n\n硖石街道办事处',
    daysAgo: 6,
    readBy: ['resident01'],
  },
  {
    by: 'xishan',
    to: 'xishan',
    category: 'news',
    title: '“邻里守望”志愿服务队正式成立',
    body: '11月20日上午，西山社区“邻里守望”志愿服务队在社区党群服务中心成立，首批42名志愿者中有退休教师、医生和在校大学生。服务队将为独居老人提供每周探访、代购代办和陪同就医，欢迎更多居民加入。',
    daysAgo: 5,
    readBy: ['resident01', 'volunteer01'],
  },
  {
    by: 'xishan',
    to: 'xishan',
    category: 'notice',
    title: '西山社区关于12月3日计划停水的通知',
    body: '尊敬的居民：\n因市政供水管网改造，12月3日（星期四）8:00-16:00，西山路、文苑路沿线小区将暂停供水，请提前储水。如遇特殊困难（行动不便、家中有病人），请联系网格员或拨打社区电话 0573-87012345，我们将协助送水。\n\n西山社区居民委员会',
    daysAgo: 2,
    pinned: true,
  },
  {
    by: 'xishan',
    to: 'xishan',
    category: 'notice',
    title: '80周岁以上老人免费健康体检安排',
    body: '辖区80周岁以上老人：\n社区卫生服务站将于12月8日至12日上午为您免费体检（血压、血糖、心电图、B超），请携带身份证和医保卡，空腹前往。行动不便的老人可预约上门服务，由网格员登记。',
    tags: ['高龄老人'],
    daysAgo: 1,
  },
  {
    by: 'xishan',
    to: 'grid01',
    category: 'announcement',
    title: '第一网格楼道堆放物清理公告',
    body: '为消除消防隐患，第一网格将于本周六上午统一清理楼道、消防通道内的堆放物。请各户在周五前自行搬离，确有困难的请联系网格员。',
    daysAgo: 0,
    draft: true,
  },
];

export async function seedNoticesDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const actorOf = async (username: string) => (await loadActor(ctx.db.kysely, refs.user(username).id))!;
  let published = 0;
  for (const n of NOTICES) {
    // Each notice written at its own moment, as the clock of that day.
    const at = anchor - n.daysAgo * DAY - 6 * 3_600_000;
    const sim: PlatformContext = { ...ctx, now: () => new Date(at) };
    const author = await actorOf(n.by);
    const created = await notices.createNotice(
      sim,
      author,
      {
        orgNodeId: refs.node(n.by === 'street' ? 'street' : 'xishan').id,
        category: n.category,
        title: n.title,
        body: n.body,
        audience: { nodeIds: [refs.node(n.to).id], tags: n.tags ?? [], tagMode: 'any' },
        attachmentIds: [],
        channels: [],
        pinned: n.pinned ?? false,
      },
      meta,
    );
    if (n.draft) continue;
    await notices.publishNotice(sim, author, created.id, { expectedVersion: created.version }, meta);
    published++;
    const later: PlatformContext = { ...ctx, now: () => new Date(at + 3 * 3_600_000) };
    for (const reader of n.readBy ?? []) await notices.openMine(later, (await actorOf(reader))!, created.id, meta);
    if (n.tags?.includes('高龄老人')) {
      // grid01 has told the first few elders of the grid at home.
      const grid01 = await actorOf('grid01');
      const page = await notices.unreached(later, grid01, created.id, { page: 1, pageSize: 6 }, meta);
      if (page.items.length) await notices.recordInformed(later, grid01, created.id, { personIds: page.items.map((p) => p.personId), how: 'visit' }, meta);
    }
  }
  seed.log(`notices: ${published} published, ${NOTICES.length - published} draft`);
}
