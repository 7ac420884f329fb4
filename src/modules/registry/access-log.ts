import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { insertMany } from './people.repository.js';
import type { PersonAccessTable } from './registry.table.js';

/**
 * Each person's own access log (PIPL right to know): who looked at their data, when, for which
 * department and why. Written beside the audit row of every detail view, unmask, department
 * list read, export and ledger, so the resident can see it without reading the audit log.
 */
export async function recordPersonAccess(
  executor: Executor,
  actor: Actor,
  personIds: string[],
  entry: { kind: PersonAccessTable['kind']; purpose?: string | null; departmentCode?: string | null; at: string },
): Promise<void> {
  const rows: PersonAccessTable[] = [...new Set(personIds)].map((personId) => ({
    id: newId(),
    person_id: personId,
    at: entry.at,
    actor_id: actor.userId,
    actor_name: actor.displayName,
    department_code: entry.departmentCode ?? null,
    kind: entry.kind,
    purpose: entry.purpose ?? null,
  }));
  // A ledger or an export logs every person in it (a community is 13,500 rows): plain multi-row SQL.
  await insertMany(executor, 'person_access', rows);
}
