import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { badRequest } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import { absoluteUrl, isSameOriginPath, renderQrPng, renderQrSvg } from './qr.js';

addMessages({
  'error.QR_PATH_INVALID': {
    'zh-CN': '二维码只能指向本站页面（以 / 开头的路径）',
    en: 'A QR code can only point to a page of this site (a path starting with /)',
  },
});

/** The origin the caller reached us on (behind a proxy, only with TRUST_PROXY=1). */
function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

export function registerQrRoutes(app: LinliApp, _ctx: PlatformContext) {
  app.get(
    '/api/v1/qr',
    {
      config: {
        policy: { public: true, reason: '扫码即办: QR codes for public pages, printed on notices' },
        rateLimit: { max: 300, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['qr'],
        summary: '页面二维码 / QR code of a page of this site (SVG or PNG)',
        querystring: z.object({
          path: z.string().min(1).max(1024),
          format: z.enum(['svg', 'png']).default('svg'),
          size: z.coerce.number().int().min(128).max(1024).default(320),
        }),
      },
    },
    async (request, reply) => {
      const { path, format, size } = request.query;
      if (!isSameOriginPath(path)) throw badRequest('QR_PATH_INVALID');
      const url = absoluteUrl(requestOrigin(request), path);
      // The picture depends only on the URL: safe to cache, and printed codes never change.
      reply.header('cache-control', 'public, max-age=86400');
      reply.header('x-content-type-options', 'nosniff');
      if (format === 'png') return reply.type('image/png').send(await renderQrPng(url, { width: size }));
      return reply.type('image/svg+xml; charset=utf-8').send(await renderQrSvg(url));
    },
  );
}
