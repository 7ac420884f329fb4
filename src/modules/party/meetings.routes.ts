import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_PARTICIPATE } from './party.policy.js';
import { ZIdParams, zId } from './organisations.schema.js';
import {
  ZCancel,
  ZCheckInResult,
  ZCheckinQr,
  ZCompliance,
  ZComplianceQuery,
  ZLeave,
  ZLeaveDecision,
  ZLeaveInput,
  ZMeeting,
  ZMeetingDetail,
  ZMeetingInput,
  ZMeetingPatch,
  ZMeetingQuery,
  ZMinutes,
  ZQrCheckIn,
  ZRule,
  ZRulesInput,
  ZSecretaryCheckIn,
} from './meetings.schema.js';
import * as meetings from './meetings.service.js';

const TAGS = ['party: meetings and compliance'];

/** The origin the caller reached us on (behind a proxy, only with TRUST_PROXY=1): the QR's link is on it. */
function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
const ZMyMeeting = z.object({
  id: z.string(),
  orgName: z.string(),
  kind: z.string(),
  kindLabel: ZLabel,
  title: z.string(),
  agenda: z.string(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  lecturer: z.string().nullable(),
  status: z.string(),
  phase: z.string(),
  cancelReason: z.string().nullable(),
  attendance: z.enum(['expected', 'present', 'leave']),
  absent: z.boolean(),
  checkedInAt: z.string().nullable(),
  leave: z.object({ id: z.string(), status: z.string(), reason: z.string(), decisionNote: z.string().nullable() }).nullable(),
  canAskLeave: z.boolean(),
});
const ZMyParty = z.object({
  member: z
    .object({
      id: z.string(),
      category: z.enum(['full', 'probationary']),
      joinedOn: z.string(),
      confirmedOn: z.string().nullable(),
      isMobile: z.boolean(),
      mobileLocation: z.string().nullable(),
      branch: z.object({ id: z.string(), name: z.string(), chain: z.array(z.string()), memberCount: z.number(), leaders: z.array(z.object({ name: z.string(), post: z.string() })) }),
      group: z.object({ id: z.string(), name: z.string() }).nullable(),
      posts: z.array(z.object({ orgName: z.string(), post: z.string() })),
    })
    .nullable(),
  leads: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
  duties: z.object({ pendingLeave: z.number() }),
});

/**
 * 三会一课. Every route is `party.participate`: members see their meetings, check in and ask for
 * leave; secretaries (by post) and staff (by grant) plan, show the QR, check in by hand, decide
 * leave, write minutes and read compliance — the service checks each organisation.
 */
export function registerMeetingRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };

  app.get(
    '/api/v1/party/meetings',
    { ...take, schema: { tags: TAGS, summary: '会议（本辖区、本人领导的组织）/ Meetings of my area or of what I lead', querystring: ZMeetingQuery, response: { 200: z.object({ items: z.array(ZMeeting) }) } } },
    async (request) => meetings.listMeetings(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/party/meetings',
    { ...take, schema: { tags: TAGS, summary: '安排会议（三会一课、主题党日）/ Plan a meeting', body: ZMeetingInput, response: { 201: ZMeetingDetail } } },
    async (request, reply) => reply.status(201).send(await meetings.planMeeting(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/party/meetings/:id',
    { ...take, schema: { tags: TAGS, summary: '会议详情：签到、请假、记录（查阅留痕）/ A meeting with attendance, leave and minutes (audited)', params: ZIdParams, response: { 200: ZMeetingDetail } } },
    async (request) => meetings.getMeeting(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.patch(
    '/api/v1/party/meetings/:id',
    { ...take, schema: { tags: TAGS, summary: '修改会议 / Edit a meeting (expectedVersion)', params: ZIdParams, body: ZMeetingPatch, response: { 200: ZMeetingDetail } } },
    async (request) => meetings.updateMeeting(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/party/meetings/:id/cancel',
    { ...take, schema: { tags: TAGS, summary: '取消会议 / Cancel a meeting', params: ZIdParams, body: ZCancel, response: { 200: ZMeetingDetail } } },
    async (request) => meetings.cancelMeeting(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/meetings/:id/checkin-qr',
    { ...take, schema: { tags: TAGS, summary: '现场签到二维码（每分钟更换，2 分钟有效）/ The check-in QR for the screen (new every minute, valid 2)', params: ZIdParams, response: { 200: ZCheckinQr } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return meetings.checkinQr(ctx, request.actor!, request.params.id, requestOrigin(request));
    },
  );

  app.post(
    '/api/v1/party/meetings/:id/attendance',
    { ...take, schema: { tags: TAGS, summary: '书记代签到（可多人）/ The secretary checks members in', params: ZIdParams, body: ZSecretaryCheckIn, response: { 200: ZMeetingDetail } } },
    async (request) => (await meetings.checkInBySecretary(ctx, request.actor!, request.params.id, request.body, requestMeta(request)))!,
  );

  app.put(
    '/api/v1/party/meetings/:id/minutes',
    { ...take, schema: { tags: TAGS, summary: '会议记录与照片 / Minutes and photos', params: ZIdParams, body: ZMinutes, response: { 200: ZMeetingDetail } } },
    async (request) => meetings.saveMinutes(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/leave-requests',
    { ...take, schema: { tags: TAGS, summary: '待我审批的请假 / Leave requests I decide', querystring: z.object({ status: z.enum(['pending', 'approved', 'refused']).optional() }), response: { 200: z.object({ items: z.array(ZLeave) }) } } },
    async (request) => meetings.listLeave(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/party/leave-requests/:id/decide',
    { ...take, schema: { tags: TAGS, summary: '批准或不批准请假 / Approve or refuse a leave request', params: ZIdParams, body: ZLeaveDecision, response: { 200: ZLeave } } },
    async (request) => meetings.decideLeave(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/compliance',
    { ...take, schema: { tags: TAGS, summary: '三会一课落实情况与缺席名单（留痕）/ Meeting rhythm kept per branch and group, and who missed what (audited)', querystring: ZComplianceQuery, response: { 200: ZCompliance } } },
    async (request) => meetings.compliance(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/meeting-rules',
    { ...take, schema: { tags: TAGS, summary: '会议制度（现行）/ The meeting rhythm in force', querystring: z.object({ orgId: zId() }), response: { 200: z.object({ items: z.array(ZRule) }) } } },
    async (request) => meetings.getRules(ctx, request.actor!, request.query.orgId),
  );

  app.put(
    '/api/v1/party/meeting-rules',
    { ...take, schema: { tags: TAGS, summary: '党委设置本党委的会议制度 / A committee sets its meeting rhythm', body: ZRulesInput, response: { 200: z.object({ items: z.array(ZRule) }) } } },
    async (request) => meetings.setRules(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/party',
    { ...take, schema: { tags: TAGS, summary: '我的党组织（党员信息、所在支部、职务与待办）/ My party record, branch, posts and duties', response: { 200: ZMyParty } } },
    async (request) => meetings.myParty(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/party/meetings',
    { ...take, schema: { tags: TAGS, summary: '我的会议（出席、请假）/ My meetings, attendance and leave', response: { 200: z.object({ items: z.array(ZMyMeeting) }) } } },
    async (request) => meetings.myMeetings(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/party/checkin',
    {
      config: { ...take.config, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '扫码签到（伪造 403，过期 410，重复扫码不重复记录）/ Scan to check in (forged 403, expired 410; a second scan changes nothing)', body: ZQrCheckIn, response: { 200: ZCheckInResult } },
    },
    async (request) => meetings.checkInByQr(ctx, request.actor!, request.body.token, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/party/meetings/:id/leave',
    { ...take, schema: { tags: TAGS, summary: '请假 / Ask for leave from a meeting', params: ZIdParams, body: ZLeaveInput, response: { 201: ZLeave } } },
    async (request, reply) => reply.status(201).send(await meetings.requestLeave(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );
}
