import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition, downloadName } from '../../platform/files/content-type.js';
import { openAttachment } from '../../platform/files/files.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { REWARDS_MANAGE, REWARDS_REDEEM } from './rewards.policy.js';
import { ZCatalogue, ZFulfil, ZItem, ZItemInput, ZItemPatch, ZOrder, ZOrderInput, ZOrderQuery, ZStaffCancel } from './rewards.schema.js';
import * as rewards from './rewards.service.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: rewards (爱心超市)'];
const ZIdParams = z.object({ id: zId() });

/** 爱心超市: the catalogue, orders, fulfilment by code. */
export function registerRewardsRoutes(app: LinliApp, ctx: PlatformContext) {
  const staff = { config: { policy: { permission: REWARDS_MANAGE } } };
  const self = { config: { policy: { permission: REWARDS_REDEEM } } };
  const PUBLIC = { public: true as const, reason: '爱心超市: pictures of rewards on sale are shown on resident pages and posters' };

  app.get(
    '/api/v1/public/reward-items/:id/picture',
    { config: { policy: PUBLIC, rateLimit: { max: 300, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '兑换物品图片（公开）/ The picture of a reward on sale (public)', params: ZIdParams } },
    async (request, reply) => {
      const row = await rewards.pictureOf(ctx, request.params.id);
      reply
        .type(row.mime)
        .header('content-length', row.size)
        .header('content-disposition', contentDisposition('inline', downloadName(row.original_name, row.mime)))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=3600');
      return reply.send(openAttachment(ctx, row));
    },
  );

  app.get(
    '/api/v1/reward-items',
    { ...staff, schema: { tags: TAGS, summary: '兑换物品（本辖区）/ Rewards of my area', response: { 200: z.object({ items: z.array(ZItem) }) } } },
    async (request) => rewards.listItems(ctx, request.actor!),
  );

  app.post(
    '/api/v1/reward-items',
    { ...staff, schema: { tags: TAGS, summary: '上架兑换物品 / Add a reward', body: ZItemInput, response: { 201: ZItem } } },
    async (request, reply) => reply.status(201).send(await rewards.createItem(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/reward-items/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改兑换物品、入库或核减库存、上下架 / Change a reward, its stock or availability', params: ZIdParams, body: ZItemPatch, response: { 200: ZItem } } },
    async (request) => rewards.updateItem(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/reward-orders',
    { ...staff, schema: { tags: TAGS, summary: '兑换单（本辖区；留痕）/ Orders of my area (audited)', querystring: ZOrderQuery, response: { 200: z.object({ items: z.array(ZOrder), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => rewards.listOrders(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/reward-orders/by-code/:code',
    { ...staff, schema: { tags: TAGS, summary: '按兑换码查兑换单 / The order behind a code', params: ZFulfil, response: { 200: ZOrder } } },
    async (request) => rewards.orderForCode(ctx, request.actor!, request.params.code),
  );

  app.post(
    '/api/v1/reward-orders/fulfil',
    { ...staff, schema: { tags: TAGS, summary: '核销（输入或扫描兑换码）/ Fulfil an order by its code', body: ZFulfil, response: { 200: ZOrder } } },
    async (request) => rewards.fulfil(ctx, request.actor!, request.body.code, requestMeta(request)),
  );

  app.post(
    '/api/v1/reward-orders/:id/cancel',
    { ...staff, schema: { tags: TAGS, summary: '取消兑换单并退回积分 / Cancel an order, returning the points', params: ZIdParams, body: ZStaffCancel, response: { 200: ZOrder } } },
    async (request) => rewards.cancelByStaff(ctx, request.actor!, request.params.id, request.body.reason, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/rewards',
    { ...self, schema: { tags: TAGS, summary: '本社区爱心超市与我的积分 / My community\'s rewards and my points', response: { 200: ZCatalogue } } },
    async (request) => rewards.catalogue(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/reward-orders',
    { ...self, schema: { tags: TAGS, summary: '我的兑换单 / My orders', response: { 200: z.object({ items: z.array(ZOrder) }) } } },
    async (request) => rewards.myOrders(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/reward-orders',
    { config: { ...self.config, rateLimit: { max: 30, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '积分兑换（扣积分、减库存）/ Order a reward with points', body: ZOrderInput, response: { 201: ZOrder } } },
    async (request, reply) => reply.status(201).send(await rewards.placeOrder(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/me/reward-orders/:id/cancel',
    { ...self, schema: { tags: TAGS, summary: '取消我的兑换单（积分退回）/ Cancel my order (points returned)', params: ZIdParams, response: { 200: ZOrder } } },
    async (request) => rewards.cancelMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
