import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { getNode } from '../../platform/org/org.repository.js';
import { recordPersonAccess } from './access-log.js';
import { describeRule, parseRule } from './tags.derived.js';
import { chinaToday } from './tags.filter.js';
import { onlyDepartment, parseMandate, TAG_DEFINE, TAG_MANAGE, tagReadRightsAt, tagRightsAt } from './tags.policy.js';
import * as repo from './tags.repository.js';
import type { PersonTag, TagDefinition } from './tags.schema.js';
import type { PersonTagTable, TagDefinitionTable } from './tags.table.js';

const PERSON_READ = 'registry.person.read';

addMessages({
  'error.TAG_NOT_DEFINED': { 'zh-CN': '标签“{tag}”未定义', en: 'The tag "{tag}" is not defined' },
  'error.TAG_EXISTS': { 'zh-CN': '标签“{tag}”已存在', en: 'The tag "{tag}" already exists' },
  'error.TAG_IS_DERIVED': { 'zh-CN': '标签“{tag}”由规则自动计算，不能手工添加或结束', en: 'The tag "{tag}" is computed by a rule and cannot be given or ended by hand' },
  'error.TAG_ALREADY_HELD': { 'zh-CN': '该人员在此期间已有标签“{tag}”', en: 'This person already holds the tag "{tag}" for that period' },
  'error.TAG_ALREADY_ENDED': { 'zh-CN': '该标签记录已结束', en: 'This tag has already ended' },
  'error.TAG_OUTSIDE_MANDATE': { 'zh-CN': '标签“{tag}”不在本部门职责范围内', en: 'The tag "{tag}" is outside your department\'s mandate' },
  'error.TAG_DEPARTMENT_ONLY': { 'zh-CN': '部门人员只能添加或结束本部门认定的标签', en: 'Department officers may only give or end their own department\'s tags' },
  'error.TAG_DEPARTMENT_SOURCE': { 'zh-CN': '部门认定的标签只能由该部门人员添加或结束', en: 'A department-granted tag can only be given or ended by that department\'s officers' },
  'error.TAG_DEPARTMENT_REQUIRED': { 'zh-CN': '请指明以哪个部门的名义认定', en: 'Say which department grants the tag' },
  'error.TAG_PERSON_ENDED': { 'zh-CN': '该人员档案已注销，不能再添加标签', en: 'This person\'s record has ended; no tags can be added' },
});

export function presentDefinition(d: TagDefinitionTable, count: number | null): TagDefinition {
  const rule = parseRule(d.derived_rule);
  return {
    code: d.code,
    category: d.category,
    description: d.description,
    derived: rule !== null,
    rule: rule ? describeRule(rule) : null,
    sensitive: d.sensitive === 1,
    sort: Number(d.sort),
    count,
  };
}

/** Union of the mandate tags of these departments. */
async function mandateTags(ctx: PlatformContext, codes: string[]): Promise<string[]> {
  const rows = await repo.departments(ctx.db.kysely, codes);
  return [...new Set(rows.flatMap((r) => parseMandate(r.mandate).tags))];
}

function officerDepartments(actor: Actor): string[] {
  return [...new Set(actor.grants.filter((g) => g.role === 'department_officer' && g.departmentCode).map((g) => g.departmentCode!))];
}

/**
 * The tag definitions with how many people of active records hold each today within the
 * caller's subtree (or `orgNodeId` inside it). A department officer sees only its mandate's tags.
 */
export async function listTags(ctx: PlatformContext, actor: Actor, query: { orgNodeId?: string }, meta: RequestMeta) {
  let paths = scopePaths(actor, PERSON_READ);
  if (query.orgNodeId) {
    const node = await getNode(ctx.db.kysely, query.orgNodeId);
    if (!node) throw notFound();
    if (!canAt(actor, PERSON_READ, node.path)) throw await denied(ctx, actor, 'registry.tag.list', meta, { orgNodeId: node.id });
    paths = [node.path];
  }
  let defs = await repo.listDefinitions(ctx.db.kysely);
  let only: string[] | undefined;
  if (onlyDepartment(actor, PERSON_READ)) {
    only = await mandateTags(ctx, officerDepartments(actor));
    defs = defs.filter((d) => only!.includes(d.code));
  }
  const counts = await repo.countHolders(ctx.db.kysely, paths, chinaToday(ctx.now()), only);
  return {
    items: defs.map((d) => presentDefinition(d, paths.length ? counts.get(d.code) ?? 0 : null)),
    abilities: { define: hasPermission(actor, TAG_DEFINE) },
  };
}

