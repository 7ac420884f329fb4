import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { openPlatform, type Platform } from '../../src/platform/bootstrap.js';
import { ensureSchema, openDatabase } from '../../src/platform/db/database.js';
import { collectMigrations, migrateToLatest } from '../../src/platform/db/migrate.js';
import { buildApp, type LinliApp } from '../../src/platform/http/app.js';
import { modules as allModules } from '../../src/modules/index.js';
import type { LinliModule } from '../../src/platform/module.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';

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
 * A fresh, migrated database for one test file: a copy of a template migrated once per test run
 * and module set — a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL (tables in
 * schema `linli`) — so files run in parallel and none pays for every migration again.
 */
export async function createTestPlatform(opts: { modules?: LinliModule[]; config?: Partial<Config>; start?: Date; demo?: boolean } = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-test-'));
  let clock = opts.start ? opts.start.getTime() : Date.now();
  let offset = 0;
  const now = () => new Date((opts.start ? clock : Date.now()) + offset);
  const modules = opts.modules ?? allModules;
  let schema: string | undefined;
  let database: string | undefined;
  let url = `sqlite:${path.join(dataDir, 'test.sqlite')}`;
  // The seeded demo is a template too (its keys and files with it), so demo tests do not each seed it.
  const demo = opts.demo ? await demoTemplate(modules, opts.start ?? new Date(clock), opts.config) : null;
  if (demo) fs.cpSync(demo.dataDir, dataDir, { recursive: true });
  if (IS_PG) {
    const template = demo?.database ?? (await pgTemplate(modules));
    database = `${TEST_DB_PREFIX}${RUN_ID}_${randomBytes(5).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${database}" TEMPLATE "${template}"`);
    url = databaseUrlOf(database);
    schema = TEMPLATE_SCHEMA;
  } else if (!demo) {
    fs.copyFileSync(await sqliteTemplate(modules), path.join(dataDir, 'test.sqlite'));
  }
  const config = loadConfig({ NODE_ENV: 'test' }, { dataDir, databaseUrl: url, demo: true, loginRateLimitPerMinute: 10_000, ...opts.config });
  const db = openDatabase(url, { schema, poolSize: 4 });
  const platform = await openPlatform(config, modules, { db, now });
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
      // Not WITH (FORCE): a test's own second pool may still hold a connection, and killing it
      // would surface as an error in that test. Such a database is dropped at the end of the run.
      if (database) await adminQuery(`DROP DATABASE IF EXISTS "${database}"`).catch((e: { code?: string }) => {
        if (e.code !== '55006') throw e;
      });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- templates

/** Set by test/global-setup.ts for the whole run, so templates never outlive a change to a migration. */
const RUN_ID = runId();

function runId(): string {
  try {
    const id = inject('linliTestRun');
    if (id) return id;
  } catch {
    // Outside a vitest worker (a bench or a script): a run of its own.
  }
  return Date.now().toString(36);
}
export const TEMPLATE_DB_PREFIX = 'linli_tpl_';
export const TEST_DB_PREFIX = 'linli_t_';
const TEMPLATE_SCHEMA = 'linli';

function migrationsKey(modules: LinliModule[]): string {
  return createHash('sha256').update(Object.keys(collectMigrations(modules)).sort().join('\n')).digest('hex').slice(0, 10);
}

/** The same server as DATABASE_URL, another database. */
export function databaseUrlOf(database: string): string {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

const templates = new Map<string, Promise<string>>();

/** A migrated database to copy; made by whichever worker asks first, under an advisory lock. */
function pgTemplate(modules: LinliModule[]): Promise<string> {
  const name = `${TEMPLATE_DB_PREFIX}${RUN_ID}_${migrationsKey(modules)}`;
  let made = templates.get(name);
  if (!made) {
    made = (async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [name]);
        const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name}"`);
          const url = databaseUrlOf(name);
          await ensureSchema(url, TEMPLATE_SCHEMA);
          const db = openDatabase(url, { schema: TEMPLATE_SCHEMA, poolSize: 2 });
          try {
            await migrateToLatest(db, modules);
          } finally {
            await db.destroy();
          }
        }
        await client.query('select pg_advisory_unlock(hashtext($1))', [name]);
      } finally {
        await client.end();
      }
      return name;
    })();
    templates.set(name, made);
  }
  return made;
}

/** A migrated SQLite file to copy; written under another name and renamed, so a reader never sees it half-made. */
function sqliteTemplate(modules: LinliModule[]): Promise<string> {
  const file = path.join(os.tmpdir(), `linli-tpl-${RUN_ID}-${migrationsKey(modules)}.sqlite`);
  let made = templates.get(file);
  if (!made) {
    made = (async () => {
      if (fs.existsSync(file)) return file;
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      const db = openDatabase(`sqlite:${tmp}`);
      try {
        await migrateToLatest(db, modules);
      } finally {
        await db.destroy();
      }
      fs.renameSync(tmp, file);
      return file;
    })();
    templates.set(file, made);
  }
  return made;
}

/**
 * The demo community seeded once per run, module set and start time: a data directory (keys,
 * uploaded files and, on SQLite, the database file) and on PostgreSQL a template database. Made
 * by whichever process asks first, under a lock; the others wait for it.
 */
const demoTemplates = new Map<string, Promise<{ dataDir: string; database?: string }>>();

function demoTemplate(modules: LinliModule[], start: Date, config: Partial<Config> = {}): Promise<{ dataDir: string; database?: string }> {
  const key = createHash('sha256')
    .update([migrationsKey(modules), modules.map((m) => m.name).join(','), start.toISOString(), JSON.stringify(config)].join('|'))
    .digest('hex')
    .slice(0, 10);
  let made = demoTemplates.get(key);
  if (!made) {
    made = (async () => {
      const dir = path.join(os.tmpdir(), `linli-tpl-${RUN_ID}-demo-${key}`);
      const database = IS_PG ? `${TEMPLATE_DB_PREFIX}${RUN_ID}_demo_${key}` : undefined;
      const lock = `${dir}.lock`;
      // mkdir is atomic: the process that makes the lock seeds; the others wait for the directory.
      for (;;) {
        if (fs.existsSync(dir)) return { dataDir: dir, database };
        try {
          fs.mkdirSync(lock);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      try {
        const tmp = fs.mkdtempSync(`${dir}.tmp-`);
        let url = `sqlite:${path.join(tmp, 'test.sqlite')}`;
        if (database) {
          await adminQuery(`CREATE DATABASE "${database}" TEMPLATE "${await pgTemplate(modules)}"`);
          url = databaseUrlOf(database);
        } else {
          fs.copyFileSync(await sqliteTemplate(modules), path.join(tmp, 'test.sqlite'));
        }
        const cfg = loadConfig({ NODE_ENV: 'test' }, { dataDir: tmp, databaseUrl: url, demo: true, loginRateLimitPerMinute: 10_000, ...config });
        const db = openDatabase(url, { schema: database ? TEMPLATE_SCHEMA : undefined, poolSize: 4 });
        const platform = await openPlatform(cfg, modules, { db, now: () => start });
        try {
          await seedDemoIfEmpty(platform.ctx, modules, () => {});
        } finally {
          await platform.close();
        }
        fs.renameSync(tmp, dir);
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
      return { dataDir: dir, database };
    })();
    demoTemplates.set(key, made);
  }
  return made;
}

export async function createTestApp(platform: TestPlatform, modules: LinliModule[] = allModules): Promise<LinliApp> {
  const app = await buildApp(platform.ctx, modules, { logger: false });
  await app.ready();
  return app;
}
