import { defineModule } from '../../platform/module.js';
import { createEvents } from './migrations/2026_11_26_0200_create_events.js';
import './events.table.js';
import './events.policy.js';
import './events.workflow.js';

/**
 * 网格事件: every problem seen in a grid, reported from any channel, dispatched, handled,
 * checked, closed and rated on time (全响应), with patrols, indicators and Open311.
 */
export const eventsModule = defineModule({
  name: 'events',
  migrations: {
    '2026_11_26_0200_create_events': createEvents,
  },
});
