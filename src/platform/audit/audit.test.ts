import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { loginAs } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { appendAudit, countAudit, verifyAuditChain } from './audit.js';

describe(`audit log (${DIALECT_LABEL})`, () => {
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

  it('chains every row to the one before and verifies', async () => {
    for (let i = 0; i < 20; i++) {
      await appendAudit(platform.ctx.db, { actorId: 'u1', actorName: 'tester', action: 'test.write', targetType: 'thing', targetId: String(i), details: { i } });
    }
    const result = await verifyAuditChain(platform.ctx.db);
    expect(result.ok).toBe(true);
    expect(result.rows).toBe(await countAudit(platform.ctx.db));
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendAudit(platform.ctx.db, { action: 'test.concurrent', details: { i } })));
    expect(await countAudit(platform.ctx.db, 'test.concurrent')).toBe(30);
    expect((await verifyAuditChain(platform.ctx.db)).ok).toBe(true);
  });

  it('an audit row written inside a business transaction rolls back with it', async () => {
    const before = await countAudit(platform.ctx.db, 'test.rolled-back');
    await expect(
      platform.ctx.db.kysely.transaction().execute(async (trx) => {
        await appendAudit(platform.ctx.db, { action: 'test.rolled-back' }, trx);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await countAudit(platform.ctx.db, 'test.rolled-back')).toBe(before);
    expect((await verifyAuditChain(platform.ctx.db)).ok).toBe(true);
  });

  it('the database refuses UPDATE and DELETE on the audit log', async () => {
    await expect(sql`update audit_log set action = 'forged' where seq = 1`.execute(platform.ctx.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(platform.ctx.db.kysely)).rejects.toThrow(/append-only/);
    const row = await platform.ctx.db.kysely.selectFrom('audit_log').select('action').where('seq', '=', 1).executeTakeFirstOrThrow();
    expect(row.action).not.toBe('forged');
  });

  it('detects tampering when the append-only guard is bypassed', async () => {
    // Simulate an attacker with DDL rights: drop the guard, edit a row, then verify.
    const db = platform.ctx.db;
    const dropGuard = db.dialect === 'postgres' ? sql`alter table audit_log disable trigger audit_log_no_update` : sql`drop trigger audit_log_no_update`;
    await dropGuard.execute(db.kysely);
    try {
      await sql`update audit_log set target_id = 'edited' where seq = 5`.execute(db.kysely);
      const result = await verifyAuditChain(db);
      expect(result.ok).toBe(false);
      expect(result.brokenAt).toBe(5);
      expect(result.reason).toBe('hash mismatch');
    } finally {
      if (db.dialect === 'postgres') await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db.kysely);
      else await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db.kysely);
    }
  });

  it('masks ID and phone numbers that reach the details', async () => {
    await appendAudit(platform.ctx.db, { action: 'test.pii', details: { note: '身份证 330481199001011234 电话 13857391234' } });
    const row = await platform.ctx.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'test.pii').executeTakeFirstOrThrow();
    expect(row.details).not.toContain('330481199001011234');
    expect(row.details).not.toContain('13857391234');
    expect(row.details).toContain('330481********1234');
    expect(row.details).toContain('138****1234');
  });

  it('only the auditor reads the audit log, and reading it is itself audited', async () => {
    for (const who of ['admin', 'security', 'xishan', 'grid01', 'resident01']) {
      const s = await loginAs(app, who);
      const res = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: s.headers });
      expect(res.statusCode, who).toBe(403);
    }
    const before = await countAudit(platform.ctx.db, 'audit.read');
    const auditor = await loginAs(app, 'auditor');
    const res = await app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.login&pageSize=5', headers: auditor.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBe(5);
    expect(res.json().items.every((r: { action: string }) => r.action === 'auth.login')).toBe(true);
    expect(await countAudit(platform.ctx.db, 'audit.read')).toBe(before + 1);
  });

  it('records logins, failed logins and denied requests', async () => {
    const failedBefore = await platform.ctx.db.kysely.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('action', '=', 'auth.login').where('outcome', '=', 'failure').executeTakeFirstOrThrow();
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xishan', password: 'not-it' } });
    const failedAfter = await platform.ctx.db.kysely.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('action', '=', 'auth.login').where('outcome', '=', 'failure').executeTakeFirstOrThrow();
    expect(Number(failedAfter.n)).toBe(Number(failedBefore.n) + 1);
    const deniedBefore = await countAudit(platform.ctx.db, 'http.denied');
    const s = await loginAs(app, 'grid01');
    await app.inject({ method: 'GET', url: '/api/v1/audit', headers: s.headers });
    expect(await countAudit(platform.ctx.db, 'http.denied')).toBe(deniedBefore + 1);
  });
});
