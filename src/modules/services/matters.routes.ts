import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import { renderQrPng, renderQrSvg } from '../../platform/qr/qr.js';
import * as matters from './matters.service.js';
import {
  ZCreateMatter,
  ZGroupList,
  ZMatterDetail,
  ZMatterList,
  ZMatterListQuery,
  ZMatterParams,
  ZMatterSummary,
  ZMatterVersionParams,
  ZMatterVersions,
  ZNewVersion,
  ZPosterQuery,
  ZUpdateMatter,
} from './matters.schema.js';

/** The origin the caller reached us on (behind a proxy, only with TRUST_PROXY=1). */
function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

const PUBLIC_GUIDE = { public: true as const, reason: '办事指南: the service guide is public (扫码即办, before login)' };

export function registerMatterRoutes(app: LinliApp, ctx: PlatformContext) {
  // ------------------------------------------------ the public guide
  app.get(
    '/api/v1/service-matters/groups',
    {
      config: { policy: PUBLIC_GUIDE, rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: {
        tags: ['services'],
        summary: '办事指南分类（纳税缴费、就医保健、婚育收养……）及各类已发布事项数 / Groups of the service guide',
        querystring: z.object({ communityId: z.string().min(1).max(32).optional() }),
        response: { 200: ZGroupList },
      },
    },
    async (request) => matters.listGroups(ctx, request.query.communityId),
  );

  app.get(
    '/api/v1/service-matters',
    {
      config: { policy: PUBLIC_GUIDE, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['services'],
        summary: '办事指南：已发布事项列表与搜索（汉字、全拼、首字母）/ Published matters, by group, or searched in Chinese, pinyin or initials',
        querystring: ZMatterListQuery,
        response: { 200: ZMatterList },
      },
    },
    async (request) => matters.listPublicMatters(ctx, request.query),
  );

  app.get(
    '/api/v1/service-matters/staff',
    {
      config: { policy: { permission: matters.MATTER_READ } },
      schema: {
        tags: ['services'],
        summary: '事项管理列表（含草稿、已停办；mayEdit 表示可否编辑）/ Matters for the console, drafts and withdrawn ones too',
        querystring: z.object({
          q: z.string().trim().max(40).optional(),
          group: z.string().max(32).optional(),
          status: z.enum(['draft', 'published', 'withdrawn']).optional(),
        }),
        response: { 200: z.object({ items: z.array(ZMatterSummary.extend({ mayEdit: z.boolean() })), total: z.number() }) },
      },
    },
    async (request) => matters.listStaffMatters(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/service-matters/:code',
    {
      config: { policy: PUBLIC_GUIDE, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['services'],
        summary: '事项办事指南（已发布版本）：条件、材料、流程、依据、收费、时限、地点、在线表单 / One matter as published',
        params: ZMatterParams,
        response: { 200: ZMatterDetail },
      },
    },
    async (request) => matters.getPublicMatter(ctx, request.params.code),
  );

  app.get(
    '/api/v1/service-matters/:code/qr',
    {
      config: { policy: PUBLIC_GUIDE, rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: {
        tags: ['services'],
        summary: '事项二维码（指向手机页面 /m/services/matters/:code）/ QR code of the matter’s mobile page (SVG or PNG)',
        params: ZMatterParams,
        querystring: z.object({ format: z.enum(['svg', 'png']).default('svg'), size: z.coerce.number().int().min(128).max(1024).default(320) }),
      },
    },
    async (request, reply) => {
      const url = await matters.matterLink(ctx, request.params.code, requestOrigin(request));
      reply.header('cache-control', 'public, max-age=3600');
      reply.header('x-content-type-options', 'nosniff');
      if (request.query.format === 'png') return reply.type('image/png').send(await renderQrPng(url, { width: request.query.size }));
      return reply.type('image/svg+xml; charset=utf-8').send(await renderQrSvg(url));
    },
  );

  app.get(
    '/api/v1/service-matters/:code/poster',
    {
      config: { policy: PUBLIC_GUIDE, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['services'],
        summary: '事项A4海报（HTML，浏览器打印或另存为PDF；含二维码）/ Printable A4 poster with the QR code',
        params: ZMatterParams,
        querystring: ZPosterQuery,
      },
    },
    async (request, reply) => {
      const html = await matters.matterPoster(ctx, request.params.code, requestOrigin(request), request.query.lang ?? request.locale);
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  // ------------------------------------------------ staff: versions and edits
  app.get(
    '/api/v1/service-matters/:code/versions',
    {
      config: { policy: { permission: matters.MATTER_READ } },
      schema: { tags: ['services'], summary: '事项修订记录 / Version history of a matter', params: ZMatterParams, response: { 200: ZMatterVersions } },
    },
    async (request) => matters.listMatterVersions(ctx, request.params.code),
  );

  app.get(
    '/api/v1/service-matters/:code/versions/:version',
    {
      config: { policy: { permission: matters.MATTER_READ } },
      schema: { tags: ['services'], summary: '事项某一版本（含草稿）/ One version of a matter (drafts too)', params: ZMatterVersionParams, response: { 200: ZMatterDetail } },
    },
    async (request) => matters.getStaffMatter(ctx, request.params.code, request.params.version),
  );

  app.post(
    '/api/v1/service-matters',
    {
      config: { policy: { permission: matters.MATTER_MANAGE } },
      schema: {
        tags: ['services'],
        summary: '新增事项（第1版；publish=true 即发布）/ Create a matter (version 1; publish at once with publish=true)',
        body: ZCreateMatter,
        response: { 201: ZMatterDetail },
      },
    },
    async (request, reply) => reply.status(201).send(await matters.createMatter(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/service-matters/:code/versions',
    {
      config: { policy: { permission: matters.MATTER_MANAGE } },
      schema: {
        tags: ['services'],
        summary: '修改事项：每次修改保存为新版本（baseVersion 防止覆盖他人修改；publish=true 即发布）/ Edit a matter: a new version',
        params: ZMatterParams,
        body: ZNewVersion,
        response: { 201: ZMatterDetail },
      },
    },
    async (request, reply) => reply.status(201).send(await matters.addVersion(ctx, request.actor!, request.params.code, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/service-matters/:code/versions/:version/publish',
    {
      config: { policy: { permission: matters.MATTER_MANAGE } },
      schema: {
        tags: ['services'],
        summary: '发布某一版本（也可回退到旧版本）/ Publish a version (or roll back to an older one)',
        params: ZMatterVersionParams,
        response: { 200: ZMatterDetail },
      },
    },
    async (request) => matters.publishVersion(ctx, request.actor!, request.params.code, request.params.version, requestMeta(request)),
  );

  app.patch(
    '/api/v1/service-matters/:code',
    {
      config: { policy: { permission: matters.MATTER_MANAGE } },
      schema: {
        tags: ['services'],
        summary: '调整分类、排序，停办或恢复 / Move to another group, reorder, withdraw or restore',
        params: ZMatterParams,
        body: ZUpdateMatter,
        response: { 200: ZMatterDetail },
      },
    },
    async (request) => matters.updateMatter(ctx, request.actor!, request.params.code, request.body, requestMeta(request)),
  );
}
