import { defineModule } from '../../platform/module.js';
import { createRegistry } from './migrations/2026_11_26_0100_create_registry.js';
import { extendRegistry } from './migrations/2026_11_26_0101_extend_registry.js';
import { createPersonTags } from './migrations/2026_11_26_0102_create_person_tags.js';
import { createLedgers } from './migrations/2026_11_26_0103_create_ledgers.js';
import { createImports } from './migrations/2026_11_26_0104_create_imports.js';
import { registryIndexes } from './migrations/2026_11_26_0105_registry_indexes.js';
import { personSearchArea } from './migrations/2026_11_26_0990_person_search_area.js';
import { personSearchAreaFirst } from './migrations/2026_11_26_0991_person_search_area_first.js';
import { personSearchStatus } from './migrations/2026_11_26_0992_person_search_status.js';
import { registerRegistryRoutes } from './registry.routes.js';
import { registerTagRoutes } from './tags.routes.js';
import { registerLedgerRoutes } from './ledgers.routes.js';
import { registerImportRoutes } from './imports.routes.js';
import { registerRegistryWriteRoutes } from './people.routes.js';
import { importJobHandler } from './imports.job.js';
import { derivedTagJobs } from './tags.derived.js';
import { seedRegistryDemo } from './tags.demo.js';
import './registry.table.js';
import './tags.table.js';
import './registry.policy.js';
import './tags.policy.js';
import './ledgers.policy.js';
import './ledgers.table.js';

/**
 * 社区信息管理: people, households and dwellings tied together (人房关联). The demo community's
 * people are seeded by src/demo (the accounts need them); this manifest's seedDemo adds their tags.
 */
export const registryModule = defineModule({
  name: 'registry',
  migrations: {
    '2026_11_26_0100_create_registry': createRegistry,
    '2026_11_26_0101_extend_registry': extendRegistry,
    '2026_11_26_0102_create_person_tags': createPersonTags,
    '2026_11_26_0103_create_ledgers': createLedgers,
    '2026_11_26_0104_create_imports': createImports,
    '2026_11_26_0105_registry_indexes': registryIndexes,
    '2026_11_26_0990_person_search_area': personSearchArea,
    '2026_11_26_0991_person_search_area_first': personSearchAreaFirst,
    '2026_11_26_0992_person_search_status': personSearchStatus,
  },
  routes: (app, ctx) => {
    registerRegistryRoutes(app, ctx);
    registerTagRoutes(app, ctx);
    registerLedgerRoutes(app, ctx);
    registerImportRoutes(app, ctx);
    registerRegistryWriteRoutes(app, ctx);
  },
  jobs: [...derivedTagJobs, importJobHandler],
  // Tags of the demo people (typed, department-granted), then every derived tag.
  seedDemo: seedRegistryDemo,
});
