import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { maskSensitiveText } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { AppError } from '../../platform/errors.js';
import { blobPath } from '../../platform/files/files.service.js';
import { t } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt } from '../../platform/policy/actor.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import type { TableFormat } from '../../platform/files/spreadsheet.js';
import { FIELD_HEADERS, ImportFileError, type DataRow, type Header } from './imports.parse.js';
import { DwellingIndex, maskedRaw, type RowPerson, type RowResult } from './imports.normalise.js';
import { readInWorker, type Sealed } from './imports.read.js';
import { BLIND_ID_NUMBER, BLIND_PHONE } from './registry.pii.js';
import { sealedKey, withSealed, type SealedValues } from '../../platform/crypto/pii.js';
import type { ImportJobTable } from './imports.table.js';
import { timed } from './imports.timings.js';
import { upsertPeopleByIdNumber, type UpsertInput } from './people.write.js';
import type { IdType, ResidenceType } from './registry.table.js';
import './imports.table.js';

/**
 * The import as a background job. Rows are processed in chunks; each chunk is ONE transaction
 * that writes its people, its rejected rows and the job's progress and counts together. A crash
 * at any moment therefore leaves whole chunks or nothing, and the next run (the scheduler
 * retries it, or another process takes it over) continues after the last committed chunk. Even
 * a run from the start would converge: people are upserted by ID number.
 *
 * A row with the same ID number as an earlier row of the same file is rejected ("与第 N 行身份证号
 * 重复") rather than merged: which of two differing rows is right is for staff to decide.
 */

export const IMPORT_PERMISSION = 'registry.import';
export const IMPORT_JOB_KIND = 'registry.import-people';

/** A running import whose heartbeat is older than this is presumed dead and may be taken over. */
export const STALE_AFTER_MS = 2 * 60_000;

/** Tuning and test seams (tests make chunks small and simulate a crash inside one). */
export const importSettings: {
  chunkRows: number;
  /**
   * The first chunk's rows; each next chunk doubles up to chunkRows. The writer starts as soon
   * as the reader has a small chunk instead of waiting for a whole one (a second or two).
   */
  firstChunkRows: number;
  /**
   * SQLite, while an import runs: WAL pages between checkpoints (the default 1,000 checkpoints
   * after nearly every chunk) and page-cache bytes (the default 2 MB holds little of the
   * indexes an import inserts into at random). 0 leaves the connection's setting as it is.
   */
  sqliteWalPages: number;
  sqliteCacheBytes: number;
  /** Called for each row inside the chunk's transaction, after its people are written; throwing here is a crash mid-chunk. */
  afterRow?: (jobId: string, rowNumber: number) => void | Promise<void>;
} = { chunkRows: 10_000, firstChunkRows: 2_500, sqliteWalPages: 65_536, sqliteCacheBytes: 256 * 2 ** 20 };

/** Another process holds the import; the scheduler will try again later. */
export class ImportBusyError extends Error {
  constructor() {
    super('import is being run by another process');
    this.name = 'ImportBusyError';
  }
}

/** The job cannot run at all (file unreadable, importer lost the permission): it fails, it is not retried. */
class ImportRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

class LostClaimError extends Error {
  constructor() {
    super('the import was taken over by another process');
  }
}

export const importJobHandler: JobHandlerDefinition = {
  kind: IMPORT_JOB_KIND,
  handler: async (ctx, payload) => {
    const importId = (payload as { importId?: unknown } | null)?.importId;
    if (typeof importId !== 'string') throw new Error('registry.import-people: payload.importId missing');
    await runImportJob(ctx, importId);
  },
};

/** Runs (or resumes) an import. Safe to call twice, from two processes: one runs, the other is told it is busy. */
export async function runImportJob(ctx: PlatformContext, importId: string): Promise<void> {
  const runner = newId();
  const claimed = await claim(ctx, importId, runner);
  if (claimed === 'finished') return;
  if (claimed === 'busy') throw new ImportBusyError();
  try {
    await processImport(ctx, claimed, runner);
  } catch (e) {
    if (e instanceof ImportFileError || e instanceof ImportRefused) {
      await finish(ctx, claimed, runner, 'failed', e.reason);
      return;
    }
    if (e instanceof LostClaimError) return;
    // Give the job back (the next run resumes after the last committed chunk), then let the scheduler retry.
    await ctx.db.kysely
      .updateTable('import_job')
      .set({ status: 'queued', runner: null, error: errorText(e) })
      .where('id', '=', importId)
      .where('runner', '=', runner)
      .execute();
    throw e;
  }
}

