import { forbidden } from '../errors.js';
import { rolesWith, type Role } from './roles.js';

export interface Grant {
  role: Role;
  orgNodeId: string;
  /** Materialised path of the grant's node: the grant reaches every node whose path starts with it. */
  orgPath: string;
  departmentCode: string | null;
}

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  personId: string | null;
  via: 'session' | 'token';
  sessionId?: string;
  /** The API token's id when `via` is `token` (modules record which client did what). */
  tokenId?: string;
}

export function hasPermission(actor: Actor | null | undefined, permission: string): boolean {
  if (!actor) return false;
  const roles = rolesWith(permission);
  return actor.grants.some((g) => roles.has(g.role));
}

export function hasRole(actor: Actor | null | undefined, role: Role): boolean {
  return !!actor?.grants.some((g) => g.role === role);
}

/**
 * The subtrees where the actor holds a permission, as path prefixes (deduplicated so that a
 * nested grant adds nothing). Repositories filter with `path >= p AND path < p || '\uffff'`.
 */
export function scopePaths(actor: Actor | null | undefined, permission: string): string[] {
  if (!actor) return [];
  const roles = rolesWith(permission);
  const paths = actor.grants.filter((g) => roles.has(g.role)).map((g) => g.orgPath).sort();
  const out: string[] = [];
  for (const p of paths) if (!out.some((o) => p.startsWith(o))) out.push(p);
  return out;
}

/** Whether the actor holds `permission` on the node with this path. */
export function canAt(actor: Actor | null | undefined, permission: string, nodePath: string): boolean {
  return scopePaths(actor, permission).some((p) => nodePath.startsWith(p));
}

export function requireAt(actor: Actor | null | undefined, permission: string, nodePath: string): void {
  if (!canAt(actor, permission, nodePath)) throw forbidden();
}

/** The departments an actor acts for under a permission (department officers). */
export function departmentsOf(actor: Actor | null | undefined, permission: string): string[] {
  if (!actor) return [];
  const roles = rolesWith(permission);
  return [...new Set(actor.grants.filter((g) => roles.has(g.role) && g.departmentCode).map((g) => g.departmentCode!))];
}
