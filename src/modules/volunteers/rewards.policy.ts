import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 爱心超市. Staff of a community keep its catalogue and fulfil (核销) or cancel its orders;
 * residents and volunteers see their points, order with them and cancel their own pending orders.
 */
/** The catalogue, the orders to fulfil, fulfilment by code and cancellation, in the caller's subtree. */
export const REWARDS_MANAGE = 'volunteers.rewards.manage';
/** One's own points, the catalogue of one's community, one's orders. */
export const REWARDS_REDEEM = 'volunteers.rewards.redeem';

registerPermissions({
  [REWARDS_MANAGE]: ['community_staff', 'dispatcher'],
  [REWARDS_REDEEM]: ['resident', 'volunteer'],
});
