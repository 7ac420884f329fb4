import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs } from '../../demo/refs.js';
import * as forum from './forum.service.js';

/**
 * The demo's 兴趣社区: six groups of 西山社区 (书画, 广场舞, 太极拳, 育儿, 宠物, 二手闲置) created by
 * the community's staff, with posts, comments and likes by the demo residents under their
 * nicknames, walked through the real service on a moving clock. One post (an e-bike for sale,
 * "加微信详聊") is held for review, so the console's queue has something in it.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

const GROUPS = [
  { key: 'calligraphy', name: '书画交流', description: '写字画画、交流心得，社区书画室每周六上午开放。' },
  { key: 'dance', name: '广场舞', description: '文苑广场每晚七点，欢迎新人加入，请注意音量不扰民。' },
  { key: 'taichi', name: '太极拳晨练', description: '每天清晨在西山公园练习二十四式太极拳，老师免费教学。' },
  { key: 'parenting', name: '育儿交流', description: '接送、托管、兴趣班、辅导作业，家长们互相帮忙。' },
  { key: 'pets', name: '萌宠之家', description: '文明养宠：出门拴绳、及时清理、按时免疫。' },
  { key: 'swap', name: '二手闲置', description: '邻里之间闲置物品转让、赠送，请当面交易，谨防诈骗。' },
] as const;
type GroupKey = (typeof GROUPS)[number]['key'];

const NICKNAMES: Record<string, string> = {
  resident01: '文苑老朱',
  volunteer01: '美玲志愿者',
  elder01: '太极老张',
  elder02: '晨练阿姨',
  elder03: '墨香斋主',
  elder04: '西山老李',
  elder05: '养花老人',
  xishan: '西山社区小王',
};

const POSTS: {
  group: GroupKey;
  who: string;
  daysAgo: number;
  title: string;
  body: string;
  likes: string[];
  comments: { who: string; afterHours: number; body: string }[];
}[] = [
  {
    group: 'calligraphy',
    who: 'elder03',
    daysAgo: 9,
    title: '周六书画室开放，一起写春联',
    body: '<p>社区书画室本周六上午 <strong>9:00–11:30</strong> 开放，笔墨纸砚社区都准备好了。</p><p>快过年了，大家可以来写写春联、福字，写好的可以带回家。不会写的也没关系，现场有老师教。</p>',
    likes: ['resident01', 'volunteer01', 'elder01', 'elder04'],
    comments: [
      { who: 'resident01', afterHours: 3, body: '我带孩子一起去，让他也学学写福字。' },
      { who: 'volunteer01', afterHours: 5, body: '志愿者会提前半小时到，帮忙摆桌子裁纸。' },
    ],
  },
  {
    group: 'dance',
    who: 'volunteer01',
    daysAgo: 7,
    title: '广场舞队招新啦',
    body: '<p>文苑广场舞队每晚七点到八点半活动，最近新学了《最炫民族风》和水兵舞。</p><ul><li>不收任何费用</li><li>零基础可以跟着后排学</li><li>九点前一定结束，音箱音量控制在60分贝以内</li></ul>',
    likes: ['elder02', 'elder05', 'resident01'],
    comments: [
      { who: 'elder04', afterHours: 2, body: '音量控制这条好，之前有几天声音太大，楼上孩子写作业受影响。' },
      { who: 'xishan', afterHours: 6, body: '社区已给舞队配了分贝仪，有问题可以随时向社区反映。' },
    ],
  },
  {
    group: 'taichi',
    who: 'elder01',
    daysAgo: 5,
    title: '冬季晨练时间改为6:30',
    body: '<p>天冷了，晨练时间从下周一起改为 <strong>6:30</strong> 开始，地点不变，还在西山公园东门的小广场。</p><p>年纪大的请多穿点，练完别马上脱衣服。</p>',
    likes: ['elder02', 'elder03', 'elder04', 'elder05', 'volunteer01'],
    comments: [{ who: 'elder02', afterHours: 1, body: '收到，明天见！' }],
  },
  {
    group: 'parenting',
    who: 'resident01',
    daysAgo: 4,
    title: '放学后有没有靠谱的托管班？',
    body: '孩子上三年级，我们夫妻俩下班都要六点以后。\n\n想问问大家，附近有没有正规的课后托管？最好能辅导作业。',
    likes: ['volunteer01'],
    comments: [
      { who: 'volunteer01', afterHours: 4, body: '社区党群服务中心有“四点半课堂”，工作日免费，有大学生志愿者辅导作业，可以去社区报名。' },
      { who: 'resident01', afterHours: 6, body: '太好了，明天就去报名，谢谢！' },
    ],
  },
  {
    group: 'pets',
    who: 'elder05',
    daysAgo: 3,
    title: '遛狗请拴绳，顺手捡便便',
    body: '<p>最近早上在3幢和5幢之间的草坪上踩到好几次狗便便，还有大狗不拴绳追小孩。</p><blockquote>文明养犬，从拴绳开始。</blockquote><p>希望养狗的邻居们出门带个袋子，谢谢大家。</p>',
    likes: ['resident01', 'elder01', 'elder04', 'volunteer01'],
    comments: [{ who: 'resident01', afterHours: 2, body: '支持！建议社区在草坪边放几个拾便袋的箱子。' }],
  },
  {
    group: 'swap',
    who: 'resident01',
    daysAgo: 2,
    title: '闲置婴儿推车免费送',
    body: '孩子大了，家里一辆婴儿推车八成新，可以平躺可以坐，免费送给有需要的邻居，1幢自提。',
    likes: ['elder03', 'volunteer01'],
    comments: [],
  },
];

/** Held for review by the default list's 加微信. */
const PENDING = { group: 'swap' as GroupKey, who: 'elder04', hoursAgo: 5, title: '出一辆九成新电动车', body: '买了半年的电动自行车，有新国标牌照，电池很好。价格面议，有意加微信详聊。' };

