import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { createUser } from '../../platform/auth/users.service.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { loadDemoRefs, type DemoPerson } from '../../demo/refs.js';
import { peopleHoldingTag } from '../registry/registry.facts.js';
import { beijingDay } from './party.common.js';
import * as meetings from './meetings.service.js';
import type { MeetingKind } from './meetings.table.js';
import * as orgs from './organisations.service.js';
import * as transfers from './transfers.service.js';

/**
 * The demo's 智慧党建 in 西山社区, deterministic (people chosen by registry facts, dates from the
 * seed's clock and PRNG):
 *
 * - 西山社区党委 with 第一党支部 (第一、第二党小组), 第二党支部 (第三、第四党小组) and 退休党员支部
 *   (退休第一、第二党小组); 30 members who hold the registry's 党员 tag — the working-age ones of
 *   第一至第四网格 in 第一党支部, of 第五至第十二网格 in 第二党支部, those over 65 in 退休党员支部 —
 *   with 书记, 委员 and 党小组组长 posts, two 预备党员 and a 流动党员 working in 杭州.
 * - Two accounts of party members (password Linli@2026): `zhibu01`, 第一党支部书记, and
 *   `dangyuan01`, a member of 第一党小组; the committee's secretary is the existing `party`.
 * - 三会一课 and 主题党日 over the last three months and this one, checked in by the secretaries,
 *   minutes kept; 第二党支部 held no 支委会 two months ago (the compliance view shows it), a few
 *   members missed meetings, dangyuan01 had leave once. A 支部党员大会 of 第一党支部 in three days.
 * - A transfer out of 第二党支部 to an organisation outside Linli, completed a month ago (letter
 *   西党转〔year〕001号, slip returned), and one of 第一党支部 awaiting the committee's approval.
 */

const DAY = 86_400_000;

interface Candidate extends DemoPerson {
  gridNo: number;
}

