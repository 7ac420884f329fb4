import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { parseJson } from '../../platform/db/dialect.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors.js';
import { blobPath, storeAttachment, type StoreInput } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { registerPermissions } from '../../platform/policy/roles.js';
import { schedule } from '../../platform/scheduler/jobs.js';
import { IMPORT_JOB_KIND, IMPORT_PERMISSION, STALE_AFTER_MS } from './imports.job.js';
import { rawKeys } from './imports.normalise.js';
import { formatOfMime, type TableFormat } from '../../platform/files/spreadsheet.js';
import { ImportFileError, openTable } from './imports.parse.js';
import type { ImportDetail, ImportJobView } from './imports.schema.js';
import type { ImportJobTable } from './imports.table.js';
import type { RejectionRow } from './imports.template.js';
import './imports.table.js';

registerPermissions({ [IMPORT_PERMISSION]: ['community_staff', 'grid_worker'] });

addMessages({
  'error.IMPORT_FILE_TYPE': { 'zh-CN': '只能导入 .xlsx 或 .csv 文件（.xls 请先在 Excel 中另存为 .xlsx）', en: 'Only .xlsx and .csv files can be imported (save an .xls as .xlsx first)' },
  'error.IMPORT_NO_HEADER': {
    'zh-CN': '前 {rows} 行中未找到表头（至少需要“姓名”和“身份证号”两列），请使用导入模板',
    en: 'No header row in the first {rows} rows (at least 姓名 and 身份证号 are needed); use the import template',
  },
  'error.IMPORT_MISSING_COLUMNS': { 'zh-CN': '缺少必需的列：{columns}', en: 'Required columns missing: {columns}' },
  'error.IMPORT_BAD_FILE': { 'zh-CN': '无法读取该文件，请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后重试', en: 'The file cannot be read; save it again as .xlsx or .csv and retry' },
  'error.IMPORT_EMPTY': { 'zh-CN': '文件中表头以下没有数据行', en: 'The file has no data rows below its header' },
  'error.IMPORT_NOT_FOUND': { 'zh-CN': '导入任务不存在或无权查看', en: 'No such import, or you may not see it' },
  'error.IMPORT_TARGET_REQUIRED': { 'zh-CN': '请指定导入到哪个社区（communityId）', en: 'Say which community to import into (communityId)' },
  'error.IMPORT_TARGET_KIND': { 'zh-CN': '只能导入到社区或网格', en: 'People can only be imported into a community or a grid' },
});

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { XLSX_MIME };

interface NodeRow {
  id: string;
  path: string;
  kind: string;
  name: string;
}

