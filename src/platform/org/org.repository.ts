import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.js';
import { prefixEnd } from '../db/dialect.js';
import type { OrgNodeKind, OrgNodeTable } from '../platform.table.js';

export const KIND_ORDER: OrgNodeKind[] = ['city', 'district', 'street', 'community', 'grid', 'building', 'unit', 'dwelling'];

export type OrgNode = OrgNodeTable;

/** Only repositories touch SQL. A subtree is a path-prefix range: one index range scan at any size. */
export function whereInSubtree<T extends { where: (...args: any[]) => T }>(query: T, column: string, path: string): T {
  return query.where(column as never, '>=', path as never).where(column as never, '<', prefixEnd(path) as never);
}

/** `column` lies in any of the subtrees (none: nothing matches); for `where((eb) => …)` and joins. */
export function inAnySubtree(eb: ExpressionBuilder<any, any>, column: string, paths: readonly string[]): Expression<SqlBool> {
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return eb.or(paths.map((p) => eb.and([eb(eb.ref(column), '>=', p), eb(eb.ref(column), '<', prefixEnd(p))])));
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getNodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as OrgNode[]);
  return db.selectFrom('org_node').selectAll().where('id', 'in', ids).execute();
}

/** Ancestors of a path, root first (the path holds their ids). */
export function getAncestors(db: Executor, path: string) {
  const ids = path.split('/').filter(Boolean);
  return getNodesByIds(db, ids).then((rows) => ids.map((id) => rows.find((r) => r.id === id)!).filter(Boolean));
}

export function listChildren(db: Executor, parentId: string | null, opts: { limit: number; offset: number; kind?: OrgNodeKind }) {
  let q = db.selectFrom('org_node').selectAll();
  q = parentId ? q.where('parent_id', '=', parentId) : q.where('parent_id', 'is', null);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  return q.where('ended_at', 'is', null).orderBy('sort').orderBy('name').limit(opts.limit).offset(opts.offset).execute();
}

export async function countChildren(db: Executor, parentId: string | null, kind?: OrgNodeKind) {
  let q = db.selectFrom('org_node').select(sql<number>`count(*)`.as('n'));
  q = parentId ? q.where('parent_id', '=', parentId) : q.where('parent_id', 'is', null);
  if (kind) q = q.where('kind', '=', kind);
  const r = await q.where('ended_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Count of nodes of a kind under a path: uses the (kind, path) index. */
export async function countInSubtree(db: Executor, path: string, kind: OrgNodeKind) {
  const r = await db
    .selectFrom('org_node')
    .select(sql<number>`count(*)`.as('n'))
    .where('kind', '=', kind)
    .where('path', '>=', path)
    .where('path', '<', prefixEnd(path))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listInSubtree(db: Executor, path: string, kind: OrgNodeKind, opts: { limit: number; offset: number }) {
  return db
    .selectFrom('org_node')
    .selectAll()
    .where('kind', '=', kind)
    .where('path', '>=', path)
    .where('path', '<', prefixEnd(path))
    .orderBy('path')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
}

export async function insertNodes(db: Executor, rows: OrgNode[], chunk = 500) {
  for (let i = 0; i < rows.length; i += chunk) {
    await db.insertInto('org_node').values(rows.slice(i, i + chunk)).execute();
  }
}

export function updateNode(db: Executor, id: string, patch: Partial<Pick<OrgNode, 'name' | 'code' | 'geometry' | 'sort' | 'ended_at'>> & { updated_at: string }) {
  return db.updateTable('org_node').set(patch).where('id', '=', id).execute();
}
