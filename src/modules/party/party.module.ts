import { defineModule } from '../../platform/module.js';
import { createPartyOrgs } from './migrations/2026_11_26_0600_create_party_orgs.js';
import { createPartyTransfers } from './migrations/2026_11_26_0610_create_party_transfers.js';
import { createPartyMeetings } from './migrations/2026_11_26_0620_create_party_meetings.js';
import './organisations.table.js';
import './transfers.table.js';
import './meetings.table.js';
import './party.policy.js';
import { registerOrganisationRoutes } from './organisations.routes.js';
import { registerTransferRoutes } from './transfers.routes.js';
import { registerMeetingRoutes } from './meetings.routes.js';
import { partyImportJob } from './organisations.import.js';
import { transferDeadlineJob } from './transfers.job.js';
import { seedPartyDemo } from './party.demo.js';
import { createPartyStudy } from './migrations/2026_11_26_0650_create_party_study.js';
import { createPartyBranch } from './migrations/2026_11_26_0660_create_party_branch.js';
import { createGoodDeeds } from './migrations/2026_11_26_0670_create_good_deeds.js';
import { createPartyPoints } from './migrations/2026_11_26_0680_create_party_points.js';
import './study.table.js';
import './branch.table.js';
import './deeds.table.js';
import './party-points.table.js';
import './deeds.policy.js';
import { registerStudyRoutes } from './study.routes.js';
import { registerBranchRoutes } from './branch.routes.js';
import { registerDeedRoutes } from './deeds.routes.js';
import { registerPartyPointsRoutes } from './party-points.routes.js';
import { demoParty, seedStudyDemo } from './study.demo.js';
import { seedBranchDemo } from './branch.demo.js';
import { seedDeedsDemo } from './deeds.demo.js';
import { seedPartyPointsDemo } from './party-points.demo.js';

/**
 * 智慧党建 (party building), part 1: the party tree and the rolls linked to the registry, roster
 * imports, organisation-relation transfers with letters and deadlines, and 三会一课 with rotating
 * QR check-in, leave, minutes and the compliance view. The online branch, the good-deeds bank and
 * member points join here, each a few files, referencing `party_org` and `party_member`.
 */
export const partyModule = defineModule({
  name: 'party',
  migrations: {
    '2026_11_26_0600_create_party_orgs': createPartyOrgs,
    '2026_11_26_0610_create_party_transfers': createPartyTransfers,
    '2026_11_26_0620_create_party_meetings': createPartyMeetings,
    '2026_11_26_0650_create_party_study': createPartyStudy,
    '2026_11_26_0660_create_party_branch': createPartyBranch,
    '2026_11_26_0670_create_good_deeds': createGoodDeeds,
    '2026_11_26_0680_create_party_points': createPartyPoints,
  },
  jobs: [partyImportJob, transferDeadlineJob],
  routes: async (app, ctx) => {
    registerOrganisationRoutes(app, ctx);
    registerTransferRoutes(app, ctx);
    registerMeetingRoutes(app, ctx);
    registerStudyRoutes(app, ctx);
    registerBranchRoutes(app, ctx);
    registerDeedRoutes(app, ctx);
    registerPartyPointsRoutes(app, ctx);
  },
  seedDemo: async (seed) => {
    await seedPartyDemo(seed);
    // Part 2 builds on part 1's tree, rolls and accounts: study, the online branch, good deeds, points.
    const part2 = await demoParty(seed.ctx);
    if (part2) {
      await seedStudyDemo(seed, part2);
      await seedBranchDemo(seed, part2);
      await seedDeedsDemo(seed, part2);
      await seedPartyPointsDemo(seed, part2);
    }
  },
});
