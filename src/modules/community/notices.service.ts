import type { PlatformContext } from '../../platform/context.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { attachmentOwners, registerAttachmentAccess, useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { peopleBriefs } from '../registry/registry.facts.js';
import { NOTICE_PUBLISH, NOTICE_TRACK } from './notices.policy.js';
import * as repo from './notices.repository.js';
import { NOTICE_CATEGORIES, type Audience } from './notices.schema.js';
import type { NoticeRow } from './notices.repository.js';
import type { NoticeCategory } from './notices.table.js';
import './notices.policy.js';

/**
 * 通知公告: staff write a notice for residents of their subtree, narrowed by registry tags
 * (all 高龄老人 of grid 3). Publishing fixes the audience: one receipt row per person reached,
 * in the same transaction as the inbox notifications (and the outbox channels chosen), so the
 * count of who has not read is exact. People without an account are told by their grid worker,
 * who records it (上门/电话/微信告知): a notice has reached everyone when nobody is left unreached.
 */

addMessages({
  'error.NOTICE_NOT_FOUND': { 'zh-CN': '通知不存在', en: 'No such notice' },
  'error.NOTICE_STALE': { 'zh-CN': '通知已被他人修改，请刷新后重试', en: 'Someone else changed this notice; reload and try again' },
  'error.NOTICE_NOT_DRAFT': { 'zh-CN': '只有草稿可以修改或发布', en: 'Only a draft can be edited or published' },
  'error.NOTICE_NOT_PUBLISHED': { 'zh-CN': '通知未发布或已撤回', en: 'The notice is not published (or was withdrawn)' },
  'error.NOTICE_AUDIENCE_OUTSIDE': {
    'zh-CN': '发送范围须在发布单位（{node}）之内',
    en: 'The audience must lie within the publishing node ({node})',
  },
  'error.NOTICE_AUDIENCE_EMPTY': { 'zh-CN': '发送范围内没有符合条件的居民', en: 'Nobody in the audience matches' },
  'error.NOTICE_UNKNOWN_TAG': { 'zh-CN': '未知的人员标签：{tags}', en: 'Unknown tags: {tags}' },
  'error.NOTICE_NODE_NOT_FOUND': { 'zh-CN': '组织节点不存在：{node}', en: 'No such organisation node: {node}' },
  'error.NOTICE_ATTACHMENT_INVALID': {
    'zh-CN': '附件须是您本人上传、用途为通知附件的文件',
    en: 'Attachments must be files you uploaded for notices (purpose community.notice)',
  },
  'error.NOTICE_NOT_RECIPIENT': { 'zh-CN': '这些人不在本通知的发送范围内，或不在您的网格：{count} 人', en: '{count} of these people are not recipients in your area' },
});

export const NOTICE_FILE_PURPOSE = 'community.notice';

const categoryName = (c: string) => NOTICE_CATEGORIES.find((x) => x.code === c)?.name ?? c;
/** The Beijing calendar day of an instant (tags are valid by day). */
const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** What a page of notices refers to (publishing nodes, attachments), read once for the page. */
async function lookupsFor(ctx: PlatformContext, rows: NoticeRow[]) {
  const db = ctx.db.kysely;
  const nodeIds = [...new Set(rows.map((r) => r.org_node_id))];
  const fileIds = [...new Set(rows.flatMap((r) => parseJson<string[]>(r.attachments, [])))];
  const [nodes, files] = await Promise.all([repo.nodesByIds(db, nodeIds), repo.attachmentsByIds(db, fileIds)]);
  const byId = new Map(files.map((a) => [a.id, a]));
  return {
    nodeName: (row: NoticeRow) => nodes.find((n) => n.id === row.org_node_id)?.name ?? null,
    attachments: (row: NoticeRow) =>
      parseJson<string[]>(row.attachments, [])
        .map((id) => byId.get(id))
        .filter((a): a is NonNullable<typeof a> => !!a)
        .map((a) => ({ id: a.id, name: a.original_name, mime: a.mime, size: a.size })),
  };
}

type Lookups = Awaited<ReturnType<typeof lookupsFor>>;

async function present(ctx: PlatformContext, row: NoticeRow) {
  return presentWith(await lookupsFor(ctx, [row]), row);
}

