import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { openDatabase } from '../db/database.js';
import { LiveHub, signalTopic } from './live.js';

/** Topic signals (`survey:<id>` …): after commit only, to the pages listening to that topic. */
describe(`live topic signals (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let hub: LiveHub;

  beforeAll(async () => {
    platform = await createTestPlatform();
    hub = new LiveHub(platform.ctx);
  });
  afterAll(async () => {
    await hub.close();
    await platform.close();
  });

  function waitFor(topic: string) {
    const heard: string[] = [];
    let resolve!: () => void;
    const got = new Promise<void>((r) => (resolve = r));
    const sub = hub.subscribeTopic(topic, () => {
      heard.push(topic);
      resolve();
    });
    return { heard, got, sub };
  }

  it('delivers a committed signal to the listeners of that topic only', async () => {
    const db = platform.ctx.db.kysely;
    const a = waitFor('survey:a');
    const b = waitFor('survey:b');
    await a.sub;
    await b.sub;
    if (IS_PG) {
      // In the writer's transaction: delivered at COMMIT.
      await db.transaction().execute(async (trx) => signalTopic(trx, 'survey:a'));
    } else {
      await signalTopic(db, 'survey:a');
    }
    await a.got;
    expect(a.heard).toEqual(['survey:a']);
    expect(b.heard).toEqual([]);
  });

  it.runIf(!IS_PG)('refuses to signal inside an SQLite transaction (it would fire before the commit)', async () => {
    await expect(platform.ctx.db.kysely.transaction().execute(async (trx) => signalTopic(trx, 'survey:c'))).rejects.toThrow(/after the transaction commits/);
  });

  it.runIf(IS_PG)('drops the signal of a rolled-back transaction and reaches another process', async () => {
    const other = openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 2 });
    const otherHub = new LiveHub({ ...platform.ctx, db: other });
    try {
      const heard: string[] = [];
      let resolve!: () => void;
      const got = new Promise<void>((r) => (resolve = r));
      await otherHub.subscribeTopic('survey:d', () => {
        heard.push('d');
        resolve();
      });
      const db = platform.ctx.db.kysely;
      await expect(
        db.transaction().execute(async (trx) => {
          await signalTopic(trx, 'survey:d');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await db.transaction().execute(async (trx) => signalTopic(trx, 'survey:d'));
      await got;
      // Only the committed one arrived (the rolled-back one would have come first).
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual(['d']);
    } finally {
      await otherHub.close();
      await other.destroy();
    }
  });
});
