import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { eventCodes } from '../events/events.facts.js';
import { reportEvent } from '../events/events.service.js';
import { APP_ON_BEHALF, submitOnBehalf, type MaterialFileInput } from '../services/applications.service.js';
import { knownTagCodes, peopleBriefs, peopleHoldingTag } from '../registry/registry.facts.js';
import { VISIT_PLAN, VISIT_RECORD } from './visits.policy.js';
import type { VisitKind, VisitPlanTable, VisitRecordTable } from './visits.table.js';
import './visits.table.js';

/**
 * 走访 · 弱势关怀: plans say whom to visit how often (独居老人 every 7 days, 困难家庭 every 30, as
 * data on registry tags); the due list shows each person's last visit and when the next is due;
 * a visit records who went, when, what they found, what the household needs and photos; a need
 * becomes a grid event, or a service application made for the person (代办), in one step. Every
 * morning (the `community.visit-alerts` job) each grid worker with overdue visits in their grid
 * gets one message. Visit notes are sensitive: reads are audited.
 */

addMessages({
  'error.VISIT_PERSON_NOT_FOUND': { 'zh-CN': '居民不存在或不在您的网格', en: 'No such resident in your area' },
  'error.VISIT_NOT_FOUND': { 'zh-CN': '走访记录不存在', en: 'No such visit' },
  'error.VISIT_UNKNOWN_TAG': { 'zh-CN': '未知的人员标签：{tag}', en: 'Unknown tag: {tag}' },
  'error.VISIT_IN_FUTURE': { 'zh-CN': '走访时间不能晚于现在', en: 'A visit cannot be in the future' },
  'error.VISIT_ALREADY_EVENT': { 'zh-CN': '该走访已转为事件 {code}', en: 'This visit already became event {code}' },
  'error.VISIT_ATTACHMENT_INVALID': { 'zh-CN': '照片须是您本人上传的走访照片', en: 'Photos must be visit photos you uploaded' },
  'error.VISIT_NEED_NOT_FOUND': { 'zh-CN': '该走访记录没有第 {index} 项需求', en: 'This visit has no need number {index}' },
  'error.VISIT_NEED_ALREADY_APPLIED': { 'zh-CN': '该需求已转为办事申请 {code}', en: 'This need already became application {code}' },
  'error.VISIT_NEED_IN_PROGRESS': { 'zh-CN': '该需求正在由他人转为办事申请，请稍后刷新', en: 'Someone is turning this need into an application right now; reload in a moment' },
  'error.VISIT_APPLICATION_FORBIDDEN': {
    'zh-CN': '您没有为该居民代办服务申请的权限（需要“代办”权限）',
    en: 'You may not apply on behalf of this resident (the on-behalf permission is needed)',
  },
  'error.VISIT_STALE': { 'zh-CN': '该走访记录正被他人修改，请稍后重试', en: 'Someone else is changing this visit; try again' },
});

/**
 * A need as stored in `visit_record.needs` (JSON). `application` is the service application it
 * became; `claim` marks a conversion in progress (see `needToApplication`).
 */
interface StoredNeed {
  kind: string;
  note: string;
  application?: { id: string; code: string };
  claim?: { id: string; by: string; at: string };
}

/** How long a conversion in progress keeps others off a need (a process that died mid-way frees it after this). */
const NEED_CLAIM_MS = 2 * 60_000;

export const VISIT_FILE_PURPOSE = 'community.visit';
const DAY = 86_400_000;
const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function createPlan(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; title: string; tag: string; intervalDays: number }, meta: RequestMeta) {
  const node = await ctx.db.kysely.selectFrom('org_node').select(['id', 'path']).where('id', '=', input.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  if (!canAt(actor, VISIT_PLAN, node.path)) throw forbidden();
  if (!(await knownTagCodes(ctx.db.kysely, [input.tag])).has(input.tag)) throw badRequest('VISIT_UNKNOWN_TAG', { tag: input.tag });
  const row: VisitPlanTable = { id: newId(), org_node_id: node.id, org_path: node.path, title: input.title, tag: input.tag, interval_days: input.intervalDays, active: 1, created_at: ctx.now().toISOString() };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('visit_plan').values(row).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.visit.plan', targetType: 'visit_plan', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { tag: row.tag, intervalDays: row.interval_days } }, trx);
  });
  return presentPlan(row);
}

