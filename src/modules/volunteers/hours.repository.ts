import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { VolunteerCertificateTable, VolunteerHoursCorrectionTable, VolunteerServiceRecordTable } from './hours.table.js';
import './hours.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 志愿服务时长 (service records, corrections, certificates). Ledger rows are written by the platform ledger. */

export type RecordRow = VolunteerServiceRecordTable;
export type CorrectionRow = VolunteerHoursCorrectionTable;
export type CertificateRow = VolunteerCertificateTable;

function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

// ---------------------------------------------------------------- service records

export function insertRecord(db: Executor, row: RecordRow) {
  return db.insertInto('volunteer_service_record').values(row).execute();
}

export function getRecord(db: Executor, id: string) {
  return db.selectFrom('volunteer_service_record').selectAll().where('id', '=', id).executeTakeFirst();
}

export function recordOfSignup(db: Executor, signupId: string) {
  return db.selectFrom('volunteer_service_record').selectAll().where('signup_id', '=', signupId).executeTakeFirst();
}

export function recordsOfSignups(db: Executor, signupIds: readonly string[]) {
  if (signupIds.length === 0) return Promise.resolve([] as RecordRow[]);
  return db.selectFrom('volunteer_service_record').selectAll().where('signup_id', 'in', [...new Set(signupIds)]).execute();
}

export async function countRecordsOf(db: Executor, opportunityId: string): Promise<number> {
  const r = await db.selectFrom('volunteer_service_record').select(sql<number>`count(*)`.as('n')).where('opportunity_id', '=', opportunityId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Check-out once: 0 when the record was checked out meanwhile. */
export async function setCheckOut(db: Executor, id: string, patch: Pick<RecordRow, 'check_out_at' | 'check_out_method' | 'check_out_by' | 'credited_minutes' | 'journal_id' | 'updated_at'>): Promise<number> {
  const r = await db
    .updateTable('volunteer_service_record')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('check_out_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A correction: only from the version the caller read (0 when someone corrected it meanwhile). */
export async function updateRecordIf(db: Executor, id: string, version: number, patch: Partial<RecordRow>): Promise<number> {
  const r = await db
    .updateTable('volunteer_service_record')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Points the record at the journal that credits it now. */
export function setJournal(db: Executor, id: string, journalId: string | null) {
  return db.updateTable('volunteer_service_record').set({ journal_id: journalId }).where('id', '=', id).execute();
}

/** Ids of the ledger journals whose source is this record (postings and reversals), oldest first. Read-only. */
export async function journalsOfSource(db: Executor, sourceType: string, sourceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ledger_journal')
    .select('id')
    .where('source_type', '=', sourceType)
    .where('source_id', '=', sourceId)
    // A correction posts its reversal and the new journal at the same instant: the reversal first.
    .orderBy('at')
    .orderBy(sql`case when reverses_id is null then 1 else 0 end`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

const recordWithOpportunity = (db: Executor) =>
  db
    .selectFrom('volunteer_service_record as r')
    .innerJoin('volunteer_opportunity as o', 'o.id', 'r.opportunity_id')
    .innerJoin('volunteer as v', 'v.id', 'r.volunteer_id')
    .selectAll('r')
    .select(['o.title as opportunity_title', 'o.organiser as opportunity_organiser', 'o.category as opportunity_category', 'o.starts_at as opportunity_starts_at', 'o.ends_at as opportunity_ends_at', 'o.org_node_id as opportunity_node_id', 'o.team_id as opportunity_team_id', 'v.name as volunteer_name', 'v.number as volunteer_number']);

export type RecordWithOpportunity = Awaited<ReturnType<typeof listRecords>>['rows'][number];

/** A volunteer's service records, oldest first, optionally by check-in time (ISO instants). */
export function recordsOfVolunteer(db: Executor, volunteerId: string, range: { fromIso?: string; toIso?: string } = {}) {
  let q = recordWithOpportunity(db).where('r.volunteer_id', '=', volunteerId);
  if (range.fromIso) q = q.where('r.check_in_at', '>=', range.fromIso);
  if (range.toIso) q = q.where('r.check_in_at', '<', range.toIso);
  return q.orderBy('r.check_in_at').orderBy('r.id').limit(2000).execute();
}

export async function listRecords(db: Executor, f: { paths: readonly string[]; volunteerId?: string; opportunityId?: string; open?: boolean }, page: { limit: number; offset: number }) {
  const base = () => {
    let q = inSubtrees(recordWithOpportunity(db), 'r.org_path', f.paths);
    if (f.volunteerId) q = q.where('r.volunteer_id', '=', f.volunteerId);
    if (f.opportunityId) q = q.where('r.opportunity_id', '=', f.opportunityId);
    if (f.open) q = q.where('r.check_out_at', 'is', null);
    return q;
  };
  const [rows, total] = await Promise.all([
    base().orderBy('r.check_in_at', 'desc').orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    inSubtrees(db.selectFrom('volunteer_service_record as r'), 'r.org_path', f.paths)
      .$if(!!f.volunteerId, (q) => q.where('r.volunteer_id', '=', f.volunteerId!))
      .$if(!!f.opportunityId, (q) => q.where('r.opportunity_id', '=', f.opportunityId!))
      .$if(!!f.open, (q) => q.where('r.check_out_at', 'is', null))
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function getRecordWithOpportunity(db: Executor, id: string) {
  return recordWithOpportunity(db).where('r.id', '=', id).executeTakeFirst();
}

// ---------------------------------------------------------------- corrections

export function insertCorrection(db: Executor, row: CorrectionRow) {
  return db.insertInto('volunteer_hours_correction').values(row).execute();
}

export function correctionsOf(db: Executor, recordIds: readonly string[]) {
  if (recordIds.length === 0) return Promise.resolve([] as CorrectionRow[]);
  return db.selectFrom('volunteer_hours_correction').selectAll().where('record_id', 'in', [...new Set(recordIds)]).orderBy('at').execute();
}

// ---------------------------------------------------------------- certificates

export function insertCertificate(db: Executor, row: CertificateRow) {
  return db.insertInto('volunteer_certificate').values(row).execute();
}

export function getCertificate(db: Executor, id: string) {
  return db.selectFrom('volunteer_certificate').selectAll().where('id', '=', id).executeTakeFirst();
}

export function certificatesOf(db: Executor, volunteerId: string) {
  return db.selectFrom('volunteer_certificate').selectAll().where('volunteer_id', '=', volunteerId).orderBy('created_at', 'desc').limit(100).execute();
}

export function listCertificates(db: Executor, paths: readonly string[], page: { limit: number; offset: number }) {
  return inSubtrees(db.selectFrom('volunteer_certificate'), 'org_path', paths).selectAll().orderBy('created_at', 'desc').limit(page.limit).offset(page.offset).execute();
}
