import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/**
 * Reading what staff actually have: an .xlsx saved by Excel or WPS, or a CSV in UTF-8, UTF-8
 * with BOM or GBK/GB18030 (what Excel in China saves as "CSV"). Rows stream one at a time, so a
 * 100,000-row file stays flat in memory. The header row is found by its words, not by position:
 * rosters usually carry a title row ("西山社区人口花名册") above it.
 */

/** A cell as the import sees it: text, a number (Excel typed it so), a date, or nothing. */
export type CellValue = string | number | Date | null;

export interface SheetRow {
  /** 1-based, as Excel shows it (for CSV: the record number, which is the row Excel would show). */
  rowNumber: number;
  cells: CellValue[];
}

/** The person fields a column can carry. */
export const IMPORT_FIELDS = [
  'name',
  'idType',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'phone',
  'hukouAddress',
  'building',
  'unit',
  'room',
  'relationToHead',
  'residenceType',
  'tags',
  'politicalStatus',
  'education',
  'maritalStatus',
  'occupation',
  'householdResidenceStatus',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The template's header for each field (also the first name we accept). */
export const FIELD_HEADERS: Record<ImportField, string> = {
  name: '姓名',
  idType: '证件类型',
  idNumber: '身份证号',
  gender: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  phone: '联系电话',
  hukouAddress: '户籍地址',
  building: '楼栋',
  unit: '单元',
  room: '房号',
  relationToHead: '与户主关系',
  residenceType: '人员类型',
  tags: '标签',
  politicalStatus: '政治面貌',
  education: '学历',
  maritalStatus: '婚姻状况',
  occupation: '职业',
  householdResidenceStatus: '人户状态',
};

/** Other names the same column goes by in the rosters communities keep. */
const ALIASES: Record<ImportField, string[]> = {
  name: ['姓名', '名字', '人员姓名', '居民姓名', '户成员姓名'],
  idType: ['证件类型', '证件种类', '证件名称'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '公民身份证号码', '居民身份证号码', '证件号码', '证件号', '身份证', '身份证件号码', '证件号码/身份证号'],
  gender: ['性别'],
  birthDate: ['出生日期', '出生年月', '出生年月日', '生日', '出生时间'],
  ethnicity: ['民族'],
  phone: ['联系电话', '手机号', '手机号码', '手机', '电话', '电话号码', '联系方式', '联系手机', '移动电话'],
  hukouAddress: ['户籍地址', '户籍地', '户籍所在地', '户籍地详址', '户籍详址', '户口所在地', '户籍地址详址'],
  building: ['楼栋', '楼号', '幢', '栋', '楼幢', '幢号', '楼栋号', '栋号', '楼'],
  unit: ['单元', '单元号'],
  room: ['房号', '室', '房间号', '房间', '室号', '门牌号', '房屋号'],
  relationToHead: ['与户主关系', '与户主的关系', '户主关系', '与户主关系代码'],
  residenceType: ['人员类型', '人口类型', '人员类别', '人口类别', '居住类型'],
  tags: ['标签', '人员标签', '特殊人群', '特殊人群标签', '人群标签'],
  politicalStatus: ['政治面貌'],
  education: ['学历', '文化程度'],
  maritalStatus: ['婚姻状况', '婚姻状态'],
  occupation: ['职业', '职业（工作单位）'],
  householdResidenceStatus: ['人户状态', '人户情况', '人户一致情况'],
};

const ALIAS_TO_FIELD = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) for (const alias of ALIASES[field]) ALIAS_TO_FIELD.set(headerKey(alias), field);

/** How a header cell is compared: full-width folded, spaces, asterisks and "(必填)" notes dropped. */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200d\ufeff]/g, '')
    .replace(/\((必填|选填|必须|可选|必填项|选填项)\)/g, '')
    .replace(/[*＊:：]/g, '');
}

export function fieldOfHeader(text: string): ImportField | null {
  return ALIAS_TO_FIELD.get(headerKey(text)) ?? null;
}

