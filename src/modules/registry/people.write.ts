import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { CODE_LISTS, HEAD_RELATIONS, RELATION_TO_HEAD, codeName, findCode, type CodeListName } from '../../platform/cn/codes.js';
import { idCheckChar, isBirthDate, parseIdNumber, type Gender } from '../../platform/cn/id-number.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { recordPersonAccess } from './access-log.js';
import * as repo from './people.repository.js';
import type { EndPersonInput, PersonInput, PersonPatch, PersonRecord } from './people.schema.js';
import { BLIND_ID_NUMBER, BLIND_PHONE, maskedIdNumber, maskedPhone } from './registry.service.js';
import type { HouseholdTable, IdType, PersonChangeTable, PersonDwellingTable, PersonTable, ResidenceType } from './registry.table.js';
import type { PersonTagTable } from './tags.table.js';
import { AddressBook, indexNewPeople, reindexPeople } from './search.index.js';
import { derivedRules, derivedTagsOfNewPeople, refreshDerivedTags } from './tags.derived.js';
import { chinaToday } from './tags.filter.js';
import { timed } from './imports.timings.js';

export type { PersonInput, PersonPatch, PersonRecord, EndPersonInput } from './people.schema.js';

export const WRITE = 'registry.person.write';
export const READ = 'registry.person.read';

export type ChangeSource = PersonChangeTable['source'];

/** Request facts plus where the change came from (a form, an import, a resident's correction). */
export interface WriteMeta extends RequestMeta {
  source?: ChangeSource;
}

addMessages({
  'error.ID_NUMBER_REQUIRED': { 'zh-CN': '请填写证件号码', en: 'The ID number is required' },
  'error.ID_NUMBER_FORMAT': { 'zh-CN': '证件号码格式不符合该证件类型', en: 'The ID number does not match the format of its ID type' },
  'error.BIRTH_DATE_MISMATCH': {
    'zh-CN': '出生日期与身份证号码不一致（号码中为 {expected}）',
    en: 'The birth date does not match the ID number (the number says {expected})',
  },
  'error.GENDER_MISMATCH': { 'zh-CN': '性别与身份证号码不一致（号码中为{expected}）', en: 'The gender does not match the ID number (the number says {expected})' },
  'error.GENDER_REQUIRED': { 'zh-CN': '请填写性别', en: 'The gender is required' },
  'error.CODE_UNKNOWN': { 'zh-CN': '“{value}”不在 {standard} 代码表中', en: '"{value}" is not in the {standard} code list' },
  'error.TAG_UNKNOWN': { 'zh-CN': '标签“{value}”不存在', en: 'No such tag: "{value}"' },
  'error.PLACE_REQUIRED': { 'zh-CN': '请指定房屋或所在社区', en: 'Give a dwelling or the community the person is registered at' },
  'error.NOT_A_DWELLING': { 'zh-CN': '所选节点不是房屋', en: 'The chosen node is not a dwelling' },
  'error.NODE_NOT_FOUND': { 'zh-CN': '组织节点不存在', en: 'No such organisation node' },
  'error.NODE_ENDED': { 'zh-CN': '该节点已撤销', en: 'The organisation node has been closed' },
  'error.ID_NUMBER_EXISTS': { 'zh-CN': '该证件号码已登记', en: 'A person with this ID number is already registered' },
  'error.PERSON_OUTSIDE_SCOPE': { 'zh-CN': '该人员不在您的管辖范围内', en: 'This person is outside your area' },
  'error.PERSON_ENDED': { 'zh-CN': '该人员档案已注销（迁出、死亡或转移），不能修改', en: 'This record has ended (moved out, deceased or transferred) and cannot be changed' },
  'error.PERSON_NOT_FOUND': { 'zh-CN': '人员不存在', en: 'No such person' },
  'error.ALREADY_PLACED': { 'zh-CN': '该人员已有房屋', en: 'This person already has a dwelling' },
  'error.LINK_NOT_FOUND': { 'zh-CN': '人房关联不存在', en: 'No such person–dwelling link' },
  'error.LINK_EXISTS': { 'zh-CN': '该人房关联已存在', en: 'This person–dwelling link already exists' },
});

/** ID types that follow GB 11643 (region, birth date, gender and check digit inside the number). */
const GB11643_TYPES: readonly IdType[] = ['居民身份证', '港澳台居民居住证'];

/** Who may see a person's whole record (not only a department mandate): any reading role but department officer. */
export function seesWholeRecord(actor: Actor, path: string): boolean {
  const readers = rolesWith(READ);
  return actor.grants.some((g) => readers.has(g.role) && g.role !== 'department_officer' && path.startsWith(g.orgPath));
}

// ---------------------------------------------------------------- identity

interface Identity {
  idType: IdType;
  number: string | null;
  gender: Gender;
  birthDate: string | null;
}

function mismatch(code: 'BIRTH_DATE_MISMATCH' | 'GENDER_MISMATCH', field: string, expected: string) {
  return badRequest(code, { expected }, [{ field, code }]);
}

/**
 * Checks the number against its type and derives gender and birth date where the number holds
 * them; typed values must agree with the number (a typo in either is caught here, not later).
 */
export function resolveIdentity(
  type: IdType,
  rawNumber: string | null,
  typed: { gender?: Gender | null; birthDate?: string | null },
  today: Date,
): Identity {
  const raw = rawNumber?.replace(/\s+/g, '').toUpperCase() || null;
  let number: string | null = null;
  let derived: { gender?: Gender; birthDate?: string } = {};
  if (raw) {
    if (GB11643_TYPES.includes(type)) {
      const parsed = parseIdNumber(raw, today);
      if (!parsed.ok) throw badRequest('ID_NUMBER_INVALID', {}, [{ field: 'idNumber', code: 'ID_NUMBER_INVALID', problem: parsed.problem }]);
      // A residence permit carries 810000/820000/830000; a mainland card never does.
      const permit = /^8[123]0000$/.test(parsed.info.region);
      if (permit !== (type === '港澳台居民居住证')) throw badRequest('ID_NUMBER_INVALID', {}, [{ field: 'idNumber', code: 'ID_NUMBER_INVALID', problem: 'region' }]);
      number = parsed.info.number;
      derived = { gender: parsed.info.gender, birthDate: parsed.info.birthDate };
    } else if (type === '外国人永久居留身份证') {
      // 2017 card: 9 + province + nationality + birth date + sequence + GB 11643 check character; 2004 card: 3 letters + 12 digits.
      if (/^9\d{16}[\dX]$/.test(raw)) {
        if (!isBirthDate(raw.slice(6, 14), today) || idCheckChar(raw.slice(0, 17)) !== raw[17]) throw badRequest('ID_NUMBER_FORMAT', {}, [{ field: 'idNumber', code: 'ID_NUMBER_FORMAT' }]);
        derived = { birthDate: `${raw.slice(6, 10)}-${raw.slice(10, 12)}-${raw.slice(12, 14)}` };
      } else if (!/^[A-Z]{3}\d{12}$/.test(raw)) {
        throw badRequest('ID_NUMBER_FORMAT', {}, [{ field: 'idNumber', code: 'ID_NUMBER_FORMAT' }]);
      }
      number = raw;
    } else {
      // Passports: letters and digits; issuing states differ too much for more.
      if (!/^[A-Z0-9]{5,17}$/.test(raw)) throw badRequest('ID_NUMBER_FORMAT', {}, [{ field: 'idNumber', code: 'ID_NUMBER_FORMAT' }]);
      number = raw;
    }
  }
  if (derived.gender && typed.gender && typed.gender !== derived.gender) throw mismatch('GENDER_MISMATCH', 'gender', derived.gender);
  if (derived.birthDate && typed.birthDate && typed.birthDate !== derived.birthDate) throw mismatch('BIRTH_DATE_MISMATCH', 'birthDate', derived.birthDate);
  const gender = derived.gender ?? typed.gender ?? null;
  if (!gender) throw badRequest('GENDER_REQUIRED', {}, [{ field: 'gender', code: 'GENDER_REQUIRED' }]);
  const birthDate = derived.birthDate ?? typed.birthDate ?? null;
  if (birthDate && !isBirthDate(birthDate.replace(/-/g, ''), today)) throw badRequest('DATE_INVALID', {}, [{ field: 'birthDate', code: 'DATE_INVALID' }]);
  return { idType: type, number, gender, birthDate };
}

