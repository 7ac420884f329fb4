import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { peopleHoldingTag } from '../registry/registry.facts.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { chinaToday } from '../registry/tags.filter.js';
import { seedPartyFixture, type PartyFixture } from './party.fixture.js';

/*
 * 一次录入: the branch secretary keeps the rolls, and the registry's 政治面貌 (and with it the
 * derived 党员 tag every department sees) follows them, with the change in the person's history
 * under the source 党员名册, and audited.
 */
describe(`the party rolls carry 政治面貌 into the registry (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers });
  const person = (id: string) => platform.ctx.db.kysely.selectFrom('person').select(['political_status', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const changes = (id: string) =>
    platform.ctx.db.kysely.selectFrom('person_change').select(['field', 'old_value', 'new_value', 'source', 'reason', 'actor_name']).where('person_id', '=', id).where('field', '=', 'politicalStatus').orderBy('at').execute();
  const holdsPartyTag = async (id: string) => (await peopleHoldingTag(platform.ctx.db.kysely, ['/'], '党员', chinaToday(platform.ctx.now()))).some((p) => p.personId === id);
  const member = async (id: string) => (await call('xishan', 'GET', `/api/v1/party/members/${id}`)).json() as { id: string; version: number; category: string };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-16T01:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of ['xishan', 'party']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('puts a probationary member on the rolls: the registry says 中共预备党员 and the 党员 tag follows', async () => {
    expect((await person(pf.people.qian)).political_status).toBeNull();
    expect(await holdsPartyTag(pf.people.qian)).toBe(false);
    const res = await call('xishan', 'POST', '/api/v1/party/members', { personId: pf.people.qian, orgId: pf.orgs.branch2, category: 'probationary', joinedOn: '2026-06-30' });
    expect(res.statusCode, res.body).toBe(201);

    expect((await person(pf.people.qian)).political_status).toBe('中共预备党员');
    expect(await holdsPartyTag(pf.people.qian)).toBe(true);
    expect(await changes(pf.people.qian)).toEqual([{ field: 'politicalStatus', old_value: null, new_value: '中共预备党员', source: 'party', reason: '列入第二党支部党员名册', actor_name: expect.any(String) }]);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').select(['details', 'actor_name']).where('action', '=', 'registry.person.update').where('target_id', '=', pf.people.qian).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ fields: ['politicalStatus'], source: 'party' });

    // Staff reading the record's history see where the change came from.
    const history = (await call('xishan', 'GET', `/api/v1/people/${pf.people.qian}/history`)).json() as { items: { field: string; source: string; newValue: string | null }[] };
    expect(history.items.find((h) => h.field === 'politicalStatus')).toMatchObject({ source: 'party', newValue: '中共预备党员' });
  });

  it('转正 makes the registry say 中共党员; an edit that leaves the category alone writes nothing there', async () => {
    const m = ((await call('xishan', 'GET', `/api/v1/party/members?orgId=${pf.orgs.branch2}&category=probationary`)).json() as { items: { id: string; version: number }[] }).items[0]!;
    const confirmed = await call('xishan', 'PATCH', `/api/v1/party/members/${m.id}`, { category: 'full', confirmedOn: '2026-11-16', expectedVersion: m.version });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await person(pf.people.qian)).political_status).toBe('中共党员');
    expect((await changes(pf.people.qian)).map((c) => [c.old_value, c.new_value, c.reason])).toEqual([
      [null, '中共预备党员', '列入第二党支部党员名册'],
      ['中共预备党员', '中共党员', '第二党支部：预备党员转正（2026-11-16）'],
    ]);

    const again = await member(m.id);
    const moved = await call('xishan', 'PATCH', `/api/v1/party/members/${m.id}`, { mobile: { location: '杭州市滨江区' }, expectedVersion: again.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await changes(pf.people.qian)).toHaveLength(2);
  });

  it('leaving the party (出党) makes the person 群众 and ends the 党员 tag; a death on the rolls leaves the registry to record it', async () => {
    // The fixture put 王秀英 on the rolls as a full member.
    expect((await person(reg.people.wang)).political_status).toBe('中共党员');
    const wang = await member(pf.members.wang);
    const ended = await call('xishan', 'POST', `/api/v1/party/members/${wang.id}/end`, { reason: '出党', endedOn: '2026-11-10', expectedVersion: wang.version });
    expect(ended.statusCode, ended.body).toBe(200);
    expect((await person(reg.people.wang)).political_status).toBe('群众');
    expect(await holdsPartyTag(reg.people.wang)).toBe(false);
    expect((await changes(reg.people.wang)).at(-1)).toMatchObject({ old_value: '中共党员', new_value: '群众', source: 'party', reason: '第二党支部：出党（2026-11-10）' });

    const shen = await member(pf.members.shen);
    const before = await changes(pf.people.shen);
    const died = await call('xishan', 'POST', `/api/v1/party/members/${shen.id}/end`, { reason: '去世', endedOn: '2026-11-12', expectedVersion: shen.version });
    expect(died.statusCode, died.body).toBe(200);
    expect((await person(pf.people.shen)).political_status).toBe('中共党员');
    expect(await changes(pf.people.shen)).toEqual(before);
  });

  it('writes nothing into the registry when a refused request changes nothing on the rolls', async () => {
    const before = await changes(pf.people.wu);
    // Not in the caller's area: 东山's branch is outside 西山社区.
    const refused = await call('xishan', 'POST', '/api/v1/party/members', { personId: pf.people.wu, orgId: pf.orgs.dsBranch, category: 'full', joinedOn: '2000-01-01', confirmedOn: '2001-01-01' });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect((await person(pf.people.wu)).political_status).toBeNull();
    expect(await changes(pf.people.wu)).toEqual(before);
  });
});
