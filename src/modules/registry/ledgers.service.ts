import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission } from '../../platform/policy/actor.js';
import { getNode, getNodesByIds } from '../../platform/org/org.repository.js';
import { recordPersonAccess } from './access-log.js';
import type { PersonAccessTable } from './registry.table.js';
import { LEDGER_FIELDS, SOURCE_LABELS, type LedgerField } from './ledgers.fields.js';
import { LEDGER_MANAGE, ledgerReach, visibleDepartments, type LedgerReach } from './ledgers.policy.js';
import * as repo from './ledgers.repository.js';
import type { Ledger, LedgerColumn, LedgerConditions, LedgerInput, LedgerPatch, LedgerRows, LedgerSort } from './ledgers.schema.js';
import type { LedgerDefinitionTable } from './ledgers.table.js';
import { ledgerWorkbook } from './ledgers.xlsx.js';
import { ageOnDate } from './tags.derived.js';
import { chinaToday } from './tags.filter.js';
import { parseMandate } from './tags.policy.js';
import * as tagRepo from './tags.repository.js';

addMessages({
  'error.LEDGER_NOT_FOUND': { 'zh-CN': '台账不存在', en: 'No such ledger' },
  'error.LEDGER_CODE_EXISTS': { 'zh-CN': '台账编码“{code}”已被使用', en: 'The ledger code "{code}" is taken' },
  'error.LEDGER_DEPARTMENT_UNKNOWN': { 'zh-CN': '部门“{code}”不存在', en: 'No such department: "{code}"' },
  'error.LEDGER_TOO_LARGE': { 'zh-CN': '台账超过 {max} 人，请按网格或社区分别导出', en: 'The ledger has more than {max} people; export it grid by grid or community by community' },
});

/** The most rows one export writes (an in-memory workbook); larger areas are exported node by node. */
export const MAX_EXPORT_ROWS = 100_000;
const PII_UNMASK = 'pii.unmask';

/** Masked numbers from their clear parts (no decryption): 330481********1234, 138****5678. */
function maskedId(p: { id_number_region: string | null; id_number_tail: string | null }): string | null {
  if (!p.id_number_tail) return null;
  return p.id_number_region ? `${p.id_number_region}********${p.id_number_tail}` : `****${p.id_number_tail}`;
}

function maskedMobile(p: { phone_prefix: string | null; phone_tail: string | null }): string | null {
  return p.phone_tail ? `${p.phone_prefix ?? '***'}****${p.phone_tail}` : null;
}

/** 2026年11月26日. */
export function chineseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

interface Definition {
  row: LedgerDefinitionTable;
  tags: string[];
  conditions: LedgerConditions;
  columns: LedgerColumn[];
  sort: LedgerSort[];
}

function parseDefinition(row: LedgerDefinitionTable): Definition {
  return {
    row,
    tags: parseJson<string[]>(row.tags, []),
    conditions: parseJson<LedgerConditions>(row.conditions, {}),
    columns: parseJson<LedgerColumn[]>(row.columns, []).filter((c) => c.field in LEDGER_FIELDS),
    sort: parseJson<LedgerSort[]>(row.sort, []),
  };
}

async function departmentNames(ctx: PlatformContext): Promise<Map<string, { name: string; mandate: string }>> {
  return new Map((await tagRepo.departments(ctx.db.kysely)).map((d) => [d.code, { name: d.name, mandate: d.mandate }]));
}

