import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import * as suggestions from './suggestions.service.js';

/** The demo's 意见建议: resident01's and volunteer01's, answered on time, late, not yet, and one turned into an event. */

const DAY = 86_400_000;

const ITEMS: {
  who: 'resident01' | 'volunteer01';
  category: (typeof suggestions.SUGGESTION_CATEGORIES)[number];
  title: string;
  content: string;
  daysAgo: number;
  answerAfterDays?: number;
  answer?: string;
  promote?: string;
  anonymous?: boolean;
}[] = [
  {
    who: 'resident01',
    category: '公共设施',
    title: '紫微苑小区增设电动自行车充电桩',
    content: '小区里电动车越来越多，有人从楼上拉线充电，很不安全。建议在3幢和5幢之间的空地增设集中充电桩，并装上监控。',
    daysAgo: 20,
    answerAfterDays: 2,
    answer: '感谢您的建议。社区已与物业、供电所现场查看，选定3幢与5幢之间空地，计划于12月中旬安装20个充电口，费用由物业专项维修资金列支，安装前将在楼道张贴公示。',
  },
  {
    who: 'volunteer01',
    category: '为老服务',
    title: '老年食堂能否增加晚餐',
    content: '很多独居老人晚上不愿意做饭，随便吃点剩菜。建议老年食堂在工作日增加简单的晚餐，哪怕只有一荤一素也好。',
    daysAgo: 12,
    answerAfterDays: 8,
    answer: '已与居家养老服务中心商议，自下月起周一至周五增加晚餐（17:00–18:00），80周岁以上老人可享受助餐补贴，欢迎报名。',
  },
  {
    who: 'resident01',
    category: '环境卫生',
    title: '文苑路垃圾投放点夜间异味大',
    content: '文苑路口的垃圾投放点晚上经常满溢，夏天味道很大，建议增加一次夜间清运，并定期冲洗地面。',
    daysAgo: 6,
    promote: '0101',
  },
  {
    who: 'volunteer01',
    category: '社区活动',
    title: '周末组织亲子垃圾分类活动',
    content: '建议利用周末在社区广场组织亲子垃圾分类游戏，孩子们学会了回家会督促大人，效果会比发传单好。',
    daysAgo: 1,
    anonymous: true,
  },
];

export async function seedSuggestionsDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const staff = (await loadActor(ctx.db.kysely, refs.user('xishan').id))!;
  let n = 0;
  for (const item of ITEMS) {
    const author = await loadActor(ctx.db.kysely, refs.user(item.who).id);
    if (!author?.personId) continue;
    const at = anchor - item.daysAgo * DAY;
    const sim: PlatformContext = { ...ctx, now: () => new Date(at) };
    const s = await suggestions.submitSuggestion(sim, author, { category: item.category, title: item.title, content: item.content, public: true, anonymous: !!item.anonymous }, meta);
    n++;
    if (item.answer) {
      const later: PlatformContext = { ...ctx, now: () => new Date(at + (item.answerAfterDays ?? 1) * DAY) };
      await suggestions.answerSuggestion(later, staff, s.id, { answer: item.answer, expectedVersion: 1 }, meta);
    }
    if (item.promote) {
      const later: PlatformContext = { ...ctx, now: () => new Date(at + 3_600_000) };
      await suggestions.promoteSuggestion(later, staff, s.id, { categoryCode: item.promote, attributes: { amount: 'cart' } }, meta);
    }
  }
  seed.log(`suggestions: ${n}`);
}
