import { registerPermissions } from '../../platform/policy/roles.js';

/** 居务/财务/党务公开: staff (and the party secretary for 党务) publish; anyone reads; residents ask. */
export const DISCLOSURE_MANAGE = 'community.disclosure.manage';
export const DISCLOSURE_ASK = 'community.disclosure.ask';

registerPermissions({
  /** Write, scan, publish and withdraw items; keep the disclosure calendar; answer questions. */
  [DISCLOSURE_MANAGE]: ['community_staff', 'party_secretary', 'dispatcher'],
  [DISCLOSURE_ASK]: ['resident', 'volunteer'],
});
