import { randomBytes } from 'node:crypto';
import { inAnySubtree } from '../../platform/org/org.repository.js';
import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages, t, type Locale } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { registerTopicReader, signalTopic } from '../../platform/notify/live.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { knownTagCodes, peopleBriefs } from '../registry/registry.facts.js';
import { SURVEY_MANAGE } from './surveys.policy.js';
import * as repo from './surveys.repository.js';
import type { AnswerInput, Audience, Question, QuestionInput, SurveyDraft } from './surveys.schema.js';
import type { SurveyAnswerTable, SurveyStatus, SurveyTable } from './surveys.table.js';
import './surveys.policy.js';

/**
 * 民意调查: staff build a survey (single / multiple choice, text, rating 1–5; required flags),
 * target it like a notice (subtrees × registry tags) and publish it: the audience is fixed then,
 * one `survey_eligible` row per person, so "one response per resident" and turnout are exact.
 * A resident answers once: a `survey_participation` row (primary key survey × person) refuses
 * the second, also under concurrent submits. Anonymous surveys keep that row apart from the
 * answers (no person, no time on the answers, random response ids). Each response signals the
 * topic `survey:<id>` after commit, so open results pages redraw without an inbox row.
 */

addMessages({
  'error.SURVEY_NOT_FOUND': { 'zh-CN': '问卷不存在', en: 'No such survey' },
  'error.SURVEY_STALE': { 'zh-CN': '问卷已被他人修改，请刷新后重试', en: 'Someone else changed this survey; reload and try again' },
  'error.SURVEY_NOT_DRAFT': { 'zh-CN': '只有草稿可以修改或发布', en: 'Only a draft can be edited or published' },
  'error.SURVEY_NOT_PUBLISHED': { 'zh-CN': '问卷未发布或已结束', en: 'The survey is not published (or already closed)' },
  'error.SURVEY_NOT_OPEN': { 'zh-CN': '问卷不在答题时间内或已结束', en: 'The survey is not open for answers' },
  'error.SURVEY_ALREADY_ANSWERED': { 'zh-CN': '您已填写过该问卷，每人只能填写一次', en: 'You have already answered this survey (one response per person)' },
  'error.SURVEY_NOT_ELIGIBLE': { 'zh-CN': '您不在本问卷的调查范围内', en: 'You are not in this survey’s audience' },
  'error.SURVEY_RESULTS_HIDDEN': { 'zh-CN': '本问卷的结果不公开，或您尚未填写', en: 'The results are not public, or you have not answered yet' },
  'error.SURVEY_TIMES_INVALID': { 'zh-CN': '截止时间须晚于开始时间', en: 'The closing time must be after the opening time' },
  'error.SURVEY_AUDIENCE_OUTSIDE': { 'zh-CN': '调查范围须在发布单位（{node}）之内', en: 'The audience must lie within the publishing node ({node})' },
  'error.SURVEY_AUDIENCE_EMPTY': { 'zh-CN': '调查范围内没有符合条件的居民', en: 'Nobody in the audience matches' },
  'error.SURVEY_UNKNOWN_TAG': { 'zh-CN': '未知的人员标签：{tags}', en: 'Unknown tags: {tags}' },
  'error.SURVEY_NODE_NOT_FOUND': { 'zh-CN': '组织节点不存在：{node}', en: 'No such organisation node: {node}' },
  'error.SURVEY_QUESTION_OPTIONS': { 'zh-CN': '第{n}题须有 2–20 个选项', en: 'Question {n} needs 2–20 options' },
  'error.SURVEY_QUESTION_NO_OPTIONS': { 'zh-CN': '第{n}题不是选择题，不能设置选项', en: 'Question {n} is not a choice question and takes no options' },
  'error.SURVEY_QUESTION_PICKS': { 'zh-CN': '第{n}题的最少/最多选择数不合理', en: 'Question {n}: the minimum and maximum picks do not fit its options' },
  'error.SURVEY_ANSWER_INVALID': { 'zh-CN': '问卷填写有误（{count} 处），请按提示修改', en: 'The answers have {count} problem(s); see each question' },
  'error.SURVEY_ANSWER_REQUIRED': { 'zh-CN': '第{n}题为必答题', en: 'Question {n} must be answered' },
  'error.SURVEY_ANSWER_UNKNOWN_QUESTION': { 'zh-CN': '问卷中没有这道题：{id}', en: 'No such question in this survey: {id}' },
  'error.SURVEY_ANSWER_DUPLICATE': { 'zh-CN': '第{n}题重复作答', en: 'Question {n} is answered twice' },
  'error.SURVEY_ANSWER_WRONG_KIND': { 'zh-CN': '第{n}题的答案类型不对', en: 'Question {n}: wrong kind of answer' },
  'error.SURVEY_ANSWER_OPTION': { 'zh-CN': '第{n}题的选项无效', en: 'Question {n}: no such option' },
  'error.SURVEY_ANSWER_SINGLE': { 'zh-CN': '第{n}题只能选一项', en: 'Question {n}: pick one option only' },
  'error.SURVEY_ANSWER_TOO_FEW': { 'zh-CN': '第{n}题至少选 {min} 项', en: 'Question {n}: pick at least {min}' },
  'error.SURVEY_ANSWER_TOO_MANY': { 'zh-CN': '第{n}题最多选 {max} 项', en: 'Question {n}: pick at most {max}' },
  'error.SURVEY_ANSWER_RATING': { 'zh-CN': '第{n}题请打 1–5 分', en: 'Question {n}: give a rating from 1 to 5' },
  'error.SURVEY_ANSWER_TEXT_LONG': { 'zh-CN': '第{n}题最多 {max} 字', en: 'Question {n}: at most {max} characters' },
});

