import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { modules } from '../index.js';
import { minutesAccountCode } from './hours.accounts.js';
import { DEMO_OPPORTUNITIES } from './shop.demo.js';
import { DEMO_TEAMS } from './volunteers.demo.js';

describe(`demo volunteers (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    // The modules up to this one: what its seed builds on, not what later modules add.
    await seedDemoIfEmpty(platform.ctx, modules.slice(0, modules.findIndex((m) => m.name === 'volunteers') + 1), () => {});
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has the teams, opportunities in the past, now and to come, and a waiting list with 徐美玲 first', async () => {
    const db = platform.ctx.db.kysely;
    const teams = await db.selectFrom('volunteer_team').select(['name', 'kind']).orderBy('created_at').execute();
    expect(teams.map((t) => t.name)).toEqual([DEMO_TEAMS.service, DEMO_TEAMS.food, DEMO_TEAMS.water, DEMO_TEAMS.elders]);
    const opps = await db.selectFrom('volunteer_opportunity').select(['title', 'category', 'starts_at', 'ends_at', 'taken', 'quota', 'status', 'cover_attachment_id']).orderBy('starts_at').execute();
    expect(opps).toHaveLength(DEMO_OPPORTUNITIES.length);
    expect(new Set(opps.map((o) => o.category))).toEqual(new Set(['助老', '环境', '文明交通', '垃圾分类', '文化', '监督', '应急']));
    const now = platform.ctx.now().toISOString();
    expect(opps.filter((o) => o.ends_at <= now)).toHaveLength(4);
    expect(opps.filter((o) => o.starts_at <= now && o.ends_at > now)).toHaveLength(1);
    expect(opps.every((o) => o.status === 'published' && o.cover_attachment_id && o.taken <= o.quota)).toBe(true);
    const family = await db
      .selectFrom('volunteer_signup as s')
      .innerJoin('volunteer_opportunity as o', 'o.id', 's.opportunity_id')
      .innerJoin('volunteer as v', 'v.id', 's.volunteer_id')
      .select(['s.status', 'v.name'])
      .where('o.title', '=', '亲子垃圾分类游戏日')
      .orderBy('s.seq')
      .execute();
    expect(family.map((f) => f.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'waiting', 'waiting']);
    expect(family[5]!.name).toBe('徐美玲');
    const pending = await db.selectFrom('volunteer_signup').select(sql<number>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBeGreaterThan(0);
  });

  it('credits hours in the ledger that add up to the records, with two corrections and one certificate', async () => {
    const db = platform.ctx.db.kysely;
    const records = await db.selectFrom('volunteer_service_record').select(['volunteer_id', 'credited_minutes', 'check_out_at']).execute();
    expect(records.filter((r) => r.check_out_at).length).toBeGreaterThan(15);
    // Each volunteer's ledger balance is the sum of their records' credited minutes.
    const sums = new Map<string, number>();
    for (const r of records) sums.set(r.volunteer_id, (sums.get(r.volunteer_id) ?? 0) + r.credited_minutes);
    const balances = await ledger.balances(db, [...sums.keys()].map(minutesAccountCode));
    for (const [id, minutes] of sums) expect(balances.get(minutesAccountCode(id))?.balance ?? 0).toBe(minutes);
    const corrections = await db.selectFrom('volunteer_hours_correction').select(['reversed_journal_id', 'new_journal_id']).execute();
    expect(corrections).toHaveLength(2);
    expect(corrections.filter((c) => c.reversed_journal_id)).toHaveLength(1);
    const certs = await db.selectFrom('volunteer_certificate').select(['name', 'number', 'total_minutes']).execute();
    expect(certs).toEqual([{ name: '徐美玲', number: 'ZM2026-00001', total_minutes: expect.any(Number) }]);
    expect(certs[0]!.total_minutes).toBeGreaterThan(120);
    const observations = await db.selectFrom('volunteer_observation').select(['status', 'event_id']).orderBy('created_at').execute();
    expect(observations.map((o) => o.status)).toEqual(['forwarded', 'filed']);
    expect(observations[0]!.event_id).not.toBeNull();
  });
});
