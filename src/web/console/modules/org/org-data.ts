import { api } from '../../../shared/api.js';
import type { Me, OrgNodeWithAncestors, OrgNode, Page } from '../../../shared/types.js';
import type { Crumb } from '../../layout/breadcrumbs.js';

export function fetchNode(id: string, signal?: AbortSignal) {
  return api.get<OrgNodeWithAncestors>(`/api/v1/org/nodes/${encodeURIComponent(id)}`, undefined, signal);
}

export function fetchChildren(query: { parentId?: string; page?: number; pageSize?: number; kind?: string }, signal?: AbortSignal) {
  return api.get<Page<OrgNode>>('/api/v1/org/nodes', query, signal);
}

/**
 * Breadcrumbs from a node's ancestors (root first, the node itself last). Ancestors above the
 * person's own grants are shown but not linked: the server would refuse them.
 */
export function ancestorCrumbs(node: OrgNodeWithAncestors, me: Me | null, base: '/org' | '/map'): Crumb[] {
  const granted = new Set(me?.roles.map((r) => r.orgNodeId) ?? []);
  let reachable = false;
  return node.ancestors.map((a, i) => {
    if (granted.has(a.id)) reachable = true;
    const last = i === node.ancestors.length - 1;
    return { title: a.name, href: reachable && !last ? `${base}/${a.id}` : undefined };
  });
}
