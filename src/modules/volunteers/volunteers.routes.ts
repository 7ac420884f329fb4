import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { VOLUNTEER_MANAGE, VOLUNTEER_SELF } from './volunteers.policy.js';
import {
  AVAILABILITY,
  COMMON_SKILLS,
  ID_TYPES,
  ZConsent,
  ZForwardInput,
  ZMemberInput,
  ZObservation,
  ZObservationInput,
  ZPage,
  ZRegisterByStaff,
  ZRegisterSelf,
  ZSkills,
  ZAvailability,
  ZTeam,
  ZTeamInput,
  ZTeamPatch,
  ZVolunteer,
  ZVolunteerPatch,
  zId,
} from './volunteers.schema.js';
import * as volunteers from './volunteers.service.js';

const TAGS = ['volunteers: people and teams'];
const ZIdParams = z.object({ id: zId() });

/** 志愿者与队伍: registration (self and at the desk), the register, teams and leaders, supervision observations. */
export function registerVolunteerRoutes(app: LinliApp, ctx: PlatformContext) {
  const self = { config: { policy: { permission: VOLUNTEER_SELF } } };
  const staff = { config: { policy: { permission: VOLUNTEER_MANAGE } } };

  app.get(
    '/api/v1/me/volunteer',
    { ...self, schema: { tags: TAGS, summary: '我的志愿者信息（未登记时返回知情同意书）/ My volunteer record, or the consent text to register', response: { 200: z.object({ volunteer: ZVolunteer.nullable(), consent: ZConsent, hasRegistryRecord: z.boolean() }) } } },
    async (request) => volunteers.getMine(ctx, request.actor!, requestMeta(request)),
  );

  app.post(
    '/api/v1/me/volunteer',
    { config: { ...self.config, rateLimit: { max: 10, timeWindow: '1 hour' } }, schema: { tags: TAGS, summary: '成为志愿者（阅读并同意知情同意书）/ Register as a volunteer (agreeing to the consent text)', body: ZRegisterSelf, response: { 201: ZVolunteer } } },
    async (request, reply) => reply.status(201).send(await volunteers.registerSelf(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/me/volunteer',
    { ...self, schema: { tags: TAGS, summary: '修改技能与可服务时间 / Update my skills and availability', body: z.object({ skills: ZSkills.optional(), availability: ZAvailability.optional(), intro: z.string().trim().max(300).nullable().optional(), expectedVersion: z.number().int().min(1) }), response: { 200: ZVolunteer } } },
    async (request) => volunteers.updateMine(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/volunteers/options',
    { config: { policy: { authenticated: true } }, schema: { tags: TAGS, summary: '证件类型、技能与服务时间选项 / ID types, skills and availability to choose from', response: { 200: z.object({ idTypes: z.array(z.string()), skills: z.array(z.string()), availability: z.array(z.string()) }) } } },
    async () => ({ idTypes: [...ID_TYPES], skills: [...COMMON_SKILLS], availability: [...AVAILABILITY] }),
  );

  app.post(
    '/api/v1/me/volunteer/observations',
    { config: { ...self.config, rateLimit: { max: 20, timeWindow: '1 hour' } }, schema: { tags: TAGS, summary: '提交监督记录（监督团成员）/ File an observation (supervision-team members)', body: ZObservationInput, response: { 201: ZObservation } } },
    async (request, reply) => reply.status(201).send(await volunteers.fileObservation(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/me/volunteer/observations',
    { ...self, schema: { tags: TAGS, summary: '我的监督记录 / My observations', response: { 200: z.object({ items: z.array(ZObservation) }) } } },
    async (request) => volunteers.listMyObservations(ctx, request.actor!),
  );

  // ------------------------------------------------------------ staff

  app.get(
    '/api/v1/volunteers',
    {
      ...staff,
      schema: {
        tags: TAGS,
        summary: '志愿者名册（本辖区；留痕）/ The register of my area (audited)',
        querystring: z.object({ q: z.string().trim().min(1).max(40).optional(), teamId: zId().optional(), skill: z.string().trim().min(1).max(20).optional(), status: z.enum(['active', 'inactive']).optional(), ...ZPage }),
        response: { 200: z.object({ items: z.array(ZVolunteer), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request) => volunteers.listVolunteers(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteers',
    { ...staff, schema: { tags: TAGS, summary: '窗口登记志愿者（已签纸质知情同意书）/ Register a volunteer at the desk (paper consent signed)', body: ZRegisterByStaff, response: { 201: ZVolunteer } } },
    async (request, reply) => reply.status(201).send(await volunteers.registerByStaff(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/volunteers/:id',
    { ...staff, schema: { tags: TAGS, summary: '志愿者详情（留痕）/ A volunteer (audited)', params: ZIdParams, response: { 200: ZVolunteer } } },
    async (request) => volunteers.getVolunteer(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.patch(
    '/api/v1/volunteers/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改志愿者信息或停用 / Update or deactivate a volunteer', params: ZIdParams, body: ZVolunteerPatch, response: { 200: ZVolunteer } } },
    async (request) => volunteers.updateVolunteer(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/volunteer-teams',
    { ...staff, schema: { tags: TAGS, summary: '志愿队伍（本辖区）/ Teams of my area', response: { 200: z.object({ items: z.array(ZTeam) }) } } },
    async (request) => volunteers.listTeams(ctx, request.actor!),
  );

  app.post(
    '/api/v1/volunteer-teams',
    { ...staff, schema: { tags: TAGS, summary: '新建志愿队伍或监督团 / New team or supervision team', body: ZTeamInput, response: { 201: ZTeam } } },
    async (request, reply) => reply.status(201).send(await volunteers.createTeam(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/volunteer-teams/:id',
    { ...staff, schema: { tags: TAGS, summary: '志愿队伍 / A team with its members', params: ZIdParams, response: { 200: ZTeam } } },
    async (request) => volunteers.getTeam(ctx, request.actor!, request.params.id),
  );

  app.patch(
    '/api/v1/volunteer-teams/:id',
    { ...staff, schema: { tags: TAGS, summary: '修改队伍 / Update a team', params: ZIdParams, body: ZTeamPatch, response: { 200: ZTeam } } },
    async (request) => volunteers.updateTeam(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.put(
    '/api/v1/volunteer-teams/:id/members',
    { ...staff, schema: { tags: TAGS, summary: '加入队伍或设为队长 / Add a member or make them a leader', params: ZIdParams, body: ZMemberInput, response: { 200: ZTeam } } },
    async (request) => volunteers.setMember(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/volunteer-teams/:id/members/:volunteerId',
    { ...staff, schema: { tags: TAGS, summary: '移出队伍 / Remove a member', params: z.object({ id: zId(), volunteerId: zId() }), response: { 200: ZTeam } } },
    async (request) => volunteers.removeMember(ctx, request.actor!, request.params.id, request.params.volunteerId, requestMeta(request)),
  );

  app.get(
    '/api/v1/volunteer-observations',
    { ...staff, schema: { tags: TAGS, summary: '监督记录（本辖区）/ Observations of my area', querystring: z.object({ status: z.enum(['filed', 'forwarded', 'dismissed']).optional(), ...ZPage }), response: { 200: z.object({ items: z.array(ZObservation) }) } } },
    async (request) => volunteers.listObservations(ctx, request.actor!, request.query),
  );

  app.post(
    '/api/v1/volunteer-observations/:id/event',
    { ...staff, schema: { tags: TAGS, summary: '转为网格事件 / Turn an observation into a grid event', params: ZIdParams, body: ZForwardInput, response: { 200: ZObservation.extend({ eventId: z.string() }) } } },
    async (request) => volunteers.forwardObservation(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/volunteer-observations/:id/dismiss',
    { ...staff, schema: { tags: TAGS, summary: '不予转办（说明原因）/ Close without an event (reason)', params: ZIdParams, body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZObservation } } },
    async (request) => volunteers.dismissObservation(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );
}