type Row = SurveyTable;
const OPTION_IDS = 'abcdefghijklmnopqrst';
const DEFAULT_TEXT_MAX = 500;
const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
export const surveyTopic = (id: string) => `survey:${id}`;

/** Server ids for a draft's questions (q1 …, options a …) and the builder's rules checked. */
export function normaliseQuestions(input: QuestionInput[]): Question[] {
  return input.map((q, i) => {
    const n = i + 1;
    const out: Question = { id: `q${n}`, kind: q.kind, title: q.title, required: q.required };
    if (q.kind === 'single' || q.kind === 'multiple') {
      const opts = q.options ?? [];
      if (opts.length < 2 || opts.length > 20) throw badRequest('SURVEY_QUESTION_OPTIONS', { n });
      out.options = opts.map((label, j) => ({ id: OPTION_IDS[j]!, label }));
      if (q.kind === 'multiple') {
        const min = q.minPicks ?? (q.required ? 1 : 0);
        const max = q.maxPicks ?? opts.length;
        if (min > max || max > opts.length || (q.required && min < 1)) throw badRequest('SURVEY_QUESTION_PICKS', { n });
        out.minPicks = min;
        out.maxPicks = max;
      }
    } else {
      if (q.options?.length) throw badRequest('SURVEY_QUESTION_NO_OPTIONS', { n });
      if (q.kind === 'text') out.maxLength = q.maxLength ?? DEFAULT_TEXT_MAX;
    }
    return out;
  });
}

export interface AnswerProblem {
  questionId: string;
  code: string;
  message: string;
}

