import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const DemandsPage = lazy(() => import('./DemandsPage.js'));

/** 全响应: every demand of the subtree with its rates. Mirrors src/modules/demands/demands.policy.ts. */
export const demandsModule: ConsoleModule = {
  name: 'demands',
  menu: [{ key: 'demands', path: '/demands', label: 'dm.menu', icon: <Icon name="list" />, order: 39, visible: (me) => hasRole(me, 'community_staff', 'grid_worker', 'dispatcher') }],
  routes: [{ path: '/demands', component: DemandsPage }],
};
