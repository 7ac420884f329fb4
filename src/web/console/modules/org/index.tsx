import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole, type Me } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const OrgPage = lazy(() => import('./OrgPage.js'));
const MapPage = lazy(() => import('./MapPage.js'));

/** Mirrors the roles holding org.read in src/platform/policy/roles.ts. */
const canReadOrg = (me: Me) =>
  hasRole(me, 'system_admin', 'security_admin', 'dispatcher', 'community_staff', 'grid_worker', 'department_officer', 'party_secretary');

export const orgModule: ConsoleModule = {
  name: 'org',
  menu: [
    { key: 'org', path: '/org', label: 'org.menu', icon: <Icon name="tree" />, order: 10, visible: canReadOrg },
    { key: 'map', path: '/map', label: 'org.mapMenu', icon: <Icon name="map" />, order: 20, visible: canReadOrg },
  ],
  routes: [
    { path: '/org/:id?', component: OrgPage },
    { path: '/map/:id?', component: MapPage },
  ],
};
