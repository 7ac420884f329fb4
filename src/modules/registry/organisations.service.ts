import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import type { Executor } from '../../platform/db/database.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { parseCreditCode } from './organisations.credit-code.js';
import * as repo from './organisations.repository.js';
import * as peopleRepo from './people.repository.js';
import { audit, deny, inTransaction, nodeIdOf, placeLabel, withDenials } from './people.write.js';
import type { OrganisationKind, OrganisationTable } from './registry.table.js';

export const ORGANISATION_KINDS = ['enterprise', 'shop', 'social_org', 'public_institution', 'other'] as const satisfies readonly OrganisationKind[];
export const ORG_READ = 'registry.organisation.read';
export const ORG_WRITE = 'registry.organisation.write';
export const BLIND_ORG_PHONE = 'organisation.contact_phone';

addMessages({
  'error.CREDIT_CODE_INVALID': { 'zh-CN': '统一社会信用代码无效（{problem}）', en: 'Invalid unified social credit code ({problem})' },
  'error.CREDIT_CODE_EXISTS': { 'zh-CN': '该统一社会信用代码已登记', en: 'An organisation with this credit code is already registered' },
  'error.CONTACT_PHONE_INVALID': { 'zh-CN': '联系电话应为手机号或带区号的固定电话', en: 'The contact phone must be a mobile or a landline with its area code' },
  'error.ORGANISATION_NOT_FOUND': { 'zh-CN': '单位不存在', en: 'No such organisation' },
  'error.ORGANISATION_ENDED': { 'zh-CN': '该单位已注销', en: 'This organisation has been closed' },
});

export interface OrganisationInput {
  name: string;
  kind: OrganisationKind;
  creditCode?: string | null;
  orgNodeId: string;
  address?: string | null;
  legalRepresentative?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  employees?: number | null;
  note?: string | null;
}

/** A mobile (13812345678) or a landline with its area code (0573-87654321): digits kept, prefix and tail for masking. */
export function normaliseContactPhone(input: string): { number: string; prefix: string; tail: string } | null {
  const mobile = normaliseMobile(input);
  if (mobile) return { number: mobile, prefix: mobile.slice(0, 3), tail: mobile.slice(-4) };
  const s = input.trim().replace(/[\s()（）]/g, '');
  const m = /^(0\d{2,3})-?(\d{7,8})$/.exec(s);
  if (!m) return null;
  const number = `${m[1]}-${m[2]}`;
  return { number, prefix: m[1]!, tail: number.slice(-4) };
}

function phoneCols(ctx: PlatformContext, phone: string | null | undefined): Pick<OrganisationTable, 'contact_phone_enc' | 'contact_phone_idx' | 'contact_phone_prefix' | 'contact_phone_tail'> {
  if (!phone) return { contact_phone_enc: null, contact_phone_idx: null, contact_phone_prefix: null, contact_phone_tail: null };
  const p = normaliseContactPhone(phone);
  if (!p) throw badRequest('CONTACT_PHONE_INVALID', {}, [{ field: 'contactPhone', code: 'CONTACT_PHONE_INVALID' }]);
  return { contact_phone_enc: ctx.pii.encrypt(p.number), contact_phone_idx: ctx.pii.blindIndex(BLIND_ORG_PHONE, p.number), contact_phone_prefix: p.prefix, contact_phone_tail: p.tail };
}

function creditCodeOf(input: string | null | undefined): string | null {
  if (!input) return null;
  const r = parseCreditCode(input);
  if (!r.ok) throw badRequest('CREDIT_CODE_INVALID', { problem: r.problem }, [{ field: 'creditCode', code: 'CREDIT_CODE_INVALID', problem: r.problem }]);
  return r.code;
}

const clean = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v.trim());