/** Checks a response against the questions; returns the answer rows to store, or the problems per question. */
export function checkAnswers(questions: Question[], answers: AnswerInput[], locale: Locale): { rows: Omit<SurveyAnswerTable, 'response_id' | 'survey_id'>[]; problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  const rows: Omit<SurveyAnswerTable, 'response_id' | 'survey_id'>[] = [];
  const index = new Map(questions.map((q, i) => [q.id, { q, n: i + 1 }]));
  const given = new Map<string, AnswerInput>();
  const problem = (questionId: string, code: string, params: Record<string, string | number>) =>
    problems.push({ questionId, code, message: t(locale, `error.${code}`, params) });
  for (const a of answers) {
    const hit = index.get(a.questionId);
    if (!hit) {
      problem(a.questionId, 'SURVEY_ANSWER_UNKNOWN_QUESTION', { id: a.questionId.slice(0, 16) });
      continue;
    }
    if (given.has(a.questionId)) {
      problem(a.questionId, 'SURVEY_ANSWER_DUPLICATE', { n: hit.n });
      continue;
    }
    given.set(a.questionId, a);
  }
  for (const [qid, { q, n }] of index) {
    const a = given.get(qid);
    const choice = q.kind === 'single' || q.kind === 'multiple';
    const wrongKind =
      !!a && ((!choice && !!a.optionIds?.length) || (q.kind !== 'rating' && a.rating !== undefined) || (q.kind !== 'text' && a.text !== undefined && a.text !== ''));
    if (wrongKind) {
      problem(qid, 'SURVEY_ANSWER_WRONG_KIND', { n });
      continue;
    }
    const empty = !a || (choice ? !a.optionIds?.length : q.kind === 'rating' ? a.rating === undefined : !(a.text ?? '').trim());
    if (empty) {
      if (q.required) problem(qid, 'SURVEY_ANSWER_REQUIRED', { n });
      continue;
    }
    if (q.kind === 'single' || q.kind === 'multiple') {
      const picks = [...new Set(a.optionIds!)];
      if (picks.some((p) => !q.options!.some((o) => o.id === p))) {
        problem(qid, 'SURVEY_ANSWER_OPTION', { n });
        continue;
      }
      if (q.kind === 'single' && picks.length !== 1) {
        problem(qid, 'SURVEY_ANSWER_SINGLE', { n });
        continue;
      }
      if (q.kind === 'multiple' && picks.length < (q.minPicks ?? 0)) {
        problem(qid, 'SURVEY_ANSWER_TOO_FEW', { n, min: q.minPicks ?? 0 });
        continue;
      }
      if (q.kind === 'multiple' && picks.length > (q.maxPicks ?? q.options!.length)) {
        problem(qid, 'SURVEY_ANSWER_TOO_MANY', { n, max: q.maxPicks ?? q.options!.length });
        continue;
      }
      for (const p of picks) rows.push({ question_id: qid, option_id: p, rating: null, text: null });
    } else if (q.kind === 'rating') {
      if (!Number.isInteger(a.rating) || a.rating! < 1 || a.rating! > 5) {
        problem(qid, 'SURVEY_ANSWER_RATING', { n });
        continue;
      }
      rows.push({ question_id: qid, option_id: null, rating: a.rating!, text: null });
    } else {
      const text = a.text!.trim();
      const max = q.maxLength ?? DEFAULT_TEXT_MAX;
      if ([...text].length > max) {
        problem(qid, 'SURVEY_ANSWER_TEXT_LONG', { n, max });
        continue;
      }
      rows.push({ question_id: qid, option_id: null, rating: null, text });
    }
  }
  return { rows, problems };
}

const isOpen = (r: Row, now: Date) => r.status === 'published' && r.opens_at <= now.toISOString() && now.toISOString() < r.closes_at;

async function nodeName(ctx: PlatformContext, id: string) {
  return (await ctx.db.kysely.selectFrom('org_node').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;
}

async function presentStaff(ctx: PlatformContext, r: Row, responses?: number) {
  const audience = parseJson<Audience>(r.audience, { nodeIds: [], tags: [], tagMode: 'any' });
  return {
    id: r.id,
    orgNodeId: r.org_node_id,
    orgNodeName: await nodeName(ctx, r.org_node_id),
    title: r.title,
    description: r.description,
    questions: parseJson<Question[]>(r.questions, []),
    audience: { nodeIds: audience.nodeIds, tags: audience.tags, tagMode: audience.tagMode },
    audienceLabel: r.audience_label,
    anonymous: r.anonymous === 1,
    resultsPublic: r.results_public === 1,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    status: r.status,
    open: isOpen(r, ctx.now()),
    eligibleCount: r.eligible_count,
    responseCount: responses ?? (await repo.responseCounts(ctx.db.kysely, [r.id])).get(r.id) ?? 0,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
    version: r.version,
    createdAt: r.created_at,
  };
}

function presentMine(ctx: PlatformContext, r: Row, responded: boolean) {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    questions: parseJson<Question[]>(r.questions, []),
    anonymous: r.anonymous === 1,
    resultsPublic: r.results_public === 1,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    status: r.status,
    open: isOpen(r, ctx.now()),
    responded,
  };
}