function presentWith(look: Lookups, row: NoticeRow) {
  const audience = parseJson<Audience>(row.audience, { nodeIds: [], tags: [], tagMode: 'any' });
  return {
    id: row.id,
    orgNodeId: row.org_node_id,
    orgNodeName: look.nodeName(row),
    category: row.category,
    categoryName: categoryName(row.category),
    title: row.title,
    body: row.body,
    audience: { nodeIds: audience.nodeIds, tags: audience.tags, tagMode: audience.tagMode },
    audienceLabel: row.audience_label,
    attachments: look.attachments(row),
    channels: parseJson<string[]>(row.channels, []),
    pinned: row.pinned === 1,
    status: row.status,
    recipientCount: row.recipient_count,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    withdrawnAt: row.withdrawn_at,
    withdrawReason: row.withdraw_reason,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Checks an audience against the publishing node and describes it (西山社区第一网格 · 高龄老人). */
async function resolveAudience(ctx: PlatformContext, publisherPath: string, publisherName: string, audience: Audience) {
  const db = ctx.db.kysely;
  const ids = [...new Set(audience.nodeIds)];
  const nodes = await repo.nodesByIds(db, ids);
  const missing = ids.find((id) => !nodes.some((n) => n.id === id));
  if (missing) throw badRequest('NOTICE_NODE_NOT_FOUND', { node: missing });
  if (nodes.some((n) => !n.path.startsWith(publisherPath))) throw badRequest('NOTICE_AUDIENCE_OUTSIDE', { node: publisherName });
  const tags = [...new Set(audience.tags)];
  const known = new Set((await repo.tagCodesKnown(db, tags)).map((t) => t.code));
  const unknown = tags.filter((t) => !known.has(t));
  if (unknown.length) throw badRequest('NOTICE_UNKNOWN_TAG', { tags: unknown.join('、') });
  // Nested nodes add nothing: keep the outermost paths.
  const paths = nodes.map((n) => n.path).sort();
  const outer = paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q)));
  const ordered = ids.map((id) => nodes.find((n) => n.id === id)!);
  const label = ordered.map((n) => n.name).join('、') + (tags.length ? ` · ${tags.join(audience.tagMode === 'all' ? '且' : '或')}` : '');
  return {
    normalised: { nodeIds: ids, tags, tagMode: audience.tagMode },
    filter: { paths: outer, tags, tagMode: audience.tagMode, day: beijingDay(ctx.now()) } satisfies repo.AudienceFilter,
    label,
  };
}

async function publisherNode(ctx: PlatformContext, actor: Actor, orgNodeId: string) {
  const node = await repo.nodeById(ctx.db.kysely, orgNodeId);
  if (!node) throw badRequest('NOTICE_NODE_NOT_FOUND', { node: orgNodeId });
  if (!canAt(actor, NOTICE_PUBLISH, node.path)) throw forbidden();
  return node;
}

async function checkAttachments(ctx: PlatformContext, actor: Actor, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await repo.attachmentsByIds(ctx.db.kysely, unique);
  if (rows.length !== unique.length || rows.some((a) => a.owner_user_id !== actor.userId || a.purpose !== NOTICE_FILE_PURPOSE)) {
    throw badRequest('NOTICE_ATTACHMENT_INVALID');
  }
  return unique;
}

/** How many people (and accounts) an audience reaches now: shown before publishing. */
export async function previewAudience(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; audience: Audience }) {
  const node = await publisherNode(ctx, actor, input.orgNodeId);
  const a = await resolveAudience(ctx, node.path, node.name, input.audience);
  const counts = await repo.countAudience(ctx.db.kysely, a.filter);
  return { ...counts, label: a.label };
}

export async function createNotice(
  ctx: PlatformContext,
  actor: Actor,
  input: { orgNodeId: string; category: NoticeCategory; title: string; body: string; audience: Audience; attachmentIds: string[]; channels: string[]; pinned: boolean },
  meta: RequestMeta,
) {
  const node = await publisherNode(ctx, actor, input.orgNodeId);
  const a = await resolveAudience(ctx, node.path, node.name, input.audience);
  const attachments = await checkAttachments(ctx, actor, input.attachmentIds);
  const at = ctx.now().toISOString();
  const row: NoticeRow = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    category: input.category,
    title: input.title,
    body: input.body,
    audience: JSON.stringify(a.normalised),
    audience_label: a.label,
    attachments: JSON.stringify(attachments),
    channels: JSON.stringify([...new Set(input.channels)]),
    pinned: input.pinned ? 1 : 0,
    status: 'draft',
    recipient_count: 0,
    published_at: null,
    published_by: null,
    withdrawn_at: null,
    withdrawn_by: null,
    withdraw_reason: null,
    version: 1,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertNotice(trx, row);
    await useAttachments(trx, 'notice', row.id, attachments);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.create', targetType: 'notice', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { title: row.title, audience: a.label } }, trx);
  });
  return present(ctx, row);
}

