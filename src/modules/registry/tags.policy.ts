import type { Actor } from '../../platform/policy/actor.js';
import { registerPermissions, rolesWith } from '../../platform/policy/roles.js';
import { parseJson } from '../../platform/db/dialect.js';
import type { Mandate } from './registry.policy.js';

export const TAG_READ = 'registry.tag.read';
export const TAG_MANAGE = 'registry.tag.manage';
export const TAG_DEFINE = 'registry.tag.define';
const PERSON_READ = 'registry.person.read';

registerPermissions({
  /** The tag definitions and how many people of one's subtree hold each. */
  [TAG_READ]: ['community_staff', 'grid_worker', 'department_officer', 'dispatcher', 'system_admin'],
  /** Give and end a person's tags; a department officer only department-granted tags of its own department's mandate. */
  [TAG_MANAGE]: ['community_staff', 'grid_worker', 'department_officer'],
  /** Define a new tag (definitions are shared by the whole deployment). */
  [TAG_DEFINE]: ['community_staff', 'system_admin'],
});

/**
 * Who may do what to the tags of a person on `path`:
 * - `staff`: a grant other than department officer reaches the node (typed tags);
 * - `departments`: departments whose officer grant reaches it (their own department tags).
 */
export function tagRightsAt(actor: Actor, permission: string, path: string): { staff: boolean; departments: string[] } {
  const roles = rolesWith(permission);
  const reaching = actor.grants.filter((g) => roles.has(g.role) && path.startsWith(g.orgPath));
  return {
    staff: reaching.some((g) => g.role !== 'department_officer'),
    departments: [...new Set(reaching.filter((g) => g.role === 'department_officer' && g.departmentCode).map((g) => g.departmentCode!))],
  };
}

/** Reading a person's tags follows reading the person (registry.person.read). */
export function tagReadRightsAt(actor: Actor, path: string) {
  return tagRightsAt(actor, PERSON_READ, path);
}

export function parseMandate(text: string | null | undefined): Mandate {
  const m = parseJson<Partial<Mandate>>(text, {});
  return { tags: Array.isArray(m.tags) ? m.tags : [], fields: Array.isArray(m.fields) ? m.fields : [] };
}

/** True when every grant of the actor holding `permission` is a department officer's. */
export function onlyDepartment(actor: Actor, permission: string): boolean {
  const roles = rolesWith(permission);
  const grants = actor.grants.filter((g) => roles.has(g.role));
  return grants.length > 0 && grants.every((g) => g.role === 'department_officer');
}
