import * as z from 'zod';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import { EXCHANGE_CONSENT, EXCHANGE_MANAGE, EXCHANGE_READ } from './clients.policy.js';
import { ZClient, ZClientInput, ZConsent, ZConsentInput, ZConsentWithdrawInput, ZKey, ZKeyInput, ZSharedPerson, zId } from './clients.schema.js';
import * as clients from './clients.service.js';
import fs from 'node:fs';
import { contentDisposition } from '../../platform/files/content-type.js';
import { EXTRACT_FORMATS, MIME, extractPeople } from './extracts.service.js';

const TAGS = ['exchange: clients'];
const API_TAGS = ['exchange: department API'];
const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) };

/** 数据共享交换: department clients and keys (console), consents (staff), and the key-authenticated read API. */
export function registerClientRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/exchange/clients',
    { config: { policy: { permission: EXCHANGE_READ } }, schema: { tags: TAGS, summary: '接入部门列表 / Department clients', response: { 200: z.object({ items: z.array(ZClient), canManage: z.boolean() }) } } },
    async (request) => clients.listClients(ctx, request.actor!),
  );

  app.get(
    '/api/v1/exchange/departments',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: {
        tags: TAGS,
        summary: '部门及其法定授权（登记接入时选择）/ Departments and their mandates',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), mandate: z.object({ tags: z.array(z.string()), fields: z.array(z.string()) }) })) }) },
      },
    },
    async () => clients.listDepartments(ctx),
  );

  app.post(
    '/api/v1/exchange/clients',
    { config: { policy: { permission: EXCHANGE_MANAGE } }, schema: { tags: TAGS, summary: '登记接入部门 / Register a department client', body: ZClientInput, response: { 201: ZClient } } },
    async (request, reply) => reply.status(201).send(await clients.createClient(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/exchange/clients/:id',
    {
      config: { policy: { permission: EXCHANGE_READ } },
      schema: {
        tags: TAGS,
        summary: '接入部门：可读范围与已读记录 / A client: what it may read and what it has read',
        params: z.object({ id: zId() }),
        response: {
          200: z.object({
            client: ZClient,
            mandate: z.object({ tags: z.array(z.string()), fields: z.array(z.string()) }),
            keys: z.array(ZKey),
            reads: z.object({ total: z.number(), denied: z.number(), people: z.number() }),
            canManage: z.boolean(),
          }),
        },
      },
    },
    async (request) => clients.clientDetail(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/exchange/clients/:id/status',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: { tags: TAGS, summary: '暂停或恢复接入 / Suspend or resume a client', params: z.object({ id: zId() }), body: z.object({ status: z.enum(['active', 'suspended']) }), response: { 200: ZClient } },
    },
    async (request) => clients.setClientStatus(ctx, request.actor!, request.params.id, request.body.status, requestMeta(request)),
  );

  app.get(
    '/api/v1/exchange/clients/:id/reads',
    {
      config: { policy: { permission: EXCHANGE_READ } },
      schema: {
        tags: TAGS,
        summary: '接入部门的读取记录 / What a client has read (and was refused)',
        params: z.object({ id: zId() }),
        querystring: z.object(page),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), keyId: z.string(), at: z.string(), action: z.string(), outcome: z.string(), purpose: z.string(), people: z.number(), detail: z.record(z.string(), z.unknown()).nullable() })),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (request) => clients.listClientReads(ctx, request.actor!, request.params.id, request.query),
  );

  app.post(
    '/api/v1/exchange/clients/:id/keys',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: { tags: TAGS, summary: '签发接口密钥（仅显示一次）/ Issue a scoped key (shown once)', params: z.object({ id: zId() }), body: ZKeyInput, response: { 201: ZKey.extend({ key: z.string() }) } },
    },
    async (request, reply) => reply.status(201).send(await clients.issueKey(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/exchange/keys/:keyId/rotate',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: {
        tags: TAGS,
        summary: '轮换密钥：新密钥立即可用，旧密钥至切换时间失效 / Rotate: the old key works until the cut-over',
        params: z.object({ keyId: zId() }),
        body: z.object({ cutoverAt: z.iso.datetime({ offset: true }).optional() }),
        response: { 201: ZKey.extend({ key: z.string(), previous: ZKey }) },
      },
    },
    async (request, reply) => reply.status(201).send(await clients.rotateKey(ctx, request.actor!, request.params.keyId, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/exchange/keys/:keyId/revoke',
    {
      config: { policy: { permission: EXCHANGE_MANAGE } },
      schema: { tags: TAGS, summary: '吊销密钥 / Revoke a key', params: z.object({ keyId: zId() }), body: z.object({ reason: z.string().trim().min(2).max(200) }), response: { 200: ZKey } },
    },
    async (request) => clients.revokeKey(ctx, request.actor!, request.params.keyId, request.body.reason, requestMeta(request)),
  );

  app.post(
    '/api/v1/exchange/consents',
    { config: { policy: { permission: EXCHANGE_CONSENT } }, schema: { tags: TAGS, summary: '登记居民授权共享（可附签字同意书：先上传 purpose=exchange.consent）/ Record a resident’s consent to share a field, optionally with the signed form uploaded first', body: ZConsentInput, response: { 201: ZConsent } } },
    async (request, reply) => reply.status(201).send(await clients.recordConsent(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/exchange/consents',
    { config: { policy: { permission: EXCHANGE_CONSENT } }, schema: { tags: TAGS, summary: '居民的共享授权 / A resident’s consents', querystring: z.object({ personId: zId() }), response: { 200: z.object({ items: z.array(ZConsent) }) } } },
    async (request) => clients.listConsents(ctx, request.actor!, request.query.personId),
  );

  // Staff recording a consent need the departments and their mandates (consent only covers fields outside it).
  app.get(
    '/api/v1/exchange/consents/departments',
    {
      config: { policy: { permission: EXCHANGE_CONSENT } },
      schema: {
        tags: TAGS,
        summary: '可登记授权的部门及其法定授权 / Departments a consent may name, with their mandates',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), mandate: z.object({ tags: z.array(z.string()), fields: z.array(z.string()) }) })) }) },
      },
    },
    async () => clients.listDepartments(ctx),
  );

  app.post(
    '/api/v1/exchange/consents/:id/withdraw',
    {
      config: { policy: { permission: EXCHANGE_CONSENT } },
      schema: { tags: TAGS, summary: '撤回授权（须填写原因）/ Withdraw a consent, with the reason', params: z.object({ id: zId() }), body: ZConsentWithdrawInput, response: { 200: ZConsent } },
    },
    async (request) => clients.withdrawConsent(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  // ---------------------------------------------------------------- the department systems' API
  const keyPolicy = { public: true as const, reason: '部门系统接口：以 lx_ 接口密钥（Bearer）认证，范围、限流与审计由数据共享交换模块检查 / department systems authenticate with their exchange key' };
  const principal = (request: { headers: { authorization?: string } } & Parameters<typeof requestMeta>[0], reply: { header(name: string, value: string): unknown }) =>
    clients.authenticateKey(ctx, request.headers.authorization, requestMeta(request), (n, v) => void reply.header(n, v));

  app.get(
    '/api/v1/exchange/data/scope',
    {
      config: { policy: keyPolicy },
      schema: {
        tags: API_TAGS,
        summary: '本密钥可读的范围 / What this key may read',
        response: {
          200: z.object({
            client: z.object({ id: z.string(), name: z.string(), departmentCode: z.string(), departmentName: z.string() }),
            key: z.object({ id: z.string(), prefix: z.string(), purpose: z.string(), orgNodeId: z.string(), tags: z.array(z.string()), fields: z.array(z.string()), consentFields: z.array(z.string()), ratePerMinute: z.number(), expiresAt: z.string().nullable() }),
          }),
        },
      },
    },
    async (request, reply) => clients.describeKey(await principal(request, reply)),
  );

  app.get(
    '/api/v1/exchange/data/people',
    {
      config: { policy: keyPolicy },
      schema: {
        tags: API_TAGS,
        summary: '按密钥范围读取人员（脱敏）/ People in the key’s scope, masked',
        querystring: z.object({ orgNodeId: zId().optional(), tag: z.string().trim().min(1).max(40).optional(), ...page }),
        response: { 200: z.object({ items: z.array(ZSharedPerson), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (request, reply) => clients.listPeopleByKey(ctx, await principal(request, reply), request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/exchange/data/people/:id',
    {
      config: { policy: keyPolicy },
      schema: { tags: API_TAGS, summary: '按密钥范围读取一人 / One person in the key’s scope', params: z.object({ id: zId() }), response: { 200: ZSharedPerson } },
    },
    async (request, reply) => clients.getPersonByKey(ctx, await principal(request, reply), request.params.id, requestMeta(request)),
  );

  for (const format of EXTRACT_FORMATS) {
    app.get(
      `/api/v1/exchange/data/people.${format}`,
      {
        config: { policy: keyPolicy },
        schema: {
          tags: API_TAGS,
          summary: `批量提取（${format}，按密钥范围脱敏）/ Bulk extract as ${format}, masked per the key’s scope`,
          querystring: z.object({ orgNodeId: zId().optional(), tag: z.string().trim().min(1).max(40).optional() }),
        },
      },
      async (request, reply) => {
        const file = await extractPeople(ctx, await principal(request, reply), format, request.query, requestMeta(request));
        const stream = fs.createReadStream(file.path);
        stream.on('close', () => fs.rm(file.path, { force: true }, () => {}));
        return reply
          .type(MIME[format])
          .header('content-length', file.size)
          .header('content-disposition', contentDisposition('attachment', file.fileName))
          .header('cache-control', 'no-store')
          .header('x-linli-count', String(file.count))
          .send(stream);
      },
    );
  }
}
