import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as households from './households.service.js';
import { READ, WRITE } from './people.write.js';
import { ZPage } from './people.schema.js';

const ZId = z.object({ id: z.string().min(1).max(32) });

const ZMember = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.enum(['男', '女']),
  birthDate: z.string().nullable(),
  age: z.number().int().nullable(),
  idNumber: z.string().nullable(),
  relationToHead: z.string().nullable(),
  relationToHeadName: z.string().nullable(),
  isHead: z.boolean(),
});

export const ZHousehold = z.object({
  id: z.string(),
  number: z.string(),
  headPersonId: z.string().nullable(),
  dwellingId: z.string().nullable(),
  orgNodeId: z.string(),
  address: z.string(),
  createdAt: z.string(),
  members: z.array(ZMember),
});

const ZHouseholdPage = z.object({
  items: z.array(z.object({ id: z.string(), number: z.string(), headPersonId: z.string().nullable(), headName: z.string().nullable(), dwellingId: z.string().nullable(), address: z.string(), memberCount: z.number().int() })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export function registerHouseholdRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/households',
    {
      config: { policy: { permission: READ } },
      schema: {
        tags: ['registry'],
        summary: '户列表 / Households of your subtree',
        querystring: ZPage.extend({ orgNodeId: z.string().min(1).max(32).optional(), number: z.string().trim().min(1).max(30).optional() }),
        response: { 200: ZHouseholdPage },
      },
    },
    async (request) => households.listHouseholds(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/households',
    {
      config: { policy: { permission: WRITE } },
      schema: {
        tags: ['registry'],
        summary: '立户 / Open a household (户号 unique in the community)',
        body: z.object({
          number: z.string().trim().min(1).max(30),
          dwellingId: z.string().min(1).max(32).nullable().optional(),
          orgNodeId: z.string().min(1).max(32).nullable().optional(),
          headPersonId: z.string().min(1).max(32).nullable().optional(),
        }),
        response: { 201: ZHousehold },
      },
    },
    async (request, reply) => reply.status(201).send(await households.createHousehold(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/households/:id',
    {
      config: { policy: { permission: READ } },
      schema: { tags: ['registry'], summary: '户详情（成员及与户主关系）/ A household with its members', params: ZId, response: { 200: ZHousehold } },
    },
    async (request) => households.getHousehold(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/households/:id/members',
    {
      config: { policy: { permission: WRITE } },
      schema: {
        tags: ['registry'],
        summary: '加入本户 / Add a member with the relation to the head (GB/T 4761)',
        params: ZId,
        body: z.object({ personId: z.string().min(1).max(32), relationToHead: z.string().trim().min(1).max(30) }),
        response: { 200: ZHousehold },
      },
    },
    async (request) => households.addMember(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/households/:id/members/:personId',
    {
      config: { policy: { permission: WRITE } },
      schema: {
        tags: ['registry'],
        summary: '移出本户 / Take a member out of the household',
        params: z.object({ id: z.string().min(1).max(32), personId: z.string().min(1).max(32) }),
        response: { 200: ZHousehold },
      },
    },
    async (request) => households.removeMember(ctx, request.actor!, request.params.id, request.params.personId, requestMeta(request)),
  );

  app.post(
    '/api/v1/households/:id/head',
    {
      config: { policy: { permission: WRITE } },
      schema: {
        tags: ['registry'],
        summary: '变更户主 / Change the head of household',
        params: ZId,
        body: z.object({ personId: z.string().min(1).max(32), formerHeadRelation: z.string().trim().min(1).max(30).nullable().optional(), reason: z.string().trim().min(1).max(200).optional() }),
        response: { 200: ZHousehold },
      },
    },
    async (request) => households.changeHead(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
