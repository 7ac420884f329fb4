import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { OPINION_MANAGE, OPINION_READ, OPINION_STOP_WORDS } from './opinion.policy.js';
import { ZAcknowledge, ZAlert, ZAlerts, ZAlertsQuery, ZStopWordInput, ZTrends, ZTrendsQuery, ZWatchWord, ZWatchWordInput } from './opinion.schema.js';
import * as opinion from './opinion.service.js';

const TAGS = ['community: opinion'];
const zId = () => z.string().min(1).max(32);
const ZOk = z.object({ ok: z.literal(true) });

/** 舆情: trends of an area, watch-word alerts, and the two word lists. */
export function registerOpinionRoutes(app: LinliApp, ctx: PlatformContext) {
  const read = { config: { policy: { permission: OPINION_READ } } };

  app.get(
    '/api/v1/opinion/trends',
    {
      ...read,
      schema: {
        tags: TAGS,
        summary: '舆情热词：本周热词及环比、各网格热词、某词逐周走势 / Trending terms of a week with the week before, per grid, and one term by week',
        querystring: ZTrendsQuery,
        response: { 200: ZTrends },
      },
    },
    async (request) => opinion.trends(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/opinion/alerts',
    { ...read, schema: { tags: TAGS, summary: '舆情预警列表（含原文摘录；留痕）/ Watch-word alerts of my area (with excerpts; audited)', querystring: ZAlertsQuery, response: { 200: ZAlerts } } },
    async (request) => opinion.listAlerts(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/opinion/alerts/:id/acknowledge',
    { ...read, schema: { tags: TAGS, summary: '处理（确认）预警 / Acknowledge an alert', params: z.object({ id: zId() }), body: ZAcknowledge, response: { 200: ZAlert } } },
    async (request) => opinion.acknowledge(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/opinion/watch-words',
    { ...read, schema: { tags: TAGS, summary: '预警词（本辖区生效的）/ Watch words in force in my area', response: { 200: z.object({ items: z.array(ZWatchWord) }) } } },
    async (request) => opinion.listWatchWords(ctx, request.actor!),
  );

  app.post(
    '/api/v1/opinion/watch-words',
    { config: { policy: { permission: OPINION_MANAGE } }, schema: { tags: TAGS, summary: '新增预警词 / Add a watch word for a subtree', body: ZWatchWordInput, response: { 201: ZWatchWord } } },
    async (request, reply) => reply.status(201).send(await opinion.addWatchWord(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/opinion/watch-words/:id',
    { config: { policy: { permission: OPINION_MANAGE } }, schema: { tags: TAGS, summary: '删除预警词 / Remove a watch word', params: z.object({ id: zId() }), response: { 200: ZOk } } },
    async (request) => opinion.removeWatchWord(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.get(
    '/api/v1/opinion/stop-words',
    { ...read, schema: { tags: TAGS, summary: '停用词 / Stop words (not counted as terms)', response: { 200: z.object({ items: z.array(z.string()) }) } } },
    async () => opinion.listStopWords(ctx),
  );

  app.post(
    '/api/v1/opinion/stop-words',
    { config: { policy: { permission: OPINION_STOP_WORDS } }, schema: { tags: TAGS, summary: '新增停用词（立即从热词中排除）/ Add a stop word (left out of trends at once)', body: ZStopWordInput, response: { 201: z.object({ word: z.string() }) } } },
    async (request, reply) => reply.status(201).send(await opinion.addStopWord(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/opinion/stop-words/:word',
    { config: { policy: { permission: OPINION_STOP_WORDS } }, schema: { tags: TAGS, summary: '删除停用词（此后的文本计入）/ Remove a stop word (texts from now on count it)', params: z.object({ word: z.string().trim().min(1).max(16) }), response: { 200: ZOk } } },
    async (request) => opinion.removeStopWord(ctx, request.actor!, request.params.word, requestMeta(request)),
  );
}
