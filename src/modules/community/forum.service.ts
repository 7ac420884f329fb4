import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { registerAttachmentAccess } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith, STAFF_ROLES } from '../../platform/policy/roles.js';
import { residentFacts } from '../registry/registry.facts.js';
import { FORUM_MODERATE, FORUM_POST, FORUM_WORDS } from './forum.policy.js';
import * as repo from './forum.repository.js';
import type { CommentRow, GroupRow, PostRow, ReportRow, WordRow } from './forum.repository.js';
import { MAX_IMAGES, REPORT_REASONS } from './forum.schema.js';
import { escapeHtml, findWords, htmlToText, normaliseForMatch, sanitizePostHtml, type WordEntry } from './forum.text.js';
import type { ForumContentStatus, ForumReportStatus, SensitiveWordLevel } from './forum.table.js';
import './forum.policy.js';
// Posts and comments feed opinion trends (舆情) through its source registry.
import './forum.opinion.js';

/**
 * 兴趣社区: interest groups of a community (书画, 广场舞, 太极拳 …) that residents join; posts with
 * up to nine pictures and sanitised rich text, plain-text comments, likes and reports. Everyone
 * appears under a forum nickname; moderators of the author's subtree can see who is behind it
 * (an audited read). A sensitive-word list kept as data holds content for review or refuses it;
 * held items wait in the review queue, invisible to everyone but their author (审核中) and the
 * moderators, until approved or rejected. Posting and commenting are rate-limited per user,
 * counted in the database so the limit holds across server processes.
 */

export const FORUM_FILE_PURPOSE = 'community.forum';
export const POST_LIMIT = { max: 5, minutes: 10 };
export const COMMENT_LIMIT = { max: 30, minutes: 60 };
/** Nicknames that would pass for staff or the platform. */
const RESERVED_NICKNAME_PARTS = ['管理员', '官方', '客服', '网格员', '社区工作人员', '居委会', 'admin'];
const MODERATOR_ROLES = [...rolesWith(FORUM_MODERATE)];

addMessages({
  'error.FORUM_GROUP_NOT_FOUND': { 'zh-CN': '兴趣小组不存在', en: 'No such group' },
  'error.FORUM_POST_NOT_FOUND': { 'zh-CN': '帖子不存在或已删除', en: 'No such post (or it was deleted)' },
  'error.FORUM_COMMENT_NOT_FOUND': { 'zh-CN': '评论不存在', en: 'No such comment' },
  'error.FORUM_REPORT_NOT_FOUND': { 'zh-CN': '举报不存在', en: 'No such report' },
  'error.FORUM_WORD_NOT_FOUND': { 'zh-CN': '敏感词不存在', en: 'No such word' },
  'error.FORUM_NO_COMMUNITY': { 'zh-CN': '您的账号未关联社区，暂不能使用兴趣社区', en: 'Your account belongs to no community, so you cannot use the forum' },
  'error.FORUM_NICKNAME_REQUIRED': { 'zh-CN': '请先设置论坛昵称', en: 'Set your forum nickname first' },
  'error.FORUM_NICKNAME_INVALID': {
    'zh-CN': '昵称只能由中文、字母、数字、下划线或连字符组成，且不能全是数字',
    en: 'A nickname may hold Chinese characters, letters, digits, _ and - only, and not only digits',
  },
  'error.FORUM_NICKNAME_RESERVED': { 'zh-CN': '昵称不能含有“{word}”', en: 'A nickname may not contain “{word}”' },
  'error.FORUM_NICKNAME_SENSITIVE': { 'zh-CN': '昵称含有敏感词“{words}”', en: 'The nickname contains a sensitive word: {words}' },
  'error.FORUM_NICKNAME_TAKEN': { 'zh-CN': '昵称“{nickname}”已被本社区其他居民使用', en: 'Someone in your community already uses “{nickname}”' },
  'error.FORUM_GROUP_EXISTS': { 'zh-CN': '本社区已有名为“{name}”的小组', en: 'Your community already has a group called “{name}”' },
  'error.FORUM_GROUP_NOT_COMMUNITY': { 'zh-CN': '兴趣小组须建在社区上', en: 'Groups belong to a community node' },
  'error.FORUM_GROUP_CLOSED': { 'zh-CN': '该小组已关闭，不能发帖、评论或点赞', en: 'This group is closed: no new posts, comments or likes' },
  'error.FORUM_GROUP_STALE': { 'zh-CN': '小组已被他人修改，请刷新后重试', en: 'Someone else changed this group; reload and try again' },
  'error.FORUM_NOT_MEMBER': { 'zh-CN': '请先加入小组再发帖', en: 'Join the group before posting' },
  'error.FORUM_IMAGES_INVALID': {
    'zh-CN': '图片须是您本人上传的兴趣社区图片（最多 {max} 张）',
    en: 'Pictures must be images you uploaded for the forum (at most {max})',
  },
  'error.FORUM_POST_EMPTY': { 'zh-CN': '正文不能为空', en: 'The post has no text' },
  'error.FORUM_WORD_BLOCKED': { 'zh-CN': '内容含有禁用词“{words}”，请修改后再发布', en: 'The text contains a forbidden word: {words}. Change it and try again' },
  'error.FORUM_POST_RATE_LIMITED': {
    'zh-CN': '发帖太频繁：每 {minutes} 分钟最多发 {max} 篇，请 {wait} 分钟后再试',
    en: 'Too many posts: at most {max} every {minutes} minutes. Try again in {wait} minutes',
  },
  'error.FORUM_COMMENT_RATE_LIMITED': {
    'zh-CN': '评论太频繁：每 {minutes} 分钟最多评论 {max} 条，请 {wait} 分钟后再试',
    en: 'Too many comments: at most {max} every {minutes} minutes. Try again in {wait} minutes',
  },
  'error.FORUM_POST_LOCKED': { 'zh-CN': '该帖子已被处理或删除，不能再修改', en: 'This post was handled or deleted and can no longer be changed' },
  'error.FORUM_STALE': { 'zh-CN': '内容已被他人处理或修改，请刷新', en: 'Someone else changed or handled this; reload' },
  'error.FORUM_NOT_PUBLISHED': { 'zh-CN': '只能对已发布的内容评论、点赞或举报', en: 'Only published content can be commented on, liked or reported' },
  'error.FORUM_REPORT_OWN': { 'zh-CN': '不能举报自己发布的内容', en: 'You cannot report your own content' },
  'error.FORUM_WORD_EXISTS': { 'zh-CN': '敏感词“{word}”已在该范围的词库中', en: '“{word}” is already on this list' },
  'error.FORUM_WORD_EMPTY': { 'zh-CN': '敏感词去掉空格和标点后不能为空', en: 'The word is empty without spaces and punctuation' },
  'error.FORUM_WORD_SCOPE': { 'zh-CN': '请指定敏感词适用的社区（orgNodeId）', en: 'Say which community the word applies to (orgNodeId)' },
  'error.FORUM_WORD_NOT_EDITABLE': { 'zh-CN': '该敏感词由上级设置，您不能修改', en: 'This word is set above your level; you cannot change it' },
});