function present(def: Definition, departments: Map<string, { name: string }>): Ledger {
  const r = def.row;
  return {
    id: r.id,
    code: r.code,
    departmentCode: r.department_code,
    departmentName: r.department_code ? departments.get(r.department_code)?.name ?? null : null,
    title: r.title,
    unitName: r.unit_name,
    tags: def.tags,
    conditions: def.conditions as Record<string, unknown>,
    columns: def.columns,
    sort: def.sort,
    builtIn: r.built_in === 1,
    archived: r.archived_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function mayView(actor: Actor, row: LedgerDefinitionTable): boolean {
  const v = visibleDepartments(actor);
  return v.all || (row.department_code !== null && v.departments.includes(row.department_code));
}

/** The ledgers the caller may generate: staff see all, department officers their department's. */
export async function listLedgers(ctx: PlatformContext, actor: Actor, query: { archived: boolean }) {
  const v = visibleDepartments(actor);
  const rows = await repo.listLedgers(ctx.db.kysely, { departments: v.all ? undefined : v.departments, archived: query.archived });
  const departments = await departmentNames(ctx);
  return { items: rows.map((r) => present(parseDefinition(r), departments)), abilities: { manage: hasPermission(actor, LEDGER_MANAGE) } };
}

async function visibleLedger(ctx: PlatformContext, actor: Actor, id: string): Promise<Definition> {
  const row = await repo.getLedger(ctx.db.kysely, id);
  if (!row || !mayView(actor, row)) throw notFound('LEDGER_NOT_FOUND');
  return parseDefinition(row);
}

export async function getLedger(ctx: PlatformContext, actor: Actor, id: string): Promise<Ledger> {
  return present(await visibleLedger(ctx, actor, id), await departmentNames(ctx));
}

export function ledgerFields() {
  return {
    fields: Object.entries(LEDGER_FIELDS).map(([field, f]) => ({ field, header: f.header, width: f.width, mandateField: f.mandate })),
    sortFields: ['address', 'birthDate', 'age', 'gender', 'residenceType'],
    unitPlaceholders: ['{city}', '{district}', '{street}', '{community}', '{grid}', '{node}'],
  };
}

function fillColumns(cols: { field: LedgerField; header?: string; width?: number }[]): LedgerColumn[] {
  return cols.map((c) => ({ field: c.field, header: c.header ?? LEDGER_FIELDS[c.field].header, width: c.width ?? LEDGER_FIELDS[c.field].width }));
}

/** Tags must be defined and the department must exist: a ledger never names what is not there. */
async function validateRefs(ctx: PlatformContext, input: { tags?: string[]; departmentCode?: string | null }) {
  if (input.tags?.length) {
    const known = new Set((await tagRepo.getDefinitions(ctx.db.kysely, input.tags)).map((d) => d.code));
    const unknown = input.tags.find((t) => !known.has(t));
    if (unknown) throw badRequest('TAG_NOT_DEFINED', { tag: unknown });
  }
  if (input.departmentCode) {
    const d = await tagRepo.departments(ctx.db.kysely, [input.departmentCode]);
    if (d.length === 0) throw badRequest('LEDGER_DEPARTMENT_UNKNOWN', { code: input.departmentCode });
  }
}

/** A new ledger defined by staff in the console: data only, validated against the allow-lists. */
export async function createLedger(ctx: PlatformContext, actor: Actor, input: LedgerInput, meta: RequestMeta): Promise<Ledger> {
  await validateRefs(ctx, input);
  const id = newId();
  const at = ctx.now().toISOString();
  const row: LedgerDefinitionTable = {
    id,
    code: input.code ?? `custom.${id}`,
    department_code: input.departmentCode ?? null,
    title: input.title,
    unit_name: input.unitName ?? '{street}{community}',
    tags: JSON.stringify([...new Set(input.tags)]),
    conditions: JSON.stringify(input.conditions),
    columns: JSON.stringify(fillColumns(input.columns)),
    sort: JSON.stringify(input.sort),
    built_in: 0,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
    archived_at: null,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (await repo.getLedgerByCode(trx, row.code)) throw conflict('LEDGER_CODE_EXISTS', { code: row.code });
    await repo.insertLedger(trx, row);
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.ledger.define',
        targetType: 'ledger_definition',
        targetId: id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code: row.code, title: row.title, departmentCode: row.department_code, tags: input.tags, columns: input.columns.map((c) => c.field) },
      },
      trx,
    );
  });
  return present(parseDefinition(row), await departmentNames(ctx));
}

export async function updateLedger(ctx: PlatformContext, actor: Actor, id: string, patch: LedgerPatch, meta: RequestMeta): Promise<Ledger> {
  const current = await repo.getLedger(ctx.db.kysely, id);
  if (!current) throw notFound('LEDGER_NOT_FOUND');
  await validateRefs(ctx, patch);
  const at = ctx.now().toISOString();
  const set: Parameters<typeof repo.updateLedger>[2] = { updated_at: at };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.departmentCode !== undefined) set.department_code = patch.departmentCode;
  if (patch.unitName !== undefined) set.unit_name = patch.unitName;
  if (patch.tags !== undefined) set.tags = JSON.stringify([...new Set(patch.tags)]);
  if (patch.conditions !== undefined) set.conditions = JSON.stringify(patch.conditions);
  if (patch.columns !== undefined) set.columns = JSON.stringify(fillColumns(patch.columns));
  if (patch.sort !== undefined) set.sort = JSON.stringify(patch.sort);
  if (patch.archived !== undefined) set.archived_at = patch.archived ? current.archived_at ?? at : null;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateLedger(trx, id, set);
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.ledger.update',
        targetType: 'ledger_definition',
        targetId: id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code: current.code, changed: Object.keys(patch), archived: patch.archived },
      },
      trx,
    );
  });
  return present(parseDefinition({ ...current, ...set }), await departmentNames(ctx));
}

