import type { PlatformContext } from '../../platform/context.js';
import type { Transaction } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit, type AuditEntry } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { registerAttachmentAccess } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { getEventDetail } from '../events/events.service.js';
import { eventReporter } from '../events/events.facts.js';
import { addEventNote } from '../events/events.notes.js';
import { peopleBriefs, residentFacts } from '../registry/registry.facts.js';
import { MEDIATION_ASSIGN, MEDIATION_HANDLE } from './mediation.policy.js';
import * as repo from './mediation.repository.js';
import type { AgreementInput, CaseInput, PartyInput, SessionInput, StepAction } from './mediation.schema.js';
import type { MediationCategory, MediationMemberRole, MediationSide, MediationStatus } from './mediation.table.js';
import './mediation.policy.js';

/**
 * 纠纷调解 (people's mediation). A case of the community's 人民调解委员会: parties (registry
 * people, or outsiders typed by name and mobile), a lead mediator and helpers chosen among the
 * community's staff and grid workers, sessions (调解记录), the agreement (调解协议书) and the
 * outcome, on the path 受理 → 调解中 → 达成协议 / 调解不成 / 撤回 → 回访结案.
 *
 * Confidentiality is the point. A case is seen by its members only — the registrar, whoever
 * assigned its mediators, its current mediators — and by its parties in their own view. Not by
 * other staff of the same community, not by the street, not by the subtree: every other caller
 * gets 404, as if the case did not exist (the attempt is audited). Free texts are stored
 * encrypted. Every read of a case is audited, every write too, with a history row per version.
 * The committee (`community.mediation.assign`) may count cases per status and category, no more.
 * The platform's workflow engine is not used on purpose: its history routes answer anyone with
 * `workflow.read` on the subtree.
 */

addMessages({
  'error.MEDIATION_CASE_NOT_FOUND': { 'zh-CN': '调解案件不存在', en: 'No such mediation case' },
  'error.MEDIATION_STALE': { 'zh-CN': '案件已被他人修改，请刷新后重试', en: 'Someone else changed this case; reload and try again' },
  'error.MEDIATION_NODE_INVALID': { 'zh-CN': '受理单位须为社区或网格', en: 'A case is handled by a community or one of its grids' },
  'error.MEDIATION_ASSIGN_FORBIDDEN': { 'zh-CN': '指派调解员须由社区工作人员（调委会）进行', en: 'Only community staff (the mediation committee) assign mediators' },
  'error.MEDIATION_MEDIATOR_INVALID': {
    'zh-CN': '调解员须为本社区在岗的社区工作人员或网格员',
    en: 'Mediators must be enabled community staff or grid workers of this community',
  },
  'error.MEDIATION_LEAD_REQUIRED': { 'zh-CN': '请指定主办调解员', en: 'Name the lead mediator' },
  'error.MEDIATION_PARTY_WHO': {
    'zh-CN': '当事人须为人口库中的居民，或填写姓名和手机号（二选一）',
    en: 'A party is either a registry person or a name with a mobile number, not both',
  },
  'error.MEDIATION_PERSON_NOT_FOUND': { 'zh-CN': '人口库中没有该居民，或其档案已注销', en: 'No such person in the registry (or the record has ended)' },
  'error.MEDIATION_PERSON_OUTSIDE': {
    'zh-CN': '该居民不在本社区，请按姓名和手机号登记为外部当事人',
    en: 'This person does not live in this community; add them by name and mobile instead',
  },
  'error.MEDIATION_PARTY_EXISTS': { 'zh-CN': '该当事人已在本案中', en: 'This party is already on the case' },
  'error.MEDIATION_PARTY_NOT_FOUND': { 'zh-CN': '当事人不存在', en: 'No such party' },
  'error.MEDIATION_NOT_EDITABLE': { 'zh-CN': '案件当前状态（{status}）下不能修改此项', en: 'This cannot be changed while the case is {status}' },
  'error.MEDIATION_NOT_MEDIATOR': { 'zh-CN': '只有本案调解员可以进行此操作', en: 'Only the case’s mediators may do this' },
  'error.MEDIATION_STEP_NOT_ALLOWED': { 'zh-CN': '案件当前状态（{status}）不能“{action}”', en: 'Cannot “{action}” while the case is {status}' },
  'error.MEDIATION_NOT_READY': {
    'zh-CN': '开始调解前须有主办调解员、至少一名申请人和一名被申请人',
    en: 'Mediation starts with a lead mediator, at least one applicant and one respondent',
  },
  'error.MEDIATION_AGREEMENT_UNSIGNED': {
    'zh-CN': '达成协议前须登记调解协议书并填写签订日期',
    en: 'Record the agreement and the day it was signed first',
  },
  'error.MEDIATION_NOTE_REQUIRED': { 'zh-CN': '“{action}”须填写说明', en: '“{action}” needs a note' },
  'error.MEDIATION_EVENT_NOT_DISPUTE': {
    'zh-CN': '只有“矛盾纠纷”类事件可以转人民调解（该事件为“{category}”）',
    en: 'Only events of the group 矛盾纠纷 (disputes) go to mediation (this one is “{category}”)',
  },
  'error.MEDIATION_EVENT_TAKEN': { 'zh-CN': '该事件已转人民调解，不能重复受理', en: 'This event already has a mediation case' },
  'error.MEDIATION_AGREEMENT_NOT_FOUND': { 'zh-CN': '本案尚无调解协议书', en: 'This case has no agreement yet' },
  'error.MEDIATION_ATTACHMENT_INVALID': {
    'zh-CN': '附件须由本人上传（用途 community.mediation，不挂组织节点）',
    en: 'Attach your own uploads of purpose community.mediation, not tied to an organisation node',
  },
  'error.MEDIATION_REFERRAL_FROM': { 'zh-CN': '移交的案件须填写移交单位', en: 'A referred case names who referred it' },
  'error.MEDIATION_DATES': { 'zh-CN': '签订日期不能晚于今天，履行期限不能早于签订日期', en: 'The signing day cannot be in the future, nor the deadline before it' },
  'error.MEDIATION_NO_PHONE': { 'zh-CN': '该当事人没有登记手机号', en: 'No phone number on record for this party' },
});

