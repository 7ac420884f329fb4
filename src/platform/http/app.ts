import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PlatformContext } from '../context.js';
import { maskSensitiveText } from '../crypto/mask.js';
import { newId } from '../ids.js';
import { pickLocale, t, type Locale } from '../i18n/i18n.js';
import type { LinliModule } from '../module.js';
import type { Actor } from '../policy/actor.js';
import { hasPermission } from '../policy/actor.js';
import { appendAudit } from '../audit/audit.js';
import { lookupApiToken, lookupSession } from '../auth/auth.service.js';
import { csrfTokenFor, safeEqual } from '../auth/tokens.js';
import { errorBody, handleError } from './errors.js';
import type { RoutePolicy } from './route-policy.js';
import './route-policy.js';

export type LinliApp = FastifyInstance<any, any, any, any, ZodTypeProvider>;

export const SESSION_COOKIE = 'linli_sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    locale: Locale;
    /** Why authentication failed, when a credential was presented but is no longer good. */
    authProblem: 'SESSION_EXPIRED' | null;
    pendingReason: 'PASSWORD_CHANGE_REQUIRED' | 'TOTP_ENROLMENT_REQUIRED' | null;
  }
  interface FastifyInstance {
    /** Every route as registered, for the route-policy test and the docs. */
    routeTable: { method: string | string[]; url: string; options: { config?: { policy?: RoutePolicy } } }[];
  }
}

export interface BuildAppOptions {
  /** Serve the built web app from this folder (dist/web); skipped when missing. */
  webDir?: string;
  logger?: boolean;
  /** Where log lines go (tests read them to prove no secret is logged). */
  logStream?: { write(line: string): void };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestMeta(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'], requestId: request.id };
}

export async function buildApp(ctx: PlatformContext, modules: LinliModule[], options: BuildAppOptions = {}): Promise<LinliApp> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: options.logStream ? 'info' : ctx.config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Never log credentials or personal numbers: only method, masked path and ids.
            serializers: {
              req: (req) => ({ method: req.method, url: maskSensitiveText(String(req.url).split('?')[0] ?? ''), id: req.id, ip: req.ip }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.newPassword', '*.currentPassword', '*.token'],
          },
    genReqId: () => newId(),
    requestIdHeader: false,
    trustProxy: process.env.TRUST_PROXY === '1',
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'zh-CN');
  app.decorateRequest('authProblem', null);
  app.decorateRequest('pendingReason', null);
  const routeTable: LinliApp['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  // Keep the options object itself: plugin scopes may still declare their policy after this hook runs.
  app.addHook('onRoute', (route) => {
    routeTable.push({ method: route.method, url: route.url, options: route as never });
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(ctx.config.mapTileUrl ? [new URL(ctx.config.mapTileUrl.replace(/[{}]/g, '')).origin] : [])],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: ctx.config.env === 'production' ? [] : null,
      },
    },
    hsts: ctx.config.env === 'production',
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({ statusCode: 429, code: 'RATE_LIMITED', message: `retry in ${context.after}` }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Linli 邻里 API', version: '1', description: '互联网+社区管理与服务平台 / Internet+ community management and service platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error, request, reply) => handleError(error as Error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    reply.status(404).send(errorBody(request.locale, 'ROUTE_NOT_FOUND', { method: request.method, url: maskSensitiveText(url) }));
  });

  // Who is calling, in which language; then the route's policy, before the body is even read.
  app.addHook('onRequest', async (request, reply) => {
    request.locale = pickLocale((request.query as Record<string, unknown> | undefined)?.lang, request.cookies.lang, request.headers['accept-language']);
    await authenticate(ctx, request);
    if (request.is404) return;
    const policy = request.routeOptions.config.policy;
    await enforcePolicy(ctx, policy, request, reply);
  });

  app.get('/healthz', { config: { policy: { public: true, reason: 'liveness probe' } }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { policy: { public: true, reason: 'readiness probe' } }, schema: { hide: true } }, async (_req, reply) => {
    const { ping } = await import('../db/database.js');
    if (await ping(ctx.db)) return { status: 'ready', database: ctx.db.dialect };
    return reply.status(503).send(errorBody(_req.locale, 'NOT_READY'));
  });
  app.get('/api/openapi.json', { config: { policy: { public: true, reason: 'API description' } }, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (docs) => {
    // Everything the docs plugin serves is public, declared here once for its whole scope.
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), policy: { public: true, reason: 'interactive API docs' } } as typeof route.config;
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  });

  for (const m of modules) {
    if (m.routes) await app.register(async (scope) => m.routes!(scope as LinliApp, ctx));
  }

  const webDir = options.webDir;
  if (webDir && fs.existsSync(webDir)) await registerWeb(app, webDir);

  return app;
}

async function registerWeb(app: LinliApp, webDir: string) {
  await app.register(async (web) => {
    web.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), policy: { public: true, reason: 'web app static files' } } as typeof route.config;
    });
    await web.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: false,
      // Vite names built assets by content hash: they never change, so phones keep them.
      setHeaders: (res, filePath) => {
        const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      },
    });
    const sendPage = (file: string) => (_req: FastifyRequest, reply: FastifyReply) =>
      reply.header('cache-control', 'no-cache').sendFile(file, webDir, { cacheControl: false });
    const consolePage = path.join('console', 'index.html');
    const residentPage = path.join('resident', 'index.html');
    web.get('/', (_req, reply) => reply.redirect('/m/'));
    web.get('/console', sendPage(consolePage));
    web.get('/console/*', sendPage(consolePage));
    web.get('/m', sendPage(residentPage));
    web.get('/m/*', sendPage(residentPage));
  });
}

async function authenticate(ctx: PlatformContext, request: FastifyRequest) {
  const auth = request.headers.authorization;
  let lookup;
  if (auth?.startsWith('Bearer ')) {
    lookup = await lookupApiToken(ctx, auth.slice(7).trim());
  } else {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    lookup = await lookupSession(ctx, token);
  }
  if (lookup.status === 'ok') {
    request.actor = lookup.actor;
    request.pendingReason = lookup.pendingReason;
  } else if (lookup.status === 'expired') {
    request.authProblem = 'SESSION_EXPIRED';
  }
}

async function enforcePolicy(ctx: PlatformContext, policy: RoutePolicy | undefined, request: FastifyRequest, reply: FastifyReply) {
  const deny = async (status: number, code: string) => {
    if (status === 403 && request.actor) {
      await appendAudit(ctx.db, {
        actorId: request.actor.userId,
        actorName: request.actor.username,
        action: 'http.denied',
        outcome: 'denied',
        ip: request.ip,
        requestId: request.id,
        details: { method: request.method, route: request.routeOptions.url, code },
      });
    }
    return reply.status(status).send(errorBody(request.locale, code));
  };
  if (!policy) return deny(403, 'FORBIDDEN'); // deny by default
  if ('public' in policy) return;
  if (!request.actor) return deny(401, request.authProblem ?? 'UNAUTHENTICATED');
  if (request.actor.via === 'session' && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    const expected = csrfTokenFor(ctx.sessionKey, request.actor.sessionId!);
    if (typeof sent !== 'string' || !safeEqual(sent, expected)) return deny(403, 'CSRF_FAILED');
  }
  if (request.pendingReason && !policy.allowPending) return deny(403, request.pendingReason);
  if ('permission' in policy && !hasPermission(request.actor, policy.permission)) return deny(403, 'FORBIDDEN');
}

export { t };
