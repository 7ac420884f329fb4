import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 时间银行. Residents with a registry record join, post offers and needs, take and book them, and
 * settle in hours; the service checks that the caller is a member and that the post is in their
 * community. Community staff (and the street above them) see the overview of their subtree,
 * read exchanges with the parties' names (audited) and decide disputes.
 */
/** Join, post, take, book, confirm, dispute: a member's own work. */
export const TIMEBANK_USE = 'volunteers.timebank.use';
/** Staff: overview, exchanges of their subtree, deciding disputes, closing improper posts. */
export const TIMEBANK_MANAGE = 'volunteers.timebank.manage';

registerPermissions({
  [TIMEBANK_USE]: ['resident', 'volunteer'],
  [TIMEBANK_MANAGE]: ['community_staff', 'dispatcher'],
});