function presentPlan(p: VisitPlanTable) {
  return { id: p.id, orgNodeId: p.org_node_id, title: p.title, tag: p.tag, intervalDays: p.interval_days, active: p.active === 1, createdAt: p.created_at };
}

export async function listPlans(ctx: PlatformContext, actor: Actor) {
  const paths = scopePaths(actor, VISIT_RECORD);
  // Plans of the caller's area and of the community above a grid worker.
  const rows = await ctx.db.kysely.selectFrom('visit_plan').selectAll().where('active', '=', 1).orderBy('created_at').execute();
  return { items: rows.filter((p) => paths.some((q) => q.startsWith(p.org_path) || p.org_path.startsWith(q))).map(presentPlan) };
}

interface DueEntry {
  planId: string;
  planTitle: string;
  personId: string;
  orgPath: string;
  lastVisitAt: string | null;
  dueAt: string;
  overdue: boolean;
}

/** Everyone a plan covers inside `paths`, with the last visit and when the next is due. */
async function dueEntries(ctx: PlatformContext, paths: string[], now: Date): Promise<DueEntry[]> {
  const db = ctx.db.kysely;
  const plans = await db.selectFrom('visit_plan').selectAll().where('active', '=', 1).execute();
  const out: DueEntry[] = [];
  const day = beijingDay(now);
  for (const plan of plans) {
    // The plan's area narrowed to the caller's.
    const within = paths.flatMap((p) => (p.startsWith(plan.org_path) ? [p] : plan.org_path.startsWith(p) ? [plan.org_path] : []));
    if (within.length === 0) continue;
    const people = await peopleHoldingTag(db, within, plan.tag, day);
    if (people.length === 0) continue;
    const last = new Map<string, string>();
    for (let i = 0; i < people.length; i += 500) {
      const rows = await db
        .selectFrom('visit_record')
        .select(['person_id', (eb) => eb.fn.max('visited_at').as('last')])
        .where('person_id', 'in', people.slice(i, i + 500).map((p) => p.personId))
        .groupBy('person_id')
        .execute();
      for (const r of rows) last.set(r.person_id, String(r.last));
    }
    for (const p of people) {
      const lastAt = last.get(p.personId) ?? null;
      // Never visited: due an interval after the plan began (or now, if it began long ago).
      const from = lastAt ? new Date(lastAt).getTime() : new Date(plan.created_at).getTime();
      const dueAt = new Date(from + plan.interval_days * DAY);
      out.push({ planId: plan.id, planTitle: plan.title, personId: p.personId, orgPath: p.orgPath, lastVisitAt: lastAt, dueAt: dueAt.toISOString(), overdue: dueAt.getTime() < now.getTime() });
    }
  }
  return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** The due list of the caller's area: overdue first, then by due date (names, masked phones, places: audited). */
export async function dueList(ctx: PlatformContext, actor: Actor, q: { overdueOnly?: boolean; withinDays?: number }, meta: RequestMeta) {
  const paths = scopePaths(actor, VISIT_RECORD);
  if (paths.length === 0) throw forbidden();
  const now = ctx.now();
  let entries = await dueEntries(ctx, paths, now);
  if (q.overdueOnly) entries = entries.filter((e) => e.overdue);
  else if (q.withinDays !== undefined) entries = entries.filter((e) => new Date(e.dueAt).getTime() <= now.getTime() + q.withinDays! * DAY);
  const shown = entries.slice(0, 200);
  const briefs = new Map((await peopleBriefs(ctx.db.kysely, [...new Set(shown.map((e) => e.personId))])).map((b) => [b.personId, b]));
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.visit.due.read', targetType: 'visit_plan', targetId: null, ip: meta.ip, requestId: meta.requestId, details: { people: shown.length } });
  return {
    items: shown.map((e) => ({ ...e, name: briefs.get(e.personId)?.name ?? '', phoneMasked: briefs.get(e.personId)?.phoneMasked ?? null, place: briefs.get(e.personId)?.place ?? null })),
    total: entries.length,
    overdue: entries.filter((e) => e.overdue).length,
  };
}

export async function recordVisit(
  ctx: PlatformContext,
  actor: Actor,
  input: { personId: string; visitedAt?: string; kind: VisitKind; findings: string; needs: { kind: string; note: string }[]; attachmentIds: string[] },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const person = await db.selectFrom('person').select(['id', 'org_path', 'status']).where('id', '=', input.personId).executeTakeFirst();
  if (!person || person.status !== 'active' || !canAt(actor, VISIT_RECORD, person.org_path)) throw notFound('VISIT_PERSON_NOT_FOUND');
  const now = ctx.now();
  const visitedAt = input.visitedAt ? new Date(input.visitedAt) : now;
  if (visitedAt.getTime() > now.getTime() + 5 * 60_000) throw badRequest('VISIT_IN_FUTURE');
  const ids = [...new Set(input.attachmentIds)];
  if (ids.length) {
    const files = await db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose']).where('id', 'in', ids).execute();
    if (files.length !== ids.length || files.some((f) => f.owner_user_id !== actor.userId || f.purpose !== VISIT_FILE_PURPOSE)) throw badRequest('VISIT_ATTACHMENT_INVALID');
  }
  const row: VisitRecordTable = {
    id: newId(),
    person_id: person.id,
    org_path: person.org_path,
    visitor_user_id: actor.userId,
    visitor_name: actor.displayName,
    visited_at: visitedAt.toISOString(),
    kind: input.kind,
    findings: input.findings,
    needs: JSON.stringify(input.needs),
    attachments: JSON.stringify(ids),
    event_id: null,
    created_at: now.toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('visit_record').values(row).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.visit.record', targetType: 'person', targetId: person.id, ip: meta.ip, requestId: meta.requestId, details: { visit: row.id, kind: row.kind, needs: input.needs.length } }, trx);
  });
  return presentVisit(row, null);
}

