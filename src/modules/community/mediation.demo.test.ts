import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { getEventDetail } from '../events/events.service.js';
import * as mediation from './mediation.service.js';

describe(`demo mediation (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has three cases in 西山社区, each seen by its own mediators and parties only', async () => {
    const ctx = platform.ctx;
    const refs = await loadDemoRefs(ctx);
    const meta = { ip: '127.0.0.1', requestId: 'test' };
    const actor = async (u: string) => (await loadActor(ctx.db.kysely, refs.user(u).id))!;
    const list = async (u: string) => (await mediation.listCases(ctx, await actor(u), { page: 1, pageSize: 20 }, meta)).items;

    const all = await ctx.db.kysely.selectFrom('mediation_case').select(['id', 'number', 'status', 'source', 'category']).orderBy('accepted_at').execute();
    expect(all.map((c) => c.status)).toEqual(['closed', 'in_mediation', 'accepted']);
    expect(all[1]!.source).toMatch(/^event:/);
    // The event it came from names the case on its timeline.
    const event = await getEventDetail(ctx, await actor('xishan'), all[1]!.source.slice('event:'.length));
    expect(event.timeline.filter((e) => e.entry === 'note').map((e) => e.link)).toEqual([
      { kind: 'mediation.case', id: all[1]!.id, label: '西调〔2026〕第2号', href: `/console/community/mediation/${all[1]!.id}` },
    ]);
    expect(all.map((c) => c.number)).toEqual(['西调〔2026〕第1号', '西调〔2026〕第2号', '西调〔2026〕第3号']);

    const grid01 = await list('grid01');
    expect(grid01.map((c) => c.id).sort()).toEqual([all[0]!.id, all[1]!.id].sort());
    expect((await list('grid02')).map((c) => c.id)).toEqual([all[2]!.id]);
    expect((await list('xishan')).map((c) => c.id).sort()).toEqual([all[0]!.id, all[1]!.id].sort());
    await expect(mediation.getCase(ctx, await actor('xishan'), all[2]!.id, meta)).rejects.toMatchObject({ status: 404 });

    // resident01 (朱志强) is the applicant of the closed case, with its agreement.
    const mine = await mediation.listMine(ctx, await actor('resident01'));
    expect(mine.items).toMatchObject([{ id: all[0]!.id, mySide: 'applicant', status: 'closed' }]);
    const detail = await mediation.getMine(ctx, await actor('resident01'), all[0]!.id, meta);
    expect(detail.sessions).toHaveLength(2);
    expect(detail.agreement).toMatchObject({ performed: true, terms: expect.arrayContaining([expect.stringContaining('1200元')]) });
    expect(detail.mediators.map((m) => m.role)).toEqual(['lead', 'helper']);
  });
});
