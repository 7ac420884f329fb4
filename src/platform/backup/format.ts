import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import type { DialectName } from '../db/database.js';

/**
 * The backup file: gzip of JSON lines, dialect-neutral so a SQLite backup restores into
 * PostgreSQL and back.
 *
 *   {"format":"linli-backup","version":1,"createdAt":…,"dialect":…,"migrations":[…],"tables":[{name,columns,rows}…]}
 *   {"table":"org_node"}            one section per table, in header order (parents first)
 *   ["id…",null,"city",…]           one array per row, values in the header's column order
 *   …
 *   {"end":true,"rows":1234,"sha256":"…"}   SHA-256 of every byte above this line
 */
export const BACKUP_FORMAT = 'linli-backup';
export const BACKUP_VERSION = 1;

export interface BackupTable {
  name: string;
  columns: string[];
  rows: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  dialect: DialectName;
  /** Migrations applied to the source, in name order. */
  migrations: string[];
  /** Every table of the source, in insertion order (parents first). */
  tables: BackupTable[];
}

export interface BackupTrailer {
  end: true;
  rows: number;
  sha256: string;
}

/** A refusal with a message in Chinese first and English second (the CLI prints it as is). */
export class BackupError extends Error {
  constructor(
    readonly code: string,
    zh: string,
    en: string,
  ) {
    super(`${zh} / ${en}`);
    this.name = 'BackupError';
  }
}

/** Values JSON cannot carry as they are get a one-key tag object. */
export function encodeValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $b64: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { $array: v.map(encodeValue) };
  // PostgreSQL json/jsonb comes back parsed; our convention stores JSON as text anyway.
  return JSON.stringify(v);
}

/** The inverse of `encodeValue`, shaped for what the target driver can bind. */
export function decodeValue(v: unknown, target: DialectName): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  // better-sqlite3 cannot bind booleans; our convention is 0/1 anyway.
  if (typeof v === 'boolean') return target === 'sqlite' ? (v ? 1 : 0) : v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$b64 === 'string') return Buffer.from(o.$b64, 'base64');
    if (typeof o.$bigint === 'string') return target === 'sqlite' ? BigInt(o.$bigint) : o.$bigint;
    if (typeof o.$num === 'string') return Number(o.$num);
    if (Array.isArray(o.$array)) {
      const items = o.$array.map((x) => decodeValue(x, target));
      return target === 'sqlite' ? JSON.stringify(items) : items;
    }
  }
  throw new BackupError('BACKUP_DAMAGED', '备份文件中有无法识别的值', 'the backup file holds a value it cannot decode');
}

/**
 * Writes lines into `<file>.partial` and renames it into place only when complete, so a failed
 * or interrupted backup never leaves a file that looks like a good one.
 */
export class BackupWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly gzip: Gzip = createGzip();
  private readonly done: Promise<void>;
  private readonly partial: string;
  rows = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
    this.done = pipeline(this.gzip, fs.createWriteStream(this.partial, { mode: 0o600 }));
    // Surface a write error through `finish`, not as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  async line(value: unknown, isRow = false): Promise<void> {
    const text = JSON.stringify(value) + '\n';
    this.hash.update(text);
    if (isRow) this.rows++;
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  async finish(): Promise<{ sha256: string; bytes: number }> {
    const sha256 = this.hash.digest('hex');
    const trailer: BackupTrailer = { end: true, rows: this.rows, sha256 };
    this.gzip.end(JSON.stringify(trailer) + '\n');
    await this.done;
    const fd = fs.openSync(this.partial, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(this.partial, this.file);
    return { sha256, bytes: fs.statSync(this.file).size };
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
    fs.rmSync(this.partial, { force: true });
  }
}

/** The file's lines, decompressed; a damaged gzip stream throws. */
async function* lines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const piping = pipeline(fs.createReadStream(file), gunzip).catch(() => undefined);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of gunzip) {
    rest += decoder.write(chunk as Buffer);
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  await piping;
  rest += decoder.end();
  if (rest) yield rest;
}

export interface BackupVisitor {
  header?(header: BackupHeader): void | Promise<void>;
  table?(table: BackupTable): void | Promise<void>;
  row?(table: BackupTable, values: unknown[]): void | Promise<void>;
}

const damaged = (en: string) => new BackupError('BACKUP_DAMAGED', '备份文件已损坏或被改动，拒绝使用', `the backup file is damaged or was altered (${en}); refusing to use it`);

/**
 * Reads a backup from start to end, checking its structure and its SHA-256 as it goes, and hands
 * each part to the visitor. Restore reads twice: once only to check, so a damaged file is refused
 * before the target is touched, and again to insert.
 */
export async function scanBackup(file: string, visitor: BackupVisitor = {}): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  if (!fs.existsSync(file)) throw new BackupError('BACKUP_NOT_FOUND', `找不到备份文件 ${file}`, `backup file not found: ${file}`);
  const hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let tableIndex = -1;
  let current: BackupTable | undefined;
  let rowsInTable = 0;
  let rows = 0;
  const closeTable = () => {
    if (current && rowsInTable !== current.rows) throw damaged(`table ${current.name} has ${rowsInTable} rows, header says ${current.rows}`);
  };
  try {
    for await (const text of lines(file)) {
      if (trailer) throw damaged('content after the end marker');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw damaged('a line is not JSON');
      }
      if (!header) {
        const h = value as BackupHeader;
        if (h?.format !== BACKUP_FORMAT) throw damaged('not a Linli backup');
        if (h.version !== BACKUP_VERSION) {
          throw new BackupError('BACKUP_VERSION', `不支持的备份格式版本 ${h.version}`, `unsupported backup format version ${h.version}`);
        }
        if (!Array.isArray(h.tables) || !Array.isArray(h.migrations)) throw damaged('header incomplete');
        header = h;
        hash.update(text + '\n');
        await visitor.header?.(h);
        continue;
      }
      if (Array.isArray(value)) {
        if (!current) throw damaged('row outside a table');
        if (value.length !== current.columns.length) throw damaged(`row of ${current.name} has ${value.length} values`);
        hash.update(text + '\n');
        rowsInTable++;
        rows++;
        await visitor.row?.(current, value);
        continue;
      }
      const o = value as Record<string, unknown>;
      if (typeof o?.table === 'string') {
        closeTable();
        tableIndex++;
        current = header.tables[tableIndex];
        if (!current || current.name !== o.table) throw damaged(`unexpected table ${o.table}`);
        rowsInTable = 0;
        hash.update(text + '\n');
        await visitor.table?.(current);
        continue;
      }
      if (o?.end === true) {
        closeTable();
        if (tableIndex !== header.tables.length - 1) throw damaged('tables missing');
        trailer = o as unknown as BackupTrailer;
        if (trailer.sha256 !== hash.digest('hex')) throw damaged('checksum mismatch');
        if (trailer.rows !== rows) throw damaged('row count mismatch');
        continue;
      }
      throw damaged('unrecognised line');
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    // zlib and fs errors: truncated or corrupted gzip, unreadable file.
    if (err instanceof Error && String((err as NodeJS.ErrnoException).code ?? '').startsWith('Z_')) throw damaged(err.message);
    throw err;
  }
  if (!header) throw damaged('empty file');
  if (!trailer) throw damaged('end marker missing (truncated?)');
  return { header, trailer };
}