export interface HeaderColumn {
  index: number;
  text: string;
  field: ImportField | null;
}

export interface Header {
  /** Row number of the (last) header row; data starts after it. */
  rowNumber: number;
  columns: HeaderColumn[];
  /** Columns per field, in sheet order (the first non-empty one wins for a row). */
  byField: Map<ImportField, number[]>;
}

/** Read rows before giving up on finding a header. */
const HEADER_SEARCH_ROWS = 30;

export function cellText(v: CellValue): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

/**
 * Whether a row is the header: at least three known columns, or name and ID number together.
 * Returns the columns when it is.
 */
function headerOf(row: SheetRow): HeaderColumn[] | null {
  const columns: HeaderColumn[] = row.cells.map((c, index) => {
    const text = typeof c === 'string' ? c.trim() : '';
    return { index, text, field: text ? fieldOfHeader(text) : null };
  });
  const fields = new Set(columns.map((c) => c.field).filter(Boolean));
  if (fields.size >= 3 || (fields.has('name') && fields.has('idNumber'))) return columns;
  return null;
}

/**
 * A second header row under the first (a merged "住址" above 楼栋/单元/房号): every text in it
 * is a known header, and it fills columns the first row left without a field.
 */
function mergeSubHeader(columns: HeaderColumn[], row: SheetRow): HeaderColumn[] | null {
  let added = 0;
  const merged = columns.map((c) => ({ ...c }));
  for (let i = 0; i < row.cells.length; i++) {
    const v = row.cells[i];
    if (v === null || v === '') continue;
    if (typeof v !== 'string') return null;
    const field = fieldOfHeader(v);
    if (!field) return null;
    const col = merged[i] ?? (merged[i] = { index: i, text: '', field: null });
    if (col.field && col.field !== field) return null;
    if (!col.field) {
      col.field = field;
      col.text = v.trim();
      added++;
    }
  }
  return added > 0 ? merged : null;
}

function buildHeader(rowNumber: number, columns: HeaderColumn[]): Header {
  const byField = new Map<ImportField, number[]>();
  for (const c of columns) if (c.field) byField.set(c.field, [...(byField.get(c.field) ?? []), c.index]);
  return { rowNumber, columns, byField };
}

export class ImportFileError extends Error {
  constructor(
    /** IMPORT_NO_HEADER, IMPORT_MISSING_COLUMNS, IMPORT_BAD_FILE … */
    readonly code: string,
    /** The reason in Chinese, as staff read it. */
    readonly reason: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'ImportFileError';
  }
}

export interface DataRow {
  rowNumber: number;
  cells: CellValue[];
}

export interface OpenedTable {
  header: Header;
  /** Data rows after the header; completely empty rows are skipped. */
  rows: AsyncGenerator<DataRow>;
  /** Ends the underlying stream early (when the caller stops iterating). */
  close(): void;
}

export type TableFormat = 'xlsx' | 'csv';

