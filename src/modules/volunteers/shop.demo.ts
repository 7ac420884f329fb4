import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { storeAttachment } from '../../platform/files/files.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import type { Category } from './shop.schema.js';
import * as shop from './shop.service.js';
import { DEMO_TEAMS } from './volunteers.demo.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * The demo shop of 西山社区: twelve opportunities across the categories — four past (served and
 * credited by the hours seed), one going on now, seven to come — each with a cover picture, and
 * their sign-ups: one needing the leader's approval, one full with two on the waiting list
 * (徐美玲 first), and 徐美玲 signed up for several herself.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

interface Item {
  key: string;
  category: Category;
  title: string;
  description: string;
  place: string;
  /** Beijing day relative to today, and the times; or `now` for the one going on as the demo starts. */
  day: number | 'now';
  from: string;
  to: string;
  quota: number;
  team: keyof typeof DEMO_TEAMS | null;
  skills?: string[];
  approval?: boolean;
  /** People signed up by the leader, in this order; 徐美玲 signs up herself first, or right after the places are gone. */
  signups: number;
  xu?: 'first' | 'after';
  creditMinutes?: number;
}

export const DEMO_OPPORTUNITIES: Item[] = [
  { key: 'haircut', category: '助老', title: '银龄互助：为独居老人上门理发', description: '为第二网格 12 位独居、高龄老人上门理发、修面，顺便测量血压。请自带围布，工具由社区提供。', place: '紫微苑社区活动室及老人家中', day: -20, from: '09:00', to: '11:30', quota: 6, team: 'elders', skills: ['理发'], signups: 4, xu: 'first' },
  { key: 'lake', category: '环境', title: '护卫鹃湖：湖岸垃圾清理', description: '沿鹃湖东岸清理白色垃圾和水面漂浮物，记录排污口情况。提供手套、夹子和垃圾袋，请穿防滑鞋。', place: '鹃湖公园东岸（南门集合）', day: -13, from: '08:30', to: '11:30', quota: 15, team: 'water', signups: 9 },
  { key: 'traffic', category: '文明交通', title: '暴走文明路：早高峰文明劝导', description: '在站前路口劝导行人不闯红灯、电动车戴头盔、不逆行。穿志愿者马甲，配合交警岗亭。', place: '海宁火车站站前路口', day: -6, from: '07:00', to: '09:00', quota: 10, team: 'service', signups: 7, xu: 'first' },
  { key: 'sorting', category: '垃圾分类', title: '垃圾分类桶边督导（第一网格）', description: '晚间投放高峰在紫微苑 3 个投放点指导居民分类投放，记录混投情况。', place: '紫微苑小区 1、3、5 号投放点', day: -3, from: '18:00', to: '20:00', quota: 4, team: 'service', signups: 4 },
  { key: 'calligraphy', category: '文化', title: '社区文化家园书法义写', description: '为居民义写家训、对联，教孩子写毛笔字。笔墨纸砚由社区文化家园准备。', place: '西山社区文化家园二楼', day: 'now', from: '', to: '', quota: 8, team: 'service', skills: ['书法'], signups: 3, xu: 'first' },
  { key: 'chat', category: '助老', title: '重阳敬老：陪伴高龄老人聊天读报', description: '两人一组上门陪伴 80 岁以上老人聊天、读报、整理药盒。需队长审核，优先安排有护理或心理疏导经验的志愿者。', place: '第二网格高龄老人家中（活动室集合）', day: 2, from: '14:00', to: '16:30', quota: 8, team: 'elders', skills: ['心理疏导', '医护'], approval: true, signups: 3 },
  { key: 'school', category: '文明交通', title: '微爱童行：小学上学路护学岗', description: '上学高峰在校门口和斑马线护送学生过马路，疏导接送车辆。', place: '硖石小学东门', day: 3, from: '07:10', to: '08:10', quota: 4, team: 'service', signups: 2 },
  { key: 'kitchen', category: '监督', title: '食品安全进社区：周边餐饮店明厨亮灶检查', description: '随市场监管所工作人员走访辖区 10 家餐饮店，对照清单查看后厨卫生、索证索票、从业人员健康证，拍照记录。', place: '西山路、文苑路沿街餐饮店', day: 4, from: '09:30', to: '11:30', quota: 6, team: 'food', skills: ['摄影'], signups: 2, xu: 'first' },
  { key: 'flood', category: '应急', title: '防汛应急演练保障', description: '协助社区防汛应急演练：引导居民转移、维持秩序、分发物资。', place: '西山社区应急避难场所（西山公园）', day: 5, from: '09:00', to: '11:00', quota: 12, team: 'service', signups: 5 },
  { key: 'family', category: '垃圾分类', title: '亲子垃圾分类游戏日', description: '带领 20 组亲子家庭玩垃圾分类投掷游戏、旧物改造，讲解“四分类”。名额已满可候补。', place: '西山社区广场', day: 6, from: '09:30', to: '11:30', quota: 5, team: 'service', skills: ['教学辅导'], signups: 6, xu: 'after' },
  { key: 'straw', category: '环境', title: '禁烧秸秆，美化家园：宣传与巡查', description: '到城郊结合部菜地宣传禁烧秸秆，发放宣传单，巡查焚烧点并上报。', place: '西山社区东侧菜地（东山路口集合）', day: 9, from: '13:30', to: '16:30', quota: 10, team: 'water', signups: 3 },
  { key: 'training', category: '文化', title: '与爱同行，海宁义工：新志愿者培训', description: '新注册志愿者入门培训：志愿服务条例、安全须知、平台报名签到和时长记录。', place: '西山社区党群服务中心一楼会议室', day: 11, from: '19:00', to: '20:30', quota: 30, team: null, signups: 4 },
];

