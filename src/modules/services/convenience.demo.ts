import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { createUser } from '../../platform/auth/users.service.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import * as svc from './convenience.service.js';
import type { ConvenienceCategory } from './convenience.schema.js';
import type { PriceUnit, ProviderKind } from './convenience.table.js';

/**
 * The demo's 便民服务 in 西山社区: six approved providers and one waiting for approval, about
 * twenty offerings, the 政府购买服务 rule for 独居老人/高龄老人 (4 free hours a month of 上门护理
 * and 家政保洁), and about thirty orders over the last five weeks in every state, walked through
 * the real service on a moving clock (so codes, timelines, notices, audit and ledger postings
 * are real). `provider01` runs 海宁市乐龄居家养老服务中心; the other providers get accounts of
 * their own (`provider02` … `provider07`), and five elderly residents of 西山社区 who hold
 * 高龄老人 get resident accounts (`elder01` … `elder05`, password Linli@2026) so their free-hour
 * orders have someone who placed them. One complaint, answered by the provider, waits for staff.
 * Deterministic: fixed plans, people picked in the registry's stable order.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface ProviderPlan {
  key: string;
  username: string;
  displayName: string;
  name: string;
  kind: ProviderKind;
  contactName: string;
  contactPhone: string;
  licenceNote: string;
  description: string;
  status: 'approved' | 'pending';
  offerings: { key: string; category: ConvenienceCategory; name: string; description: string; priceFen: number; priceUnit: PriceUnit; durationMinutes: number }[];
}

const PROVIDERS: ProviderPlan[] = [
  {
    key: 'leling',
    username: 'provider01',
    displayName: '海宁市乐龄居家养老服务中心',
    name: '海宁市乐龄居家养老服务中心',
    kind: 'social_org',
    contactName: '沈慧琴',
    contactPhone: '0573-87012345',
    licenceNote: '民办非企业单位登记证书 52330481MJ8765432X；养老服务机构备案（海宁市民政局）',
    description: '持证护理员上门提供基础护理、康复训练、助浴和健康咨询，服务西山社区及周边。',
    status: 'approved',
    offerings: [
      { key: 'care', category: 'home-care', name: '上门护理（基础护理）', description: '测血压血糖、翻身拍背、协助服药、压疮预防。', priceFen: 6000, priceUnit: '小时', durationMinutes: 60 },
      { key: 'care-night', category: 'home-care', name: '夜间陪护', description: '20:00–次日6:00 陪护，按小时计。', priceFen: 4500, priceUnit: '小时', durationMinutes: 60 },
      { key: 'bath', category: 'bathing', name: '上门助浴', description: '两名护理员携带助浴设备上门，含洗头、擦身。', priceFen: 12000, priceUnit: '次', durationMinutes: 90 },
      { key: 'rehab', category: 'rehab', name: '康复训练指导', description: '脑卒中、骨折术后居家康复训练。', priceFen: 8000, priceUnit: '次', durationMinutes: 60 },
      { key: 'health', category: 'medical-advice', name: '健康管理师上门咨询', description: '慢病用药和饮食指导，不含诊疗。', priceFen: 3000, priceUnit: '次', durationMinutes: 30 },
    ],
  },
  {
    key: 'xishan-care',
    username: 'provider02',
    displayName: '西山社区居家养老服务中心',
    name: '海宁市西山社区居家养老服务中心',
    kind: 'social_org',
    contactName: '钱雪芬',
    contactPhone: '0573-87056789',
    licenceNote: '社区居家养老服务照料中心（四星级），由海宁市颐乐社会工作服务社运营',
    description: '老年食堂助餐、送餐上门、助洁和代购跑腿。',
    status: 'approved',
    offerings: [
      { key: 'lunch', category: 'meals', name: '老年食堂午餐（堂食）', description: '两荤两素一汤，低盐少油。', priceFen: 1200, priceUnit: '餐', durationMinutes: 30 },
      { key: 'lunch-delivery', category: 'meals', name: '助餐送餐上门', description: '11:00–12:00 送达，含餐费与配送费。', priceFen: 1500, priceUnit: '餐', durationMinutes: 20 },
      { key: 'tidy', category: 'housekeeping', name: '助洁（居室整理）', description: '整理床铺、清扫地面、倒垃圾。', priceFen: 3500, priceUnit: '小时', durationMinutes: 60 },
      { key: 'errand', category: 'errands', name: '代购跑腿', description: '代买菜、取药、缴费，3公里内。', priceFen: 1000, priceUnit: '次', durationMinutes: 45 },
    ],
  },
  {
    key: 'nuanxin',
    username: 'provider03',
    displayName: '暖心家政服务部',
    name: '暖心家政服务部',
    kind: 'merchant',
    contactName: '陆美华',
    contactPhone: '13857301234',
    licenceNote: '个体工商户营业执照 92330481MA2BXY1234；家政服务员均持健康证',
    description: '日常保洁、深度保洁、家电清洗。',
    status: 'approved',
    offerings: [
      { key: 'clean', category: 'housekeeping', name: '日常保洁', description: '厨房、卫生间、地面、门窗擦拭。', priceFen: 4000, priceUnit: '小时', durationMinutes: 60 },
      { key: 'deep', category: 'housekeeping', name: '深度保洁（三室以内）', description: '含油烟机外部、玻璃内侧，约4小时。', priceFen: 38000, priceUnit: '次', durationMinutes: 240 },
      { key: 'ac-clean', category: 'appliance-repair', name: '空调清洗', description: '挂机拆洗滤网、蒸发器杀菌。', priceFen: 8000, priceUnit: '次', durationMinutes: 60 },
    ],
  },
  {
    key: 'laozhang',
    username: 'provider04',
    displayName: '老张水电维修',
    name: '老张水电维修',
    kind: 'professional',
    contactName: '张建国',
    contactPhone: '13905730001',
    licenceNote: '低压电工作业证 T330481197005120011；从业二十年',
    description: '水管、龙头、马桶、线路、开关插座维修，材料费另计。',
    status: 'approved',
    offerings: [
      { key: 'pipe', category: 'plumbing-electrical', name: '水管龙头维修', description: '漏水、滴水、更换龙头阀门。', priceFen: 5000, priceUnit: '次', durationMinutes: 60 },
      { key: 'wire', category: 'plumbing-electrical', name: '电路检修', description: '跳闸、插座开关更换、灯具安装。', priceFen: 6000, priceUnit: '次', durationMinutes: 60 },
      { key: 'toilet', category: 'plumbing-electrical', name: '马桶疏通', description: '疏通堵塞，不含更换配件。', priceFen: 8000, priceUnit: '次', durationMinutes: 45 },
    ],
  },
  {
    key: 'huimin',
    username: 'provider05',
    displayName: '惠民家电维修部',
    name: '海宁市惠民家电维修部',
    kind: 'merchant',
    contactName: '徐卫东',
    contactPhone: '0573-87098765',
    licenceNote: '营业执照 92330481MA2C001234；家电维修技师证',
    description: '电视、冰箱、洗衣机、热水器上门维修，先报价后维修。',
    status: 'approved',
    offerings: [
      { key: 'fix', category: 'appliance-repair', name: '家电上门检测维修', description: '上门检测费，维修另行报价。', priceFen: 3000, priceUnit: '次', durationMinutes: 60 },
      { key: 'heater', category: 'appliance-repair', name: '燃气热水器维修', description: '点不着火、水温不稳。', priceFen: 5000, priceUnit: '次', durationMinutes: 60 },
    ],
  },
  {
    key: 'lawyer',
    username: 'provider06',
    displayName: '海昌律师事务所',
    name: '浙江海昌律师事务所（西山社区法律顾问）',
    kind: 'professional',
    contactName: '沈立新',
    contactPhone: '0573-87023456',
    licenceNote: '律师事务所执业许可证 31330000XXXX；“一村（社）一法律顾问”签约',
    description: '每周三下午在社区党群服务中心驻点，也可预约上门。',
    status: 'approved',
    offerings: [
      { key: 'legal', category: 'legal-advice', name: '法律咨询（上门或驻点）', description: '婚姻家庭、继承、租赁、劳动纠纷咨询。', priceFen: 0, priceUnit: '次', durationMinutes: 60 },
      { key: 'will', category: 'legal-advice', name: '遗嘱见证指导', description: '指导订立遗嘱、准备材料，公证费另计。', priceFen: 20000, priceUnit: '次', durationMinutes: 90 },
    ],
  },
  {
    key: 'ayibang',
    username: 'provider07',
    displayName: '阿姨帮家政',
    name: '海宁阿姨帮家政服务有限公司',
    kind: 'merchant',
    contactName: '周丽',
    contactPhone: '400-826-0573',
    licenceNote: '营业执照 91330481MA2D123456（申请中，待补充家政服务员健康证）',
    description: '月嫂、育儿嫂、钟点工。',
    status: 'pending',
    offerings: [{ key: 'hourly', category: 'housekeeping', name: '钟点工', description: '两小时起。', priceFen: 4500, priceUnit: '小时', durationMinutes: 60 }],
  },
];

type Goal = 'requested' | 'accepted' | 'in_service' | 'completed' | 'closed' | 'declined' | 'cancelled';

interface OrderPlan {
  who: string;
  offering: string;
  daysAgo: number;
  goal: Goal;
  quantity?: number;
  /** Hourly: minutes actually served. */
  minutes?: number;
  rating?: number;
  comment?: string;
  reason?: string;
  note?: string;
  typed?: string;
}

