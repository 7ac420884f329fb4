import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { FundApplicationStatus, FundApplicationTable, FundDecisionTable, FundDisbursementTable, FundDonationTable, FundTable } from './fund.table.js';
import './fund.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 互助基金. Money moves only in the platform ledger; ledger rows are read here, never written. */

export type FundRow = FundTable;
export type DonationRow = FundDonationTable;
export type ApplicationRow = FundApplicationTable;
export type DecisionRow = FundDecisionTable;
export type DisbursementRow = FundDisbursementTable;

function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

// PostgreSQL returns bigint columns as numbers (a type parser in database.ts); SQLite returns numbers.

// ---------------------------------------------------------------- funds

export function insertFund(db: Executor, row: FundRow) {
  return db.insertInto('fund').values(row).execute();
}

export function getFund(db: Executor, id: string) {
  return db.selectFrom('fund').selectAll().where('id', '=', id).executeTakeFirst();
}

export function fundOfNode(db: Executor, orgNodeId: string) {
  return db.selectFrom('fund').selectAll().where('org_node_id', '=', orgNodeId).executeTakeFirst();
}

/** The fund of the deepest of these nodes that has one (a resident's community). */
export async function fundOfNodes(db: Executor, nodeIds: readonly string[]) {
  if (nodeIds.length === 0) return undefined;
  const rows = await db.selectFrom('fund').selectAll().where('org_node_id', 'in', [...nodeIds]).execute();
  return rows.sort((a, b) => b.org_path.length - a.org_path.length)[0];
}

export function listFunds(db: Executor, paths: readonly string[]) {
  return inSubtrees(db.selectFrom('fund').selectAll(), 'org_path', paths).orderBy('org_path').execute();
}

// ---------------------------------------------------------------- donations

export function insertDonation(db: Executor, row: DonationRow) {
  return db.insertInto('fund_donation').values(row).execute();
}

export function getDonation(db: Executor, id: string) {
  return db.selectFrom('fund_donation').selectAll().where('id', '=', id).executeTakeFirst();
}

