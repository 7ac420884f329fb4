import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 好人好事银行 (good-deeds bank), and how the other part-2 party features are authorised.
 *
 * - `party.deeds.record`: anyone logged in records a good deed (their own, a neighbour's by name)
 *   and follows what they recorded.
 * - `party.deeds.verify`: community staff (and the community party secretary) verify or reject
 *   the deeds of their subtree, link the doer to a registry person, choose how names appear on
 *   the public honour roll. Verifying deposits the points.
 * - The honour roll is public (no login): names as the community decides, never a number.
 *
 * Study (学习), the online branch (网上E支部) and member points (党员积分) add no permission of
 * their own: their routes are `party.participate` (party.policy.ts) and the services decide
 * record by record with `canReadOrg` / `canRunOrg` / `canDecideOrg` — staff through their grants
 * (`party.read`, `party.manage`, `party.committee`), secretaries through their posts, members
 * through their own membership.
 */
export const DEEDS_RECORD = 'party.deeds.record';
export const DEEDS_VERIFY = 'party.deeds.verify';

registerPermissions({
  [DEEDS_RECORD]: ['resident', 'volunteer', 'grid_worker', 'community_staff', 'party_secretary', 'dispatcher', 'department_officer', 'provider'],
  [DEEDS_VERIFY]: ['community_staff', 'party_secretary'],
});