addMessages({ 'error.DATE_INVALID': { 'zh-CN': '日期无效', en: 'Invalid date' } });

/** A code-list value as stored: the canonical name (the code for relation to head); null clears. */
export function resolveCode(list: CodeListName, field: string, value: string | null): string | null {
  if (value == null || value.trim() === '') return null;
  const entry = findCode(CODE_LISTS[list], value);
  if (!entry) throw badRequest('CODE_UNKNOWN', { value, standard: CODE_LISTS[list].standard }, [{ field, code: 'CODE_UNKNOWN' }]);
  return list === 'relationToHead' ? entry.code : entry.name;
}

// ---------------------------------------------------------------- presentation

export function presentRecord(row: PersonTable): PersonRecord {
  return {
    id: row.id,
    name: row.name,
    idType: row.id_type,
    idNumber: maskedIdNumber(row),
    gender: row.gender,
    birthDate: row.birth_date,
    ethnicity: row.ethnicity,
    politicalStatus: row.political_status,
    education: row.education,
    maritalStatus: row.marital_status,
    phone: maskedPhone(row),
    hukouAddress: row.hukou_address,
    residenceType: row.residence_type,
    householdResidenceStatus: row.household_residence_status,
    relationToHead: row.relation_to_head,
    relationToHeadName: codeName(RELATION_TO_HEAD, row.relation_to_head),
    occupation: row.occupation,
    dwellingId: row.dwelling_id,
    orgNodeId: nodeIdOf(row.org_path),
    householdId: row.household_id,
    status: row.status,
    endDate: row.end_date,
    endReason: row.end_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function nodeIdOf(path: string): string {
  return path.split('/').filter(Boolean).pop()!;
}

/** The address text of a path (building, unit and dwelling names), or the name of the node itself when it is no dwelling. */
export async function placeLabel(db: Executor, path: string): Promise<string> {
  const ids = path.split('/').filter(Boolean);
  const nodes = new Map((await repo.getNodes(db, ids)).map((n) => [n.id, n]));
  const parts = ids.map((id) => nodes.get(id)).filter((n) => n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling'));
  if (parts.length) return parts.map((n) => n!.name).join('');
  return nodes.get(ids[ids.length - 1]!)?.name ?? '';
}

/**
 * Nodes, tags and households that a run of writes looks up again and again (an import chunk
 * touches the same buildings and community hundreds of times), each fetched once.
 */
export class Lookup {
  private readonly nodes = new Map<string, repo.NodeRef | null>();
  private readonly tags = new Map<string, boolean>();
  private readonly households = new Map<string, HouseholdTable | null>();
  private readonly blind = new Map<string, string>();
  constructor(readonly db: Executor) {}

  /** The blind index of an ID number, computed once per run (a keyed hash per call adds up in a bulk import). */
  idNumberIndex(ctx: PlatformContext, number: string): string {
    let idx = this.blind.get(number);
    if (idx === undefined) this.blind.set(number, (idx = ctx.pii.blindIndex(BLIND_ID_NUMBER, number)));
    return idx;
  }

  async primeNodes(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.nodes.has(id));
    for (let i = 0; i < missing.length; i += 500) {
      const part = missing.slice(i, i + 500);
      const found = new Map((await repo.getNodes(this.db, part)).map((n) => [n.id, n]));
      for (const id of part) this.nodes.set(id, found.get(id) ?? null);
    }
  }

  async node(id: string): Promise<repo.NodeRef | undefined> {
    await this.primeNodes([id]);
    return this.nodes.get(id) ?? undefined;
  }

  /** The nodes along a path, root first. */
  async along(path: string): Promise<repo.NodeRef[]> {
    const ids = path.split('/').filter(Boolean);
    await this.primeNodes(ids);
    return ids.map((id) => this.nodes.get(id)).filter((n): n is repo.NodeRef => !!n);
  }

  async label(path: string): Promise<string> {
    const nodes = await this.along(path);
    const parts = nodes.filter((n) => n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling');
    if (parts.length) return parts.map((n) => n.name).join('');
    return nodes[nodes.length - 1]?.name ?? '';
  }

  /** The community a path lies in (or the path itself when it is above any community). */
  async communityPath(path: string): Promise<string> {
    return (await this.along(path)).find((n) => n.kind === 'community')?.path ?? path;
  }

  async knownTags(codes: string[]): Promise<Set<string>> {
    const missing = codes.filter((c) => !this.tags.has(c));
    if (missing.length) {
      const found = await repo.existingTagCodes(this.db, missing);
      for (const c of missing) this.tags.set(c, found.has(c));
    }
    return new Set(codes.filter((c) => this.tags.get(c)));
  }

  async household(number: string, communityPath: string): Promise<HouseholdTable | undefined> {
    const key = `${communityPath}|${number}`;
    if (!this.households.has(key)) this.households.set(key, (await repo.findHouseholdByNumber(this.db, number, communityPath)) ?? null);
    return this.households.get(key) ?? undefined;
  }

  rememberHousehold(communityPath: string, household: HouseholdTable): void {
    this.households.set(`${communityPath}|${household.number}`, household);
  }
}

// ---------------------------------------------------------------- audit helpers

export async function audit(
  ctx: PlatformContext,
  executor: Executor | undefined,
  actor: Actor,
  action: string,
  meta: RequestMeta,
  extra: { targetId?: string | null; targetType?: string; orgNodeId?: string | null; outcome?: 'success' | 'denied'; purpose?: string | null; details?: Record<string, unknown> | null },
) {
  await appendAudit(
    ctx.db,
    {
      actorId: actor.userId,
      actorName: actor.username,
      action,
      outcome: extra.outcome ?? 'success',
      targetType: extra.targetType ?? 'person',
      targetId: extra.targetId ?? null,
      orgNodeId: extra.orgNodeId ?? null,
      purpose: extra.purpose ?? null,
      details: extra.details ?? null,
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
    },
    executor,
  );
}

/**
 * A refusal to be recorded in the audit log. It is thrown from inside a transaction and
 * written after the rollback (`withDenials`): on SQLite a second transaction cannot open
 * while the first holds the only connection.
 */
export class Denial extends AppError {
  constructor(
    readonly action: string,
    readonly meta: RequestMeta,
    readonly extra: { targetId?: string | null; targetType?: string; orgNodeId?: string | null },
    code = 'FORBIDDEN',
  ) {
    super(403, code);
  }
}

export function deny(action: string, meta: RequestMeta, extra: Denial['extra'] = {}, code = 'FORBIDDEN'): Denial {
  return new Denial(action, meta, extra, code);
}

/** Runs `work`; a Denial it throws is audited (outcome denied) before it reaches the caller. */
export async function withDenials<T>(ctx: PlatformContext, actor: Actor, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Denial) await audit(ctx, undefined, actor, e.action, e.meta, { ...e.extra, outcome: 'denied' });
    throw e;
  }
}

/** A node the actor may write people under; `dwelling` requires kind dwelling. */
export async function writableNode(ctx: PlatformContext, db: Executor, actor: Actor, id: string, want: 'dwelling' | 'place', meta: RequestMeta, action: string, look?: Lookup): Promise<repo.NodeRef> {
  const node = look ? await look.node(id) : await repo.getNode(db, id);
  if (!node) throw notFound('NODE_NOT_FOUND');
  if (!canAt(actor, WRITE, node.path)) throw deny(action, meta, { targetType: 'org_node', targetId: id, orgNodeId: id });
  if (node.ended_at) throw badRequest('NODE_ENDED');
  if (want === 'dwelling' && node.kind !== 'dwelling') throw badRequest('NOT_A_DWELLING', {}, [{ field: 'dwellingId', code: 'NOT_A_DWELLING' }]);
  return node;
}

/** The community a path lies in (or the path itself when it is above any community). */
export async function communityPathOf(db: Executor, path: string): Promise<string> {
  const ids = path.split('/').filter(Boolean);
  const nodes = await repo.getNodes(db, ids);
  const community = nodes.find((n) => n.kind === 'community');
  return community ? community.path : path;
}

// ---------------------------------------------------------------- the write core

type Mode = 'create' | 'upsert' | 'patch';

interface Desired {
  cols: Partial<PersonTable>;
  /** 户号 to join or open (create/upsert only). */
  householdNumber?: string | null;
  tags: string[];
}

/** Fields of the change history, with the value each shows (masked where sensitive). */
const TRACKED: { field: string; changed: (a: PersonTable, b: PersonTable) => boolean; show: (r: PersonTable) => string | null }[] = [
  { field: 'name', changed: (a, b) => a.name !== b.name, show: (r) => r.name },
  { field: 'idType', changed: (a, b) => a.id_type !== b.id_type, show: (r) => r.id_type },
  { field: 'idNumber', changed: (a, b) => a.id_number_idx !== b.id_number_idx, show: (r) => maskedIdNumber(r) },
  { field: 'gender', changed: (a, b) => a.gender !== b.gender, show: (r) => r.gender },
  { field: 'birthDate', changed: (a, b) => a.birth_date !== b.birth_date, show: (r) => r.birth_date },
  { field: 'ethnicity', changed: (a, b) => a.ethnicity !== b.ethnicity, show: (r) => r.ethnicity },
  { field: 'politicalStatus', changed: (a, b) => a.political_status !== b.political_status, show: (r) => r.political_status },
  { field: 'education', changed: (a, b) => a.education !== b.education, show: (r) => r.education },
  { field: 'maritalStatus', changed: (a, b) => a.marital_status !== b.marital_status, show: (r) => r.marital_status },
  { field: 'phone', changed: (a, b) => a.phone_idx !== b.phone_idx, show: (r) => maskedPhone(r) },
  { field: 'hukouAddress', changed: (a, b) => a.hukou_address !== b.hukou_address, show: (r) => r.hukou_address },
  { field: 'residenceType', changed: (a, b) => a.residence_type !== b.residence_type, show: (r) => r.residence_type },
  { field: 'householdResidenceStatus', changed: (a, b) => a.household_residence_status !== b.household_residence_status, show: (r) => r.household_residence_status },
  { field: 'relationToHead', changed: (a, b) => a.relation_to_head !== b.relation_to_head, show: (r) => codeName(RELATION_TO_HEAD, r.relation_to_head) },
  { field: 'occupation', changed: (a, b) => a.occupation !== b.occupation, show: (r) => r.occupation },
];

const text = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v.trim());

