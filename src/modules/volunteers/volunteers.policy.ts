import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 志愿者与队伍. A resident becomes a volunteer by registering (no role grant needed: the record is
 * the data that counts); staff register people at the desk, keep teams and their leaders, and
 * turn supervision teams' observations into grid events.
 */
/** Register oneself, see one's own record, teams, sign-ups, hours and certificates; file observations. */
export const VOLUNTEER_SELF = 'volunteers.self';
/** Staff: the register of their subtree (names and masked numbers: audited reads), teams, observations. */
export const VOLUNTEER_MANAGE = 'volunteers.manage';

registerPermissions({
  [VOLUNTEER_SELF]: ['resident', 'volunteer'],
  [VOLUNTEER_MANAGE]: ['community_staff', 'dispatcher'],
});
