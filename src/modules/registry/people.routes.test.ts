import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { composeIdNumber, upgradeIdNumber15 } from '../../platform/cn/id-number.js';
import type { Actor } from '../../platform/policy/actor.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { upsertPeopleByIdNumber, upsertPersonByIdNumber, type PersonInput } from './people.write.js';

// A woman born 1985-03-15 in 海宁 and a man born 1992-07-01: numbers with their check characters.
const LI = composeIdNumber('330481', '1985-03-15', 124);
const HE = composeIdNumber('330481', '1992-07-01', 351);
const OLD15 = '330481700512033'; // first-generation number, 1970-05-12, male

describe(`people write API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const call = async (username: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: { ...(await as(username)).headers, ...headers } });
  const db = () => platform.ctx.db.kysely;
  const lastAudit = (action: string) => db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const person = (id: string) => db().selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const newPerson = (over: Partial<PersonInput> & Record<string, unknown> = {}) => ({
    name: '李晓燕',
    idType: '居民身份证',
    idNumber: LI,
    phone: '13700001111',
    ethnicity: '汉',
    residenceType: '户籍人口',
    dwellingId: fx.nodes.dwelling02.id,
    ...over,
  });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const id = reg.people.zhu;
    for (const [method, url] of [
      ['GET', '/api/v1/registry/codes'],
      ['POST', '/api/v1/people'],
      ['PATCH', `/api/v1/people/${id}`],
      ['POST', `/api/v1/people/${id}/end`],
      ['GET', `/api/v1/people/${id}/history`],
      ['GET', '/api/v1/people/unplaced'],
      ['POST', `/api/v1/people/${id}/place`],
      ['GET', `/api/v1/people/${id}/dwellings`],
      ['POST', `/api/v1/people/${id}/dwellings`],
      ['DELETE', `/api/v1/people/${id}/dwellings/x`],
    ] as const) {
      const res = await app.inject({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('refuses writes to roles without registry.person.write', async () => {
    expect((await call('street', 'POST', '/api/v1/people', newPerson())).statusCode).toBe(403);
    expect((await call('civil', 'PATCH', `/api/v1/people/${reg.people.zhu}`, { occupation: '教师' })).statusCode).toBe(403);
    expect((await call('resident01', 'POST', '/api/v1/people', newPerson())).statusCode).toBe(403);
  });

  it('serves the code lists for forms', async () => {
    const res = await call('grid01', 'GET', '/api/v1/registry/codes');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ethnicity.filter((e: { code: string }) => Number(e.code) <= 56)).toHaveLength(56);
    expect(body.ethnicity[0]).toMatchObject({ code: '01', name: '汉族' });
    expect(body.relationToHead.find((e: { code: string }) => e.code === '10').name).toBe('配偶');
    expect(body.maritalStatus.map((e: { name: string }) => e.name)).toContain('丧偶');
    expect(body.idTypes).toEqual(['居民身份证', '港澳台居民居住证', '外国人永久居留身份证', '护照']);
    expect(body.dwellingUses).toEqual(['自住', '出租', '空置', '商用']);
  });

  describe('create', () => {
    let created: string;

    it('registers a person: gender and birth date from the number, numbers masked, codes normalised, audited', async () => {
      const res = await call('grid01', 'POST', '/api/v1/people', newPerson({ politicalStatus: '党员', education: '本科', maritalStatus: '离异', relationToHead: '妻子' }));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      created = body.id;
      expect(body).toMatchObject({
        name: '李晓燕',
        gender: '女',
        birthDate: '1985-03-15',
        idNumber: `330481********${LI.slice(-4)}`,
        phone: '137****1111',
        ethnicity: '汉族',
        politicalStatus: '中共党员',
        education: '大学本科',
        maritalStatus: '离婚',
        relationToHead: '12',
        relationToHeadName: '妻',
        dwellingId: fx.nodes.dwelling02.id,
        orgNodeId: fx.nodes.dwelling02.id,
        status: 'active',
      });
      expect(res.body).not.toContain(LI);
      expect(res.body).not.toContain('13700001111');
      const row = await person(created);
      expect(row.org_path).toBe(fx.nodes.dwelling02.path);
      expect(platform.ctx.pii.decrypt(row.id_number_enc!)).toBe(LI);
      expect(row.id_number_enc).not.toContain(LI);
      const audit = await lastAudit('registry.person.create');
      expect(audit).toMatchObject({ actor_name: 'grid01', target_id: created, outcome: 'success' });
      expect(audit.details).not.toContain(LI);
      // The new resident's "lives here" link and the search index.
      const links = await db().selectFrom('person_dwelling_link').selectAll().where('person_id', '=', created).execute();
      expect(links).toMatchObject([{ dwelling_id: fx.nodes.dwelling02.id, relation: 'resident', ended_at: null }]);
      expect(await db().selectFrom('person_search').select(['name', 'name_initials']).where('person_id', '=', created).executeTakeFirst()).toMatchObject({ name: '李晓燕', name_initials: 'lxy' });
    });

    it('refuses a second active person with the same number (409)', async () => {
      const res = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: '李小燕' }));
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'ID_NUMBER_EXISTS', details: { personId: created } });
    });

    it('rejects a number with a wrong check digit (400)', async () => {
      const wrong = HE.slice(0, 17) + (HE[17] === '1' ? '2' : '1');
      const res = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: wrong }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('ID_NUMBER_INVALID');
      expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'idNumber', problem: 'check_digit' })]);
      expect(res.json().error.message).toBe('身份证号码无效');
    });

    it('upgrades a 15-digit number to 18 with its check digit computed', async () => {
      const full = upgradeIdNumber15(OLD15);
      expect(full).toMatch(/^33048119700512033[\dX]$/);
      const res = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: '沈国华', idNumber: OLD15, phone: null }));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ gender: '男', birthDate: '1970-05-12', idNumber: `330481********${full.slice(-4)}` });
      const row = await person(res.json().id);
      expect(platform.ctx.pii.decrypt(row.id_number_enc!)).toBe(full);
      expect(row.id_number_tail).toBe(full.slice(-4));
    });

    it('rejects a typed birth date or gender that disagrees with the number, in Chinese or English', async () => {
      const zh = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: HE, birthDate: '1992年7月2日' }));
      expect(zh.statusCode).toBe(400);
      expect(zh.json().error).toMatchObject({ code: 'BIRTH_DATE_MISMATCH', message: '出生日期与身份证号码不一致（号码中为 1992-07-01）' });
      const en = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: HE, birthDate: '1992-07-02' }), { 'accept-language': 'en' });
      expect(en.json().error.message).toBe('The birth date does not match the ID number (the number says 1992-07-01)');
      const gender = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: HE, gender: '女' }));
      expect(gender.statusCode).toBe(400);
      expect(gender.json().error.code).toBe('GENDER_MISMATCH');
      // Agreeing values are fine.
      const ok = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: '何志明', idNumber: HE, gender: '男', birthDate: '1992/7/1', phone: null }));
      expect(ok.statusCode).toBe(201);
    });

    it('checks other ID types by their own format; gender must then be typed', async () => {
      const passport = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: 'John Smith', idType: '护照', idNumber: 'e12345678', residenceType: '境外人员', phone: null }));
      expect(passport.statusCode).toBe(400);
      expect(passport.json().error.code).toBe('GENDER_REQUIRED');
      const ok = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: 'John Smith', idType: '护照', idNumber: 'e12345678', gender: '男', birthDate: '1980-02-29', residenceType: '境外人员', phone: null, ethnicity: null }));
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ idNumber: '****5678', gender: '男', birthDate: '1980-02-29' });
      const bad = await call('grid01', 'POST', '/api/v1/people', newPerson({ idType: '护照', idNumber: 'E1-234', gender: '男' }));
      expect(bad.json().error.code).toBe('ID_NUMBER_FORMAT');
      // A mainland number typed as a residence permit (and vice versa) is refused.
      expect((await call('grid01', 'POST', '/api/v1/people', newPerson({ idType: '港澳台居民居住证' }))).json().error.code).toBe('ID_NUMBER_INVALID');
      // 外国人永久居留身份证 (2017): 9 + province + nationality + birth date + sequence + check character.
      const first17 = '93384019800229001';
      const { idCheckChar } = await import('../../platform/cn/id-number.js');
      const pr = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: 'Anna Müller', idType: '外国人永久居留身份证', idNumber: first17 + idCheckChar(first17), gender: '女', residenceType: '境外人员', phone: null, ethnicity: null }));
      expect(pr.statusCode).toBe(201);
      expect(pr.json().birthDate).toBe('1980-02-29');
      const prWrong = await call('grid01', 'POST', '/api/v1/people', newPerson({ idType: '外国人永久居留身份证', idNumber: first17 + (idCheckChar(first17) === '0' ? '1' : '0'), gender: '女' }));
      expect(prWrong.json().error.code).toBe('ID_NUMBER_FORMAT');
    });

    it('validates phone and code-list values', async () => {
      const phone = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', phone: '12345678901' }));
      expect(phone.statusCode).toBe(400);
      expect(phone.json().error.details[0]).toMatchObject({ field: 'body.phone', code: 'MOBILE_INVALID' });
      const ethnicity = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', ethnicity: '火星族' }));
      expect(ethnicity.statusCode).toBe(400);
      expect(ethnicity.json().error).toMatchObject({ code: 'CODE_UNKNOWN', message: '“火星族”不在 GB 3304 代码表中' });
      const relation = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', relationToHead: '邻居' }));
      expect(relation.json().error.code).toBe('CODE_UNKNOWN');
    });

    it('needs a dwelling or a community node', async () => {
      const res = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', dwellingId: null }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('PLACE_REQUIRED');
      const notDwelling = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', dwellingId: fx.nodes.building01.id }));
      expect(notDwelling.json().error.code).toBe('NOT_A_DWELLING');
    });
  });

  describe('subtree isolation', () => {
    it('grid01 cannot create, update, end, see the history of or place a person of grid02 (403, audited)', async () => {
      const create = await call('grid01', 'POST', '/api/v1/people', newPerson({ idNumber: null, gender: '女', dwellingId: reg.nodes.dwelling03.id }));
      expect(create.statusCode).toBe(403);
      expect(await lastAudit('registry.person.create')).toMatchObject({ outcome: 'denied', actor_name: 'grid01', target_id: reg.nodes.dwelling03.id });
      const update = await call('grid01', 'PATCH', `/api/v1/people/${reg.people.wang}`, { occupation: '退休' });
      expect(update.statusCode).toBe(403);
      expect(await lastAudit('registry.person.update')).toMatchObject({ outcome: 'denied', target_id: reg.people.wang });
      expect((await call('grid01', 'POST', `/api/v1/people/${reg.people.wang}/end`, { kind: 'moved_out', date: '2026-11-20', reason: '搬走了' })).statusCode).toBe(403);
      expect((await call('grid01', 'GET', `/api/v1/people/${reg.people.wang}/history`)).statusCode).toBe(403);
      // Nor move one of their own people into grid02.
      expect((await call('grid01', 'PATCH', `/api/v1/people/${reg.people.child}`, { dwellingId: reg.nodes.dwelling03.id })).statusCode).toBe(403);
      expect((await person(reg.people.wang)).occupation).toBeNull();
      expect((await person(reg.people.child)).dwelling_id).toBe(fx.nodes.dwelling01.id);
      expect((await call('grid01', 'PATCH', '/api/v1/people/nosuchperson', { occupation: 'x' })).statusCode).toBe(404);
    });

    it('community staff write both grids', async () => {
      const res = await call('xishan', 'PATCH', `/api/v1/people/${reg.people.wang}`, { occupation: '退休', reason: '入户走访核实' });
      expect(res.statusCode).toBe(200);
      expect(res.json().occupation).toBe('退休');
    });
  });

  describe('update and history', () => {
    it('keeps who, when, old and new for each changed field, phones and ID numbers masked', async () => {
      platform.advance(60_000);
      const res = await call('grid01', 'PATCH', `/api/v1/people/${reg.people.zhu}`, { phone: '139 0000 2222', education: '大专', reason: '居民来电更新' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ phone: '139****2222', education: '大学专科' });
      const history = await call('grid01', 'GET', `/api/v1/people/${reg.people.zhu}/history`);
      expect(history.statusCode).toBe(200);
      const items = history.json().items as { field: string; oldValue: string; newValue: string; reason: string; actorName: string; source: string }[];
      expect(items.find((i) => i.field === 'phone')).toMatchObject({ oldValue: '138****5678', newValue: '139****2222', reason: '居民来电更新', actorName: '网格员 李建华', source: 'form' });
      expect(items.find((i) => i.field === 'education')).toMatchObject({ oldValue: null, newValue: '大学专科' });
      expect(history.body).not.toContain(REGISTRY_PEOPLE.zhu.phone);
      expect(history.body).not.toContain('13900002222');
      const stored = await db().selectFrom('person_change').selectAll().where('person_id', '=', reg.people.zhu).execute();
      expect(JSON.stringify(stored)).not.toContain('13900002222');
      expect(JSON.stringify(stored)).not.toContain(REGISTRY_PEOPLE.zhu.phone);
      // The history read is in the person's access log.
      const access = await db().selectFrom('person_access').selectAll().where('person_id', '=', reg.people.zhu).orderBy('at', 'desc').executeTakeFirstOrThrow();
      expect(access).toMatchObject({ kind: 'view', actor_name: '网格员 李建华' });
    });

    it('masks an ID number correction in the history', async () => {
      const fixed = composeIdNumber('330481', '2016-03-08', 17);
      const res = await call('grid01', 'PATCH', `/api/v1/people/${reg.people.child}`, { idNumber: fixed, reason: '补录身份证号' });
      expect(res.statusCode).toBe(200);
      const items = (await call('grid01', 'GET', `/api/v1/people/${reg.people.child}/history`)).json().items;
      expect(items.find((i: { field: string }) => i.field === 'idNumber')).toMatchObject({ oldValue: null, newValue: `330481********${fixed.slice(-4)}` });
    });

    it('writes nothing when nothing changed', async () => {
      const before = (await db().selectFrom('person_change').select('id').where('person_id', '=', reg.people.zhu).execute()).length;
      const res = await call('grid01', 'PATCH', `/api/v1/people/${reg.people.zhu}`, { education: '大学专科', phone: '13900002222' });
      expect(res.statusCode).toBe(200);
      expect((await db().selectFrom('person_change').select('id').where('person_id', '=', reg.people.zhu).execute()).length).toBe(before);
    });

    it('cross-checks a typed birth date against the stored number', async () => {
      const res = await call('grid01', 'PATCH', `/api/v1/people/${reg.people.zhu}`, { birthDate: '1980-01-02' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BIRTH_DATE_MISMATCH');
    });
  });

  describe('end of record', () => {
    it('keeps the row, with kind, date and reason, and takes the person off the active lists', async () => {
      const created = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: '周建明', idNumber: composeIdNumber('330481', '1950-10-10', 11), phone: null }));
      const id = created.json().id;
      const occupants = async () => (await call('grid01', 'GET', `/api/v1/dwellings/${fx.nodes.dwelling02.id}`)).json().occupants.map((o: { id: string }) => o.id);
      expect(await occupants()).toContain(id);
      const res = await call('grid01', 'POST', `/api/v1/people/${id}/end`, { kind: 'deceased', date: '2026-11-20', reason: '病故，家属告知' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'deceased', endDate: '2026-11-20', endReason: '病故，家属告知' });
      const row = await person(id);
      expect(row).toMatchObject({ status: 'deceased', end_kind: 'deceased', end_date: '2026-11-20' });
      expect(row.ended_at).not.toBeNull();
      expect(await occupants()).not.toContain(id);
      const links = await db().selectFrom('person_dwelling_link').selectAll().where('person_id', '=', id).execute();
      expect(links.every((l) => l.ended_at !== null && l.to_date === '2026-11-20')).toBe(true);
      // An ended record is not edited, not ended twice.
      expect((await call('grid01', 'PATCH', `/api/v1/people/${id}`, { occupation: 'x' })).statusCode).toBe(409);
      expect((await call('grid01', 'POST', `/api/v1/people/${id}/end`, { kind: 'moved_out', date: '2026-11-21', reason: '重复' })).statusCode).toBe(409);
      const history = (await call('grid01', 'GET', `/api/v1/people/${id}/history`)).json().items;
      expect(history.find((i: { field: string }) => i.field === 'status')).toMatchObject({ oldValue: 'active', newValue: 'deceased', reason: '病故，家属告知' });
      expect(await lastAudit('registry.person.end')).toMatchObject({ target_id: id, outcome: 'success' });
      // The same person may be registered again (moved back): the ended record stays as history.
      const again = await call('grid01', 'POST', '/api/v1/people', newPerson({ name: '周建明', idNumber: composeIdNumber('330481', '1950-10-10', 11), phone: null }));
      expect(again.statusCode).toBe(201);
    });
  });

  describe('upsert by ID number (imports)', () => {
    const actorOf = async (username: string): Promise<Actor> => {
      const user = await db().selectFrom('app_user').select(['id', 'username', 'display_name', 'person_id']).where('username', '=', username).executeTakeFirstOrThrow();
      const grants = await db().selectFrom('role_grant').innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id').select(['role', 'org_node_id', 'org_node.path', 'department_code']).where('user_id', '=', user.id).execute();
      return { userId: user.id, username: user.username, displayName: user.display_name, personId: user.person_id, via: 'session', grants: grants.map((g) => ({ role: g.role as never, orgNodeId: g.org_node_id, orgPath: g.path, departmentCode: g.department_code })) };
    };
    const upsert = async (actor: Actor, input: PersonInput) => platform.ctx.db.kysely.transaction().execute((trx) => upsertPersonByIdNumber(platform.ctx, trx, actor, input, { source: 'import' }));
    const row: PersonInput = {
      name: '蒋丽华',
      idType: '居民身份证',
      idNumber: composeIdNumber('340104', '1990-09-09', 222),
      phone: '15800003333',
      residenceType: '流动人口',
      ethnicity: '汉族',
      dwellingId: null,
      communityId: '',
      householdNumber: '003000777',
      relationToHead: '户主',
      tags: [],
    };

    it('creates, then answers unchanged, then updated; never twice', async () => {
      const actor = await actorOf('xishan');
      const input = { ...row, communityId: fx.nodes.xishan.id };
      const first = await upsert(actor, input);
      expect(first.outcome).toBe('created');
      const second = await upsert(actor, input);
      expect(second).toEqual({ outcome: 'unchanged', personId: first.personId });
      const changes = await db().selectFrom('person_change').select('id').where('person_id', '=', first.personId).execute();
      const third = await upsert(actor, { ...input, phone: '15800004444' });
      expect(third).toEqual({ outcome: 'updated', personId: first.personId });
      expect((await db().selectFrom('person_change').select('id').where('person_id', '=', first.personId).execute()).length).toBe(changes.length + 1);
      const p = await person(first.personId);
      expect(p).toMatchObject({ org_path: fx.nodes.xishan.path, dwelling_id: null, residence_type: '流动人口', relation_to_head: '02' });
      const household = await db().selectFrom('household').selectAll().where('id', '=', p.household_id!).executeTakeFirstOrThrow();
      expect(household).toMatchObject({ number: '003000777', head_person_id: first.personId });
      expect((await db().selectFrom('person').select('id').where('id_number_idx', '=', p.id_number_idx).execute()).length).toBe(1);
      const audit = await lastAudit('registry.person.upsert');
      expect(audit.target_id).toBe(first.personId);
      expect(JSON.parse(audit.details!)).toEqual({ source: 'import', created: [], updated: [{ personId: first.personId, fields: ['phone'] }] });
      // The 15-digit form of the same number finds the same person.
      const old15 = input.idNumber!.slice(0, 6) + input.idNumber!.slice(8, 17);
      expect(await upsert(actor, { ...input, idNumber: old15, phone: '15800004444' })).toEqual({ outcome: 'unchanged', personId: first.personId });
    });

    it('rejects a row outside the importer\'s area, and a row without a number', async () => {
      const actor = await actorOf('grid02');
      await expect(upsert(actor, { ...row, communityId: fx.nodes.xishan.id })).rejects.toMatchObject({ status: 403, code: 'PERSON_OUTSIDE_SCOPE' });
      await expect(upsert(actor, { ...row, idNumber: null, communityId: fx.nodes.grid02.id })).rejects.toMatchObject({ status: 400, code: 'ID_NUMBER_REQUIRED' });
    });

    it('upserts a chunk at once: refused rows write nothing, a number twice acts as two calls in order, one audit row', async () => {
      const actor = await actorOf('xishan');
      const auditsBefore = (await db().selectFrom('audit_log').select('seq').where('action', '=', 'registry.person.upsert').execute()).length;
      const a = composeIdNumber('330481', '2001-02-03', 41);
      const b = composeIdNumber('330481', '2002-03-04', 52);
      const base = { ...row, householdNumber: '003000888', relationToHead: '子', communityId: fx.nodes.xishan.id };
      const results = await platform.ctx.db.kysely.transaction().execute((trx) =>
        upsertPeopleByIdNumber(platform.ctx, trx, actor, [
          { ...base, name: '甲', idNumber: a, phone: '13300000001', relationToHead: '户主', tags: ['党员'] },
          { ...base, name: '乙', idNumber: b.slice(0, 17) + (b[17] === '1' ? '2' : '1') },
          { ...base, name: '丙', idNumber: b, dwellingId: reg.nodes.dwelling03.id },
          { ...base, name: '甲', idNumber: a, phone: '13300000002', relationToHead: '户主', tags: ['党员'] },
          { ...base, name: '丁', idNumber: b, ethnicity: '火星族' },
          { ...base, name: '甲', idNumber: a, phone: '13300000002', relationToHead: '户主', tags: ['党员'] },
        ], { source: 'import' }),
      );
      expect(results.map((r) => (r.ok ? r.outcome : r.error.code))).toEqual(['created', 'ID_NUMBER_INVALID', 'created', 'updated', 'CODE_UNKNOWN', 'unchanged']);
      const ids = results.filter((r) => r.ok).map((r) => (r as { personId: string }).personId);
      expect(new Set(ids).size).toBe(2);
      const people = await db().selectFrom('person').selectAll().where('id', 'in', ids).execute();
      const jia = people.find((p) => p.name === '甲')!;
      expect(platform.ctx.pii.decrypt(jia.phone_enc!)).toBe('13300000002');
      expect(people.find((p) => p.name === '丙')).toMatchObject({ dwelling_id: reg.nodes.dwelling03.id, ethnicity: '汉族' });
      const household = await db().selectFrom('household').selectAll().where('number', '=', '003000888').execute();
      expect(household).toHaveLength(1);
      expect(household[0]!.head_person_id).toBe(jia.id);
      expect(people.every((p) => p.household_id === household[0]!.id)).toBe(true);
      const tags = await db().selectFrom('person_tag').selectAll().where('person_id', '=', jia.id).execute();
      expect(tags.map((t) => [t.tag, t.source])).toEqual([['党员', 'imported']]);
      expect(await db().selectFrom('person_search').select('name').where('person_id', 'in', ids).execute()).toHaveLength(2);
      const audits = await db().selectFrom('audit_log').selectAll().where('action', '=', 'registry.person.upsert').orderBy('seq').execute();
      // One row for the run, plus one where the repeated number made it write what was pending first.
      expect(audits.length - auditsBefore).toBe(2);
      expect(audits.slice(auditsBefore).flatMap((x) => JSON.parse(x.details!).created as string[]).sort()).toEqual([...new Set(ids)].sort());
    });

    it('never un-places someone a grid worker placed when the row has no dwelling', async () => {
      const actor = await actorOf('xishan');
      const id = (await upsert(actor, { ...row, communityId: fx.nodes.xishan.id })).personId;
      const placed = await call('grid01', 'POST', `/api/v1/people/${id}/place`, { dwellingId: fx.nodes.dwelling02.id });
      expect(placed.statusCode).toBe(200);
      const again = await upsert(actor, { ...row, communityId: fx.nodes.xishan.id });
      expect(again.outcome).toBe('unchanged');
      expect((await person(id)).dwelling_id).toBe(fx.nodes.dwelling02.id);
    });
  });

  describe('placement of people kept at community level', () => {
    let id: string;

    it('lists people without a dwelling for the grid workers of the community, masked', async () => {
      const res = await call('xishan', 'POST', '/api/v1/people', newPerson({ name: '钱文静', idNumber: composeIdNumber('330481', '1999-12-31', 88), dwellingId: null, communityId: fx.nodes.xishan.id, phone: '13600007777' }));
      expect(res.statusCode).toBe(201);
      id = res.json().id;
      expect(res.json()).toMatchObject({ dwellingId: null, orgNodeId: fx.nodes.xishan.id });
      for (const username of ['grid01', 'grid02', 'xishan']) {
        const list = await call(username, 'GET', '/api/v1/people/unplaced');
        expect(list.statusCode, username).toBe(200);
        const item = list.json().items.find((i: { id: string }) => i.id === id);
        expect(item, username).toMatchObject({ name: '钱文静', orgNodeName: '西山社区', phone: '136****7777' });
      }
      expect((await call('grid01', 'GET', `/api/v1/people/unplaced?orgNodeId=${fx.nodes.dongshan.id}`)).statusCode).toBe(403);
    });

    it('a grid worker places them in a dwelling of their grid, not of another', async () => {
      expect((await call('grid02', 'POST', `/api/v1/people/${id}/place`, { dwellingId: fx.nodes.dwelling02.id })).statusCode).toBe(403);
      const res = await call('grid01', 'POST', `/api/v1/people/${id}/place`, { dwellingId: fx.nodes.dwelling02.id });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ dwellingId: fx.nodes.dwelling02.id, orgNodeId: fx.nodes.dwelling02.id });
      expect((await person(id)).org_path).toBe(fx.nodes.dwelling02.path);
      const list = await call('grid01', 'GET', '/api/v1/people/unplaced');
      expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(id);
      const history = (await call('grid01', 'GET', `/api/v1/people/${id}/history`)).json().items;
      expect(history.find((i: { field: string }) => i.field === 'address')).toMatchObject({ oldValue: '西山社区', newValue: '1幢1单元102室', reason: '安置到房屋' });
      expect((await call('grid01', 'POST', `/api/v1/people/${id}/place`, { dwellingId: fx.nodes.dwelling01.id })).statusCode).toBe(409);
    });

    it('moving out of a dwelling but staying registered puts the person back at community level', async () => {
      const res = await call('xishan', 'PATCH', `/api/v1/people/${id}`, { dwellingId: null, reason: '房屋出售，暂住亲戚家' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ dwellingId: null, orgNodeId: fx.nodes.xishan.id });
      expect((await call('grid01', 'GET', '/api/v1/people/unplaced')).json().items.map((i: { id: string }) => i.id)).toContain(id);
      const links = (await call('xishan', 'GET', `/api/v1/people/${id}/dwellings`)).json().items;
      expect(links.every((l: { active: boolean }) => !l.active)).toBe(true);
    });
  });

  describe('person–dwelling links', () => {
    it('adds an owner link, lists it, ends it (kept)', async () => {
      const add = await call('grid01', 'POST', `/api/v1/people/${reg.people.xu}/dwellings`, { dwellingId: fx.nodes.dwelling02.id, relation: 'owner', fromDate: '2015-06-01' });
      expect(add.statusCode).toBe(201);
      expect(add.json()).toMatchObject({ relation: 'owner', dwellingId: fx.nodes.dwelling02.id, fromDate: '2015-06-01', active: true });
      expect((await call('grid01', 'POST', `/api/v1/people/${reg.people.xu}/dwellings`, { dwellingId: fx.nodes.dwelling02.id, relation: 'owner' })).statusCode).toBe(409);
      const list = await call('grid01', 'GET', `/api/v1/people/${reg.people.xu}/dwellings`);
      expect(list.json().items.map((l: { relation: string }) => l.relation).sort()).toEqual(['owner']);
      const end = await call('grid01', 'DELETE', `/api/v1/people/${reg.people.xu}/dwellings/${add.json().id}?toDate=2026-11-01`);
      expect(end.statusCode).toBe(200);
      expect(end.json()).toMatchObject({ active: false, toDate: '2026-11-01' });
      expect((await db().selectFrom('person_dwelling_link').selectAll().where('id', '=', add.json().id).executeTakeFirstOrThrow()).ended_at).not.toBeNull();
    });

    it('refuses a link to a dwelling outside the grid', async () => {
      expect((await call('grid01', 'POST', `/api/v1/people/${reg.people.xu}/dwellings`, { dwellingId: reg.nodes.dwelling03.id, relation: 'tenant' })).statusCode).toBe(403);
      expect((await call('grid02', 'GET', `/api/v1/people/${reg.people.xu}/dwellings`)).statusCode).toBe(403);
    });

    it('"lives here" moves the record and keeps the old link as history', async () => {
      const res = await call('grid01', 'POST', `/api/v1/people/${reg.people.child}/dwellings`, { dwellingId: fx.nodes.dwelling02.id, relation: 'resident' });
      expect(res.statusCode).toBe(201);
      expect((await person(reg.people.child)).dwelling_id).toBe(fx.nodes.dwelling02.id);
      const links = (await call('grid01', 'GET', `/api/v1/people/${reg.people.child}/dwellings`)).json().items;
      expect(links.filter((l: { active: boolean }) => l.active)).toEqual([expect.objectContaining({ relation: 'resident', dwellingId: fx.nodes.dwelling02.id })]);
    });
  });
});