/**
 * What the person's columns should become. `input` fields left undefined keep the existing
 * value (or null on create); the number is re-validated only when it or its type changes.
 */
async function desiredState(
  ctx: PlatformContext,
  look: Lookup,
  actor: Actor,
  input: Partial<PersonInput>,
  existing: PersonTable | null,
  mode: Mode,
  meta: RequestMeta,
  /** The identity an upsert already resolved from the same number, type and typed values. */
  known?: Identity,
): Promise<Desired> {
  const db = look.db;
  const cols: Partial<PersonTable> = {};
  const now = ctx.now();

  // Identity: type, number, gender, birth date.
  const idType = (input.idType ?? existing?.id_type ?? '居民身份证') as IdType;
  const numberTouched = input.idNumber !== undefined || idType !== existing?.id_type;
  let rawNumber: string | null;
  if (input.idNumber !== undefined) rawNumber = input.idNumber;
  else if (existing?.id_number_enc) rawNumber = ctx.pii.decrypt(existing.id_number_enc);
  else rawNumber = null;
  const identity =
    known && input.idNumber !== undefined && known.idType === idType
      ? known
      : resolveIdentity(
          idType,
          rawNumber,
          {
            gender: input.gender ?? (numberTouched ? undefined : existing?.gender),
            birthDate: input.birthDate !== undefined ? input.birthDate : numberTouched ? undefined : existing?.birth_date,
          },
          now,
        );
  cols.id_type = identity.idType;
  cols.gender = identity.gender;
  cols.birth_date = identity.birthDate;
  const idx = identity.number ? look.idNumberIndex(ctx, identity.number) : null;
  if (!existing || idx !== existing.id_number_idx || cols.id_type !== existing.id_type) {
    cols.id_number_enc = identity.number ? ctx.pii.encrypt(identity.number) : null;
    cols.id_number_idx = idx;
    cols.id_number_region = identity.number && GB11643_TYPES.includes(identity.idType) ? identity.number.slice(0, 6) : null;
    cols.id_number_tail = identity.number ? identity.number.slice(-4) : null;
  }

  if (input.phone !== undefined) {
    const phone = input.phone ? normaliseMobile(input.phone) : null;
    if (input.phone && !phone) throw badRequest('MOBILE_INVALID', {}, [{ field: 'phone', code: 'MOBILE_INVALID' }]);
    const pidx = phone ? ctx.pii.blindIndex(BLIND_PHONE, phone) : null;
    if (!existing || pidx !== existing.phone_idx) {
      cols.phone_enc = phone ? ctx.pii.encrypt(phone) : null;
      cols.phone_idx = pidx;
      cols.phone_prefix = phone ? phone.slice(0, 3) : null;
      cols.phone_tail = phone ? phone.slice(-4) : null;
    }
  }

  if (input.name !== undefined) cols.name = input.name.trim();
  if (input.residenceType !== undefined) cols.residence_type = input.residenceType;
  if (input.householdResidenceStatus !== undefined) cols.household_residence_status = input.householdResidenceStatus ?? null;
  if (input.hukouAddress !== undefined) cols.hukou_address = text(input.hukouAddress);
  if (input.occupation !== undefined) cols.occupation = text(input.occupation);
  if (input.ethnicity !== undefined) cols.ethnicity = resolveCode('ethnicity', 'ethnicity', input.ethnicity);
  if (input.politicalStatus !== undefined) cols.political_status = resolveCode('politicalStatus', 'politicalStatus', input.politicalStatus);
  if (input.education !== undefined) cols.education = resolveCode('education', 'education', input.education);
  if (input.maritalStatus !== undefined) cols.marital_status = resolveCode('maritalStatus', 'maritalStatus', input.maritalStatus);
  if (input.relationToHead !== undefined) cols.relation_to_head = resolveCode('relationToHead', 'relationToHead', input.relationToHead);

  // Where the person sits: a dwelling, or a community/grid node while the dwelling is unknown.
  const action = existing ? 'registry.person.update' : 'registry.person.create';
  let node: repo.NodeRef | null = null;
  const place = (id: string) => writableNode(ctx, db, actor, id, 'place', meta, action, look);
  if (input.dwellingId) {
    node = await writableNode(ctx, db, actor, input.dwellingId, 'dwelling', meta, action, look);
  } else if (mode === 'create') {
    if (!input.communityId) throw badRequest('PLACE_REQUIRED', {}, [{ field: 'dwellingId', code: 'PLACE_REQUIRED' }]);
    node = await place(input.communityId);
  } else if (mode === 'upsert') {
    // An import row without 楼栋/单元/房号 never un-places someone a grid worker placed.
    if (!existing!.dwelling_id && input.communityId) node = await place(input.communityId);
  } else if (input.dwellingId === null) {
    // Moved out of the dwelling but still registered here: back to the community (or the given node).
    if (input.communityId) node = await place(input.communityId);
    else if (existing!.dwelling_id) node = await place(nodeIdOf(await look.communityPath(existing!.org_path)));
  } else if (input.communityId && !existing!.dwelling_id) {
    node = await place(input.communityId);
  }
  if (node) {
    cols.org_path = node.path;
    cols.dwelling_id = node.kind === 'dwelling' ? node.id : null;
  }

  const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
  if (tags.length) {
    const known = await look.knownTags(tags);
    const unknown = tags.find((t) => !known.has(t));
    if (unknown) throw badRequest('TAG_UNKNOWN', { value: unknown }, [{ field: 'tags', code: 'TAG_UNKNOWN' }]);
  }
  return { cols, householdNumber: input.householdNumber === undefined ? undefined : text(input.householdNumber), tags };
}

