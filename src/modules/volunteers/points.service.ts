import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { toBool } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { peopleBriefs, residentFacts } from '../registry/registry.facts.js';
import { earnPoints, pointsAccountCode, pointsBalances, pointsIssuedAccountCode, type PointsHolder } from './points.accounts.js';
import { POINTS_MANAGE } from './points.policy.js';
import * as repo from './points.repository.js';
import type { GoodDeedInput, RuleInput, RulePatch } from './points.schema.js';
import type { PointsPerUnit } from './points.table.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * 积分: points earned by rules kept as data. A rule says, for a kind of source (`volunteer.hours`,
 * `good_deed`, and what other modules register), how many points per hour or per item, with caps
 * per award and per holder and month, a validity and the subtree it covers; the deepest active
 * rule above the source's node applies. Each award is a `points_award` row (once per source and
 * revision) whose ledger journal has the award as its source: points live only in the ledger.
 *
 * Hours earn points in the check-out's own transaction (`awardPointsForService`, called from
 * hours.service.ts); a correction of the hours adjusts the points by a new revision (more points,
 * or points taken back — never more than the holder still has).
 */

export const SERVICE_SOURCE = 'volunteer.service';
export const GOOD_DEED_SOURCE = 'good_deed';
/** Ledger journals of awards name the award as their source. */
export const AWARD_LEDGER_SOURCE = 'points_award';

addMessages({
  'error.POINTS_RULE_NOT_FOUND': { 'zh-CN': '积分规则不存在或不在您的管辖范围内', en: 'No such points rule in your area' },
  'error.POINTS_RULE_STALE': { 'zh-CN': '积分规则已被他人修改，请刷新后重试', en: 'Someone else changed this rule; reload and try again' },
  'error.POINTS_KIND_UNKNOWN': { 'zh-CN': '未知的积分来源类型：{kind}', en: 'Unknown points source kind: {kind}' },
  'error.POINTS_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的组织', en: 'Choose an organisation inside your area' },
  'error.POINTS_PERIOD_INVALID': { 'zh-CN': '有效期的开始日期不能晚于结束日期', en: 'The validity cannot start after it ends' },
  'error.POINTS_NO_RULE': { 'zh-CN': '当前没有适用的“{kind}”积分规则，请先设置规则', en: 'No points rule for "{kind}" applies here; set one first' },
  'error.POINTS_HOLDER_NOT_FOUND': { 'zh-CN': '居民或志愿者不存在或不在您的管辖范围内', en: 'No such resident or volunteer in your area' },
  'error.POINTS_DAY_INVALID': { 'zh-CN': '日期不能晚于今天', en: 'The day cannot be in the future' },
});

// ---------------------------------------------------------------- source kinds

export interface PointsSourceKind {
  kind: string;
  label: string;
  perUnit: PointsPerUnit;
}

const sourceKinds = new Map<string, PointsSourceKind>();

/** Other modules register the kinds of source their rules count (`lecture.attendance`, `party.good-deed` …). */
export function registerPointsSourceKind(k: PointsSourceKind) {
  sourceKinds.set(k.kind, k);
}

export function pointsSourceKinds(): PointsSourceKind[] {
  return [...sourceKinds.values()];
}

registerPointsSourceKind({ kind: 'volunteer.hours', label: '志愿服务时长', perUnit: 'hour' });
registerPointsSourceKind({ kind: 'good_deed', label: '好人好事', perUnit: 'item' });

// ---------------------------------------------------------------- helpers

const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
export const beijingMonth = (d: Date) => beijingDay(d).slice(0, 7);

function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<Database>) => fn(trx));
}

/** A volunteer's points go to their registry person when they have one (one balance per resident). */
export function holderOfVolunteer(v: { id: string; person_id: string | null }): PointsHolder {
  return v.person_id ? { personId: v.person_id } : { volunteerId: v.id };
}

export function holderFromCode(code: string): PointsHolder | null {
  const m = /^points:(person|volunteer):(.+)$/.exec(code);
  if (!m) return null;
  return m[1] === 'person' ? { personId: m[2]! } : { volunteerId: m[2]! };
}

/** The caller as a holder of points: their registry person, else their volunteer record; null if neither. */
export async function holderOfActor(ctx: PlatformContext, actor: Actor) {
  const volunteer = await volunteersRepo.volunteerOfUser(ctx.db.kysely, actor.userId);
  const personId = actor.personId ?? volunteer?.person_id ?? null;
  if (personId) return { holder: { personId } as PointsHolder, personId, volunteerId: volunteer?.id ?? null, volunteer };
  if (volunteer) return { holder: { volunteerId: volunteer.id } as PointsHolder, personId: null, volunteerId: volunteer.id, volunteer };
  return null;
}

