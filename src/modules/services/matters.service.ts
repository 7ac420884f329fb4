import type { PlatformContext } from '../../platform/context.js';
import { getNodesByIds } from '../../platform/org/org.repository.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { parseJson } from '../../platform/db/dialect.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { absoluteUrl, renderQrSvg } from '../../platform/qr/qr.js';
import { renderPoster } from './matters.poster.js';
import * as repo from './matters.repository.js';
import { ZMatterContent, type MaterialForm, type MatterContent, type MatterContentInput } from './matters.schema.js';
import { matterTerms, parseQuery, type QueryWord } from './matters.search.js';
import type { MatterStatus } from './matters.table.js';
import './services.policy.js';

export const MATTER_MANAGE = 'services.matter.manage';
export const MATTER_READ = 'services.matter.read';

addMessages({
  'error.SERVICE_MATTER_NOT_FOUND': { 'zh-CN': '办事事项“{code}”不存在或已停办', en: 'No matter "{code}" in the service guide (or it is withdrawn)' },
  'error.SERVICE_MATTER_VERSION_NOT_FOUND': { 'zh-CN': '事项“{code}”没有第 {version} 版', en: 'Matter "{code}" has no version {version}' },
  'error.SERVICE_MATTER_CODE_TAKEN': { 'zh-CN': '事项编码“{code}”已被使用', en: 'The matter code "{code}" is already used' },
  'error.SERVICE_GROUP_UNKNOWN': { 'zh-CN': '事项分类“{group}”不存在', en: 'No matter group "{group}"' },
  'error.SERVICE_MATTER_FORBIDDEN': {
    'zh-CN': '您无权编辑该事项（全市通用事项由市级管理员维护，社区事项由本社区工作人员维护）',
    en: 'You may not edit this matter (the deployment-wide catalogue is kept at city level, a community’s own matters by its staff)',
  },
  'error.SERVICE_MATTER_VERSION_CONFLICT': {
    'zh-CN': '该事项已被他人修改（最新为第 {latest} 版），请刷新后在最新版本上修改',
    en: 'Someone else changed this matter (latest is version {latest}); refresh and edit the latest version',
  },
  'error.SERVICE_MATTER_NEVER_PUBLISHED': { 'zh-CN': '该事项还没有发布过的版本，请先发布一个版本', en: 'This matter has no published version yet; publish one first' },
  'error.SERVICE_OWNER_NODE_INVALID': { 'zh-CN': '事项所属单位须为街道或社区', en: 'A matter belongs to a street or a community' },
});

const FORM_LABEL: Record<MaterialForm, { 'zh-CN': string; en: string }> = {
  original: { 'zh-CN': '原件', en: 'Original' },
  copy: { 'zh-CN': '复印件', en: 'Copy' },
  original_and_copy: { 'zh-CN': '原件及复印件', en: 'Original and copy' },
  electronic: { 'zh-CN': '电子材料', en: 'Photo or scan' },
};

export const MODE_LABEL = {
  online: { 'zh-CN': '网上办理', en: 'Online' },
  offline: { 'zh-CN': '窗口办理', en: 'At the window' },
  both: { 'zh-CN': '网上或窗口办理', en: 'Online or at the window' },
} as const;

export const mobilePath = (code: string) => `/m/services/matters/${encodeURIComponent(code)}`;
export const qrPath = (code: string) => `/api/v1/service-matters/${encodeURIComponent(code)}/qr`;
export const posterPath = (code: string) => `/api/v1/service-matters/${encodeURIComponent(code)}/poster`;

/** The content of a stored version (defaults applied). */
export function contentOf(row: Pick<repo.VersionRow, 'content'>): MatterContent {
  return ZMatterContent.parse(parseJson<MatterContentInput>(row.content, {} as MatterContentInput));
}

/** The materials an online application asks to upload: the form's list, or every material marked online. */
export function uploadMaterialsOf(content: MatterContent): string[] {
  if (!content.form) return [];
  return content.form.materials ?? content.materials.filter((m) => m.online).map((m) => m.code);
}

// ---------------------------------------------------------------- who may edit

const rootPath = (path: string) => path.split('/').filter(Boolean).length === 1;

