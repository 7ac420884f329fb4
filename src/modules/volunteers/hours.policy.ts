import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 志愿服务时长与证明. Check-in and check-out by QR go with `volunteers.self`; leaders check people
 * in and out and correct records under `volunteers.opportunity.lead` (see shop.policy.ts). Staff
 * issue certificates (志愿服务证明) and read any record of their subtree.
 */
export const CERTIFICATE_ISSUE = 'volunteers.certificate.issue';

registerPermissions({
  [CERTIFICATE_ISSUE]: ['community_staff', 'dispatcher'],
});
