import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition, downloadName } from '../../platform/files/content-type.js';
import { openAttachment } from '../../platform/files/files.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { OPPORTUNITY_LEAD, OPPORTUNITY_MANAGE } from './shop.policy.js';
import { ZMyOpportunity, ZMySignup, ZMySignupWithCard, ZOpportunityCard, ZOpportunityInput, ZOpportunityPatch, ZOpportunityStaff, ZShopQuery, ZSignupRow, ZStaffOpportunityQuery } from './shop.schema.js';
import * as shop from './shop.service.js';
import { VOLUNTEER_SELF } from './volunteers.policy.js';
import { zId } from './volunteers.schema.js';

const TAGS = ['volunteers: the shop'];
const ZIdParams = z.object({ id: zId() });
const ZSignupList = z.object({ opportunity: ZOpportunityStaff, items: z.array(ZSignupRow) });

/** 志愿服务网店: the public shop, a volunteer's sign-ups, the leader's list, staff publishing. */
export function registerShopRoutes(app: LinliApp, ctx: PlatformContext) {
  const PUBLIC = { public: true as const, reason: '志愿招募: opportunities are advertised to anyone, shared by link and QR like goods of a shop' };
  const self = { config: { policy: { permission: VOLUNTEER_SELF } } };
  const lead = { config: { policy: { permission: OPPORTUNITY_LEAD } } };
  const staff = { config: { policy: { permission: OPPORTUNITY_MANAGE } } };

  app.get(
    '/api/v1/public/volunteer-opportunities',
    {
      config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: TAGS, summary: '志愿服务网店（公开）：按类别、关键词 / The shop: by category and keyword (public)', querystring: ZShopQuery, response: { 200: z.object({ items: z.array(ZOpportunityCard), total: z.number(), page: z.number(), pageSize: z.number() }) } },
    },
    async (request) => shop.listShop(ctx, request.query),
  );

  app.get(
    '/api/v1/public/volunteer-opportunities/:id',
    { config: { policy: PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '志愿活动详情（公开）/ An opportunity (public)', params: ZIdParams, response: { 200: ZOpportunityCard } } },
    async (request) => shop.getPublic(ctx, request.params.id),
  );

  app.get(
    '/api/v1/public/volunteer-opportunities/:id/cover',
    { config: { policy: PUBLIC, rateLimit: { max: 300, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '活动封面图（公开）/ The cover picture (public)', params: ZIdParams } },
    async (request, reply) => {
      const row = await shop.coverOf(ctx, request.params.id);
      reply
        .type(row.mime)
        .header('content-length', row.size)
        .header('content-disposition', contentDisposition('inline', downloadName(row.original_name, row.mime)))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=3600');
      return reply.send(openAttachment(ctx, row));
    },
  );

  app.get(
    '/api/v1/me/volunteer/opportunities/:id',
    { ...self, schema: { tags: TAGS, summary: '活动详情与我的报名（候补位次）/ An opportunity with my sign-up and waiting position', params: ZIdParams, response: { 200: ZMyOpportunity } } },
    async (request) => shop.getForMe(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/volunteer/opportunities/:id/signup',
    { config: { ...self.config, rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { tags: TAGS, summary: '我要报名（名额满则候补）/ Sign up (the waiting list when full)', params: ZIdParams, response: { 201: ZMySignup } } },
    async (request, reply) => reply.status(201).send(await shop.signUp(ctx, request.actor!, request.params.id, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/volunteer/signups',
    { ...self, schema: { tags: TAGS, summary: '我的报名 / My sign-ups', response: { 200: z.object({ items: z.array(ZMySignupWithCard) }) } } },
    async (request) => shop.listMySignups(ctx, request.actor!),
  );

  app.post(
    '/api/v1/me/volunteer/signups/:id/cancel',
    { ...self, schema: { tags: TAGS, summary: '取消报名（候补第一位递补）/ Cancel (the first on the waiting list moves up)', params: ZIdParams, body: z.object({ reason: z.string().trim().max(200).optional() }).default({}), response: { 200: ZMySignup } } },
    async (request) => shop.cancelMine(ctx, request.actor!, request.params.id, request.body ?? {}, requestMeta(request)),
  );

  // ------------------------------------------------------------ leaders (staff of the area, or leaders of the organising team)

  app.get(
    '/api/v1/me/volunteer/led-opportunities',
    { ...lead, schema: { tags: TAGS, summary: '我带队的活动（队长）/ Opportunities of the teams I lead', response: { 200: z.object({ items: z.array(ZOpportunityCard) }) } } },
    async (request) => shop.listLed(ctx, request.actor!),
  );

  app.get(
    '/api/v1/volunteer-opportunities/:id/signups',
    { ...lead, schema: { tags: TAGS, summary: '报名名单（候补位次、签到情况）/ Sign-ups with waiting positions and attendance', params: ZIdParams, response: { 200: ZSignupList } } },
    async (request) => shop.listSignups(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/volunteer-opportunities/:id/signups',
    { ...lead, schema: { tags: TAGS, summary: '代报名（本队成员或本辖区志愿者）/ Sign someone up (a team member, or a volunteer of my area)', params: ZIdParams, body: z.object({ volunteerId: zId() }), response: { 201: ZMySignup } } },
    async (request, reply) => reply.status(201).send(await shop.signUpFor(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/volunteer-signups/:id/approve',
    { ...lead, schema: { tags: TAGS, summary: '通过报名 / Approve a sign-up', params: ZIdParams, response: { 200: ZSignupList } } },
    async (request) => shop.approveSignup(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteer-signups/:id/decline',
    { ...lead, schema: { tags: TAGS, summary: '拒绝报名（说明原因；候补递补）/ Decline a sign-up (reason; the waiting list moves up)', params: ZIdParams, body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZSignupList } } },
    async (request) => shop.declineSignup(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ------------------------------------------------------------ staff

  app.get(
    '/api/v1/volunteer-opportunities',
    { ...staff, schema: { tags: TAGS, summary: '志愿活动管理（本辖区，含草稿）/ Opportunities of my area, drafts included', querystring: ZStaffOpportunityQuery, response: { 200: z.object({ items: z.array(ZOpportunityStaff), total: z.number(), page: z.number(), pageSize: z.number() }) } } },
    async (request) => shop.listForStaff(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/volunteer-opportunities',
    { ...staff, schema: { tags: TAGS, summary: '新建志愿活动（草稿或直接发布）/ New opportunity (draft, or published at once)', body: ZOpportunityInput, response: { 201: ZOpportunityStaff } } },
    async (request, reply) => reply.status(201).send(await shop.createOpportunity(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/volunteer-opportunities/:id',
    { ...staff, schema: { tags: TAGS, summary: '志愿活动 / An opportunity', params: ZIdParams, response: { 200: ZOpportunityStaff } } },
    async (request) => shop.getForStaff(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/volunteer-opportunities/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改志愿活动（增加名额时候补递补）/ Edit (more places move the waiting list up)', params: ZIdParams, body: ZOpportunityPatch, response: { 200: ZOpportunityStaff } } },
    async (request) => shop.updateOpportunity(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteer-opportunities/:id/publish',
    { ...staff, schema: { tags: TAGS, summary: '发布 / Publish', params: ZIdParams, body: z.object({ expectedVersion: z.number().int().min(1) }), response: { 200: ZOpportunityStaff } } },
    async (request) => shop.publishOpportunity(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteer-opportunities/:id/cancel',
    { ...staff, schema: { tags: TAGS, summary: '取消活动（通知已报名者）/ Cancel (everyone signed up is told)', params: ZIdParams, body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZOpportunityStaff } } },
    async (request) => shop.cancelOpportunity(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
