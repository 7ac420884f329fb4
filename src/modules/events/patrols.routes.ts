import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import * as patrols from './patrols.service.js';
import { PATROL_READ, PATROL_RUN } from './patrols.service.js';
import { ZCoverage, ZCoverageQuery, ZEndPatrol, ZPatrol, ZPatrolDetail, ZPatrolListQuery, ZPatrolPage, ZPatrolParams, ZPointsAccepted, ZPostPoints, ZStartPatrol } from './patrols.schema.js';

/** 巡查: a grid worker's patrols, their tracks, and coverage per grid and worker. */
export function registerPatrolRoutes(app: LinliApp, ctx: PlatformContext) {
  app.post(
    '/api/v1/patrols',
    {
      config: { policy: { permission: PATROL_RUN } },
      schema: { tags: ['events'], summary: '开始巡查 / Start a patrol in a grid you hold (one at a time)', body: ZStartPatrol, response: { 201: ZPatrol } },
    },
    async (request, reply) => reply.status(201).send(await patrols.startPatrol(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/patrols/current',
    {
      config: { policy: { permission: PATROL_RUN } },
      schema: { tags: ['events'], summary: '我的进行中巡查 / Your patrol in progress, or null', response: { 200: ZPatrol.nullable() } },
    },
    async (request) => patrols.currentPatrol(ctx, request.actor!),
  );

  app.post(
    '/api/v1/patrols/:id/points',
    {
      config: { policy: { permission: PATROL_RUN } },
      schema: {
        tags: ['events'],
        summary: '上传轨迹点 / Add track points (a batch of {at, lat, lng, note?}, WGS-84)',
        params: ZPatrolParams,
        body: ZPostPoints,
        response: { 200: ZPointsAccepted },
      },
    },
    async (request) => patrols.addPoints(ctx, request.actor!, request.params.id, request.body.points, requestMeta(request)),
  );

  app.post(
    '/api/v1/patrols/:id/end',
    {
      config: { policy: { permission: PATROL_RUN } },
      schema: { tags: ['events'], summary: '结束巡查 / End the patrol with a summary', params: ZPatrolParams, body: ZEndPatrol, response: { 200: ZPatrol } },
    },
    async (request) => patrols.endPatrol(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  app.get(
    '/api/v1/patrols',
    {
      config: { policy: { permission: PATROL_READ } },
      schema: {
        tags: ['events'],
        summary: '巡查记录 / Patrols of your subtree (by node, worker, local dates), newest first',
        querystring: ZPatrolListQuery,
        response: { 200: ZPatrolPage },
      },
    },
    async (request) => patrols.listPatrols(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/patrols/coverage',
    {
      config: { policy: { permission: PATROL_READ } },
      schema: {
        tags: ['events'],
        summary: '巡查覆盖 / Coverage per grid and worker over a period (calendar and working days)',
        querystring: ZCoverageQuery,
        response: { 200: ZCoverage },
      },
    },
    async (request) => patrols.coverage(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/patrols/:id',
    {
      config: { policy: { permission: PATROL_READ } },
      schema: { tags: ['events'], summary: '巡查详情（轨迹、上报事件）/ A patrol with its track and events', params: ZPatrolParams, response: { 200: ZPatrolDetail } },
    },
    async (request) => patrols.getPatrol(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
