import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { parseIdNumber, normaliseIdNumber, type Gender } from '../../platform/cn/id-number.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import { parseJson } from '../../platform/db/dialect.js';
import { badRequest, forbidden, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import * as repo from './registry.repository.js';
import { canSee, canUnmask, fieldAccess, mandateDepartments, type FieldAccess, type Mandate } from './registry.policy.js';
import type { PersonDetail, PersonListItem } from './registry.schema.js';
import type { IdType, PersonStatus, PersonTable, ResidenceType } from './registry.table.js';

export const READ = 'registry.person.read';

/** Blind-index kinds: the same number typed as an ID and as a phone must not collide. */
export const BLIND_ID_NUMBER = 'person.id_number';
export const BLIND_PHONE = 'person.phone';

/** ID types that follow GB 11643 (region, birth date, gender and check digit inside the number). */
const GB11643_TYPES: IdType[] = ['居民身份证', '港澳台居民居住证'];

export interface NewPerson {
  id?: string;
  name: string;
  idType?: IdType;
  /** Normalised number (see normaliseIdNumber); for GB 11643 types gender and birth date come from it. */
  idNumber?: string | null;
  gender?: Gender;
  birthDate?: string | null;
  /** Normalised 11-digit mobile. */
  phone?: string | null;
  ethnicity?: string | null;
  residenceType: ResidenceType;
  householdId?: string | null;
  dwellingId?: string | null;
  /** Path of the dwelling (or of the node the person is registered at when the dwelling is unknown). */
  orgPath: string;
  status?: PersonStatus;
}

/**
 * The row for a new person: numbers encrypted, blind-indexed, and their masking parts kept.
 * Used by the API, imports, the demo seed and the benchmark city alike, so all store the same way.
 */
export function personRow(ctx: PlatformContext, input: NewPerson, at = ctx.now().toISOString()): PersonTable {
  const idType = input.idType ?? '居民身份证';
  let gender = input.gender;
  let birthDate = input.birthDate ?? null;
  let idNumber = input.idNumber ?? null;
  if (idNumber && GB11643_TYPES.includes(idType)) {
    const parsed = parseIdNumber(idNumber, ctx.now());
    if (!parsed.ok) throw badRequest('ID_NUMBER_INVALID');
    idNumber = parsed.info.number;
    gender = parsed.info.gender;
    birthDate = parsed.info.birthDate;
  }
  if (!gender) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'gender', code: 'required' }]);
  const phone = input.phone ?? null;
  return {
    id: input.id ?? newId(),
    name: input.name,
    id_type: idType,
    id_number_enc: idNumber ? ctx.pii.encrypt(idNumber) : null,
    id_number_idx: idNumber ? ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber) : null,
    id_number_region: idNumber && GB11643_TYPES.includes(idType) ? idNumber.slice(0, 6) : null,
    id_number_tail: idNumber ? idNumber.slice(-4) : null,
    gender,
    birth_date: birthDate,
    phone_enc: phone ? ctx.pii.encrypt(phone) : null,
    phone_idx: phone ? ctx.pii.blindIndex(BLIND_PHONE, phone) : null,
    phone_prefix: phone ? phone.slice(0, 3) : null,
    phone_tail: phone ? phone.slice(-4) : null,
    ethnicity: input.ethnicity ?? null,
    residence_type: input.residenceType,
    household_id: input.householdId ?? null,
    dwelling_id: input.dwellingId ?? null,
    org_path: input.orgPath,
    status: input.status ?? 'active',
    created_at: at,
    updated_at: at,
    political_status: null,
    education: null,
    marital_status: null,
    hukou_address: null,
    household_residence_status: null,
    relation_to_head: null,
    occupation: null,
    end_kind: null,
    end_date: null,
    end_reason: null,
    ended_at: null,
  };
}

/** Masked ID number from the clear parts only (no decryption): 330481********1234. */
export function maskedIdNumber(row: Pick<PersonTable, 'id_number_region' | 'id_number_tail' | 'id_type'>): string | null {
  if (!row.id_number_tail) return null;
  if (row.id_number_region) return `${row.id_number_region}********${row.id_number_tail}`;
  return `****${row.id_number_tail}`;
}

/** Masked mobile from the clear parts only: 138****5678. */
export function maskedPhone(row: Pick<PersonTable, 'phone_prefix' | 'phone_tail'>): string | null {
  if (!row.phone_tail) return null;
  return `${row.phone_prefix ?? '***'}****${row.phone_tail}`;
}

