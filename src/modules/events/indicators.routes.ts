import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import { computeIndicators, INDICATORS_READ } from './events.indicators.js';
import { exportIndicators, XLSX_MIME } from './indicators.xlsx.js';
import { ZIndicatorQuery, ZIndicatorReport } from './indicators.schema.js';

/** 考核指标: on screen (JSON for the console's tables and charts) and as a clerk's xlsx. */
export function registerIndicatorRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/events/indicators',
    {
      config: { policy: { permission: INDICATORS_READ } },
      schema: {
        tags: ['events'],
        summary: '事件考核指标 / Indicators of grid events by grid, community, unit, category or period',
        description:
          'Events reported between `from` and `to` (Beijing dates, inclusive) in your subtree or `orgNodeId`; deadlines judged as of now. 受理率, 按期处置率, 结案率, 按期结案率 (= 按期结案数 / (应结案数 − 挂账数)), 返工率, 准确派遣率, 延期率, 满意率, average response and handling times in working hours. Formulas: src/modules/events/README.md.',
        querystring: ZIndicatorQuery,
        response: { 200: ZIndicatorReport },
      },
    },
    async (request) => computeIndicators(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/events/indicators/export.xlsx',
    {
      config: { policy: { permission: INDICATORS_READ } },
      schema: {
        tags: ['events'],
        summary: '导出考核指标 / The same indicators as an xlsx table (audited)',
        querystring: ZIndicatorQuery,
      },
    },
    async (request, reply) => {
      const file = await exportIndicators(ctx, request.actor!, request.query, requestMeta(request));
      return reply
        .type(XLSX_MIME)
        .header('content-disposition', contentDisposition('attachment', file.fileName))
        .header('cache-control', 'no-store')
        .send(file.buffer);
    },
  );
}
