import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt } from '../../platform/policy/actor.js';
import * as repo from './registry.repository.js';
import { canSee, type PersonField } from './registry.policy.js';
import type { ExportQuery, PersonListItem } from './registry.schema.js';
import { denied, listScope, peopleFilter, presentPerson, recordRead } from './registry.service.js';
import { AddressBook } from './search.index.js';
import { accessTo, needsPurpose, scopePathsOf, type ReadScope } from './scope.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** More than this is a data dump, not a working list: narrow the filters instead. */
export const EXPORT_MAX_ROWS = 100_000;
const BATCH = 1_000;
/** Two ideographic spaces: how a Chinese form separates items on one line. */
const GAP = '\u3000\u3000';

addMessages({
  'error.EXPORT_TOO_LARGE': { 'zh-CN': '导出超过 {max} 人，请缩小筛选范围后再导出', en: 'More than {max} people: narrow the filters before exporting' },
});

const STATUS_LABEL: Record<string, string> = { active: '在册', moved_out: '已迁出', deceased: '已死亡', transferred: '已转出' };

interface Column {
  header: string;
  width: number;
  /** The mandate field the column shows; null = whole records only (staff). */
  field: PersonField | null;
  value: (item: PersonListItem) => string | number | null | undefined;
}

const COLUMNS: Column[] = [
  { header: '姓名', width: 10, field: 'name', value: (p) => p.name },
  { header: '性别', width: 6, field: 'gender', value: (p) => p.gender },
  { header: '出生日期', width: 12, field: 'birthDate', value: (p) => p.birthDate },
  { header: '年龄', width: 6, field: 'birthDate', value: (p) => p.age },
  { header: '证件类型', width: 14, field: 'idNumber', value: (p) => p.idType },
  { header: '证件号码', width: 22, field: 'idNumber', value: (p) => p.idNumber },
  { header: '联系电话', width: 14, field: 'phone', value: (p) => p.phone },
  { header: '住址', width: 28, field: 'address', value: (p) => p.address },
  { header: '人员类型', width: 10, field: null, value: (p) => p.residenceType },
  { header: '状态', width: 8, field: null, value: (p) => (p.status ? STATUS_LABEL[p.status] : null) },
  { header: '特殊人群标签', width: 24, field: 'tags', value: (p) => p.tags?.join('、') },
];

/** Columns the scope may fill: all for staff; for departments, their mandates' fields. */
function columnsFor(scope: ReadScope): Column[] {
  if (scope.staffPaths.length > 0) return COLUMNS;
  return COLUMNS.filter((c) => c.field !== null && scope.departments.some((d) => d.fields.has(c.field!)));
}