const isStaff = (actor: Actor) => actor.grants.some((g) => STAFF_ROLES.includes(g.role));
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
const excerptOf = (text: string) => clip(text.replace(/\s+/g, ' ').trim(), 120);
const imageUrl = (id: string) => `/api/v1/files/${id}`;
const audit = (ctx: PlatformContext, actor: Actor, meta: RequestMeta, action: string, target: { type: string; id: string; node?: string | null }, details?: Record<string, unknown>, db?: Executor) =>
  appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action, targetType: target.type, targetId: target.id, orgNodeId: target.node ?? null, ip: meta.ip, requestId: meta.requestId, details: details ?? null }, db);

// ── who may do what ────────────────────────────────────────────────────────────────────────

/** The subtrees where the actor takes part in the forum (their grants of a forum role). */
const places = (actor: Actor) => scopePaths(actor, FORUM_POST);

/** A group is read by the people of its community (grants on or under it) and by staff above it. */
export function canReadGroupPath(actor: Actor, groupPath: string): boolean {
  return places(actor).some((p) => p.startsWith(groupPath) || groupPath.startsWith(p));
}

const canModerate = (actor: Actor, orgPath: string) => canAt(actor, FORUM_MODERATE, orgPath);

function moderationScopes(actor: Actor) {
  const scopes = scopePaths(actor, FORUM_MODERATE);
  if (scopes.length === 0) throw forbidden();
  return scopes;
}

async function readableGroup(ctx: PlatformContext, actor: Actor, id: string) {
  const group = await repo.groupById(ctx.db.kysely, id);
  if (!group || !canReadGroupPath(actor, group.org_path)) throw notFound('FORUM_GROUP_NOT_FOUND');
  if (group.status === 'closed' && !canModerate(actor, group.org_path) && !(await repo.isMember(ctx.db.kysely, id, actor.userId))) throw notFound('FORUM_GROUP_NOT_FOUND');
  return group;
}

/** A post the actor may see: published in a group they read, their own, or one their subtree moderates. */
async function visiblePost(ctx: PlatformContext, actor: Actor, id: string) {
  const db = ctx.db.kysely;
  const post = await repo.postById(db, id);
  if (!post || post.status === 'deleted') throw notFound('FORUM_POST_NOT_FOUND');
  const group = (await repo.groupById(db, post.group_id))!;
  const ok =
    post.author_user_id === actor.userId ||
    canModerate(actor, post.org_path) ||
    (post.status === 'published' && canReadGroupPath(actor, group.org_path));
  if (!ok) throw notFound('FORUM_POST_NOT_FOUND');
  return { post, group };
}

/** The community the actor belongs to in the forum (nicknames are unique within it). */
async function communityOf(ctx: PlatformContext, actor: Actor) {
  for (const p of places(actor)) {
    const nodes = await repo.nodesByIds(ctx.db.kysely, p.split('/').filter(Boolean));
    const community = nodes.find((n) => n.kind === 'community');
    if (community) return community;
  }
  return undefined;
}

/** Where an author lives, for moderation: their grid (or community) from the registry, else their grant. */
async function authorHome(ctx: PlatformContext, actor: Actor, group: GroupRow) {
  if (actor.personId) {
    const facts = await residentFacts(ctx.db.kysely, actor.personId);
    if (facts && facts.orgPath.startsWith(group.org_path)) {
      const home = facts.chain.filter((n) => n.kind === 'grid').pop() ?? facts.chain.filter((n) => n.kind === 'community').pop();
      if (home) return { nodeId: home.id, path: home.path, personId: facts.personId };
    }
  }
  const roles = rolesWith(FORUM_POST);
  const grant = actor.grants.filter((g) => roles.has(g.role) && g.orgPath.startsWith(group.org_path)).sort((a, b) => b.orgPath.length - a.orgPath.length)[0];
  if (grant) return { nodeId: grant.orgNodeId, path: grant.orgPath, personId: actor.personId };
  return { nodeId: group.org_node_id, path: group.org_path, personId: actor.personId };
}

async function requireNickname(ctx: PlatformContext, actor: Actor) {
  const profile = await repo.profileOf(ctx.db.kysely, actor.userId);
  if (!profile) throw forbidden('FORUM_NICKNAME_REQUIRED');
  return profile;
}

// ── sensitive words ────────────────────────────────────────────────────────────────────────

async function wordList(db: Executor, path: string): Promise<WordEntry[]> {
  return (await repo.wordsApplying(db, path)).map((w) => ({ word: w.word, key: w.word_key, level: w.level }));
}

/**
 * Checks text against the words of the group's community: a block-level word refuses it with
 * 422 naming the word (the refused attempt is audited, without the text); review-level words
 * are returned, and hold the item for review.
 */
async function screen(ctx: PlatformContext, actor: Actor, meta: RequestMeta, groupPath: string, texts: string[], what: string): Promise<string[]> {
  const found = findWords(texts, await wordList(ctx.db.kysely, groupPath));
  if (found.block.length) {
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: `community.forum.${what}.blocked`, outcome: 'denied', ip: meta.ip, requestId: meta.requestId, details: { words: found.block } });
    throw new AppError(422, 'FORUM_WORD_BLOCKED', { words: found.block.join('、') }, { words: found.block });
  }
  return found.review;
}

// ── nickname ───────────────────────────────────────────────────────────────────────────────

export async function getProfile(ctx: PlatformContext, actor: Actor) {
  const profile = await repo.profileOf(ctx.db.kysely, actor.userId);
  const community = profile ? await repo.nodeById(ctx.db.kysely, profile.community_node_id) : await communityOf(ctx, actor);
  return { nickname: profile?.nickname ?? null, communityId: community?.id ?? null, communityName: community?.name ?? null };
}