interface Applied {
  row: PersonTable;
  outcome: 'created' | 'updated' | 'unchanged';
  fields: string[];
}

/**
 * Rows a run of upserts inserts together at its end (one statement per 500), with one audit
 * row, one search reindex and one derived-tag refresh for all of them.
 */
interface Batch {
  people: PersonTable[];
  /** Changed columns of existing people, written together at the flush. */
  updates: { id: string; set: Partial<PersonTable> }[];
  /** Existing people whose place changed: their "lives here" links are settled at the flush. */
  moved: { personId: string; dwellingId: string | null }[];
  links: PersonDwellingTable[];
  tags: PersonTagTable[];
  changes: PersonChangeTable[];
  created: string[];
  updated: { personId: string; fields: string[] }[];
  /** Tags existing people hold today, read once for the run (cleared at a flush: they may have changed). */
  held: Map<string, Set<string>>;
}

const emptyBatch = (): Batch => ({ people: [], updates: [], moved: [], links: [], tags: [], changes: [], created: [], updated: [], held: new Map() });

function newPersonRow(c: Partial<PersonTable>, id: string, at: string): PersonTable {
  return {
    id,
    name: c.name!,
    id_type: c.id_type!,
    id_number_enc: c.id_number_enc ?? null,
    id_number_idx: c.id_number_idx ?? null,
    id_number_region: c.id_number_region ?? null,
    id_number_tail: c.id_number_tail ?? null,
    gender: c.gender!,
    birth_date: c.birth_date ?? null,
    phone_enc: c.phone_enc ?? null,
    phone_idx: c.phone_idx ?? null,
    phone_prefix: c.phone_prefix ?? null,
    phone_tail: c.phone_tail ?? null,
    ethnicity: c.ethnicity ?? null,
    residence_type: c.residence_type!,
    household_id: null,
    dwelling_id: c.dwelling_id ?? null,
    org_path: c.org_path!,
    status: 'active',
    created_at: at,
    updated_at: at,
    political_status: c.political_status ?? null,
    education: c.education ?? null,
    marital_status: c.marital_status ?? null,
    hukou_address: c.hukou_address ?? null,
    household_residence_status: c.household_residence_status ?? null,
    relation_to_head: c.relation_to_head ?? null,
    occupation: c.occupation ?? null,
    end_kind: null,
    end_date: null,
    end_reason: null,
    ended_at: null,
  };
}

/**
 * Writes the desired state: the row, one change row per changed field (numbers masked), the
 * resident link of the dwelling, the household, imported tags; then, unless a batch collects
 * them, the audit row, the search index and derived tags. A new person of a batch is inserted
 * when the batch is flushed; changes to existing people are written at once.
 */