async function loadForPublisher(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await repo.getNotice(ctx.db.kysely, id);
  // Outside the caller's subtrees a notice does not exist.
  if (!row || !(canAt(actor, NOTICE_PUBLISH, row.org_path) || canAt(actor, NOTICE_TRACK, row.org_path))) throw notFound('NOTICE_NOT_FOUND');
  if (!canAt(actor, NOTICE_PUBLISH, row.org_path)) throw forbidden();
  return row;
}

export async function updateNotice(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: { category?: NoticeCategory; title?: string; body?: string; audience?: Audience; attachmentIds?: string[]; channels?: string[]; expectedVersion: number },
  meta: RequestMeta,
) {
  const row = await loadForPublisher(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('NOTICE_NOT_DRAFT');
  if (row.version !== input.expectedVersion) throw conflict('NOTICE_STALE');
  const patch: Partial<NoticeRow> = { updated_at: ctx.now().toISOString() };
  if (input.category) patch.category = input.category;
  if (input.title) patch.title = input.title;
  if (input.body) patch.body = input.body;
  if (input.channels) patch.channels = JSON.stringify([...new Set(input.channels)]);
  if (input.audience) {
    const [node] = await repo.nodesByIds(ctx.db.kysely, [row.org_node_id]);
    const a = await resolveAudience(ctx, row.org_path, node?.name ?? '', input.audience);
    patch.audience = JSON.stringify(a.normalised);
    patch.audience_label = a.label;
  }
  if (input.attachmentIds) patch.attachments = JSON.stringify(await checkAttachments(ctx, actor, input.attachmentIds));
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateNotice(trx, id, row.version, patch))) throw conflict('NOTICE_STALE');
    if (input.attachmentIds) await useAttachments(trx, 'notice', id, parseJson<string[]>(patch.attachments!, []));
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.update', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { fields: Object.keys(input).filter((k) => k !== 'expectedVersion') } }, trx);
  });
  return present(ctx, (await repo.getNotice(ctx.db.kysely, id))!);
}

/**
 * Publishes a draft: the audience is resolved now (who lives there and holds the tags today),
 * receipts and inbox notifications are written in one transaction, and open pages hear of it
 * after the commit (live.ts).
 */
export async function publishNotice(ctx: PlatformContext, actor: Actor, id: string, input: { expectedVersion: number }, meta: RequestMeta) {
  const row = await loadForPublisher(ctx, actor, id);
  if (row.status !== 'draft') throw conflict('NOTICE_NOT_DRAFT');
  if (row.version !== input.expectedVersion) throw conflict('NOTICE_STALE');
  const [node] = await repo.nodesByIds(ctx.db.kysely, [row.org_node_id]);
  const a = await resolveAudience(ctx, row.org_path, node?.name ?? '', parseJson<Audience>(row.audience, { nodeIds: [], tags: [], tagMode: 'any' }));
  const at = ctx.now();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const reached = await repo.insertRecipients(trx, id, a.filter);
    if (reached === 0) throw badRequest('NOTICE_AUDIENCE_EMPTY');
    if (!(await repo.updateNotice(trx, id, row.version, { status: 'published', published_at: at.toISOString(), published_by: actor.userId, recipient_count: reached, updated_at: at.toISOString() }))) {
      throw conflict('NOTICE_STALE');
    }
    const users = await repo.recipientUsers(trx, id);
    const excerpt = row.body.replace(/\s+/g, ' ').slice(0, 120);
    await notify(trx, {
      recipients: users,
      kind: 'community.notice',
      title: `【${categoryName(row.category)}】${row.title}`,
      body: excerpt,
      link: `/m/notices/${id}`,
      channels: parseJson<string[]>(row.channels, []),
      at,
    });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.publish', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { audience: a.label, people: reached, accounts: users.length } }, trx);
  });
  return present(ctx, (await repo.getNotice(ctx.db.kysely, id))!);
}