export const STATUS_LABELS: Record<MediationStatus, { 'zh-CN': string; en: string }> = {
  accepted: { 'zh-CN': '已受理', en: 'Accepted' },
  in_mediation: { 'zh-CN': '调解中', en: 'In mediation' },
  agreed: { 'zh-CN': '达成协议', en: 'Agreed' },
  failed: { 'zh-CN': '调解不成', en: 'Not settled' },
  withdrawn: { 'zh-CN': '已撤回', en: 'Withdrawn' },
  closed: { 'zh-CN': '已结案', en: 'Closed' },
};

export const ACTION_LABELS: Record<string, { 'zh-CN': string; en: string }> = {
  create: { 'zh-CN': '受理登记', en: 'Registered' },
  assign: { 'zh-CN': '指派调解员', en: 'Mediators assigned' },
  'party.add': { 'zh-CN': '添加当事人', en: 'Party added' },
  'party.remove': { 'zh-CN': '移除当事人', en: 'Party removed' },
  session: { 'zh-CN': '调解记录', en: 'Session recorded' },
  agreement: { 'zh-CN': '调解协议书', en: 'Agreement recorded' },
  performance: { 'zh-CN': '履行情况', en: 'Performance recorded' },
  attach: { 'zh-CN': '添加附件', en: 'Attachment added' },
  start: { 'zh-CN': '开始调解', en: 'Mediation started' },
  agree: { 'zh-CN': '达成协议', en: 'Agreed' },
  fail: { 'zh-CN': '调解不成', en: 'Not settled' },
  withdraw: { 'zh-CN': '撤回', en: 'Withdrawn' },
  close: { 'zh-CN': '回访结案', en: 'Followed up and closed' },
};

const SIDE_LABELS: Record<MediationSide, string> = { applicant: '申请人', respondent: '被申请人' };

/** The steps of the case's path: from which states, to which, and whether a note is required. */
const STEPS: Record<StepAction, { from: MediationStatus[]; to: MediationStatus; note: boolean }> = {
  start: { from: ['accepted'], to: 'in_mediation', note: false },
  agree: { from: ['in_mediation'], to: 'agreed', note: false },
  fail: { from: ['in_mediation'], to: 'failed', note: true },
  withdraw: { from: ['accepted', 'in_mediation'], to: 'withdrawn', note: true },
  close: { from: ['agreed', 'failed', 'withdrawn'], to: 'closed', note: true },
};

/** 矛盾纠纷 leaves of the event category tree → the committee's categories. */
const EVENT_CATEGORY_MAP: Record<string, MediationCategory> = { '0401': '邻里纠纷', '0402': '物业纠纷', '0403': '婚姻家庭', '0404': '劳动争议' };
export const DISPUTE_GROUP = '04';
export const ATTACHMENT_PURPOSE = 'community.mediation';
const EDITABLE: MediationStatus[] = ['accepted', 'in_mediation'];

const beijing = (d: Date) => new Date(d.getTime() + 8 * 3_600_000);
const beijingDay = (d: Date) => beijing(d).toISOString().slice(0, 10);

/** A display name without the title some accounts carry before it (网格员 李建华 → 李建华). */
export function personalName(displayName: string | null | undefined): string {
  const parts = (displayName ?? '').trim().split(/\s+/);
  return parts[parts.length - 1] ?? '';
}

const enc = (ctx: PlatformContext, s: string | null | undefined) => (s ? ctx.pii.encrypt(s) : null);
const dec = (ctx: PlatformContext, s: string | null | undefined) => (s ? ctx.pii.decrypt(s) : null);

/** The community's path from a case's (or node's) path, given the community's id. */
function communityPathOf(path: string, communityId: string): string {
  const i = path.indexOf(`/${communityId}/`);
  return i < 0 ? path : path.slice(0, i + communityId.length + 2);
}

/** Whether the actor holds `permission` somewhere in the community or above it. */
function reaches(actor: Actor, permission: string, communityPath: string): boolean {
  return scopePaths(actor, permission).some((p) => p.startsWith(communityPath) || communityPath.startsWith(p));
}

const isStaffFor = (actor: Actor, communityPath: string) => reaches(actor, MEDIATION_HANDLE, communityPath) || reaches(actor, MEDIATION_ASSIGN, communityPath);
const isMediatorRole = (roles: MediationMemberRole[]) => roles.includes('lead') || roles.includes('helper');

function audit(actor: Actor, action: string, row: { id: string; org_node_id: string }, meta: RequestMeta, details: Record<string, unknown>, outcome?: AuditEntry['outcome'], purpose?: string): AuditEntry {
  return {
    actorId: actor.userId,
    actorName: actor.username,
    action: `community.mediation.${action}`,
    targetType: 'mediation_case',
    targetId: row.id,
    orgNodeId: row.org_node_id,
    ip: meta.ip,
    requestId: meta.requestId,
    details,
    outcome,
    purpose,
  };
}

// ---------------------------------------------------------------- loading and access

interface Loaded {
  row: repo.CaseRow;
  roles: MediationMemberRole[];
  communityPath: string;
}

/**
 * The case if the actor is one of its members and still works in its community; anyone else
 * is told it does not exist (404, never 403) and the attempt is audited.
 */
async function loadForStaff(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta): Promise<Loaded> {
  const db = ctx.db.kysely;
  const row = await repo.getCase(db, id);
  if (!row) throw notFound('MEDIATION_CASE_NOT_FOUND');
  const communityPath = communityPathOf(row.org_path, row.community_id);
  const roles = await repo.memberRoles(db, id, actor.userId);
  if (roles.length === 0 || !isStaffFor(actor, communityPath)) {
    await appendAudit(ctx.db, audit(actor, 'read', row, meta, { number: row.number }, 'denied'));
    throw notFound('MEDIATION_CASE_NOT_FOUND');
  }
  return { row, roles, communityPath };
}

function requireMediator(c: Loaded) {
  if (!isMediatorRole(c.roles)) throw forbidden('MEDIATION_NOT_MEDIATOR');
}

function requireEditable(c: Loaded, statuses: MediationStatus[] = EDITABLE) {
  if (!statuses.includes(c.row.status)) throw conflict('MEDIATION_NOT_EDITABLE', { status: STATUS_LABELS[c.row.status]['zh-CN'] });
}

/**
 * One change of a case, in one transaction: the version check (409 when someone was first),
 * the change itself, a history row for the new version and the audit entry.
 */