/** Points a rule gives for a quantity (minutes for `hour` rules, items for `item` rules), before and after its per-award cap. */
export function pointsFor(rule: Pick<repo.RuleRow, 'per_unit' | 'points_per_unit' | 'max_per_award'>, quantity: number) {
  const uncapped = rule.per_unit === 'hour' ? Math.floor((quantity * rule.points_per_unit) / 60) : quantity * rule.points_per_unit;
  return { uncapped, capped: rule.max_per_award ? Math.min(uncapped, rule.max_per_award) : uncapped };
}

// ---------------------------------------------------------------- awarding

export interface AwardResult {
  awardId: string;
  ruleId: string;
  points: number;
  uncappedPoints: number;
  journalId: string | null;
  /** The source had been awarded before: nothing new was posted. */
  already: boolean;
}

const present = (a: repo.AwardRow, already: boolean): AwardResult => ({ awardId: a.id, ruleId: a.rule_id, points: a.points, uncappedPoints: a.uncapped_points, journalId: a.journal_id, already });

/**
 * Awards points for a source by the rule that applies to it (the deepest active rule of `kind` on
 * the source's node or above, valid on the day), once per source: a second call for the same
 * source posts nothing and answers with the first award. Null when no rule applies. Runs in the
 * caller's transaction (or its own): the award row, the monthly cap counter and the ledger
 * journal commit together. Other modules (micro-lectures, party building) call this too.
 */
export async function awardPointsByRule(
  db: Executor,
  input: { kind: string; holder: PointsHolder; orgPath: string; quantity: number; source: { type: string; id: string }; memo: string; createdBy: string | null; at: Date },
): Promise<AwardResult | null> {
  return inTransaction(db, async (trx) => {
    const previous = await repo.awardsOfSource(trx, input.source.type, input.source.id);
    if (previous.length) return present(previous[0]!, true);
    const rule = (await repo.matchingRules(trx, input.kind, input.orgPath, beijingDay(input.at)))[0];
    if (!rule) return null;
    const holderCode = pointsAccountCode(input.holder);
    const month = beijingMonth(input.at);
    const { uncapped, capped } = pointsFor(rule, input.quantity);
    const used = await repo.lockMonth(trx, rule.id, holderCode, month);
    const points = rule.max_per_month ? Math.max(0, Math.min(capped, rule.max_per_month - used)) : capped;
    const row: repo.AwardRow = {
      id: newId(),
      rule_id: rule.id,
      source_type: input.source.type,
      source_id: input.source.id,
      revision: 1,
      holder_code: holderCode,
      org_node_id: rule.org_node_id,
      org_path: input.orgPath,
      quantity: input.quantity,
      points,
      uncapped_points: uncapped,
      month,
      memo: input.memo,
      journal_id: null,
      created_by: input.createdBy,
      created_at: input.at.toISOString(),
    };
    if ((await repo.claimAward(trx, row)) !== 1) return present((await repo.awardsOfSource(trx, input.source.type, input.source.id))[0]!, true);
    if (points > 0) {
      const { journalId } = await earnPoints(trx, { holder: input.holder, amount: points, orgNodeId: rule.org_node_id, source: { type: AWARD_LEDGER_SOURCE, id: row.id }, memo: input.memo, createdBy: input.createdBy, at: input.at });
      await repo.setAwardJournal(trx, row.id, journalId);
      await repo.addMonth(trx, rule.id, holderCode, month, points);
      row.journal_id = journalId;
    }
    return present(row, false);
  });
}