export function donationsOf(db: Executor, fundId: string) {
  return db.selectFrom('fund_donation').selectAll().where('fund_id', '=', fundId).orderBy('received_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function donationsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as DonationRow[]);
  return db.selectFrom('fund_donation').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

/** Recorded → reversed, once (0 when reversed meanwhile). */
export async function markDonationReversed(db: Executor, id: string, patch: { reason: string; at: string }): Promise<number> {
  const r = await db.updateTable('fund_donation').set({ status: 'reversed', reversed_reason: patch.reason, updated_at: patch.at }).where('id', '=', id).where('status', '=', 'recorded').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function setDonationReversal(db: Executor, id: string, journalId: string) {
  return db.updateTable('fund_donation').set({ reversal_journal_id: journalId }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- applications

export function insertApplication(db: Executor, row: ApplicationRow) {
  return db.insertInto('fund_application').values(row).execute();
}

export function getApplication(db: Executor, id: string) {
  return db.selectFrom('fund_application').selectAll().where('id', '=', id).executeTakeFirst();
}

export function applicationsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as ApplicationRow[]);
  return db.selectFrom('fund_application').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function applicationsOfPerson(db: Executor, personId: string) {
  return db.selectFrom('fund_application').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').execute();
}

export function openApplicationOf(db: Executor, fundId: string, personId: string) {
  return db
    .selectFrom('fund_application')
    .selectAll()
    .where('fund_id', '=', fundId)
    .where('person_id', '=', personId)
    .where('status', 'in', ['submitted', 'approving', 'approved'])
    .executeTakeFirst();
}

export function listApplications(db: Executor, f: { fundId: string; status?: FundApplicationStatus }) {
  let q = db.selectFrom('fund_application').selectAll().where('fund_id', '=', f.fundId);
  if (f.status) q = q.where('status', '=', f.status);
  return q.orderBy('created_at', 'desc').limit(500).execute();
}

/** A decision moves the application from the version the decider read (0 when it moved meanwhile). */
export async function updateApplicationIf(db: Executor, id: string, version: number, patch: Partial<ApplicationRow>): Promise<number> {
  const r = await db.updateTable('fund_application').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Adds a disbursement to what was paid out, only while the application is approved and the total
 * stays within the approved amount (one conditional UPDATE: two payments at once cannot pass it).
 */
export async function addDisbursed(db: Executor, id: string, amount: number, at: string): Promise<number> {
  const r = await db
    .updateTable('fund_application')
    .set({ disbursed_fen: sql<number>`disbursed_fen + ${amount}`, status: sql<FundApplicationStatus>`case when disbursed_fen + ${amount} = approved_fen then 'disbursed' else status end`, updated_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .where(sql<boolean>`disbursed_fen + ${amount} <= approved_fen`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A reversed disbursement is owed again: the application is back to approved. */
export function subtractDisbursed(db: Executor, id: string, amount: number, at: string) {
  return db
    .updateTable('fund_application')
    .set({ disbursed_fen: sql<number>`disbursed_fen - ${amount}`, status: 'approved', updated_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- decisions

export function insertDecision(db: Executor, row: DecisionRow) {
  return db.insertInto('fund_decision').values(row).execute();
}

export function decisionsOf(db: Executor, applicationIds: readonly string[]) {
  if (applicationIds.length === 0) return Promise.resolve([] as DecisionRow[]);
  return db.selectFrom('fund_decision').selectAll().where('application_id', 'in', [...new Set(applicationIds)]).orderBy('at').execute();
}

// ---------------------------------------------------------------- disbursements

export function insertDisbursement(db: Executor, row: DisbursementRow) {
  return db.insertInto('fund_disbursement').values(row).execute();
}

export function getDisbursement(db: Executor, id: string) {
  return db.selectFrom('fund_disbursement').selectAll().where('id', '=', id).executeTakeFirst();
}

export function disbursementsOf(db: Executor, applicationIds: readonly string[]) {
  if (applicationIds.length === 0) return Promise.resolve([] as DisbursementRow[]);
  return db.selectFrom('fund_disbursement').selectAll().where('application_id', 'in', [...new Set(applicationIds)]).orderBy('created_at').execute();
}

export function disbursementsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as DisbursementRow[]);
  return db.selectFrom('fund_disbursement').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export function disbursementsOfFund(db: Executor, fundId: string) {
  return db.selectFrom('fund_disbursement').selectAll().where('fund_id', '=', fundId).orderBy('paid_on', 'desc').orderBy('created_at', 'desc').execute();
}

export async function markDisbursementReversed(db: Executor, id: string, patch: { reason: string; at: string }): Promise<number> {
  const r = await db.updateTable('fund_disbursement').set({ status: 'reversed', reversed_reason: patch.reason, updated_at: patch.at }).where('id', '=', id).where('status', '=', 'recorded').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function setDisbursementReversal(db: Executor, id: string, journalId: string) {
  return db.updateTable('fund_disbursement').set({ reversal_journal_id: journalId }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- the fund's ledger (read only)

export function ledgerAccounts(db: Executor, codes: readonly string[]) {
  if (codes.length === 0) return Promise.resolve([] as { id: string; code: string }[]);
  return db.selectFrom('ledger_account').select(['id', 'code']).where('code', 'in', [...codes]).execute();
}

/**
 * Every journal that touched these accounts, oldest first, with its net amount per account
 * (raw: debit positive). The public page lists these and runs the balance over them.
 */
export function journalsOfAccounts(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([] as { journal_id: string; at: string; memo: string; source_type: string | null; source_id: string | null; reverses_id: string | null; account_id: string; amount: number }[]);
  return db
    .selectFrom('ledger_entry as e')
    .innerJoin('ledger_journal as j', 'j.id', 'e.journal_id')
    .select(['j.id as journal_id', 'j.at', 'j.memo', 'j.source_type', 'j.source_id', 'j.reverses_id', 'e.account_id', sql<number>`sum(e.amount)`.as('amount')])
    .where('e.account_id', 'in', [...accountIds])
    .groupBy(['j.id', 'j.at', 'j.memo', 'j.source_type', 'j.source_id', 'j.reverses_id', 'e.account_id'])
    .orderBy('j.at')
    .orderBy('j.id')
    .execute();
}

// ---------------------------------------------------------------- look-ups

export function getAttachments(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; owner_user_id: string; purpose: string; original_name: string; mime: string }[]);
  return db.selectFrom('attachment').select(['id', 'owner_user_id', 'purpose', 'original_name', 'mime']).where('id', 'in', [...new Set(ids)]).execute();
}