/** Which reader a stored attachment needs, from the MIME type the files service detected. */
export function formatOfMime(mime: string): TableFormat | null {
  const base = mime.split(';')[0]!.trim();
  if (base === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  if (base === 'text/csv' || base === 'text/plain') return 'csv';
  return null;
}

/**
 * Opens a file and positions it after its header row. Throws ImportFileError when no header
 * with at least 姓名 and 身份证号 is found.
 */
export async function openTable(file: string, format: TableFormat): Promise<OpenedTable> {
  const source = format === 'xlsx' ? xlsxRows(file) : csvRows(file);
  const it = source.rows[Symbol.asyncIterator]();
  let header: Header | null = null;
  let pending: SheetRow | null = null;
  try {
    for (let seen = 0; seen < HEADER_SEARCH_ROWS; seen++) {
      const next = await it.next();
      if (next.done) break;
      const columns = headerOf(next.value);
      if (!columns) continue;
      let rowNumber = next.value.rowNumber;
      let cols = columns;
      const after = await it.next();
      if (!after.done) {
        const merged = mergeSubHeader(columns, after.value);
        if (merged) {
          cols = merged;
          rowNumber = after.value.rowNumber;
        } else pending = after.value;
      }
      header = buildHeader(rowNumber, cols);
      break;
    }
  } catch (e) {
    source.close();
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError('IMPORT_BAD_FILE', format === 'xlsx' ? '无法读取该 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx 后重试' : '无法读取该 CSV 文件');
  }
  if (!header) {
    source.close();
    throw new ImportFileError('IMPORT_NO_HEADER', `前 ${HEADER_SEARCH_ROWS} 行中未找到表头（至少需要“姓名”和“身份证号”两列），请使用导入模板`, { rows: HEADER_SEARCH_ROWS });
  }
  const missing = (['name', 'idNumber'] as const).filter((f) => !header!.byField.has(f)).map((f) => FIELD_HEADERS[f]);
  if (missing.length) {
    source.close();
    throw new ImportFileError('IMPORT_MISSING_COLUMNS', `缺少必需的列：${missing.join('、')}`, { columns: missing.join('、') });
  }
  async function* rows(): AsyncGenerator<DataRow> {
    try {
      if (pending && !isEmptyRow(pending)) yield pending;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        if (!isEmptyRow(next.value)) yield next.value;
      }
    } finally {
      source.close();
    }
  }
  return { header, rows: rows(), close: source.close };
}

/**
 * Every row of a spreadsheet, header or not (xlsx streamed; CSV in GBK or UTF-8), for modules
 * that read tables other than rosters (the disclosure scanner looks at every cell).
 */
export function sheetRows(file: string, format: TableFormat): { rows: AsyncIterable<SheetRow>; close(): void } {
  return format === 'xlsx' ? xlsxRows(file) : csvRows(file);
}

function isEmptyRow(row: SheetRow): boolean {
  return row.cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

interface RowSource {
  rows: AsyncIterable<SheetRow>;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// xlsx

type ExcelValue = ExcelJS.CellValue | { sharedString: number } | undefined;

/** Flattens what exceljs gives for a cell (rich text, formula results, hyperlinks) into a CellValue. */
export function excelCellValue(v: ExcelValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('formula' in v || 'sharedFormula' in v) return excelCellValue((v as { result?: ExcelValue }).result as ExcelValue);
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return (v as { text: string }).text;
    if ('error' in v) return null;
  }
  return null;
}

/** A stream of bytes as text, a multi-byte character split between chunks kept whole. */
async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

type EntryStream = NodeJS.ReadableStream & { setEncoding?: (enc: BufferEncoding) => unknown };
type ReaderBase = new (input: unknown, options: object) => {
  _parseRels(entry: EntryStream): Promise<void>;
  _parseWorkbook(entry: EntryStream): Promise<void>;
  _parseStyles(entry: EntryStream): Promise<void>;
  _parseSharedStrings(entry: EntryStream): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  [Symbol.asyncIterator](): AsyncGenerator<ExcelJS.stream.xlsx.WorksheetReader>;
};

/**
 * exceljs 4.4's streaming reader decodes each chunk of XML on its own, so a Chinese character
 * that straddles two chunks comes out as U+FFFD (a 5,000-row roster loses a few names that
 * way). Its parser passes strings through untouched, so this reader hands it text decoded
 * across chunk boundaries instead.
 */
class Utf8WorkbookReader extends (ExcelJS.stream.xlsx.WorkbookReader as unknown as ReaderBase) {
  override _parseRels(entry: EntryStream) {
    entry.setEncoding?.('utf8');
    return super._parseRels(entry);
  }
  override _parseWorkbook(entry: EntryStream) {
    entry.setEncoding?.('utf8');
    return super._parseWorkbook(entry);
  }
  override _parseStyles(entry: EntryStream) {
    entry.setEncoding?.('utf8');
    return super._parseStyles(entry);
  }
  override _parseSharedStrings(entry: EntryStream) {
    entry.setEncoding?.('utf8');
    return super._parseSharedStrings(entry);
  }
  override _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string) {
    return super._parseWorksheet(utf8Chunks(iterator), sheetNo);
  }
}