/** A new (typed) tag definition; the name is the code. Derived rules are not defined through the API. */
export async function defineTag(
  ctx: PlatformContext,
  actor: Actor,
  input: { code: string; category: string; description?: string; sensitive: boolean },
  meta: RequestMeta,
): Promise<TagDefinition> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    if (await repo.getDefinition(trx, input.code)) throw conflict('TAG_EXISTS', { tag: input.code });
    const row: TagDefinitionTable = {
      code: input.code,
      category: input.category,
      description: input.description ?? null,
      derived_rule: null,
      sensitive: input.sensitive ? 1 : 0,
      sort: (await repo.maxDefinitionSort(trx)) + 10,
      created_at: ctx.now().toISOString(),
    };
    await repo.insertDefinition(trx, row);
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.tag.define',
        targetType: 'tag_definition',
        targetId: row.code,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code: row.code, category: row.category, sensitive: input.sensitive },
      },
      trx,
    );
    return presentDefinition(row, 0);
  });
}

function isActiveOn(row: Pick<PersonTagTable, 'ended_at' | 'valid_from' | 'valid_to'>, today: string): boolean {
  return !row.ended_at && (!row.valid_from || row.valid_from <= today) && (!row.valid_to || row.valid_to >= today);
}

async function presentRows(ctx: PlatformContext, rows: PersonTagTable[]): Promise<PersonTag[]> {
  const db = ctx.db.kysely;
  const userIds = [...new Set(rows.flatMap((r) => [r.created_by, r.ended_by]).filter((x): x is string => !!x))];
  const users = new Map((await repo.userNames(db, userIds)).map((u) => [u.id, u.display_name]));
  const deptCodes = [...new Set(rows.map((r) => r.department_code).filter((x): x is string => !!x))];
  const depts = new Map((await repo.departments(db, deptCodes)).map((d) => [d.code, d.name]));
  const defs = new Map((await repo.getDefinitions(db, [...new Set(rows.map((r) => r.tag))])).map((d) => [d.code, d]));
  const today = chinaToday(ctx.now());
  const who = (id: string | null) => (id ? { id, name: users.get(id) ?? id } : null);
  return rows.map((r) => ({
    id: r.id,
    tag: r.tag,
    category: defs.get(r.tag)?.category ?? null,
    source: r.source,
    departmentCode: r.department_code,
    departmentName: r.department_code ? depts.get(r.department_code) ?? null : null,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    note: r.note,
    createdBy: who(r.created_by),
    createdAt: r.created_at,
    endedAt: r.ended_at,
    endedBy: who(r.ended_by),
    endReason: r.end_reason,
    activeToday: isActiveOn(r, today),
  }));
}

async function denied(
  ctx: PlatformContext,
  actor: Actor,
  action: string,
  meta: RequestMeta,
  extra: { personId?: string; orgNodeId?: string | null; details?: Record<string, unknown>; error?: AppError } = {},
) {
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action,
    outcome: 'denied',
    targetType: extra.personId ? 'person' : null,
    targetId: extra.personId ?? null,
    orgNodeId: extra.orgNodeId ?? null,
    ip: meta.ip,
    requestId: meta.requestId,
    details: extra.details ?? null,
  });
  return extra.error ?? forbidden();
}

async function personInScope(ctx: PlatformContext, id: string) {
  const person = await repo.getPersonScope(ctx.db.kysely, id);
  if (!person) throw notFound();
  return person;
}

export interface AddTagInput {
  tag: string;
  validFrom?: string;
  validTo?: string;
  note?: string;
  source: 'typed' | 'department';
  departmentCode?: string;
}

/**
 * Gives a person a tag. Typed tags: community staff and grid workers of the person's subtree.
 * Department tags: only an officer of that department, only its mandate's tags, recorded with
 * its code. Derived tags are never given by hand. A tag already held for an overlapping
 * period is refused (end it first, or give the next period after it).
 */
export async function addPersonTag(ctx: PlatformContext, actor: Actor, personId: string, input: AddTagInput, meta: RequestMeta): Promise<PersonTag> {
  const person = await personInScope(ctx, personId);
  const rights = tagRightsAt(actor, TAG_MANAGE, person.org_path);
  const deny = (error?: AppError) =>
    denied(ctx, actor, 'registry.tag.add', meta, { personId, orgNodeId: person.dwelling_id, details: { tag: input.tag, source: input.source }, error });
  if (!rights.staff && rights.departments.length === 0) throw await deny();
  const def = await repo.getDefinition(ctx.db.kysely, input.tag);
  if (!def) throw badRequest('TAG_NOT_DEFINED', { tag: input.tag });
  if (def.derived_rule) throw conflict('TAG_IS_DERIVED', { tag: input.tag });
  if (person.status !== 'active') throw conflict('TAG_PERSON_ENDED');

  let departmentCode: string | null = null;
  if (input.source === 'typed') {
    if (!rights.staff) throw await deny(forbidden('TAG_DEPARTMENT_ONLY'));
  } else {
    const code = input.departmentCode ?? (rights.departments.length === 1 ? rights.departments[0] : undefined);
    if (rights.departments.length === 0 || (code && !rights.departments.includes(code))) throw await deny(forbidden('TAG_DEPARTMENT_SOURCE'));
    if (!code) throw badRequest('TAG_DEPARTMENT_REQUIRED');
    if (!(await mandateTags(ctx, [code])).includes(input.tag)) throw await deny(forbidden('TAG_OUTSIDE_MANDATE', { tag: input.tag }));
    departmentCode = code;
  }

  const row = await ctx.db.kysely.transaction().execute(async (trx) => {
    const overlapping = await repo.overlappingTags(trx, personId, input.tag, input.validFrom ?? null, input.validTo ?? null);
    if (overlapping.length) throw conflict('TAG_ALREADY_HELD', { tag: input.tag });
    const at = ctx.now().toISOString();
    const row: PersonTagTable = {
      id: newId(),
      person_id: personId,
      tag: input.tag,
      source: input.source,
      department_code: departmentCode,
      valid_from: input.validFrom ?? null,
      valid_to: input.validTo ?? null,
      note: input.note || null,
      created_by: actor.userId,
      created_at: at,
      ended_at: null,
      ended_by: null,
      end_reason: null,
    };
    await repo.insertPersonTags(trx, [row]);
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.tag.add',
        targetType: 'person',
        targetId: personId,
        orgNodeId: person.dwelling_id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { tagId: row.id, tag: row.tag, source: row.source, departmentCode, validFrom: row.valid_from, validTo: row.valid_to },
      },
      trx,
    );
    return row;
  });
  return (await presentRows(ctx, [row]))[0];
}

