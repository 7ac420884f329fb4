import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { parseIdNumber, type IdNumberProblem } from '../../platform/cn/id-number.js';
import { maskSensitiveText } from '../../platform/crypto/mask.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, notFound } from '../../platform/errors.js';
import { blobPath } from '../../platform/files/files.service.js';
import { cellText, countDataRows, formatOfMime, isEmptyRow, sheetRows, type CellValue, type SheetRow, type TableFormat } from '../../platform/files/spreadsheet.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { schedule } from '../../platform/scheduler/jobs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { activePeopleByIdNumbers } from '../registry/registry.facts.js';
import { setPoliticalStatusFromParty } from '../registry/registry.writes.js';
import { audit, beijingDay } from './party.common.js';
import { canKeepRolls } from './party.policy.js';
import * as repo from './organisations.repository.js';
import { PARTY_POSTS } from './organisations.schema.js';
import { loadOrg, POLITICAL_STATUS_OF } from './organisations.service.js';
import type { MemberCategory } from './organisations.table.js';

/**
 * 党员名册导入: an .xlsx (or Chinese CSV) roster with Chinese headers — 姓名, 身份证号, 所在支部,
 * 党小组, 党员类型, 入党时间, 转正时间, 党内职务, 是否流动党员, 流动去向, 联系电话 — read with the
 * platform's spreadsheet reader, in the background (a scheduled job), chunk by chunk: each chunk
 * is one transaction writing its members, posts, rejected rows and the progress together, so a
 * crash leaves whole chunks and the next run continues after the last one. People are matched
 * by ID number through the registry's blind index; the registry keeps who they are (a phone in
 * the roster is not stored here). Every row that cannot be taken is reported with its row number
 * and the reason in Chinese, as .xlsx.
 */

export const PARTY_IMPORT_JOB = 'party.import-members';
/** A running import whose heartbeat is older than this may be taken over by another run. */
export const IMPORT_STALE_MS = 2 * 60_000;
export const importSettings = { chunkRows: 200 };

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { XLSX_MIME };

addMessages({
  'error.PARTY_IMPORT_FILE': { 'zh-CN': '请先上传名册文件（.xlsx 或 .csv），再开始导入', en: 'Upload the roster (.xlsx or .csv) first, then start the import' },
  'error.PARTY_IMPORT_FILE_TYPE': { 'zh-CN': '只能导入 .xlsx 或 .csv 文件（.xls 请先另存为 .xlsx）', en: 'Only .xlsx and .csv files can be imported (save an .xls as .xlsx first)' },
  'error.PARTY_IMPORT_NO_HEADER': { 'zh-CN': '前 10 行中未找到表头（至少需要“姓名”“身份证号”两列），请使用导入模板', en: 'No header in the first 10 rows (姓名 and 身份证号 at least); use the template' },
  'error.PARTY_IMPORT_MISSING_COLUMNS': { 'zh-CN': '缺少必需的列：{columns}', en: 'Required columns missing: {columns}' },
  'error.PARTY_IMPORT_EMPTY': { 'zh-CN': '表头以下没有数据行', en: 'No data rows below the header' },
  'error.PARTY_IMPORT_NOT_FOUND': { 'zh-CN': '导入任务不存在或无权查看', en: 'No such import, or you may not see it' },
});

// ---------------------------------------------------------------- columns

export type ImportField = 'name' | 'idNumber' | 'branch' | 'group' | 'category' | 'joinedOn' | 'confirmedOn' | 'posts' | 'mobile' | 'mobileLocation' | 'phone';

