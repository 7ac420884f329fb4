import { defineModule } from '../../platform/module.js';
import { createRegistry } from './migrations/2026_11_26_0100_create_registry.js';
import { extendRegistry } from './migrations/2026_11_26_0101_extend_registry.js';
import { createPersonTags } from './migrations/2026_11_26_0102_create_person_tags.js';
import { registerRegistryRoutes } from './registry.routes.js';
import './registry.table.js';
import './tags.table.js';
import './registry.policy.js';

/**
 * 社区信息管理: people, households and dwellings tied together (人房关联). The demo community's
 * people are seeded by src/demo (the accounts need them), so this manifest has no seedDemo.
 */
export const registryModule = defineModule({
  name: 'registry',
  migrations: {
    '2026_11_26_0100_create_registry': createRegistry,
    '2026_11_26_0101_extend_registry': extendRegistry,
    '2026_11_26_0102_create_person_tags': createPersonTags,
  },
  routes: (app, ctx) => registerRegistryRoutes(app, ctx),
});