const PLANS: OrderPlan[] = [
  // resident01 (朱志强): one done and rated (with the complaint), one waiting for his confirmation, one just placed.
  { who: 'resident01', offering: 'laozhang.pipe', daysAgo: 20, goal: 'closed', rating: 3, comment: '修好了，但比约定时间晚到四十分钟。', note: '厨房水龙头一直滴水' },
  { who: 'resident01', offering: 'nuanxin.clean', daysAgo: 3, goal: 'completed', minutes: 150, note: '周末家里来客人，打扫一下' },
  { who: 'resident01', offering: 'huimin.fix', daysAgo: 0.3, goal: 'requested', note: '洗衣机脱水时响声很大' },
  // volunteer01 (徐美玲).
  { who: 'volunteer01', offering: 'xishan-care.errand', daysAgo: 12, goal: 'closed', rating: 5, comment: '帮我母亲取药，很及时。' },
  { who: 'volunteer01', offering: 'nuanxin.ac-clean', daysAgo: 1, goal: 'accepted' },
  { who: 'volunteer01', offering: 'lawyer.will', daysAgo: 6, goal: 'cancelled', reason: '家里商量后决定先去公证处咨询' },
  // Elderly residents: free hours of 上门护理 and 家政 under the rule, last month and this month.
  { who: 'elder01', offering: 'leling.care', daysAgo: 34, goal: 'closed', quantity: 2, minutes: 120, rating: 5, comment: '护理员小王很细心。' },
  { who: 'elder01', offering: 'xishan-care.tidy', daysAgo: 30, goal: 'closed', quantity: 2, minutes: 120, rating: 5 },
  { who: 'elder01', offering: 'leling.care', daysAgo: 9, goal: 'closed', quantity: 3, minutes: 180, rating: 5, comment: '每次都准时。' },
  { who: 'elder01', offering: 'nuanxin.clean', daysAgo: 4, goal: 'closed', quantity: 2, minutes: 120, rating: 4, comment: '免费额度用完了，自付一小时也值。' },
  { who: 'elder01', offering: 'leling.care', daysAgo: 0.5, goal: 'accepted', quantity: 2 },
  { who: 'elder02', offering: 'leling.care', daysAgo: 25, goal: 'closed', quantity: 2, minutes: 120, rating: 4 },
  { who: 'elder02', offering: 'nuanxin.clean', daysAgo: 8, goal: 'closed', quantity: 2, minutes: 120, rating: 5, comment: '阿姨干活很仔细。' },
  { who: 'elder02', offering: 'leling.care', daysAgo: 2, goal: 'completed', quantity: 1, minutes: 90 },
  { who: 'elder02', offering: 'xishan-care.lunch-delivery', daysAgo: 1.5, goal: 'closed', quantity: 1, rating: 5 },
  { who: 'elder03', offering: 'leling.care', daysAgo: 15, goal: 'closed', quantity: 2, minutes: 120, rating: 5 },
  { who: 'elder03', offering: 'xishan-care.tidy', daysAgo: 5, goal: 'completed', quantity: 1, minutes: 60 },
  { who: 'elder03', offering: 'leling.bath', daysAgo: 0.8, goal: 'in_service', quantity: 1 },
  { who: 'elder03', offering: 'laozhang.wire', daysAgo: 11, goal: 'declined', reason: '需要更换总闸，请联系供电所处理' },
  { who: 'elder04', offering: 'xishan-care.tidy', daysAgo: 18, goal: 'closed', quantity: 3, minutes: 180, rating: 4 },
  { who: 'elder04', offering: 'leling.care', daysAgo: 1, goal: 'in_service', quantity: 2 },
  { who: 'elder04', offering: 'leling.rehab', daysAgo: 7, goal: 'cancelled', reason: '女儿周末陪我去医院复查' },
  { who: 'elder04', offering: 'huimin.heater', daysAgo: 0.2, goal: 'requested', note: '热水器打不着火' },
  { who: 'elder05', offering: 'leling.care', daysAgo: 10, goal: 'closed', quantity: 4, minutes: 240, rating: 5, comment: '政府买单，子女也放心。' },
  { who: 'elder05', offering: 'nuanxin.clean', daysAgo: 3, goal: 'completed', quantity: 2, minutes: 120 },
  { who: 'elder05', offering: 'xishan-care.lunch-delivery', daysAgo: 0.6, goal: 'accepted', quantity: 1 },
  { who: 'elder05', offering: 'nuanxin.deep', daysAgo: 14, goal: 'declined', reason: '春节前档期已满，请改约下月' },
  { who: 'elder02', offering: 'laozhang.toilet', daysAgo: 0.4, goal: 'requested' },
  { who: 'elder01', offering: 'huimin.fix', daysAgo: 16, goal: 'cancelled', reason: '儿子回来修好了' },
  { who: 'elder05', offering: 'leling.health', daysAgo: 0.7, goal: 'requested', note: '想问问降压药能不能和钙片一起吃' },
];

