import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta, SESSION_COOKIE } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { csrfTokenFor } from './tokens.js';
import * as auth from './auth.service.js';
import { renderQrSvg } from '../qr/qr.js';

const ZLoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().regex(/^\d{6}$/).optional(),
});

const ZMe = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.object({ role: z.string(), orgNodeId: z.string(), departmentCode: z.string().nullable() })),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  mustEnrolTotp: z.boolean(),
  personId: z.string().nullable(),
  csrfToken: z.string().optional(),
});

export function registerAuthRoutes(app: LinliApp, ctx: PlatformContext) {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.env === 'production',
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: {
        policy: { public: true, reason: 'logging in' },
        rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' },
      },
      schema: { tags: ['auth'], summary: '登录 / Log in', body: ZLoginRequest, response: { 200: ZMe } },
    },
    async (request, reply) => {
      const result = await auth.login(ctx, request.body, requestMeta(request));
      reply.setCookie(SESSION_COOKIE, result.sessionToken, cookieOptions);
      return { ...result.me, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { policy: { authenticated: true, allowPending: true } }, schema: { tags: ['auth'], summary: '退出 / Log out' } },
    async (request, reply) => {
      await auth.logout(ctx, request.actor!, requestMeta(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/api/v1/auth/me',
    { config: { policy: { authenticated: true, allowPending: true } }, schema: { tags: ['auth'], summary: '当前用户 / Who am I', response: { 200: ZMe } } },
    async (request) => {
      const me = await auth.getMe(ctx, request.actor!);
      const csrfToken = request.actor!.sessionId ? csrfTokenFor(ctx.sessionKey, request.actor!.sessionId) : undefined;
      return { ...me, csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { policy: { authenticated: true, allowPending: true } },
      schema: {
        tags: ['auth'],
        summary: '修改密码 / Change password',
        body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
      },
    },
    async (request) => {
      await auth.changePassword(ctx, request.actor!, request.body, requestMeta(request));
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/auth/totp/setup',
    { config: { policy: { authenticated: true, allowPending: true } }, schema: { tags: ['auth'], summary: '绑定动态口令 / Start TOTP enrolment' } },
    async (request) => {
      const { secret, otpauthUrl } = await auth.startTotpEnrolment(ctx, request.actor!, requestMeta(request));
      return { secret, otpauthUrl, qrSvg: await renderQrSvg(otpauthUrl) };
    },
  );

  app.post(
    '/api/v1/auth/totp/enable',
    {
      config: { policy: { authenticated: true, allowPending: true } },
      schema: { tags: ['auth'], summary: '确认动态口令 / Confirm TOTP', body: z.object({ code: z.string().regex(/^\d{6}$/) }) },
    },
    async (request) => {
      await auth.confirmTotpEnrolment(ctx, request.actor!, request.body.code, requestMeta(request));
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/auth/tokens',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['auth'],
        summary: '创建接口令牌 / Create an API token',
        body: z.object({ name: z.string().trim().min(1).max(64), expiresInDays: z.number().int().min(1).max(366).optional() }),
      },
    },
    async (request) => auth.createApiToken(ctx, request.actor!, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/auth/tokens/:id',
    { config: { policy: { authenticated: true } }, schema: { tags: ['auth'], summary: '吊销接口令牌 / Revoke an API token', params: z.object({ id: z.string().min(1).max(32) }) } },
    async (request) => {
      await auth.revokeApiToken(ctx, request.actor!, request.params.id, requestMeta(request));
      return { ok: true };
    },
  );
}
