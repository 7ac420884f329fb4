import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from './helpers/platform.js';
import { buildApp, type LinliApp } from '../src/platform/http/app.js';
import { modules } from '../src/modules/index.js';
import { knownPermission } from '../src/platform/policy/roles.js';

/**
 * Deny by default: every route the app registers — platform, modules, docs, web — must declare
 * a policy, and every permission it names must exist. A route without one fails this test.
 */
describe(`route policies (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;

  beforeAll(async () => {
    platform = await createTestPlatform();
    // Serve a stand-in web folder so the static routes are registered and walked too.
    const webDir = path.join(platform.dataDir, 'web');
    fs.mkdirSync(path.join(webDir, 'console'), { recursive: true });
    fs.mkdirSync(path.join(webDir, 'resident'), { recursive: true });
    fs.writeFileSync(path.join(webDir, 'console', 'index.html'), '<html></html>');
    fs.writeFileSync(path.join(webDir, 'resident', 'index.html'), '<html></html>');
    app = await buildApp(platform.ctx, modules, { logger: false, webDir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('walks a realistic number of routes', () => {
    expect(app.routeTable.length).toBeGreaterThan(15);
    expect(app.routeTable.some((r) => r.url === '/api/v1/auth/login')).toBe(true);
    expect(app.routeTable.some((r) => r.url === '/m/*')).toBe(true);
  });

  it('every registered route declares a policy', () => {
    const missing = app.routeTable.filter((r) => !r.options.config?.policy).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('every permission a route names is a registered permission', () => {
    const unknown = app.routeTable
      .map((r) => r.options.config?.policy)
      .filter((p): p is { permission: string } => !!p && 'permission' in p)
      .filter((p) => !knownPermission(p.permission))
      .map((p) => p.permission);
    expect(unknown).toEqual([]);
  });

  it('public routes say why they are public, and no /api/v1 write is public except login', () => {
    const publicRoutes = app.routeTable.filter((r) => r.options.config?.policy && 'public' in r.options.config.policy);
    for (const r of publicRoutes) expect((r.options.config!.policy as { reason: string }).reason.length).toBeGreaterThan(3);
    const publicWrites = publicRoutes
      .filter((r) => r.url.startsWith('/api/v1/'))
      .filter((r) => [r.method].flat().some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m)))
      .map((r) => r.url);
    // Writes open to anyone must be listed here deliberately (Open311 filing joins later).
    expect(publicWrites).toEqual(['/api/v1/auth/login']);
  });

  it('a route registered without a policy is refused at run time (deny by default)', async () => {
    const p2 = await createTestPlatform();
    const bare = await buildApp(p2.ctx, [], { logger: false });
    bare.get('/api/v1/forgotten', async () => ({ leaked: true }));
    await bare.ready();
    const res = await bare.inject({ method: 'GET', url: '/api/v1/forgotten' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    await bare.close();
    await p2.close();
  });
});
