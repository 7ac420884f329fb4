import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { PARTY_PEOPLE, seedPartyFixture, type PartyFixture } from './party.fixture.js';
import { runTransferDeadlines } from './transfers.job.js';

interface Transfer {
  id: string;
  direction: 'out' | 'in';
  state: string;
  stateLabel: { 'zh-CN': string };
  memberId: string | null;
  memberName: string;
  fromOrgName: string;
  toOrgName: string;
  toExternal: boolean;
  letterNumber: string | null;
  letterValidUntil: string | null;
  dueAt: string | null;
  refusalReason: string | null;
  version: number;
  waitingFor: { 'zh-CN': string } | null;
  actions: string[];
  letterPath: string | null;
  idMasked: string | null;
  history: { version: number; action: string; fromState: string | null; toState: string; note: string | null; actorName: string; at: string }[];
}

describe(`organisation-relation transfers 组织关系转接 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const step = (who: string, t: { id: string; version: number }, action: string, note?: string) => call(who, 'POST', `/api/v1/party/transfers/${t.id}/steps`, { action, note, expectedVersion: t.version });
  const member = (id: string) => platform.ctx.db.kysely.selectFrom('party_member').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const inbox = async (userId: string, kind: string) => (await platform.ctx.db.kysely.selectFrom('notification').select(['title', 'body', 'link']).where('user_id', '=', userId).where('kind', '=', kind).execute());
  const audits = async (action: string, targetId: string) => (await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_name', 'outcome', 'details']).where('action', '=', action).where('target_id', '=', targetId).execute());

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-16T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of ['party', 'xishan', 'resident01', 'volunteer01', 'sec1', 'sec2', 'dssec', 'dsparty', 'street']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('moves a member to a branch elsewhere in Linli through every approval: branch, committee, receiving branch', async () => {
    // The member asks for it themself.
    const started = await call('resident01', 'POST', '/api/v1/me/party/transfers', { destination: { orgId: pf.orgs.dsBranch }, reason: '居住地变更', note: '已在东山社区购房入住', duesPaidUntil: '2026-11' });
    expect(started.statusCode, started.body).toBe(201);
    let t = started.json() as Transfer;
    expect(t).toMatchObject({ direction: 'out', state: 'branch_review', memberName: '朱志强', fromOrgName: '第一党支部', toOrgName: '东山社区第一党支部', toExternal: false, letterNumber: null, actions: ['cancel'] });
    expect(t.waitingFor!['zh-CN']).toBe('第一党支部审批');
    // The branch's secretary is told; one transfer at a time.
    expect(await inbox(pf.users.sec1, 'party.transfer.todo')).toEqual([expect.objectContaining({ title: '待办理：朱志强的组织关系转接', link: '/console/party/transfers' })]);
    expect((await call('resident01', 'POST', '/api/v1/me/party/transfers', { destination: { name: '中共海宁市某某公司支部委员会' }, reason: '工作调动' })).json().error.code).toBe('PARTY_TRANSFER_OPEN');

    // A secretary of another branch cannot approve: the transfer is not theirs to see.
    expect((await step('sec2', t, 'approve')).statusCode).toBe(404);
    // The receiving branch's secretary sees it coming but cannot take the branch step.
    const early = await step('dssec', t, 'approve');
    expect(early.statusCode).toBe(403);
    expect(early.json().error).toMatchObject({ code: 'PARTY_TRANSFER_NOT_ALLOWED', message: '您不能在此环节办理（当前：支部审批中）' });
    expect((await audits('party.transfer.approve', t.id)).filter((a) => a.outcome === 'denied')).toHaveLength(1);
    // Community staff keep the records but do not decide.
    expect((await step('xishan', t, 'approve')).statusCode).toBe(403);

    const todo = (await call('sec1', 'GET', '/api/v1/party/transfers?todo=1')).json() as { items: Transfer[] };
    expect(todo.items.map((x) => x.id)).toEqual([t.id]);
    expect(todo.items[0]!.actions).toEqual(['approve', 'refuse']);
    t = (await step('sec1', t, 'approve', '同意转出')).json() as Transfer;
    expect(t).toMatchObject({ state: 'committee_review', version: 2 });
    expect(t.waitingFor!['zh-CN']).toBe('党委审批');
    // The branch secretary does not decide for the committee; a stale version is refused.
    expect((await step('sec1', t, 'approve')).statusCode).toBe(403);
    const stale = await step('party', { id: t.id, version: 1 }, 'approve');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('PARTY_TRANSFER_STALE');

    t = (await step('party', t, 'approve')).json() as Transfer;
    expect(t).toMatchObject({ state: 'awaiting_receipt', letterNumber: '西党转〔2026〕001号', letterValidUntil: '2026-12-16', letterPath: `/api/v1/party/transfers/${t.id}/letter` });
    expect(t.waitingFor!['zh-CN']).toBe('东山社区第一党支部确认接收');
    // The receiving side: 东山's branch secretary confirms. 西山's secretary cannot.
    expect((await step('party', t, 'confirm')).statusCode).toBe(403);
    const dsTodo = (await call('dssec', 'GET', '/api/v1/party/transfers?todo=1')).json() as { items: Transfer[] };
    expect(dsTodo.items.map((x) => x.id)).toEqual([t.id]);
    t = (await step('dssec', t, 'confirm', '已接收，编入东山社区第一党支部')).json() as Transfer;
    expect(t).toMatchObject({ state: 'completed', waitingFor: null, actions: [] });

    // Now on 东山's rolls, out of 第一党小组, the 党小组组长 post ended.
    const m = await member(pf.members.zhu);
    expect(m).toMatchObject({ org_id: pf.orgs.dsBranch, group_id: null, status: 'active' });
    const posts = await platform.ctx.db.kysely.selectFrom('party_member_post').selectAll().where('member_id', '=', m.id).execute();
    expect(posts).toEqual([expect.objectContaining({ post: '党小组组长', to_on: '2026-11-16' })]);

    // The member sees where it stands, and who did what when.
    const mine = (await call('resident01', 'GET', '/api/v1/me/party/transfers')).json() as { items: Transfer[] };
    expect(mine.items[0]!.history.map((h) => [h.version, h.action, h.toState, h.actorName])).toEqual([
      [1, 'start', 'branch_review', '居民 朱志强'],
      [2, 'approve', 'committee_review', '第一党支部书记 沈建华'],
      [3, 'approve', 'awaiting_receipt', '西山社区党委书记 沈国良'],
      [4, 'confirm', 'completed', '东山社区党支部书记 陈东'],
    ]);
    expect((await inbox(fx.users.resident01!, 'party.transfer.progress')).map((n) => n.title).sort()).toEqual(['组织关系转接：党委审批中', '组织关系转接：待接收', '组织关系转接：已完成'].sort());
    for (const action of ['party.transfer.start-out', 'party.transfer.approve', 'party.transfer.confirm']) expect((await audits(action, t.id)).filter((a) => a.outcome === 'success').length).toBeGreaterThan(0);
    expect((await audits('party.member.moved', pf.members.zhu)).length).toBe(1);
  });

  it('receives a member from outside Linli: the committee reviews the letter, the branch confirms receipt', async () => {
    const body = {
      idNumber: PARTY_PEOPLE.wu.idNumber,
      toOrgId: pf.orgs.branch2,
      fromOrgName: '中共杭州市西湖区文新街道某社区党支部',
      letterNumber: '西湖文新党转〔2026〕第18号',
      letterValidUntil: '2026-12-10',
      category: 'full',
      joinedOn: '2012-07-01',
      confirmedOn: '2013-07-01',
      duesPaidUntil: '2026-10',
      reason: '居住地变更',
    };
    // A secretary of another branch cannot register arrivals for 第二党支部.
    expect((await call('sec1', 'POST', '/api/v1/party/transfers/in', body)).statusCode).toBe(404);
    const started = await call('sec2', 'POST', '/api/v1/party/transfers/in', body);
    expect(started.statusCode, started.body).toBe(201);
    let t = started.json() as Transfer;
    expect(t).toMatchObject({ direction: 'in', state: 'committee_review', memberId: null, memberName: '吴晓东', fromOrgName: body.fromOrgName, toOrgName: '第二党支部', letterNumber: body.letterNumber });
    expect(t.idMasked).toMatch(/^330106\*+/);
    expect((await step('xishan', t, 'approve')).statusCode).toBe(403);
    t = (await step('party', t, 'approve', '介绍信核对无误')).json() as Transfer;
    expect(t).toMatchObject({ state: 'awaiting_receipt', letterNumber: body.letterNumber });
    expect(t.dueAt).toBe(new Date('2026-12-10T23:59:59.999+08:00').toISOString());
    // Only the receiving branch confirms.
    expect((await step('sec1', t, 'confirm')).statusCode).toBe(404);
    t = (await step('sec2', t, 'confirm')).json() as Transfer;
    expect(t.state).toBe('completed');
    const m = await member(t.memberId!);
    expect(m).toMatchObject({ person_id: pf.people.wu, org_id: pf.orgs.branch2, category: 'full', joined_on: '2012-07-01', confirmed_on: '2013-07-01', source: 'transfer_in', status: 'active' });
    // The registry's 政治面貌 follows the receipt, in the secretary's name.
    expect(await platform.ctx.db.kysely.selectFrom('person_change').select(['new_value', 'source', 'reason', 'actor_name']).where('person_id', '=', pf.people.wu).where('field', '=', 'politicalStatus').execute()).toEqual([
      { new_value: '中共党员', source: 'party', reason: `组织关系转入第二党支部（自${body.fromOrgName}）`, actor_name: '第二党支部书记 陆美芳' },
    ]);
    // Someone already on the rolls cannot be received again.
    const twice = await call('sec2', 'POST', '/api/v1/party/transfers/in', body);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('PARTY_MEMBER_EXISTS');
  });

  it('refuses with a reason the member reads, prints the letter for an organisation outside Linli and records the returned slip', async () => {
    // The secretary starts it for a member of the branch.
    let t = (await call('sec1', 'POST', '/api/v1/party/transfers/out', { memberId: pf.members.xu, destination: { name: '中共上海市浦东新区张江镇某科技公司支部委员会' }, reason: '工作调动', validDays: 60, duesPaidUntil: '2026-11' })).json() as Transfer;
    expect(t).toMatchObject({ state: 'branch_review', toExternal: true });
    // The letter exists only after the committee's approval.
    expect((await call('volunteer01', 'GET', `/api/v1/party/transfers/${t.id}/letter`)).json().error.code).toBe('PARTY_LETTER_NOT_ISSUED');
    t = (await step('sec1', t, 'approve')).json() as Transfer;
    // Refusing needs a reason, in the caller's language.
    const bare = await step('party', t, 'refuse', undefined);
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.message).toBe('请填写不同意（或撤回）的理由');
    expect((await call('party', 'POST', `/api/v1/party/transfers/${t.id}/steps`, { action: 'refuse', expectedVersion: t.version }, 'en')).json().error.message).toBe('Give the reason for refusing (or withdrawing)');
    const badAction = await call('party', 'POST', `/api/v1/party/transfers/${t.id}/steps`, { action: 'sign', expectedVersion: t.version }, 'en');
    expect(badAction.statusCode).toBe(400);
    expect(badAction.json().error.code).toBe('VALIDATION_FAILED');
    t = (await step('party', t, 'refuse', '接收单位名称不全，请补充对方党组织全称后重新申请')).json() as Transfer;
    expect(t).toMatchObject({ state: 'refused', refusalReason: '接收单位名称不全，请补充对方党组织全称后重新申请', actions: [] });
    const hers = (await call('volunteer01', 'GET', '/api/v1/me/party/transfers')).json() as { items: Transfer[] };
    expect(hers.items[0]).toMatchObject({ state: 'refused', refusalReason: '接收单位名称不全，请补充对方党组织全称后重新申请' });
    expect(hers.items[0]!.history.at(-1)).toMatchObject({ action: 'refuse', fromState: 'committee_review', toState: 'refused', actorName: '西山社区党委书记 沈国良' });
    // Still on the rolls; a new request may be made.
    expect((await member(pf.members.xu)).status).toBe('active');

    t = (await call('volunteer01', 'POST', '/api/v1/me/party/transfers', { destination: { name: '中共上海市浦东新区张江镇某科技有限公司支部委员会' }, reason: '工作调动', validDays: 60, duesPaidUntil: '2026-11' })).json() as Transfer;
    t = (await step('sec1', t, 'approve')).json() as Transfer;
    t = (await step('party', t, 'approve')).json() as Transfer;
    expect(t).toMatchObject({ state: 'awaiting_receipt', letterNumber: '西党转〔2026〕002号', letterValidUntil: '2027-01-15' });
    expect(t.waitingFor!['zh-CN']).toBe('中共上海市浦东新区张江镇某科技有限公司支部委员会接收（回执寄回后由党委确认）');
    // The printable letter: for the member who carries it, numbers masked; each print audited.
    const letter = await call('volunteer01', 'GET', t.letterPath!);
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toContain('text/html');
    expect(letter.body).toContain('中国共产党党员组织关系介绍信');
    expect(letter.body).toContain('西党转〔2026〕002号');
    expect(letter.body).toContain('徐美玲同志（女，46岁，汉族），系中共正式党员');
    expect(letter.body).toContain('由第一党支部去中共上海市浦东新区张江镇某科技有限公司支部委员会');
    expect(letter.body).toContain('党费已交到2026年11月');
    expect(letter.body).toContain('中共西山社区党委（盖章）');
    expect(letter.body).not.toContain(REGISTRY_PEOPLE.xu.idNumber);
    expect(letter.body).not.toContain('<script');
    expect((await audits('party.transfer.letter', t.id)).length).toBe(1);
    // Others outside the transfer cannot print it.
    expect((await call('sec2', 'GET', t.letterPath!)).statusCode).toBe(404);
    // The slip comes back: the committee records the receipt; she leaves the rolls.
    expect((await step('sec1', t, 'confirm')).statusCode).toBe(403);
    t = (await step('party', t, 'confirm', '回执已寄回')).json() as Transfer;
    expect(t.state).toBe('completed');
    expect(await member(pf.members.xu)).toMatchObject({ status: 'transferred_out', ended_on: '2026-11-16' });
    expect((await member(pf.members.xu)).end_reason).toContain('西党转〔2026〕002号');
    // Her leadership ends with her relation: she no longer leads anything.
    expect(((await call('volunteer01', 'GET', '/api/v1/party/orgs')).json() as { items: unknown[] }).items).toEqual([]);
  });

  it('keeps to its area: another community’s committee sees only its side', async () => {
    const ds = (await call('dsparty', 'GET', '/api/v1/party/transfers')).json() as { items: Transfer[] };
    // The move into 东山 is on their side; 西山's other transfers are not.
    expect(ds.items.map((x) => x.memberName)).toEqual(['朱志强']);
    const street = (await call('street', 'GET', '/api/v1/party/transfers')).json() as { items: Transfer[]; total: number };
    expect(street.total).toBe(4);
    expect(street.items.every((x) => x.actions.length === 0)).toBe(true);
  });

  it('reminds whoever must act at 80 % of the stage’s time and again when it is late, once each', async () => {
    const t = (await call('sec2', 'POST', '/api/v1/party/transfers/out', { memberId: pf.members.wang, destination: { orgId: pf.orgs.branch1 }, reason: '居住地变更' })).json() as Transfer;
    // Five working days for the branch: due at the end of next Monday's office hours.
    expect(t.dueAt).toBe('2026-11-23T09:30:00.000Z');
    expect(await runTransferDeadlines(platform.ctx)).toEqual({ warned: 0, overdue: 0 });
    const row = await platform.ctx.db.kysely.selectFrom('party_transfer').select(['warn_at', 'due_at']).where('id', '=', t.id).executeTakeFirstOrThrow();
    platform.setNow(new Date(Date.parse(row.warn_at!) + 60_000));
    expect(await runTransferDeadlines(platform.ctx)).toEqual({ warned: 1, overdue: 0 });
    expect(await runTransferDeadlines(platform.ctx)).toEqual({ warned: 0, overdue: 0 });
    const warned = await inbox(pf.users.sec2, 'party.transfer.warning');
    expect(warned).toEqual([expect.objectContaining({ title: '组织关系转接即将到期：王秀英', link: '/console/party/transfers' })]);
    expect(warned[0]!.body).toContain('11月23日 17:30到期');
    expect(await inbox(fx.users.party!, 'party.transfer.warning')).toHaveLength(1);
    platform.setNow(new Date(Date.parse(row.due_at!) + 60_000));
    expect(await runTransferDeadlines(platform.ctx)).toEqual({ warned: 0, overdue: 1 });
    expect(await inbox(pf.users.sec2, 'party.transfer.overdue')).toHaveLength(1);
    expect((await audits('party.transfer.overdue', t.id))[0]).toMatchObject({ actor_name: 'system' });
    // The next stage starts its own clock: warned and late once again, not before its time.
    s.sec2 = await loginAs(app, 'sec2'); // a week later: the old session has long gone idle
    const approved = (await step('sec2', t, 'approve')).json() as Transfer;
    expect(approved.state).toBe('committee_review');
    expect(Date.parse(approved.dueAt!)).toBeGreaterThan(Date.parse(row.due_at!));
    expect(await runTransferDeadlines(platform.ctx)).toEqual({ warned: 0, overdue: 0 });
  });
});