export async function setNickname(ctx: PlatformContext, actor: Actor, input: { nickname: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const nickname = input.nickname.normalize('NFKC').trim();
  if (!/^[\p{L}\p{N}_-]{2,12}$/u.test(nickname) || /^\d+$/.test(nickname)) throw badRequest('FORUM_NICKNAME_INVALID');
  const key = normaliseForMatch(nickname);
  const reserved = RESERVED_NICKNAME_PARTS.find((w) => key.includes(normaliseForMatch(w)));
  if (reserved) throw badRequest('FORUM_NICKNAME_RESERVED', { word: reserved });
  const community = await communityOf(ctx, actor);
  if (!community) throw forbidden('FORUM_NO_COMMUNITY');
  const found = findWords([nickname], await wordList(db, community.path));
  const bad = [...found.block, ...found.review];
  if (bad.length) throw new AppError(422, 'FORUM_NICKNAME_SENSITIVE', { words: bad.join('、') }, { words: bad });
  const taken = await repo.profileByKey(db, community.id, key);
  if (taken && taken.user_id !== actor.userId) throw conflict('FORUM_NICKNAME_TAKEN', { nickname });
  const at = ctx.now().toISOString();
  try {
    await db.transaction().execute(async (trx) => {
      const existing = await repo.profileOf(trx, actor.userId);
      if (existing) await repo.updateProfile(trx, actor.userId, { community_node_id: community.id, nickname, nickname_key: key, person_id: actor.personId, updated_at: at });
      else await repo.insertProfile(trx, { user_id: actor.userId, community_node_id: community.id, nickname, nickname_key: key, person_id: actor.personId, last_write_at: null, created_at: at, updated_at: at });
      await audit(ctx, actor, meta, 'community.forum.nickname.set', { type: 'forum_profile', id: actor.userId, node: community.id }, { nickname, previous: existing?.nickname ?? null }, trx);
    });
  } catch (e) {
    // Two people choosing one nickname at the same moment: the unique key decides.
    if (repo.isUniqueViolation(e)) throw conflict('FORUM_NICKNAME_TAKEN', { nickname });
    throw e;
  }
  return getProfile(ctx, actor);
}

// ── groups ─────────────────────────────────────────────────────────────────────────────────

async function presentGroups(ctx: PlatformContext, actor: Actor, rows: GroupRow[]) {
  const db = ctx.db.kysely;
  const ids = rows.map((g) => g.id);
  const [members, posts, joined, nodes] = await Promise.all([
    repo.memberCounts(db, ids),
    repo.publishedPostCounts(db, ids),
    repo.joinedGroups(db, actor.userId, ids),
    repo.nodesByIds(db, rows.map((g) => g.org_node_id)),
  ]);
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  return rows.map((g) => ({
    id: g.id,
    orgNodeId: g.org_node_id,
    communityName: names.get(g.org_node_id) ?? '',
    name: g.name,
    description: g.description,
    status: g.status,
    closedReason: g.closed_reason,
    memberCount: members.get(g.id) ?? 0,
    postCount: posts.get(g.id) ?? 0,
    joined: joined.has(g.id),
    canManage: canModerate(actor, g.org_path),
    version: g.version,
    createdAt: g.created_at,
  }));
}

/** The groups of the actor's community; moderators asking for `all` also see closed ones they manage. */
export async function listGroups(ctx: PlatformContext, actor: Actor, q: { all: boolean }) {
  const rows = await repo.groupsNear(ctx.db.kysely, places(actor), q.all && hasPermission(actor, FORUM_MODERATE));
  const visible = rows.filter((g) => g.status === 'open' || canModerate(actor, g.org_path));
  return { items: await presentGroups(ctx, actor, visible) };
}

export async function getGroup(ctx: PlatformContext, actor: Actor, id: string) {
  const group = await readableGroup(ctx, actor, id);
  return (await presentGroups(ctx, actor, [group]))[0]!;
}

async function managedGroup(ctx: PlatformContext, actor: Actor, id: string) {
  const group = await repo.groupById(ctx.db.kysely, id);
  if (!group || !canModerate(actor, group.org_path)) throw notFound('FORUM_GROUP_NOT_FOUND');
  return group;
}

export async function createGroup(ctx: PlatformContext, actor: Actor, input: { orgNodeId: string; name: string; description: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await repo.nodeById(db, input.orgNodeId);
  if (!node || !canModerate(actor, node.path)) throw forbidden();
  if (node.kind !== 'community') throw badRequest('FORUM_GROUP_NOT_COMMUNITY');
  const at = ctx.now().toISOString();
  const row: GroupRow = { id: newId(), org_node_id: node.id, org_path: node.path, name: input.name, description: input.description, status: 'open', closed_reason: null, created_by: actor.userId, version: 1, created_at: at, updated_at: at };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertGroup(trx, row);
      await audit(ctx, actor, meta, 'community.forum.group.create', { type: 'forum_group', id: row.id, node: node.id }, { name: row.name }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('FORUM_GROUP_EXISTS', { name: input.name });
    throw e;
  }
  return getGroup(ctx, actor, row.id);
}

export async function updateGroup(ctx: PlatformContext, actor: Actor, id: string, input: { name?: string; description?: string; expectedVersion: number }, meta: RequestMeta) {
  const group = await managedGroup(ctx, actor, id);
  const patch: Partial<GroupRow> = { version: group.version + 1, updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      if (!(await repo.updateGroup(trx, id, input.expectedVersion, patch))) throw conflict('FORUM_GROUP_STALE');
      await audit(ctx, actor, meta, 'community.forum.group.update', { type: 'forum_group', id, node: group.org_node_id }, { name: patch.name, description: patch.description !== undefined }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('FORUM_GROUP_EXISTS', { name: input.name ?? group.name });
    throw e;
  }
  return getGroup(ctx, actor, id);
}

export async function setGroupOpen(ctx: PlatformContext, actor: Actor, id: string, open: boolean, reason: string | null, meta: RequestMeta) {
  const group = await managedGroup(ctx, actor, id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const ok = await repo.updateGroup(trx, id, group.version, { status: open ? 'open' : 'closed', closed_reason: open ? null : reason, version: group.version + 1, updated_at: ctx.now().toISOString() });
    if (!ok) throw conflict('FORUM_GROUP_STALE');
    await audit(ctx, actor, meta, open ? 'community.forum.group.reopen' : 'community.forum.group.close', { type: 'forum_group', id, node: group.org_node_id }, open ? {} : { reason }, trx);
  });
  return getGroup(ctx, actor, id);
}

export async function joinGroup(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const group = await readableGroup(ctx, actor, id);
  if (group.status !== 'open') throw conflict('FORUM_GROUP_CLOSED');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (await repo.addMember(trx, id, actor.userId, ctx.now().toISOString())) {
      await audit(ctx, actor, meta, 'community.forum.group.join', { type: 'forum_group', id, node: group.org_node_id }, undefined, trx);
    }
  });
  return getGroup(ctx, actor, id);
}

