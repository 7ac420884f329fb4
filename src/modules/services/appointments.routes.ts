import type { FastifyRequest } from 'fastify';
import type { PlatformContext } from '../../platform/context.js';
import { badRequest } from '../../platform/errors.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { absoluteUrl, renderQrPng, renderQrSvg } from '../../platform/qr/qr.js';
import { APPOINTMENT_BOOK_OWN, APPOINTMENT_CHECK_IN, APPOINTMENT_HANDLE, APPOINTMENT_ON_BEHALF, APPOINTMENT_READ, WINDOW_MANAGE } from './appointments.policy.js';
import {
  ZAppointment,
  ZAppointmentListQuery,
  ZAppointmentPage,
  ZAppointmentParams,
  ZBookOnBehalf,
  ZBookOwn,
  ZCancelAppointment,
  ZChangeAppointment,
  ZCheckIn,
  ZCreateWindow,
  ZGenerated,
  ZGenerateSlots,
  ZMyAppointmentsQuery,
  ZQrQuery,
  ZSlot,
  ZSlotList,
  ZSlotParams,
  ZSlotQuery,
  ZUpdateSlot,
  ZUpdateWindow,
  ZWindow,
  ZWindowList,
  ZWindowListQuery,
  ZWindowParams,
} from './appointments.schema.js';
import * as appointments from './appointments.service.js';
import { bjDate } from './appointments.slots.js';

const TAGS = ['services: appointments'];

function requestOrigin(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    throw badRequest('BAD_REQUEST', {}, { reason: 'bad Host header' });
  }
}

