import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Migrator, sql, type Kysely, type Transaction } from 'kysely';
import { ensureSchema, openDatabase, type Db, type DialectName } from '../db/database.js';
import { collectMigrations } from '../db/migrate.js';
import { verifyAuditChain, type VerifyResult } from '../audit/audit.js';
import type { LinliModule } from '../module.js';
import { kyselyReader, MIGRATION_TABLES, quoteId, readCatalog, sqliteReader, type SqlReader } from './catalog.js';
import { BackupError, decodeValue, scanBackup, type BackupHeader, type BackupTable } from './format.js';

export interface RestoreOptions {
  file: string;
  /** The target, as in DATABASE_URL (`sqlite:/path` or `postgres://…`). */
  databaseUrl: string;
  /** PostgreSQL schema to restore into (tests isolate themselves in one); default search_path otherwise. */
  schema?: string;
  modules: LinliModule[];
  /** Replace a database that already holds data. */
  force?: boolean;
  log?: (msg: string) => void;
}

export interface RestoreSummary {
  file: string;
  sourceDialect: DialectName;
  targetDialect: DialectName;
  createdAt: string;
  migrations: string[];
  /** Row counts read back from the target after the restore. */
  tables: { name: string; rows: number }[];
  rows: number;
  /** The target held data and was replaced (`force`). */
  replaced: boolean;
  /** The audit chain of the restored database, verified from the first row. */
  audit: VerifyResult;
}

/**
 * Restores a backup made by `createBackup` into SQLite or PostgreSQL, whichever the backup came from.
 *
 * Order of events, chosen so a refusal never leaves the target half-changed:
 * 1. the whole file is read once and its structure and SHA-256 checked;
 * 2. the backup's migrations are checked against this version's (the schema must be rebuildable);
 * 3. the target is inspected: a database holding data is refused unless `force`;
 * 4. the target is migrated to exactly the backup's last migration, then every table is inserted,
 *    parents first, in one transaction; PostgreSQL sequences are moved past the restored rows.
 *
 * The audit log refuses UPDATE and DELETE, so restore never edits rows in place: with `force`,
 * PostgreSQL drops every table of the schema before migrating again, and SQLite builds the
 * database in a new file beside the old one and renames it into place once complete. Either way
 * the server must be stopped during a restore.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreSummary> {
  const { header } = await scanBackup(opts.file);
  checkMigrations(header, opts.modules);
  const isPg = opts.databaseUrl.startsWith('postgres://') || opts.databaseUrl.startsWith('postgresql://');
  return isPg ? restorePostgres(header, opts) : restoreSqlite(header, opts);
}

/** Migrations this version of Linli must be able to replay to rebuild the backup's schema. */
function checkMigrations(header: BackupHeader, modules: LinliModule[]): void {
  const known = Object.keys(collectMigrations(modules)).sort();
  const unknown = header.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new BackupError(
      'RESTORE_NEWER_BACKUP',
      `备份来自更新版本的邻里（本版本没有迁移 ${unknown.join(', ')}），请先升级`,
      `the backup comes from a newer Linli (unknown migrations: ${unknown.join(', ')}); upgrade first`,
    );
  }
  const last = header.migrations.at(-1);
  const expected = last ? known.filter((m) => m <= last) : [];
  const missing = expected.filter((m) => !header.migrations.includes(m));
  if (missing.length) {
    throw new BackupError(
      'RESTORE_MIGRATIONS_DIFFER',
      `备份的迁移与本版本不一致（备份缺少 ${missing.join(', ')}）`,
      `the backup's migrations differ from this version's (the backup lacks ${missing.join(', ')})`,
    );
  }
}

interface TargetState {
  tables: string[];
  applied: string[];
  /** Tables that hold data (the chain head counts only once it has moved past genesis). */
  withData: string[];
}

async function inspectTarget(reader: SqlReader): Promise<TargetState> {
  const catalog = await readCatalog(reader);
  const tables = catalog.map((t) => t.name);
  const applied = tables.includes('kysely_migration')
    ? (await reader.all<{ name: string }>(`select name from kysely_migration order by name`)).map((r) => r.name)
    : [];
  const withData: string[] = [];
  for (const name of tables) {
    if (MIGRATION_TABLES.includes(name)) continue;
    // Migrations seed the chain head at genesis; only a moved head means audited activity.
    const where = name === 'audit_chain_head' ? ' where last_seq <> 0' : '';
    const rows = await reader.all(`select 1 as x from ${quoteId(name)}${where} limit 1`);
    if (rows.length) withData.push(name);
  }
  return { tables, applied, withData };
}