/** The row of a new organisation (validated, phone encrypted); also used by the demo seed. */
export function organisationRow(ctx: PlatformContext, input: OrganisationInput, node: { id: string; path: string }, at = ctx.now().toISOString()): OrganisationTable {
  return {
    id: newId(),
    name: input.name.trim(),
    kind: input.kind,
    credit_code: creditCodeOf(input.creditCode),
    org_node_id: node.id,
    org_path: node.path,
    address: clean(input.address),
    legal_representative: clean(input.legalRepresentative),
    contact_name: clean(input.contactName),
    ...phoneCols(ctx, input.contactPhone),
    employees: input.employees ?? null,
    note: clean(input.note),
    created_at: at,
    updated_at: at,
    ended_at: null,
  };
}

function maskedContact(o: OrganisationTable): string | null {
  return o.contact_phone_tail ? `${o.contact_phone_prefix ?? ''}****${o.contact_phone_tail}` : null;
}

async function present(ctx: PlatformContext, db: Executor, o: OrganisationTable, unmasked = false) {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    creditCode: o.credit_code,
    orgNodeId: o.org_node_id,
    place: await placeLabel(db, o.org_path),
    address: o.address,
    legalRepresentative: o.legal_representative,
    contactName: o.contact_name,
    contactPhone: unmasked && o.contact_phone_enc ? ctx.pii.decrypt(o.contact_phone_enc) : maskedContact(o),
    employees: o.employees,
    note: o.note,
    active: o.ended_at === null,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    endedAt: o.ended_at,
  };
}

async function assertCreditCodeFree(db: Executor, code: string | null, selfId: string | null) {
  if (!code) return;
  if ((await repo.findActiveByCreditCode(db, code)).some((o) => o.id !== selfId)) throw conflict('CREDIT_CODE_EXISTS');
}

async function nodeForOrg(ctx: PlatformContext, db: Executor, actor: Actor, id: string, meta: RequestMeta, action: string) {
  const node = await peopleRepo.getNode(db, id);
  if (!node) throw notFound('NODE_NOT_FOUND');
  if (!canAt(actor, ORG_WRITE, node.path)) throw deny(action, meta, { targetType: 'org_node', targetId: id, orgNodeId: id });
  if (node.ended_at) throw badRequest('NODE_ENDED');
  return node;
}

export interface OrganisationQuery {
  orgNodeId?: string;
  kind?: OrganisationKind;
  q?: string;
  includeEnded?: boolean;
  page: number;
  pageSize: number;
}

/** Organisations (企业, 商户, 社会组织 …) of the actor's subtree; contact phones masked. */
export function listOrganisations(ctx: PlatformContext, actor: Actor, query: OrganisationQuery, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    let paths = scopePaths(actor, ORG_READ);
    if (query.orgNodeId) {
      const node = await peopleRepo.getNode(db, query.orgNodeId);
      if (!node) throw notFound('NODE_NOT_FOUND');
      if (!canAt(actor, ORG_READ, node.path)) throw deny('registry.organisation.list', meta, { targetType: 'org_node', targetId: node.id, orgNodeId: node.id });
      paths = [node.path];
    }
    if (paths.length === 0) throw forbidden();
    const filter = { paths, kind: query.kind, nameContains: query.q, includeEnded: query.includeEnded };
    const [rows, total] = await Promise.all([repo.listOrganisations(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }), repo.countOrganisations(db, filter)]);
    const items = [];
    for (const o of rows) items.push(await present(ctx, db, o));
    return { items, total, page: query.page, pageSize: query.pageSize };
  });
}

/** One organisation; with a purpose and `pii.unmask` on its node the contact phone is shown in full (audited). */
export function getOrganisation(ctx: PlatformContext, actor: Actor, id: string, purpose: string | undefined, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    const o = await repo.getOrganisation(db, id);
    if (!o) throw notFound('ORGANISATION_NOT_FOUND');
    if (!canAt(actor, ORG_READ, o.org_path)) throw deny('registry.organisation.read', meta, { targetType: 'organisation', targetId: id });
    const unmask = purpose !== undefined;
    if (unmask && !canAt(actor, 'pii.unmask', o.org_path)) throw deny('registry.organisation.unmask', meta, { targetType: 'organisation', targetId: id });
    await audit(ctx, undefined, actor, unmask ? 'registry.organisation.unmask' : 'registry.organisation.read', meta, {
      targetType: 'organisation',
      targetId: id,
      orgNodeId: o.org_node_id,
      purpose: unmask ? purpose : null,
    });
    return { ...(await present(ctx, db, o, unmask)), unmasked: unmask, abilities: { unmask: canAt(actor, 'pii.unmask', o.org_path), write: canAt(actor, ORG_WRITE, o.org_path) } };
  });
}

