import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { buildApp, type LinliApp } from './app.js';
import { modules } from '../../modules/index.js';

describe(`HTTP platform (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;

  beforeAll(async () => {
    platform = await createTestPlatform();
    await seedFixture(platform.ctx);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('answers health and readiness', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().database).toBe(platform.ctx.db.dialect);
  });

  it('sends security headers: CSP with frame-ancestors, nosniff', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves an OpenAPI 3 document built from the zod schemas, and the interactive docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(doc.paths['/api/v1/org/nodes'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['parentId', 'page', 'pageSize']));
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });

  it('answers 404 as JSON in the requested language', async () => {
    const zh = await app.inject({ method: 'GET', url: '/api/v1/missing' });
    expect(zh.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: '接口不存在：GET /api/v1/missing' } });
    const en = await app.inject({ method: 'GET', url: '/api/v1/missing?lang=en' });
    expect(en.json().error.message).toBe('No such endpoint: GET /api/v1/missing');
  });

  it('answers malformed JSON with a 400 in the error shape', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('rate-limits logins', async () => {
    const p = await createTestPlatform({ config: { loginRateLimitPerMinute: 3 } });
    const limited = await buildApp(p.ctx, modules, { logger: false });
    await limited.ready();
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await limited.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' } })).statusCode);
    }
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes.slice(3)).toEqual([429, 429]);
    const last = await limited.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' } });
    expect(last.json().error.code).toBe('RATE_LIMITED');
    await limited.close();
    await p.close();
  });

  it('writes structured request logs with a request id and never a password, token or full ID number', async () => {
    const lines: string[] = [];
    const logged = await buildApp(platform.ctx, modules, { logStream: { write: (l) => lines.push(l) } });
    await logged.ready();
    await logged.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xishan', password: 'Linli@2026' } });
    await logged.inject({ method: 'GET', url: '/api/v1/people/lookup?idNumber=330481199001011234&phone=13857391234', headers: { authorization: 'Bearer lt_secret_token_value' } });
    await logged.close();
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(2);
    const first = JSON.parse(lines[0]!);
    expect(first.reqId).toEqual(expect.any(String));
    expect(all).not.toContain('Linli@2026');
    expect(all).not.toContain('lt_secret_token_value');
    expect(all).not.toContain('330481199001011234');
    expect(all).not.toContain('13857391234');
  });

  it('serves the two web apps: SPA fallbacks, / to the resident pages, hashed assets cached for a year', async () => {
    const webDir = path.join(platform.dataDir, 'web-serve');
    for (const dir of ['console', 'resident', 'assets']) fs.mkdirSync(path.join(webDir, dir), { recursive: true });
    fs.writeFileSync(path.join(webDir, 'console', 'index.html'), '<html>console</html>');
    fs.writeFileSync(path.join(webDir, 'resident', 'index.html'), '<html>resident</html>');
    fs.writeFileSync(path.join(webDir, 'assets', 'resident-abc123.js'), 'console.log(1)');
    const web = await buildApp(platform.ctx, modules, { logger: false, webDir });
    await web.ready();
    expect((await web.inject({ method: 'GET', url: '/' })).headers.location).toBe('/m/');
    const deep = await web.inject({ method: 'GET', url: '/m/services/123' });
    expect(deep.body).toBe('<html>resident</html>');
    expect(deep.headers['cache-control']).toBe('no-cache');
    expect((await web.inject({ method: 'GET', url: '/console/org' })).body).toBe('<html>console</html>');
    const asset = await web.inject({ method: 'GET', url: '/assets/resident-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await web.inject({ method: 'GET', url: '/api/v1/unknown' })).json().error.code).toBe('ROUTE_NOT_FOUND');
    await web.close();
  });
});
