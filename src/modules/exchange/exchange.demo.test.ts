import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import type { LinliApp } from '../../platform/http/app.js';
import { tagPeople } from '../registry/scope.fixture.js';
import { authenticateKey } from './clients.service.js';
import { captureChanges, deliverDue, deliveryBackoff, DEFAULT_MAX_ATTEMPTS } from './deliveries.job.js';
import { DEMO_EXCHANGE_KEYS } from './exchange.demo.js';

describe(`demo exchange (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
    app = await createTestApp(platform);
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('gives 民政 and 卫健 working demo keys, masked, within their mandates', async () => {
    const civil = await app.inject({ method: 'GET', url: '/api/v1/exchange/data/people?tag=低保&pageSize=5', headers: { authorization: `Bearer ${DEMO_EXCHANGE_KEYS.civil}` } });
    expect(civil.statusCode, civil.body).toBe(200);
    const items = civil.json().items as { idNumber: string; tags: string[]; phone?: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => /\*{8}/.test(p.idNumber) && p.tags.includes('低保') && p.phone === undefined)).toBe(true);
    const health = await app.inject({ method: 'GET', url: '/api/v1/exchange/data/people?tag=高龄老人&pageSize=5', headers: { authorization: `Bearer ${DEMO_EXCHANGE_KEYS.health}` } });
    expect(health.statusCode).toBe(200);
    expect((health.json().items as { idNumber?: string }[]).every((p) => p.idNumber === undefined)).toBe(true);
    // 卫健 has no 低保 on its key: refused.
    expect((await app.inject({ method: 'GET', url: '/api/v1/exchange/data/people?tag=低保', headers: { authorization: `Bearer ${DEMO_EXCHANGE_KEYS.health}` } })).statusCode).toBe(403);
    // Outside demo mode the printed keys do not work.
    const noDemo = { ...platform.ctx, config: { ...platform.ctx.config, demo: false } };
    await expect(authenticateKey(noDemo, `Bearer ${DEMO_EXCHANGE_KEYS.civil}`, { ip: '127.0.0.1', requestId: 't' }, () => {})).rejects.toMatchObject({ code: 'EXCHANGE_KEY_INVALID' });
  });

  it('sends changes to a receiver that never answers, and they end in the dead-letter list', async () => {
    const db = platform.ctx.db.kysely;
    const person = await db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    await tagPeople(platform.ctx, [{ personId: person.id, tag: '特困' }]);
    expect(await captureChanges(platform.ctx)).toMatchObject({ deliveries: 1 });
    for (let attempt = 1; attempt <= DEFAULT_MAX_ATTEMPTS; attempt++) {
      expect((await deliverDue(platform.ctx, { timeoutMs: 2000 })).claimed).toBe(1);
      platform.advance(deliveryBackoff(attempt));
    }
    const dead = await db.selectFrom('exchange_delivery').selectAll().where('status', '=', 'dead').execute();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempts).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(dead[0]!.last_error).toMatch(/ENOTFOUND|EAI_AGAIN|fetch failed/);
  });
});
