import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { NOTICE_PUBLISH, NOTICE_READ_OWN, NOTICE_TRACK } from './notices.policy.js';
import {
  ZCreateNotice,
  ZInformed,
  ZMineQuery,
  ZMyNotice,
  ZMyPage,
  ZNotice,
  ZNoticeParams,
  ZPin,
  ZPreview,
  ZPreviewBody,
  ZReceipts,
  ZStaffNotice,
  ZStaffPage,
  ZStaffQuery,
  ZUnreadPage,
  ZUnreadQuery,
  ZUpdateNotice,
  ZWithdraw,
} from './notices.schema.js';
import * as notices from './notices.service.js';

const TAGS = ['community: notices'];

/** 通知公告: staff write and publish, grid workers follow who has not been reached, residents read. */
export function registerNoticeRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/notices',
    {
      config: { policy: { permission: NOTICE_TRACK } },
      schema: { tags: TAGS, summary: '通知公告（本辖区）/ Notices of my area', querystring: ZStaffQuery, response: { 200: ZStaffPage } },
    },
    async (request) => notices.listForStaff(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/notices/audience-preview',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: { tags: TAGS, summary: '预览发送范围人数 / How many people an audience reaches now', body: ZPreviewBody, response: { 200: ZPreview } },
    },
    async (request) => notices.previewAudience(ctx, request.actor!, request.body),
  );

  app.post(
    '/api/v1/notices',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: { tags: TAGS, summary: '起草通知 / Draft a notice', body: ZCreateNotice, response: { 201: ZNotice } },
    },
    async (request, reply) => reply.status(201).send(await notices.createNotice(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/notices/:id',
    {
      config: { policy: { permission: NOTICE_TRACK } },
      schema: { tags: TAGS, summary: '通知详情与阅读回执 / A notice with its read receipts', params: ZNoticeParams, response: { 200: ZStaffNotice } },
    },
    async (request) => notices.getForStaff(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/notices/:id',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: { tags: TAGS, summary: '修改草稿 / Edit a draft (expectedVersion)', params: ZNoticeParams, body: ZUpdateNotice, response: { 200: ZNotice } },
    },
    async (request) => notices.updateNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/notices/:id/publish',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: {
        tags: TAGS,
        summary: '发布：确定发送范围、写回执、推送消息 / Publish: fix the audience, write receipts, notify',
        params: ZNoticeParams,
        body: z.object({ expectedVersion: z.number().int().min(1) }),
        response: { 200: ZNotice },
      },
    },
    async (request) => notices.publishNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/notices/:id/withdraw',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: { tags: TAGS, summary: '撤回 / Withdraw a published notice (reason)', params: ZNoticeParams, body: ZWithdraw, response: { 200: ZNotice } },
    },
    async (request) => notices.withdrawNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/notices/:id/pin',
    {
      config: { policy: { permission: NOTICE_PUBLISH } },
      schema: { tags: TAGS, summary: '置顶或取消置顶 / Pin or unpin', params: ZNoticeParams, body: ZPin, response: { 200: ZNotice } },
    },
    async (request) => notices.pinNotice(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/notices/:id/unreached',
    {
      config: { policy: { permission: NOTICE_TRACK } },
      schema: {
        tags: TAGS,
        summary: '未读且未告知的居民（姓名、脱敏电话、住址；审计）/ People not yet reached (audited)',
        params: ZNoticeParams,
        querystring: ZUnreadQuery,
        response: { 200: ZUnreadPage },
      },
    },
    async (request) => notices.unreached(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/notices/:id/informed',
    {
      config: { policy: { permission: NOTICE_TRACK } },
      schema: {
        tags: TAGS,
        summary: '登记已当面/电话/微信告知 / Record people told in person, by phone or WeChat',
        params: ZNoticeParams,
        body: ZInformed,
        response: { 200: z.object({ updated: z.number(), receipts: ZReceipts.omit({ byNode: true }) }) },
      },
    },
    async (request) => notices.recordInformed(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/notices',
    {
      config: { policy: { permission: NOTICE_READ_OWN } },
      schema: { tags: TAGS, summary: '我的通知（置顶在前）/ Notices sent to me, pinned first', querystring: ZMineQuery, response: { 200: ZMyPage } },
    },
    async (request) => notices.listMine(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/notices/:id',
    {
      config: { policy: { permission: NOTICE_READ_OWN } },
      schema: { tags: TAGS, summary: '阅读通知（即阅读回执）/ Open a notice (its read receipt)', params: ZNoticeParams, response: { 200: ZMyNotice } },
    },
    async (request) => notices.openMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