function presentVisit(r: VisitRecordTable, eventCode: string | null) {
  return {
    id: r.id,
    personId: r.person_id,
    visitorName: r.visitor_name,
    visitedAt: r.visited_at,
    kind: r.kind,
    findings: r.findings,
    needs: parseJson<StoredNeed[]>(r.needs, []).map((n) => ({ kind: n.kind, note: n.note, application: n.application ? { id: n.application.id, code: n.application.code } : null })),
    attachmentIds: parseJson<string[]>(r.attachments, []),
    eventCode,
  };
}

/** A person's visits, newest first (sensitive: audited). */
export async function visitsOf(ctx: PlatformContext, actor: Actor, personId: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const person = await db.selectFrom('person').select(['id', 'org_path']).where('id', '=', personId).executeTakeFirst();
  if (!person || !canAt(actor, VISIT_RECORD, person.org_path)) throw notFound('VISIT_PERSON_NOT_FOUND');
  const rows = await db.selectFrom('visit_record').selectAll().where('person_id', '=', personId).orderBy('visited_at', 'desc').limit(100).execute();
  const codes = await eventCodes(db, rows.map((r) => r.event_id));
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.visit.read', targetType: 'person', targetId: personId, ip: meta.ip, requestId: meta.requestId, details: { visits: rows.length } });
  return { items: rows.map((r) => presentVisit(r, r.event_id ? (codes.get(r.event_id) ?? null) : null)) };
}

/**
 * A need found on a visit becomes a grid event (channel `visit`, `promotedFrom: visit:<id>`). The
 * event and the visit's `event_id` are written in one transaction (reportEvent's `inTransaction`,
 * a conditional UPDATE … WHERE event_id IS NULL): of two conversions at the same instant one
 * commits, the other rolls back its event and answers 409.
 */
