/**
 * The one list of console modules. A module declares its menu entries and pages in
 * modules/<name>/index.tsx; add it here and the side menu and router pick it up.
 */
import type { ConsoleModule } from './types.js';
import { orgModule } from './org/index.js';
import { registryModule } from './registry/index.js';
import { inboxModule } from './inbox/index.js';
import { auditModule } from './audit/index.js';
import { eventsModule } from './events/index.js';
import { servicesModule } from './services/index.js';
import { communityModule } from './community/index.js';
import { volunteersModule } from './volunteers/index.js';
import { partyModule } from './party/index.js';
import { exchangeModule } from './exchange/index.js';
import { demandsModule } from './demands/index.js';
import { cockpitModule } from './cockpit/index.js';

export type { ConsoleModule, ConsoleMenuEntry, ConsoleRoute } from './types.js';

export const consoleModules: ConsoleModule[] = [orgModule, registryModule, eventsModule, servicesModule, communityModule, volunteersModule, partyModule, exchangeModule, demandsModule, cockpitModule, inboxModule, auditModule];
