import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { CONVENIENCE_LEDGER_READ, CONVENIENCE_MANAGE, CONVENIENCE_ORDER_OWN, CONVENIENCE_PROVIDE } from './convenience.policy.js';
import {
  ZCancel,
  ZCategoryList,
  ZComplaint,
  ZComplaintClose,
  ZComplaintInput,
  ZComplaintPage,
  ZComplaintQuery,
  ZComplaintReply,
  ZComplete,
  ZIdParams,
  ZLedgerQuery,
  ZLedgerReport,
  ZMyOrderQuery,
  ZOffering,
  ZOfferingInput,
  ZOfferingList,
  ZOfferingPatch,
  ZOfferingQuery,
  ZOrderDetail,
  ZOrderInput,
  ZOrderPage,
  ZProvider,
  ZProviderInput,
  ZProviderList,
  ZProviderPatch,
  ZPublicProviderQuery,
  ZQuote,
  ZQuoteQuery,
  ZRate,
  ZReason,
  ZReview,
  ZRule,
  ZRuleInput,
  ZRuleList,
  ZRulePatch,
  ZStaffOfferingQuery,
  ZStaffProviderInput,
  ZStaffProviderQuery,
  ZVisibility,
  ZWorkOrderQuery,
} from './convenience.schema.js';
import * as svc from './convenience.service.js';

