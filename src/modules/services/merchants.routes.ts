import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { MERCHANT_MANAGE } from './merchants.policy.js';
import {
  ZCategoryList,
  ZCategoryQuery,
  ZCreateMerchant,
  ZCreateOffer,
  ZMerchant,
  ZMerchantPage,
  ZMerchantParams,
  ZMerchantQuery,
  ZOffer,
  ZOfferParams,
  ZUpdateMerchant,
  ZUpdateOffer,
} from './merchants.schema.js';
import * as merchants from './merchants.service.js';

const TAGS = ['services: local life'];
const PUBLIC = { public: true as const, reason: '周边商圈资讯: the public directory of nearby merchants, hours and offers' };

/** 周边商圈: anyone reads the directory (no login, rate limited); community staff keep it. */
export function registerMerchantRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/merchants',
    {
      config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: TAGS,
        summary: '周边商户（按类别、关键词、正在营业；公开）/ Nearby merchants by category, words, open now (public)',
        querystring: ZMerchantQuery,
        response: { 200: ZMerchantPage },
      },
    },
    async (request) => merchants.listMerchants(ctx, request.actor, request.query),
  );

  app.get(
    '/api/v1/merchants/categories',
    {
      config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '商户类别及数量（公开）/ Categories with counts (public)', querystring: ZCategoryQuery, response: { 200: ZCategoryList } },
    },
    async (request) => merchants.listCategories(ctx, request.query),
  );

  app.get(
    '/api/v1/merchants/:id',
    {
      config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '商户详情：营业时间、优惠（公开）/ A merchant with hours and offers (public)', params: ZMerchantParams, response: { 200: ZMerchant } },
    },
    async (request) => merchants.getMerchant(ctx, request.actor, request.params.id),
  );

  app.post(
    '/api/v1/merchants',
    {
      config: { policy: { permission: MERCHANT_MANAGE } },
      schema: { tags: TAGS, summary: '登记商户 / List a merchant', body: ZCreateMerchant, response: { 201: ZMerchant } },
    },
    async (request, reply) => reply.status(201).send(await merchants.createMerchant(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/merchants/:id',
    {
      config: { policy: { permission: MERCHANT_MANAGE } },
      schema: { tags: TAGS, summary: '修改商户（含营业时间、停用）/ Edit a merchant (expectedVersion)', params: ZMerchantParams, body: ZUpdateMerchant, response: { 200: ZMerchant } },
    },
    async (request) => merchants.updateMerchant(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/merchants/:id/offers',
    {
      config: { policy: { permission: MERCHANT_MANAGE } },
      schema: { tags: TAGS, summary: '发布优惠 / Add an offer', params: ZMerchantParams, body: ZCreateOffer, response: { 201: ZOffer } },
    },
    async (request, reply) => reply.status(201).send(await merchants.addOffer(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/merchants/:id/offers/:offerId',
    {
      config: { policy: { permission: MERCHANT_MANAGE } },
      schema: { tags: TAGS, summary: '修改或下架优惠 / Edit or withdraw an offer', params: ZOfferParams, body: ZUpdateOffer, response: { 200: ZOffer } },
    },
    async (request) => merchants.updateOffer(ctx, request.actor!, request.params.id, request.params.offerId, request.body, requestMeta(request)),
  );
}
