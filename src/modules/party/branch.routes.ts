import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_PARTICIPATE } from './party.policy.js';
import { ZIdParams } from './organisations.schema.js';
import {
  ZBranchAccess,
  ZBranchNotice,
  ZBranchParams,
  ZBranchPost,
  ZBranchPostDetail,
  ZBranchTask,
  ZBranchTaskDetail,
  ZCommentInput,
  ZDoneInput,
  ZMyBranch,
  ZMyTask,
  ZNoticeInput,
  ZNoticeQuery,
  ZOverdue,
  ZPage,
  ZPostInput,
  ZReason,
  ZTaskInput,
  ZTaskQuery,
} from './branch.schema.js';
import * as branch from './branch.service.js';

const TAGS = ['party: online branch'];

/**
 * 网上E支部. Every route is `party.participate`; the service decides by the caller's place in
 * the branch (member, secretary by post, staff by grant). The discussion is the branch's own:
 * anyone else is told it does not exist.
 */
export function registerBranchRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };
  const writes = { config: { policy: { permission: PARTY_PARTICIPATE }, rateLimit: { max: 120, timeWindow: '1 hour' } } };

  app.get(
    '/api/v1/me/party/branch',
    { ...take, schema: { tags: TAGS, summary: '我的支部（网上E支部入口）/ My branch: what I may do, my open and overdue tasks', response: { 200: ZMyBranch } } },
    async (request) => branch.myBranch(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/party/tasks',
    { ...take, schema: { tags: TAGS, summary: '我的支部任务 / Tasks my branch gave me', response: { 200: z.object({ items: z.array(ZMyTask) }) } } },
    async (request) => branch.myTasks(ctx, request.actor!),
  );

  app.get(
    '/api/v1/party/branches/:id',
    { ...take, schema: { tags: TAGS, summary: '支部与我的权限 / A branch and what I may do there', params: ZBranchParams, response: { 200: ZBranchAccess } } },
    async (request) => branch.getBranch(ctx, request.actor!, request.params.id),
  );

  // ---------------------------------------------------------------- notices
  app.get(
    '/api/v1/party/branches/:id/notices',
    { ...take, schema: { tags: TAGS, summary: '支部通知 / Branch notices', params: ZBranchParams, querystring: ZNoticeQuery, response: { 200: z.object({ items: z.array(ZBranchNotice) }) } } },
    async (request) => branch.listNotices(ctx, request.actor!, request.params.id, request.query),
  );
  app.post(
    '/api/v1/party/branches/:id/notices',
    { ...take, schema: { tags: TAGS, summary: '发布支部通知（党员收到站内信）/ Publish a branch notice (members are told)', params: ZBranchParams, body: ZNoticeInput, response: { 201: ZBranchNotice } } },
    async (request, reply) => reply.status(201).send(await branch.createNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.post(
    '/api/v1/party/branch-notices/:id/withdraw',
    { ...take, schema: { tags: TAGS, summary: '撤回支部通知（说明原因）/ Withdraw a branch notice (reason)', params: ZIdParams, body: ZReason, response: { 200: ZBranchNotice } } },
    async (request) => branch.withdrawNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ---------------------------------------------------------------- discussion
  app.get(
    '/api/v1/party/branches/:id/posts',
    {
      ...take,
      schema: { tags: TAGS, summary: '支部讨论区（仅本支部党员）/ The branch’s discussion (its members only)', params: ZBranchParams, querystring: ZPage, response: { 200: z.object({ items: z.array(ZBranchPost), total: z.number(), page: z.number(), pageSize: z.number(), canModerate: z.boolean() }) } },
    },
    async (request) => branch.listPosts(ctx, request.actor!, request.params.id, request.query),
  );
  app.post(
    '/api/v1/party/branches/:id/posts',
    { ...writes, schema: { tags: TAGS, summary: '发帖（纯文本）/ Post (plain text)', params: ZBranchParams, body: ZPostInput, response: { 201: ZBranchPost } } },
    async (request, reply) => reply.status(201).send(await branch.createPost(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.get(
    '/api/v1/party/branch-posts/:id',
    { ...take, schema: { tags: TAGS, summary: '帖子与评论 / A post with its comments', params: ZIdParams, response: { 200: ZBranchPostDetail } } },
    async (request) => branch.getPost(ctx, request.actor!, request.params.id),
  );
  app.post(
    '/api/v1/party/branch-posts/:id/comments',
    { ...writes, schema: { tags: TAGS, summary: '评论 / Comment', params: ZIdParams, body: ZCommentInput, response: { 201: ZBranchPostDetail } } },
    async (request, reply) => reply.status(201).send(await branch.addComment(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.post(
    '/api/v1/party/branch-posts/:id/hide',
    { ...take, schema: { tags: TAGS, summary: '隐藏帖子（支部书记；说明原因）/ Hide a post (the branch’s secretary; reason)', params: ZIdParams, body: ZReason, response: { 200: ZBranchPostDetail } } },
    async (request) => branch.hidePost(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ---------------------------------------------------------------- tasks
  app.get(
    '/api/v1/party/branches/:id/tasks',
    { ...take, schema: { tags: TAGS, summary: '支部任务 / The branch’s tasks', params: ZBranchParams, querystring: ZTaskQuery, response: { 200: z.object({ items: z.array(ZBranchTask) }) } } },
    async (request) => branch.listTasks(ctx, request.actor!, request.params.id, request.query),
  );
  app.post(
    '/api/v1/party/branches/:id/tasks',
    { ...take, schema: { tags: TAGS, summary: '布置任务（全体或指定党员，完成期限）/ Give a task to all or some members, with a due day', params: ZBranchParams, body: ZTaskInput, response: { 201: ZBranchTask } } },
    async (request, reply) => reply.status(201).send(await branch.createTask(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
  app.get(
    '/api/v1/party/branches/:id/tasks/overdue',
    { ...take, schema: { tags: TAGS, summary: '逾期未完成名单（留痕）/ Who is late with which task (audited)', params: ZBranchParams, response: { 200: z.object({ items: z.array(ZOverdue) }) } } },
    async (request) => branch.overdue(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.get(
    '/api/v1/party/branch-tasks/:id',
    { ...take, schema: { tags: TAGS, summary: '任务完成情况（留痕）/ A task and each member’s part (audited)', params: ZIdParams, response: { 200: ZBranchTaskDetail } } },
    async (request) => branch.getTask(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/party/branch-tasks/:id/done',
    { ...take, schema: { tags: TAGS, summary: '我已完成（附说明）/ Mark my part done, with a note', params: ZIdParams, body: ZDoneInput, response: { 200: ZMyTask } } },
    async (request) => branch.markDone(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.post(
    '/api/v1/party/branch-tasks/:id/close',
    { ...take, schema: { tags: TAGS, summary: '结束任务 / Close a task', params: ZIdParams, body: z.object({ expectedVersion: z.number().int().min(1) }), response: { 200: ZBranchTask } } },
    async (request) => branch.closeTask(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
