import { Readable } from 'node:stream';
import type { DemoSeedContext } from '../../platform/module.js';
import type { PlatformContext } from '../../platform/context.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingHours } from '../../platform/calendar/working-time.js';
import { storeAttachment } from '../../platform/files/files.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import { loadDemoRefs, type DemoPerson } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { ATTACHMENT_PURPOSE, submitOnBehalf, submitOwn, takeStep, type MaterialFileInput, type StepInput } from './applications.service.js';
import type { ApplicationRating } from './applications.table.js';
import type { FormField, MatterContent } from './matters.schema.js';
import { getPublishedContent, uploadMaterialsOf } from './matters.service.js';
import type { ApplicationTransition } from './services.workflow.js';

/**
 * The demo's applications: about forty over the last five weeks, in every state (待受理 with
 * a limit running out or past, 待补正, 审核中, 待办结, 已办结, 已评价, 不予受理, 审核不通过,
 * 已撤回), resident01's own among them (one waiting for his correction), most of the rest
 * 代办 by grid workers and the community for elderly and disabled residents. Each is walked
 * through the real service on a moving clock, so numbers, timelines, notifications, audit
 * and statistics look lived in. Deterministic for a seed (the seed context's `random`); only
 * the anchor is the seeding day.
 */

type Goal = 'submitted' | 'returned' | 'accepted' | 'approved' | 'completed' | 'rated' | 'refused' | 'denied' | 'withdrawn' | 'resubmitted';

