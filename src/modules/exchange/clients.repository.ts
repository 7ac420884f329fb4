import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { ExchangeClientTable, ExchangeConsentTable, ExchangeKeyTable, ExchangeReadTable } from './clients.table.js';

/** The only SQL of exchange clients, keys, request counts, consents and the read log. */

export function getClient(db: Executor, id: string) {
  return db.selectFrom('exchange_client').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Clients whose subtree overlaps one of `paths` (above or below), or of these departments. */
export async function listClients(db: Executor, paths: string[], departments: string[]) {
  if (paths.length === 0 && departments.length === 0) return [];
  return db
    .selectFrom('exchange_client')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...paths.map((p) => eb.and([eb('org_path', '>=', p), eb('org_path', '<', prefixEnd(p))])),
        ...paths.flatMap((p) => {
          const ancestors = p.split('/').filter(Boolean).map((_, i, all) => `/${all.slice(0, i + 1).join('/')}/`);
          return ancestors.length ? [eb('org_path', 'in', ancestors)] : [];
        }),
        ...(departments.length ? [eb('department_code', 'in', departments)] : []),
      ]),
    )
    .orderBy('department_code')
    .orderBy('created_at')
    .execute();
}

export async function insertClient(db: Executor, row: ExchangeClientTable) {
  await db.insertInto('exchange_client').values(row).execute();
}

export async function updateClient(db: Executor, id: string, patch: Partial<ExchangeClientTable>) {
  await db.updateTable('exchange_client').set(patch).where('id', '=', id).execute();
}

export function listKeys(db: Executor, clientId: string) {
  return db.selectFrom('exchange_key').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'desc').execute();
}

export function getKey(db: Executor, id: string) {
  return db.selectFrom('exchange_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export function keyByHash(db: Executor, hash: string) {
  return db.selectFrom('exchange_key').selectAll().where('key_hash', '=', hash).executeTakeFirst();
}

export async function insertKey(db: Executor, row: ExchangeKeyTable) {
  await db.insertInto('exchange_key').values(row).execute();
}

export async function updateKey(db: Executor, id: string, patch: Partial<ExchangeKeyTable>) {
  await db.updateTable('exchange_key').set(patch).where('id', '=', id).execute();
}

/**
 * Counts one request in the key's current minute and returns the count so far: one statement
 * (insert or increment), so concurrent processes on one database share the count.
 */
export async function countRequest(db: Executor, keyId: string, window: string): Promise<number> {
  const row = await db
    .insertInto('exchange_rate')
    .values({ key_id: keyId, window, count: 1 })
    .onConflict((oc) => oc.columns(['key_id', 'window']).doUpdateSet({ count: sql<number>`exchange_rate.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Old minutes are of no use once past. */
export async function pruneRateWindows(db: Executor, before: string) {
  await db.deleteFrom('exchange_rate').where('window', '<', before).execute();
}

export async function insertConsent(db: Executor, row: ExchangeConsentTable) {
  await db.insertInto('exchange_consent').values(row).execute();
}

export function getConsent(db: Executor, id: string) {
  return db.selectFrom('exchange_consent').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Withdraws a standing consent; false when it was already withdrawn (by someone else meanwhile). */
export async function withdrawConsent(db: Executor, id: string, at: string, by: string, reason: string): Promise<boolean> {
  const r = await db.updateTable('exchange_consent').set({ withdrawn_at: at, withdrawn_by: by, withdraw_reason: reason }).where('id', '=', id).where('withdrawn_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An uploaded file, for checking it may serve as a consent's signed form. */
export function getAttachment(db: Executor, id: string) {
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'mime', 'org_node_id', 'original_name', 'size']).where('id', '=', id).executeTakeFirst();
}

export function getAttachments(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'mime', 'original_name', 'size']).where('id', 'in', [...new Set(ids)]).execute();
}

/** Where these consents' people live (for the access check of their signed forms). */
export function consentPlaces(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('exchange_consent')
    .innerJoin('person', 'person.id', 'exchange_consent.person_id')
    .select(['exchange_consent.id', 'exchange_consent.person_id', 'person.org_path'])
    .where('exchange_consent.id', 'in', [...new Set(ids)])
    .execute();
}

export function consentsOfPerson(db: Executor, personId: string) {
  return db.selectFrom('exchange_consent').selectAll().where('person_id', '=', personId).orderBy('recorded_at', 'desc').execute();
}

/** Consents valid on `day` (not withdrawn) of these people for one department: person → fields. */
export async function validConsents(db: Executor, personIds: string[], departmentCode: string, day: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (personIds.length === 0) return out;
  const rows = await db
    .selectFrom('exchange_consent')
    .select(['person_id', 'field'])
    .where('person_id', 'in', personIds)
    .where('department_code', '=', departmentCode)
    .where('withdrawn_at', 'is', null)
    .where('valid_from', '<=', day)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', day)]))
    .execute();
  for (const r of rows) {
    const set = out.get(r.person_id) ?? new Set<string>();
    set.add(r.field);
    out.set(r.person_id, set);
  }
  return out;
}

export async function insertRead(db: Executor, row: ExchangeReadTable) {
  await db.insertInto('exchange_read').values(row).execute();
}

export function listReads(db: Executor, clientId: string, page: { limit: number; offset: number }) {
  return db.selectFrom('exchange_read').selectAll().where('client_id', '=', clientId).orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

export async function countReads(db: Executor, clientId: string): Promise<{ total: number; denied: number; people: number }> {
  const r = await db
    .selectFrom('exchange_read')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(case when outcome = 'denied' then 1 else 0 end)`.as('denied'),
      sql<number>`sum(people)`.as('people'),
    ])
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return { total: Number(r.total), denied: Number(r.denied ?? 0), people: Number(r.people ?? 0) };
}

export function allDepartments(db: Executor) {
  return db.selectFrom('department').selectAll().orderBy('code').execute();
}

export function departmentRow(db: Executor, code: string) {
  return db.selectFrom('department').selectAll().where('code', '=', code).executeTakeFirst();
}

export function orgNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'name', 'kind']).where('id', '=', id).executeTakeFirst();
}

export function personPlace(db: Executor, id: string) {
  return db.selectFrom('person').select(['id', 'org_path', 'status']).where('id', '=', id).executeTakeFirst();
}