export async function visitToEvent(ctx: PlatformContext, actor: Actor, visitId: string, input: { categoryCode: string; description?: string; attributes?: Record<string, string | string[]> }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const visit = await db.selectFrom('visit_record').selectAll().where('id', '=', visitId).executeTakeFirst();
  if (!visit || !canAt(actor, VISIT_RECORD, visit.org_path)) throw notFound('VISIT_NOT_FOUND');
  if (visit.event_id) {
    const code = (await eventCodes(db, [visit.event_id])).get(visit.event_id) ?? '';
    throw conflict('VISIT_ALREADY_EVENT', { code });
  }
  // The event is located at the household's grid (or community), named by its node.
  const nodeId = visit.org_path.split('/').filter(Boolean);
  const grid = await db.selectFrom('org_node').select(['id']).where('id', 'in', nodeId).where('kind', 'in', ['grid', 'community']).orderBy('depth', 'desc').executeTakeFirst();
  const needs = parseJson<{ kind: string; note: string }[]>(visit.needs, []);
  const event = await reportEvent(
    ctx,
    { kind: 'user', actor },
    {
      categoryCode: input.categoryCode,
      description: input.description ?? (needs.map((n) => `${n.kind}：${n.note}`).join('；') || visit.findings),
      channel: 'visit',
      orgNodeId: grid?.id,
      attributes: input.attributes,
      promotedFrom: `visit:${visit.id}`,
    },
    meta,
    {
      inTransaction: async (trx, ev) => {
        const res = await trx.updateTable('visit_record').set({ event_id: ev.id }).where('id', '=', visitId).where('event_id', 'is', null).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) {
          // Someone else's conversion committed first: this event is rolled back with the throw.
          const taken = await trx.selectFrom('visit_record').select('event_id').where('id', '=', visitId).executeTakeFirst();
          const code = taken?.event_id ? ((await eventCodes(trx, [taken.event_id])).get(taken.event_id) ?? '') : '';
          throw conflict('VISIT_ALREADY_EVENT', { code });
        }
        await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.visit.event', targetType: 'person', targetId: visit.person_id, ip: meta.ip, requestId: meta.requestId, details: { visit: visit.id, event: ev.code } }, trx);
      },
    },
  );
  return { eventId: event.id, eventCode: event.code };
}

/**
 * Rewrites a visit's needs as a compare-and-set on the stored text: `change` sees the needs as
 * they are and returns them changed (or throws to refuse); when another writer changed the visit
 * in between, the UPDATE matches nothing and it is read and tried again.
 */
async function changeNeeds(db: Executor, visitId: string, change: (needs: StoredNeed[]) => StoredNeed[]): Promise<StoredNeed[]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.selectFrom('visit_record').select('needs').where('id', '=', visitId).executeTakeFirst();
    if (!row) throw notFound('VISIT_NOT_FOUND');
    const next = change(parseJson<StoredNeed[]>(row.needs, []));
    const res = await db.updateTable('visit_record').set({ needs: JSON.stringify(next) }).where('id', '=', visitId).where('needs', '=', row.needs).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return next;
  }
  throw conflict('VISIT_STALE');
}

export interface NeedApplicationInput {
  /** The matter (事项编码, e.g. `dibao`, `laonian-zhucan`) the staff member chose. */
  matter: string;
  /** Why staff apply for them (代办原因); by default what the visit found. */
  note?: string;
  /** The matter's form fields the registry does not prefill. */
  form: Record<string, unknown>;
  /** Files the caller uploaded as materials (purpose `service.application`). */
  files: MaterialFileInput[];
  /** Materials received on paper at the visit. */
  paperMaterials: string[];
}

/**
 * A need found on a visit becomes a service application made for the visited person (代办, the
 * services module's `submitOnBehalf`: its form, materials, duplicate and subtree checks, its
 * audit and the resident's access log), and the need remembers which application.
 *
 * `submitOnBehalf` commits its own transaction, so this cannot share one with it. Instead the
 * need is claimed first (compare-and-set on the visit's needs): a second conversion of the same
 * need — also one sent at the same moment, from any process — finds the claim or the
 * application and gets 409. A refusal by the services module releases the claim and is passed on
 * as it is (400 with the form's fields or the missing material, 409 for an open application of
 * the same matter). A process that dies between submitting and linking leaves a claim that
 * lapses after NEED_CLAIM_MS; the application itself is in the queue with the visit as its reason.
 */