function getNode(ctx: PlatformContext, id: string): Promise<NodeRow | undefined> {
  return ctx.db.kysely.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

const lastId = (path: string) => path.split('/').filter(Boolean).pop()!;

/**
 * Where an import writes. Community staff import into their community; a grid worker into
 * their grid (asking for their community narrows to their grid). Without `communityId` the
 * caller's one community or grid is taken; with several, they must choose.
 */
export async function resolveTarget(ctx: PlatformContext, actor: Actor, communityId: string | undefined, meta: RequestMeta): Promise<{ community: NodeRow; target: NodeRow }> {
  const scopes = scopePaths(actor, IMPORT_PERMISSION);
  let target: NodeRow | undefined;
  if (communityId) {
    const node = await getNode(ctx, communityId);
    if (!node) throw notFound('NODE_NOT_FOUND');
    if (node.kind !== 'community' && node.kind !== 'grid') throw badRequest('IMPORT_TARGET_KIND');
    if (canAt(actor, IMPORT_PERMISSION, node.path)) target = node;
    else {
      const inside = scopes.filter((p) => p.startsWith(node.path));
      if (inside.length === 1) target = await getNode(ctx, lastId(inside[0]!));
      if (!target) {
        await appendAudit(ctx.db, {
          actorId: actor.userId,
          actorName: actor.username,
          action: 'registry.import.start',
          outcome: 'denied',
          targetType: 'org_node',
          targetId: node.id,
          orgNodeId: node.id,
          ip: meta.ip,
          requestId: meta.requestId,
        });
        throw forbidden();
      }
    }
  } else {
    if (scopes.length !== 1) throw badRequest('IMPORT_TARGET_REQUIRED');
    target = await getNode(ctx, lastId(scopes[0]!));
  }
  if (!target || (target.kind !== 'community' && target.kind !== 'grid')) throw badRequest('IMPORT_TARGET_REQUIRED');
  let community = target;
  if (target.kind === 'grid') {
    const ancestors = await ctx.db.kysely
      .selectFrom('org_node')
      .select(['id', 'path', 'kind', 'name'])
      .where('id', 'in', target.path.split('/').filter(Boolean))
      .where('kind', '=', 'community')
      .execute();
    if (!ancestors[0]) throw badRequest('IMPORT_TARGET_KIND');
    community = ancestors[0];
  }
  return { community, target };
}

/** Reads the header and the first data row now, so a wrong file is answered at once rather than as a failed job. */
async function checkTable(file: string, format: TableFormat): Promise<string[]> {
  let table;
  try {
    table = await openTable(file, format);
  } catch (e) {
    if (e instanceof ImportFileError) throw badRequest(e.code, e.params, { reason: e.reason });
    throw e;
  }
  try {
    const first = await table.rows.next();
    if (first.done) throw badRequest('IMPORT_EMPTY');
    return rawKeys(table.header);
  } finally {
    table.close();
    await table.rows.return(undefined);
  }
}

/**
 * Starts an import: the file is stored (typed by its content: only .xlsx and CSV pass), its
 * header checked, and the job queued for the scheduler, audited in the same transaction.
 */
export async function startImport(
  ctx: PlatformContext,
  actor: Actor,
  upload: Pick<StoreInput, 'stream' | 'originalName' | 'truncated'>,
  where: { community: NodeRow; target: NodeRow },
  opts: { dryRun: boolean },
  meta: RequestMeta,
): Promise<ImportJobView> {
  let stored;
  try {
    // Owner-only attachment: the file holds full ID numbers, which no one else needs to open.
    stored = await storeAttachment(ctx, actor, { ...upload, purpose: 'registry.import', orgNodeId: null }, meta);
  } catch (e) {
    if (e instanceof AppError && e.status === 415) throw new AppError(415, 'IMPORT_FILE_TYPE', {}, e.details);
    throw e;
  }
  const format = formatOfMime(stored.mime);
  if (!format) throw new AppError(415, 'IMPORT_FILE_TYPE', {}, { detected: stored.mime });
  const columns = await checkTable(blobPath(ctx, stored.sha256), format);

  const at = ctx.now().toISOString();
  const row: ImportJobTable = {
    id: newId(),
    kind: 'people',
    file_attachment_id: stored.id,
    file_name: stored.originalName,
    format,
    columns: JSON.stringify(columns),
    community_id: where.community.id,
    org_path: where.target.path,
    dry_run: opts.dryRun ? 1 : 0,
    status: 'queued',
    total_rows: null,
    processed_rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: null,
    runner: null,
    created_by: actor.userId,
    created_at: at,
    started_at: null,
    finished_at: null,
    heartbeat_at: null,
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('import_job').values(row).execute();
    await schedule(trx, { kind: IMPORT_JOB_KIND, runAt: ctx.now(), payload: { importId: row.id }, dedupeKey: scheduleKey(row.id), maxAttempts: 10 }, ctx.now());
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'registry.import.start',
        targetType: 'import_job',
        targetId: row.id,
        orgNodeId: where.target.id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { dryRun: opts.dryRun, format, attachmentId: stored.id, size: stored.size },
      },
      trx,
    );
  });
  return (await present(ctx, [row], new Map([[where.target.id, where.target.name]])))[0]!;
}

export const scheduleKey = (importId: string) => `registry.import:${importId}`;

/**
 * The job as the console shows it. A job the scheduler gave up on (its last retry failed and
 * no run holds it any more) reads as failed, with the scheduler's last error.
 */
async function present(ctx: PlatformContext, rows: ImportJobTable[], names?: Map<string, string>): Promise<ImportJobView[]> {
  const open = rows.filter((r) => r.status === 'queued' || r.status === 'running');
  const given = open.length
    ? await ctx.db.kysely
        .selectFrom('scheduled_job')
        .select(['dedupe_key', 'status', 'last_error'])
        .where('dedupe_key', 'in', open.map((r) => scheduleKey(r.id)))
        .execute()
    : [];
  const gaveUp = new Map(given.filter((g) => g.status === 'failed').map((g) => [g.dedupe_key!, g.last_error]));
  const nodeIds = rows.map((r) => lastId(r.org_path)).filter((id) => !names?.has(id));
  const nodeNames = new Map(names ?? []);
  if (nodeIds.length) for (const n of await ctx.db.kysely.selectFrom('org_node').select(['id', 'name']).where('id', 'in', [...new Set(nodeIds)]).execute()) nodeNames.set(n.id, n.name);
  const staleBefore = new Date(ctx.now().getTime() - STALE_AFTER_MS).toISOString();
  return rows.map((r) => {
    const abandoned = gaveUp.has(scheduleKey(r.id)) && (!r.runner || !r.heartbeat_at || r.heartbeat_at < staleBefore);
    const orgNodeId = lastId(r.org_path);
    return {
      id: r.id,
      kind: r.kind,
      status: abandoned ? 'failed' : r.status,
      dryRun: r.dry_run === 1,
      fileName: r.file_name,
      format: r.format as 'xlsx' | 'csv',
      communityId: r.community_id,
      orgNodeId,
      orgNodeName: nodeNames.get(orgNodeId) ?? null,
      totalRows: r.total_rows === null ? null : Number(r.total_rows),
      processedRows: Number(r.processed_rows),
      counts: { created: Number(r.created), updated: Number(r.updated), unchanged: Number(r.unchanged), rejected: Number(r.rejected) },
      error: abandoned ? (r.error ?? gaveUp.get(scheduleKey(r.id)) ?? null) : r.error,
      createdBy: r.created_by,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    };
  });
}