export async function leaveGroup(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const group = await readableGroup(ctx, actor, id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (await repo.removeMember(trx, id, actor.userId)) {
      await audit(ctx, actor, meta, 'community.forum.group.leave', { type: 'forum_group', id, node: group.org_node_id }, undefined, trx);
    }
  });
  return { ok: true as const };
}

// ── posts ──────────────────────────────────────────────────────────────────────────────────

/** Summaries of posts for one reader: nickname, first pictures, counts, whether they liked it. */
async function presentSummaries(ctx: PlatformContext, actor: Actor, rows: PostRow[]) {
  const db = ctx.db.kysely;
  const ids = rows.map((p) => p.id);
  const [nicks, images, comments, liked] = await Promise.all([
    repo.nicknamesOf(db, rows.map((p) => p.author_user_id)),
    repo.imagesOf(db, ids),
    repo.publishedCommentCounts(db, ids),
    repo.likedPosts(db, actor.userId, ids),
  ]);
  return rows.map((p) => ({
    id: p.id,
    groupId: p.group_id,
    title: p.title,
    excerpt: excerptOf(p.body_text),
    images: (images.get(p.id) ?? []).map((id) => ({ id, url: imageUrl(id) })),
    nickname: nicks.get(p.author_user_id) ?? '邻居',
    authorIsStaff: p.author_staff === 1,
    mine: p.author_user_id === actor.userId,
    status: p.status,
    likeCount: Number(p.like_count),
    likedByMe: liked.has(p.id),
    commentCount: comments.get(p.id) ?? 0,
    createdAt: p.created_at,
    editedAt: p.edited_at,
  }));
}

async function presentPost(ctx: PlatformContext, actor: Actor, post: PostRow, group: GroupRow) {
  const [summary] = await presentSummaries(ctx, actor, [post]);
  const moderator = canModerate(actor, post.org_path);
  const own = post.author_user_id === actor.userId;
  return {
    ...summary!,
    groupName: group.name,
    groupOpen: group.status === 'open',
    html: post.body_html,
    moderationReason: own || moderator ? post.moderation_reason : null,
    reviewWords: moderator ? parseJson<string[]>(post.review_words, []) : [],
    canModerate: moderator,
    version: post.version,
  };
}

export async function listPosts(ctx: PlatformContext, actor: Actor, groupId: string, q: { page: number; pageSize: number }) {
  await readableGroup(ctx, actor, groupId);
  const [rows, total] = await repo.feed(ctx.db.kysely, groupId, actor.userId, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: await presentSummaries(ctx, actor, rows), total, page: q.page, pageSize: q.pageSize };
}

export async function getPost(ctx: PlatformContext, actor: Actor, id: string) {
  const { post, group } = await visiblePost(ctx, actor, id);
  return presentPost(ctx, actor, post, group);
}

async function checkImages(ctx: PlatformContext, actor: Actor, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await repo.attachmentsByIds(ctx.db.kysely, unique);
  if (unique.length > MAX_IMAGES || rows.length !== unique.length || rows.some((a) => a.owner_user_id !== actor.userId || a.purpose !== FORUM_FILE_PURPOSE || !a.mime.startsWith('image/'))) {
    throw badRequest('FORUM_IMAGES_INVALID', { max: MAX_IMAGES });
  }
  return unique;
}

/** Rich text in, sanitised HTML and its plain text out. Text without markup is taken as paragraphs. */
function prepareBody(body: string, imageIds: string[]) {
  const looksLikeHtml = /<\/?[a-z][^>]*>/i.test(body);
  const source = looksLikeHtml
    ? body
    : body
        .replace(/\r\n?/g, '\n')
        .split(/\n{2,}/)
        .map((para) => para.trim())
        .filter(Boolean)
        .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br />')}</p>`)
        .join('');
  const html = sanitizePostHtml(source, new Set(imageIds)).trim();
  return { html, text: htmlToText(html) };
}

function rateLimited(code: string, limit: { max: number; minutes: number }, oldest: string | null, now: Date) {
  const until = (oldest ? new Date(oldest).getTime() : now.getTime()) + limit.minutes * 60_000;
  const wait = Math.max(1, Math.ceil((until - now.getTime()) / 60_000));
  return new AppError(429, code, { max: limit.max, minutes: limit.minutes, wait }, { retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) });
}

/** Everyone who moderates an item at this path: community staff of the community, grid workers of the grid. */
const moderatorsOf = (db: Executor, orgPath: string) => repo.usersWithRolesOnPath(db, orgPath, MODERATOR_ROLES);

export async function createPost(ctx: PlatformContext, actor: Actor, groupId: string, input: { title: string; body: string; imageIds: string[] }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const group = await readableGroup(ctx, actor, groupId);
  if (group.status !== 'open') throw conflict('FORUM_GROUP_CLOSED');
  await requireNickname(ctx, actor);
  if (!(await repo.isMember(db, groupId, actor.userId))) throw forbidden('FORUM_NOT_MEMBER');
  const imageIds = await checkImages(ctx, actor, input.imageIds);
  const body = prepareBody(input.body, imageIds);
  if (!body.text && imageIds.length === 0) throw badRequest('FORUM_POST_EMPTY');
  const held = await screen(ctx, actor, meta, group.org_path, [input.title, body.text], 'post');
  const home = await authorHome(ctx, actor, group);
  const now = ctx.now();
  const at = now.toISOString();
  const row: PostRow = {
    id: newId(),
    group_id: groupId,
    org_node_id: home.nodeId,
    org_path: home.path,
    author_user_id: actor.userId,
    author_person_id: home.personId,
    author_staff: isStaff(actor) ? 1 : 0,
    title: input.title,
    body_html: body.html,
    body_text: body.text,
    status: held.length ? 'pending' : 'published',
    review_words: held.length ? JSON.stringify(held) : null,
    moderation_reason: null,
    moderated_by: null,
    moderated_at: null,
    like_count: 0,
    version: 1,
    created_at: at,
    updated_at: at,
    edited_at: null,
    deleted_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await repo.touchProfile(trx, actor.userId, at);
    const recent = await repo.writtenSince(trx, 'forum_post', actor.userId, new Date(now.getTime() - POST_LIMIT.minutes * 60_000).toISOString());
    if (recent.n >= POST_LIMIT.max) throw rateLimited('FORUM_POST_RATE_LIMITED', POST_LIMIT, recent.oldest, now);
    await repo.insertPost(trx, row, imageIds);
    if (held.length) {
      await notify(trx, { recipients: await moderatorsOf(trx, row.org_path), kind: 'community.forum.pending', title: `兴趣社区待审核：${clip(row.title, 40)}`, body: `${group.name} · 含有“${held.join('、')}”`, link: '/console/community/forum', at: now });
    }
    await audit(ctx, actor, meta, 'community.forum.post.create', { type: 'forum_post', id: row.id, node: row.org_node_id }, { group: groupId, status: row.status, images: imageIds.length, reviewWords: held }, trx);
  });
  return presentPost(ctx, actor, row, group);
}

