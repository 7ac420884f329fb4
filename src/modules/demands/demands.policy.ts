import { registerPermissions } from '../../platform/policy/roles.js';

/** 全响应: staff read every demand of their subtree and its rates; residents read their own. */
export const DEMANDS_READ = 'demands.read';
export const DEMANDS_MINE = 'demands.mine';

registerPermissions({
  /** The list and the statistics of a subtree (community staff, grid workers, the street's dispatcher). */
  [DEMANDS_READ]: ['community_staff', 'grid_worker', 'dispatcher'],
  /** Everything this account has asked for, across modules. */
  [DEMANDS_MINE]: ['resident', 'volunteer'],
});
