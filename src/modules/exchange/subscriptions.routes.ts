import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { EXCHANGE_MANAGE, EXCHANGE_READ } from './clients.policy.js';
import { zId } from './clients.schema.js';
import { ZDelivery, ZSubscription, ZSubscriptionInput } from './subscriptions.schema.js';
import * as subs from './subscriptions.service.js';

const TAGS = ['exchange: subscriptions'];

/** 变更订阅: subscriptions of a client, its deliveries, the dead-letter list and replay. */
export function registerSubscriptionRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/exchange/clients/:id/subscriptions',
    { config: { policy: { permission: EXCHANGE_READ } }, schema: { tags: TAGS, summary: '变更订阅 / A client’s subscriptions', params: z.object({ id: zId() }), response: { 200: z.object({ items: z.array(ZSubscription) }) } } },
    async (request) => subs.listSubscriptions(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/exchange/clients/:id/subscriptions',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: { tags: TAGS, summary: '新建变更订阅（签名密钥仅显示一次）/ Subscribe (the signing secret is shown once)', params: z.object({ id: zId() }), body: ZSubscriptionInput, response: { 201: ZSubscription.extend({ secret: z.string() }) } },
    },
    async (request, reply) => reply.status(201).send(await subs.createSubscription(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/exchange/subscriptions/:id/status',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: { tags: TAGS, summary: '暂停或恢复订阅 / Pause or resume a subscription', params: z.object({ id: zId() }), body: z.object({ status: z.enum(['active', 'paused']) }), response: { 200: ZSubscription } },
    },
    async (request) => subs.setSubscriptionStatus(ctx, request.actor!, request.params.id, request.body.status, requestMeta(request)),
  );

  app.get(
    '/api/v1/exchange/clients/:id/deliveries',
    {
      config: { policy: { permission: EXCHANGE_READ } },
      schema: {
        tags: TAGS,
        summary: '推送记录；status=dead 为死信队列 / Deliveries; status=dead is the dead-letter list',
        params: z.object({ id: zId() }),
        querystring: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ items: z.array(ZDelivery), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request) => subs.listDeliveries(ctx, request.actor!, request.params.id, request.query),
  );

  app.post(
    '/api/v1/exchange/deliveries/:id/replay',
    { config: { policy: { permission: EXCHANGE_MANAGE } }, schema: { tags: TAGS, summary: '重放死信（同一推送编号）/ Replay a dead delivery (same delivery id)', params: z.object({ id: zId() }), response: { 200: ZDelivery } } },
    async (request) => subs.replayDelivery(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
