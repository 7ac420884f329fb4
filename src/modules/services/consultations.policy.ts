import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 咨询. Holding a permission is never enough to read a consultation: its subject and messages
 * are shown only to the asker and to the professional it is assigned to (the service checks).
 */
export const CONSULTATION_ASK_OWN = 'services.consultation.ask-own';
export const CONSULTATION_ANSWER = 'services.consultation.answer';
export const CONSULTATION_ASSIGN = 'services.consultation.assign';
export const CONSULTATION_MANAGE = 'services.consultation.manage';

registerPermissions({
  /** A resident asks a legal or medical question and follows it. */
  [CONSULTATION_ASK_OWN]: ['resident', 'volunteer'],
  /** Answer the consultations assigned to you (a lawyer's or doctor's provider account, or staff). */
  [CONSULTATION_ANSWER]: ['provider', 'community_staff', 'department_officer'],
  /** Assign a consultation of the subtree to a professional; sees when and what kind, never the content. */
  [CONSULTATION_ASSIGN]: ['community_staff'],
  /** Register professionals (律师, 医生 …) who answer in a subtree. */
  [CONSULTATION_MANAGE]: ['community_staff'],
});
