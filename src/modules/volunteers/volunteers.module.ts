import { defineModule } from '../../platform/module.js';
import { createVolunteers } from './migrations/2026_11_26_0500_create_volunteers.js';
import { createShop } from './migrations/2026_11_26_0510_create_shop.js';
import { createHours } from './migrations/2026_11_26_0520_create_hours.js';
import './volunteers.table.js';
import './shop.table.js';
import './hours.table.js';
import './volunteers.policy.js';
import './shop.policy.js';
import './hours.policy.js';
import { registerVolunteerRoutes } from './volunteers.routes.js';
import { registerShopRoutes } from './shop.routes.js';
import { registerHoursRoutes } from './hours.routes.js';
import { seedVolunteersDemo } from './volunteers.demo.js';
import { seedShopDemo } from './shop.demo.js';
import { seedHoursDemo } from './hours.demo.js';
import { createPoints } from './migrations/2026_11_26_0530_create_points.js';
import { createFund } from './migrations/2026_11_26_0540_create_fund.js';
import './points.table.js';
import './rewards.table.js';
import './fund.table.js';
import './points.policy.js';
import './rewards.policy.js';
import './fund.policy.js';
import { registerPointsRoutes } from './points.routes.js';
import { registerRewardsRoutes } from './rewards.routes.js';
import { registerFundRoutes } from './fund.routes.js';
import { rewardOrderExpiryJob } from './rewards.job.js';
import { seedPointsDemo } from './points.demo.js';
import { seedRewardsDemo } from './rewards.demo.js';
import { seedFundDemo } from './fund.demo.js';
import { createTimebank } from './migrations/2026_11_26_0550_create_timebank.js';
import { createLectures } from './migrations/2026_11_26_0560_create_lectures.js';
import './timebank.table.js';
import './lectures.table.js';
import './timebank.policy.js';
import './lectures.policy.js';
import { registerTimebankRoutes } from './timebank.routes.js';
import { registerLectureRoutes } from './lectures.routes.js';
import { timebankDeadlinesJob } from './timebank.job.js';
import { seedTimebankDemo } from './timebank.demo.js';
import { seedLecturesDemo } from './lectures.demo.js';

/**
 * 社区志愿服务 (volunteers), part A: the register and teams (supervision teams file observations
 * that become grid events), the shop of opportunities with sign-ups and a waiting list, and hours
 * — check-in and check-out by a rotating signed QR or by the leader, credited in the platform
 * ledger, corrected by reversing journals, certified on a printable 志愿服务证明. Points and
 * rewards, the time bank, the mutual-aid fund and micro-lectures come next, each a few files here.
 */
export const volunteersModule = defineModule({
  name: 'volunteers',
  migrations: {
    '2026_11_26_0500_create_volunteers': createVolunteers,
    '2026_11_26_0510_create_shop': createShop,
    '2026_11_26_0520_create_hours': createHours,
    '2026_11_26_0530_create_points': createPoints,
    '2026_11_26_0540_create_fund': createFund,
    '2026_11_26_0550_create_timebank': createTimebank,
    '2026_11_26_0560_create_lectures': createLectures,
  },
  jobs: [rewardOrderExpiryJob, timebankDeadlinesJob],
  routes: async (app, ctx) => {
    registerVolunteerRoutes(app, ctx);
    registerShopRoutes(app, ctx);
    registerHoursRoutes(app, ctx);
    registerPointsRoutes(app, ctx);
    registerRewardsRoutes(app, ctx);
    registerFundRoutes(app, ctx);
    registerTimebankRoutes(app, ctx);
    registerLectureRoutes(app, ctx);
  },
  seedDemo: async (seed) => {
    await seedVolunteersDemo(seed);
    await seedShopDemo(seed);
    // Points rules before the hours, so the hours seed's check-outs earn points by them.
    await seedPointsDemo(seed);
    // Then: checks in and out of what the shop's seed signed people up for (earning points).
    await seedHoursDemo(seed);
    await seedRewardsDemo(seed);
    await seedFundDemo(seed);
    await seedTimebankDemo(seed);
    await seedLecturesDemo(seed);
  },
});
