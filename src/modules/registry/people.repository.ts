import { CompiledQuery, sql, type Kysely, type SqlBool } from 'kysely';
import type { Db, Executor } from '../../platform/db/database.js';
import { dialectOf, prefixEnd } from '../../platform/db/dialect.js';
import type { OrgNodeKind } from '../../platform/platform.table.js';
import type { PersonChangeTable, PersonDwellingTable, PersonTable } from './registry.table.js';
import './registry.table.js';
import './tags.table.js';

/** SQL of the people write path (the read path has its own in registry.repository.ts). */

export interface NodeRef {
  id: string;
  path: string;
  kind: OrgNodeKind;
  name: string;
  ended_at: string | null;
}

export function getNode(db: Executor, id: string): Promise<NodeRef | undefined> {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export function getNodes(db: Executor, ids: string[]): Promise<NodeRef[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name', 'ended_at']).where('id', 'in', ids).execute();
}

/** The person row, locked for the rest of the transaction on PostgreSQL (SQLite has one writer anyway). */
export function getPersonForUpdate(db: Db, executor: Executor, id: string): Promise<PersonTable | undefined> {
  const q = executor.selectFrom('person').selectAll().where('id', '=', id);
  return (db.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export function getPerson(db: Executor, id: string): Promise<PersonTable | undefined> {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Active people with this ID number (blind index), oldest first. */
export function findActiveByIdNumberIdx(db: Executor, idx: string): Promise<PersonTable[]> {
  return db.selectFrom('person').selectAll().where('id_number_idx', '=', idx).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
}

/** Active people with any of these ID numbers, oldest first, locked on PostgreSQL. */
export async function findActiveByIdNumberIdxs(db: Db, executor: Executor, idxs: string[]): Promise<PersonTable[]> {
  const out: PersonTable[] = [];
  for (let i = 0; i < idxs.length; i += 5000) {
    const part = idxs.slice(i, i + 5000);
    const q = executor
      .selectFrom('person')
      .selectAll()
      // PostgreSQL: one array parameter, not five thousand (binding and planning a long IN list cost more than the look-up).
      .where((eb) => (db.dialect === 'postgres' ? sql<SqlBool>`${eb.ref('id_number_idx')} = any(${part}::text[])` : eb('id_number_idx', 'in', part)))
      .where('status', '=', 'active')
      .orderBy('created_at')
      .orderBy('id');
    out.push(...(await (db.dialect === 'postgres' ? q.forUpdate() : q).execute()));
  }
  return out;
}

// ---------------------------------------------------------------- bulk writes

/**
 * Kysely builds and compiles a query on every call; at an import's volume (hundreds of
 * thousands of rows) that costs more than the database's own work. The bulk writes below are
 * plain SQL text that depends only on the table, the columns and the row count, so SQLite's
 * prepared statements are reused (database.ts caches them by text) and nothing is compiled.
 */
const quote = (name: string) => `"${name}"`;

const placeholderText = new Map<string, string>();

/** `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`: built once per shape (a thousand rows of thirty columns is a long string). */
function placeholders(dialect: 'sqlite' | 'postgres', rows: number, cols: number): string {
  const key = `${dialect}:${rows}:${cols}`;
  let text = placeholderText.get(key);
  if (text === undefined) {
    if (placeholderText.size > 500) placeholderText.clear();
    placeholderText.set(key, (text = buildPlaceholders(dialect, rows, cols)));
  }
  return text;
}

function buildPlaceholders(dialect: 'sqlite' | 'postgres', rows: number, cols: number): string {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const one: string[] = [];
    for (let c = 0; c < cols; c++) one.push(dialect === 'postgres' ? `$${++n}` : '?');
    out.push(`(${one.join(', ')})`);
  }
  return out.join(', ');
}

/** Rows per statement: SQLite has no round trips to save; PostgreSQL stays under its 65,535 parameters. */
function rowsPerStatement(dialect: 'sqlite' | 'postgres', cols: number): number {
  return dialect === 'postgres' ? Math.max(1, Math.min(1000, Math.floor(30_000 / cols))) : Math.max(1, Math.min(100, Math.floor(30_000 / cols)));
}

/** Column types of a PostgreSQL table (as `format_type` writes them), fetched once per table. */
const pgColumnTypes = new Map<string, Map<string, string>>();

async function pgTypesOf(executor: Executor, table: string, cols: string[]): Promise<string[]> {
  let types = pgColumnTypes.get(table);
  if (!types || cols.some((c) => !types!.has(c))) {
    const r = await executor.executeQuery<{ name: string; type: string }>(
      CompiledQuery.raw('select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped', [table]),
    );
    types = new Map(r.rows.map((x) => [x.name, x.type]));
    pgColumnTypes.set(table, types);
  }
  return cols.map((c) => types!.get(c) ?? 'text');
}

/**
 * Multi-row INSERT of rows that all have the same keys (the first row's, in its order). On
 * PostgreSQL the rows go as one array per column, `insert … select * from unnest($1::text[], …)`:
 * a statement of thirty parameters whatever the row count, where a VALUES list of thousands
 * of rows costs the server more to parse and plan than to insert.
 */
export async function insertMany<T extends object>(executor: Executor, table: string, rows: readonly T[]): Promise<void> {
  if (rows.length === 0) return;
  const dialect = dialectOf(executor as unknown as Kysely<unknown>);
  const cols = Object.keys(rows[0]!) as (keyof T & string)[];
  if (dialect === 'postgres') {
    const types = await pgTypesOf(executor, table, cols);
    const text = `insert into ${quote(table)} (${cols.map(quote).join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
    for (let i = 0; i < rows.length; i += 5000) {
      const part = rows.slice(i, i + 5000);
      await executor.executeQuery(CompiledQuery.raw(text, cols.map((c) => part.map((r) => r[c] ?? null))));
    }
    return;
  }
  const per = rowsPerStatement(dialect, cols.length);
  const head = `insert into ${quote(table)} (${cols.map(quote).join(', ')}) values `;
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const params: unknown[] = [];
    for (const r of part) for (const c of cols) params.push(r[c] ?? null);
    await executor.executeQuery(CompiledQuery.raw(head + placeholders(dialect, part.length, cols.length), params));
  }
}

/**
 * Updates many rows by id, each with its own values, one statement per set of columns:
 * `update t set a = v.column2 … from (values (…), …) as v where t.id = v.column1` (both
 * databases name a VALUES list's columns column1, column2 …).
 */
export async function updateMany(executor: Executor, table: string, patches: readonly { id: string; set: Record<string, unknown> }[]): Promise<void> {
  if (patches.length === 0) return;
  const dialect = dialectOf(executor as unknown as Kysely<unknown>);
  const groups = new Map<string, { cols: string[]; rows: unknown[][] }>();
  for (const p of patches) {
    const cols = Object.keys(p.set).sort();
    const key = cols.join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cols, rows: [] }));
    g.rows.push([p.id, ...cols.map((c) => p.set[c] ?? null)]);
  }
  for (const { cols, rows } of groups.values()) {
    const per = rowsPerStatement(dialect, cols.length + 1);
    const head = `update ${quote(table)} set ${cols.map((c, i) => `${quote(c)} = v.column${i + 2}`).join(', ')} from (values `;
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per);
      await executor.executeQuery(CompiledQuery.raw(`${head}${placeholders(dialect, part.length, cols.length + 1)}) as v where ${quote(table)}.${quote('id')} = v.column1`, part.flat()));
    }
  }
}

/** Active links of many people, for a run of writes. */
export async function activeLinksOfMany(db: Executor, personIds: string[]): Promise<PersonDwellingTable[]> {
  const out: PersonDwellingTable[] = [];
  for (let i = 0; i < personIds.length; i += 1000) {
    out.push(...(await db.selectFrom('person_dwelling_link').selectAll().where('person_id', 'in', personIds.slice(i, i + 1000)).where('ended_at', 'is', null).execute()));
  }
  return out;
}

/** Tags each of these people holds today, for a run of writes (every id gets an entry). */
export async function activeTagsOfMany(db: Executor, personIds: string[], today: string): Promise<Map<string, Set<string>>> {
  const out = new Map(personIds.map((id) => [id, new Set<string>()]));
  for (let i = 0; i < personIds.length; i += 1000) {
    const rows = await db
      .selectFrom('person_tag')
      .select(['person_id', 'tag'])
      .where('person_id', 'in', personIds.slice(i, i + 1000))
      .where('ended_at', 'is', null)
      .where((w) => w.or([w('valid_from', 'is', null), w('valid_from', '<=', today)]))
      .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', today)]))
      .execute();
    for (const r of rows) out.get(r.person_id)!.add(r.tag);
  }
  return out;
}

export async function insertPerson(db: Executor, row: PersonTable): Promise<void> {
  await db.insertInto('person').values(row).execute();
}

export async function updatePerson(db: Executor, id: string, patch: Partial<PersonTable>): Promise<void> {
  await db.updateTable('person').set(patch).where('id', '=', id).execute();
}

export async function insertChanges(db: Executor, rows: PersonChangeTable[]): Promise<void> {
  if (rows.length) await db.insertInto('person_change').values(rows).execute();
}

export function listChanges(db: Executor, personId: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('person_change')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countChanges(db: Executor, personId: string): Promise<number> {
  const r = await db.selectFrom('person_change').select(sql<number>`count(*)`.as('n')).where('person_id', '=', personId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A household with this 户号 under a community path. */
export function findHouseholdByNumber(db: Executor, number: string, underPath: string) {
  return db
    .selectFrom('household')
    .selectAll()
    .where('number', '=', number)
    .where('org_path', '>=', underPath)
    .where('org_path', '<', prefixEnd(underPath))
    .orderBy('created_at')
    .executeTakeFirst();
}

export function getHousehold(db: Executor, id: string) {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

export function activeLinks(db: Executor, personId: string): Promise<PersonDwellingTable[]> {
  return db.selectFrom('person_dwelling_link').selectAll().where('person_id', '=', personId).where('ended_at', 'is', null).execute();
}

export function listLinks(db: Executor, personId: string): Promise<PersonDwellingTable[]> {
  return db.selectFrom('person_dwelling_link').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function endLinks(db: Executor, ids: string[], at: string, toDate: string | null): Promise<void> {
  if (ids.length) await db.updateTable('person_dwelling_link').set({ ended_at: at, to_date: toDate }).where('id', 'in', ids).execute();
}

export async function insertLink(db: Executor, row: PersonDwellingTable): Promise<void> {
  await db.insertInto('person_dwelling_link').values(row).execute();
}

/**
 * Active people with no dwelling: anywhere under `subtrees`, or registered exactly at one of
 * `exact` (the community above a grid worker's grid).
 */
function unplacedQuery(db: Executor, subtrees: string[], exact: string[]) {
  return db
    .selectFrom('person')
    .where('status', '=', 'active')
    .where('dwelling_id', 'is', null)
    .where((eb) => {
      const parts = [
        ...subtrees.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))])),
        ...(exact.length ? [eb('org_path', 'in', exact)] : []),
      ];
      return parts.length ? eb.or(parts) : sql<SqlBool>`1 = 0`;
    });
}

export function listUnplaced(db: Executor, subtrees: string[], exact: string[], page: { limit: number; offset: number }) {
  return unplacedQuery(db, subtrees, exact).selectAll().orderBy('org_path').orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countUnplaced(db: Executor, subtrees: string[], exact: string[]): Promise<number> {
  const r = await unplacedQuery(db, subtrees, exact).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Tags that exist among these codes. */
export async function existingTagCodes(db: Executor, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('tag_definition').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

/** Tags the person holds today (not ended, inside the validity dates). */
export async function activeTagsOf(db: Executor, personId: string, today: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('person_tag')
    .select('tag')
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .where((w) => w.or([w('valid_from', 'is', null), w('valid_from', '<=', today)]))
    .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', today)]))
    .execute();
  return new Set(rows.map((r) => r.tag));
}
