import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as corrections from './corrections.service.js';
import { HANDLE } from './corrections.service.js';
import { ZPage } from './people.schema.js';

const STATUSES = ['open', 'done', 'rejected'] as const;

export const ZCorrection = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string().nullable(),
  field: z.string(),
  fieldLabel: z.string(),
  /** Numbers (ID, phone) masked. */
  requestedValue: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(STATUSES),
  createdAt: z.string(),
  handledAt: z.string().nullable(),
  response: z.string().nullable(),
});

export function registerCorrectionRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/corrections',
    {
      config: { policy: { permission: HANDLE } },
      schema: {
        tags: ['registry'],
        summary: '居民更正申请（待办在前）/ Residents’ correction requests of your subtree, open first',
        querystring: ZPage.extend({ status: z.enum(STATUSES).optional() }),
        response: { 200: z.object({ items: z.array(ZCorrection), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request) => corrections.listCorrections(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/corrections/:id/resolve',
    {
      config: { policy: { permission: HANDLE } },
      schema: {
        tags: ['registry'],
        summary: '办结更正申请（可直接更正档案）/ Resolve a correction request (done may apply it)',
        params: z.object({ id: z.string().min(1).max(32) }),
        body: z.object({
          status: z.enum(['done', 'rejected']),
          response: z.string().trim().min(1).max(500),
          /** For done: apply the value to the record (default: yes, except for address/other). */
          apply: z.boolean().optional(),
          /** The value to apply when it differs from what the resident typed. */
          value: z.string().trim().min(1).max(200).optional(),
        }),
        response: { 200: ZCorrection },
      },
    },
    async (request) => corrections.resolveCorrection(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
