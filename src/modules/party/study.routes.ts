import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_PARTICIPATE } from './party.policy.js';
import { ZIdParams } from './organisations.schema.js';
import { ZMaterial, ZMaterialDetail, ZMaterialInput, ZMaterialQuery, ZMyMaterial, ZProgress, ZWithdraw } from './study.schema.js';
import * as study from './study.service.js';

const TAGS = ['party: study'];

/**
 * 党员学习. Every route is `party.participate`; the service decides record by record: staff
 * (`party.read` / `party.manage` on the organisation's community) and 书记/副书记 (by their posts)
 * publish and follow materials; members read what they were given.
 */
export function registerStudyRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };

  app.get(
    '/api/v1/party/study/materials',
    { ...take, schema: { tags: TAGS, summary: '学习资料（本辖区、本人领导的组织）/ Study materials of my area or of what I lead', querystring: ZMaterialQuery, response: { 200: z.object({ items: z.array(ZMaterial), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => study.listMaterials(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/party/study/materials',
    { ...take, schema: { tags: TAGS, summary: '发布学习资料并布置给党员（文章或链接）/ Publish a study material (article or link) to members', body: ZMaterialInput, response: { 201: ZMaterial } } },
    async (request, reply) => reply.status(201).send(await study.createMaterial(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/party/study/materials/:id',
    { ...take, schema: { tags: TAGS, summary: '学习资料与每位党员的学习记录（谁未读；留痕）/ A material with every member’s reading record (audited)', params: ZIdParams, response: { 200: ZMaterialDetail } } },
    async (request) => study.getMaterial(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/party/study/materials/:id/withdraw',
    { ...take, schema: { tags: TAGS, summary: '撤回学习资料（说明原因）/ Withdraw a material (reason)', params: ZIdParams, body: ZWithdraw, response: { 200: ZMaterial } } },
    async (request) => study.withdrawMaterial(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/party/study',
    { ...take, schema: { tags: TAGS, summary: '我的学习（未学在前）/ My study materials, unread first', response: { 200: z.object({ items: z.array(ZMyMaterial), unread: z.number() }) } } },
    async (request) => study.myStudy(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/party/study/:id',
    { ...take, schema: { tags: TAGS, summary: '学习资料全文 / A material I was given', params: ZIdParams, response: { 200: ZMyMaterial } } },
    async (request) => study.myMaterial(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/me/party/study/:id/progress',
    { ...take, schema: { tags: TAGS, summary: '记录学习时长；done=true 标记已学 / Report time spent; done=true marks it read', params: ZIdParams, body: ZProgress, response: { 200: ZMyMaterial } } },
    async (request) => study.reportProgress(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
