import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { beijingAt } from './shop.demo.js';
import type { TIMEBANK_CATEGORIES } from './timebank.schema.js';
import * as timebank from './timebank.service.js';

type Category = (typeof TIMEBANK_CATEGORIES)[number];

/**
 * The demo time bank of 西山社区, between resident01 朱志强, volunteer01 徐美玲 and the five
 * elderly residents elder01–05: all joined three weeks ago (each granted 2 hours), two exchanges
 * completed (a light bulb changed for elder02, a phone lesson booked by elder03), one held
 * (volunteer01 goes with elder01 to the hospital the day after tomorrow), one disputed (elder04 says
 * the wardrobe was only carried to the landing; xishan has it in the console's queue), and open
 * offers and needs. Times are relative to the seed's clock, so the same community comes out
 * every time.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

const CONTACT: Record<string, string> = {
  resident01: '1幢1单元，晚上和周末在家',
  volunteer01: '白天上班，微信联系更方便',
  elder01: '白天都在家，敲门声音大一点',
  elder02: '上午在家，下午去老年活动室',
  elder03: '家里有电话，上午打',
  elder04: '一楼，门口有花架',
  elder05: '每天傍晚在小区散步',
};

export async function seedTimebankDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const when = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const who: Record<string, Actor> = {};
  for (const u of Object.keys(CONTACT)) {
    let user: { id: string; personId: string | null };
    try {
      user = refs.user(u);
    } catch {
      continue;
    }
    const actor = await loadActor(db, user.id);
    if (actor?.personId) who[u] = actor;
  }
  if (Object.keys(who).length < Object.keys(CONTACT).length) {
    seed.log('timebank: demo residents missing, skipped');
    return;
  }

  // Three weeks ago: everyone joins, six hours apart.
  let t = anchor - 21 * DAY;
  for (const u of Object.keys(CONTACT)) {
    await timebank.join(when(t), who[u]!, { contactNote: CONTACT[u] }, meta);
    t += 6 * HOUR;
  }

  const need = (u: string, at: number, input: { category: Category; title: string; description: string; minutes: number; place?: string; neededBy: number }) =>
    timebank.createPost(when(at), who[u]!, { kind: 'need', category: input.category, title: input.title, description: input.description, minutes: input.minutes, place: input.place, neededBy: new Date(input.neededBy).toISOString() }, meta);
  const offer = (u: string, at: number, input: { category: Category; title: string; description: string; minutes: number; place?: string }) =>
    timebank.createPost(when(at), who[u]!, { kind: 'offer', category: input.category, title: input.title, description: input.description, minutes: input.minutes, place: input.place }, meta);

  // Standing offers.
  const phone = await offer('volunteer01', anchor - 16 * DAY, { category: '手机电脑', title: '教老人用智能手机', description: '微信视频通话、发语音、看健康码、在“浙里办”上挂号；也可以帮忙设置防诈骗提醒。一次一小时，上门或在活动室都行。', minutes: 60 });
  await offer('resident01', anchor - 14 * DAY, { category: '家居维修', title: '修理小家电（电风扇、电饭煲、台灯）', description: '换插头、换开关、清理电风扇。需要换零件的，零件费按实际。', minutes: 60, place: '西山社区第一网格' });
  await offer('elder03', anchor - 12 * DAY, { category: '文体艺术', title: '教写毛笔字、写春联', description: '写了四十年毛笔字，可以教孩子入门，也可以帮邻居写春联、福字。笔墨自备。', minutes: 90 });
  await offer('elder05', anchor - 10 * DAY, { category: '教学辅导', title: '教包粽子、腌咸菜', description: '嘉兴肉粽、腌雪里蕻，手把手教。', minutes: 60 });

  // Completed: elder02's light bulb, by resident01.
  const bulb = await need('elder02', anchor - 12 * DAY, { category: '家居维修', title: '帮忙换客厅吸顶灯灯泡', description: '客厅吸顶灯不亮了，灯泡已经买好，自己够不着。', minutes: 30, place: '3幢', neededBy: beijingAt(anchor, -10, '18:00').getTime() });
  const bulbEx = await timebank.takeNeed(when(anchor - 12 * DAY + 2 * HOUR), who.resident01!, bulb.post.id, meta);
  await timebank.markDone(when(anchor - 11 * DAY), who.resident01!, bulbEx.id, { note: '灯泡换好了，顺便把灯罩擦了' }, meta);
  await timebank.accept(when(anchor - 11 * DAY + 3 * HOUR), who.elder02!, bulbEx.id, meta);

  // Completed: elder03 books volunteer01's phone lesson.
  const lesson = await timebank.bookOffer(when(anchor - 9 * DAY), who.elder03!, phone.post.id, { minutes: 60, neededBy: beijingAt(anchor, -7, '17:00').toISOString(), note: '想学和在外地的孙子视频' }, meta);
  await timebank.markDone(when(anchor - 8 * DAY), who.volunteer01!, lesson.id, { note: '教会了视频通话和发语音' }, meta);
  await timebank.accept(when(anchor - 8 * DAY + 2 * HOUR), who.elder03!, lesson.id, meta);

  // Disputed: elder04's wardrobe, by resident01.
  const wardrobe = await need('elder04', anchor - 6 * DAY, { category: '家居维修', title: '帮忙把旧衣柜搬下楼', description: '旧衣柜要扔掉，需要两个人抬到楼下大件垃圾点。', minutes: 60, place: '7幢', neededBy: beijingAt(anchor, -4, '18:00').getTime() });
  const wardrobeEx = await timebank.takeNeed(when(anchor - 6 * DAY + 4 * HOUR), who.resident01!, wardrobe.post.id, meta);
  await timebank.markDone(when(anchor - 5 * DAY), who.resident01!, wardrobeEx.id, { note: '衣柜已经搬下去了' }, meta);
  await timebank.dispute(when(anchor - 4 * DAY), who.elder04!, wardrobeEx.id, { reason: '只搬到一楼楼道里，没有搬到大件垃圾点，还挡着过道' }, meta);

  // Held: volunteer01 goes with elder01 to the hospital the day after tomorrow.
  const hospital = await need('elder01', anchor - DAY, { category: '陪同就医', title: '陪同去市人民医院复查', description: '心内科复查，需要有人陪着挂号、取药，来回坐公交。', minutes: 120, place: '5幢', neededBy: beijingAt(anchor, 2, '12:00').getTime() });
  await timebank.takeNeed(when(anchor - 20 * HOUR), who.volunteer01!, hospital.post.id, meta);

  // Open needs.
  await need('elder05', anchor - 2 * DAY, { category: '跑腿代办', title: '周二帮忙去菜场买菜', description: '买些青菜、豆腐和鸡蛋，钱当面给。', minutes: 30, neededBy: beijingAt(anchor, 4, '10:00').getTime() });
  await need('elder02', anchor - 5 * HOUR, { category: '陪伴聊天', title: '读报聊天半小时', description: '眼睛花了，想请人读读《海宁日报》，聊聊天。', minutes: 30, neededBy: beijingAt(anchor, 6, '17:00').getTime() });

  seed.log('timebank: 7 members, 4 offers, 6 needs, 4 exchanges (2 completed, 1 held, 1 disputed)');
}