async function apply(
  ctx: PlatformContext,
  trx: Executor,
  look: Lookup,
  actor: Actor,
  existing: PersonTable | null,
  desired: Desired,
  opts: { source: ChangeSource; reason: string | null; meta: RequestMeta; batch?: Batch },
): Promise<Applied> {
  const at = ctx.now().toISOString();
  const today = chinaToday(ctx.now());
  const changes: PersonChangeTable[] = [];
  const change = (personId: string, field: string, oldValue: string | null, newValue: string | null) =>
    changes.push({ id: newId(), person_id: personId, field, old_value: oldValue, new_value: newValue, reason: opts.reason, source: opts.source, actor_id: actor.userId, actor_name: actor.displayName, at });
  const links: PersonDwellingTable[] = [];

  let row: PersonTable;
  const fields: string[] = [];
  if (!existing) {
    row = newPersonRow(desired.cols, newId(), at);
    change(row.id, 'record', null, 'created');
    fields.push('record');
    // One history row for a new record: its fields are in the record itself.
    if (row.dwelling_id) links.push(linkRow(row.id, row.dwelling_id, 'resident', today, at));
  } else {
    const next: PersonTable = { ...existing, ...desired.cols };
    for (const t of TRACKED) {
      if (t.changed(existing, next)) {
        fields.push(t.field);
        change(existing.id, t.field, t.show(existing), t.show(next));
      }
    }
    const moved = next.org_path !== existing.org_path;
    if (moved) {
      fields.push('address');
      change(existing.id, 'address', await look.label(existing.org_path), await look.label(next.org_path));
    }
    row = next;
    if (fields.length) {
      row.updated_at = at;
      const patch: Partial<PersonTable> = { updated_at: at };
      for (const [k, v] of Object.entries(desired.cols) as [keyof PersonTable, never][]) if (existing[k] !== v) patch[k] = v;
      if (opts.batch) opts.batch.updates.push({ id: existing.id, set: patch });
      else await repo.updatePerson(trx, existing.id, patch);
    }
    if (moved && opts.batch) {
      opts.batch.moved.push({ personId: existing.id, dwellingId: next.dwelling_id });
    } else if (moved) {
      // The old "lives here" link ends; owner and tenant links are facts of their own.
      const active = await repo.activeLinks(trx, existing.id);
      await repo.endLinks(trx, active.filter((l) => l.relation === 'resident' && l.dwelling_id !== next.dwelling_id).map((l) => l.id), at, today);
      if (next.dwelling_id && !active.some((l) => l.relation === 'resident' && l.dwelling_id === next.dwelling_id)) links.push(linkRow(existing.id, next.dwelling_id, 'resident', today, at));
    }
  }

  // Household by 户号: join it (opening it if new); a head relation makes the person its head.
  if (desired.householdNumber) {
    const communityPath = await look.communityPath(row.org_path);
    let household = await look.household(desired.householdNumber, communityPath);
    const isHead = !!row.relation_to_head && HEAD_RELATIONS.has(row.relation_to_head);
    if (!household) {
      household = { id: newId(), number: desired.householdNumber, head_person_id: isHead ? row.id : null, dwelling_id: row.dwelling_id, org_path: row.org_path, created_at: at };
      await trx.insertInto('household').values(household).execute();
      look.rememberHousehold(communityPath, household);
    } else if (isHead && household.head_person_id !== row.id) {
      await trx.updateTable('household').set({ head_person_id: row.id }).where('id', '=', household.id).execute();
      look.rememberHousehold(communityPath, { ...household, head_person_id: row.id });
      change(row.id, 'householdHead', null, household.number);
      fields.push('householdHead');
    }
    if (row.household_id !== household.id) {
      if (existing) {
        const old = row.household_id ? await repo.getHousehold(trx, row.household_id) : undefined;
        await repo.updatePerson(trx, row.id, { household_id: household.id, updated_at: at });
        change(row.id, 'household', old?.number ?? null, household.number);
        fields.push('household');
        row = { ...row, household_id: household.id, updated_at: at };
      } else {
        row = { ...row, household_id: household.id };
      }
    }
  }

  // Imported tags are added, never removed: an import cannot know why a tag was granted.
  const tags: PersonTagTable[] = [];
  if (desired.tags.length) {
    const held = existing ? (opts.batch?.held.get(row.id) ?? (await repo.activeTagsOf(trx, row.id, today))) : new Set<string>();
    for (const tag of desired.tags.filter((t) => !held.has(t))) {
      tags.push({ id: newId(), person_id: row.id, tag, source: opts.source === 'import' ? 'imported' : 'typed', department_code: null, valid_from: today, valid_to: null, note: null, created_by: actor.userId, created_at: at, ended_at: null, ended_by: null, end_reason: null });
      change(row.id, 'tags', null, tag);
    }
    if (existing && tags.length) fields.push('tags');
  }

  const outcome = !existing ? 'created' : fields.length ? 'updated' : 'unchanged';
  if (opts.batch) {
    const b = opts.batch;
    if (!existing) b.people.push(row);
    b.links.push(...links);
    b.tags.push(...tags);
    b.changes.push(...changes);
    if (outcome === 'created') b.created.push(row.id);
    if (outcome === 'updated') b.updated.push({ personId: row.id, fields });
  } else if (outcome !== 'unchanged') {
    if (!existing) await repo.insertPerson(trx, row);
    for (const l of links) await repo.insertLink(trx, l);
    if (tags.length) await trx.insertInto('person_tag').values(tags).execute();
    await repo.insertChanges(trx, changes);
    await audit(ctx, trx, actor, existing ? 'registry.person.update' : 'registry.person.create', opts.meta, {
      targetId: row.id,
      orgNodeId: nodeIdOf(row.org_path),
      details: { fields, source: opts.source, ...(opts.reason ? { reason: opts.reason } : {}) },
    });
    await afterPeopleWrite(ctx, trx, [row.id]);
  }
  return { row, outcome, fields };
}

/**
 * Writes what a batch collected: multi-row inserts and grouped updates, the "lives here" links
 * of people who moved, one audit row naming every person created or changed, search rows and
 * derived tags. New people's search rows and derived tags are built from the rows in hand;
 * changed people go through the shared hooks (`reindexPeople`, `refreshDerivedTags`).
 */
async function flush(ctx: PlatformContext, trx: Executor, actor: Actor, batch: Batch, source: ChangeSource): Promise<void> {
  const at = ctx.now().toISOString();
  const today = chinaToday(ctx.now());
  if (batch.moved.length) {
    const active = await repo.activeLinksOfMany(trx, batch.moved.map((m) => m.personId));
    const ended: string[] = [];
    for (const m of batch.moved) {
      const resident = active.filter((l) => l.person_id === m.personId && l.relation === 'resident');
      // The old "lives here" link ends; owner and tenant links are facts of their own.
      ended.push(...resident.filter((l) => l.dwelling_id !== m.dwellingId).map((l) => l.id));
      if (m.dwellingId && !resident.some((l) => l.dwelling_id === m.dwellingId)) batch.links.push(linkRow(m.personId, m.dwellingId, 'resident', today, at));
    }
    await repo.endLinks(trx, ended, at, today);
  }
  await timed('insert person', () => repo.insertMany(trx, 'person', batch.people));
  await timed('update person', () => repo.updateMany(trx, 'person', batch.updates));
  await timed('insert person_dwelling_link', () => repo.insertMany(trx, 'person_dwelling_link', batch.links));
  await timed('insert person_change', () => repo.insertMany(trx, 'person_change', batch.changes));
  const fresh = batch.people;
  if (fresh.length) {
    await timed('insert person_search', () => indexNewPeople(trx, fresh, new AddressBook()));
    batch.tags.push(...derivedTagsOfNewPeople(await derivedRules(trx), fresh, today, at));
  }
  await timed('insert person_tag', () => repo.insertMany(trx, 'person_tag', batch.tags));
  const changed = batch.updated.map((u) => u.personId);
  const ids = [...batch.created, ...changed];
  if (ids.length) {
    await audit(ctx, trx, actor, 'registry.person.upsert', {}, {
      targetId: ids.length === 1 ? ids[0] : null,
      details: { source, created: batch.created, updated: batch.updated },
    });
  }
  if (changed.length) await timed('reindex changed people', () => afterPeopleWrite(ctx, trx, changed));
  Object.assign(batch, emptyBatch());
}

