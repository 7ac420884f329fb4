import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { bjDate } from './appointments.slots.js';
import { CONSULTATION_ANSWER, CONSULTATION_ASK_OWN, CONSULTATION_ASSIGN, CONSULTATION_MANAGE } from './consultations.policy.js';
import * as repo from './consultations.repository.js';
import type { ConsultationKind, ConsultationStatus } from './consultations.table.js';
import './consultations.policy.js';

/**
 * 咨询: a resident asks a legal or medical question; staff of the area assign it to a
 * registered professional; the professional answers; the asker may follow up, then closes
 * and rates.
 *
 * Privacy: the subject and every message are encrypted at rest and shown to two people only,
 * the asker and the professional it is assigned now. Staff who assign see the kind, the
 * times and who answers, never the content. Every read of the content is audited, and so is
 * every refused attempt.
 */

export const KIND_LABELS: Record<ConsultationKind, { 'zh-CN': string; en: string }> = {
  legal: { 'zh-CN': '法律咨询', en: 'Legal' },
  medical: { 'zh-CN': '医疗健康咨询', en: 'Medical' },
};

export const STATUS_LABELS: Record<ConsultationStatus, { 'zh-CN': string; en: string }> = {
  submitted: { 'zh-CN': '待指派', en: 'Waiting for a professional' },
  assigned: { 'zh-CN': '待答复', en: 'Waiting for an answer' },
  answered: { 'zh-CN': '已答复', en: 'Answered' },
  closed: { 'zh-CN': '已结束', en: 'Closed' },
};

addMessages({
  'error.CONSULTATION_NOT_FOUND': { 'zh-CN': '咨询不存在', en: 'No such consultation' },
  'error.CONSULTATION_PRIVATE': {
    'zh-CN': '咨询内容仅提问人和指派的专业人员可见',
    en: 'A consultation is visible only to the person who asked and the professional assigned to it',
  },
  'error.CONSULTATION_CLOSED': { 'zh-CN': '咨询已结束，如有新问题请重新提问', en: 'This consultation is closed; ask a new question instead' },
  'error.CONSULTATION_CONFLICT': { 'zh-CN': '咨询刚有更新，请刷新后重试', en: 'The consultation was just updated; reload and try again' },
  'error.CONSULTATION_NO_HOME': { 'zh-CN': '账号未关联所在社区，暂不能提问', en: 'Your account is not linked to a community yet' },
  'error.CONSULTATION_PROFESSIONAL_INVALID': {
    'zh-CN': '只能指派给服务本辖区、已登记且在岗的{kind}专业人员',
    en: 'Assign only to an active professional registered for {kind} in this area',
  },
  'error.CONSULTATION_PROFESSIONAL_EXISTS': { 'zh-CN': '该账号已登记为{kind}专业人员', en: 'This account is already registered for {kind}' },
  'error.CONSULTATION_PROFESSIONAL_ACCOUNT': {
    'zh-CN': '该账号不能答复咨询（须为服务商或工作人员账号且未停用）',
    en: 'This account cannot answer consultations (it must be an enabled provider or staff account)',
  },
  'error.CONSULTATION_PROFESSIONAL_NOT_FOUND': { 'zh-CN': '专业人员不存在', en: 'No such professional' },
});

const ROLE_OUTSIDE = 'CONSULTATION_PRIVATE';

function personalName(displayName: string): string {
  const parts = displayName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? displayName;
}

async function users(db: Executor, ids: (string | null)[]) {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  if (list.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((u) => [u.id, u.display_name]));
}

async function nodeNames(db: Executor, ids: string[]) {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', list).execute();
  return new Map(rows.map((n) => [n.id, n.name]));
}

/** Lists: the subject only when `withSubject` (asker, assignee), never in the assigning queue. */
async function presentSummaries(ctx: PlatformContext, rows: repo.ConsultationRow[], withSubject: boolean) {
  const db = ctx.db.kysely;
  const names = await users(db, rows.map((r) => r.assignee_user_id));
  const pros = await repo.professionalsOfUsers(db, rows.map((r) => r.assignee_user_id).filter((x): x is string => !!x));
  const nodes = await nodeNames(db, rows.map((r) => r.org_node_id));
  return rows.map((r) => {
    const pro = r.assignee_user_id ? pros.find((p) => p.user_id === r.assignee_user_id && p.kind === r.kind) : undefined;
    return {
      id: r.id,
      code: r.code,
      kind: r.kind,
      kindLabel: KIND_LABELS[r.kind]['zh-CN'],
      status: r.status,
      statusLabel: STATUS_LABELS[r.status]['zh-CN'],
      subject: withSubject ? ctx.pii.decrypt(r.subject_enc) : null,
      orgNodeName: nodes.get(r.org_node_id) ?? null,
      professional: r.assignee_user_id
        ? { userId: r.assignee_user_id, name: names.get(r.assignee_user_id) ?? '', title: pro?.title ?? '', organisation: pro?.organisation ?? '' }
        : null,
      messageCount: r.message_count,
      createdAt: r.created_at,
      assignedAt: r.assigned_at,
      firstAnsweredAt: r.first_answered_at,
      lastMessageAt: r.last_message_at,
      closedAt: r.closed_at,
      rating: r.rating,
      version: r.version,
    };
  });
}

