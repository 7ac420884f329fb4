import formbody from '@fastify/formbody';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import * as z from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import { maskSensitiveText } from '../../../platform/crypto/mask.js';
import { AppError } from '../../../platform/errors.js';
import { openAttachment } from '../../../platform/files/files.service.js';
import type { LinliApp } from '../../../platform/http/app.js';
import { requestMeta } from '../../../platform/http/app.js';
import { t } from '../../../platform/i18n/i18n.js';
import { CONTENT_TYPE, FORMATS, LISTS, nestForXml, renderList, xmlDocument, type Format } from './open311.format.js';
import './open311.policy.js';
import * as open311 from './open311.service.js';

export const OPEN311_PREFIX = '/open311/v2';

/** GeoReport v2 is open to read; filing checks its api_key itself (it comes in the form body). */
const PUBLIC = { policy: { public: true as const, reason: 'Open311 GeoReport v2: public by the standard; POST checks its api_key' } };

/** The spec: "an empty optional parameter means the same as an absent one"; a repeated one is a comma list. */
const optional = (max: number) =>
  z.preprocess((v) => {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean);
    return list.length ? list.join(',') : undefined;
  }, z.string().max(max).optional());

const ZFormat = z.object({ format: z.enum(FORMATS) });
const ZJurisdiction = z.object({ jurisdiction_id: optional(64) });
const ZRequestsQuery = ZJurisdiction.extend({
  service_request_id: optional(20_000),
  service_code: optional(2_000),
  start_date: optional(40),
  end_date: optional(40),
  status: optional(20),
});
/** Form fields as @fastify/formbody gives them: a string, or a list when a key repeats (attribute[x][]). */
const ZForm = z.record(z.string(), z.unknown()).optional();

function formOf(body: Record<string, unknown> | undefined): open311.FormBody {
  const out: open311.FormBody = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  for (const [k, v] of Object.entries(body ?? {})) {
    if (Array.isArray(v)) out[k] = v.map(text).filter((x): x is string => x !== undefined);
    else out[k] = text(v);
  }
  return out;
}

