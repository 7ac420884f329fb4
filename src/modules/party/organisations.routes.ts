import { PassThrough } from 'node:stream';
import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { PARTY_MANAGE, PARTY_PARTICIPATE } from './party.policy.js';
import { buildTemplate, getImport, listImports, startImport, writeRejections, XLSX_MIME } from './organisations.import.js';
import {
  ZEndInput,
  ZIdParams,
  ZImport,
  ZImportDetail,
  ZImportStart,
  ZMember,
  ZMemberDetail,
  ZMemberInput,
  ZMemberPatch,
  ZMemberQuery,
  ZOrg,
  ZOrgInput,
  ZOrgPatch,
  ZPostsInput,
  zId,
} from './organisations.schema.js';
import * as orgs from './organisations.service.js';

const TAGS = ['party: organisations and members'];

/** 党组织与党员: the tree, the rolls, posts, imports. */
export function registerOrganisationRoutes(app: LinliApp, ctx: PlatformContext) {
  const take = { config: { policy: { permission: PARTY_PARTICIPATE } } };
  const manage = { config: { policy: { permission: PARTY_MANAGE } } };

  app.get(
    '/api/v1/party/orgs',
    { ...take, schema: { tags: TAGS, summary: '党组织树（本辖区及本人担任书记的组织）/ Party organisations in my area or led by me', querystring: z.object({ rootId: zId().optional() }), response: { 200: z.object({ items: z.array(ZOrg) }) } } },
    async (request) => orgs.listOrgs(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/party/orgs/:id',
    { ...take, schema: { tags: TAGS, summary: '党组织 / A party organisation', params: ZIdParams, response: { 200: ZOrg } } },
    async (request) => orgs.getOrg(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/party/orgs',
    { ...manage, schema: { tags: TAGS, summary: '新建党组织（党委、党总支、党支部、党小组）/ Create a party organisation', body: ZOrgInput, response: { 201: ZOrg } } },
    async (request, reply) => reply.status(201).send(await orgs.createOrg(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/party/orgs/:id',
    { ...manage, schema: { tags: TAGS, summary: '修改党组织 / Edit a party organisation (expectedVersion)', params: ZIdParams, body: ZOrgPatch, response: { 200: ZOrg } } },
    async (request) => orgs.updateOrg(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/members',
    {
      ...take,
      schema: { tags: TAGS, summary: '党员名册（查阅留痕）/ The rolls of my area or of what I lead (audited)', querystring: ZMemberQuery, response: { 200: z.object({ items: z.array(ZMember), total: z.number(), page: z.number(), pageSize: z.number() }) } },
    },
    async (request) => orgs.listMembers(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/members/:id',
    { ...take, schema: { tags: TAGS, summary: '党员信息（查阅留痕）/ A member (audited)', params: ZIdParams, response: { 200: ZMemberDetail } } },
    async (request) => orgs.getMember(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/party/members',
    { ...manage, schema: { tags: TAGS, summary: '党员入册（按人口信息或身份证号）/ Put a registry person on a branch’s rolls', body: ZMemberInput, response: { 201: ZMemberDetail } } },
    async (request, reply) => reply.status(201).send(await orgs.addMember(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/party/members/:id',
    { ...manage, schema: { tags: TAGS, summary: '修改党员信息（转正、党小组、流动党员）/ Edit a member: confirmation, group, mobile member', params: ZIdParams, body: ZMemberPatch, response: { 200: ZMemberDetail } } },
    async (request) => orgs.updateMember(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.put(
    '/api/v1/party/members/:id/posts',
    { ...manage, schema: { tags: TAGS, summary: '党内职务 / A member’s posts', params: ZIdParams, body: ZPostsInput, response: { 200: ZMemberDetail } } },
    async (request) => orgs.setPosts(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/party/members/:id/end',
    { ...manage, schema: { tags: TAGS, summary: '出册（去世、出党、停止党籍）/ Take a member off the rolls', params: ZIdParams, body: ZEndInput, response: { 200: ZMemberDetail } } },
    async (request) => orgs.endMember(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/party/imports/template.xlsx',
    { ...manage, schema: { tags: TAGS, summary: '党员名册导入模板 / The roster template (.xlsx)' } },
    async (_request, reply) =>
      reply
        .type(XLSX_MIME)
        .header('content-disposition', contentDisposition('attachment', '党员名册导入模板.xlsx'))
        .header('cache-control', 'private, no-cache')
        .send(await buildTemplate()),
  );

  app.post(
    '/api/v1/party/imports',
    { ...manage, schema: { tags: TAGS, summary: '导入党员名册（先上传文件：purpose=party.import）；后台执行 / Import a roster uploaded with purpose party.import; runs in the background', body: ZImportStart, response: { 202: ZImport } } },
    async (request, reply) => reply.status(202).send(await startImport(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/party/imports',
    { ...manage, schema: { tags: TAGS, summary: '我的导入 / My imports', response: { 200: z.object({ items: z.array(ZImport) }) } } },
    async (request) => listImports(ctx, request.actor!),
  );

  app.get(
    '/api/v1/party/imports/:id',
    { ...manage, schema: { tags: TAGS, summary: '导入进度与未通过的行 / Progress, counts and rejected rows', params: ZIdParams, response: { 200: ZImportDetail } } },
    async (request) => getImport(ctx, request.actor!, request.params.id),
  );

  app.get(
    '/api/v1/party/imports/:id/rejections.xlsx',
    { ...manage, schema: { tags: TAGS, summary: '下载未通过的行（行号、原因；号码已脱敏；留痕）/ Rejected rows as .xlsx (audited)', params: ZIdParams } },
    async (request, reply) => {
      const out = new PassThrough();
      const report = await writeRejections(ctx, request.actor!, request.params.id, out, requestMeta(request));
      report.write().catch((err: unknown) => out.destroy(err as Error));
      return reply.type(XLSX_MIME).header('content-disposition', contentDisposition('attachment', report.fileName)).header('cache-control', 'private, no-store').send(out);
    },
  );
}
