import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { randomToken, sha256 } from '../../platform/auth/tokens.js';
import { maskSensitiveText } from '../../platform/crypto/mask.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { downloadName } from '../../platform/files/content-type.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { canAt, departmentsOf, scopePaths, type Actor } from '../../platform/policy/actor.js';
import { PERSON_FIELDS, type Mandate, type PersonField } from '../registry/registry.policy.js';
import * as registryRepo from '../registry/registry.repository.js';
import { presentPerson, recordRead } from '../registry/registry.service.js';
import { accessTo, type ReadScope } from '../registry/scope.js';
import { addressTextsOf } from '../registry/search.index.js';
import { chinaToday } from '../registry/tags.filter.js';
import * as repo from './clients.repository.js';
import { DEMO_EXCHANGE_KEYS } from './exchange.demo.js';
import { EXCHANGE_CONSENT, EXCHANGE_MANAGE, EXCHANGE_READ } from './clients.policy.js';
import type * as z from 'zod';
import type { ExchangeClientTable, ExchangeConsentTable, ExchangeKeyTable } from './clients.table.js';
import type { ClientInput, ConsentInput, KeyInput, ZConsent } from './clients.schema.js';

addMessages({
  'error.EXCHANGE_KEY_MISSING': { 'zh-CN': '缺少接口密钥（Authorization: Bearer lx_…）', en: 'Missing exchange key (Authorization: Bearer lx_…)' },
  'error.EXCHANGE_KEY_INVALID': { 'zh-CN': '接口密钥无效', en: 'The exchange key is not valid' },
  'error.EXCHANGE_KEY_REVOKED': { 'zh-CN': '接口密钥已吊销', en: 'The exchange key has been revoked' },
  'error.EXCHANGE_KEY_EXPIRED': { 'zh-CN': '接口密钥已过期（已轮换或到期）', en: 'The exchange key has expired (rotated or past its end)' },
  'error.EXCHANGE_CLIENT_SUSPENDED': { 'zh-CN': '该部门接入已暂停', en: 'This department client is suspended' },
  'error.EXCHANGE_RATE_LIMITED': { 'zh-CN': '请求过于频繁：每分钟最多 {limit} 次，请稍后再试', en: 'Too many requests: at most {limit} a minute, try again shortly' },
  'error.EXCHANGE_SCOPE_EXCEEDED': { 'zh-CN': '超出该密钥的授权范围', en: 'Outside this key’s scope' },
  'error.EXCHANGE_TAG_OUTSIDE_MANDATE': { 'zh-CN': '标签 {tag} 不在该部门的法定授权范围内', en: 'Tag {tag} is outside the department’s mandate' },
  'error.EXCHANGE_FIELD_UNKNOWN': { 'zh-CN': '未知字段：{field}', en: 'Unknown field: {field}' },
  'error.EXCHANGE_NODE_OUTSIDE_CLIENT': { 'zh-CN': '所选范围不在该接入部门的辖区内', en: 'The chosen area lies outside the client’s area' },
  'error.EXCHANGE_DEPARTMENT_UNKNOWN': { 'zh-CN': '未知部门：{code}', en: 'Unknown department: {code}' },
  'error.EXCHANGE_CUTOVER_PAST': { 'zh-CN': '切换时间必须晚于当前时间', en: 'The cut-over time must be in the future' },
  'error.EXCHANGE_KEY_NOT_ACTIVE': { 'zh-CN': '该密钥已失效，不能轮换', en: 'This key is no longer active and cannot be rotated' },
  'error.EXCHANGE_CONSENT_IN_MANDATE': { 'zh-CN': '该字段已在部门法定授权范围内，无需居民同意', en: 'This field is within the department’s mandate; no consent is needed' },
  'error.EXCHANGE_CONSENT_DATES': { 'zh-CN': '同意的截止日期不能早于开始日期', en: 'The consent ends before it starts' },
  'error.EXCHANGE_CONSENT_WITHDRAWN': { 'zh-CN': '该授权已撤回', en: 'This consent has already been withdrawn' },
  'error.EXCHANGE_EVIDENCE_INVALID': { 'zh-CN': '同意书附件无效：请上传您本人为此居民授权登记的文件', en: 'The consent form attachment is not valid: upload the file yourself for this resident’s consent' },
  'error.EXCHANGE_EVIDENCE_TYPE': { 'zh-CN': '签字同意书须为 PDF 文件或图片', en: 'The signed consent form must be a PDF or a picture' },
});

