import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { FORUM_MODERATE, FORUM_POST, FORUM_WORDS } from './forum.policy.js';
import {
  ZComment,
  ZCommentInput,
  ZGroup,
  ZGroupInput,
  ZGroupPatch,
  ZGroupQuery,
  ZIdentity,
  ZNicknameInput,
  ZPageQuery,
  ZPaged,
  ZPost,
  ZPostInput,
  ZPostPatch,
  ZPostSummary,
  ZProfile,
  ZQueueItem,
  ZQueueQuery,
  ZReasonInput,
  ZReport,
  ZReportInput,
  ZReportQuery,
  ZWord,
  ZWordInput,
  ZWordPatch,
  zId,
} from './forum.schema.js';
import * as forum from './forum.service.js';

const TAGS = ['community: forum'];
const ZOk = z.object({ ok: z.literal(true) });
const idParams = z.object({ id: zId() });

/**
 * 兴趣社区 API. Residents, volunteers and staff of a community: nickname, groups, posts, comments,
 * likes, reports. Moderators (within their subtree): groups, the review queue, reports, hiding,
 * who is behind a nickname. Community staff: the sensitive-word list.
 */
export function registerForumRoutes(app: LinliApp, ctx: PlatformContext) {
  const post = { policy: { permission: FORUM_POST } };
  const mod = { policy: { permission: FORUM_MODERATE } };
  const words = { policy: { permission: FORUM_WORDS } };

  // ── nickname ──
  app.get('/api/v1/me/forum-profile', { config: post, schema: { tags: TAGS, summary: '我的论坛昵称 / My forum nickname', response: { 200: ZProfile } } }, async (request) => forum.getProfile(ctx, request.actor!));
  app.put(
    '/api/v1/me/forum-profile',
    {
      config: { ...post, rateLimit: { max: 20, timeWindow: '1 hour' } },
      schema: { tags: TAGS, summary: '设置论坛昵称（本社区内唯一）/ Set my forum nickname (unique in my community)', body: ZNicknameInput, response: { 200: ZProfile } },
    },
    async (request) => forum.setNickname(ctx, request.actor!, request.body, requestMeta(request)),
  );

  // ── groups ──
  app.get(
    '/api/v1/forum/groups',
    { config: post, schema: { tags: TAGS, summary: '本社区的兴趣小组 / Interest groups of my community (all=1: closed ones too, for moderators)', querystring: ZGroupQuery, response: { 200: z.object({ items: z.array(ZGroup) }) } } },
    async (request) => forum.listGroups(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/forum/groups',
    { config: mod, schema: { tags: TAGS, summary: '新建兴趣小组 / Create a group (community staff)', body: ZGroupInput, response: { 201: ZGroup } } },
    async (request, reply) => reply.status(201).send(await forum.createGroup(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.get('/api/v1/forum/groups/:id', { config: post, schema: { tags: TAGS, summary: '兴趣小组 / A group', params: idParams, response: { 200: ZGroup } } }, async (request) => forum.getGroup(ctx, request.actor!, request.params.id));
  app.patch(
    '/api/v1/forum/groups/:id',
    { config: mod, schema: { tags: TAGS, summary: '修改小组名称、简介 / Edit a group', params: idParams, body: ZGroupPatch, response: { 200: ZGroup } } },
    async (request) => forum.updateGroup(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.post(
    '/api/v1/forum/groups/:id/close',
    { config: mod, schema: { tags: TAGS, summary: '关闭小组（说明原因）/ Close a group', params: idParams, body: ZReasonInput, response: { 200: ZGroup } } },
    async (request) => forum.setGroupOpen(ctx, request.actor!, request.params.id, false, request.body.reason, requestMeta(request)),
  );
  app.post(
    '/api/v1/forum/groups/:id/reopen',
    { config: mod, schema: { tags: TAGS, summary: '重新开放小组 / Reopen a group', params: idParams, response: { 200: ZGroup } } },
    async (request) => forum.setGroupOpen(ctx, request.actor!, request.params.id, true, null, requestMeta(request)),
  );
  app.post(
    '/api/v1/forum/groups/:id/join',
    { config: post, schema: { tags: TAGS, summary: '加入小组 / Join a group', params: idParams, response: { 200: ZGroup } } },
    async (request) => forum.joinGroup(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/forum/groups/:id/leave',
    { config: post, schema: { tags: TAGS, summary: '退出小组 / Leave a group', params: idParams, response: { 200: ZOk } } },
    async (request) => forum.leaveGroup(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  // ── posts ──
  app.get(
    '/api/v1/forum/groups/:id/posts',
    { config: post, schema: { tags: TAGS, summary: '小组帖子（含自己审核中的）/ Posts of a group (and my own held for review)', params: idParams, querystring: ZPageQuery, response: { 200: ZPaged(ZPostSummary) } } },
    async (request) => forum.listPosts(ctx, request.actor!, request.params.id, request.query),
  );
  app.post(
    '/api/v1/forum/groups/:id/posts',
    {
      config: post,
      schema: {
        tags: TAGS,
        summary: `发帖（富文本在服务端净化；最多 9 张图片；每 ${forum.POST_LIMIT.minutes} 分钟最多 ${forum.POST_LIMIT.max} 篇）/ Post (sanitised rich text, up to 9 pictures, rate-limited)`,
        params: idParams,
        body: ZPostInput,
        response: { 201: ZPost },
      },
    },
    async (request, reply) => reply.status(201).send(await forum.createPost(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.get('/api/v1/forum/posts/:id', { config: post, schema: { tags: TAGS, summary: '帖子 / A post', params: idParams, response: { 200: ZPost } } }, async (request) => forum.getPost(ctx, request.actor!, request.params.id));
  app.patch(
    '/api/v1/forum/posts/:id',
    { config: post, schema: { tags: TAGS, summary: '修改自己的帖子 / Edit my post', params: idParams, body: ZPostPatch, response: { 200: ZPost } } },
    async (request) => forum.editPost(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.delete(
    '/api/v1/forum/posts/:id',
    { config: post, schema: { tags: TAGS, summary: '删除自己的帖子 / Delete my post', params: idParams, response: { 200: ZOk } } },
    async (request) => forum.deletePost(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  const ZLike = z.object({ liked: z.boolean(), likeCount: z.number() });
  app.put(
    '/api/v1/forum/posts/:id/like',
    { config: post, schema: { tags: TAGS, summary: '点赞（重复点赞只算一次）/ Like (idempotent)', params: idParams, response: { 200: ZLike } } },
    async (request) => forum.setLike(ctx, request.actor!, request.params.id, true, requestMeta(request)),
  );
  app.delete(
    '/api/v1/forum/posts/:id/like',
    { config: post, schema: { tags: TAGS, summary: '取消点赞 / Unlike', params: idParams, response: { 200: ZLike } } },
    async (request) => forum.setLike(ctx, request.actor!, request.params.id, false, requestMeta(request)),
  );

  // ── comments ──
  app.get(
    '/api/v1/forum/posts/:id/comments',
    { config: post, schema: { tags: TAGS, summary: '评论 / Comments of a post', params: idParams, querystring: ZPageQuery, response: { 200: ZPaged(ZComment) } } },
    async (request) => forum.listComments(ctx, request.actor!, request.params.id, request.query),
  );
  app.post(
    '/api/v1/forum/posts/:id/comments',
    {
      config: post,
      schema: { tags: TAGS, summary: `评论（纯文本；每 ${forum.COMMENT_LIMIT.minutes} 分钟最多 ${forum.COMMENT_LIMIT.max} 条）/ Comment (plain text, rate-limited)`, params: idParams, body: ZCommentInput, response: { 201: ZComment } },
    },
    async (request, reply) => reply.status(201).send(await forum.addComment(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.delete(
    '/api/v1/forum/comments/:id',
    { config: post, schema: { tags: TAGS, summary: '删除自己的评论 / Delete my comment', params: idParams, response: { 200: ZOk } } },
    async (request) => forum.deleteComment(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  // ── reports ──
  app.post(
    '/api/v1/forum/reports',
    {
      config: { ...post, rateLimit: { max: 30, timeWindow: '1 hour' } },
      schema: { tags: TAGS, summary: '举报帖子或评论 / Report a post or comment', body: ZReportInput, response: { 200: z.object({ reported: z.literal(true), alreadyReported: z.boolean() }) } },
    },
    async (request) => forum.reportContent(ctx, request.actor!, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/forum/reports',
    { config: mod, schema: { tags: TAGS, summary: '举报处理（本辖区）/ Reports in my area', querystring: ZReportQuery, response: { 200: ZPaged(ZReport) } } },
    async (request) => forum.listReports(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/forum/reports/:id/dismiss',
    { config: mod, schema: { tags: TAGS, summary: '驳回举报（该内容的所有举报）/ Dismiss the reports of an item', params: idParams, body: ZReasonInput, response: { 200: ZOk } } },
    async (request) => forum.dismissReport(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ── review queue and moderation ──
  app.get(
    '/api/v1/forum/review-queue',
    { config: mod, schema: { tags: TAGS, summary: '待审核（本辖区，先到先审）/ Held for review in my area, oldest first', querystring: ZQueueQuery, response: { 200: ZPaged(ZQueueItem) } } },
    async (request) => forum.reviewQueue(ctx, request.actor!, request.query),
  );
  const ZModerated = z.object({ id: z.string(), kind: z.enum(['post', 'comment']), status: z.enum(['pending', 'published', 'rejected', 'hidden', 'deleted']) });
  for (const [segment, kind] of [['posts', 'post'], ['comments', 'comment']] as const) {
    app.post(
      `/api/v1/forum/${segment}/:id/approve`,
      { config: mod, schema: { tags: TAGS, summary: `审核通过 / Approve a held ${kind}`, params: idParams, response: { 200: ZModerated } } },
      async (request) => forum.moderate(ctx, request.actor!, kind, request.params.id, 'approve', {}, requestMeta(request)),
    );
    app.post(
      `/api/v1/forum/${segment}/:id/reject`,
      { config: mod, schema: { tags: TAGS, summary: `审核不通过（说明原因）/ Reject a held ${kind}`, params: idParams, body: ZReasonInput, response: { 200: ZModerated } } },
      async (request) => forum.moderate(ctx, request.actor!, kind, request.params.id, 'reject', request.body, requestMeta(request)),
    );
    app.post(
      `/api/v1/forum/${segment}/:id/hide`,
      { config: mod, schema: { tags: TAGS, summary: `隐藏（说明原因，通知作者）/ Hide a ${kind}`, params: idParams, body: ZReasonInput, response: { 200: ZModerated } } },
      async (request) => forum.moderate(ctx, request.actor!, kind, request.params.id, 'hide', request.body, requestMeta(request)),
    );
    app.get(
      `/api/v1/forum/${segment}/:id/author`,
      { config: mod, schema: { tags: TAGS, summary: `昵称背后的真实身份（留痕）/ Who wrote this ${kind} (audited)`, params: idParams, response: { 200: ZIdentity } } },
      async (request) => forum.revealAuthor(ctx, request.actor!, kind, request.params.id, requestMeta(request)),
    );
  }

  // ── sensitive words ──
  app.get('/api/v1/forum/words', { config: words, schema: { tags: TAGS, summary: '敏感词库 / Sensitive words', response: { 200: z.object({ items: z.array(ZWord) }) } } }, async (request) => forum.listWords(ctx, request.actor!));
  app.post(
    '/api/v1/forum/words',
    { config: words, schema: { tags: TAGS, summary: '添加敏感词（review 转人工审核，block 直接拒绝）/ Add a word', body: ZWordInput, response: { 201: ZWord } } },
    async (request, reply) => reply.status(201).send(await forum.addWord(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.patch(
    '/api/v1/forum/words/:id',
    { config: words, schema: { tags: TAGS, summary: '修改敏感词级别 / Change a word\'s level', params: idParams, body: ZWordPatch, response: { 200: ZWord } } },
    async (request) => forum.setWordLevel(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.delete(
    '/api/v1/forum/words/:id',
    { config: words, schema: { tags: TAGS, summary: '删除敏感词 / Remove a word', params: idParams, response: { 200: ZOk } } },
    async (request) => forum.removeWord(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