async function writeCase(
  ctx: PlatformContext,
  actor: Actor,
  c: Loaded,
  expectedVersion: number,
  step: { action: string; to?: MediationStatus; note?: string | null },
  patch: Partial<repo.CaseRow>,
  details: Record<string, unknown>,
  meta: RequestMeta,
  work?: (trx: Executor) => Promise<void>,
) {
  const row = c.row;
  if (row.version !== expectedVersion) throw conflict('MEDIATION_STALE');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateCaseIf(trx, row.id, expectedVersion, { ...patch, updated_at: at }))) throw conflict('MEDIATION_STALE');
    if (work) await work(trx);
    await repo.insertStep(trx, {
      id: newId(),
      case_id: row.id,
      version: expectedVersion + 1,
      action: step.action,
      from_status: step.to ? row.status : null,
      to_status: step.to ?? null,
      note_enc: enc(ctx, step.note),
      actor_id: actor.userId,
      actor_name: personalName(actor.displayName),
      at,
    });
    await appendAudit(ctx.db, audit(actor, step.action, row, meta, { number: row.number, version: expectedVersion + 1, ...details }), trx);
  });
}

// ---------------------------------------------------------------- parties

interface ResolvedParty {
  side: MediationSide;
  personId: string | null;
  name: string;
  phone: string | null;
  note: string | null;
}

/** A party of the input checked: a living registry person of the community, or a name with a mobile. */
async function resolveParty(ctx: PlatformContext, input: PartyInput, communityPath: string): Promise<ResolvedParty> {
  const hasPerson = !!input.personId;
  const hasTyped = !!input.name || !!input.phone;
  if (hasPerson === hasTyped || (hasTyped && !(input.name && input.phone))) throw badRequest('MEDIATION_PARTY_WHO');
  if (input.personId) {
    const facts = await residentFacts(ctx.db.kysely, input.personId);
    if (!facts) throw badRequest('MEDIATION_PERSON_NOT_FOUND');
    if (!facts.orgPath.startsWith(communityPath)) throw badRequest('MEDIATION_PERSON_OUTSIDE');
    return { side: input.side, personId: facts.personId, name: facts.name, phone: null, note: input.note || null };
  }
  return { side: input.side, personId: null, name: input.name!, phone: input.phone!, note: input.note || null };
}

function partyRow(ctx: PlatformContext, caseId: string, p: ResolvedParty, actor: Actor, at: string) {
  const phone = p.phone;
  return {
    id: newId(),
    case_id: caseId,
    side: p.side,
    person_id: p.personId,
    name: p.name,
    phone_enc: phone ? ctx.pii.encrypt(phone) : null,
    phone_idx: phone ? ctx.pii.blindIndex('mediation.phone', phone) : null,
    phone_prefix: phone ? phone.slice(0, 3) : null,
    phone_tail: phone ? phone.slice(-4) : null,
    note: p.note,
    added_by: actor.userId,
    added_at: at,
    removed_at: null,
  };
}

function checkDuplicates(parties: ResolvedParty[]) {
  const ids = parties.map((p) => p.personId).filter(Boolean);
  if (new Set(ids).size !== ids.length) throw badRequest('MEDIATION_PARTY_EXISTS');
}

async function notifyParties(trx: Executor, personIds: string[], input: { title: string; body: string; caseId: string; at: Date }) {
  const accounts = await repo.peopleWithAccounts(trx, personIds);
  if (accounts.size === 0) return;
  await notify(trx, { recipients: [...accounts.values()], kind: 'community.mediation.party', title: input.title, body: input.body, link: `/m/me/mediation/${input.caseId}`, at: input.at });
}

// ---------------------------------------------------------------- mediators

/** Checks that the lead and helpers may mediate in this community; returns them deduplicated. */
async function checkMediators(ctx: PlatformContext, communityPath: string, lead: string, helpers: string[]) {
  const candidates = await repo.mediatorCandidates(ctx.db.kysely, communityPath, [...rolesWith(MEDIATION_HANDLE)]);
  const ok = new Set(candidates.map((c) => c.user_id));
  const h = [...new Set(helpers)].filter((u) => u !== lead);
  if (![lead, ...h].every((u) => ok.has(u))) throw badRequest('MEDIATION_MEDIATOR_INVALID');
  return { lead, helpers: h };
}

async function notifyMediators(trx: Executor, userIds: string[], row: { id: string; number: string; category: string }, at: Date) {
  if (userIds.length === 0) return;
  await notify(trx, {
    recipients: userIds,
    kind: 'community.mediation.assigned',
    title: `调解案件 ${row.number} 指派给您`,
    body: `${row.category}，请及时联系当事人。案件内容仅本案调解员可见。`,
    link: `/console/community/mediation/${row.id}`,
    at,
  });
}

// ---------------------------------------------------------------- nodes

async function caseNode(ctx: PlatformContext, nodeId: string) {
  const db = ctx.db.kysely;
  const node = await repo.getNode(db, nodeId);
  if (!node) throw badRequest('MEDIATION_NODE_INVALID');
  const chain = await repo.getNodes(db, node.path.split('/').filter(Boolean));
  // The node itself when it is a community or a grid; otherwise its nearest grid or community.
  const byPath = chain.sort((a, b) => b.path.length - a.path.length);
  const handled = byPath.find((n) => n.kind === 'grid' || n.kind === 'community');
  const community = byPath.find((n) => n.kind === 'community');
  if (!handled || !community) throw badRequest('MEDIATION_NODE_INVALID');
  return { node: handled, community };
}

// ---------------------------------------------------------------- create

interface NewCase {
  node: { id: string; path: string };
  community: { id: string; name: string; path: string };
  category: MediationCategory;
  summary: string;
  source: string;
  sourceEventId: string | null;
  referralFrom: string | null;
  parties: ResolvedParty[];
  lead: string;
  helpers: string[];
  assigned: boolean;
  /** Runs in the registering transaction once the case is written (a case from an event notes it on the event). */
  inTransaction?: (trx: Transaction<Database>, c: { id: string; number: string }) => Promise<void>;
}