export interface ClientView {
  id: string;
  departmentCode: string;
  departmentName: string;
  name: string;
  contact: string;
  status: 'active' | 'suspended';
  orgNodeId: string;
  orgNodeName: string;
  lifeEvents: string[];
  legalBasis: string;
  createdAt: string;
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  tags: string[];
  fields: string[];
  /** Fields outside the mandate: readable only for people who consented. */
  consentFields: string[];
  orgNodeId: string;
  purpose: string;
  ratePerMinute: number;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  replacedBy: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expiring' | 'expired' | 'revoked';
}

export async function mandateOf(ctx: PlatformContext, code: string): Promise<{ name: string; mandate: Mandate } | undefined> {
  const d = await repo.departmentRow(ctx.db.kysely, code);
  return d ? { name: d.name, mandate: parseJson<Mandate>(d.mandate, { tags: [], fields: [] }) } : undefined;
}

async function presentClient(ctx: PlatformContext, c: ExchangeClientTable): Promise<ClientView> {
  const dept = await repo.departmentRow(ctx.db.kysely, c.department_code);
  const node = await repo.orgNode(ctx.db.kysely, c.org_node_id);
  return {
    id: c.id,
    departmentCode: c.department_code,
    departmentName: dept?.name ?? c.department_code,
    name: c.name,
    contact: maskSensitiveText(c.contact),
    status: c.status,
    orgNodeId: c.org_node_id,
    orgNodeName: node?.name ?? '',
    lifeEvents: parseJson<string[]>(c.life_events, []),
    legalBasis: c.legal_basis,
    createdAt: c.created_at,
  };
}

export function keyState(k: ExchangeKeyTable, now: Date): KeyView['state'] {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && new Date(k.expires_at) <= now) return 'expired';
  return k.expires_at ? 'expiring' : 'active';
}

function presentKey(k: ExchangeKeyTable, mandate: Mandate, now: Date): KeyView {
  const fields = parseJson<string[]>(k.fields, []);
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    tags: parseJson<string[]>(k.tags, []),
    fields,
    consentFields: fields.filter((f) => !mandate.fields.includes(f)),
    orgNodeId: k.org_node_id,
    purpose: k.purpose,
    ratePerMinute: k.rate_per_minute,
    createdAt: k.created_at,
    expiresAt: k.expires_at,
    revokedAt: k.revoked_at,
    revokeReason: k.revoke_reason,
    replacedBy: k.replaced_by,
    lastUsedAt: k.last_used_at,
    state: keyState(k, now),
  };
}

async function audit(ctx: PlatformContext, actor: Actor, action: string, meta: RequestMeta, extra: { targetType?: string; targetId?: string; orgNodeId?: string | null; details?: Record<string, unknown> }, trx?: Parameters<typeof appendAudit>[2]) {
  await appendAudit(
    ctx.db,
    { actorId: actor.userId, actorName: actor.username, action, targetType: extra.targetType ?? 'exchange_client', targetId: extra.targetId ?? null, orgNodeId: extra.orgNodeId ?? null, details: extra.details ?? null, ip: meta.ip, requestId: meta.requestId },
    trx,
  );
}

/** A client the actor may see: admins and staff whose subtree overlaps it; officers of its department. */
async function visibleClient(ctx: PlatformContext, actor: Actor, id: string, permission = EXCHANGE_READ): Promise<ExchangeClientTable> {
  const c = await repo.getClient(ctx.db.kysely, id);
  if (!c) throw notFound();
  if (permission === EXCHANGE_MANAGE) {
    if (!canAt(actor, EXCHANGE_MANAGE, c.org_path)) throw notFound();
    return c;
  }
  const staffPaths = actor.grants.filter((g) => g.role !== 'department_officer').length ? scopePaths({ ...actor, grants: actor.grants.filter((g) => g.role !== 'department_officer') }, EXCHANGE_READ) : [];
  const overlaps = staffPaths.some((p) => c.org_path.startsWith(p) || p.startsWith(c.org_path));
  if (!overlaps && !departmentsOf(actor, EXCHANGE_READ).includes(c.department_code)) throw notFound();
  return c;
}

/** The departments and their legal mandates, for registering a client. */
export async function listDepartments(ctx: PlatformContext) {
  const rows = await repo.allDepartments(ctx.db.kysely);
  return { items: rows.map((d) => ({ code: d.code, name: d.name, mandate: parseJson<Mandate>(d.mandate, { tags: [], fields: [] }) })) };
}

export async function listClients(ctx: PlatformContext, actor: Actor) {
  const staff = { ...actor, grants: actor.grants.filter((g) => g.role !== 'department_officer') };
  const rows = await repo.listClients(ctx.db.kysely, scopePaths(staff, EXCHANGE_READ), departmentsOf(actor, EXCHANGE_READ));
  return { items: await Promise.all(rows.map((r) => presentClient(ctx, r))), canManage: scopePaths(actor, EXCHANGE_MANAGE).length > 0 };
}

