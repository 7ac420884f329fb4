import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Transaction } from 'kysely';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { appendAudit, countAudit, verifyAuditChain } from '../audit/audit.js';
import type { Database } from './schema.js';
import { batchedWrite, deferInBatch, writeBatchStats, type DeferredWork } from './write-batch.js';

/** A table of this test's own; the typed schema does not know it, so the SQL is raw. */
const insertThing = (trx: Transaction<Database>, id: string, n: number) => sql`insert into wb_thing (id, n) values (${id}, ${n})`.execute(trx);

describe(`batchedWrite: group commit with a savepoint per write (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  const db = () => platform.ctx.db;
  const things = async () => (await sql<{ id: string; n: number }>`select id, n from wb_thing order by n`.execute(db().kysely)).rows.map((r) => ({ id: r.id, n: Number(r.n) }));

  beforeAll(async () => {
    platform = await createTestPlatform();
    await sql`create table wb_thing (id text primary key, n integer not null)`.execute(db().kysely);
  });
  afterAll(async () => {
    await platform.close();
  });
  beforeEach(async () => {
    await sql`delete from wb_thing`.execute(db().kysely);
  });

  it('writes concurrent callers in shared transactions, in arrival order, each resolving with its own result', async () => {
    const before = writeBatchStats(db());
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        batchedWrite(db(), async (trx) => {
          order.push(i);
          await insertThing(trx, `t${i}`, i);
          return `done ${i}`;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => `done ${i}`));
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await things()).map((t) => t.id)).toEqual(Array.from({ length: 40 }, (_, i) => `t${i}`));
    const after = writeBatchStats(db());
    expect(after.writes - before.writes).toBe(40);
    // The first starts alone at once; the 39 that arrived meanwhile share the next transaction.
    expect(after.batches - before.batches).toBeLessThan(40);
    expect(after.largest).toBeGreaterThan(1);
  });

  it('a write that throws rolls back only its own changes; its caller gets its error, the others commit', async () => {
    const before = writeBatchStats(db());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        batchedWrite(db(), async (trx) => {
          await insertThing(trx, `t${i}`, i);
          if (i === 4) throw new Error('refused 4');
          return i;
        }),
      ),
    );
    expect(outcomes[4]).toEqual({ status: 'rejected', reason: new Error('refused 4') });
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    expect((await things()).map((t) => t.n)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    // The batch was tried as one plain transaction first, then written again with savepoints.
    expect(writeBatchStats(db()).retried).toBeGreaterThan(before.retried);
  });

  it('a failing statement (duplicate key) inside a batch is undone by its savepoint; later writes in the batch still run (PostgreSQL: no aborted transaction)', async () => {
    await batchedWrite(db(), (trx) => insertThing(trx, 'taken', 100));
    const outcomes = await Promise.allSettled([
      batchedWrite(db(), (trx) => insertThing(trx, 'a', 1)),
      batchedWrite(db(), (trx) => insertThing(trx, 'b', 2)),
      batchedWrite(db(), async (trx) => {
        await insertThing(trx, 'c', 3);
        await insertThing(trx, 'taken', 4); // the unique violation: c must go too
      }),
      batchedWrite(db(), (trx) => insertThing(trx, 'd', 5)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await things()).map((t) => t.id)).toEqual(['a', 'b', 'd', 'taken']);
  });

  it('a write that swallows a failed statement is rolled back rather than committed half-done', async () => {
    const outcomes = await Promise.allSettled([
      batchedWrite(db(), (trx) => insertThing(trx, 'x', 1)),
      batchedWrite(db(), async (trx) => {
        await insertThing(trx, 'y', 2);
        await insertThing(trx, 'x', 3).catch(() => undefined);
        return 'claims success';
      }),
      batchedWrite(db(), (trx) => insertThing(trx, 'z', 4)),
    ]);
    expect(outcomes[0]!.status).toBe('fulfilled');
    expect(outcomes[2]!.status).toBe('fulfilled');
    const ids = (await things()).map((t) => t.id);
    expect(ids).toContain('x');
    expect(ids).toContain('z');
    if (platform.ctx.db.dialect === 'postgres') {
      // PostgreSQL aborted the transaction at the failed statement: the savepoint takes the write back.
      expect(outcomes[1]!.status).toBe('rejected');
      expect(ids).not.toContain('y');
    } else {
      // SQLite carries on after a failed statement; what the write did commit is what it asked for.
      expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 'claims success' });
      expect(ids).toContain('y');
    }
  });

  it('a lone write that throws leaves nothing and rejects with its own error', async () => {
    await expect(
      batchedWrite(db(), async (trx) => {
        await insertThing(trx, 'alone', 1);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await things()).toEqual([]);
  });

  it('callers resolve after COMMIT: the row is visible to a fresh read as soon as the promise resolves', async () => {
    const seen = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        batchedWrite(db(), (trx) => insertThing(trx, `v${i}`, i)).then(async () => {
          // On PostgreSQL this read runs on another pooled connection: only committed rows show.
          const r = await sql<{ n: number }>`select count(*) as n from wb_thing where id = ${`v${i}`}`.execute(db().kysely);
          return Number(r.rows[0]!.n);
        }),
      ),
    );
    expect(seen).toEqual([1, 1, 1, 1, 1]);
  });

  it('audit entries of batched writes commit with them, in order, and the chain still verifies; a failed write leaves no audit row', async () => {
    const before = await countAudit(db(), 'test.batched');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        batchedWrite(db(), async (trx) => {
          await insertThing(trx, `a${i}`, i);
          await appendAudit(db(), { action: 'test.batched', targetType: 'wb_thing', targetId: `a${i}`, details: { i, part: 1 } }, trx);
          await appendAudit(db(), { action: 'test.batched', targetType: 'wb_thing', targetId: `a${i}`, details: { i, part: 2 } }, trx);
          if (i % 5 === 3) throw new Error(`refused ${i}`);
        }),
      ),
    );
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([3, 8]);
    expect(await countAudit(db(), 'test.batched')).toBe(before + 2 * 10);
    const rows = await db().kysely.selectFrom('audit_log').select(['seq', 'target_id', 'details']).where('action', '=', 'test.batched').orderBy('seq').execute();
    const written = rows.slice(-20).map((r) => `${r.target_id}:${(JSON.parse(r.details!) as { part: number }).part}`);
    const expected = [0, 1, 2, 4, 5, 6, 7, 9, 10, 11].flatMap((i) => [`a${i}:1`, `a${i}:2`]);
    expect(written).toEqual(expected);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it('deferred work runs once per batch before COMMIT, without the items of writes that rolled back', async () => {
    const flushed: string[][] = [];
    const work: DeferredWork<string> = {
      flush: async (trx, items) => {
        flushed.push([...items]);
        for (const [k, id] of items.entries()) await insertThing(trx, id, 1000 + k);
      },
    };
    // Outside a batch there is nothing to defer to.
    expect(deferInBatch(db().kysely, work, 'never')).toBe(false);
    const outcomes = await Promise.allSettled(
      ['p', 'q', 'r', 's'].map((id) =>
        batchedWrite(db(), async (trx) => {
          expect(deferInBatch(trx, work, `${id}-deferred`)).toBe(true);
          if (id === 'r') throw new Error('r refused');
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(flushed.flat()).toEqual(['p-deferred', 'q-deferred', 's-deferred']);
    expect((await things()).map((t) => t.id).sort()).toEqual(['p-deferred', 'q-deferred', 's-deferred']);
  });

  it('if the deferred work fails, the whole batch fails and nothing of it is written', async () => {
    const work: DeferredWork<string> = {
      flush: async () => {
        throw new Error('flush failed');
      },
    };
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        batchedWrite(db(), async (trx) => {
          await insertThing(trx, `f${n}`, n);
          deferInBatch(trx, work, 'x');
        }),
      ),
    );
    // However the three were grouped, each batch that flushed failed as a whole.
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(await things()).toEqual([]);
  });
});
