import { registerPermissions } from '../../platform/policy/roles.js';
import { canAt, type Actor } from '../../platform/policy/actor.js';
import { VOLUNTEER_MANAGE } from './volunteers.policy.js';

/**
 * 志愿服务网店. Staff publish opportunities in their subtree. A team leader is a volunteer whose
 * `volunteer_team_member.role` is `leader`: the route lets any volunteer through
 * (`OPPORTUNITY_LEAD`), and the service asks `mayLead` with the opportunity and what the data
 * says the caller leads.
 */
/** Create, edit, publish and cancel opportunities of their subtree. */
export const OPPORTUNITY_MANAGE = 'volunteers.opportunity.manage';
/** Leader work on an opportunity: sign-ups (approve, decline, sign up for someone), the check-in QR, leader check-in and check-out, corrections. */
export const OPPORTUNITY_LEAD = 'volunteers.opportunity.lead';

registerPermissions({
  [OPPORTUNITY_MANAGE]: ['community_staff', 'dispatcher'],
  [OPPORTUNITY_LEAD]: ['community_staff', 'dispatcher', 'volunteer', 'resident'],
});

/** Staff of the opportunity's subtree, or a leader of its organising team. */
export function mayLead(actor: Actor, opportunity: { org_path: string; team_id: string | null }, ledTeamIds: ReadonlySet<string>): boolean {
  if (canAt(actor, VOLUNTEER_MANAGE, opportunity.org_path)) return true;
  return !!opportunity.team_id && ledTeamIds.has(opportunity.team_id);
}
