import { registerPermissions } from '../../platform/policy/roles.js';

/** 驾驶舱: staff read the statistics of their subtree; the command centre and admins rebuild them. */
export const COCKPIT_VIEW = 'cockpit.view';
export const COCKPIT_REFRESH = 'cockpit.refresh';

registerPermissions({
  [COCKPIT_VIEW]: ['system_admin', 'dispatcher', 'community_staff', 'grid_worker', 'department_officer', 'party_secretary'],
  [COCKPIT_REFRESH]: ['system_admin', 'dispatcher'],
});
