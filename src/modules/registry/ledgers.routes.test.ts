import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { createUser } from '../../platform/auth/users.service.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import { newId } from '../../platform/ids.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { insertPeople } from './registry.repository.js';
import { personRow } from './registry.service.js';
import { refreshAllDerivedTags } from './tags.derived.js';
import type { PersonTagTable } from './tags.table.js';

type Row = Record<string, string | number | null>;

describe(`ledgers API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const extra: Record<'elder' | 'vet' | 'dsDisabled', string> = { elder: '', vet: '', dsDisabled: '' };
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const send = async (username: string, method: 'POST' | 'PATCH', url: string, payload: object) => app.inject({ method, url, payload, headers: (await as(username)).headers });
  const rowsOf = async (username: string, ledgerId: string, query = '') => {
    const res = await get(username, `/api/v1/ledgers/${ledgerId}/rows${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { rows: Row[]; total: number; columns: { field: string; header: string }[]; hiddenColumns: string[]; ledger: { unit: string; date: string; title: string }; unmasked: boolean };
  };
  const names = (body: { rows: Row[] }) => body.rows.map((r) => r.name).sort();
  const purpose = (text: string) => `purpose=${encodeURIComponent(text)}`;
  const lastAudit = (action: string) =>
    platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const ctx = platform.ctx;
    const at = ctx.now().toISOString();
    // Three more people: an elder of 85 living alone in grid01, a veteran in grid02, a disabled man in 东山社区.
    const elder = personRow(ctx, { name: '钱阿婆', idNumber: composeIdNumber('330481', '1941-03-02', 24), phone: '13900001234', residenceType: '户籍人口', householdId: null, dwellingId: fx.nodes.dwelling02.id, orgPath: fx.nodes.dwelling02.path }, at);
    const vet = personRow(ctx, { name: '孙建军', idNumber: composeIdNumber('330481', '1975-08-01', 31), residenceType: '户籍人口', dwellingId: reg.nodes.dwelling03.id, orgPath: reg.nodes.dwelling03.path }, at);
    const ds = personRow(ctx, { name: '吴小明', idNumber: composeIdNumber('330481', '1990-04-04', 53), residenceType: '户籍人口', dwellingId: reg.nodes.dongshanDwelling.id, orgPath: reg.nodes.dongshanDwelling.path }, at);
    await insertPeople(ctx.db.kysely, [elder, vet, ds]);
    Object.assign(extra, { elder: elder.id, vet: vet.id, dsDisabled: ds.id });
    const tag = (personId: string, t: string, over: Partial<PersonTagTable> = {}): PersonTagTable => ({
      id: newId(),
      person_id: personId,
      tag: t,
      source: 'typed',
      department_code: null,
      valid_from: null,
      valid_to: null,
      note: null,
      created_by: null,
      created_at: at,
      ended_at: null,
      ended_by: null,
      end_reason: null,
      ...over,
    });
    const dibao = { source: 'department' as const, department_code: 'civil', valid_from: '2025-01-01', note: '差额保障' };
    await ctx.db.kysely
      .insertInto('person_tag')
      .values([
        tag(reg.people.zhu, '低保', dibao),
        tag(reg.people.xu, '低保', dibao),
        // Not today's 低保: one ended, one from next year.
        tag(reg.people.wang, '低保', { ...dibao, ended_at: at, end_reason: '收入超标' }),
        tag(reg.people.chen, '低保', { ...dibao, valid_from: '2027-01-01' }),
        tag(elder.id, '残疾人', { valid_from: '2019-06-01', note: '视力残疾二级' }),
        tag(elder.id, '独居老人', { note: '紧急联系人：女儿（同社区）' }),
        tag(ds.id, '残疾人', { note: '肢体残疾三级' }),
        tag(vet.id, '退役军人', { source: 'department', department_code: 'veterans', note: '1993年入伍，1997年退役' }),
      ])
      .execute();
    await refreshAllDerivedTags(ctx);
    for (const [username, departmentCode, node] of [
      ['social', 'social-security', fx.nodes.street.id],
      ['weijian', 'health', fx.nodes.xishan.id],
    ] as const) {
      await createUser(ctx, { username, displayName: `${username} officer`, password: DEMO_PASSWORD, mustChangePassword: false, grants: [{ role: 'department_officer', orgNodeId: node, departmentCode }] });
    }
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/ledgers' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/ledgers/builtin-civil.dibao/export.xlsx' })).statusCode).toBe(401);
  });

  describe('definitions', () => {
    it('offers staff the six built-in ledgers, a department officer only its department\'s', async () => {
      const staff = (await get('xishan', '/api/v1/ledgers')).json();
      expect(staff.items.map((l: { code: string }) => l.code).sort()).toEqual(
        ['civil.dibao', 'civil.over80', 'health.fertile-women', 'civil.disabled', 'veterans.veterans', 'civil.living-alone'].sort(),
      );
      expect(staff.abilities.manage).toBe(true);
      const dibao = staff.items.find((l: { code: string }) => l.code === 'civil.dibao');
      expect(dibao).toMatchObject({ id: 'builtin-civil.dibao', title: '低保对象台账', departmentCode: 'civil', departmentName: '民政', tags: ['低保'], builtIn: true, archived: false });
      expect(dibao.columns.map((c: { header: string }) => c.header)).toEqual(['序号', '姓名', '性别', '出生日期', '身份证号', '联系电话', '住址', '所属网格', '保障期限', '保障情况', '备注']);
      expect((await get('grid01', '/api/v1/ledgers')).json().abilities.manage).toBe(false);
      const civil = (await get('civil', '/api/v1/ledgers')).json();
      expect(civil.items.map((l: { code: string }) => l.code).sort()).toEqual(['civil.dibao', 'civil.disabled', 'civil.living-alone', 'civil.over80']);
      expect((await get('weijian', '/api/v1/ledgers')).json().items.map((l: { code: string }) => l.code)).toEqual(['health.fertile-women']);
      expect((await get('weijian', '/api/v1/ledgers/builtin-civil.dibao')).statusCode).toBe(404);
      expect((await get('resident01', '/api/v1/ledgers')).statusCode).toBe(403);
    });

    it('describes the columns a ledger may use', async () => {
      const body = (await get('xishan', '/api/v1/ledgers/fields')).json();
      expect(body.fields.find((f: { field: string }) => f.field === 'idNumber')).toEqual({ field: 'idNumber', header: '身份证号', width: 21, mandateField: 'idNumber' });
      expect(body.fields.find((f: { field: string }) => f.field === 'ethnicity').mandateField).toBe('full');
      expect(body.sortFields).toContain('age');
    });
  });

  describe('built-in ledgers generate the right people', () => {
    it('低保对象台账: today\'s holders in the caller\'s subtree, masked, with address, grid, validity and note', async () => {
      const body = await rowsOf('xishan', 'builtin-civil.dibao');
      expect(body.total).toBe(2);
      expect(names(body)).toEqual(['徐美玲', '朱志强']);
      expect(body.ledger).toMatchObject({ title: '低保对象台账', unit: '硖石街道西山社区', date: '2026年11月26日' });
      expect(body.hiddenColumns).toEqual([]);
      expect(body.unmasked).toBe(false);
      const zhu = body.rows.find((r) => r.name === '朱志强')!;
      expect(zhu).toMatchObject({
        gender: '男',
        birthDate: '1980-01-01',
        idNumber: '330481********001X',
        phone: '138****5678',
        address: '1幢1单元101室',
        grid: '西山社区第一网格',
        tagValidity: '2025-01-01 起',
        tagNote: '差额保障',
        note: null,
      });
      expect(body.rows.map((r) => r.seq)).toEqual([1, 2]);
      expect(JSON.stringify(body)).not.toContain('33048119800101001X');
      expect((await rowsOf('grid02', 'builtin-civil.dibao')).total).toBe(0);
    });

    it('高龄老人, 残疾人, 退役军人, 独居老人 and 育龄妇女 ledgers', async () => {
      const over80 = await rowsOf('grid01', 'builtin-civil.over80');
      expect(over80.rows).toEqual([expect.objectContaining({ name: '钱阿婆', age: 85, birthDate: '1941-03-02', tags: '残疾人、独居老人、高龄老人', address: '1幢1单元102室' })]);
      expect(names(await rowsOf('xishan', 'builtin-civil.disabled'))).toEqual(['钱阿婆']);
      expect((await rowsOf('xishan', 'builtin-civil.disabled')).rows[0]).toMatchObject({ tagNote: '视力残疾二级', tagValidity: '2019-06-01 起' });
      expect(names(await rowsOf('street', 'builtin-civil.disabled'))).toEqual(['吴小明', '钱阿婆']);
      expect((await rowsOf('xishan', 'builtin-veterans.veterans')).rows).toEqual([expect.objectContaining({ name: '孙建军', tagNote: '1993年入伍，1997年退役', grid: '西山社区第二网格', address: '8幢2单元301室' })]);
      expect((await rowsOf('xishan', 'builtin-civil.living-alone')).rows).toEqual([expect.objectContaining({ name: '钱阿婆', tagNote: '紧急联系人：女儿（同社区）' })]);
      expect(names(await rowsOf('xishan', 'builtin-health.fertile-women'))).toEqual(['徐美玲']);
    });

    it('narrows to an orgNodeId inside the subtree and refuses one outside it (audited)', async () => {
      expect((await rowsOf('xishan', 'builtin-civil.dibao', `?orgNodeId=${fx.nodes.grid02.id}`)).total).toBe(0);
      expect((await rowsOf('xishan', 'builtin-civil.dibao', `?orgNodeId=${fx.nodes.grid01.id}`)).total).toBe(2);
      const res = await get('grid01', `/api/v1/ledgers/builtin-civil.dibao/rows?orgNodeId=${fx.nodes.dongshan.id}`);
      expect(res.statusCode).toBe(403);
      expect(await lastAudit('registry.ledger.rows')).toMatchObject({ outcome: 'denied', actor_name: 'grid01', org_node_id: fx.nodes.dongshan.id });
    });

    it('pages through the rows with continuous numbers', async () => {
      const first = await rowsOf('xishan', 'builtin-civil.dibao', '?pageSize=1');
      const second = await rowsOf('xishan', 'builtin-civil.dibao', '?pageSize=1&page=2');
      expect([first.rows[0].seq, second.rows[0].seq]).toEqual([1, 2]);
      expect([first.rows[0].name, second.rows[0].name].sort()).toEqual(['徐美玲', '朱志强']);
    });
  });

  describe('reads are audited and logged for each person shown', () => {
    it('writes an audit row and a person_access row of kind ledger per person', async () => {
      await rowsOf('grid01', 'builtin-civil.living-alone');
      const audit = await lastAudit('registry.ledger.rows');
      expect(audit).toMatchObject({ outcome: 'success', actor_name: 'grid01', target_id: 'builtin-civil.living-alone' });
      expect(JSON.parse(audit.details!)).toMatchObject({ code: 'civil.living-alone', count: 1, total: 1, unmasked: false });
      const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', extra.elder).where('actor_id', '=', fx.users.grid01).execute();
      expect(access).toContainEqual(expect.objectContaining({ kind: 'ledger', purpose: '台账：独居老人关爱台账', department_code: null, actor_name: '网格员 李建华' }));
    });

    it('unmasks ID and phone numbers only with a purpose and pii.unmask, and says so in the audit', async () => {
      const noPurpose = await get('xishan', '/api/v1/ledgers/builtin-civil.dibao/rows?unmask=1');
      expect(noPurpose.statusCode).toBe(400);
      expect(noPurpose.json().error.code).toBe('PURPOSE_REQUIRED');
      const body = await rowsOf('xishan', 'builtin-civil.dibao', `?unmask=1&${purpose('低保年审核对')}`);
      expect(body.unmasked).toBe(true);
      expect(body.rows.find((r) => r.name === '朱志强')).toMatchObject({ idNumber: '33048119800101001X', phone: '13812345678' });
      const audit = await lastAudit('registry.ledger.rows');
      expect(audit.purpose).toBe('低保年审核对');
      expect(JSON.parse(audit.details!).unmasked).toBe(true);
      // The street dispatcher reads ledgers but may not unmask.
      expect((await get('street', `/api/v1/ledgers/builtin-civil.dibao/rows?unmask=1&${purpose('核对')}`)).statusCode).toBe(403);
      expect((await rowsOf('street', 'builtin-civil.dibao')).total).toBe(2);
    });
  });

  describe('department officers', () => {
    it('need a purpose; see their mandate\'s people across their grant; the purpose goes to each person\'s access log', async () => {
      const res = await get('civil', '/api/v1/ledgers/builtin-civil.dibao/rows');
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('PURPOSE_REQUIRED');
      expect(await lastAudit('registry.ledger.rows')).toMatchObject({ outcome: 'denied', actor_name: 'civil' });
      const body = await rowsOf('civil', 'builtin-civil.dibao', `?${purpose('低保季度核查')}`);
      expect(names(body)).toEqual(['徐美玲', '朱志强']);
      expect(body.ledger.unit).toBe('硖石街道');
      expect((await rowsOf('civil', 'builtin-civil.dibao', `?orgNodeId=${fx.nodes.xishan.id}&${purpose('低保季度核查')}`)).ledger.unit).toBe('硖石街道西山社区');
      expect(names(await rowsOf('civil', 'builtin-civil.disabled', `?${purpose('残疾人两项补贴')}`))).toEqual(['吴小明', '钱阿婆']);
      const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', reg.people.xu).where('department_code', '=', 'civil').execute();
      expect(access).toContainEqual(expect.objectContaining({ kind: 'ledger', purpose: '低保季度核查', actor_id: fx.users.civil }));
      expect(await lastAudit('registry.ledger.rows')).toMatchObject({ purpose: '残疾人两项补贴' });
      // Another department's ledger is not theirs.
      expect((await get('civil', `/api/v1/ledgers/builtin-health.fertile-women/rows?${purpose('x查看')}`)).statusCode).toBe(404);
      expect(names(await rowsOf('weijian', 'builtin-health.fertile-women', `?${purpose('育龄妇女随访')}`))).toEqual(['徐美玲']);
    });
  });

  describe('staff-defined ledgers', () => {
    let socialLedger: string;

    it('validates columns, tags, conditions and department against the allow-lists', async () => {
      const base = { title: '测试台账', columns: [{ field: 'seq' }, { field: 'name' }] };
      const bad = async (payload: object) => {
        const res = await send('xishan', 'POST', '/api/v1/ledgers', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
        return res.json().error.code;
      };
      expect(await bad({ ...base, columns: [{ field: 'passwordHash' }] })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, columns: [] })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, columns: [{ field: 'name' }, { field: 'name' }] })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, conditions: { ageMin: 70, ageMax: 60 } })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, conditions: { income: 1000 } })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, unitName: '{street}{居委会}' })).toBe('VALIDATION_FAILED');
      expect(await bad({ ...base, tags: ['不存在的标签'] })).toBe('TAG_NOT_DEFINED');
      expect(await bad({ ...base, departmentCode: 'nosuch' })).toBe('LEDGER_DEPARTMENT_UNKNOWN');
      expect((await send('grid01', 'POST', '/api/v1/ledgers', base)).statusCode).toBe(403);
    });

    it('a ledger without tags: people aged 60 and over, oldest first, with whole-record columns', async () => {
      const res = await send('xishan', 'POST', '/api/v1/ledgers', {
        code: 'xishan.over60',
        title: '60岁以上老年人台账',
        unitName: '{community}居民委员会',
        conditions: { ageMin: 60 },
        columns: [{ field: 'seq' }, { field: 'name' }, { field: 'age', header: '年龄（周岁）' }, { field: 'residenceType' }, { field: 'address', width: 30 }, { field: 'note' }],
        sort: [{ field: 'age', dir: 'desc' }],
      });
      expect(res.statusCode).toBe(201);
      const ledger = res.json();
      expect(ledger).toMatchObject({ code: 'xishan.over60', departmentCode: null, builtIn: false, conditions: { ageMin: 60 } });
      expect(ledger.columns[2]).toEqual({ field: 'age', header: '年龄（周岁）', width: 6 });
      expect((await lastAudit('registry.ledger.define')).target_id).toBe(ledger.id);
      const body = await rowsOf('xishan', ledger.id);
      expect(body.rows.map((r) => [r.name, r.age, r.residenceType])).toEqual([
        ['钱阿婆', 85, '户籍人口'],
        ['王秀英', 76, '流动人口'],
      ]);
      expect(body.ledger.unit).toBe('西山社区居民委员会');
      expect((await send('xishan', 'POST', '/api/v1/ledgers', { code: 'xishan.over60', title: '重复', columns: [{ field: 'name' }] })).statusCode).toBe(409);
      // A community ledger is not offered to department officers.
      expect((await get('civil', `/api/v1/ledgers/${ledger.id}/rows?${purpose('查看老人')}`)).statusCode).toBe(404);
    });

    it('a department ledger shows its officers only the columns of their mandate', async () => {
      const res = await send('xishan', 'POST', '/api/v1/ledgers', {
        title: '低保人员社保台账',
        departmentCode: 'social-security',
        tags: ['低保'],
        columns: [{ field: 'seq' }, { field: 'name' }, { field: 'idNumber' }, { field: 'phone' }, { field: 'address' }, { field: 'ethnicity' }, { field: 'note' }],
      });
      expect(res.statusCode).toBe(201);
      socialLedger = res.json().id;
      expect((await get('social', '/api/v1/ledgers')).json().items.map((l: { id: string }) => l.id)).toEqual([socialLedger]);
      const body = await rowsOf('social', socialLedger, `?${purpose('社保缴费补贴核对')}`);
      expect(body.columns.map((c) => c.field)).toEqual(['seq', 'name', 'idNumber', 'note']);
      expect(body.hiddenColumns).toEqual(['phone', 'address', 'ethnicity']);
      expect(body.rows.find((r) => r.name === '朱志强')).toEqual({ seq: expect.any(Number), name: '朱志强', idNumber: '330481********001X', note: null });
      // Staff see every column of the same ledger.
      expect((await rowsOf('xishan', socialLedger)).columns.map((c) => c.field)).toEqual(['seq', 'name', 'idNumber', 'phone', 'address', 'ethnicity', 'note']);
    });

    it('changes and retires a ledger (never deletes it), audited', async () => {
      const res = await send('xishan', 'PATCH', `/api/v1/ledgers/${socialLedger}`, { title: '低保人员社会保险台账', conditions: { gender: '女' } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ title: '低保人员社会保险台账', conditions: { gender: '女' } });
      expect(names(await rowsOf('xishan', socialLedger))).toEqual(['徐美玲']);
      expect((await send('xishan', 'PATCH', `/api/v1/ledgers/${socialLedger}`, { archived: true })).json().archived).toBe(true);
      expect((await get('social', '/api/v1/ledgers')).json().items).toEqual([]);
      expect((await get('xishan', '/api/v1/ledgers?archived=1')).json().items.map((l: { id: string }) => l.id)).toContain(socialLedger);
      expect(JSON.parse((await lastAudit('registry.ledger.update')).details!)).toMatchObject({ changed: ['archived'], archived: true });
      expect((await send('grid01', 'PATCH', `/api/v1/ledgers/${socialLedger}`, { archived: false })).statusCode).toBe(403);
      expect((await send('xishan', 'PATCH', '/api/v1/ledgers/nosuch', { title: '不存在的台账' })).statusCode).toBe(404);
    });
  });

  describe('xlsx export', () => {
    it('has the title, unit and date, bold bordered headers and the rows, in the rows a clerk expects', async () => {
      const res = await get('xishan', '/api/v1/ledgers/builtin-civil.dibao/export.xlsx');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('低保对象台账_硖石街道西山社区_20261126.xlsx')}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.name).toBe('低保对象台账');
      expect(ws.getCell('A1').value).toBe('低保对象台账');
      expect(ws.getCell('A1').font?.bold).toBe(true);
      expect(ws.getCell('A1').isMerged && ws.getCell('K1').isMerged).toBe(true);
      expect(ws.getCell('A2').value).toBe('填报单位：硖石街道西山社区');
      const dateCell = ws.getRow(2).values as unknown[];
      expect(dateCell).toContain('制表日期：2026年11月26日');
      const headers = (ws.getRow(3).values as unknown[]).slice(1);
      expect(headers).toEqual(['序号', '姓名', '性别', '出生日期', '身份证号', '联系电话', '住址', '所属网格', '保障期限', '保障情况', '备注']);
      expect(ws.getCell('B3').font?.bold).toBe(true);
      expect(ws.getCell('B3').border?.bottom?.style).toBe('thin');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
      expect(ws.getColumn(5).width).toBe(21);
      const data = [ws.getRow(4), ws.getRow(5)].map((r) => (r.values as unknown[]).slice(1));
      expect(data.map((d) => d[1]).sort()).toEqual(['徐美玲', '朱志强']);
      const zhu = data.find((d) => d[1] === '朱志强')!;
      expect(zhu.slice(0, 8)).toEqual([expect.any(Number), '朱志强', '男', '1980-01-01', '330481********001X', '138****5678', '1幢1单元101室', '西山社区第一网格']);
      expect(ws.getCell('E4').border?.left?.style).toBe('thin');
      expect(String(ws.getCell('A6').value)).toContain('共 2 人');
      const audit = await lastAudit('registry.ledger.export');
      expect(JSON.parse(audit.details!)).toMatchObject({ code: 'civil.dibao', count: 2 });
      const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('kind', '=', 'export').execute();
      expect(access.map((a) => a.person_id).sort()).toEqual([reg.people.zhu, reg.people.xu].sort());
    });

    it('requires a department officer\'s purpose for an export too', async () => {
      expect((await get('civil', '/api/v1/ledgers/builtin-civil.over80/export.xlsx')).statusCode).toBe(400);
      const res = await get('civil', `/api/v1/ledgers/builtin-civil.over80/export.xlsx?${purpose('高龄津贴发放')}`);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets[0].getCell('A2').value).toBe('填报单位：硖石街道');
      expect((wb.worksheets[0].getRow(4).values as unknown[]).slice(1, 3)).toEqual([1, '钱阿婆']);
      expect(await lastAudit('registry.ledger.export')).toMatchObject({ purpose: '高龄津贴发放', actor_name: 'civil' });
    });
  });
});
