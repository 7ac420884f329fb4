import type { FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { CERTIFICATE_ISSUE } from './hours.policy.js';
import { renderCertificate } from './hours.print.js';
import { ZAttendanceByQr, ZAttendanceQr, ZAttendanceResult, ZCertificate, ZCertificateInput, ZCorrection, ZLeaderAttendance, ZMyHours, ZRecord, ZRecordDetail, ZRecordQuery } from './hours.schema.js';
import * as hours from './hours.service.js';
import { OPPORTUNITY_LEAD } from './shop.policy.js';
import { VOLUNTEER_MANAGE, VOLUNTEER_SELF } from './volunteers.policy.js';
import { ZPage, zId } from './volunteers.schema.js';

const TAGS = ['volunteers: hours and certificates'];
const ZIdParams = z.object({ id: zId() });

/** The origin the caller reached us on (behind a proxy, only with TRUST_PROXY=1): the QR's link is on it. */
function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

/** 志愿服务时长: the rotating check-in QR, scans, leader check-in, records, corrections, certificates. */
export function registerHoursRoutes(app: LinliApp, ctx: PlatformContext) {
  const self = { config: { policy: { permission: VOLUNTEER_SELF } } };
  const lead = { config: { policy: { permission: OPPORTUNITY_LEAD } } };
  const staff = { config: { policy: { permission: VOLUNTEER_MANAGE } } };
  const issue = { config: { policy: { permission: CERTIFICATE_ISSUE } } };

  app.get(
    '/api/v1/volunteer-opportunities/:id/attendance-qr',
    {
      ...lead,
      schema: { tags: TAGS, summary: '现场签到/签退二维码（每分钟更换，2 分钟有效）/ The check-in or check-out QR to show on site (new every minute, valid 2)', params: ZIdParams, querystring: z.object({ action: z.enum(['in', 'out']).default('in') }), response: { 200: ZAttendanceQr } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return hours.attendanceQr(ctx, request.actor!, request.params.id, request.query.action, requestOrigin(request));
    },
  );

  app.post(
    '/api/v1/me/volunteer/attendance',
    {
      config: { ...self.config, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '扫码签到/签退（伪造 403，过期 410，重复扫码不重复记录）/ Scan to check in or out (forged 403, expired 410, a second scan changes nothing)', body: ZAttendanceByQr, response: { 200: ZAttendanceResult.extend({ opportunity: z.object({ id: z.string(), title: z.string(), place: z.string(), startsAt: z.string(), endsAt: z.string(), sharePath: z.string() }) }) } },
    },
    async (request) => hours.attendByQr(ctx, request.actor!, request.body.token, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteer-opportunities/:id/attendance',
    { ...lead, schema: { tags: TAGS, summary: '队长代签到/签退 / The leader checks someone in or out', params: ZIdParams, body: ZLeaderAttendance, response: { 200: ZAttendanceResult } } },
    async (request) => hours.attendByLeader(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/volunteer/hours',
    { ...self, schema: { tags: TAGS, summary: '我的服务时长（台账余额、服务记录、每笔记账及来源）/ My hours: balance, records and every ledger entry with its source', response: { 200: ZMyHours } } },
    async (request) => hours.myHours(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/volunteer/certificates',
    { ...self, schema: { tags: TAGS, summary: '我的志愿服务证明 / My certificates', response: { 200: z.object({ items: z.array(ZCertificate) }) } } },
    async (request) => hours.myCertificates(ctx, request.actor!),
  );

  app.get(
    '/api/v1/volunteer-hours',
    { ...staff, schema: { tags: TAGS, summary: '服务记录（本辖区）/ Service records of my area', querystring: ZRecordQuery, response: { 200: z.object({ items: z.array(ZRecord), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => hours.listRecords(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/volunteer-hours/:id',
    { ...lead, schema: { tags: TAGS, summary: '服务记录（更正历史与记账凭证）/ A service record with its corrections and ledger journals', params: ZIdParams, response: { 200: ZRecordDetail } } },
    async (request) => hours.getRecord(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/volunteer-hours/:id/correct',
    { ...lead, schema: { tags: TAGS, summary: '更正服务时长（冲正原凭证并重新记账）/ Correct a record (reverse its journal and post anew)', params: ZIdParams, body: ZCorrection, response: { 200: ZRecordDetail } } },
    async (request) => hours.correctRecord(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/volunteer-certificates',
    { ...issue, schema: { tags: TAGS, summary: '已出具的志愿服务证明（本辖区）/ Certificates issued in my area', querystring: z.object(ZPage), response: { 200: z.object({ items: z.array(ZCertificate) }) } } },
    async (request) => hours.listCertificates(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/volunteer-certificates',
    { ...issue, schema: { tags: TAGS, summary: '出具志愿服务证明 / Issue a certificate of service', body: ZCertificateInput, response: { 201: ZCertificate } } },
    async (request, reply) => reply.status(201).send(await hours.issueCertificate(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/volunteer-certificates/:id/print',
    { config: { policy: { authenticated: true } }, schema: { tags: TAGS, summary: '打印志愿服务证明（HTML；本人或出具单位；留痕）/ The certificate as a printable page (its volunteer or the issuer; audited)', params: ZIdParams } },
    async (request, reply) => {
      const c = await hours.certificateForPrint(ctx, request.actor!, request.params.id, requestMeta(request));
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderCertificate(c));
    },
  );
}
