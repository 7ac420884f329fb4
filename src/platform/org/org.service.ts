import type { PlatformContext } from '../context.js';
import { appendAudit } from '../audit/audit.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { canAt, scopePaths } from '../policy/actor.js';
import type { OrgNodeKind } from '../platform.table.js';
import * as repo from './org.repository.js';
import type { RequestMeta } from '../auth/auth.service.js';
import { assertGridCode } from '../cn/grid-code.js';

export const CHILD_KIND: Record<OrgNodeKind, OrgNodeKind | null> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'building',
  building: 'unit',
  unit: 'dwelling',
  dwelling: null,
};

/** Builds the row for a new node under `parent` (id generated here so the path can hold it). */
export function newNodeRow(parent: { id: string; path: string; depth: number } | null, kind: OrgNodeKind, name: string, extra: { code?: string | null; geometry?: string | null; sort?: number; id?: string; at?: string } = {}) {
  const id = extra.id ?? newId();
  const at = extra.at ?? new Date().toISOString();
  return {
    id,
    parent_id: parent?.id ?? null,
    kind,
    name,
    code: extra.code ?? null,
    path: `${parent?.path ?? '/'}${id}/`,
    depth: (parent?.depth ?? -1) + 1,
    sort: extra.sort ?? 0,
    geometry: extra.geometry ?? null,
    created_at: at,
    updated_at: at,
    ended_at: null,
  };
}

export function presentNode(n: repo.OrgNode) {
  return {
    id: n.id,
    parentId: n.parent_id,
    kind: n.kind,
    name: n.name,
    code: n.code,
    depth: n.depth,
    geometry: n.geometry ? (JSON.parse(n.geometry) as unknown) : null,
  };
}

/** The roots an actor may browse: the nodes of its grants for the permission. */
export async function visibleRoots(ctx: PlatformContext, actor: Actor, permission: string) {
  const paths = scopePaths(actor, permission);
  const ids = paths.map((p) => p.split('/').filter(Boolean).pop()!);
  return repo.getNodesByIds(ctx.db.kysely, ids);
}

export async function getNodeFor(ctx: PlatformContext, actor: Actor, id: string, permission = 'org.read') {
  const node = await repo.getNode(ctx.db.kysely, id);
  if (!node) throw notFound();
  if (!canAt(actor, permission, node.path)) throw forbidden();
  return node;
}

export async function listChildrenFor(ctx: PlatformContext, actor: Actor, parentId: string | undefined, page: { limit: number; offset: number; kind?: OrgNodeKind }) {
  if (!parentId) {
    const roots = await visibleRoots(ctx, actor, 'org.read');
    return { items: roots, total: roots.length };
  }
  await getNodeFor(ctx, actor, parentId);
  const [items, total] = await Promise.all([
    repo.listChildren(ctx.db.kysely, parentId, page),
    repo.countChildren(ctx.db.kysely, parentId, page.kind),
  ]);
  return { items, total };
}

const orgChangeListeners = new Set<(db: PlatformContext['db']) => void>();

/** Called after a node is created or changed here (caches of names and polygons drop their copy). */
export function onOrgChange(listener: (db: PlatformContext['db']) => void): void {
  orgChangeListeners.add(listener);
}

export async function createNode(
  ctx: PlatformContext,
  actor: Actor,
  input: { parentId: string; name: string; code?: string; geometry?: unknown; sort?: number },
  meta: RequestMeta,
) {
  const parent = await getNodeFor(ctx, actor, input.parentId, 'org.manage');
  const kind = CHILD_KIND[parent.kind];
  if (!kind) throw badRequest('BAD_REQUEST', {}, { reason: 'a dwelling has no children' });
  // A grid's code must follow CJ/T 349 and carry its community's 12-digit code.
  if (kind === 'grid' && input.code) assertGridCode(input.code, { communityCode: parent.code });
  const row = newNodeRow(parent, kind, input.name, {
    code: input.code,
    geometry: input.geometry ? JSON.stringify(input.geometry) : null,
    sort: input.sort,
    at: ctx.now().toISOString(),
  });
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.insertNodes(trx, [row]);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'org.node.create', targetType: 'org_node', targetId: row.id, orgNodeId: row.id, ip: meta.ip, requestId: meta.requestId, details: { name: row.name, kind } }, trx);
  });
  for (const listener of orgChangeListeners) listener(ctx.db);
  return row;
}

export async function updateNodeFor(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: { name?: string; code?: string | null; geometry?: unknown; sort?: number },
  meta: RequestMeta,
) {
  const node = await getNodeFor(ctx, actor, id, 'org.manage');
  if (node.kind === 'grid' && input.code) {
    const parent = node.parent_id ? await repo.getNode(ctx.db.kysely, node.parent_id) : undefined;
    assertGridCode(input.code, { communityCode: parent?.code });
  }
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.code !== undefined ? { code: input.code } : {}),
    ...(input.geometry !== undefined ? { geometry: input.geometry === null ? null : JSON.stringify(input.geometry) } : {}),
    ...(input.sort !== undefined ? { sort: input.sort } : {}),
    updated_at: ctx.now().toISOString(),
  };
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.updateNode(trx, id, patch);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'org.node.update', targetType: 'org_node', targetId: id, orgNodeId: id, ip: meta.ip, requestId: meta.requestId, details: { before: { name: node.name, code: node.code }, after: { name: input.name, code: input.code } } }, trx);
  });
  for (const listener of orgChangeListeners) listener(ctx.db);
  return { ...node, ...patch };
}

/** GeoJSON of the children of a node that carry geometry (grids of a community, buildings of a grid). */
export async function childrenGeoJson(ctx: PlatformContext, actor: Actor, parentId: string) {
  const parent = await getNodeFor(ctx, actor, parentId);
  const children = await repo.listChildren(ctx.db.kysely, parentId, { limit: 2000, offset: 0 });
  return {
    type: 'FeatureCollection' as const,
    parent: presentNode(parent),
    features: children
      .filter((c) => c.geometry)
      .map((c) => ({ type: 'Feature' as const, id: c.id, properties: { id: c.id, name: c.name, kind: c.kind, code: c.code }, geometry: JSON.parse(c.geometry!) as unknown })),
  };
}
