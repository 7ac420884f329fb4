import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { Database } from '../../platform/db/schema.js';
import type { BuildingInfoTable, DwellingInfoTable, HouseholdTable, PersonStatus, PersonTable, ResidenceType } from './registry.table.js';
import { AREA_KINDS, addressNumberPrefix, areasOfScope, escapeLike } from './search.index.js';
import { whereHasActiveTag } from './tags.filter.js';
import './registry.table.js';

/**
 * How a list of people is narrowed. `paths` (and `departments`) say who may be read; the rest
 * says what was asked for. Every search runs inside those path ranges, on the indexes that
 * begin with the searched column and end with `org_path`.
 */
export interface PersonFilter {
  /** Subtrees read in full; a person matches when its org_path lies under any of them. */
  paths: string[];
  /** Subtrees read for a department: only people holding one of `tags` today (needs `today`). */
  departments?: { path: string; tags: readonly string[] }[];
  /** `YYYY-MM-DD` in China: what "holds a tag today" means. */
  today?: string;
  idNumberIdx?: string;
  phoneIdx?: string;
  /** Last four characters of the ID number and/or the mobile (`tailOf` says which). */
  tail?: string;
  tailOf?: ('idNumber' | 'phone')[];
  /** Name prefix (a surname) on the (area, name, org_path) index. */
  namePrefix?: string;
  /** Name substring: a scan of the path range. */
  nameContains?: string;
  /** Pinyin: prefix of the initials or of the full pinyin, each on its own index. */
  pinyinPrefix?: string;
  /**
   * The areas (search.index.ts) of the search paths, which the name, pinyin and address indexes
   * begin with: filled in by listPeople, listPeopleIds and countPeople when a search lacks them.
   */
  areas?: string[];
  /** LIKE pattern (escape `\`) on the address search key (see search.index.ts). */
  addressLike?: string;
  /** People holding any of these tags today. */
  tags?: string[];
  gender?: '男' | '女';
  residenceType?: ResidenceType;
  /** Null: any status. */
  status?: PersonStatus | null;
  /** Born on or before this date (`YYYY-MM-DD`): a minimum age. */
  bornBy?: string;
  /** Born after this date: a maximum age. */
  bornAfter?: string;
}

export type PersonSort = 'address' | 'name' | 'age' | 'created';

function searchPaths(filter: PersonFilter): string[] {
  const all = [...filter.paths, ...(filter.departments ?? []).map((d) => d.path)].sort();
  const out: string[] = [];
  for (const p of all) if (!out.some((o) => p.startsWith(o))) out.push(p);
  return out;
}

/** The search indexes begin with the area: a prefix is read inside each area of the scope only (see withAreas). */
function inAreas(filter: PersonFilter) {
  return (eb: ExpressionBuilder<Database, 'person_search'>) => (filter.areas?.length ? eb('person_search.area_path', 'in', filter.areas) : sql<SqlBool>`1 = 0`);
}

/**
 * The person_search rows a search reads: their ids only, or (`active`) the ids and paths of
 * active records, which the search indexes carry too (see `activeSearch`).
 */
function searchRows(db: Executor, active: boolean) {
  const q = db.selectFrom('person_search');
  return active ? q.select(['person_search.person_id', 'person_search.org_path']).where('person_search.status', '=', 'active') : q.select('person_search.person_id');
}

/**
 * Ids of people whose `column` starts with `prefix`, under the search paths. The path test is
 * a plain prefix comparison that no index serves, on purpose: the planner then walks the
 * (column, org_path) index over the prefix and checks the path on the index entry, instead of
 * walking a whole community's or street's path range (SQLite cannot tell which range is narrower).
 */
function searchIds(db: Executor, filter: PersonFilter, column: 'name' | 'name_pinyin' | 'name_initials', prefix: string, active = false) {
  return searchRows(db, active)
    .where(inAreas(filter))
    .where(column, '>=', prefix)
    .where(column, '<', prefixEnd(prefix))
    .where((eb) => {
      const paths = searchPaths(filter);
      return paths.length ? eb.or(paths.map((p) => sql<SqlBool>`substr(${sql.ref('person_search.org_path')}, 1, ${p.length}) = ${p}`)) : sql<SqlBool>`1 = 0`;
    });
}

/**
 * The number is indexed in two partial indexes, active records (UNIQUE) and ended ones: a
 * look-up names the status so the planner can use them (one, or both OR-ed).
 */
