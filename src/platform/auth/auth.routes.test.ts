import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { currentTotp } from './totp.js';
import { createUser } from './users.service.js';

describe(`auth API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication for /auth/me', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
    expect(res.json().error.message).toBe('请先登录');
  });

  it('logs in, answers /auth/me with a csrfToken, sets an HttpOnly SameSite cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xishan', password: 'Linli@2026' } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'linli_sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(res.json().csrfToken).toEqual(expect.any(String));
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `linli_sid=${cookie.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'xishan', roles: [{ role: 'community_staff', orgNodeId: fixture.nodes.xishan.id }] });
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
  });

  it('answers bad input with 400 and the offending fields, in Chinese or English', async () => {
    const zh = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: '' } });
    expect(zh.statusCode).toBe(400);
    const body = zh.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.password', 'body.username']);
    expect(body.error.message).toMatch(/输入有误/);
    const en = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': 'en-US,en;q=0.9' }, payload: { username: '' } });
    expect(en.json().error.message).toMatch(/Invalid input/);
  });

  it('refuses a cookie-authenticated write without the CSRF header (403), accepts it with', async () => {
    const s = await loginAs(app, 'grid01');
    const without = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('CSRF_FAILED');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
    expect(ok.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('locks an account for 15 minutes after 5 failed logins, with a clear error', async () => {
    const attempt = (password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'grid02', password } });
    for (let i = 1; i <= 4; i++) {
      const r = await attempt('wrong-password');
      expect(r.statusCode).toBe(401);
      expect(r.json().error.details.attemptsLeft).toBe(5 - i);
    }
    const fifth = await attempt('wrong-password');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    // Even the right password is refused while locked.
    const right = await attempt('Linli@2026');
    expect(right.statusCode).toBe(423);
    expect(right.json().error.message).toMatch(/已锁定/);
    platform.advance(14 * 60_000);
    expect((await attempt('Linli@2026')).statusCode).toBe(423);
    platform.advance(2 * 60_000);
    expect((await attempt('Linli@2026')).statusCode).toBe(200);
  });

  it('expires an idle session after 30 minutes', async () => {
    const s = await loginAs(app, 'street');
    platform.advance(29 * 60_000);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    platform.advance(29 * 60_000); // activity above restarted the idle clock
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    platform.advance(31 * 60_000);
    const expired = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('SESSION_EXPIRED');
  });

  it('makes a new account change its password first, and enforces the 3-class rule', async () => {
    await createUser(platform.ctx, { username: 'newstaff', displayName: '新同事', password: 'Start#2026x', grants: [{ role: 'community_staff', orgNodeId: fixture.nodes.xishan.id }] });
    const s = await loginAs(app, 'newstaff', 'Start#2026x');
    expect(s.body.mustChangePassword).toBe(true);
    const blocked = await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${fixture.nodes.xishan.id}`, headers: s.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: s.headers, payload: { currentPassword: 'Start#2026x', newPassword: 'alllowercase' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('WEAK_PASSWORD');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: s.headers, payload: { currentPassword: 'Start#2026x', newPassword: 'Better#Pass1' } });
    expect(ok.statusCode).toBe(200);
    const now = await app.inject({ method: 'GET', url: `/api/v1/org/nodes/${fixture.nodes.xishan.id}`, headers: s.headers });
    expect(now.statusCode).toBe(200);
  });

  it('enrols a TOTP second factor and then requires it at login', async () => {
    const s = await loginAs(app, 'security');
    const setup = await app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers: s.headers });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrSvg } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(qrSvg).toMatch(/<svg/);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/totp/enable', headers: s.headers, payload: { code: '000000' } });
    expect(bad.statusCode).toBe(400);
    const enable = await app.inject({ method: 'POST', url: '/api/v1/auth/totp/enable', headers: s.headers, payload: { code: currentTotp(secret, platform.ctx.now()) } });
    expect(enable.statusCode).toBe(200);
    platform.advance(60_000);
    const noCode = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'security', password: 'Linli@2026' } });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('TOTP_REQUIRED');
    const code = currentTotp(secret, platform.ctx.now());
    await loginAs(app, 'security', 'Linli@2026', { totp: code });
    // The same code cannot be replayed.
    const replay = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'security', password: 'Linli@2026', totp: code } });
    expect(replay.json().error.code).toBe('TOTP_INVALID');
  });

  it('requires admin roles to enrol a second factor outside demo mode', async () => {
    platform.ctx.config.demo = false;
    try {
      const s = await loginAs(app, 'admin');
      expect(s.body.mustEnrolTotp).toBe(true);
      const blocked = await app.inject({ method: 'GET', url: '/api/v1/org/nodes', headers: s.headers });
      expect(blocked.json().error.code).toBe('TOTP_ENROLMENT_REQUIRED');
      const staff = await loginAs(app, 'xishan');
      expect(staff.body.mustEnrolTotp).toBe(false);
    } finally {
      platform.ctx.config.demo = true;
    }
  });

  it('accepts bearer API tokens without CSRF, and refuses them once revoked', async () => {
    const s = await loginAs(app, 'xishan');
    const created = await app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: '民政对接' } });
    expect(created.statusCode).toBe(200);
    const { token, id } = created.json();
    const auth = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth })).json().username).toBe('xishan');
    const write = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth, payload: { currentPassword: 'x', newPassword: 'y' } });
    expect(write.json().error.code).not.toBe('CSRF_FAILED');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}`, headers: s.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth })).statusCode).toBe(401);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