export async function withdrawNotice(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const row = await loadForPublisher(ctx, actor, id);
  if (row.status !== 'published') throw conflict('NOTICE_NOT_PUBLISHED');
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateNotice(trx, id, row.version, { status: 'withdrawn', withdrawn_at: at, withdrawn_by: actor.userId, withdraw_reason: input.reason, updated_at: at }))) throw conflict('NOTICE_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.withdraw', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { reason: input.reason } }, trx);
  });
  return present(ctx, (await repo.getNotice(ctx.db.kysely, id))!);
}

export async function pinNotice(ctx: PlatformContext, actor: Actor, id: string, input: { pinned: boolean }, meta: RequestMeta) {
  const row = await loadForPublisher(ctx, actor, id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateNotice(trx, id, row.version, { pinned: input.pinned ? 1 : 0, updated_at: ctx.now().toISOString() }))) throw conflict('NOTICE_STALE');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.pin', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { pinned: input.pinned } }, trx);
  });
  return present(ctx, (await repo.getNotice(ctx.db.kysely, id))!);
}

/** Subtrees where the caller follows a notice: its audience, narrowed to what they may track. */
function trackPaths(actor: Actor, notice: NoticeRow): string[] {
  const mine = [...scopePaths(actor, NOTICE_TRACK), ...scopePaths(actor, NOTICE_PUBLISH)].sort();
  const outer = mine.filter((p, i) => !mine.slice(0, i).some((q) => p.startsWith(q)));
  // A publisher above the notice sees all of it; a grid worker inside it sees their grid.
  return outer.some((p) => notice.org_path.startsWith(p)) ? [notice.org_path] : outer.filter((p) => p.startsWith(notice.org_path));
}

async function loadForTracker(ctx: PlatformContext, actor: Actor, id: string) {
  const row = await repo.getNotice(ctx.db.kysely, id);
  if (!row) throw notFound('NOTICE_NOT_FOUND');
  const paths = trackPaths(actor, row);
  if (paths.length === 0) throw notFound('NOTICE_NOT_FOUND');
  return { row, paths };
}

/**
 * Notices the caller writes or follows: those of their subtrees, and those published above them
 * that reach into them (a street's notice, followed by the grid worker of a grid).
 */
export async function listForStaff(ctx: PlatformContext, actor: Actor, q: { status?: 'draft' | 'published' | 'withdrawn'; orgNodeId?: string; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const mine = [...new Set([...scopePaths(actor, NOTICE_TRACK), ...scopePaths(actor, NOTICE_PUBLISH)])];
  const ancestors = new Set<string>();
  for (const p of mine) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) ancestors.add(`/${parts.slice(0, i).join('/')}/`);
  }
  let under: string | undefined;
  if (q.orgNodeId) under = (await repo.nodeById(db, q.orgNodeId))?.path ?? '/none/';
  const { items, total } = await repo.listForStaff(db, mine, [...ancestors], { status: q.status, under, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const look = await lookupsFor(ctx, items);
  return { items: items.map((r) => presentWith(look, r)), total, page: q.page, pageSize: q.pageSize };
}

export async function getForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const { row, paths } = await loadForTracker(ctx, actor, id);
  const db = ctx.db.kysely;
  let receipts = null;
  if (row.status !== 'draft') {
    const counts = await repo.receiptCounts(db, id, paths);
    // Per grid inside what the caller follows (per community when the audience has no grids).
    let nodes = await repo.nodesOfKind(db, paths, 'grid');
    if (nodes.length === 0) nodes = await repo.nodesOfKind(db, paths, 'community');
    const perNode = await repo.receiptCountsPerNode(db, id, nodes);
    const byNode = nodes
      .map((n) => ({ n, c: perNode.get(n.id) }))
      .filter((x) => x.c && x.c.total > 0)
      .map(({ n, c }) => ({ orgNodeId: n.id, name: n.name, total: c!.total, read: c!.read, informed: c!.informed, unreached: c!.unreached }));
    receipts = { ...counts, byNode };
  }
  return { ...(await present(ctx, row)), receipts };
}

/**
 * Who has not been reached (not read in the app, not told): names, masked phones and where they
 * live, for the grid worker's round. A list of people defined by tags (低保 …) is sensitive: audited.
 */
