import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { DEFAULT_CATEGORIES } from './categories.defaults.js';
import * as repo from './categories.repository.js';
import type { CategoryView, CreateCategoryInput, UpdateCategoryInput } from './categories.schema.js';
import type { CategoryAttribute } from './events.table.js';

addMessages({
  'error.EVENT_CATEGORY_NOT_FOUND': { 'zh-CN': '事件类别“{code}”不存在或已停用', en: 'No active event category "{code}"' },
  'error.EVENT_CATEGORY_NOT_LEAF': { 'zh-CN': '“{name}”是大类，请选择其下的具体小类', en: '"{name}" is a group; choose one of its categories' },
  'error.EVENT_CATEGORY_CODE_TAKEN': { 'zh-CN': '类别编码“{code}”已被使用', en: 'Category code "{code}" is already in use' },
  'error.EVENT_CATEGORY_PARENT_INVALID': { 'zh-CN': '上级类别须为大类（一级类别）', en: 'The parent must be a top-level group' },
  'error.EVENT_CATEGORY_CONFLICT': { 'zh-CN': '该类别刚被他人修改，请刷新后重试', en: 'Someone else just changed this category; refresh and try again' },
  'error.EVENT_DEPARTMENT_UNKNOWN': { 'zh-CN': '部门“{code}”不存在', en: 'No department "{code}"' },
});

/**
 * Categories by id and by code for the hot paths (every report resolves its category, every
 * step reads the time limits). Edits made through this process clear it; another process's
 * edits show within CACHE_MS. Only rows found are kept, so a category just added is found.
 */
const CACHE_MS = 30_000;
interface CategoryCache {
  at: number;
  rows: Map<string, repo.CategoryRow>;
  byCode: Map<string, repo.CategoryRow>;
}
const byIdCache = new WeakMap<object, CategoryCache>();

function categoryCache(ctx: PlatformContext): CategoryCache {
  let entry = byIdCache.get(ctx.db);
  if (!entry || Date.now() - entry.at > CACHE_MS) {
    entry = { at: Date.now(), rows: new Map(), byCode: new Map() };
    byIdCache.set(ctx.db, entry);
  }
  return entry;
}

export async function cachedCategory(ctx: PlatformContext, id: string): Promise<repo.CategoryRow | undefined> {
  const entry = categoryCache(ctx);
  let row = entry.rows.get(id);
  if (!row) {
    row = await repo.getCategory(ctx.db.kysely, id);
    if (row) entry.rows.set(id, row);
  }
  return row;
}

async function cachedCategoryByCode(ctx: PlatformContext, code: string): Promise<repo.CategoryRow | undefined> {
  const entry = categoryCache(ctx);
  let row = entry.byCode.get(code);
  if (!row) {
    row = await repo.getCategoryByCode(ctx.db.kysely, code);
    if (row) {
      entry.byCode.set(code, row);
      entry.rows.set(row.id, row);
    }
  }
  return row;
}

function forgetCategories(ctx: PlatformContext) {
  byIdCache.delete(ctx.db);
}