/** Beijing time as a clerk writes it: 2026-11-26 10:00. */
function beijing(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export interface ExportedFile {
  path: string;
  size: number;
  fileName: string;
  count: number;
}

/**
 * The filtered people list as an .xlsx a clerk recognises: a title row, the unit, who exported
 * it and when, then Chinese column headers and one row per person. Written by exceljs's
 * streaming writer to a temporary file in batches, so 100,000 rows never sit in memory; the
 * file is handed out only once it is complete and the export is on record (one audit row with
 * the count, and one access-log row per person exported). Numbers are masked unless `unmask`
 * is asked with a purpose by someone holding pii.unmask over the whole scope.
 */
export async function exportPeople(ctx: PlatformContext, actor: Actor, query: ExportQuery, meta: RequestMeta, opts: { maxRows?: number } = {}): Promise<ExportedFile> {
  const action = 'registry.person.export';
  const db = ctx.db.kysely;
  const scope = await listScope(ctx, actor, query.orgNodeId, action, meta);
  if ((needsPurpose(scope) || query.unmask) && !query.purpose) throw badRequest('PURPOSE_REQUIRED');
  // Full numbers only when every person the export may reach could be unmasked one by one.
  if (query.unmask && !scopePathsOf(scope).every((p) => canAt(actor, 'pii.unmask', p))) {
    throw await denied(ctx, actor, action, meta, { orgNodeId: query.orgNodeId ?? null, purpose: query.purpose, details: { unmask: true } });
  }
  const { filter, sort, search } = await peopleFilter(ctx, actor, scope, query, meta, action);
  const max = opts.maxRows ?? EXPORT_MAX_ROWS;
  const ids = await repo.listPeopleIds(db, filter, max + 1, sort, query.order === 'desc');
  if (ids.length > max) throw badRequest('EXPORT_TOO_LARGE', { max });

  const node = query.orgNodeId ? await repo.getOrgNode(db, query.orgNodeId) : undefined;
  const departments = await repo.getDepartmentNames(db, scope.departments.map((d) => d.departmentCode));
  const unit = [node?.name, ...departments.values()].filter(Boolean).join(' ') || '全部可查阅范围';
  const columns = columnsFor(scope);
  const now = ctx.now();
  const file = path.join(os.tmpdir(), `linli-export-${newId()}.xlsx`);
  const people: { id: string; departmentCodes: string[] }[] = [];
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    workbook.creator = 'Linli 邻里';
    const sheet = workbook.addWorksheet('人口信息', { views: [{ state: 'frozen', ySplit: 3 }] });
    sheet.columns = [{ width: 6 }, ...columns.map((c) => ({ width: c.width }))];
    const width = columns.length + 1;
    const title = sheet.addRow(['人口信息表']);
    title.font = { bold: true, size: 16 };
    title.alignment = { horizontal: 'center' };
    sheet.mergeCells(1, 1, 1, width);
    title.commit();
    const masking = query.unmask ? '含完整证件号码和电话，请妥善保管，不得外传' : '证件号码、电话已脱敏';
    const info = sheet.addRow([`单位：${unit}${GAP}导出人：${actor.displayName}${GAP}导出时间：${beijing(now)}${GAP}共 ${ids.length} 人${GAP}${masking}`]);
    sheet.mergeCells(2, 1, 2, width);
    info.commit();
    const header = sheet.addRow(['序号', ...columns.map((c) => c.header)]);
    header.font = { bold: true };
    header.alignment = { horizontal: 'center' };
    header.eachCell((cell) => {
      cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
    });
    header.commit();

    const book = new AddressBook();
    let n = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const part = ids.slice(i, i + BATCH);
      const rows = new Map((await repo.getPeopleByIds(db, part)).map((r) => [r.id, r]));
      const tags = await repo.activeTagsOf(db, part, filter.today!);
      await book.load(db, [...rows.values()].map((r) => r.org_path));
      for (const id of part) {
        const row = rows.get(id);
        const access = row ? accessTo(scope, row.org_path, tags.get(id) ?? []) : null;
        if (!row || !access) continue;
        const unmasked = query.unmask
          ? {
              idNumber: row.id_number_enc && canSee(access.fields, 'idNumber') ? ctx.pii.decrypt(row.id_number_enc) : null,
              phone: row.phone_enc && canSee(access.fields, 'phone') ? ctx.pii.decrypt(row.phone_enc) : null,
            }
          : undefined;
        const item = presentPerson(ctx, row, access, book.addressText(row.org_path), unmasked);
        sheet.addRow([++n, ...columns.map((c) => (c.field === null ? access.fields.all : canSee(access.fields, c.field)) ? c.value(item) ?? '' : '')]).commit();
        people.push({ id, departmentCodes: access.departmentCodes });
      }
    }
    sheet.commit();
    await workbook.commit();
    await recordRead(
      ctx,
      actor,
      meta,
      {
        action,
        orgNodeId: query.orgNodeId ?? null,
        purpose: query.purpose ?? null,
        details: {
          orgNodeId: query.orgNodeId ?? null,
          count: people.length,
          unmasked: !!query.unmask,
          search: search ?? undefined,
          departments: scope.departments.length ? [...new Set(scope.departments.map((d) => d.departmentCode))] : undefined,
        },
      },
      { kind: 'export', purpose: query.purpose, people, logStaff: true },
    );
    const day = beijing(now).slice(0, 10).replace(/-/g, '');
    return { path: file, size: fs.statSync(file).size, fileName: `人口信息_${day}.xlsx`, count: people.length };
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
}
