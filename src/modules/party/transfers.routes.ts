import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_PARTICIPATE } from './party.policy.js';
import { ZIdParams } from './organisations.schema.js';
import { renderLetter } from './transfers.print.js';
import { ZTransfer, ZTransferDetail, ZTransferIn, ZTransferOut, ZTransferQuery, ZTransferStep } from './transfers.schema.js';
import * as transfers from './transfers.service.js';

const TAGS = ['party: relation transfers'];

/**
 * 组织关系转接. Every route is `party.participate`: members start their own transfer out and
 * follow it; branch secretaries (by their posts), community staff and the committee's secretary
 * (by their grants) act on the steps the service allows them.
 */
export function registerTransferRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };

  app.get(
    '/api/v1/party/transfers',
    {
      ...take,
      schema: { tags: TAGS, summary: '组织关系转接（本辖区、本人领导的组织；todo=1 待我办理）/ Transfers of my area or of what I lead; todo=1: waiting for me', querystring: ZTransferQuery, response: { 200: z.object({ items: z.array(ZTransfer), total: z.number(), page: z.number(), pageSize: z.number() }) } },
    },
    async (request) => transfers.listTransfers(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/party/transfers/:id',
    { ...take, schema: { tags: TAGS, summary: '转接详情与办理记录 / A transfer with its history', params: ZIdParams, response: { 200: ZTransferDetail } } },
    async (request) => transfers.getTransfer(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/party/transfers/out',
    { ...take, schema: { tags: TAGS, summary: '办理转出（支部书记或社区）/ Start a transfer out for a member (secretary or staff)', body: ZTransferOut, response: { 201: ZTransferDetail } } },
    async (request, reply) => reply.status(201).send(await transfers.startOut(ctx, request.actor!, request.body, requestMeta(request), { self: false })),
  );

  app.post(
    '/api/v1/party/transfers/in',
    { ...take, schema: { tags: TAGS, summary: '登记转入（凭对方介绍信）/ Register a transfer in with the sender’s letter', body: ZTransferIn, response: { 201: ZTransferDetail } } },
    async (request, reply) => reply.status(201).send(await transfers.startIn(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/party/transfers/:id/steps',
    {
      ...take,
      schema: { tags: TAGS, summary: '审批、确认接收、不同意（须说明理由）、撤回；旧版本 409 / Approve, confirm receipt, refuse (with a reason) or withdraw; stale version 409', params: ZIdParams, body: ZTransferStep, response: { 200: ZTransferDetail } },
    },
    async (request) => transfers.takeStep(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/transfers/:id/letter',
    { ...take, schema: { tags: TAGS, summary: '打印党员组织关系介绍信（HTML；留痕）/ The introduction letter as a printable page (audited)', params: ZIdParams } },
    async (request, reply) => {
      const letter = await transfers.letterFor(ctx, request.actor!, request.params.id, requestMeta(request));
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderLetter(letter));
    },
  );

  app.get(
    '/api/v1/me/party/transfers',
    { ...take, schema: { tags: TAGS, summary: '我的组织关系转接（进度与记录）/ My transfers: where each stands and its history', response: { 200: z.object({ items: z.array(ZTransferDetail) }) } } },
    async (request) => transfers.myTransfers(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/party/transfers',
    { ...take, schema: { tags: TAGS, summary: '申请转出本人组织关系 / Ask to transfer my own relation out', body: ZTransferOut.omit({ memberId: true }), response: { 201: ZTransferDetail } } },
    async (request, reply) => reply.status(201).send(await transfers.startOut(ctx, request.actor!, request.body, requestMeta(request), { self: true })),
  );
}