async function presentDetail(ctx: PlatformContext, actor: Actor, r: repo.ConsultationRow, as: 'asker' | 'professional') {
  const db = ctx.db.kysely;
  const [summary] = await presentSummaries(ctx, [r], true);
  const messages = await repo.messagesOf(db, r.id);
  const names = await users(db, [r.asker_user_id, ...messages.map((m) => m.author_user_id)]);
  const open = r.status !== 'closed';
  return {
    ...summary!,
    askerName: as === 'professional' ? personalName(names.get(r.asker_user_id) ?? '') : null,
    messages: messages.map((m) => ({
      seq: m.seq,
      role: m.author_role,
      authorName: m.author_role === 'asker' ? personalName(names.get(m.author_user_id) ?? '') : (names.get(m.author_user_id) ?? ''),
      body: ctx.pii.decrypt(m.body_enc),
      createdAt: m.created_at,
      mine: m.author_user_id === actor.userId,
    })),
    // The asker may follow up while it is open; the professional answers once assigned.
    canReply: open && (as === 'asker' || r.assignee_user_id === actor.userId),
    canClose: open && as === 'asker',
  };
}

const page = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

function auditEntry(actor: Actor | null, action: string, r: { id: string; org_node_id: string }, meta: RequestMeta, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success') {
  return {
    actorId: actor?.userId ?? null,
    actorName: actor?.username ?? 'system',
    action,
    targetType: 'consultation',
    targetId: r.id,
    orgNodeId: r.org_node_id,
    ip: meta.ip,
    requestId: meta.requestId,
    outcome,
    details,
  };
}

// ---------------------------------------------------------------- eligibility

/** Whether an account can answer at all: enabled, holding the answer permission somewhere. */
async function canAnswerAccount(db: Executor, userId: string): Promise<boolean> {
  const user = await db.selectFrom('app_user').select(['id', 'disabled']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.disabled === 1) return false;
  const roles = rolesWith(CONSULTATION_ANSWER);
  return (await repo.grantsOf(db, userId)).some((g) => roles.has(g.role as never));
}

async function eligibleProfessionals(db: Executor, r: { kind: ConsultationKind; org_path: string }) {
  const serving = await repo.professionalsServing(db, r.org_path, { kind: r.kind, activeOnly: true });
  const out: repo.ProfessionalRow[] = [];
  for (const p of serving) if (await canAnswerAccount(db, p.user_id)) out.push(p);
  return out;
}

// ---------------------------------------------------------------- the asker

