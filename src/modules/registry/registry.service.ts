import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit, type AuditEntry } from '../../platform/audit/audit.js';
import { parseIdNumber, normaliseIdNumber, type Gender } from '../../platform/cn/id-number.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { KIND_ORDER } from '../../platform/org/org.repository.js';
import { recordPersonAccess } from './access-log.js';
import * as repo from './registry.repository.js';
import { canSee, canUnmask, type PersonField } from './registry.policy.js';
import type { PeopleFilters, PeopleQuery, PersonDetail, PersonListItem } from './registry.schema.js';
import type { IdType, PersonAccessTable, PersonStatus, PersonTable, ResidenceType } from './registry.table.js';
import { addressPattern, addressTextsOf, looksLikeAddress, pinyinQuery } from './search.index.js';
import { accessTo, departmentScopeOf, filterableFields, filterableTags, isEmpty, narrowTo, needsPurpose, reaches, scopePathsOf, type PersonAccess, type ReadScope } from './scope.js';
import { chinaToday } from './tags.filter.js';
import { BLIND_ID_NUMBER, BLIND_PHONE } from './registry.pii.js';

export { READ } from './scope.js';

addMessages({
  'error.FILTER_OUTSIDE_MANDATE': { 'zh-CN': '该查询条件超出本部门的授权范围', en: 'This search or filter uses data outside your department’s mandate' },
  'error.TAIL_NEEDS_GRID': { 'zh-CN': '按证件号或手机号后四位查找时，请先选定一个网格', en: 'Choose a grid first to search by the last four digits' },
  'error.AGE_RANGE_INVALID': { 'zh-CN': '最小年龄不能大于最大年龄', en: 'The minimum age is above the maximum age' },
});

/** Blind-index kinds: the same number typed as an ID and as a phone must not collide. */
export { BLIND_ID_NUMBER, BLIND_PHONE };

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
  const today = chinaToday(now);
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Birth-date bounds of an age range on `today`: age ≥ min ⇔ born by today − min years; age ≤ max ⇔ born after today − (max + 1) years. */
export function birthBounds(today: string, minAge?: number, maxAge?: number): { bornBy?: string; bornAfter?: string } {
  const year = Number(today.slice(0, 4));
  const monthDay = today.slice(4);
  const at = (y: number) => `${String(y).padStart(4, '0')}${monthDay}`;
  return {
    ...(minAge !== undefined ? { bornBy: at(year - minAge) } : {}),
    ...(maxAge !== undefined ? { bornAfter: at(year - maxAge - 1) } : {}),
  };
}

/**
 * A person as the reader may see them: mandate fields only for a department (left out, not
 * nulled), numbers masked unless `unmasked` carries them.
 */
export function presentPerson(
  ctx: PlatformContext,
  row: PersonTable,
  access: PersonAccess,
  address: string | null,
  unmasked?: { idNumber: string | null; phone: string | null },
): PersonListItem {
  const fields = access.fields;
  const item: PersonListItem = { id: row.id };
  if (canSee(fields, 'name')) item.name = row.name;
  if (canSee(fields, 'gender')) item.gender = row.gender;
  if (canSee(fields, 'birthDate')) {
    item.birthDate = row.birth_date;
    item.age = ageOn(row.birth_date, ctx.now());
  }
  if (canSee(fields, 'idNumber')) {
    item.idType = row.id_type;
    item.idNumber = unmasked ? unmasked.idNumber : maskedIdNumber(row);
  }
  if (canSee(fields, 'phone')) item.phone = unmasked ? unmasked.phone : maskedPhone(row);
  if (canSee(fields, 'address')) {
    item.address = address;
    item.dwellingId = row.dwelling_id;
  }
  if (fields.all) {
    item.residenceType = row.residence_type;
    item.status = row.status;
    item.householdId = row.household_id;
  }
  if (canSee(fields, 'tags')) item.tags = access.tags;
  return item;
}

/** Records a refused read (outcome denied) and returns the 403 to throw. */
export async function denied(
  ctx: PlatformContext,
  actor: Actor,
  action: string,
  meta: RequestMeta,
  extra: { targetId?: string; orgNodeId?: string | null; purpose?: string; details?: Record<string, unknown>; code?: string } = {},
): Promise<AppError> {
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
  return forbidden(extra.code);
}

