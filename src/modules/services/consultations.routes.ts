import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { CONSULTATION_ANSWER, CONSULTATION_ASK_OWN, CONSULTATION_ASSIGN, CONSULTATION_MANAGE } from './consultations.policy.js';
import {
  ZAsk,
  ZAssign,
  ZCloseConsultation,
  ZConsultationDetail,
  ZConsultationPage,
  ZConsultationParams,
  ZConsultationSummary,
  ZCreateProfessional,
  ZMessageBody,
  ZMyConsultationsQuery,
  ZProfessional,
  ZProfessionalList,
  ZProfessionalParams,
  ZProfessionalQuery,
  ZUpdateProfessional,
  ZWorkQuery,
} from './consultations.schema.js';
import * as consultations from './consultations.service.js';

const TAGS = ['services: consultations'];

/** 咨询: residents ask, staff assign, the assigned professional answers; content private to those two. */
export function registerConsultationRoutes(app: LinliApp, ctx: PlatformContext) {
  // ------------------------------------------------------------ the asker
  app.post(
    '/api/v1/me/consultations',
    {
      config: { policy: { permission: CONSULTATION_ASK_OWN } },
      schema: { tags: TAGS, summary: '提问（法律 / 医疗健康）/ Ask a legal or medical question', body: ZAsk, response: { 201: ZConsultationDetail } },
    },
    async (request, reply) => reply.status(201).send(await consultations.ask(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/consultations',
    {
      config: { policy: { permission: CONSULTATION_ASK_OWN } },
      schema: { tags: TAGS, summary: '我的咨询 / My consultations', querystring: ZMyConsultationsQuery, response: { 200: ZConsultationPage } },
    },
    async (request) => consultations.listMine(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/consultations/:id',
    {
      config: { policy: { permission: CONSULTATION_ASK_OWN } },
      schema: { tags: TAGS, summary: '我的咨询详情（问答记录；查阅留痕）/ One of my consultations with its messages (audited)', params: ZConsultationParams, response: { 200: ZConsultationDetail } },
    },
    async (request) => consultations.getMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/consultations/:id/messages',
    {
      config: { policy: { permission: CONSULTATION_ASK_OWN } },
      schema: { tags: TAGS, summary: '追问 / Follow up on my consultation', params: ZConsultationParams, body: ZMessageBody, response: { 200: ZConsultationDetail } },
    },
    async (request) => consultations.followUp(ctx, request.actor!, request.params.id, request.body.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/consultations/:id/close',
    {
      config: { policy: { permission: CONSULTATION_ASK_OWN } },
      schema: { tags: TAGS, summary: '结束咨询并评价 / Close my consultation, optionally rating the answer', params: ZConsultationParams, body: ZCloseConsultation, response: { 200: ZConsultationDetail } },
    },
    async (request) => consultations.closeMine(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  // ------------------------------------------------------------ professionals (registered before :id)
  app.get(
    '/api/v1/consultations/professionals',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: TAGS, summary: '答复咨询的专业人员（律师、医生…）/ Professionals serving an area', querystring: ZProfessionalQuery, response: { 200: ZProfessionalList } },
    },
    async (request) => consultations.listProfessionals(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/consultations/professionals',
    {
      config: { policy: { permission: CONSULTATION_MANAGE } },
      schema: { tags: TAGS, summary: '登记专业人员 / Register a professional for an area', body: ZCreateProfessional, response: { 201: ZProfessional } },
    },
    async (request, reply) => reply.status(201).send(await consultations.registerProfessional(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/consultations/professionals/:id',
    {
      config: { policy: { permission: CONSULTATION_MANAGE } },
      schema: { tags: TAGS, summary: '修改或停用专业人员 / Edit or deactivate a professional', params: ZProfessionalParams, body: ZUpdateProfessional, response: { 200: ZProfessional } },
    },
    async (request) => consultations.updateProfessional(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ------------------------------------------------------------ professionals answer, staff assign
  app.get(
    '/api/v1/consultations',
    {
      config: { policy: { permission: CONSULTATION_ANSWER } },
      schema: {
        tags: TAGS,
        summary: '指派给我的咨询（assigned=me，查阅留痕）或辖区待指派队列（assigned=any，不含内容）/ Assigned to me, or the assigning queue (no content)',
        querystring: ZWorkQuery,
        response: { 200: ZConsultationPage },
      },
    },
    async (request) => consultations.listForWork(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/consultations/:id',
    {
      config: { policy: { permission: CONSULTATION_ANSWER } },
      schema: { tags: TAGS, summary: '咨询详情（仅被指派的专业人员；查阅留痕）/ A consultation, for its assigned professional only (audited)', params: ZConsultationParams, response: { 200: ZConsultationDetail } },
    },
    async (request) => consultations.getForProfessional(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/consultations/:id/messages',
    {
      config: { policy: { permission: CONSULTATION_ANSWER } },
      schema: { tags: TAGS, summary: '答复 / Answer (the assigned professional)', params: ZConsultationParams, body: ZMessageBody, response: { 200: ZConsultationDetail } },
    },
    async (request) => consultations.answer(ctx, request.actor!, request.params.id, request.body.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/consultations/:id/assign',
    {
      config: { policy: { permission: CONSULTATION_ASSIGN } },
      schema: { tags: TAGS, summary: '指派或改派专业人员（不显示咨询内容）/ Assign or reassign a professional', params: ZConsultationParams, body: ZAssign, response: { 200: ZConsultationSummary } },
    },
    async (request) => consultations.assign(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
