import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { COCKPIT_REFRESH, COCKPIT_VIEW } from './cockpit.policy.js';
import { ZIndicators, ZMap, ZMapQuery, ZOverview, ZOverviewQuery, ZRefreshResult } from './cockpit.schema.js';
import * as cockpit from './cockpit.service.js';

const TAGS = ['cockpit'];

/** 驾驶舱: thin routes over cockpit.service.ts (reads are look-ups of precomputed subtree totals). */
export function registerCockpitRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/cockpit/overview',
    {
      config: { policy: { permission: COCKPIT_VIEW } },
      schema: {
        tags: TAGS,
        summary: '驾驶舱总览：人口结构、事件、申请、志愿时长、基金余额、满意度 / Cockpit overview of an area',
        querystring: ZOverviewQuery,
        response: { 200: ZOverview },
      },
    },
    async (request) => cockpit.cockpitOverview(ctx, request.actor!, request.query.nodeId, requestMeta(request)),
  );

  app.get(
    '/api/v1/cockpit/map',
    {
      config: { policy: { permission: COCKPIT_VIEW } },
      schema: {
        tags: TAGS,
        summary: '驾驶舱地图：下级区域按指标着色 / The child areas of a node with one indicator each',
        querystring: ZMapQuery,
        response: { 200: ZMap },
      },
    },
    async (request) => cockpit.cockpitMap(ctx, request.actor!, request.query.nodeId, request.query.indicator, requestMeta(request)),
  );

  app.get(
    '/api/v1/cockpit/indicators',
    {
      config: { policy: { permission: COCKPIT_VIEW } },
      schema: { tags: TAGS, summary: '驾驶舱地图可用指标 / Indicators the map can show', response: { 200: ZIndicators } },
    },
    async () => ({ ...cockpit.listIndicators(), mapTileUrl: ctx.config.mapTileUrl || null }),
  );

  app.post(
    '/api/v1/cockpit/refresh',
    {
      config: { policy: { permission: COCKPIT_REFRESH } },
      schema: { tags: TAGS, summary: '立即重算驾驶舱统计 / Rebuild the cockpit statistics now', response: { 200: ZRefreshResult } },
    },
    async (request) => cockpit.refreshByActor(ctx, request.actor!, requestMeta(request)),
  );
}
