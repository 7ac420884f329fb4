import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { addDays, beijingDay } from './party.common.js';
import * as study from './study.service.js';

/**
 * The demo's 党员学习 (after party.demo.ts has built 西山社区党委 and its rolls): three materials —
 * the committee's article on the 二十届三中全会 to every member, its link to the 纪律处分条例 on
 * 共产党员网 with a due day, and 第一党支部's own article — and reading records drawn by the seed's
 * PRNG (most read, some still to do; `dangyuan01` has read two of three).
 */

export const DAY = 86_400_000;
export const demoMeta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };

/** What the part-2 demos need of the party demo: the organisations, their members and the accounts. */
export async function demoParty(ctx: PlatformContext) {
  const db = ctx.db.kysely;
  const refs = await loadDemoRefs(ctx);
  const xishan = refs.node('xishan');
  const orgs = await db.selectFrom('party_org').selectAll().where('org_node_id', '=', xishan.id).where('status', '=', 'active').orderBy('path').execute();
  const byName = (name: string) => orgs.find((o) => o.name === name);
  const committee = orgs.find((o) => o.kind === 'committee');
  const b1 = byName('第一党支部');
  const b2 = byName('第二党支部');
  const b3 = byName('退休党员支部');
  const known = (username: string) => {
    try {
      return refs.user(username);
    } catch {
      return null;
    }
  };
  if (!committee || !b1 || !b2 || !b3 || !known('zhibu01') || !known('dangyuan01')) return null;
  const actor = async (username: string) => (await loadActor(db, refs.user(username).id)) as Actor;
  const members = await db.selectFrom('party_member').select(['id', 'person_id', 'org_id']).where('status', '=', 'active').where('org_path', '=', xishan.path).orderBy('party_path').orderBy('joined_on').orderBy('id').execute();
  // The order of the rolls must not depend on generated ids: sort by person's birth date and name.
  const people = new Map((await db.selectFrom('person').select(['id', 'name', 'birth_date']).where('id', 'in', members.map((m) => m.person_id)).execute()).map((p) => [p.id, p]));
  const stable = (list: typeof members) =>
    [...list].sort((a, b) => (people.get(a.person_id)?.birth_date ?? '').localeCompare(people.get(b.person_id)?.birth_date ?? '') || (people.get(a.person_id)?.name ?? '').localeCompare(people.get(b.person_id)?.name ?? '', 'zh-CN'));
  return {
    refs,
    xishan,
    committee,
    b1,
    b2,
    b3,
    party: await actor('party'),
    staff: await actor('xishan'),
    secretary: await actor('zhibu01'),
    dangyuan: await actor('dangyuan01'),
    membersOf: (orgId: string) => stable(members.filter((m) => m.org_id === orgId)),
    allMembers: stable(members),
    memberOfPerson: (personId: string | null) => members.find((m) => m.person_id === personId) ?? null,
    nameOf: (personId: string) => people.get(personId)?.name ?? '',
  };
}
export type DemoParty = NonNullable<Awaited<ReturnType<typeof demoParty>>>;

export async function seedStudyDemo(seed: DemoSeedContext, p: DemoParty) {
  const { ctx, random, log } = seed;
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const at = (daysAgo: number, hour = 0): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY + hour * 3_600_000) });
  const today = beijingDay(ctx.now());

  const plenum = await study.createMaterial(
    at(40),
    p.party,
    {
      orgId: p.committee.id,
      kind: 'article',
      title: '学习贯彻党的二十届三中全会精神',
      body: [
        '各党支部、全体党员：',
        '党的二十届三中全会对进一步全面深化改革、推进中国式现代化作出了系统部署。为深入学习领会全会精神，现将有关学习要求通知如下：',
        '一、原原本本学习全会公报和《决定》，准确把握进一步全面深化改革的总目标和重大原则。',
        '二、紧密结合社区工作实际，围绕基层治理、为民服务、平安建设等方面，谈认识、找差距、提措施。',
        '三、各党支部利用“三会一课”、主题党日组织集中学习研讨，每名党员至少撰写一篇学习体会。',
        '四、学习情况纳入党员年度积分，请大家在网上E支部按时完成学习。',
        '西山社区党委',
      ].join('\n'),
      source: '西山社区党委',
      suggestedMinutes: 20,
    },
    demoMeta,
  );
  const rules = await study.createMaterial(
    at(20),
    p.party,
    {
      orgId: p.committee.id,
      kind: 'link',
      title: '深入学习《中国共产党纪律处分条例》',
      body: '请点击链接阅读条例全文，重点学习六项纪律的有关规定。',
      url: 'https://www.12371.cn/',
      source: '共产党员网',
      suggestedMinutes: 30,
      dueOn: addDays(today, -10),
    },
    demoMeta,
  );
  const own = await study.createMaterial(
    at(8),
    p.secretary,
    {
      orgId: p.b1.id,
      kind: 'article',
      title: '网格化治理中党员先锋作用的几点思考',
      body: [
        '同志们：',
        '社区推行“党建引领、网格治理”以来，不少党员主动认领楼道、联系住户，成为居民身边的“红色管家”。结合近期走访情况，谈几点体会：',
        '一是亮身份。党员家门口挂牌、佩戴党徽参加志愿服务，让居民知道身边有党员、有事找党员。',
        '二是勤走访。每名党员联系 5 至 10 户居民，重点关注独居老人和困难家庭，发现问题及时报给网格员。',
        '三是带头干。小区环境整治、垃圾分类、平安巡防，党员要走在前面。',
        '请各位党员读后在支部讨论区交流自己的做法。',
      ].join('\n'),
      suggestedMinutes: 10,
      dueOn: addDays(today, 5),
    },
    demoMeta,
  );

  // Reading records: most have read, drawn by the PRNG; dangyuan01 has read the first two.
  let reads = 0;
  const dangyuanMember = p.memberOfPerson(p.dangyuan.personId);
  for (const [m, daysAgo, share] of [
    [plenum, 40, 0.85],
    [rules, 20, 0.7],
    [own, 8, 0.4],
  ] as const) {
    const records = await db.selectFrom('party_study_record').select(['member_id']).where('material_id', '=', m.id).orderBy('member_id').execute();
    const assigned = new Set(records.map((r) => r.member_id));
    for (const member of p.allMembers.filter((x) => assigned.has(x.id))) {
      const isDangyuan = member.id === dangyuanMember?.id;
      const read = isDangyuan ? m.id !== own.id : random() < share;
      if (!read) continue;
      const when = Math.max(1, Math.floor(random() * daysAgo));
      const seconds = 240 + Math.floor(random() * 1200);
      await db
        .updateTable('party_study_record')
        .set({ opened_at: new Date(anchor - when * DAY).toISOString(), read_at: new Date(anchor - when * DAY + seconds * 1000).toISOString(), seconds, updated_at: new Date(anchor - when * DAY + seconds * 1000).toISOString() })
        .where('material_id', '=', m.id)
        .where('member_id', '=', member.id)
        .execute();
      reads++;
    }
  }
  log(`  party study: 3 materials, ${reads} reading records`);
}
