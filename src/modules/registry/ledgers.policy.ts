import type { Actor } from '../../platform/policy/actor.js';
import { registerPermissions, rolesWith } from '../../platform/policy/roles.js';

export const LEDGER_READ = 'registry.ledger.read';
export const LEDGER_MANAGE = 'registry.ledger.manage';

registerPermissions({
  /** See ledger definitions and generate them (department officers: their department's only). */
  [LEDGER_READ]: ['community_staff', 'grid_worker', 'dispatcher', 'department_officer'],
  /** Define and change ledgers (definitions are shared by the whole deployment). */
  [LEDGER_MANAGE]: ['community_staff'],
});

/**
 * How far an actor's ledger reading reaches: `staff` subtrees read whole records; a
 * department's officer reads, within its grant, only its own department's ledgers, only
 * people holding its mandate's tags and only its mandate's fields.
 */
export type LedgerReach =
  | { mode: 'staff'; paths: string[] }
  | { mode: 'department'; paths: string[]; departmentCode: string };

function dedupe(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of [...paths].sort()) if (!out.some((o) => p.startsWith(o))) out.push(p);
  return out;
}

function grantsOf(actor: Actor) {
  const roles = rolesWith(LEDGER_READ);
  const grants = actor.grants.filter((g) => roles.has(g.role));
  return {
    staff: grants.filter((g) => g.role !== 'department_officer'),
    officer: grants.filter((g) => g.role === 'department_officer' && g.departmentCode),
  };
}

/** Ledgers of every department (staff), or only of these departments (officers only). */
export function visibleDepartments(actor: Actor): { all: true } | { all: false; departments: string[] } {
  const { staff, officer } = grantsOf(actor);
  if (staff.length) return { all: true };
  return { all: false, departments: [...new Set(officer.map((g) => g.departmentCode!))] };
}

/** The reach for generating one ledger, at `nodePath` if given, else over every grant; null: none. */
export function ledgerReach(actor: Actor, ledgerDepartment: string | null, nodePath: string | null): LedgerReach | null {
  const { staff, officer } = grantsOf(actor);
  const mine = officer.filter((g) => ledgerDepartment !== null && g.departmentCode === ledgerDepartment);
  if (nodePath) {
    if (staff.some((g) => nodePath.startsWith(g.orgPath))) return { mode: 'staff', paths: [nodePath] };
    if (mine.some((g) => nodePath.startsWith(g.orgPath))) return { mode: 'department', paths: [nodePath], departmentCode: ledgerDepartment! };
    return null;
  }
  if (staff.length) return { mode: 'staff', paths: dedupe(staff.map((g) => g.orgPath)) };
  if (mine.length) return { mode: 'department', paths: dedupe(mine.map((g) => g.orgPath)), departmentCode: ledgerDepartment! };
  return null;
}
