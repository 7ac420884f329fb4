import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { composeIdNumber, upgradeIdNumber15 } from '../../platform/cn/id-number.js';
import { CsvParser, countDataRows, detectCsvEncoding, type CellValue } from '../../platform/files/spreadsheet.js';
import { fieldOfHeader, ImportFileError, openTable, type Header } from './imports.parse.js';
import {
  buildingKey,
  cleanName,
  cleanText,
  DwellingIndex,
  maskedRaw,
  normaliseBirthDate,
  normaliseIdNumber,
  normalisePhone,
  normaliseRow,
  REASON_DIGITS_LOST,
  REASON_SCIENTIFIC,
  roomKey,
  unitKey,
  type PlaceNode,
} from './imports.normalise.js';
import { buildTemplate, writePeopleXlsx } from './imports.template.js';

/*
 * Pure parts of the import: reading files as staff have them, and making rows into people.
 * Numbers come from composeIdNumber, whose check characters src/platform/cn/id-number.test.ts
 * works out by hand.
 */
const TODAY = new Date('2026-11-26T02:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-import-parse-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (ext: string, data: Buffer | string) => {
  const f = path.join(dir, `f${++n}.${ext}`);
  fs.writeFileSync(f, data);
  return f;
};
const rowsOf = async (f: string, format: 'xlsx' | 'csv') => {
  const table = await openTable(f, format);
  const rows: { rowNumber: number; cells: CellValue[] }[] = [];
  for await (const r of table.rows) rows.push(r);
  return { header: table.header, rows };
};

/** The i-th of many distinct valid numbers (a sequence holds 999 per birth date). */
const nthId = (i: number) => composeIdNumber('330481', new Date(Date.UTC(1970, 0, 1 + Math.floor(i / 999))).toISOString().slice(0, 10), (i % 999) + 1);

const ZHANG = composeIdNumber('330481', '1985-03-12', 11); // odd sequence: 男
const LI = composeIdNumber('330481', '1992-07-30', 22); // even: 女

describe('CSV reading', () => {
  it('parses RFC 4180: quotes, doubled quotes, embedded commas and line breaks, CRLF and a last line without one', () => {
    const p = new CsvParser();
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2"\r\n,,\nlast,row';
    // Fed in awkward pieces: a CR at the end of one chunk and its LF at the start of the next.
    const pieces = [text.slice(0, 7), text.slice(7, 19), text.slice(19, 44), text.slice(44)];
    const records = [...pieces.flatMap((s) => p.push(s)), ...p.end()];
    expect(records).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line1\r\nline2'],
      ['', '', ''],
      ['last', 'row'],
    ]);
  });

  it('detects UTF-8 with and without BOM, and GBK', async () => {
    const csv = '姓名,身份证号\r\n张伟,' + ZHANG + '\r\n';
    expect(await detectCsvEncoding(file('csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)])))).toEqual({ encoding: 'utf-8', bom: true });
    expect(await detectCsvEncoding(file('csv', Buffer.from(csv)))).toEqual({ encoding: 'utf-8', bom: false });
    expect(await detectCsvEncoding(file('csv', iconv.encode(csv, 'gbk')))).toEqual({ encoding: 'gb18030', bom: false });
  });

  it('reads a GBK file with a title row above the header, and aliases for the columns', async () => {
    const csv = ['西山社区人口花名册,,,', '序号,姓名,公民身份号码,手机号,户籍地', `1,张伟,${ZHANG},138 0013 8000,"浙江省海宁市,硖石街道"`, ',,,,', `2,李娜,${LI},,`].join('\r\n');
    const { header, rows } = await rowsOf(file('csv', iconv.encode(csv, 'gb18030')), 'csv');
    expect(header.rowNumber).toBe(2);
    expect(header.columns.map((c) => c.field)).toEqual([null, 'name', 'idNumber', 'phone', 'hukouAddress']);
    // The empty row is skipped; row numbers are the file's own.
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 5]);
    expect(rows[0]!.cells).toEqual(['1', '张伟', ZHANG, '138 0013 8000', '浙江省海宁市,硖石街道']);
  });

  it('refuses a file without a recognisable header, or without the ID column', async () => {
    await expect(openTable(file('csv', 'a,b,c\n1,2,3\n'), 'csv')).rejects.toMatchObject({ code: 'IMPORT_NO_HEADER' });
    const err = await openTable(file('csv', '姓名,性别,民族,电话\n张伟,男,汉,13800138000\n'), 'csv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect(err).toMatchObject({ code: 'IMPORT_MISSING_COLUMNS', reason: '缺少必需的列：身份证号' });
  });

  it('counts data rows for the progress bar', async () => {
    const f = file('csv', `标题\n姓名,身份证号\n张伟,${ZHANG}\n\n李娜,${LI}\n`);
    expect(await countDataRows(f, 'csv', 2)).toBe(2);
  });
});

