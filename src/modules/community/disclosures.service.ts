import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { parseJson, prefixEnd } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { maskSensitive } from '../../platform/cn/sensitive-scan.js';
import { maskName } from '../../platform/crypto/mask.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { residentFacts } from '../registry/registry.facts.js';
import { DISCLOSURE_MANAGE } from './disclosures.policy.js';
import { scanDisclosure, type ScanResult } from './disclosures.scan.js';
import type { DisclosureCategory, DisclosureFrequency, DisclosureItemTable, DisclosureScheduleTable } from './disclosures.table.js';
import './disclosures.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * 居务公开 · 财务公开 · 党务公开: what the community must show its residents, shown on time and
 * never with anyone's ID, phone or bank card number. Publishing scans the text and every cell of
 * xlsx/CSV attachments and refuses while a personal number is in them (422 with where each one
 * is, masked). A calendar says what must be disclosed when; the `community.disclosure-late` job
 * warns staff once per late period. Residents ask under an item; answers are public.
 */

export const CATEGORY_NAMES: Record<DisclosureCategory, string> = { affairs: '居务公开', finance: '财务公开', party: '党务公开' };
export const FILE_PURPOSE = 'community.disclosure';

addMessages({
  'error.DISCLOSURE_NOT_FOUND': { 'zh-CN': '公开事项不存在', en: 'No such disclosure' },
  'error.DISCLOSURE_NOT_DRAFT': { 'zh-CN': '只有草稿可以修改或发布', en: 'Only a draft can be edited or published' },
  'error.DISCLOSURE_STALE': { 'zh-CN': '内容已被他人修改，请刷新后重试', en: 'Someone else changed it; reload and try again' },
  'error.DISCLOSURE_SENSITIVE_DATA': {
    'zh-CN': '发现 {count} 处个人敏感信息（身份证号、手机号或银行卡号），须脱敏后才能公开',
    en: '{count} personal numbers (ID, mobile or bank card) found: mask them before publishing',
  },
  'error.DISCLOSURE_UNSCANNED': {
    'zh-CN': '附件 {files} 无法自动检查，请人工核对无个人敏感信息后勾选确认',
    en: 'Attachments {files} cannot be checked automatically; confirm you checked them by eye',
  },
  'error.DISCLOSURE_ATTACHMENT_INVALID': { 'zh-CN': '附件须是您本人上传、用途为公开附件的文件', en: 'Attachments must be files you uploaded for disclosures' },
  'error.DISCLOSURE_SCHEDULE_NOT_FOUND': { 'zh-CN': '公开计划不存在', en: 'No such disclosure schedule' },
  'error.DISCLOSURE_PERIOD_INVALID': { 'zh-CN': '期间格式不符：{expected}', en: 'Period must look like {expected}' },
  'error.DISCLOSURE_NO_HOME': { 'zh-CN': '您的账号尚未关联社区居民信息', en: 'Your account is not linked to a resident record' },
});

type Item = DisclosureItemTable;

// ---------------------------------------------------------------- periods (Beijing calendar)

const BJ = 8 * 3_600_000;
const PERIOD_FORMAT: Record<DisclosureFrequency, { re: RegExp; example: string }> = {
  monthly: { re: /^\d{4}-(0[1-9]|1[0-2])$/, example: '2026-10' },
  quarterly: { re: /^\d{4}-Q[1-4]$/, example: '2026-Q3' },
  yearly: { re: /^\d{4}$/, example: '2026' },
};

/** The period an instant falls in. */
export function periodOf(freq: DisclosureFrequency, at: Date): string {
  const d = new Date(at.getTime() + BJ);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (freq === 'monthly') return `${y}-${String(m + 1).padStart(2, '0')}`;
  if (freq === 'quarterly') return `${y}-Q${Math.floor(m / 3) + 1}`;
  return String(y);
}

/** The first instant after the period (Beijing midnight). */
export function periodEnd(freq: DisclosureFrequency, period: string): Date {
  const y = Number(period.slice(0, 4));
  let month: number; // 0-based month that starts the next period
  if (freq === 'monthly') month = Number(period.slice(5, 7));
  else if (freq === 'quarterly') month = Number(period.slice(6)) * 3;
  else month = 12;
  return new Date(Date.UTC(y, month, 1) - BJ);
}

export function previousPeriod(freq: DisclosureFrequency, period: string): string {
  return periodOf(freq, new Date(periodEnd(freq, period).getTime() - (freq === 'monthly' ? 40 : freq === 'quarterly' ? 100 : 370) * 86_400_000));
}

