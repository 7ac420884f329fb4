import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { openPlatform, type Platform } from '../../src/platform/bootstrap.js';
import { dropSchema, ensureSchema, openDatabase } from '../../src/platform/db/database.js';
import { buildApp, type LinliApp } from '../../src/platform/http/app.js';
import { modules as allModules } from '../../src/modules/index.js';
import type { LinliModule } from '../../src/platform/module.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? '';
export const IS_PG = DATABASE_URL.startsWith('postgres');
export const DIALECT_LABEL = IS_PG ? 'postgres' : 'sqlite';

export interface TestPlatform extends Platform {
  config: Config;
  dataDir: string;
  /** Moves the test clock. */
  advance(ms: number): void;
  setNow(d: Date): void;
  schema?: string;
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or a schema of its
 * own on PostgreSQL (DATABASE_URL=postgres://…), so files can run in parallel on either.
 */
export async function createTestPlatform(opts: { modules?: LinliModule[]; config?: Partial<Config>; start?: Date } = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-test-'));
  let clock = opts.start ? opts.start.getTime() : Date.now();
  let offset = 0;
  const now = () => new Date((opts.start ? clock : Date.now()) + offset);
  let schema: string | undefined;
  let url = `sqlite:${path.join(dataDir, 'test.sqlite')}`;
  if (IS_PG) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    await ensureSchema(DATABASE_URL, schema);
    url = DATABASE_URL;
  }
  const config = loadConfig({ NODE_ENV: 'test' }, { dataDir, databaseUrl: url, demo: true, loginRateLimitPerMinute: 10_000, ...opts.config });
  const db = openDatabase(url, { schema, poolSize: 4 });
  const platform = await openPlatform(config, opts.modules ?? allModules, { db, now });
  return {
    ...platform,
    config,
    dataDir,
    schema,
    advance: (ms) => {
      offset += ms;
    },
    setNow: (d) => {
      clock = d.getTime();
      offset = 0;
    },
    close: async () => {
      await platform.close();
      if (schema) await dropSchema(DATABASE_URL, schema);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTestApp(platform: TestPlatform, modules: LinliModule[] = allModules): Promise<LinliApp> {
  const app = await buildApp(platform.ctx, modules, { logger: false });
  await app.ready();
  return app;
}
