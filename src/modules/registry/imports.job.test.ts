import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs } from '../../../test/helpers/http.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { LinliApp } from '../../platform/http/app.js';
import { getJob } from '../../platform/scheduler/jobs.js';
import { sql } from 'kysely';
import { ImportBusyError, importSettings, runImportJob, sqliteImportPragmas, STALE_AFTER_MS } from './imports.job.js';
import { scheduleKey } from './imports.service.js';
import { importWorker, peopleSnapshot, personByIdNumber, upload, xlsxBuffer } from './imports.testkit.js';
import { seedRegistryFixture } from './registry.fixture.js';

/*
 * An import killed at any moment leaves no half-written person, and running it again gives the
 * same state as a run that was never interrupted. Two databases side by side: one imports the
 * file cleanly, the other is interrupted inside a chunk's transaction, then "killed" while
 * holding the job, then taken over by another process.
 */

const ROWS = 23;
const CHUNK = 4;
const idOf = (i: number) => composeIdNumber('330481', `19${String(40 + i).padStart(2, '0')}-0${(i % 9) + 1}-1${i % 10}`, 100 + i);

async function roster(): Promise<Buffer> {
  return xlsxBuffer((ws) => {
    ws.addRow(['西山社区人口花名册']);
    ws.addRow(['姓名', '身份证号', '联系电话', '楼栋', '单元', '房号', '标签', '民族']);
    for (let i = 1; i <= ROWS; i++) {
      // Every seventh row is rejected (an unknown building); others land in 101室, 102室 or the community.
      const place = i % 7 === 0 ? ['99', '1', '101'] : i % 3 === 0 ? ['', '', ''] : ['1', '1', i % 2 ? '101' : '102'];
      ws.addRow([`居民${i}`, idOf(i), `1380000${String(i).padStart(4, '0')}`, ...place, i % 5 === 0 ? '低保' : '', '汉族']);
    }
    // A row repeating an earlier number: rejected in both runs alike.
    ws.addRow(['居民1又一次', idOf(1), '', '', '', '', '', '']);
  });
}

interface Side {
  platform: TestPlatform;
  app: LinliApp;
  fx: Fixture;
}

async function side(): Promise<Side> {
  const platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
  const fx = await seedFixture(platform.ctx);
  await seedRegistryFixture(platform.ctx, fx.nodes);
  return { platform, fx, app: await createTestApp(platform) };
}

