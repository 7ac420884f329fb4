import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { SUGGESTION_ANSWER, SUGGESTION_SUBMIT } from './suggestions.policy.js';
import * as suggestions from './suggestions.service.js';

const TAGS = ['community: suggestions'];
const zId = () => z.string().min(1).max(32);

const ZPublic = z.object({
  id: z.string(),
  category: z.string(),
  title: z.string(),
  content: z.string(),
  authorLabel: z.string(),
  status: z.enum(['submitted', 'answered', 'hidden']),
  answer: z.string().nullable(),
  answeredByName: z.string().nullable(),
  answeredAt: z.string().nullable(),
  answerDueAt: z.string(),
  createdAt: z.string(),
});
const ZOwn = ZPublic.extend({ public: z.boolean(), eventCode: z.string().nullable(), hiddenReason: z.string().nullable() });
const ZStaff = ZOwn.extend({ orgNodeId: z.string(), overdue: z.boolean(), answeredOnTime: z.boolean().nullable(), version: z.number() });

/** 意见建议: residents submit; staff answer in public; anyone reads the public list and its answer rate. */
export function registerSuggestionRoutes(app: LinliApp, ctx: PlatformContext) {
  app.post(
    '/api/v1/me/suggestions',
    {
      config: { policy: { permission: SUGGESTION_SUBMIT }, rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: {
        tags: TAGS,
        summary: '提意见建议 / Make a suggestion (answered within 5 working days)',
        body: z.object({
          category: z.enum(suggestions.SUGGESTION_CATEGORIES),
          title: z.string().trim().min(4).max(60),
          content: z.string().trim().min(10).max(2000),
          public: z.boolean().default(true),
          anonymous: z.boolean().default(false),
        }),
        response: { 201: ZOwn },
      },
    },
    async (request, reply) => reply.status(201).send(await suggestions.submitSuggestion(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/suggestions',
    {
      config: { policy: { permission: SUGGESTION_SUBMIT } },
      schema: { tags: TAGS, summary: '我的意见建议 / My suggestions and their answers', response: { 200: z.object({ items: z.array(ZOwn) }) } },
    },
    async (request) => suggestions.listMine(ctx, request.actor!),
  );

  app.get(
    '/api/v1/public/suggestions',
    {
      config: { policy: { public: true, reason: '居务公开: suggestions their authors made public, with the answers and the answer rate' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: TAGS,
        summary: '公开的意见建议与答复率（公开）/ Public suggestions with answers and the answer rate',
        querystring: z.object({ orgNodeId: zId(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(50).default(20) }),
        response: {
          200: z.object({
            items: z.array(ZPublic),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            stats: z.object({ asked: z.number(), answered: z.number(), answerRate: z.number().nullable(), onTimeRate: z.number().nullable() }),
          }),
        },
      },
    },
    async (request) => suggestions.listPublic(ctx, request.query),
  );

  app.get(
    '/api/v1/suggestions',
    {
      config: { policy: { permission: SUGGESTION_ANSWER } },
      schema: {
        tags: TAGS,
        summary: '意见建议待办（本辖区）/ Suggestions of my area, oldest deadline first',
        querystring: z.object({
          status: z.enum(['submitted', 'answered', 'hidden']).optional(),
          overdue: z.enum(['1', 'true']).optional().transform((v) => v !== undefined),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ items: z.array(ZStaff), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request) => suggestions.listForStaff(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/suggestions/:id',
    {
      config: { policy: { permission: SUGGESTION_ANSWER } },
      schema: { tags: TAGS, summary: '意见建议详情 / A suggestion', params: z.object({ id: zId() }), response: { 200: ZStaff } },
    },
    async (request) => suggestions.getForStaff(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/suggestions/:id/answer',
    {
      config: { policy: { permission: SUGGESTION_ANSWER } },
      schema: {
        tags: TAGS,
        summary: '公开答复 / Answer in public',
        params: z.object({ id: zId() }),
        body: z.object({ answer: z.string().trim().min(10).max(2000), expectedVersion: z.number().int().min(1) }),
        response: { 200: ZStaff },
      },
    },
    async (request) => suggestions.answerSuggestion(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/suggestions/:id/hide',
    {
      config: { policy: { permission: SUGGESTION_ANSWER } },
      schema: { tags: TAGS, summary: '不予公开（说明原因）/ Hide from the public list (reason)', params: z.object({ id: zId() }), body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZStaff } },
    },
    async (request) => suggestions.hideSuggestion(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/suggestions/:id/promote',
    {
      config: { policy: { permission: SUGGESTION_ANSWER } },
      schema: {
        tags: TAGS,
        summary: '转为网格事件 / Turn into a grid event',
        params: z.object({ id: zId() }),
        body: z.object({
          categoryCode: z.string().trim().min(1).max(40),
          urgency: z.enum(['一般', '紧急', '特急']).optional(),
          address: z.string().trim().max(200).optional(),
          /** What the category asks for (its attributes), as on any event report. */
          attributes: z.record(z.string().max(40), z.union([z.string().max(200), z.array(z.string().max(200)).max(20)])).optional(),
        }),
        response: { 200: ZStaff.extend({ eventId: z.string() }) },
      },
    },
    async (request) => suggestions.promoteSuggestion(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
