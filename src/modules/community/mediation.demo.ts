import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { getCategoryByCode } from '../events/categories.repository.js';
import { listEvents } from '../events/events.service.js';
import * as mediation from './mediation.service.js';

/**
 * The demo's 纠纷调解 in 西山社区, so that logging in shows who sees what:
 *
 * - 漏水纠纷 (closed): resident01 朱志强 against his upstairs neighbour; grid01 李建华 leads,
 *   xishan 王秀英 helps; two sessions, a signed agreement, performed, followed up. resident01
 *   sees it under 我的 → 我的调解.
 * - a 矛盾纠纷 event of the events demo turned into a case by xishan, grid01 leading, in mediation.
 * - 赡养纠纷 (just accepted) registered and led by grid02 陈丽娟: neither xishan nor grid01 sees it.
 */

const DAY = 86_400_000;

export async function seedMediationDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const xishan = (await loadActor(db, refs.user('xishan').id))!;
  const grid01 = (await loadActor(db, refs.user('grid01').id))!;
  const grid02 = (await loadActor(db, refs.user('grid02').id))!;
  const now = ctx.now().getTime();
  const at = (t: number): PlatformContext => ({ ...ctx, now: () => new Date(t) });
  /** A Beijing wall-clock time `daysAgo` days back, as an instant. */
  const beijingAt = (daysAgo: number, hhmm: string) => {
    const day = new Date(now - daysAgo * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    return new Date(`${day}T${hhmm}:00+08:00`).toISOString();
  };
  const dayOf = (daysAgo: number) => new Date(now - daysAgo * DAY + 8 * 3_600_000).toISOString().slice(0, 10);

  const residentPerson = refs.user('resident01').personId;
  const all01 = await refs.people('grid01', { limit: 60, minAge: 25 });
  const home = all01.find((p) => p.id === residentPerson)?.householdId ?? null;
  const grid01People = all01.filter((p) => p.id !== residentPerson && (!home || p.householdId !== home));
  const grid02People = await refs.people('grid02', { limit: 200, minAge: 25 });
  let cases = 0;

  // 1. 漏水纠纷: 朱志强 (resident01) and his upstairs neighbour, settled and closed.
  const upstairs = grid01People[0];
  if (residentPerson && upstairs) {
    const t0 = now - 40 * DAY;
    let c = await mediation.createCase(
      at(t0),
      xishan,
      {
        orgNodeId: refs.node('grid01').id,
        category: '邻里纠纷',
        summary: `申请人朱志强反映，楼上住户${upstairs.name}家卫生间防水层老化，今年入夏以来持续向其家中卫生间和过道吊顶渗水，吊顶发霉脱落。双方多次协商未果，发生争吵，申请人要求对方修复防水并赔偿吊顶修复费用。`,
        source: 'walk_in',
        parties: [
          { side: 'applicant', personId: residentPerson },
          { side: 'respondent', personId: upstairs.id },
        ],
        leadUserId: grid01.userId,
        helperUserIds: [xishan.userId],
      },
      meta,
    );
    c = await mediation.takeStep(at(t0 + 2 * 3_600_000), grid01, c.id, { action: 'start', expectedVersion: c.version }, meta);
    c = await mediation.addSession(
      at(now - 38 * DAY),
      grid01,
      c.id,
      {
        heldAt: beijingAt(38, '09:30'),
        place: '西山社区人民调解室',
        attendees: `朱志强、${upstairs.name}、调解员李建华、王秀英、物业维修工沈师傅`,
        record: '物业维修工现场查看确认渗水点位于楼上卫生间地漏周边，防水层开裂。被申请人同意修复防水，但认为吊顶损坏部分系申请人装修质量问题，对赔偿金额有异议。双方同意先修复防水，赔偿问题待维修报价后再议。',
        nextStep: '物业出具吊顶修复报价，约双方下周再次调解。',
        expectedVersion: c.version,
      },
      meta,
    );
    c = await mediation.addSession(
      at(now - 31 * DAY),
      grid01,
      c.id,
      {
        heldAt: beijingAt(31, '14:30'),
        place: '西山社区人民调解室',
        attendees: `朱志强、${upstairs.name}、调解员李建华、王秀英`,
        record: '物业报价吊顶修复费用1600元。经调解员释法说理（《民法典》第二百八十八条、第一千一百六十五条），被申请人同意承担吊顶修复费用1200元，其余由申请人自理；防水修复由被申请人于两周内完成。双方当场签订调解协议。',
        expectedVersion: c.version,
      },
      meta,
    );
    c = await mediation.saveAgreement(
      at(now - 31 * DAY + 3_600_000),
      grid01,
      c.id,
      {
        text: '申请人朱志强与被申请人因楼上卫生间渗水导致楼下吊顶损坏发生纠纷。经西山社区人民调解委员会主持调解，双方本着互谅互让、邻里和睦的原则，自愿达成如下协议：',
        terms: [
          `被申请人${upstairs.name}于签订本协议之日起十四日内，自行委托专业人员重做卫生间防水层，并做闭水试验不少于48小时。`,
          `被申请人${upstairs.name}向申请人朱志强支付吊顶修复费用人民币壹仟贰佰元整（1200元），于签订本协议之日起七日内一次性付清。`,
          '申请人朱志强收到上述款项后，自行修复吊顶，不再就本次渗水事项向被申请人主张其他费用。',
          '双方今后如再发生渗漏，应先通知物业查明原因，友好协商解决。',
        ],
        performanceDeadline: dayOf(17),
        signedOn: dayOf(31),
        expectedVersion: c.version,
      },
      meta,
    );
    c = await mediation.takeStep(at(now - 31 * DAY + 2 * 3_600_000), grid01, c.id, { action: 'agree', expectedVersion: c.version }, meta);
    c = await mediation.recordPerformance(at(now - 16 * DAY), grid01, c.id, { performed: true, note: '防水已重做并通过闭水试验，1200元已当面付清。', expectedVersion: c.version }, meta);
    await mediation.takeStep(
      at(now - 10 * DAY),
      grid01,
      c.id,
      { action: 'close', note: '电话回访朱志强：吊顶已修好，未再渗水，双方关系缓和，对调解结果满意。', expectedVersion: c.version },
      meta,
    );
    cases++;
  }

  // 2. A 矛盾纠纷 event of the events demo, handed to mediation by xishan, grid01 leading.
  const group = await getCategoryByCode(db, '04');
  const disputes = group
    ? await listEvents(ctx, xishan, { categoryId: group.id, orgNodeId: refs.node('xishan').id, sort: 'created', page: 1, pageSize: 20 })
    : { items: [] };
  const event = disputes.items.find((e) => e.categoryCode === '0401') ?? disputes.items[0];
  if (event) {
    const t0 = Math.max(new Date(event.createdAt).getTime() + 3_600_000, now - 5 * DAY);
    let c = await mediation.createFromEvent(at(t0), xishan, event.id, { leadUserId: grid01.userId, helperUserIds: [] }, meta);
    // The event's reporter may already be on the case as its applicant: pick others.
    const onCase = new Set(c.partyDetails.map((p) => p.personId).filter(Boolean));
    const [applicant, respondent] = grid01People.slice(1).filter((p) => !onCase.has(p.id));
    if (!c.partyDetails.some((p) => p.side === 'applicant') && applicant) {
      c = await mediation.addParty(at(t0 + 3_600_000), grid01, c.id, { side: 'applicant', personId: applicant.id, expectedVersion: c.version }, meta);
    }
    if (respondent) {
      c = await mediation.addParty(at(t0 + 2 * 3_600_000), grid01, c.id, { side: 'respondent', personId: respondent.id, expectedVersion: c.version }, meta);
      c = await mediation.takeStep(at(t0 + 3 * 3_600_000), grid01, c.id, { action: 'start', expectedVersion: c.version }, meta);
      await mediation.addSession(
        at(t0 + DAY),
        grid01,
        c.id,
        {
          heldAt: new Date(t0 + DAY - 3_600_000).toISOString(),
          place: '当事人所在楼栋楼道',
          attendees: `${c.partyDetails.map((p) => p.name).join('、')}、调解员李建华`,
          record: '到现场了解情况，双方情绪较激动。分别做了思想工作，约定三日内在社区调解室再次协商。',
          nextStep: '请物业到场协助查明原因后再次调解。',
          expectedVersion: c.version,
        },
        meta,
      );
    }
    cases++;
  }

  // 3. 赡养纠纷 in grid02, registered and led by grid02: nobody else in the community sees it.
  const year = (p: { birthDate: string | null }) => Number((p.birthDate ?? '2000').slice(0, 4));
  // A mother and her grown son of one household, if the registry has one; else any older woman and a man.
  const mothers = grid02People.filter((p) => p.gender === '女' && year(p) <= 1960);
  const family = mothers
    .map((m) => ({ m, s: grid02People.find((p) => p.gender === '男' && p.householdId && p.householdId === m.householdId && year(p) - year(m) >= 20) }))
    .find((x) => x.s);
  const mother = family?.m ?? mothers[0];
  const son = family?.s ?? grid02People.find((p) => p.gender === '男' && p.householdId !== mother?.householdId);
  if (mother && son) {
    await mediation.createCase(
      at(now - 2 * DAY),
      grid02,
      {
        orgNodeId: refs.node('grid02').id,
        category: '婚姻家庭',
        summary: `申请人${mother.name}年老多病，反映其子${son.name}及在外地工作的女儿近半年未支付赡养费，也很少探望。申请人希望子女每月支付赡养费并轮流照料，不愿诉至法院。`,
        source: 'walk_in',
        parties: [
          { side: 'applicant', personId: mother.id },
          { side: 'respondent', personId: son.id },
          { side: 'respondent', name: '沈丽华', phone: '13957309876', note: '申请人之女，在杭州工作' },
        ],
        helperUserIds: [],
      },
      meta,
    );
    cases++;
  }
  seed.log(`mediation: ${cases} cases (grid01 leads two, grid02 one of its own)`);
}