export async function seedConvenienceDemo({ ctx, log }: DemoSeedContext): Promise<void> {
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const xishan = refs.node('xishan');
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const anchor = ctx.now().getTime();
  let clock = anchor - 40 * DAY;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const meta = {};
  const hash = await hashPassword(DEMO_PASSWORD);

  // Accounts: the providers' (provider01 exists) and five elders holding 高龄老人.
  const actors = new Map<string, Actor>();
  const account = async (username: string, displayName: string, role: 'provider' | 'resident', nodeId: string, personId: string | null) => {
    let id = (await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst())?.id;
    id ??= await createUser(ctx, { username, displayName, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, personId, grants: [{ role, orgNodeId: nodeId }] }, db, hash);
    actors.set(username, (await loadActor(db, id))!);
  };
  for (const p of PROVIDERS) await account(p.username, p.displayName, 'provider', xishan.id, null);
  for (let n = 1; n <= 5; n++) {
    const [elder] = await refs.people(refs.grid(n), { minAge: 80, limit: 1 });
    if (!elder) continue;
    await account(`elder0${n}`, `居民 ${elder.name}`, 'resident', refs.grid(n).id, elder.id);
  }
  actors.set('resident01', (await loadActor(db, refs.user('resident01').id))!);
  actors.set('volunteer01', (await loadActor(db, refs.user('volunteer01').id))!);

  // Providers and their offerings, registered six weeks ago.
  const offerings = new Map<string, { id: string; unit: PriceUnit; provider: string }>();
  const providerIds = new Map<string, string>();
  for (const p of PROVIDERS) {
    clock += HOUR;
    const owner = actors.get(p.username)!;
    const created = await svc.applyAsProvider(sim, owner, { name: p.name, kind: p.kind, contactName: p.contactName, contactPhone: p.contactPhone, orgNodeId: xishan.id, licenceNote: p.licenceNote, description: p.description }, meta);
    providerIds.set(p.key, created.id);
    if (p.status === 'approved') {
      clock += 2 * HOUR;
      await svc.reviewProvider(sim, staff, created.id, { action: 'approve' }, meta);
    }
    for (const o of p.offerings) {
      const made = await svc.createOffering(sim, owner, { category: o.category, name: o.name, description: o.description, priceFen: o.priceFen, priceUnit: o.priceUnit, durationMinutes: o.durationMinutes }, meta);
      offerings.set(`${p.key}.${o.key}`, { id: made.id, unit: o.priceUnit, provider: p.username });
    }
  }

  clock += DAY;
  await svc.createRule(
    sim,
    staff,
    { name: '独居、高龄老人居家养老服务（政府购买）', orgNodeId: xishan.id, tags: ['独居老人', '高龄老人'], tagMatch: 'any', categories: ['home-care', 'housekeeping'], monthlyHours: 4, validFrom: '2026-01-01' },
    meta,
  );

  // Orders and their steps as one list of events in time order, so people's orders interleave as
  // they would and each completion draws on the allowance left at that moment.
  let count = 0;
  const events: { at: number; seq: number; run: () => Promise<unknown> }[] = [];
  const orderIds = new Map<number, string>();
  let complaintPlan: number | null = null;
  PLANS.forEach((plan, i) => {
    const resident = actors.get(plan.who);
    const offering = offerings.get(plan.offering);
    if (!resident || !offering) return;
    const provider = actors.get(offering.provider)!;
    const quantity = plan.quantity ?? 1;
    const start = anchor - plan.daysAgo * DAY;
    // Steps land a few hours later; the newest ones never pass the seeding moment.
    const at = (hours: number) => Math.min(start + hours * HOUR, anchor - 60_000 + hours);
    const add = (when: number, run: (id: string) => Promise<unknown>) => events.push({ at: when, seq: events.length, run: () => run(orderIds.get(i)!) });
    const address = plan.typed ?? (resident.personId ? undefined : '西山路66号新民小区2幢1单元301室');
    events.push({
      at: start,
      seq: events.length,
      run: async () => {
        const placed = await svc.placeOrder(
          sim,
          resident,
          { offeringId: offering.id, wantedAt: new Date(clock + 3 * HOUR).toISOString(), address, useRegistryAddress: !address, quantity, note: plan.note },
          meta,
        );
        orderIds.set(i, placed.id);
        count++;
      },
    });
    if (plan.goal === 'requested') return;
    if (plan.goal === 'cancelled') return add(at(0.5), (id) => svc.cancelMyOrder(sim, resident, id, { reason: plan.reason }, meta));
    if (plan.goal === 'declined') return add(at(1), (id) => svc.declineOrder(sim, provider, id, { reason: plan.reason ?? '档期已满' }, meta));
    add(at(0.5), (id) => svc.acceptOrder(sim, provider, id, meta));
    if (plan.goal === 'accepted') return;
    add(at(3), (id) => svc.startOrder(sim, provider, id, meta));
    if (plan.goal === 'in_service') return;
    const done = offering.unit === '小时' ? { actualMinutes: plan.minutes ?? quantity * 60 } : { quantity };
    add(at(3 + Math.max(1, (plan.minutes ?? 60) / 60)), (id) => svc.completeOrder(sim, provider, id, { ...done, note: '服务完成，已请居民确认。' }, meta));
    if (plan.goal === 'completed') return;
    add(at(8), (id) => svc.confirmMyOrder(sim, resident, id, { rating: plan.rating ?? 5, comment: plan.comment }, meta));
    if (plan.who === 'resident01' && plan.rating && plan.rating <= 3) complaintPlan = i;
  });
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const e of events) {
    clock = e.at;
    await e.run();
  }
  const complaintOrder = complaintPlan === null ? null : (orderIds.get(complaintPlan) ?? null);

  // One complaint: resident01's late plumber, accepted, answered by the provider, waiting to be closed.
  if (complaintOrder) {
    const resident = actors.get('resident01')!;
    clock = anchor - 19 * DAY;
    const detail = await svc.fileComplaint(sim, resident, complaintOrder, { content: '师傅比约定时间晚到四十分钟，也没有提前打电话告知，老人在家一直等。' }, meta);
    clock += 2 * HOUR;
    await svc.handleComplaint(sim, staff, detail.complaint!.id, { action: 'accept' }, meta);
    clock += 5 * HOUR;
    await svc.replyToComplaint(sim, actors.get('provider04')!, detail.complaint!.id, { reply: '当天前一单漏水抢修耽误了时间，未及时告知是我们的不对，已向老人当面道歉，今后提前电话联系。' }, meta);
  }
  log(`  convenience: ${providerIds.size} providers, ${offerings.size} offerings, 1 purchased-service rule, ${count} orders`);
}