export async function editPost(ctx: PlatformContext, actor: Actor, id: string, input: { title?: string; body?: string; imageIds?: string[]; expectedVersion: number }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const post = await repo.postById(db, id);
  if (!post || post.author_user_id !== actor.userId || post.status === 'deleted') throw notFound('FORUM_POST_NOT_FOUND');
  if (post.status !== 'published' && post.status !== 'pending') throw conflict('FORUM_POST_LOCKED');
  const group = (await repo.groupById(db, post.group_id))!;
  if (group.status !== 'open') throw conflict('FORUM_GROUP_CLOSED');
  const imageIds = input.imageIds ? await checkImages(ctx, actor, input.imageIds) : (await repo.imagesOf(db, [id])).get(id) ?? [];
  const title = input.title ?? post.title;
  // Without a new body, the stored one is sanitised again against the (possibly new) pictures.
  const body = prepareBody(input.body ?? post.body_html, imageIds);
  if (!body.text && imageIds.length === 0) throw badRequest('FORUM_POST_EMPTY');
  const held = await screen(ctx, actor, meta, group.org_path, [title, body.text], 'post');
  const now = ctx.now();
  const status: ForumContentStatus = held.length ? 'pending' : 'published';
  await db.transaction().execute(async (trx) => {
    const ok = await repo.updatePostVersioned(trx, id, input.expectedVersion, ['published', 'pending'], {
      title,
      body_html: body.html,
      body_text: body.text,
      status,
      review_words: held.length ? JSON.stringify(held) : null,
      version: post.version + 1,
      updated_at: now.toISOString(),
      edited_at: now.toISOString(),
    });
    if (!ok) throw conflict('FORUM_STALE');
    if (input.imageIds) await repo.replaceImages(trx, id, imageIds);
    if (held.length && post.status !== 'pending') {
      await notify(trx, { recipients: await moderatorsOf(trx, post.org_path), kind: 'community.forum.pending', title: `兴趣社区待审核：${clip(title, 40)}`, body: `${group.name} · 修改后含有“${held.join('、')}”`, link: '/console/community/forum', at: now });
    }
    await audit(ctx, actor, meta, 'community.forum.post.edit', { type: 'forum_post', id, node: post.org_node_id }, { status, reviewWords: held }, trx);
  });
  return getPost(ctx, actor, id);
}

export async function deletePost(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const post = await repo.postById(db, id);
  if (!post || post.author_user_id !== actor.userId || post.status === 'deleted') throw notFound('FORUM_POST_NOT_FOUND');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if (!(await repo.setPostState(trx, id, [post.status], { status: 'deleted', deleted_at: at, updated_at: at, version: post.version + 1 }))) throw conflict('FORUM_STALE');
    await repo.resolveReports(trx, 'post', id, { status: 'dismissed', by: null, at, resolution: '作者已删除' });
    await audit(ctx, actor, meta, 'community.forum.post.delete', { type: 'forum_post', id, node: post.org_node_id }, { was: post.status }, trx);
  });
  return { ok: true as const };
}

// ── likes ──────────────────────────────────────────────────────────────────────────────────

async function publishedInOpenGroup(ctx: PlatformContext, actor: Actor, id: string) {
  const { post, group } = await visiblePost(ctx, actor, id);
  if (post.status !== 'published') throw conflict('FORUM_NOT_PUBLISHED');
  if (group.status !== 'open') throw conflict('FORUM_GROUP_CLOSED');
  return { post, group };
}

/** Idempotent: liking twice (or twice at once) counts once. */
export async function setLike(ctx: PlatformContext, actor: Actor, id: string, liked: boolean, meta: RequestMeta) {
  const { post } = await publishedInOpenGroup(ctx, actor, id);
  const at = ctx.now().toISOString();
  const count = await ctx.db.kysely.transaction().execute(async (trx) => {
    const changed = liked ? await repo.addLike(trx, id, actor.userId, at) : await repo.removeLike(trx, id, actor.userId);
    if (changed) await audit(ctx, actor, meta, liked ? 'community.forum.post.like' : 'community.forum.post.unlike', { type: 'forum_post', id, node: post.org_node_id }, undefined, trx);
    return repo.likeCount(trx, id);
  });
  return { liked, likeCount: count };
}

// ── comments ───────────────────────────────────────────────────────────────────────────────

function presentComments(rows: CommentRow[], nicks: Map<string, string>, actor: Actor) {
  return rows.map((c) => ({
    id: c.id,
    postId: c.post_id,
    body: c.body,
    nickname: nicks.get(c.author_user_id) ?? '邻居',
    authorIsStaff: c.author_staff === 1,
    mine: c.author_user_id === actor.userId,
    status: c.status,
    moderationReason: c.author_user_id === actor.userId ? c.moderation_reason : null,
    createdAt: c.created_at,
  }));
}