function idNumberIs(eb: ExpressionBuilder<Database, 'person'>, idx: string, status: PersonStatus | null | undefined): Expression<SqlBool> {
  if (status === 'active') return eb.and([eb('person.id_number_idx', '=', idx), eb('person.status', '=', 'active')]);
  if (status) return eb.and([eb('person.id_number_idx', '=', idx), eb('person.status', '<>', 'active')]);
  return eb.or([
    eb.and([eb('person.id_number_idx', '=', idx), eb('person.status', '=', 'active')]),
    eb.and([eb('person.id_number_idx', '=', idx), eb('person.status', '<>', 'active')]),
  ]);
}

/**
 * Ids of people whose address key matches a LIKE pattern, under the search paths. A pattern
 * that names a building number (`%#3-2-501#%`, `%文昌%#3-%-501#%`) is a prefix range on the
 * person_search_address index (the key from its first `#` on), the path checked on the index
 * entry as in `searchIds`; others (a room alone, an estate alone) scan the paths' rows.
 */
function addressIds(db: Executor, filter: PersonFilter, pattern: string, active = false) {
  const like = sql<SqlBool>`${sql.ref('person_search.address')} like ${pattern} escape '\\'`;
  const prefix = addressNumberPrefix(pattern);
  const paths = searchPaths(filter);
  if (!prefix) {
    return searchRows(db, active)
      .where(like)
      .where((w) => (paths.length ? w.or(paths.map((p) => w.and([w('person_search.org_path', '>=', p), w('person_search.org_path', '<', prefixEnd(p))]))) : sql<SqlBool>`1 = 0`));
  }
  // The same expression as the index, the '#' a literal (a bound parameter would not match it).
  const numbers = sql<string>`substr(${sql.ref('person_search.address')}, instr(${sql.ref('person_search.address')}, ${sql.lit('#')}))`;
  return searchRows(db, active)
    .where(inAreas(filter))
    .where(numbers, '>=', prefix)
    .where(numbers, '<', prefixEnd(prefix))
    .where((w) => (paths.length ? w.or(paths.map((p) => sql<SqlBool>`substr(${sql.ref('person_search.org_path')}, 1, ${p.length}) = ${p}`)) : sql<SqlBool>`1 = 0`))
    .where(like);
}

/** Ids of people whose name holds `fragment`, under the search paths (on person_search_path: org_path, name). */
function nameFragmentIds(db: Executor, filter: PersonFilter, fragment: string) {
  const paths = searchPaths(filter);
  return (
    db
      .selectFrom('person_search')
      .select('person_search.person_id')
      .where((w) => (paths.length ? w.or(paths.map((p) => w.and([w('person_search.org_path', '>=', p), w('person_search.org_path', '<', prefixEnd(p))]))) : sql<SqlBool>`1 = 0`))
      // An explicit ESCAPE: SQLite has no default escape character for LIKE.
      .where(sql<SqlBool>`${sql.ref('person_search.name')} like ${`%${escapeLike(fragment)}%`} escape '\\'`)
  );
}

/** Whether the filter searches through person_search (names, pinyin, addresses). */
const isSearch = (f: PersonFilter) => !!(f.namePrefix || f.pinyinPrefix || f.nameContains || f.addressLike);

