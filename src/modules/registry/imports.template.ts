import fs from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { EDUCATION, ETHNICITY, MARITAL_STATUS, POLITICAL_STATUS, RELATION_TO_HEAD, type CodeList } from '../../platform/cn/codes.js';
import { FIELD_HEADERS, IMPORT_FIELDS, type ImportField } from './imports.parse.js';
import { EXAMPLE_ID_NUMBER } from './imports.normalise.js';
import { HOUSEHOLD_RESIDENCE_STATUSES, ID_TYPES, RESIDENCE_TYPES } from './people.schema.js';

/**
 * The spreadsheets of an import: the template staff fill in, the rejected-rows report they
 * get back, and a roster writer the tests and the benchmark use to make realistic files.
 */

const TEXT = '@';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };

/** Template columns: the fourteen every roster has, then the optional ones the registry also keeps. */
export const TEMPLATE_FIELDS: readonly ImportField[] = IMPORT_FIELDS;

const WIDTHS: Partial<Record<ImportField, number>> = { idNumber: 22, phone: 14, hukouAddress: 30, birthDate: 12, tags: 20, idType: 14, occupation: 16, householdResidenceStatus: 12, relationToHead: 12, residenceType: 10 };

export interface TagInfo {
  code: string;
  category: string;
  description: string | null;
}

/**
 * 人口信息导入模板.xlsx: Chinese headers, an example row (never imported: its number is
 * recognised), every column formatted as text (numFmt '@') so Excel keeps ID numbers whole and
 * leaves dates as typed, drop-downs for short lists, and a 填写说明 sheet with the code lists
 * and the tags that exist in this deployment.
 */
