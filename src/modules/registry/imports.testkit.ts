import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { PlatformContext } from '../../platform/context.js';
import type { LinliApp } from '../../platform/http/app.js';
import { Scheduler } from '../../platform/scheduler/scheduler.js';
import { importJobHandler } from './imports.job.js';
import { BLIND_ID_NUMBER } from './registry.service.js';
import { chinaToday } from './tags.filter.js';

/** Helpers the import tests share (not used by the server). */

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A multipart/form-data body as a browser sends it. */
export function multipart(file: { filename: string; type?: string; data: Buffer }, fields: Record<string, string> = {}) {
  const boundary = `----linli${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
  chunks.push(file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function upload(app: LinliApp, headers: Record<string, string>, file: { filename: string; type?: string; data: Buffer }, query = '', fields: Record<string, string> = {}) {
  const body = multipart(file, fields);
  return app.inject({ method: 'POST', url: `/api/v1/imports/people${query}`, headers: { ...headers, 'content-type': body.contentType }, payload: body.payload });
}

/** A worker that runs import jobs only (the server's scheduler runs every module's). */
export function importWorker(ctx: PlatformContext, workerId = 'test-worker'): Scheduler {
  return new Scheduler(ctx, [importJobHandler], { workerId, log: { error: () => {} } });
}

export async function xlsxBuffer(build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('花名册'), wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Everything an import decides about people, independent of ids and keys: for comparing two
 * databases (an interrupted run against a clean one).
 */
export async function peopleSnapshot(ctx: PlatformContext) {
  const db = ctx.db.kysely;
  const people = await db.selectFrom('person').selectAll().execute();
  const nodes = new Map((await db.selectFrom('org_node').select(['id', 'name']).execute()).map((n) => [n.id, n.name]));
  const today = chinaToday(ctx.now());
  const tags = await db.selectFrom('person_tag').select(['person_id', 'tag', 'source', 'valid_from', 'ended_at']).execute();
  const changes = await db.selectFrom('person_change').select(['person_id', 'field', 'old_value', 'new_value', 'source']).execute();
  const links = await db.selectFrom('person_dwelling_link').select(['person_id', 'dwelling_id', 'relation', 'ended_at']).execute();
  return people
    .map((p) => ({
      name: p.name,
      idNumber: p.id_number_enc ? ctx.pii.decrypt(p.id_number_enc) : null,
      phone: p.phone_enc ? ctx.pii.decrypt(p.phone_enc) : null,
      gender: p.gender,
      birthDate: p.birth_date,
      ethnicity: p.ethnicity,
      residenceType: p.residence_type,
      relationToHead: p.relation_to_head,
      hukouAddress: p.hukou_address,
      status: p.status,
      place: p.org_path
        .split('/')
        .filter(Boolean)
        .map((id) => nodes.get(id))
        .join('/'),
      tags: tags
        .filter((t) => t.person_id === p.id && !t.ended_at && (!t.valid_from || t.valid_from <= today))
        .map((t) => `${t.tag}:${t.source}`)
        .sort(),
      changes: changes
        .filter((c) => c.person_id === p.id)
        .map((c) => `${c.field}:${c.old_value ?? ''}→${c.new_value ?? ''}:${c.source}`)
        .sort(),
      links: links
        .filter((l) => l.person_id === p.id)
        .map((l) => `${nodes.get(l.dwelling_id)}:${l.relation}:${l.ended_at ? 'ended' : 'active'}`)
        .sort(),
    }))
    .sort((a, b) => String(a.idNumber ?? a.name).localeCompare(String(b.idNumber ?? b.name)));
}

export function personByIdNumber(ctx: PlatformContext, idNumber: string) {
  return ctx.db.kysely.selectFrom('person').selectAll().where('id_number_idx', '=', ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber)).execute();
}