const TAGS = ['services: convenience'];
const PUBLIC = { public: true as const, reason: '便民服务目录: approved providers and their offerings, prices and ratings (no personal data)' };
const RATE = { max: 120, timeWindow: '1 minute' };
const OWN = { policy: { permission: CONVENIENCE_ORDER_OWN } };
const PROVIDE = { policy: { permission: CONVENIENCE_PROVIDE } };
const MANAGE = { policy: { permission: CONVENIENCE_MANAGE } };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 便民服务: public catalogue; residents order; providers serve; community staff approve, keep rules, handle complaints. */
export function registerConvenienceRoutes(app: LinliApp, ctx: PlatformContext) {
  // ------------------------------------------------------------ public catalogue
  app.get(
    '/api/v1/convenience/categories',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '便民服务类别及项目数（公开）/ Categories with counts (public)', querystring: ZPublicProviderQuery.pick({ orgNodeId: true }), response: { 200: ZCategoryList } } },
    async (request) => svc.listCategories(ctx, request.query),
  );
  app.get(
    '/api/v1/convenience/providers',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '已入驻服务商及评分（公开）/ Approved providers with ratings (public)', querystring: ZPublicProviderQuery, response: { 200: ZProviderList } } },
    async (request) => svc.listPublicProviders(ctx, request.query),
  );
  app.get(
    '/api/v1/convenience/providers/:id',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '服务商详情（公开，仅已通过）/ An approved provider (public)', params: ZIdParams, response: { 200: ZProvider } } },
    async (request) => svc.getPublicProvider(ctx, request.params.id),
  );
  app.get(
    '/api/v1/convenience/offerings',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '服务项目（公开）/ Offerings of approved providers (public)', querystring: ZOfferingQuery, response: { 200: ZOfferingList } } },
    async (request) => svc.listPublicOfferings(ctx, request.query),
  );
  app.get(
    '/api/v1/convenience/offerings/:id',
    { config: { policy: PUBLIC, rateLimit: RATE }, schema: { tags: TAGS, summary: '服务项目详情（公开）/ An offering (public)', params: ZIdParams, response: { 200: ZOffering } } },
    async (request) => svc.getPublicOffering(ctx, request.params.id),
  );

  // ------------------------------------------------------------ the resident
  app.get(
    '/api/v1/me/convenience/quote',
    { config: OWN, schema: { tags: TAGS, summary: '报价：费用、政府购买服务免费部分、本月剩余额度 / Quote with the free part and allowance left', querystring: ZQuoteQuery, response: { 200: ZQuote } } },
    async (request) => svc.quote(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/me/convenience/orders',
    { config: OWN, schema: { tags: TAGS, summary: '下单 / Order a service', body: ZOrderInput, response: { 201: ZOrderDetail } } },
    async (request, reply) => reply.status(201).send(await svc.placeOrder(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.get(
    '/api/v1/me/convenience/orders',
    { config: OWN, schema: { tags: TAGS, summary: '我的便民服务订单 / My orders', querystring: ZMyOrderQuery, response: { 200: ZOrderPage } } },
    async (request) => svc.listMyOrders(ctx, request.actor!, request.query),
  );
  app.get(
    '/api/v1/me/convenience/orders/:id',
    { config: OWN, schema: { tags: TAGS, summary: '我的订单详情与进度 / My order with its timeline', params: ZIdParams, response: { 200: ZOrderDetail } } },
    async (request) => svc.getMyOrder(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/me/convenience/orders/:id/cancel',
    { config: OWN, schema: { tags: TAGS, summary: '取消订单（接单前）/ Cancel before it is accepted', params: ZIdParams, body: ZCancel, response: { 200: ZOrderDetail } } },
    async (request) => svc.cancelMyOrder(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );
  app.post(
    '/api/v1/me/convenience/orders/:id/confirm',
    { config: OWN, schema: { tags: TAGS, summary: '确认完成并评价（1–5星）/ Confirm and rate', params: ZIdParams, body: ZRate, response: { 200: ZOrderDetail } } },
    async (request) => svc.confirmMyOrder(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.post(
    '/api/v1/me/convenience/orders/:id/complaint',
    { config: OWN, schema: { tags: TAGS, summary: '投诉 / File a complaint on my order', params: ZIdParams, body: ZComplaintInput, response: { 201: ZOrderDetail } } },
    async (request, reply) => reply.status(201).send(await svc.fileComplaint(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  // ------------------------------------------------------------ the provider account
  app.get(
    '/api/v1/convenience/provider/profile',
    { config: PROVIDE, schema: { tags: TAGS, summary: '本账号的服务商（含审核状态）/ My provider and its status', response: { 200: ZProvider } } },
    async (request) => svc.getMyProvider(ctx, request.actor!),
  );
  app.post(
    '/api/v1/convenience/provider/profile',
    { config: PROVIDE, schema: { tags: TAGS, summary: '申请入驻 / Apply to register my provider', body: ZProviderInput, response: { 201: ZProvider } } },
    async (request, reply) => reply.status(201).send(await svc.applyAsProvider(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.patch(
    '/api/v1/convenience/provider/profile',
    { config: PROVIDE, schema: { tags: TAGS, summary: '修改资料（被驳回后修改即重新申请）/ Edit my provider (re-applies when rejected)', body: ZProviderPatch, response: { 200: ZProvider } } },
    async (request) => svc.updateMyProvider(ctx, request.actor!, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/provider/offerings',
    { config: PROVIDE, schema: { tags: TAGS, summary: '我的服务项目 / My offerings', response: { 200: ZOfferingList } } },
    async (request) => svc.listMyOfferings(ctx, request.actor!),
  );
  app.post(
    '/api/v1/convenience/provider/offerings',
    { config: PROVIDE, schema: { tags: TAGS, summary: '发布服务项目 / Add an offering', body: ZOfferingInput, response: { 201: ZOffering } } },
    async (request, reply) => reply.status(201).send(await svc.createOffering(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.patch(
    '/api/v1/convenience/provider/offerings/:id',
    { config: PROVIDE, schema: { tags: TAGS, summary: '修改、上架或下架服务项目 / Edit, list or unlist an offering', params: ZIdParams, body: ZOfferingPatch, response: { 200: ZOffering } } },
    async (request) => svc.updateOffering(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/provider/orders',
    { config: PROVIDE, schema: { tags: TAGS, summary: '我的服务订单（查阅留痕）/ My provider’s orders (audited)', querystring: ZMyOrderQuery, response: { 200: ZOrderPage } } },
    async (request) => svc.listProviderOrders(ctx, request.actor!, request.query, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/provider/orders/:id',
    { config: PROVIDE, schema: { tags: TAGS, summary: '订单详情（查阅留痕）/ An order of my provider (audited)', params: ZIdParams, response: { 200: ZOrderDetail } } },
    async (request) => svc.getProviderOrder(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/convenience/provider/orders/:id/accept',
    { config: PROVIDE, schema: { tags: TAGS, summary: '接单 / Accept', params: ZIdParams, response: { 200: ZOrderDetail } } },
    async (request) => svc.acceptOrder(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/convenience/provider/orders/:id/decline',
    { config: PROVIDE, schema: { tags: TAGS, summary: '拒单（须填原因）/ Decline with a reason', params: ZIdParams, body: ZReason, response: { 200: ZOrderDetail } } },
    async (request) => svc.declineOrder(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.post(
    '/api/v1/convenience/provider/orders/:id/start',
    { config: PROVIDE, schema: { tags: TAGS, summary: '到达并开始服务 / Arrived, service started', params: ZIdParams, response: { 200: ZOrderDetail } } },
    async (request) => svc.startOrder(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.post(
    '/api/v1/convenience/provider/orders/:id/complete',
    { config: PROVIDE, schema: { tags: TAGS, summary: '服务完成（实际时长或数量；免费部分记入台账）/ Complete with what was delivered', params: ZIdParams, body: ZComplete, response: { 200: ZOrderDetail } } },
    async (request) => svc.completeOrder(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/provider/complaints',
    { config: PROVIDE, schema: { tags: TAGS, summary: '针对本服务商的投诉 / Complaints about my provider', querystring: ZComplaintQuery, response: { 200: ZComplaintPage } } },
    async (request) => svc.listProviderComplaints(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/convenience/provider/complaints/:id/reply',
    { config: PROVIDE, schema: { tags: TAGS, summary: '答复投诉 / Reply to a complaint', params: ZIdParams, body: ZComplaintReply, response: { 200: ZComplaint } } },
    async (request) => svc.replyToComplaint(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ------------------------------------------------------------ community staff
  app.get(
    '/api/v1/convenience/manage/providers',
    { config: MANAGE, schema: { tags: TAGS, summary: '辖区服务商（各状态）/ Providers of my area, any status', querystring: ZStaffProviderQuery, response: { 200: ZProviderList } } },
    async (request) => svc.staffListProviders(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/convenience/manage/providers',
    { config: MANAGE, schema: { tags: TAGS, summary: '代为登记服务商（待审核）/ Register a provider (pending)', body: ZStaffProviderInput, response: { 201: ZProvider } } },
    async (request, reply) => reply.status(201).send(await svc.staffCreateProvider(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.get(
    '/api/v1/convenience/manage/providers/:id',
    { config: MANAGE, schema: { tags: TAGS, summary: '服务商详情 / A provider of my area', params: ZIdParams, response: { 200: ZProvider } } },
    async (request) => svc.staffGetProvider(ctx, request.actor!, request.params.id),
  );
  app.post(
    '/api/v1/convenience/manage/providers/:id/review',
    { config: MANAGE, schema: { tags: TAGS, summary: '审核：通过、驳回、暂停、恢复 / Approve, reject, suspend, reinstate', params: ZIdParams, body: ZReview, response: { 200: ZProvider } } },
    async (request) => svc.reviewProvider(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/manage/offerings',
    { config: MANAGE, schema: { tags: TAGS, summary: '辖区服务项目（含下架）/ Offerings of my area’s providers', querystring: ZStaffOfferingQuery, response: { 200: ZOfferingList } } },
    async (request) => svc.staffListOfferings(ctx, request.actor!, request.query),
  );
  app.post(
    '/api/v1/convenience/manage/offerings/:id/visibility',
    { config: MANAGE, schema: { tags: TAGS, summary: '隐藏或恢复服务项目 / Hide (with a reason) or show an offering', params: ZIdParams, body: ZVisibility, response: { 200: ZOffering } } },
    async (request) => svc.setOfferingVisibility(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/manage/orders',
    { config: MANAGE, schema: { tags: TAGS, summary: '辖区订单（查阅留痕）/ Orders of my area (audited)', querystring: ZWorkOrderQuery, response: { 200: ZOrderPage } } },
    async (request) => svc.staffListOrders(ctx, request.actor!, request.query, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/manage/orders/:id',
    { config: MANAGE, schema: { tags: TAGS, summary: '订单详情（查阅留痕）/ An order of my area (audited)', params: ZIdParams, response: { 200: ZOrderDetail } } },
    async (request) => svc.staffGetOrder(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/manage/rules',
    { config: MANAGE, schema: { tags: TAGS, summary: '政府购买服务规则 / Purchased-service rules', response: { 200: ZRuleList } } },
    async (request) => svc.listRules(ctx, request.actor!),
  );
  app.post(
    '/api/v1/convenience/manage/rules',
    { config: MANAGE, schema: { tags: TAGS, summary: '新建政府购买服务规则 / Add a rule', body: ZRuleInput, response: { 201: ZRule } } },
    async (request, reply) => reply.status(201).send(await svc.createRule(ctx, request.actor!, request.body, requestMeta(request))),
  );
  app.patch(
    '/api/v1/convenience/manage/rules/:id',
    { config: MANAGE, schema: { tags: TAGS, summary: '修改或停用规则 / Edit or stop a rule', params: ZIdParams, body: ZRulePatch, response: { 200: ZRule } } },
    async (request) => svc.updateRule(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
  app.get(
    '/api/v1/convenience/manage/complaints',
    { config: MANAGE, schema: { tags: TAGS, summary: '辖区投诉 / Complaints of my area', querystring: ZComplaintQuery, response: { 200: ZComplaintPage } } },
    async (request) => svc.staffListComplaints(ctx, request.actor!, request.query),
  );
  app.get(
    '/api/v1/convenience/manage/complaints/:id',
    { config: MANAGE, schema: { tags: TAGS, summary: '投诉详情 / A complaint', params: ZIdParams, response: { 200: ZComplaint } } },
    async (request) => svc.staffGetComplaint(ctx, request.actor!, request.params.id),
  );
  app.post(
    '/api/v1/convenience/manage/complaints/:id/accept',
    { config: MANAGE, schema: { tags: TAGS, summary: '受理投诉 / Accept a complaint', params: ZIdParams, response: { 200: ZComplaint } } },
    async (request) => svc.handleComplaint(ctx, request.actor!, request.params.id, { action: 'accept' }, requestMeta(request)),
  );
  app.post(
    '/api/v1/convenience/manage/complaints/:id/close',
    { config: MANAGE, schema: { tags: TAGS, summary: '办结投诉（处理结果、是否属实）/ Close with the outcome', params: ZIdParams, body: ZComplaintClose, response: { 200: ZComplaint } } },
    async (request) => svc.handleComplaint(ctx, request.actor!, request.params.id, { action: 'close', ...request.body }, requestMeta(request)),
  );

  // ------------------------------------------------------------ 台账
  app.get(
    '/api/v1/convenience/manage/allowance-ledger',
    { config: { policy: { permission: CONVENIENCE_LEDGER_READ } }, schema: { tags: TAGS, summary: '政府购买服务台账：按规则、服务商、月份 / Free hours used per rule, provider and month', querystring: ZLedgerQuery, response: { 200: ZLedgerReport } } },
    async (request) => svc.allowanceLedger(ctx, request.actor!, request.query),
  );
  app.get(
    '/api/v1/convenience/manage/allowance-ledger.xlsx',
    { config: { policy: { permission: CONVENIENCE_LEDGER_READ } }, schema: { tags: TAGS, summary: '导出政府购买服务台账 xlsx / Download the ledger as xlsx', querystring: ZLedgerQuery, produces: [XLSX] } },
    async (request, reply) => {
      const { buffer, filename } = await svc.allowanceLedgerXlsx(ctx, request.actor!, request.query, requestMeta(request));
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename="convenience-ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'no-store')
        .send(buffer);
    },
  );
}