async function resolveAudience(ctx: PlatformContext, publisher: { path: string; name: string }, audience: Audience) {
  const db = ctx.db.kysely;
  const ids = [...new Set(audience.nodeIds)];
  const nodes = await db.selectFrom('org_node').select(['id', 'name', 'path']).where('id', 'in', ids).execute();
  const missing = ids.find((id) => !nodes.some((n) => n.id === id));
  if (missing) throw badRequest('SURVEY_NODE_NOT_FOUND', { node: missing });
  if (nodes.some((n) => !n.path.startsWith(publisher.path))) throw badRequest('SURVEY_AUDIENCE_OUTSIDE', { node: publisher.name });
  const tags = [...new Set(audience.tags)];
  const known = await knownTagCodes(db, tags);
  const unknown = tags.filter((x) => !known.has(x));
  if (unknown.length) throw badRequest('SURVEY_UNKNOWN_TAG', { tags: unknown.join('、') });
  const paths = nodes.map((n) => n.path).sort();
  const outer = paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q)));
  const label = ids.map((id) => nodes.find((n) => n.id === id)!.name).join('、') + (tags.length ? ` · ${tags.join(audience.tagMode === 'all' ? '且' : '或')}` : '');
  return {
    normalised: { nodeIds: ids, tags, tagMode: audience.tagMode },
    filter: { paths: outer, tags, tagMode: audience.tagMode, day: beijingDay(ctx.now()) } satisfies repo.AudienceFilter,
    label,
  };
}

async function publisherNode(ctx: PlatformContext, actor: Actor, orgNodeId: string) {
  const node = await ctx.db.kysely.selectFrom('org_node').select(['id', 'name', 'path']).where('id', '=', orgNodeId).executeTakeFirst();
  if (!node) throw badRequest('SURVEY_NODE_NOT_FOUND', { node: orgNodeId });
  if (!canAt(actor, SURVEY_MANAGE, node.path)) throw forbidden();
  return node;
}

function checkTimes(opensAt: string, closesAt: string) {
  const o = new Date(opensAt).toISOString();
  const c = new Date(closesAt).toISOString();
  if (c <= o) throw badRequest('SURVEY_TIMES_INVALID');
  return { o, c };
}

export async function previewAudience(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; audience: Audience }) {
  const node = await publisherNode(ctx, actor, input.orgNodeId);
  const a = await resolveAudience(ctx, node, input.audience);
  return { ...(await repo.countAudience(ctx.db.kysely, a.filter)), label: a.label };
}

export async function createSurvey(ctx: PlatformContext, actor: Actor, input: SurveyDraft, meta: RequestMeta) {
  const node = await publisherNode(ctx, actor, input.orgNodeId);
  const a = await resolveAudience(ctx, node, input.audience);
  const questions = normaliseQuestions(input.questions);
  const { o, c } = checkTimes(input.opensAt, input.closesAt);
  const at = ctx.now().toISOString();
  const row: Row = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    title: input.title,
    description: input.description,
    questions: JSON.stringify(questions),
    audience: JSON.stringify(a.normalised),
    audience_label: a.label,
    anonymous: input.anonymous ? 1 : 0,
    results_public: input.resultsPublic ? 1 : 0,
    opens_at: o,
    closes_at: c,
    status: 'draft',
    eligible_count: 0,
    published_at: null,
    published_by: null,
    closed_at: null,
    version: 1,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('survey').values(row).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.create', targetType: 'survey', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { title: row.title, audience: a.label, anonymous: input.anonymous } }, trx);
  });
  return presentStaff(ctx, row, 0);
}

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await ctx.db.kysely.selectFrom('survey').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !canAt(actor, SURVEY_MANAGE, row.org_path)) throw notFound('SURVEY_NOT_FOUND');
  return row;
}

