import { defineModule } from '../../platform/module.js';
import { createNotices } from './migrations/2026_11_26_0400_create_notices.js';
import './notices.table.js';
import './notices.policy.js';
import { registerNoticeRoutes } from './notices.routes.js';
import { seedNoticesDemo } from './notices.demo.js';

/**
 * 虚拟社区 (online community): notices (通知公告) so far; forum, suggestions, surveys, disclosure,
 * visits, opinion trends and mediation join here, each with its migrations, routes and demo.
 */
export const communityModule = defineModule({
  name: 'community',
  migrations: {
    '2026_11_26_0400_create_notices': createNotices,
  },
  routes: async (app, ctx) => {
    registerNoticeRoutes(app, ctx);
  },
  seedDemo: async (seed) => {
    await seedNoticesDemo(seed);
  },
});
