import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { SURVEY_MANAGE, SURVEY_RESPOND } from './surveys.policy.js';
import { ZAudience, ZResponseInput, ZResults, ZSurveyDraft, ZSurveyMine, ZSurveyPatch, ZSurveyStaff } from './surveys.schema.js';
import * as surveys from './surveys.service.js';

const TAGS = ['community: surveys'];
const zId = () => z.string().min(1).max(32);
const ZIdParams = z.object({ id: zId() });

/** 民意调查: staff build, publish, close, read results and export; residents answer once and may see public results. */
export function registerSurveyRoutes(app: LinliApp, ctx: PlatformContext) {
  const staff = { config: { policy: { permission: SURVEY_MANAGE } } };
  const resident = { config: { policy: { permission: SURVEY_RESPOND } } };

  app.get(
    '/api/v1/surveys',
    {
      ...staff,
      schema: {
        tags: TAGS,
        summary: '问卷列表（本辖区）/ Surveys of my subtrees',
        querystring: z.object({
          status: z.enum(['draft', 'published', 'closed']).optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ items: z.array(ZSurveyStaff), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request) => surveys.listForStaff(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/surveys',
    { ...staff, schema: { tags: TAGS, summary: '新建问卷（草稿）/ New survey (draft)', body: ZSurveyDraft, response: { 201: ZSurveyStaff } } },
    async (request, reply) => reply.status(201).send(await surveys.createSurvey(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/surveys/audience-preview',
    {
      ...staff,
      schema: {
        tags: TAGS,
        summary: '预计调查人数 / How many people an audience reaches now',
        body: z.object({ orgNodeId: zId(), audience: ZAudience }),
        response: { 200: z.object({ people: z.number(), withAccount: z.number(), label: z.string() }) },
      },
    },
    async (request) => surveys.previewAudience(ctx, request.actor!, request.body),
  );

  app.get('/api/v1/surveys/:id', { ...staff, schema: { tags: TAGS, summary: '问卷详情 / A survey', params: ZIdParams, response: { 200: ZSurveyStaff } } }, async (request) =>
    surveys.getForStaff(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/surveys/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改草稿 / Edit a draft (`expectedVersion`)', params: ZIdParams, body: ZSurveyPatch, response: { 200: ZSurveyStaff } } },
    async (request) => surveys.updateSurvey(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/surveys/:id/publish',
    {
      ...staff,
      schema: {
        tags: TAGS,
        summary: '发布问卷：确定调查对象并通知 / Publish: fix the audience and notify their accounts',
        params: ZIdParams,
        body: z.object({ expectedVersion: z.number().int().min(1) }),
        response: { 200: ZSurveyStaff },
      },
    },
    async (request) => surveys.publishSurvey(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/surveys/:id/close',
    { ...staff, schema: { tags: TAGS, summary: '结束问卷 / Close a survey', params: ZIdParams, response: { 200: ZSurveyStaff } } },
    async (request) => surveys.closeSurvey(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.get(
    '/api/v1/surveys/:id/results',
    {
      ...staff,
      schema: {
        tags: TAGS,
        summary: '问卷结果：各选项人数、评分均值、参与率 / Results: counts per option, rating averages, turnout (live: GET /api/v1/live/topics?topic=survey:<id>)',
        params: ZIdParams,
        response: { 200: ZResults },
      },
    },
    async (request) => surveys.resultsForStaff(ctx, request.actor!, request.params.id),
  );

  app.get(
    '/api/v1/surveys/:id/export.xlsx',
    { ...staff, schema: { tags: TAGS, summary: '导出问卷结果（含文字答案；匿名问卷不含姓名；留痕）/ Results and every response as xlsx (audited)', params: ZIdParams } },
    async (request, reply) => {
      const file = await surveys.exportXlsx(ctx, request.actor!, request.params.id, requestMeta(request));
      return reply.type(surveys.XLSX_MIME).header('content-disposition', contentDisposition('attachment', file.fileName)).header('cache-control', 'no-store').send(file.buffer);
    },
  );

  app.get(
    '/api/v1/me/surveys',
    { ...resident, schema: { tags: TAGS, summary: '我的问卷 / Surveys I am asked to answer', response: { 200: z.object({ items: z.array(ZSurveyMine) }) } } },
    async (request) => surveys.listMine(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/surveys/:id',
    { ...resident, schema: { tags: TAGS, summary: '问卷（答题）/ A survey to answer', params: ZIdParams, response: { 200: ZSurveyMine } } },
    async (request) => surveys.getMine(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/me/surveys/:id/responses',
    {
      config: { policy: { permission: SURVEY_RESPOND }, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: TAGS,
        summary: '提交答卷（每人一次）/ Answer (once; 409 the second time; 400 with a message per question)',
        params: ZIdParams,
        body: ZResponseInput,
        response: { 201: ZSurveyMine },
      },
    },
    async (request, reply) => reply.status(201).send(await surveys.respond(ctx, request.actor!, request.params.id, request.body, request.locale, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/surveys/:id/results',
    { ...resident, schema: { tags: TAGS, summary: '问卷结果（公开结果的问卷，答后可见）/ Results, after answering, when public', params: ZIdParams, response: { 200: ZResults } } },
    async (request) => surveys.resultsForResident(ctx, request.actor!, request.params.id),
  );
}