export async function ask(ctx: PlatformContext, actor: Actor, input: { kind: ConsultationKind; subject: string; question: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const roles = rolesWith(CONSULTATION_ASK_OWN);
  const home = actor.grants.find((g) => roles.has(g.role));
  if (!home) throw forbidden('CONSULTATION_NO_HOME');
  const now = ctx.now();
  const at = now.toISOString();
  const row: repo.ConsultationRow = {
    id: newId(),
    code: '',
    kind: input.kind,
    subject_enc: ctx.pii.encrypt(input.subject),
    asker_user_id: actor.userId,
    asker_person_id: actor.personId,
    org_node_id: home.orgNodeId,
    org_path: home.orgPath,
    status: 'submitted',
    assignee_user_id: null,
    assigned_by: null,
    assigned_at: null,
    first_answered_at: null,
    last_message_at: at,
    message_count: 1,
    closed_at: null,
    rating: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const assigners = await repo.usersWithRolesOver(db, [...rolesWith(CONSULTATION_ASSIGN)], row.org_path);
  await db.transaction().execute(async (trx) => {
    const day = bjDate(now).replace(/-/g, '');
    row.code = `ZX${day}-${String(await repo.nextCodeSeq(trx, day)).padStart(4, '0')}`;
    await repo.insertConsultation(trx, row);
    await repo.insertMessage(trx, { id: newId(), consultation_id: row.id, seq: 1, author_user_id: actor.userId, author_role: 'asker', body_enc: ctx.pii.encrypt(input.question), created_at: at });
    // No content in the trail: the kind and the number say enough.
    await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.ask', row, meta, { code: row.code, kind: row.kind }), trx);
    const label = KIND_LABELS[row.kind]['zh-CN'];
    await notify(trx, { recipients: assigners, kind: 'services.consultation.submitted', title: `新的${label}待指派`, body: `咨询 ${row.code} 等待指派专业人员。`, link: '/console/service-consultations', at: now });
  });
  return presentDetail(ctx, actor, row, 'asker');
}

export async function listMine(ctx: PlatformContext, actor: Actor, query: { status?: ConsultationStatus; page: number; pageSize: number }) {
  const { rows, total } = await repo.listConsultations(ctx.db.kysely, { askerUserId: actor.userId, status: query.status }, page(query));
  return { items: await presentSummaries(ctx, rows, true), total, page: query.page, pageSize: query.pageSize };
}

/** The asker's own consultation; anyone else's is simply not there (404). */
async function mineOr404(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const r = await repo.getConsultation(ctx.db.kysely, id);
  if (!r) throw notFound('CONSULTATION_NOT_FOUND');
  if (r.asker_user_id !== actor.userId) {
    await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.read', r, meta, { as: 'asker' }, 'denied'));
    throw notFound('CONSULTATION_NOT_FOUND');
  }
  return r;
}

export async function getMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const r = await mineOr404(ctx, actor, id, meta);
  await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.read', r, meta, { code: r.code, as: 'asker' }));
  return presentDetail(ctx, actor, r, 'asker');
}

async function addMessage(ctx: PlatformContext, actor: Actor, r: repo.ConsultationRow, role: 'asker' | 'professional', body: string, meta: RequestMeta) {
  if (r.status === 'closed') throw conflict('CONSULTATION_CLOSED');
  const now = ctx.now();
  const at = now.toISOString();
  const seq = r.message_count + 1;
  const status: ConsultationStatus = role === 'professional' ? 'answered' : r.assignee_user_id ? 'assigned' : 'submitted';
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const patch = { message_count: seq, last_message_at: at, status, updated_at: at, ...(role === 'professional' && !r.first_answered_at ? { first_answered_at: at } : {}) };
    if ((await repo.updateConsultationIf(trx, r.id, r.version, patch)) === 0) throw conflict('CONSULTATION_CONFLICT');
    await repo.insertMessage(trx, { id: newId(), consultation_id: r.id, seq, author_user_id: actor.userId, author_role: role, body_enc: ctx.pii.encrypt(body), created_at: at });
    await appendAudit(ctx.db, auditEntry(actor, role === 'professional' ? 'services.consultation.answer' : 'services.consultation.follow-up', r, meta, { code: r.code, seq }), trx);
    const to = role === 'professional' ? [r.asker_user_id] : r.assignee_user_id ? [r.assignee_user_id] : [];
    await notify(trx, {
      recipients: to,
      kind: role === 'professional' ? 'services.consultation.answered' : 'services.consultation.follow-up',
      title: role === 'professional' ? `您的${KIND_LABELS[r.kind]['zh-CN']}有了答复` : `咨询 ${r.code} 有追问`,
      body: role === 'professional' ? `咨询 ${r.code} 已答复，请查看。` : `提问人对咨询 ${r.code} 有追问，请及时答复。`,
      link: role === 'professional' ? `/m/me/consultations/${r.id}` : '/console/service-consultations',
      at: now,
    });
  });
  return (await repo.getConsultation(ctx.db.kysely, r.id))!;
}

export async function followUp(ctx: PlatformContext, actor: Actor, id: string, body: string, meta: RequestMeta) {
  const r = await mineOr404(ctx, actor, id, meta);
  return presentDetail(ctx, actor, await addMessage(ctx, actor, r, 'asker', body, meta), 'asker');
}

export async function closeMine(ctx: PlatformContext, actor: Actor, id: string, input: { rating?: string }, meta: RequestMeta) {
  const r = await mineOr404(ctx, actor, id, meta);
  if (r.status === 'closed') throw conflict('CONSULTATION_CLOSED');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateConsultationIf(trx, r.id, r.version, { status: 'closed', closed_at: at, rating: input.rating ?? null, updated_at: at })) === 0) throw conflict('CONSULTATION_CONFLICT');
    await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.close', r, meta, { code: r.code, rating: input.rating ?? null }), trx);
  });
  return presentDetail(ctx, actor, (await repo.getConsultation(ctx.db.kysely, r.id))!, 'asker');
}

