import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { TIMEBANK_MANAGE, TIMEBANK_USE } from './timebank.policy.js';
import {
  ZBookInput,
  ZCloseInput,
  ZDisputeInput,
  ZDoneInput,
  ZExchange,
  ZJoin,
  ZMe,
  ZMemberPatch,
  ZOverview,
  ZOverviewQuery,
  ZPostDetail,
  ZPostInput,
  ZPostPage,
  ZPostQuery,
  ZResolveInput,
  ZStaffCloseInput,
  ZStaffExchange,
  ZStaffExchangePage,
  ZStaffExchangeQuery,
  ZStaffPost,
  ZStaffPostQuery,
  ZStatement,
  ZStatementQuery,
  ZWithdrawInput,
} from './timebank.schema.js';
import * as timebank from './timebank.service.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: time bank'];
const ZIdParams = z.object({ id: zId() });

/** 时间银行: a member's own pages (/m/timebank) and the staff's overview and disputes. */
export function registerTimebankRoutes(app: LinliApp, ctx: PlatformContext) {
  const use = { config: { policy: { permission: TIMEBANK_USE } } };
  const useWrite = { config: { policy: { permission: TIMEBANK_USE }, rateLimit: { max: 60, timeWindow: '1 minute' } } };
  const manage = { config: { policy: { permission: TIMEBANK_MANAGE } } };

  app.get(
    '/api/v1/me/timebank',
    { ...use, schema: { tags: TAGS, summary: '我的时间银行（余额、已承诺、可用、冻结）/ My time bank: balance, promised, available, held', response: { 200: ZMe } } },
    async (request) => timebank.getMe(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/timebank/join',
    { ...useWrite, schema: { tags: TAGS, summary: '加入时间银行（社区赠送起始时长）/ Join (the community grants starting hours)', body: ZJoin, response: { 201: ZMe } } },
    async (request, reply) => reply.status(201).send(await timebank.join(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/me/timebank',
    { ...useWrite, schema: { tags: TAGS, summary: '修改联系方式说明（仅交换对方可见）/ Change my contact note (seen by counterparts only)', body: ZMemberPatch, response: { 200: ZMe } } },
    async (request) => timebank.updateMe(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/timebank/statement',
    { ...use, schema: { tags: TAGS, summary: '我的时间账户明细 / My account statement', querystring: ZStatementQuery, response: { 200: ZStatement } } },
    async (request) => timebank.myStatement(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/me/timebank/posts',
    { ...use, schema: { tags: TAGS, summary: '本社区的服务与需求（或我发布的）/ Open offers and needs of my community (or mine)', querystring: ZPostQuery, response: { 200: ZPostPage } } },
    async (request) => timebank.listPosts(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/me/timebank/posts',
    { ...useWrite, schema: { tags: TAGS, summary: '发布服务或需求（需求承诺的时长不能超过可用余额，否则 422）/ Post an offer or a need (a need cannot promise more than is available: 422)', body: ZPostInput, response: { 201: ZPostDetail } } },
    async (request, reply) => reply.status(201).send(await timebank.createPost(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/timebank/posts/:id',
    { ...use, schema: { tags: TAGS, summary: '服务或需求详情（含我参与的交换）/ A post with the exchanges I am part of', params: ZIdParams, response: { 200: ZPostDetail } } },
    async (request) => timebank.getPost(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/me/timebank/posts/:id/close',
    { ...useWrite, schema: { tags: TAGS, summary: '关闭我发布的信息 / Close my post', params: ZIdParams, body: ZCloseInput, response: { 200: ZPostDetail } } },
    async (request) => timebank.closePost(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/timebank/posts/:id/take',
    { ...useWrite, schema: { tags: TAGS, summary: '接单（需求方时长冻结；同时接单只有一人成功，其余 409）/ Take a need (the hours are held; of simultaneous takes one wins, the rest 409)', params: ZIdParams, response: { 201: ZExchange } } },
    async (request, reply) => reply.status(201).send(await timebank.takeNeed(ctx, request.actor!, request.params.id, requestMeta(request))),
  );

  app.post(
    '/api/v1/me/timebank/posts/:id/book',
    { ...useWrite, schema: { tags: TAGS, summary: '预约服务（我的时长冻结）/ Book an offer (my hours are held)', params: ZIdParams, body: ZBookInput, response: { 201: ZExchange } } },
    async (request, reply) => reply.status(201).send(await timebank.bookOffer(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/timebank/exchanges',
    { ...use, schema: { tags: TAGS, summary: '我的交换 / My exchanges', response: { 200: z.object({ items: z.array(ZExchange) }) } } },
    async (request) => timebank.listMyExchanges(ctx, request.actor!),
  );

  app.get(
    '/api/v1/me/timebank/exchanges/:id',
    { ...use, schema: { tags: TAGS, summary: '一次交换 / An exchange of mine', params: ZIdParams, response: { 200: ZExchange } } },
    async (request) => timebank.getMyExchange(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/me/timebank/exchanges/:id/done',
    { ...useWrite, schema: { tags: TAGS, summary: '帮助人：标记完成（请对方确认）/ Helper: mark done (the other confirms)', params: ZIdParams, body: ZDoneInput, response: { 200: ZExchange } } },
    async (request) => timebank.markDone(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/timebank/exchanges/:id/accept',
    { ...useWrite, schema: { tags: TAGS, summary: '求助人：确认完成（冻结时长转给帮助人）/ Requester: confirm (the held hours go to the helper)', params: ZIdParams, response: { 200: ZExchange } } },
    async (request) => timebank.accept(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/timebank/exchanges/:id/dispute',
    { ...useWrite, schema: { tags: TAGS, summary: '申请社区处理（时长继续冻结）/ Ask the community to decide (the hours stay held)', params: ZIdParams, body: ZDisputeInput, response: { 200: ZExchange } } },
    async (request) => timebank.dispute(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/timebank/exchanges/:id/withdraw',
    { ...useWrite, schema: { tags: TAGS, summary: '帮助人：放弃（时长退回，需求重新开放）/ Helper: give up (the hours go back, the need reopens)', params: ZIdParams, body: ZWithdrawInput, response: { 200: ZExchange } } },
    async (request) => timebank.withdraw(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  // ------------------------------------------------------------ staff

  app.get(
    '/api/v1/timebank/overview',
    { ...manage, schema: { tags: TAGS, summary: '时间银行概况（本辖区）/ Overview of my area', querystring: ZOverviewQuery, response: { 200: ZOverview } } },
    async (request) => timebank.overview(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/timebank/exchanges',
    { ...manage, schema: { tags: TAGS, summary: '交换记录与争议（含双方姓名，查阅留痕）/ Exchanges and disputes with the parties (audited)', querystring: ZStaffExchangeQuery, response: { 200: ZStaffExchangePage } } },
    async (request) => timebank.listExchanges(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/timebank/exchanges/:id',
    { ...manage, schema: { tags: TAGS, summary: '一次交换（查阅留痕）/ An exchange (audited)', params: ZIdParams, response: { 200: ZStaffExchange } } },
    async (request) => timebank.getExchangeForStaff(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/timebank/exchanges/:id/resolve',
    { ...manage, schema: { tags: TAGS, summary: '裁定争议：时长归帮助人或退回求助人（须说明理由）/ Decide a dispute: the hours to the helper or back (with a reason)', params: ZIdParams, body: ZResolveInput, response: { 200: ZStaffExchange } } },
    async (request) => timebank.resolve(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/timebank/posts',
    { ...manage, schema: { tags: TAGS, summary: '服务与需求（本辖区）/ Posts of my area', querystring: ZStaffPostQuery, response: { 200: z.object({ items: z.array(ZStaffPost), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => timebank.listPostsForStaff(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/timebank/posts/:id/close',
    { ...manage, schema: { tags: TAGS, summary: '关闭不当信息（告知发布人）/ Close an improper post (the author is told)', params: ZIdParams, body: ZStaffCloseInput, response: { 200: ZStaffPost } } },
    async (request) => timebank.closePostByStaff(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
