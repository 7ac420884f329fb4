import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { loginAs } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';

/** The consent screen's department list: for whoever records consents (community staff, grid workers), nobody else. */
describe(`exchange consent departments 授权登记的部门 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const url = '/api/v1/exchange/consents/departments';

  beforeAll(async () => {
    platform = await createTestPlatform();
    await seedFixture(platform.ctx);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('lists departments with their mandates for grid workers and community staff', async () => {
    for (const who of ['grid01', 'xishan']) {
      const s = await loginAs(app, who);
      const res = await app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      expect(res.statusCode, res.body).toBe(200);
      const items = (res.json() as { items: { code: string; name: string; mandate: { fields: string[] } }[] }).items;
      // 人社's mandate leaves out phone and address: those are what a resident may consent to.
      expect(items.find((d) => d.code === 'social-security')).toMatchObject({ name: '人社', mandate: { fields: ['name', 'gender', 'birthDate', 'idNumber', 'tags'] } });
    }
  });

  it('refuses those without the consent right (system admin, department officer), audited', async () => {
    for (const who of ['admin', 'civil']) {
      const s = await loginAs(app, who);
      const res = await app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const denied = await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_name', 'details']).where('action', '=', 'http.denied').execute();
    expect(denied.filter((r) => String(r.details).includes('/consents/departments')).map((r) => r.actor_name).sort()).toEqual(['admin', 'civil']);
  });
});