// ---------------------------------------------------------------- professionals and staff

/**
 * `me`: what is assigned to the caller, with subjects (a read of personal content: audited).
 * `any`: the assigning queue of the caller's area, without any content.
 */
export async function listForWork(
  ctx: PlatformContext,
  actor: Actor,
  query: { assigned: 'me' | 'any'; status?: ConsultationStatus; kind?: ConsultationKind; page: number; pageSize: number },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  if (query.assigned === 'any') {
    if (!hasPermission(actor, CONSULTATION_ASSIGN)) throw forbidden();
    const { rows, total } = await repo.listConsultations(db, { scopePaths: scopePaths(actor, CONSULTATION_ASSIGN), status: query.status, kind: query.kind }, page(query));
    return { items: await presentSummaries(ctx, rows, false), total, page: query.page, pageSize: query.pageSize };
  }
  const { rows, total } = await repo.listConsultations(db, { assigneeUserId: actor.userId, status: query.status, kind: query.kind }, page(query));
  if (rows.length > 0) {
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'services.consultation.list', targetType: 'consultation', targetId: '*', ip: meta.ip, requestId: meta.requestId, details: { codes: rows.map((r) => r.code) } });
  }
  return { items: await presentSummaries(ctx, rows, true), total, page: query.page, pageSize: query.pageSize };
}

/** Only the professional it is assigned to now; anyone else is refused (and the attempt audited). */
async function assignedOr403(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const r = await repo.getConsultation(ctx.db.kysely, id);
  if (!r) throw notFound('CONSULTATION_NOT_FOUND');
  if (r.assignee_user_id !== actor.userId) {
    await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.read', r, meta, { as: 'professional' }, 'denied'));
    throw forbidden(ROLE_OUTSIDE);
  }
  return r;
}

export async function getForProfessional(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const r = await assignedOr403(ctx, actor, id, meta);
  await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.read', r, meta, { code: r.code, as: 'professional' }));
  return presentDetail(ctx, actor, r, 'professional');
}

export async function answer(ctx: PlatformContext, actor: Actor, id: string, body: string, meta: RequestMeta) {
  const r = await assignedOr403(ctx, actor, id, meta);
  return presentDetail(ctx, actor, await addMessage(ctx, actor, r, 'professional', body, meta), 'professional');
}