function personWhere(db: Executor, filter: PersonFilter) {
  return (eb: ExpressionBuilder<Database, 'person'>): Expression<SqlBool> => {
    // A search through person_search starts from its index and comes back by primary key; the
    // scope is then checked on each row found (a prefix comparison no index serves), so neither
    // planner walks the scope's path range instead. PostgreSQL estimates such a range at one
    // row (paths share long prefixes) and would repeat the search for every person in it.
    const viaSearch = isSearch(filter);
    const under = (p: string) => (viaSearch ? sql<SqlBool>`substr(${sql.ref('person.org_path')}, 1, ${p.length}) = ${p}` : eb.and([eb('person.org_path', '>=', p), eb('person.org_path', '<', prefixEnd(p))]));
    // Only terms that exist: an `1 = 0 OR …` would keep the planner off the path index.
    const reach: Expression<SqlBool>[] = filter.paths.map(under);
    for (const d of filter.departments ?? []) reach.push(eb.and([under(d.path), whereHasActiveTag([...d.tags], filter.today!)(eb)]));
    const parts: Expression<SqlBool>[] = [reach.length === 0 ? sql<SqlBool>`1 = 0` : reach.length === 1 ? reach[0]! : eb.or(reach)];
    if (filter.idNumberIdx) parts.push(idNumberIs(eb, filter.idNumberIdx, filter.status));
    if (filter.phoneIdx) parts.push(eb('person.phone_idx', '=', filter.phoneIdx));
    if (filter.tail) {
      const of = filter.tailOf ?? ['idNumber', 'phone'];
      const tails = [
        ...(of.includes('idNumber') ? [eb('person.id_number_tail', '=', filter.tail)] : []),
        ...(of.includes('phone') ? [eb('person.phone_tail', '=', filter.tail)] : []),
      ];
      parts.push(tails.length ? eb.or(tails) : sql<SqlBool>`1 = 0`);
    }
    // Name and pinyin searches start from person_search's indexes and come back by primary key.
    if (filter.namePrefix) parts.push(eb('person.id', 'in', searchIds(db, filter, 'name', filter.namePrefix)));
    // One IN over a UNION (not two INs OR-ed, which PostgreSQL turns into a filter over the whole path range).
    if (filter.pinyinPrefix) {
      parts.push(eb('person.id', 'in', searchIds(db, filter, 'name_initials', filter.pinyinPrefix).union(searchIds(db, filter, 'name_pinyin', filter.pinyinPrefix))));
    }
    // Any part of a name: the scope's (org_path, name) index entries are scanned, not its people's rows.
    if (filter.nameContains) parts.push(eb('person.id', 'in', nameFragmentIds(db, filter, filter.nameContains)));
    if (filter.addressLike) parts.push(eb('person.id', 'in', addressIds(db, filter, filter.addressLike)));
    if (filter.tags?.length) parts.push(whereHasActiveTag(filter.tags, filter.today!)(eb));
    if (filter.gender) parts.push(eb('person.gender', '=', filter.gender));
    if (filter.residenceType) parts.push(eb('person.residence_type', '=', filter.residenceType));
    if (filter.status) parts.push(eb('person.status', '=', filter.status));
    if (filter.bornBy) parts.push(eb('person.birth_date', '<=', filter.bornBy));
    if (filter.bornAfter) parts.push(eb('person.birth_date', '>', filter.bornAfter));
    return eb.and(parts);
  };
}

function ordered(db: Executor, filter: PersonFilter, sort: Exclude<PersonSort, 'name'>, desc: boolean) {
  const dir = desc ? 'desc' : 'asc';
  const base = db.selectFrom('person').where(personWhere(db, filter));
  switch (sort) {
    case 'age':
      // Youngest first is a later birth date; unknown birth dates last on both databases.
      return base
        .orderBy(sql`case when ${sql.ref('person.birth_date')} is null then 1 else 0 end`)
        .orderBy('person.birth_date', desc ? 'asc' : 'desc')
        .orderBy('person.id', dir);
    case 'created':
      return base.orderBy('person.created_at', dir).orderBy('person.id', dir);
    default:
      return base.orderBy('person.org_path', dir).orderBy('person.id', dir);
  }
}

/** Pinyin order, as Chinese name lists are read; a person not yet indexed sorts last, by their characters. */
function byName(db: Executor, filter: PersonFilter, desc: boolean) {
  const dir = desc ? 'desc' : 'asc';
  return db
    .selectFrom('person')
    // The path ranges in the join let PostgreSQL read only the scope's search rows, not the whole index.
    .leftJoin('person_search as ps', (join) =>
      join
        .onRef('ps.person_id', '=', 'person.id')
        .on((eb) => eb.or(searchPaths(filter).map((p) => eb.and([eb('ps.org_path', '>=', p), eb('ps.org_path', '<', prefixEnd(p))])))),
    )
    .where(personWhere(db, filter))
    .orderBy(sql`case when ${sql.ref('ps.name_pinyin')} is null then 1 else 0 end`)
    .orderBy('ps.name_pinyin', dir)
    .orderBy('person.name', dir)
    .orderBy('person.id', dir);
}

/**
 * Totals the page query of a search already counted (`count(*) over ()`), by filter object:
 * a search has to visit every match to sort them anyway, so `countPeople` with the same
 * filter right after `listPeople` does not visit them again.
 */
const countedBySearch = new WeakMap<PersonFilter, number>();