export async function seedPartyDemo({ ctx, random, log }: DemoSeedContext) {
  const db = ctx.db.kysely;
  const refs = await loadDemoRefs(ctx);
  const xishan = refs.node('xishan');
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const anchor = ctx.now().getTime();
  const today = beijingDay(ctx.now());
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  const party = (await loadActor(db, refs.user('party').id))!;
  const year = (d: string | null) => Number((d ?? '1970').slice(0, 4));
  const ageOf = (p: DemoPerson) => year(today) - year(p.birthDate);

  // ---------------------------------------------------------------- who is a member: the registry's 党员 tag
  const candidates: Candidate[] = [];
  for (let n = 1; n <= 12; n++) {
    const grid = refs.grid(n);
    const tagged = new Set((await peopleHoldingTag(db, [grid.path], '党员', today)).map((p) => p.personId));
    const people = await refs.people(grid, { limit: 5000, minAge: 18 });
    for (const p of people) if (tagged.has(p.id)) candidates.push({ ...p, gridNo: n });
  }
  // A stable order that does not depend on generated ids.
  const byBirth = (a: Candidate, b: Candidate) => (a.birthDate ?? '').localeCompare(b.birthDate ?? '') || a.name.localeCompare(b.name, 'zh-CN');
  const spread = <T>(list: T[], n: number) => (list.length <= n ? list : Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]!));
  const working = candidates.filter((p) => ageOf(p) >= 22 && ageOf(p) < 65).sort(byBirth);
  const retired = spread(candidates.filter((p) => ageOf(p) >= 65 && ageOf(p) <= 88).sort(byBirth), 10);
  const north = spread(working.filter((p) => p.gridNo <= 4), 10);
  const south = spread(working.filter((p) => p.gridNo >= 5), 10);
  if (north.length < 4 || south.length < 4 || retired.length < 4) {
    log('  party: too few people hold the 党员 tag for the demo; skipped');
    return;
  }

  // ---------------------------------------------------------------- the tree
  const c = at(anchor - 200 * DAY);
  const committee = await orgs.createOrg(c, party, { kind: 'committee', name: '西山社区党委', orgNodeId: xishan.id, establishedOn: '2003-07-01' }, meta);
  const branch = async (name: string, sort: number, groups: string[]) => {
    const b = await orgs.createOrg(c, party, { parentId: committee.id, kind: 'branch', name, establishedOn: '2003-07-01', sort }, meta);
    const gs = [];
    for (const [i, g] of groups.entries()) gs.push(await orgs.createOrg(c, party, { parentId: b.id, kind: 'group', name: g, establishedOn: '2010-07-01', sort: i + 1 }, meta));
    return { branch: b, groups: gs };
  };
  const b1 = await branch('第一党支部', 1, ['第一党小组', '第二党小组']);
  const b2 = await branch('第二党支部', 2, ['第三党小组', '第四党小组']);
  const b3 = await branch('退休党员支部', 3, ['退休第一党小组', '退休第二党小组']);

  // ---------------------------------------------------------------- the rolls
  const POSTS = ['书记', '组织委员', '宣传委员', '纪检委员'] as const;
  const members = new Map<string, { memberId: string; person: Candidate; branchId: string; groupId: string }>();
  const enrol = async (list: Candidate[], unit: { branch: { id: string }; groups: { id: string }[] }, opts: { probationary?: number[]; mobile?: number } = {}) => {
    for (const [i, p] of list.entries()) {
      const group = unit.groups[i % unit.groups.length]!;
      const probationary = opts.probationary?.includes(i) ?? false;
      // Joined between 22 and 35 (never before 1949, never in the future); confirmed a year later.
      const joinYear = Math.min(year(today) - 2, Math.max(1956, year(p.birthDate) + 22 + Math.floor(random() * 13)));
      const joinedOn = probationary ? beijingDay(new Date(anchor - (230 + Math.floor(random() * 120)) * DAY)) : `${joinYear}-0${1 + Math.floor(random() * 9)}-01`;
      const confirmedOn = probationary ? undefined : `${Number(joinedOn.slice(0, 4)) + 1}${joinedOn.slice(4)}`;
      const posts: { orgId: string; post: (typeof POSTS)[number] | '党小组组长' }[] = [];
      if (i < POSTS.length) posts.push({ orgId: unit.branch.id, post: POSTS[i]! });
      if (i >= POSTS.length && i < POSTS.length + unit.groups.length) posts.push({ orgId: unit.groups[i - POSTS.length]!.id, post: '党小组组长' });
      const groupId = posts[0]?.post === '党小组组长' ? posts[0].orgId : group.id;
      const m = await orgs.addMember(
        c,
        party,
        {
          personId: p.id,
          orgId: unit.branch.id,
          groupId,
          category: probationary ? 'probationary' : 'full',
          joinedOn,
          confirmedOn,
          mobile: opts.mobile === i ? { location: '杭州市滨江区 某互联网公司（外出务工）', since: `${year(today) - 1}-03-01` } : undefined,
          posts,
        },
        meta,
      );
      members.set(m.id, { memberId: m.id, person: p, branchId: unit.branch.id, groupId });
    }
  };
  await enrol(north, b1, { probationary: [9] });
  await enrol(south, b2, { probationary: [8], mobile: 7 });
  await enrol(retired, b3);

  // Accounts: the secretary of 第一党支部 and a member of its first group (both living in the north grids).
  const hash = await hashPassword(DEMO_PASSWORD);
  const account = async (username: string, displayName: string, p: Candidate) => {
    const grid = refs.grid(p.gridNo);
    const id = await createUser(ctx, { username, displayName, password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, personId: p.id, grants: [{ role: 'resident', orgNodeId: grid.id }] }, db, hash);
    return (await loadActor(db, id))!;
  };
  const secretary = await account('zhibu01', `第一党支部书记 ${north[0]!.name}`, north[0]!);
  // north[6]: no post, in 第一党小组 (members alternate between the two groups).
  const dangyuan = await account('dangyuan01', `党员 ${north[6]!.name}`, north[6]!);
  const memberOf = (p: Candidate) => [...members.values()].find((m) => m.person.id === p.id)!.memberId;

  // ---------------------------------------------------------------- meetings: three months back and this one
  const runners = new Map<string, Actor>([
    [b1.branch.id, secretary],
    [b2.branch.id, party],
    [b3.branch.id, party],
  ]);
  const monthOf = (offset: number) => {
    const d = new Date(anchor + 8 * 3_600_000);
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
    return m.toISOString().slice(0, 7);
  };
  const instant = (ym: string, day: number, hhmm: string) => new Date(`${ym}-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`).getTime();
  const TEXT: Record<MeetingKind, { title: (ym: string) => string; agenda: string; minutes: string }> = {
    committee_meeting: {
      title: (ym) => `${Number(ym.slice(5))}月支委会`,
      agenda: '1. 研究本月党建工作安排；2. 讨论党员发展和教育管理；3. 研究困难党员帮扶事项',
      minutes: '会议由支部书记主持，支委全部到会。会议研究了本月党建工作安排，讨论了入党积极分子培养情况，确定了走访慰问困难党员名单。',
    },
    branch_assembly: {
      title: (ym) => `${Number(ym.slice(0, 4))}年第${Math.floor((Number(ym.slice(5)) - 1) / 3) + 1}季度支部党员大会`,
      agenda: '1. 传达学习上级党组织会议精神；2. 通报本季度支部工作；3. 收缴党费；4. 开展民主评议',
      minutes: '会议传达学习了上级党组织会议精神，支部书记通报了本季度支部工作和党费收缴情况，与会党员围绕社区治理提出了意见建议。',
    },
    party_lecture: {
      title: () => '书记讲党课：学习贯彻党的二十届四中全会精神',
      agenda: '支部书记讲授专题党课，党员交流学习体会',
      minutes: '支部书记结合社区工作实际讲授专题党课，6名党员作了交流发言，大家表示要立足岗位发挥先锋模范作用。',
    },
    theme_day: {
      title: (ym) => `${Number(ym.slice(5))}月主题党日：党员志愿服务进小区`,
      agenda: '1. 重温入党誓词；2. 开展小区环境整治志愿服务；3. 收集居民意见',
      minutes: '全体党员重温入党誓词后分组进小区开展环境整治志愿服务，清理楼道堆物12处，收集居民意见8条并交社区办理。',
    },
    group_meeting: {
      title: (ym) => `${Number(ym.slice(5))}月党小组学习会`,
      agenda: '学习《中国共产党章程》有关章节，交流学习体会',
      minutes: '党小组组长领学党章有关章节，组员逐一交流学习体会，并就楼道文明劝导分工作了安排。',
    },
  };
  let held = 0;
  let leaveTaken = false;
  const hold = async (orgId: string, runner: Actor, kind: MeetingKind, ym: string, day: number, hhmm: string, opts: { absent?: number; leaveFor?: Actor } = {}) => {
    const starts = instant(ym, day, hhmm);
    if (starts + 2 * 3_600_000 > anchor) return; // only meetings that are over
    const plannedAt = starts - 6 * DAY;
    const m = await meetings.planMeeting(at(plannedAt), runner, { orgId, kind, title: TEXT[kind].title(ym), agenda: TEXT[kind].agenda, place: kind === 'group_meeting' ? '党员活动室' : '西山社区党群服务中心二楼会议室', startsAt: new Date(starts).toISOString(), endsAt: new Date(starts + 90 * 60_000).toISOString(), lecturer: kind === 'party_lecture' ? '支部书记' : undefined }, meta);
    let onLeave: string | null = null;
    if (opts.leaveFor && !leaveTaken) {
      leaveTaken = true;
      onLeave = memberOf(north[6]!);
      const leave = await meetings.requestLeave(at(plannedAt + DAY), opts.leaveFor, m.id, { reason: '当天在外地照顾住院的母亲' }, meta);
      await meetings.decideLeave(at(plannedAt + DAY + 3_600_000), runner, leave.id, { approve: true, note: '同意，请会后补学会议精神', expectedVersion: leave.version }, meta);
    }
    // Most come; a few (drawn by the seed's PRNG) do not.
    const expected = m.attendees.filter((a) => a.status === 'expected' && a.memberId !== onLeave).map((a) => a.memberId);
    const absent = new Set<string>();
    for (let k = 0; k < (opts.absent ?? 0) && expected.length > 2; k++) absent.add(expected[1 + Math.floor(random() * (expected.length - 1))]!);
    const present = expected.filter((id) => !absent.has(id));
    if (present.length) await meetings.checkInBySecretary(at(starts + 20 * 60_000), runner, m.id, { memberIds: present, at: new Date(starts - 5 * 60_000).toISOString() }, meta, { quiet: true });
    await meetings.saveMinutes(at(starts + 3 * 3_600_000), runner, m.id, { minutes: TEXT[kind].minutes, photoIds: [], expectedVersion: m.version }, meta);
    held++;
  };
  const window = [-3, -2, -1, 0].map(monthOf);
  const quarterOf = (ym: string) => `${ym.slice(0, 4)}Q${Math.floor((Number(ym.slice(5)) - 1) / 3)}`;
  for (const offset of [-3, -2, -1, 0]) {
    const ym = monthOf(offset);
    // Each quarter: the 党员大会 in its first month shown, the 党课 in its second (or the same, if only one).
    const inQuarter = window.filter((m) => quarterOf(m) === quarterOf(ym));
    const assemblyMonth = inQuarter[0] === ym;
    const lectureMonth = (inQuarter[1] ?? inQuarter[0]) === ym;
    for (const unit of [b1, b2, b3]) {
      const runner = runners.get(unit.branch.id)!;
      // 第二党支部 held no 支委会 two months ago.
      if (!(unit === b2 && offset === -2)) await hold(unit.branch.id, runner, 'committee_meeting', ym, 6, '09:00');
      await hold(unit.branch.id, runner, 'theme_day', ym, 20, '14:30', { absent: 1 });
      if (assemblyMonth) await hold(unit.branch.id, runner, 'branch_assembly', ym, 12, '14:30', { absent: 2, leaveFor: unit === b1 ? dangyuan : undefined });
      if (lectureMonth) await hold(unit.branch.id, runner, 'party_lecture', ym, 16, '19:00');
      for (const g of unit.groups) await hold(g.id, runner, 'group_meeting', ym, 14, '19:00', { absent: unit === b3 ? 1 : 0 });
    }
  }
  // Coming up: 第一党支部's 党员大会 in three days, planned today by its secretary.
  const soon = new Date(anchor + 3 * DAY + 8 * 3_600_000);
  const soonDay = soon.toISOString().slice(0, 10);
  await meetings.planMeeting(
    ctx,
    secretary,
    {
      orgId: b1.branch.id,
      kind: 'branch_assembly',
      title: '支部党员大会：民主评议党员',
      agenda: '1. 学习《中国共产党党员权利保障条例》；2. 党员对照检查、互相评议；3. 收缴党费',
      place: '西山社区党群服务中心二楼会议室',
      startsAt: new Date(`${soonDay}T14:30:00+08:00`).toISOString(),
      endsAt: new Date(`${soonDay}T16:30:00+08:00`).toISOString(),
    },
    meta,
  );

  // ---------------------------------------------------------------- transfers: one done, one under way
  const mover = south[5]!;
  let done = await transfers.startOut(at(anchor - 40 * DAY), party, { memberId: memberOf(mover), destination: { name: '中共嘉兴市南湖区新兴街道某社区委员会' }, reason: '居住地变更', note: '已随子女迁居嘉兴', validDays: 30, duesPaidUntil: monthOf(-2) }, meta, { self: false });
  done = await transfers.takeStep(at(anchor - 39 * DAY), party, done.id, { action: 'approve', note: '同意转出', expectedVersion: done.version }, meta);
  done = await transfers.takeStep(at(anchor - 38 * DAY), party, done.id, { action: 'approve', expectedVersion: done.version }, meta);
  await transfers.takeStep(at(anchor - 30 * DAY), party, done.id, { action: 'confirm', note: '接收党组织回执已寄回', expectedVersion: done.version }, meta);
  const leaving = north[8]!;
  const pending = await transfers.startOut(at(anchor - 3 * DAY), secretary, { memberId: memberOf(leaving), destination: { name: '中共杭州市余杭区仓前街道某科技有限公司支部委员会' }, reason: '工作调动', validDays: 30, duesPaidUntil: monthOf(0) }, meta, { self: false });
  await transfers.takeStep(at(anchor - 2 * DAY), secretary, pending.id, { action: 'approve', note: '情况属实，同意转出', expectedVersion: pending.version }, meta);
  log(`  party: 西山社区党委, 3 branches, ${members.size} members, ${held} meetings held, 2 transfers (zhibu01, dangyuan01)`);
}