/** Takes points back (debit the holder, credit the issuing node), at most what the holder has; returns what was taken and the journal. */
async function takeBack(trx: Executor, input: { holderCode: string; amount: number; orgNodeId: string; awardId: string; memo: string; createdBy: string | null; at: Date }) {
  let amount = Math.min(input.amount, (await ledger.balances(trx, [input.holderCode])).get(input.holderCode)?.balance ?? 0);
  for (let attempt = 0; amount > 0 && attempt < 3; attempt++) {
    try {
      const j = await ledger.post(trx, {
        memo: input.memo,
        source: { type: AWARD_LEDGER_SOURCE, id: input.awardId },
        lines: [
          { accountCode: input.holderCode, amount, unit: 'points' },
          { accountCode: pointsIssuedAccountCode(input.orgNodeId), amount: -amount, unit: 'points' },
        ],
        createdBy: input.createdBy,
        at: input.at,
      });
      return { taken: amount, journalId: j.id };
    } catch (e) {
      // Spent meanwhile (the ledger checks under its lock, before writing anything): take what is left.
      if (!(e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT_BALANCE')) throw e;
      amount = Math.min(amount, Number(e.params.balance ?? 0));
    }
  }
  return { taken: 0, journalId: null };
}

/**
 * Points for a service record's minutes, in the check-out's (or the correction's) transaction.
 * The first call awards by the `volunteer.hours` rule; later calls (after a correction) post the
 * difference to what the record has earned so far under the same rule and month: more points, or
 * points taken back — at most what the holder still has (spent points are not clawed back).
 */
export async function awardPointsForService(
  trx: Executor,
  input: { recordId: string; volunteerId: string; orgPath: string; minutes: number; title: string; createdBy: string | null; at: Date },
): Promise<AwardResult | null> {
  const previous = await repo.awardsOfSource(trx, SERVICE_SOURCE, input.recordId);
  if (previous.length === 0) {
    if (input.minutes <= 0) return null;
    const v = await volunteersRepo.getVolunteer(trx, input.volunteerId);
    if (!v) return null;
    return awardPointsByRule(trx, { kind: 'volunteer.hours', holder: holderOfVolunteer(v), orgPath: input.orgPath, quantity: input.minutes, source: { type: SERVICE_SOURCE, id: input.recordId }, memo: `志愿服务积分：${input.title}`, createdBy: input.createdBy, at: input.at });
  }
  const first = previous[0]!;
  const rule = (await repo.getRule(trx, first.rule_id))!;
  const holder = holderFromCode(first.holder_code)!;
  const awarded = previous.reduce((s, a) => s + a.points, 0);
  const used = await repo.lockMonth(trx, rule.id, first.holder_code, first.month);
  const { uncapped, capped } = pointsFor(rule, Math.max(0, input.minutes));
  const room = rule.max_per_month ? Math.max(0, rule.max_per_month - (used - awarded)) : Infinity;
  const delta = Math.min(capped, room) - awarded;
  if (delta === 0) return present(previous[previous.length - 1]!, true);
  const row: repo.AwardRow = {
    id: newId(),
    rule_id: rule.id,
    source_type: SERVICE_SOURCE,
    source_id: input.recordId,
    revision: previous[previous.length - 1]!.revision + 1,
    holder_code: first.holder_code,
    org_node_id: first.org_node_id,
    org_path: first.org_path,
    quantity: Math.max(0, input.minutes),
    points: 0,
    uncapped_points: uncapped,
    month: first.month,
    memo: `志愿服务积分（时长更正）：${input.title}`,
    journal_id: null,
    created_by: input.createdBy,
    created_at: input.at.toISOString(),
  };
  if ((await repo.claimAward(trx, row)) !== 1) return null;
  let points = 0;
  let journalId: string | null = null;
  if (delta > 0) {
    journalId = (await earnPoints(trx, { holder, amount: delta, orgNodeId: first.org_node_id, source: { type: AWARD_LEDGER_SOURCE, id: row.id }, memo: row.memo, createdBy: input.createdBy, at: input.at })).journalId;
    points = delta;
  } else {
    const t = await takeBack(trx, { holderCode: first.holder_code, amount: -delta, orgNodeId: first.org_node_id, awardId: row.id, memo: row.memo, createdBy: input.createdBy, at: input.at });
    points = -t.taken;
    journalId = t.journalId;
  }
  await repo.setAwardResult(trx, row.id, points, journalId);
  if (points !== 0) await repo.addMonth(trx, rule.id, first.holder_code, first.month, points);
  return { awardId: row.id, ruleId: rule.id, points, uncappedPoints: uncapped, journalId, already: false };
}

// ---------------------------------------------------------------- rules (staff)

async function presentRules(ctx: PlatformContext, rows: repo.RuleRow[]) {
  const nodes = new Map((await volunteersRepo.getNodesByIds(ctx.db.kysely, rows.map((r) => r.org_node_id))).map((n) => [n.id, n.name]));
  return rows.map((r) => ({
    id: r.id,
    orgNodeId: r.org_node_id,
    orgNodeName: nodes.get(r.org_node_id) ?? null,
    name: r.name,
    sourceKind: r.source_kind,
    sourceKindLabel: sourceKinds.get(r.source_kind)?.label ?? r.source_kind,
    perUnit: r.per_unit,
    pointsPerUnit: r.points_per_unit,
    maxPerAward: r.max_per_award,
    maxPerMonth: r.max_per_month,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    active: toBool(r.active),
    description: r.description,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function listRules(ctx: PlatformContext, actor: Actor, q: { kind?: string }) {
  const paths = scopePaths(actor, POINTS_MANAGE);
  if (paths.length === 0) throw forbidden();
  return { items: await presentRules(ctx, await repo.listRules(ctx.db.kysely, paths, q.kind)) };
}

export async function createRule(ctx: PlatformContext, actor: Actor, input: RuleInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const kind = sourceKinds.get(input.sourceKind);
  if (!kind) throw badRequest('POINTS_KIND_UNKNOWN', { kind: input.sourceKind });
  const node = await repo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || !canAt(actor, POINTS_MANAGE, node.path)) throw badRequest('POINTS_NODE_INVALID');
  const now = ctx.now().toISOString();
  const row: repo.RuleRow = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    name: input.name,
    source_kind: kind.kind,
    per_unit: kind.perUnit,
    points_per_unit: input.pointsPerUnit,
    max_per_award: input.maxPerAward,
    max_per_month: input.maxPerMonth,
    valid_from: input.validFrom,
    valid_to: input.validTo,
    active: 1,
    description: input.description,
    created_by: actor.userId,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertRule(trx, row);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.points.rule.create', targetType: 'points_rule', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { name: row.name, kind: row.source_kind, pointsPerUnit: row.points_per_unit, maxPerAward: row.max_per_award, maxPerMonth: row.max_per_month } }, trx);
  });
  return (await presentRules(ctx, [row]))[0]!;
}

export async function updateRule(ctx: PlatformContext, actor: Actor, id: string, input: RulePatch, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const rule = await repo.getRule(db, id);
  if (!rule || !canAt(actor, POINTS_MANAGE, rule.org_path)) throw notFound('POINTS_RULE_NOT_FOUND');
  const patch: Partial<repo.RuleRow> = { updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.pointsPerUnit !== undefined) patch.points_per_unit = input.pointsPerUnit;
  if (input.maxPerAward !== undefined) patch.max_per_award = input.maxPerAward;
  if (input.maxPerMonth !== undefined) patch.max_per_month = input.maxPerMonth;
  if (input.validFrom !== undefined) patch.valid_from = input.validFrom;
  if (input.validTo !== undefined) patch.valid_to = input.validTo;
  if (input.description !== undefined) patch.description = input.description;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  const from = patch.valid_from !== undefined ? patch.valid_from : rule.valid_from;
  const to = patch.valid_to !== undefined ? patch.valid_to : rule.valid_to;
  if (from && to && from > to) throw badRequest('POINTS_PERIOD_INVALID');
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateRuleIf(trx, id, input.expectedVersion, patch)) !== 1) throw conflict('POINTS_RULE_STALE');
    const { expectedVersion: _v, ...changes } = input;
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.points.rule.update', targetType: 'points_rule', targetId: id, orgNodeId: rule.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { changes } }, trx);
  });
  return (await presentRules(ctx, [(await repo.getRule(db, id))!]))[0]!;
}

