import type { PlatformContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs, type DemoPerson } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { bookOnBehalf, bookOwn, cancelAppointment, checkIn, createWindow, generateSlots, markNoShows, type WindowView } from './appointments.service.js';
import { addDays, bjDate } from './appointments.slots.js';
import type { WindowMatter } from './appointments.table.js';

/**
 * The demo's 预约: three windows of 西山社区's hall (社保, 民政, 综合), slots from three weeks
 * ago to a month ahead on the working-day calendar, and about seventy bookings walked through
 * the real service on a moving clock: past ones checked in, cancelled or missed (爽约, marked
 * by the no-show pass), upcoming ones waiting, resident01's among them. Most are 代预约 by
 * staff for elderly residents who phoned. Deterministic for a seed; only the anchor is today.
 */

interface WindowSpec {
  code: string;
  name: string;
  location: string;
  description: string;
  capacity: number;
  /** Catalogue codes (names are read from the 办事指南 when it has them). */
  matters: WindowMatter[];
}

const HALL = '西山社区党群服务中心一楼便民服务大厅';

export const DEMO_WINDOWS: WindowSpec[] = [
  {
    code: 'SB',
    name: '社保医保窗口',
    location: `${HALL} 1号窗口`,
    description: '城乡居民养老、医疗保险参保缴费，就业失业登记，待遇资格认证。',
    capacity: 2,
    matters: [
      { code: 'yibao-canbao', name: '城乡居民基本医疗保险参保缴费' },
      { code: 'yanglao-canbao', name: '城乡居民基本养老保险参保登记' },
      { code: 'linghuo-jiuye-canbao', name: '灵活就业人员社会保险参保缴费' },
      { code: 'menzhen-mantebing', name: '门诊慢特病待遇认定申请' },
      { code: 'jiuye-dengji', name: '就业失业登记' },
      { code: 'daiyu-renzheng', name: '养老保险待遇领取资格认证' },
    ],
  },
  {
    code: 'MZ',
    name: '民政救助窗口',
    location: `${HALL} 2号窗口`,
    description: '低保、特困、临时救助，残疾人两项补贴，高龄津贴与居家养老补贴。涉及家庭经济状况，一次只接待一户。',
    capacity: 1,
    matters: [
      { code: 'dibao', name: '最低生活保障申请' },
      { code: 'tekun-gongyang', name: '特困人员救助供养申请' },
      { code: 'linshi-jiuzhu', name: '临时救助申请' },
      { code: 'canji-liangxiang-butie', name: '困难残疾人生活补贴和重度残疾人护理补贴申请' },
      { code: 'gaoling-jintie', name: '高龄津贴申领' },
      { code: 'jujia-yanglao-butie', name: '居家养老服务补贴申请' },
      { code: 'laonian-youdaizheng', name: '老年人优待证办理' },
    ],
  },
  {
    code: 'ZH',
    name: '综合受理窗口',
    location: `${HALL} 3号窗口`,
    description: '居住证、居住登记、出租房屋备案、入学居住情况确认、兵役登记等综合事项。',
    capacity: 3,
    matters: [
      { code: 'juzhuzheng', name: '浙江省居住证申领' },
      { code: 'juzhu-dengji', name: '居住登记（新居民）' },
      { code: 'chuzu-fangwu-beian', name: '出租房屋登记备案' },
      { code: 'suiqian-ruxue', name: '新居民子女积分入学居住情况确认' },
      { code: 'bingyi-dengji', name: '适龄男性公民兵役登记' },
      { code: 'shengyu-dengji', name: '生育登记' },
    ],
  },
];

const HOUR = 3_600_000;
const MINUTE = 60_000;
const REASONS = ['老人来电预约，行动不便', '上门走访时代为预约', '子女在外地，老人电话委托', '老人不会使用手机，代为预约'];
const CANCEL_REASONS = ['临时有事，改天再来', '材料还没备齐', '身体不适'];

type Outcome = 'checked_in' | 'no_show' | 'cancelled' | 'booked';

