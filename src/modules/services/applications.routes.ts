import type { FastifyRequest } from 'fastify';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/i18n.js';
import { localiseFormError } from './applications.form.js';
import * as apps from './applications.service.js';
import {
  ZApplicantStepParams,
  ZApplicationDetail,
  ZApplicationPage,
  ZApplicationParams,
  ZApplicationSummary,
  ZAssign,
  ZBatch,
  ZBatchResult,
  ZHandlers,
  ZMyQuery,
  ZOnBehalfApplication,
  ZPrefill,
  ZPrefillQuery,
  ZQueueQuery,
  ZReceipt,
  ZStaffStepParams,
  ZStatistics,
  ZStatisticsQuery,
  ZStepBody,
  ZSubmitApplication,
  ZSubmitted,
} from './applications.schema.js';

/** Form problems come back per field, in the caller's language. */
async function withForm<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw localiseFormError(e, request.locale);
  }
}

export function registerApplicationRoutes(app: LinliApp, ctx: PlatformContext) {
  // ------------------------------------------------ the resident's own (我的办事)
  app.get(
    '/api/v1/me/service-applications/prefill',
    {
      config: { policy: { permission: apps.APP_APPLY_OWN } },
      schema: {
        tags: ['services'],
        summary: '申请表（已从居民档案预填姓名、身份证号（脱敏）、电话、住址，不必重填）/ The form, prefilled from my registry record',
        querystring: ZPrefillQuery.omit({ personId: true }),
        response: { 200: ZPrefill },
      },
    },
    async (request) => apps.prefill(ctx, request.actor!, { matter: request.query.matter }, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/service-applications',
    {
      config: { policy: { permission: apps.APP_APPLY_OWN } },
      schema: {
        tags: ['services'],
        summary: '网上申请：提交表单和材料，返回申请编号和回执 / Apply online: the form and files; returns the number and the receipt',
        body: ZSubmitApplication,
        response: { 201: ZSubmitted },
      },
    },
    async (request, reply) => reply.status(201).send(await withForm(request, () => apps.submitOwn(ctx, request.actor!, request.body, requestMeta(request)))),
  );

  app.get(
    '/api/v1/me/service-applications',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['services'], summary: '我的办事（本人申请及他人为我代办的）/ My applications', querystring: ZMyQuery, response: { 200: ZApplicationPage } },
    },
    async (request) => apps.listMine(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/service-applications/:id',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['services'],
        summary: '我的申请详情：服务进度、需补正的材料、可撤回/补正/评价 / One of my applications with its progress',
        params: ZApplicationParams,
        response: { 200: ZApplicationDetail },
      },
    },
    async (request) => apps.getDetail(ctx, request.actor!, request.params.id, 'applicant', requestMeta(request)),
  );

  app.get(
    '/api/v1/me/service-applications/:id/receipt',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['services'], summary: '申请回执 / The receipt of my application', params: ZApplicationParams, response: { 200: ZReceipt } },
    },
    async (request) => apps.getReceipt(ctx, request.actor!, request.params.id, 'applicant'),
  );

  app.post(
    '/api/v1/me/service-applications/:id/steps/:transition',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['services'],
        summary: '申请人操作：补正后提交（resubmit，附补充材料）、撤回（withdraw）、评价（rate）/ Resubmit with the missing files, withdraw, or rate',
        params: ZApplicantStepParams,
        body: ZStepBody,
        response: { 200: ZApplicationSummary },
      },
    },
    async (request) => withForm(request, () => apps.takeStep(ctx, request.actor!, request.params.id, request.params.transition, request.body, requestMeta(request))),
  );

  // ------------------------------------------------ staff: the workbench
  app.get(
    '/api/v1/service-applications',
    {
      config: { policy: { permission: apps.APP_READ } },
      schema: {
        tags: ['services'],
        summary: '办件工作台：所辖区域全部事项的申请（状态、时限预警/超时、事项、分派、代办等筛选）/ One queue across matters',
        querystring: ZQueueQuery,
        response: { 200: ZApplicationPage },
      },
    },
    async (request) => apps.listQueue(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/service-applications/statistics',
    {
      config: { policy: { permission: apps.APP_STATS } },
      schema: {
        tags: ['services'],
        summary: '分事项统计：申请数、按时办结率、满意率 / Per matter: applications, on-time rate, satisfaction',
        querystring: ZStatisticsQuery,
        response: { 200: ZStatistics },
      },
    },
    async (request) => apps.statistics(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/service-applications/handlers',
    {
      config: { policy: { permission: apps.APP_HANDLE } },
      schema: { tags: ['services'], summary: '可分派的办理人员 / Staff you may assign applications to', response: { 200: ZHandlers } },
    },
    async (request) => apps.listHandlers(ctx, request.actor!),
  );

  app.get(
    '/api/v1/service-applications/prefill',
    {
      config: { policy: { permission: apps.APP_ON_BEHALF } },
      schema: {
        tags: ['services'],
        summary: '代办：为某居民预填申请表（读取档案，记入审计和居民的查询记录）/ On-behalf: the form prefilled for a resident (audited)',
        querystring: ZPrefillQuery.required({ personId: true }),
        response: { 200: ZPrefill },
      },
    },
    async (request) => apps.prefill(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/service-applications/on-behalf',
    {
      config: { policy: { permission: apps.APP_ON_BEHALF } },
      schema: {
        tags: ['services'],
        summary: '代办：工作人员为行动不便的居民申请（记录代办人和原因，可登记纸质材料）/ Apply on behalf of a resident',
        body: ZOnBehalfApplication,
        response: { 201: ZSubmitted },
      },
    },
    async (request, reply) => reply.status(201).send(await withForm(request, () => apps.submitOnBehalf(ctx, request.actor!, request.body, requestMeta(request)))),
  );

  app.post(
    '/api/v1/service-applications/batch',
    {
      config: { policy: { permission: apps.APP_HANDLE } },
      schema: {
        tags: ['services'],
        summary: '批量受理或批量分派（逐件返回结果）/ Accept or assign several applications (a result per application)',
        body: ZBatch,
        response: { 200: ZBatchResult },
      },
    },
    async (request) => {
      const results = [];
      for (const id of [...new Set(request.body.ids)]) {
        try {
          const application =
            request.body.action === 'accept'
              ? await apps.takeStep(ctx, request.actor!, id, 'accept', { comment: request.body.comment }, requestMeta(request))
              : await apps.assign(ctx, request.actor!, id, request.body.userId ?? null, requestMeta(request));
          results.push({ id, ok: true, application });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          results.push({ id, ok: false, error: { code: e.code, message: t(request.locale, `error.${e.code}`, e.params) } });
        }
      }
      return { results };
    },
  );

  app.get(
    '/api/v1/service-applications/:id',
    {
      config: { policy: { permission: apps.APP_READ } },
      schema: {
        tags: ['services'],
        summary: '申请详情：申请人（脱敏）、表单、材料、办理过程、可执行的操作（查看记入审计）/ One application (the read is audited)',
        params: ZApplicationParams,
        response: { 200: ZApplicationDetail },
      },
    },
    async (request) => apps.getDetail(ctx, request.actor!, request.params.id, 'staff', requestMeta(request)),
  );

  app.get(
    '/api/v1/service-applications/:id/receipt',
    {
      config: { policy: { permission: apps.APP_READ } },
      schema: { tags: ['services'], summary: '申请回执（窗口打印）/ The receipt (printed at the window)', params: ZApplicationParams, response: { 200: ZReceipt } },
    },
    async (request) => apps.getReceipt(ctx, request.actor!, request.params.id, 'staff'),
  );

  app.post(
    '/api/v1/service-applications/:id/steps/:transition',
    {
      // Handlers, and staff acting for a resident they applied for: the workflow checks the role, the service the rest.
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['services'],
        summary: '办理一步：受理、退回补正（missingMaterials）、不予受理、审核通过、审核不通过、办结；代办时补正、撤回、评价 / Take a step',
        params: ZStaffStepParams,
        body: ZStepBody,
        response: { 200: ZApplicationSummary },
      },
    },
    async (request) => withForm(request, () => apps.takeStep(ctx, request.actor!, request.params.id, request.params.transition, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/service-applications/:id/assign',
    {
      config: { policy: { permission: apps.APP_HANDLE } },
      schema: {
        tags: ['services'],
        summary: '分派给办理人（null 退回待分派）/ Assign to a handler (null: unassign)',
        params: ZApplicationParams,
        body: ZAssign,
        response: { 200: ZApplicationSummary },
      },
    },
    async (request) => apps.assign(ctx, request.actor!, request.params.id, request.body.userId, requestMeta(request)),
  );
}
