import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 积分. Staff keep the points rules of their subtree and award points for verified good deeds
 * there; anyone with an account sees their own points (`volunteers.rewards.redeem`, see
 * rewards.policy.ts). Hours earn points by themselves, at check-out, by the rules.
 */
/** Points rules (as data) and awards for verified good deeds in the caller's subtree. */
export const POINTS_MANAGE = 'volunteers.points.manage';

registerPermissions({
  [POINTS_MANAGE]: ['community_staff', 'dispatcher'],
});
