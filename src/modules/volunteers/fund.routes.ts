import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { FUND_APPLY, FUND_DECIDE, FUND_MANAGE, FUND_READ } from './fund.policy.js';
import {
  ZApplicationDetail,
  ZApplicationInput,
  ZApplicationRow,
  ZDecisionInput,
  ZDisbursement,
  ZDisbursementInput,
  ZDonation,
  ZDonationInput,
  ZFund,
  ZFundInput,
  ZMyApplication,
  ZPublicFund,
  ZReverseInput,
  ZStaffApplicationInput,
} from './fund.schema.js';
import * as fund from './fund.service.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: mutual-aid fund (互助基金)'];
const ZIdParams = z.object({ id: zId() });
const ZStatus = z.object({ status: z.enum(['submitted', 'approving', 'approved', 'rejected', 'withdrawn', 'disbursed']).optional() });

/** 互助基金: books (staff), decisions (committee), applications (residents), the public page. */
export function registerFundRoutes(app: LinliApp, ctx: PlatformContext) {
  const manage = { config: { policy: { permission: FUND_MANAGE } } };
  const decide = { config: { policy: { permission: FUND_DECIDE } } };
  const apply = { config: { policy: { permission: FUND_APPLY } } };
  const read = { config: { policy: { permission: FUND_READ } } };
  const PUBLIC = { public: true as const, reason: '互助基金账目公开: anyone may read every entry, the balance and monthly statements (donors may be anonymous; applicants masked)' };

  app.get(
    '/api/v1/public/funds/:orgNodeId',
    { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '互助基金公开账目（无需登录）/ The fund\'s public books (no login)', params: z.object({ orgNodeId: zId() }), response: { 200: ZPublicFund } } },
    async (request) => fund.publicFund(ctx, request.params.orgNodeId),
  );

  app.get(
    '/api/v1/funds',
    { ...read, schema: { tags: TAGS, summary: '互助基金（本辖区：账务人员与审批委员）/ Funds of my area (book-keepers and committee)', response: { 200: z.object({ items: z.array(ZFund) }) } } },
    async (request) => fund.listFunds(ctx, request.actor!),
  );

  app.post(
    '/api/v1/funds',
    { ...manage, schema: { tags: TAGS, summary: '设立社区互助基金 / Open a community\'s fund', body: ZFundInput, response: { 201: ZFund } } },
    async (request, reply) => reply.status(201).send(await fund.createFund(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/funds/:id/donations',
    { ...read, schema: { tags: TAGS, summary: '捐赠记录 / Donations', params: ZIdParams, response: { 200: z.object({ items: z.array(ZDonation) }) } } },
    async (request) => fund.listDonations(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/funds/:id/donations',
    { ...manage, schema: { tags: TAGS, summary: '登记捐赠（现金、转账、物资）/ Record a donation (cash, transfer, goods)', params: ZIdParams, body: ZDonationInput, response: { 201: ZDonation } } },
    async (request, reply) => reply.status(201).send(await fund.recordDonation(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/fund-donations/:id/reverse',
    { ...manage, schema: { tags: TAGS, summary: '冲正捐赠记录 / Reverse a mistaken donation', params: ZIdParams, body: ZReverseInput, response: { 200: ZDonation } } },
    async (request) => fund.reverseDonation(ctx, request.actor!, request.params.id, request.body.reason, requestMeta(request)),
  );

  app.get(
    '/api/v1/funds/:id/applications',
    { ...read, schema: { tags: TAGS, summary: '救助申请（审批委员；留痕）/ Applications (committee; audited)', params: ZIdParams, querystring: ZStatus, response: { 200: z.object({ items: z.array(ZApplicationRow) }) } } },
    async (request) => fund.listApplications(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/funds/:id/applications',
    { ...manage, schema: { tags: TAGS, summary: '代居民申请救助 / File an application for a resident', params: ZIdParams, body: ZStaffApplicationInput, response: { 201: ZApplicationRow } } },
    async (request, reply) => reply.status(201).send(await fund.fileOnBehalf(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/funds/:id/disbursements',
    { ...read, schema: { tags: TAGS, summary: '救助支出 / Disbursements', params: ZIdParams, response: { 200: z.object({ items: z.array(ZDisbursement) }) } } },
    async (request) => fund.listDisbursements(ctx, request.actor!, request.params.id),
  );

  app.get(
    '/api/v1/fund-applications/:id',
    { ...read, schema: { tags: TAGS, summary: '救助申请详情（事由、材料；留痕）/ An application with its reason and documents (audited)', params: ZIdParams, response: { 200: ZApplicationDetail } } },
    async (request) => fund.getApplication(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/fund-applications/:id/decisions',
    { ...decide, schema: { tags: TAGS, summary: '审批（两位委员同意同一金额，或一票驳回）/ Decide (two approvals on one amount, or a rejection)', params: ZIdParams, body: ZDecisionInput, response: { 200: ZApplicationDetail } } },
    async (request) => fund.decide(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/fund-applications/:id/disbursements',
    { ...manage, schema: { tags: TAGS, summary: '发放救助 / Pay out (part of) an approved amount', params: ZIdParams, body: ZDisbursementInput, response: { 201: ZDisbursement } } },
    async (request, reply) => reply.status(201).send(await fund.disburse(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/fund-disbursements/:id/reverse',
    { ...manage, schema: { tags: TAGS, summary: '冲正救助支出 / Reverse a mistaken disbursement', params: ZIdParams, body: ZReverseInput, response: { 200: ZDisbursement } } },
    async (request) => fund.reverseDisbursement(ctx, request.actor!, request.params.id, request.body.reason, requestMeta(request)),
  );

  app.get(
    '/api/v1/me/fund',
    { ...apply, schema: { tags: TAGS, summary: '我所在社区的互助基金与我的申请 / My community\'s fund and my applications', response: { 200: z.object({ fund: z.object({ id: z.string(), name: z.string(), orgNodeId: z.string(), description: z.string(), publicPath: z.string() }).nullable(), canApply: z.boolean(), applications: z.array(ZMyApplication) }) } } },
    async (request) => fund.myFund(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/fund-applications',
    { config: { ...apply.config, rateLimit: { max: 10, timeWindow: '1 hour' } }, schema: { tags: TAGS, summary: '申请互助基金救助 / Apply for help from the fund', body: ZApplicationInput, response: { 201: ZMyApplication } } },
    async (request, reply) => reply.status(201).send(await fund.submitApplication(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/me/fund-applications/:id/withdraw',
    { ...apply, schema: { tags: TAGS, summary: '撤回我的申请 / Withdraw my application', params: ZIdParams, response: { 200: ZMyApplication } } },
    async (request) => fund.withdrawMine(ctx, request.actor!, request.params.id, requestMeta(request)),
  );
}
