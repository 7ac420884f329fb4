import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 微课. Lectures are advertised to anyone (public pages); residents and volunteers sign up and
 * check in; staff of the lecture's subtree write them, see who signed up (audited) and mark
 * attendance.
 */
/** Sign up, cancel, check in with the room's QR. */
export const LECTURE_ATTEND = 'volunteers.lecture.attend';
/** Staff: write and publish lectures of their subtree, the sign-up list, attendance, the check-in QR. */
export const LECTURE_MANAGE = 'volunteers.lecture.manage';

registerPermissions({
  [LECTURE_ATTEND]: ['resident', 'volunteer'],
  [LECTURE_MANAGE]: ['community_staff', 'dispatcher', 'party_secretary'],
});
