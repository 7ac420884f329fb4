import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import * as inbox from './notify.service.js';
import { closeLiveHub, liveHub, mayListenTopic } from './live.js';
import { notFound } from '../errors.js';

const HEARTBEAT_MS = 25_000;

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
  // Open event streams end before the server closes (they would hold it open) and the hub after.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => closeLiveHub(ctx));

  app.get(
    '/api/v1/live',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary:
          '实时消息（Server-Sent Events）/ Live notifications as Server-Sent Events: `hello` with the unread count, then `notification` {unread, latest} whenever one arrives',
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const db = ctx.db.kysely;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no', // nginx: do not buffer the stream
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      let open = true;
      let sending = Promise.resolve();
      const send = (event: string, data: unknown) => {
        if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      // Signals may come in bursts; each sends the state after it, in order.
      const onSignal = () => {
        sending = sending.then(async () => {
          if (!open) return;
          const [unread, latest] = await Promise.all([
            inbox.countUnread(db, actor.userId),
            db.selectFrom('notification').selectAll().where('user_id', '=', actor.userId).orderBy('id', 'desc').limit(1).executeTakeFirst(),
          ]);
          send('notification', { unread, latest: latest ? inbox.presentNotification(latest) : null });
        }).catch(() => undefined);
      };
      const unsubscribe = await liveHub(ctx).subscribe(actor.userId, onSignal);
      const heartbeat = setInterval(() => open && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
        res.end();
      };
      streams.add(end);
      request.raw.on('close', end);
      send('hello', { unread: await inbox.countUnread(db, actor.userId) });
    },
  );

  app.get(
    '/api/v1/live/topics',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary:
          '实时主题（Server-Sent Events）/ Live signals of one topic (e.g. `survey:<id>` results): `hello`, then `signal` {topic} after each committed change; 404 when you may not read it',
        querystring: z.object({ topic: z.string().min(3).max(80).regex(/^[a-z][a-z0-9-]*:[A-Za-z0-9_-]+$/) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const topic = request.query.topic;
      if (!(await mayListenTopic(ctx, actor, topic))) throw notFound();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      let open = true;
      const send = (event: string, data: unknown) => {
        if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = await liveHub(ctx).subscribeTopic(topic, () => send('signal', { topic }));
      const heartbeat = setInterval(() => open && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
        res.end();
      };
      streams.add(end);
      request.raw.on('close', end);
      send('hello', { topic });
    },
  );

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

  const ZPreferences = z.object({
    topics: z.array(z.object({ topic: z.string(), name: z.string(), nameEn: z.string() })),
    channels: z.array(z.object({ channel: z.string(), name: z.string(), nameEn: z.string() })),
    settings: z.array(z.object({ topic: z.string(), channel: z.string(), enabled: z.boolean() })),
  });
  const topics = inbox.NOTIFICATION_TOPICS.map((t) => t.topic) as [string, ...string[]];
  const channels = inbox.NOTIFICATION_CHANNELS.map((c) => c.channel) as [string, ...string[]];

  app.get(
    '/api/v1/me/notification-preferences',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['notify'], summary: '消息设置：各类消息是否同时发短信、微信 / My channel choices per topic', response: { 200: ZPreferences } },
    },
    async (request) => inbox.getPreferences(ctx, request.actor!),
  );

  app.put(
    '/api/v1/me/notification-preferences',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['notify'],
        summary: '修改消息设置（站内消息始终接收）/ Change my channel choices (the inbox always receives)',
        body: z.object({ settings: z.array(z.object({ topic: z.enum(topics), channel: z.enum(channels), enabled: z.boolean() })).min(1).max(50) }),
        response: { 200: ZPreferences },
      },
    },
    async (request) => inbox.setPreferences(ctx, request.actor!, request.body.settings, requestMeta(request)),
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