/**
 * One audit row and, beside it in the same transaction, one access-log row per person read
 * (what the resident sees under PIPL's right to know). People read as staff are logged only
 * when `logStaff` (detail views, look-ups, exports); department reads always are.
 */
export async function recordRead(
  ctx: PlatformContext,
  actor: Actor,
  meta: RequestMeta,
  entry: Omit<AuditEntry, 'actorId' | 'actorName' | 'ip' | 'requestId'>,
  access: { kind: PersonAccessTable['kind']; purpose?: string | null; people: { id: string; departmentCodes: string[] }[]; logStaff: boolean },
): Promise<void> {
  const at = ctx.now().toISOString();
  const byDepartment = new Map<string | null, string[]>();
  for (const p of access.people) {
    const code = p.departmentCodes[0] ?? null;
    if (code === null && !access.logStaff) continue;
    const ids = byDepartment.get(code);
    if (ids) ids.push(p.id);
    else byDepartment.set(code, [p.id]);
  }
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await appendAudit(ctx.db, { ...entry, actorId: actor.userId, actorName: actor.username, ip: meta.ip, requestId: meta.requestId }, trx);
    for (const [departmentCode, ids] of byDepartment) {
      await recordPersonAccess(trx, actor, ids, { kind: access.kind, purpose: access.purpose ?? null, departmentCode, at });
    }
  });
}

/** The actor's scope, narrowed to `orgNodeId` when given (403, audited, when it lies outside). */
export async function listScope(ctx: PlatformContext, actor: Actor, orgNodeId: string | undefined, action: string, meta: RequestMeta): Promise<ReadScope> {
  let scope = await departmentScopeOf(ctx, actor);
  if (isEmpty(scope)) throw await denied(ctx, actor, action, meta, { orgNodeId: orgNodeId ?? null });
  if (orgNodeId) {
    const node = await repo.getOrgNode(ctx.db.kysely, orgNodeId);
    if (!node) throw notFound();
    if (!reaches(scope, node.path)) throw await denied(ctx, actor, action, meta, { orgNodeId, details: { orgNodeId } });
    scope = narrowTo(scope, node.path);
  }
  return scope;
}

export function requirePurpose(scope: ReadScope, purpose: string | undefined): void {
  if (needsPurpose(scope) && !purpose) throw badRequest('PURPOSE_REQUIRED');
}

/** What the search box held, as the cheapest exact filter it can be. */
export type SearchKind = 'idNumber' | 'phone' | 'tail' | 'name' | 'pinyin' | 'address';

const SEARCH_FIELD: Record<Exclude<SearchKind, 'tail'>, PersonField> = { idNumber: 'idNumber', phone: 'phone', name: 'name', pinyin: 'name', address: 'address' };

/** Turns `q` into a filter: full numbers through the blind index, names and pinyin through person_search. */
export function classifySearch(ctx: PlatformContext, q: string): { kind: SearchKind; filter: Partial<repo.PersonFilter> } | null {
  const idNumber = normaliseIdNumber(q, ctx.now());
  if (idNumber) return { kind: 'idNumber', filter: { idNumberIdx: ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber) } };
  const phone = normaliseMobile(q);
  if (phone) return { kind: 'phone', filter: { phoneIdx: ctx.pii.blindIndex(BLIND_PHONE, phone) } };
  const compact = q.normalize('NFKC').replace(/\s+/g, '');
  if (/^\d{3}[\dXx]$/.test(compact)) return { kind: 'tail', filter: { tail: compact.toUpperCase() } };
  const py = pinyinQuery(compact);
  if (py) return { kind: 'pinyin', filter: { pinyinPrefix: py } };
  if (looksLikeAddress(compact)) {
    const pattern = addressPattern(compact);
    return pattern ? { kind: 'address', filter: { addressLike: pattern } } : null;
  }
  const name = compact.replace(/[^\p{L}·]/gu, '');
  if (!name) return null;
  // One character is a surname (prefix, on the index); more may be any part of the name
  // (within a community; see peopleFilter).
  return { kind: 'name', filter: [...name].length === 1 ? { namePrefix: name } : { nameContains: name } };
}