async function insertNewCase(ctx: PlatformContext, actor: Actor, n: NewCase, meta: RequestMeta): Promise<string> {
  const now = ctx.now();
  const at = now.toISOString();
  const year = beijing(now).getUTCFullYear();
  const id = newId();
  const abbr = [...n.community.name][0] ?? '';
  let number = '';
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const seq = await repo.nextNumberSeq(trx, `${n.community.id}:${year}`);
    number = `${abbr}调〔${year}〕第${seq}号`;
    await repo.insertCase(trx, {
      id,
      number,
      org_node_id: n.node.id,
      org_path: n.node.path,
      community_id: n.community.id,
      category: n.category,
      summary_enc: ctx.pii.encrypt(n.summary),
      source: n.source,
      source_event_id: n.sourceEventId,
      referral_from: n.referralFrom,
      status: 'accepted',
      outcome: null,
      outcome_note_enc: null,
      follow_up_enc: null,
      accepted_at: at,
      started_at: null,
      decided_at: null,
      closed_at: null,
      registered_by: actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    });
    const member = (userId: string, role: MediationMemberRole) => repo.addMember(trx, { case_id: id, user_id: userId, role, added_by: actor.userId, added_at: at, removed_at: null });
    await member(actor.userId, 'registrar');
    if (n.assigned) await member(actor.userId, 'assigner');
    await member(n.lead, 'lead');
    for (const h of n.helpers) await member(h, 'helper');
    for (const p of n.parties) await repo.insertParty(trx, partyRow(ctx, id, p, actor, at));
    await repo.insertStep(trx, { id: newId(), case_id: id, version: 1, action: 'create', from_status: null, to_status: 'accepted', note_enc: null, actor_id: actor.userId, actor_name: personalName(actor.displayName), at });
    await appendAudit(
      ctx.db,
      audit(actor, 'create', { id, org_node_id: n.node.id }, meta, {
        number,
        category: n.category,
        source: n.source,
        parties: n.parties.length,
        lead: n.lead,
        helpers: n.helpers,
      }),
      trx,
    );
    if (n.inTransaction) await n.inTransaction(trx, { id, number });
    await notifyMediators(trx, [n.lead, ...n.helpers].filter((u) => u !== actor.userId), { id, number, category: n.category }, now);
    await notifyParties(trx, n.parties.map((p) => p.personId).filter((x): x is string => !!x), {
      title: '纠纷调解案件已受理',
      body: `案件编号 ${number}（${n.category}），您是本案当事人，调解员会与您联系。`,
      caseId: id,
      at: now,
    });
  });
  return id;
}

/** Mediators of a new case: named ones need `community.mediation.assign`; without them the registrar mediates. */
async function mediatorsForNew(ctx: PlatformContext, actor: Actor, node: { path: string }, communityPath: string, input: { leadUserId?: string; helperUserIds: string[] }) {
  if (input.leadUserId || input.helperUserIds.length) {
    if (!canAt(actor, MEDIATION_ASSIGN, node.path)) throw forbidden('MEDIATION_ASSIGN_FORBIDDEN');
    if (!input.leadUserId) throw badRequest('MEDIATION_LEAD_REQUIRED');
    return { ...(await checkMediators(ctx, communityPath, input.leadUserId, input.helperUserIds)), assigned: true };
  }
  const candidates = await repo.mediatorCandidates(ctx.db.kysely, communityPath, [...rolesWith(MEDIATION_HANDLE)]);
  if (!candidates.some((c) => c.user_id === actor.userId)) throw badRequest('MEDIATION_LEAD_REQUIRED');
  return { lead: actor.userId, helpers: [] as string[], assigned: false };
}

export async function createCase(ctx: PlatformContext, actor: Actor, input: CaseInput, meta: RequestMeta) {
  const { node, community } = await caseNode(ctx, input.orgNodeId);
  if (!canAt(actor, MEDIATION_HANDLE, node.path)) throw forbidden();
  if (input.source === 'referral' && !input.referralFrom) throw badRequest('MEDIATION_REFERRAL_FROM');
  const parties = [];
  for (const p of input.parties) parties.push(await resolveParty(ctx, p, community.path));
  checkDuplicates(parties);
  const m = await mediatorsForNew(ctx, actor, node, community.path, input);
  const id = await insertNewCase(
    ctx,
    actor,
    {
      node,
      community,
      category: input.category,
      summary: input.summary,
      source: input.source,
      sourceEventId: null,
      referralFrom: input.source === 'referral' ? (input.referralFrom ?? null) : null,
      parties,
      ...m,
    },
    meta,
  );
  return presentDetail(ctx, actor, await loadForStaff(ctx, actor, id, meta));
}

/**
 * The entry on the event's timeline: staff who may read the event see that it went to mediation
 * and the case number (no facts of the case: it stays confidential, and the number alone opens
 * nothing); the reporter reads the same in their own view.
 */
function eventNote(c: { id: string; number: string }) {
  return {
    kind: 'mediation.case',
    recordId: c.id,
    label: c.number,
    title: { 'zh-CN': '转人民调解', en: 'Sent to mediation' },
    text: `已转人民调解，案件编号 ${c.number}`,
    reporterText: `您反映的纠纷已转社区人民调解委员会调解，案件编号 ${c.number}，调解员会与您联系。`,
    link: `/console/community/mediation/${c.id}`,
  };
}

/**
 * 转人民调解: a case from a grid event of the group 矛盾纠纷 the caller can see (the events
 * module decides that). The description becomes the summary, the reporter an applicant (a
 * resident who reported, or a caller with a name and mobile). One case per event: the unique
 * key on `source_event_id` refuses a second, also at the same instant.
 */
