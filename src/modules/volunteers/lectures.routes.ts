import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { LECTURE_ATTEND, LECTURE_MANAGE } from './lectures.policy.js';
import { ZAttendanceInput, ZCheckinInput, ZCheckinQr, ZLecture, ZLectureInput, ZLecturePatch, ZLectureStaff, ZMyLecture, ZPublicLectureQuery, ZSignupRow, ZStaffLectureQuery } from './lectures.schema.js';
import * as lectures from './lectures.service.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: micro-lectures'];
const ZIdParams = z.object({ id: zId() });
const ZSignupList = z.object({ lecture: ZLectureStaff, items: z.array(ZSignupRow) });

/** The origin the caller reached us on (behind a proxy, only with TRUST_PROXY=1): the QR's link is on it. */
function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

/** 微课: public pages, residents' sign-ups and check-in, staff writing and attendance. */
export function registerLectureRoutes(app: LinliApp, ctx: PlatformContext) {
  const PUBLIC = { public: true as const, reason: '微课宣讲: lectures are advertised to anyone, like notices on the community board' };
  const attend = { config: { policy: { permission: LECTURE_ATTEND }, rateLimit: { max: 60, timeWindow: '1 minute' } } };
  const manage = { config: { policy: { permission: LECTURE_MANAGE } } };

  app.get(
    '/api/v1/public/lectures',
    { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '微课（公开）/ Lectures (public)', querystring: ZPublicLectureQuery, response: { 200: z.object({ items: z.array(ZLecture), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => lectures.listPublic(ctx, request.query),
  );

  app.get(
    '/api/v1/public/lectures/:id',
    { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '微课详情（公开）/ A lecture (public)', params: ZIdParams, response: { 200: ZLecture } } },
    async (request) => lectures.getPublic(ctx, request.params.id),
  );

  app.get(
    '/api/v1/me/lectures',
    { config: { policy: { permission: LECTURE_ATTEND } }, schema: { tags: TAGS, summary: '我报名的微课 / Lectures I signed up for', response: { 200: z.object({ items: z.array(ZMyLecture) }) } } },
    async (request) => lectures.listMine(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/lectures/:id',
    { config: { policy: { permission: LECTURE_ATTEND } }, schema: { tags: TAGS, summary: '微课与我的报名 / A lecture with my sign-up', params: ZIdParams, response: { 200: ZMyLecture } } },
    async (request) => lectures.getForMe(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/me/lectures/:id/signup',
    { ...attend, schema: { tags: TAGS, summary: '报名（名额满 409）/ Sign up (409 when full)', params: ZIdParams, response: { 201: ZMyLecture } } },
    async (request, reply) => reply.status(201).send(await lectures.signUp(ctx, request.actor!, request.params.id, requestMeta(request))),
  );

  app.post(
    '/api/v1/me/lectures/:id/cancel',
    { ...attend, schema: { tags: TAGS, summary: '取消报名（开始前）/ Cancel (before the start)', params: ZIdParams, response: { 200: ZMyLecture } } },
    async (request) => lectures.cancelMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/lectures/:id/checkin',
    { ...attend, schema: { tags: TAGS, summary: '扫码签到（伪造 403，过期 410）/ Check in with the room QR (forged 403, expired 410)', params: ZIdParams, body: ZCheckinInput, response: { 200: ZMyLecture.extend({ already: z.boolean() }) } } },
    async (request) => lectures.checkIn(ctx, request.actor!, request.params.id, request.body.token, requestMeta(request)),
  );

  // ------------------------------------------------------------ staff

  app.get(
    '/api/v1/lectures',
    { ...manage, schema: { tags: TAGS, summary: '微课管理（本辖区，含草稿）/ Lectures of my area, drafts included', querystring: ZStaffLectureQuery, response: { 200: z.object({ items: z.array(ZLectureStaff), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => lectures.listForStaff(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/lectures',
    { ...manage, schema: { tags: TAGS, summary: '新建微课（草稿或直接发布）/ New lecture (draft, or published at once)', body: ZLectureInput, response: { 201: ZLectureStaff } } },
    async (request, reply) => reply.status(201).send(await lectures.createLecture(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/lectures/:id',
    { ...manage, schema: { tags: TAGS, summary: '微课 / A lecture', params: ZIdParams, response: { 200: ZLectureStaff } } },
    async (request) => lectures.getForStaff(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/lectures/:id',
    { ...manage, schema: { tags: TAGS, summary: '修改微课（改时间地点时通知已报名者）/ Edit (those signed up are told of a new time or place)', params: ZIdParams, body: ZLecturePatch, response: { 200: ZLectureStaff } } },
    async (request) => lectures.updateLecture(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/lectures/:id/publish',
    { ...manage, schema: { tags: TAGS, summary: '发布 / Publish', params: ZIdParams, body: z.object({ expectedVersion: z.number().int().min(1) }), response: { 200: ZLectureStaff } } },
    async (request) => lectures.publishLecture(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/lectures/:id/cancel',
    { ...manage, schema: { tags: TAGS, summary: '取消微课（通知已报名者）/ Cancel (everyone signed up is told)', params: ZIdParams, body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZLectureStaff } } },
    async (request) => lectures.cancelLecture(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/lectures/:id/signups',
    { ...manage, schema: { tags: TAGS, summary: '报名与出席名单（查阅留痕）/ Sign-ups and attendance (audited)', params: ZIdParams, response: { 200: ZSignupList } } },
    async (request) => lectures.listSignups(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/lectures/:id/attendance',
    { ...manage, schema: { tags: TAGS, summary: '登记出席（或撤销）/ Mark present (or not)', params: ZIdParams, body: ZAttendanceInput, response: { 200: ZSignupList.extend({ changed: z.number() }) } } },
    async (request) => lectures.markAttendance(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/lectures/:id/checkin-qr',
    { ...manage, schema: { tags: TAGS, summary: '现场签到二维码（每分钟更换，2 分钟有效）/ The check-in QR to show in the room (new every minute, valid 2)', params: ZIdParams, response: { 200: ZCheckinQr } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return lectures.checkinQr(ctx, request.actor!, request.params.id, requestOrigin(request));
    },
  );
}
