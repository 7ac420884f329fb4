import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { DEEDS_RECORD, DEEDS_VERIFY } from './deeds.policy.js';
import { ZIdParams } from './organisations.schema.js';
import { ZDeed, ZDeedInput, ZDeedQuery, ZHonour, ZHonourQuery, ZMyDeed, ZRejectInput, ZSetting, ZSettingInput, ZSettingQuery, ZVerifyInput } from './deeds.schema.js';
import * as deeds from './deeds.service.js';

const TAGS = ['party: good deeds'];

/** 好人好事银行: anyone records; community staff verify (points deposited) or reject; anyone reads the honour roll. */
export function registerDeedRoutes(app: LinliApp, ctx: PlatformContext) {
  app.post(
    '/api/v1/deeds',
    {
      config: { policy: { permission: DEEDS_RECORD }, rateLimit: { max: 120, timeWindow: '1 hour' } },
      schema: { tags: TAGS, summary: '记录好人好事（本人、人口库人员或姓名；见证人；照片）/ Record a good deed (self, a registry person or a name; witnesses; photos)', body: ZDeedInput, response: { 201: ZMyDeed } },
    },
    async (request, reply) => reply.status(201).send(await deeds.recordDeed(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/deeds',
    {
      config: { policy: { permission: DEEDS_RECORD } },
      schema: { tags: TAGS, summary: '我记录的和我做的好人好事，及我的积分余额 / Deeds I recorded or did, and my points balance', response: { 200: z.object({ items: z.array(ZMyDeed), balance: z.number().nullable(), community: z.object({ id: z.string(), name: z.string() }).nullable() }) } },
    },
    async (request) => deeds.myDeeds(ctx, request.actor!),
  );

  app.get(
    '/api/v1/public/deeds/honour',
    {
      config: { policy: { public: true, reason: '好人好事光荣榜: verified good deeds shown to everyone, names as the community decides, never a number' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '好人好事光荣榜（公开）/ The public honour roll of verified good deeds', querystring: ZHonourQuery, response: { 200: ZHonour } },
    },
    async (request) => deeds.honourRoll(ctx, request.query),
  );

  const verify = { config: { policy: { permission: DEEDS_VERIFY } } };

  app.get(
    '/api/v1/deeds',
    { ...verify, schema: { tags: TAGS, summary: '好人好事核实队列（本辖区；留痕）/ Good deeds of my area to verify (audited)', querystring: ZDeedQuery, response: { 200: z.object({ items: z.array(ZDeed), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => deeds.listDeeds(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/deeds/settings',
    { ...verify, schema: { tags: TAGS, summary: '光荣榜姓名显示方式 / How names appear on the honour roll', querystring: ZSettingQuery, response: { 200: ZSetting } } },
    async (request) => deeds.getSetting(ctx, request.actor!, request.query),
  );

  app.put(
    '/api/v1/deeds/settings',
    { ...verify, schema: { tags: TAGS, summary: '设置光荣榜姓名显示方式（一律脱敏 / 本人同意时显示全名）/ Set how names appear (always masked / full name with consent)', body: ZSettingInput, response: { 200: ZSetting } } },
    async (request) => deeds.setSetting(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/deeds/:id',
    { ...verify, schema: { tags: TAGS, summary: '好人好事详情（留痕）/ A good deed (audited)', params: ZIdParams, response: { 200: ZDeed } } },
    async (request) => deeds.getDeed(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/deeds/:id/verify',
    { ...verify, schema: { tags: TAGS, summary: '核实（按积分规则存入积分；重复核实不重复存入）/ Verify: points deposited by the rule, once', params: ZIdParams, body: ZVerifyInput, response: { 200: ZDeed } } },
    async (request) => deeds.verifyDeed(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/deeds/:id/reject',
    { ...verify, schema: { tags: TAGS, summary: '不予核实（说明原因）/ Reject (reason)', params: ZIdParams, body: ZRejectInput, response: { 200: ZDeed } } },
    async (request) => deeds.rejectDeed(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