export async function createFromEvent(ctx: PlatformContext, actor: Actor, eventId: string, input: { category?: MediationCategory; leadUserId?: string; helperUserIds: string[] }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const event = await getEventDetail(ctx, actor, eventId, 'staff');
  if (!event.categoryCode?.startsWith(DISPUTE_GROUP)) throw badRequest('MEDIATION_EVENT_NOT_DISPUTE', { category: event.categoryName ?? '' });
  const taken = await repo.caseOfEvent(db, eventId);
  if (taken) throw conflict('MEDIATION_EVENT_TAKEN', {}, { caseId: taken.id });
  const { node, community } = await caseNode(ctx, event.orgNodeId);
  if (!canAt(actor, MEDIATION_HANDLE, node.path)) throw forbidden();
  const reporter = await eventReporter(db, eventId);
  const parties: ResolvedParty[] = [];
  if (reporter?.personId) {
    const facts = await residentFacts(db, reporter.personId);
    if (facts) parties.push({ side: 'applicant', personId: facts.personId, name: facts.name, phone: null, note: '事件反映人' });
  } else if (reporter?.nameEnc) {
    const name = ctx.pii.decrypt(reporter.nameEnc).trim();
    const phone = reporter.phoneEnc ? normaliseMobile(ctx.pii.decrypt(reporter.phoneEnc)) : null;
    if (name.length >= 2) parties.push({ side: 'applicant', personId: null, name: name.slice(0, 40), phone, note: '事件反映人' });
  }
  const m = await mediatorsForNew(ctx, actor, node, community.path, input);
  const summary = event.description.trim().length >= 2 ? event.description.trim() : event.title;
  let id: string;
  try {
    id = await insertNewCase(
      ctx,
      actor,
      {
        node,
        community,
        category: input.category ?? EVENT_CATEGORY_MAP[event.categoryCode] ?? '其他',
        summary: `【事件 ${event.code}】${summary}`,
        source: `event:${eventId}`,
        sourceEventId: eventId,
        referralFrom: null,
        parties,
        ...m,
        // The event's timeline says where it went, in the case's transaction (the events module
        // checks again that the caller may read the event, and audits the entry).
        inTransaction: async (trx, c) => {
          await addEventNote(ctx, trx, actor, eventId, eventNote(c), meta);
        },
      },
      meta,
    );
  } catch (e) {
    if (repo.isUniqueViolation(e)) {
      const again = await repo.caseOfEvent(db, eventId);
      if (again) throw conflict('MEDIATION_EVENT_TAKEN', {}, { caseId: again.id });
    }
    throw e;
  }
  return presentDetail(ctx, actor, await loadForStaff(ctx, actor, id, meta));
}

// ---------------------------------------------------------------- reads

async function presentSummaries(ctx: PlatformContext, actor: Actor, rows: repo.CaseRow[]) {
  const db = ctx.db.kysely;
  const ids = rows.map((r) => r.id);
  const [parties, members, roles, nodes] = await Promise.all([
    repo.activeParties(db, ids),
    repo.activeMembers(db, ids),
    repo.rolesOfUserIn(db, actor.userId, ids),
    repo.getNodes(db, [...new Set(rows.map((r) => r.org_node_id))]),
  ]);
  const nodeName = new Map(nodes.map((n) => [n.id, n.name]));
  return rows.map((r) => {
    const lead = members.find((m) => m.case_id === r.id && m.role === 'lead');
    return {
      id: r.id,
      number: r.number,
      category: r.category,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status],
      orgNodeId: r.org_node_id,
      orgNodeName: nodeName.get(r.org_node_id) ?? null,
      summary: ctx.pii.decrypt(r.summary_enc),
      source: r.source,
      parties: parties.filter((p) => p.case_id === r.id).map((p) => ({ side: p.side, name: p.name })),
      lead: lead ? personalName(lead.display_name) : null,
      myRoles: roles.get(r.id) ?? [],
      acceptedAt: r.accepted_at,
      updatedAt: r.updated_at,
      version: r.version,
    };
  });
}

function availableSteps(c: Loaded): StepAction[] {
  if (!isMediatorRole(c.roles)) return [];
  return (Object.keys(STEPS) as StepAction[]).filter((a) => STEPS[a].from.includes(c.row.status));
}

async function presentDetail(ctx: PlatformContext, actor: Actor, c: Loaded) {
  const db = ctx.db.kysely;
  const r = c.row;
  const [summary] = await presentSummaries(ctx, actor, [r]);
  const [parties, members, sessions, agreement, steps, files, registrar] = await Promise.all([
    repo.activeParties(db, [r.id]),
    repo.activeMembers(db, [r.id]),
    repo.sessionsOf(db, r.id),
    repo.agreementOf(db, r.id),
    repo.stepsOf(db, r.id),
    repo.attachmentsOf(db, r.id),
    repo.userNames(db, [r.registered_by]),
  ]);
  const personIds = [...new Set(parties.map((p) => p.person_id).filter((x): x is string => !!x))];
  const [accounts, briefs] = await Promise.all([repo.peopleWithAccounts(db, personIds), peopleBriefs(db, personIds)]);
  // People who moved out or died show as recorded on the case.
  const registry = new Map(briefs.filter((b) => b.active).map((b) => [b.personId, b]));
  const partyDetails = parties.map((p) => {
    const facts = p.person_id ? registry.get(p.person_id) : undefined;
    return {
      id: p.id,
      side: p.side,
      kind: p.person_id ? ('registry' as const) : ('outsider' as const),
      personId: p.person_id,
      name: facts?.name ?? p.name,
      idMasked: facts?.idMasked ?? null,
      phoneMasked: p.person_id ? (facts?.phoneMasked ?? null) : p.phone_tail ? `${p.phone_prefix ?? '***'}****${p.phone_tail}` : null,
      place: facts?.place ?? null,
      note: p.note,
      hasAccount: !!p.person_id && accounts.has(p.person_id),
    };
  });
  const creators = await repo.userNames(db, [...new Set(sessions.map((s) => s.created_by))]);
  const creatorName = new Map(creators.map((u) => [u.id, personalName(u.display_name)]));
  const editable = isMediatorRole(c.roles) && EDITABLE.includes(r.status);
  return {
    ...summary!,
    communityId: r.community_id,
    sourceEventId: r.source_event_id,
    referralFrom: r.referral_from,
    outcome: r.outcome,
    outcomeNote: dec(ctx, r.outcome_note_enc),
    followUp: dec(ctx, r.follow_up_enc),
    startedAt: r.started_at,
    decidedAt: r.decided_at,
    closedAt: r.closed_at,
    registeredBy: registrar[0] ? personalName(registrar[0].display_name) : null,
    partyDetails,
    mediators: members
      .filter((m) => m.role === 'lead' || m.role === 'helper')
      .sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1))
      .map((m) => ({ userId: m.user_id, name: personalName(m.display_name), role: m.role as 'lead' | 'helper' })),
    sessions: sessions.map((s) => ({
      id: s.id,
      seq: s.seq,
      heldAt: s.held_at,
      place: s.place,
      attendees: ctx.pii.decrypt(s.attendees_enc),
      record: ctx.pii.decrypt(s.record_enc),
      nextStep: dec(ctx, s.next_step_enc),
      createdBy: creatorName.get(s.created_by) ?? null,
    })),
    agreement: agreement
      ? {
          text: ctx.pii.decrypt(agreement.text_enc),
          terms: parseJson<string[]>(ctx.pii.decrypt(agreement.terms_enc), []),
          performanceDeadline: agreement.performance_deadline,
          signedOn: agreement.signed_on,
          performed: agreement.performed === null ? null : Number(agreement.performed) === 1,
          performanceNote: dec(ctx, agreement.performance_note_enc),
          performanceRecordedAt: agreement.performance_recorded_at,
          updatedAt: agreement.updated_at,
        }
      : null,
    attachments: files.map((f) => ({ id: f.id, name: f.original_name, mime: f.mime, url: `/api/v1/files/${f.id}` })),
    history: steps.map((s) => ({
      version: s.version,
      action: s.action,
      label: ACTION_LABELS[s.action] ?? { 'zh-CN': s.action, en: s.action },
      fromStatus: s.from_status,
      toStatus: s.to_status,
      note: dec(ctx, s.note_enc),
      actorName: s.actor_name,
      at: s.at,
    })),
    abilities: {
      assign: canAt(actor, MEDIATION_ASSIGN, r.org_path) && r.status !== 'closed',
      edit: editable,
      steps: availableSteps(c),
      unmask: isMediatorRole(c.roles) && reaches(actor, 'pii.unmask', c.communityPath),
    },
  };
}