interface Plan {
  matter: string;
  goal: Goal;
  /** Working days before now when it was submitted. */
  daysAgo: number;
  who: 'resident01' | 'volunteer01' | 'behalf';
  /** For 代办: which grid's elderly residents, and who applies. */
  grid?: number;
  agent?: 'grid01' | 'grid02' | 'xishan';
  minAge?: number;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

const PLANS: Plan[] = [
  // resident01 (朱志强): one rated, one done waiting for his rating, one under review, one waiting for his correction, one just submitted.
  { matter: 'jiating-yisheng', goal: 'rated', daysAgo: 22, who: 'resident01' },
  { matter: 'linghuo-jiuye-canbao', goal: 'completed', daysAgo: 12, who: 'resident01' },
  { matter: 'yibao-canbao', goal: 'accepted', daysAgo: 4, who: 'resident01' },
  { matter: 'chuzu-fangwu-beian', goal: 'returned', daysAgo: 3, who: 'resident01' },
  { matter: 'jiuye-dengji', goal: 'submitted', daysAgo: 0.3, who: 'resident01' },
  // volunteer01 (徐美玲).
  { matter: 'laonian-xuexiao', goal: 'rated', daysAgo: 18, who: 'volunteer01' },
  { matter: 'manbing-guanli', goal: 'submitted', daysAgo: 0.6, who: 'volunteer01' },
  // 代办 for elderly and disabled residents, across the community's grids.
  { matter: 'gaoling-jintie', goal: 'rated', daysAgo: 24, who: 'behalf', grid: 1, agent: 'grid01', minAge: 80 },
  { matter: 'gaoling-jintie', goal: 'completed', daysAgo: 15, who: 'behalf', grid: 2, agent: 'grid02', minAge: 80 },
  { matter: 'gaoling-jintie', goal: 'accepted', daysAgo: 9, who: 'behalf', grid: 3, agent: 'xishan', minAge: 80 },
  { matter: 'gaoling-jintie', goal: 'submitted', daysAgo: 2.2, who: 'behalf', grid: 4, agent: 'xishan', minAge: 80 },
  { matter: 'gaoling-jintie', goal: 'submitted', daysAgo: 0.8, who: 'behalf', grid: 1, agent: 'grid01', minAge: 80 },
  { matter: 'jujia-yanglao-butie', goal: 'rated', daysAgo: 23, who: 'behalf', grid: 1, agent: 'grid01', minAge: 75 },
  { matter: 'jujia-yanglao-butie', goal: 'approved', daysAgo: 13, who: 'behalf', grid: 5, agent: 'xishan', minAge: 75 },
  { matter: 'jujia-yanglao-butie', goal: 'resubmitted', daysAgo: 8, who: 'behalf', grid: 2, agent: 'grid02', minAge: 75 },
  { matter: 'jujia-yanglao-butie', goal: 'denied', daysAgo: 20, who: 'behalf', grid: 6, agent: 'xishan', minAge: 75 },
  { matter: 'laonian-youdaizheng', goal: 'rated', daysAgo: 21, who: 'behalf', grid: 7, agent: 'xishan', minAge: 60 },
  { matter: 'laonian-youdaizheng', goal: 'completed', daysAgo: 6, who: 'behalf', grid: 1, agent: 'grid01', minAge: 60 },
  { matter: 'laonian-youdaizheng', goal: 'refused', daysAgo: 11, who: 'behalf', grid: 8, agent: 'xishan', minAge: 60 },
  { matter: 'laonian-zhucan', goal: 'rated', daysAgo: 19, who: 'behalf', grid: 2, agent: 'grid02', minAge: 80 },
  { matter: 'laonian-zhucan', goal: 'accepted', daysAgo: 2, who: 'behalf', grid: 9, agent: 'xishan', minAge: 80 },
  { matter: 'laonian-zhucan', goal: 'withdrawn', daysAgo: 10, who: 'behalf', grid: 1, agent: 'grid01', minAge: 80 },
  { matter: 'laonian-tijian', goal: 'rated', daysAgo: 16, who: 'behalf', grid: 10, agent: 'xishan', minAge: 65 },
  { matter: 'laonian-tijian', goal: 'submitted', daysAgo: 1.4, who: 'behalf', grid: 2, agent: 'grid02', minAge: 65 },
  { matter: 'laonian-nengli-pinggu', goal: 'accepted', daysAgo: 12, who: 'behalf', grid: 11, agent: 'xishan', minAge: 80 },
  { matter: 'canji-liangxiang-butie', goal: 'rated', daysAgo: 25, who: 'behalf', grid: 1, agent: 'grid01' },
  { matter: 'canji-liangxiang-butie', goal: 'returned', daysAgo: 5, who: 'behalf', grid: 12, agent: 'xishan' },
  { matter: 'canjiren-zheng', goal: 'approved', daysAgo: 14, who: 'behalf', grid: 2, agent: 'grid02' },
  { matter: 'dibao', goal: 'accepted', daysAgo: 17, who: 'behalf', grid: 3, agent: 'xishan' },
  { matter: 'dibao', goal: 'rated', daysAgo: 26, who: 'behalf', grid: 1, agent: 'grid01' },
  { matter: 'dibao', goal: 'denied', daysAgo: 22, who: 'behalf', grid: 4, agent: 'xishan' },
  { matter: 'linshi-jiuzhu', goal: 'completed', daysAgo: 7, who: 'behalf', grid: 5, agent: 'xishan' },
  { matter: 'linshi-jiuzhu', goal: 'submitted', daysAgo: 0.2, who: 'behalf', grid: 2, agent: 'grid02' },
  { matter: 'yiliao-jiuzhu', goal: 'resubmitted', daysAgo: 9, who: 'behalf', grid: 6, agent: 'xishan' },
  { matter: 'tekun-gongyang', goal: 'accepted', daysAgo: 6, who: 'behalf', grid: 7, agent: 'xishan', minAge: 70 },
  { matter: 'jiating-yisheng', goal: 'rated', daysAgo: 14, who: 'behalf', grid: 1, agent: 'grid01', minAge: 70 },
  { matter: 'jiating-yisheng', goal: 'refused', daysAgo: 4, who: 'behalf', grid: 8, agent: 'xishan', minAge: 70 },
  { matter: 'menzhen-mantebing', goal: 'completed', daysAgo: 10, who: 'behalf', grid: 2, agent: 'grid02', minAge: 60 },
  { matter: 'juzhu-dengji', goal: 'rated', daysAgo: 8, who: 'behalf', grid: 9, agent: 'xishan' },
];

const REASONS = ['高龄老人行动不便，网格员上门代办', '独居老人不会使用手机，社区代为申请', '重度残疾行动不便，家属电话委托代办', '老人到社区窗口办理，工作人员代为录入'];
const RETURN_NOTES = ['材料照片模糊，请重新拍摄上传', '请补充户口簿本人页', '请补充银行卡照片，须为本人名下账户'];
const REFUSE_NOTES = ['经核实申请人不符合本事项申请条件', '申请人已在其他渠道办理，请勿重复申请'];
const DENY_NOTES = ['经入户调查，家庭收入超过规定标准', '经评估不符合补贴条件'];
const RESULTS = ['经审核符合条件，已办结', '已办结，证件已送达', '补贴已核定，次月起发放'];
const COMMENTS: Record<ApplicationRating, string[]> = { 满意: ['办理很快，工作人员很耐心', '网格员上门服务，很方便'], 基本满意: ['总体还行，材料要求可以一次说清楚'], 不满意: ['等的时间有点长'] };

const TEXTS: Record<string, string> = {
  reason: '家庭困难，特此申请',
  hospital: '海宁市人民医院',
  occupation: '个体经营',
  employer: '海宁经编园区某纺织公司',
  childName: '朱小雨',
  studentName: '陈思远',
  school: '海宁市紫微小学',
  lastEmployer: '海宁某皮革公司',
  diet: '低盐',
  note: '无',
  spouseName: '李秀兰',
};

/** Plausible values for a form's own fields (prefilled ones come from the record). */
export function formFor(r: () => number, fields: FormField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.prefill || (!f.required && r() < 0.4)) continue;
    switch (f.type) {
      case 'number': {
        const min = f.min ?? 0;
        const max = Math.min(f.max ?? min + 100, min + (f.key.toLowerCase().includes('income') || f.key === 'amount' || f.key === 'rent' ? 3000 : 5));
        out[f.key] = Math.round(min + r() * (max - min));
        break;
      }
      case 'date':
        out[f.key] = `20${String(10 + Math.floor(r() * 15)).padStart(2, '0')}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`;
        break;
      case 'select':
        out[f.key] = pick(r, f.options ?? []).value;
        break;
      case 'multiselect':
        out[f.key] = [pick(r, f.options ?? []).value];
        break;
      case 'checkbox':
        out[f.key] = f.required ? true : r() < 0.5;
        break;
      case 'idNumber':
        out[f.key] = composeIdNumber('330481', `19${50 + Math.floor(r() * 40)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`, 100 + Math.floor(r() * 800));
        break;
      case 'phone':
        out[f.key] = '13905730000';
        break;
      default:
        out[f.key] = TEXTS[f.key] ?? '见申请材料';
    }
  }
  return out;
}