/** The areas of a search's paths (one query for their nodes, one for the areas under those above a community). */
async function withAreas(db: Executor, filter: PersonFilter): Promise<void> {
  // An address pattern without a building number scans the paths' rows (addressIds): no areas.
  const readsAreaFirst = filter.pinyinPrefix || filter.namePrefix || (filter.addressLike && addressNumberPrefix(filter.addressLike));
  if (!readsAreaFirst || filter.areas) return;
  const paths = searchPaths(filter);
  const ids = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  const kinds = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const n of await db.selectFrom('org_node').select(['id', 'kind']).where('id', 'in', ids.slice(i, i + 500)).execute()) kinds.set(n.id, n.kind);
  }
  const under = (p: string) =>
    db.selectFrom('org_node').select(['path', 'kind']).where('path', '>=', p).where('path', '<', prefixEnd(p)).where('kind', 'in', [...AREA_KINDS]).execute();
  const areas = new Set<string>();
  for (const p of paths) for (const a of await areasOfScope(p, async (id) => kinds.get(id), under)) areas.add(a);
  filter.areas = [...areas].sort();
}

/** The filter conditions `activeSearch` answers; any other sends a search through person. */
const ACTIVE_SEARCH_UNDERSTANDS = new Set<keyof PersonFilter>(['paths', 'areas', 'today', 'status', 'namePrefix', 'pinyinPrefix', 'addressLike']);

/**
 * The common search (one name, pinyin or address prefix, active records, plain scope, by
 * address) answered from person_search alone: its indexes carry each match's path and status,
 * so the matches are counted and sorted there, without looking every match up in person (a
 * two-letter initial such as `zj` matches thousands of people in a street). Null: another
 * search, which goes through person (`ordered`).
 */
function activeSearch(db: Executor, filter: PersonFilter, sort: PersonSort, desc: boolean) {
  // Listed, not excluded: a condition added to PersonFilter later sends the search through person until this learns it.
  const conditions = (Object.keys(filter) as (keyof PersonFilter)[]).filter((k) => {
    const v = filter[k];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
  if (conditions.some((k) => !ACTIVE_SEARCH_UNDERSTANDS.has(k))) return null;
  const kinds = [filter.namePrefix, filter.pinyinPrefix, filter.addressLike].filter((x) => x !== undefined);
  if (sort !== 'address' || filter.status !== 'active' || kinds.length !== 1 || filter.paths.length === 0) return null;
  const matches = filter.namePrefix
    ? searchIds(db, filter, 'name', filter.namePrefix, true)
    : filter.pinyinPrefix
      ? searchIds(db, filter, 'name_initials', filter.pinyinPrefix, true).union(searchIds(db, filter, 'name_pinyin', filter.pinyinPrefix, true))
      : addressIds(db, filter, filter.addressLike!, true);
  const dir = desc ? 'desc' : 'asc';
  return db
    .selectFrom(matches.as('m'))
    .select([sql<string>`m.person_id`.as('id'), sql<number>`count(*) over ()`.as('matches_total')])
    .orderBy(sql.ref('m.org_path'), dir)
    .orderBy(sql.ref('m.person_id'), dir);
}

export async function listPeople(db: Executor, filter: PersonFilter, page: { limit: number; offset: number }, sort: PersonSort = 'address', desc = false): Promise<PersonTable[]> {
  await withAreas(db, filter);
  const base = sort === 'name' ? byName(db, filter, desc) : ordered(db, filter, sort, desc);
  if (!isSearch(filter)) return base.selectAll('person').limit(page.limit).offset(page.offset).execute();
  // A browse keeps its index-ordered LIMIT (a window count would read a whole street first).
  // A search sorts its matches by what person_id_scope holds (or person_search's indexes, for
  // the common search), then reads the page's rows only.
  const active = activeSearch(db, filter, sort, desc);
  const ids: { id: string; matches_total: number }[] = active
    ? await active.limit(page.limit).offset(page.offset).execute()
    : await base.select(['person.id', sql<number>`count(*) over ()`.as('matches_total')]).limit(page.limit).offset(page.offset).execute();
  if (ids.length === 0) return [];
  countedBySearch.set(filter, Number(ids[0]!.matches_total));
  const rows = new Map((await getPeopleByIds(db, ids.map((r) => r.id))).map((r) => [r.id, r]));
  return ids.flatMap((r) => rows.get(r.id) ?? []);
}

/** Ids only, in list order (exports fetch the rows in batches after). */
export async function listPeopleIds(db: Executor, filter: PersonFilter, limit: number, sort: PersonSort = 'address', desc = false): Promise<string[]> {
  await withAreas(db, filter);
  const q = sort === 'name' ? byName(db, filter, desc).select('person.id') : ordered(db, filter, sort, desc).select('person.id');
  const rows = await q.limit(limit).execute();
  return rows.map((r) => r.id);
}

export async function countPeople(db: Executor, filter: PersonFilter): Promise<number> {
  const counted = countedBySearch.get(filter);
  if (counted !== undefined) return counted;
  await withAreas(db, filter);
  const r = await db.selectFrom('person').select(sql<number>`count(*)`.as('n')).where(personWhere(db, filter)).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function getPeopleByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as PersonTable[]);
  return db.selectFrom('person').selectAll().where('id', 'in', ids).execute();
}

/** Tags each person holds today (not ended, inside their validity dates), in tag order. */
export async function activeTagsOf(db: Executor, personIds: string[], today: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(personIds.map((id) => [id, []]));
  for (let i = 0; i < personIds.length; i += 500) {
    const part = personIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('person_tag')
      .leftJoin('tag_definition', 'tag_definition.code', 'person_tag.tag')
      .select(['person_tag.person_id', 'person_tag.tag'])
      .where('person_tag.person_id', 'in', part)
      .where('person_tag.ended_at', 'is', null)
      .where((w) => w.or([w('person_tag.valid_from', 'is', null), w('person_tag.valid_from', '<=', today)]))
      .where((w) => w.or([w('person_tag.valid_to', 'is', null), w('person_tag.valid_to', '>=', today)]))
      .orderBy('tag_definition.sort')
      .orderBy('person_tag.tag')
      .execute();
    for (const r of rows) {
      const list = out.get(r.person_id)!;
      if (!list.includes(r.tag)) list.push(r.tag);
    }
  }
  return out;
}

export function getPerson(db: Executor, id: string) {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPeopleByIdNumberIdx(db: Executor, idx: string) {
  return db
    .selectFrom('person')
    .selectAll()
    .where((eb) => idNumberIs(eb, idx, null))
    .orderBy('created_at')
    .execute();
}

export function getHousehold(db: Executor, id: string) {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getDwellingInfo(db: Executor, orgNodeId: string) {
  return db.selectFrom('dwelling_info').selectAll().where('org_node_id', '=', orgNodeId).executeTakeFirst();
}

/** Names and kinds of many org nodes in one query (for building addresses of a page). */
export function getNodeNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'kind']).where('id', 'in', ids).execute();
}

