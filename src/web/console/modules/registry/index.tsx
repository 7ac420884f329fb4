import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole, type Me, type Role } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const PeoplePage = lazy(() => import('./PeoplePage.js'));
const HouseholdsPage = lazy(() => import('./HouseholdsPage.js'));
const DwellingsPage = lazy(() => import('./DwellingsPage.js'));
const OrganisationsPage = lazy(() => import('./OrganisationsPage.js'));
const CorrectionsPage = lazy(() => import('./CorrectionsPage.js'));
const TagsPage = lazy(() => import('./TagsPage.js'));
const LedgersPage = lazy(() => import('./LedgersPage.js'));
const ImportsPage = lazy(() => import('./ImportsPage.js'));

/** Menu visibility mirrors the permissions registered in src/modules/registry/*.policy.ts and imports.service.ts; the server enforces them. */
const can =
  (...roles: Role[]) =>
  (me: Me) =>
    hasRole(me, ...roles);

export const registryModule: ConsoleModule = {
  name: 'registry',
  menu: [
    { key: 'people', path: '/people', label: 'reg.menu.people', icon: <Icon name="team" />, order: 30, visible: can('community_staff', 'grid_worker', 'department_officer', 'dispatcher') },
    { key: 'households', path: '/households', label: 'reg.menu.households', icon: <Icon name="home" />, order: 31, visible: can('community_staff', 'grid_worker', 'dispatcher') },
    { key: 'dwellings', path: '/dwellings', label: 'reg.menu.dwellings', icon: <Icon name="building" />, order: 32, visible: can('community_staff', 'grid_worker', 'dispatcher') },
    { key: 'organisations', path: '/organisations', label: 'reg.menu.organisations', icon: <Icon name="shop" />, order: 33, visible: can('community_staff', 'grid_worker', 'dispatcher') },
    { key: 'corrections', path: '/corrections', label: 'reg.menu.corrections', icon: <Icon name="edit" />, order: 34, visible: can('community_staff', 'grid_worker') },
    { key: 'tags', path: '/tags', label: 'reg.menu.tags', icon: <Icon name="tag" />, order: 35, visible: can('community_staff', 'grid_worker', 'department_officer', 'dispatcher', 'system_admin') },
    { key: 'ledgers', path: '/ledgers', label: 'reg.menu.ledgers', icon: <Icon name="table" />, order: 36, visible: can('community_staff', 'grid_worker', 'dispatcher', 'department_officer') },
    { key: 'imports', path: '/imports', label: 'reg.menu.imports', icon: <Icon name="upload" />, order: 37, visible: can('community_staff', 'grid_worker') },
  ],
  routes: [
    { path: '/people', component: PeoplePage },
    { path: '/households', component: HouseholdsPage },
    { path: '/dwellings', component: DwellingsPage },
    { path: '/organisations', component: OrganisationsPage },
    { path: '/corrections', component: CorrectionsPage },
    { path: '/tags', component: TagsPage },
    { path: '/ledgers/:id?', component: LedgersPage },
    { path: '/imports/:id?', component: ImportsPage },
  ],
};
