import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { MEDIATION_ASSIGN, MEDIATION_HANDLE, MEDIATION_READ_OWN } from './mediation.policy.js';
import { renderAgreement } from './mediation.print.js';
import {
  ZAgreementInput,
  ZAttachInput,
  ZCandidate,
  ZCaseDetail,
  ZCaseInput,
  ZCaseSummary,
  ZContactInput,
  ZExpected,
  ZFromEventInput,
  ZListQuery,
  ZMediatorsInput,
  ZMyCase,
  ZMyCaseSummary,
  ZPartyAdd,
  ZPerformanceInput,
  ZSessionInput,
  ZStatistics,
  ZStepInput,
} from './mediation.schema.js';
import * as mediation from './mediation.service.js';

const TAGS = ['community: mediation'];
const zId = () => z.string().min(1).max(32);
const ZIdParams = z.object({ id: zId() });
const ZPartyParams = z.object({ id: zId(), partyId: zId() });

/**
 * 纠纷调解. Staff routes need `community.mediation.handle` (or `.assign`), and then the case
 * decides: members only, everyone else 404. Residents see their own cases through a party link.
 */
export function registerMediationRoutes(app: LinliApp, ctx: PlatformContext) {
  const handle = { config: { policy: { permission: MEDIATION_HANDLE } } };
  const assign = { config: { policy: { permission: MEDIATION_ASSIGN } } };
  const own = { config: { policy: { permission: MEDIATION_READ_OWN } } };
  const detail = { 200: ZCaseDetail };

  app.get(
    '/api/v1/mediation/cases',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '我的调解案件（我登记、指派或调解的；其他人的案件不可见；留痕）/ My mediation cases (registered, assigned or mediated by me; audited)',
        querystring: ZListQuery,
        response: { 200: z.object({ items: z.array(ZCaseSummary), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request) => mediation.listCases(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '受理登记调解案件（不指定调解员时由登记人主办；指定须有指派权限）/ Register a case (the registrar mediates unless mediators are assigned)',
        body: ZCaseInput,
        response: { 201: ZCaseDetail },
      },
    },
    async (request, reply) => reply.status(201).send(await mediation.createCase(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/mediation/cases/from-event/:eventId',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '矛盾纠纷事件转人民调解（每个事件一件；再次提交 409 并给出已有案件 id）/ Open a case from a dispute event (once per event)',
        params: z.object({ eventId: zId() }),
        body: ZFromEventInput,
        response: { 201: ZCaseDetail },
      },
    },
    async (request, reply) => reply.status(201).send(await mediation.createFromEvent(ctx, request.actor!, request.params.eventId, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/mediation/statistics',
    {
      ...assign,
      schema: {
        tags: TAGS,
        summary: '调委会统计：各状态、类别案件数（不含姓名和案情）/ Committee counts per status and category (numbers only)',
        querystring: z.object({ orgNodeId: zId().optional() }),
        response: { 200: ZStatistics },
      },
    },
    async (request) => mediation.statistics(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/mediation/mediators',
    {
      ...assign,
      schema: {
        tags: TAGS,
        summary: '可选调解员（本社区的社区工作人员、网格员）/ Who may mediate in a node’s community',
        querystring: z.object({ orgNodeId: zId() }),
        response: { 200: z.object({ items: z.array(ZCandidate) }) },
      },
    },
    async (request) => mediation.candidates(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/mediation/cases/:id',
    { ...handle, schema: { tags: TAGS, summary: '调解案件详情（仅本案人员；留痕）/ A case (its members only; audited)', params: ZIdParams, response: detail } },
    async (request) => mediation.getCase(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.get(
    '/api/v1/mediation/cases/:id/agreement.html',
    { ...handle, schema: { tags: TAGS, summary: '打印人民调解协议书（HTML，浏览器打印；留痕）/ The agreement as a printable page (audited)', params: ZIdParams } },
    async (request, reply) => {
      const { detail: d, communityName } = await mediation.agreementForPrint(ctx, request.actor!, request.params.id, requestMeta(request));
      const html = renderAgreement({ number: d.number, communityName, category: d.category, summary: d.summary, parties: d.partyDetails, mediators: d.mediators, agreement: d.agreement! });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );

  app.put(
    '/api/v1/mediation/cases/:id/mediators',
    {
      ...assign,
      schema: { tags: TAGS, summary: '指派 / 改派调解员（主办一名，协办至多五名）/ Assign the lead and helpers', params: ZIdParams, body: ZMediatorsInput, response: detail },
    },
    async (request) => mediation.assignMediators(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/parties',
    { ...handle, schema: { tags: TAGS, summary: '添加当事人（人口库居民或姓名加手机号）/ Add a party', params: ZIdParams, body: ZPartyAdd, response: detail } },
    async (request) => mediation.addParty(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/parties/:partyId/remove',
    { ...handle, schema: { tags: TAGS, summary: '移除当事人 / Remove a party', params: ZPartyParams, body: ZExpected, response: detail } },
    async (request) => mediation.removeParty(ctx, request.actor!, request.params.id, request.params.partyId, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/parties/:partyId/contact',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '查看当事人完整手机号（调解员，须有 pii.unmask 并说明用途；留痕）/ A party’s full mobile (mediators with pii.unmask and a purpose; audited)',
        params: ZPartyParams,
        body: ZContactInput,
        response: { 200: z.object({ phone: z.string() }) },
      },
    },
    async (request) => mediation.partyContact(ctx, request.actor!, request.params.id, request.params.partyId, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/sessions',
    { ...handle, schema: { tags: TAGS, summary: '登记调解记录 / Record a session', params: ZIdParams, body: ZSessionInput, response: detail } },
    async (request) => mediation.addSession(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.put(
    '/api/v1/mediation/cases/:id/agreement',
    { ...handle, schema: { tags: TAGS, summary: '调解协议书（调解中可修改）/ The agreement (while mediating)', params: ZIdParams, body: ZAgreementInput, response: detail } },
    async (request) => mediation.saveAgreement(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/agreement/performance',
    { ...handle, schema: { tags: TAGS, summary: '协议履行情况 / Whether the agreement was performed', params: ZIdParams, body: ZPerformanceInput, response: detail } },
    async (request) => mediation.recordPerformance(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/steps',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '案件流转：start 开始调解 · agree 达成协议 · fail 调解不成（须说明引导途径）· withdraw 撤回 · close 回访结案 / A step (`expectedVersion`)',
        params: ZIdParams,
        body: ZStepInput,
        response: detail,
      },
    },
    async (request) => mediation.takeStep(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/mediation/cases/:id/attachments',
    {
      ...handle,
      schema: {
        tags: TAGS,
        summary: '添加附件（先 POST /api/v1/files?purpose=community.mediation，不带 orgNodeId）/ Attach an upload',
        params: ZIdParams,
        body: ZAttachInput,
        response: detail,
      },
    },
    async (request) => mediation.attachFile(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/mediation/cases',
    { ...own, schema: { tags: TAGS, summary: '我的调解（我是当事人的案件）/ Cases I am a party to', response: { 200: z.object({ items: z.array(ZMyCaseSummary) }) } } },
    async (request) => mediation.listMine(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/mediation/cases/:id',
    {
      ...own,
      schema: {
        tags: TAGS,
        summary: '我的调解案件：进度、调解时间、协议（不含他人联系方式；留痕）/ My case: status, session times, agreement (audited)',
        params: ZIdParams,
        response: { 200: ZMyCase },
      },
    },
    async (request) => mediation.getMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