function formatOf(request: FastifyRequest): Format {
  const p = (request.params as { format?: string } | undefined)?.format;
  if (p === 'json' || p === 'xml') return p;
  // XML is the standard's required format: the default when the path names none we know.
  return /\.json$/i.test(request.url.split('?')[0] ?? '') ? 'json' : 'xml';
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function send(reply: FastifyReply, format: Format, body: string, status = 200) {
  return reply.status(status).type(CONTENT_TYPE[format]).header('cache-control', 'no-cache').send(body);
}

/**
 * Errors as the spec lists them, in the asked format: `[{code, description}]` /
 * `<errors><error><code/><description/></error></errors>`. The HTTP status is 404 for what does
 * not exist, 403 for a missing or wrong api_key, 429 when rate limited, and 400 for anything else,
 * including failures of ours (the spec's "general service error"; never a 500).
 */
function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const locale = request.locale ?? 'zh-CN';
  const format = formatOf(request);
  let status = 400;
  let issues: open311.Open311Issue[];
  if (error instanceof AppError) {
    status = error.status;
    const listed = (error.details as { open311?: open311.Open311Issue[] } | undefined)?.open311;
    issues = listed ?? [{ key: error.code, params: error.params }];
  } else if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext;
    if (where === 'params' && error.validation.some((v) => v.instancePath === '/format')) {
      status = 404;
      issues = [{ key: 'OPEN311_FORMAT' }];
    } else {
      const names = [...new Set(error.validation.map((v) => v.instancePath.replace(/^\//, '').split('/')[0] || where || 'body'))];
      issues = names.map((name) => ({ key: 'OPEN311_PARAMETER_INVALID', params: { name } }));
    }
  } else {
    const code = (error as { statusCode?: number }).statusCode ?? 500;
    if (code === 429) {
      status = 429;
      issues = [{ key: 'RATE_LIMITED' }];
    } else if (code === 415) issues = [{ key: 'OPEN311_BAD_BODY' }];
    else if (code === 413) issues = [{ key: 'PAYLOAD_TOO_LARGE' }];
    else if (code >= 400 && code < 500) issues = [{ key: 'BAD_REQUEST' }];
    else {
      request.log.error({ err: error }, 'open311 request failed');
      issues = [{ key: 'OPEN311_GENERAL' }];
    }
  }
  if (status === 401) status = 403;
  if (![403, 404, 429].includes(status)) status = 400;
  const list = issues.map((i) => ({ code: status, description: t(locale, `error.${i.key}`, i.params ?? {}) }));
  return send(reply, format, renderList(format, LISTS.errors, list), status);
}

/**
 * Open311 GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests
 * (file, list, one) and tokens, each as .xml and .json; photos of public events for media_url.
 * Its own scope: the urlencoded body parser, the error shape and the 404 apply here only.
 */
export async function registerOpen311Routes(app: LinliApp, ctx: PlatformContext) {
  await app.register(
    async (instance) => {
      const scope = instance as LinliApp;
      // formbody is an fastify-plugin: registered here, it adds its parser to this scope only.
      await scope.register(formbody, { bodyLimit: 64 * 1024 });
      scope.setErrorHandler((error, request, reply) => renderError(error, request, reply));
      scope.setNotFoundHandler((request, reply) =>
        renderError(new AppError(404, 'OPEN311_RESOURCE_NOT_FOUND', { url: maskSensitiveText(request.url.split('?')[0] ?? '') }), request, reply),
      );

      scope.get(
        '/discovery.:format',
        {
          config: { ...PUBLIC },
          schema: { tags: ['open311'], summary: 'Open311 服务发现 / Service discovery (GeoReport v2)', params: ZFormat },
        },
        async (request, reply) => {
          const d = await open311.discovery(ctx, request.locale, baseUrl(request));
          const format = request.params.format;
          const body =
            format === 'json'
              ? JSON.stringify(d)
              : xmlDocument('discovery', nestForXml({ ...d, endpoints: d.endpoints.map((e) => nestForXml(e, { formats: 'format' })) }, { endpoints: 'endpoint' }));
          return send(reply, format, body);
        },
      );

      scope.get(
        '/services.:format',
        {
          config: { ...PUBLIC },
          schema: { tags: ['open311'], summary: 'Open311 服务类型列表 / Service list: the public event categories', params: ZFormat, querystring: ZJurisdiction },
        },
        async (request, reply) => {
          await open311.checkJurisdiction(ctx, request.query.jurisdiction_id);
          const list = await open311.listServices(ctx, request.locale);
          return send(reply, request.params.format, renderList(request.params.format, LISTS.services, list));
        },
      );

      scope.get(
        '/services/:service_code.:format',
        {
          config: { ...PUBLIC },
          schema: {
            tags: ['open311'],
            summary: 'Open311 服务定义 / Service definition: the attributes a category asks for',
            params: ZFormat.extend({ service_code: z.string().min(1).max(64) }),
            querystring: ZJurisdiction,
          },
        },
        async (request, reply) => {
          await open311.checkJurisdiction(ctx, request.query.jurisdiction_id);
          const def = await open311.serviceDefinition(ctx, request.locale, request.params.service_code);
          const format = request.params.format;
          const body =
            format === 'json'
              ? JSON.stringify(def)
              : xmlDocument('service_definition', nestForXml({ ...def, attributes: def.attributes.map((a) => nestForXml(a, { values: 'value' })) }, { attributes: 'attribute' }));
          return send(reply, format, body);
        },
      );

      scope.post(
        '/requests.:format',
        {
          config: { ...PUBLIC, rateLimit: { max: 120, timeWindow: '1 minute' } },
          schema: {
            tags: ['open311'],
            summary: 'Open311 上报事件 / File a service request (application/x-www-form-urlencoded, api_key required)',
            description:
              'Fields: api_key, service_code, lat+long | address_string | address_id, attribute[code]=v, attribute[code][]=v (multivaluelist), description, media_url, first_name, last_name, phone, email, device_id, account_id, jurisdiction_id.',
            params: ZFormat,
            querystring: z.object({ api_key: optional(200) }),
            body: ZForm,
          },
        },
        async (request, reply) => {
          const form = formOf(request.body as Record<string, unknown> | undefined);
          const auth = request.headers.authorization;
          const apiKey =
            (typeof form.api_key === 'string' && form.api_key.trim()) ||
            (Array.isArray(form.api_key) && form.api_key.find((k) => k.trim())?.trim()) ||
            request.query.api_key ||
            (auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined) ||
            undefined;
          const created = await open311.createRequest(ctx, request.locale, form, apiKey, requestMeta(request));
          return send(reply, request.params.format, renderList(request.params.format, LISTS.requests, created));
        },
      );

      scope.get(
        '/requests.:format',
        {
          config: { ...PUBLIC },
          schema: {
            tags: ['open311'],
            summary: 'Open311 事件查询 / Requests: by ids, or by service, dates (90 days at most) and status; 1,000 at most',
            params: ZFormat,
            querystring: ZRequestsQuery,
          },
        },
        async (request, reply) => {
          const { jurisdiction_id, ...query } = request.query;
          await open311.checkJurisdiction(ctx, jurisdiction_id);
          const list = await open311.listRequests(ctx, request.locale, query, baseUrl(request));
          return send(reply, request.params.format, renderList(request.params.format, LISTS.requests, list));
        },
      );

      scope.get(
        '/requests/:service_request_id.:format',
        {
          config: { ...PUBLIC },
          schema: {
            tags: ['open311'],
            summary: 'Open311 单个事件 / One request (answered as a list of one, as the spec does)',
            params: ZFormat.extend({ service_request_id: z.string().min(1).max(64) }),
            querystring: ZJurisdiction,
          },
        },
        async (request, reply) => {
          await open311.checkJurisdiction(ctx, request.query.jurisdiction_id);
          const list = await open311.getRequest(ctx, request.locale, request.params.service_request_id, baseUrl(request));
          return send(reply, request.params.format, renderList(request.params.format, LISTS.requests, list));
        },
      );

      scope.get(
        '/tokens/:token.:format',
        {
          config: { ...PUBLIC },
          schema: {
            tags: ['open311'],
            summary: 'Open311 令牌查询 / Token → service_request_id (requests are realtime: a request id is its own token)',
            params: ZFormat.extend({ token: z.string().min(1).max(64) }),
            querystring: ZJurisdiction,
          },
        },
        async (request, reply) => {
          await open311.checkJurisdiction(ctx, request.query.jurisdiction_id);
          const list = await open311.resolveToken(ctx, request.params.token);
          return send(reply, request.params.format, renderList(request.params.format, LISTS.requests, list));
        },
      );

      scope.get(
        '/media/:service_request_id/:attachment_id.:ext',
        {
          config: { ...PUBLIC },
          schema: {
            tags: ['open311'],
            summary: 'Open311 事件图片 / A photo of a public event (the media_url of a request)',
            params: z.object({ service_request_id: z.string().min(1).max(64), attachment_id: z.string().min(1).max(32), ext: z.string().max(8) }),
          },
        },
        async (request, reply) => {
          const photo = await open311.mediaOf(ctx, request.params.service_request_id, request.params.attachment_id);
          return reply
            .type(photo.mime)
            .header('content-length', Number(photo.size))
            .header('content-disposition', 'inline')
            .header('x-content-type-options', 'nosniff')
            .header('cache-control', 'public, max-age=86400')
            .send(openAttachment(ctx, photo));
        },
      );
    },
    { prefix: OPEN311_PREFIX },
  );
}