export function dueAt(schedule: Pick<DisclosureScheduleTable, 'frequency' | 'due_days'>, period: string): Date {
  return new Date(periodEnd(schedule.frequency, period).getTime() + schedule.due_days * 86_400_000);
}

// ---------------------------------------------------------------- presenting

async function attachmentRows(ctx: PlatformContext, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await ctx.db.kysely.selectFrom('attachment').select(['id', 'original_name', 'mime', 'size', 'sha256', 'owner_user_id', 'purpose']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => !!r);
}

/** Items as pages show them; their nodes and attachments are read once for the whole page. */
async function presentAll(ctx: PlatformContext, items: Item[], staff: boolean) {
  const files = new Map((await attachmentRows(ctx, [...new Set(items.flatMap((r) => parseJson<string[]>(r.attachments, [])))])).map((a) => [a.id, a]));
  const nodeIds = [...new Set(items.map((r) => r.org_node_id))];
  const nodes = new Map(nodeIds.length ? (await ctx.db.kysely.selectFrom('org_node').select(['id', 'name']).where('id', 'in', nodeIds).execute()).map((n) => [n.id, n.name]) : []);
  return items.map((r) => presentOne(r, staff, nodes.get(r.org_node_id) ?? null, parseJson<string[]>(r.attachments, []).flatMap((id) => files.get(id) ?? [])));
}

async function present(ctx: PlatformContext, r: Item, staff: boolean) {
  return (await presentAll(ctx, [r], staff))[0]!;
}

function presentOne(r: Item, staff: boolean, orgNodeName: string | null, files: Awaited<ReturnType<typeof attachmentRows>>) {
  return {
    id: r.id,
    orgNodeId: r.org_node_id,
    orgNodeName,
    category: r.category,
    categoryName: CATEGORY_NAMES[r.category],
    title: r.title,
    body: r.body,
    amountFen: r.amount_fen,
    scheduleId: r.schedule_id,
    period: r.period,
    attachments: files.map((a) => ({ id: a.id, name: a.original_name, mime: a.mime, size: a.size })),
    status: r.status,
    publishedAt: r.published_at,
    ...(staff ? { findings: parseJson<ScanResult | null>(r.findings, null), version: r.version } : {}),
  };
}

async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await ctx.db.kysely.selectFrom('disclosure_item').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !canAt(actor, DISCLOSURE_MANAGE, row.org_path)) throw notFound('DISCLOSURE_NOT_FOUND');
  return row;
}

async function checkAttachments(ctx: PlatformContext, actor: Actor, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await attachmentRows(ctx, unique);
  if (rows.length !== unique.length || rows.some((a) => a.owner_user_id !== actor.userId || a.purpose !== FILE_PURPOSE)) throw badRequest('DISCLOSURE_ATTACHMENT_INVALID');
  return unique;
}

async function checkSchedule(ctx: PlatformContext, nodePath: string, scheduleId: string | null | undefined, period: string | null | undefined) {
  if (!scheduleId) return { scheduleId: null, period: period ?? null };
  const s = await ctx.db.kysely.selectFrom('disclosure_schedule').selectAll().where('id', '=', scheduleId).executeTakeFirst();
  if (!s || s.org_path !== nodePath) throw badRequest('DISCLOSURE_SCHEDULE_NOT_FOUND');
  const fmt = PERIOD_FORMAT[s.frequency];
  if (!period || !fmt.re.test(period)) throw badRequest('DISCLOSURE_PERIOD_INVALID', { expected: fmt.example });
  return { scheduleId: s.id, period };
}

// ---------------------------------------------------------------- items

export interface ItemInput {
  orgNodeId: string;
  category: DisclosureCategory;
  title: string;
  body: string;
  amountFen?: number | null;
  scheduleId?: string | null;
  period?: string | null;
  attachmentIds: string[];
}

export async function createItem(ctx: PlatformContext, actor: Actor, input: ItemInput, meta: RequestMeta) {
  const node = await ctx.db.kysely.selectFrom('org_node').select(['id', 'path']).where('id', '=', input.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  if (!canAt(actor, DISCLOSURE_MANAGE, node.path)) throw forbidden();
  const sched = await checkSchedule(ctx, node.path, input.scheduleId, input.period);
  const at = ctx.now().toISOString();
  const row: Item = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    category: input.category,
    title: input.title,
    body: input.body,
    amount_fen: input.amountFen ?? null,
    schedule_id: sched.scheduleId,
    period: sched.period,
    attachments: JSON.stringify(await checkAttachments(ctx, actor, input.attachmentIds)),
    status: 'draft',
    findings: null,
    published_at: null,
    published_by: null,
    version: 1,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('disclosure_item').values(row).execute();
    await useAttachments(trx, 'disclosure_item', row.id, parseJson<string[]>(row.attachments, []));
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.create', targetType: 'disclosure', targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { category: row.category } }, trx);
  });
  return present(ctx, row, true);
}