async function nodeUnder(ctx: PlatformContext, id: string, within?: string) {
  const node = await repo.orgNode(ctx.db.kysely, id);
  if (!node) throw badRequest('NOT_FOUND');
  if (within && !node.path.startsWith(within)) throw badRequest('EXCHANGE_NODE_OUTSIDE_CLIENT');
  return node;
}

export async function createClient(ctx: PlatformContext, actor: Actor, input: ClientInput, meta: RequestMeta): Promise<ClientView> {
  const dept = await mandateOf(ctx, input.departmentCode);
  if (!dept) throw badRequest('EXCHANGE_DEPARTMENT_UNKNOWN', { code: input.departmentCode });
  const node = await nodeUnder(ctx, input.orgNodeId);
  if (!canAt(actor, EXCHANGE_MANAGE, node.path)) throw forbidden();
  const at = ctx.now().toISOString();
  const row: ExchangeClientTable = {
    id: newId(),
    department_code: input.departmentCode,
    name: input.name,
    contact: input.contact,
    status: 'active',
    org_node_id: node.id,
    org_path: node.path,
    life_events: JSON.stringify(input.lifeEvents),
    legal_basis: input.legalBasis,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertClient(trx, row);
    await audit(ctx, actor, 'exchange.client.create', meta, { targetId: row.id, orgNodeId: node.id, details: { departmentCode: row.department_code, name: row.name } }, trx);
  });
  return presentClient(ctx, row);
}

export async function setClientStatus(ctx: PlatformContext, actor: Actor, id: string, status: 'active' | 'suspended', meta: RequestMeta): Promise<ClientView> {
  const c = await visibleClient(ctx, actor, id, EXCHANGE_MANAGE);
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateClient(trx, id, { status, updated_at: at });
    await audit(ctx, actor, 'exchange.client.status', meta, { targetId: id, orgNodeId: c.org_node_id, details: { status } }, trx);
  });
  return presentClient(ctx, { ...c, status, updated_at: at });
}

/** A client's page: what it may read (mandate, keys and their scopes) and what it has read. */
export async function clientDetail(ctx: PlatformContext, actor: Actor, id: string) {
  const c = await visibleClient(ctx, actor, id);
  const dept = (await mandateOf(ctx, c.department_code)) ?? { name: c.department_code, mandate: { tags: [], fields: [] } };
  const keys = await repo.listKeys(ctx.db.kysely, id);
  const now = ctx.now();
  return {
    client: await presentClient(ctx, c),
    mandate: { tags: dept.mandate.tags, fields: dept.mandate.fields },
    keys: keys.map((k) => presentKey(k, dept.mandate, now)),
    reads: await repo.countReads(ctx.db.kysely, id),
    canManage: canAt(actor, EXCHANGE_MANAGE, c.org_path),
  };
}

export async function listClientReads(ctx: PlatformContext, actor: Actor, id: string, page: { page: number; pageSize: number }) {
  await visibleClient(ctx, actor, id);
  const rows = await repo.listReads(ctx.db.kysely, id, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
  return {
    items: rows.map((r) => ({ id: r.id, keyId: r.key_id, at: r.at, action: r.action, outcome: r.outcome, purpose: r.purpose, people: r.people, detail: parseJson<Record<string, unknown> | null>(r.detail, null) })),
    page: page.page,
    pageSize: page.pageSize,
  };
}

/** Checks a key's scope against the department's mandate: tags inside it; fields known (outside ones need consent). */
function checkScope(mandate: Mandate, input: { tags: string[]; fields: string[] }) {
  for (const tag of input.tags) if (!mandate.tags.includes(tag)) throw badRequest('EXCHANGE_TAG_OUTSIDE_MANDATE', { tag });
  for (const field of input.fields) if (!(PERSON_FIELDS as readonly string[]).includes(field)) throw badRequest('EXCHANGE_FIELD_UNKNOWN', { field });
}

function newKeySecret() {
  const key = `lx_${randomToken(24)}`;
  return { key, hash: sha256(key), prefix: key.slice(0, 11) };
}

export async function issueKey(ctx: PlatformContext, actor: Actor, clientId: string, input: KeyInput, meta: RequestMeta) {
  const c = await visibleClient(ctx, actor, clientId, EXCHANGE_MANAGE);
  const dept = await mandateOf(ctx, c.department_code);
  if (!dept) throw badRequest('EXCHANGE_DEPARTMENT_UNKNOWN', { code: c.department_code });
  checkScope(dept.mandate, input);
  const node = await nodeUnder(ctx, input.orgNodeId, c.org_path);
  const now = ctx.now();
  if (input.expiresAt && new Date(input.expiresAt) <= now) throw badRequest('EXCHANGE_CUTOVER_PAST');
  const secret = newKeySecret();
  const row: ExchangeKeyTable = {
    id: newId(),
    client_id: c.id,
    name: input.name,
    prefix: secret.prefix,
    key_hash: secret.hash,
    tags: JSON.stringify([...new Set(input.tags)]),
    fields: JSON.stringify([...new Set(input.fields)]),
    org_node_id: node.id,
    org_path: node.path,
    purpose: input.purpose,
    rate_per_minute: input.ratePerMinute,
    created_by: actor.userId,
    created_at: now.toISOString(),
    expires_at: input.expiresAt ?? null,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    replaced_by: null,
    last_used_at: null,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertKey(trx, row);
    await audit(ctx, actor, 'exchange.key.issue', meta, { targetType: 'exchange_key', targetId: row.id, orgNodeId: node.id, details: { clientId: c.id, prefix: row.prefix, tags: input.tags, fields: input.fields, purpose: input.purpose } }, trx);
  });
  return { key: secret.key, ...presentKey(row, dept.mandate, now) };
}

