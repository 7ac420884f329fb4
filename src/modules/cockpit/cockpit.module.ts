import { defineModule } from '../../platform/module.js';
import { createCockpit } from './migrations/2026_11_26_0800_cockpit.js';
import { cockpitGenerations } from './migrations/2026_11_26_0810_cockpit_generations.js';
import './cockpit.table.js';
import './cockpit.policy.js';
import { registerCockpitRoutes } from './cockpit.routes.js';
import { registerOpenDataRoutes } from './opendata.routes.js';
import { refreshStatistics } from './cockpit.service.js';
import { seedCockpitDemo } from './cockpit.demo.js';

/**
 * 驾驶舱 and 开放数据: statistics of every area precomputed from the other modules' facts functions
 * every 10 minutes (cells, every area's subtree totals, the open datasets' text: cockpit.refresh.ts);
 * the cockpit and the public downloads read only what was precomputed.
 * Registered last: its demo seed computes the cells after every other module has seeded.
 */
export const cockpitModule = defineModule({
  name: 'cockpit',
  migrations: { '2026_11_26_0800_cockpit': createCockpit, '2026_11_26_0810_cockpit_generations': cockpitGenerations },
  routes: (app, ctx) => {
    registerCockpitRoutes(app, ctx);
    registerOpenDataRoutes(app, ctx);
  },
  jobs: [{ kind: 'cockpit.refresh', everySeconds: 600, handler: async (ctx) => void (await refreshStatistics(ctx)) }],
  seedDemo: seedCockpitDemo,
});