/** A case's page (members only, audited as a read of sensitive data). */
export async function getCase(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  await appendAudit(ctx.db, audit(actor, 'read', c.row, meta, { number: c.row.number, as: c.roles }));
  return presentDetail(ctx, actor, c);
}

/** My cases: those I registered, assigned or mediate (no one else's, whatever my subtree). The list is audited when it names anyone. */
export async function listCases(ctx: PlatformContext, actor: Actor, q: { status?: MediationStatus; open?: '1' | '0'; page: number; pageSize: number }, meta: RequestMeta) {
  const { rows, total } = await repo.listMemberCases(ctx.db.kysely, actor.userId, { status: q.status, open: q.open === undefined ? undefined : q.open === '1' }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  // A member who has since left the community's staff no longer sees the case.
  const visible = rows.filter((r) => isStaffFor(actor, communityPathOf(r.org_path, r.community_id)));
  if (visible.length) {
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.mediation.list', targetType: 'mediation_case', targetId: '*', ip: meta.ip, requestId: meta.requestId, details: { numbers: visible.map((r) => r.number) } });
  }
  return { items: await presentSummaries(ctx, actor, visible), total: total - (rows.length - visible.length), page: q.page, pageSize: q.pageSize };
}

/** The committee's counts per status and category under a node: numbers only, no names, no summaries. */
export async function statistics(ctx: PlatformContext, actor: Actor, q: { orgNodeId?: string }) {
  const paths = scopePaths(actor, MEDIATION_ASSIGN);
  let node: { id: string; path: string } | undefined;
  if (q.orgNodeId) {
    node = await repo.getNode(ctx.db.kysely, q.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    if (!canAt(actor, MEDIATION_ASSIGN, node.path)) throw forbidden();
  } else {
    const first = paths[0];
    if (!first) throw forbidden();
    const id = first.split('/').filter(Boolean).pop()!;
    node = { id, path: first };
  }
  const rows = await repo.countsUnder(ctx.db.kysely, node.path);
  const byStatus: Record<string, number> = Object.fromEntries(Object.keys(STATUS_LABELS).map((s) => [s, 0]));
  const byCategory: Record<string, number> = {};
  let total = 0;
  let agreed = 0;
  let failed = 0;
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
    byCategory[r.category] = (byCategory[r.category] ?? 0) + n;
    if (r.outcome === 'agreed') agreed += n;
    if (r.outcome === 'failed') failed += n;
  }
  return { orgNodeId: node.id, total, byStatus, byCategory, successRate: agreed + failed ? agreed / (agreed + failed) : null };
}

/** Who may be chosen as a mediator for a node's community (for the assigner's picker). */
export async function candidates(ctx: PlatformContext, actor: Actor, q: { orgNodeId: string }) {
  const { node, community } = await caseNode(ctx, q.orgNodeId);
  if (!canAt(actor, MEDIATION_ASSIGN, node.path)) throw forbidden();
  const rows = await repo.mediatorCandidates(ctx.db.kysely, community.path, [...rolesWith(MEDIATION_HANDLE)]);
  const seen = new Set<string>();
  const items = [];
  for (const r of rows) {
    if (seen.has(r.user_id)) continue;
    seen.add(r.user_id);
    items.push({ userId: r.user_id, name: personalName(r.display_name), role: r.role, orgNodeName: r.node_name });
  }
  return { items };
}

// ---------------------------------------------------------------- writes

/** 指派 / 改派: the lead and helpers; whoever is no longer on the case stops seeing it. */
export async function assignMediators(ctx: PlatformContext, actor: Actor, id: string, input: { leadUserId: string; helperUserIds: string[]; expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  if (!canAt(actor, MEDIATION_ASSIGN, c.row.org_path)) throw forbidden('MEDIATION_ASSIGN_FORBIDDEN');
  requireEditable(c, ['accepted', 'in_mediation', 'agreed', 'failed', 'withdrawn']);
  const m = await checkMediators(ctx, c.communityPath, input.leadUserId, input.helperUserIds);
  const before = (await repo.activeMembers(ctx.db.kysely, [id])).filter((x) => x.role === 'lead' || x.role === 'helper').map((x) => x.user_id);
  const names = new Map((await repo.userNames(ctx.db.kysely, [m.lead, ...m.helpers])).map((u) => [u.id, personalName(u.display_name)]));
  const note = `主办：${names.get(m.lead)}${m.helpers.length ? `；协办：${m.helpers.map((h) => names.get(h)).join('、')}` : ''}`;
  const at = ctx.now();
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'assign', note }, {}, { lead: m.lead, helpers: m.helpers }, meta, async (trx) => {
    await repo.removeMediators(trx, id, m, at.toISOString());
    const add = (userId: string, role: MediationMemberRole) => repo.addMember(trx, { case_id: id, user_id: userId, role, added_by: actor.userId, added_at: at.toISOString(), removed_at: null });
    await add(actor.userId, 'assigner');
    await add(m.lead, 'lead');
    for (const h of m.helpers) await add(h, 'helper');
    await notifyMediators(trx, [m.lead, ...m.helpers].filter((u) => u !== actor.userId && !before.includes(u)), c.row, at);
  });
  return getAfterWrite(ctx, actor, id, meta);
}