/** 指派 (or 改派): staff of the area choose a professional; they still never see the content. */
export async function assign(ctx: PlatformContext, actor: Actor, id: string, input: { professionalUserId: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const r = await repo.getConsultation(db, id);
  if (!r || !canAt(actor, CONSULTATION_ASSIGN, r.org_path)) throw notFound('CONSULTATION_NOT_FOUND');
  if (r.status === 'closed') throw conflict('CONSULTATION_CLOSED');
  const label = KIND_LABELS[r.kind]['zh-CN'];
  const eligible = await eligibleProfessionals(db, r);
  if (!eligible.some((p) => p.user_id === input.professionalUserId)) throw badRequest('CONSULTATION_PROFESSIONAL_INVALID', { kind: label });
  const now = ctx.now();
  const at = now.toISOString();
  const previous = r.assignee_user_id;
  await db.transaction().execute(async (trx) => {
    const status: ConsultationStatus = r.status === 'submitted' ? 'assigned' : r.status;
    if ((await repo.updateConsultationIf(trx, r.id, r.version, { assignee_user_id: input.professionalUserId, assigned_by: actor.userId, assigned_at: at, status, updated_at: at })) === 0) {
      throw conflict('CONSULTATION_CONFLICT');
    }
    await appendAudit(ctx.db, auditEntry(actor, 'services.consultation.assign', r, meta, { code: r.code, to: input.professionalUserId, from: previous }), trx);
    await notify(trx, { recipients: [input.professionalUserId], kind: 'services.consultation.assigned', title: `新的${label}待答复`, body: `咨询 ${r.code} 已指派给您，请及时答复。`, link: '/console/service-consultations', at: now });
    if (!previous) await notify(trx, { recipients: [r.asker_user_id], kind: 'services.consultation.accepted', title: `您的${label}已受理`, body: `咨询 ${r.code} 已安排专业人员答复。`, link: `/m/me/consultations/${r.id}`, at: now });
  });
  const [summary] = await presentSummaries(ctx, [(await repo.getConsultation(db, r.id))!], false);
  return summary!;
}

// ---------------------------------------------------------------- registering professionals

async function presentProfessionals(ctx: PlatformContext, rows: repo.ProfessionalRow[]) {
  const db = ctx.db.kysely;
  const names = await users(db, rows.map((p) => p.user_id));
  const nodes = await nodeNames(db, rows.map((p) => p.org_node_id));
  return rows.map((p) => ({
    id: p.id,
    userId: p.user_id,
    name: names.get(p.user_id) ?? '',
    kind: p.kind,
    kindLabel: KIND_LABELS[p.kind]['zh-CN'],
    title: p.title,
    organisation: p.organisation,
    intro: p.intro,
    orgNodeId: p.org_node_id,
    orgNodeName: nodes.get(p.org_node_id) ?? null,
    active: p.active === 1,
  }));
}

/** Who answers here: active professionals serving a node (default: the caller's own node). */
export async function listProfessionals(ctx: PlatformContext, actor: Actor, query: { kind?: ConsultationKind; orgNodeId?: string; includeInactive?: boolean }) {
  const db = ctx.db.kysely;
  if (query.includeInactive) {
    if (!hasPermission(actor, CONSULTATION_MANAGE)) throw forbidden();
    const rows = (await Promise.all(scopePaths(actor, CONSULTATION_MANAGE).map((p) => repo.professionalsUnder(db, p, { kind: query.kind, activeOnly: false })))).flat();
    return { items: await presentProfessionals(ctx, rows) };
  }
  let path: string | undefined;
  if (query.orgNodeId) {
    path = (await db.selectFrom('org_node').select('path').where('id', '=', query.orgNodeId).executeTakeFirst())?.path;
    if (!path) throw notFound('NOT_FOUND');
  } else {
    path = actor.grants[0]?.orgPath;
  }
  if (!path) return { items: [] };
  // Staff choosing whom to assign also see those registered below their node.
  const serving = await repo.professionalsServing(db, path, { kind: query.kind, activeOnly: true });
  const below = canAt(actor, CONSULTATION_ASSIGN, path) ? await repo.professionalsUnder(db, path, { kind: query.kind, activeOnly: true }) : [];
  const seen = new Set<string>();
  const rows = [...serving, ...below].filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
  return { items: await presentProfessionals(ctx, rows) };
}

export async function registerProfessional(
  ctx: PlatformContext,
  actor: Actor,
  input: { userId: string; kind: ConsultationKind; title: string; organisation: string; intro?: string; orgNodeId: string },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const node = await db.selectFrom('org_node').select(['id', 'path', 'kind']).where('id', '=', input.orgNodeId).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  if (!canAt(actor, CONSULTATION_MANAGE, node.path)) throw forbidden();
  if (!(await canAnswerAccount(db, input.userId))) throw badRequest('CONSULTATION_PROFESSIONAL_ACCOUNT');
  const at = ctx.now().toISOString();
  const row: repo.ProfessionalRow = {
    id: newId(),
    user_id: input.userId,
    kind: input.kind,
    title: input.title,
    organisation: input.organisation,
    intro: input.intro ?? null,
    org_node_id: node.id,
    org_path: node.path,
    active: 1,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertProfessional(trx, row);
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'services.consultation.professional.create', targetType: 'consultation_professional', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { userId: row.user_id, kind: row.kind } }, trx);
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict('CONSULTATION_PROFESSIONAL_EXISTS', { kind: KIND_LABELS[input.kind]['zh-CN'] });
    throw e;
  }
  return (await presentProfessionals(ctx, [row]))[0]!;
}

export async function updateProfessional(ctx: PlatformContext, actor: Actor, id: string, input: { title?: string; organisation?: string; intro?: string | null; active?: boolean }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const p = await repo.getProfessional(db, id);
  if (!p || !canAt(actor, CONSULTATION_MANAGE, p.org_path)) throw notFound('CONSULTATION_PROFESSIONAL_NOT_FOUND');
  const patch: Partial<repo.ProfessionalRow> = { updated_at: ctx.now().toISOString() };
  if (input.title !== undefined) patch.title = input.title;
  if (input.organisation !== undefined) patch.organisation = input.organisation;
  if (input.intro !== undefined) patch.intro = input.intro;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    await repo.updateProfessional(trx, id, patch);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'services.consultation.professional.update', targetType: 'consultation_professional', targetId: id, orgNodeId: p.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { changed: Object.keys(patch).filter((k) => k !== 'updated_at') } }, trx);
  });
  return (await presentProfessionals(ctx, [(await repo.getProfessional(db, id))!]))[0]!;
}