/** Headers as rosters write them; the first is the template's. */
export const FIELD_HEADERS: Record<ImportField, readonly string[]> = {
  name: ['姓名'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码'],
  branch: ['所在支部', '所在党支部', '党支部', '支部'],
  group: ['党小组', '所在党小组'],
  category: ['党员类型', '人员类别', '党员类别', '类别'],
  joinedOn: ['入党时间', '入党日期'],
  confirmedOn: ['转正时间', '转正日期'],
  posts: ['党内职务', '职务'],
  mobile: ['是否流动党员', '流动党员'],
  mobileLocation: ['流动去向', '外出地点', '流动地点'],
  phone: ['联系电话', '手机号', '手机号码', '电话'],
};
const REQUIRED: ImportField[] = ['name', 'idNumber', 'branch', 'category', 'joinedOn'];
const TEMPLATE_FIELDS: ImportField[] = ['name', 'idNumber', 'branch', 'group', 'category', 'joinedOn', 'confirmedOn', 'posts', 'mobile', 'mobileLocation', 'phone'];

const norm = (h: string) => h.replace(/[\s*＊（）()]/g, '').replace(/必填/g, '');

function headerMap(row: SheetRow): Map<ImportField, number> | null {
  const map = new Map<ImportField, number>();
  row.cells.forEach((c, i) => {
    const h = norm(cellText(c));
    for (const [field, names] of Object.entries(FIELD_HEADERS) as [ImportField, readonly string[]][]) {
      if (!map.has(field) && names.includes(h)) map.set(field, i);
    }
  });
  return map.has('name') && map.has('idNumber') ? map : null;
}

/** The header row (within the first 10) and its columns; a 4xx for a file that cannot be a roster. */
export async function readHeader(file: string, format: TableFormat): Promise<{ headerRow: number; columns: Map<ImportField, number>; headers: string[] }> {
  const src = sheetRows(file, format);
  try {
    let seen = 0;
    let found: { headerRow: number; columns: Map<ImportField, number>; headers: string[] } | null = null;
    for await (const row of src.rows) {
      if (!found) {
        const map = headerMap(row);
        if (map) {
          found = { headerRow: row.rowNumber, columns: map, headers: row.cells.map(cellText) };
          continue;
        }
        if (++seen >= 10) break;
        continue;
      }
      if (isEmptyRow(row)) continue;
      const missing = REQUIRED.filter((f) => !found!.columns.has(f));
      if (missing.length) throw badRequest('PARTY_IMPORT_MISSING_COLUMNS', { columns: missing.map((f) => FIELD_HEADERS[f][0]).join('、') });
      return found;
    }
    if (!found) throw badRequest('PARTY_IMPORT_NO_HEADER');
    const missing = REQUIRED.filter((f) => !found!.columns.has(f));
    if (missing.length) throw badRequest('PARTY_IMPORT_MISSING_COLUMNS', { columns: missing.map((f) => FIELD_HEADERS[f][0]).join('、') });
    throw badRequest('PARTY_IMPORT_EMPTY');
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(415, 'PARTY_IMPORT_FILE_TYPE', {}, { reason: (e as Error).message });
  } finally {
    src.close();
  }
}

// ---------------------------------------------------------------- values

const ID_PROBLEMS: Record<IdNumberProblem, string> = {
  format: '身份证号格式不对（应为 18 位，末位可为 X）',
  region: '身份证号前 6 位不是有效的地区码',
  birth_date: '身份证号中的出生日期无效',
  check_digit: '身份证号校验位错误，请核对',
};

/** 1990-01-01, 1990/1/1, 1990.1.1, 1990年1月1日, 19900101, 1990-01 (the 1st), or a date cell. */
export function parseDay(v: CellValue): string | null | 'bad' {
  if (v === null) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = String(v).trim();
  if (!s) return null;
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s);
    if (!m) return 'bad';
    [y, mo, d] = [Number(m[1]), Number(m[2]), 1];
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1921 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return 'bad';
  return date.toISOString().slice(0, 10);
}

function parseCategory(s: string): MemberCategory | null {
  const t = s.replace(/\s/g, '');
  if (['正式党员', '正式', '中共党员', '党员'].includes(t)) return 'full';
  if (['预备党员', '预备', '中共预备党员'].includes(t)) return 'probationary';
  return null;
}

const YES = ['是', '流动党员', 'Y', 'y', '1', '√'];

interface RowValues {
  rowNumber: number;
  raw: Record<string, string>;
  name: string;
  idNumber: string;
  branch: string;
  group: string;
  category: MemberCategory;
  joinedOn: string;
  confirmedOn: string | null;
  posts: string[];
  mobile: boolean;
  mobileLocation: string | null;
}

