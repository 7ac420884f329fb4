import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { t } from '../../platform/i18n/i18n.js';
import { hasPermission } from '../../platform/policy/actor.js';
import * as events from './events.service.js';
import type { GridEventTransition } from './events.workflow.js';
import {
  ZBatchDispatch,
  ZBatchResult,
  ZDispatchTargets,
  ZEventDetail,
  ZEventListQuery,
  ZEventPage,
  ZEventParams,
  ZMyEventsQuery,
  ZPublicEvents,
  ZPublicEventsQuery,
  ZReportedEvent,
  ZReportEvent,
  ZStepBody,
  ZStepParams,
  ZEventSummary,
  ZEventCounts,
  ZEventCountsQuery,
  ZPublicAreas,
  ZPublicAreasQuery,
} from './events.schema.js';

/** The day's start in Beijing time when a bare date is given. */
const asInstant = (v: string | undefined) => (v === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+08:00`).toISOString() : new Date(v).toISOString());

export function registerEventRoutes(app: LinliApp, ctx: PlatformContext) {
  app.post(
    '/api/v1/events',
    {
      // Staff report on someone's behalf (events.event.report); residents their own (events.event.report-own): the service decides.
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['events'],
        summary: '上报事件（工作人员代登记：电话、热线工单、巡查、走访、建议；居民：本人上报）/ Report an event',
        body: ZReportEvent,
        response: { 201: ZReportedEvent },
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const b = request.body;
      const staff = hasPermission(actor, events.EVENT_REPORT) && b.channel !== 'resident_app';
      let input: events.ReportEventInput;
      if (staff) {
        if (!b.channel) throw badRequest('VALIDATION_FAILED', {}, [{ field: 'body.channel', code: 'required', message: t(request.locale, 'error.EVENT_STAFF_CHANNEL_REQUIRED') }]);
        input = { ...b, channel: b.channel };
      } else {
        // A resident's own report: where, what, photos; how urgent and who handles is staff's call.
        input = {
          categoryId: b.categoryId,
          categoryCode: b.categoryCode,
          title: b.title,
          description: b.description,
          channel: 'resident_app',
          lat: b.lat,
          lng: b.lng,
          address: b.address,
          addressNodeId: b.addressNodeId,
          attributes: b.attributes,
          attachmentIds: b.attachmentIds,
        };
      }
      const reported = await events.reportEvent(ctx, { kind: 'user', actor }, input, requestMeta(request));
      return reply.status(201).send(reported);
    },
  );

  app.get(
    '/api/v1/events',
    {
      config: { policy: { permission: events.EVENT_READ } },
      schema: {
        tags: ['events'],
        summary: '事件列表：调度工作台与处置人列表（状态、时限、区域、类别、处置人等筛选）/ Events of your area, filtered and paged',
        querystring: ZEventListQuery,
        response: { 200: ZEventPage },
      },
    },
    async (request) => {
      const q = request.query;
      return events.listEvents(ctx, request.actor!, { ...q, createdFrom: asInstant(q.createdFrom), createdTo: asInstant(q.createdTo) });
    },
  );

  app.get(
    '/api/v1/events/counts',
    {
      config: { policy: { permission: events.EVENT_READ } },
      schema: {
        tags: ['events'],
        summary: '事件计数：按状态、按时限（与列表相同的筛选），工作台各队列的数字 / Counts per state and deadline status, with the list\'s filters',
        querystring: ZEventCountsQuery,
        response: { 200: ZEventCounts },
      },
    },
    async (request) => {
      const q = request.query;
      return events.countEvents(ctx, request.actor!, { ...q, createdFrom: asInstant(q.createdFrom), createdTo: asInstant(q.createdTo) });
    },
  );

  app.get(
    '/api/v1/events/dispatch-targets',
    {
      config: { policy: { permission: events.EVENT_READ } },
      schema: {
        tags: ['events'],
        summary: '可派遣的单位、部门和处置人 / Units, departments and people you may dispatch to',
        response: { 200: ZDispatchTargets },
      },
    },
    async (request) => events.dispatchTargets(ctx, request.actor!),
  );

  app.post(
    '/api/v1/events/batch-dispatch',
    {
      config: { policy: { permission: events.EVENT_READ } },
      schema: {
        tags: ['events'],
        summary: '批量派遣（逐件返回结果）/ Dispatch several events to one assignee (a result per event)',
        body: ZBatchDispatch,
        response: { 200: ZBatchResult },
      },
    },
    async (request) => {
      const results = [];
      for (const id of [...new Set(request.body.ids)]) {
        try {
          const event = await events.takeStep(ctx, request.actor!, id, 'dispatch', { assignee: request.body.assignee, comment: request.body.comment }, requestMeta(request));
          results.push({ id, ok: true, event });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          results.push({ id, ok: false, error: { code: e.code, message: t(request.locale, `error.${e.code}`, e.params) } });
        }
      }
      return { results };
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      config: { policy: { permission: events.EVENT_READ } },
      schema: {
        tags: ['events'],
        summary: '事件详情：类别、位置、反映人（脱敏）、处置单位、照片、办理过程、可执行的操作 / One event with its timeline and your next steps',
        params: ZEventParams,
        response: { 200: ZEventDetail },
      },
    },
    async (request) => events.getEventDetail(ctx, request.actor!, request.params.id, 'staff'),
  );

  app.post(
    '/api/v1/events/:id/steps/:transition',
    {
      // Staff and reporters alike: the workflow checks the role on the event's area, the service who may act.
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['events'],
        summary: '办理一步：受理、派遣、签收、处置、核查、结案、评价、延期、挂账、作废、撤回、合并… / Take a step of the loop',
        params: ZStepParams,
        body: ZStepBody,
        response: { 200: ZEventSummary },
      },
    },
    async (request) =>
      events.takeStep(ctx, request.actor!, request.params.id, request.params.transition as GridEventTransition, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/events',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['events'],
        summary: '我反映的事件 / The events I reported',
        querystring: ZMyEventsQuery,
        response: { 200: ZEventPage },
      },
    },
    async (request) => events.listMyEvents(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/events/:id',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['events'],
        summary: '我反映的事件详情（办理过程、可撤回/核查/评价）/ One of my events, with its progress',
        params: ZEventParams,
        response: { 200: ZEventDetail },
      },
    },
    async (request) => events.getEventDetail(ctx, request.actor!, request.params.id, 'reporter'),
  );

  app.get(
    '/api/v1/public/events',
    {
      config: {
        policy: { public: true, reason: '在线实时监督: anonymised events on the public map' },
        rateLimit: { max: 120, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['events'],
        summary: '公开事件（匿名：类别、状态、网格、约100米精度位置、日期）/ Anonymised events for the public map',
        querystring: ZPublicEventsQuery,
        response: { 200: ZPublicEvents },
      },
    },
    async (request) => events.listPublicEvents(ctx, request.query),
  );

  app.get(
    '/api/v1/public/event-map/areas',
    {
      config: {
        policy: { public: true, reason: '在线实时监督 and the resident map picker: community and grid outlines (shapes and names only)' },
        rateLimit: { max: 120, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['events'],
        summary: '公开地图的社区与网格轮廓（仅名称与形状）/ Community and grid outlines for the public map',
        querystring: ZPublicAreasQuery,
        response: { 200: ZPublicAreas },
      },
    },
    async (request) => events.listPublicAreas(ctx, request.query),
  );
}
