import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as corrections from './corrections.service.js';
import { CORRECTION_FIELDS } from './corrections.service.js';
import { ZCorrection } from './corrections.routes.js';
import * as me from './me.service.js';
import { ZPage } from './people.schema.js';

const ZMyRecord = z.object({
  person: z.object({
    id: z.string(),
    name: z.string(),
    gender: z.enum(['男', '女']),
    birthDate: z.string().nullable(),
    idType: z.string(),
    idNumber: z.string().nullable(),
    phone: z.string().nullable(),
    ethnicity: z.string().nullable(),
    politicalStatus: z.string().nullable(),
    education: z.string().nullable(),
    maritalStatus: z.string().nullable(),
    hukouAddress: z.string().nullable(),
    residenceType: z.string(),
    householdResidenceStatus: z.string().nullable(),
    occupation: z.string().nullable(),
    relationToHead: z.string().nullable(),
    relationToHeadName: z.string().nullable(),
    address: z.string(),
    status: z.string(),
    updatedAt: z.string(),
  }),
  household: z
    .object({
      id: z.string(),
      number: z.string(),
      members: z.array(z.object({ name: z.string(), relationToHead: z.string().nullable(), relationToHeadName: z.string().nullable(), isHead: z.boolean(), isSelf: z.boolean() })),
    })
    .nullable(),
});

const ZAccessLog = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actorName: z.string().nullable(),
      departmentCode: z.string().nullable(),
      departmentName: z.string().nullable(),
      kind: z.enum(['view', 'unmask', 'list', 'export', 'ledger', 'lookup']),
      purpose: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

/** The resident's own pages: any signed-in user whose account is linked to a person (app_user.person_id). */
export function registerMeRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/me/record',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['registry'], summary: '我的档案（含本户成员）/ My own record and household', response: { 200: ZMyRecord } },
    },
    async (request) => me.myRecord(ctx, request.actor!, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/corrections',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['registry'],
        summary: '申请更正我的信息 / Ask my grid worker to correct my record',
        body: z.object({
          field: z.enum(CORRECTION_FIELDS),
          requestedValue: z.string().trim().max(200).nullable().optional(),
          note: z.string().trim().max(500).nullable().optional(),
        }),
        response: { 201: ZCorrection },
      },
    },
    async (request, reply) => reply.status(201).send(await corrections.fileCorrection(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/corrections',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['registry'], summary: '我的更正申请 / My correction requests', response: { 200: z.object({ items: z.array(ZCorrection) }) } },
    },
    async (request) => corrections.myCorrections(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/access-log',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['registry'], summary: '谁查看了我的信息（个人信息知情权）/ Who viewed my data and why', querystring: ZPage, response: { 200: ZAccessLog } },
    },
    async (request) => me.myAccessLog(ctx, request.actor!, request.query),
  );
}