// ── generation ──────────────────────────────────────────────────────────────

export interface GenerateQuery {
  orgNodeId?: string;
  purpose?: string;
  unmask: boolean;
}

interface Generated {
  def: Definition;
  reach: LedgerReach;
  unit: string;
  date: string;
  columns: LedgerColumn[];
  hidden: string[];
  rows: Record<string, string | number | null>[];
  personIds: string[];
  total: number;
  unmasked: boolean;
  orgNodeId: string | null;
}

function validityText(from: string | null, to: string | null): string {
  if (from && to) return `${from} 至 ${to}`;
  if (from) return `${from} 起`;
  if (to) return `至 ${to}`;
  return '长期';
}

/** 填报单位 from the template and the names of the node's ancestors (inclusive). */
async function unitNames(ctx: PlatformContext, template: string, paths: string[]): Promise<string> {
  const ids = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  const nodes = new Map((await getNodesByIds(ctx.db.kysely, ids)).map((n) => [n.id, n]));
  const names = paths.map((p) => {
    const chain = p
      .split('/')
      .filter(Boolean)
      .map((id) => nodes.get(id))
      .filter((n) => !!n);
    const own = chain[chain.length - 1];
    const filled = template
      .replace(/\{(\w+)\}/g, (_m, key: string) => (key === 'node' ? own?.name ?? '' : chain.find((n) => n.kind === key)?.name ?? ''))
      .trim();
    return filled || own?.name || '';
  });
  return [...new Set(names)].join('、');
}

/**
 * A ledger's rows from the one registry: one query (path ranges, the ledger's tags as an
 * EXISTS filter, its conditions, and a department officer's mandate tags), then addresses,
 * tags and households of all rows in bulk. Department officers get only their mandate's
 * columns; full numbers only with `unmask`, a purpose and `pii.unmask` over the whole reach.
 */
