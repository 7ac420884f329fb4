import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import * as org from './org.service.js';
import { getAncestors } from './org.repository.js';

const ZKind = z.enum(['city', 'district', 'street', 'community', 'grid', 'building', 'unit', 'dwelling']);
const ZId = z.object({ id: z.string().min(1).max(32) });
const ZGeometry = z.object({ type: z.enum(['Point', 'Polygon', 'MultiPolygon']), coordinates: z.array(z.any()).or(z.tuple([z.number(), z.number()])) });

export function registerOrgRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/org/nodes',
    {
      config: { policy: { permission: 'org.read' } },
      schema: {
        tags: ['org'],
        summary: '组织树节点 / Organisation tree nodes (children of parentId, or your roots)',
        querystring: z.object({
          parentId: z.string().min(1).max(32).optional(),
          kind: ZKind.optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request) => {
      const { parentId, kind, page, pageSize } = request.query;
      const { items, total } = await org.listChildrenFor(ctx, request.actor!, parentId, { limit: pageSize, offset: (page - 1) * pageSize, kind });
      return { items: items.map(org.presentNode), total, page, pageSize };
    },
  );

  app.get(
    '/api/v1/org/nodes/:id',
    { config: { policy: { permission: 'org.read' } }, schema: { tags: ['org'], summary: '节点与上级 / A node with its ancestors', params: ZId } },
    async (request) => {
      const node = await org.getNodeFor(ctx, request.actor!, request.params.id);
      const ancestors = await getAncestors(ctx.db.kysely, node.path);
      return { ...org.presentNode(node), ancestors: ancestors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })) };
    },
  );

  app.get(
    '/api/v1/org/nodes/:id/geojson',
    { config: { policy: { permission: 'org.read' } }, schema: { tags: ['org'], summary: '下级地图数据 / GeoJSON of the children', params: ZId } },
    async (request) => org.childrenGeoJson(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/org/nodes',
    {
      config: { policy: { permission: 'org.manage' } },
      schema: {
        tags: ['org'],
        summary: '新建节点 / Create a node',
        body: z.object({ parentId: z.string().min(1).max(32), name: z.string().trim().min(1).max(100), code: z.string().trim().max(32).optional(), geometry: ZGeometry.optional(), sort: z.number().int().optional() }),
      },
    },
    async (request, reply) => {
      const row = await org.createNode(ctx, request.actor!, request.body, requestMeta(request));
      return reply.status(201).send(org.presentNode(row));
    },
  );

  app.patch(
    '/api/v1/org/nodes/:id',
    {
      config: { policy: { permission: 'org.manage' } },
      schema: {
        tags: ['org'],
        summary: '修改节点 / Update a node',
        params: ZId,
        body: z.object({ name: z.string().trim().min(1).max(100).optional(), code: z.string().trim().max(32).nullable().optional(), geometry: ZGeometry.nullable().optional(), sort: z.number().int().optional() }),
      },
    },
    async (request) => org.presentNode(await org.updateNodeFor(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
}
