import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import type { PersonTagTable, TagDefinitionTable } from './tags.table.js';
import './registry.table.js';
import './tags.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of tags. Nothing here deletes a tag row: ending one is its history. */

export function listDefinitions(db: Executor) {
  return db.selectFrom('tag_definition').selectAll().orderBy('sort').orderBy('code').execute();
}

export function getDefinition(db: Executor, code: string) {
  return db.selectFrom('tag_definition').selectAll().where('code', '=', code).executeTakeFirst();
}

export function getDefinitions(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as TagDefinitionTable[]);
  return db.selectFrom('tag_definition').selectAll().where('code', 'in', codes).execute();
}

export async function insertDefinition(db: Executor, row: TagDefinitionTable) {
  await db.insertInto('tag_definition').values(row).execute();
}

export async function maxDefinitionSort(db: Executor): Promise<number> {
  const r = await db.selectFrom('tag_definition').select(sql<number | null>`max(sort)`.as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** `person.org_path` under any of these prefixes. */
export function inPaths(paths: string[]) {
  return (eb: ExpressionBuilder<Database, 'person'>): Expression<SqlBool> => {
    if (paths.length === 0) return sql<SqlBool>`1 = 0`;
    return inAnySubtree(eb, 'person.org_path', paths);
  };
}

/** People of active records holding each tag today, within these subtrees. */
export async function countHolders(db: Executor, paths: string[], today: string, tags?: string[]): Promise<Map<string, number>> {
  if (paths.length === 0 || tags?.length === 0) return new Map();
  let q = db
    .selectFrom('person_tag')
    .innerJoin('person', 'person.id', 'person_tag.person_id')
    .select(['person_tag.tag', sql<number>`count(distinct person_tag.person_id)`.as('n')])
    .where('person.status', '=', 'active')
    .where(inPaths(paths))
    .where('person_tag.ended_at', 'is', null)
    .where((w) => w.or([w('person_tag.valid_from', 'is', null), w('person_tag.valid_from', '<=', today)]))
    .where((w) => w.or([w('person_tag.valid_to', 'is', null), w('person_tag.valid_to', '>=', today)]));
  if (tags) q = q.where('person_tag.tag', 'in', tags);
  const rows = await q.groupBy('person_tag.tag').execute();
  return new Map(rows.map((r) => [r.tag, Number(r.n)]));
}

export function getPersonScope(db: Executor, id: string) {
  return db.selectFrom('person').select(['id', 'name', 'org_path', 'dwelling_id', 'status']).where('id', '=', id).executeTakeFirst();
}

export function listPersonTags(db: Executor, personId: string, opts: { history: boolean }) {
  let q = db.selectFrom('person_tag').selectAll().where('person_id', '=', personId);
  if (!opts.history) q = q.where('ended_at', 'is', null);
  return q.orderBy('created_at').orderBy('id').execute();
}

export function getPersonTag(db: Executor, id: string) {
  return db.selectFrom('person_tag').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Not-ended rows of this tag whose validity overlaps [from, to] (null = open). */
export function overlappingTags(db: Executor, personId: string, tag: string, from: string | null, to: string | null) {
  let q = db.selectFrom('person_tag').select(['id', 'source', 'valid_from', 'valid_to']).where('person_id', '=', personId).where('tag', '=', tag).where('ended_at', 'is', null);
  if (from) q = q.where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>=', from)]));
  if (to) q = q.where((w) => w.or([w('valid_from', 'is', null), w('valid_from', '<=', to)]));
  return q.execute();
}

export async function insertPersonTags(db: Executor, rows: PersonTagTable[], chunk = 500) {
  for (let i = 0; i < rows.length; i += chunk) await db.insertInto('person_tag').values(rows.slice(i, i + chunk)).execute();
}

/** Ends rows (only those not ended yet, so a repeated end changes nothing). */
export async function endPersonTags(db: Executor, ids: string[], end: { at: string; by: string | null; reason: string }): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const r = await db
      .updateTable('person_tag')
      .set({ ended_at: end.at, ended_by: end.by, end_reason: end.reason })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

const SUBJECT = ['id', 'gender', 'birth_date', 'political_status', 'status'] as const;

export function ruleSubjects(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('person').select(SUBJECT).where('id', 'in', ids).execute();
}

/** The next batch of people by id (keyset paging over the whole registry). */
export function ruleSubjectsAfter(db: Executor, afterId: string, limit: number) {
  return db.selectFrom('person').select(SUBJECT).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export function activeDerivedTags(db: Executor, personIds: string[], tags: string[]) {
  if (personIds.length === 0 || tags.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('person_tag')
    .select(['id', 'person_id', 'tag', 'valid_from', 'valid_to'])
    .where('person_id', 'in', personIds)
    .where('tag', 'in', tags)
    .where('source', '=', 'derived')
    .where('ended_at', 'is', null)
    .execute();
}

export function userNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; display_name: string }[]);
  return db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', ids).execute();
}

export function departments(db: Executor, codes?: string[]) {
  let q = db.selectFrom('department').select(['code', 'name', 'mandate']);
  if (codes) {
    if (codes.length === 0) return Promise.resolve([] as { code: string; name: string; mandate: string }[]);
    q = q.where('code', 'in', codes);
  }
  return q.orderBy('code').execute();
}