async function claim(ctx: PlatformContext, id: string, runner: string): Promise<ImportJobTable | 'finished' | 'busy'> {
  const now = ctx.now();
  const nowIso = now.toISOString();
  const staleBefore = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const r = await ctx.db.kysely
    .updateTable('import_job')
    .set({ status: 'running', runner, heartbeat_at: nowIso, started_at: sql<string>`coalesce(started_at, ${nowIso})` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
    .executeTakeFirst();
  const job = await ctx.db.kysely.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst();
  if (!job || job.status === 'done' || job.status === 'failed') return 'finished';
  if (Number(r.numUpdatedRows) !== 1 || job.runner !== runner) return 'busy';
  return job;
}

/** A row ready for its chunk: the person to upsert, or the reason it is rejected. */
type Prepared = { rowNumber: number; cells: DataRow['cells']; sealed?: Sealed } & ({ ok: true; person: RowPerson; dwellingId: string | null } | { ok: false; reason: string });

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * SQLite pragmas for the length of an import (see importSettings); returns what restores the
 * connection's own settings. The connection is the server's only one: other requests run
 * between chunks with the same settings, which change when checkpoints run and how much is
 * cached, never what is written.
 */
export async function sqliteImportPragmas(ctx: PlatformContext): Promise<() => Promise<void>> {
  if (ctx.db.dialect !== 'sqlite') return async () => {};
  const db = ctx.db.kysely;
  const read = async (name: string) => Number(Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0]);
  const set = (name: string, value: number) => sql.raw(`pragma ${name} = ${Math.trunc(value)}`).execute(db);
  const walPages = await read('wal_autocheckpoint');
  const cache = await read('cache_size');
  const pageSize = await read('page_size');
  // cache_size counts pages when positive, KiB when negative.
  const cacheBytes = cache < 0 ? -cache * 1024 : cache * pageSize;
  const restore: (() => Promise<unknown>)[] = [];
  if (importSettings.sqliteWalPages > walPages) {
    await set('wal_autocheckpoint', importSettings.sqliteWalPages);
    restore.push(() => set('wal_autocheckpoint', walPages));
  }
  if (importSettings.sqliteCacheBytes > cacheBytes) {
    await set('cache_size', -Math.ceil(importSettings.sqliteCacheBytes / 1024));
    restore.push(() => set('cache_size', cache));
  }
  return async () => {
    for (const r of restore) await r();
  };
}

async function processImport(ctx: PlatformContext, job: ImportJobTable, runner: string): Promise<void> {
  const restorePragmas = await sqliteImportPragmas(ctx);
  try {
    await processImportWith(ctx, job, runner);
  } finally {
    await restorePragmas();
  }
}

async function processImportWith(ctx: PlatformContext, job: ImportJobTable, runner: string): Promise<void> {
  const db = ctx.db.kysely;
  const actor = await loadActor(db, job.created_by);
  if (!actor || !canAt(actor, IMPORT_PERMISSION, job.org_path)) throw new ImportRefused('导入人已无在该范围导入人员的权限，导入未执行');
  const attachment = await db.selectFrom('attachment').select(['sha256']).where('id', '=', job.file_attachment_id).executeTakeFirst();
  if (!attachment) throw new ImportRefused('导入文件已不存在');
  const file = blobPath(ctx, attachment.sha256);
  // Read and checked on a worker thread, while this one writes (imports.read.ts).
  const reader = await timed('start the reader', () => readInWorker({ file, format: job.format as TableFormat, today: ctx.now().getTime(), count: job.total_rows === null, keys: ctx.pii.threadKeys() }, 2 * Math.max(1, importSettings.chunkRows)));
  // The row count is for the progress bar only: it arrives beside the rows.
  let counting: Promise<unknown> = Promise.resolve();
  const recordTotal = (total: number | null) => {
    if (total === null) return;
    counting = db.updateTable('import_job').set({ total_rows: total }).where('id', '=', job.id).where('runner', '=', runner).where('status', '=', 'running').execute().catch(() => undefined);
  };
  try {
    const community = await db.selectFrom('org_node').select(['id', 'path', 'name']).where('id', '=', job.community_id).executeTakeFirst();
    const targetId = job.org_path.split('/').filter(Boolean).pop()!;
    const target = await db.selectFrom('org_node').select(['id', 'path', 'name', 'kind']).where('id', '=', targetId).executeTakeFirst();
    if (!community || !target) throw new ImportRefused('导入范围（社区或网格）已不存在');
    const places = new DwellingIndex(
      await db
        .selectFrom('org_node')
        .select(['id', 'parent_id', 'kind', 'name', 'path'])
        .where('path', '>=', community.path)
        .where('path', '<', prefixEnd(community.path))
        .where('kind', 'in', ['building', 'unit', 'dwelling'])
        .where('ended_at', 'is', null)
        .execute(),
    );
    const tagRows = await db.selectFrom('tag_definition').select(['code', 'derived_rule']).execute();
    const knownTags = new Set(tagRows.map((r) => r.code));
    const derivedTags = new Set(tagRows.filter((r) => r.derived_rule).map((r) => r.code));

    /** ID number → the row that first claimed it, across the whole file (rebuilt on resume from the rows skipped). */
    const seen = new Map<string, number>();
    // A household's rows name the same dwelling: resolve each 楼栋/单元/房号 once.
    const resolved = new Map<string, ReturnType<DwellingIndex['resolve']>>();
    const resolve = (place: NonNullable<RowPerson['place']>) => {
      const key = `${place.building}\u0000${place.unit}\u0000${place.room}`;
      let found = resolved.get(key);
      if (!found) resolved.set(key, (found = places.resolve(place)));
      return found;
    };
    const prepare = (row: DataRow, r: RowResult, sealed: Sealed | undefined): Prepared => {
      const base = { rowNumber: row.rowNumber, cells: row.cells, sealed };
      if (!r.ok) return { ...base, ok: false, reason: r.reason };
      const p = r.person;
      const first = seen.get(p.idNumber);
      if (first !== undefined) return { ...base, ok: false, reason: `与第 ${first} 行身份证号重复` };
      let dwellingId: string | null = null;
      if (p.place) {
        const found = resolve(p.place);
        if (!found.ok) return { ...base, ok: false, reason: found.reason };
        if (!found.path.startsWith(job.org_path)) return { ...base, ok: false, reason: `房屋 ${found.label} 不在本次导入范围（${target.name}）内` };
        dwellingId = found.id;
      }
      if (p.tags) {
        const unknown = p.tags.filter((tag) => !knownTags.has(tag));
        if (unknown.length) return { ...base, ok: false, reason: `标签“${unknown.join('、')}”不存在（可用标签见模板“填写说明”页）` };
        // Derived tags (高龄老人 …) follow from the record itself; typing them changes nothing.
        const typed = p.tags.filter((tag) => !derivedTags.has(tag));
        p.tags = typed.length ? typed : undefined;
      }
      seen.set(p.idNumber, row.rowNumber);
      return { ...base, ok: true, person: p, dwellingId };
    };

    const chunkRows = Math.max(1, importSettings.chunkRows);
    let chunkSize = Math.max(1, Math.min(chunkRows, importSettings.firstChunkRows));
    let index = 0;
    let chunk: Prepared[] = [];
    // The next chunk is gathered while the last one is written (on PostgreSQL, while the server
    // inserts). One chunk at a time is written, in file order; a failed write stops the
    // gathering at the next chunk's turn (gathering writes nothing).
    let writing: Promise<void> | null = null;
    const write = async (rows: Prepared[], processedTo: number) => {
      if (writing) await timed('wait for the chunk before', () => writing!);
      writing = commitChunk(ctx, job, runner, actor, reader.header, rows, processedTo);
      writing.catch(() => undefined); // seen by the next `await writing`
    };
    try {
      const items = reader.items[Symbol.asyncIterator]();
      for (;;) {
        const next = await timed('wait for rows', () => items.next());
        if (next.done) break;
        const item = next.value;
        if (item.kind === 'total') {
          recordTotal(item.total);
          continue;
        }
        const prepared = prepare(item, item.result, item.sealed);
        index++;
        if (index <= job.processed_rows) continue; // committed by an earlier run
        chunk.push(prepared);
        if (chunk.length >= chunkSize) {
          await write(chunk, index);
          chunk = [];
          chunkSize = Math.min(chunkRows, chunkSize * 2);
        }
      }
      if (chunk.length) await write(chunk, index);
      if (writing) await writing;
    } finally {
      // Nothing of this run may still be writing when it ends, however it ends.
      if (writing) await (writing as Promise<void>).catch(() => undefined);
    }
  } finally {
    await reader.close();
  }
  await counting;
  await timed('finish', () => finish(ctx, job, runner, 'done', null));
}

/**
 * One chunk in one transaction: upserts, rejections and progress commit together. A dry run
 * does the same work, rolls it back, and records only what it counted.
 */
async function commitChunk(ctx: PlatformContext, job: ImportJobTable, runner: string, actor: Actor, header: Header, chunk: Prepared[], processedTo: number): Promise<void> {
  const counts: Counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: { rowNumber: number; reason: string; cells: DataRow['cells'] }[] = [];
  const trx = await ctx.db.kysely.startTransaction().execute();
  try {
    const writes: { rowNumber: number; cells: DataRow['cells']; input: UpsertInput }[] = [];
    for (const p of chunk) {
      if (p.ok) writes.push({ rowNumber: p.rowNumber, cells: p.cells, input: personInput(p.person, p.dwellingId, job) });
      else rejections.push({ rowNumber: p.rowNumber, reason: p.reason, cells: p.cells });
    }
    // The write path refuses a row before writing anything of it; anything it throws is no
    // row's fault and fails the chunk, to be retried. An empty 人员类型 keeps a registered
    // person's; a new person's follows from the ID type.
    // The numbers the reader sealed are not encrypted and hashed again here.
    const sealed: SealedValues = { encrypted: new Map(), indexed: new Map() };
    for (const p of chunk) {
      for (const [kind, v] of [[BLIND_ID_NUMBER, p.sealed?.idNumber], [BLIND_PHONE, p.sealed?.phone]] as const) {
        if (!v) continue;
        sealed.encrypted.set(v.plain, v.enc);
        sealed.indexed.set(sealedKey(kind, v.plain), v.idx);
      }
    }
    const writeCtx = { ...ctx, pii: withSealed(ctx.pii, sealed) };
    const results = await timed('upsert', () => upsertPeopleByIdNumber(writeCtx, trx, actor, writes.map((w) => w.input), { source: 'import', defaultResidenceType: defaultResidence }));
    results.forEach((r, k) => {
      if (r.ok) counts[r.outcome]++;
      else rejections.push({ rowNumber: writes[k]!.rowNumber, reason: reasonOf(r.error), cells: writes[k]!.cells });
    });
    if (importSettings.afterRow) for (const p of chunk) await importSettings.afterRow(job.id, p.rowNumber);
    counts.rejected = rejections.length;
    if (job.dry_run === 1) {
      await trx.rollback().execute();
      await ctx.db.kysely.transaction().execute((t2) => recordProgress(ctx, t2, job.id, runner, processedTo, counts, rejections, header));
    } else {
      await timed('progress and rejections', () => recordProgress(ctx, trx, job.id, runner, processedTo, counts, rejections, header));
      await timed('commit', () => trx.commit().execute());
    }
  } catch (e) {
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
    throw e;
  }
}

async function recordProgress(
  ctx: PlatformContext,
  executor: Executor,
  jobId: string,
  runner: string,
  processedTo: number,
  counts: Counts,
  rejections: { rowNumber: number; reason: string; cells: DataRow['cells'] }[],
  header: Header,
) {
  const r = await executor
    .updateTable('import_job')
    .set((eb) => ({
      processed_rows: processedTo,
      created: eb('created', '+', counts.created),
      updated: eb('updated', '+', counts.updated),
      unchanged: eb('unchanged', '+', counts.unchanged),
      rejected: eb('rejected', '+', counts.rejected),
      heartbeat_at: ctx.now().toISOString(),
      error: null,
    }))
    .where('id', '=', jobId)
    .where('runner', '=', runner)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new LostClaimError();
  const rows = rejections.map((x) => ({ job_id: jobId, row_number: x.rowNumber, reason: x.reason, raw: JSON.stringify(maskedRaw(header, x.cells)) }));
  for (let i = 0; i < rows.length; i += 200) await executor.insertInto('import_rejection').values(rows.slice(i, i + 200)).execute();
}

/** The kind of resident a new person is when the file does not say. */
function defaultResidence(idType: IdType): ResidenceType {
  return idType === '居民身份证' ? '户籍人口' : '境外人员';
}

function personInput(p: RowPerson, dwellingId: string | null, job: ImportJobTable): UpsertInput {
  const targetId = job.org_path.split('/').filter(Boolean).pop()!;
  // Every value was normalised and bounded by normaliseRow; fields the file left empty stay undefined (kept as stored).
  return {
    name: p.name,
    idType: p.idType,
    idNumber: p.idNumber,
    gender: p.gender,
    birthDate: p.birthDate,
    ethnicity: p.ethnicity,
    politicalStatus: p.politicalStatus,
    education: p.education,
    maritalStatus: p.maritalStatus,
    phone: p.phone,
    hukouAddress: p.hukouAddress,
    residenceType: p.residenceType,
    householdResidenceStatus: p.householdResidenceStatus,
    relationToHead: p.relationToHead,
    occupation: p.occupation,
    // No 楼栋/单元/房号: registered at the import's node (community, or the grid worker's grid) to be placed later.
    ...(dwellingId ? { dwellingId } : { communityId: targetId }),
    tags: p.tags,
  };
}

/** A refusal of the write path, in Chinese, named by its column when it has one. */
function reasonOf(e: AppError): string {
  if (e.code === 'PERSON_OUTSIDE_SCOPE') return '该身份证号已登记在您管辖范围以外，请联系其所在社区或网格办理迁入';
  if (e.status === 403) return '无权在该位置登记或修改人员';
  const message = t('zh-CN', `error.${e.code}`, e.params);
  const field = Array.isArray(e.details) ? (e.details[0] as { field?: unknown } | undefined)?.field : undefined;
  const column = typeof field === 'string' ? (FIELD_HEADERS as Record<string, string>)[field] : undefined;
  return maskSensitiveText(column ? `${column}：${message}` : message);
}

function errorText(e: unknown): string {
  return maskSensitiveText(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 1000);
}

async function finish(ctx: PlatformContext, job: ImportJobTable, runner: string, status: 'done' | 'failed', error: string | null): Promise<void> {
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('import_job')
      .set((eb) => ({
        status,
        error,
        runner: null,
        finished_at: at,
        heartbeat_at: at,
        // Once done, the count is exact: every data row was processed.
        total_rows: status === 'done' ? eb.ref('processed_rows') : eb.ref('total_rows'),
      }))
      .where('id', '=', job.id)
      .where('runner', '=', runner)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return;
    const done = await trx.selectFrom('import_job').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    const user = await trx.selectFrom('app_user').select('username').where('id', '=', job.created_by).executeTakeFirst();
    await appendAudit(
      ctx.db,
      {
        actorId: job.created_by,
        actorName: user?.username ?? null,
        action: status === 'done' ? 'registry.import.finish' : 'registry.import.fail',
        outcome: status === 'done' ? 'success' : 'failure',
        targetType: 'import_job',
        targetId: job.id,
        orgNodeId: job.community_id,
        details: {
          dryRun: job.dry_run === 1,
          totalRows: done.total_rows,
          created: Number(done.created),
          updated: Number(done.updated),
          unchanged: Number(done.unchanged),
          rejected: Number(done.rejected),
          ...(error ? { error } : {}),
        },
      },
      trx,
    );
  });
}
