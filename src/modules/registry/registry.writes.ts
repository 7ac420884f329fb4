import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { Executor } from '../../platform/db/database.js';
import type { Actor } from '../../platform/policy/actor.js';
import * as repo from './people.repository.js';
import { afterPeopleWrite, audit, nodeIdOf, recordChanges } from './people.write.js';

/*
 * What other modules may write into the registry: facts another system of record owns, entered
 * once there and carried here (一次录入，多平台共享). Each write runs inside the caller's
 * transaction, keeps the field's history (who, when, old, new, which module) and is audited; the
 * search index and derived tags follow as for any registry write. The caller has already
 * authorised the act in its own module (the branch secretary keeps the rolls), so the registry
 * does not ask for its own write right here.
 */

/** 政治面貌 as the party rolls know it: a full or probationary member, or no longer a member. */
export type PartyPoliticalStatus = '中共党员' | '中共预备党员' | '群众';

/**
 * Sets a person's 政治面貌 from the party rolls. Writes nothing when the record already says
 * so, or when the record has ended (a closed record is not changed by anyone). Returns whether
 * it wrote.
 */
export async function setPoliticalStatusFromParty(
  ctx: PlatformContext,
  trx: Executor,
  actor: Actor,
  personId: string,
  status: PartyPoliticalStatus,
  opts: { reason: string; meta: RequestMeta },
): Promise<boolean> {
  const person = await repo.getPersonForUpdate(ctx.db, trx, personId);
  if (!person || person.status !== 'active' || person.political_status === status) return false;
  const at = ctx.now().toISOString();
  await repo.updatePerson(trx, personId, { political_status: status, updated_at: at });
  await recordChanges(trx, actor, personId, [{ field: 'politicalStatus', oldValue: person.political_status, newValue: status }], { source: 'party', reason: opts.reason, at });
  await audit(ctx, trx, actor, 'registry.person.update', opts.meta, {
    targetId: personId,
    orgNodeId: nodeIdOf(person.org_path),
    details: { fields: ['politicalStatus'], source: 'party', reason: opts.reason },
  });
  await afterPeopleWrite(ctx, trx, [personId]);
  return true;
}
