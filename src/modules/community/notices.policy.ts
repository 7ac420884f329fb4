import { registerPermissions } from '../../platform/policy/roles.js';

/** 通知公告: staff publish to residents of their subtree; grid workers follow who has not read. */
export const NOTICE_PUBLISH = 'community.notice.publish';
export const NOTICE_TRACK = 'community.notice.track';
export const NOTICE_READ_OWN = 'community.notice.read-own';

registerPermissions({
  /** Write, publish, pin and withdraw notices of a subtree. */
  [NOTICE_PUBLISH]: ['community_staff', 'dispatcher', 'party_secretary'],
  /** See read receipts, list who has not read (names, masked phones) and record telling them. */
  [NOTICE_TRACK]: ['community_staff', 'grid_worker', 'dispatcher', 'party_secretary'],
  /** Read the notices sent to oneself. */
  [NOTICE_READ_OWN]: ['resident', 'volunteer'],
});
