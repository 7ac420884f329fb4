import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import type { Db, DialectName } from '../db/database.js';
import {
  dependencyOrder,
  orderSelfReferencing,
  quoteId,
  readCatalog,
  selfReferences,
  sqliteReader,
  type SqlReader,
  type TableInfo,
} from './catalog.js';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, BackupWriter, encodeValue, type BackupHeader, type BackupTable } from './format.js';

export interface BackupOptions {
  now?: () => Date;
  log?: (msg: string) => void;
  /**
   * Called before each table is read, inside the snapshot. Tests write here to prove that rows
   * committed after the snapshot began stay out of the file.
   */
  beforeTable?: (table: string) => void | Promise<void>;
}

export interface BackupSummary {
  file: string;
  dialect: DialectName;
  createdAt: string;
  migrations: string[];
  tables: BackupTable[];
  rows: number;
  sha256: string;
  bytes: number;
}

/** One consistent view of the database for the whole backup. */
interface Snapshot {
  dialect: DialectName;
  reader: SqlReader;
  rows(table: TableInfo, select: string): AsyncIterable<unknown[]>;
}

const FETCH_SIZE = 1000;

/**
 * A consistent, logical backup taken while the server keeps running and writing.
 *
 * PostgreSQL: one dedicated connection in `REPEATABLE READ READ ONLY`, so every table is read
 * from the same snapshot. SQLite: a second connection to the same file holding one read
 * transaction; in WAL mode it keeps seeing the snapshot it started with while the server's
 * connection goes on committing, and the server is never blocked.
 */
export async function createBackup(db: Db, file: string, opts: BackupOptions = {}): Promise<BackupSummary> {
  return db.dialect === 'postgres' ? backupPostgres(db, file, opts) : backupSqlite(db, file, opts);
}

async function backupPostgres(db: Db, file: string, opts: BackupOptions): Promise<BackupSummary> {
  // connection() pins one pooled connection for the callback, so BEGIN and every read share it.
  return db.kysely.connection().execute(async (conn) => {
    const run = async (text: string, params: unknown[] = []) => (await conn.executeQuery(CompiledQuery.raw(text, params))).rows as Record<string, unknown>[];
    await run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let summary: BackupSummary;
    try {
      let cursorNo = 0;
      const snapshot: Snapshot = {
        dialect: 'postgres',
        reader: { dialect: 'postgres', all: async <T>(text: string, params?: readonly unknown[]) => (await run(text, [...(params ?? [])])) as T[] },
        async *rows(table, select) {
          const cursor = `linli_backup_${++cursorNo}`;
          await run(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${select}`);
          for (;;) {
            const page = await run(`FETCH FORWARD ${FETCH_SIZE} FROM ${cursor}`);
            for (const r of page) yield table.columns.map((col) => r[col]);
            if (page.length < FETCH_SIZE) break;
          }
          await run(`CLOSE ${cursor}`);
        },
      };
      summary = await writeSnapshot(snapshot, file, opts);
    } catch (err) {
      await run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    // Read only: nothing to commit.
    await run('ROLLBACK');
    return summary;
  });
}

async function backupSqlite(db: Db, file: string, opts: BackupOptions): Promise<BackupSummary> {
  if (db.location === ':memory:') {
    throw new BackupError('BACKUP_UNSUPPORTED', '内存数据库无法备份', 'an in-memory database cannot be backed up');
  }
  if (!fs.existsSync(db.location)) {
    throw new BackupError('BACKUP_NO_DATABASE', `数据库文件不存在：${db.location}`, `database file not found: ${db.location}`);
  }
  const conn = new SQLite(db.location, { fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    conn.pragma('query_only = ON');
    const mode = String(conn.pragma('journal_mode', { simple: true }));
    if (mode !== 'wal') opts.log?.(`注意：数据库不是 WAL 模式，备份期间写入会等待 / note: the database is not in WAL mode; writers wait for the backup`);
    // A deferred BEGIN: the snapshot is fixed by the first read (the catalog) and held until ROLLBACK.
    conn.prepare('BEGIN').run();
    try {
      const snapshot: Snapshot = {
        dialect: 'sqlite',
        reader: sqliteReader(conn),
        async *rows(_table, select) {
          let n = 0;
          for (const row of conn.prepare(select).raw(true).iterate() as Iterable<unknown[]>) {
            yield row;
            // better-sqlite3 is synchronous: let the server's requests in now and then.
            if (++n % FETCH_SIZE === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        },
      };
      return await writeSnapshot(snapshot, file, opts);
    } finally {
      if (conn.inTransaction) conn.prepare('ROLLBACK').run();
    }
  } finally {
    conn.close();
  }
}

async function writeSnapshot(snapshot: Snapshot, file: string, opts: BackupOptions): Promise<BackupSummary> {
  const { reader } = snapshot;
  const catalog = await readCatalog(reader);
  const byName = new Map(catalog.map((t) => [t.name, t]));
  const { order, cycles } = dependencyOrder(catalog);
  if (cycles.length) {
    opts.log?.(`警告：以下表之间存在循环外键，恢复可能失败 / warning: circular foreign keys between ${cycles.join(', ')}; restore may fail`);
  }
  const tables: BackupTable[] = [];
  for (const name of order) {
    const [{ n }] = await reader.all<{ n: number | string }>(`select count(*) as n from ${quoteId(name)}`);
    tables.push({ name, columns: byName.get(name)!.columns, rows: Number(n) });
  }
  const migrations = byName.has('kysely_migration')
    ? (await reader.all<{ name: string }>(`select name from kysely_migration order by name`)).map((r) => r.name)
    : [];
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: (opts.now?.() ?? new Date()).toISOString(),
    dialect: snapshot.dialect,
    migrations,
    tables,
  };

  const writer = new BackupWriter(file);
  try {
    await writer.line(header);
    for (const t of tables) {
      await opts.beforeTable?.(t.name);
      const info = byName.get(t.name)!;
      await writer.line({ table: t.name });
      const select = selectAll(info, snapshot.dialect);
      const selfFks = selfReferences(info);
      let written = 0;
      if (selfFks.length) {
        // Parents must precede children for restore; such tables (the org tree) are read whole.
        const rows: unknown[][] = [];
        for await (const row of snapshot.rows(info, select)) rows.push(row);
        for (const row of orderSelfReferencing(info.columns, rows, selfFks)) {
          await writer.line(row.map(encodeValue), true);
          written++;
        }
      } else {
        for await (const row of snapshot.rows(info, select)) {
          await writer.line(row.map(encodeValue), true);
          written++;
        }
      }
      if (written !== t.rows) {
        // Cannot happen inside one snapshot; if it does, the file must not pass as consistent.
        throw new BackupError('BACKUP_INCONSISTENT', `表 ${t.name} 在备份中途发生变化`, `table ${t.name} changed during the backup`);
      }
    }
    const { sha256, bytes } = await writer.finish();
    const rows = tables.reduce((s, t) => s + t.rows, 0);
    return { file, dialect: snapshot.dialect, createdAt: header.createdAt, migrations, tables, rows, sha256, bytes };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

function selectAll(t: TableInfo, dialect: DialectName): string {
  const cols = t.columns.map(quoteId).join(', ');
  // Primary-key order makes two backups of the same data byte-identical (and audit_log read in seq order).
  const orderBy = t.primaryKey.length ? t.primaryKey.map(quoteId).join(', ') : dialect === 'sqlite' ? 'rowid' : '';
  return `select ${cols} from ${quoteId(t.name)}${orderBy ? ` order by ${orderBy}` : ''}`;
}
