import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as orgs from './organisations.service.js';
import { ORGANISATION_KINDS, ORG_READ, ORG_WRITE } from './organisations.service.js';
import { ZPage } from './people.schema.js';

const ZId = z.object({ id: z.string().min(1).max(32) });
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const ZOrganisationInput = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(ORGANISATION_KINDS),
  /** 统一社会信用代码 (GB 32100, check character verified). */
  creditCode: z.string().trim().max(20).nullable().optional(),
  /** The grid, building or dwelling it sits in. */
  orgNodeId: z.string().min(1).max(32),
  address: optionalText(200),
  legalRepresentative: optionalText(50),
  contactName: optionalText(50),
  /** A mobile or a landline with its area code; stored encrypted. */
  contactPhone: z.string().trim().max(20).nullable().optional(),
  employees: z.number().int().min(0).max(1_000_000).nullable().optional(),
  note: optionalText(500),
});

const ZOrganisation = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  creditCode: z.string().nullable(),
  orgNodeId: z.string(),
  place: z.string(),
  address: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  employees: z.number().int().nullable(),
  note: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.string().nullable(),
});

export function registerOrganisationRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/organisations',
    {
      config: { policy: { permission: ORG_READ } },
      schema: {
        tags: ['registry'],
        summary: '辖区单位（企业、商户、社会组织）/ Organisations of your subtree',
        querystring: ZPage.extend({
          orgNodeId: z.string().min(1).max(32).optional(),
          kind: z.enum(ORGANISATION_KINDS).optional(),
          q: z.string().trim().min(1).max(50).optional(),
          includeEnded: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        }),
        response: { 200: z.object({ items: z.array(ZOrganisation), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request) => orgs.listOrganisations(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/organisations',
    {
      config: { policy: { permission: ORG_WRITE } },
      schema: { tags: ['registry'], summary: '登记单位 / Register an organisation', body: ZOrganisationInput, response: { 201: ZOrganisation } },
    },
    async (request, reply) => reply.status(201).send(await orgs.createOrganisation(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/organisations/:id',
    {
      config: { policy: { permission: ORG_READ } },
      schema: {
        tags: ['registry'],
        summary: '单位详情（给出用途可查看完整联系电话）/ An organisation (give a purpose to unmask the phone)',
        params: ZId,
        querystring: z.object({ purpose: z.string().trim().min(2).max(200).optional() }),
        response: { 200: ZOrganisation.extend({ unmasked: z.boolean(), abilities: z.object({ unmask: z.boolean(), write: z.boolean() }) }) },
      },
    },
    async (request) => orgs.getOrganisation(ctx, request.actor!, request.params.id, request.query.purpose, requestMeta(request)),
  );

  app.patch(
    '/api/v1/organisations/:id',
    {
      config: { policy: { permission: ORG_WRITE } },
      schema: { tags: ['registry'], summary: '修改单位信息 / Change an organisation', params: ZId, body: ZOrganisationInput.partial(), response: { 200: ZOrganisation } },
    },
    async (request) => orgs.updateOrganisation(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/organisations/:id',
    {
      config: { policy: { permission: ORG_WRITE } },
      schema: {
        tags: ['registry'],
        summary: '注销单位（保留记录）/ Close an organisation (the record stays)',
        params: ZId,
        querystring: z.object({ reason: z.string().trim().min(1).max(200).optional() }),
        response: { 200: ZOrganisation },
      },
    },
    async (request) => orgs.endOrganisation(ctx, request.actor!, request.params.id, request.query.reason, requestMeta(request)),
  );
}