describe('header words', () => {
  it('knows the template headers and the common aliases, ignoring full-width forms, spaces and (必填)', () => {
    expect(fieldOfHeader('身份证号码')).toBe('idNumber');
    expect(fieldOfHeader('公民身份号码')).toBe('idNumber');
    expect(fieldOfHeader('证件号码*')).toBe('idNumber');
    expect(fieldOfHeader('姓 名（必填）')).toBe('name');
    expect(fieldOfHeader('手机')).toBe('phone');
    expect(fieldOfHeader('联系方式')).toBe('phone');
    expect(fieldOfHeader('户籍地')).toBe('hukouAddress');
    expect(fieldOfHeader('楼号')).toBe('building');
    expect(fieldOfHeader('幢')).toBe('building');
    expect(fieldOfHeader('室')).toBe('room');
    expect(fieldOfHeader('房间号')).toBe('room');
    expect(fieldOfHeader('备注')).toBeNull();
  });
});

describe('xlsx reading', () => {
  it('streams an xlsx with a title row, a number-typed ID column, date cells and serials', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['西山社区 2026 年人口花名册']);
    ws.mergeCells('A1:F1');
    ws.addRow(['姓名', '身份证号码', '出生日期', '电话', '楼栋', '备注']);
    ws.addRow(['张伟', 3.30481198503121e17, new Date(Date.UTC(1985, 2, 12)), 13800138000, '３幢', '']);
    ws.addRow(['李娜', LI, 33815, null, null, '独居']);
    ws.getCell('C4').numFmt = '0';
    const { header, rows } = await rowsOf(file('xlsx', Buffer.from(await wb.xlsx.writeBuffer())), 'xlsx');
    expect(header.rowNumber).toBe(2);
    expect(rows).toHaveLength(2);
    expect(typeof rows[0]!.cells[1]).toBe('number');
    expect(rows[0]!.cells[2]).toBeInstanceOf(Date);
    expect(rows[1]!.cells[2]).toBe(33815);
  });

  it('merges a second header row under a merged 住址 heading', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['姓名', '身份证号', '住址', '', '']);
    ws.addRow(['', '', '楼栋', '单元', '房号']);
    ws.addRow(['张伟', ZHANG, '3', '2', '501']);
    const { header, rows } = await rowsOf(file('xlsx', Buffer.from(await wb.xlsx.writeBuffer())), 'xlsx');
    expect(header.rowNumber).toBe(2);
    expect(header.columns.map((c) => c.field)).toEqual(['name', 'idNumber', 'building', 'unit', 'room']);
    expect(rows.map((r) => r.rowNumber)).toEqual([3]);
  });

  it('writes large rosters with the streaming writer and counts their rows without parsing them', async () => {
    const f = path.join(dir, 'big.xlsx');
    const people = function* () {
      for (let i = 1; i <= 1200; i++) yield { name: `居民${i}`, idNumber: nthId(i), building: '1幢', unit: '1单元', room: `${100 + (i % 50)}室` };
    };
    expect(await writePeopleXlsx(f, people(), { title: '花名册' })).toBe(1200);
    const { header, rows } = await rowsOf(f, 'xlsx');
    expect(header.rowNumber).toBe(2);
    expect(rows).toHaveLength(1200);
    expect(rows[1199]!.cells[2]).toBe(nthId(1200));
    expect(await countDataRows(f, 'xlsx', 2)).toBe(1200);
  });

  it('keeps every Chinese character whole, also where one straddles two chunks of the zip stream', async () => {
    // exceljs alone decodes each chunk on its own and turns such a character into U+FFFD.
    const f = path.join(dir, 'chinese.xlsx');
    const addressOf = (i: number) => `浙江省嘉兴市海宁市硖石街道西山社区${'东南西北'[i % 4]}苑${i}号（${'甲乙丙丁'[i % 4]}区）`;
    const people = function* () {
      for (let i = 1; i <= 3000; i++) yield { name: `欧阳${'春夏秋冬'[i % 4]}${i}`, idNumber: nthId(i), hukouAddress: addressOf(i), relationToHead: i % 2 ? '配偶' : '户主' };
    };
    await writePeopleXlsx(f, people(), { fields: ['name', 'idNumber', 'hukouAddress', 'relationToHead'] });
    const { rows } = await rowsOf(f, 'xlsx');
    expect(rows).toHaveLength(3000);
    const wrong = rows.filter((r, i) => r.cells[0] !== `欧阳${'春夏秋冬'[(i + 1) % 4]}${i + 1}` || r.cells[2] !== addressOf(i + 1) || r.cells[3] !== ((i + 1) % 2 ? '配偶' : '户主'));
    expect(wrong).toEqual([]);
  });

  it('reads the template back: its header, its example row, and the 填写说明 sheet left alone', async () => {
    const buf = await buildTemplate([{ code: '低保', category: '社会救助', description: '城乡低保对象' }]);
    const { header, rows } = await rowsOf(file('xlsx', buf), 'xlsx');
    expect(header.rowNumber).toBe(1);
    expect(header.columns.slice(0, 14).map((c) => c.text)).toEqual(['姓名', '证件类型', '身份证号', '性别', '出生日期', '民族', '联系电话', '户籍地址', '楼栋', '单元', '房号', '与户主关系', '人员类型', '标签']);
    expect(rows).toHaveLength(1);
    const r = normaliseRow(header, rows[0]!.cells, TODAY);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('示例行') });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['人口信息', '填写说明']);
    expect(wb.worksheets[0]!.getColumn(3).numFmt).toBe('@');
    const help = wb.worksheets[1]!;
    const texts: string[] = [];
    help.eachRow((row) => texts.push(row.values!.toString()));
    const all = texts.join('\n');
    for (const s of ['民族', '汉族', '与户主关系', '配偶', '人员类型', '流动人口', '标签', '低保']) expect(all).toContain(s);
  });
});

