import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { addDays, yearsBefore } from './tags.derived.js';
import { whereHasActiveTag } from './tags.filter.js';
import { inPaths } from './tags.repository.js';
import type { LedgerDefinitionTable } from './ledgers.table.js';
import type { LedgerConditions, LedgerSort } from './ledgers.schema.js';
import type { LedgerField } from './ledgers.fields.js';
import type { PersonTable } from './registry.table.js';
import './ledgers.table.js';
import './registry.table.js';

/** The only SQL of ledgers. A ledger's rows are one query over `person`, never stored. */

export function getLedger(db: Executor, id: string) {
  return db.selectFrom('ledger_definition').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getLedgerByCode(db: Executor, code: string) {
  return db.selectFrom('ledger_definition').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Definitions, optionally only of these departments; archived ones only when asked. */
export function listLedgers(db: Executor, opts: { departments?: string[]; archived: boolean }) {
  let q = db.selectFrom('ledger_definition').selectAll();
  if (opts.departments) {
    if (opts.departments.length === 0) return Promise.resolve([] as LedgerDefinitionTable[]);
    q = q.where('department_code', 'in', opts.departments);
  }
  if (!opts.archived) q = q.where('archived_at', 'is', null);
  return q.orderBy('built_in', 'desc').orderBy('department_code').orderBy('created_at').orderBy('id').execute();
}

export async function insertLedger(db: Executor, row: LedgerDefinitionTable) {
  await db.insertInto('ledger_definition').values(row).execute();
}

export async function updateLedger(db: Executor, id: string, patch: Partial<Omit<LedgerDefinitionTable, 'id' | 'code' | 'built_in' | 'created_at' | 'created_by'>>) {
  await db.updateTable('ledger_definition').set(patch).where('id', '=', id).execute();
}

export interface LedgerFilter {
  paths: string[];
  /** `YYYY-MM-DD` in China: the day tags and ages are counted on. */
  today: string;
  /** Holds any of these tags today (the ledger's); empty = no tag filter. */
  tags: string[];
  /** For a department officer: also holds one of its mandate's tags today. */
  mandateTags?: string[];
  conditions: LedgerConditions;
}

function ledgerWhere(f: LedgerFilter) {
  return (eb: ExpressionBuilder<Database, 'person'>): Expression<SqlBool> => {
    const c = f.conditions;
    const parts: Expression<SqlBool>[] = [inPaths(f.paths)(eb), eb('person.status', 'in', c.statuses ?? ['active'])];
    if (f.tags.length) parts.push(whereHasActiveTag(f.tags, f.today)(eb));
    if (f.mandateTags) parts.push(whereHasActiveTag(f.mandateTags, f.today)(eb));
    // Aged at least ageMin: born on or before today minus ageMin years; at most ageMax: born after today minus (ageMax + 1) years.
    if (c.ageMin !== undefined) parts.push(eb('person.birth_date', '<=', yearsBefore(f.today, c.ageMin)));
    if (c.ageMax !== undefined) parts.push(eb('person.birth_date', '>=', addDays(yearsBefore(f.today, c.ageMax + 1), 1)));
    if (c.gender) parts.push(eb('person.gender', '=', c.gender));
    if (c.residenceTypes) parts.push(eb('person.residence_type', 'in', c.residenceTypes));
    if (c.politicalStatuses) parts.push(eb('person.political_status', 'in', c.politicalStatuses));
    return eb.and(parts);
  };
}

export async function countLedgerPeople(db: Executor, f: LedgerFilter): Promise<number> {
  const r = await db.selectFrom('person').select(sql<number>`count(*)`.as('n')).where(ledgerWhere(f)).executeTakeFirstOrThrow();
  return Number(r.n);
}

type PersonColumn = keyof PersonTable & string;

/** The person columns each ledger field reads (the path, id and household are always read). */
const FIELD_COLUMNS: Partial<Record<LedgerField, PersonColumn[]>> = {
  name: ['name'],
  gender: ['gender'],
  birthDate: ['birth_date'],
  age: ['birth_date'],
  idType: ['id_type'],
  idNumber: ['id_number_region', 'id_number_tail'],
  phone: ['phone_prefix', 'phone_tail'],
  ethnicity: ['ethnicity'],
  residenceType: ['residence_type'],
  politicalStatus: ['political_status'],
  education: ['education'],
  maritalStatus: ['marital_status'],
  hukouAddress: ['hukou_address'],
  occupation: ['occupation'],
};

/** Only what the ledger's columns show is read: a whole community is many rows. */
export function personColumnsFor(fields: LedgerField[], withNumbers: boolean): PersonColumn[] {
  const cols = new Set<PersonColumn>(['id', 'org_path', 'household_id']);
  for (const f of fields) for (const c of FIELD_COLUMNS[f] ?? []) cols.add(c);
  if (withNumbers && fields.includes('idNumber')) cols.add('id_number_enc');
  if (withNumbers && fields.includes('phone')) cols.add('phone_enc');
  return [...cols];
}

/** The ledger's people in its order (a page, or all of them when `page` is absent). */
/** Rows carry only `columns` (see personColumnsFor); the other properties are absent. */
export async function listLedgerPeople(db: Executor, f: LedgerFilter, sort: LedgerSort[], opts: { page?: { limit: number; offset: number }; columns: PersonColumn[] }) {
  let q = db
    .selectFrom('person')
    .select(opts.columns.map((c) => `person.${c}` as const))
    .where(ledgerWhere(f));
  for (const s of sort) {
    if (s.field === 'address') q = q.orderBy('person.org_path', s.dir);
    else if (s.field === 'gender') q = q.orderBy('person.gender', s.dir);
    else if (s.field === 'residenceType') q = q.orderBy('person.residence_type', s.dir);
    else {
      // Unknown birth dates last on both databases (their NULL order differs).
      q = q.orderBy(sql`case when ${sql.ref('person.birth_date')} is null then 1 else 0 end`);
      const dir = s.field === 'age' ? (s.dir === 'asc' ? 'desc' : 'asc') : s.dir;
      q = q.orderBy('person.birth_date', dir);
    }
  }
  q = q.orderBy('person.org_path').orderBy('person.id');
  if (opts.page) q = q.limit(opts.page.limit).offset(opts.page.offset);
  return q.execute();
}

/** Tag rows of these people valid today, in bulk (1,000 people a query). */
export async function activeTagsOf(db: Executor, personIds: string[], today: string) {
  const out: { person_id: string; tag: string; source: string; department_code: string | null; valid_from: string | null; valid_to: string | null; note: string | null }[] = [];
  for (let i = 0; i < personIds.length; i += 1000) {
    const rows = await db
      .selectFrom('person_tag')
      .select(['person_id', 'tag', 'source', 'department_code', 'valid_from', 'valid_to', 'note'])
      .where('person_id', 'in', personIds.slice(i, i + 1000))
      .where('ended_at', 'is', null)
      .where((w) => w.or([w('valid_from', 'is', null), w('valid_from', '<=', today)]))
      .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', today)]))
      .orderBy('created_at')
      .execute();
    out.push(...rows);
  }
  return out;
}

/** Org nodes by id, in bulk (addresses of a whole ledger in a handful of queries). */
export async function nodesByIds(db: Executor, ids: string[]) {
  const out: { id: string; name: string; kind: string }[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    out.push(...(await db.selectFrom('org_node').select(['id', 'name', 'kind']).where('id', 'in', ids.slice(i, i + 1000)).execute()));
  }
  return out;
}

export async function householdNumbers(db: Executor, ids: string[]) {
  const out: { id: string; number: string }[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    out.push(...(await db.selectFrom('household').select(['id', 'number']).where('id', 'in', ids.slice(i, i + 1000)).execute()));
  }
  return out;
}
