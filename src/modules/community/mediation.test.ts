import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { createUser } from '../../platform/auth/users.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { giveFixturePolygons, POINTS } from '../events/events.fixture.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';

/** A case as the staff routes return it (the fields the tests look at). */
interface Detail {
  id: string;
  number: string;
  status: string;
  version: number;
  summary: string;
  source: string;
  sourceEventId: string | null;
  outcome: string | null;
  partyDetails: { id: string; side: string; kind: string; personId: string | null; name: string; idMasked: string | null; phoneMasked: string | null; hasAccount: boolean }[];
  mediators: { userId: string; name: string; role: string }[];
  sessions: { seq: number; heldAt: string; place: string; record: string }[];
  agreement: { text: string; terms: string[]; signedOn: string | null; performed: boolean | null } | null;
  history: { version: number; action: string; fromStatus: string | null; toStatus: string | null; note: string | null; actorName: string | null }[];
  abilities: { assign: boolean; edit: boolean; steps: string[]; unmask: boolean };
}

describe(`dispute mediation 纠纷调解 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  const OUTSIDER_PHONE = '13957301234';

  const call = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });

  const audits = async (action: string, targetId: string, outcome: 'success' | 'denied' = 'success') =>
    (await platform.ctx.db.kysely.selectFrom('audit_log').select('seq').where('action', '=', action).where('target_id', '=', targetId).where('outcome', '=', outcome).execute()).length;

  async function newCase(body: Record<string, unknown> = {}, who = 'xishan'): Promise<Detail> {
    const res = await call(who, 'POST', '/api/v1/mediation/cases', {
      orgNodeId: fx.nodes.grid01.id,
      category: '邻里纠纷',
      summary: '楼上卫生间渗水到楼下吊顶，双方多次争吵，申请人要求修复并赔偿。',
      parties: [
        { side: 'applicant', personId: reg.people.zhu },
        { side: 'respondent', name: '沈建国', phone: OUTSIDER_PHONE, note: '楼上房东，不住本社区' },
      ],
      leadUserId: fx.users.grid01,
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Detail;
  }

  async function upload(who: string): Promise<string> {
    const png = await renderQrPng(`linli-mediation-${randomBytes(4).toString('hex')}`);
    const boundary = `----linli${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="现场照片.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/files?purpose=community.mediation', payload, headers: { ...s[who]!.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-02T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    const db = platform.ctx.db.kysely;
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    // A second member of 西山社区's staff, not on any case.
    fx.users.xishan2 = await createUser(platform.ctx, {
      username: 'xishan2',
      displayName: '西山社区 钱丽萍',
      password: DEMO_PASSWORD,
      mustChangePassword: false,
      isDemo: true,
      grants: [{ role: 'community_staff', orgNodeId: fx.nodes.xishan.id }],
    });
    app = await createTestApp(platform);
    for (const u of ['xishan', 'xishan2', 'grid01', 'grid02', 'resident01', 'volunteer01', 'street', 'auditor']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('registers a case with a registry person and an outsider; the outsider’s phone is encrypted and every number masked', async () => {
    const c = await newCase();
    expect(c).toMatchObject({ number: '西调〔2026〕第1号', status: 'accepted', source: 'walk_in', version: 1 });
    expect(c.mediators).toEqual([{ userId: fx.users.grid01, name: '李建华', role: 'lead' }]);
    const [zhu, outsider] = c.partyDetails;
    expect(zhu).toMatchObject({ side: 'applicant', kind: 'registry', name: '朱志强', idMasked: '330481********001X', phoneMasked: '138****5678', hasAccount: true });
    expect(outsider).toMatchObject({ side: 'respondent', kind: 'outsider', name: '沈建国', idMasked: null, phoneMasked: '139****1234', hasAccount: false });
    const row = await platform.ctx.db.kysely.selectFrom('mediation_party').selectAll().where('id', '=', outsider!.id).executeTakeFirstOrThrow();
    expect(row.phone_enc).not.toContain(OUTSIDER_PHONE);
    expect(platform.ctx.pii.decrypt(row.phone_enc!)).toBe(OUTSIDER_PHONE);
    const stored = await platform.ctx.db.kysely.selectFrom('mediation_case').select('summary_enc').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(stored.summary_enc).not.toContain('渗水');
    // The next case of the year in the community gets the next number.
    expect((await newCase({ category: '物业纠纷' })).number).toBe('西调〔2026〕第2号');
    expect(await audits('community.mediation.create', c.id)).toBe(1);
  });

  it('is invisible to an unrelated staff member: 404 on the case, absent from their list', async () => {
    const c = await newCase();
    // The lead mediator and the registrar see it; each read is audited.
    expect((await call('grid01', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(200);
    expect((await call('xishan', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(200);
    expect(await audits('community.mediation.read', c.id)).toBe(2);

    for (const who of ['grid02', 'xishan2']) {
      const res = await call(who, 'GET', `/api/v1/mediation/cases/${c.id}`);
      expect(res.statusCode, who).toBe(404);
      expect(res.json().error.code).toBe('MEDIATION_CASE_NOT_FOUND');
      const list = (await call(who, 'GET', '/api/v1/mediation/cases')).json() as { items: { id: string }[]; total: number };
      expect(list.items.map((i) => i.id)).not.toContain(c.id);
      expect(list.total).toBe(0);
      // Nor can they write to it: the same 404.
      expect((await call(who, 'POST', `/api/v1/mediation/cases/${c.id}/steps`, { action: 'withdraw', note: '试图撤回', expectedVersion: c.version })).statusCode).toBe(404);
      expect((await call(who, 'GET', `/api/v1/mediation/cases/${c.id}/agreement.html`)).statusCode).toBe(404);
    }
    // The refused attempts are in the audit log.
    expect(await audits('community.mediation.read', c.id, 'denied')).toBeGreaterThanOrEqual(4);
    // The street and the auditor hold no mediation permission at all.
    expect((await call('street', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(403);
    expect((await call('auditor', 'GET', '/api/v1/mediation/cases')).statusCode).toBe(403);
    // A nonexistent case looks the same as someone else's.
    expect((await call('grid02', 'GET', '/api/v1/mediation/cases/0000000000000000')).json().error.code).toBe('MEDIATION_CASE_NOT_FOUND');
    // Mine: registrar and lead find it in their lists.
    const mine = (await call('grid01', 'GET', '/api/v1/mediation/cases')).json() as { items: { id: string; myRoles: string[]; summary: string }[] };
    expect(mine.items.find((i) => i.id === c.id)).toMatchObject({ myRoles: ['lead'], summary: expect.stringContaining('渗水') });
  });

  it('refuses bad input with a message in Chinese and English', async () => {
    const badPhone = await call('xishan', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。', parties: [{ side: 'applicant', name: '沈建国', phone: '12345678901' }] });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.details).toContainEqual(expect.objectContaining({ field: 'body.parties.0.phone', code: 'MOBILE_INVALID', message: '手机号码无效' }));
    const both = (lang: string) =>
      call('xishan', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。', parties: [{ side: 'applicant', personId: reg.people.zhu, name: '朱志强', phone: '13812345678' }] }, lang);
    expect((await both('zh-CN')).json().error).toMatchObject({ code: 'MEDIATION_PARTY_WHO', message: '当事人须为人口库中的居民，或填写姓名和手机号（二选一）' });
    expect((await both('en')).json().error).toMatchObject({ code: 'MEDIATION_PARTY_WHO', message: 'A party is either a registry person or a name with a mobile number, not both' });
    const badCategory = await call('xishan', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '打架', summary: '双方因停车位发生争执，多次争吵。' }, 'en');
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid input; check the fields listed' });
    // 陈东 lives in 东山社区: not a registry party of a 西山 case.
    const outside = await call('xishan', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。', parties: [{ side: 'respondent', personId: reg.people.chen }] });
    expect(outside.json().error.code).toBe('MEDIATION_PERSON_OUTSIDE');
    // A grid worker registers (and then mediates) but does not assign.
    const gridAssigns = await call('grid01', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。', leadUserId: fx.users.grid02 });
    expect(gridAssigns.statusCode).toBe(403);
    expect(gridAssigns.json().error.code).toBe('MEDIATION_ASSIGN_FORBIDDEN');
    // Only staff of the community mediate: not the street dispatcher.
    const notMediator = await call('xishan', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。', leadUserId: fx.users.street });
    expect(notMediator.json().error.code).toBe('MEDIATION_MEDIATOR_INVALID');
    // A grid worker's case in another grid: outside their subtree.
    expect((await call('grid02', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid01.id, category: '邻里纠纷', summary: '双方因停车位发生争执，多次争吵。' })).statusCode).toBe(403);
    const own = await call('grid02', 'POST', '/api/v1/mediation/cases', { orgNodeId: fx.nodes.grid02.id, category: '婚姻家庭', summary: '老人反映子女长期不支付赡养费，希望调解。', parties: [{ side: 'applicant', personId: reg.people.wang }] });
    expect(own.statusCode, own.body).toBe(201);
    expect((own.json() as Detail).mediators).toEqual([{ userId: fx.users.grid02, name: '陈丽娟', role: 'lead' }]);
    // …which 西山社区's own staff do not see either.
    expect((await call('xishan', 'GET', `/api/v1/mediation/cases/${(own.json() as Detail).id}`)).statusCode).toBe(404);
  });

  it('walks a case from 受理 to 回访结案: sessions, agreement, stale writes refused, every step recorded', async () => {
    let c = await newCase({ helperUserIds: [fx.users.xishan] });
    const step = async (who: string, action: string, expectedVersion: number, note?: string) => call(who, 'POST', `/api/v1/mediation/cases/${c.id}/steps`, { action, note, expectedVersion });

    // The registrar without a mediator's role cannot move the case; 西山社区 staff may reassign.
    const xishan2case = await newCase({ leadUserId: fx.users.grid01 });
    expect((await call('xishan', 'POST', `/api/v1/mediation/cases/${xishan2case.id}/steps`, { action: 'start', expectedVersion: 1 })).json().error.code).toBe('MEDIATION_NOT_MEDIATOR');

    // Starting needs a respondent: remove the outsider, try, add a registry respondent.
    const outsider = c.partyDetails.find((p) => p.kind === 'outsider')!;
    let res = await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/parties/${outsider.id}/remove`, { expectedVersion: c.version });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect((await step('grid01', 'start', c.version)).json().error.code).toBe('MEDIATION_NOT_READY');
    res = await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/parties`, { side: 'respondent', personId: reg.people.xu, expectedVersion: c.version });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect((await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/parties`, { side: 'respondent', personId: reg.people.xu, expectedVersion: c.version })).json().error.code).toBe('MEDIATION_PARTY_EXISTS');

    res = await step('grid01', 'start', c.version);
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect(c.status).toBe('in_mediation');
    expect(c.abilities.steps).toEqual(['agree', 'fail', 'withdraw']);

    // Two mediators write at once: the second, on the old version, is refused.
    const session = { heldAt: '2026-11-02T06:30:00Z', place: '西山社区人民调解室', attendees: '朱志强、徐美玲、调解员李建华', record: '双方陈述了渗水经过，同意先请物业查明渗水点再协商赔偿。', nextStep: '物业出具维修报价' };
    const first = await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/sessions`, { ...session, expectedVersion: c.version });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await call('xishan', 'POST', `/api/v1/mediation/cases/${c.id}/sessions`, { ...session, expectedVersion: c.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'MEDIATION_STALE', message: '案件已被他人修改，请刷新后重试' });
    c = first.json() as Detail;
    expect(c.sessions).toMatchObject([{ seq: 1, place: '西山社区人民调解室', record: session.record }]);

    // Agreeing needs a signed agreement.
    expect((await step('grid01', 'agree', c.version)).json().error.code).toBe('MEDIATION_AGREEMENT_UNSIGNED');
    res = await call('grid01', 'PUT', `/api/v1/mediation/cases/${c.id}/agreement`, {
      text: '经西山社区人民调解委员会主持调解，双方自愿达成如下协议：',
      terms: ['被申请人于十四日内重做卫生间防水。', '被申请人于七日内向申请人支付吊顶修复费用1200元。'],
      performanceDeadline: '2026-11-16',
      signedOn: '2026-11-02',
      expectedVersion: c.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    const badDates = await call('grid01', 'PUT', `/api/v1/mediation/cases/${c.id}/agreement`, { text: '经调解，双方自愿达成如下协议：', terms: ['按期支付'], performanceDeadline: '2026-10-01', signedOn: '2026-11-02', expectedVersion: c.version });
    expect(badDates.json().error.code).toBe('MEDIATION_DATES');
    expect((await step('grid01', 'fail', c.version)).json().error).toMatchObject({ code: 'MEDIATION_NOTE_REQUIRED', message: '“调解不成”须填写说明' });
    res = await step('grid01', 'agree', c.version);
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect(c).toMatchObject({ status: 'agreed', outcome: 'agreed' });
    // Fixed once agreed.
    expect((await call('grid01', 'PUT', `/api/v1/mediation/cases/${c.id}/agreement`, { text: '改动协议内容，增加条款。', terms: ['新增条款'], expectedVersion: c.version })).statusCode).toBe(409);

    // The printable agreement: members only.
    const html = await call('xishan', 'GET', `/api/v1/mediation/cases/${c.id}/agreement.html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('人民调解协议书');
    expect(html.body).toContain(c.number);
    expect(html.body).toContain('330481********001X');
    expect(html.body).not.toContain(REGISTRY_PEOPLE.zhu.idNumber);
    expect(await audits('community.mediation.agreement.print', c.id)).toBe(1);

    res = await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/agreement/performance`, { performed: true, note: '已付清1200元', expectedVersion: c.version });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect(c.agreement).toMatchObject({ performed: true, signedOn: '2026-11-02' });
    expect((await step('grid01', 'close', c.version)).json().error.code).toBe('MEDIATION_NOTE_REQUIRED');
    platform.advance(7 * 86_400_000);
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    res = await step('xishan', 'close', c.version, '电话回访：防水已修好，双方满意。');
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect(c.status).toBe('closed');
    expect(c.abilities).toMatchObject({ assign: false, edit: false, steps: [] });
    expect(c.history.map((h) => h.action)).toEqual(['create', 'party.remove', 'party.add', 'start', 'session', 'agreement', 'agree', 'performance', 'close']);
    expect(c.history.at(-1)).toMatchObject({ fromStatus: 'agreed', toStatus: 'closed', actorName: '王秀英', note: '电话回访：防水已修好，双方满意。' });
    expect(c.history.map((h) => h.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const action of ['start', 'agree', 'close', 'session', 'agreement']) expect(await audits(`community.mediation.${action}`, c.id), action).toBe(1);
    // A closed case takes no more steps.
    expect((await step('grid01', 'withdraw', c.version, '撤回')).statusCode).toBe(409);
  });

  it('follows its assignment: a mediator taken off the case stops seeing it, the new one starts', async () => {
    let c = await newCase();
    expect((await call('grid02', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(404);
    const candidates = (await call('xishan', 'GET', `/api/v1/mediation/mediators?orgNodeId=${fx.nodes.grid01.id}`)).json() as { items: { userId: string; name: string }[] };
    expect(candidates.items.map((i) => i.name).sort()).toEqual(['李建华', '王秀英', '钱丽萍', '陈丽娟'].sort());
    expect((await call('grid01', 'PUT', `/api/v1/mediation/cases/${c.id}/mediators`, { leadUserId: fx.users.grid02, expectedVersion: c.version })).statusCode).toBe(403);
    const res = await call('xishan', 'PUT', `/api/v1/mediation/cases/${c.id}/mediators`, { leadUserId: fx.users.grid02, helperUserIds: [fx.users.xishan2], expectedVersion: c.version });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Detail;
    expect(c.mediators.map((m) => [m.name, m.role])).toEqual([
      ['陈丽娟', 'lead'],
      ['钱丽萍', 'helper'],
    ]);
    expect((await call('grid01', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(404);
    expect((await call('grid02', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(200);
    expect((await call('xishan2', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(200);
    const inbox = (await call('grid02', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string; body: string }[] };
    expect(inbox.items[0]).toMatchObject({ title: `调解案件 ${c.number} 指派给您`, link: `/console/community/mediation/${c.id}` });
    expect(inbox.items[0]!.body).not.toContain('渗水');

    // Attachments: uploaded without a node, opened by the case's members only.
    const fileId = await upload('grid02');
    const attached = await call('grid02', 'POST', `/api/v1/mediation/cases/${c.id}/attachments`, { attachmentId: fileId, expectedVersion: c.version });
    expect(attached.statusCode, attached.body).toBe(200);
    expect((await call('xishan2', 'GET', `/api/v1/files/${fileId}`)).statusCode).toBe(200);
    expect((await call('grid01', 'GET', `/api/v1/files/${fileId}`)).statusCode).toBe(404);
    expect((await call('street', 'GET', `/api/v1/files/${fileId}`)).statusCode).toBe(404);

    // The full mobile of a party: a mediator with pii.unmask and a purpose, audited.
    const outsider = c.partyDetails.find((p) => p.kind === 'outsider')!;
    const contact = await call('grid02', 'POST', `/api/v1/mediation/cases/${c.id}/parties/${outsider.id}/contact`, { purpose: '电话通知当事人参加调解' });
    expect(contact.json()).toEqual({ phone: OUTSIDER_PHONE });
    const row = await platform.ctx.db.kysely.selectFrom('audit_log').select(['purpose', 'details']).where('action', '=', 'community.mediation.party.unmask').where('target_id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.purpose).toBe('电话通知当事人参加调解');
    expect(row.details).not.toContain(OUTSIDER_PHONE);
  });

  it('shows a party their own case on the phone, without the other parties’ contact details or the records', async () => {
    let c = await newCase();
    c = (await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/steps`, { action: 'start', expectedVersion: c.version })).json() as Detail;
    c = (
      await call('grid01', 'POST', `/api/v1/mediation/cases/${c.id}/sessions`, {
        heldAt: '2026-11-10T02:00:00Z',
        place: '西山社区人民调解室',
        attendees: '朱志强、沈建国、调解员李建华',
        record: '被申请人情绪激动，认为渗水与己无关，调解员释法说理后同意请物业查明原因。',
        expectedVersion: c.version,
      })
    ).json() as Detail;
    const list = (await call('resident01', 'GET', '/api/v1/me/mediation/cases')).json() as { items: { id: string; mySide: string }[] };
    expect(list.items.find((i) => i.id === c.id)).toMatchObject({ mySide: 'applicant' });
    const res = await call('resident01', 'GET', `/api/v1/me/mediation/cases/${c.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const mine = res.json();
    expect(mine).toMatchObject({
      number: c.number,
      status: 'in_mediation',
      parties: [
        { side: 'applicant', name: '朱志强', isMe: true },
        { side: 'respondent', name: '沈建国', isMe: false },
      ],
      mediators: [{ name: '李建华', role: 'lead' }],
      sessions: [{ seq: 1, heldAt: '2026-11-10T02:00:00.000Z', place: '西山社区人民调解室' }],
      agreement: null,
    });
    // Nothing that could reach the other party, nor the mediators' records.
    expect(res.body).not.toContain(OUTSIDER_PHONE);
    expect(res.body).not.toMatch(/1[3-9]\d\*{4}\d{4}/);
    expect(res.body).not.toMatch(/phone|record|attendees/i);
    expect(res.body).not.toContain('情绪激动');
    expect(await audits('community.mediation.read', c.id)).toBe(1);
    // The inbox told them (with a link to this page).
    const inbox = (await call('resident01', 'GET', '/api/v1/inbox')).json() as { items: { link: string }[] };
    expect(inbox.items.map((i) => i.link)).toContain(`/m/me/mediation/${c.id}`);
    // Not a party: 404, and nothing listed.
    expect((await call('volunteer01', 'GET', `/api/v1/me/mediation/cases/${c.id}`)).statusCode).toBe(404);
    // (徐美玲 is a respondent of the case closed above, and of nothing else.)
    const hers = (await call('volunteer01', 'GET', '/api/v1/me/mediation/cases')).json() as { items: { id: string; mySide: string; status: string }[] };
    expect(hers.items.map((i) => i.id)).not.toContain(c.id);
    expect(hers.items).toMatchObject([{ mySide: 'respondent', status: 'closed' }]);
    expect(await audits('community.mediation.read', c.id, 'denied')).toBe(1);
    // Residents have no staff routes.
    expect((await call('resident01', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(403);
  });

  it('starts a case from a 矛盾纠纷 event the caller can see, once; other categories are refused', async () => {
    const report = async (categoryCode: string, description: string, attributes?: Record<string, string>) => {
      const res = await call('resident01', 'POST', '/api/v1/events', { categoryCode, description, ...POINTS.grid01, attributes });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string; code: string }).id;
    };
    const dispute = await report('0401', '楼上住户空调外机滴水到我家阳台，多次沟通无果，双方争吵', { parties: '2' });
    const litter = await report('0101', '1幢门口垃圾桶满了两天没人清运', { amount: 'cart' });

    // grid02 cannot see an event of grid01: the events module says 404.
    const hidden = await call('grid02', 'POST', `/api/v1/mediation/cases/from-event/${dispute}`, {});
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('EVENT_NOT_FOUND');

    const res = await call('grid01', 'POST', `/api/v1/mediation/cases/from-event/${dispute}`, {});
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as Detail;
    expect(c).toMatchObject({ source: `event:${dispute}`, sourceEventId: dispute, status: 'accepted' });
    expect(c.summary).toContain('楼上住户空调外机滴水到我家阳台');
    expect(c.partyDetails).toMatchObject([{ side: 'applicant', kind: 'registry', personId: reg.people.zhu, name: '朱志强' }]);
    expect(c.mediators).toEqual([{ userId: fx.users.grid01, name: '李建华', role: 'lead' }]);
    expect((await call('xishan', 'GET', `/api/v1/mediation/cases/${c.id}`)).statusCode).toBe(404);

    // The event's timeline says it went to mediation, with the case number, who and when: for the
    // grid worker, for other staff who read the event (the case itself stays closed to them) …
    type Entry = { entry: string; comment: string | null; actorName: string | null; at: string; link: { kind: string; id: string; label: string; href: string | null } | null };
    const notesOf = async (who: string, url: string) => ((await call(who, 'GET', url)).json() as { timeline: Entry[] }).timeline.filter((e) => e.entry === 'note');
    const caseRow = await platform.ctx.db.kysely.selectFrom('mediation_case').select(['accepted_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
    for (const who of ['grid01', 'xishan']) {
      expect(await notesOf(who, `/api/v1/events/${dispute}`), who).toEqual([
        expect.objectContaining({
          comment: `已转人民调解，案件编号 ${c.number}`,
          actorName: '网格员 李建华',
          at: caseRow.accepted_at,
          link: { kind: 'mediation.case', id: c.id, label: c.number, href: `/console/community/mediation/${c.id}` },
        }),
      ]);
    }
    // … and for the resident who reported it, in their own view (no names, no console link).
    const own = await notesOf('resident01', `/api/v1/me/events/${dispute}`);
    expect(own).toMatchObject([{ actorName: null, link: { id: c.id, label: c.number, href: null } }]);
    expect(own[0]!.comment).toContain(`案件编号 ${c.number}`);
    // Audited in the case's transaction: the entry's audit row follows the case's own, seq by seq.
    const trail = await platform.ctx.db.kysely
      .selectFrom('audit_log')
      .select(['seq', 'action'])
      .where((eb) => eb.or([eb.and([eb('action', '=', 'community.mediation.create'), eb('target_id', '=', c.id)]), eb.and([eb('action', '=', 'events.event.note'), eb('target_id', '=', dispute)])]))
      .orderBy('seq')
      .execute();
    expect(trail.map((r) => r.action)).toEqual(['community.mediation.create', 'events.event.note']);
    expect(Number(trail[1]!.seq)).toBe(Number(trail[0]!.seq) + 1);

    const again = await call('xishan', 'POST', `/api/v1/mediation/cases/from-event/${dispute}`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'MEDIATION_EVENT_TAKEN', details: { caseId: c.id } });
    expect(await notesOf('grid01', `/api/v1/events/${dispute}`)).toHaveLength(1);

    // Two at the same instant: one case, one 409 (the unique key on source_event_id decides).
    const twice = await report('0402', '居民对物业停车收费标准有意见，与物业多次争执，希望社区调解');
    const both = await Promise.all([call('grid01', 'POST', `/api/v1/mediation/cases/from-event/${twice}`, {}), call('xishan', 'POST', `/api/v1/mediation/cases/from-event/${twice}`, {})]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const made = await platform.ctx.db.kysely.selectFrom('mediation_case').select(['id', 'category']).where('source_event_id', '=', twice).execute();
    expect(made).toHaveLength(1);
    expect(made[0]!.category).toBe('物业纠纷');
    expect(both.find((r) => r.statusCode === 409)!.json().error.details).toEqual({ caseId: made[0]!.id });
    // One entry on that event too, naming the one case.
    const twiceNotes = await platform.ctx.db.kysely.selectFrom('event_note').select(['kind', 'record_id']).where('event_id', '=', twice).execute();
    expect(twiceNotes).toEqual([{ kind: 'mediation.case', record_id: made[0]!.id }]);

    const wrong = await call('grid01', 'POST', `/api/v1/mediation/cases/from-event/${litter}`, {}, 'en');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('MEDIATION_EVENT_NOT_DISPUTE');
    expect(wrong.json().error.message).toContain('disputes');
    const count = await platform.ctx.db.kysely.selectFrom('mediation_case').select('id').where('source_event_id', '=', litter).execute();
    expect(count).toEqual([]);
    // Refused calls wrote nothing on the events either (grid02's 404, the 400 for litter).
    const refusedNotes = await platform.ctx.db.kysely.selectFrom('event_note').select('id').where('event_id', '=', litter).execute();
    expect(refusedNotes).toEqual([]);
    const noteAudits = await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_id']).where('action', '=', 'events.event.note').where('target_id', '=', dispute).execute();
    expect(noteAudits).toEqual([{ actor_id: fx.users.grid01 }]);
  });

  it('gives the committee counts per status and category, with no names and no facts', async () => {
    const res = await call('xishan', 'GET', `/api/v1/mediation/statistics?orgNodeId=${fx.nodes.xishan.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json() as { total: number; byStatus: Record<string, number>; byCategory: Record<string, number>; successRate: number | null };
    const all = await platform.ctx.db.kysely.selectFrom('mediation_case').select(['status']).execute();
    expect(stats.total).toBe(all.length);
    expect(stats.byStatus.closed).toBe(all.filter((r) => r.status === 'closed').length);
    expect(stats.byCategory['婚姻家庭']).toBe(1);
    expect(stats.successRate).toBe(1);
    expect(res.body).not.toContain('朱志强');
    expect(res.body).not.toContain('渗水');
    expect((await call('grid01', 'GET', '/api/v1/mediation/statistics')).statusCode).toBe(403);
    expect((await call('xishan', 'GET', `/api/v1/mediation/statistics?orgNodeId=${fx.nodes.dongshan.id}`)).statusCode).toBe(403);
  });
});
