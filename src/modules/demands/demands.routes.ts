import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { DEMANDS_MINE, DEMANDS_READ } from './demands.policy.js';
import { ZDemandListQuery, ZDemandPage, ZMineQuery, ZStats, ZStatsQuery } from './demands.schema.js';
import * as demands from './demands.service.js';

const TAGS = ['demands'];

/** 全响应: every demand in one place (staff: their subtree; residents: their own). Read-only. */
export function registerDemandRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/demands',
    {
      config: { policy: { permission: DEMANDS_READ } },
      schema: {
        tags: TAGS,
        summary: '全响应：本辖区全部诉求（事件、申请、建议、订单、咨询、更正、论坛提问）/ Every demand of my area, newest first',
        querystring: ZDemandListQuery,
        response: { 200: ZDemandPage },
      },
    },
    async (request) => demands.listDemands(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/demands/stats',
    {
      config: { policy: { permission: DEMANDS_READ } },
      schema: {
        tags: TAGS,
        summary: '全响应统计：按社区、网格、责任单位的响应率、按时率、满意度 / Response, on-time and satisfaction rates by community, grid or unit',
        querystring: ZStatsQuery,
        response: { 200: ZStats },
      },
    },
    async (request) => demands.demandStats(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/demands',
    {
      config: { policy: { permission: DEMANDS_MINE } },
      schema: { tags: TAGS, summary: '我的诉求：我提过的所有事项 / Everything I have asked for', querystring: ZMineQuery, response: { 200: ZDemandPage } },
    },
    async (request) => demands.listMine(ctx, request.actor!, request.query),
  );
}
