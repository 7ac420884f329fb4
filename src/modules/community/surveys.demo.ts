import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { QuestionInput } from './surveys.schema.js';
import * as surveys from './surveys.service.js';

/**
 * The demo's 民意调查 in 西山社区: a closed survey of 第一网格 about the refuse points with 60
 * responses (deterministic: the first 60 eligible people by id, answers from a fixed generator),
 * and an open, named survey of the whole community whose results residents see after answering.
 */

const DAY = 86_400_000;

const CLOSED_QUESTIONS: QuestionInput[] = [
  { kind: 'single', title: '您对小区垃圾分类投放点的整体满意度', required: true, options: ['很满意', '比较满意', '一般', '不满意'] },
  { kind: 'multiple', title: '您认为投放点最需要改进的是（最多选两项）', required: true, options: ['异味', '投放时间', '分类指引', '清运频次', '照明'], minPicks: 1, maxPicks: 2 },
  { kind: 'rating', title: '请为桶边督导志愿者打分（1–5 分）', required: true },
  { kind: 'text', title: '其他意见和建议', required: false, maxLength: 300 },
];

const OPEN_QUESTIONS: QuestionInput[] = [
  { kind: 'single', title: '社区养老服务中心的助餐服务，您希望增加哪一餐', required: true, options: ['早餐', '午餐', '晚餐', '不需要'] },
  { kind: 'multiple', title: '您愿意参加的社区活动（可多选）', required: false, options: ['健康讲座', '书画班', '广场舞', '亲子活动', '法律咨询'], minPicks: 0, maxPicks: 5 },
  { kind: 'rating', title: '您对社区工作人员服务态度的评价', required: true },
  { kind: 'text', title: '您的建议', required: false, maxLength: 500 },
];

const TEXTS = ['希望早上也能开放投放点', '晚上投放点灯太暗', '志愿者很辛苦，谢谢', '建议增加洗手池', '厨余桶要及时清洗'];

/** A small fixed generator (mulberry32): the same answers on every seed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function seedSurveysDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const xishan = (await loadActor(ctx.db.kysely, refs.user('xishan').id))!;
  const at = (ms: number): PlatformContext => ({ ...ctx, now: () => new Date(ms) });

  // 1. Closed: 第一网格, three weeks ago, 60 responses, results public.
  const t0 = anchor - 21 * DAY;
  const closed = await surveys.createSurvey(
    at(t0),
    xishan,
    {
      orgNodeId: refs.node('xishan').id,
      title: '垃圾分类投放点满意度调查',
      description: '为改进第一网格各小区的垃圾分类投放点，请您花两分钟填写。',
      questions: CLOSED_QUESTIONS,
      audience: { nodeIds: [refs.node('grid01').id], tags: [], tagMode: 'any' },
      anonymous: true,
      resultsPublic: true,
      opensAt: new Date(t0).toISOString(),
      closesAt: new Date(t0 + 14 * DAY).toISOString(),
    },
    meta,
  );
  await surveys.publishSurvey(at(t0 + 60_000), xishan, closed.id, { expectedVersion: closed.version }, meta);
  const row = await ctx.db.kysely.selectFrom('survey').selectAll().where('id', '=', closed.id).executeTakeFirstOrThrow();
  const people = await ctx.db.kysely.selectFrom('survey_eligible').select(['person_id', 'user_id']).where('survey_id', '=', closed.id).orderBy('person_id').limit(60).execute();
  const r = rng(20261126);
  const pick = (weights: number[]) => {
    const x = r() * weights.reduce((s, w) => s + w, 0);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) if (x < (acc += weights[i]!)) return i;
    return weights.length - 1;
  };
  const letters = 'abcde';
  for (const [i, p] of people.entries()) {
    const two = [pick([3, 2, 3, 2, 1]), pick([3, 2, 3, 2, 1])];
    const picks = [...new Set(two)].map((k) => letters[k]!);
    const answers = [
      { question_id: 'q1', option_id: letters[pick([3, 4, 2, 1])]!, rating: null, text: null },
      ...picks.map((o) => ({ question_id: 'q2', option_id: o, rating: null, text: null })),
      { question_id: 'q3', option_id: null, rating: 1 + pick([1, 1, 3, 6, 5]), text: null },
      ...(i % 6 === 0 ? [{ question_id: 'q4', option_id: null, rating: null, text: TEXTS[(i / 6) % TEXTS.length]! }] : []),
    ];
    await ctx.db.kysely.transaction().execute((trx) => surveys.writeResponse(trx, { row, personId: p.person_id, userId: p.user_id, at: new Date(t0 + DAY + i * 3_600_000), answers }));
  }
  await surveys.closeSurvey(at(t0 + 14 * DAY), xishan, closed.id, meta);

  // 2. Open: the whole community, named, results public after answering; open for two more weeks.
  const t1 = anchor - 2 * DAY;
  const open = await surveys.createSurvey(
    at(t1),
    xishan,
    {
      orgNodeId: refs.node('xishan').id,
      title: '社区养老与活动需求调查',
      description: '社区将根据大家的需求安排明年的助餐和活动，请如实填写。',
      questions: OPEN_QUESTIONS,
      audience: { nodeIds: [refs.node('xishan').id], tags: [], tagMode: 'any' },
      anonymous: false,
      resultsPublic: true,
      opensAt: new Date(t1).toISOString(),
      closesAt: new Date(anchor + 14 * DAY).toISOString(),
    },
    meta,
  );
  await surveys.publishSurvey(at(t1 + 60_000), xishan, open.id, { expectedVersion: open.version }, meta);
  seed.log(`surveys: 1 closed with ${people.length} responses, 1 open`);
}