export async function listComments(ctx: PlatformContext, actor: Actor, postId: string, q: { page: number; pageSize: number }) {
  await visiblePost(ctx, actor, postId);
  const [rows, total] = await repo.commentsFor(ctx.db.kysely, postId, actor.userId, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const nicks = await repo.nicknamesOf(ctx.db.kysely, rows.map((c) => c.author_user_id));
  return { items: presentComments(rows, nicks, actor), total, page: q.page, pageSize: q.pageSize };
}

export async function addComment(ctx: PlatformContext, actor: Actor, postId: string, input: { body: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const { post, group } = await publishedInOpenGroup(ctx, actor, postId);
  const profile = await requireNickname(ctx, actor);
  const held = await screen(ctx, actor, meta, group.org_path, [input.body], 'comment');
  const home = await authorHome(ctx, actor, group);
  const now = ctx.now();
  const at = now.toISOString();
  const row: CommentRow = {
    id: newId(),
    post_id: postId,
    group_id: group.id,
    org_node_id: home.nodeId,
    org_path: home.path,
    author_user_id: actor.userId,
    author_person_id: home.personId,
    author_staff: isStaff(actor) ? 1 : 0,
    body: input.body,
    status: held.length ? 'pending' : 'published',
    review_words: held.length ? JSON.stringify(held) : null,
    moderation_reason: null,
    moderated_by: null,
    moderated_at: null,
    created_at: at,
    updated_at: at,
    deleted_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await repo.touchProfile(trx, actor.userId, at);
    const recent = await repo.writtenSince(trx, 'forum_comment', actor.userId, new Date(now.getTime() - COMMENT_LIMIT.minutes * 60_000).toISOString());
    if (recent.n >= COMMENT_LIMIT.max) throw rateLimited('FORUM_COMMENT_RATE_LIMITED', COMMENT_LIMIT, recent.oldest, now);
    await repo.insertComment(trx, row);
    if (held.length) {
      await notify(trx, { recipients: await moderatorsOf(trx, row.org_path), kind: 'community.forum.pending', title: `兴趣社区评论待审核：${clip(post.title, 30)}`, body: `${group.name} · 含有“${held.join('、')}”`, link: '/console/community/forum', at: now });
    } else if (post.author_user_id !== actor.userId) {
      await notify(trx, { recipients: [post.author_user_id], kind: 'community.forum.comment', title: `${profile.nickname} 评论了您的帖子`, body: clip(row.body, 100), link: `/m/posts/${post.id}`, at: now });
    }
    await audit(ctx, actor, meta, 'community.forum.comment.create', { type: 'forum_comment', id: row.id, node: row.org_node_id }, { post: postId, status: row.status, reviewWords: held }, trx);
  });
  return presentComments([row], new Map([[actor.userId, profile.nickname]]), actor)[0]!;
}

export async function deleteComment(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const c = await repo.commentById(db, id);
  if (!c || c.author_user_id !== actor.userId || c.status === 'deleted') throw notFound('FORUM_COMMENT_NOT_FOUND');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if (!(await repo.setCommentState(trx, id, [c.status], { status: 'deleted', deleted_at: at, updated_at: at }))) throw conflict('FORUM_STALE');
    await repo.resolveReports(trx, 'comment', id, { status: 'dismissed', by: null, at, resolution: '作者已删除' });
    await audit(ctx, actor, meta, 'community.forum.comment.delete', { type: 'forum_comment', id, node: c.org_node_id }, { was: c.status }, trx);
  });
  return { ok: true as const };
}

// ── reports ────────────────────────────────────────────────────────────────────────────────

