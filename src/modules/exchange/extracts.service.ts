import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as registryRepo from '../registry/registry.repository.js';
import { recordRead } from '../registry/registry.service.js';
import { keyListScope, logRead, present, type KeyPrincipal } from './clients.service.js';

addMessages({
  'error.EXCHANGE_EXTRACT_TOO_LARGE': { 'zh-CN': '批量提取最多 {max} 人，请按社区或标签分批提取', en: 'An extract holds at most {max} people; narrow it by area or tag' },
});

export const EXTRACT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExtractFormat = (typeof EXTRACT_FORMATS)[number];
export const EXTRACT_MAX = 100_000;
const BATCH = 1000;
export const MIME: Record<ExtractFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Columns in a fixed order; a key gets those of its fields (consented ones stay empty without consent). */
const COLUMNS: { key: string; field: string; header: string }[] = [
  { key: 'id', field: 'id', header: '人员编号' },
  { key: 'name', field: 'name', header: '姓名' },
  { key: 'gender', field: 'gender', header: '性别' },
  { key: 'birthDate', field: 'birthDate', header: '出生日期' },
  { key: 'idType', field: 'idNumber', header: '证件类型' },
  { key: 'idNumber', field: 'idNumber', header: '证件号码（脱敏）' },
  { key: 'phone', field: 'phone', header: '手机（脱敏）' },
  { key: 'address', field: 'address', header: '住址' },
  { key: 'tags', field: 'tags', header: '标签' },
];

/** A cell as text; a leading = + - @ is quoted so a spreadsheet never runs it as a formula. */
function cellText(v: unknown): string {
  const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('、') : String(v);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The people a key may read as one file (CSV with a BOM for Excel, JSON, or xlsx by exceljs's
 * streaming writer), masked exactly as the key's reads are: its fields, numbers masked, consented
 * fields only where a valid consent exists. Written to a temporary file in batches; handed out
 * once complete and on record (one audit row with the count, one access-log row per person).
 */
export async function extractPeople(ctx: PlatformContext, p: KeyPrincipal, format: ExtractFormat, query: { orgNodeId?: string; tag?: string }, meta: RequestMeta, opts: { maxRows?: number } = {}) {
  const action = 'exchange.person.extract';
  const db = ctx.db.kysely;
  const { scope, filter, sort, today } = await keyListScope(ctx, p, query, action, meta);
  const max = opts.maxRows ?? EXTRACT_MAX;
  const ids = await registryRepo.listPeopleIds(db, filter, max + 1, sort);
  if (ids.length > max) throw badRequest('EXCHANGE_EXTRACT_TOO_LARGE', { max });
  const fields = new Set<string>(['id', ...p.mandateFields, ...p.consentFields]);
  const columns = COLUMNS.filter((c) => fields.has(c.field));
  const file = path.join(os.tmpdir(), `linli-extract-${newId()}.${format}`);
  const people: { id: string; departmentCodes: string[] }[] = [];
  try {
    let write: (row: Record<string, unknown>) => Promise<void>;
    let finish: () => Promise<void>;
    if (format === 'xlsx') {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet('共享数据');
      sheet.addRow(columns.map((c) => c.header)).commit();
      write = async (row) => sheet.addRow(columns.map((c) => cellText(row[c.key]))).commit();
      finish = async () => {
        sheet.commit();
        await workbook.commit();
      };
    } else {
      const out = fs.createWriteStream(file, { encoding: 'utf8' });
      const put = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
      let first = true;
      if (format === 'csv') {
        await put(`\ufeff${columns.map((c) => csvCell(c.header)).join(',')}\r\n`);
        write = (row) => put(`${columns.map((c) => csvCell(cellText(row[c.key]))).join(',')}\r\n`);
        finish = () => new Promise<void>((r, j) => out.end(() => r()).once('error', j));
      } else {
        await put(`{"department":${JSON.stringify(p.client.department_code)},"purpose":${JSON.stringify(p.key.purpose)},"generatedAt":"${ctx.now().toISOString()}","items":[\n`);
        write = (row) => {
          const text = `${first ? '' : ',\n'}${JSON.stringify(row)}`;
          first = false;
          return put(text);
        };
        finish = async () => {
          await put(`\n],"count":${people.length}}\n`);
          await new Promise<void>((r, j) => out.end(() => r()).once('error', j));
        };
      }
    }
    for (let i = 0; i < ids.length; i += BATCH) {
      const part = ids.slice(i, i + BATCH);
      const byId = new Map((await registryRepo.getPeopleByIds(db, part)).map((r) => [r.id, r]));
      const rows = part.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => !!r);
      for (const s of await present(ctx, p, rows, scope, today)) {
        await write(s.item as Record<string, unknown>);
        people.push({ id: s.item.id, departmentCodes: s.departmentCodes });
      }
    }
    await finish();
    await recordRead(
      ctx,
      p.actor,
      meta,
      { action, orgNodeId: query.orgNodeId ?? p.key.org_node_id, purpose: p.key.purpose, details: { clientId: p.client.id, keyId: p.key.id, departments: [p.client.department_code], format, tag: query.tag ?? undefined, count: people.length } },
      { kind: 'export', purpose: p.key.purpose, people, logStaff: false },
    );
    await logRead(ctx, p, action, 'success', people.length, { format, orgNodeId: query.orgNodeId ?? null, tag: query.tag ?? null });
    const day = ctx.now().toISOString().slice(0, 10).replace(/-/g, '');
    return { path: file, size: fs.statSync(file).size, fileName: `共享数据_${p.client.department_code}_${day}.${format}`, count: people.length };
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
}
