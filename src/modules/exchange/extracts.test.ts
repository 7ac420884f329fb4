import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { tagPeople } from '../registry/scope.fixture.js';

const FULL_NUMBERS = Object.values(REGISTRY_PEOPLE).flatMap((p) => [p.idNumber, p.phone]).filter((x) => x !== null) as string[];

describe(`exchange bulk extracts 批量提取 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let admin: Session;
  let key: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保' },
      { personId: reg.people.wang, tag: '低保' },
      { personId: reg.people.chen, tag: '低保' },
    ]);
    app = await createTestApp(platform);
    admin = await loginAs(app, 'admin');
    const post = async (url: string, payload: unknown) => (await app.inject({ method: 'POST', url, payload: payload as never, headers: admin.headers })).json();
    const client = await post('/api/v1/exchange/clients', { departmentCode: 'social-security', name: '人社就业援助系统', contact: '就业科', orgNodeId: fx.nodes.street.id, legalBasis: '《就业促进法》第五十二条' });
    key = (await post(`/api/v1/exchange/clients/${client.id}/keys`, { name: '提取密钥', tags: ['低保'], fields: ['name', 'idNumber', 'tags', 'phone'], orgNodeId: fx.nodes.xishan.id, purpose: '低保对象就业援助年度核查' })).key;
    const xishan = await loginAs(app, 'xishan');
    const res = await app.inject({ method: 'POST', url: '/api/v1/exchange/consents', payload: { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-01-01', evidence: '书面授权书 XS-2026-118' }, headers: xishan.headers });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  it('extracts CSV and JSON masked per the key, consented fields only where consented, audited once', async () => {
    const csv = await get('/api/v1/exchange/data/people.csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('人员编号,姓名,证件类型,证件号码（脱敏）,手机（脱敏）,标签');
    expect(lines).toHaveLength(3);
    const zhu = lines.find((l) => l.includes('朱志强'))!;
    expect(zhu).toContain('330481********001X');
    expect(zhu).toContain('138****5678');
    expect(lines.find((l) => l.includes('王秀英'))).not.toMatch(/\d{3}\*{4}\d{4}/);
    expect(csv.body).not.toContain('陈东');
    for (const n of FULL_NUMBERS) expect(csv.body).not.toContain(n);

    const json = await get('/api/v1/exchange/data/people.json');
    const body = JSON.parse(json.body) as { purpose: string; count: number; items: Record<string, unknown>[] };
    expect(body).toMatchObject({ purpose: '低保对象就业援助年度核查', count: 2 });
    expect(body.items.find((p) => p.id === reg.people.zhu)).toMatchObject({ phone: '138****5678', consentedFields: ['phone'] });
    expect(Object.keys(body.items.find((p) => p.id === reg.people.wang)!).sort()).toEqual(['id', 'idNumber', 'idType', 'name', 'tags']);
    const audits = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.person.extract').execute();
    expect(audits).toHaveLength(2);
    expect(audits[0]!.purpose).toBe('低保对象就业援助年度核查');
    const access = await platform.ctx.db.kysely.selectFrom('person_access').select(['person_id', 'kind']).where('kind', '=', 'export').where('department_code', '=', 'social-security').execute();
    expect(access.map((a) => a.person_id).sort()).toEqual([reg.people.zhu, reg.people.wang, reg.people.zhu, reg.people.wang].sort());
  });

  it('extracts xlsx with the same columns, and refuses (audited) an extract outside the key', async () => {
    const res = await get('/api/v1/exchange/data/people.xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows: string[][] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(rows[0]).toEqual(['人员编号', '姓名', '证件类型', '证件号码（脱敏）', '手机（脱敏）', '标签']);
    expect(rows.slice(1).map((r) => r[1]).sort()).toEqual(['朱志强', '王秀英'].sort());
    for (const n of FULL_NUMBERS) expect(JSON.stringify(rows)).not.toContain(n);
    const refused = await get(`/api/v1/exchange/data/people.csv?orgNodeId=${fx.nodes.dongshan.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('EXCHANGE_SCOPE_EXCEEDED');
    const denied = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.person.extract').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(1);
  });
});
