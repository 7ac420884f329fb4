import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 互助基金. Community staff keep the fund's books (donations, disbursements, reversals); the
 * committee — community staff and the party secretary — reads applications (an audited read:
 * hardship is sensitive) and decides on them, two approvals by two different people; residents
 * apply for themselves. The public page needs no login.
 */
/** Open the fund, record donations and disbursements, reverse a mistaken entry. */
export const FUND_MANAGE = 'volunteers.fund.manage';
/** Read applications and decide on them (approve with an amount, or reject with a reason). */
export const FUND_DECIDE = 'volunteers.fund.decide';
/** Read the fund's books and applications (either of the two above; the service checks which on the fund's node). */
export const FUND_READ = 'volunteers.fund.read';
/** Apply for help for oneself, see and withdraw one's own applications. */
export const FUND_APPLY = 'volunteers.fund.apply';

registerPermissions({
  [FUND_MANAGE]: ['community_staff', 'dispatcher'],
  [FUND_DECIDE]: ['community_staff', 'party_secretary'],
  [FUND_READ]: ['community_staff', 'dispatcher', 'party_secretary'],
  [FUND_APPLY]: ['resident', 'volunteer'],
});