const COLOURS: Record<string, [number, number, number]> = {
  助老: [214, 96, 77],
  环境: [46, 139, 87],
  文明交通: [30, 110, 190],
  垃圾分类: [90, 140, 50],
  文化: [150, 90, 170],
  监督: [200, 130, 20],
  应急: [190, 50, 50],
  其他: [90, 100, 110],
};

/** A 640×320 banner in the category's colour (a plain PNG, so the demo needs no picture files). */
export function bannerPng(rgb: [number, number, number], stripe: number): Buffer {
  const w = 640;
  const h = 320;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < w; x++) {
      const light = (x + y + stripe * 37) % 160 < 80 ? 1 : 0.86;
      const fade = 0.75 + (0.25 * (w - x)) / w;
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = Math.min(255, Math.round(rgb[c]! * fade * light + (1 - fade) * 255));
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The instant of a Beijing wall-clock time on the day `days` from `anchor`. */
export function beijingAt(anchor: number, days: number, hhmm: string): Date {
  const day = new Date(anchor + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
  return new Date(`${day}T${hhmm}:00+08:00`);
}

export async function seedShopDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const when = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const xu = await loadActor(db, refs.user('volunteer01').id);
  const xishan = refs.node('xishan');
  const teams = new Map((await volunteersRepo.listTeams(db, [xishan.path])).map((t) => [t.name, t]));
  if (!xu || teams.size === 0) return;
  const xuRecord = (await volunteersRepo.volunteerOfUser(db, xu.userId))!;
  const members = await volunteersRepo.membersOf(db, [...teams.values()].map((t) => t.id));
  const everyone = (await volunteersRepo.listVolunteers(db, { paths: [xishan.path], status: 'active' }, { limit: 200, offset: 0 })).rows;

  let made = 0;
  for (const [i, item] of DEMO_OPPORTUNITIES.entries()) {
    // The one going on: started an hour ago (on the minute), three hours long.
    const starts = item.day === 'now' ? new Date(Math.floor((anchor - 60 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE) : beijingAt(anchor, item.day, item.from);
    const ends = item.day === 'now' ? new Date(starts.getTime() + 180 * MINUTE) : beijingAt(anchor, item.day, item.to);
    // Published a week before (at most 12 days before for the past ones); sign-ups close an hour before the start.
    const published = Math.min(starts.getTime() - 7 * DAY, anchor - (item.day === 'now' ? 3 * DAY : 0));
    const team = item.team ? teams.get(DEMO_TEAMS[item.team]) : undefined;
    const cover = await storeAttachment(when(published - 3_600_000), staff, { stream: Readable.from([bannerPng(COLOURS[item.category] ?? COLOURS['其他']!, i)]), originalName: `${item.key}.png`, purpose: shop.COVER_PURPOSE }, meta);
    const o = await shop.createOpportunity(
      when(published),
      staff,
      {
        orgNodeId: xishan.id,
        teamId: team?.id ?? null,
        category: item.category,
        title: item.title,
        description: item.description,
        place: item.place,
        startsAt: starts.toISOString(),
        endsAt: ends.toISOString(),
        signupDeadline: new Date(starts.getTime() - 60 * MINUTE).toISOString(),
        quota: item.quota,
        skills: item.skills ?? [],
        creditMinutes: item.creditMinutes,
        requiresApproval: !!item.approval,
        coverAttachmentId: cover.id,
        publish: true,
      },
      meta,
    );
    made++;
    // Sign-ups over the days after publishing: 徐美玲 herself, then the team's members (or anyone) by the leader.
    let t = published + 3 * 3_600_000;
    const pool = team ? members.filter((m) => m.team_id === team.id && m.volunteer_id !== xuRecord.id).map((m) => m.volunteer_id) : everyone.filter((v) => v.id !== xuRecord.id).map((v) => v.id);
    const shift = i % Math.max(1, pool.length);
    const order: string[] = [...pool.slice(shift), ...pool.slice(0, shift)].slice(0, item.signups);
    if (item.xu === 'first') order.unshift('xu');
    if (item.xu === 'after') order.splice(item.quota, 0, 'xu');
    for (const who of order) {
      if (who === 'xu') await shop.signUp(when(t), xu, o.id, meta);
      else await shop.signUpFor(when(t), staff, o.id, { volunteerId: who }, meta);
      t += 4 * 3_600_000;
    }
    // The leader decides on the approvals: the first one in, the rest still waiting for a decision.
    if (item.approval) {
      const list = await shop.listSignups(when(t), staff, o.id);
      const first = list.items.find((s) => s.status === 'pending');
      if (first) await shop.approveSignup(when(t + 3_600_000), staff, first.id, meta);
    }
  }
  seed.log(`volunteers: ${made} opportunities in the shop`);
}