export function getOrgNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function getDepartmentNames(db: Executor, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('department').select(['code', 'name']).where('code', 'in', codes).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

export async function getDepartmentMandates(db: Executor, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('department').select(['code', 'mandate']).where('code', 'in', codes).execute();
}

/**
 * Multi-row inserts, `chunk` rows a statement: seeding and imports write thousands of rows,
 * and one statement per row would cost a round trip each on PostgreSQL.
 */
async function insertChunked<T>(rows: T[], chunk: number, insert: (part: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}

export function insertPeople(db: Executor, rows: PersonTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('person').values(part).execute());
}

export function insertHouseholds(db: Executor, rows: HouseholdTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('household').values(part).execute());
}

export function insertDwellingInfo(db: Executor, rows: DwellingInfoTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('dwelling_info').values(part).execute());
}

export function insertBuildingInfo(db: Executor, rows: BuildingInfoTable[], chunk = 500) {
  return insertChunked(rows, chunk, (part) => db.insertInto('building_info').values(part).execute());
}

/** People under a subtree by plain criteria (no scope check: for seeds and internal jobs). */
export function findPeopleUnder(
  db: Executor,
  path: string,
  opts: { limit: number; gender?: string; bornFrom?: string; bornTo?: string; residenceType?: string },
) {
  let q = db
    .selectFrom('person')
    .select(['id', 'name', 'gender', 'birth_date', 'residence_type', 'household_id', 'dwelling_id', 'org_path'])
    .where('org_path', '>=', path)
    .where('org_path', '<', prefixEnd(path))
    .where('status', '=', 'active');
  if (opts.gender) q = q.where('gender', '=', opts.gender as never);
  if (opts.bornFrom) q = q.where('birth_date', '>=', opts.bornFrom);
  if (opts.bornTo) q = q.where('birth_date', '<=', opts.bornTo);
  if (opts.residenceType) q = q.where('residence_type', '=', opts.residenceType as never);
  return q.orderBy('org_path').orderBy('id').limit(opts.limit).execute();
}
