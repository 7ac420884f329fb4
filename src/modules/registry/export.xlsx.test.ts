import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { AppError } from '../../platform/errors.js';
import { countAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { ZExportQuery } from './registry.schema.js';
import { exportPeople, XLSX_MIME } from './export.xlsx.js';
import { tagPeople } from './scope.fixture.js';
import { reindexAll } from './search.index.js';

const FULL_NUMBERS = Object.values(REGISTRY_PEOPLE).flatMap((p) => [p.idNumber, p.phone]).filter((x) => x !== null) as string[];

/** The sheet as rows of cell texts (row 1 = title, 2 = unit line, 3 = headers, then people). */
async function readSheet(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(row.getCell(c).text);
    rows.push(cells);
  });
  return rows;
}

describe(`people export to xlsx (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const lastAudit = (action: string) =>
    platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const mark = async () => new Set((await platform.ctx.db.kysely.selectFrom('person_access').select('id').execute()).map((r) => r.id));
  const accessRows = async (before: Set<string>) => (await platform.ctx.db.kysely.selectFrom('person_access').selectAll().execute()).filter((r) => !before.has(r.id));
  const p = (s: string) => encodeURIComponent(s);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await reindexAll(platform.ctx);
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保' },
      { personId: reg.people.zhu, tag: '党员' },
      { personId: reg.people.chen, tag: '特困' },
      { personId: reg.people.wang, tag: '重点人员' },
    ]);
    await createUser(platform.ctx, {
      username: 'social',
      displayName: '人社 李芳',
      password: DEMO_PASSWORD,
      mustChangePassword: false,
      grants: [{ role: 'department_officer', orgNodeId: fx.nodes.street.id, departmentCode: 'social-security' }],
    });
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/people/export.xlsx' })).statusCode).toBe(401);
    expect((await get('resident01', '/api/v1/people/export.xlsx')).statusCode).toBe(403);
  });

  it('exports the filtered list, masked, with a title, the unit and Chinese headers; audited once', async () => {
    const since = await mark();
    const before = await countAudit(platform.ctx.db, 'registry.person.export');
    const res = await get('xishan', `/api/v1/people/export.xlsx?orgNodeId=${fx.nodes.grid01.id}&sort=name`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${p('人口信息_20261126.xlsx')}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const rows = await readSheet(res.rawPayload);
    expect(rows[0]![0]).toBe('人口信息表');
    expect(rows[1]![0]).toContain('单位：西山社区第一网格');
    expect(rows[1]![0]).toContain('导出人：西山社区 王秀英');
    expect(rows[1]![0]).toContain('导出时间：2026-11-26 10:00');
    expect(rows[1]![0]).toContain('共 3 人');
    expect(rows[1]![0]).toContain('已脱敏');
    expect(rows[2]).toEqual(['序号', '姓名', '性别', '出生日期', '年龄', '证件类型', '证件号码', '联系电话', '住址', '人员类型', '状态', '特殊人群标签']);
    const people = rows.slice(3);
    expect(people).toHaveLength(3);
    // Pinyin order: 徐美玲, 朱浩然, 朱志强.
    expect(people.map((r) => r[1])).toEqual(['徐美玲', '朱浩然', '朱志强']);
    expect(people[2]).toEqual(['3', '朱志强', '男', '1980-01-01', '46', '居民身份证', '330481********001X', '138****5678', '1幢1单元101室', '户籍人口', '在册', '低保、党员']);
    expect(people[1]!.slice(6, 8)).toEqual(['', '']);
    for (const n of FULL_NUMBERS) expect(JSON.stringify(rows)).not.toContain(n);

    expect(await countAudit(platform.ctx.db, 'registry.person.export')).toBe(before + 1);
    const audit = await lastAudit('registry.person.export');
    expect(audit).toMatchObject({ actor_name: 'xishan', outcome: 'success', org_node_id: fx.nodes.grid01.id, purpose: null });
    expect(JSON.parse(audit.details!)).toEqual({ orgNodeId: fx.nodes.grid01.id, count: 3, unmasked: false });
    const logged = await accessRows(since);
    expect(logged.map((r) => r.person_id).sort()).toEqual([reg.people.zhu, reg.people.xu, reg.people.child].sort());
    for (const r of logged) expect(r).toMatchObject({ kind: 'export', department_code: null });
  });

  it('applies the list’s search and filters', async () => {
    const byPinyin = await readSheet((await get('xishan', `/api/v1/people/export.xlsx?q=zhu`)).rawPayload);
    expect(byPinyin.slice(3).map((r) => r[1]).sort()).toEqual(['朱志强', '朱浩然'].sort());
    const byTag = await readSheet((await get('street', `/api/v1/people/export.xlsx?tag=${p('特困')}`)).rawPayload);
    expect(byTag.slice(3).map((r) => r[1])).toEqual(['陈东']);
    expect(byTag[1]![0]).toContain('共 1 人');
  });

  it('unmasks only with a purpose and pii.unmask, and logs every person exported', async () => {
    const noPurpose = await get('xishan', `/api/v1/people/export.xlsx?unmask=true`);
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().error.code).toBe('PURPOSE_REQUIRED');
    // The dispatcher reads but may not unmask.
    const dispatcher = await get('street', `/api/v1/people/export.xlsx?unmask=true&purpose=${p('派遣核实')}`);
    expect(dispatcher.statusCode).toBe(403);
    expect(await lastAudit('registry.person.export')).toMatchObject({ outcome: 'denied', actor_name: 'street' });

    const since = await mark();
    const purpose = '低保年审入户核对';
    const res = await get('grid01', `/api/v1/people/export.xlsx?unmask=true&purpose=${p(purpose)}`);
    expect(res.statusCode).toBe(200);
    const rows = await readSheet(res.rawPayload);
    expect(rows[1]![0]).toContain('请妥善保管');
    const zhu = rows.find((r) => r[1] === '朱志强')!;
    expect(zhu.slice(6, 8)).toEqual([REGISTRY_PEOPLE.zhu.idNumber, REGISTRY_PEOPLE.zhu.phone]);
    const audit = await lastAudit('registry.person.export');
    expect(audit).toMatchObject({ purpose, outcome: 'success' });
    expect(JSON.parse(audit.details!)).toMatchObject({ count: 3, unmasked: true });
    const logged = await accessRows(since);
    expect(logged).toHaveLength(3);
    for (const r of logged) expect(r).toMatchObject({ kind: 'export', purpose, actor_name: '网格员 李建华' });
    // Neither the audit log nor the access log holds a full number.
    const text = JSON.stringify([audit, logged]);
    for (const n of FULL_NUMBERS) expect(text).not.toContain(n);
  });

  it('gives a department only its people and its mandate’s columns, with a purpose on record', async () => {
    expect((await get('civil', '/api/v1/people/export.xlsx')).json().error.code).toBe('PURPOSE_REQUIRED');
    const since = await mark();
    const purpose = '困难群众走访';
    const res = await get('civil', `/api/v1/people/export.xlsx?purpose=${p(purpose)}`);
    expect(res.statusCode).toBe(200);
    const rows = await readSheet(res.rawPayload);
    expect(rows[1]![0]).toContain('民政');
    // No 人员类型, no 状态: not in 民政's mandate.
    expect(rows[2]).toEqual(['序号', '姓名', '性别', '出生日期', '年龄', '证件类型', '证件号码', '联系电话', '住址', '特殊人群标签']);
    expect(rows.slice(3).map((r) => r[1]).sort()).toEqual(['朱志强', '陈东'].sort());
    // 朱志强 is a 党员 too: not 民政's to know.
    expect(rows.find((r) => r[1] === '朱志强')![9]).toBe('低保');
    expect(await lastAudit('registry.person.export')).toMatchObject({ actor_name: 'civil', purpose });
    const logged = await accessRows(since);
    expect(logged.map((r) => r.person_id).sort()).toEqual([reg.people.zhu, reg.people.chen].sort());
    for (const r of logged) expect(r).toMatchObject({ kind: 'export', department_code: 'civil', purpose });

    const social = await readSheet((await get('social', `/api/v1/people/export.xlsx?purpose=${p('养老保险资格认证')}`)).rawPayload);
    expect(social[2]).toEqual(['序号', '姓名', '性别', '出生日期', '年龄', '证件类型', '证件号码', '特殊人群标签']);
    expect(social.slice(3).map((r) => r[1])).toEqual(['朱志强']);
  });

  it('refuses an export above the cap rather than cutting it short', async () => {
    const actor: Actor = {
      userId: fx.users.xishan!,
      username: 'xishan',
      displayName: '西山社区 王秀英',
      personId: null,
      via: 'session',
      grants: [{ role: 'community_staff', orgNodeId: fx.nodes.xishan.id, orgPath: fx.nodes.xishan.path, departmentCode: null }],
    };
    const query = ZExportQuery.parse({});
    const meta = { ip: '127.0.0.1', requestId: 'test' };
    const before = await countAudit(platform.ctx.db, 'registry.person.export');
    const refused = await exportPeople(platform.ctx, actor, query, meta, { maxRows: 3 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 400, code: 'EXPORT_TOO_LARGE', params: { max: 3 } });
    // Nothing was handed out, so nothing is on record.
    expect(await countAudit(platform.ctx.db, 'registry.person.export')).toBe(before);
    const ok = await exportPeople(platform.ctx, actor, query, meta, { maxRows: 4 });
    expect(ok.count).toBe(4);
    expect(ok.size).toBeGreaterThan(1000);
    fs.rmSync(ok.path);
  });
});