export async function updateItem(ctx: PlatformContext, actor: Actor, id: string, input: Partial<Omit<ItemInput, 'orgNodeId'>> & { expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('DISCLOSURE_NOT_DRAFT');
  const patch: Partial<Item> = { updated_at: ctx.now().toISOString(), version: row.version + 1, findings: null };
  if (input.category) patch.category = input.category;
  if (input.title) patch.title = input.title;
  if (input.body) patch.body = input.body;
  if (input.amountFen !== undefined) patch.amount_fen = input.amountFen;
  if (input.scheduleId !== undefined || input.period !== undefined) {
    const s = await checkSchedule(ctx, row.org_path, input.scheduleId ?? row.schedule_id, input.period ?? row.period);
    patch.schedule_id = s.scheduleId;
    patch.period = s.period;
  }
  if (input.attachmentIds) patch.attachments = JSON.stringify(await checkAttachments(ctx, actor, input.attachmentIds));
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx.updateTable('disclosure_item').set(patch).where('id', '=', id).where('version', '=', input.expectedVersion).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('DISCLOSURE_STALE');
    if (patch.attachments) await useAttachments(trx, 'disclosure_item', id, parseJson<string[]>(patch.attachments, []));
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.update', targetType: 'disclosure', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return present(ctx, (await loadForStaff(ctx, actor, id))!, true);
}

async function scanRow(ctx: PlatformContext, row: Item) {
  return scanDisclosure(ctx, row, await attachmentRows(ctx, parseJson<string[]>(row.attachments, [])));
}

/** Checks a draft now and keeps the result on it (the page shows where each number is). */
export async function scanItem(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await loadForStaff(ctx, actor, id);
  const result = await scanRow(ctx, row);
  await ctx.db.kysely.updateTable('disclosure_item').set({ findings: JSON.stringify(result) }).where('id', '=', id).execute();
  return result;
}

/** Masks the numbers in the title and text (attachments must be replaced by masked files). */
export async function maskItemText(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  return updateItem(ctx, actor, id, { title: maskSensitive(row.title), body: maskSensitive(row.body), expectedVersion: input.expectedVersion }, meta);
}

export async function publishItem(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number; confirmUnscanned?: boolean }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('DISCLOSURE_NOT_DRAFT');
  const scan = await scanRow(ctx, row);
  if (scan.findings.length > 0) {
    await ctx.db.kysely.updateTable('disclosure_item').set({ findings: JSON.stringify(scan) }).where('id', '=', id).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.publish', outcome: 'denied', targetType: 'disclosure', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { findings: scan.findings.length } });
    throw new AppError(422, 'DISCLOSURE_SENSITIVE_DATA', { count: scan.findings.length + (scan.truncated ? 0 : 0) }, scan);
  }
  if (scan.unscanned.length > 0 && !input.confirmUnscanned) throw new AppError(422, 'DISCLOSURE_UNSCANNED', { files: scan.unscanned.join('、') }, scan);
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('disclosure_item')
      .set({ status: 'published', published_at: at, published_by: actor.userId, findings: JSON.stringify(scan), version: row.version + 1, updated_at: at })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('DISCLOSURE_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.publish', targetType: 'disclosure', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { period: row.period, unscannedConfirmed: scan.unscanned.length } }, trx);
  });
  return present(ctx, (await loadForStaff(ctx, actor, id))!, true);
}

export async function withdrawItem(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const row = await loadForStaff(ctx, actor, id);
  if (row.status !== 'published') throw conflict('DISCLOSURE_NOT_DRAFT');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('disclosure_item').set({ status: 'withdrawn', version: row.version + 1, updated_at: ctx.now().toISOString() }).where('id', '=', id).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.withdraw', targetType: 'disclosure', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason } }, trx);
  });
  return present(ctx, (await loadForStaff(ctx, actor, id))!, true);
}

