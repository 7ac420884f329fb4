import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { POINTS_MANAGE } from './points.policy.js';
import { ZAward, ZAwardQuery, ZGoodDeedInput, ZKind, ZMyPoints, ZRule, ZRuleInput, ZRulePatch } from './points.schema.js';
import * as points from './points.service.js';
import { REWARDS_REDEEM } from './rewards.policy.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: points'];
const ZIdParams = z.object({ id: zId() });

/** 积分: rules as data, awards for good deeds, the holder's points. */
export function registerPointsRoutes(app: LinliApp, ctx: PlatformContext) {
  const staff = { config: { policy: { permission: POINTS_MANAGE } } };
  const self = { config: { policy: { permission: REWARDS_REDEEM } } };

  app.get(
    '/api/v1/points/kinds',
    { ...staff, schema: { tags: TAGS, summary: '积分来源类型 / Kinds of source a rule can count', response: { 200: z.object({ items: z.array(ZKind) }) } } },
    async () => ({ items: points.pointsSourceKinds() }),
  );

  app.get(
    '/api/v1/points/rules',
    { ...staff, schema: { tags: TAGS, summary: '积分规则（本辖区）/ Points rules of my area', querystring: z.object({ kind: z.string().max(40).optional() }), response: { 200: z.object({ items: z.array(ZRule) }) } } },
    async (request) => points.listRules(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/points/rules',
    { ...staff, schema: { tags: TAGS, summary: '新建积分规则 / Create a points rule', body: ZRuleInput, response: { 201: ZRule } } },
    async (request, reply) => reply.status(201).send(await points.createRule(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/points/rules/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改、停用积分规则 / Change or deactivate a rule', params: ZIdParams, body: ZRulePatch, response: { 200: ZRule } } },
    async (request) => points.updateRule(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/points/awards',
    { ...staff, schema: { tags: TAGS, summary: '积分发放记录（本辖区）/ Points awarded in my area', querystring: ZAwardQuery, response: { 200: z.object({ items: z.array(ZAward), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => points.listAwards(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/points/good-deeds',
    { ...staff, schema: { tags: TAGS, summary: '登记好人好事并按规则发放积分 / Record a verified good deed: points by the rule', body: ZGoodDeedInput, response: { 201: ZAward } } },
    async (request, reply) => reply.status(201).send(await points.awardGoodDeed(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/points',
    { ...self, schema: { tags: TAGS, summary: '我的积分（余额与每笔记账）/ My points: balance and every ledger entry', response: { 200: ZMyPoints } } },
    async (request) => points.myPoints(ctx, request.actor!),
  );
}
