import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const ExchangePage = lazy(() => import('./ExchangePage.js'));
const ConsentsPage = lazy(() => import('./ConsentsPanel.js'));

/**
 * 数据共享交换: each department sees what it may read and what it has read; admins issue, rotate
 * and revoke keys, manage subscriptions and replay dead deliveries; community staff and grid workers
 * record residents' consents (授权同意). Mirrors src/modules/exchange/clients.policy.ts.
 */
export const exchangeModule: ConsoleModule = {
  name: 'exchange',
  menu: [
    { key: 'exchange', path: '/exchange', label: 'ex.menu', icon: <Icon name="shield" />, order: 80, visible: (me) => hasRole(me, 'system_admin', 'community_staff', 'dispatcher', 'department_officer') },
    { key: 'exchange-consents', path: '/exchange-consents', label: 'ex.consent.menu', icon: <Icon name="edit" />, order: 81, visible: (me) => hasRole(me, 'community_staff', 'grid_worker') },
  ],
  routes: [
    { path: '/exchange/:id?', component: ExchangePage },
    { path: '/exchange-consents', component: ConsentsPage },
  ],
};