/** The deployment-wide catalogue is kept by a manager granted at the top of the tree; a community's own matters by its staff. */
function mayManage(actor: Actor, ownerPath: string): boolean {
  if (ownerPath) return canAt(actor, MATTER_MANAGE, ownerPath);
  const roles = rolesWith(MATTER_MANAGE);
  return actor.grants.some((g) => roles.has(g.role) && rootPath(g.orgPath));
}

function requireManage(actor: Actor, row: Pick<repo.MatterRow, 'org_path'>) {
  if (!mayManage(actor, row.org_path)) throw forbidden('SERVICE_MATTER_FORBIDDEN');
}

// ---------------------------------------------------------------- presenting

type GroupInfo = { name: string; name_en: string };

async function groupsByCode(ctx: PlatformContext) {
  return new Map<string, GroupInfo>((await repo.listGroups(ctx.db.kysely)).map((g) => [g.code, g]));
}

async function ownerNames(ctx: PlatformContext, rows: repo.MatterRow[]) {
  const ids = [...new Set(rows.map((r) => r.org_node_id).filter((x): x is string => !!x))];
  return new Map((await getNodesByIds(ctx.db.kysely, ids)).map((n) => [n.id, n.name]));
}

export function presentSummary(row: repo.MatterRow, groups: Map<string, GroupInfo>, owners: Map<string, string>, matched?: string[]) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    summary: row.summary,
    groupCode: row.group_code,
    groupName: groups.get(row.group_code)?.name ?? row.group_code,
    mode: row.mode,
    onlineApply: row.mode !== 'offline' && row.status === 'published',
    timeLimitDays: Number(row.time_limit_days),
    free: Number(row.free) === 1,
    department: row.department,
    orgNodeId: row.org_node_id,
    orgNodeName: row.org_node_id ? (owners.get(row.org_node_id) ?? null) : null,
    status: row.status,
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    latestVersion: Number(row.latest_version),
    mobilePath: mobilePath(row.code),
    ...(matched ? { matched } : {}),
  };
}

function presentContent(c: MatterContent) {
  return {
    ...c,
    materials: c.materials.map((m) => ({ ...m, formLabel: FORM_LABEL[m.form], example: m.example ?? null, note: m.note ?? null })),
  };
}

// ---------------------------------------------------------------- reading (the public guide)

export async function listGroups(ctx: PlatformContext, communityId?: string) {
  const owners = await ownerPathsFor(ctx, communityId);
  const [groups, counts] = await Promise.all([repo.listGroups(ctx.db.kysely), repo.countPublishedByGroup(ctx.db.kysely, owners)]);
  const n = new Map(counts.map((c) => [c.group_code, Number(c.n)]));
  return { items: groups.map((g) => ({ code: g.code, name: g.name, nameEn: g.name_en, icon: g.icon, sort: Number(g.sort), matterCount: n.get(g.code) ?? 0 })) };
}

