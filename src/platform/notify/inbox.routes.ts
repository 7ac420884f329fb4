import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import * as inbox from './notify.service.js';

const ZNotification = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export function registerInboxRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/inbox',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary: '我的消息 / My notifications, newest first, with the unread count',
        querystring: z.object({
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
          unread: z.enum(['1', '0', 'true', 'false']).optional(),
        }),
        response: {
          200: z.object({ items: z.array(ZNotification), total: z.number(), unread: z.number(), page: z.number(), pageSize: z.number() }),
        },
      },
    },
    async (request) => {
      const { page, pageSize, unread } = request.query;
      const unreadOnly = unread === '1' || unread === 'true';
      const result = await inbox.listInbox(ctx, request.actor!, { limit: pageSize, offset: (page - 1) * pageSize, unreadOnly });
      return { ...result, page, pageSize };
    },
  );

  app.post(
    '/api/v1/inbox/:id/read',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary: '标为已读 / Mark one of my notifications read',
        params: z.object({ id: z.string().min(1).max(32) }),
        response: { 200: ZNotification.extend({ unread: z.number() }) },
      },
    },
    async (request) => inbox.markRead(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/inbox/read-all',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary: '全部标为已读 / Mark all my notifications read',
        response: { 200: z.object({ updated: z.number(), unread: z.number() }) },
      },
    },
    async (request) => inbox.markAllRead(ctx, request.actor!, requestMeta(request)),
  );
}
