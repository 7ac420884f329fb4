import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { serviceMinutesOfPeople } from '../volunteers/volunteers.facts.js';
import { audit, beijingDay, dayStart, type Label } from './party.common.js';
import { canDecideOrg, canReadOrg, canRunOrg, type Leadership } from './party.policy.js';
import { leadershipOf, loadOrg, myMember } from './organisations.service.js';
import { getMember, getOrgs, type OrgRow } from './organisations.repository.js';
import { readsOf } from './study.repository.js';
import { verifiedDeedsOf } from './deeds.repository.js';
import * as repo from './party-points.repository.js';
import { POINTS_ITEMS, type PointsItem } from './party-points.table.js';

/**
 * 党员积分: each member's yearly score, counted from the facts by rules kept as data.
 *
 *   item          unit                                   counted from
 *   attendance    a meeting attended (三会一课, 主题党日)    party_meeting_attendance present, meeting not cancelled, starting in the year
 *   study         a study material read                  party_study_record read_at in the year
 *   volunteering  an hour of volunteer service           volunteers.facts.ts: credited minutes of services checked in during the year
 *   good_deed     a verified good deed                   good_deed verified, doer the member's person, happened in the year
 *
 * points(item) = min(units × points per unit, yearly cap) (hours: floor(minutes × points ÷ 60));
 * total = Σ points(item) + the secretary's adjustments of that year (each with a reason, audited).
 * Rules: `party_points_rule` scope `*` (the default), overridden item by item by the member's
 * nearest 党委 (scope = its id), which its secretary (or the committee's `party.committee`
 * grant holder) keeps. The score is never stored: it is counted when asked, so it cannot drift.
 * Years are Beijing calendar years.
 */

addMessages({
  'error.PARTY_POINTS_NOT_COMMITTEE': { 'zh-CN': '积分规则由党委设置（所选组织不是党委）', en: 'Points rules are set by a party committee; this organisation is not one' },
  'error.PARTY_POINTS_RULES_ITEMS': { 'zh-CN': '须为出勤、学习、志愿服务、好人好事四项各设一条规则', en: 'Give exactly one rule for each of attendance, study, volunteering and good deeds' },
  'error.PARTY_POINTS_ADJUST_ZERO': { 'zh-CN': '调整分值不能为 0', en: 'An adjustment cannot be 0 points' },
  'error.PARTY_POINTS_YEAR_INVALID': { 'zh-CN': '只能调整今年或上一年的积分', en: 'Only this year’s or last year’s points can be adjusted' },
});

export const ITEM_LABELS: Record<PointsItem, Label> = {
  attendance: { 'zh-CN': '组织生活出勤', en: 'Meetings attended' },
  study: { 'zh-CN': '学习', en: 'Study' },
  volunteering: { 'zh-CN': '志愿服务', en: 'Volunteering' },
  good_deed: { 'zh-CN': '好人好事', en: 'Good deeds' },
};
export const ITEM_UNITS: Record<PointsItem, Label> = {
  attendance: { 'zh-CN': '次', en: 'meeting' },
  study: { 'zh-CN': '篇', en: 'material' },
  volunteering: { 'zh-CN': '小时', en: 'hour' },
  good_deed: { 'zh-CN': '件', en: 'deed' },
};

type Rule = { item: PointsItem; pointsPerUnit: number; yearlyCap: number | null; own: boolean };
type MemberRef = { id: string; person_id: string; org_id: string; party_path: string };

const yearBounds = (year: number) => ({ from: dayStart(`${year}-01-01`), to: dayStart(`${year + 1}-01-01`), firstDay: `${year}-01-01`, lastDay: `${year}-12-31` });
export const thisYear = (ctx: PlatformContext) => Number(beijingDay(ctx.now()).slice(0, 4));

/** The nearest 党委 at or above each party path. */
async function committeesFor(ctx: PlatformContext, partyPaths: string[]): Promise<Map<string, OrgRow | null>> {
  const ids = [...new Set(partyPaths.flatMap((p) => p.split('/').filter(Boolean)))];
  const orgs = await getOrgs(ctx.db.kysely, ids);
  const out = new Map<string, OrgRow | null>();
  for (const p of new Set(partyPaths)) {
    const chain = p.split('/').filter(Boolean).map((id) => orgs.get(id));
    out.set(p, [...chain].reverse().find((o) => o?.kind === 'committee' && o.status === 'active') ?? null);
  }
  return out;
}

