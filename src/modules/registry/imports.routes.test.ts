import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { LinliApp } from '../../platform/http/app.js';
import type { Scheduler } from '../../platform/scheduler/scheduler.js';
import { REASON_DIGITS_LOST, REASON_SCIENTIFIC } from './imports.normalise.js';
import { importWorker, personByIdNumber, upload, XLSX_MIME, xlsxBuffer } from './imports.testkit.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { BLIND_PHONE } from './registry.pii.js';

/*
 * The import API end to end: upload → 202 → the scheduler runs the job → status, counts and the
 * rejected rows. Fixture tree (test/helpers/fixture.ts + registry.fixture.ts): 西山社区 with
 * 第一网格 (1幢 1单元 101室/102室) and 第二网格 (8幢 2单元 301室); 东山社区 beside it.
 */

const id = (birth: string, seq: number) => composeIdNumber('330481', birth, seq);
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const masked = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;

describe(`people import API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let worker: Scheduler;
  const sessions: Record<string, Session> = {};
  const as = async (username: string) => (sessions[username] ??= await loginAs(app, username));
  const get = async (username: string, url: string) => app.inject({ method: 'GET', url, headers: (await as(username)).headers });
  const countPeople = async () => Number((await platform.ctx.db.kysely.selectFrom('person').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const auditOf = (action: string) => platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

  /** Uploads, runs the job to the end, and returns the job as the API shows it. */
  const importAs = async (username: string, file: { filename: string; data: Buffer; type?: string }, query = '') => {
    const res = await upload(app, (await as(username)).headers, file, query);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'queued', processedRows: 0 });
    await worker.runDueJobs();
    const job = await get(username, `/api/v1/imports/${res.json().id}`);
    expect(job.statusCode).toBe(200);
    return job.json();
  };
  const csv = (lines: string[]) => lines.join('\r\n') + '\r\n';

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
    worker = importWorker(platform.ctx);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const res = await upload(app, {}, { filename: 'a.csv', data: Buffer.from('姓名,身份证号\n') });
    expect(res.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/imports' })).statusCode).toBe(401);
  });

  it('is for community staff and grid workers only', async () => {
    expect((await get('resident01', '/api/v1/imports/template.xlsx')).statusCode).toBe(403);
    expect((await get('civil', '/api/v1/imports')).statusCode).toBe(403);
    expect((await get('grid01', '/api/v1/imports')).statusCode).toBe(200);
  });

  it('serves the template: Chinese headers, an example row, the ID column as text, the code lists', async () => {
    const res = await get('xishan', '/api/v1/imports/template.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('人口信息导入模板.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const ws = wb.getWorksheet('人口信息')!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 15)).toEqual(['姓名', '证件类型', '身份证号', '性别', '出生日期', '民族', '联系电话', '户籍地址', '楼栋', '单元', '房号', '与户主关系', '人员类型', '标签']);
    expect(ws.getCell('C2').numFmt).toBe('@');
    expect(typeof ws.getCell('C2').value).toBe('string');
    const help = wb.getWorksheet('填写说明')!;
    const text = help.getSheetValues().map((r) => (Array.isArray(r) ? r.join(' ') : '')).join('\n');
    for (const s of ['民族', '汉族', '与户主关系', '配偶', '人员类型', '流动人口', '标签', '低保', '残疾人']) expect(text).toContain(s);
    // Derived tags are computed, so the template does not offer them.
    expect(text).not.toMatch(/高龄老人/);
  });

  describe('CSV in the encodings staff have', () => {
    it('imports a GBK CSV saved by Excel, with a title row, resolving 楼栋/单元/房号 and keeping the unplaced at community level', async () => {
      const a = id('1956-04-02', 31);
      const b = id('1988-10-20', 42);
      const c = id('2001-05-05', 53);
      const file = iconv.encode(
        csv([
          '西山社区人口花名册（2026年）,,,,,,,,',
          '姓名,证件号码,性别,出生日期,民族,手机,楼号,单元,室,人员类型,标签',
          `孙建国,${a},男,1956/4/2,汉,139 0000 1111,1,1,101,户籍,低保`,
          `"周 芳",${b},,1988年10月20日,回族,,1幢,1单元,102室,流动人口,`,
          `吴小明,${c},,,,,,,,,`,
        ]),
        'gbk',
      );
      const job = await importAs('xishan', { filename: '花名册.csv', type: 'text/csv', data: file });
      expect(job).toMatchObject({ status: 'done', format: 'csv', dryRun: false, totalRows: 3, processedRows: 3, counts: { created: 3, updated: 0, unchanged: 0, rejected: 0 } });
      const [sun] = await personByIdNumber(platform.ctx, a);
      expect(sun).toMatchObject({ name: '孙建国', gender: '男', birth_date: '1956-04-02', ethnicity: '汉族', residence_type: '户籍人口', dwelling_id: fx.nodes.dwelling01.id, org_path: fx.nodes.dwelling01.path });
      // Sealed on the reader's thread: the same ciphertexts and blind indexes as the write path's own.
      expect(platform.ctx.pii.decrypt(sun!.phone_enc!)).toBe('13900001111');
      expect(platform.ctx.pii.decrypt(sun!.id_number_enc!)).toBe(a);
      expect(sun!.phone_idx).toBe(platform.ctx.pii.blindIndex(BLIND_PHONE, '13900001111'));
      const tags = await platform.ctx.db.kysely.selectFrom('person_tag').select(['tag', 'source']).where('person_id', '=', sun!.id).execute();
      expect(tags).toEqual([{ tag: '低保', source: 'imported' }]);
      const [zhou] = await personByIdNumber(platform.ctx, b);
      expect(zhou).toMatchObject({ name: '周芳', gender: '女', ethnicity: '回族', residence_type: '流动人口', dwelling_id: fx.nodes.dwelling02.id });
      const [wu] = await personByIdNumber(platform.ctx, c);
      // No 楼栋/单元/房号: registered at the community, listed for the grid workers to place.
      expect(wu).toMatchObject({ name: '吴小明', dwelling_id: null, org_path: fx.nodes.xishan.path });
    });

    it('imports a UTF-8 CSV with a BOM, quotes, commas and a line break inside a cell', async () => {
      const a = id('1979-12-31', 61);
      const body = csv(['姓名,身份证号,户籍地址,楼栋,单元,房号', `郑红,${a},"浙江省海宁市硖石街道,
西山路8号",8幢,2单元,301`]);
      const job = await importAs('xishan', { filename: 'utf8.csv', data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]) });
      expect(job.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
      const [zheng] = await personByIdNumber(platform.ctx, a);
      expect(zheng).toMatchObject({ name: '郑红', hukou_address: '浙江省海宁市硖石街道, 西山路8号', dwelling_id: reg.nodes.dwelling03.id });
    });
  });

  describe('an xlsx as a spreadsheet program leaves it', () => {
    const ok1 = id('1990-01-01', 71);
    const ok2 = id('1966-08-15', 82);
    const unplaced = id('1975-02-28', 93);
    const lostNumber = id('1985-03-12', 11);
    const withTags = id('1948-06-01', 104);
    let jobId: string;
    let data: Buffer;

    beforeAll(async () => {
      data = await xlsxBuffer((ws) => {
        ws.addRow(['西山社区第一网格人口花名册（2026年11月）']);
        ws.mergeCells('A1:N1');
        ws.addRow(['序号', '姓名', '公民身份号码', '性别', '出生日期', '民族', '手机号', '户籍地', '楼栋', '单元', '房号', '与户主关系', '人员类型', '标签']);
        // 3: full-width digits in the ID (typed with a Chinese input method), a date cell, phone as a number.
        ws.addRow([1, '钱 多多', fullWidth(ok1), '男', new Date(Date.UTC(1990, 0, 1)), '汉族', 13700001234, '浙江省海宁市', '１', '1单元', '101室', '户主', '户籍人口', '']);
        // 4: an Excel date serial (1966-08-15), a stray ideographic space in the name.
        ws.addRow([2, '冯\u3000丽', ok2, '女', 24334, '汉', '', '', '1幢', '1', '102', '配偶', '', '']);
        // 5: the ID typed into a number cell: Excel kept 15 digits.
        ws.addRow([3, '陈数字', Number(lostNumber), '男', '', '', '', '', '', '', '', '', '', '']);
        // 6: scientific notation as Excel shows such a number, saved as text; and typed as a number.
        ws.addRow([4, '卫科学', '3.30481E+17', '', '', '', '', '', '', '', '', '', '', '']);
        // 7: no 楼栋/单元/房号.
        ws.addRow([5, '蒋空', unplaced, '', '1975-02-28', '', '', '', '', '', '', '', '流动人口', '']);
        // 8: a building that does not exist.
        ws.addRow([6, '沈找不到', id('1982-03-03', 115), '', '', '', '', '', '9', '1', '101', '', '', '']);
        // 9: gender against the number.
        ws.addRow([7, '韩错性', id('1983-04-04', 127), '女', '', '', '', '', '', '', '', '', '', '']);
        // 10: the same number as row 3.
        ws.addRow([8, '钱多多', ok1, '', '', '', '', '', '', '', '', '', '', '']);
        // 11: tags, one unknown.
        ws.addRow([9, '杨标签', withTags, '', '', '', '', '', '', '', '', '', '', '低保，不存在的标签']);
        // 12: tags, known (and a derived one, which is computed anyway).
        ws.addRow([10, '朱标签', id('1949-07-01', 139), '', '', '', '', '', '', '', '', '', '', '残疾人;高龄老人']);
        // 13: scientific notation typed into a number cell.
        ws.addRow([11, '褚数字', 3.30481e17, '', '', '', '', '', '', '', '', '', '', '']);
        ws.getCell('E3').numFmt = 'yyyy-mm-dd';
      });
      const res = await upload(app, (await as('xishan')).headers, { filename: '第一网格花名册.xlsx', data });
      expect(res.statusCode, res.body).toBe(202);
      jobId = res.json().id;
      await worker.runDueJobs();
    });

    it('takes what can be taken and says why the rest cannot, row by row', async () => {
      const job = (await get('xishan', `/api/v1/imports/${jobId}`)).json();
      expect(job).toMatchObject({ status: 'done', format: 'xlsx', fileName: '第一网格花名册.xlsx', totalRows: 11, processedRows: 11, counts: { created: 4, updated: 0, unchanged: 0, rejected: 7 } });
      expect(job.rejections.total).toBe(7);
      expect(job.rejections.items.map((r: { rowNumber: number; reason: string }) => [r.rowNumber, r.reason])).toEqual([
        [5, REASON_DIGITS_LOST],
        [6, REASON_SCIENTIFIC],
        [8, '未找到楼栋 9'],
        [9, '性别“女”与身份证号不符（号码中为男）'],
        [10, '与第 3 行身份证号重复'],
        [11, '标签“不存在的标签”不存在（可用标签见模板“填写说明”页）'],
        [13, REASON_SCIENTIFIC],
      ]);
      // The rejected row as it was, numbers masked.
      expect(job.rejections.items[0].raw).toMatchObject({ 序号: '3', 姓名: '陈数字', 公民身份号码: '3.30481E+17' });
      expect(JSON.stringify(job.rejections.items)).not.toContain(lostNumber.slice(6, 14));

      const [qian] = await personByIdNumber(platform.ctx, ok1);
      expect(qian).toMatchObject({ name: '钱多多', birth_date: '1990-01-01', relation_to_head: '02', dwelling_id: fx.nodes.dwelling01.id });
      expect(platform.ctx.pii.decrypt(qian!.phone_enc!)).toBe('13700001234');
      const [feng] = await personByIdNumber(platform.ctx, ok2);
      expect(feng).toMatchObject({ name: '冯丽', gender: '女', birth_date: '1966-08-15', ethnicity: '汉族', relation_to_head: '10', dwelling_id: fx.nodes.dwelling02.id });
      const [jiang] = await personByIdNumber(platform.ctx, unplaced);
      expect(jiang).toMatchObject({ dwelling_id: null, org_path: fx.nodes.xishan.path, residence_type: '流动人口' });
      expect(await personByIdNumber(platform.ctx, lostNumber)).toEqual([]);
      expect(await personByIdNumber(platform.ctx, withTags)).toEqual([]);
    });

    it('audits the start and the end with the counts', async () => {
      const start = (await auditOf('registry.import.start')).find((a) => a.target_id === jobId);
      expect(start).toMatchObject({ actor_name: 'xishan', outcome: 'success', org_node_id: fx.nodes.xishan.id });
      const finish = (await auditOf('registry.import.finish')).find((a) => a.target_id === jobId);
      expect(JSON.parse(finish!.details!)).toMatchObject({ dryRun: false, totalRows: 11, created: 4, updated: 0, unchanged: 0, rejected: 7 });
      // The write path audits every person it writes, with the import as the source.
      const created = (await auditOf('registry.person.upsert')).map((a) => JSON.parse(a.details ?? '{}')).filter((d) => d.source === 'import').flatMap((d) => d.created as string[]);
      for (const n of [ok1, ok2, unplaced]) expect(created).toContain((await personByIdNumber(platform.ctx, n))[0]!.id);
    });

    it('offers every rejected row as an xlsx with 行号 and 原因, numbers masked, and audits the download', async () => {
      const res = await get('xishan', `/api/v1/imports/${jobId}/rejections.xlsx`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX_MIME);
      expect(res.headers['content-disposition']).toContain(encodeURIComponent('第一网格花名册-未通过的行.xlsx'));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as never);
      const ws = wb.worksheets[0]!;
      expect(String(ws.getCell('A1').value)).toContain('共 7 行');
      const head = (ws.getRow(2).values as unknown[]).slice(1);
      expect(head.slice(0, 4)).toEqual(['行号', '原因', '序号', '姓名']);
      const idCol = head.indexOf('公民身份号码') + 1;
      const rows: unknown[][] = [];
      ws.eachRow((r, n) => n > 2 && rows.push((r.values as unknown[]).slice(1)));
      expect(rows.map((r) => r[0])).toEqual([5, 6, 8, 9, 10, 11, 13]);
      expect(rows[4]![1]).toBe('与第 3 行身份证号重复');
      // Sheet row 6 is file row 9 (韩错性).
      expect(ws.getRow(6).getCell(idCol).value).toBe(masked(id('1983-04-04', 127)));
      const all = JSON.stringify(rows);
      for (const n of [ok1, id('1983-04-04', 127), id('1982-03-03', 115), withTags]) expect(all).not.toContain(n);
      expect((await auditOf('registry.import.rejections.export')).some((a) => a.target_id === jobId)).toBe(true);
      const page2 = (await get('xishan', `/api/v1/imports/${jobId}/rejections?page=2&pageSize=4`)).json();
      expect(page2).toMatchObject({ total: 7, page: 2, pageSize: 4 });
      expect(page2.items.map((r: { rowNumber: number }) => r.rowNumber)).toEqual([10, 11, 13]);
    });

    it('imports the same file twice without creating anyone twice: the second run is all unchanged', async () => {
      const before = await countPeople();
      const again = await importAs('xishan', { filename: '第一网格花名册.xlsx', data });
      expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 4, rejected: 7 });
      expect(await countPeople()).toBe(before);
      expect(await personByIdNumber(platform.ctx, ok1)).toHaveLength(1);
    });
  });

  it('updates people already registered, keeping what the file leaves empty', async () => {
    const zhu = REGISTRY_PEOPLE.zhu; // in 1幢1单元101室 with phone and 汉族
    const before = (await personByIdNumber(platform.ctx, zhu.idNumber))[0]!;
    const job = await importAs('xishan', { filename: 'update.csv', data: Buffer.from(csv(['姓名,身份证号,手机号,民族,政治面貌', `朱志强,${zhu.idNumber},,,中共党员`, `徐美玲,${REGISTRY_PEOPLE.xu.idNumber},${REGISTRY_PEOPLE.xu.phone},汉族,`])) });
    expect(job.counts).toEqual({ created: 0, updated: 1, unchanged: 1, rejected: 0 });
    const after = (await personByIdNumber(platform.ctx, zhu.idNumber))[0]!;
    expect(after).toMatchObject({ political_status: '中共党员', phone_idx: before.phone_idx, ethnicity: '汉族', dwelling_id: before.dwelling_id, residence_type: before.residence_type });
    const changes = await platform.ctx.db.kysely.selectFrom('person_change').select(['field', 'new_value', 'source']).where('person_id', '=', after.id).execute();
    expect(changes).toContainEqual({ field: 'politicalStatus', new_value: '中共党员', source: 'import' });
  });

  it('a dry run counts what would change and changes nothing', async () => {
    const fresh = id('1995-09-09', 151);
    const file = Buffer.from(csv(['姓名,身份证号,楼栋,单元,房号', `新来的,${fresh},1,1,101`, `朱志强,${REGISTRY_PEOPLE.zhu.idNumber},1,1,101`, '无号码,,1,1,101']));
    const people = await countPeople();
    const audits = (await auditOf('registry.person.upsert')).length;
    const job = await importAs('xishan', { filename: 'preview.csv', data: file }, '?dryRun=true');
    expect(job).toMatchObject({ status: 'done', dryRun: true, counts: { created: 1, updated: 0, unchanged: 1, rejected: 1 } });
    expect(job.rejections.items).toEqual([{ rowNumber: 4, reason: '证件号码为空', raw: { 姓名: '无号码', 楼栋: '1', 单元: '1', 房号: '101' } }]);
    expect(await countPeople()).toBe(people);
    expect(await personByIdNumber(platform.ctx, fresh)).toEqual([]);
    expect((await auditOf('registry.person.upsert')).length).toBe(audits);
    expect(JSON.parse((await auditOf('registry.import.finish')).at(-1)!.details!)).toMatchObject({ dryRun: true, created: 1 });
  });

  describe('a grid worker', () => {
    it('imports into their own grid only: rows resolving elsewhere are rejected, the unplaced stay in the grid', async () => {
      const mine = id('1970-10-10', 161);
      const elsewhere = id('1971-11-11', 173);
      const loose = id('1972-12-12', 185);
      const file = Buffer.from(
        csv([
          '姓名,身份证号,楼栋,单元,房号',
          `本网格,${mine},1幢,1单元,101室`,
          `别的网格,${elsewhere},8幢,2单元,301室`,
          `待落户,${loose},,,`,
          // 王秀英 lives in 第二网格: a grid01 worker may not rewrite her record.
          `王秀英,${REGISTRY_PEOPLE.wang.idNumber},,,`,
        ]),
      );
      const job = await importAs('grid01', { filename: 'grid.csv', data: file });
      expect(job).toMatchObject({ orgNodeId: fx.nodes.grid01.id, communityId: fx.nodes.xishan.id, counts: { created: 2, updated: 0, unchanged: 0, rejected: 2 } });
      expect(job.rejections.items.map((r: { rowNumber: number; reason: string }) => [r.rowNumber, r.reason])).toEqual([
        [3, '房屋 8幢2单元301室 不在本次导入范围（西山社区第一网格）内'],
        [5, '该身份证号已登记在您管辖范围以外，请联系其所在社区或网格办理迁入'],
      ]);
      expect((await personByIdNumber(platform.ctx, loose))[0]).toMatchObject({ dwelling_id: null, org_path: fx.nodes.grid01.path });
      expect(await personByIdNumber(platform.ctx, elsewhere)).toEqual([]);
      expect((await personByIdNumber(platform.ctx, REGISTRY_PEOPLE.wang.idNumber))[0]!.org_path).toBe(reg.nodes.dwelling03.path);
    });

    it('asking for their community narrows to their grid; another community is refused and audited', async () => {
      const file = { filename: 'x.csv', data: Buffer.from(csv(['姓名,身份证号', `甲,${id('1960-01-01', 191)}`])) };
      const narrowed = await upload(app, (await as('grid01')).headers, file, `?communityId=${fx.nodes.xishan.id}&dryRun=1`);
      expect(narrowed.statusCode).toBe(202);
      expect(narrowed.json()).toMatchObject({ orgNodeId: fx.nodes.grid01.id, dryRun: true });
      const denied = await upload(app, (await as('grid01')).headers, file, `?communityId=${fx.nodes.dongshan.id}`);
      expect(denied.statusCode).toBe(403);
      expect((await auditOf('registry.import.start')).at(-1)).toMatchObject({ outcome: 'denied', target_id: fx.nodes.dongshan.id });
    });

    it('sees their own jobs; others see them only with the import permission over the grid', async () => {
      const mine = (await get('grid01', '/api/v1/imports')).json();
      expect(mine.total).toBeGreaterThanOrEqual(2);
      expect(mine.items.every((j: { createdBy: string }) => j.createdBy === fx.users.grid01)).toBe(true);
      const jobId = mine.items[0].id;
      expect((await get('grid02', `/api/v1/imports/${jobId}`)).statusCode).toBe(404);
      expect((await get('grid02', `/api/v1/imports/${jobId}/rejections.xlsx`)).statusCode).toBe(404);
      expect((await get('xishan', `/api/v1/imports/${jobId}`)).statusCode).toBe(200);
    });
  });

  describe('files it cannot take', () => {
    it('refuses a file that is no spreadsheet with 415 and keeps no job', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
      const jobs = (await platform.ctx.db.kysely.selectFrom('import_job').select('id').execute()).length;
      const res = await upload(app, (await as('xishan')).headers, { filename: '名单.pdf', data: pdf });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('IMPORT_FILE_TYPE');
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
      expect((await upload(app, (await as('xishan')).headers, { filename: '名单.xlsx', data: exe })).statusCode).toBe(415);
      expect((await platform.ctx.db.kysely.selectFrom('import_job').select('id').execute()).length).toBe(jobs);
    });

    it('answers an empty file, a header without rows and a file without a header at once', async () => {
      const empty = await upload(app, (await as('xishan')).headers, { filename: 'empty.csv', data: Buffer.alloc(0) });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.code).toBe('FILE_EMPTY');
      const headerOnly = await upload(app, (await as('xishan')).headers, { filename: 'h.csv', data: Buffer.from('姓名,身份证号\r\n,\r\n') });
      expect(headerOnly.statusCode).toBe(400);
      expect(headerOnly.json().error.code).toBe('IMPORT_EMPTY');
      const noHeader = await upload(app, (await as('xishan')).headers, { filename: 'n.csv', data: Buffer.from('张三,李四\r\n1,2\r\n') });
      expect(noHeader.statusCode).toBe(400);
      expect(noHeader.json().error).toMatchObject({ code: 'IMPORT_NO_HEADER', message: expect.stringContaining('姓名') });
      const missing = await upload(app, (await as('xishan')).headers, { filename: 'm.csv', data: Buffer.from('姓名,性别,民族\r\n张三,男,汉\r\n') });
      expect(missing.json().error).toMatchObject({ code: 'IMPORT_MISSING_COLUMNS', message: '缺少必需的列：身份证号' });
      const json = await app.inject({ method: 'POST', url: '/api/v1/imports/people', headers: (await as('xishan')).headers, payload: { file: 'x' } });
      expect(json.statusCode).toBe(415);
    });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const p of ['/api/v1/imports/people', '/api/v1/imports/{id}', '/api/v1/imports/{id}/rejections.xlsx', '/api/v1/imports/template.xlsx', '/api/v1/imports']) expect(doc.paths[p], p).toBeDefined();
  });
});
