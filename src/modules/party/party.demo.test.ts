import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { modules } from '../index.js';
import { peopleHoldingTag } from '../registry/registry.facts.js';
import * as meetings from './meetings.service.js';
import * as orgs from './organisations.service.js';
import * as transfers from './transfers.service.js';

/** The demo's part-1 party data (tree, rolls, meetings, transfers) as the pages show it. */
describe(`demo party organisations, meetings and transfers (${DIALECT_LABEL})`, () => {
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

  it('has 西山社区党委 with three branches and 30 members, each a registry 党员', async () => {
    const ctx = platform.ctx;
    const party = await actor('party');
    const tree = (await orgs.listOrgs(ctx, party)).items;
    expect(tree.filter((o) => o.kind !== 'group').map((o) => o.name)).toEqual(['西山社区党委', '第一党支部', '第二党支部', '退休党员支部']);
    expect(tree.filter((o) => o.kind === 'group')).toHaveLength(6);
    expect(tree[0]!.memberCount).toBe(29); // one transferred out
    const rolls = await orgs.listMembers(ctx, party, { mobile: false, status: 'active', page: 1, pageSize: 100 }, meta);
    expect(rolls.total).toBe(29);
    expect(rolls.items.filter((m) => m.category === 'probationary')).toHaveLength(2);
    expect(rolls.items.filter((m) => m.isMobile)).toHaveLength(1);
    // Every one of them holds the registry's 党员 tag (the registry says who is a party member).
    const xishan = await ctx.db.kysely.selectFrom('org_node').select('path').where('name', '=', '西山社区').executeTakeFirstOrThrow();
    const tagged = new Set((await peopleHoldingTag(ctx.db.kysely, [xishan.path], '党员', '2026-11-26')).map((p) => p.personId));
    expect(rolls.items.every((m) => tagged.has(m.personId))).toBe(true);
    // Each branch has its 书记.
    for (const name of ['第一党支部', '第二党支部', '退休党员支部']) expect(tree.find((o) => o.name === name)!.leaders.map((l) => l.post)).toContain('书记');
  });

  it('gives zhibu01 the lead of 第一党支部 and dangyuan01 a member’s view', async () => {
    const ctx = platform.ctx;
    const secretary = await actor('zhibu01');
    expect((await orgs.listOrgs(ctx, secretary)).items.map((o) => o.name)).toEqual(['第一党支部', '第一党小组', '第二党小组']);
    const member = await actor('dangyuan01');
    const mine = await meetings.myParty(ctx, member);
    expect(mine.member).toMatchObject({ category: 'full', branch: { name: '第一党支部' }, group: { name: '第一党小组' } });
    expect(mine.leads).toEqual([]);
    const list = (await meetings.myMeetings(ctx, member)).items;
    expect(list.some((m) => m.title === '支部党员大会：民主评议党员' && m.canAskLeave)).toBe(true);
    expect(list.filter((m) => m.attendance === 'leave')).toHaveLength(1);
    expect(list.filter((m) => m.attendance === 'present').length).toBeGreaterThan(5);
  });

  it('shows 第二党支部 missing its 支委会 two months ago, and who missed what', async () => {
    const ctx = platform.ctx;
    const party = await actor('party');
    const committee = (await orgs.listOrgs(ctx, party)).items.find((o) => o.kind === 'committee')!;
    const c = await meetings.compliance(ctx, party, { orgId: committee.id, from: '2026-08', to: '2026-11' }, meta);
    const missed = c.units.flatMap((u) => u.periods.filter((p) => p.status === 'missed').map((p) => `${u.name} ${p.kind} ${p.period}`));
    expect(missed).toEqual(['第二党支部 committee_meeting 2026-09']);
    expect(c.absences.length).toBeGreaterThan(3);
    const held = await ctx.db.kysely.selectFrom('party_meeting').select(['minutes']).where('starts_at', '<', '2026-11-26T00:00:00Z').execute();
    expect(held.length).toBeGreaterThan(50);
    expect(held.every((m) => !!m.minutes)).toBe(true);
  });

  it('has one transfer done with its letter and one waiting for the committee', async () => {
    const ctx = platform.ctx;
    const party = await actor('party');
    const all = (await transfers.listTransfers(ctx, party, { todo: false, page: 1, pageSize: 20 })).items;
    expect(all.map((t) => [t.state, t.letterNumber, t.fromOrgName])).toEqual([
      ['committee_review', null, '第一党支部'],
      ['completed', '西党转〔2026〕001号', '第二党支部'],
    ]);
    const todo = (await transfers.listTransfers(ctx, party, { todo: true, page: 1, pageSize: 20 })).items;
    expect(todo.map((t) => t.actions)).toEqual([['approve', 'refuse']]);
  });
});
