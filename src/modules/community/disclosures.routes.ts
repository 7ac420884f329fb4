import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { notFound } from '../../platform/errors.js';
import { ALLOWED_BINARY, contentDisposition, downloadName } from '../../platform/files/content-type.js';
import { openAttachment } from '../../platform/files/files.service.js';
import { parseJson } from '../../platform/db/dialect.js';
import { DISCLOSURE_ASK, DISCLOSURE_MANAGE } from './disclosures.policy.js';
import * as disclosures from './disclosures.service.js';

const TAGS = ['community: disclosure'];
const zId = () => z.string().min(1).max(32);
const ZCategory = z.enum(['affairs', 'finance', 'party']);
const PUBLIC = { public: true as const, reason: '居务公开: what the community must show everyone' };

const ZFinding = z.object({ where: z.enum(['title', 'body', 'attachment']), attachmentName: z.string().optional(), row: z.number().optional(), column: z.string().optional(), kind: z.enum(['id_number', 'mobile', 'bank_card']), masked: z.string() });
const ZScan = z.object({ findings: z.array(ZFinding), unscanned: z.array(z.string()), truncated: z.boolean() });
const ZItem = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  category: ZCategory,
  categoryName: z.string(),
  title: z.string(),
  body: z.string(),
  amountFen: z.number().nullable(),
  scheduleId: z.string().nullable(),
  period: z.string().nullable(),
  attachments: z.array(z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number() })),
  status: z.enum(['draft', 'published', 'withdrawn']),
  publishedAt: z.string().nullable(),
  findings: ZScan.nullable().optional(),
  version: z.number().optional(),
});
const ZQuestion = z.object({ id: z.string(), askerLabel: z.string(), question: z.string(), answer: z.string().nullable(), answeredByName: z.string().nullable(), answeredAt: z.string().nullable(), createdAt: z.string() });
const ZPublicItem = ZItem.extend({ questions: z.array(ZQuestion) });
const ZPage = z.object({ items: z.array(ZItem), total: z.number(), page: z.number(), pageSize: z.number() });
const ZSchedule = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  category: ZCategory,
  title: z.string(),
  frequency: z.enum(['monthly', 'quarterly', 'yearly']),
  dueDays: z.number(),
  next: z.object({ period: z.string(), dueAt: z.string() }),
  late: z.array(z.object({ period: z.string(), dueAt: z.string() })),
});
const ZItemBody = {
  category: ZCategory,
  title: z.string().trim().min(2).max(100),
  body: z.string().trim().min(1).max(20_000),
  /** 元 × 100; income positive, spending negative. */
  amountFen: z.number().int().min(-100_000_000_000).max(100_000_000_000).nullable().optional(),
  scheduleId: zId().nullable().optional(),
  period: z.string().trim().max(10).nullable().optional(),
  attachmentIds: z.array(zId()).max(10).default([]),
};