export async function reportContent(ctx: PlatformContext, actor: Actor, input: { targetType: 'post' | 'comment'; targetId: string; reason: (typeof REPORT_REASONS)[number]; detail?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  let post: PostRow;
  let target: { author: string; orgPath: string; nodeId: string; status: ForumContentStatus };
  if (input.targetType === 'post') {
    post = (await visiblePost(ctx, actor, input.targetId)).post;
    target = { author: post.author_user_id, orgPath: post.org_path, nodeId: post.org_node_id, status: post.status };
  } else {
    const c = await repo.commentById(db, input.targetId);
    if (!c) throw notFound('FORUM_COMMENT_NOT_FOUND');
    post = (await visiblePost(ctx, actor, c.post_id)).post;
    if (c.status !== 'published' && c.author_user_id !== actor.userId && !canModerate(actor, c.org_path)) throw notFound('FORUM_COMMENT_NOT_FOUND');
    target = { author: c.author_user_id, orgPath: c.org_path, nodeId: c.org_node_id, status: c.status };
  }
  if (target.author === actor.userId) throw badRequest('FORUM_REPORT_OWN');
  if (target.status !== 'published') throw conflict('FORUM_NOT_PUBLISHED');
  const now = ctx.now();
  const row: ReportRow = {
    id: newId(),
    target_type: input.targetType,
    target_id: input.targetId,
    post_id: post.id,
    group_id: post.group_id,
    org_path: target.orgPath,
    reporter_user_id: actor.userId,
    reason: input.reason,
    detail: input.detail || null,
    status: 'open',
    handled_by: null,
    handled_at: null,
    resolution: null,
    created_at: now.toISOString(),
  };
  const created = await db.transaction().execute(async (trx) => {
    if (!(await repo.insertReport(trx, row))) return false;
    await notify(trx, { recipients: await moderatorsOf(trx, target.orgPath), kind: 'community.forum.reported', title: `兴趣社区举报：${input.reason}`, body: clip(post.title, 60), link: '/console/community/forum', at: now });
    await audit(ctx, actor, meta, 'community.forum.report', { type: `forum_${input.targetType}`, id: input.targetId, node: target.nodeId }, { reason: input.reason }, trx);
    return true;
  });
  return { reported: true as const, alreadyReported: !created };
}

export async function listReports(ctx: PlatformContext, actor: Actor, q: { status: ForumReportStatus; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const [rows, total] = await repo.reportsIn(db, moderationScopes(actor), q.status, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  const [posts, comments, groups, counts] = await Promise.all([
    repo.postsByIds(db, rows.map((r) => r.post_id)),
    repo.commentsByIds(db, rows.filter((r) => r.target_type === 'comment').map((r) => r.target_id)),
    repo.groupsByIds(db, rows.map((r) => r.group_id)),
    repo.openReportCounts(db, rows.map((r) => r.target_id)),
  ]);
  const postMap = new Map(posts.map((p) => [p.id, p]));
  const commentMap = new Map(comments.map((c) => [c.id, c]));
  const groupMap = new Map(groups.map((g) => [g.id, g]));
  const nicks = await repo.nicknamesOf(db, [...posts.map((p) => p.author_user_id), ...comments.map((c) => c.author_user_id)]);
  return {
    items: rows.map((r) => {
      const post = postMap.get(r.post_id)!;
      const comment = r.target_type === 'comment' ? commentMap.get(r.target_id) : undefined;
      const author = comment?.author_user_id ?? post.author_user_id;
      return {
        id: r.id,
        targetType: r.target_type,
        targetId: r.target_id,
        postId: r.post_id,
        groupName: groupMap.get(r.group_id)?.name ?? '',
        targetTitle: post.title,
        targetText: clip(comment ? comment.body : post.body_text, 300),
        targetStatus: (comment ?? post).status,
        targetNickname: nicks.get(author) ?? '邻居',
        reason: r.reason,
        detail: r.detail,
        reportCount: counts.get(r.target_id) ?? 0,
        status: r.status,
        resolution: r.resolution,
        createdAt: r.created_at,
      };
    }),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** 驳回举报: every open report of the item is closed as dismissed. */
export async function dismissReport(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const report = await repo.reportById(db, id);
  if (!report || !canModerate(actor, report.org_path)) throw notFound('FORUM_REPORT_NOT_FOUND');
  if (report.status !== 'open') throw conflict('FORUM_STALE');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    const reporters = await repo.resolveReports(trx, report.target_type, report.target_id, { status: 'dismissed', by: actor.userId, at, resolution: input.reason });
    await audit(ctx, actor, meta, 'community.forum.report.dismiss', { type: `forum_${report.target_type}`, id: report.target_id }, { reports: reporters.length, reason: input.reason }, trx);
  });
  return { ok: true as const };
}

// ── review queue and moderation ────────────────────────────────────────────────────────────

export async function reviewQueue(ctx: PlatformContext, actor: Actor, q: { kind?: 'post' | 'comment'; page: number; pageSize: number }) {
  const db = ctx.db.kysely;
  const scopes = moderationScopes(actor);
  const need = q.page * q.pageSize;
  const [[posts, postTotal], [comments, commentTotal]] = await Promise.all([
    q.kind === 'comment' ? Promise.resolve([[], 0] as [PostRow[], number]) : repo.pendingPosts(db, scopes, need),
    q.kind === 'post' ? Promise.resolve([[], 0] as [CommentRow[], number]) : repo.pendingComments(db, scopes, need),
  ]);
  const parents = await repo.postsByIds(db, comments.map((c) => c.post_id));
  const parentMap = new Map(parents.map((p) => [p.id, p]));
  const groups = new Map((await repo.groupsByIds(db, [...posts.map((p) => p.group_id), ...comments.map((c) => c.group_id)])).map((g) => [g.id, g]));
  const nicks = await repo.nicknamesOf(db, [...posts.map((p) => p.author_user_id), ...comments.map((c) => c.author_user_id)]);
  const items = [
    ...posts.map((p) => ({ kind: 'post' as const, id: p.id, postId: p.id, groupId: p.group_id, title: p.title, text: clip(p.body_text, 500), author: p.author_user_id, words: p.review_words, status: p.status, createdAt: p.created_at })),
    ...comments.map((c) => ({ kind: 'comment' as const, id: c.id, postId: c.post_id, groupId: c.group_id, title: parentMap.get(c.post_id)?.title ?? '', text: c.body, author: c.author_user_id, words: c.review_words, status: c.status, createdAt: c.created_at })),
  ]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .slice((q.page - 1) * q.pageSize, need);
  return {
    items: items.map((i) => ({
      kind: i.kind,
      id: i.id,
      postId: i.postId,
      groupId: i.groupId,
      groupName: groups.get(i.groupId)?.name ?? '',
      title: i.title,
      text: i.text,
      nickname: nicks.get(i.author) ?? '邻居',
      reviewWords: parseJson<string[]>(i.words, []),
      status: i.status,
      createdAt: i.createdAt,
    })),
    total: postTotal + commentTotal,
    page: q.page,
    pageSize: q.pageSize,
  };
}

type ModerationAction = 'approve' | 'reject' | 'hide';
const TRANSITIONS: Record<ModerationAction, { from: ForumContentStatus[]; to: ForumContentStatus }> = {
  approve: { from: ['pending'], to: 'published' },
  reject: { from: ['pending'], to: 'rejected' },
  hide: { from: ['published', 'pending'], to: 'hidden' },
};
const OUTCOME_TITLE: Record<ModerationAction, string> = { approve: '已通过审核', reject: '未通过审核', hide: '已被管理员隐藏' };

/**
 * Approve or reject an item held for review, or hide one (after a report, or on sight), within
 * the moderator's subtree. Hiding closes the item's open reports. The author is told the outcome
 * (with the reason), in the same transaction as the change and its audit entry.
 */
export async function moderate(ctx: PlatformContext, actor: Actor, kind: 'post' | 'comment', id: string, action: ModerationAction, input: { reason?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const item = kind === 'post' ? await repo.postById(db, id) : await repo.commentById(db, id);
  if (!item || item.status === 'deleted' || !canModerate(actor, item.org_path)) throw notFound(kind === 'post' ? 'FORUM_POST_NOT_FOUND' : 'FORUM_COMMENT_NOT_FOUND');
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(item.status)) throw conflict('FORUM_STALE');
  const reason = action === 'approve' ? null : (input.reason ?? null);
  if (action !== 'approve' && !reason) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'body.reason', code: 'required', message: 'reason' }]);
  const now = ctx.now();
  const at = now.toISOString();
  const post = kind === 'post' ? (item as PostRow) : (await repo.postById(db, (item as CommentRow).post_id))!;
  await db.transaction().execute(async (trx) => {
    const patch = { status: rule.to, moderation_reason: reason, moderated_by: actor.userId, moderated_at: at, updated_at: at };
    const ok = kind === 'post' ? await repo.setPostState(trx, id, [item.status], { ...patch, version: post.version + 1 }) : await repo.setCommentState(trx, id, [item.status], patch);
    if (!ok) throw conflict('FORUM_STALE');
    let reporters: string[] = [];
    if (action === 'hide') reporters = await repo.resolveReports(trx, kind, id, { status: 'hidden', by: actor.userId, at, resolution: reason });
    const what = kind === 'post' ? `您的帖子“${clip(post.title, 30)}”` : `您在“${clip(post.title, 20)}”下的评论`;
    await notify(trx, {
      recipients: [item.author_user_id],
      kind: `community.forum.${action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'hidden'}`,
      title: `${what}${OUTCOME_TITLE[action]}`,
      body: reason ? `原因：${reason}` : '现在其他居民可以看到了。',
      link: `/m/posts/${post.id}`,
      at: now,
    });
    await audit(ctx, actor, meta, `community.forum.${kind}.${action}`, { type: `forum_${kind}`, id, node: item.org_node_id }, { reason, from: item.status, reports: reporters.length }, trx);
  });
  return { id, kind, status: rule.to };
}

