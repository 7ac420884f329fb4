import { registerPermissions } from '../../platform/policy/roles.js';

/** 走访 · 弱势关怀: grid workers and community staff visit; staff keep the plans. */
export const VISIT_RECORD = 'community.visit.record';
export const VISIT_PLAN = 'community.visit.plan';

registerPermissions({
  /** Record visits, read visit records and the due list of a subtree (sensitive: audited). */
  [VISIT_RECORD]: ['grid_worker', 'community_staff'],
  /** Keep visit plans (which tag, how often). */
  [VISIT_PLAN]: ['community_staff'],
});