/** Full years of age on today's date in China (UTC+8, no daylight saving). */
export function ageOn(birthDate: string | null, now: Date): number | null {
  if (!birthDate) return null;
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Address text of each org path: the names of its building, unit and dwelling, fetched for a whole page in one query. */
async function addressesOf(ctx: PlatformContext, paths: string[]): Promise<Map<string, string | null>> {
  const ids = new Set<string>();
  for (const p of paths) for (const id of p.split('/')) if (id) ids.add(id);
  const nodes = new Map((await repo.getNodeNames(ctx.db.kysely, [...ids])).map((n) => [n.id, n]));
  const out = new Map<string, string | null>();
  for (const p of paths) {
    const parts = p
      .split('/')
      .map((id) => nodes.get(id))
      .filter((n) => n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling'))
      .map((n) => n!.name);
    out.set(p, parts.length ? parts.join('') : null);
  }
  return out;
}

async function mandatesOf(ctx: PlatformContext, actor: Actor): Promise<Map<string, Mandate>> {
  const rows = await repo.getDepartmentMandates(ctx.db.kysely, mandateDepartments(actor));
  return new Map(rows.map((r) => [r.code, parseJson<Mandate>(r.mandate, { tags: [], fields: [] })]));
}

function present(
  ctx: PlatformContext,
  row: PersonTable,
  access: FieldAccess,
  address: string | null,
  unmasked?: { idNumber: string | null; phone: string | null },
): PersonListItem {
  const item: PersonListItem = { id: row.id };
  if (canSee(access, 'name')) item.name = row.name;
  if (canSee(access, 'gender')) item.gender = row.gender;
  if (canSee(access, 'birthDate')) {
    item.birthDate = row.birth_date;
    item.age = ageOn(row.birth_date, ctx.now());
  }
  if (canSee(access, 'idNumber')) {
    item.idType = row.id_type;
    item.idNumber = unmasked ? unmasked.idNumber : maskedIdNumber(row);
  }
  if (canSee(access, 'phone')) item.phone = unmasked ? unmasked.phone : maskedPhone(row);
  if (canSee(access, 'address')) {
    item.address = address;
    item.dwellingId = row.dwelling_id;
  }
  if (access.all) {
    item.residenceType = row.residence_type;
    item.status = row.status;
    item.householdId = row.household_id;
  }
  return item;
}

/** Turns `q` into the cheapest exact filter it can be: a full number goes through the blind index. */
function searchFilter(ctx: PlatformContext, q: string | undefined): Omit<repo.PersonFilter, 'paths'> {
  if (!q) return {};
  const idNumber = normaliseIdNumber(q, ctx.now());
  if (idNumber) return { idNumberIdx: ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber) };
  const phone = normaliseMobile(q);
  if (phone) return { phoneIdx: ctx.pii.blindIndex(BLIND_PHONE, phone) };
  if (/^\d{3}[\dXx]$/.test(q)) return { tail: q.toUpperCase() };
  return { nameContains: q };
}

async function denied(ctx: PlatformContext, actor: Actor, action: string, meta: RequestMeta, extra: { targetId?: string; orgNodeId?: string | null; purpose?: string; details?: Record<string, unknown> } = {}) {
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action,
    outcome: 'denied',
    targetType: extra.targetId ? 'person' : null,
    targetId: extra.targetId ?? null,
    orgNodeId: extra.orgNodeId ?? null,
    purpose: extra.purpose ?? null,
    details: extra.details ?? null,
    ip: meta.ip,
    requestId: meta.requestId,
  });
  return forbidden();
}