describe('ID numbers as Excel leaves them', () => {
  it('rejects scientific notation and numbers whose last digits were lost, with the fix', () => {
    expect(normaliseIdNumber('3.30481E+17', '居民身份证', TODAY)).toEqual({ ok: false, reason: REASON_SCIENTIFIC });
    expect(normaliseIdNumber(330481199001011000, '居民身份证', TODAY)).toEqual({ ok: false, reason: REASON_DIGITS_LOST });
    expect(normaliseIdNumber(3.30481e17, '居民身份证', TODAY)).toEqual({ ok: false, reason: REASON_SCIENTIFIC });
    // A CSV saved by Excel from a number column: 18 digits, the last three zero, the check failing.
    expect(normaliseIdNumber('330481198503120000', '居民身份证', TODAY)).toEqual({ ok: false, reason: REASON_DIGITS_LOST });
  });

  it('folds full-width digits and letters, drops stray spaces and the usual text tricks, upgrades 15 digits', () => {
    const full = ZHANG.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(normaliseIdNumber(` ${full.slice(0, 6)}\u3000${full.slice(6)} `, '居民身份证', TODAY)).toMatchObject({ ok: true, value: ZHANG });
    expect(normaliseIdNumber(`'${ZHANG}`, '居民身份证', TODAY)).toMatchObject({ ok: true, value: ZHANG });
    expect(normaliseIdNumber(`="${ZHANG}"`, '居民身份证', TODAY)).toMatchObject({ ok: true, value: ZHANG });
    const x = composeIdNumber('330481', '1980-01-01', 1); // 33048119800101001X
    expect(normaliseIdNumber(x.toLowerCase().replace('x', 'ｘ'), '居民身份证', TODAY)).toMatchObject({ ok: true, value: x, info: { gender: '男', birthDate: '1980-01-01' } });
    expect(normaliseIdNumber(330481800101001, '居民身份证', TODAY)).toMatchObject({ ok: true, value: upgradeIdNumber15('330481800101001') });
  });

  it('explains a wrong check digit without echoing the number in full', () => {
    const wrong = ZHANG.slice(0, 17) + (ZHANG[17] === '1' ? '2' : '1');
    const r = normaliseIdNumber(wrong, '居民身份证', TODAY);
    expect(r.ok).toBe(false);
    const reason = (r as { reason: string }).reason;
    expect(reason).toContain('校验位');
    expect(reason).not.toContain(wrong);
  });
});

