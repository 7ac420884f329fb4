import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { countAudit } from '../audit/audit.js';

describe(`account administration, 三员分立 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let f: Fixture;
  let admin: Session;
  let security: Session;

  beforeAll(async () => {
    platform = await createTestPlatform();
    f = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    admin = await loginAs(app, 'admin');
    security = await loginAs(app, 'security');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/users' })).statusCode).toBe(401);
  });

  it('the system admin creates accounts but cannot grant roles; the security admin grants but cannot create', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username: 'grid03', displayName: '网格员 钱晓东', initialPassword: 'Init#Pass2026' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: security.headers, payload: { username: 'x1234', displayName: 'x', initialPassword: 'Init#Pass2026' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/users/${id}/grants`, headers: admin.headers, payload: { role: 'grid_worker', orgNodeId: f.nodes.grid02.id } })).statusCode).toBe(403);
    const granted = await app.inject({ method: 'POST', url: `/api/v1/admin/users/${id}/grants`, headers: security.headers, payload: { role: 'grid_worker', orgNodeId: f.nodes.grid02.id } });
    expect(granted.statusCode).toBe(201);
    const s = await loginAs(app, 'grid03', 'Init#Pass2026');
    expect(s.body.mustChangePassword).toBe(true);
    expect(s.body.roles).toEqual([{ role: 'grid_worker', orgNodeId: f.nodes.grid02.id, departmentCode: null }]);
    expect(await countAudit(platform.ctx.db, 'grant.create')).toBe(1);
  });

  it('refuses a weak initial password and a duplicate username', async () => {
    const weak = await app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username: 'weakling', displayName: '弱', initialPassword: 'password' } });
    expect(weak.json().error.code).toBe('WEAK_PASSWORD');
    const dup = await app.inject({ method: 'POST', url: '/api/v1/admin/users', headers: admin.headers, payload: { username: 'xishan', displayName: '重复', initialPassword: 'Init#Pass2026' } });
    expect(dup.statusCode).toBe(409);
  });

  it('the security admin unlocks a locked account', async () => {
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'party', password: 'wrong' } });
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'party', password: 'Linli@2026' } })).statusCode).toBe(423);
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/users/${f.users.party}/unlock`, headers: admin.headers })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/users/${f.users.party}/unlock`, headers: security.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'party', password: 'Linli@2026' } })).statusCode).toBe(200);
  });

  it('disabling an account ends its sessions', async () => {
    const s = await loginAs(app, 'provider01');
    expect((await app.inject({ method: 'POST', url: `/api/v1/admin/users/${f.users.provider01}/disable`, headers: admin.headers, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.headers })).statusCode).toBe(401);
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'provider01', password: 'Linli@2026' } });
    expect(login.json().error.code).toBe('ACCOUNT_DISABLED');
  });
});