/** 预约: windows and slots (staff keep them), bookings (residents, staff 代预约), QR check-in at the window. */
export function registerAppointmentRoutes(app: LinliApp, ctx: PlatformContext) {
  // ------------------------------------------------------------ windows
  app.get(
    '/api/v1/service-windows',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: TAGS, summary: '办事窗口列表（地点、办理事项、办公时间）/ Service windows (inactive ones for staff who manage them)', querystring: ZWindowListQuery, response: { 200: ZWindowList } },
    },
    async (request) => appointments.listWindows(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/service-windows',
    {
      config: { policy: { permission: WINDOW_MANAGE } },
      schema: { tags: TAGS, summary: '新建办事窗口（并生成可预约时段）/ Create a window and lay out its slots', body: ZCreateWindow, response: { 201: ZWindow } },
    },
    async (request, reply) => reply.status(201).send(await appointments.createWindow(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/service-windows/:id',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: TAGS, summary: '办事窗口详情 / A service window', params: ZWindowParams, response: { 200: ZWindow } },
    },
    async (request) => appointments.getWindowView(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/service-windows/:id',
    {
      config: { policy: { permission: WINDOW_MANAGE } },
      schema: {
        tags: TAGS,
        summary: '修改窗口（名额改动同步到未来时段；办公时间、时段长度用于新生成的日期）/ Edit a window (expectedVersion)',
        params: ZWindowParams,
        body: ZUpdateWindow,
        response: { 200: ZWindow },
      },
    },
    async (request) => appointments.updateWindow(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/service-windows/:id/slots/generate',
    {
      config: { policy: { permission: WINDOW_MANAGE } },
      schema: {
        tags: TAGS,
        summary: '按工作日历生成时段（节假日不排，调休上班日照排）/ Lay out slots on working days for a date range',
        params: ZWindowParams,
        body: ZGenerateSlots,
        response: { 200: ZGenerated },
      },
    },
    async (request) => {
      if (request.body.from < bjDate(ctx.now())) throw badRequest('APPOINTMENT_RANGE_PAST');
      return appointments.generateSlots(ctx, request.params.id, request.body.from, request.body.to, request.actor!, requestMeta(request));
    },
  );

  // ------------------------------------------------------------ slots
  app.get(
    '/api/v1/appointment-slots',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: TAGS, summary: '窗口可预约时段（余量）/ Slots of a window with seats left', querystring: ZSlotQuery, response: { 200: ZSlotList } },
    },
    async (request) => appointments.listSlots(ctx, request.actor!, request.query),
  );

  app.patch(
    '/api/v1/appointment-slots/:id',
    {
      config: { policy: { permission: WINDOW_MANAGE } },
      schema: {
        tags: TAGS,
        summary: '调整时段名额或停止预约（名额不少于已约人数）/ Resize or close a slot',
        params: ZSlotParams,
        body: ZUpdateSlot,
        response: { 200: ZSlot },
      },
    },
    async (request) => appointments.updateSlot(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ------------------------------------------------------------ a resident's own bookings
  app.get(
    '/api/v1/me/appointments',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: { tags: TAGS, summary: '我的预约 / My appointments (incl. those staff booked for me)', querystring: ZMyAppointmentsQuery, response: { 200: ZAppointmentPage } },
    },
    async (request) => appointments.listMyAppointments(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/me/appointments',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: {
        tags: TAGS,
        summary: '预约一个时段（约满 409；同一时段、同一事项不能重复预约）/ Book a slot (409 when full or a duplicate)',
        body: ZBookOwn,
        response: { 201: ZAppointment },
      },
    },
    async (request, reply) => reply.status(201).send(await appointments.bookOwn(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/appointments/:id',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: { tags: TAGS, summary: '我的预约详情（含签到二维码链接）/ One of my appointments', params: ZAppointmentParams, response: { 200: ZAppointment } },
    },
    async (request) => appointments.getMyAppointment(ctx, request.actor!, request.params.id),
  );

  app.get(
    '/api/v1/me/appointments/:id/qr',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: { tags: TAGS, summary: '预约签到二维码（到窗口出示，工作人员扫码签到）/ The QR code to show at the window (SVG or PNG)', params: ZAppointmentParams, querystring: ZQrQuery },
    },
    async (request, reply) => {
      const token = await appointments.myCheckInToken(ctx, request.actor!, request.params.id);
      const url = absoluteUrl(requestOrigin(request), appointments.checkInPath(token));
      // A ticket: never cached by anyone but the holder's own browser.
      reply.header('cache-control', 'private, no-store');
      reply.header('x-content-type-options', 'nosniff');
      if (request.query.format === 'png') return reply.type('image/png').send(await renderQrPng(url));
      return reply.type('image/svg+xml; charset=utf-8').send(await renderQrSvg(url));
    },
  );

  app.post(
    '/api/v1/me/appointments/:id/change',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: { tags: TAGS, summary: '改约到同一窗口的其他时段 / Move my booking to another slot', params: ZAppointmentParams, body: ZChangeAppointment, response: { 200: ZAppointment } },
    },
    async (request) => appointments.changeAppointment(ctx, request.actor!, request.params.id, request.body, requestMeta(request), 'holder'),
  );

  app.post(
    '/api/v1/me/appointments/:id/cancel',
    {
      config: { policy: { permission: APPOINTMENT_BOOK_OWN } },
      schema: { tags: TAGS, summary: '取消预约（释放名额）/ Cancel my booking (frees the seat)', params: ZAppointmentParams, body: ZCancelAppointment, response: { 200: ZAppointment } },
    },
    async (request) => appointments.cancelAppointment(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request), 'holder'),
  );

  // ------------------------------------------------------------ staff
  app.get(
    '/api/v1/appointments',
    {
      config: { policy: { permission: APPOINTMENT_READ } },
      schema: {
        tags: TAGS,
        summary: '预约名单（窗口、日期、状态；默认今天起；查阅留痕）/ Bookings at the windows of your area (audited)',
        querystring: ZAppointmentListQuery,
        response: { 200: ZAppointmentPage },
      },
    },
    async (request) => appointments.listAppointments(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/appointments',
    {
      config: { policy: { permission: APPOINTMENT_ON_BEHALF } },
      schema: { tags: TAGS, summary: '代预约（为辖区居民预约，须说明原因）/ Book for a resident of your area', body: ZBookOnBehalf, response: { 201: ZAppointment } },
    },
    async (request, reply) => reply.status(201).send(await appointments.bookOnBehalf(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/appointments/check-in',
    {
      config: { policy: { permission: APPOINTMENT_CHECK_IN } },
      schema: {
        tags: TAGS,
        summary: '扫码签到（二维码 token 或预约号二选一；时段前 60 分钟至结束后 30 分钟）/ Check in by QR token or booking number',
        body: ZCheckIn,
        response: { 200: ZAppointment },
      },
    },
    async (request) => {
      const key = request.body.token !== undefined ? { token: request.body.token } : { code: request.body.code! };
      return appointments.checkIn(ctx, request.actor!, key, requestMeta(request));
    },
  );

  app.get(
    '/api/v1/appointments/:id',
    {
      config: { policy: { permission: APPOINTMENT_READ } },
      schema: { tags: TAGS, summary: '预约详情（查阅留痕）/ A booking (audited)', params: ZAppointmentParams, response: { 200: ZAppointment } },
    },
    async (request) => appointments.getAppointmentForStaff(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/appointments/:id/change',
    {
      config: { policy: { permission: APPOINTMENT_HANDLE } },
      schema: { tags: TAGS, summary: '工作人员改约（通知居民）/ Staff move a booking (the person is told)', params: ZAppointmentParams, body: ZChangeAppointment, response: { 200: ZAppointment } },
    },
    async (request) => appointments.changeAppointment(ctx, request.actor!, request.params.id, request.body, requestMeta(request), 'staff'),
  );

  app.post(
    '/api/v1/appointments/:id/cancel',
    {
      config: { policy: { permission: APPOINTMENT_HANDLE } },
      schema: { tags: TAGS, summary: '工作人员取消预约（须说明原因，通知居民）/ Staff cancel a booking with a reason', params: ZAppointmentParams, body: ZCancelAppointment, response: { 200: ZAppointment } },
    },
    async (request) => appointments.cancelAppointment(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request), 'staff'),
  );
}