function linkRow(personId: string, dwellingId: string, relation: PersonDwellingTable['relation'], fromDate: string | null, at: string): PersonDwellingTable {
  return { id: newId(), person_id: personId, dwelling_id: dwellingId, relation, from_date: fromDate, to_date: null, created_at: at, ended_at: null };
}

async function addLink(trx: Executor, personId: string, dwellingId: string, relation: PersonDwellingTable['relation'], fromDate: string | null, at: string) {
  const row = linkRow(personId, dwellingId, relation, fromDate, at);
  await repo.insertLink(trx, row);
  return row;
}

/** Another active person with this number → 409 (the id is named only if the actor may write there). */
async function assertNumberFree(trx: Executor, actor: Actor, idx: string | null | undefined, selfId: string | null) {
  if (!idx) return;
  const others = (await repo.findActiveByIdNumberIdx(trx, idx)).filter((p) => p.id !== selfId);
  if (others.length === 0) return;
  const visible = others.find((p) => canAt(actor, WRITE, p.org_path));
  throw conflict('ID_NUMBER_EXISTS', {}, visible ? { personId: visible.id } : undefined);
}

/** The person, locked, with the write check (denials audited). */
export async function personForWrite(ctx: PlatformContext, trx: Executor, actor: Actor, id: string, action: string, meta: RequestMeta): Promise<PersonTable> {
  const row = await repo.getPersonForUpdate(ctx.db, trx, id);
  if (!row) throw notFound('PERSON_NOT_FOUND');
  if (!canAt(actor, WRITE, row.org_path)) throw deny(action, meta, { targetId: id });
  if (row.status !== 'active') throw conflict('PERSON_ENDED');
  return row;
}

/** Runs `work` in a transaction; a refusal inside is audited after the rollback. */
export function inTransaction<T>(ctx: PlatformContext, actor: Actor, work: (trx: Executor) => Promise<T>): Promise<T> {
  return withDenials(ctx, actor, () => ctx.db.kysely.transaction().execute(work));
}

// ---------------------------------------------------------------- use cases

/** Registers a new person (form). 409 when an active person already has the number. */
export async function createPerson(ctx: PlatformContext, actor: Actor, input: PersonInput, meta: WriteMeta): Promise<PersonRecord> {
  return inTransaction(ctx, actor, async (trx) => {
    const look = new Lookup(trx);
    const desired = await desiredState(ctx, look, actor, input, null, 'create', meta);
    await assertNumberFree(trx, actor, desired.cols.id_number_idx, null);
    const { row } = await apply(ctx, trx, look, actor, null, desired, { source: meta.source ?? 'form', reason: null, meta });
    return presentRecord(row);
  });
}

/** Changes a person; only changed fields reach the history. `patch.reason` is kept with each change. */
export async function updatePerson(ctx: PlatformContext, actor: Actor, id: string, patch: PersonPatch, meta: WriteMeta): Promise<PersonRecord> {
  return inTransaction(ctx, actor, (trx) => updatePersonIn(ctx, trx, actor, id, patch, meta));
}

/** `updatePerson` inside the caller's transaction (a resolved correction commits with its change). */
export async function updatePersonIn(ctx: PlatformContext, trx: Executor, actor: Actor, id: string, patch: PersonPatch, meta: WriteMeta): Promise<PersonRecord> {
  const existing = await personForWrite(ctx, trx, actor, id, 'registry.person.update', meta);
  return patchExisting(ctx, trx, actor, existing, patch, meta);
}

async function patchExisting(ctx: PlatformContext, trx: Executor, actor: Actor, existing: PersonTable, patch: PersonPatch, meta: WriteMeta): Promise<PersonRecord> {
  const { reason, ...fields } = patch;
  const look = new Lookup(trx);
  const desired = await desiredState(ctx, look, actor, fields, existing, 'patch', meta);
  if (desired.cols.id_number_idx !== undefined) await assertNumberFree(trx, actor, desired.cols.id_number_idx, existing.id);
  const { row } = await apply(ctx, trx, look, actor, existing, { ...desired, householdNumber: undefined, tags: [] }, { source: meta.source ?? 'form', reason: reason ?? null, meta });
  return presentRecord(row);
}

/** One history row per changed field, for writes outside this file (households). */
export async function recordChanges(
  trx: Executor,
  actor: Actor,
  personId: string,
  changes: { field: string; oldValue: string | null; newValue: string | null }[],
  opts: { source: ChangeSource; reason?: string | null; at: string },
): Promise<void> {
  await repo.insertChanges(
    trx,
    changes.map((c) => ({ id: newId(), person_id: personId, field: c.field, old_value: c.oldValue, new_value: c.newValue, reason: opts.reason ?? null, source: opts.source, actor_id: actor.userId, actor_name: actor.displayName, at: opts.at })),
  );
}

/** What every write of people ends with: the search index and derived tags. */
export async function afterPeopleWrite(ctx: PlatformContext, trx: Executor, personIds: string[]): Promise<void> {
  await reindexPeople(trx, personIds);
  await refreshDerivedTags(ctx, trx, personIds);
}

/**
 * Ends a record (迁出, 死亡, 转移): the row stays with its status, date and reason; the
 * "lives here" and tenant links end (a deceased person's ownership too).
 */
export async function endPerson(ctx: PlatformContext, actor: Actor, id: string, input: EndPersonInput, meta: WriteMeta): Promise<PersonRecord> {
  return inTransaction(ctx, actor, async (trx) => {
    const existing = await personForWrite(ctx, trx, actor, id, 'registry.person.end', meta);
    const at = ctx.now().toISOString();
    await repo.updatePerson(trx, id, { status: input.kind, end_kind: input.kind, end_date: input.date, end_reason: input.reason, ended_at: at, updated_at: at });
    const links = (await repo.activeLinks(trx, id)).filter((l) => input.kind === 'deceased' || l.relation !== 'owner');
    await repo.endLinks(trx, links.map((l) => l.id), at, input.date);
    await repo.insertChanges(trx, [
      { id: newId(), person_id: id, field: 'status', old_value: existing.status, new_value: input.kind, reason: input.reason, source: meta.source ?? 'form', actor_id: actor.userId, actor_name: actor.displayName, at },
      { id: newId(), person_id: id, field: 'endDate', old_value: null, new_value: input.date, reason: input.reason, source: meta.source ?? 'form', actor_id: actor.userId, actor_name: actor.displayName, at },
    ]);
    await audit(ctx, trx, actor, 'registry.person.end', meta, { targetId: id, orgNodeId: nodeIdOf(existing.org_path), details: { kind: input.kind, date: input.date } });
    await reindexPeople(trx, [id]);
    await refreshDerivedTags(ctx, trx, [id]);
    return presentRecord({ ...existing, status: input.kind, end_kind: input.kind, end_date: input.date, end_reason: input.reason, ended_at: at, updated_at: at });
  });
}

export type UpsertResult = { ok: true; outcome: 'created' | 'updated' | 'unchanged'; personId: string } | { ok: false; error: AppError };

