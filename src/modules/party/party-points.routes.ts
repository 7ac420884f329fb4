import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_PARTICIPATE } from './party.policy.js';
import { ZAdjustInput, ZMyScoreQuery, ZRules, ZRulesInput, ZRulesQuery, ZScore, ZScoreQuery, ZScores } from './party-points.schema.js';
import * as points from './party-points.service.js';
import { exportScores, XLSX_MIME } from './party-points.xlsx.js';

const TAGS = ['party: member points'];

/**
 * 党员积分. Every route is `party.participate`; the service decides by grants and posts: whoever
 * reads an organisation sees its members' scores, whoever runs it adjusts them, the committee
 * sets its rules, a member sees their own.
 */
export function registerPartyPointsRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };

  app.get(
    '/api/v1/party/points/rules',
    { ...take, schema: { tags: TAGS, summary: '积分规则（本组织所属党委的，或默认）/ The points rules in force for an organisation', querystring: ZRulesQuery, response: { 200: ZRules } } },
    async (request) => points.getRules(ctx, request.actor!, request.query),
  );

  app.put(
    '/api/v1/party/points/rules',
    { ...take, schema: { tags: TAGS, summary: '党委设置积分规则（每项分值、年度上限；留痕）/ A committee sets its rules (points per unit, yearly cap; audited)', body: ZRulesInput, response: { 200: ZRules } } },
    async (request) => points.setRules(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/points',
    { ...take, schema: { tags: TAGS, summary: '党员年度积分（本组织及下级；留痕）/ Members’ yearly scores (audited)', querystring: ZScoreQuery, response: { 200: ZScores } } },
    async (request) => points.listScores(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/points/export.xlsx',
    { ...take, schema: { tags: TAGS, summary: '导出党员积分统计表（留痕）/ The yearly scores as an xlsx table (audited)', querystring: ZScoreQuery } },
    async (request, reply) => {
      const file = await exportScores(ctx, request.actor!, request.query, requestMeta(request));
      return reply.type(XLSX_MIME).header('content-disposition', contentDisposition('attachment', file.fileName)).header('cache-control', 'no-store').send(file.buffer);
    },
  );

  app.post(
    '/api/v1/party/points/adjustments',
    { ...take, schema: { tags: TAGS, summary: '调整积分（须说明理由；留痕）/ Adjust a member’s points with a reason (audited)', body: ZAdjustInput, response: { 201: ZScore } } },
    async (request, reply) => reply.status(201).send(await points.adjust(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/party/points',
    { ...take, schema: { tags: TAGS, summary: '我的年度积分 / My yearly score, item by item', querystring: ZMyScoreQuery, response: { 200: ZScore } } },
    async (request) => points.myScore(ctx, request.actor!, request.query),
  );
}