export async function addParty(ctx: PlatformContext, actor: Actor, id: string, input: PartyInput & { expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  requireEditable(c);
  const p = await resolveParty(ctx, input, c.communityPath);
  const existing = await repo.activeParties(ctx.db.kysely, [id]);
  if (p.personId && existing.some((e) => e.person_id === p.personId)) throw conflict('MEDIATION_PARTY_EXISTS');
  if (!p.personId && existing.some((e) => !e.person_id && e.name === p.name && e.phone_tail === p.phone!.slice(-4))) throw conflict('MEDIATION_PARTY_EXISTS');
  const now = ctx.now();
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'party.add', note: `${SIDE_LABELS[p.side]}：${p.name}` }, {}, { side: p.side, kind: p.personId ? 'registry' : 'outsider' }, meta, async (trx) => {
    await repo.insertParty(trx, partyRow(ctx, id, p, actor, now.toISOString()));
    if (p.personId) await notifyParties(trx, [p.personId], { title: '您有一件纠纷调解案件', body: `案件编号 ${c.row.number}（${c.row.category}），您是${SIDE_LABELS[p.side]}。`, caseId: id, at: now });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

export async function removeParty(ctx: PlatformContext, actor: Actor, id: string, partyId: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  requireEditable(c);
  const p = await repo.getParty(ctx.db.kysely, id, partyId);
  if (!p) throw notFound('MEDIATION_PARTY_NOT_FOUND');
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'party.remove', note: `${SIDE_LABELS[p.side]}：${p.name}` }, {}, { side: p.side, partyId }, meta, async (trx) => {
    await repo.removeParty(trx, partyId, ctx.now().toISOString());
  });
  return getAfterWrite(ctx, actor, id, meta);
}

