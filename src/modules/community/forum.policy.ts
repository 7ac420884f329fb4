import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 兴趣社区: residents, volunteers and staff read, join, post, comment, like and report in the
 * groups of their community; moderators review, hide and see who is behind a nickname within
 * their subtree; the sensitive-word list is kept by community staff (the platform-wide default
 * list by the system admin, whose grant is at the top of the tree).
 */
export const FORUM_POST = 'community.forum.post';
export const FORUM_MODERATE = 'community.forum.moderate';
export const FORUM_WORDS = 'community.forum.words';

registerPermissions({
  [FORUM_POST]: ['resident', 'volunteer', 'community_staff', 'grid_worker', 'party_secretary'],
  /** Review queue, reports, hide, real identity behind a nickname (audited), groups of a community. */
  [FORUM_MODERATE]: ['community_staff', 'grid_worker'],
  /** The sensitive-word list of a subtree. */
  [FORUM_WORDS]: ['community_staff', 'system_admin'],
});
