import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { modules } from '../index.js';
import { pointsAccountCode, pointsBalances } from '../volunteers/points.accounts.js';
import * as branch from './branch.service.js';
import * as deeds from './deeds.service.js';
import * as points from './party-points.service.js';
import * as study from './study.service.js';

/** The demo's part-2 party data (study, online branch, good deeds, member points) as the pages show it. */
describe(`demo party study, branch, deeds and points (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  const meta = { ip: '127.0.0.1', requestId: 'demo-test' };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
  }, 600_000);
  afterAll(async () => {
    await platform.close();
  });

  const actor = async (username: string) => {
    const u = await platform.ctx.db.kysely.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    return (await loadActor(platform.ctx.db.kysely, u.id))!;
  };

  it('dangyuan01 has study to do and done, a branch with a discussion and tasks, points of the year', async () => {
    const ctx = platform.ctx;
    const me = await actor('dangyuan01');
    const mine = await study.myStudy(ctx, me);
    expect(mine.items.map((i) => i.title).sort()).toEqual(['学习贯彻党的二十届三中全会精神', '深入学习《中国共产党纪律处分条例》', '网格化治理中党员先锋作用的几点思考'].sort());
    expect(mine.unread).toBe(1);

    const b = await branch.myBranch(ctx, me);
    expect(b.branch.name).toBe('第一党支部');
    expect((await branch.listPosts(ctx, me, b.branch.id, { page: 1, pageSize: 20 })).items.length).toBe(2);
    const tasks = await branch.myTasks(ctx, me);
    expect(tasks.items.map((t) => [t.title, t.myStatus]).sort()).toEqual([
      ['入户走访独居老人（每人两户）', 'done'],
      ['参与冬季消防安全宣传', 'open'],
    ].sort());
    const secretary = await actor('zhibu01');
    const late = await branch.overdue(ctx, secretary, b.branch.id, meta);
    expect(late.items.length).toBeGreaterThan(0);
    expect(late.items.every((i) => i.title === '入户走访独居老人（每人两户）')).toBe(true);

    const score = await points.myScore(ctx, me, {});
    expect(score.year).toBe(2026);
    const by = Object.fromEntries(score.items.map((i) => [i.item, i.points]));
    expect(by.study).toBe(2);
    expect(by.attendance).toBeGreaterThan(0);
    // One verified deed of their own (the other still waits), and the secretary's +3.
    expect(by.good_deed).toBe(3);
    expect(score.adjustmentTotal).toBe(3);
    expect(score.total).toBe(score.items.reduce((s, i) => s + i.points, 0) + 3);
  });

  it('good deeds: verified ones with points in the ledger and on the honour roll, one rejected, two waiting', async () => {
    const ctx = platform.ctx;
    const db = ctx.db.kysely;
    const rows = await db.selectFrom('good_deed').select(['id', 'status', 'points', 'doer_person_id', 'title']).orderBy('happened_on').execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'pending', 'rejected', 'verified', 'verified', 'verified', 'verified', 'verified']);
    for (const r of rows.filter((x) => x.status === 'verified' && x.doer_person_id)) {
      expect(r.points).toBe(20);
      const award = await db.selectFrom('points_award').select(['points', 'holder_code']).where('source_type', '=', 'good_deed').where('source_id', '=', r.id).executeTakeFirstOrThrow();
      expect(award).toEqual({ points: 20, holder_code: pointsAccountCode({ personId: r.doer_person_id! }) });
      expect((await pointsBalances(db, [{ personId: r.doer_person_id! }])).get(pointsAccountCode({ personId: r.doer_person_id! }))).toBeGreaterThanOrEqual(20);
    }
    const xishan = await db.selectFrom('org_node').select('id').where('name', '=', '西山社区').executeTakeFirstOrThrow();
    const roll = await deeds.honourRoll(ctx, { orgNodeId: xishan.id, page: 1, pageSize: 20 });
    expect(roll.items.map((i) => i.title).sort()).toEqual(rows.filter((r) => r.status === 'verified').map((r) => r.title).sort());
    expect(roll.items.map((i) => i.doerLabel)).toContain('张**');
    expect(roll.stats).toMatchObject({ deeds: 5, points: 60 });
  });
});
