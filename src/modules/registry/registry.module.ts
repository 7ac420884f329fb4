import { defineModule } from '../../platform/module.js';
import { createRegistry } from './migrations/2026_11_26_0100_create_registry.js';
import { registerRegistryRoutes } from './registry.routes.js';
import './registry.table.js';
import './registry.policy.js';

/**
 * 社区信息管理: people, households and dwellings tied together (人房关联). The demo community's
 * people are seeded by src/demo (the accounts need them), so this manifest has no seedDemo.
 */
export const registryModule = defineModule({
  name: 'registry',
  migrations: { '2026_11_26_0100_create_registry': createRegistry },
  routes: (app, ctx) => registerRegistryRoutes(app, ctx),
});
