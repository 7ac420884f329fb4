import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';
import './engagement.messages.js';

const PartyPage = lazy(() => import('./PartyPage.js'));
const ScreenPage = lazy(() => import('./ScreenPage.js'));
// Part 2: 党员学习, 网上E支部, 好人好事核实, 党员积分.
const StudyAdminPage = lazy(() => import('./StudyAdminPage.js'));
const BranchAdminPage = lazy(() => import('./BranchAdminPage.js'));
const DeedsAdminPage = lazy(() => import('./DeedsAdminPage.js'));
const PointsAdminPage = lazy(() => import('./PointsAdminPage.js'));

/**
 * 智慧党建 (part 1): the party tree and rolls with imports, relation transfers, 三会一课 with the
 * rotating check-in QR and attendance, and the compliance view. Menu visibility mirrors
 * src/modules/party/party.policy.ts (the server enforces it; a branch secretary on a staff
 * account sees what their posts allow).
 */
export const partyModule: ConsoleModule = {
  name: 'party',
  menu: [{ key: 'party', path: '/party', label: 'pty.menu', icon: <Icon name="tree" />, order: 70, visible: (me) => hasRole(me, 'party_secretary', 'community_staff', 'dispatcher') },
    { key: 'party-study', path: '/party/study', label: 'cpe.menu.study', icon: <Icon name="file" />, order: 71, visible: (me) => hasRole(me, 'party_secretary', 'community_staff', 'dispatcher') },
    { key: 'party-branch', path: '/party/branch', label: 'cpe.menu.branch', icon: <Icon name="team" />, order: 72, visible: (me) => hasRole(me, 'party_secretary', 'community_staff', 'dispatcher') },
    { key: 'party-deeds', path: '/party/deeds', label: 'cpe.menu.deeds', icon: <Icon name="heart" />, order: 73, visible: (me) => hasRole(me, 'party_secretary', 'community_staff') },
    { key: 'party-points', path: '/party/points', label: 'cpe.menu.points', icon: <Icon name="table" />, order: 74, visible: (me) => hasRole(me, 'party_secretary', 'community_staff', 'dispatcher') },
  ],
  routes: [
    { path: '/party/study', component: StudyAdminPage },
    { path: '/party/branch', component: BranchAdminPage },
    { path: '/party/deeds', component: DeedsAdminPage },
    { path: '/party/points', component: PointsAdminPage },
    { path: '/party/screen/:id', component: ScreenPage },
    { path: '/party/:tab?', component: PartyPage },
  ],
};