/**
 * The rows of the first visible worksheet that has any rows, streamed by exceljs's
 * WorkbookReader (shared strings cached, styles read so date-formatted cells arrive as dates).
 */
function xlsxRows(file: string): RowSource {
  const stream = fs.createReadStream(file);
  const reader = new Utf8WorkbookReader(stream, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  async function* rows(): AsyncGenerator<SheetRow> {
    let done = false;
    for await (const sheet of reader) {
      const state = (sheet as unknown as { state?: string }).state;
      if (done || (state && state !== 'visible')) {
        // Later sheets (the template's 说明 page, say) are read past, not imported.
        for await (const _row of sheet) void _row;
        continue;
      }
      for await (const row of sheet) {
        const values = row.values as ExcelValue[];
        const cells: CellValue[] = [];
        // row.values is 1-based (index 0 is empty).
        for (let i = 1; i < values.length; i++) cells.push(excelCellValue(values[i]));
        done = true;
        yield { rowNumber: row.number, cells };
      }
    }
  }
  return { rows: rows(), close: () => stream.destroy() };
}

// ---------------------------------------------------------------------------------------------
// CSV

export type CsvEncoding = 'utf-8' | 'gb18030';

/**
 * The encoding of a CSV: a UTF-8 BOM says UTF-8; otherwise bytes that decode as strict UTF-8
 * are UTF-8 (valid UTF-8 is almost never accidental); anything else is taken as GB18030, which
 * covers GBK and GB2312.
 */
export async function detectCsvEncoding(file: string): Promise<{ encoding: CsvEncoding; bom: boolean }> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(3);
    const { bytesRead } = await fd.read(head, 0, 3, 0);
    if (bytesRead === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  } finally {
    await fd.close();
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'gb18030', bom: false };
  }
}

/**
 * An RFC 4180 reader fed text in pieces: quoted fields with commas, doubled quotes and line
 * breaks inside them; CRLF, LF or lone CR between records. The delimiter is a comma unless the
 * first line has tabs and no commas (Excel's "Unicode text").
 */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** A quote just closed inside a quoted field: the next char decides (another quote, or the end). */
  private quotePending = false;
  private afterCr = false;
  private started = false;
  private delimiter: string | null;

  constructor(delimiter?: string) {
    this.delimiter = delimiter ?? null;
  }

  push(text: string): string[][] {
    const out: string[][] = [];
    if (!this.started) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.started = text.length > 0;
    }
    if (this.delimiter === null) {
      const firstLine = text.split(/\r|\n/, 1)[0] ?? '';
      this.delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
    }
    const d = this.delimiter;
    let field = this.field;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === '\n') continue;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          this.inQuotes = false;
          // fall through: the char after a closing quote is read outside quotes
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          field += ch;
          continue;
        }
      }
      if (ch === '"' && field === '') {
        this.inQuotes = true;
      } else if (ch === d) {
        this.record.push(field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        this.record.push(field);
        field = '';
        out.push(this.record);
        this.record = [];
        this.afterCr = ch === '\r';
      } else {
        field += ch;
      }
    }
    this.field = field;
    return out;
  }

  end(): string[][] {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.field !== '' || this.record.length > 0) {
      this.record.push(this.field);
      this.field = '';
      const r = this.record;
      this.record = [];
      return [r];
    }
    return [];
  }
}

/** Decodes a stored CSV chunk by chunk (a multi-byte character split between chunks is kept whole). */
async function* decodedChunks(file: string, encoding: CsvEncoding, stream: fs.ReadStream): AsyncGenerator<string> {
  if (encoding === 'utf-8') {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of stream) yield decoder.write(chunk as Buffer);
    yield decoder.end();
  } else {
    const decoder = iconv.getDecoder('gb18030');
    for await (const chunk of stream) yield decoder.write(chunk as Buffer);
    yield decoder.end() ?? '';
  }
}