/**
 * Who is behind a nickname: name, masked phone and grid from the registry (or the
 * account's name for staff and people without a record). Moderators of the item's subtree
 * only; every look is audited.
 */
export async function revealAuthor(ctx: PlatformContext, actor: Actor, kind: 'post' | 'comment', id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const item = kind === 'post' ? await repo.postById(db, id) : await repo.commentById(db, id);
  if (!item || !canModerate(actor, item.org_path)) throw notFound(kind === 'post' ? 'FORUM_POST_NOT_FOUND' : 'FORUM_COMMENT_NOT_FOUND');
  const [account, nicks, facts] = await Promise.all([
    db.selectFrom('app_user').select(['display_name']).where('id', '=', item.author_user_id).executeTakeFirst(),
    repo.nicknamesOf(db, [item.author_user_id]),
    item.author_person_id ? residentFacts(db, item.author_person_id) : Promise.resolve(undefined),
  ]);
  await audit(ctx, actor, meta, 'community.forum.identity.read', { type: `forum_${kind}`, id, node: item.org_node_id }, { person: item.author_person_id, user: item.author_user_id });
  return {
    nickname: nicks.get(item.author_user_id) ?? '邻居',
    accountName: account?.display_name ?? '',
    name: facts?.name ?? null,
    phoneMasked: facts?.phoneMasked ?? null,
    grid: facts?.chain.filter((n) => n.kind === 'grid').pop()?.name ?? null,
  };
}

// ── the sensitive-word list ────────────────────────────────────────────────────────────────

const isTopPath = (p: string) => p.split('/').filter(Boolean).length === 1;
const canEditGlobal = (actor: Actor) => scopePaths(actor, FORUM_WORDS).some(isTopPath);
const canEditWord = (actor: Actor, w: WordRow) => (w.scope === '*' ? canEditGlobal(actor) : !!w.org_path && canAt(actor, FORUM_WORDS, w.org_path));

export async function listWords(ctx: PlatformContext, actor: Actor) {
  const db = ctx.db.kysely;
  const scopes = scopePaths(actor, FORUM_WORDS);
  if (scopes.length === 0) throw forbidden();
  const rows = await repo.wordsVisible(db, scopes);
  const names = new Map((await repo.nodesByIds(db, rows.map((w) => w.org_node_id).filter((x): x is string => !!x))).map((n) => [n.id, n.name]));
  return {
    items: rows.map((w) => ({
      id: w.id,
      word: w.word,
      level: w.level,
      orgNodeId: w.org_node_id,
      scopeName: w.org_node_id ? (names.get(w.org_node_id) ?? '') : '全平台',
      editable: canEditWord(actor, w),
      createdAt: w.created_at,
    })),
  };
}

export async function addWord(ctx: PlatformContext, actor: Actor, input: { word: string; level: SensitiveWordLevel; orgNodeId?: string; global: boolean }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const key = normaliseForMatch(input.word);
  if (!key) throw badRequest('FORUM_WORD_EMPTY');
  let node: { id: string; path: string } | null = null;
  if (input.global) {
    if (!canEditGlobal(actor)) throw forbidden('FORUM_WORD_NOT_EDITABLE');
  } else {
    const scopes = actor.grants.filter((g) => rolesWith(FORUM_WORDS).has(g.role));
    const nodeId = input.orgNodeId ?? (scopes.length === 1 ? scopes[0]!.orgNodeId : undefined);
    if (!nodeId) throw badRequest('FORUM_WORD_SCOPE');
    const found = await repo.nodeById(db, nodeId);
    if (!found || !canAt(actor, FORUM_WORDS, found.path)) throw forbidden();
    node = found;
  }
  const at = ctx.now().toISOString();
  const row: WordRow = { id: newId(), scope: node?.id ?? '*', org_node_id: node?.id ?? null, org_path: node?.path ?? null, word: input.word.normalize('NFKC').trim(), word_key: key, level: input.level, created_by: actor.userId, created_at: at, updated_at: at };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertWord(trx, row);
      await audit(ctx, actor, meta, 'community.forum.word.add', { type: 'sensitive_word', id: row.id, node: row.org_node_id }, { word: row.word, level: row.level }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('FORUM_WORD_EXISTS', { word: row.word });
    throw e;
  }
  return (await listWords(ctx, actor)).items.find((w) => w.id === row.id)!;
}

async function editableWord(ctx: PlatformContext, actor: Actor, id: string) {
  const w = await repo.wordById(ctx.db.kysely, id);
  if (!w) throw notFound('FORUM_WORD_NOT_FOUND');
  if (!canEditWord(actor, w)) throw forbidden('FORUM_WORD_NOT_EDITABLE');
  return w;
}

export async function setWordLevel(ctx: PlatformContext, actor: Actor, id: string, input: { level: SensitiveWordLevel }, meta: RequestMeta) {
  const w = await editableWord(ctx, actor, id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateWordLevel(trx, id, input.level, ctx.now().toISOString());
    await audit(ctx, actor, meta, 'community.forum.word.update', { type: 'sensitive_word', id, node: w.org_node_id }, { word: w.word, from: w.level, to: input.level }, trx);
  });
  return (await listWords(ctx, actor)).items.find((x) => x.id === id)!;
}

export async function removeWord(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const w = await editableWord(ctx, actor, id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.deleteWord(trx, id);
    await audit(ctx, actor, meta, 'community.forum.word.remove', { type: 'sensitive_word', id, node: w.org_node_id }, { word: w.word, level: w.level }, trx);
  });
  return { ok: true as const };
}

// Pictures of a post open for those who may see the post: readers of its group once published
// (a published picture, not audited), its author, and the moderators of its subtree.
registerAttachmentAccess(FORUM_FILE_PURPOSE, async (ctx, actor, attachment) => {
  const posts = await repo.postsWithImage(ctx.db.kysely, attachment.id);
  if (posts.some((p) => p.status === 'published' && canReadGroupPath(actor, p.group_path))) return 'published';
  return posts.some((p) => p.author_user_id === actor.userId || (p.status !== 'deleted' && canModerate(actor, p.org_path)));
});