/** The rules in force for a committee (its own item by item, else the default). */
function rulesFrom(rows: repo.RuleRow[], committeeId: string | null): Rule[] {
  return POINTS_ITEMS.map((item) => {
    const own = committeeId ? rows.find((r) => r.scope === committeeId && r.item === item) : undefined;
    const r = own ?? rows.find((x) => x.scope === '*' && x.item === item);
    return { item, pointsPerUnit: r?.points_per_unit ?? 0, yearlyCap: r?.yearly_cap ?? null, own: !!own };
  });
}

function itemScore(rule: Rule, units: number, raw: number) {
  const points = rule.yearlyCap !== null ? Math.min(raw, rule.yearlyCap) : raw;
  return { item: rule.item, label: ITEM_LABELS[rule.item], units, pointsPerUnit: rule.pointsPerUnit, yearlyCap: rule.yearlyCap, raw, points, capped: points < raw };
}

/** Counts the yearly scores of these members (in their order). */
export async function scoresOf(ctx: PlatformContext, members: MemberRef[], year: number) {
  const db = ctx.db.kysely;
  const { from, to, firstDay, lastDay } = yearBounds(year);
  const memberIds = members.map((m) => m.id);
  const personIds = members.map((m) => m.person_id);
  const [committees, attendance, reads, minutes, deeds, adjustments, people, branches] = await Promise.all([
    committeesFor(ctx, members.map((m) => m.party_path)),
    repo.attendanceOf(db, memberIds, from, to),
    readsOf(db, memberIds, from, to),
    serviceMinutesOfPeople(db, personIds, from, to),
    verifiedDeedsOf(db, personIds, firstDay, lastDay),
    repo.adjustmentsOf(db, memberIds, year),
    peopleBriefs(db, personIds),
    getOrgs(db, members.map((m) => m.org_id)),
  ]);
  const ruleRows = await repo.rulesOf(db, [...committees.values()].flatMap((c) => (c ? [c.id] : [])));
  const nameOf = new Map(people.map((p) => [p.personId, p.name]));
  return members.map((m) => {
    const rules = new Map(rulesFrom(ruleRows, committees.get(m.party_path)?.id ?? null).map((r) => [r.item, r]));
    const mins = minutes.get(m.person_id) ?? 0;
    const items = [
      itemScore(rules.get('attendance')!, attendance.get(m.id) ?? 0, (attendance.get(m.id) ?? 0) * rules.get('attendance')!.pointsPerUnit),
      itemScore(rules.get('study')!, reads.get(m.id) ?? 0, (reads.get(m.id) ?? 0) * rules.get('study')!.pointsPerUnit),
      itemScore(rules.get('volunteering')!, Math.round(mins / 6) / 10, Math.floor((mins * rules.get('volunteering')!.pointsPerUnit) / 60)),
      itemScore(rules.get('good_deed')!, deeds.get(m.person_id) ?? 0, (deeds.get(m.person_id) ?? 0) * rules.get('good_deed')!.pointsPerUnit),
    ];
    const adj = adjustments.filter((a) => a.member_id === m.id);
    const adjustmentTotal = adj.reduce((s, a) => s + a.points, 0);
    return {
      memberId: m.id,
      name: nameOf.get(m.person_id) ?? '',
      branchId: m.org_id,
      branchName: branches.get(m.org_id)?.name ?? '',
      year,
      items,
      adjustments: adj.map((a) => ({ id: a.id, points: a.points, reason: a.reason, createdByName: a.created_by_name, createdAt: a.created_at })),
      adjustmentTotal,
      total: items.reduce((s, i) => s + i.points, 0) + adjustmentTotal,
    };
  });
}

// ---------------------------------------------------------------- rules

async function readable(ctx: PlatformContext, actor: Actor, orgId: string): Promise<{ org: OrgRow; led: Leadership }> {
  const org = await loadOrg(ctx, orgId);
  const led = await leadershipOf(ctx, actor);
  if (!canReadOrg(actor, led, org) && !canRunOrg(actor, led, org)) throw notFound('PARTY_ORG_NOT_FOUND');
  return { org, led };
}

/** The rules in force for an organisation (its committee's, else the default). */
export async function getRules(ctx: PlatformContext, actor: Actor, q: { orgId: string }) {
  const { org, led } = await readable(ctx, actor, q.orgId);
  const committee = (await committeesFor(ctx, [org.path])).get(org.path) ?? null;
  const rows = await repo.rulesOf(ctx.db.kysely, committee ? [committee.id] : []);
  return {
    committeeId: committee?.id ?? null,
    committeeName: committee?.name ?? null,
    canEdit: !!committee && canDecideOrg(actor, led, committee),
    rules: rulesFrom(rows, committee?.id ?? null).map((r) => ({ ...r, label: ITEM_LABELS[r.item], unit: ITEM_UNITS[r.item] })),
  };
}

