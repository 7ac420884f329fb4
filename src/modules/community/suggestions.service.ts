import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingDays } from '../../platform/calendar/working-time.js';
import { maskName, maskSensitiveText } from '../../platform/crypto/mask.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { eventCodes } from '../events/events.facts.js';
import { reportEvent } from '../events/events.service.js';
import { residentFacts } from '../registry/registry.facts.js';
import { SUGGESTION_ANSWER } from './suggestions.policy.js';
import type { SuggestionStatus, SuggestionTable } from './suggestions.table.js';
import './suggestions.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * 意见建议 (社情民意): a resident writes a suggestion; staff of their grid or community answer it
 * in public within ANSWER_DAYS working days; the public list shows suggestions their authors
 * made public with the answers, and the answer rate. A suggestion about something to fix becomes
 * a grid event in one step (channel `suggestion`, `promotedFrom`), and the answer says so.
 */

export const ANSWER_DAYS = 5;
export const SUGGESTION_CATEGORIES = ['环境卫生', '物业管理', '公共设施', '治安消防', '社区活动', '为老服务', '其他'] as const;

addMessages({
  'error.SUGGESTION_NOT_FOUND': { 'zh-CN': '意见建议不存在', en: 'No such suggestion' },
  'error.SUGGESTION_NO_HOME': { 'zh-CN': '您的账号尚未关联社区居民信息，请联系社区', en: 'Your account is not linked to a resident record; please contact your community' },
  'error.SUGGESTION_ALREADY_ANSWERED': { 'zh-CN': '该建议已答复', en: 'This suggestion has been answered' },
  'error.SUGGESTION_ALREADY_PROMOTED': { 'zh-CN': '该建议已转为事件 {code}', en: 'This suggestion already became event {code}' },
  'error.SUGGESTION_STALE': { 'zh-CN': '该建议已被他人处理，请刷新', en: 'Someone else handled this suggestion; reload' },
});

type Row = SuggestionTable;

const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

function presentPublic(r: Row) {
  // Public text: numbers of IDs, phones and bank cards masked, whatever the author typed.
  return {
    id: r.id,
    category: r.category,
    title: maskSensitiveText(r.title),
    content: maskSensitiveText(r.content),
    authorLabel: r.author_label,
    status: r.status,
    answer: r.answer,
    answeredByName: r.answered_by_name,
    answeredAt: r.answered_at,
    answerDueAt: r.answer_due_at,
    createdAt: r.created_at,
  };
}

function presentOwn(r: Row, eventCode: string | null) {
  return { ...presentPublic(r), title: r.title, content: r.content, public: r.public === 1, eventCode, hiddenReason: r.hidden_reason };
}

function presentStaff(r: Row, eventCode: string | null, now: Date) {
  return {
    ...presentOwn(r, eventCode),
    orgNodeId: r.org_node_id,
    overdue: r.status === 'submitted' && r.answer_due_at < now.toISOString(),
    answeredOnTime: r.answered_on_time === null ? null : r.answered_on_time === 1,
    version: r.version,
  };
}