async function generate(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  query: GenerateQuery,
  page: { limit: number; offset: number } | null,
  meta: RequestMeta,
  action: string,
): Promise<Generated> {
  const def = await visibleLedger(ctx, actor, id);
  const node = query.orgNodeId ? await getNode(ctx.db.kysely, query.orgNodeId) : undefined;
  if (query.orgNodeId && !node) throw notFound();
  const deny = async (error: AppError = forbidden()) => {
    await appendAudit(ctx.db, {
      actorId: actor.userId,
      actorName: actor.username,
      action,
      outcome: 'denied',
      targetType: 'ledger_definition',
      targetId: id,
      orgNodeId: node?.id ?? null,
      purpose: query.purpose ?? null,
      ip: meta.ip,
      requestId: meta.requestId,
      details: { code: def.row.code, unmask: query.unmask, reason: error.code },
    });
    return error;
  };
  const reach = ledgerReach(actor, def.row.department_code, node?.path ?? null);
  if (!reach) throw await deny();
  if (reach.mode === 'department' && !query.purpose) throw await deny(badRequest('PURPOSE_REQUIRED'));
  if (query.unmask && !query.purpose) throw await deny(badRequest('PURPOSE_REQUIRED'));
  if (query.unmask && !reach.paths.every((p) => canAt(actor, PII_UNMASK, p))) throw await deny();

  let mandate: { tags: string[]; fields: string[] } | null = null;
  if (reach.mode === 'department') {
    const dept = (await tagRepo.departments(ctx.db.kysely, [reach.departmentCode]))[0];
    mandate = parseMandate(dept?.mandate);
  }
  const shown = (c: LedgerColumn) => {
    const need = LEDGER_FIELDS[c.field].mandate;
    return !mandate || need === null || (need !== 'full' && mandate.fields.includes(need));
  };
  const columns = def.columns.filter(shown);
  const hidden = def.columns.filter((c) => !shown(c)).map((c) => c.field);
  const want = new Set(columns.map((c) => c.field));
  const unmasked = query.unmask && (want.has('idNumber') || want.has('phone'));

  const today = chinaToday(ctx.now());
  const filter: repo.LedgerFilter = { paths: reach.paths, today, tags: def.tags, mandateTags: mandate?.tags, conditions: def.conditions };
  const db = ctx.db.kysely;
  const total = await repo.countLedgerPeople(db, filter);
  if (!page && total > MAX_EXPORT_ROWS) throw badRequest('LEDGER_TOO_LARGE', { max: MAX_EXPORT_ROWS });
  const people = await repo.listLedgerPeople(db, filter, def.sort, { page: page ?? undefined, columns: repo.personColumnsFor([...want], unmasked) });
  const personIds = people.map((p) => p.id);

  // Everything else in bulk: nodes of every path, tags of every person, household numbers.
  const needsPlaces = want.has('address') || want.has('grid') || want.has('community');
  const nodeIds = needsPlaces ? [...new Set(people.flatMap((p) => p.org_path.split('/').filter(Boolean)))] : [];
  const nodes = new Map((await repo.nodesByIds(db, nodeIds)).map((n) => [n.id, n]));
  const needsTags = want.has('tags') || want.has('tagValidity') || want.has('tagNote') || want.has('tagSource');
  const tagRows = needsTags ? await repo.activeTagsOf(db, personIds, today) : [];
  const defs = needsTags ? await tagRepo.listDefinitions(db) : [];
  const tagOrder = new Map(defs.map((d, i) => [d.code, i]));
  const visibleTags = mandate ? new Set(mandate.tags) : null;
  const tagsByPerson = new Map<string, typeof tagRows>();
  for (const t of tagRows) {
    if (visibleTags && !visibleTags.has(t.tag)) continue;
    const list = tagsByPerson.get(t.person_id) ?? [];
    list.push(t);
    tagsByPerson.set(t.person_id, list);
  }
  const households = want.has('householdNumber')
    ? new Map((await repo.householdNumbers(db, [...new Set(people.map((p) => p.household_id).filter((x): x is string => !!x))])).map((h) => [h.id, h.number]))
    : new Map<string, string>();
  const deptNames = needsTags ? await departmentNames(ctx) : new Map<string, { name: string }>();
  const ledgerTags = new Set(def.tags);
  const multiTag = def.tags.length > 1;

  // People of one dwelling share their address: resolve each path once.
  const places = new Map<string, { address: string | null; grid: string | null; community: string | null }>();
  const placeOf = (path: string) => {
    let place = places.get(path);
    if (!place) {
      const chain = path
        .split('/')
        .filter(Boolean)
        .map((nid) => nodes.get(nid))
        .filter((n) => !!n);
      const address = chain
        .filter((n) => n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling')
        .map((n) => n.name)
        .join('');
      place = { address: address || null, grid: chain.find((n) => n.kind === 'grid')?.name ?? null, community: chain.find((n) => n.kind === 'community')?.name ?? null };
      places.set(path, place);
    }
    return place;
  };
  const prefix = (t: { tag: string }) => (multiTag ? `${t.tag}：` : '');
  const offset = page?.offset ?? 0;

  // A plain switch, not a closure per cell: a whole community is 13,500 rows × a dozen columns.
  const cell = (field: LedgerField, p: (typeof people)[number], i: number, held: typeof tagRows): string | number | null => {
    switch (field) {
      case 'seq':
        return offset + i + 1;
      case 'name':
        return p.name;
      case 'gender':
        return p.gender;
      case 'birthDate':
        return p.birth_date;
      case 'age':
        return ageOnDate(p.birth_date, today);
      case 'idType':
        return p.id_type;
      case 'idNumber':
        return unmasked ? (p.id_number_enc ? ctx.pii.decrypt(p.id_number_enc) : null) : maskedId(p);
      case 'phone':
        return unmasked ? (p.phone_enc ? ctx.pii.decrypt(p.phone_enc) : null) : maskedMobile(p);
      case 'address':
        return placeOf(p.org_path).address;
      case 'grid':
        return placeOf(p.org_path).grid;
      case 'community':
        return placeOf(p.org_path).community;
      case 'householdNumber':
        return p.household_id ? households.get(p.household_id) ?? null : null;
      case 'ethnicity':
        return p.ethnicity;
      case 'residenceType':
        return p.residence_type;
      case 'politicalStatus':
        return p.political_status;
      case 'education':
        return p.education;
      case 'maritalStatus':
        return p.marital_status;
      case 'hukouAddress':
        return p.hukou_address;
      case 'occupation':
        return p.occupation;
      case 'tags': {
        const codes = [...new Set(held.map((t) => t.tag))];
        return codes.sort((a, b) => (tagOrder.get(a) ?? 999) - (tagOrder.get(b) ?? 999)).join('、') || null;
      }
      case 'tagValidity':
        return (
          held
            .filter((t) => ledgerTags.has(t.tag))
            .map((t) => `${prefix(t)}${validityText(t.valid_from, t.valid_to)}`)
            .join('；') || null
        );
      case 'tagNote':
        return (
          held
            .filter((t) => ledgerTags.has(t.tag) && t.note)
            .map((t) => `${prefix(t)}${t.note}`)
            .join('；') || null
        );
      case 'tagSource': {
        const labels = held
          .filter((t) => ledgerTags.has(t.tag))
          .map((t) => `${prefix(t)}${SOURCE_LABELS[t.source] ?? t.source}${t.department_code ? `（${deptNames.get(t.department_code)?.name ?? t.department_code}）` : ''}`);
        return [...new Set(labels)].join('；') || null;
      }
      case 'note':
        return null;
    }
  };
  const noTags: typeof tagRows = [];
  const rows = people.map((p, i) => {
    const held = tagsByPerson.get(p.id) ?? noTags;
    const out: Record<string, string | number | null> = {};
    for (const c of columns) out[c.field] = cell(c.field, p, i, held);
    return out;
  });

  const unit = await unitNames(ctx, def.row.unit_name, node ? [node.path] : reach.paths);
  return { def, reach, unit, date: chineseDate(today), columns, hidden, rows, personIds, total, unmasked, orgNodeId: node?.id ?? null };
}

async function recordRead(ctx: PlatformContext, actor: Actor, g: Generated, kind: PersonAccessTable['kind'], action: string, purpose: string | undefined, meta: RequestMeta, extra: Record<string, unknown>) {
  const departmentCode = g.reach.mode === 'department' ? g.reach.departmentCode : null;
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action,
        targetType: 'ledger_definition',
        targetId: g.def.row.id,
        orgNodeId: g.orgNodeId,
        purpose: purpose ?? null,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code: g.def.row.code, title: g.def.row.title, departmentCode, count: g.rows.length, total: g.total, unmasked: g.unmasked, hiddenColumns: g.hidden, ...extra },
      },
      trx,
    );
    // The resident's own access log: every person whose row was shown or written out.
    await recordPersonAccess(trx, actor, g.personIds, { kind, purpose: purpose ?? `台账：${g.def.row.title}`, departmentCode, at });
  });
}

