import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import type { DonationInput } from './fund.schema.js';
import * as fund from './fund.service.js';

/**
 * 西山社区互助基金 over the last seven months: donations by companies, residents, anonymous givers
 * and in goods; a donation keyed in as 5,000 元 instead of 500 and reversed the same day; an
 * application for 大病救助 filed at the desk for a resident of 第四网格, approved by 王秀英
 * (community staff) and the party secretary at 8,000 元 and paid in two parts (transfer and
 * goods); and 朱志强's application for 临时困难 with one approval so far.
 */

const DAY = 86_400_000;

export async function seedFundDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const at = (daysAgo: number): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY) });
  const day = (daysAgo: number) => new Date(anchor + 8 * 3_600_000 - daysAgo * DAY).toISOString().slice(0, 10);
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const party = (await loadActor(db, refs.user('party').id))!;
  const xishan = refs.node('xishan');

  const f = await fund.createFund(at(215), staff, { orgNodeId: xishan.id, name: '西山社区互助基金', description: '西山社区居民委员会设立，接受社会各界捐赠，用于辖区困难居民的大病、临时困难、灾害救助和助学。账目每月公开，捐赠人可匿名。' }, meta);

  const give = (daysAgo: number, d: Omit<DonationInput, 'receivedOn' | 'note' | 'goods' | 'anonymous'> & { goods?: string; anonymous?: boolean; note?: string }) =>
    fund.recordDonation(at(daysAgo), staff, f.id, { goods: null, anonymous: false, note: null, ...d, receivedOn: day(daysAgo) }, meta);
  await give(210, { kind: 'transfer', amountFen: 2_000_000, donorType: 'organisation', donorName: '海宁市西山物业服务有限公司', note: '年度公益捐赠' });
  await give(205, { kind: 'cash', amountFen: 50_000, donorType: 'person', donorName: '沈国良' });
  await give(176, { kind: 'cash', amountFen: 100_000, donorType: 'person', donorName: '陆建明', anonymous: true });
  await give(150, { kind: 'in_kind', amountFen: 480_000, goods: '东北大米 50 袋、菜籽油 30 桶', donorType: 'organisation', donorName: '海宁皮革城商户联合会' });
  await give(118, { kind: 'cash', amountFen: 20_000, donorType: 'person', donorName: '徐美玲' });
  const wrong = await give(88, { kind: 'cash', amountFen: 500_000, donorType: 'person', donorName: '钱文华', note: '社区老党员' });
  await fund.reverseDonation(at(88), staff, wrong.id, '金额录入错误：收据金额为 500 元，误录为 5000 元', meta);
  await give(88, { kind: 'cash', amountFen: 50_000, donorType: 'person', donorName: '钱文华', note: '社区老党员' });
  await give(60, { kind: 'transfer', amountFen: 200_000, donorType: 'person', donorName: '王海燕', anonymous: true });
  await give(22, { kind: 'transfer', amountFen: 300_000, donorType: 'organisation', donorName: '海宁市硖石街道商会' });

  // 大病救助 filed at the desk for a resident of 第四网格, approved by two people and paid in two parts.
  const [patient] = await refs.people(refs.grid(4), { minAge: 55, maxAge: 70, limit: 1 });
  let applications = 0;
  if (patient) {
    const app = await fund.fileOnBehalf(at(75), staff, f.id, { personId: patient.id, category: '大病救助', reason: '本人今年 3 月确诊肺癌，已手术并开始化疗，医保报销后自付部分约 4.6 万元；配偶无固定收入，家庭已无力承担后续治疗费用。附出院小结和费用清单。', amountFen: 1_000_000, attachmentIds: [] }, meta);
    const first = await fund.decide(at(72), staff, app.id, { decision: 'approve', amountFen: 800_000, comment: '经入户核实情况属实，建议救助 8000 元', expectedVersion: app.version }, meta);
    await fund.decide(at(71), party, app.id, { decision: 'approve', amountFen: 800_000, comment: '同意，按基金章程上限救助 8000 元', expectedVersion: first.version }, meta);
    await fund.disburse(at(69), staff, app.id, { amountFen: 700_000, method: 'transfer', paidOn: day(69), note: '转入本人社保卡银行账户' }, meta);
    await fund.disburse(at(69), staff, app.id, { amountFen: 100_000, method: 'in_kind', paidOn: day(69), note: '大米 5 袋、菜籽油 5 桶，社区工作人员送至家中' }, meta);
    applications++;
  }
  // 朱志强 applies himself; one approval so far.
  const zhu = await loadActor(db, refs.user('resident01').id);
  if (zhu?.personId) {
    const mine = await fund.submitApplication(at(6), zhu, { category: '临时困难', reason: '父亲上月在家摔伤致股骨骨折住院，本人为照顾父亲暂停工作一个月，家庭临时周转困难，申请临时救助。', amountFen: 300_000, attachmentIds: [] }, meta);
    await fund.decide(at(4), staff, mine.id, { decision: 'approve', amountFen: 200_000, comment: '情况属实，建议临时救助 2000 元，待第二位委员审批', expectedVersion: mine.version }, meta);
    applications++;
  }
  seed.log(`volunteers: 西山社区互助基金 with 9 donations (1 reversed), ${applications} applications`);
}