/** A committee sets its own rules (all four items; audited with the old and new values). */
export async function setRules(ctx: PlatformContext, actor: Actor, input: { committeeId: string; rules: { item: PointsItem; pointsPerUnit: number; yearlyCap: number | null }[] }, meta: RequestMeta) {
  const { org, led } = await readable(ctx, actor, input.committeeId);
  if (org.kind !== 'committee') throw badRequest('PARTY_POINTS_NOT_COMMITTEE');
  if (!canDecideOrg(actor, led, org)) throw forbidden();
  const db = ctx.db.kysely;
  const before = rulesFrom(await repo.rulesOf(db, [org.id]), org.id);
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    await repo.replaceRules(
      trx,
      org.id,
      input.rules.map((r) => ({ id: newId(), scope: org.id, item: r.item, points_per_unit: r.pointsPerUnit, yearly_cap: r.yearlyCap, updated_by: actor.userId, updated_at: at })),
    );
    await appendAudit(
      ctx.db,
      audit(actor, meta, {
        action: 'party.points.rules.set',
        targetType: 'party_org',
        targetId: org.id,
        orgNodeId: org.org_node_id,
        details: { before: before.map((r) => [r.item, r.pointsPerUnit, r.yearlyCap]), after: input.rules.map((r) => [r.item, r.pointsPerUnit, r.yearlyCap]) },
      }),
      trx,
    );
  });
  return getRules(ctx, actor, { orgId: org.id });
}

// ---------------------------------------------------------------- scores

/** Yearly scores of an organisation's members (and below), highest first: names of party members, an audited read. */
export async function listScores(ctx: PlatformContext, actor: Actor, q: { orgId: string; year?: number }, meta: RequestMeta) {
  const { org: _org, ...view } = await scoresForOrg(ctx, actor, q, meta, 'party.points.list');
  return view;
}

export async function scoresForOrg(ctx: PlatformContext, actor: Actor, q: { orgId: string; year?: number }, meta: RequestMeta, action: string) {
  const { org, led } = await readable(ctx, actor, q.orgId);
  const year = q.year ?? thisYear(ctx);
  const members = await repo.membersUnder(ctx.db.kysely, org.path);
  const items = await scoresOf(ctx, members, year);
  items.sort((a, b) => b.total - a.total || a.branchName.localeCompare(b.branchName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
  await appendAudit(ctx.db, audit(actor, meta, { action, targetType: 'party_org', targetId: org.id, orgNodeId: org.org_node_id, details: { year, members: items.length } }));
  return { orgId: org.id, orgName: org.name, year, canAdjust: canRunOrg(actor, led, org), items, org };
}

/** 我的积分: my score of a year, item by item, with the rules and the adjustments. */
export async function myScore(ctx: PlatformContext, actor: Actor, q: { year?: number }) {
  const me = await myMember(ctx, actor);
  if (!me) throw forbidden('PARTY_NOT_A_MEMBER');
  const year = q.year ?? thisYear(ctx);
  return (await scoresOf(ctx, [me], year))[0]!;
}

/** 调整: the secretary adds or takes points with a reason (this year or last); audited. */
export async function adjust(ctx: PlatformContext, actor: Actor, input: { memberId: string; year: number; points: number; reason: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const m = await getMember(db, input.memberId);
  if (!m || m.status !== 'active') throw notFound('PARTY_MEMBER_NOT_FOUND');
  const branch = await loadOrg(ctx, m.org_id);
  const led = await leadershipOf(ctx, actor);
  if (!canRunOrg(actor, led, branch)) {
    if (canReadOrg(actor, led, branch)) throw forbidden();
    throw notFound('PARTY_MEMBER_NOT_FOUND');
  }
  const year = thisYear(ctx);
  if (input.year !== year && input.year !== year - 1) throw badRequest('PARTY_POINTS_YEAR_INVALID');
  const row: repo.AdjustmentRow = { id: newId(), member_id: m.id, year: input.year, points: input.points, reason: input.reason, created_by: actor.userId, created_by_name: actor.displayName, created_at: ctx.now().toISOString() };
  await db.transaction().execute(async (trx) => {
    await repo.insertAdjustment(trx, row);
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.points.adjust', targetType: 'party_member', targetId: m.id, orgNodeId: branch.org_node_id, details: { year: input.year, points: input.points, reason: input.reason } }), trx);
  });
  return (await scoresOf(ctx, [m], input.year))[0]!;
}