export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: Item['status']; page: number; pageSize: number }) {
  const paths = scopePaths(actor, DISCLOSURE_MANAGE);
  let base = ctx.db.kysely.selectFrom('disclosure_item').where((eb) => inAnySubtree(eb, 'org_path', paths));
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await presentAll(ctx, rows, true), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** The public board of a community (and what its street publishes), by category. */
export async function listPublic(ctx: PlatformContext, q: { orgNodeId: string; category?: DisclosureCategory; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const node = await db.selectFrom('org_node').select(['path']).where('id', '=', q.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  const ancestors = node.path.split('/').filter(Boolean).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}/`);
  let base = db.selectFrom('disclosure_item').where('status', '=', 'published').where((eb) => eb.or([eb('org_path', 'in', ancestors), eb.and([eb('org_path', '>=', node.path), eb('org_path', '<', prefixEnd(node.path))])]));
  if (q.category) base = base.where('category', '=', q.category);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('published_at', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await presentAll(ctx, rows, false), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

export async function getPublic(ctx: PlatformContext, id: string) {
  const row = await ctx.db.kysely.selectFrom('disclosure_item').selectAll().where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  if (!row) throw notFound('DISCLOSURE_NOT_FOUND');
  const questions = await ctx.db.kysely.selectFrom('disclosure_question').selectAll().where('item_id', '=', id).orderBy('created_at').execute();
  return {
    ...(await present(ctx, row, false)),
    questions: questions.map((q) => ({ id: q.id, askerLabel: q.asker_label, question: maskSensitive(q.question), answer: q.answer, answeredByName: q.answered_by_name, answeredAt: q.answered_at, createdAt: q.created_at })),
  };
}

// ---------------------------------------------------------------- questions

export async function askQuestion(ctx: PlatformContext, actor: Actor, id: string, input: { question: string }, meta: RequestMeta) {
  const row = await ctx.db.kysely.selectFrom('disclosure_item').selectAll().where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  if (!row) throw notFound('DISCLOSURE_NOT_FOUND');
  const facts = actor.personId ? await residentFacts(ctx.db.kysely, actor.personId) : undefined;
  if (!facts) throw forbidden('DISCLOSURE_NO_HOME');
  const at = ctx.now();
  const q = { id: newId(), item_id: id, asker_user_id: actor.userId, asker_label: maskName(facts.name) ?? '居民', question: input.question, answer: null, answered_by_name: null, answered_at: null, created_at: at.toISOString() };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('disclosure_question').values(q).execute();
    const staff = await trx.selectFrom('role_grant').select('user_id').where('org_node_id', '=', row.org_node_id).where('role', 'in', ['community_staff', 'party_secretary']).execute();
    await notify(trx, { recipients: staff.map((s) => s.user_id), kind: 'community.disclosure.question', title: `公开事项有新提问：${row.title}`, body: input.question.slice(0, 120), link: '/console/community/disclosures', at });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.ask', targetType: 'disclosure', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return getPublic(ctx, id);
}

export async function answerQuestion(ctx: PlatformContext, actor: Actor, questionId: string, input: { answer: string }, meta: RequestMeta) {
  const q = await ctx.db.kysely.selectFrom('disclosure_question').selectAll().where('id', '=', questionId).executeTakeFirst();
  if (!q) throw notFound('DISCLOSURE_NOT_FOUND');
  const row = await loadForStaff(ctx, actor, q.item_id);
  const at = ctx.now();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx.updateTable('disclosure_question').set({ answer: input.answer, answered_by_name: actor.displayName, answered_at: at.toISOString() }).where('id', '=', questionId).where('answer', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('DISCLOSURE_STALE');
    await notify(trx, { recipients: [q.asker_user_id], kind: 'community.disclosure.answered', title: `您的提问已答复：${row.title}`, body: input.answer.slice(0, 120), link: '/m/disclosures', at });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.answer', targetType: 'disclosure', targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return getPublic(ctx, row.id);
}

// ---------------------------------------------------------------- the calendar

export async function createSchedule(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; category: DisclosureCategory; title: string; frequency: DisclosureFrequency; dueDays: number }, meta: RequestMeta) {
  const node = await ctx.db.kysely.selectFrom('org_node').select(['id', 'path']).where('id', '=', input.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  if (!canAt(actor, DISCLOSURE_MANAGE, node.path)) throw forbidden();
  const row: DisclosureScheduleTable = { id: newId(), org_node_id: node.id, org_path: node.path, category: input.category, title: input.title, frequency: input.frequency, due_days: input.dueDays, active: 1, created_at: ctx.now().toISOString() };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('disclosure_schedule').values(row).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.disclosure.schedule', targetType: 'disclosure_schedule', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { title: row.title, frequency: row.frequency } }, trx);
  });
  return (await calendar(ctx, actor)).items.find((s) => s.id === row.id)!;
}

/** Each schedule of the caller's area with its current period, due date, and what is late. */
export async function calendar(ctx: PlatformContext, actor: Actor) {
  const paths = scopePaths(actor, DISCLOSURE_MANAGE);
  if (paths.length === 0) return { items: [] };
  const db = ctx.db.kysely;
  const schedules = await db.selectFrom('disclosure_schedule').selectAll().where('active', '=', 1).where((eb) => inAnySubtree(eb, 'org_path', paths)).orderBy('created_at').execute();
  const now = ctx.now();
  const items = [];
  for (const s of schedules) {
    const due = duePeriods(s, now);
    const done = await publishedPeriods(ctx, s.id, due.map((d) => d.period));
    const late = due.filter((d) => !done.has(d.period));
    const current = periodOf(s.frequency, now);
    const open = current; // due after it ends, so never already due
    items.push({
      id: s.id,
      orgNodeId: s.org_node_id,
      category: s.category,
      title: s.title,
      frequency: s.frequency,
      dueDays: s.due_days,
      // The next period to disclose that is not yet due.
      next: { period: open, dueAt: dueAt(s, open).toISOString() },
      late: late.map((d) => ({ period: d.period, dueAt: d.dueAt.toISOString() })),
    });
  }
  return { items };
}

/** Periods whose due date has passed, newest first, back to the one the schedule began in (at most 5). */
function duePeriods(s: DisclosureScheduleTable, now: Date): { period: string; dueAt: Date }[] {
  const out: { period: string; dueAt: Date }[] = [];
  const start = periodOf(s.frequency, new Date(s.created_at));
  let p = periodOf(s.frequency, now);
  for (let i = 0; i < 5; i++) {
    const d = dueAt(s, p);
    if (d.getTime() <= now.getTime()) out.push({ period: p, dueAt: d });
    if (p <= start) break; // same format, so text order is time order
    p = previousPeriod(s.frequency, p);
  }
  return out;
}

async function publishedPeriods(ctx: PlatformContext, scheduleId: string, periods: string[]) {
  if (periods.length === 0) return new Set<string>();
  const rows = await ctx.db.kysely.selectFrom('disclosure_item').select('period').where('schedule_id', '=', scheduleId).where('period', 'in', periods).where('status', '=', 'published').execute();
  return new Set(rows.map((r) => r.period!));
}

/**
 * The `community.disclosure-late` job: for every schedule, each period past its due date with
 * nothing published gets one `disclosure_late` row, written with its notice to the node's staff
 * and its audit row in one transaction; the primary key makes it once across processes.
 */
export async function warnLateDisclosures(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const schedules = await db.selectFrom('disclosure_schedule').selectAll().where('active', '=', 1).execute();
  let warned = 0;
  for (const s of schedules) {
    const due = duePeriods(s, now);
    const done = await publishedPeriods(ctx, s.id, due.map((d) => d.period));
    for (const d of due.filter((x) => !done.has(x.period))) {
      await db.transaction().execute(async (trx) => {
        const res = await trx
          .insertInto('disclosure_late')
          .values({ schedule_id: s.id, period: d.period, due_at: d.dueAt.toISOString(), warned_at: now.toISOString() })
          .onConflict((oc) => oc.columns(['schedule_id', 'period']).doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) return;
        const staff = await trx.selectFrom('role_grant').select('user_id').where('org_node_id', '=', s.org_node_id).where('role', 'in', ['community_staff', 'party_secretary']).execute();
        await notify(trx, { recipients: staff.map((x) => x.user_id), kind: 'community.disclosure.late', title: `公开逾期：${s.title}（${d.period}）`, body: `应于 ${new Date(d.dueAt.getTime() + BJ).toISOString().slice(0, 10)} 前公开，至今未发布。`, link: '/console/community/disclosures', at: now });
        await appendAudit(ctx.db, { actorId: null, actorName: 'system', action: 'community.disclosure.late', targetType: 'disclosure_schedule', targetId: s.id, orgNodeId: s.org_node_id, details: { period: d.period } }, trx);
        warned++;
      });
    }
  }
  return warned;
}

// Published attachments are public; drafts only for the author and staff of the area.
registerAttachmentAccess(FILE_PURPOSE, async (ctx, actor, attachment) => {
  const ids = await attachmentOwners(ctx.db.kysely, attachment.id, 'disclosure_item');
  const rows = ids.length ? await ctx.db.kysely.selectFrom('disclosure_item').select(['org_path', 'status']).where('id', 'in', ids).execute() : [];
  if (rows.some((r) => r.status === 'published')) return 'published';
  return rows.some((r) => canAt(actor, DISCLOSURE_MANAGE, r.org_path));
});