export async function getForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  return presentStaff(ctx, await loadForStaff(ctx, actor, id));
}

export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: SurveyStatus; page: number; pageSize: number }) {
  const paths = scopePaths(actor, SURVEY_MANAGE);
  if (paths.length === 0) throw forbidden();
  let base = ctx.db.kysely.selectFrom('survey').where((eb) => inAnySubtree(eb, 'org_path', paths));
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const counts = await repo.responseCounts(ctx.db.kysely, rows.map((r) => r.id));
  return { items: await Promise.all(rows.map((r) => presentStaff(ctx, r, counts.get(r.id) ?? 0))), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

export async function updateSurvey(ctx: PlatformContext, actor: Actor, id: string, input: Partial<Omit<SurveyDraft, 'orgNodeId'>> & { expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('SURVEY_NOT_DRAFT');
  if (row.version !== input.expectedVersion) throw conflict('SURVEY_STALE');
  const patch: Partial<Row> = { updated_at: ctx.now().toISOString(), version: row.version + 1 };
  if (input.title !== undefined) patch.title = input.title;
  if (input.description !== undefined) patch.description = input.description;
  if (input.questions) patch.questions = JSON.stringify(normaliseQuestions(input.questions));
  if (input.anonymous !== undefined) patch.anonymous = input.anonymous ? 1 : 0;
  if (input.resultsPublic !== undefined) patch.results_public = input.resultsPublic ? 1 : 0;
  if (input.audience) {
    const node = { path: row.org_path, name: (await nodeName(ctx, row.org_node_id)) ?? '' };
    const a = await resolveAudience(ctx, node, input.audience);
    patch.audience = JSON.stringify(a.normalised);
    patch.audience_label = a.label;
  }
  if (input.opensAt || input.closesAt) {
    const { o, c } = checkTimes(input.opensAt ?? row.opens_at, input.closesAt ?? row.closes_at);
    patch.opens_at = o;
    patch.closes_at = c;
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx.updateTable('survey').set(patch).where('id', '=', id).where('version', '=', input.expectedVersion).where('status', '=', 'draft').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('SURVEY_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.update', targetType: 'survey', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: Object.keys(input).filter((k) => k !== 'expectedVersion') } }, trx);
  });
  return getForStaff(ctx, actor, id);
}

