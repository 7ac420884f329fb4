import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { localiseFormError } from '../services/applications.form.js';
import { ZFormValues, ZMaterialFile } from '../services/applications.schema.js';
import { ZMatterCode } from '../services/matters.schema.js';
import { VISIT_PLAN, VISIT_RECORD } from './visits.policy.js';
import * as visits from './visits.service.js';

const TAGS = ['community: visits'];
const zId = () => z.string().min(1).max(32);
const ZPlan = z.object({ id: z.string(), orgNodeId: z.string(), title: z.string(), tag: z.string(), intervalDays: z.number(), active: z.boolean(), createdAt: z.string() });
const ZVisit = z.object({
  id: z.string(),
  personId: z.string(),
  visitorName: z.string(),
  visitedAt: z.string(),
  kind: z.enum(['home', 'phone', 'other']),
  findings: z.string(),
  /** `application`: the service application the need became (代办), if it did. */
  needs: z.array(z.object({ kind: z.string(), note: z.string(), application: z.object({ id: z.string(), code: z.string() }).nullable() })),
  attachmentIds: z.array(z.string()),
  eventCode: z.string().nullable(),
});

/** 走访 · 弱势关怀: plans, the due list, visit records, a need turned into an event or an application. */
export function registerVisitRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get('/api/v1/visit-plans', { config: { policy: { permission: VISIT_RECORD } }, schema: { tags: TAGS, summary: '走访计划 / Visit plans of my area', response: { 200: z.object({ items: z.array(ZPlan) }) } } }, async (request) => visits.listPlans(ctx, request.actor!));

  app.post(
    '/api/v1/visit-plans',
    {
      config: { policy: { permission: VISIT_PLAN } },
      schema: { tags: TAGS, summary: '新建走访计划（按人员标签）/ A visit plan on a registry tag', body: z.object({ orgNodeId: zId(), title: z.string().trim().min(2).max(60), tag: z.string().trim().min(1).max(40), intervalDays: z.number().int().min(1).max(366) }), response: { 201: ZPlan } },
    },
    async (request, reply) => reply.status(201).send(await visits.createPlan(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/visits/due',
    {
      config: { policy: { permission: VISIT_RECORD } },
      schema: {
        tags: TAGS,
        summary: '待走访名单（超期在前；审计）/ Who is due or overdue for a visit (audited)',
        querystring: z.object({ overdue: z.enum(['1', 'true']).optional().transform((v) => v !== undefined), withinDays: z.coerce.number().int().min(0).max(366).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ planId: z.string(), planTitle: z.string(), personId: z.string(), orgPath: z.string(), lastVisitAt: z.string().nullable(), dueAt: z.string(), overdue: z.boolean(), name: z.string(), phoneMasked: z.string().nullable(), place: z.string().nullable() })),
            total: z.number(),
            overdue: z.number(),
          }),
        },
      },
    },
    async (request) => visits.dueList(ctx, request.actor!, { overdueOnly: request.query.overdue, withinDays: request.query.withinDays }, requestMeta(request)),
  );

  app.post(
    '/api/v1/visits',
    {
      config: { policy: { permission: VISIT_RECORD } },
      schema: {
        tags: TAGS,
        summary: '登记走访 / Record a visit',
        body: z.object({
          personId: zId(),
          visitedAt: z.iso.datetime({ offset: true }).optional(),
          kind: z.enum(['home', 'phone', 'other']),
          findings: z.string().trim().min(2).max(2000),
          needs: z.array(z.object({ kind: z.string().trim().min(1).max(20), note: z.string().trim().max(200) })).max(10).default([]),
          attachmentIds: z.array(zId()).max(9).default([]),
        }),
        response: { 201: ZVisit },
      },
    },
    async (request, reply) => reply.status(201).send(await visits.recordVisit(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get('/api/v1/visits', { config: { policy: { permission: VISIT_RECORD } }, schema: { tags: TAGS, summary: '某居民的走访记录（审计）/ A resident’s visits (audited)', querystring: z.object({ personId: zId() }), response: { 200: z.object({ items: z.array(ZVisit) }) } } }, async (request) => visits.visitsOf(ctx, request.actor!, request.query.personId, requestMeta(request)));

  app.post(
    '/api/v1/visits/:id/event',
    {
      config: { policy: { permission: VISIT_RECORD } },
      schema: {
        tags: TAGS,
        summary: '走访发现的需求转为网格事件 / Turn a need found on a visit into a grid event',
        params: z.object({ id: zId() }),
        body: z.object({ categoryCode: z.string().trim().min(1).max(40), description: z.string().trim().min(2).max(2000).optional(), attributes: z.record(z.string().max(40), z.union([z.string().max(200), z.array(z.string().max(200)).max(20)])).optional() }),
        response: { 200: z.object({ eventId: z.string(), eventCode: z.string() }) },
      },
    },
    async (request) => visits.visitToEvent(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/visits/:id/needs/:index/application',
    {
      config: { policy: { permission: VISIT_RECORD } },
      schema: {
        tags: TAGS,
        summary: '走访发现的需求转为办事申请（代办；另需代办权限）/ Turn a need found on a visit into a service application on the person’s behalf',
        description:
          'The need (0-based `index` in the visit’s needs) becomes an application the caller makes for the visited person through the service hall’s 代办 (needs `services.application.on-behalf` on their area as well: 403 otherwise). The matter’s form and required materials are checked as on any 代办: 400 `SERVICE_FORM_INVALID` with the fields, 400 `SERVICE_MATERIAL_REQUIRED` with the material (upload it or tick it as received on paper). Once per need: 409 `VISIT_NEED_ALREADY_APPLIED` with `details.applicationId`.',
        params: z.object({ id: zId(), index: z.coerce.number().int().min(0).max(9) }),
        body: z.object({
          matter: ZMatterCode,
          /** 代办原因; by default the need as found on the visit. */
          note: z.string().trim().min(2).max(200).optional(),
          form: ZFormValues.default({}),
          files: z.array(ZMaterialFile).max(50).default([]),
          paperMaterials: z.array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/)).max(30).default([]),
        }),
        response: { 201: z.object({ visitId: z.string(), needIndex: z.number(), applicationId: z.string(), applicationCode: z.string(), state: z.string(), dueAt: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      try {
        return reply.status(201).send(await visits.needToApplication(ctx, request.actor!, request.params.id, request.params.index, request.body, requestMeta(request)));
      } catch (e) {
        // The services module's form problems come back per field, in the caller's language.
        throw localiseFormError(e, request.locale);
      }
    },
  );
}