export function createOrganisation(ctx: PlatformContext, actor: Actor, input: OrganisationInput, meta: RequestMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const node = await nodeForOrg(ctx, trx, actor, input.orgNodeId, meta, 'registry.organisation.create');
    const row = organisationRow(ctx, input, node);
    await assertCreditCodeFree(trx, row.credit_code, null);
    await repo.insertOrganisations(trx, [row]);
    await audit(ctx, trx, actor, 'registry.organisation.create', meta, { targetType: 'organisation', targetId: row.id, orgNodeId: node.id, details: { name: row.name, kind: row.kind } });
    return present(ctx, trx, row);
  });
}

export function updateOrganisation(ctx: PlatformContext, actor: Actor, id: string, patch: Partial<OrganisationInput>, meta: RequestMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const o = await repo.getOrganisation(trx, id);
    if (!o) throw notFound('ORGANISATION_NOT_FOUND');
    if (!canAt(actor, ORG_WRITE, o.org_path)) throw deny('registry.organisation.update', meta, { targetType: 'organisation', targetId: id });
    if (o.ended_at) throw conflict('ORGANISATION_ENDED');
    const set: Partial<OrganisationTable> = {};
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.kind !== undefined) set.kind = patch.kind;
    if (patch.creditCode !== undefined) {
      set.credit_code = creditCodeOf(patch.creditCode);
      await assertCreditCodeFree(trx, set.credit_code, id);
    }
    if (patch.orgNodeId !== undefined && patch.orgNodeId !== o.org_node_id) {
      const node = await nodeForOrg(ctx, trx, actor, patch.orgNodeId, meta, 'registry.organisation.update');
      set.org_node_id = node.id;
      set.org_path = node.path;
    }
    if (patch.address !== undefined) set.address = clean(patch.address);
    if (patch.legalRepresentative !== undefined) set.legal_representative = clean(patch.legalRepresentative);
    if (patch.contactName !== undefined) set.contact_name = clean(patch.contactName);
    if (patch.contactPhone !== undefined) Object.assign(set, phoneCols(ctx, patch.contactPhone));
    if (patch.employees !== undefined) set.employees = patch.employees;
    if (patch.note !== undefined) set.note = clean(patch.note);
    set.updated_at = ctx.now().toISOString();
    await repo.updateOrganisation(trx, id, set);
    const fields = Object.keys(patch);
    await audit(ctx, trx, actor, 'registry.organisation.update', meta, { targetType: 'organisation', targetId: id, orgNodeId: set.org_node_id ?? o.org_node_id, details: { fields } });
    return present(ctx, trx, { ...o, ...set });
  });
}

/** Closes an organisation (moved away, deregistered): the row stays, marked ended. */
export function endOrganisation(ctx: PlatformContext, actor: Actor, id: string, reason: string | undefined, meta: RequestMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    const o = await repo.getOrganisation(trx, id);
    if (!o) throw notFound('ORGANISATION_NOT_FOUND');
    if (!canAt(actor, ORG_WRITE, o.org_path)) throw deny('registry.organisation.end', meta, { targetType: 'organisation', targetId: id });
    if (o.ended_at) throw conflict('ORGANISATION_ENDED');
    const at = ctx.now().toISOString();
    await repo.updateOrganisation(trx, id, { ended_at: at, updated_at: at });
    await audit(ctx, trx, actor, 'registry.organisation.end', meta, { targetType: 'organisation', targetId: id, orgNodeId: nodeIdOf(o.org_path), details: { name: o.name, reason: reason ?? null } });
    return present(ctx, trx, { ...o, ended_at: at, updated_at: at });
  });
}