export async function needToApplication(ctx: PlatformContext, actor: Actor, visitId: string, index: number, input: NeedApplicationInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const visit = await db.selectFrom('visit_record').selectAll().where('id', '=', visitId).executeTakeFirst();
  if (!visit || !canAt(actor, VISIT_RECORD, visit.org_path)) throw notFound('VISIT_NOT_FOUND');
  if (!canAt(actor, APP_ON_BEHALF, visit.org_path)) throw forbidden('VISIT_APPLICATION_FORBIDDEN');
  const now = ctx.now();
  const claim = { id: newId(now.getTime()), by: actor.userId, at: now.toISOString() };
  const claimed = await changeNeeds(db, visit.id, (needs) => {
    const need = needs[index];
    if (!need) throw notFound('VISIT_NEED_NOT_FOUND', { index: index + 1 });
    if (need.application) throw conflict('VISIT_NEED_ALREADY_APPLIED', { code: need.application.code }, { applicationId: need.application.id, applicationCode: need.application.code });
    if (need.claim && now.getTime() - Date.parse(need.claim.at) < NEED_CLAIM_MS) throw conflict('VISIT_NEED_IN_PROGRESS');
    return needs.map((n, i) => (i === index ? { ...n, claim } : n));
  });
  const found = claimed[index]!;
  const reason = (input.note?.trim() || `走访发现需求：${found.kind}${found.note ? `，${found.note}` : ''}`).slice(0, 200);
  let submitted: Awaited<ReturnType<typeof submitOnBehalf>>;
  try {
    submitted = await submitOnBehalf(ctx, actor, { personId: visit.person_id, matterCode: input.matter, form: input.form, files: input.files, reason, paperMaterials: input.paperMaterials }, meta);
  } catch (e) {
    // Free the need for another try; if even that fails, the claim lapses on its own.
    await changeNeeds(db, visit.id, (needs) => needs.map((n, i) => (i === index && n.claim?.id === claim.id ? withoutClaim(n) : n))).catch(() => undefined);
    throw e;
  }
  await db.transaction().execute(async (trx) => {
    await changeNeeds(trx, visit.id, (needs) => {
      const n = needs[index];
      // Only after the claim lapsed could someone else have linked one meanwhile: theirs stays.
      if (!n || n.application) throw conflict('VISIT_NEED_ALREADY_APPLIED', { code: n?.application?.code ?? '' }, n?.application ? { applicationId: n.application.id, applicationCode: n.application.code } : undefined);
      return needs.map((x, i) => (i === index ? { ...withoutClaim(x), application: { id: submitted.id, code: submitted.code } } : x));
    });
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'community.visit.application',
        targetType: 'person',
        targetId: visit.person_id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { visit: visit.id, need: index, kind: found.kind, matter: input.matter, application: submitted.code },
      },
      trx,
    );
  });
  return { visitId: visit.id, needIndex: index, applicationId: submitted.id, applicationCode: submitted.code, state: submitted.state, dueAt: submitted.dueAt };
}

function withoutClaim(n: StoredNeed): StoredNeed {
  const { claim: _claim, ...rest } = n;
  return rest;
}

/**
 * The `community.visit-alerts` job: once a Beijing day, each grid worker with overdue visits in
 * their grid gets one message (a row per worker and day makes it once across processes).
 */
export async function sendVisitAlerts(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const day = beijingDay(now);
  const workers = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .innerJoin('org_node as n', 'n.id', 'g.org_node_id')
    .select(['u.id as userId', 'n.path as path'])
    .where('g.role', '=', 'grid_worker')
    .where('u.disabled', '=', 0)
    .execute();
  let sent = 0;
  for (const w of workers) {
    const done = await db.selectFrom('visit_alert').select('day').where('user_id', '=', w.userId).where('day', '=', day).executeTakeFirst();
    if (done) continue;
    const overdue = (await dueEntries(ctx, [w.path], now)).filter((e) => e.overdue);
    if (overdue.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      const res = await trx.insertInto('visit_alert').values({ user_id: w.userId, day, overdue: overdue.length, created_at: now.toISOString() }).onConflict((oc) => oc.columns(['user_id', 'day']).doNothing()).executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) return;
      await notify(trx, { recipients: [w.userId], kind: 'community.visit.overdue', title: `今日待走访：${overdue.length} 人已超期`, body: overdue.slice(0, 3).map((e) => e.planTitle).join('、'), link: '/console/community/visits', at: now });
      sent++;
    });
  }
  return sent;
}