export async function addSession(ctx: PlatformContext, actor: Actor, id: string, input: SessionInput, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  requireEditable(c);
  const at = ctx.now().toISOString();
  const heldAt = new Date(input.heldAt).toISOString();
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'session', note: `${heldAt.slice(0, 10)} ${input.place}` }, {}, { heldAt }, meta, async (trx) => {
    await repo.insertSession(trx, {
      id: newId(),
      case_id: id,
      held_at: heldAt,
      place: input.place,
      attendees_enc: ctx.pii.encrypt(input.attendees),
      record_enc: ctx.pii.encrypt(input.record),
      next_step_enc: enc(ctx, input.nextStep),
      created_by: actor.userId,
      created_at: at,
    });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

/** 调解协议书: drafted and changed while mediating; fixed once the case is agreed. */
export async function saveAgreement(ctx: PlatformContext, actor: Actor, id: string, input: AgreementInput, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  requireEditable(c, ['in_mediation']);
  const today = beijingDay(ctx.now());
  if ((input.signedOn && input.signedOn > today) || (input.signedOn && input.performanceDeadline && input.performanceDeadline < input.signedOn)) throw badRequest('MEDIATION_DATES');
  const at = ctx.now().toISOString();
  const existing = await repo.agreementOf(ctx.db.kysely, id);
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'agreement', note: input.signedOn ? `签订于 ${input.signedOn}` : '草稿' }, {}, { terms: input.terms.length, signed: !!input.signedOn }, meta, async (trx) => {
    await repo.upsertAgreement(trx, {
      case_id: id,
      text_enc: ctx.pii.encrypt(input.text),
      terms_enc: ctx.pii.encrypt(JSON.stringify(input.terms)),
      performance_deadline: input.performanceDeadline ?? null,
      signed_on: input.signedOn ?? null,
      performed: null,
      performance_note_enc: null,
      performance_recorded_at: null,
      updated_by: actor.userId,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

/** 履行情况: whether the parties did what they agreed (after agreeing, also at the follow-up). */
export async function recordPerformance(ctx: PlatformContext, actor: Actor, id: string, input: { performed: boolean; note?: string; expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  if (c.row.outcome !== 'agreed') throw conflict('MEDIATION_NOT_EDITABLE', { status: STATUS_LABELS[c.row.status]['zh-CN'] });
  const at = ctx.now().toISOString();
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'performance', note: `${input.performed ? '已履行' : '未履行'}${input.note ? `：${input.note}` : ''}` }, {}, { performed: input.performed }, meta, async (trx) => {
    await repo.updateAgreement(trx, id, { performed: input.performed ? 1 : 0, performance_note_enc: enc(ctx, input.note), performance_recorded_at: at, updated_by: actor.userId, updated_at: at });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

/** A step on the case's path; who and when go to the history and the audit log. */
export async function takeStep(ctx: PlatformContext, actor: Actor, id: string, input: { action: StepAction; note?: string; expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  const spec = STEPS[input.action];
  const label = ACTION_LABELS[input.action]!['zh-CN'];
  if (!spec.from.includes(c.row.status)) throw conflict('MEDIATION_STEP_NOT_ALLOWED', { status: STATUS_LABELS[c.row.status]['zh-CN'], action: label });
  const note = input.note?.trim() || null;
  if (spec.note && !note) throw badRequest('MEDIATION_NOTE_REQUIRED', { action: label });
  const db = ctx.db.kysely;
  const parties = await repo.activeParties(db, [id]);
  if (input.action === 'start') {
    const lead = (await repo.activeMembers(db, [id])).some((m) => m.role === 'lead');
    if (!lead || !parties.some((p) => p.side === 'applicant') || !parties.some((p) => p.side === 'respondent')) throw conflict('MEDIATION_NOT_READY');
  }
  if (input.action === 'agree') {
    const a = await repo.agreementOf(db, id);
    if (!a?.signed_on) throw conflict('MEDIATION_AGREEMENT_UNSIGNED');
  }
  const now = ctx.now();
  const at = now.toISOString();
  const patch: Partial<repo.CaseRow> = { status: spec.to };
  if (input.action === 'start') patch.started_at = at;
  if (input.action === 'agree' || input.action === 'fail' || input.action === 'withdraw') {
    patch.outcome = spec.to as 'agreed' | 'failed' | 'withdrawn';
    patch.decided_at = at;
    if (input.action !== 'agree') patch.outcome_note_enc = enc(ctx, note);
  }
  if (input.action === 'close') {
    patch.closed_at = at;
    patch.follow_up_enc = enc(ctx, note);
  }
  await writeCase(ctx, actor, c, input.expectedVersion, { action: input.action, to: spec.to, note }, patch, { from: c.row.status, to: spec.to }, meta, async (trx) => {
    await notifyParties(trx, parties.map((p) => p.person_id).filter((x): x is string => !!x), {
      title: `调解案件 ${c.row.number}：${STATUS_LABELS[spec.to]['zh-CN']}`,
      body: input.action === 'fail' ? '调解未能达成协议，调解员已告知您其他解决途径。' : `您的调解案件已${label}。`,
      caseId: id,
      at: now,
    });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

export async function attachFile(ctx: PlatformContext, actor: Actor, id: string, input: { attachmentId: string; expectedVersion: number }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  requireEditable(c, ['accepted', 'in_mediation', 'agreed', 'failed', 'withdrawn']);
  const a = await repo.getAttachment(ctx.db.kysely, input.attachmentId);
  // Not tied to a node: `org.read` there would open it to every staff member of the subtree.
  if (!a || a.owner_user_id !== actor.userId || a.purpose !== ATTACHMENT_PURPOSE || a.org_node_id) throw badRequest('MEDIATION_ATTACHMENT_INVALID');
  await writeCase(ctx, actor, c, input.expectedVersion, { action: 'attach' }, {}, { attachmentId: a.id }, meta, async (trx) => {
    await repo.linkAttachment(trx, { case_id: id, attachment_id: a.id, added_by: actor.userId, added_at: ctx.now().toISOString() });
  });
  return getAfterWrite(ctx, actor, id, meta);
}

/** A party's full mobile, for a mediator holding `pii.unmask`, with a stated purpose (audited). */
export async function partyContact(ctx: PlatformContext, actor: Actor, id: string, partyId: string, input: { purpose: string }, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  requireMediator(c);
  if (!reaches(actor, 'pii.unmask', c.communityPath)) {
    await appendAudit(ctx.db, audit(actor, 'party.unmask', c.row, meta, { number: c.row.number, partyId }, 'denied', input.purpose));
    throw forbidden();
  }
  const p = await repo.getParty(ctx.db.kysely, id, partyId);
  if (!p) throw notFound('MEDIATION_PARTY_NOT_FOUND');
  const stored = p.person_id ? (await residentFacts(ctx.db.kysely, p.person_id))?.phoneEnc : p.phone_enc;
  if (!stored) throw notFound('MEDIATION_NO_PHONE');
  await appendAudit(ctx.db, audit(actor, 'party.unmask', c.row, meta, { number: c.row.number, partyId, fields: ['phone'] }, undefined, input.purpose));
  return { phone: ctx.pii.decrypt(stored) };
}

/** The printable agreement (members only; audited). */
export async function agreementForPrint(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const c = await loadForStaff(ctx, actor, id, meta);
  const detail = await presentDetail(ctx, actor, c);
  if (!detail.agreement) throw notFound('MEDIATION_AGREEMENT_NOT_FOUND');
  const community = await repo.getNode(ctx.db.kysely, c.row.community_id);
  await appendAudit(ctx.db, audit(actor, 'agreement.print', c.row, meta, { number: c.row.number }));
  return { detail, communityName: community?.name ?? '' };
}

/** The page after a write: the writer sees what they wrote (the write itself is audited). */
async function getAfterWrite(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  return presentDetail(ctx, actor, await loadForStaff(ctx, actor, id, meta));
}

// ---------------------------------------------------------------- parties' own view

function myView(ctx: PlatformContext, row: repo.CaseRow & { my_side: MediationSide }, nodeName: string | null) {
  return {
    id: row.id,
    number: row.number,
    category: row.category,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    orgNodeName: nodeName,
    mySide: row.my_side,
    acceptedAt: row.accepted_at,
    closedAt: row.closed_at,
  };
}

export async function listMine(ctx: PlatformContext, actor: Actor) {
  if (!actor.personId) return { items: [] };
  const rows = await repo.casesOfPerson(ctx.db.kysely, actor.personId);
  const nodes = new Map((await repo.getNodes(ctx.db.kysely, [...new Set(rows.map((r) => r.org_node_id))])).map((n) => [n.id, n.name]));
  return { items: rows.map((r) => myView(ctx, r, nodes.get(r.org_node_id) ?? null)) };
}

/**
 * A party's own case: status, the other parties' names (never their numbers), the mediators,
 * the sessions' times and places (not the records) and the agreement. Anyone else: 404.
 */
export async function getMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getCase(db, id);
  if (!row) throw notFound('MEDIATION_CASE_NOT_FOUND');
  const parties = await repo.activeParties(db, [id]);
  const mine = actor.personId ? parties.find((p) => p.person_id === actor.personId) : undefined;
  if (!mine) {
    await appendAudit(ctx.db, audit(actor, 'read', row, meta, { number: row.number, as: 'party' }, 'denied'));
    throw notFound('MEDIATION_CASE_NOT_FOUND');
  }
  const [members, sessions, agreement, node] = await Promise.all([repo.activeMembers(db, [id]), repo.sessionsOf(db, id), repo.agreementOf(db, id), repo.getNode(db, row.org_node_id)]);
  await appendAudit(ctx.db, audit(actor, 'read', row, meta, { number: row.number, as: 'party' }));
  return {
    ...myView(ctx, { ...row, my_side: mine.side }, node?.name ?? null),
    parties: parties.map((p) => ({ side: p.side, name: p.name, isMe: p.id === mine.id })),
    mediators: members
      .filter((m) => m.role === 'lead' || m.role === 'helper')
      .sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1))
      .map((m) => ({ name: personalName(m.display_name), role: m.role as 'lead' | 'helper' })),
    sessions: sessions.map((s) => ({ seq: s.seq, heldAt: s.held_at, place: s.place })),
    agreement: agreement
      ? {
          text: ctx.pii.decrypt(agreement.text_enc),
          terms: parseJson<string[]>(ctx.pii.decrypt(agreement.terms_enc), []),
          performanceDeadline: agreement.performance_deadline,
          signedOn: agreement.signed_on,
          performed: agreement.performed === null ? null : Number(agreement.performed) === 1,
        }
      : null,
  };
}

// ---------------------------------------------------------------- attachments

/** A case's attachments open to its members (not to `org.read` on any node: they carry none). */
registerAttachmentAccess(ATTACHMENT_PURPOSE, async (ctx, actor, attachment) => {
  for (const caseId of await repo.casesOfAttachment(ctx.db.kysely, attachment.id)) {
    const row = await repo.getCase(ctx.db.kysely, caseId);
    if (!row) continue;
    if ((await repo.memberRoles(ctx.db.kysely, caseId, actor.userId)).length && isStaffFor(actor, communityPathOf(row.org_path, row.community_id))) return true;
  }
  return false;
});