/** A new key with the same scope; the old one keeps working until `cutoverAt` (default: 7 days). */
export async function rotateKey(ctx: PlatformContext, actor: Actor, keyId: string, input: { cutoverAt?: string }, meta: RequestMeta) {
  const old = await repo.getKey(ctx.db.kysely, keyId);
  if (!old) throw notFound();
  const c = await visibleClient(ctx, actor, old.client_id, EXCHANGE_MANAGE);
  const now = ctx.now();
  if (keyState(old, now) === 'revoked' || keyState(old, now) === 'expired') throw badRequest('EXCHANGE_KEY_NOT_ACTIVE');
  const cutover = input.cutoverAt ? new Date(input.cutoverAt) : new Date(now.getTime() + 7 * 86_400_000);
  if (cutover <= now) throw badRequest('EXCHANGE_CUTOVER_PAST');
  const dept = (await mandateOf(ctx, c.department_code))!;
  const secret = newKeySecret();
  const row: ExchangeKeyTable = {
    ...old,
    id: newId(),
    prefix: secret.prefix,
    key_hash: secret.hash,
    created_by: actor.userId,
    created_at: now.toISOString(),
    expires_at: null,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    replaced_by: null,
    last_used_at: null,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertKey(trx, row);
    await repo.updateKey(trx, old.id, { expires_at: cutover.toISOString(), replaced_by: row.id });
    await audit(ctx, actor, 'exchange.key.rotate', meta, { targetType: 'exchange_key', targetId: old.id, orgNodeId: c.org_node_id, details: { clientId: c.id, newKeyId: row.id, prefix: row.prefix, cutoverAt: cutover.toISOString() } }, trx);
  });
  return { key: secret.key, ...presentKey(row, dept.mandate, now), previous: presentKey({ ...old, expires_at: cutover.toISOString(), replaced_by: row.id }, dept.mandate, now) };
}

export async function revokeKey(ctx: PlatformContext, actor: Actor, keyId: string, reason: string, meta: RequestMeta) {
  const k = await repo.getKey(ctx.db.kysely, keyId);
  if (!k) throw notFound();
  const c = await visibleClient(ctx, actor, k.client_id, EXCHANGE_MANAGE);
  const at = ctx.now().toISOString();
  if (k.revoked_at) throw badRequest('EXCHANGE_KEY_NOT_ACTIVE');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateKey(trx, keyId, { revoked_at: at, revoked_by: actor.userId, revoke_reason: reason });
    await audit(ctx, actor, 'exchange.key.revoke', meta, { targetType: 'exchange_key', targetId: keyId, orgNodeId: c.org_node_id, details: { clientId: c.id, prefix: k.prefix, reason } }, trx);
  });
  const dept = (await mandateOf(ctx, c.department_code))!;
  return presentKey({ ...k, revoked_at: at, revoked_by: actor.userId, revoke_reason: reason }, dept.mandate, ctx.now());
}

// ------------------------------------------------------------------ consents

/** The purpose a signed consent form is uploaded with (`POST /api/v1/files?purpose=exchange.consent`). */
export const CONSENT_FILE_PURPOSE = 'exchange.consent';
/** The records that use a signed form, in `attachment_use`. */
const CONSENT_OWNER = 'exchange_consent';
const isEvidenceType = (mime: string) => mime === 'application/pdf' || mime.startsWith('image/');

