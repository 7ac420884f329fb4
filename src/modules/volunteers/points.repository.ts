import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { PointsAwardTable, PointsRuleTable } from './points.table.js';
import './points.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 积分 (rules, awards, monthly caps). Points themselves are ledger rows, written by the platform ledger. */

export type RuleRow = PointsRuleTable;
export type AwardRow = PointsAwardTable;

function inSubtrees<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, paths: readonly string[]): Q {
  if (paths.length === 0) return q.where(sql<boolean>`1 = 0`);
  return q.where((eb: any) => inAnySubtree(eb, column, paths));
}

/** `/a/b/c/` → `/a/`, `/a/b/`, `/a/b/c/`: the paths of a node and every node above it. */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

// ---------------------------------------------------------------- rules

export function insertRule(db: Executor, row: RuleRow) {
  return db.insertInto('points_rule').values(row).execute();
}

export function getRule(db: Executor, id: string) {
  return db.selectFrom('points_rule').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRules(db: Executor, paths: readonly string[], kind?: string) {
  let q = inSubtrees(db.selectFrom('points_rule').selectAll(), 'org_path', paths);
  if (kind) q = q.where('source_kind', '=', kind);
  return q.orderBy('org_path').orderBy('source_kind').orderBy('created_at').execute();
}

/** Active rules of a kind set on the node at `path` or above it, valid on `day` (Beijing); the deepest first. */
export async function matchingRules(db: Executor, kind: string, path: string, day: string) {
  const rows = await db
    .selectFrom('points_rule')
    .selectAll()
    .where('source_kind', '=', kind)
    .where('active', '=', 1)
    .where('org_path', 'in', ancestorPaths(path))
    .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', day)]))
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', day)]))
    .execute();
  return rows.sort((a, b) => b.org_path.length - a.org_path.length || (a.created_at < b.created_at ? 1 : -1));
}

export async function updateRuleIf(db: Executor, id: string, version: number, patch: Partial<RuleRow>): Promise<number> {
  const r = await db.updateTable('points_rule').set({ ...patch, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------------------------------------------------------------- awards

/** Claims a source's revision (ON CONFLICT DO NOTHING): 1 = ours, 0 = already awarded. */
export async function claimAward(db: Executor, row: AwardRow): Promise<number> {
  const r = await db
    .insertInto('points_award')
    .values(row)
    .onConflict((oc) => oc.columns(['source_type', 'source_id', 'revision']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export function setAwardJournal(db: Executor, id: string, journalId: string) {
  return db.updateTable('points_award').set({ journal_id: journalId }).where('id', '=', id).execute();
}

/** An adjustment's outcome, once its journal is posted. */
export function setAwardResult(db: Executor, id: string, points: number, journalId: string | null) {
  return db.updateTable('points_award').set({ points, journal_id: journalId }).where('id', '=', id).execute();
}

export function awardsOfSource(db: Executor, sourceType: string, sourceId: string) {
  return db.selectFrom('points_award').selectAll().where('source_type', '=', sourceType).where('source_id', '=', sourceId).orderBy('revision').execute();
}

export function getAward(db: Executor, id: string) {
  return db.selectFrom('points_award').selectAll().where('id', '=', id).executeTakeFirst();
}

export function awardsOfHolder(db: Executor, holderCode: string, limit = 100) {
  return db
    .selectFrom('points_award as a')
    .innerJoin('points_rule as r', 'r.id', 'a.rule_id')
    .selectAll('a')
    .select(['r.name as rule_name', 'r.source_kind'])
    .where('a.holder_code', '=', holderCode)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
}

export async function listAwards(db: Executor, f: { paths: readonly string[]; kind?: string }, page: { limit: number; offset: number }) {
  let q = inSubtrees(db.selectFrom('points_award as a').innerJoin('points_rule as r', 'r.id', 'a.rule_id'), 'a.org_path', f.paths);
  if (f.kind) q = q.where('r.source_kind', '=', f.kind);
  const [rows, total] = await Promise.all([
    q.selectAll('a').select(['r.name as rule_name', 'r.source_kind']).orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// ---------------------------------------------------------------- monthly caps

/**
 * The points a holder got under a rule in a month, with the counter's row lock held until the
 * caller's COMMIT (PostgreSQL: the UPDATE's row lock; SQLite: the database's write lock), so two
 * awards at once are counted one after the other and the cap holds.
 */
export async function lockMonth(db: Executor, ruleId: string, holderCode: string, month: string): Promise<number> {
  await db.insertInto('points_award_month').values({ rule_id: ruleId, holder_code: holderCode, month, points: 0 }).onConflict((oc) => oc.columns(['rule_id', 'holder_code', 'month']).doNothing()).execute();
  const row = await db
    .updateTable('points_award_month')
    .set({ points: sql<number>`points` })
    .where('rule_id', '=', ruleId)
    .where('holder_code', '=', holderCode)
    .where('month', '=', month)
    .returning('points')
    .executeTakeFirstOrThrow();
  return Number(row.points);
}

export function addMonth(db: Executor, ruleId: string, holderCode: string, month: string, delta: number) {
  return db
    .updateTable('points_award_month')
    .set({ points: sql<number>`points + ${delta}` })
    .where('rule_id', '=', ruleId)
    .where('holder_code', '=', holderCode)
    .where('month', '=', month)
    .execute();
}

// ---------------------------------------------------------------- look-ups

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind', 'ended_at']).where('id', '=', id).executeTakeFirst();
}
