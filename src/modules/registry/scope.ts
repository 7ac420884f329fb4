import type { PlatformContext } from '../../platform/context.js';
import { parseJson } from '../../platform/db/dialect.js';
import type { Actor } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { PERSON_FIELDS, type FieldAccess, type Mandate, type PersonField } from './registry.policy.js';
import { getDepartmentMandates } from './registry.repository.js';

export const READ = 'registry.person.read';

/** A department officer's reach: a subtree, and inside it only people holding a mandate tag, only mandate fields. */
export interface DepartmentReach {
  departmentCode: string;
  path: string;
  tags: readonly string[];
  fields: ReadonlySet<PersonField>;
}

/**
 * Who an actor may read in the registry, and how much of each person. Staff (community staff,
 * grid workers, dispatchers) read whole records in their subtrees; a department officer reads,
 * across its granted subtree, only the people holding one of its mandate's tags today, and
 * only its mandate's fields (PIPL: minimum necessary). A department reach that lies inside a
 * staff subtree adds nothing and is dropped, so `departments` is what needs a stated purpose.
 */
export interface ReadScope {
  staffPaths: string[];
  departments: DepartmentReach[];
}

function dedupePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of [...paths].sort()) if (!out.some((o) => p.startsWith(o))) out.push(p);
  return out;
}

function dropCovered(departments: DepartmentReach[], staffPaths: string[]): DepartmentReach[] {
  const out: DepartmentReach[] = [];
  // Path order puts a subtree before what lies inside it.
  for (const d of [...departments].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (staffPaths.some((p) => d.path.startsWith(p))) continue;
    // The same department granted on a subtree and again inside it reaches no one new.
    if (out.some((o) => o.departmentCode === d.departmentCode && d.path.startsWith(o.path))) continue;
    out.push(d);
  }
  return out;
}

/** The read scope of an actor, given the mandates of its departments (pure: tested as a table). */
export function readScopeOf(actor: Actor, mandates: ReadonlyMap<string, Mandate>): ReadScope {
  const readers = rolesWith(READ);
  const grants = actor.grants.filter((g) => readers.has(g.role));
  const staffPaths = dedupePaths(grants.filter((g) => g.role !== 'department_officer').map((g) => g.orgPath));
  const departments: DepartmentReach[] = [];
  for (const g of grants) {
    if (g.role !== 'department_officer' || !g.departmentCode) continue;
    const mandate = mandates.get(g.departmentCode);
    // An officer of a department without a mandate reaches no one.
    if (!mandate || mandate.tags.length === 0) continue;
    const fields = new Set(mandate.fields.filter((f): f is PersonField => (PERSON_FIELDS as readonly string[]).includes(f)));
    departments.push({ departmentCode: g.departmentCode, path: g.orgPath, tags: [...mandate.tags], fields });
  }
  return { staffPaths, departments: dropCovered(departments, staffPaths) };
}

/** The read scope of an actor, with its departments' mandates read from `department.mandate`. */
export async function departmentScopeOf(ctx: PlatformContext, actor: Actor): Promise<ReadScope> {
  const codes = [...new Set(actor.grants.filter((g) => g.role === 'department_officer' && g.departmentCode).map((g) => g.departmentCode!))];
  const rows = await getDepartmentMandates(ctx.db.kysely, codes);
  const mandates = new Map(rows.map((r) => [r.code, parseJson<Mandate>(r.mandate, { tags: [], fields: [] })]));
  return readScopeOf(actor, mandates);
}

/** Every path the scope reaches (a broad pre-filter: department rows still need their tag). */
export function scopePathsOf(scope: ReadScope): string[] {
  return dedupePaths([...scope.staffPaths, ...scope.departments.map((d) => d.path)]);
}

export function isEmpty(scope: ReadScope): boolean {
  return scope.staffPaths.length === 0 && scope.departments.length === 0;
}

/** Whether the node with this path lies inside the scope (where a list may be narrowed to). */
export function reaches(scope: ReadScope, nodePath: string): boolean {
  return scopePathsOf(scope).some((p) => nodePath.startsWith(p));
}

/**
 * The scope cut down to the subtree of `nodePath`: reaches above it shrink to it, reaches
 * below it stay, others go. Call `reaches` first: a node outside the scope narrows to nothing.
 */
export function narrowTo(scope: ReadScope, nodePath: string): ReadScope {
  const cut = (path: string) => (nodePath.startsWith(path) ? nodePath : path.startsWith(nodePath) ? path : null);
  const staffPaths = dedupePaths(scope.staffPaths.map(cut).filter((p): p is string => p !== null));
  const departments = scope.departments.flatMap((d) => {
    const path = cut(d.path);
    return path ? [{ ...d, path }] : [];
  });
  return { staffPaths, departments: dropCovered(departments, staffPaths) };
}

/** Reads that may reach people through a department mandate must state a purpose. */
export function needsPurpose(scope: ReadScope): boolean {
  return scope.departments.length > 0;
}

/** How the actor may read one person: which fields, which of its tags, for which departments. */
export interface PersonAccess {
  fields: FieldAccess;
  /** The person's tags the reader may see (all for staff; the mandates' tags for a department). */
  tags: string[];
  /** Departments the person is read for; empty when read as staff. */
  departmentCodes: string[];
}

/** The access to a person on `orgPath` holding `activeTags` today, or null when out of reach. */
export function accessTo(scope: ReadScope, orgPath: string, activeTags: readonly string[]): PersonAccess | null {
  if (scope.staffPaths.some((p) => orgPath.startsWith(p))) return { fields: { all: true }, tags: [...activeTags], departmentCodes: [] };
  const fields = new Set<PersonField>();
  const tags = new Set<string>();
  const codes = new Set<string>();
  for (const d of scope.departments) {
    if (!orgPath.startsWith(d.path)) continue;
    const held = activeTags.filter((t) => d.tags.includes(t));
    if (held.length === 0) continue;
    for (const f of d.fields) fields.add(f);
    for (const t of held) tags.add(t);
    codes.add(d.departmentCode);
  }
  if (codes.size === 0) return null;
  return { fields: { all: false, fields }, tags: [...tags], departmentCodes: [...codes] };
}

/**
 * Fields a list may be searched, filtered or sorted by. Matching on a field one cannot see
 * reveals it (searching 民政's people by phone tells who has that phone), so a scope with
 * departments may use only the fields every one of its mandates names.
 */
export function filterableFields(scope: ReadScope): FieldAccess {
  if (scope.departments.length === 0) return { all: true };
  const [first, ...rest] = scope.departments;
  const fields = new Set([...first!.fields].filter((f) => rest.every((d) => d.fields.has(f))));
  return { all: false, fields };
}

/** Tags a list may be filtered by: any for staff; with departments, only tags every mandate names. */
export function filterableTags(scope: ReadScope): ReadonlySet<string> | 'all' {
  if (scope.departments.length === 0) return 'all';
  const [first, ...rest] = scope.departments;
  return new Set(first!.tags.filter((t) => rest.every((d) => d.tags.includes(t))));
}