/** Whether every node the scope reaches is a `kind` or lies inside one (how wide a scan a search may make). */
async function allWithin(ctx: PlatformContext, scope: ReadScope, kind: 'community' | 'grid'): Promise<boolean> {
  const ids = scopePathsOf(scope).map((p) => p.split('/').filter(Boolean).pop()!);
  const nodes = await repo.getNodeNames(ctx.db.kysely, ids);
  const at = KIND_ORDER.indexOf(kind);
  return nodes.length === ids.length && nodes.every((n) => KIND_ORDER.indexOf(n.kind as (typeof KIND_ORDER)[number]) >= at);
}

/**
 * The repository filter for a list or export. Searching, filtering or sorting on a field the
 * reader may not see would reveal it, so with a department in the scope only the fields (and
 * tags) of its mandate may be used (403 FILTER_OUTSIDE_MANDATE, audited).
 */
export async function peopleFilter(
  ctx: PlatformContext,
  actor: Actor,
  scope: ReadScope,
  query: PeopleFilters,
  meta: RequestMeta,
  action: string,
): Promise<{ filter: repo.PersonFilter; sort: repo.PersonSort; search: SearchKind | null }> {
  const today = chinaToday(ctx.now());
  const allowed = filterableFields(scope);
  const outside = async (what: string) => denied(ctx, actor, action, meta, { orgNodeId: query.orgNodeId ?? null, purpose: query.purpose, details: { outsideMandate: what }, code: 'FILTER_OUTSIDE_MANDATE' });
  const filter: repo.PersonFilter = {
    paths: scope.staffPaths,
    departments: scope.departments.map((d) => ({ path: d.path, tags: d.tags })),
    today,
    status: query.status === 'all' ? null : query.status,
  };
  let search: SearchKind | null = null;
  if (query.q) {
    const found = classifySearch(ctx, query.q);
    if (!found) Object.assign(filter, { paths: [], departments: [] });
    else {
      search = found.kind;
      if (found.kind === 'tail') {
        const tailOf = (['idNumber', 'phone'] as const).filter((f) => canSee(allowed, f));
        if (tailOf.length === 0) throw await outside('tail');
        if (!(await allWithin(ctx, scope, 'grid'))) throw badRequest('TAIL_NEEDS_GRID');
        found.filter.tailOf = [...tailOf];
      } else if (!canSee(allowed, SEARCH_FIELD[found.kind])) throw await outside(found.kind);
      // Any part of a name means scanning every name in scope: fine for a community, too slow
      // for a street or a city, where names match from their start on the index instead.
      if (found.filter.nameContains && !(await allWithin(ctx, scope, 'community'))) found.filter = { namePrefix: found.filter.nameContains };
      Object.assign(filter, found.filter);
    }
  }
  if (query.tag?.length) {
    const tags = filterableTags(scope);
    const foreign = tags === 'all' ? [] : query.tag.filter((t) => !tags.has(t));
    if (foreign.length || !canSee(allowed, 'tags')) throw await outside('tag');
    filter.tags = query.tag;
  }
  if (query.gender) {
    if (!canSee(allowed, 'gender')) throw await outside('gender');
    filter.gender = query.gender;
  }
  if (query.minAge !== undefined || query.maxAge !== undefined) {
    if (!canSee(allowed, 'birthDate')) throw await outside('age');
    if (query.minAge !== undefined && query.maxAge !== undefined && query.minAge > query.maxAge) throw badRequest('AGE_RANGE_INVALID');
    Object.assign(filter, birthBounds(today, query.minAge, query.maxAge));
  }
  // Residence type and record status are not mandate fields: staff only.
  if (query.residenceType) {
    if (!allowed.all) throw await outside('residenceType');
    filter.residenceType = query.residenceType;
  }
  if (query.status !== 'active' && !allowed.all) throw await outside('status');
  let sort: repo.PersonSort = query.sort;
  if (sort === 'age' && !canSee(allowed, 'birthDate')) throw await outside('sort');
  if (sort === 'name' && !canSee(allowed, 'name')) throw await outside('sort');
  // Dwelling order would group people by address: without the address field, pinyin order instead.
  if (sort === 'address' && !canSee(allowed, 'address')) sort = 'name';
  return { filter, sort, search };
}

