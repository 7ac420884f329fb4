import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import { ZOpenDataParams, ZOpenDataQuery } from './cockpit.schema.js';
import * as opendata from './opendata.service.js';

const TAGS = ['open-data'];
const PUBLIC = { public: true as const, reason: '开放数据: aggregated statistics of areas, no personal data, cells under 5 people withheld' };
const RATE = { max: 60, timeWindow: '1 minute' };

/** 开放数据: public downloads (no login), rate-limited. */
export function registerOpenDataRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/open-data',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '开放数据目录（公开）/ Open data catalogue' } },
    async () => opendata.openCatalogue(),
  );

  app.get(
    '/api/v1/open-data/:file',
    {
      config: { policy: PUBLIC, rateLimit: RATE },
      schema: {
        tags: TAGS,
        summary: '开放数据下载：population.json、residence.csv …（公开）/ An open dataset as JSON or CSV (?level=street|community|grid)',
        params: ZOpenDataParams,
        querystring: ZOpenDataQuery,
      },
    },
    async (request, reply) => {
      const [name, ext] = request.params.file.split('.') as [string, 'json' | 'csv'];
      const { fileName, text } = await opendata.openDatasetText(ctx, name, request.query.level, ext);
      reply.header('content-disposition', contentDisposition(ext === 'csv' ? 'attachment' : 'inline', fileName)).header('cache-control', 'public, max-age=300');
      return reply.type(ext === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8').send(text);
    },
  );
}
