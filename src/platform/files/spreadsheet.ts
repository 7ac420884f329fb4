import fs from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/**
 * Reading the spreadsheets staff actually have: an .xlsx saved by Excel or WPS, or a CSV in
 * UTF-8, UTF-8 with BOM or GBK/GB18030 (what Excel in China saves as "CSV"). Rows stream one at
 * a time, so a 100,000-row file stays flat in memory. Used by the registry's roster import and by
 * anything else that reads a table (the disclosure scanner looks at every cell).
 */

/** A cell as a reader sees it: text, a number (Excel typed it so), a date, or nothing. */
export type CellValue = string | number | Date | null;

export interface SheetRow {
  /** 1-based, as Excel shows it (for CSV: the record number, which is the row Excel would show). */
  rowNumber: number;
  cells: CellValue[];
}


export function cellText(v: CellValue): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
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
 * Every row of a spreadsheet, header or not (xlsx streamed; CSV in GBK or UTF-8), for modules
 * that read tables other than rosters (the disclosure scanner looks at every cell).
 */
export function sheetRows(file: string, format: TableFormat): { rows: AsyncIterable<SheetRow>; close(): void } {
  return format === 'xlsx' ? xlsxRows(file) : csvRows(file);
}

export function isEmptyRow(row: SheetRow): boolean {
  return row.cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

export interface RowSource {
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
  const stream = Readable.from(workbookFirst(file));
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
  /** Its central-directory record, as stored. */
  record: Buffer;
}

interface ZipDirectory {
  entries: ZipEntry[];
  cdOffset: number;
  /** The end-of-central-directory record (with the archive comment), as stored. */
  end: Buffer;
}

/** The zip's central directory (an xlsx is a zip), read from the end of the file. */
async function zipDirectory(file: string): Promise<ZipDirectory> {
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
      const length = 46 + nameLen + extraLen + commentLen;
      entries.push({
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        record: Buffer.from(cd.subarray(p, p + length)),
      });
      p += length;
    }
    return { entries, cdOffset, end: Buffer.from(tail.subarray(eocd)) };
  } finally {
    await fd.close();
  }
}

async function zipEntries(file: string): Promise<ZipEntry[]> {
  return (await zipDirectory(file)).entries;
}

/** What exceljs's streaming reader must have read before any worksheet (see workbookFirst). */
const BEFORE_SHEETS = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'];

/**
 * The xlsx's bytes with the workbook's parts before its worksheets. exceljs's streaming reader
 * reads entries in stored order and parses a worksheet at once if the shared strings and
 * relationships came before it, or after everything if not; either way it needs
 * `xl/workbook.xml` by then, and exceljs's own writer (our template, a re-saved export) stores
 * that part last. Reading such a file failed now and then ("Cannot read properties of undefined
 * (reading 'sheets')", exceljs issue 3064), and always when the shared strings came first.
 * The entries are copied as stored (compressed bytes, data descriptors) in the new order, with
 * a central directory pointing at their new places. A file already in order (Excel's, WPS's),
 * or one this does not understand (ZIP64), streams unchanged.
 */
export async function* workbookFirst(file: string, order: readonly string[] = BEFORE_SHEETS): AsyncGenerator<Buffer> {
  let directory: ZipDirectory | null = null;
  try {
    directory = await zipDirectory(file);
  } catch {
    directory = null;
  }
  const rank = (name: string) => {
    const k = order.indexOf(name);
    return k < 0 ? order.length : k;
  };
  const stored = directory ? [...directory.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset) : [];
  const zip64 = !directory || directory.cdOffset === 0xffffffff || stored.some((e) => e.localHeaderOffset === 0xffffffff || e.compressedSize === 0xffffffff);
  const inOrder = stored.every((e, i) => i === 0 || rank(stored[i - 1]!.name) <= rank(e.name));
  if (zip64 || inOrder) {
    yield* fs.createReadStream(file);
    return;
  }
  // Each entry runs from its local header to the next entry's (or the central directory).
  const spans = stored.map((e, i) => ({ entry: e, start: e.localHeaderOffset, end: i + 1 < stored.length ? stored[i + 1]!.localHeaderOffset : directory!.cdOffset }));
  const ordered = spans.map((s, i) => ({ ...s, i })).sort((a, b) => rank(a.entry.name) - rank(b.entry.name) || a.i - b.i);
  let at = 0;
  const records: Buffer[] = [];
  for (const s of ordered) {
    const record = Buffer.from(s.entry.record);
    record.writeUInt32LE(at, 42);
    records.push(record);
    if (s.end > s.start) yield* fs.createReadStream(file, { start: s.start, end: s.end - 1 });
    at += s.end - s.start;
  }
  const end = Buffer.from(directory!.end);
  end.writeUInt32LE(at, 16);
  yield Buffer.concat([...records, end]);
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
