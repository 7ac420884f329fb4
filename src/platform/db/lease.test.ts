import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { openDatabase, type Db } from './database.js';
import { claimDueRows } from './lease.js';

/** The shared claimer of at-least-once queues, on the notification outbox. */
describe(`claiming due rows for a lease (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let other: Db;
  const T0 = '2026-11-27T01:00:00.000Z';
  const lease = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date(T0) });
    const fx = await seedFixture(platform.ctx);
    const db = platform.ctx.db.kysely;
    await db.insertInto('notification').values({ id: 'n1', user_id: fx.users.resident01!, kind: 'test', title: '测试', body: '测试', link: null, created_at: T0, read_at: null }).execute();
    const row = (i: number, status: 'pending' | 'sent', due: string) => ({ id: `o${String(i).padStart(2, '0')}`, notification_id: 'n1', channel: 'file', recipient: 'user:x', status, attempts: 0, next_attempt_at: due, last_error: null, created_at: T0, sent_at: null });
    // 20 due, one sent, one due only later.
    await db
      .insertInto('notification_outbox')
      .values([...Array.from({ length: 20 }, (_, i) => row(i, 'pending', T0)), row(20, 'sent', T0), row(21, 'pending', lease(60))])
      .execute();
    // A second connection, as a second server process would have.
    other = openDatabase(platform.config.databaseUrl, { schema: platform.schema });
  });
  afterAll(async () => {
    await other?.destroy();
    await platform?.close();
  });

  it('gives each due pending row to one claimer only, and counts the attempt', async () => {
    const opts = { now: T0, leaseUntil: lease(5), limit: 15 };
    const [a, b] = await Promise.all([claimDueRows(platform.ctx.db, 'notification_outbox', opts), claimDueRows(other, 'notification_outbox', opts)]);
    // PostgreSQL's second claimer skips the first one's rows and takes the next; SQLite's loses the race for the same rows.
    expect(a.length + b.length).toBeGreaterThanOrEqual(15);
    const rest = await claimDueRows(other, 'notification_outbox', opts);
    const all = [...a, ...b, ...rest];
    const ids = all.map((c) => c.id).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `o${String(i).padStart(2, '0')}`));
    expect(all.every((c) => c.attempt === 1)).toBe(true);
    const rows = await platform.ctx.db.kysely.selectFrom('notification_outbox').select(['id', 'attempts', 'next_attempt_at']).where('id', 'in', ids).execute();
    expect(rows.every((r) => Number(r.attempts) === 1 && r.next_attempt_at === lease(5))).toBe(true);
  });

  it('leaves leased rows alone until the lease runs out, then hands them out again as the next attempt', async () => {
    expect(await claimDueRows(platform.ctx.db, 'notification_outbox', { now: lease(4), leaseUntil: lease(9), limit: 50 })).toEqual([]);
    const again = await claimDueRows(platform.ctx.db, 'notification_outbox', { now: lease(5), leaseUntil: lease(10), limit: 50 });
    expect(again).toHaveLength(20);
    expect(again.every((c) => c.attempt === 2)).toBe(true);
  });
});
