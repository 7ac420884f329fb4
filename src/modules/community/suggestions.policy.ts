import { registerPermissions } from '../../platform/policy/roles.js';

/** 意见建议: residents suggest; staff of the area answer in public and may turn one into an event. */
export const SUGGESTION_SUBMIT = 'community.suggestion.submit';
export const SUGGESTION_ANSWER = 'community.suggestion.answer';

registerPermissions({
  [SUGGESTION_SUBMIT]: ['resident', 'volunteer'],
  /** Read the queue of a subtree (with authors' names), answer, hide, promote to an event. */
  [SUGGESTION_ANSWER]: ['community_staff', 'grid_worker', 'dispatcher'],
});