/**
 * Creates or updates the active person with this ID number (blind index), inside the caller's
 * transaction. Idempotent: the same input twice gives 'unchanged' the second time and writes
 * nothing. Fields the input leaves out are kept; a missing dwelling never un-places a person.
 * Throws AppError (400/403/404) for a row that cannot be written, before writing anything of
 * it; its code names the reason.
 */
export async function upsertPersonByIdNumber(
  ctx: PlatformContext,
  executor: Executor,
  actor: Actor,
  input: PersonInput,
  opts: { source: 'import' | 'form' },
): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; personId: string }> {
  const [r] = await upsertPeopleByIdNumber(ctx, executor, actor, [input], opts);
  if (!r!.ok) throw r!.error;
  return { outcome: r!.outcome, personId: r!.personId };
}

/** An upsert's input: as a form's, but the residence type may be left to what is stored (imports). */
export type UpsertInput = Omit<PersonInput, 'residenceType'> & { residenceType?: ResidenceType };

/**
 * `upsertPersonByIdNumber` for many rows at once (an import chunk), in input order: a row the
 * registry refuses gets `{ok: false, error}` and writes nothing; the others are written with
 * their lookups shared (one query for the existing people of the run, one for their tags) and
 * their inserts, updates, audit row, search rows and derived tags done once per run rather than
 * once per row. The same number twice behaves as two calls in order. `residenceType` left out
 * keeps a registered person's; a new person then gets `defaultResidenceType(idType)`.
 */
export async function upsertPeopleByIdNumber(
  ctx: PlatformContext,
  executor: Executor,
  actor: Actor,
  inputs: UpsertInput[],
  opts: { source: 'import' | 'form'; defaultResidenceType?: (idType: IdType) => ResidenceType },
): Promise<UpsertResult[]> {
  const meta: RequestMeta = {};
  const look = new Lookup(executor);
  const results: UpsertResult[] = [];
  const now = ctx.now();
  const refuse = (e: unknown): UpsertResult => {
    if (e instanceof AppError) return { ok: false, error: e };
    throw e;
  };

  const prepared = inputs.map((input) => {
    try {
      if (!input.idNumber) throw badRequest('ID_NUMBER_REQUIRED', {}, [{ field: 'idNumber', code: 'ID_NUMBER_REQUIRED' }]);
      const identity = resolveIdentity(input.idType ?? '居民身份证', input.idNumber, { gender: input.gender, birthDate: input.birthDate }, now);
      return { input, identity, number: identity.number!, idx: look.idNumberIndex(ctx, identity.number!) };
    } catch (e) {
      return refuse(e) as { ok: false; error: AppError };
    }
  });
  const found = new Map<string, PersonTable>();
  const matches = await timed('find by blind index', () => repo.findActiveByIdNumberIdxs(ctx.db, executor, [...new Set(prepared.flatMap((p) => ('idx' in p ? [p.idx] : [])))]));
  for (const p of matches) {
    if (p.id_number_idx && !found.has(p.id_number_idx)) found.set(p.id_number_idx, p);
  }
  await look.primeNodes(inputs.flatMap((i) => [i.dwellingId, i.communityId].filter((x): x is string => !!x)));

  const batch = emptyBatch();
  const today = chinaToday(ctx.now());
  const loadHeld = async () => {
    const tagged = prepared.flatMap((p) => ('idx' in p && p.input.tags?.length && found.has(p.idx) ? [found.get(p.idx)!.id] : []));
    if (tagged.length) batch.held = await repo.activeTagsOfMany(executor, tagged, today);
  };
  await loadHeld();
  const inBatch = new Set<string>();
  for (const p of prepared) {
    if (!('idx' in p)) {
      results.push(p);
      continue;
    }
    // A number written earlier in this run: what is pending must be in the tables before it is matched again.
    if (inBatch.has(p.idx)) {
      await flush(ctx, executor, actor, batch, opts.source);
      inBatch.clear();
    }
    const existing = found.get(p.idx) ?? null;
    let desired: Desired;
    try {
      if (existing && !canAt(actor, WRITE, existing.org_path)) throw forbidden('PERSON_OUTSIDE_SCOPE');
      desired = await desiredState(ctx, look, actor, { ...p.input, idNumber: p.number }, existing, existing ? 'upsert' : 'create', meta, p.identity);
      if (!existing && desired.cols.residence_type === undefined) {
        if (!opts.defaultResidenceType) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'residenceType', code: 'required' }]);
        desired.cols.residence_type = opts.defaultResidenceType(desired.cols.id_type!);
      }
    } catch (e) {
      results.push(refuse(e));
      continue;
    }
    const { row, outcome } = await apply(ctx, executor, look, actor, existing, desired, { source: opts.source, reason: null, meta, batch });
    if (outcome !== 'unchanged') {
      found.set(p.idx, row);
      inBatch.add(p.idx);
    }
    results.push({ ok: true, outcome, personId: row.id });
  }
  await flush(ctx, executor, actor, batch, opts.source);
  return results;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

// ---------------------------------------------------------------- history, placement, links

/** Field changes of a person, newest first (numbers masked as stored). Staff with the whole record only. */
export async function personHistory(ctx: PlatformContext, actor: Actor, id: string, page: { page: number; pageSize: number }, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    const person = await repo.getPerson(db, id);
    if (!person) throw notFound('PERSON_NOT_FOUND');
    if (!seesWholeRecord(actor, person.org_path)) throw deny('registry.person.history', meta, { targetId: id });
    const [rows, total] = await Promise.all([repo.listChanges(db, id, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize }), repo.countChanges(db, id)]);
    await db.transaction().execute(async (trx) => {
      await audit(ctx, trx, actor, 'registry.person.history', meta, { targetId: id, orgNodeId: nodeIdOf(person.org_path) });
      await recordPersonAccess(trx, actor, [id], { kind: 'view', purpose: null, at: ctx.now().toISOString() });
    });
    return {
      items: rows.map((r) => ({ id: r.id, field: r.field, oldValue: r.old_value, newValue: r.new_value, reason: r.reason, source: r.source, actorName: r.actor_name, at: r.at })),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  });
}

/**
 * Community and grid nodes at or above the actor's write grants. People registered at one of
 * them without a dwelling are the grid workers' placement task, though the community node
 * itself lies above a grid worker's grant.
 */
async function placementPaths(db: Executor, actor: Actor): Promise<string[]> {
  const writers = rolesWith(WRITE);
  const grants = actor.grants.filter((g) => writers.has(g.role));
  const ids = [...new Set(grants.flatMap((g) => g.orgPath.split('/').filter(Boolean)))];
  const nodes = await repo.getNodes(db, ids);
  return nodes.filter((n) => (n.kind === 'community' || n.kind === 'grid') && !n.ended_at).map((n) => n.path);
}

