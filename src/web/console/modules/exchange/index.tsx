import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const ExchangePage = lazy(() => import('./ExchangePage.js'));

/**
 * 数据共享交换: each department sees what it may read and what it has read; admins issue, rotate
 * and revoke keys and replay dead deliveries. Mirrors src/modules/exchange/clients.policy.ts.
 */
export const exchangeModule: ConsoleModule = {
  name: 'exchange',
  menu: [{ key: 'exchange', path: '/exchange', label: 'ex.menu', icon: <Icon name="shield" />, order: 80, visible: (me) => hasRole(me, 'system_admin', 'community_staff', 'dispatcher', 'department_officer') }],
  routes: [{ path: '/exchange/:id?', component: ExchangePage }],
};
