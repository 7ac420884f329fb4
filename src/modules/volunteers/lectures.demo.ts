import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs } from '../../demo/refs.js';
import * as repo from './lectures.repository.js';
import * as lectures from './lectures.service.js';
import { beijingAt } from './shop.demo.js';

/**
 * Three 微课 of 西山社区 (the seed's 网络志愿平台 also carried 宣讲 of this kind): 防范电信网络诈骗
 * eight days ago (attendance marked by staff, one no-show), 智能手机使用 two days ago (most checked
 * in with the room's QR, one marked by staff) and 急救知识 in five days (sign-ups open). Signed up:
 * resident01, volunteer01 and elder01–05. Relative to the seed's clock; no randomness.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Item {
  title: string;
  speaker: string;
  body: string;
  videoUrl: string | null;
  place: string;
  day: number;
  from: string;
  to: string;
  capacity: number;
  signups: string[];
  /** Who is present, and how; the rest of the sign-ups did not come. */
  present?: { qr: string[]; staff: string[] };
}

const ITEMS: Item[] = [
  {
    title: '守好钱袋子：防范电信网络诈骗',
    speaker: '硖石派出所社区民警 沈建明',
    body: '冒充公检法、冒充客服退款、刷单返利、虚假投资理财、“孙子出事了”……民警结合海宁本地案例，讲清楚常见骗局的套路。\n现场帮大家在手机上安装国家反诈中心 App，开启来电预警。\n记住：凡是让你转账到“安全账户”的，都是诈骗。',
    videoUrl: 'https://tv.cctv.com/',
    place: '西山社区党群服务中心一楼会议室',
    day: -8,
    from: '14:30',
    to: '16:00',
    capacity: 60,
    signups: ['elder01', 'elder02', 'elder03', 'elder04', 'elder05', 'resident01', 'volunteer01'],
    present: { qr: [], staff: ['elder01', 'elder02', 'elder03', 'elder05', 'resident01', 'volunteer01'] },
  },
  {
    title: '智能手机课堂：微信视频、网上挂号和防骗设置',
    speaker: '志愿者 徐美玲',
    body: '手把手教：微信视频通话、发语音、看图片；用“浙里办”预约挂号；关掉陌生人加好友、开启支付密码。\n请带上自己的手机和充电器，忘记密码的请家人先帮忙找好。',
    videoUrl: null,
    place: '西山社区老年活动室',
    day: -2,
    from: '09:30',
    to: '11:00',
    capacity: 20,
    signups: ['elder01', 'elder02', 'elder03', 'elder04', 'elder05', 'resident01'],
    present: { qr: ['elder02', 'elder03', 'elder05', 'resident01'], staff: ['elder04'] },
  },
  {
    title: '急救知识：心肺复苏与 AED 使用',
    speaker: '海宁市红十字会 急救培训员 陆红梅',
    body: '老人突然倒地怎么办？现场用模拟人练习胸外按压和人工呼吸，学会使用社区门口的 AED（自动体外除颤器）。\n练习时需要跪地，请穿宽松的衣服。',
    videoUrl: null,
    place: '西山社区党群服务中心二楼多功能室',
    day: 5,
    from: '14:00',
    to: '16:00',
    capacity: 40,
    signups: ['elder01', 'elder02', 'resident01', 'volunteer01'],
  },
];

export async function seedLecturesDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const when = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const staff = await loadActor(db, refs.user('xishan').id);
  if (!staff) return;
  const people = new Map<string, Actor>();
  for (const u of ['resident01', 'volunteer01', 'elder01', 'elder02', 'elder03', 'elder04', 'elder05']) {
    try {
      const a = await loadActor(db, refs.user(u).id);
      if (a) people.set(u, a);
    } catch {
      // elder01–05 come from the services demo; without them, fewer sign-ups.
    }
  }
  const xishan = refs.node('xishan');

  for (const item of ITEMS) {
    const starts = beijingAt(anchor, item.day, item.from);
    const ends = beijingAt(anchor, item.day, item.to);
    const published = Math.min(starts.getTime() - 10 * DAY, anchor - DAY);
    const l = await lectures.createLecture(when(published), staff, { orgNodeId: xishan.id, title: item.title, speaker: item.speaker, body: item.body, videoUrl: item.videoUrl, place: item.place, startsAt: starts.toISOString(), endsAt: ends.toISOString(), capacity: item.capacity, publish: true }, meta);
    let t = published + 2 * 3_600_000;
    for (const u of item.signups) {
      const a = people.get(u);
      if (!a) continue;
      await lectures.signUp(when(t), a, l.id, meta);
      t += 5 * 3_600_000;
    }
    if (!item.present) continue;
    // In the room: the QR shown from ten minutes before the start, scanned as people arrive.
    let scan = starts.getTime() - 10 * MINUTE;
    for (const u of item.present.qr) {
      const a = people.get(u);
      if (!a) continue;
      const qr = await lectures.checkinQr(when(scan), staff, l.id, 'http://127.0.0.1:3000');
      await lectures.checkIn(when(scan + 20_000), a, l.id, qr.token, meta);
      scan += 2 * MINUTE;
    }
    const byUser = new Map((await repo.signupsOf(db, l.id)).map((r) => [r.user_id, r.id]));
    const ids = item.present.staff.map((u) => byUser.get(people.get(u)?.userId ?? '')).filter((id): id is string => !!id);
    if (ids.length) await lectures.markAttendance(when(starts.getTime() + 15 * MINUTE), staff, l.id, { signupIds: ids, attended: true }, meta);
  }
  seed.log(`volunteers: ${ITEMS.length} micro-lectures`);
}