// ---------------------------------------------------------------- awards (staff)

async function holderNames(ctx: PlatformContext, codes: string[]): Promise<Map<string, string>> {
  const db = ctx.db.kysely;
  const holders = codes.map((c) => [c, holderFromCode(c)] as const);
  const personIds = holders.flatMap(([, h]) => (h && 'personId' in h ? [h.personId] : []));
  const volunteerIds = holders.flatMap(([, h]) => (h && 'volunteerId' in h ? [h.volunteerId] : []));
  const [people, volunteers] = await Promise.all([peopleBriefs(db, [...new Set(personIds)]), volunteersRepo.getVolunteersByIds(db, volunteerIds)]);
  const out = new Map<string, string>();
  for (const p of people) out.set(pointsAccountCode({ personId: p.personId }), p.name);
  for (const v of volunteers) out.set(pointsAccountCode({ volunteerId: v.id }), v.name);
  return out;
}

type AwardJoined = repo.AwardRow & { rule_name: string; source_kind: string };

function presentAward(a: AwardJoined, names: Map<string, string>) {
  return {
    id: a.id,
    ruleId: a.rule_id,
    ruleName: a.rule_name,
    sourceKind: a.source_kind,
    sourceType: a.source_type,
    sourceId: a.source_id,
    revision: a.revision,
    holderCode: a.holder_code,
    holderName: names.get(a.holder_code) ?? null,
    quantity: a.quantity,
    points: a.points,
    uncappedPoints: a.uncapped_points,
    memo: a.memo,
    journalId: a.journal_id,
    createdAt: a.created_at,
  };
}

