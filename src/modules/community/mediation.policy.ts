import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 纠纷调解. The permissions only open the doors: which case a staff member sees is decided by
 * the case itself (registrar, assigner, current mediators), never by the subtree alone, and a
 * resident sees a case only through a party link to their registry person.
 */
/** Assign (and reassign) mediators, see the committee's counts per status: community staff. */
export const MEDIATION_ASSIGN = 'community.mediation.assign';
/** Register cases and mediate them (be chosen as a mediator): community staff, grid workers. */
export const MEDIATION_HANDLE = 'community.mediation.handle';
/** A party's own view on the mobile pages. */
export const MEDIATION_READ_OWN = 'community.mediation.read-own';

registerPermissions({
  [MEDIATION_ASSIGN]: ['community_staff'],
  [MEDIATION_HANDLE]: ['community_staff', 'grid_worker'],
  [MEDIATION_READ_OWN]: ['resident', 'volunteer'],
});