/** The job if the actor may see it: its importer, or staff holding the import permission over its subtree. */
async function jobFor(ctx: PlatformContext, actor: Actor, id: string): Promise<ImportJobTable> {
  const row = await ctx.db.kysely.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.created_by !== actor.userId && !canAt(actor, IMPORT_PERMISSION, row.org_path))) throw notFound('IMPORT_NOT_FOUND');
  return row;
}

export async function getImport(ctx: PlatformContext, actor: Actor, id: string, pageSize = 50): Promise<ImportDetail> {
  const row = await jobFor(ctx, actor, id);
  const [view] = await present(ctx, [row]);
  return { ...view!, rejections: await rejectionPage(ctx, row, { page: 1, pageSize }) };
}

export async function listRejections(ctx: PlatformContext, actor: Actor, id: string, page: { page: number; pageSize: number }) {
  const row = await jobFor(ctx, actor, id);
  return rejectionPage(ctx, row, page);
}

async function rejectionPage(ctx: PlatformContext, job: ImportJobTable, page: { page: number; pageSize: number }) {
  const rows = await ctx.db.kysely
    .selectFrom('import_rejection')
    .select(['row_number', 'reason', 'raw'])
    .where('job_id', '=', job.id)
    .orderBy('row_number')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return {
    items: rows.map((r) => ({ rowNumber: Number(r.row_number), reason: r.reason, raw: parseJson<Record<string, string>>(r.raw, {}) })),
    total: Number(job.rejected),
    page: page.page,
    pageSize: page.pageSize,
  };
}

/** The caller's own imports, newest first. */
export async function listImports(ctx: PlatformContext, actor: Actor, page: { page: number; pageSize: number }) {
  const base = ctx.db.kysely.selectFrom('import_job').where('created_by', '=', actor.userId);
  const [rows, total] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await present(ctx, rows), total: Number(total.n), page: page.page, pageSize: page.pageSize };
}

/**
 * Everything the rejected-rows report needs: its title, its columns and the rows, read a
 * thousand at a time. The download is audited (the rows hold names and masked numbers).
 */
export async function rejectionsReport(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const job = await jobFor(ctx, actor, id);
  await appendAudit(ctx.db, {
    actorId: actor.userId,
    actorName: actor.username,
    action: 'registry.import.rejections.export',
    targetType: 'import_job',
    targetId: job.id,
    orgNodeId: job.community_id,
    ip: meta.ip,
    requestId: meta.requestId,
    details: { rejected: Number(job.rejected) },
  });
  const columns = parseJson<string[]>(job.columns, []);
  const db = ctx.db.kysely;
  async function* rows(): AsyncGenerator<RejectionRow> {
    let after = 0;
    for (;;) {
      const page = await db.selectFrom('import_rejection').select(['row_number', 'reason', 'raw']).where('job_id', '=', job.id).where('row_number', '>', after).orderBy('row_number').limit(1000).execute();
      if (page.length === 0) return;
      for (const r of page) yield { rowNumber: Number(r.row_number), reason: r.reason, raw: parseJson<Record<string, string>>(r.raw, {}) };
      after = Number(page[page.length - 1]!.row_number);
    }
  }
  const stem = job.file_name.replace(/\.[A-Za-z0-9]{1,10}$/, '');
  return {
    fileName: `${stem}-未通过的行.xlsx`,
    title: `${job.file_name} 导入${job.dry_run === 1 ? '（试导入）' : ''}未通过的行：共 ${Number(job.rejected)} 行`,
    columns,
    rows: rows(),
  };
}

/** Tags the template lists: every tag staff may type (derived ones follow from the record). */
export async function templateTags(ctx: PlatformContext) {
  return ctx.db.kysely.selectFrom('tag_definition').select(['code', 'category', 'description']).where('derived_rule', 'is', null).orderBy('sort').orderBy('code').execute();
}