function refuseUnlessForced(state: TargetState, header: BackupHeader, force: boolean | undefined): void {
  if (force) return;
  if (state.withData.length) {
    const list = state.withData.slice(0, 5).join(', ') + (state.withData.length > 5 ? ', …' : '');
    throw new BackupError(
      'RESTORE_TARGET_NOT_EMPTY',
      `目标数据库已有数据（${list}），如确认整体覆盖请加 --force`,
      `the target database already holds data (${list}); add --force to replace it`,
    );
  }
  const newer = state.applied.filter((m) => !header.migrations.includes(m));
  if (newer.length) {
    throw new BackupError(
      'RESTORE_TARGET_NEWER',
      `目标数据库的结构比备份新（${newer.join(', ')}），如确认整体覆盖请加 --force`,
      `the target database's schema is newer than the backup (${newer.join(', ')}); add --force to replace it`,
    );
  }
}

async function restorePostgres(header: BackupHeader, opts: RestoreOptions): Promise<RestoreSummary> {
  if (opts.schema) await ensureSchema(opts.databaseUrl, opts.schema);
  const db = openDatabase(opts.databaseUrl, { schema: opts.schema, poolSize: 2 });
  try {
    const state = await inspectTarget(kyselyReader(db.kysely, 'postgres'));
    refuseUnlessForced(state, header, opts.force);
    if (opts.force && state.tables.length) {
      // The append-only audit log cannot be emptied row by row; the schema's tables go whole.
      opts.log?.(`删除目标库中的 ${state.tables.length} 张表 / dropping ${state.tables.length} tables of the target`);
      await sql.raw(`drop table if exists ${state.tables.map(quoteId).join(', ')} cascade`).execute(db.kysely);
    }
    await migrateTarget(db, opts.modules, header.migrations);
    await loadData(db, header, opts);
    return await summarise(db, header, opts, state.withData.length > 0);
  } finally {
    await db.destroy();
  }
}

