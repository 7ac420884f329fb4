import { registerPermissions } from '../../platform/policy/roles.js';

/** 民意调查: staff build, publish and close surveys of their subtree and read the results; residents answer once. */
export const SURVEY_MANAGE = 'community.survey.manage';
export const SURVEY_RESPOND = 'community.survey.respond';

registerPermissions({
  [SURVEY_MANAGE]: ['community_staff', 'dispatcher', 'party_secretary'],
  [SURVEY_RESPOND]: ['resident', 'volunteer'],
});