/** Fixes the audience (one eligibility row per person) and tells those with an account, in one transaction. */
export async function publishSurvey(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('SURVEY_NOT_DRAFT');
  if (row.version !== input.expectedVersion) throw conflict('SURVEY_STALE');
  const node = { path: row.org_path, name: (await nodeName(ctx, row.org_node_id)) ?? '' };
  const a = await resolveAudience(ctx, node, parseJson<Audience>(row.audience, { nodeIds: [], tags: [], tagMode: 'any' }));
  const now = ctx.now();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('survey')
      .set({ status: 'published', published_at: now.toISOString(), published_by: actor.userId, version: row.version + 1, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('SURVEY_STALE');
    const eligible = await repo.insertEligible(trx, id, a.filter);
    if (eligible === 0) throw badRequest('SURVEY_AUDIENCE_EMPTY');
    await trx.updateTable('survey').set({ eligible_count: eligible }).where('id', '=', id).execute();
    const users = await repo.eligibleUsers(trx, id);
    await notify(trx, { recipients: users, kind: 'community.survey.published', title: `问卷调查：${row.title}`, body: `请于 ${beijingDay(new Date(row.closes_at))} 前填写${row.anonymous ? '（匿名）' : ''}`, link: `/m/surveys/${id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.publish', targetType: 'survey', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { eligible, accounts: users.length, audience: a.label } }, trx);
  });
  return getForStaff(ctx, actor, id);
}

export async function closeSurvey(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'published') throw conflict('SURVEY_NOT_PUBLISHED');
  const now = ctx.now().toISOString();
  const pg = ctx.db.dialect === 'postgres';
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx.updateTable('survey').set({ status: 'closed', closed_at: now, version: row.version + 1, updated_at: now }).where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('SURVEY_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.close', targetType: 'survey', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
    if (pg) await signalTopic(trx, surveyTopic(id));
  });
  if (!pg) await signalTopic(ctx.db.kysely, surveyTopic(id));
  return getForStaff(ctx, actor, id);
}

// ---- residents ----

const whoOf = (actor: Actor) => ({ personId: actor.personId, userId: actor.userId });

export async function listMine(ctx: PlatformContext, actor: Actor) {
  const rows = await repo.listMine(ctx.db.kysely, whoOf(actor));
  return { items: rows.map((r) => presentMine(ctx, r, r.responded_on !== null)) };
}

async function loadMine(ctx: PlatformContext, actor: Actor, id: string) {
  const db = ctx.db.kysely;
  const row = await db.selectFrom('survey').selectAll().where('id', '=', id).where('status', '!=', 'draft').executeTakeFirst();
  const eligible = row ? await repo.eligibleRow(db, id, whoOf(actor)) : undefined;
  if (!row || !eligible) throw notFound('SURVEY_NOT_FOUND');
  return { row, eligible };
}

export async function getMine(ctx: PlatformContext, actor: Actor, id: string) {
  const { row, eligible } = await loadMine(ctx, actor, id);
  return presentMine(ctx, row, await repo.hasResponded(ctx.db.kysely, id, eligible.person_id));
}

/** 32 random bits ×2 in Crockford base32: an id that carries no time (anonymous responses). */
function randomId() {
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  return [...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
}

export interface ResponseWriter {
  row: Row;
  personId: string;
  userId: string | null;
  at: Date;
  answers: Omit<SurveyAnswerTable, 'response_id' | 'survey_id'>[];
}

/** Writes one response: the participation row first (its key refuses a second), then the answers. */
export async function writeResponse(db: Executor, w: ResponseWriter) {
  const anonymous = w.row.anonymous === 1;
  const day = beijingDay(w.at);
  await db.insertInto('survey_participation').values({ survey_id: w.row.id, person_id: w.personId, responded_on: day }).execute();
  const responseId = anonymous ? randomId() : newId(w.at.getTime());
  await db
    .insertInto('survey_response')
    .values({
      id: responseId,
      survey_id: w.row.id,
      person_id: anonymous ? null : w.personId,
      user_id: anonymous ? null : w.userId,
      // Anonymous: the day only, so the time of the participation (or of the audit entry) cannot point at the answers.
      submitted_at: anonymous ? `${day}T00:00:00+08:00` : w.at.toISOString(),
    })
    .execute();
  if (w.answers.length) await db.insertInto('survey_answer').values(w.answers.map((a) => ({ ...a, response_id: responseId, survey_id: w.row.id }))).execute();
  return responseId;
}

export async function respond(ctx: PlatformContext, actor: Actor, id: string, input: { answers: AnswerInput[] }, locale: Locale, meta: RequestMeta) {
  const { row, eligible } = await loadMine(ctx, actor, id);
  const now = ctx.now();
  if (!isOpen(row, now)) throw conflict('SURVEY_NOT_OPEN');
  const { rows, problems } = checkAnswers(parseJson<Question[]>(row.questions, []), input.answers, locale);
  if (problems.length) throw badRequest('SURVEY_ANSWER_INVALID', { count: problems.length }, problems);
  const pg = ctx.db.dialect === 'postgres';
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await writeResponse(trx, { row, personId: eligible.person_id, userId: actor.userId, at: now, answers: rows });
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.respond', targetType: 'survey', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { anonymous: row.anonymous === 1 } }, trx);
      if (pg) await signalTopic(trx, surveyTopic(id));
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('SURVEY_ALREADY_ANSWERED');
    throw e;
  }
  if (!pg) await signalTopic(ctx.db.kysely, surveyTopic(id));
  return presentMine(ctx, row, true);
}

// ---- results ----

export interface QuestionResult {
  id: string;
  kind: Question['kind'];
  title: string;
  answered: number;
  options?: { id: string; label: string; count: number }[];
  ratingCounts?: number[];
  average?: number | null;
  texts?: number;
}

async function computeResults(ctx: PlatformContext, row: Row): Promise<{ surveyId: string; eligible: number; responses: number; turnout: number | null; questions: QuestionResult[] }> {
  const db = ctx.db.kysely;
  const questions = parseJson<Question[]>(row.questions, []);
  const [counts, answered, responses] = await Promise.all([repo.optionCounts(db, row.id), repo.answeredPerQuestion(db, row.id), repo.responseCounts(db, [row.id])]);
  const answeredBy = new Map(answered.map((a) => [a.question_id, Number(a.n)]));
  const n = responses.get(row.id) ?? 0;
  return {
    surveyId: row.id,
    eligible: row.eligible_count,
    responses: n,
    turnout: row.eligible_count ? n / row.eligible_count : null,
    questions: questions.map((q): QuestionResult => {
      const mine = counts.filter((c) => c.question_id === q.id);
      const base = { id: q.id, kind: q.kind, title: q.title, answered: answeredBy.get(q.id) ?? 0 };
      if (q.kind === 'single' || q.kind === 'multiple') {
        return { ...base, options: q.options!.map((o) => ({ id: o.id, label: o.label, count: Number(mine.find((c) => c.option_id === o.id)?.n ?? 0) })) };
      }
      if (q.kind === 'rating') {
        const ratingCounts = [1, 2, 3, 4, 5].map((v) => Number(mine.find((c) => Number(c.rating) === v)?.n ?? 0));
        const total = ratingCounts.reduce((s, x) => s + x, 0);
        const sum = ratingCounts.reduce((s, x, i) => s + x * (i + 1), 0);
        return { ...base, ratingCounts, average: total ? Math.round((sum / total) * 100) / 100 : null };
      }
      return { ...base, texts: mine.reduce((s, c) => s + Number(c.texts), 0) };
    }),
  };
}

export async function resultsForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  return computeResults(ctx, await loadForStaff(ctx, actor, id));
}

/** A resident sees the results after answering, when the survey says they are public. */
export async function resultsForResident(ctx: PlatformContext, actor: Actor, id: string) {
  const { row, eligible } = await loadMine(ctx, actor, id);
  if (row.results_public !== 1 || !(await repo.hasResponded(ctx.db.kysely, id, eligible.person_id))) throw forbidden('SURVEY_RESULTS_HIDDEN');
  return computeResults(ctx, row);
}

async function mayListen(ctx: PlatformContext, actor: Actor, id: string): Promise<boolean> {
  const row = await ctx.db.kysely.selectFrom('survey').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  if (canAt(actor, SURVEY_MANAGE, row.org_path)) return true;
  if (row.status === 'draft' || row.results_public !== 1) return false;
  const eligible = await repo.eligibleRow(ctx.db.kysely, id, whoOf(actor));
  return !!eligible && (await repo.hasResponded(ctx.db.kysely, id, eligible.person_id));
}
registerTopicReader('survey', mayListen);

/** An ideographic space between items on one line, as a Chinese form prints them. */
const GAP = '\u3000';
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 导出: a summary sheet and one row per response (named surveys with names; anonymous without). Audited. */
export async function exportXlsx(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  const db = ctx.db.kysely;
  const results = await computeResults(ctx, row);
  const questions = parseJson<Question[]>(row.questions, []);
  const anonymous = row.anonymous === 1;
  const responses = await db.selectFrom('survey_response').selectAll().where('survey_id', '=', id).orderBy('submitted_at').orderBy('id').execute();
  const answers = await db.selectFrom('survey_answer').selectAll().where('survey_id', '=', id).execute();
  const byResponse = new Map<string, typeof answers>();
  for (const a of answers) {
    const list = byResponse.get(a.response_id) ?? [];
    list.push(a);
    byResponse.set(a.response_id, list);
  }
  const names = anonymous ? new Map<string, string>() : new Map((await peopleBriefs(db, responses.map((r) => r.person_id!).filter(Boolean))).map((p) => [p.personId, p.name]));

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Linli';
  const summary = wb.addWorksheet('汇总');
  summary.addRow([row.title]).font = { bold: true, size: 14 };
  summary.addRow([`应答人数 ${results.eligible}${GAP}已答 ${results.responses}${GAP}参与率 ${results.turnout === null ? '—' : `${(results.turnout * 100).toFixed(1)}%`}${anonymous ? `${GAP}（匿名问卷）` : ''}`]);
  summary.addRow([]);
  summary.addRow(['题目', '选项 / 分值', '人数']).font = { bold: true };
  results.questions.forEach((q, i) => {
    const head = `${i + 1}. ${q.title}`;
    if (q.options) for (const o of q.options) summary.addRow([head, o.label, o.count]);
    else if (q.ratingCounts) {
      q.ratingCounts.forEach((c, v) => summary.addRow([head, `${v + 1} 分`, c]));
      summary.addRow([head, '平均分', q.average ?? '—']);
    } else summary.addRow([head, '填写人数', q.texts ?? 0]);
  });
  summary.getColumn(1).width = 40;
  summary.getColumn(2).width = 24;
  summary.getColumn(3).width = 10;

  const sheet = wb.addWorksheet('答卷');
  sheet.addRow(['序号', ...(anonymous ? [] : ['姓名', '提交时间']), ...questions.map((q, i) => `${i + 1}. ${q.title}`)]).font = { bold: true };
  responses.forEach((r, i) => {
    const mine = byResponse.get(r.id) ?? [];
    const cells = questions.map((q) => {
      const as = mine.filter((a) => a.question_id === q.id);
      if (q.kind === 'single' || q.kind === 'multiple') return as.map((a) => q.options!.find((o) => o.id === a.option_id)?.label ?? a.option_id).join('、');
      if (q.kind === 'rating') return as[0]?.rating ?? '';
      return as[0]?.text ?? '';
    });
    sheet.addRow([i + 1, ...(anonymous ? [] : [names.get(r.person_id ?? '') ?? '', r.submitted_at]), ...cells]);
  });
  sheet.columns.forEach((c, i) => (c.width = i === 0 ? 6 : 20));

  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.survey.export', targetType: 'survey', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { responses: responses.length, anonymous } });
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { buffer, fileName: `问卷结果-${row.title.slice(0, 30)}.xlsx` };
}

/**
 * The `community.survey-close` job: surveys past their closing time are closed (audited as the
 * system; open results pages hear of it). A conditional UPDATE closes each once across processes.
 */
export async function closeExpiredSurveys(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const now = ctx.now().toISOString();
  const due = await db.selectFrom('survey').select(['id', 'org_node_id', 'version']).where('status', '=', 'published').where('closes_at', '<=', now).execute();
  const pg = ctx.db.dialect === 'postgres';
  let closed = 0;
  for (const s of due) {
    const done = await db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('survey').set({ status: 'closed', closed_at: now, version: s.version + 1, updated_at: now }).where('id', '=', s.id).where('status', '=', 'published').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await appendAudit(ctx.db, { actorId: null, actorName: 'system', action: 'community.survey.close', targetType: 'survey', targetId: s.id, orgNodeId: s.org_node_id, details: { reason: 'closing time passed' } }, trx);
      if (pg) await signalTopic(trx, surveyTopic(s.id));
      return true;
    });
    if (done) {
      closed++;
      if (!pg) await signalTopic(db, surveyTopic(s.id));
    }
  }
  return closed;
}
