import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 智慧党建 permissions. Two kinds of authority meet here:
 *
 * - **Role grants on the organisation tree** (as everywhere in Linli): staff and the community
 *   party committee's secretary reach the party organisations attached to nodes in their subtree.
 *   - `party.read`: the tree, the rolls, meetings, transfers and compliance of the subtree
 *     (community staff, party secretary, the street's dispatcher).
 *   - `party.manage`: keep the tree and the rolls (add, edit, import members, posts), plan
 *     meetings, record attendance and minutes (community staff, party secretary).
 *   - `party.committee`: the party committee's decisions: the committee step of a relation
 *     transfer, its letter, receipts, leave approvals and every branch step when acting for a
 *     branch (party secretary only; community staff keep the records but do not decide).
 * - **Posts held in the party organisations** (data, `party_member_post`): a member who is
 *   书记 or 副书记 of an organisation leads it and everything below it — a branch secretary plans
 *   the branch's meetings, shows the check-in code, checks members in, approves leave and takes
 *   the branch step of transfers — through the same routes, on their resident account. A
 *   secretary of another branch leads nothing here.
 * - `party.participate`: the route-level permission of everything a party member or a branch
 *   officer may do (their own view, check-in, leave, transfers, and the duties of their posts);
 *   the service decides record by record. Held by every role a party member may have.
 *
 * A party member is an account whose registry person (`app_user.person_id`) has an active
 * `party_member` row.
 */

export const PARTY_READ = 'party.read';
export const PARTY_MANAGE = 'party.manage';
export const PARTY_COMMITTEE = 'party.committee';
export const PARTY_PARTICIPATE = 'party.participate';

registerPermissions({
  [PARTY_READ]: ['community_staff', 'party_secretary', 'dispatcher'],
  [PARTY_MANAGE]: ['community_staff', 'party_secretary'],
  [PARTY_COMMITTEE]: ['party_secretary'],
  [PARTY_PARTICIPATE]: ['resident', 'volunteer', 'grid_worker', 'community_staff', 'party_secretary', 'dispatcher', 'department_officer'],
});

/** Posts that lead an organisation (and those under it). */
export const LEADING_POSTS = ['书记', '副书记'] as const;

/** A party organisation as the checks need it. */
export interface OrgRef {
  id: string;
  /** Party-tree path `/id/id/`. */
  path: string;
  /** Path of the org node (community) it is attached to. */
  org_path: string;
}

/** What the actor leads by posts: party-tree paths of the organisations where they are 书记/副书记. */
export type Leadership = readonly string[];

export function leads(led: Leadership, org: Pick<OrgRef, 'path'>): boolean {
  return led.some((p) => org.path.startsWith(p));
}

/** Read the organisation (its meetings, transfers, attendance). */
export function canReadOrg(actor: Actor, led: Leadership, org: OrgRef): boolean {
  return canAt(actor, PARTY_READ, org.org_path) || leads(led, org);
}

/** Plan meetings, show the QR, check in by hand, record minutes. */
export function canRunOrg(actor: Actor, led: Leadership, org: OrgRef): boolean {
  return canAt(actor, PARTY_MANAGE, org.org_path) || leads(led, org);
}

/** Decide for the organisation: leave requests, the branch step of a transfer, receipts. */
export function canDecideOrg(actor: Actor, led: Leadership, org: OrgRef): boolean {
  return canAt(actor, PARTY_COMMITTEE, org.org_path) || leads(led, org);
}

/** Keep the tree and the rolls (role grants only: posts do not edit the rolls). */
export function canKeepRolls(actor: Actor, org: Pick<OrgRef, 'org_path'>): boolean {
  return canAt(actor, PARTY_MANAGE, org.org_path);
}

export function readScope(actor: Actor): string[] {
  return scopePaths(actor, PARTY_READ);
}
