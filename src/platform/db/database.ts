import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** For SQLite: the file path (or ':memory:'); for PostgreSQL: the URL without password. */
  location: string;
  /** PostgreSQL schema in use (tests isolate themselves in one). */
  schema?: string;
  destroy(): Promise<void>;
}

export type Executor = Kysely<Database> | Transaction<Database>;

// PostgreSQL returns BIGINT (count, sum) as strings by default; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function openDatabase(url: string, opts: { schema?: string; poolSize?: number } = {}): Db {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const options = opts.schema ? `-c search_path=${opts.schema}` : undefined;
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kysely,
      dialect: 'postgres',
      location: url.replace(/:[^:@/]+@/, ':***@'),
      schema: opts.schema,
      destroy: () => kysely.destroy(),
    };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file === ':memory:' ? ':memory:' : file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { kysely, dialect: 'sqlite', location: file, destroy: () => kysely.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs about as much as running a small query in
 * SQLite, so statements are kept by their SQL text (queries are parameterised, so the set is
 * small). A statement still iterating (a stream) is never handed out twice.
 */
function withStatementCache(database: SQLite.Database, max = 2000) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(text);
      if (!cached) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

/** Creates the schema (PostgreSQL) if it does not exist; used by tests and `linli migrate`. */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '')}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1 as ok`.execute(db.kysely);
    return true;
  } catch {
    return false;
  }
}