describe('cell text', () => {
  it('leaves plain text as it is and folds everything else (full-width forms, zero-width characters, runs of spaces)', () => {
    expect(cleanText('张三')).toBe('张三');
    expect(cleanText(' 13857391234 ')).toBe('13857391234');
    expect(cleanText(330481)).toBe('330481');
    expect(cleanText('１３８５７３９１２３４')).toBe('13857391234');
    expect(cleanText('张\u200b三')).toBe('张三');
    expect(cleanText('文昌  花园\t3幢')).toBe('文昌 花园 3幢');
    expect(cleanText('\uf9dc')).toBe('\u9686'); // a compatibility ideograph becomes its unified form
    expect(cleanName('张 三')).toBe('张三');
    expect(cleanName('买买提•艾力')).toBe('买买提·艾力');
  });
});

describe('dates, phones', () => {
  it('reads dates as Chinese users write them and as Excel stores them', () => {
    for (const v of ['1990-01-01', '1990/1/1', '1990.1.1', '1990年1月1日', '19900101', '1990-01-01 00:00:00', 32874, 19900101, new Date(Date.UTC(1990, 0, 1))]) {
      expect(normaliseBirthDate(v as CellValue, TODAY)).toEqual({ ok: true, value: '1990-01-01' });
    }
    expect(normaliseBirthDate('1990年13月1日', TODAY).ok).toBe(false);
    expect(normaliseBirthDate('2030-01-01', TODAY).ok).toBe(false);
    expect(normaliseBirthDate(null, TODAY)).toEqual({ ok: true, value: undefined });
  });

  it('normalises mobiles, takes the first of two, refuses landlines without echoing them', () => {
    expect(normalisePhone('+86 138-0013-8000')).toEqual({ ok: true, value: '13800138000' });
    expect(normalisePhone('１３８００１３８０００')).toEqual({ ok: true, value: '13800138000' });
    expect(normalisePhone(13800138000)).toEqual({ ok: true, value: '13800138000' });
    expect(normalisePhone('13800138000/13912345678')).toEqual({ ok: true, value: '13800138000' });
    const landline = normalisePhone('0573-87012345');
    expect(landline.ok).toBe(false);
    expect((landline as { reason: string }).reason).not.toContain('87012345');
  });
});

