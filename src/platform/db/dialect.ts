import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectName } from './database.js';

/**
 * Everything that differs between SQLite and PostgreSQL lives here, nowhere else.
 */

/** A text column compared byte-wise, so materialised paths sort and range-scan the same on both. */
export function binaryCollation(dialect: DialectName) {
  return (col: ColumnDefinitionBuilder) => (dialect === 'postgres' ? col.modifyEnd(sql`collate "C"`) : col);
}

/** Auto-increment integer primary key. */
export function serialType(dialect: DialectName) {
  return dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

export function bigintType(dialect: DialectName) {
  return dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);
}

/** The dialect of a Kysely instance inside a migration. */
export function dialectOf(db: Kysely<unknown>): DialectName {
  const adapter = db.getExecutor().adapter.constructor.name;
  return adapter.toLowerCase().includes('postgres') ? 'postgres' : 'sqlite';
}

export function toBool(v: number | boolean | null | undefined): boolean {
  return v === true || v === 1;
}

export function fromBool(v: boolean): number {
  return v ? 1 : 0;
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Upper bound for a prefix range scan: every string starting with `prefix` is `< prefixEnd(prefix)`. */
export function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}
