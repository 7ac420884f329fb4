import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from '../db/database.js';

/**
 * What backup and restore need to know about a database's tables, read from the database's own
 * catalog rather than from our TypeScript types, so tables added by any module's migration are
 * covered without the backup code knowing them.
 */
export interface TableInfo {
  name: string;
  /** Insertable columns, in the table's order. */
  columns: string[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}

export interface ForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

/** Kysely's own bookkeeping: recreated by migrating the target, never inserted by restore. */
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/** A minimal "run this SQL" surface over either a Kysely executor or a raw better-sqlite3 connection. */
export interface SqlReader {
  dialect: DialectName;
  all<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export function kyselyReader(executor: Kysely<any> | Transaction<any>, dialect: DialectName): SqlReader {
  return {
    dialect,
    async all<T>(text: string, params: readonly unknown[] = []) {
      const result = await executor.executeQuery(CompiledQuery.raw(text, [...params]));
      return result.rows as T[];
    },
  };
}

export function sqliteReader(conn: SQLite.Database): SqlReader {
  return {
    dialect: 'sqlite',
    async all<T>(text: string, params: readonly unknown[] = []) {
      return conn.prepare(text).all(...params) as T[];
    },
  };
}

/** Double-quoted identifier, valid on both dialects. */
export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function readCatalog(reader: SqlReader): Promise<TableInfo[]> {
  return reader.dialect === 'postgres' ? readPostgresCatalog(reader) : readSqliteCatalog(reader);
}

async function readSqliteCatalog(reader: SqlReader): Promise<TableInfo[]> {
  const names = await reader.all<{ name: string }>(
    `select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`,
  );
  const tables: TableInfo[] = [];
  for (const { name } of names) {
    // table_xinfo's `hidden` marks generated columns, which cannot be inserted.
    const cols = await reader.all<{ name: string; pk: number; hidden: number }>(`select name, pk, hidden from pragma_table_xinfo(?) order by cid`, [name]);
    const fkRows = await reader.all<{ id: number; seq: number; table: string; from: string; to: string | null }>(
      `select id, seq, "table", "from", "to" from pragma_foreign_key_list(?) order by id, seq`,
      [name],
    );
    tables.push({
      name,
      columns: cols.filter((c) => c.hidden === 0).map((c) => c.name),
      primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      foreignKeys: groupForeignKeys(fkRows.map((r) => ({ id: r.id, refTable: r.table, column: r.from, refColumn: r.to }))),
    });
  }
  // SQLite may leave `to` empty when the key references the parent's primary key.
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of tables) {
    for (const fk of t.foreignKeys) {
      if (fk.refColumns.some((c) => !c)) fk.refColumns = byName.get(fk.refTable)?.primaryKey ?? fk.refColumns;
    }
  }
  return tables;
}

async function readPostgresCatalog(reader: SqlReader): Promise<TableInfo[]> {
  const names = await reader.all<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p') order by c.relname`,
  );
  const cols = await reader.all<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
     where table_schema = current_schema() and is_generated = 'NEVER' order by table_name, ordinal_position`,
  );
  const pks = await reader.all<{ table_name: string; column_name: string }>(
    `select tc.table_name, kcu.column_name from information_schema.table_constraints tc
     join information_schema.key_column_usage kcu
       on kcu.constraint_name = tc.constraint_name and kcu.constraint_schema = tc.constraint_schema and kcu.table_name = tc.table_name
     where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema()
     order by tc.table_name, kcu.ordinal_position`,
  );
  const fks = await reader.all<{ id: string; table_name: string; ref_table: string; cols: string[]; ref_cols: string[] }>(
    `select c.oid::text as id, cl.relname as table_name, rf.relname as ref_table,
       array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as cols,
       array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as ref_cols
     from pg_constraint c
     join pg_class cl on cl.oid = c.conrelid
     join pg_namespace ns on ns.oid = cl.relnamespace
     join pg_class rf on rf.oid = c.confrelid
     where c.contype = 'f' and ns.nspname = current_schema()
     order by cl.relname, c.conname`,
  );
  return names.map(({ name }) => ({
    name,
    columns: cols.filter((c) => c.table_name === name).map((c) => c.column_name),
    primaryKey: pks.filter((p) => p.table_name === name).map((p) => p.column_name),
    foreignKeys: fks.filter((f) => f.table_name === name).map((f) => ({ columns: f.cols, refTable: f.ref_table, refColumns: f.ref_cols })),
  }));
}

function groupForeignKeys(rows: { id: number; refTable: string; column: string; refColumn: string | null }[]): ForeignKey[] {
  const byId = new Map<number, ForeignKey>();
  for (const r of rows) {
    const fk = byId.get(r.id) ?? { columns: [], refTable: r.refTable, refColumns: [] };
    fk.columns.push(r.column);
    fk.refColumns.push(r.refColumn ?? '');
    byId.set(r.id, fk);
  }
  return [...byId.values()];
}

/**
 * Tables ordered so every table comes after the tables its foreign keys point to (parents
 * first), ties broken by name so the order is stable. Self-references are left to row order
 * (see `orderSelfReferencing`). Tables caught in a cycle of foreign keys cannot be ordered;
 * they are appended at the end and reported, and a restore of them will fail loudly.
 */
export function dependencyOrder(tables: TableInfo[]): { order: string[]; cycles: string[] } {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>();
  for (const t of tables) {
    parents.set(t.name, new Set(t.foreignKeys.map((fk) => fk.refTable).filter((p) => p !== t.name && names.has(p))));
  }
  const order: string[] = [];
  const placed = new Set<string>();
  for (;;) {
    const ready = [...names].filter((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p))).sort();
    if (ready.length === 0) break;
    // One at a time keeps the order a pure function of the graph and the names.
    order.push(ready[0]);
    placed.add(ready[0]);
  }
  const cycles = [...names].filter((n) => !placed.has(n)).sort();
  return { order: [...order, ...cycles], cycles };
}

/** Foreign keys of a table that point back at the same table (e.g. org_node.parent_id). */
export function selfReferences(table: TableInfo): ForeignKey[] {
  return table.foreignKeys.filter((fk) => fk.refTable === table.name);
}

/**
 * Orders the rows of a self-referencing table so a row comes after the rows it references
 * (org_node: city before street before community ...), which lets restore insert with the
 * foreign keys enforced on both databases. Rows in a reference cycle keep their order at the end.
 */
export function orderSelfReferencing(columns: string[], rows: unknown[][], fks: ForeignKey[]): unknown[][] {
  const keyOf = (row: unknown[], cols: string[]) => JSON.stringify(cols.map((c) => row[columns.indexOf(c)]));
  const pending = new Map<number, number>(); // row index -> number of unmet parents
  const children = new Map<string, number[]>(); // "fk#key" -> waiting row indexes
  const present = new Set<string>();
  for (const fk of fks) for (const row of rows) present.add(`${fks.indexOf(fk)}#${keyOf(row, fk.refColumns)}`);
  rows.forEach((row, i) => {
    let unmet = 0;
    fks.forEach((fk, f) => {
      const values = fk.columns.map((c) => row[columns.indexOf(c)]);
      if (values.some((v) => v === null || v === undefined)) return;
      const key = `${f}#${JSON.stringify(values)}`;
      // A reference to a row that is not there (or to itself) cannot be waited for.
      if (!present.has(key) || keyOf(row, fk.refColumns) === JSON.stringify(values)) return;
      unmet++;
      children.set(key, [...(children.get(key) ?? []), i]);
    });
    pending.set(i, unmet);
  });
  const out: number[] = [];
  const queue = rows.map((_, i) => i).filter((i) => pending.get(i) === 0);
  const done = new Set<number>();
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    out.push(i);
    done.add(i);
    fks.forEach((fk, f) => {
      for (const child of children.get(`${f}#${keyOf(rows[i], fk.refColumns)}`) ?? []) {
        const left = pending.get(child)! - 1;
        pending.set(child, left);
        if (left === 0) queue.push(child);
      }
    });
  }
  rows.forEach((_, i) => {
    if (!done.has(i)) out.push(i);
  });
  return out.map((i) => rows[i]);
}