/** Puts a person kept at community level into a dwelling (the grid worker's placement task). */
export async function placePerson(ctx: PlatformContext, actor: Actor, id: string, dwellingId: string, reason: string | undefined, meta: WriteMeta): Promise<PersonRecord> {
  return inTransaction(ctx, actor, async (trx) => {
    const existing = await repo.getPersonForUpdate(ctx.db, trx, id);
    if (!existing) throw notFound('PERSON_NOT_FOUND');
    const placeable = canAt(actor, WRITE, existing.org_path) || (await placementPaths(trx, actor)).includes(existing.org_path);
    if (!placeable) throw deny('registry.person.place', meta, { targetId: id });
    if (existing.status !== 'active') throw conflict('PERSON_ENDED');
    if (existing.dwelling_id) throw conflict('ALREADY_PLACED');
    return patchExisting(ctx, trx, actor, existing, { dwellingId, reason: reason ?? '安置到房屋' }, meta);
  });
}

/** People of the actor's subtree (or of `orgNodeId`) with no dwelling yet, to be placed by grid workers. */
export async function listUnplaced(ctx: PlatformContext, actor: Actor, query: { orgNodeId?: string; page: number; pageSize: number }, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const db = ctx.db.kysely;
    let paths = actorWholeRecordPaths(actor);
    if (query.orgNodeId) {
      const node = await repo.getNode(db, query.orgNodeId);
      if (!node) throw notFound('NODE_NOT_FOUND');
      if (!seesWholeRecord(actor, node.path)) throw deny('registry.person.unplaced', meta, { targetType: 'org_node', targetId: node.id, orgNodeId: node.id });
      paths = [node.path];
    }
    const exact = query.orgNodeId ? [] : (await placementPaths(db, actor)).filter((p) => !paths.some((s) => p.startsWith(s)));
    if (paths.length === 0 && exact.length === 0) throw forbidden();
    const [rows, total] = await Promise.all([
      repo.listUnplaced(db, paths, exact, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
      repo.countUnplaced(db, paths, exact),
    ]);
    const nodes = new Map((await repo.getNodes(db, [...new Set(rows.map((r) => nodeIdOf(r.org_path)))])).map((n) => [n.id, n]));
    // Staff list reads are audited; the people's access logs record detail views only (as the read path does).
    await audit(ctx, undefined, actor, 'registry.person.unplaced', meta, { targetType: 'org_node', targetId: query.orgNodeId ?? null, details: { count: rows.length } });
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        gender: r.gender,
        birthDate: r.birth_date,
        idNumber: maskedIdNumber(r),
        phone: maskedPhone(r),
        orgNodeId: nodeIdOf(r.org_path),
        orgNodeName: nodes.get(nodeIdOf(r.org_path))?.name ?? '',
        residenceType: r.residence_type,
        createdAt: r.created_at,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

/** Subtrees where the actor sees whole records (department officers excluded). */
export function actorWholeRecordPaths(actor: Actor): string[] {
  const readers = rolesWith(READ);
  const paths = actor.grants.filter((g) => readers.has(g.role) && g.role !== 'department_officer').map((g) => g.orgPath).sort();
  const out: string[] = [];
  for (const p of paths) if (!out.some((o) => p.startsWith(o))) out.push(p);
  return out;
}

function presentLink(l: PersonDwellingTable) {
  return { id: l.id, personId: l.person_id, dwellingId: l.dwelling_id, relation: l.relation, fromDate: l.from_date, toDate: l.to_date, active: l.ended_at === null };
}

/** A person's links to dwellings (owner, tenant, lives here), ended ones included. */
export async function listPersonLinks(ctx: PlatformContext, actor: Actor, personId: string, meta: RequestMeta) {
  return withDenials(ctx, actor, async () => {
    const person = await repo.getPerson(ctx.db.kysely, personId);
    if (!person) throw notFound('PERSON_NOT_FOUND');
    if (!seesWholeRecord(actor, person.org_path)) throw deny('registry.person.links', meta, { targetId: personId });
    return { items: (await repo.listLinks(ctx.db.kysely, personId)).map(presentLink) };
  });
}

/**
 * Links a person to a dwelling as owner or tenant (or "lives here", which also moves the
 * person's record to that dwelling). Both the person and the dwelling must be in the actor's area.
 */
export async function addPersonLink(
  ctx: PlatformContext,
  actor: Actor,
  personId: string,
  input: { dwellingId: string; relation: PersonDwellingTable['relation']; fromDate?: string | null },
  meta: WriteMeta,
) {
  if (input.relation === 'resident') {
    await updatePerson(ctx, actor, personId, { dwellingId: input.dwellingId, reason: '登记居住' }, meta);
    const link = (await repo.activeLinks(ctx.db.kysely, personId)).find((l) => l.relation === 'resident' && l.dwelling_id === input.dwellingId)!;
    return presentLink(link);
  }
  return inTransaction(ctx, actor, async (trx) => {
    const person = await personForWrite(ctx, trx, actor, personId, 'registry.person.link', meta);
    const dwelling = await writableNode(ctx, trx, actor, input.dwellingId, 'dwelling', meta, 'registry.person.link');
    const active = await repo.activeLinks(trx, personId);
    if (active.some((l) => l.relation === input.relation && l.dwelling_id === dwelling.id)) throw conflict('LINK_EXISTS');
    const at = ctx.now().toISOString();
    const link = await addLink(trx, personId, dwelling.id, input.relation, input.fromDate ?? chinaToday(ctx.now()), at);
    await repo.insertChanges(trx, [
      { id: newId(), person_id: personId, field: `link.${input.relation}`, old_value: null, new_value: await placeLabel(trx, dwelling.path), reason: null, source: meta.source ?? 'form', actor_id: actor.userId, actor_name: actor.displayName, at },
    ]);
    await audit(ctx, trx, actor, 'registry.person.link', meta, { targetId: person.id, orgNodeId: dwelling.id, details: { relation: input.relation, linkId: link.id } });
    return presentLink(link);
  });
}

/** Ends a link (the row stays, with its end date). Ending "lives here" does not move the record: use PATCH or end the record. */
export async function endPersonLink(ctx: PlatformContext, actor: Actor, personId: string, linkId: string, toDate: string | null | undefined, meta: WriteMeta) {
  return inTransaction(ctx, actor, async (trx) => {
    await personForWrite(ctx, trx, actor, personId, 'registry.person.unlink', meta);
    const link = (await repo.activeLinks(trx, personId)).find((l) => l.id === linkId);
    if (!link) throw notFound('LINK_NOT_FOUND');
    const dwelling = await repo.getNode(trx, link.dwelling_id);
    if (!dwelling || !canAt(actor, WRITE, dwelling.path)) throw deny('registry.person.unlink', meta, { targetId: personId });
    const at = ctx.now().toISOString();
    const date = toDate ?? chinaToday(ctx.now());
    await repo.endLinks(trx, [link.id], at, date);
    await repo.insertChanges(trx, [
      { id: newId(), person_id: personId, field: `link.${link.relation}`, old_value: await placeLabel(trx, dwelling.path), new_value: null, reason: null, source: meta.source ?? 'form', actor_id: actor.userId, actor_name: actor.displayName, at },
    ]);
    await audit(ctx, trx, actor, 'registry.person.unlink', meta, { targetId: personId, orgNodeId: dwelling.id, details: { relation: link.relation, linkId } });
    return presentLink({ ...link, ended_at: at, to_date: date });
  });
}