/** One page of a ledger, generated now, for the screen. */
export async function ledgerRows(ctx: PlatformContext, actor: Actor, id: string, query: GenerateQuery & { page: number; pageSize: number }, meta: RequestMeta): Promise<LedgerRows> {
  const page = { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
  const g = await generate(ctx, actor, id, query, page, meta, 'registry.ledger.rows');
  await recordRead(ctx, actor, g, 'ledger', 'registry.ledger.rows', query.purpose, meta, { page: query.page });
  return {
    ledger: { id: g.def.row.id, code: g.def.row.code, title: g.def.row.title, departmentCode: g.def.row.department_code, unit: g.unit, date: g.date },
    columns: g.columns,
    rows: g.rows,
    total: g.total,
    page: query.page,
    pageSize: query.pageSize,
    hiddenColumns: g.hidden,
    unmasked: g.unmasked,
  };
}

/** The whole ledger as the xlsx a department clerk expects. */
export async function exportLedger(ctx: PlatformContext, actor: Actor, id: string, query: GenerateQuery, meta: RequestMeta) {
  const g = await generate(ctx, actor, id, query, null, meta, 'registry.ledger.export');
  const buffer = await ledgerWorkbook({ title: g.def.row.title, unit: g.unit, date: g.date, columns: g.columns, rows: g.rows, preparedBy: actor.displayName });
  await recordRead(ctx, actor, g, 'export', 'registry.ledger.export', query.purpose, meta, { bytes: buffer.length });
  const stamp = chinaToday(ctx.now()).replace(/-/g, '');
  return { buffer, filename: `${g.def.row.title}_${g.unit}_${stamp}.xlsx` };
}

/** For the benchmark and tests: generate all rows without HTTP (still scoped, still audited). */
export async function generateLedger(ctx: PlatformContext, actor: Actor, id: string, query: GenerateQuery, meta: RequestMeta = {}) {
  const g = await generate(ctx, actor, id, query, null, meta, 'registry.ledger.rows');
  await recordRead(ctx, actor, g, 'ledger', 'registry.ledger.rows', query.purpose, meta, {});
  return { rows: g.rows, columns: g.columns, total: g.total, unit: g.unit, date: g.date };
}