export function presentCategory(row: repo.CategoryRow): CategoryView {
  return {
    id: row.id,
    parentId: row.parent_id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    description: row.description,
    keywords: row.keywords,
    defaultUnit: row.default_unit,
    defaultDepartmentCode: row.default_department_code,
    responseHours: Number(row.response_hours),
    handlingHours: Number(row.handling_hours),
    attributes: attributesOf(row),
    public: Number(row.public) === 1,
    sort: Number(row.sort),
    active: Number(row.active) === 1,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function attributesOf(row: Pick<repo.CategoryRow, 'attributes'>): CategoryAttribute[] {
  return parseJson<CategoryAttribute[]>(row.attributes, []).slice().sort((a, b) => a.order - b.order);
}

/** Groups with their leaves, in display order. */
export async function categoryTree(ctx: PlatformContext, opts: { includeInactive?: boolean } = {}) {
  const rows = await repo.listCategories(ctx.db.kysely, opts);
  const groups = rows.filter((r) => r.parent_id === null);
  return {
    items: groups.map((g) => ({ ...presentCategory(g), children: rows.filter((r) => r.parent_id === g.id).map(presentCategory) })),
  };
}

/** Public leaves under active groups: the resident form, and Open311's service list. */
export async function publicCategories(ctx: PlatformContext) {
  const rows = await repo.listCategories(ctx.db.kysely);
  const groups = rows.filter((r) => r.parent_id === null);
  return {
    items: groups
      .map((g) => ({
        code: g.code,
        name: g.name,
        nameEn: g.name_en,
        children: rows
          .filter((r) => r.parent_id === g.id && Number(r.public) === 1)
          .map((r) => ({ id: r.id, code: r.code, name: r.name, nameEn: r.name_en, description: r.description, attributes: attributesOf(r) })),
      }))
      .filter((g) => g.children.length > 0),
  };
}

export async function getCategoryView(ctx: PlatformContext, id: string) {
  const row = await repo.getCategory(ctx.db.kysely, id);
  if (!row) throw notFound('EVENT_CATEGORY_NOT_FOUND', { code: id });
  return presentCategory(row);
}

/**
 * The leaf an event is reported on, by id or code: active, under an active group, and public
 * when the reporter is the public (a resident, an Open311 client).
 */
export async function resolveReportCategory(ctx: PlatformContext, ref: { categoryId?: string; categoryCode?: string }, opts: { publicOnly: boolean }) {
  const key = ref.categoryId ?? ref.categoryCode ?? '';
  const row = ref.categoryId ? await cachedCategory(ctx, ref.categoryId) : ref.categoryCode ? await cachedCategoryByCode(ctx, ref.categoryCode) : undefined;
  if (!row || Number(row.active) !== 1 || (opts.publicOnly && Number(row.public) !== 1)) throw notFound('EVENT_CATEGORY_NOT_FOUND', { code: key });
  if (row.parent_id === null) throw badRequest('EVENT_CATEGORY_NOT_LEAF', { name: row.name });
  const parent = await cachedCategory(ctx, row.parent_id);
  if (!parent || Number(parent.active) !== 1) throw notFound('EVENT_CATEGORY_NOT_FOUND', { code: key });
  return row;
}

async function checkDepartment(db: Executor, code: string | null | undefined) {
  if (code && !(await repo.departmentExists(db, code))) throw badRequest('EVENT_DEPARTMENT_UNKNOWN', { code });
}

export async function createCategory(ctx: PlatformContext, actor: Actor, input: CreateCategoryInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  if (input.parentId) {
    const parent = await repo.getCategory(db, input.parentId);
    if (!parent || parent.parent_id !== null) throw badRequest('EVENT_CATEGORY_PARENT_INVALID');
  }
  if (await repo.getCategoryByCode(db, input.code)) throw conflict('EVENT_CATEGORY_CODE_TAKEN', { code: input.code });
  await checkDepartment(db, input.defaultDepartmentCode);
  const at = ctx.now().toISOString();
  const row: repo.CategoryRow = {
    id: newId(ctx.now().getTime()),
    parent_id: input.parentId ?? null,
    code: input.code,
    name: input.name,
    name_en: input.nameEn ?? null,
    description: input.description ?? null,
    keywords: input.keywords ?? null,
    default_unit: input.defaultUnit,
    default_department_code: input.defaultDepartmentCode ?? null,
    response_hours: input.responseHours,
    handling_hours: input.handlingHours,
    attributes: JSON.stringify(input.attributes ?? []),
    public: input.public === false ? 0 : 1,
    sort: input.sort ?? 0,
    active: 1,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertCategory(trx, row);
    await appendAudit(
      ctx.db,
      { actorId: actor.userId, actorName: actor.username, action: 'events.category.create', targetType: 'event_category', targetId: row.id, ip: meta.ip, requestId: meta.requestId, details: { code: row.code, name: row.name } },
      trx,
    );
  });
  return presentCategory(row);
}

/**
 * A versioned edit: time limits, units and attributes change for events reported from now on
 * (events already running keep the deadlines they were given).
 */
export async function updateCategory(ctx: PlatformContext, actor: Actor, id: string, input: UpdateCategoryInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const current = await repo.getCategory(db, id);
  if (!current) throw notFound('EVENT_CATEGORY_NOT_FOUND', { code: id });
  if (current.version !== input.expectedVersion) throw conflict('EVENT_CATEGORY_CONFLICT');
  await checkDepartment(db, input.defaultDepartmentCode);
  const patch: Partial<repo.CategoryRow> = { updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.nameEn !== undefined) patch.name_en = input.nameEn ?? null;
  if (input.description !== undefined) patch.description = input.description ?? null;
  if (input.keywords !== undefined) patch.keywords = input.keywords ?? null;
  if (input.defaultUnit !== undefined) patch.default_unit = input.defaultUnit;
  if (input.defaultDepartmentCode !== undefined) patch.default_department_code = input.defaultDepartmentCode ?? null;
  if (input.responseHours !== undefined) patch.response_hours = input.responseHours;
  if (input.handlingHours !== undefined) patch.handling_hours = input.handlingHours;
  if (input.attributes !== undefined) patch.attributes = JSON.stringify(input.attributes);
  if (input.public !== undefined) patch.public = input.public ? 1 : 0;
  if (input.sort !== undefined) patch.sort = input.sort;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  const changed = Object.keys(patch).filter((k) => k !== 'updated_at');
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateCategory(trx, id, input.expectedVersion, patch))) throw conflict('EVENT_CATEGORY_CONFLICT');
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'events.category.update',
        targetType: 'event_category',
        targetId: id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code: current.code, version: input.expectedVersion + 1, changed, before: Object.fromEntries(changed.map((k) => [k, current[k as keyof repo.CategoryRow]])) },
      },
      trx,
    );
  });
  forgetCategories(ctx);
  return getCategoryView(ctx, id);
}

/**
 * Links the default categories to their departments once the deployment has them (the data
 * migration runs before any department exists on a fresh install). Leaves a set link alone.
 */
export async function linkDefaultDepartments(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const known = new Set((await repo.listDepartments(db)).map((d) => d.code));
  const at = ctx.now().toISOString();
  let n = 0;
  for (const group of DEFAULT_CATEGORIES) {
    for (const c of [group, ...group.leaves]) {
      if (c.department && known.has(c.department)) n += await repo.linkDepartment(db, c.code, c.department, at);
    }
  }
  forgetCategories(ctx);
  return n;
}