/** 居务/财务/党务公开: a public board; staff publish only what carries nobody's personal numbers. */
export function registerDisclosureRoutes(app: LinliApp, ctx: PlatformContext) {
  const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) };

  app.get('/api/v1/public/disclosures', { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '公开栏：社区及上级发布的公开事项（公开）/ The public board of a community', querystring: z.object({ orgNodeId: zId(), category: ZCategory.optional(), ...page }), response: { 200: ZPage } } }, async (request) => disclosures.listPublic(ctx, request.query));

  app.get('/api/v1/public/disclosures/:id', { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '公开事项及其问答（公开）/ A disclosure with its questions and answers', params: z.object({ id: zId() }), response: { 200: ZPublicItem } } }, async (request) => disclosures.getPublic(ctx, request.params.id));

  app.get(
    '/api/v1/public/disclosures/:id/attachments/:attachmentId',
    { config: { policy: PUBLIC, rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '公开事项的附件（公开）/ An attachment of a published disclosure', params: z.object({ id: zId(), attachmentId: zId() }) } },
    async (request, reply) => {
      const item = await ctx.db.kysely.selectFrom('disclosure_item').select(['attachments', 'status']).where('id', '=', request.params.id).executeTakeFirst();
      if (!item || item.status !== 'published' || !parseJson<string[]>(item.attachments, []).includes(request.params.attachmentId)) throw notFound('DISCLOSURE_NOT_FOUND');
      const row = await ctx.db.kysely.selectFrom('attachment').selectAll().where('id', '=', request.params.attachmentId).executeTakeFirstOrThrow();
      const inline = ALLOWED_BINARY[row.mime]?.inline ?? false;
      reply
        .type(row.mime)
        .header('content-length', row.size)
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', downloadName(row.original_name, row.mime)))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=600');
      return reply.send(openAttachment(ctx, row));
    },
  );

  app.post('/api/v1/public/disclosures/:id/questions', { config: { policy: { permission: DISCLOSURE_ASK }, rateLimit: { max: 10, timeWindow: '1 hour' } }, schema: { tags: TAGS, summary: '对公开事项提问 / Ask about a disclosure (answered in public)', params: z.object({ id: zId() }), body: z.object({ question: z.string().trim().min(5).max(500) }), response: { 200: ZPublicItem } } }, async (request) => disclosures.askQuestion(ctx, request.actor!, request.params.id, request.body, requestMeta(request)));

  app.get('/api/v1/disclosures', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '公开事项管理 / Disclosures of my area', querystring: z.object({ status: z.enum(['draft', 'published', 'withdrawn']).optional(), ...page }), response: { 200: ZPage } } }, async (request) => disclosures.listForStaff(ctx, request.actor!, request.query));

  app.post('/api/v1/disclosures', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '起草公开事项 / Draft a disclosure', body: z.object({ orgNodeId: zId(), ...ZItemBody }), response: { 201: ZItem } } }, async (request, reply) => reply.status(201).send(await disclosures.createItem(ctx, request.actor!, request.body, requestMeta(request))));

  app.patch('/api/v1/disclosures/:id', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '修改草稿 / Edit a draft', params: z.object({ id: zId() }), body: z.object({ category: ZCategory.optional(), title: ZItemBody.title.optional(), body: ZItemBody.body.optional(), amountFen: ZItemBody.amountFen, scheduleId: ZItemBody.scheduleId, period: ZItemBody.period, attachmentIds: z.array(zId()).max(10).optional(), expectedVersion: z.number().int().min(1) }), response: { 200: ZItem } } }, async (request) => disclosures.updateItem(ctx, request.actor!, request.params.id, request.body, requestMeta(request)));

  app.post('/api/v1/disclosures/:id/scan', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '检查个人敏感信息 / Look for personal numbers now', params: z.object({ id: zId() }), response: { 200: ZScan } } }, async (request) => disclosures.scanItem(ctx, request.actor!, request.params.id));

  app.post('/api/v1/disclosures/:id/mask-text', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '一键脱敏标题和正文 / Mask the numbers in the title and text', params: z.object({ id: zId() }), body: z.object({ expectedVersion: z.number().int().min(1) }), response: { 200: ZItem } } }, async (request) => disclosures.maskItemText(ctx, request.actor!, request.params.id, request.body, requestMeta(request)));

  app.post('/api/v1/disclosures/:id/publish', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '发布（含个人敏感信息时拒绝，422）/ Publish (422 while personal numbers are in it)', params: z.object({ id: zId() }), body: z.object({ expectedVersion: z.number().int().min(1), confirmUnscanned: z.boolean().optional() }), response: { 200: ZItem } } }, async (request) => disclosures.publishItem(ctx, request.actor!, request.params.id, request.body, requestMeta(request)));

  app.post('/api/v1/disclosures/:id/withdraw', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '撤回 / Withdraw', params: z.object({ id: zId() }), body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZItem } } }, async (request) => disclosures.withdrawItem(ctx, request.actor!, request.params.id, request.body, requestMeta(request)));

  app.post('/api/v1/disclosures/questions/:questionId/answer', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '公开答复提问 / Answer a question in public', params: z.object({ questionId: zId() }), body: z.object({ answer: z.string().trim().min(2).max(2000) }), response: { 200: ZPublicItem } } }, async (request) => disclosures.answerQuestion(ctx, request.actor!, request.params.questionId, request.body, requestMeta(request)));

  app.get('/api/v1/disclosures/calendar', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '公开日历：各计划的下期与逾期 / The disclosure calendar: next due and late periods', response: { 200: z.object({ items: z.array(ZSchedule) }) } } }, async (request) => disclosures.calendar(ctx, request.actor!));

  app.post('/api/v1/disclosures/schedules', { config: { policy: { permission: DISCLOSURE_MANAGE } }, schema: { tags: TAGS, summary: '新增公开计划（如财务季度公开）/ Add a disclosure schedule', body: z.object({ orgNodeId: zId(), category: ZCategory, title: z.string().trim().min(2).max(60), frequency: z.enum(['monthly', 'quarterly', 'yearly']), dueDays: z.number().int().min(0).max(90) }), response: { 201: ZSchedule } } }, async (request, reply) => reply.status(201).send(await disclosures.createSchedule(ctx, request.actor!, request.body, requestMeta(request))));
}