export async function buildTemplate(tags: TagInfo[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '邻里';
  const ws = wb.addWorksheet('人口信息', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = TEMPLATE_FIELDS.map((f) => ({ header: FIELD_HEADERS[f], key: f, width: WIDTHS[f] ?? 10, style: { numFmt: TEXT } }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  TEMPLATE_FIELDS.forEach((f, i) => {
    const cell = head.getCell(i + 1);
    cell.fill = f === 'name' || f === 'idNumber' ? REQUIRED_FILL : HEADER_FILL;
    cell.alignment = { horizontal: 'center' };
  });
  const importable = tags.filter(Boolean);
  const example: Record<ImportField, string> = {
    name: '张三',
    idType: '居民身份证',
    idNumber: EXAMPLE_ID_NUMBER,
    gender: '男',
    birthDate: '1990-01-01',
    ethnicity: '汉族',
    phone: '13900001234',
    hukouAddress: '浙江省海宁市硖石街道西山路1号',
    building: '3幢',
    unit: '2单元',
    room: '501室',
    relationToHead: '户主',
    residenceType: '户籍人口',
    tags: importable[0]?.code ?? '',
    politicalStatus: '群众',
    education: '大学本科',
    maritalStatus: '已婚',
    occupation: '',
    householdResidenceStatus: '人户同在',
  };
  const row = ws.addRow(TEMPLATE_FIELDS.map((f) => example[f]));
  row.font = { color: { argb: 'FF808080' }, italic: true };
  TEMPLATE_FIELDS.forEach((_f, i) => (row.getCell(i + 1).numFmt = TEXT));
  ws.getCell(1, TEMPLATE_FIELDS.length + 2).value = '← 第 2 行是示例（不会被导入），可直接覆盖或删除；填写说明见“填写说明”页';
  ws.getCell(1, TEMPLATE_FIELDS.length + 2).font = { color: { argb: 'FFC00000' } };

  const lists: Partial<Record<ImportField, readonly string[]>> = { idType: ID_TYPES, gender: ['男', '女'], residenceType: RESIDENCE_TYPES, householdResidenceStatus: HOUSEHOLD_RESIDENCE_STATUSES };
  const dv = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  for (const [field, values] of Object.entries(lists) as [ImportField, readonly string[]][]) {
    const col = ws.getColumn(TEMPLATE_FIELDS.indexOf(field) + 1).letter;
    dv.add(`${col}2:${col}5001`, { type: 'list', allowBlank: true, showErrorMessage: false, formulae: [`"${values.join(',')}"`] });
  }

  const help = wb.addWorksheet('填写说明');
  help.columns = [
    { header: '项目', key: 'a', width: 16 },
    { header: '代码', key: 'b', width: 10 },
    { header: '名称 / 说明', key: 'c', width: 60 },
  ];
  help.getRow(1).font = { bold: true };
  const section = (title: string) => {
    help.addRow([]);
    const r = help.addRow([title]);
    r.font = { bold: true };
    r.getCell(1).fill = HEADER_FILL;
  };
  section('填写要求');
  for (const line of [
    '姓名、身份证号必填；其余各列可以留空，留空表示“不修改已有信息”。',
    '表头可以不在第一行（上方可以有标题行），列的顺序随意；也认得“公民身份号码”“手机号”“电话”等常见列名。',
    '身份证号一列请设为“文本”格式；若被 Excel 存成数字（如 3.30481E+17 或末三位变成 000），该行会被退回。15 位老号码会自动升级为 18 位。',
    '性别、出生日期可不填，会从身份证号中读出；若填写了，必须与身份证号一致。',
    '出生日期可写作 1990-01-01、1990/1/1、1990年1月1日 或 19900101。',
    '联系电话只收 11 位手机号；一格里有多个号码时取第一个手机号。',
    '楼栋、单元、房号：“3”“3幢”“3号楼”都指 3幢；单元“2”即 2单元；房号“501”即 501室。三项都不填时，人员先登记在社区（网格员导入时为本网格），列入“待落户”名单，由网格员安排房屋。',
    '同一文件中身份证号重复的行，第二次出现的行会被退回（请合并成一行后再导入）。',
    '已登记的人员按身份证号更新，同一文件重复导入不会产生重复人员；导入可以先“试导入”预览结果。',
    '标签之间用顿号、逗号或分号隔开；标签只增不减，由系统按出生日期等自动判断的标签无需填写。',
  ]) {
    const r = help.addRow(['', '', line]);
    r.getCell(3).alignment = { wrapText: true };
  }
  const codeSection = (title: string, list: CodeList) => {
    section(`${title}（${list.standard}）`);
    for (const e of list.entries) help.addRow(['', e.code, e.aliases?.length ? `${e.name}（也可写：${e.aliases.join('、')}）` : e.name]);
  };
  section('证件类型');
  for (const t of ID_TYPES) help.addRow(['', '', t]);
  section('人员类型');
  for (const t of RESIDENCE_TYPES) help.addRow(['', '', t]);
  section('人户状态');
  for (const t of HOUSEHOLD_RESIDENCE_STATUSES) help.addRow(['', '', t]);
  codeSection('民族', ETHNICITY);
  codeSection('与户主关系', RELATION_TO_HEAD);
  codeSection('政治面貌', POLITICAL_STATUS);
  codeSection('学历', EDUCATION);
  codeSection('婚姻状况', MARITAL_STATUS);
  section('标签（可导入的特殊人群标签）');
  for (const t of importable) help.addRow([t.category, t.code, t.description ?? '']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// the rejected-rows report

export interface RejectionRow {
  rowNumber: number;
  reason: string;
  raw: Record<string, string>;
}

/**
 * 导入未通过的行.xlsx: 行号, 原因, then the row's own columns (numbers masked), written as a
 * stream so a report of every row of a large file never sits in memory.
 */
export async function writeRejectionsXlsx(out: Writable, meta: { title: string; columns: string[] }, rows: AsyncIterable<RejectionRow>): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('未通过的行', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = [{ width: 8 }, { width: 50 }, ...meta.columns.map(() => ({ width: 16 }))];
  const title = ws.addRow([meta.title]);
  title.font = { bold: true, size: 13 };
  title.commit();
  const head = ws.addRow(['行号', '原因', ...meta.columns]);
  head.font = { bold: true };
  head.eachCell((c) => (c.fill = HEADER_FILL));
  head.commit();
  for await (const r of rows) {
    const line = ws.addRow([r.rowNumber, r.reason, ...meta.columns.map((c) => r.raw[c] ?? '')]);
    line.getCell(2).alignment = { wrapText: true };
    line.commit();
  }
  ws.commit();
  await wb.commit();
}

// ---------------------------------------------------------------------------------------------
// writing rosters (tests, benchmark)

export type PeopleXlsxRow = Partial<Record<ImportField, string | number | Date | null>>;

export interface PeopleXlsxOptions {
  /** A title row above the header, as rosters have ("西山社区人口花名册"). */
  title?: string;
  /** Columns in order (default: the template's). */
  fields?: readonly ImportField[];
  /** Headers to use instead of the template's (aliases: 公民身份号码, 手机号 …). */
  headers?: Partial<Record<ImportField, string>>;
  /** Format the ID column as text (as the template does); false leaves numbers as numbers. */
  idAsText?: boolean;
}

/**
 * Writes a roster .xlsx with exceljs's streaming writer: constant memory however many rows
 * (the benchmark writes 100,000). Values go in as given: a number stays a number cell (an ID
 * number as a number is what Excel does to an untreated column), a Date becomes a date cell.
 */
export async function writePeopleXlsx(file: string, rows: Iterable<PeopleXlsxRow> | AsyncIterable<PeopleXlsxRow>, opts: PeopleXlsxOptions = {}): Promise<number> {
  const fields = opts.fields ?? TEMPLATE_FIELDS.slice(0, 14);
  // Inline strings, as a streaming writer must (a shared-string table would grow with the file).
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: fs.createWriteStream(file), useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('花名册');
  ws.columns = fields.map((f) => ({ key: f, width: WIDTHS[f] ?? 10, ...(f === 'idNumber' && opts.idAsText !== false ? { style: { numFmt: TEXT } } : {}) }));
  if (opts.title) ws.addRow([opts.title]).commit();
  ws.addRow(fields.map((f) => opts.headers?.[f] ?? FIELD_HEADERS[f])).commit();
  let n = 0;
  for await (const r of rows as AsyncIterable<PeopleXlsxRow>) {
    const row = ws.addRow(fields.map((f) => r[f] ?? null));
    fields.forEach((f, i) => {
      const v = r[f];
      if (v instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
    });
    row.commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return n;
}