export async function submitSuggestion(
  ctx: PlatformContext,
  actor: Actor,
  input: { category: string; title: string; content: string; public: boolean; anonymous: boolean },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const facts = actor.personId ? await residentFacts(db, actor.personId) : undefined;
  if (!facts) throw forbidden('SUGGESTION_NO_HOME');
  const home = facts.chain.filter((n) => n.kind === 'grid').pop() ?? facts.chain.filter((n) => n.kind === 'community').pop();
  if (!home) throw forbidden('SUGGESTION_NO_HOME');
  const now = ctx.now();
  const due = addWorkingDays(await getWorkCalendar(ctx), now, ANSWER_DAYS);
  const row: Row = {
    id: newId(),
    org_node_id: home.id,
    org_path: home.path,
    author_user_id: actor.userId,
    author_person_id: facts.personId,
    author_label: input.anonymous ? '匿名' : (maskName(facts.name) ?? '居民'),
    category: input.category,
    title: input.title,
    content: input.content,
    public: input.public ? 1 : 0,
    status: 'submitted',
    answer: null,
    answered_by: null,
    answered_by_name: null,
    answered_at: null,
    answer_due_at: due.toISOString(),
    answered_on_time: null,
    event_id: null,
    hidden_reason: null,
    version: 1,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('suggestion').values(row).execute();
    // Staff of the grid and its community hear of it.
    const staff = await trx
      .selectFrom('role_grant as g')
      .innerJoin('app_user as u', 'u.id', 'g.user_id')
      .select('u.id')
      .where('g.role', 'in', ['community_staff', 'grid_worker'])
      .where('u.disabled', '=', 0)
      .where((eb) => eb.or(facts.chain.filter((n) => n.kind === 'grid' || n.kind === 'community').map((n) => eb('g.org_node_id', '=', n.id))))
      .execute();
    await notify(trx, { recipients: staff.map((s) => s.id), kind: 'community.suggestion.new', title: `新的意见建议：${row.title}`, body: `${row.category} · 请于 ${beijingDay(due)} 前答复`, link: `/console/community/suggestions/${row.id}`, at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.suggestion.submit', targetType: 'suggestion', targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { category: row.category, public: input.public } }, trx);
  });
  return presentOwn(row, null);
}

export async function listMine(ctx: PlatformContext, actor: Actor) {
  const rows = await ctx.db.kysely.selectFrom('suggestion').selectAll().where('author_user_id', '=', actor.userId).orderBy('created_at', 'desc').limit(100).execute();
  const codes = await eventCodes(ctx.db.kysely, rows.map((r) => r.event_id));
  return { items: rows.map((r) => presentOwn(r, r.event_id ? (codes.get(r.event_id) ?? null) : null)) };
}

/**
 * The public list of a community (or street): public, not hidden; with the answer rate and the
 * on-time rate of everything asked there (public or not), so nobody can hide the unanswered.
 */
export async function listPublic(ctx: PlatformContext, q: { orgNodeId: string; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const node = await db.selectFrom('org_node').select(['path', 'name']).where('id', '=', q.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  const under = db.selectFrom('suggestion').where('org_path', '>=', node.path).where('org_path', '<', prefixEnd(node.path));
  const list = under.where('public', '=', 1).where('status', '!=', 'hidden');
  const [items, total, stats] = await Promise.all([
    list.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    list.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    under
      .where('status', '!=', 'hidden')
      .select([
        sql<number>`count(*)`.as('asked'),
        sql<number>`count(answered_at)`.as('answered'),
        sql<number>`sum(case when answered_on_time = 1 then 1 else 0 end)`.as('on_time'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const asked = Number(stats.asked);
  const answered = Number(stats.answered);
  return {
    items: items.map(presentPublic),
    total: Number(total.n),
    page: q.page,
    pageSize: q.pageSize,
    stats: { asked, answered, answerRate: asked ? answered / asked : null, onTimeRate: answered ? Number(stats.on_time ?? 0) / answered : null },
  };
}

export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: SuggestionStatus; overdue?: boolean; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const paths = scopePaths(actor, SUGGESTION_ANSWER);
  if (paths.length === 0) throw forbidden();
  const now = ctx.now();
  let base = db.selectFrom('suggestion').where((eb) => inAnySubtree(eb, 'org_path', paths));
  if (q.status) base = base.where('status', '=', q.status);
  if (q.overdue) base = base.where('status', '=', 'submitted').where('answer_due_at', '<', now.toISOString());
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('status', 'desc').orderBy('answer_due_at').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const codes = await eventCodes(db, rows.map((r) => r.event_id));
  return { items: rows.map((r) => presentStaff(r, r.event_id ? (codes.get(r.event_id) ?? null) : null, now)), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await ctx.db.kysely.selectFrom('suggestion').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !canAt(actor, SUGGESTION_ANSWER, row.org_path)) throw notFound('SUGGESTION_NOT_FOUND');
  return row;
}

export async function answerSuggestion(ctx: PlatformContext, actor: Actor, id: string, input: { answer: string; expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status === 'answered') throw conflict('SUGGESTION_ALREADY_ANSWERED');
  const now = ctx.now();
  const onTime = now.toISOString() <= row.answer_due_at ? 1 : 0;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('suggestion')
      .set({ status: 'answered', answer: input.answer, answered_by: actor.userId, answered_by_name: actor.displayName, answered_at: now.toISOString(), answered_on_time: onTime, version: row.version + 1, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('SUGGESTION_STALE');
    await notify(trx, { recipients: [row.author_user_id], kind: 'community.suggestion.answered', title: `您的建议已答复：${row.title}`, body: input.answer.slice(0, 120), link: '/m/suggestions', at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.suggestion.answer', targetType: 'suggestion', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { onTime: onTime === 1 } }, trx);
  });
  return getForStaff(ctx, actor, id);
}

/** Moderation: a suggestion that must not stay public (abuse, someone's private data) is hidden with a reason. */
export async function hideSuggestion(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  const now = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('suggestion').set({ status: 'hidden', hidden_reason: input.reason, version: row.version + 1, updated_at: now }).where('id', '=', id).execute();
    await notify(trx, { recipients: [row.author_user_id], kind: 'community.suggestion.hidden', title: `您的建议未予公开：${row.title}`, body: input.reason, link: '/m/suggestions', at: ctx.now() });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.suggestion.hide', targetType: 'suggestion', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason } }, trx);
  });
  return getForStaff(ctx, actor, id);
}

/**
 * 转为事件: the grid event loop takes it over; the suggestion remembers which event. The event and
 * the mark on the suggestion are written in one transaction (reportEvent's `inTransaction`): the
 * mark is a conditional UPDATE … WHERE event_id IS NULL, so of two promotions at the same instant
 * (two staff, two server processes) one commits its event and the other rolls back with 409.
 */
export async function promoteSuggestion(ctx: PlatformContext, actor: Actor, id: string, input: { categoryCode: string; urgency?: '一般' | '紧急' | '特急'; address?: string; attributes?: Record<string, string | string[]> }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.event_id) {
    const code = (await eventCodes(ctx.db.kysely, [row.event_id])).get(row.event_id) ?? '';
    throw conflict('SUGGESTION_ALREADY_PROMOTED', { code });
  }
  const at = ctx.now().toISOString();
  const event = await reportEvent(
    ctx,
    { kind: 'user', actor },
    {
      categoryCode: input.categoryCode,
      title: row.title,
      description: row.content,
      channel: 'suggestion',
      urgency: input.urgency,
      orgNodeId: row.org_node_id,
      address: input.address,
      attributes: input.attributes,
      promotedFrom: `suggestion:${row.id}`,
    },
    meta,
    {
      inTransaction: async (trx, ev) => {
        const res = await trx.updateTable('suggestion').set({ event_id: ev.id, updated_at: at }).where('id', '=', id).where('event_id', 'is', null).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) {
          // Someone else's promotion committed first: this event is rolled back with the throw.
          const taken = await trx.selectFrom('suggestion').select('event_id').where('id', '=', id).executeTakeFirst();
          const code = taken?.event_id ? ((await eventCodes(trx, [taken.event_id])).get(taken.event_id) ?? '') : '';
          throw conflict('SUGGESTION_ALREADY_PROMOTED', { code });
        }
        await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.suggestion.promote', targetType: 'suggestion', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { event: ev.code } }, trx);
      },
    },
  );
  return { ...(await getForStaff(ctx, actor, id)), eventId: event.id };
}

export async function getForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await loadForStaff(ctx, actor, id);
  const code = row.event_id ? ((await eventCodes(ctx.db.kysely, [row.event_id])).get(row.event_id) ?? null) : null;
  return presentStaff(row, code, ctx.now());
}