/** A row's values, or the reason it is refused (in Chinese, as the report gives it). */
function readRow(row: SheetRow, cols: Map<ImportField, number>, headers: string[], today: string): RowValues | { rowNumber: number; raw: Record<string, string>; reason: string; idNumber?: string } {
  const cell = (f: ImportField) => (cols.has(f) ? (row.cells[cols.get(f)!] ?? null) : null);
  const text = (f: ImportField) => cellText(cell(f));
  const raw: Record<string, string> = {};
  headers.forEach((h, i) => {
    if (h) raw[h] = maskSensitiveText(cellText(row.cells[i] ?? null));
  });
  const refuse = (reason: string, idNumber?: string) => ({ rowNumber: row.rowNumber, raw, reason, idNumber });
  const name = text('name');
  if (!name) return refuse('姓名为空');
  const idCell = cell('idNumber');
  if (typeof idCell === 'number') return refuse('身份证号被 Excel 存成了数字（末几位可能已丢失），请把该列设为“文本”后重新填写');
  const parsed = parseIdNumber(text('idNumber'));
  if (!parsed.ok) return refuse(text('idNumber') ? ID_PROBLEMS[parsed.problem] : '身份证号为空');
  const idNumber = parsed.info.number;
  const branch = text('branch');
  if (!branch) return refuse('所在支部为空', idNumber);
  const category = parseCategory(text('category'));
  if (!category) return refuse(`党员类型“${text('category')}”无法识别（应为 正式党员 或 预备党员）`, idNumber);
  const joined = parseDay(cell('joinedOn'));
  if (joined === null) return refuse('入党时间为空', idNumber);
  if (joined === 'bad') return refuse(`入党时间“${text('joinedOn')}”不是有效日期（例如 1998-07-01）`, idNumber);
  const confirmed = parseDay(cell('confirmedOn'));
  if (confirmed === 'bad') return refuse(`转正时间“${text('confirmedOn')}”不是有效日期（例如 1999-07-01）`, idNumber);
  if (joined > today || (confirmed && confirmed > today)) return refuse('入党时间、转正时间不能晚于今天', idNumber);
  if (category === 'probationary' && confirmed) return refuse('预备党员不应填写转正时间', idNumber);
  if (confirmed && confirmed < joined) return refuse('转正时间早于入党时间', idNumber);
  const posts = text('posts')
    .split(/[、,，;；/\s]+/)
    .map((p) => p.trim())
    .filter((p) => p && p !== '无' && p !== '党员');
  const unknown = posts.filter((p) => !(PARTY_POSTS as readonly string[]).includes(p));
  if (unknown.length) return refuse(`党内职务“${unknown.join('、')}”无法识别（可填：${PARTY_POSTS.join('、')}）`, idNumber);
  const mobile = YES.includes(text('mobile'));
  const mobileLocation = text('mobileLocation') || null;
  if (mobile && !mobileLocation) return refuse('流动党员须填写流动去向', idNumber);
  return { rowNumber: row.rowNumber, raw, name, idNumber, branch, group: text('group'), category, joinedOn: joined, confirmedOn: confirmed, posts, mobile, mobileLocation };
}

// ---------------------------------------------------------------- starting and reading

