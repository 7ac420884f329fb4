import { isEmptyRow, sheetRows, type CellValue, type SheetRow, type TableFormat } from '../../platform/files/spreadsheet.js';

/**
 * The roster side of an import: which column is which person field (headers and their aliases),
 * and where the header row is. The header row is found by its words, not by position: rosters
 * usually carry a title row ("西山社区人口花名册") above it. Reading the file itself is the
 * platform's (src/platform/files/spreadsheet.ts).
 */

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

/**
 * Opens a file and positions it after its header row. Throws ImportFileError when no header
 * with at least 姓名 and 身份证号 is found.
 */
export async function openTable(file: string, format: TableFormat): Promise<OpenedTable> {
  const source = sheetRows(file, format);
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