interface Plan {
  window: WindowView;
  matter: WindowMatter;
  slotStart: string;
  bookedAt: number;
  who: { kind: 'own'; actor: Actor } | { kind: 'behalf'; person: DemoPerson; by: Actor };
  outcome: Outcome;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

export async function seedAppointmentsDemo({ ctx, random: r, log }: DemoSeedContext): Promise<void> {
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const xishan = refs.node('xishan');
  const actor = async (username: string) => (await loadActor(db, refs.user(username).id))!;
  const staff = await actor('xishan');
  const grid01 = await actor('grid01');
  const resident01 = await actor('resident01');
  const volunteer01 = await actor('volunteer01');

  const anchor = ctx.now().getTime();
  let clock = anchor;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const today = bjDate(new Date(anchor));
  const first = addDays(today, -21);

  // Names as the 办事指南 has them, when it does.
  const codes = DEMO_WINDOWS.flatMap((w) => w.matters.map((m) => m.code));
  const catalogue = new Map((await db.selectFrom('service_matter').select(['code', 'name']).where('code', 'in', codes).execute()).map((m) => [m.code, m.name]));

  clock = new Date(`${addDays(first, -10)}T09:00:00+08:00`).getTime();
  const windows: WindowView[] = [];
  for (const spec of DEMO_WINDOWS) {
    const matters = spec.matters.map((m) => ({ code: m.code, name: catalogue.get(m.code) ?? m.name }));
    const w = await createWindow(
      sim,
      staff,
      { orgNodeId: xishan.id, code: spec.code, name: spec.name, location: spec.location, description: spec.description, matters, officeHours: '08:30-12:00,13:30-17:30', slotMinutes: 30, capacity: spec.capacity, bookAheadDays: 30 },
      {},
    );
    await generateSlots(ctx, w.id, first, addDays(today, 30));
    windows.push(w);
  }

  const slots = await db
    .selectFrom('appointment_slot')
    .select(['id', 'window_id', 'starts_at'])
    .where('date', '>=', first)
    .where('date', '<=', addDays(today, 14))
    .where('closed', '=', 0)
    .orderBy('starts_at')
    .execute();
  // Ids are random: order by time, then by window code, so every seed picks the same slots.
  const codeOf = new Map(windows.map((w) => [w.id, w.code]));
  slots.sort((a, b) => a.starts_at.localeCompare(b.starts_at) || codeOf.get(a.window_id)!.localeCompare(codeOf.get(b.window_id)!));
  const slotIdOf = new Map(slots.map((s) => [`${s.window_id}|${s.starts_at}`, s.id]));
  const past = slots.filter((s) => Date.parse(s.starts_at) < anchor - 2 * HOUR);
  const future = slots.filter((s) => Date.parse(s.starts_at) > anchor + 2 * HOUR);
  if (past.length === 0 || future.length === 0) return;

  // People come back in id order (random per seed): sort by what the seed draws instead.
  const elders = (await refs.people('xishan', { minAge: 68, limit: 10_000 }))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.birthDate ?? '').localeCompare(b.birthDate ?? '') || a.gender.localeCompare(b.gender))
    .filter((_, i) => i % 37 === 0);
  const plans: Plan[] = [];
  const windowOf = (id: string) => windows.find((w) => w.id === id)!;
  const addPlan = (slot: { window_id: string; starts_at: string }, who: Plan['who'], outcome: Outcome, matterCode?: string) => {
    const w = windowOf(slot.window_id);
    const matter = (matterCode && w.matters.find((m) => m.code === matterCode)) || pick(r, w.matters);
    // Booked one to six days ahead, in office hours.
    const ahead = (1 + Math.floor(r() * 6)) * 24 * HOUR;
    const bookedAt = Math.max(Date.parse(slot.starts_at) - ahead + Math.floor(r() * 3) * HOUR, Date.parse(`${addDays(first, -9)}T09:00:00+08:00`));
    plans.push({ window: w, matter, slotStart: slot.starts_at, bookedAt: Math.min(bookedAt, anchor - 10 * MINUTE), who, outcome });
  };

  // 代预约 for elderly residents: mostly past, some ahead.
  elders.slice(0, 48).forEach((person, i) => {
    const inPast = i < 34;
    const slot = pick(r, inPast ? past : future);
    const x = r();
    const outcome: Outcome = inPast ? (x < 0.74 ? 'checked_in' : x < 0.87 ? 'no_show' : 'cancelled') : x < 0.9 ? 'booked' : 'cancelled';
    const by = person.orgPath.startsWith(refs.node('grid01').path) ? grid01 : staff;
    addPlan(slot, { kind: 'behalf', person, by }, outcome);
  });

  // resident01: a visit done three weeks ago, one cancelled, one coming up at the 社保 window.
  const sb = windows.find((w) => w.code === 'SB')!;
  const zh = windows.find((w) => w.code === 'ZH')!;
  const mz = windows.find((w) => w.code === 'MZ')!;
  const nthSlot = (w: WindowView, list: typeof slots, n: number, time: string) => list.filter((s) => s.window_id === w.id && new Date(Date.parse(s.starts_at) + 8 * HOUR).toISOString().slice(11, 16) === time)[n];
  const mine: [WindowView, typeof slots, number, string, Outcome, string][] = [
    [zh, past, 1, '09:30', 'checked_in', 'chuzu-fangwu-beian'],
    [sb, past, 6, '14:00', 'cancelled', 'yibao-canbao'],
    [sb, future, 2, '09:30', 'booked', 'yibao-canbao'],
  ];
  for (const [w, list, n, time, outcome, matter] of mine) {
    const slot = nthSlot(w, list, n, time);
    if (slot) addPlan(slot, { kind: 'own', actor: resident01 }, outcome, matter);
  }
  const volSlot = nthSlot(mz, future, 4, '10:00');
  if (volSlot) addPlan(volSlot, { kind: 'own', actor: volunteer01 }, 'booked', 'laonian-youdaizheng');
  const volPast = nthSlot(sb, past, 3, '15:00');
  if (volPast) addPlan(volPast, { kind: 'own', actor: volunteer01 }, 'checked_in', 'daiyu-renzheng');

  // Bookings in the order they were made, so each day's numbers count up; cancellations soon after.
  plans.sort((a, b) => a.bookedAt - b.bookedAt);
  const made: { plan: Plan; id: string; token: string }[] = [];
  let skipped = 0;
  for (const plan of plans) {
    clock = plan.bookedAt;
    const slotId = slotIdOf.get(`${plan.window.id}|${plan.slotStart}`)!;
    try {
      const view =
        plan.who.kind === 'own'
          ? await bookOwn(sim, plan.who.actor, { slotId, matterCode: plan.matter.code }, {})
          : await bookOnBehalf(sim, plan.who.by, { slotId, personId: plan.who.person.id, matterCode: plan.matter.code, reason: pick(r, REASONS) }, {});
      const token = (await db.selectFrom('appointment').select('check_in_token').where('id', '=', view.id).executeTakeFirstOrThrow()).check_in_token;
      made.push({ plan, id: view.id, token });
      if (plan.outcome === 'cancelled') {
        clock += 2 * HOUR + Math.floor(r() * 20) * HOUR;
        clock = Math.min(clock, Date.parse(plan.slotStart) - HOUR, anchor - 5 * MINUTE);
        if (plan.who.kind === 'own') await cancelAppointment(sim, plan.who.actor, view.id, { reason: pick(r, CANCEL_REASONS) }, {}, 'holder');
        else await cancelAppointment(sim, staff, view.id, { reason: `家属来电：${pick(r, CANCEL_REASONS)}` }, {}, 'staff');
      }
    } catch (e) {
      // A full slot or a second booking of the same matter: the person simply picked another day.
      if (!(e instanceof AppError)) throw e;
      skipped++;
    }
  }

  // The past, slot by slot: people who came are checked in at the window; the rest are marked 爽约.
  const arrivals = made.filter((m) => m.plan.outcome === 'checked_in').sort((a, b) => a.plan.slotStart.localeCompare(b.plan.slotStart));
  let day = '';
  for (const m of arrivals) {
    clock = Date.parse(m.plan.slotStart) - 15 * MINUTE + Math.floor(r() * 25) * MINUTE;
    // One no-show pass a day (the job runs every five minutes; the day is close enough for a demo).
    if (bjDate(new Date(clock)) !== day) {
      day = bjDate(new Date(clock));
      await markNoShows(sim);
    }
    await checkIn(sim, staff, { token: m.token }, {});
  }
  clock = anchor;
  const missed = await markNoShows(sim);
  log(`  appointments: ${windows.length} windows, ${slots.length} slots in view, ${made.length} bookings (${arrivals.length} checked in, ${missed} no-shows at the last pass, ${skipped} skipped)`);
}