/**
 * Ends a person's tag row (never deletes it). Who may: as for giving it; a department's tag
 * only by that department's officers; a derived tag never (its rule ends it).
 */
export async function endPersonTag(ctx: PlatformContext, actor: Actor, personId: string, tagId: string, reason: string, meta: RequestMeta): Promise<PersonTag> {
  const person = await personInScope(ctx, personId);
  const rights = tagRightsAt(actor, TAG_MANAGE, person.org_path);
  const deny = (error?: AppError) => denied(ctx, actor, 'registry.tag.end', meta, { personId, orgNodeId: person.dwelling_id, details: { tagId }, error });
  if (!rights.staff && rights.departments.length === 0) throw await deny();
  const row = await repo.getPersonTag(ctx.db.kysely, tagId);
  if (!row || row.person_id !== personId) throw notFound();
  if (row.source === 'derived') throw conflict('TAG_IS_DERIVED', { tag: row.tag });
  if (row.source === 'department') {
    if (!row.department_code || !rights.departments.includes(row.department_code)) throw await deny(forbidden('TAG_DEPARTMENT_SOURCE'));
  } else if (!rights.staff) {
    throw await deny(forbidden('TAG_DEPARTMENT_ONLY'));
  }
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const n = await repo.endPersonTags(trx, [tagId], { at, by: actor.userId, reason });
    if (n === 0) throw conflict('TAG_ALREADY_ENDED');
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.tag.end',
        targetType: 'person',
        targetId: personId,
        orgNodeId: person.dwelling_id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { tagId, tag: row.tag, source: row.source, reason },
      },
      trx,
    );
  });
  return (await presentRows(ctx, [{ ...row, ended_at: at, ended_by: actor.userId, end_reason: reason }]))[0];
}

/**
 * A person's tags (with `history`, the ended rows too): source, who, when, validity. Staff of
 * the person's subtree see every tag; a department officer only its mandate's tags, with a
 * stated purpose. Every read is audited and shown to the resident (PIPL right to know).
 */
export async function listPersonTags(
  ctx: PlatformContext,
  actor: Actor,
  personId: string,
  query: { history: boolean; purpose?: string },
  meta: RequestMeta,
) {
  const person = await personInScope(ctx, personId);
  const read = tagReadRightsAt(actor, person.org_path);
  const deny = (error?: AppError) => denied(ctx, actor, 'registry.person.tags.read', meta, { personId, orgNodeId: person.dwelling_id, error });
  let departmentCode: string | null = null;
  let visible: string[] | null = null;
  if (!read.staff) {
    const mandated = (await repo.departments(ctx.db.kysely, read.departments)).filter((d) => parseMandate(d.mandate).fields.includes('tags'));
    if (mandated.length === 0) throw await deny();
    if (!query.purpose) throw await deny(badRequest('PURPOSE_REQUIRED'));
    visible = [...new Set(mandated.flatMap((d) => parseMandate(d.mandate).tags))];
    departmentCode = mandated.map((d) => d.code).join(',');
  }
  let rows = await repo.listPersonTags(ctx.db.kysely, personId, { history: query.history });
  if (visible) rows = rows.filter((r) => visible!.includes(r.tag));
  const items = await presentRows(ctx, rows);
  const manage = tagRightsAt(actor, TAG_MANAGE, person.org_path);
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.person.tags.read',
        targetType: 'person',
        targetId: personId,
        orgNodeId: person.dwelling_id,
        purpose: query.purpose ?? null,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { history: query.history, count: items.length, departmentCode },
      },
      trx,
    );
    await recordPersonAccess(trx, actor, [personId], { kind: 'view', purpose: query.purpose ?? null, departmentCode, at });
  });
  return { items, abilities: { typed: manage.staff, departments: manage.departments } };
}