function presentImport(r: repo.ImportRow, orgName: string | null) {
  return {
    id: r.id,
    fileName: r.file_name,
    orgId: r.org_id,
    orgName,
    status: r.status,
    totalRows: r.total_rows === null ? null : Number(r.total_rows),
    processedRows: Number(r.processed_rows),
    counts: { created: Number(r.created), updated: Number(r.updated), unchanged: Number(r.unchanged), rejected: Number(r.rejected) },
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/**
 * Starts an import of a roster the caller uploaded (purpose `party.import`, owner-only): the
 * header is checked now, so a wrong file is answered at once; the rows are read by the job.
 */
export async function startImport(ctx: PlatformContext, actor: Actor, input: { attachmentId: string; orgId: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const org = await loadOrg(ctx, input.orgId);
  if (!canKeepRolls(actor, org)) throw notFound('PARTY_ORG_NOT_FOUND');
  const file = await repo.getAttachment(db, input.attachmentId);
  if (!file || file.owner_user_id !== actor.userId) throw badRequest('PARTY_IMPORT_FILE');
  const format = formatOfMime(file.mime);
  if (!format) throw new AppError(415, 'PARTY_IMPORT_FILE_TYPE', {}, { detected: file.mime });
  const path = blobPath(ctx, file.sha256);
  const header = await readHeader(path, format);
  const total = await countDataRows(path, format, header.headerRow);
  const now = ctx.now();
  const row: repo.ImportRow = {
    id: newId(),
    attachment_id: file.id,
    file_name: file.original_name,
    format,
    org_id: org.id,
    org_path: org.org_path,
    columns: JSON.stringify(header.headers.filter(Boolean)),
    status: 'queued',
    total_rows: total,
    processed_rows: 0,
    last_row: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: null,
    runner: null,
    heartbeat_at: null,
    created_by: actor.userId,
    created_at: now.toISOString(),
    started_at: null,
    finished_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertImport(trx, row);
    await schedule(trx, { kind: PARTY_IMPORT_JOB, runAt: now, payload: { importId: row.id }, dedupeKey: `party.import:${row.id}`, maxAttempts: 5 }, now);
    await appendAudit(ctx.db, audit(actor, meta, { action: 'party.import.start', targetType: 'party_import', targetId: row.id, orgNodeId: org.org_node_id, details: { org: org.id, format, rows: total, attachmentId: file.id } }), trx);
  });
  return presentImport(row, org.name);
}

async function importFor(ctx: PlatformContext, actor: Actor, id: string) {
  const r = await repo.getImport(ctx.db.kysely, id);
  if (!r || (r.created_by !== actor.userId && !canKeepRolls(actor, r))) throw notFound('PARTY_IMPORT_NOT_FOUND');
  return r;
}

export async function getImport(ctx: PlatformContext, actor: Actor, id: string) {
  const r = await importFor(ctx, actor, id);
  const org = await repo.getOrg(ctx.db.kysely, r.org_id);
  const rejections = await repo.rejectionsOf(ctx.db.kysely, r.id, { limit: 200 });
  return {
    ...presentImport(r, org?.name ?? null),
    rejections: { items: rejections.map((x) => ({ rowNumber: Number(x.row_number), reason: x.reason, raw: parseJson<Record<string, string>>(x.raw, {}) })), total: Number(r.rejected) },
  };
}

export async function listImports(ctx: PlatformContext, actor: Actor) {
  const rows = await repo.importsOf(ctx.db.kysely, actor.userId, 20);
  const orgs = await repo.getOrgs(ctx.db.kysely, rows.map((r) => r.org_id));
  return { items: rows.map((r) => presentImport(r, orgs.get(r.org_id)?.name ?? null)) };
}

/** 导入未通过的行.xlsx: 行号, 原因, then the row's own columns (numbers masked). The download is audited. */
export async function writeRejections(ctx: PlatformContext, actor: Actor, id: string, out: Writable, meta: RequestMeta) {
  const r = await importFor(ctx, actor, id);
  await appendAudit(ctx.db, audit(actor, meta, { action: 'party.import.rejections.export', targetType: 'party_import', targetId: r.id, details: { rejected: Number(r.rejected) } }));
  const columns = parseJson<string[]>(r.columns, []);
  const stem = r.file_name.replace(/\.[A-Za-z0-9]{1,10}$/, '');
  const fileName = `${stem}-未通过的行.xlsx`;
  const write = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('未通过的行', { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.columns = [{ width: 8 }, { width: 50 }, ...columns.map(() => ({ width: 16 }))];
    const title = ws.addRow([`${r.file_name} 党员名册导入未通过的行：共 ${Number(r.rejected)} 行`]);
    title.font = { bold: true, size: 13 };
    title.commit();
    const head = ws.addRow(['行号', '原因', ...columns]);
    head.font = { bold: true };
    head.commit();
    let after = 0;
    for (;;) {
      const page = await repo.rejectionsOf(ctx.db.kysely, r.id, { limit: 1000, afterRow: after });
      if (page.length === 0) break;
      for (const x of page) {
        const raw = parseJson<Record<string, string>>(x.raw, {});
        const line = ws.addRow([Number(x.row_number), x.reason, ...columns.map((c) => raw[c] ?? '')]);
        line.getCell(2).alignment = { wrapText: true };
        line.commit();
      }
      after = Number(page[page.length - 1]!.row_number);
    }
    ws.commit();
    await wb.commit();
  };
  return { fileName, write };
}

/** 党员名册导入模板.xlsx: the headers, an example row and the rules. */
export async function buildTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '邻里';
  const ws = wb.addWorksheet('党员名册', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = TEMPLATE_FIELDS.map((f) => ({ header: FIELD_HEADERS[f][0], key: f, width: f === 'idNumber' ? 22 : f === 'mobileLocation' ? 24 : 12, style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  ws.addRow(['张三', '（18 位身份证号）', '第一党支部', '第一党小组', '正式党员', '1998-07-01', '1999-07-01', '组织委员', '否', '', '13900001234']).font = { italic: true, color: { argb: 'FF808080' } };
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ header: '说明', key: 'a', width: 100 }];
  for (const line of [
    '姓名、身份证号、所在支部、党员类型、入党时间必填；身份证号一列请设为“文本”格式。',
    '人员须已在社区人口信息中登记（按身份证号匹配，姓名须一致）；联系电话以人口信息为准，不从名册导入。',
    '所在支部、党小组填写本党组织下已建立的支部、党小组名称。',
    '党员类型：正式党员 或 预备党员；预备党员不填转正时间。',
    '日期可写作 1998-07-01、1998/7/1、1998年7月1日、19980701 或 1998-07（按当月1日）。',
    `党内职务可填多个，用顿号隔开：${PARTY_POSTS.join('、')}；书记、党小组组长每个组织只能一人。`,
    '是否流动党员填“是”时须填写流动去向（如：杭州市滨江区某公司）。',
    '已在名册中的党员按身份证号更新；同一文件中身份证号重复的行，第二次出现的行会被退回。',
  ])
    help.addRow([line]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- the job

export const partyImportJob: JobHandlerDefinition = {
  kind: PARTY_IMPORT_JOB,
  handler: async (ctx, payload) => {
    const importId = (payload as { importId?: unknown } | null)?.importId;
    if (typeof importId !== 'string') throw new Error('party.import-members: payload.importId missing');
    await runImport(ctx, importId);
  },
};

type Counts = { processed: number; created: number; updated: number; unchanged: number; rejected: number };

/** Runs (or resumes) an import; a second run while one holds it does nothing. */
export async function runImport(ctx: PlatformContext, importId: string): Promise<void> {
  const db = ctx.db.kysely;
  const runner = newId();
  const now = ctx.now();
  const job = await repo.claimImport(db, importId, runner, now.toISOString(), new Date(now.getTime() - IMPORT_STALE_MS).toISOString());
  if (!job) return;
  try {
    await processImport(ctx, job, runner);
    await repo.finishImport(db, job.id, runner, 'done', null, ctx.now().toISOString());
  } catch (e) {
    const reason = e instanceof AppError ? e.code : (e as Error).message;
    await repo.finishImport(db, job.id, runner, 'failed', reason.slice(0, 500), ctx.now().toISOString());
  }
}

async function processImport(ctx: PlatformContext, job: repo.ImportRow, runner: string) {
  const db = ctx.db.kysely;
  const importer = await loadActor(db, job.created_by);
  const root = await repo.getOrg(db, job.org_id);
  if (!importer || !root || !canKeepRolls(importer, root)) throw new Error('the importer may no longer keep these rolls');
  const file = (await repo.getAttachment(db, job.attachment_id))!;
  const path = blobPath(ctx, file.sha256);
  const header = await readHeader(path, job.format as TableFormat);
  const headers = header.headers;
  const today = beijingDay(ctx.now());
  // The organisations a row may name: branches under the root (or the root itself), and their groups.
  const tree = await repo.orgSubtree(db, root.path);
  const top = (await repo.ancestors(db, root.path))[0] ?? root;
  const branches = tree.filter((o) => o.kind === 'branch');
  const branchByName = (name: string) => branches.find((b) => b.name === name) ?? branches.filter((b) => b.name.endsWith(name) || name.endsWith(b.name)).sort((a, b) => b.name.length - a.name.length)[0];
  const seen = new Map<string, number>();
  const src = sheetRows(path, job.format as TableFormat);
  let chunk: (RowValues | { rowNumber: number; raw: Record<string, string>; reason: string; idNumber?: string })[] = [];
  const flush = async (lastRow: number) => {
    if (chunk.length === 0) return;
    await writeChunk(ctx, job, runner, importer, root, top, branches, branchByName, tree, chunk, lastRow, today);
    chunk = [];
  };
  try {
    for await (const row of src.rows) {
      if (row.rowNumber <= header.headerRow || isEmptyRow(row)) continue;
      const values = readRow(row, header.columns, headers, today);
      const id = values.idNumber;
      // Rows already committed by an earlier run still count for duplicates.
      if (row.rowNumber <= job.last_row) {
        if (id && !('reason' in values) && !seen.has(id)) seen.set(id, row.rowNumber);
        continue;
      }
      if (id && seen.has(id)) {
        chunk.push({ rowNumber: row.rowNumber, raw: values.raw, reason: `与第 ${seen.get(id)} 行身份证号重复` });
      } else {
        // A row refused for its own values does not hold its number against a corrected row below.
        if (id && !('reason' in values)) seen.set(id, row.rowNumber);
        chunk.push(values);
      }
      if (chunk.length >= importSettings.chunkRows) await flush(row.rowNumber);
    }
    await flush(chunk.length ? chunk[chunk.length - 1]!.rowNumber : job.last_row);
  } finally {
    src.close();
  }
}

async function writeChunk(
  ctx: PlatformContext,
  job: repo.ImportRow,
  runner: string,
  importer: Actor,
  root: repo.OrgRow,
  top: repo.OrgRow,
  branches: repo.OrgRow[],
  branchByName: (name: string) => repo.OrgRow | undefined,
  tree: repo.OrgRow[],
  rows: (RowValues | { rowNumber: number; raw: Record<string, string>; reason: string; idNumber?: string })[],
  lastRow: number,
  today: string,
) {
  const db = ctx.db.kysely;
  const good = rows.filter((r): r is RowValues => !('reason' in r));
  const people = await activePeopleByIdNumbers(ctx.pii, db, good.map((r) => r.idNumber));
  const found = new Map<string, { personId: string; name: string; orgPath: string }>();
  for (const r of good) {
    const list = people.get(r.idNumber) ?? [];
    const p = list.find((x) => x.orgPath.startsWith(top.org_path)) ?? list[0];
    if (p) found.set(r.idNumber, p);
  }
  const members = await repo.membersOfPeople(db, [...found.values()].map((p) => p.personId));
  const heldSingles = await repo.postsIn(
    db,
    tree.map((o) => o.id),
    ['书记', '党小组组长'],
  );
  const now = ctx.now().toISOString();
  const counts: Counts = { processed: rows.length, created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: { import_id: string; row_number: number; reason: string; raw: string }[] = [];
  await db.transaction().execute(async (trx) => {
    for (const r of rows) {
      const reject = (reason: string) => {
        counts.rejected++;
        rejections.push({ import_id: job.id, row_number: r.rowNumber, reason, raw: JSON.stringify(r.raw) });
      };
      if ('reason' in r) {
        reject(r.reason);
        continue;
      }
      const person = found.get(r.idNumber);
      if (!person) {
        reject('人口信息中没有此身份证号的人员，请先登记人口信息');
        continue;
      }
      if (!person.orgPath.startsWith(top.org_path)) {
        reject('此人不住在本党组织所在区域，请办理组织关系转接');
        continue;
      }
      if (person.name !== r.name) {
        reject('姓名与人口信息中登记的不一致，请核对');
        continue;
      }
      const branch = branchByName(r.branch);
      if (!branch) {
        reject(`所在支部“${r.branch}”不存在（可填：${branches.map((b) => b.name).join('、') || '请先建立党支部'}）`);
        continue;
      }
      let groupId: string | null = null;
      if (r.group) {
        const group = tree.find((o) => o.kind === 'group' && o.parent_id === branch.id && (o.name === r.group || o.name.endsWith(r.group)));
        if (!group) {
          reject(`党小组“${r.group}”不在${branch.name}之下`);
          continue;
        }
        groupId = group.id;
      }
      const existing = members.get(person.personId);
      if (existing?.status === 'active' && !existing.party_path.startsWith(root.path)) {
        reject('此人已在其他党组织的名册中，请办理组织关系转接');
        continue;
      }
      // Posts: in the branch, or 党小组组长 of the group.
      const postOrg = (post: string) => (post === '党小组组长' ? groupId : branch.id);
      if (r.posts.includes('党小组组长') && !groupId) {
        reject('担任党小组组长须填写党小组');
        continue;
      }
      const taken = r.posts.find((post) => (post === '书记' || post === '党小组组长') && heldSingles.some((h) => h.org_id === postOrg(post) && h.post === post && h.member_id !== existing?.id));
      if (taken) {
        reject(`${taken === '书记' ? branch.name : '该党小组'}的${taken}已有人担任`);
        continue;
      }
      const fields = {
        org_id: branch.id,
        group_id: groupId ?? (existing?.org_id === branch.id ? existing.group_id : null),
        org_path: branch.org_path,
        party_path: branch.path,
        category: r.category,
        joined_on: r.joinedOn,
        confirmed_on: r.confirmedOn,
        is_mobile: r.mobile ? 1 : 0,
        mobile_location: r.mobile ? r.mobileLocation : null,
        mobile_since: r.mobile ? (existing?.mobile_since ?? today) : null,
      };
      let memberId: string;
      if (!existing) {
        memberId = newId();
        await repo.insertMember(trx, { id: memberId, person_id: person.personId, ...fields, status: 'active', ended_on: null, end_reason: null, source: 'import', version: 1, created_by: importer.userId, created_at: now, updated_at: now });
        counts.created++;
      } else {
        memberId = existing.id;
        const same = existing.status === 'active' && (Object.keys(fields) as (keyof typeof fields)[]).every((k) => existing[k] === fields[k]);
        const current = await repo.postsOf(trx, [existing.id], { current: true });
        const newPosts = r.posts.filter((post) => !current.some((c) => c.post === post && c.org_id === postOrg(post)));
        if (same && newPosts.length === 0) {
          counts.unchanged++;
          continue;
        }
        if (!same) await repo.updateMember(trx, existing.id, existing.version, { ...fields, status: 'active', ended_on: null, end_reason: null, updated_at: now });
        counts.updated++;
        r.posts = newPosts;
      }
      await setPoliticalStatusFromParty(ctx, trx, importer, person.personId, POLITICAL_STATUS_OF[r.category], { reason: `党员名册导入：${branch.name}`, meta: {} });
      const posts = r.posts.map((post) => ({ id: newId(), member_id: memberId, org_id: postOrg(post)!, post, from_on: today, to_on: null, created_at: now }));
      await repo.insertPosts(trx, posts);
      for (const p of posts) if (p.post === '书记' || p.post === '党小组组长') heldSingles.push({ id: p.id, org_id: p.org_id, post: p.post, from_on: p.from_on, member_id: memberId, person_id: person.personId });
    }
    await repo.insertRejections(trx, rejections);
    if (!(await repo.advanceImport(trx, job.id, runner, counts, { last_row: lastRow, heartbeat_at: ctx.now().toISOString() }))) throw new Error('the import was taken over by another run');
    await appendAudit(
      ctx.db,
      { actorId: importer.userId, actorName: importer.username, action: 'party.import.chunk', targetType: 'party_import', targetId: job.id, details: { lastRow, created: counts.created, updated: counts.updated, unchanged: counts.unchanged, rejected: counts.rejected } },
      trx,
    );
  });
}
