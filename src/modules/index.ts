import type { LinliModule } from '../platform/module.js';
import { platformModule } from '../platform/platform.module.js';
import { registryModule } from './registry/registry.module.js';
import { eventsModule } from './events/events.module.js';
import { servicesModule } from './services/services.module.js';
import { communityModule } from './community/community.module.js';
import { volunteersModule } from './volunteers/volunteers.module.js';
import { partyModule } from './party/party.module.js';
import { exchangeModule } from './exchange/exchange.module.js';
import { demandsModule } from './demands/demands.module.js';
import { cockpitModule } from './cockpit/cockpit.module.js';

/**
 * The one list of modules. Order matters for migrations' foreign keys and demo seeding:
 * platform first, then business modules in dependency order.
 */
export const modules: LinliModule[] = [platformModule, registryModule, eventsModule, servicesModule, communityModule, volunteersModule, partyModule, exchangeModule, demandsModule, cockpitModule];
