import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { peopleHoldingTag } from '../registry/registry.facts.js';
import * as visits from './visits.service.js';

/**
 * The demo's 走访: 西山社区 visits its 独居老人 weekly and its 低保 households monthly; grid01
 * has visited most of its elders this week (one visit found a broken stair light, now an event;
 * an earlier one found an elder who cannot cook, now a 老年助餐 application made for her),
 * the rest are overdue, so the due list and the morning alert show something.
 */

const DAY = 86_400_000;
const FINDINGS = ['精神状态良好，独自生活能自理，冰箱里有蔬菜和鸡蛋。', '血压偏高，已提醒按时服药，子女每周来一次。', '腿脚不便，下楼买菜困难，希望有人代购。', '家中整洁，询问了冬季取暖情况，电热毯正常使用。'];

export async function seedVisitsDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const staff = (await loadActor(ctx.db.kysely, refs.user('xishan').id))!;
  const grid01 = (await loadActor(ctx.db.kysely, refs.user('grid01').id))!;
  const now = ctx.now().getTime();
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const xishan = refs.node('xishan').id;
  await visits.createPlan(at(now - 60 * DAY), staff, { orgNodeId: xishan, title: '独居老人每周走访', tag: '独居老人', intervalDays: 7 }, meta);
  await visits.createPlan(at(now - 60 * DAY), staff, { orgNodeId: xishan, title: '低保家庭每月走访', tag: '低保', intervalDays: 30 }, meta);
  const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
  const elders = await peopleHoldingTag(ctx.db.kysely, [refs.node('grid01').path], '独居老人', day);
  let n = 0;
  for (const [i, p] of elders.entries()) {
    if (i % 4 === 3) continue; // a quarter not visited this week: overdue
    const when = now - ((i % 6) + 1) * DAY;
    const needs = i % 4 === 2 ? [{ kind: '代购', note: '每周二代买蔬菜' }] : [];
    const v = await visits.recordVisit(at(when), grid01, { personId: p.personId, kind: i % 5 === 0 ? 'phone' : 'home', findings: FINDINGS[i % FINDINGS.length]!, needs, attachmentIds: [] }, meta);
    if (n === 0) {
      await visits.visitToEvent(at(when + 3_600_000), grid01, v.id, { categoryCode: '0201', description: '走访发现：楼道照明灯损坏，老人夜间上下楼有摔倒风险' }, meta);
    }
    n++;
  }
  // Five days ago: a need for meals, applied for on the spot (代办, ID card seen on paper).
  let applied = 0;
  const diner = elders[1];
  if (diner) {
    const when = now - 5 * DAY;
    const v = await visits.recordVisit(at(when), grid01, { personId: diner.personId, kind: 'home', findings: '腿脚不便，自己做饭困难，子女在外地工作。', needs: [{ kind: '助餐', note: '希望每天中午送餐上门' }], attachmentIds: [] }, meta);
    try {
      await visits.needToApplication(at(when + 3_600_000), grid01, v.id, 0, { matter: 'laonian-zhucan', form: { way: '送餐上门', diet: '低盐、软食' }, files: [], paperMaterials: ['id-card'] }, meta);
      applied = 1;
    } catch (e) {
      seed.log(`visits: the 助餐 need stayed a need (${(e as Error).message})`);
    }
    n++;
  }
  const alerts = await visits.sendVisitAlerts(ctx);
  seed.log(`visits: 2 plans, ${n} visits, ${applied} need(s) applied for, ${alerts} overdue alert(s)`);
}