/**
 * The signed form a consent names: the caller's own upload for consents, not opened up to a whole
 * node (`orgNodeId` on upload would let every `org.read` there open it: only staff who may see
 * the consent should), a PDF or a picture, and not already the form of another resident's consent.
 */
async function checkEvidence(ctx: PlatformContext, actor: Actor, personId: string, attachmentId: string) {
  const db = ctx.db.kysely;
  const a = await repo.getAttachment(db, attachmentId);
  if (!a || a.owner_user_id !== actor.userId || a.purpose !== CONSENT_FILE_PURPOSE || a.org_node_id !== null) throw badRequest('EXCHANGE_EVIDENCE_INVALID');
  if (!isEvidenceType(a.mime)) throw badRequest('EXCHANGE_EVIDENCE_TYPE');
  const used = await repo.consentPlaces(db, await attachmentOwners(db, attachmentId, CONSENT_OWNER));
  if (used.some((c) => c.person_id !== personId)) throw badRequest('EXCHANGE_EVIDENCE_INVALID');
}

export async function recordConsent(ctx: PlatformContext, actor: Actor, input: ConsentInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const person = await repo.personPlace(db, input.personId);
  if (!person || !canAt(actor, EXCHANGE_CONSENT, person.org_path)) throw notFound();
  const dept = await mandateOf(ctx, input.departmentCode);
  if (!dept) throw badRequest('EXCHANGE_DEPARTMENT_UNKNOWN', { code: input.departmentCode });
  if (dept.mandate.fields.includes(input.field)) throw badRequest('EXCHANGE_CONSENT_IN_MANDATE');
  if (input.validTo && input.validTo < input.validFrom) throw badRequest('EXCHANGE_CONSENT_DATES');
  if (input.evidenceAttachmentId) await checkEvidence(ctx, actor, input.personId, input.evidenceAttachmentId);
  const row: ExchangeConsentTable = {
    id: newId(),
    person_id: input.personId,
    department_code: input.departmentCode,
    field: input.field,
    valid_from: input.validFrom,
    valid_to: input.validTo ?? null,
    evidence: input.evidence,
    recorded_by: actor.userId,
    recorded_at: ctx.now().toISOString(),
    withdrawn_at: null,
    withdrawn_by: null,
    withdraw_reason: null,
    evidence_attachment_id: input.evidenceAttachmentId ?? null,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertConsent(trx, row);
    if (row.evidence_attachment_id) await useAttachments(trx, CONSENT_OWNER, row.id, [row.evidence_attachment_id]);
    await audit(
      ctx,
      actor,
      'exchange.consent.record',
      meta,
      { targetType: 'person', targetId: input.personId, details: { consentId: row.id, departmentCode: input.departmentCode, field: input.field, validFrom: input.validFrom, validTo: input.validTo ?? null, evidenceAttachmentId: row.evidence_attachment_id } },
      trx,
    );
  });
  return (await presentConsents(ctx, [row]))[0]!;
}

type ConsentView = z.infer<typeof ZConsent>;

async function presentConsents(ctx: PlatformContext, rows: ExchangeConsentTable[]): Promise<ConsentView[]> {
  const files = new Map((await repo.getAttachments(ctx.db.kysely, rows.flatMap((r) => (r.evidence_attachment_id ? [r.evidence_attachment_id] : [])))).map((a) => [a.id, a]));
  return rows.map((r) => {
    const f = r.evidence_attachment_id ? files.get(r.evidence_attachment_id) : undefined;
    return {
      id: r.id,
      personId: r.person_id,
      departmentCode: r.department_code,
      field: r.field,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      evidence: r.evidence,
      evidenceAttachment: f ? { id: f.id, name: downloadName(f.original_name, f.mime), mime: f.mime, size: Number(f.size) } : null,
      recordedAt: r.recorded_at,
      withdrawnAt: r.withdrawn_at,
      withdrawnReason: r.withdraw_reason,
    };
  });
}

export async function listConsents(ctx: PlatformContext, actor: Actor, personId: string) {
  const person = await repo.personPlace(ctx.db.kysely, personId);
  if (!person || !canAt(actor, EXCHANGE_CONSENT, person.org_path)) throw notFound();
  return { items: await presentConsents(ctx, await repo.consentsOfPerson(ctx.db.kysely, personId)) };
}