function csvRows(file: string): RowSource {
  const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  async function* rows(): AsyncGenerator<SheetRow> {
    const { encoding } = await detectCsvEncoding(file);
    const parser = new CsvParser();
    let n = 0;
    for await (const text of decodedChunks(file, encoding, stream)) {
      for (const record of parser.push(text)) yield { rowNumber: ++n, cells: record.map(csvCell) };
    }
    for (const record of parser.end()) yield { rowNumber: ++n, cells: record.map(csvCell) };
  }
  return { rows: rows(), close: () => stream.destroy() };
}

function csvCell(text: string): CellValue {
  return text === '' ? null : text;
}

// ---------------------------------------------------------------------------------------------
// Counting rows for progress, without parsing them

/**
 * How many non-empty data rows follow `headerRow`: for progress bars. For a CSV, every record
 * is parsed (cheap); for an xlsx, the worksheet's XML is inflated and its `<row>` elements with
 * a value are counted, which costs a fraction of reading the cells. Null when it cannot tell.
 */
export async function countDataRows(file: string, format: TableFormat, headerRow: number): Promise<number | null> {
  try {
    return format === 'csv' ? await countCsvRows(file, headerRow) : await countXlsxRows(file, headerRow);
  } catch {
    return null;
  }
}

async function countCsvRows(file: string, headerRow: number): Promise<number> {
  const { encoding } = await detectCsvEncoding(file);
  const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const parser = new CsvParser();
  let n = 0;
  let count = 0;
  const tally = (records: string[][]) => {
    for (const r of records) if (++n > headerRow && r.some((c) => c.trim() !== '')) count++;
  };
  for await (const text of decodedChunks(file, encoding, stream)) tally(parser.push(text));
  tally(parser.end());
  return count;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The zip's central directory (an xlsx is a zip), read from the end of the file. */
async function zipEntries(file: string): Promise<ZipEntry[]> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const { size } = await fd.stat();
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await fd.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('no end of central directory');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await fd.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count && p + 46 <= cd.length; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) break;
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fd.close();
  }
}

async function countXlsxRows(file: string, headerRow: number): Promise<number | null> {
  const entries = await zipEntries(file);
  // The reader imports the first worksheet with rows; in the files staff have that is sheet1.
  const sheets = entries.filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)).sort((a, b) => sheetNo(a.name) - sheetNo(b.name));
  const sheet = sheets[0];
  if (!sheet || (sheet.method !== 0 && sheet.method !== 8)) return null;
  const fd = await fs.promises.open(file, 'r');
  let dataStart: number;
  try {
    const local = Buffer.alloc(30);
    await fd.read(local, 0, 30, sheet.localHeaderOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) return null;
    dataStart = sheet.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fd.close();
  }
  const raw = fs.createReadStream(file, { start: dataStart, end: dataStart + sheet.compressedSize - 1 });
  const xml = sheet.method === 8 ? raw.pipe(zlib.createInflateRaw()) : raw;
  let count = 0;
  let sequential = 0;
  let carry = '';
  const countRows = (text: string, final: boolean) => {
    // Each `<row …>…` segment up to the next `<row`; the last, maybe unfinished, one is carried.
    const parts = text.split(/(?=<(?:\w+:)?row[\s>])/);
    const complete = final ? parts : parts.slice(0, -1);
    for (const part of complete) {
      const m = /^<(?:\w+:)?row[\s>]/.exec(part);
      if (!m) continue;
      sequential++;
      const r = /^<(?:\w+:)?row\b[^>]*?\sr="(\d+)"/.exec(part);
      const n = r ? Number(r[1]) : sequential;
      if (n > headerRow && /<(?:\w+:)?(?:v|is)[\s>]/.test(part)) count++;
    }
    return final ? '' : (parts[parts.length - 1] ?? '');
  };
  for await (const chunk of xml) carry = countRows(carry + (chunk as Buffer).toString('utf8'), false);
  countRows(carry, true);
  return count;
}

function sheetNo(name: string): number {
  return Number(/sheet(\d+)\.xml$/.exec(name)?.[1] ?? 0);
}