export async function seedServicesDemo({ ctx, random: r, log }: DemoSeedContext): Promise<void> {
  const refs = await loadDemoRefs(ctx);
  if (refs.grids.length === 0) return;
  const db = ctx.db.kysely;
  const actors: Record<string, Actor> = {};
  for (const u of ['xishan', 'grid01', 'grid02', 'resident01', 'volunteer01']) {
    const a = await loadActor(db, refs.user(u).id);
    if (a) actors[u] = { ...a, via: 'session' };
  }
  if (!actors.resident01?.personId || !actors.xishan) return;

  const calendar = await getWorkCalendar(ctx);
  const anchor = ctx.now().getTime();
  let clock = anchor;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const png = await renderQrPng('linli-demo-material');
  const meta = {};
  /** A working moment `days` working days (7.5 hours each) before now. */
  const before = (days: number) => {
    let t = anchor - days * 1.4 * 86_400_000;
    // Into office hours: the next working moment after t.
    t = addWorkingHours(calendar, new Date(t), 0.1 + r() * 0.5).getTime();
    return Math.min(t, anchor - 10 * 60_000);
  };
  const later = (hours: number) => addWorkingHours(calendar, new Date(clock), Math.max(0.05, hours)).getTime();
  const upload = async (actor: Actor, n: number) =>
    (await storeAttachment(sim, actor, { stream: Readable.from([png]), originalName: `IMG_${2000 + n}.png`, purpose: ATTACHMENT_PURPOSE }, meta)).id;
  const used = new Set<string>();
  const peopleOf = new Map<string, DemoPerson[]>();
  const counts: Record<string, number> = {};
  let fileNo = 0;

  // Oldest first, so each day's numbers count up in order.
  const plans = PLANS.map((p) => ({ p, t: before(p.daysAgo) })).sort((a, b) => a.t - b.t);
  for (const { p, t } of plans) {
    const found = await getPublishedContent(ctx, p.matter);
    if (!found?.content.form) continue;
    const content: MatterContent = found.content;
    clock = t;
    const uploads = uploadMaterialsOf(content);
    const required = content.materials.filter((m) => m.required && uploads.includes(m.code));
    let id: string;
    let applicantSide: Actor;
    try {
      if (p.who === 'behalf') {
        const agent = actors[p.agent ?? 'xishan']!;
        const grid = refs.grid(p.grid ?? 1);
        const key = `${grid.id}:${p.minAge ?? 0}`;
        const people: DemoPerson[] = peopleOf.get(key) ?? (await refs.people(grid, { limit: 30, minAge: p.minAge }));
        peopleOf.set(key, people);
        const person = people.find((x) => !used.has(`${p.matter}:${x.id}`) && x.id !== actors.resident01!.personId && x.id !== actors.volunteer01?.personId);
        if (!person) continue;
        used.add(`${p.matter}:${person.id}`);
        // Papers collected at home for some, photos taken on the worker's phone for others.
        const onPaper = r() < 0.4 ? required.map((m) => m.code) : [];
        const files: MaterialFileInput[] = [];
        for (const m of required) if (!onPaper.includes(m.code)) files.push({ materialCode: m.code, attachmentId: await upload(agent, ++fileNo) });
        const res = await submitOnBehalf(sim, agent, { matterCode: p.matter, personId: person.id, reason: pick(r, REASONS), form: formFor(r, content.form!.fields), files, paperMaterials: onPaper }, meta);
        id = res.id;
        applicantSide = agent;
      } else {
        const actor = actors[p.who]!;
        if (!actor.personId) continue;
        const files: MaterialFileInput[] = [];
        for (const m of required) files.push({ materialCode: m.code, attachmentId: await upload(actor, ++fileNo) });
        id = (await submitOwn(sim, actor, { matterCode: p.matter, form: formFor(r, content.form!.fields), files }, meta)).id;
        applicantSide = actor;
      }
    } catch (e) {
      log(`  services demo: skipped one application (${(e as Error).message})`);
      continue;
    }

    const staff = actors.xishan;
    const step = async (who: Actor, name: ApplicationTransition | 'resubmit', hours: number, body: StepInput = {}) => {
      const next = later(hours);
      if (next >= anchor) return false;
      clock = next;
      await takeStep(sim, who, id, name, body, meta);
      return true;
    };
    const run = async (): Promise<string> => {
      const g = p.goal;
      if (g === 'submitted') return 'submitted';
      if (g === 'withdrawn') return (await step(applicantSide, 'withdraw', 1, { comment: '老人已由子女陪同到窗口办理' })) ? 'withdrawn' : 'submitted';
      if (g === 'refused') return (await step(staff, 'refuse', 2, { comment: pick(r, REFUSE_NOTES) })) ? 'refused' : 'submitted';
      const correctionFirst = g === 'returned' && r() < 0.5;
      if (correctionFirst) {
        const missing = content.materials.find((m) => !m.required && m.online)?.code ?? required[0]?.code;
        return (await step(staff, 'return', 1 + r() * 3, { comment: pick(r, RETURN_NOTES), missingMaterials: missing ? [missing] : [] })) ? 'returned' : 'submitted';
      }
      if (!(await step(staff, 'accept', 0.5 + r() * 4))) return 'submitted';
      if (g === 'accepted') return 'accepted';
      if (g === 'returned' || g === 'resubmitted') {
        const missing = content.materials.find((m) => !m.required && m.online)?.code ?? required[0]?.code;
        if (!(await step(staff, 'return', 2 + r() * 6, { comment: pick(r, RETURN_NOTES), missingMaterials: missing ? [missing] : [] }))) return 'accepted';
        if (g === 'returned') return 'returned';
        const files = missing ? [{ materialCode: missing, attachmentId: await upload(applicantSide, ++fileNo) }] : [];
        return (await step(applicantSide, 'resubmit', 4 + r() * 8, { files, comment: '已补充材料' })) ? 'accepted' : 'returned';
      }
      if (g === 'denied') return (await step(staff, 'deny', 4 + r() * 20, { comment: pick(r, DENY_NOTES) })) ? 'denied' : 'accepted';
      const reviewHours = Math.min(content.timeLimitDays * 7.5 * (0.3 + r() * 0.6), 60);
      if (!(await step(staff, 'approve', Math.max(0.5, reviewHours * 0.7)))) return 'accepted';
      if (g === 'approved') return 'approved';
      if (!(await step(staff, 'complete', Math.max(0.3, reviewHours * 0.3), { comment: pick(r, RESULTS) }))) return 'approved';
      if (g === 'completed') return 'completed';
      const rating: ApplicationRating = r() < 0.8 ? '满意' : r() < 0.7 ? '基本满意' : '不满意';
      return (await step(applicantSide, 'rate', 1 + r() * 10, { rating, comment: pick(r, COMMENTS[rating]) })) ? 'rated' : 'completed';
    };
    const reached = await run();
    counts[reached] = (counts[reached] ?? 0) + 1;
  }
  log(`  services: ${Object.values(counts).reduce((a, b) => a + b, 0)} demo applications (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
}