describe('a row', () => {
  const header = (texts: string[]): Header => {
    const columns = texts.map((text, index) => ({ index, text, field: fieldOfHeader(text) }));
    const byField = new Map();
    for (const c of columns) if (c.field) byField.set(c.field, [...(byField.get(c.field) ?? []), c.index]);
    return { rowNumber: 1, columns, byField };
  };
  const h = header(['姓名', '身份证号', '性别', '出生日期', '民族', '手机号', '与户主关系', '人员类型', '标签', '楼栋', '单元', '房号']);

  it('becomes a person: codes by name, alias or code; tags split; place kept as typed', () => {
    const r = normaliseRow(h, ['张 伟', ZHANG, '男', '1985年3月12日', '汉', '13800138000', '配偶', '流动', '低保、残疾人,低保', '3号楼', '2', '501'], TODAY);
    expect(r).toEqual({
      ok: true,
      person: {
        name: '张伟',
        idType: '居民身份证',
        idNumber: ZHANG,
        gender: '男',
        birthDate: '1985-03-12',
        ethnicity: '汉族',
        phone: '13800138000',
        relationToHead: '10',
        residenceType: '流动人口',
        tags: ['低保', '残疾人'],
        place: { building: '3号楼', unit: '2', room: '501' },
      },
    });
  });

  it('checks gender and birth date against the number', () => {
    expect(normaliseRow(h, ['张伟', ZHANG, '女'], TODAY)).toMatchObject({ ok: false, reason: '性别“女”与身份证号不符（号码中为男）' });
    expect(normaliseRow(h, ['张伟', ZHANG, '', '1985-03-13'], TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('与身份证号不符') });
  });

  it('explains unknown codes and a half-given address', () => {
    expect(normaliseRow(h, ['张伟', ZHANG, '', '', '火星族'], TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('GB 3304') });
    expect(normaliseRow(h, ['张伟', ZHANG, '', '', '', '', '', '', '', '3幢', '', ''], TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('房号为空') });
    expect(normaliseRow(h, ['张伟', '', '男'], TODAY)).toMatchObject({ ok: false, reason: '证件号码为空' });
    expect(normaliseRow(h, ['', ZHANG], TODAY)).toMatchObject({ ok: false, reason: '姓名为空' });
  });

  it('keeps a rejected row for the report with its numbers masked', () => {
    const raw = maskedRaw(h, ['张伟', ZHANG, '男', '', '', '13800138000']);
    expect(raw).toEqual({ 姓名: '张伟', 身份证号: `${ZHANG.slice(0, 6)}********${ZHANG.slice(-4)}`, 性别: '男', 手机号: '138****8000' });
  });
});

describe('dwellings by 楼栋/单元/房号', () => {
  const node = (id: string, parent: string | null, kind: PlaceNode['kind'], name: string, path: string): PlaceNode => ({ id, parent_id: parent, kind, name, path });
  const nodes = [
    node('b3', 'g1', 'building', '3幢', '/c/g1/b3/'),
    node('u1', 'b3', 'unit', '1单元', '/c/g1/b3/u1/'),
    node('u2', 'b3', 'unit', '2单元', '/c/g1/b3/u2/'),
    node('d1', 'u2', 'dwelling', '501室', '/c/g1/b3/u2/d1/'),
    node('d2', 'u1', 'dwelling', '501室', '/c/g1/b3/u1/d2/'),
    node('d3', 'u1', 'dwelling', '302室', '/c/g1/b3/u1/d3/'),
    node('b8', 'g2', 'building', '东山路2号', '/c/g2/b8/'),
    node('u8', 'b8', 'unit', '1单元', '/c/g2/b8/u8/'),
    node('d8', 'u8', 'dwelling', '201室', '/c/g2/b8/u8/d8/'),
  ];
  const index = new DwellingIndex(nodes);

  it('matches the ways people write the same place', () => {
    expect(buildingKey('3')).toBe(buildingKey('3幢'));
    expect(buildingKey('3号楼')).toBe('3');
    expect(buildingKey('第三幢')).toBe('3');
    expect(unitKey('二单元')).toBe('2');
    expect(roomKey('501室')).toBe('501');
    for (const [b, u, r] of [
      ['3', '2', '501'],
      ['3幢', '2单元', '501室'],
      ['3号楼', '２', '５０１'],
    ]) {
      expect(index.resolve({ building: b!, unit: u!, room: r! })).toMatchObject({ ok: true, id: 'd1', label: '3幢2单元501室' });
    }
    expect(index.resolve({ building: '东山路2号', unit: '1', room: '201' })).toMatchObject({ ok: true, id: 'd8' });
    // Without a unit: found when only one unit of the building has the room.
    expect(index.resolve({ building: '3', unit: '', room: '302' })).toMatchObject({ ok: true, id: 'd3' });
  });

  it('says what it did not find, and never guesses', () => {
    expect(index.resolve({ building: '9幢', unit: '1', room: '101' })).toEqual({ ok: false, reason: '未找到楼栋 9幢' });
    expect(index.resolve({ building: '3', unit: '5', room: '101' })).toMatchObject({ ok: false, reason: '楼栋 3幢 下未找到单元 5' });
    expect(index.resolve({ building: '3', unit: '2', room: '999' })).toMatchObject({ ok: false, reason: expect.stringContaining('未找到房号 999') });
    expect(index.resolve({ building: '3', unit: '', room: '501' })).toMatchObject({ ok: false, reason: expect.stringContaining('请填写单元') });
  });
});