export async function listAwards(ctx: PlatformContext, actor: Actor, q: { kind?: string; page: number; pageSize: number }) {
  const paths = scopePaths(actor, POINTS_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listAwards(ctx.db.kysely, { paths, kind: q.kind }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const names = await holderNames(ctx, [...new Set(rows.map((r) => r.holder_code))]);
  return { items: rows.map((r) => presentAward(r, names)), total, page: q.page, pageSize: q.pageSize };
}

/**
 * 好人好事: staff record a verified good deed of a volunteer or resident of their area, which earns
 * points by the `good_deed` rule in force there (400 `POINTS_NO_RULE` without one). The holder is told.
 */
export async function awardGoodDeed(ctx: PlatformContext, actor: Actor, input: GoodDeedInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  let holder: PointsHolder;
  let path: string;
  let userId: string | null = null;
  if ('volunteerId' in input.holder) {
    const v = await volunteersRepo.getVolunteer(db, input.holder.volunteerId);
    if (!v || !canAt(actor, POINTS_MANAGE, v.org_path)) throw notFound('POINTS_HOLDER_NOT_FOUND');
    holder = holderOfVolunteer(v);
    path = v.org_path;
    userId = v.user_id ?? (v.person_id ? ((await volunteersRepo.accountOfPerson(db, v.person_id))?.id ?? null) : null);
  } else {
    const facts = await residentFacts(db, input.holder.personId);
    if (!facts || !canAt(actor, POINTS_MANAGE, facts.orgPath)) throw notFound('POINTS_HOLDER_NOT_FOUND');
    holder = { personId: facts.personId };
    path = facts.orgPath;
    userId = (await volunteersRepo.accountOfPerson(db, facts.personId))?.id ?? null;
  }
  const now = ctx.now();
  if (input.happenedOn > beijingDay(now)) throw badRequest('POINTS_DAY_INVALID');
  const sourceId = newId();
  const memo = `好人好事（${input.happenedOn}）：${input.description}`;
  const result = await db.transaction().execute(async (trx) => {
    const award = await awardPointsByRule(trx, { kind: 'good_deed', holder, orgPath: path, quantity: input.quantity, source: { type: GOOD_DEED_SOURCE, id: sourceId }, memo, createdBy: actor.userId, at: now });
    if (!award) throw badRequest('POINTS_NO_RULE', { kind: sourceKinds.get('good_deed')!.label });
    if (userId && award.points > 0) await notify(trx, { recipients: [userId], kind: 'volunteers.points.awarded', title: `获得积分 ${award.points} 分`, body: memo, link: '/m/volunteer/rewards', at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.points.good-deed', targetType: 'points_award', targetId: award.awardId, ip: meta.ip, requestId: meta.requestId, details: { holder: pointsAccountCode(holder), quantity: input.quantity, points: award.points, rule: award.ruleId } }, trx);
    return award;
  });
  const row = (await repo.getAward(db, result.awardId))!;
  const rule = (await repo.getRule(db, row.rule_id))!;
  return presentAward({ ...row, rule_name: rule.name, source_kind: rule.source_kind }, await holderNames(ctx, [row.holder_code]));
}

// ---------------------------------------------------------------- the holder

/** 我的积分: the balance (from the ledger) and the account's entries, newest first. */
export async function myPoints(ctx: PlatformContext, actor: Actor) {
  const me = await holderOfActor(ctx, actor);
  if (!me) return { holderCode: null, balance: 0, entries: [] };
  const code = pointsAccountCode(me.holder);
  const balance = (await pointsBalances(ctx.db.kysely, [me.holder])).get(code) ?? 0;
  let entries: Awaited<ReturnType<typeof ledger.statement>>['items'] = [];
  try {
    entries = (await ledger.statement(ctx.db.kysely, code, { limit: 100, offset: 0 })).items;
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'LEDGER_ACCOUNT_NOT_FOUND')) throw e;
  }
  return { holderCode: code, balance, entries };
}
