import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as dwellings from './dwellings.service.js';
import { DWELLING_USES } from './dwellings.service.js';
import { READ, WRITE } from './people.write.js';
import { DWELLING_RELATIONS, ZPage, zDate } from './people.schema.js';

const ZId = z.object({ id: z.string().min(1).max(32) });
const ZUse = z.enum(DWELLING_USES);

const ZDwellingInfo = z.object({
  use: ZUse.nullable(),
  areaM2: z.number().nullable(),
  rentalStart: z.string().nullable(),
  rentalEnd: z.string().nullable(),
  rentalNote: z.string().nullable(),
});

export function registerDwellingRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/dwellings',
    {
      config: { policy: { permission: READ } },
      schema: {
        tags: ['registry'],
        summary: '房屋列表（按用途筛选）/ Dwellings of a subtree, by use',
        querystring: ZPage.extend({ orgNodeId: z.string().min(1).max(32).optional(), use: ZUse.optional() }),
        response: {
          200: z.object({
            items: z.array(ZDwellingInfo.extend({ id: z.string(), name: z.string(), address: z.string(), occupants: z.number().int() })),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
        },
      },
    },
    async (request) => dwellings.listDwellings(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/dwellings/:id',
    {
      config: { policy: { permission: READ } },
      schema: {
        tags: ['registry'],
        summary: '房屋详情（住户、产权人、租户、户）/ A dwelling with its occupants',
        params: ZId,
        response: {
          200: ZDwellingInfo.extend({
            id: z.string(),
            name: z.string(),
            address: z.string(),
            updatedAt: z.string().nullable(),
            occupants: z.array(z.object({ id: z.string(), name: z.string(), gender: z.enum(['男', '女']), age: z.number().int().nullable(), idNumber: z.string().nullable(), phone: z.string().nullable(), residenceType: z.string(), householdId: z.string().nullable() })),
            links: z.array(z.object({ id: z.string(), personId: z.string(), name: z.string(), relation: z.enum(DWELLING_RELATIONS), fromDate: z.string().nullable() })),
            households: z.array(z.object({ id: z.string(), number: z.string(), headPersonId: z.string().nullable() })),
          }),
        },
      },
    },
    async (request) => dwellings.getDwelling(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.patch(
    '/api/v1/dwellings/:id',
    {
      config: { policy: { permission: WRITE } },
      schema: {
        tags: ['registry'],
        summary: '修改房屋用途、面积、租赁信息 / Change use, area and rental facts',
        params: ZId,
        body: z.object({
          use: ZUse.optional(),
          areaM2: z.number().positive().max(100_000).nullable().optional(),
          rentalStart: zDate().nullable().optional(),
          rentalEnd: zDate().nullable().optional(),
          rentalNote: z.string().trim().max(500).nullable().optional(),
        }),
        response: { 200: ZDwellingInfo.extend({ id: z.string(), name: z.string(), updatedAt: z.string().nullable() }) },
      },
    },
    async (request) => dwellings.updateDwelling(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
