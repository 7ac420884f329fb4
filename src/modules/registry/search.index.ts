import { pinyin } from 'pinyin-pro';
import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { insertMany } from './people.repository.js';
import type { PersonSearchTable } from './registry.table.js';

/**
 * Name search that works for two-character names (below FTS5 trigram's minimum): the index
 * keeps the name, its full pinyin ("zhangsan") and initials ("zs"), each a prefix-searchable
 * b-tree column beside the person's path. Surnames are read as surnames (单 shan, 曾 zeng).
 */
export function searchTermsOf(name: string): { name_pinyin: string; name_initials: string } {
  // pinyin-pro takes tens of microseconds a name, and names repeat (a city has far fewer names than people).
  const known = termsByName.get(name);
  if (known) return known;
  const terms = pinyinTerms(name);
  if (termsByName.size >= 100_000) termsByName.clear();
  termsByName.set(name, terms);
  return terms;
}

const termsByName = new Map<string, { name_pinyin: string; name_initials: string }>();

function pinyinTerms(name: string): { name_pinyin: string; name_initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true, surname: 'head' })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
  return { name_pinyin: syllables.join(''), name_initials: syllables.map((s) => s[0]).join('') };
}

/** What people type for pinyin: letters only, ü as v (as input methods do), no spaces or apostrophes. */
export function pinyinQuery(text: string): string | null {
  const s = text.normalize('NFKC').toLowerCase().replace(/ü/g, 'v').replace(/[\s'’·.-]/g, '');
  return /^[a-z]{1,40}$/.test(s) ? s : null;
}

// ---------------------------------------------------------------------------------------------
// Addresses. People write the same dwelling as 3幢2单元501室, 3-2-501, 3栋2单元501 or
// 文昌花园3幢2单元501. The index keeps one key per person, `{estate}#{building}-{unit}-{room}#`
// (文昌花园#3-2-501#), and a query becomes a LIKE pattern on it; the `#` and `-` fences keep
// 13-2-501 from matching 3-2-501.

const BUILDING_SUFFIX = /(幢|栋|棟|号楼|號樓|号|號|座|楼|樓)$/;
const UNIT_SUFFIX = /(单元|單元)$/;
const ROOM_SUFFIX = /(室|户|戶|号|號)$/;

function clean(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** `文昌花园3幢` → { estate: '文昌花园', number: '3' }; a name without a number is all estate. */
function splitBuilding(name: string): { estate: string; number: string } {
  const s = clean(name).replace(BUILDING_SUFFIX, '');
  const m = /^(.*?)([0-9]+|[a-z]+)$/.exec(s);
  // No '#' in the estate: the key's numbers start at its first '#' (see person_search_address).
  return m ? { estate: m[1]!.replace(/#/g, ''), number: m[2]! } : { estate: s.replace(/#/g, ''), number: '' };
}

/** The search key of a dwelling from the names of its building, unit and dwelling nodes. */
export function addressKeyOf(parts: { building?: string | null; unit?: string | null; dwelling?: string | null }): string | null {
  if (!parts.building && !parts.unit && !parts.dwelling) return null;
  const b = parts.building ? splitBuilding(parts.building) : { estate: '', number: '' };
  const numbers = [b.number];
  if (parts.unit) numbers.push(clean(parts.unit).replace(UNIT_SUFFIX, ''));
  if (parts.dwelling) numbers.push(clean(parts.dwelling).replace(ROOM_SUFFIX, ''));
  return `${b.estate}#${numbers.join('-')}#`;
}

type Role = 'building' | 'unit' | 'room';
const ROLES: Role[] = ['building', 'unit', 'room'];

/** Whether free text reads as an address rather than a name: digits, or a word names never hold. */
export function looksLikeAddress(text: string): boolean {
  const s = clean(text);
  return /[0-9]/.test(s) || /(幢|栋|单元|室|号楼|小区|花园|新村|家园|公寓|大厦)/.test(s) || /(路|街|苑)$/.test(s);
}

/**
 * A LIKE pattern (with `\` as the escape character) on the address key for what a person
 * typed, or null when nothing in it names a place. A number takes the role its suffix gives
 * (幢/栋/号楼 building, 单元 unit, 室/户 room; 号 is a building first, a room later). Bare
 * numbers fill the roles in order (3-2-501; 3-2 is building and unit; 501 alone is a room),
 * and a last bare number of three or more digits right after a building is a room (3幢501).
 */
export function addressPattern(text: string): string | null {
  const s = clean(text);
  const token = /([0-9]+|[a-z]+)(幢|栋|棟|号楼|號樓|座|楼|樓|单元|單元|室|户|戶|号|號)?/g;
  const found: { value: string; role: Role | null }[] = [];
  let estate = '';
  for (let m = token.exec(s); m; m = token.exec(s)) {
    if (found.length === 0) estate = s.slice(0, m.index).replace(/[^\p{L}\p{N}]/gu, '');
    const suffix = m[2] ?? '';
    let role: Role | null = null;
    if (UNIT_SUFFIX.test(suffix)) role = 'unit';
    else if (/^(室|户|戶)$/.test(suffix)) role = 'room';
    else if (/^(号|號)$/.test(suffix)) role = found.length === 0 ? 'building' : 'room';
    else if (suffix) role = 'building';
    found.push({ value: m[1]!, role });
  }
  if (found.length === 0) {
    const words = s.replace(/[^\p{L}\p{N}]/gu, '');
    return words ? `%${escapeLike(words)}%#%` : null;
  }
  if (found.length > 3) return null;
  const roles: (Role | null)[] = found.map((f) => f.role);
  if (!roles.some(Boolean)) {
    const order: Role[] = found.length === 1 ? ['room'] : ['building', 'unit', 'room'];
    order.slice(0, found.length).forEach((r, i) => (roles[i] = r));
  } else {
    let prev = -1;
    roles.forEach((r, i) => {
      if (r) {
        prev = ROLES.indexOf(r);
        return;
      }
      let k = prev + 1;
      if (k === 1 && i === found.length - 1 && found[i]!.value.length >= 3) k = 2;
      roles[i] = k <= 2 ? ROLES[k]! : null;
      prev = k;
    });
  }
  const at = new Map<Role, string>();
  roles.forEach((r, i) => {
    if (r && !at.has(r)) at.set(r, escapeLike(found[i]!.value));
  });
  const b = at.get('building');
  const u = at.get('unit');
  const r = at.get('room');
  const e = estate ? `%${escapeLike(estate)}%` : '%';
  if (b !== undefined) {
    if (u !== undefined && r !== undefined) return `${e}#${b}-${u}-${r}#%`;
    if (u !== undefined) return `${e}#${b}-${u}-%`;
    if (r !== undefined) return `${e}#${b}-%-${r}#%`;
    return `${e}#${b}-%`;
  }
  const head = estate ? `${e}#%` : '%';
  if (u !== undefined && r !== undefined) return `${head}-${u}-${r}#%`;
  if (u !== undefined) return `${head}-${u}-%`;
  return `${head}-${r}#%`;
}

/**
 * The literal start of an address pattern's numbers, from its first `#` up to the first
 * wildcard (`%#3-2-501#%` → `#3-2-501#`, `%文昌%#3-%-501#%` → `#3-`), or null when the
 * pattern names no building number: what the person_search_address index can range over.
 */
export function addressNumberPrefix(pattern: string): string | null {
  let i = 0;
  // Skip to the first unescaped '#'.
  for (; i < pattern.length && pattern[i] !== '#'; i++) if (pattern[i] === '\\') i++;
  if (i >= pattern.length) return null;
  let out = '#';
  for (i++; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%' || c === '_') break;
    if (c === '\\') {
      i++;
      if (i < pattern.length) out += pattern[i];
      continue;
    }
    out += c;
  }
  return out.length > 1 ? out : null;
}

/** Escapes LIKE's wildcards for a pattern written with `escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// ---------------------------------------------------------------------------------------------
// Areas. Pinyin and initials are searched by area first: the person's community, or, for
// someone registered above any community, the street, district or city node they are at (the
// deepest such node on their path). A search's scope is one area (a community or anything
// below it) or a set of areas (the communities, streets … under a street or city).

/** Kinds of node that are an area, or contain areas. */
export const AREA_KINDS = ['city', 'district', 'street', 'community'] as const;

/** `/a/b/c/` → the path of its `depth`-th node (1-based): `/a/b/`. */
function pathTo(ids: string[], depth: number): string {
  return `/${ids.slice(0, depth).join('/')}/`;
}

/**
 * The area of a person at `path`: the nearest community at or above it; else the deepest
 * city, district or street node at or above it; else the path itself. `kindOf` knows the
 * kinds of those nodes (other nodes may be unknown).
 */
export function areaPathOf(path: string, kindOf: (id: string) => string | null | undefined): string {
  const ids = path.split('/').filter(Boolean);
  let area = -1;
  for (let i = ids.length - 1; i >= 0; i--) {
    const kind = kindOf(ids[i]!);
    if (kind === 'community') return pathTo(ids, i + 1);
    if (area < 0 && kind && (AREA_KINDS as readonly string[]).includes(kind)) area = i;
  }
  return area >= 0 ? pathTo(ids, area + 1) : path;
}

/**
 * The areas of people under `scope` (a path): the scope's own area when it lies in a
 * community, or below a node that is no area; else every area node under it, itself included
 * (`nodesUnder` gives the paths and kinds of the area nodes under a path).
 */
export async function areasOfScope(
  scope: string,
  kindOf: (id: string) => Promise<string | null | undefined>,
  nodesUnder: (path: string) => Promise<{ path: string; kind: string }[]>,
): Promise<string[]> {
  const ids = scope.split('/').filter(Boolean);
  const kinds = await Promise.all(ids.map((id) => kindOf(id)));
  const own = kinds[kinds.length - 1];
  if (kinds.includes('community') || !own || !(AREA_KINDS as readonly string[]).includes(own)) {
    return [areaPathOf(scope, (id) => kinds[ids.indexOf(id)])];
  }
  return [...new Set([scope, ...(await nodesUnder(scope)).map((n) => n.path)])];
}

// ---------------------------------------------------------------------------------------------

type NodeName = { id: string; name: string; kind: string };

/**
 * Names of org nodes, fetched once per id: the people of a page, an export or a reindex batch
 * share buildings and units, so a long run asks for each node once.
 */
export class AddressBook {
  private readonly known = new Map<string, NodeName | null>();

  get size(): number {
    return this.known.size;
  }

  /** Inside a transaction pass the transaction: SQLite has one connection, and it holds it. */
  async load(executor: Executor, paths: Iterable<string>): Promise<void> {
    const missing = new Set<string>();
    for (const p of paths) for (const id of p.split('/')) if (id && !this.known.has(id)) missing.add(id);
    const ids = [...missing];
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await executor.selectFrom('org_node').select(['id', 'name', 'kind']).where('id', 'in', part).execute();
      for (const id of part) this.known.set(id, null);
      for (const r of rows) this.known.set(r.id, r);
    }
  }

  private parts(path: string): NodeName[] {
    return path
      .split('/')
      .map((id) => (id ? this.known.get(id) : null))
      .filter((n): n is NodeName => !!n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling'));
  }

  /** The area of a path (see areaPathOf), after `load`. */
  areaPath(path: string): string {
    return areaPathOf(path, (id) => this.known.get(id)?.kind);
  }

  /** Search key of a path (see addressKeyOf); null above building level. */
  addressKey(path: string): string | null {
    const parts: { building?: string; unit?: string; dwelling?: string } = {};
    for (const n of this.parts(path)) parts[n.kind as 'building' | 'unit' | 'dwelling'] = n.name;
    return addressKeyOf(parts);
  }

  /** The address as people read it: 文昌花园3幢2单元501室 (after `load`). */
  addressText(path: string): string | null {
    const names = this.parts(path).map((n) => n.name);
    return names.length ? names.join('') : null;
  }
}

/** Address text of each path, for a page of people (one query for their nodes). */
export async function addressTextsOf(executor: Executor, paths: string[], book = new AddressBook()): Promise<Map<string, string | null>> {
  await book.load(executor, paths);
  return new Map(paths.map((p) => [p, book.addressText(p)]));
}

type Indexed = { id: string; name: string; org_path: string; status: string };

async function writeSearchRows(executor: Executor, people: Indexed[], book: AddressBook, fresh = false): Promise<void> {
  await book.load(executor, new Set(people.map((p) => p.org_path)));
  if (!fresh) await executor.deleteFrom('person_search').where('person_id', 'in', people.map((p) => p.id)).execute();
  const places = new Map<string, { address: string | null; area: string }>();
  const rows: PersonSearchTable[] = people.map((p) => {
    let place = places.get(p.org_path);
    if (place === undefined) places.set(p.org_path, (place = { address: book.addressKey(p.org_path), area: book.areaPath(p.org_path) }));
    const terms = searchTermsOf(p.name);
    return { person_id: p.id, org_path: p.org_path, name: p.name, name_pinyin: terms.name_pinyin, name_initials: terms.name_initials, address: place.address, area_path: place.area, status: p.status };
  });
  await insertMany(executor, 'person_search', rows);
}

/**
 * Search rows of people inserted just now (they have none yet): built from the rows in hand,
 * without reading them back. A run of writes passes one AddressBook for all its batches.
 */
export async function indexNewPeople(executor: Executor, people: Indexed[], book = new AddressBook()): Promise<void> {
  for (let i = 0; i < people.length; i += 5000) await writeSearchRows(executor, people.slice(i, i + 5000), book, true);
}

/** Rebuilds the search rows of these people from the registry (call after every write). */
export async function reindexPeople(executor: Executor, personIds: string[]): Promise<void> {
  if (personIds.length === 0) return;
  const book = new AddressBook();
  const unique = [...new Set(personIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const ids = unique.slice(i, i + 500);
    const people = await executor.selectFrom('person').select(['id', 'name', 'org_path', 'status']).where('id', 'in', ids).execute();
    if (people.length) await writeSearchRows(executor, people, book);
  }
}

/**
 * Rebuilds the whole search index in batches (after bulk seeding or a restore). People are
 * walked in path order, so a batch shares its buildings and the node-name cache stays small;
 * each batch is one transaction, so memory stays flat at a million residents.
 * Returns how many people were indexed.
 */
export async function reindexAll(ctx: PlatformContext, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 10_000;
  let book = new AddressBook();
  let after: { org_path: string; id: string } | null = null;
  let total = 0;
  // An empty index (after bulk seeding) has nothing to replace: insert only.
  const fresh = !(await ctx.db.kysely.selectFrom('person_search').select('person_id').limit(1).executeTakeFirst());
  for (;;) {
    let q = ctx.db.kysely.selectFrom('person').select(['id', 'name', 'org_path', 'status']);
    if (after) {
      const last = after;
      // A row-value comparison, so both databases seek the (org_path, id) index instead of scanning.
      q = q.where((eb) => eb(eb.refTuple('org_path', 'id'), '>', eb.tuple(last.org_path, last.id)));
    }
    const people = await q.orderBy('org_path').orderBy('id').limit(batch).execute();
    if (people.length === 0) break;
    await ctx.db.kysely.transaction().execute(async (trx) => {
      // 500 rows a statement keeps PostgreSQL under its bind-parameter limit.
      for (let i = 0; i < people.length; i += 500) await writeSearchRows(trx, people.slice(i, i + 500), book, fresh);
    });
    total += people.length;
    after = people[people.length - 1]!;
    if (book.size > 20_000) book = new AddressBook();
  }
  return total;
}