/** The deployment-wide catalogue plus the matters of the community and the streets above it. */
async function ownerPathsFor(ctx: PlatformContext, communityId?: string): Promise<string[] | null> {
  if (!communityId) return null;
  const [node] = await getNodesByIds(ctx.db.kysely, [communityId]);
  if (!node) throw notFound('NOT_FOUND');
  const ids = node.path.split('/').filter(Boolean);
  return ['', ...ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`)];
}

export interface SearchHit {
  score: number;
  fields: Set<string>;
}

/**
 * Matters matching every word of the query, with a score: the weights of the fields each word
 * matched in, plus a bonus when the name holds the Han word itself or begins with the pinyin.
 */
export async function searchMatters(ctx: PlatformContext, q: string): Promise<Map<string, SearchHit> | null> {
  const words = parseQuery(q);
  if (words.length === 0) return null;
  let result: Map<string, SearchHit> | null = null;
  for (const word of words) {
    const hits = await wordHits(ctx, word);
    if (result === null) result = hits;
    else {
      const next = new Map<string, SearchHit>();
      for (const [id, h] of hits) {
        const prev: SearchHit | undefined = result.get(id);
        if (prev) next.set(id, { score: prev.score + h.score, fields: new Set([...prev.fields, ...h.fields]) });
      }
      result = next;
    }
    if (result.size === 0) break;
  }
  return result;
}

async function wordHits(ctx: PlatformContext, word: QueryWord): Promise<Map<string, SearchHit>> {
  const out = new Map<string, SearchHit>();
  if (word.kind === 'latin') {
    for (const h of await repo.pinyinPrefix(ctx.db.kysely, word.text)) {
      const cur = out.get(h.matter_id) ?? { score: 0, fields: new Set<string>() };
      // The name's own start (the longest suffix) ranks above a syllable inside it.
      cur.score = Math.max(cur.score, Number(h.weight));
      cur.fields.add(h.field === 'keyword_pinyin' ? 'keyword' : h.field);
      out.set(h.matter_id, cur);
    }
    return out;
  }
  const hits = await repo.termsIn(ctx.db.kysely, word.grams);
  const byMatter = new Map<string, Map<string, { weight: number; fields: Set<string> }>>();
  for (const h of hits) {
    const grams = byMatter.get(h.matter_id) ?? new Map();
    const g = grams.get(h.term) ?? { weight: 0, fields: new Set<string>() };
    g.weight = Math.max(g.weight, Number(h.weight));
    g.fields.add(h.field);
    grams.set(h.term, g);
    byMatter.set(h.matter_id, grams);
  }
  for (const [id, grams] of byMatter) {
    if (grams.size < word.grams.length) continue;
    const fields = new Set<string>();
    let score = 0;
    for (const g of grams.values()) {
      score += g.weight;
      g.fields.forEach((f) => fields.add(f));
    }
    out.set(id, { score: score / word.grams.length, fields });
  }
  return out;
}

export interface MatterListQuery {
  q?: string;
  group?: string;
  communityId?: string;
  mode?: 'online' | 'offline' | 'both' | 'online_any';
  limit: number;
}

/** The guide: published matters, by group, for a community, or found by a search (best first). */
export async function listPublicMatters(ctx: PlatformContext, query: MatterListQuery) {
  const db = ctx.db.kysely;
  const owners = await ownerPathsFor(ctx, query.communityId);
  const hits = query.q ? await searchMatters(ctx, query.q) : null;
  const modes = query.mode === 'online_any' ? (['online', 'both'] as const) : query.mode ? ([query.mode] as const) : undefined;
  if (query.q && !hits) return { items: [], total: 0 };
  const rows = await repo.listMatters(db, { statuses: ['published'], groupCode: query.group, ownerPaths: owners, ids: hits ? [...hits.keys()] : undefined, modes: modes ? [...modes] : undefined }, 500);
  const words = query.q ? parseQuery(query.q) : [];
  const ranked = hits
    ? rows
        .map((r) => {
          const h = hits.get(r.id)!;
          let bonus = 0;
          const lowerName = r.name.toLowerCase();
          for (const w of words) if (w.kind === 'han' && lowerName.includes(w.text)) bonus += 20;
          return { r, score: h.score + bonus, fields: [...h.fields] };
        })
        .sort((a, b) => b.score - a.score || Number(a.r.sort) - Number(b.r.sort))
    : rows.map((r) => ({ r, score: 0, fields: undefined as string[] | undefined }));
  const [groups, ownerName] = await Promise.all([groupsByCode(ctx), ownerNames(ctx, rows)]);
  return { items: ranked.slice(0, query.limit).map((x) => presentSummary(x.r, groups, ownerName, x.fields)), total: ranked.length };
}

async function detail(ctx: PlatformContext, row: repo.MatterRow, version: number) {
  const v = await repo.getVersion(ctx.db.kysely, row.id, version);
  if (!v) throw notFound('SERVICE_MATTER_VERSION_NOT_FOUND', { code: row.code, version });
  const content = contentOf(v);
  const [groups, owners] = await Promise.all([groupsByCode(ctx), ownerNames(ctx, [row])]);
  // The summary speaks for the version shown, not the row's mirror of the published one.
  const summary = presentSummary({ ...row, name: content.name, name_en: content.nameEn ?? null, summary: content.summary, department: content.department, mode: content.mode, time_limit_days: content.timeLimitDays, free: content.fee.free ? 1 : 0 }, groups, owners);
  return {
    ...summary,
    version,
    content: presentContent(content),
    uploadMaterials: uploadMaterialsOf(content),
    qrPath: qrPath(row.code),
    posterPath: posterPath(row.code),
    publishedAt: v.published_at,
    updatedAt: row.updated_at,
  };
}

/** A matter's page in the guide: its published version. */
export async function getPublicMatter(ctx: PlatformContext, code: string) {
  const row = await repo.getMatterByCode(ctx.db.kysely, code);
  if (!row || row.status !== 'published' || row.published_version === null) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  return detail(ctx, row, Number(row.published_version));
}

/** The published content of a matter for applying (null when it is not open for applications). */
export async function getPublishedContent(ctx: PlatformContext, code: string): Promise<{ row: repo.MatterRow; content: MatterContent } | null> {
  const row = await repo.getMatterByCode(ctx.db.kysely, code);
  if (!row || row.status !== 'published' || row.published_version === null) return null;
  const v = await repo.getVersion(ctx.db.kysely, row.id, Number(row.published_version));
  return v ? { row, content: contentOf(v) } : null;
}

/** The content of a given version (an application's form is the version it was made against). */
export async function getVersionContent(ctx: PlatformContext, matterId: string, version: number): Promise<MatterContent | null> {
  const v = await repo.getVersion(ctx.db.kysely, matterId, version);
  return v ? contentOf(v) : null;
}

// ---------------------------------------------------------------- staff: drafts, versions, edits

/** Staff: every matter they may see (all statuses), their own community's and the catalogue. */
export async function listStaffMatters(ctx: PlatformContext, actor: Actor, query: { q?: string; group?: string; status?: MatterStatus }) {
  const db = ctx.db.kysely;
  const subtrees = scopePaths(actor, MATTER_READ);
  const hits = query.q ? await searchMatters(ctx, query.q) : null;
  const rows = await repo.listMatters(
    db,
    { statuses: query.status ? [query.status] : ['draft', 'published', 'withdrawn'], groupCode: query.group, ownerPaths: [''], ownerSubtrees: subtrees },
    1000,
  );
  // Drafts and withdrawn matters are not indexed: a staff search also matches names and codes directly.
  const q = query.q?.trim();
  const items = q ? rows.filter((r) => hits?.has(r.id) || r.name.includes(q) || r.code.includes(q)) : rows;
  const [groups, owners] = await Promise.all([groupsByCode(ctx), ownerNames(ctx, items)]);
  return { items: items.map((r) => ({ ...presentSummary(r, groups, owners), mayEdit: mayManage(actor, r.org_path) })), total: items.length };
}

export async function getStaffMatter(ctx: PlatformContext, code: string, version?: number) {
  const row = await repo.getMatterByCode(ctx.db.kysely, code);
  if (!row) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  return detail(ctx, row, version ?? Number(row.published_version ?? row.latest_version));
}

export async function listMatterVersions(ctx: PlatformContext, code: string) {
  const row = await repo.getMatterByCode(ctx.db.kysely, code);
  if (!row) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  const versions = await repo.listVersions(ctx.db.kysely, row.id);
  return {
    code: row.code,
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    latestVersion: Number(row.latest_version),
    items: versions.map((v) => ({
      version: Number(v.version),
      note: v.note,
      createdBy: v.created_by_name,
      createdAt: v.created_at,
      publishedAt: v.published_at,
      publishedBy: v.published_by_name,
      published: Number(v.version) === Number(row.published_version),
      name: parseJson<{ name?: string }>(v.content, {}).name ?? row.name,
    })),
  };
}

/** The row's mirror of a version's content (what lists show without reading versions). */
function mirrorOf(c: MatterContent): Partial<repo.MatterRow> {
  return { name: c.name, name_en: c.nameEn ?? null, summary: c.summary, department: c.department, mode: c.mode, time_limit_days: c.timeLimitDays, free: c.fee.free ? 1 : 0 };
}

async function audit(ctx: PlatformContext, executor: Parameters<typeof appendAudit>[2], actor: Actor, action: string, row: Pick<repo.MatterRow, 'id' | 'org_node_id'>, meta: RequestMeta, details: Record<string, unknown>) {
  await appendAudit(
    ctx.db,
    { actorId: actor.userId, actorName: actor.username, action, targetType: 'service_matter', targetId: row.id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details },
    executor,
  );
}

export interface CreateMatterInput {
  code: string;
  groupCode: string;
  orgNodeId?: string;
  sort?: number;
  content: MatterContent;
  note?: string;
  publish: boolean;
}

export async function createMatter(ctx: PlatformContext, actor: Actor, input: CreateMatterInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  let ownerPath = '';
  if (input.orgNodeId) {
    const [node] = await getNodesByIds(db, [input.orgNodeId]);
    if (!node || !['street', 'community', 'district', 'city'].includes(node.kind)) throw badRequest('SERVICE_OWNER_NODE_INVALID');
    ownerPath = node.path;
  }
  if (!mayManage(actor, ownerPath)) throw forbidden('SERVICE_MATTER_FORBIDDEN');
  if (!(await repo.groupExists(db, input.groupCode))) throw badRequest('SERVICE_GROUP_UNKNOWN', { group: input.groupCode });
  if (await repo.getMatterByCode(db, input.code)) throw conflict('SERVICE_MATTER_CODE_TAKEN', { code: input.code });
  const now = ctx.now();
  const at = now.toISOString();
  const row: repo.MatterRow = {
    id: newId(now.getTime()),
    code: input.code,
    group_code: input.groupCode,
    org_node_id: input.orgNodeId ?? null,
    org_path: ownerPath,
    status: 'draft',
    published_version: null,
    latest_version: 1,
    name: input.content.name,
    name_en: input.content.nameEn ?? null,
    summary: input.content.summary,
    department: input.content.department,
    mode: input.content.mode,
    time_limit_days: input.content.timeLimitDays,
    free: input.content.fee.free ? 1 : 0,
    sort: input.sort ?? 1000,
    published_at: null,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    try {
      await repo.insertMatter(trx, row);
    } catch (e) {
      // Two creators of one code at once: the unique index decides.
      if (await repo.getMatterByCode(db, input.code)) throw conflict('SERVICE_MATTER_CODE_TAKEN', { code: input.code });
      throw e;
    }
    await repo.insertVersion(trx, { matter_id: row.id, version: 1, content: JSON.stringify(input.content), note: input.note ?? null, created_by: actor.userId, created_by_name: actor.displayName, created_at: at, published_at: null, published_by_name: null });
    await audit(ctx, trx, actor, 'services.matter.create', row, meta, { code: row.code, group: row.group_code, owner: row.org_node_id });
    if (input.publish) await publishInTrx(ctx, trx, actor, row, 1, input.content, meta);
  });
  return getStaffMatter(ctx, row.code);
}

export async function addVersion(ctx: PlatformContext, actor: Actor, code: string, input: { content: MatterContent; note?: string; publish: boolean; baseVersion?: number }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getMatterByCode(db, code);
  if (!row) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  requireManage(actor, row);
  const latest = Number(row.latest_version);
  if (input.baseVersion !== undefined && input.baseVersion !== latest) throw conflict('SERVICE_MATTER_VERSION_CONFLICT', { latest });
  const at = ctx.now().toISOString();
  const version = latest + 1;
  await db.transaction().execute(async (trx) => {
    // A draft never published mirrors its latest version; a published matter keeps showing the published one.
    const patch = row.published_version === null ? { ...mirrorOf(input.content), updated_at: at } : { updated_at: at };
    if (!(await repo.bumpLatest(trx, row.id, latest, patch))) throw conflict('SERVICE_MATTER_VERSION_CONFLICT', { latest: latest + 1 });
    await repo.insertVersion(trx, { matter_id: row.id, version, content: JSON.stringify(input.content), note: input.note ?? null, created_by: actor.userId, created_by_name: actor.displayName, created_at: at, published_at: null, published_by_name: null });
    await audit(ctx, trx, actor, 'services.matter.version', row, meta, { code, version, note: input.note ?? null });
    if (input.publish) await publishInTrx(ctx, trx, actor, { ...row, latest_version: version }, version, input.content, meta);
  });
  return getStaffMatter(ctx, code, version);
}

export async function publishVersion(ctx: PlatformContext, actor: Actor, code: string, version: number, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getMatterByCode(db, code);
  if (!row) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  requireManage(actor, row);
  const v = await repo.getVersion(db, row.id, version);
  if (!v) throw notFound('SERVICE_MATTER_VERSION_NOT_FOUND', { code, version });
  await db.transaction().execute((trx) => publishInTrx(ctx, trx, actor, row, version, contentOf(v), meta));
  return getStaffMatter(ctx, code, version);
}

/** Publishing (or re-publishing an older version, a rollback): the row mirrors it and its search terms replace the old ones. */
async function publishInTrx(ctx: PlatformContext, trx: Parameters<typeof repo.insertVersion>[0], actor: Actor, row: repo.MatterRow, version: number, content: MatterContent, meta: RequestMeta) {
  const at = ctx.now().toISOString();
  await repo.updateMatter(trx, row.id, { ...mirrorOf(content), status: 'published', published_version: version, published_at: at, updated_at: at });
  await repo.markVersionPublished(trx, row.id, version, at, actor.displayName);
  const groups = await repo.listGroups(trx);
  await repo.replaceTerms(
    trx,
    row.id,
    matterTerms(content, groups.find((g) => g.code === row.group_code)?.name ?? '').map((t) => ({ term: t.term, field: t.field, weight: t.weight })),
  );
  await audit(ctx, trx, actor, 'services.matter.publish', row, meta, { code: row.code, version, previous: row.published_version });
}

export async function updateMatter(ctx: PlatformContext, actor: Actor, code: string, input: { groupCode?: string; sort?: number; status?: 'published' | 'withdrawn' }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getMatterByCode(db, code);
  if (!row) throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  requireManage(actor, row);
  if (input.groupCode && !(await repo.groupExists(db, input.groupCode))) throw badRequest('SERVICE_GROUP_UNKNOWN', { group: input.groupCode });
  if (input.status === 'published' && row.published_version === null) throw conflict('SERVICE_MATTER_NEVER_PUBLISHED');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    const patch: Partial<repo.MatterRow> = { updated_at: at };
    if (input.groupCode) patch.group_code = input.groupCode;
    if (input.sort !== undefined) patch.sort = input.sort;
    if (input.status) patch.status = input.status;
    await repo.updateMatter(trx, row.id, patch);
    const status = input.status ?? row.status;
    if (status === 'withdrawn') await repo.deleteTerms(trx, row.id);
    else if (status === 'published' && (input.status === 'published' || input.groupCode) && row.published_version !== null) {
      // Back in the guide, or in another group: its terms again.
      const v = await repo.getVersion(trx, row.id, Number(row.published_version));
      const groups = await repo.listGroups(trx);
      const groupName = groups.find((g) => g.code === (input.groupCode ?? row.group_code))?.name ?? '';
      if (v) await repo.replaceTerms(trx, row.id, matterTerms(contentOf(v), groupName).map((t) => ({ term: t.term, field: t.field, weight: t.weight })));
    }
    await audit(ctx, trx, actor, 'services.matter.update', row, meta, { code, ...input });
  });
  return getStaffMatter(ctx, code);
}

// ---------------------------------------------------------------- QR code and poster

/** The absolute link a matter's QR code holds: its mobile page on the origin the caller used. */
export async function matterLink(ctx: PlatformContext, code: string, origin: string): Promise<string> {
  const row = await repo.getMatterByCode(ctx.db.kysely, code);
  if (!row || row.status !== 'published') throw notFound('SERVICE_MATTER_NOT_FOUND', { code });
  return absoluteUrl(origin, mobilePath(row.code));
}

export async function matterPoster(ctx: PlatformContext, code: string, origin: string, lang: 'zh-CN' | 'en'): Promise<string> {
  const matter = await getPublicMatter(ctx, code);
  const url = absoluteUrl(origin, matter.mobilePath);
  const content = await getVersionContent(ctx, matter.id, matter.version);
  return renderPoster({ code: matter.code, groupName: matter.groupName, content: content!, qrSvg: await renderQrSvg(url, { margin: 1 }), url, ownerName: matter.orgNodeName, lang });
}