export async function seedForumDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const now = ctx.now().getTime();
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const actors = new Map<string, Actor>();
  for (const username of Object.keys(NICKNAMES)) {
    let id: string;
    try {
      id = refs.user(username).id;
    } catch {
      continue; // an account another module's demo did not create
    }
    const actor = await loadActor(ctx.db.kysely, id);
    if (!actor) continue;
    actors.set(username, actor);
    await forum.setNickname(at(now - 30 * DAY), actor, { nickname: NICKNAMES[username]! }, meta);
  }
  const staff = actors.get('xishan')!;
  const groups = new Map<GroupKey, string>();
  for (const [i, g] of GROUPS.entries()) {
    const created = await forum.createGroup(at(now - 30 * DAY + i * HOUR), staff, { orgNodeId: refs.node('xishan').id, name: g.name, description: g.description }, meta);
    groups.set(g.key, created.id);
  }
  const join = async (who: string, key: GroupKey, t: number) => {
    const actor = actors.get(who);
    if (actor) await forum.joinGroup(at(t), actor, groups.get(key)!, meta);
  };
  let posts = 0;
  let comments = 0;
  for (const p of POSTS) {
    const author = actors.get(p.who);
    if (!author) continue;
    const t = now - p.daysAgo * DAY;
    await join(p.who, p.group, t - DAY);
    const created = await forum.createPost(at(t), author, groups.get(p.group)!, { title: p.title, body: p.body, imageIds: [] }, meta);
    posts++;
    for (const [i, who] of p.likes.entries()) {
      const liker = actors.get(who);
      if (liker) await forum.setLike(at(t + (i + 1) * HOUR), liker, created.id, true, meta);
    }
    for (const c of p.comments) {
      const commenter = actors.get(c.who);
      if (!commenter) continue;
      await forum.addComment(at(t + c.afterHours * HOUR), commenter, created.id, { body: c.body }, meta);
      comments++;
    }
  }
  // A few more members, so groups are not only their authors.
  for (const [who, key] of [['elder02', 'taichi'], ['elder04', 'taichi'], ['elder05', 'dance'], ['volunteer01', 'parenting'], ['elder04', 'swap'], ['resident01', 'pets']] as const) {
    await join(who, key, now - 10 * DAY);
  }
  const pendingAuthor = actors.get(PENDING.who);
  if (pendingAuthor) {
    await forum.createPost(at(now - PENDING.hoursAgo * HOUR), pendingAuthor, groups.get(PENDING.group)!, { title: PENDING.title, body: PENDING.body, imageIds: [] }, meta);
  }
  seed.log(`forum: ${groups.size} groups, ${posts} posts, ${comments} comments, ${pendingAuthor ? 1 : 0} held for review`);
}
