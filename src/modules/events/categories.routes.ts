import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as z from 'zod';
import * as service from './categories.service.js';
import { listDepartments } from './categories.repository.js';
import { ZCategory, ZCategoryParams, ZCategoryTree, ZCategoryTreeQuery, ZCreateCategory, ZPublicCategoryTree, ZUpdateCategory } from './categories.schema.js';

const CATEGORY_MANAGE = 'events.category.manage';

export function registerCategoryRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/event-categories',
    {
      // The tree is no secret (its public part is served without login); staff forms read all of it.
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['events'],
        summary: '事件类别树（大类及小类；includeInactive=1 含停用）/ The event category tree',
        querystring: ZCategoryTreeQuery,
        response: { 200: ZCategoryTree },
      },
    },
    async (request) => {
      const inactive = request.query.includeInactive === '1' || request.query.includeInactive === 'true';
      return service.categoryTree(ctx, { includeInactive: inactive });
    },
  );

  app.get(
    '/api/v1/event-categories/departments',
    {
      // The category editor's 处置部门 choices; no platform route lists departments.
      config: { policy: { permission: CATEGORY_MANAGE } },
      schema: {
        tags: ['events'],
        summary: '可作为默认处置单位的部门 / Departments a category may name as its handling unit',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) }) },
      },
    },
    async () => ({ items: await listDepartments(ctx.db.kysely) }),
  );

  app.get(
    '/api/v1/event-categories/:id',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['events'], summary: '事件类别 / One category', params: ZCategoryParams, response: { 200: ZCategory } },
    },
    async (request) => service.getCategoryView(ctx, request.params.id),
  );

  app.post(
    '/api/v1/event-categories',
    {
      config: { policy: { permission: CATEGORY_MANAGE } },
      schema: {
        tags: ['events'],
        summary: '新增事件类别（大类或小类）/ Add a category',
        body: ZCreateCategory,
        response: { 201: ZCategory },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createCategory(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/event-categories/:id',
    {
      config: { policy: { permission: CATEGORY_MANAGE } },
      schema: {
        tags: ['events'],
        summary: '修改事件类别：时限、处置单位、属性、启停（须带 expectedVersion）/ Edit a category (versioned)',
        params: ZCategoryParams,
        body: ZUpdateCategory,
        response: { 200: ZCategory },
      },
    },
    async (request) => service.updateCategory(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/public/event-categories',
    {
      config: { policy: { public: true, reason: 'categories a resident or the public may report under' } },
      schema: {
        tags: ['events'],
        summary: '可供居民上报的事件类别 / Categories residents report under',
        response: { 200: ZPublicCategoryTree },
      },
    },
    async () => service.publicCategories(ctx),
  );
}
