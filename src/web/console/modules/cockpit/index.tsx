import { lazy } from 'react';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const CockpitPage = lazy(() => import('./CockpitPage.js'));

/** A gauge: the menu's line icon for the cockpit (the shared set has none). */
function GaugeIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M4 18a8 8 0 1 1 16 0M12 18l4-6M8 18h8" />
    </svg>
  );
}

/** 数据驾驶舱: figures, charts and the drill-down map. Mirrors `cockpit.view` in src/modules/cockpit. */
export const cockpitModule: ConsoleModule = {
  name: 'cockpit',
  menu: [
    {
      key: 'cockpit',
      path: '/cockpit',
      label: 'ck.menu',
      icon: <GaugeIcon />,
      order: 38,
      visible: (me) => hasRole(me, 'system_admin', 'dispatcher', 'community_staff', 'grid_worker', 'department_officer', 'party_secretary'),
    },
  ],
  routes: [{ path: '/cockpit/:nodeId?', component: CockpitPage }],
};