export async function unreached(ctx: PlatformContext, actor: Actor, id: string, q: { orgNodeId?: string; page: number; pageSize: number }, meta: RequestMeta) {
  const { row, paths: mine } = await loadForTracker(ctx, actor, id);
  if (row.status === 'draft') throw conflict('NOTICE_NOT_PUBLISHED');
  let paths = mine;
  if (q.orgNodeId) {
    const node = await repo.nodeById(ctx.db.kysely, q.orgNodeId);
    if (!node || !mine.some((p) => node.path.startsWith(p))) throw notFound('NOTICE_NODE_NOT_FOUND', { node: q.orgNodeId });
    paths = [node.path];
  }
  const { items, total } = await repo.unreachedPeople(ctx.db.kysely, id, paths, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const briefs = new Map((await peopleBriefs(ctx.db.kysely, items.map((i) => i.person_id))).map((b) => [b.personId, b]));
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.unreached.read', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { people: items.length, page: q.page } });
  return {
    items: items.map((i) => {
      const b = briefs.get(i.person_id);
      return { personId: i.person_id, name: b?.name ?? '', phoneMasked: b?.phoneMasked ?? null, place: b?.place ?? null, hasAccount: i.user_id !== null };
    }),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A grid worker records telling people in person, by phone or by WeChat. */
export async function recordInformed(ctx: PlatformContext, actor: Actor, id: string, input: { personIds: string[]; how: 'visit' | 'phone' | 'wechat' }, meta: RequestMeta) {
  const { row, paths } = await loadForTracker(ctx, actor, id);
  if (row.status !== 'published') throw conflict('NOTICE_NOT_PUBLISHED');
  const ids = [...new Set(input.personIds)];
  const found = await repo.recipientsIn(ctx.db.kysely, id, ids);
  const outside = ids.length - found.filter((r) => paths.some((p) => r.org_path.startsWith(p))).length;
  if (outside > 0) throw badRequest('NOTICE_NOT_RECIPIENT', { count: outside });
  const at = ctx.now().toISOString();
  const updated = await ctx.db.kysely.transaction().execute(async (trx) => {
    const n = await repo.markInformed(trx, id, ids, { informed_at: at, informed_by: actor.userId, informed_how: input.how });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.informed', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { people: n, how: input.how } }, trx);
    return n;
  });
  return { updated, receipts: await repo.receiptCounts(ctx.db.kysely, id, paths) };
}

// ---------------------------------------------------------------- residents

const readerOf = (actor: Actor): repo.Reader => ({ personId: actor.personId, userId: actor.userId });

async function presentMine(ctx: PlatformContext, row: NoticeRow & { read_at: string | null }) {
  return presentMineWith(await lookupsFor(ctx, [row]), row);
}

function presentMineWith(look: Lookups, row: NoticeRow & { read_at: string | null }) {
  return {
    id: row.id,
    category: row.category,
    categoryName: categoryName(row.category),
    title: row.title,
    body: row.body,
    orgNodeName: look.nodeName(row),
    attachments: look.attachments(row),
    pinned: row.pinned === 1,
    publishedAt: row.published_at,
    readAt: row.read_at,
  };
}

export async function listMine(ctx: PlatformContext, actor: Actor, q: { page: number; pageSize: number }) {
  const { items, total, unread } = await repo.listMine(ctx.db.kysely, readerOf(actor), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const look = await lookupsFor(ctx, items);
  return { items: items.map((r) => presentMineWith(look, r)), total, unread, page: q.page, pageSize: q.pageSize };
}

/** Opening a notice is its read receipt (the first time only). */
export async function openMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getMine(db, readerOf(actor), id);
  if (!row) throw notFound('NOTICE_NOT_FOUND');
  if (row.read_at) return presentMine(ctx, row);
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if (await repo.markRead(trx, id, row.person_id, at)) {
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.notice.read', targetType: 'notice', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId }, trx);
    }
  });
  return presentMine(ctx, { ...row, read_at: at });
}

// Residents open the attachments of notices they received; staff who follow the notice too.
registerAttachmentAccess(NOTICE_FILE_PURPOSE, async (ctx, actor, attachment) => {
  if (await repo.personReceivedAttachment(ctx.db.kysely, readerOf(actor), attachment.id)) return true;
  const ids = await attachmentOwners(ctx.db.kysely, attachment.id, 'notice');
  const notices = ids.length ? await ctx.db.kysely.selectFrom('notice').selectAll().where('id', 'in', ids).execute() : [];
  // Staff of the notice's node; once published, also the grid workers following their part of it.
  return notices.some((n) => canAt(actor, NOTICE_TRACK, n.org_path) || canAt(actor, NOTICE_PUBLISH, n.org_path) || (n.status !== 'draft' && trackPaths(actor, n).length > 0));
});
