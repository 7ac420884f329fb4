import { registerPermissions } from '../../platform/policy/roles.js';

/** 周边商圈: anyone reads the directory; community staff keep it. */
export const MERCHANT_MANAGE = 'services.merchant.manage';

registerPermissions({
  /** Add and edit merchants, their hours and offers in a subtree's directory. */
  [MERCHANT_MANAGE]: ['community_staff'],
});
