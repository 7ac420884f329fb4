import type { DemoSeedContext } from '../../platform/module.js';
import type { PlatformContext } from '../../platform/context.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingHours } from '../../platform/calendar/working-time.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs, type DemoNode } from '../../demo/refs.js';
import { linkDefaultDepartments } from './categories.service.js';
import { CLOCKED_STATES, runDeadlineCheck, type DeadlineRun } from './events.deadlines.job.js';
import { loadEventActor } from './events.fixture.js';
import { boxOf, containsPoint, type Geometry } from './events.geo.js';
import { reportEvent, takeStep, type ReportEventInput, type StepInput } from './events.service.js';
import type { EventChannel, EventRating, EventUrgency } from './events.table.js';
import type { GridEventTransition } from './events.workflow.js';

/**
 * The demo community's event history: about 150 events across 西山社区's twelve grids over the
 * last 60 days, each walked through the real loop (report, accept, dispatch, take, finish,
 * check, close, rate; returns, reworks, extensions, suspensions, merges, voids) on a moving
 * clock, so the workbench, the indicators and the map look lived in. Deterministic for a seed:
 * every choice comes from the seed context's `random`; only the anchor is the seeding day.
 */

interface Template {
  code: string;
  texts: string[];
  attributes?: (r: () => number) => Record<string, string | string[]>;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const chance = (r: () => number, p: number) => r() < p;

const TEMPLATES: Template[] = [
  {
    code: '0101',
    texts: ['{b}门口垃圾桶满了两天没人清运，气味很大，夏天招苍蝇', '{b}东侧绿化带里有人倾倒装修垃圾，堆了一大堆', '小区西门外人行道上堆着旧沙发和床垫，挡住了路'],
    attributes: (r) => ({ amount: pick(r, ['small', 'cart', 'large']) }),
  },
  { code: '0102', texts: ['{b}楼道墙面贴满了开锁、通下水道的小广告', '小区门口电线杆上小广告层层叠叠，影响市容', '{b}单元门上被人用油漆喷了办证电话'] },
  { code: '0103', texts: ['{r}人行道上每天傍晚有水果摊占道经营，行人只能走机动车道', '{r}早餐店把桌椅摆到人行道上，早高峰很难通行'] },
  {
    code: '0104',
    texts: ['{b}一楼楼道堆满了纸板和旧家具，存在安全隐患', '{b}楼下公共绿地被人圈起来种菜，还堆了杂物'],
    attributes: (r) => ({ place: pick(r, ['stairwell', 'road', 'green']) }),
  },
  { code: '0201', texts: ['{r}靠近小区北门的路灯连续一周不亮，晚上很黑', '{b}旁边的庭院灯灯罩掉了，灯也不亮'], attributes: (r): Record<string, string> => (chance(r, 0.5) ? { lamp_no: `XS-${100 + Math.floor(r() * 300)}` } : {}) },
  { code: '0202', texts: ['{b}南侧小区道路上一个窨井盖缺失，只用树枝挡着', '{r}人行道井盖破损翘起，已经有老人绊倒'], attributes: (r) => ({ open: pick(r, ['yes', 'no']) }) },
  { code: '0203', texts: ['{r}路面有个大坑，下雨积水，电瓶车经过很危险', '小区主干道地砖松动，踩上去会溅水'] },
  {
    code: '0204',
    texts: ['{b}电梯这两天经常停在半层，门开不了', '{b}2单元电梯异响，运行时抖动厉害，老人不敢坐'],
    attributes: (r) => ({ building: pick(r, ['3幢', '5幢', '8幢', '12幢']), trapped: chance(r, 0.15) ? 'yes' : 'no' }),
  },
  { code: '0205', texts: ['{b}楼下雨水井堵塞，污水冒到路面上', '{b}地下自来水管漏水，地面一直湿的', '{b}一楼住户家中下水道返水，疑似主管堵塞'] },
  { code: '0301', texts: ['{b}有一套房子隔成了七八间出租，进出人员很杂', '{b}三楼出租房住了十几个人，晚上很吵'], attributes: (r): Record<string, string> => (chance(r, 0.6) ? { occupants: String(8 + Math.floor(r() * 10)) } : {}) },
  { code: '0302', texts: ['小区南门门禁坏了一个多月，外来人员随便进出', '{b}附近的监控探头被树枝挡住了'] },
  { code: '0401', texts: ['{b}楼上住户空调外机滴水到楼下阳台，双方多次争吵', '{b}两户邻居因楼道堆物发生争执，需要社区调解'], attributes: (r) => ({ parties: String(2 + Math.floor(r() * 2)) }) },
  { code: '0402', texts: ['居民反映物业停车收费标准不透明，要求公示', '{b}居民对物业维修基金使用有意见，希望社区协调'] },
  { code: '0501', texts: ['{b}独居老人生活困难，希望了解低保申请条件', '一户因病致贫家庭咨询医疗救助'], attributes: (r) => ({ need: chance(r, 0.5) ? ['living', 'medical'] : [pick(r, ['living', 'medical', 'housing'])] }) },
  { code: '0502', texts: ['{b}八十多岁独居老人行动不便，需要助餐服务', '老人家属希望申请居家养老上门服务'] },
  { code: '0503', texts: ['{b}有住户晚上十点后还在装修电钻作业', '小区广场舞音响太响，影响周边住户休息', '{r}沿街烧烤店深夜排风扇噪音扰民'], attributes: (r) => ({ when: pick(r, ['day', 'night']) }) },
  { code: '0504', texts: ['{b}垃圾房附近老鼠很多，白天都能看到', '{b}地下室积水长蚊子，希望消杀'] },
  { code: '0601', texts: ['{b}外立面施工脚手架没有防护网，有东西往下掉', '{r}工地晚上十一点还在浇混凝土'] },
  { code: '0602', texts: ['{r}一家小餐馆液化气瓶放在后门过道，软管老化', '{b}楼道里闻到燃气味，不知道哪户漏气'], attributes: (r) => ({ smell: chance(r, 0.4) ? 'yes' : 'no' }) },
  {
    code: '0701',
    texts: ['{b}楼道里停了好几辆电瓶车在充电，插线板拖在地上', '{b}有住户从三楼窗口飞线给楼下电动车充电', '{b}地下车库有人私拉电线给电瓶车充电'],
    attributes: (r) => ({ how: pick(r, ['stairwell', 'flying', 'indoor']) }),
  },
  { code: '0702', texts: ['{b}消防通道被私家车长期占用，消防车进不来', '小区东门消防通道堆了建材'] },
  { code: '0703', texts: ['{b}楼道里的灭火器已经过期两年了', '{b}消火栓箱门坏了，里面水带不见了'] },
];

const CALLERS = ['张建明', '李秀兰', '王国华', '陈美芳', '沈志刚', '周丽萍', '吴金根', '徐桂英', '钱伟', '朱红梅', '陆建平', '顾雪芬'];
const HANDLING_NOTES = ['已到现场查看，正在联系物业协同处理', '已通知责任单位，约定明日上门', '已与当事人沟通，正在协调', '材料已报街道相关科室'];
const FINISH_NOTES = ['已处理完毕，现场已恢复，附处理后照片', '已清理完毕，并告知物业加强日常巡查', '已维修完成，试运行正常', '双方已达成一致，签订调解协议', '已上门宣传并督促整改到位'];
const RETURN_NOTES = ['不属于本网格职责范围，请重新派遣', '需要执法力量处置，网格无法单独完成'];
const REWORK_NOTES = ['现场复查仍有残留，请继续处理', '居民反映问题又出现了，请再次处理'];
const REJECT_NOTES = ['经核实不属于平台受理范围，已告知反映人通过司法途径解决', '重复反映，已在办理中'];

interface Plan {
  /** The furthest the event gets (if the clock allows). */
  goal: 'reported' | 'accepted' | 'dispatched' | 'handling' | 'checking' | 'closed' | 'rated' | 'rejected' | 'withdrawn' | 'voided' | 'merged' | 'suspended' | 'extension_requested';
  lateFinish: boolean;
  rework: boolean;
  returned: boolean;
  extension: 'none' | 'approved' | 'refused';
  suspend: boolean;
}

function planFor(r: () => number, ageDays: number): Plan {
  const base: Plan = { goal: 'rated', lateFinish: chance(r, 0.12), rework: chance(r, 0.08), returned: chance(r, 0.08), extension: chance(r, 0.06) ? (chance(r, 0.7) ? 'approved' : 'refused') : 'none', suspend: chance(r, 0.04) };
  const x = r();
  if (ageDays > 10) {
    base.goal = x < 0.68 ? 'rated' : x < 0.8 ? 'closed' : x < 0.85 ? 'rejected' : x < 0.88 ? 'withdrawn' : x < 0.91 ? 'merged' : x < 0.93 ? 'voided' : x < 0.96 ? 'suspended' : 'handling';
  } else if (ageDays > 3) {
    base.goal = x < 0.3 ? 'rated' : x < 0.5 ? 'closed' : x < 0.62 ? 'checking' : x < 0.8 ? 'handling' : x < 0.86 ? 'extension_requested' : x < 0.93 ? 'dispatched' : 'rejected';
  } else {
    base.goal = x < 0.25 ? 'reported' : x < 0.45 ? 'accepted' : x < 0.65 ? 'dispatched' : x < 0.85 ? 'handling' : 'checking';
  }
  return base;
}

function pointIn(r: () => number, geometry: unknown): { lat: number; lng: number } | null {
  const g = geometry as Geometry | null;
  const box = g ? boxOf(g) : null;
  if (!g || !box) return null;
  for (let i = 0; i < 50; i++) {
    const lng = box.west + r() * (box.east - box.west);
    const lat = box.south + r() * (box.north - box.south);
    if (containsPoint(g, lat, lng)) return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
  }
  return null;
}

export async function seedEventsDemo({ ctx, random: r, log }: DemoSeedContext): Promise<void> {
  await linkDefaultDepartments(ctx);
  const refs = await loadDemoRefs(ctx);
  const grids = refs.grids;
  if (grids.length === 0) return;
  const db = ctx.db.kysely;
  const actors: Record<string, Actor> = {};
  for (const u of ['xishan', 'street', 'grid01', 'grid02', 'resident01', 'volunteer01', 'civil']) actors[u] = await loadEventActor(db, refs.user(u).id);
  const buildingsOf = new Map<string, DemoNode[]>();
  for (const g of grids) buildingsOf.set(g.id, await refs.children(g, 'building', 40));
  const roads = ['西山路', '水月亭西路', '文苑路', '工人路', '海昌南路', '新民路'];

  const calendar = await getWorkCalendar(ctx);
  const anchor = ctx.now().getTime();
  let clock = anchor;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const at = (t: number) => (clock = t);
  /** The next moment `hours` working hours on (a step done in office time), never past now. */
  const later = (hours: number) => addWorkingHours(calendar, new Date(clock), Math.max(0.05, hours)).getTime();

  // Creation times first, oldest first, so each day's codes count up in order.
  const COUNT = 150;
  const created = Array.from({ length: COUNT }, () => {
    // More of them recent, as a live queue has: 60 × r^1.6 days ago.
    const day = Math.floor(60 * Math.pow(r(), 1.6));
    const minutes = 7 * 60 + Math.floor(r() * 14 * 60); // 07:00–21:00 Beijing time
    const midnightBj = Math.floor((anchor + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
    return midnightBj - day * 86_400_000 + minutes * 60_000;
  })
    .filter((t) => t < anchor - 30 * 60_000)
    .sort((a, b) => a - b);

  const openIds: string[] = [];
  let residentEvents = 0;
  const counts: Record<string, number> = {};
  for (let i = 0; i < created.length; i++) {
    at(created[i]!);
    const ageDays = (anchor - clock) / 86_400_000;
    // resident01's own: an early one closed and waiting for a rating, one rated, one running.
    const forResident = residentEvents < 3 && (i === 3 || i === Math.floor(created.length / 2) || i === created.length - 12);
    const grid = forResident ? grids[0]! : grids[Math.floor(Math.pow(r(), 1.3) * grids.length)]!;
    const gridNo = grids.indexOf(grid) + 1;
    const template = pick(r, TEMPLATES);
    const building = pick(r, buildingsOf.get(grid.id) ?? []);
    const text = pick(r, template.texts).replace('{b}', building?.name ?? '小区').replace('{r}', pick(r, roads));
    const point = pointIn(r, grid.geometry);
    const urgency: EventUrgency = chance(r, 0.05) ? '特急' : chance(r, 0.15) ? '紧急' : '一般';
    const cx = r();
    let channel: EventChannel = cx < 0.3 ? 'resident_app' : cx < 0.55 ? 'patrol' : cx < 0.75 ? 'hotline' : cx < 0.88 ? 'phone' : cx < 0.95 ? 'visit' : 'suggestion';
    if (forResident) channel = 'resident_app';
    let reporter = actors.xishan!;
    const input: ReportEventInput = { categoryCode: template.code, description: text, channel, attributes: template.attributes?.(r), ...(point ?? { orgNodeId: grid.id }) };
    if (channel === 'resident_app') {
      reporter = forResident ? actors.resident01! : actors.volunteer01!;
      if (building && chance(r, 0.3)) {
        delete input.lat;
        delete input.lng;
        input.addressNodeId = building.id;
      }
    } else {
      input.urgency = urgency;
      if (channel === 'patrol') reporter = gridNo === 1 ? actors.grid01! : gridNo === 2 ? actors.grid02! : actors.xishan!;
      if (channel === 'hotline') {
        reporter = actors.street!;
        const d = new Date(clock + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
        input.source = '12345';
        input.sourceOrderNo = `HN${d}${String(10000 + Math.floor(r() * 89999))}`;
      }
      if (channel === 'phone' || channel === 'hotline' || channel === 'visit') {
        input.reporterName = pick(r, CALLERS);
        input.reporterPhone = `1${pick(r, ['35', '37', '38', '39', '58', '59', '88'])}${String(Math.floor(r() * 1e8)).padStart(8, '0')}`;
      }
      if (!point) input.orgNodeId = grid.id;
    }
    if (channel !== 'resident_app' && input.lat !== undefined && chance(r, 0.5)) input.orgNodeId = grid.id;
    let ev;
    try {
      ev = await reportEvent(sim, { kind: 'user', actor: reporter }, input, {});
    } catch (e) {
      log(`  events demo: skipped one report (${(e as Error).message})`);
      continue;
    }
    if (forResident) residentEvents++;
    const plan = planFor(r, ageDays);
    if (forResident) plan.goal = residentEvents === 1 ? 'closed' : residentEvents === 2 ? 'rated' : 'handling';
    const reporterIsResident = channel === 'resident_app';
    const caller = reporter;

    // Who acts: community staff accept; the street centre takes hotline orders; grid workers of
    // grids 1–2 handle their own grid; other grids' events go to the community; 民生 help to 民政.
    const dispatcher = channel === 'hotline' ? actors.street! : actors.xishan!;
    let assignee: StepInput['assignee'] = { orgNodeId: refs.node('xishan').id };
    let handler = actors.xishan!;
    if (gridNo === 1 || gridNo === 2) {
      handler = gridNo === 1 ? actors.grid01! : actors.grid02!;
      assignee = { orgNodeId: grid.id, userId: handler.userId };
    }
    if (template.code === '0501') {
      assignee = { orgNodeId: refs.node('street').id, departmentCode: 'civil' };
      handler = actors.civil!;
    }
    const checker = reporterIsResident ? caller : gridNo <= 2 ? (gridNo === 1 ? actors.grid01! : actors.grid02!) : actors.xishan!;
    const dispatchBy = assignee.departmentCode ? actors.street! : dispatcher;

    const step = async (who: Actor, name: GridEventTransition, hours: number, body: StepInput = {}) => {
      const t = later(hours);
      if (t >= anchor) return false;
      at(t);
      await takeStep(sim, who, ev.id, name, body, {});
      return true;
    };
    const run = async (): Promise<string> => {
      if (plan.goal === 'reported') return 'reported';
      if (plan.goal === 'withdrawn' && channel !== 'hotline') return (await step(caller, 'withdraw', 0.3, { comment: '问题已自行解决，撤回' })) ? 'withdrawn' : 'reported';
      if (plan.goal === 'rejected') return (await step(dispatcher, 'reject', 0.5, { comment: pick(r, REJECT_NOTES) })) ? 'rejected' : 'reported';
      if (plan.goal === 'merged' && openIds.length) {
        const target = openIds[openIds.length - 1]!;
        try {
          return (await step(dispatcher, 'merge', 0.4, { mergeInto: target, comment: '与已受理事件重复，合并办理' })) ? 'merged' : 'reported';
        } catch {
          // the target moved on meanwhile: handle this one instead
        }
      }
      if (!(await step(dispatcher, 'accept', 0.2 + r() * 1.2))) return 'reported';
      if (plan.goal === 'accepted') return 'accepted';
      if (!(await step(dispatchBy, 'dispatch', 0.2 + r() * 1.0, { assignee, comment: urgency !== '一般' ? '请尽快处置' : undefined }))) return 'accepted';
      if (plan.returned && gridNo <= 2) {
        if (!(await step(handler, 'return', 0.5, { comment: pick(r, RETURN_NOTES) }))) return 'dispatched';
        assignee = { orgNodeId: refs.node('xishan').id };
        handler = actors.xishan!;
        if (!(await step(dispatcher, 'dispatch', 0.5, { assignee }))) return 'accepted';
      }
      if (plan.goal === 'dispatched') return 'dispatched';
      if (!(await step(handler, 'take', 0.2 + r() * 1.5))) return 'dispatched';
      if (plan.goal === 'voided') {
        if (!(await step(handler, 'request_void', 1, { comment: '经现场核实，反映问题不存在' }))) return 'handling';
        const approver = handler.userId === actors.xishan!.userId ? actors.street! : actors.xishan!;
        return (await step(approver, 'approve_void', 1)) ? 'voided' : 'void_requested';
      }
      if (chance(r, 0.3) && !(await step(handler, 'progress', 1 + r() * 3, { comment: pick(r, HANDLING_NOTES) }))) return 'handling';
      if (plan.extension !== 'none' || plan.goal === 'extension_requested') {
        if (!(await step(handler, 'request_extension', 2, { comment: '需等待配件到货，申请延期', extensionHours: 16 }))) return 'handling';
        if (plan.goal === 'extension_requested') return 'extension_requested';
        const ok = plan.extension !== 'refused';
        if (!(await step(dispatcher, ok ? 'approve_extension' : 'refuse_extension', 1, ok ? {} : { comment: '请按原时限完成' }))) return 'extension_requested';
      }
      if (plan.suspend || plan.goal === 'suspended') {
        if (!(await step(actors.xishan!, 'suspend', 1, { comment: '涉及产权争议，待法院判决后处理' }))) return 'handling';
        if (plan.goal === 'suspended') return 'suspended';
        if (!(await step(actors.xishan!, 'resume', 24 + r() * 30))) return 'suspended';
      }
      if (plan.goal === 'handling') return 'handling';
      const handling = plan.lateFinish ? 30 + r() * 40 : 1 + r() * 10;
      if (!(await step(handler, 'finish', handling, { comment: pick(r, FINISH_NOTES) }))) return 'handling';
      if (plan.rework) {
        if (!(await step(checker, 'rework', 1 + r() * 3, { comment: pick(r, REWORK_NOTES) }))) return 'checking';
        if (!(await step(handler, 'finish', 2 + r() * 6, { comment: '已再次处理' }))) return 'handling';
      }
      if (plan.goal === 'checking') return 'checking';
      if (!(await step(checker, 'verify', 0.5 + r() * 4, { comment: '经核查已处置到位' }))) return 'checking';
      if (plan.goal === 'closed') return 'closed';
      const rating: EventRating = chance(r, 0.78) ? '满意' : chance(r, 0.7) ? '基本满意' : '不满意';
      const rater = reporterIsResident ? caller : actors.xishan!;
      return (await step(rater, 'rate', 1 + r() * 8, { rating, comment: rating === '满意' ? '处理及时，谢谢' : rating === '不满意' ? '处理太慢了' : undefined })) ? 'rated' : 'closed';
    };
    const reached = await run();
    counts[reached] = (counts[reached] ?? 0) + 1;
    if (['reported', 'accepted', 'dispatched', 'handling', 'checking', 'suspended', 'extension_requested'].includes(reached)) openIds.push(ev.id);
  }
  log(`  events: ${created.length} demo events (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  const marks = await seedDeadlineHistory(ctx, new Date(anchor));
  log(`  events: deadline history (${marks.warned} warned, ${marks.overdue} overdue, ${marks.escalated} escalated)`);
}

/**
 * What the deadline job would have done had it been running: the demo's clocks still running
 * past their 80 % point or their limit get the warning, overdue mark, escalation and notices
 * dated when each fell due, instead of all at once at the server's first start. The check runs
 * at each such moment in order, then once at `until` (the seed's clock). Earlier stages of an
 * event (since moved on) are not replayed: their marks would have been cleared anyway.
 */
export async function seedDeadlineHistory(ctx: PlatformContext, until: Date): Promise<DeadlineRun> {
  const end = until.toISOString();
  const rows = await ctx.db.kysely
    .selectFrom('grid_event')
    .select(['warn_at', 'warned_at', 'due_at', 'overdue_at'])
    .where('state', 'in', CLOCKED_STATES)
    .where('warn_at', '<=', end)
    .execute();
  const moments = new Set<string>();
  for (const e of rows) {
    if (e.warn_at && !e.warned_at && e.warn_at <= end) moments.add(e.warn_at);
    if (e.due_at && !e.overdue_at && e.due_at <= end) moments.add(e.due_at);
  }
  let clock = until.getTime();
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const out: DeadlineRun = { warned: 0, overdue: 0, escalated: 0 };
  for (const t of [...[...moments].sort().map((m) => Date.parse(m)), until.getTime()]) {
    clock = t;
    const run = await runDeadlineCheck(sim);
    out.warned += run.warned;
    out.overdue += run.overdue;
    out.escalated += run.escalated;
  }
  return out;
}