export interface ListPeopleQuery {
  orgNodeId?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** People of the actor's subtree (or of `orgNodeId` inside it), masked; one audit row per read. */
export async function listPeople(ctx: PlatformContext, actor: Actor, query: ListPeopleQuery, meta: RequestMeta) {
  let paths = scopePaths(actor, READ);
  const orgNodeId = query.orgNodeId ?? null;
  if (orgNodeId) {
    const node = await repo.getOrgNode(ctx.db.kysely, orgNodeId);
    if (!node) throw notFound();
    if (!canAt(actor, READ, node.path)) throw await denied(ctx, actor, 'registry.person.list', meta, { orgNodeId, details: { orgNodeId } });
    paths = [node.path];
  }
  if (paths.length === 0) throw forbidden();
  const filter: repo.PersonFilter = { paths, ...searchFilter(ctx, query.q) };
  const rows = await repo.listPeople(ctx.db.kysely, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
  const total = await repo.countPeople(ctx.db.kysely, filter);
  const mandates = await mandatesOf(ctx, actor);
  const addresses = await addressesOf(ctx, [...new Set(rows.map((r) => r.org_path))]);
  const items = rows.map((r) => present(ctx, r, fieldAccess(actor, r.org_path, mandates)!, addresses.get(r.org_path) ?? null));
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: 'registry.person.list',
    orgNodeId,
    ip: meta.ip,
    requestId: meta.requestId,
    details: { orgNodeId, count: items.length },
  });
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/**
 * One person. Masked by default; with a purpose and `pii.unmask` on the person's node the
 * full numbers are returned and the purpose is written to the audit log (PIPL: every read of
 * sensitive data has a reason on record).
 */
export async function getPerson(ctx: PlatformContext, actor: Actor, id: string, purpose: string | undefined, meta: RequestMeta): Promise<PersonDetail> {
  const row = await repo.getPerson(ctx.db.kysely, id);
  if (!row) throw notFound();
  const mandates = await mandatesOf(ctx, actor);
  const access = fieldAccess(actor, row.org_path, mandates);
  if (!access) throw await denied(ctx, actor, 'registry.person.read', meta, { targetId: id });
  const mayUnmask = canUnmask(actor, row.org_path);
  let unmasked: { idNumber: string | null; phone: string | null } | undefined;
  if (purpose !== undefined) {
    if (!mayUnmask) throw await denied(ctx, actor, 'registry.person.unmask', meta, { targetId: id, orgNodeId: row.dwelling_id, purpose });
    unmasked = {
      idNumber: row.id_number_enc ? ctx.pii.decrypt(row.id_number_enc) : null,
      phone: row.phone_enc ? ctx.pii.decrypt(row.phone_enc) : null,
    };
  }
  const [household, dwelling, addresses] = [
    row.household_id ? await repo.getHousehold(ctx.db.kysely, row.household_id) : undefined,
    row.dwelling_id ? await repo.getDwellingInfo(ctx.db.kysely, row.dwelling_id) : undefined,
    await addressesOf(ctx, [row.org_path]),
  ];
  const item = present(ctx, row, access, addresses.get(row.org_path) ?? null, unmasked);
  const detail: PersonDetail = { ...item, unmasked: !!unmasked, abilities: { unmask: mayUnmask } };
  if (access.all) {
    detail.ethnicity = row.ethnicity;
    detail.household = household ? { id: household.id, number: household.number, isHead: household.head_person_id === row.id } : null;
    detail.dwelling = dwelling ? { use: dwelling.use, areaM2: dwelling.area_m2 } : null;
  }
  const shown = unmasked ? (['idNumber', 'phone'] as const).filter((f) => canSee(access, f)) : [];
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: unmasked ? 'registry.person.unmask' : 'registry.person.read',
    targetType: 'person',
    targetId: row.id,
    orgNodeId: row.dwelling_id,
    purpose: unmasked ? purpose : null,
    ip: meta.ip,
    requestId: meta.requestId,
    details: unmasked ? { fields: shown } : null,
  });
  return detail;
}

/**
 * Exact look-up by ID number through the blind index: the number is never decrypted to
 * search, and only its masked form reaches the audit log. People outside the actor's
 * subtree are not reported, not even as "exists elsewhere".
 */
export async function lookupByIdNumber(ctx: PlatformContext, actor: Actor, idNumber: string, meta: RequestMeta) {
  const rows = await repo.findPeopleByIdNumberIdx(ctx.db.kysely, ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber));
  const mandates = await mandatesOf(ctx, actor);
  const visible = rows.map((r) => ({ r, access: fieldAccess(actor, r.org_path, mandates) })).filter((v) => v.access);
  const addresses = await addressesOf(ctx, visible.map((v) => v.r.org_path));
  const items = visible.map((v) => present(ctx, v.r, v.access!, addresses.get(v.r.org_path) ?? null));
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: 'registry.person.lookup',
    ip: meta.ip,
    requestId: meta.requestId,
    details: { idNumber: maskIdNumber(idNumber), count: items.length },
  });
  return { items };
}