/** Withdraws a consent with the resident's reason (kept with ID and phone numbers masked, and audited). */
export async function withdrawConsent(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const c = await repo.getConsent(db, id);
  if (!c) throw notFound();
  const person = await repo.personPlace(db, c.person_id);
  if (!person || !canAt(actor, EXCHANGE_CONSENT, person.org_path)) throw notFound();
  if (c.withdrawn_at) throw conflict('EXCHANGE_CONSENT_WITHDRAWN');
  const at = ctx.now().toISOString();
  const reason = maskSensitiveText(input.reason);
  await db.transaction().execute(async (trx) => {
    if (!(await repo.withdrawConsent(trx, id, at, actor.userId, reason))) throw conflict('EXCHANGE_CONSENT_WITHDRAWN');
    await audit(ctx, actor, 'exchange.consent.withdraw', meta, { targetType: 'person', targetId: c.person_id, details: { consentId: id, departmentCode: c.department_code, field: c.field, reason } }, trx);
  });
  return (await presentConsents(ctx, [{ ...c, withdrawn_at: at, withdrawn_by: actor.userId, withdraw_reason: reason }]))[0]!;
}

// A consent's signed form opens for staff who may see the consent (its resident's subtree); the
// platform lets the uploader open it too, and audits every other read (files.attachment.read).
// The signed form is the resident's: whoever uploaded it opens it only while entitled to the consent, audited.
registerAttachmentAccess(
  CONSENT_FILE_PURPOSE,
  async (ctx, actor, attachment) => {
    const consents = await repo.consentPlaces(ctx.db.kysely, await attachmentOwners(ctx.db.kysely, attachment.id, CONSENT_OWNER));
    return consents.some((c) => canAt(actor, EXCHANGE_CONSENT, c.org_path));
  },
  { ownerChecked: true },
);

// ------------------------------------------------------------------ reads through a key

/** A department system authenticated by its key: what it is, and what the key lets it read. */
export interface KeyPrincipal {
  client: ExchangeClientTable;
  key: ExchangeKeyTable;
  departmentName: string;
  mandate: Mandate;
  /** Key tags still inside the mandate (a mandate may shrink after the key was issued). */
  tags: string[];
  /** Key fields inside the mandate. */
  mandateFields: PersonField[];
  /** Key fields outside the mandate: shared only for people with a valid consent. */
  consentFields: PersonField[];
  /** The actor the registry's audit and access log record (the key, on behalf of its department). */
  actor: Actor;
}

const RATE_HEADER = 'retry-after';

/**
 * Authenticates `Authorization: Bearer lx_…`, then counts the request against the key's
 * per-minute limit (429 with `Retry-After` beyond it). Refusals of a known key are audited.
 */
export async function authenticateKey(ctx: PlatformContext, authorization: string | undefined, meta: RequestMeta, setHeader: (name: string, value: string) => void): Promise<KeyPrincipal> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  if (!token) throw new AppError(401, 'EXCHANGE_KEY_MISSING');
  const db = ctx.db.kysely;
  // The demo keys are printed in the README: they work in demo mode only.
  const demoKey = (Object.values(DEMO_EXCHANGE_KEYS) as string[]).includes(token) && !ctx.config.demo;
  const key = token.startsWith('lx_') && !demoKey ? await repo.keyByHash(db, sha256(token)) : undefined;
  if (!key) throw new AppError(401, 'EXCHANGE_KEY_INVALID');
  const client = (await repo.getClient(db, key.client_id))!;
  const now = ctx.now();
  const state = keyState(key, now);
  const refuse = async (status: number, code: string, params?: Record<string, string | number>) => {
    await appendAudit(ctx.db, { actorId: key.id, actorName: `exchange:${client.department_code}:${key.prefix}`, action: 'exchange.key.refused', outcome: 'denied', targetType: 'exchange_key', targetId: key.id, details: { code, clientId: client.id }, ip: meta.ip, requestId: meta.requestId });
    return new AppError(status, code, params);
  };
  if (state === 'revoked') throw await refuse(401, 'EXCHANGE_KEY_REVOKED');
  if (state === 'expired') throw await refuse(401, 'EXCHANGE_KEY_EXPIRED');
  if (client.status !== 'active') throw await refuse(403, 'EXCHANGE_CLIENT_SUSPENDED');
  const window = now.toISOString().slice(0, 16);
  const count = await repo.countRequest(db, key.id, window);
  if (count > key.rate_per_minute) {
    setHeader(RATE_HEADER, String(60 - now.getUTCSeconds()));
    // Audited once per minute, not once per refused request (a flood would flood the log).
    if (count === key.rate_per_minute + 1) await refuse(429, 'EXCHANGE_RATE_LIMITED');
    throw new AppError(429, 'EXCHANGE_RATE_LIMITED', { limit: key.rate_per_minute });
  }
  if (!key.last_used_at || now.getTime() - new Date(key.last_used_at).getTime() > 60_000) {
    await repo.updateKey(db, key.id, { last_used_at: now.toISOString() });
    await repo.pruneRateWindows(db, new Date(now.getTime() - 3600_000).toISOString().slice(0, 16));
  }
  const dept = (await mandateOf(ctx, client.department_code)) ?? { name: client.department_code, mandate: { tags: [], fields: [] } };
  const fields = parseJson<string[]>(key.fields, []).filter((f): f is PersonField => (PERSON_FIELDS as readonly string[]).includes(f));
  return {
    client,
    key,
    departmentName: dept.name,
    mandate: dept.mandate,
    tags: parseJson<string[]>(key.tags, []).filter((t) => dept.mandate.tags.includes(t)),
    mandateFields: fields.filter((f) => dept.mandate.fields.includes(f)),
    consentFields: fields.filter((f) => !dept.mandate.fields.includes(f)),
    actor: {
      userId: key.id,
      username: `exchange:${client.department_code}:${key.prefix}`,
      displayName: `${dept.name}（${client.name}，数据共享接口）`,
      grants: [],
      personId: null,
      via: 'token',
      tokenId: key.id,
    },
  };
}