/** People of the actor's scope (or of `orgNodeId` inside it) matching the query, masked; one audit row per read. */
export async function listPeople(ctx: PlatformContext, actor: Actor, query: PeopleQuery, meta: RequestMeta) {
  const action = 'registry.person.list';
  const scope = await listScope(ctx, actor, query.orgNodeId, action, meta);
  requirePurpose(scope, query.purpose);
  const { filter, sort, search } = await peopleFilter(ctx, actor, scope, query, meta, action);
  const db = ctx.db.kysely;
  const offset = (query.page - 1) * query.pageSize;
  const rows = await repo.listPeople(db, filter, { limit: query.pageSize, offset }, sort, query.order === 'desc');
  // A short page that is not past the end already tells the total: searches rarely fill one.
  const total = rows.length < query.pageSize && (rows.length > 0 || offset === 0) ? offset + rows.length : await repo.countPeople(db, filter);
  const tags = await repo.activeTagsOf(db, rows.map((r) => r.id), filter.today!);
  const addresses = await addressTextsOf(db, [...new Set(rows.map((r) => r.org_path))]);
  const shown = rows.flatMap((r) => {
    const access = accessTo(scope, r.org_path, tags.get(r.id) ?? []);
    return access ? [{ row: r, access }] : [];
  });
  const items = shown.map(({ row, access }) => presentPerson(ctx, row, access, addresses.get(row.org_path) ?? null));
  const departments = [...new Set(shown.flatMap((s) => s.access.departmentCodes))];
  await recordRead(
    ctx,
    actor,
    meta,
    {
      action,
      orgNodeId: query.orgNodeId ?? null,
      purpose: query.purpose ?? null,
      details: { orgNodeId: query.orgNodeId ?? null, count: items.length, search: search ?? undefined, departments: departments.length ? departments : undefined },
    },
    { kind: 'list', purpose: query.purpose, people: shown.map((s) => ({ id: s.row.id, departmentCodes: s.access.departmentCodes })), logStaff: false },
  );
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/**
 * One person. Masked unless `unmask` is asked with a purpose and `pii.unmask` on the person's
 * node; a department officer must always state a purpose, and sees only mandate fields of
 * people holding a mandate tag. Every view is audited and written to the person's access log.
 */
export async function getPerson(ctx: PlatformContext, actor: Actor, id: string, opts: { purpose?: string; unmask?: boolean }, meta: RequestMeta): Promise<PersonDetail> {
  const db = ctx.db.kysely;
  const row = await repo.getPerson(db, id);
  if (!row) throw notFound();
  const scope = await departmentScopeOf(ctx, actor);
  const tags = await repo.activeTagsOf(db, [row.id], chinaToday(ctx.now()));
  const access = accessTo(scope, row.org_path, tags.get(row.id) ?? []);
  if (!access) throw await denied(ctx, actor, 'registry.person.read', meta, { targetId: id, purpose: opts.purpose });
  const forDepartment = access.departmentCodes.length > 0;
  if ((forDepartment || opts.unmask) && !opts.purpose) throw badRequest('PURPOSE_REQUIRED');
  const mayUnmask = canUnmask(actor, row.org_path);
  let unmasked: { idNumber: string | null; phone: string | null } | undefined;
  if (opts.unmask) {
    if (!mayUnmask) throw await denied(ctx, actor, 'registry.person.unmask', meta, { targetId: id, orgNodeId: row.dwelling_id, purpose: opts.purpose });
    unmasked = {
      idNumber: row.id_number_enc && canSee(access.fields, 'idNumber') ? ctx.pii.decrypt(row.id_number_enc) : null,
      phone: row.phone_enc && canSee(access.fields, 'phone') ? ctx.pii.decrypt(row.phone_enc) : null,
    };
  }
  const household = access.fields.all && row.household_id ? await repo.getHousehold(db, row.household_id) : undefined;
  const dwelling = access.fields.all && row.dwelling_id ? await repo.getDwellingInfo(db, row.dwelling_id) : undefined;
  const addresses = await addressTextsOf(db, [row.org_path]);
  const item = presentPerson(ctx, row, access, addresses.get(row.org_path) ?? null, unmasked);
  const detail: PersonDetail = { ...item, unmasked: !!unmasked, abilities: { unmask: mayUnmask } };
  if (access.fields.all) {
    // The whole record for staff, so edit forms start from what is stored.
    detail.ethnicity = row.ethnicity;
    detail.politicalStatus = row.political_status;
    detail.education = row.education;
    detail.maritalStatus = row.marital_status;
    detail.hukouAddress = row.hukou_address;
    detail.householdResidenceStatus = row.household_residence_status;
    detail.relationToHead = row.relation_to_head;
    detail.occupation = row.occupation;
    detail.end = row.end_kind ? { kind: row.end_kind, date: row.end_date, reason: row.end_reason } : null;
    detail.household = household ? { id: household.id, number: household.number, isHead: household.head_person_id === row.id } : null;
    detail.dwelling = dwelling ? { use: dwelling.use, areaM2: dwelling.area_m2 } : null;
  }
  const shown = unmasked ? (['idNumber', 'phone'] as const).filter((f) => canSee(access.fields, f)) : [];
  await recordRead(
    ctx,
    actor,
    meta,
    {
      action: unmasked ? 'registry.person.unmask' : 'registry.person.read',
      targetType: 'person',
      targetId: row.id,
      orgNodeId: row.dwelling_id,
      purpose: opts.purpose ?? null,
      details: unmasked || forDepartment ? { fields: unmasked ? shown : undefined, departments: forDepartment ? access.departmentCodes : undefined } : null,
    },
    { kind: unmasked ? 'unmask' : 'view', purpose: opts.purpose, people: [{ id: row.id, departmentCodes: access.departmentCodes }], logStaff: true },
  );
  return detail;
}

/**
 * Exact look-up by ID number through the blind index: the number is never decrypted to
 * search, and only its masked form reaches the audit log. People outside the actor's scope
 * (another subtree, or without a mandate tag) are not reported, not even as "exists elsewhere".
 */
export async function lookupByIdNumber(ctx: PlatformContext, actor: Actor, idNumber: string, purpose: string | undefined, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const scope = await departmentScopeOf(ctx, actor);
  if (isEmpty(scope)) throw await denied(ctx, actor, 'registry.person.lookup', meta);
  requirePurpose(scope, purpose);
  const rows = await repo.findPeopleByIdNumberIdx(db, ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber));
  const tags = await repo.activeTagsOf(db, rows.map((r) => r.id), chinaToday(ctx.now()));
  const visible = rows.flatMap((r) => {
    const access = accessTo(scope, r.org_path, tags.get(r.id) ?? []);
    return access && canSeeIdNumberMatch(access) ? [{ row: r, access }] : [];
  });
  const addresses = await addressTextsOf(db, visible.map((v) => v.row.org_path));
  const items = visible.map((v) => presentPerson(ctx, v.row, v.access, addresses.get(v.row.org_path) ?? null));
  const departments = [...new Set(visible.flatMap((v) => v.access.departmentCodes))];
  await recordRead(
    ctx,
    actor,
    meta,
    { action: 'registry.person.lookup', purpose: purpose ?? null, details: { idNumber: maskIdNumber(idNumber), count: items.length, departments: departments.length ? departments : undefined } },
    { kind: 'lookup', purpose, people: visible.map((v) => ({ id: v.row.id, departmentCodes: v.access.departmentCodes })), logStaff: true },
  );
  return { items };
}

/** Finding someone by ID number tells their number: only for readers who may see it. */
function canSeeIdNumberMatch(access: PersonAccess): boolean {
  return canSee(access.fields, 'idNumber');
}

/** The caller's registry scope, for the console: which departments it reads for, and what they cover. */
export async function describeScope(ctx: PlatformContext, actor: Actor) {
  const scope = await departmentScopeOf(ctx, actor);
  const names = await repo.getDepartmentNames(ctx.db.kysely, scope.departments.map((d) => d.departmentCode));
  const allowed = filterableFields(scope);
  return {
    staff: scope.staffPaths.length > 0,
    purposeRequired: needsPurpose(scope),
    departments: scope.departments.map((d) => ({
      code: d.departmentCode,
      name: names.get(d.departmentCode) ?? d.departmentCode,
      orgNodeId: d.path.split('/').filter(Boolean).pop()!,
      tags: [...d.tags],
      fields: [...d.fields],
    })),
    filterableFields: allowed.all ? null : [...allowed.fields],
  };
}

