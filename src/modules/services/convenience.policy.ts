import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 便民服务: residents order from approved providers; a provider account works only its own
 * provider's offerings, orders and complaints; community staff approve providers, keep the
 * 政府购买服务 rules and see every order of their subtree. The record-level checks (own order,
 * own provider, subtree) are in `convenience.service.ts`.
 */
export const CONVENIENCE_ORDER_OWN = 'services.convenience.order-own';
export const CONVENIENCE_PROVIDE = 'services.convenience.provide';
export const CONVENIENCE_MANAGE = 'services.convenience.manage';
export const CONVENIENCE_LEDGER_READ = 'services.convenience.ledger-read';

registerPermissions({
  /** Quote, order, cancel, confirm and rate, complain: on one's own orders only. */
  [CONVENIENCE_ORDER_OWN]: ['resident', 'volunteer'],
  /** Apply to register one's provider, keep its offerings, accept and serve its orders, reply to complaints. */
  [CONVENIENCE_PROVIDE]: ['provider'],
  /** Approve / reject / suspend providers, hide offerings, all orders of the subtree, rules, complaints. */
  [CONVENIENCE_MANAGE]: ['community_staff'],
  /** The 政府购买服务 台账: used free hours per rule, provider and month (counts and sums, no names). */
  [CONVENIENCE_LEDGER_READ]: ['community_staff', 'dispatcher', 'department_officer'],
});