export async function logRead(ctx: PlatformContext, p: KeyPrincipal, action: string, outcome: 'success' | 'denied', people: number, detail: Record<string, unknown> | null) {
  await repo.insertRead(ctx.db.kysely, { id: newId(), client_id: p.client.id, key_id: p.key.id, at: ctx.now().toISOString(), action, outcome, purpose: p.key.purpose, people, detail: detail ? JSON.stringify(detail) : null });
}

/** A refused read: audited (with the key's purpose) and logged for the department's page; 403. */
async function refuseRead(ctx: PlatformContext, p: KeyPrincipal, action: string, meta: RequestMeta, detail: Record<string, unknown>, targetId?: string): Promise<AppError> {
  await appendAudit(ctx.db, {
    actorId: p.actor.userId,
    actorName: p.actor.username,
    action,
    outcome: 'denied',
    targetType: targetId ? 'person' : null,
    targetId: targetId ?? null,
    purpose: p.key.purpose,
    details: { ...detail, clientId: p.client.id, keyId: p.key.id, departmentCode: p.client.department_code },
    ip: meta.ip,
    requestId: meta.requestId,
  });
  await logRead(ctx, p, action, 'denied', 0, detail);
  return forbidden('EXCHANGE_SCOPE_EXCEEDED');
}

/** The key's reach as a registry read scope: one department reach, the key's subtree, tags and mandate fields. */
function scopeOf(p: KeyPrincipal, path: string, tags: string[]): ReadScope {
  return { staffPaths: [], departments: [{ departmentCode: p.client.department_code, path, tags, fields: new Set(p.mandateFields) }] };
}

/** What the key may read, for the client system itself. */
export function describeKey(p: KeyPrincipal) {
  return {
    client: { id: p.client.id, name: p.client.name, departmentCode: p.client.department_code, departmentName: p.departmentName },
    key: { id: p.key.id, prefix: p.key.prefix, purpose: p.key.purpose, orgNodeId: p.key.org_node_id, tags: p.tags, fields: p.mandateFields, consentFields: p.consentFields, ratePerMinute: p.key.rate_per_minute, expiresAt: p.key.expires_at },
  };
}

type Presented = ReturnType<typeof presentPerson>;

/** Adds the consented fields of each person (numbers masked). */
export async function present(ctx: PlatformContext, p: KeyPrincipal, rows: Awaited<ReturnType<typeof registryRepo.getPeopleByIds>>, scope: ReadScope, today: string) {
  const db = ctx.db.kysely;
  const tags = await registryRepo.activeTagsOf(db, rows.map((r) => r.id), today);
  const consents = p.consentFields.length ? await repo.validConsents(db, rows.map((r) => r.id), p.client.department_code, today) : new Map<string, Set<string>>();
  const addresses = await addressTextsOf(db, [...new Set(rows.map((r) => r.org_path))]);
  const out: { item: Presented & { consentedFields?: string[] }; departmentCodes: string[] }[] = [];
  for (const r of rows) {
    const access = accessTo(scope, r.org_path, tags.get(r.id) ?? []);
    if (!access) continue;
    const consented = p.consentFields.filter((f) => consents.get(r.id)?.has(f));
    const fields = new Set<PersonField>([...(access.fields.all ? PERSON_FIELDS : access.fields.fields), ...consented]);
    const item = presentPerson(ctx, r, { ...access, fields: { all: false, fields } }, addresses.get(r.org_path) ?? null);
    out.push({ item: consented.length ? { ...item, consentedFields: consented } : item, departmentCodes: access.departmentCodes });
  }
  return out;
}

