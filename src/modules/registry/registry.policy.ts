import type { Actor } from '../../platform/policy/actor.js';
import { canAt } from '../../platform/policy/actor.js';
import { registerPermissions, rolesWith } from '../../platform/policy/roles.js';

registerPermissions({
  'registry.person.read': ['community_staff', 'grid_worker', 'department_officer', 'dispatcher'],
  'registry.person.write': ['community_staff', 'grid_worker'],
  'registry.organisation.read': ['community_staff', 'grid_worker', 'dispatcher'],
  'registry.organisation.write': ['community_staff', 'grid_worker'],
  /** Residents' correction requests are tasks for the grid (and the community office). */
  'registry.correction.handle': ['community_staff', 'grid_worker'],
});

/** Fields of a person a department's mandate can name (department.mandate.fields). */
export const PERSON_FIELDS = ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** Everything, or only the listed mandate fields (plus the id, always). */
export type FieldAccess = { all: true } | { all: false; fields: ReadonlySet<PersonField> };

export interface Mandate {
  tags: string[];
  fields: string[];
}

/**
 * Which fields of a person on `path` the actor may read. Staff of the community, the grid or
 * the street (any reading role but department officer) see the whole record; a department
 * officer sees only the fields of its department's legal mandate (PIPL: minimum necessary).
 * When several grants reach the node, the widest wins.
 *
 * Until special-group tags exist, department officers see every person of their subtree
 * (with mandate fields only); the tags of their mandate will narrow the rows later.
 */
export function fieldAccess(actor: Actor, path: string, mandates: ReadonlyMap<string, Mandate>): FieldAccess | null {
  const readers = rolesWith('registry.person.read');
  const reaching = actor.grants.filter((g) => readers.has(g.role) && path.startsWith(g.orgPath));
  if (reaching.length === 0) return null;
  if (reaching.some((g) => g.role !== 'department_officer')) return { all: true };
  const fields = new Set<PersonField>();
  for (const g of reaching) {
    const mandate = g.departmentCode ? mandates.get(g.departmentCode) : undefined;
    for (const f of mandate?.fields ?? []) if ((PERSON_FIELDS as readonly string[]).includes(f)) fields.add(f as PersonField);
  }
  return { all: false, fields };
}

export function canSee(access: FieldAccess, field: PersonField): boolean {
  return access.all || access.fields.has(field);
}

/** Unmasking needs `pii.unmask` on the person's node and a stated purpose (checked by the caller). */
export function canUnmask(actor: Actor, path: string): boolean {
  return canAt(actor, 'pii.unmask', path);
}

/** Department codes whose mandates matter for this actor's reads. */
export function mandateDepartments(actor: Actor): string[] {
  return [...new Set(actor.grants.filter((g) => g.role === 'department_officer' && g.departmentCode).map((g) => g.departmentCode!))];
}