describe(`import job: interrupted and resumed (${DIALECT_LABEL})`, () => {
  let clean: Side;
  let broken: Side;
  let file: Buffer;
  let chunkRows: number;
  let firstChunkRows: number;

  beforeAll(async () => {
    [clean, broken] = [await side(), await side()];
    file = await roster();
    [chunkRows, firstChunkRows] = [importSettings.chunkRows, importSettings.firstChunkRows];
    // Chunks of 1, 2, 4, 4, 4 … rows: the first chunk small, each next doubled up to CHUNK.
    importSettings.chunkRows = CHUNK;
    importSettings.firstChunkRows = 1;
  });
  afterEach(() => {
    importSettings.afterRow = undefined;
  });
  afterAll(async () => {
    importSettings.chunkRows = chunkRows;
    importSettings.firstChunkRows = firstChunkRows;
    for (const s of [clean, broken]) {
      await s.app.close();
      await s.platform.close();
    }
  });

  const start = async (s: Side) => {
    const session = await loginAs(s.app, 'xishan');
    const res = await upload(s.app, session.headers, { filename: '花名册.xlsx', data: file });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().id as string;
  };
  const jobRow = (s: Side, id: string) => s.platform.ctx.db.kysely.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('converges to the state of an uninterrupted run', async () => {
    // The reference: one clean run.
    const cleanId = await start(clean);
    await importWorker(clean.platform.ctx).runDueJobs();
    const reference = await jobRow(clean, cleanId);
    expect(reference).toMatchObject({ status: 'done', processed_rows: ROWS + 1, total_rows: ROWS + 1 });

    // The other side crashes inside the fourth chunk's transaction (rows 8–11), after two of its rows were written.
    const ctx = broken.platform.ctx;
    const peopleBefore = (await ctx.db.kysely.selectFrom('person').select('id').execute()).length;
    const brokenId = await start(broken);
    const committedRows = 1 + 2 + CHUNK;
    const crashAt = committedRows + 2 + 2; // data row 9 is sheet row 11 (title and header above)
    importSettings.afterRow = (_job, rowNumber) => {
      if (rowNumber === crashAt) throw new Error('power cut');
    };
    const run1 = await importWorker(ctx, 'worker-a').runDueJobs();
    expect(run1).toMatchObject({ claimed: 1, retried: 1 });
    const afterCrash = await jobRow(broken, brokenId);
    expect(afterCrash).toMatchObject({ status: 'queued', processed_rows: committedRows, runner: null, error: 'Error: power cut' });
    // Exactly the three committed chunks: the rows written inside the fourth were rolled back with it.
    const committed = await ctx.db.kysely.selectFrom('person').select('id').execute();
    expect(committed.length - peopleBefore).toBe(Number(afterCrash.created));
    expect(await personByIdNumber(ctx, idOf(9))).toEqual([]);
    expect(await personByIdNumber(ctx, idOf(8))).toEqual([]);
    expect(await personByIdNumber(ctx, idOf(6))).toHaveLength(1);
    expect(Number(afterCrash.created) + Number(afterCrash.rejected)).toBe(committedRows);
    const rejectedSoFar = await ctx.db.kysely.selectFrom('import_rejection').select('row_number').where('job_id', '=', brokenId).execute();
    expect(rejectedSoFar.map((r) => Number(r.row_number))).toEqual([9]); // data row 7, the unknown building

    // Now a process dies while holding the job (a kill, not an error it could report).
    importSettings.afterRow = undefined;
    await ctx.db.kysely.updateTable('import_job').set({ status: 'running', runner: 'dead-process', heartbeat_at: ctx.now().toISOString() }).where('id', '=', brokenId).execute();
    await expect(runImportJob(ctx, brokenId)).rejects.toBeInstanceOf(ImportBusyError);
    // Once its heartbeat is stale, another process takes the job over and finishes it.
    broken.platform.advance(STALE_AFTER_MS + 1000);
    await runImportJob(ctx, brokenId);
    const resumed = await jobRow(broken, brokenId);
    expect(resumed).toMatchObject({ status: 'done', processed_rows: ROWS + 1, runner: null, error: null });
    for (const k of ['created', 'updated', 'unchanged', 'rejected', 'total_rows'] as const) expect(Number(resumed[k]), k).toBe(Number(reference[k]));

    // Same people, same places, same tags, same change history, same rejections.
    const snapshot = await peopleSnapshot(ctx);
    expect(snapshot.filter((p) => p.name.startsWith('居民'))).toHaveLength(Number(reference.created));
    expect(snapshot.find((p) => p.name === '居民5')).toMatchObject({ tags: expect.arrayContaining(['低保:imported']), links: ['101室:resident:active'] });
    expect(snapshot.find((p) => p.name === '居民9')!.place).toBe('海宁市/硖石街道/西山社区');
    expect(snapshot).toEqual(await peopleSnapshot(clean.platform.ctx));
    const rejections = (s: Side, id: string) => s.platform.ctx.db.kysely.selectFrom('import_rejection').select(['row_number', 'reason', 'raw']).where('job_id', '=', id).orderBy('row_number').execute();
    expect(await rejections(broken, brokenId)).toEqual(await rejections(clean, cleanId));

    // The scheduler's pending retry finds the job finished and ends quietly.
    broken.platform.advance(60 * 60_000);
    expect(await importWorker(ctx, 'worker-b').runDueJobs()).toMatchObject({ claimed: 1, succeeded: 1 });
    const scheduled = await ctx.db.kysely.selectFrom('scheduled_job').select('id').where('dedupe_key', '=', scheduleKey(brokenId)).executeTakeFirstOrThrow();
    expect(await getJob(ctx.db.kysely, scheduled.id)).toMatchObject({ status: 'done' });
    const finishes = await ctx.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'registry.import.finish').where('target_id', '=', brokenId).execute();
    expect(finishes).toHaveLength(1);
  });

  it('a second run of the same file converges too: nothing created twice', async () => {
    const ctx = broken.platform.ctx;
    const before = await peopleSnapshot(ctx);
    const id = await start(broken);
    await importWorker(ctx).runDueJobs();
    const job = await jobRow(broken, id);
    expect(job).toMatchObject({ status: 'done', created: 0, updated: 0 });
    expect(Number(job.unchanged) + Number(job.rejected)).toBe(ROWS + 1);
    expect(await peopleSnapshot(ctx)).toEqual(before);
  });

  it('on SQLite, checkpoints less and caches more while it runs, then restores the connection', async () => {
    const ctx = broken.platform.ctx;
    const pragma = async (name: string) => Number(Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(ctx.db.kysely)).rows[0] ?? {})[0]);
    if (ctx.db.dialect !== 'sqlite') {
      // Nothing to set on PostgreSQL: the restore does nothing either.
      await (await sqliteImportPragmas(ctx))();
      return;
    }
    const before = { wal: await pragma('wal_autocheckpoint'), cache: await pragma('cache_size') };
    const restore = await sqliteImportPragmas(ctx);
    expect(await pragma('wal_autocheckpoint')).toBe(importSettings.sqliteWalPages);
    expect(await pragma('cache_size')).toBe(-importSettings.sqliteCacheBytes / 1024);
    await restore();
    expect({ wal: await pragma('wal_autocheckpoint'), cache: await pragma('cache_size') }).toEqual(before);
    // A whole import leaves them as they were too.
    const id = await start(broken);
    await importWorker(ctx).runDueJobs();
    expect(await jobRow(broken, id)).toMatchObject({ status: 'done' });
    expect({ wal: await pragma('wal_autocheckpoint'), cache: await pragma('cache_size') }).toEqual(before);
  });

  it('a job whose importer lost the permission fails without writing, and says why', async () => {
    const ctx = broken.platform.ctx;
    const id = await start(broken);
    await ctx.db.kysely.deleteFrom('role_grant').where('user_id', '=', broken.fx.users.xishan!).execute();
    await importWorker(ctx).runDueJobs();
    expect(await jobRow(broken, id)).toMatchObject({ status: 'failed', processed_rows: 0, error: expect.stringContaining('权限') });
    const fail = await ctx.db.kysely.selectFrom('audit_log').select(['outcome']).where('action', '=', 'registry.import.fail').where('target_id', '=', id).execute();
    expect(fail).toEqual([{ outcome: 'failure' }]);
  });
});
