import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 数据共享交换. City/community admins register department systems as clients, issue, rotate and
 * revoke their keys and manage subscriptions; department officers see their own department's
 * clients (what they may read, what they have read); staff record residents' consents.
 */
export const EXCHANGE_MANAGE = 'exchange.client.manage';
export const EXCHANGE_READ = 'exchange.client.read';
export const EXCHANGE_CONSENT = 'exchange.consent.manage';

registerPermissions({
  [EXCHANGE_MANAGE]: ['system_admin'],
  /** Officers: only clients of their own departments (checked in the service). */
  [EXCHANGE_READ]: ['system_admin', 'community_staff', 'dispatcher', 'department_officer'],
  [EXCHANGE_CONSENT]: ['community_staff', 'grid_worker'],
});
