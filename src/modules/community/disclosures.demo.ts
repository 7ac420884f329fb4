import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import * as d from './disclosures.service.js';

/**
 * The demo's 公开栏 for 西山社区: a quarterly 财务收支公开 schedule with the last quarters
 * published and the latest one late (so the calendar and the warning show), a 低保 list
 * published with masked numbers, a 党务 item, and a resident's question with its answer.
 */

const DAY = 86_400_000;

export async function seedDisclosuresDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const staff = (await loadActor(ctx.db.kysely, refs.user('xishan').id))!;
  const party = (await loadActor(ctx.db.kysely, refs.user('party').id))!;
  const resident = (await loadActor(ctx.db.kysely, refs.user('resident01').id))!;
  const xishan = refs.node('xishan').id;
  const now = ctx.now().getTime();
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });

  const schedule = await d.createSchedule(at(now - 330 * DAY), staff, { orgNodeId: xishan, category: 'finance', title: '社区财务收支季度公开', frequency: 'quarterly', dueDays: 15 }, meta);
  // Every quarter due so far but the latest is published, each ten days after its quarter ended.
  const cal = await d.calendar(ctx, staff);
  const late = cal.items.find((s) => s.id === schedule.id)!.late;
  const incomes: [number, number][] = [[1_286_000, 1_041_500], [1_310_000, 1_198_200], [1_275_500, 1_302_800], [1_290_000, 1_150_300]];
  for (const [i, p] of late.slice(1).reverse().entries()) {
    const [income, spending] = incomes[i % incomes.length]!;
    const when = at(new Date(p.dueAt).getTime() - 5 * DAY);
    const item = await d.createItem(when, staff, {
      orgNodeId: xishan,
      category: 'finance',
      title: `西山社区${p.period.replace('-', '年第').replace('Q', '')}季度财务收支公开`,
      body: `本季度收入 ${(income / 100).toFixed(2)} 元（上级拨付办公经费、党组织服务群众经费、社区公益金），支出 ${(spending / 100).toFixed(2)} 元（办公、活动、困难群众慰问、网格员通讯补贴）。明细见附件，欢迎居民监督。`,
      amountFen: income - spending,
      scheduleId: schedule.id,
      period: p.period,
      attachmentIds: [],
    }, meta);
    await d.publishItem(when, staff, item.id, { expectedVersion: item.version! }, meta);
  }

  const dibao = await d.createItem(at(now - 20 * DAY), staff, {
    orgNodeId: xishan,
    category: 'affairs',
    title: '2026年第四季度最低生活保障对象公示',
    body: '经个人申请、入户调查、民主评议，拟新增以下低保对象，公示期7天。如有异议请向社区或街道民政办反映（0573-87012345）。\n1. 王** 330481********0024 家庭人口2人\n2. 陈** 330481********0513 家庭人口3人\n3. 沈** 330481********1226 家庭人口1人',
    attachmentIds: [],
  }, meta);
  await d.publishItem(at(now - 20 * DAY), staff, dibao.id, { expectedVersion: dibao.version! }, meta);

  const dues = await d.createItem(at(now - 12 * DAY), party, {
    orgNodeId: xishan,
    category: 'party',
    title: '西山社区党委2026年1—10月党费收缴使用情况',
    body: '1—10月共收缴党费 38,640.00 元，按规定全额上缴街道党工委；下拨党组织工作经费 12,000.00 元，用于“邻里守望”志愿服务和困难党员慰问。',
    amountFen: 3_864_000,
    attachmentIds: [],
  }, meta);
  await d.publishItem(at(now - 12 * DAY), party, dues.id, { expectedVersion: dues.version! }, meta);

  if (resident.personId) {
    const withQ = await d.askQuestion(at(now - 10 * DAY), resident, dues.id, { question: '困难党员慰问一共慰问了多少人？标准是多少？' }, meta);
    await d.answerQuestion(at(now - 9 * DAY), party, withQ.questions[0]!.id, { answer: '共慰问困难党员9人，每人500元慰问金及米油，名单已在党员大会上通报。' }, meta);
  }
  // The latest quarter is still missing: the hourly job warns the community's staff once.
  const warned = await d.warnLateDisclosures(ctx);
  seed.log(`disclosures: ${late.length - 1} quarters published, ${warned} late warning(s)`);
}