/**
 * Where a list or an extract through the key may look: its subtree (or `orgNodeId` inside it),
 * its tags (or `tag`, one of them). Asking outside is refused and audited.
 */
export async function keyListScope(ctx: PlatformContext, p: KeyPrincipal, query: { orgNodeId?: string; tag?: string }, action: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  let path = p.key.org_path;
  if (query.orgNodeId) {
    const node = await repo.orgNode(db, query.orgNodeId);
    if (!node || !node.path.startsWith(p.key.org_path)) throw await refuseRead(ctx, p, action, meta, { reason: 'subtree', orgNodeId: query.orgNodeId });
    path = node.path;
  }
  if (!path.startsWith(p.client.org_path)) throw await refuseRead(ctx, p, action, meta, { reason: 'client-area' });
  if (query.tag && !p.tags.includes(query.tag)) throw await refuseRead(ctx, p, action, meta, { reason: 'tag', tag: query.tag });
  const tags = query.tag ? [query.tag] : p.tags;
  if (tags.length === 0) throw await refuseRead(ctx, p, action, meta, { reason: 'no-tags' });
  const today = chinaToday(ctx.now());
  const filter: registryRepo.PersonFilter = { paths: [], departments: [{ path, tags }], today, status: 'active' };
  const sort: registryRepo.PersonSort = p.mandateFields.includes('address') ? 'address' : 'name';
  return { scope: scopeOf(p, path, tags), filter, sort, today };
}

/**
 * People the key may read: in its subtree (or `orgNodeId` inside it), holding one of its tags
 * (or `tag`, which must be one of them), with its fields. Asking outside is refused and audited.
 */
export async function listPeopleByKey(ctx: PlatformContext, p: KeyPrincipal, query: { orgNodeId?: string; tag?: string; page: number; pageSize: number }, meta: RequestMeta) {
  const action = 'exchange.person.list';
  const db = ctx.db.kysely;
  const { scope, filter, sort, today } = await keyListScope(ctx, p, query, action, meta);
  const offset = (query.page - 1) * query.pageSize;
  const rows = await registryRepo.listPeople(db, filter, { limit: query.pageSize, offset }, sort);
  const total = rows.length < query.pageSize && (rows.length > 0 || offset === 0) ? offset + rows.length : await registryRepo.countPeople(db, filter);
  const shown = await present(ctx, p, rows, scope, today);
  await recordRead(
    ctx,
    p.actor,
    meta,
    { action, orgNodeId: query.orgNodeId ?? p.key.org_node_id, purpose: p.key.purpose, details: { clientId: p.client.id, keyId: p.key.id, departments: [p.client.department_code], tag: query.tag ?? undefined, count: shown.length } },
    { kind: 'list', purpose: p.key.purpose, people: shown.map((s) => ({ id: s.item.id, departmentCodes: s.departmentCodes })), logStaff: false },
  );
  await logRead(ctx, p, action, 'success', shown.length, { orgNodeId: query.orgNodeId ?? null, tag: query.tag ?? null, page: query.page });
  return { items: shown.map((s) => s.item), total, page: query.page, pageSize: query.pageSize };
}

/** One person through the key; someone outside its reach is refused (audited), never reported as existing. */
export async function getPersonByKey(ctx: PlatformContext, p: KeyPrincipal, personId: string, meta: RequestMeta) {
  const action = 'exchange.person.read';
  const db = ctx.db.kysely;
  const [row] = await registryRepo.getPeopleByIds(db, [personId]);
  const today = chinaToday(ctx.now());
  const scope = scopeOf(p, p.key.org_path, p.tags);
  const shown = row && row.status === 'active' && row.org_path.startsWith(p.client.org_path) ? await present(ctx, p, [row], scope, today) : [];
  if (shown.length === 0) throw await refuseRead(ctx, p, action, meta, { reason: 'person', personId }, personId);
  await recordRead(
    ctx,
    p.actor,
    meta,
    { action, targetType: 'person', targetId: personId, purpose: p.key.purpose, details: { clientId: p.client.id, keyId: p.key.id, departments: [p.client.department_code], consentedFields: shown[0]!.item.consentedFields } },
    { kind: 'view', purpose: p.key.purpose, people: [{ id: personId, departmentCodes: shown[0]!.departmentCodes }], logStaff: true },
  );
  await logRead(ctx, p, action, 'success', 1, { personId });
  return shown[0]!.item;
}