async function restoreSqlite(header: BackupHeader, opts: RestoreOptions): Promise<RestoreSummary> {
  const file = opts.databaseUrl.startsWith('sqlite:') ? opts.databaseUrl.slice('sqlite:'.length) : opts.databaseUrl;
  if (file === ':memory:') throw new BackupError('RESTORE_UNSUPPORTED', '不能恢复到内存数据库', 'cannot restore into an in-memory database');
  let replaced = false;
  if (fs.existsSync(file)) {
    const conn = new SQLite(file, { fileMustExist: true });
    try {
      conn.pragma('query_only = ON');
      const state = await inspectTarget(sqliteReader(conn));
      refuseUnlessForced(state, header, opts.force);
      replaced = state.withData.length > 0;
    } finally {
      conn.close();
    }
  }
  // Build the database in a new file and swap it in only when complete: the old file is never
  // edited, and a failed restore leaves it as it was.
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fresh = `${file}.restore-${randomBytes(4).toString('hex')}`;
  const db = openDatabase(`sqlite:${fresh}`);
  let summary: RestoreSummary;
  try {
    await migrateTarget(db, opts.modules, header.migrations);
    await loadData(db, header, opts);
    summary = await summarise(db, header, opts, replaced);
    // One self-contained file to rename; the server switches it back to WAL when it opens it.
    await sql`pragma journal_mode = delete`.execute(db.kysely);
    await db.destroy();
  } catch (err) {
    await db.destroy().catch(() => undefined);
    for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) fs.rmSync(f, { force: true });
    throw err;
  }
  // Keep the old file's permissions (it holds password hashes and encrypted personal data).
  if (fs.existsSync(file)) fs.chmodSync(fresh, fs.statSync(file).mode & 0o777);
  else fs.chmodSync(fresh, 0o600);
  // A stale WAL beside the new file would be replayed into it: remove the old one's first.
  for (const f of [`${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  fs.renameSync(fresh, file);
  return summary;
}

async function migrateTarget(db: Db, modules: LinliModule[], names: string[]): Promise<void> {
  const last = names.at(-1);
  if (!last) return;
  const migrations = collectMigrations(modules);
  // Name the schema explicitly: unqualified, Kysely would take another schema's kysely_migration for ours.
  const schema =
    db.dialect === 'postgres' ? (db.schema ?? (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0].s) : undefined;
  const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const { error } = await migrator.migrateTo(last);
  if (error) throw error;
}

/** Inserts every table of the backup, in the file's order (parents first), in one transaction. */
async function loadData(db: Db, header: BackupHeader, opts: RestoreOptions): Promise<void> {
  const target = await readCatalog(kyselyReader(db.kysely, db.dialect));
  const targetTables = new Map(target.map((t) => [t.name, t]));
  const tables = header.tables.filter((t) => !MIGRATION_TABLES.includes(t.name));
  for (const t of tables) {
    const have = targetTables.get(t.name);
    const lacking = have ? t.columns.filter((c) => !have.columns.includes(c)) : t.columns;
    if (!have || lacking.length) {
      throw new BackupError(
        'RESTORE_SCHEMA_MISMATCH',
        `迁移后的目标库与备份不符（表 ${t.name}${have ? ` 缺少列 ${lacking.join(', ')}` : ' 不存在'}）`,
        `after migrating, the target does not match the backup (table ${t.name}${have ? ` lacks ${lacking.join(', ')}` : ' is missing'})`,
      );
    }
  }

  await db.kysely.transaction().execute(async (trx) => {
    const kx = trx as unknown as Transaction<any>;
    // Rows the migrations seeded (the audit chain's genesis head, reference data) come back from the backup.
    for (const t of [...tables].reverse()) {
      const seeded = await sql.raw<{ x: number }>(`select 1 as x from ${quoteId(t.name)} limit 1`).execute(kx);
      if (seeded.rows.length) await sql.raw(`delete from ${quoteId(t.name)}`).execute(kx);
    }
    let batch: Record<string, unknown>[] = [];
    let current: BackupTable | undefined;
    let loaded = 0;
    const flush = async () => {
      if (current && batch.length) await kx.insertInto(current.name).values(batch).execute();
      batch = [];
    };
    await scanBackup(opts.file, {
      table: async (t) => {
        await flush();
        current = MIGRATION_TABLES.includes(t.name) ? undefined : t;
      },
      row: async (t, values) => {
        if (!current) return;
        const row: Record<string, unknown> = {};
        t.columns.forEach((c, i) => (row[c] = decodeValue(values[i], db.dialect)));
        batch.push(row);
        loaded++;
        // Stay well under both databases' bound-parameter limits.
        if (batch.length >= Math.max(1, Math.min(500, Math.floor(30_000 / t.columns.length)))) await flush();
      },
    });
    await flush();
    opts.log?.(`已写入 ${loaded} 行 / inserted ${loaded} rows`);
    if (db.dialect === 'postgres') await resetSequences(kx);
  });
}

/** bigserial columns (audit_log.seq) must continue after the restored rows, not at 1. */
async function resetSequences(kx: Kysely<any> | Transaction<any>): Promise<void> {
  const serials = await sql<{ table_name: string; column_name: string; seq: string }>`
    select c.relname as table_name, a.attname as column_name,
           pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) as seq
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = current_schema() and c.relkind in ('r', 'p')
      and pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) is not null`.execute(kx);
  for (const s of serials.rows) {
    await sql`select setval(${s.seq}::regclass, coalesce((select max(${sql.ref(s.column_name)}) from ${sql.table(s.table_name)}), 0) + 1, false)`.execute(kx);
  }
}

async function summarise(db: Db, header: BackupHeader, opts: RestoreOptions, replaced: boolean): Promise<RestoreSummary> {
  const tables: { name: string; rows: number }[] = [];
  for (const t of header.tables) {
    const r = await sql.raw<{ n: number | string }>(`select count(*) as n from ${quoteId(t.name)}`).execute(db.kysely);
    tables.push({ name: t.name, rows: Number(r.rows[0].n) });
  }
  const audit = tables.some((t) => t.name === 'audit_log') ? await verifyAuditChain(db) : { ok: true, rows: 0 };
  return {
    file: opts.file,
    sourceDialect: header.dialect,
    targetDialect: db.dialect,
    createdAt: header.createdAt,
    migrations: header.migrations,
    tables,
    rows: tables.reduce((s, t) => s + t.rows, 0),
    replaced,
    audit,
  };
}
