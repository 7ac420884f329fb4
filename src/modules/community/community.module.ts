import { defineModule } from '../../platform/module.js';
import { createNotices } from './migrations/2026_11_26_0400_create_notices.js';
import './notices.table.js';
import './notices.policy.js';
import { registerNoticeRoutes } from './notices.routes.js';
import { seedNoticesDemo } from './notices.demo.js';
import { createSuggestions } from './migrations/2026_11_26_0410_create_suggestions.js';
import './suggestions.table.js';
import './suggestions.policy.js';
import { registerSuggestionRoutes } from './suggestions.routes.js';
import { seedSuggestionsDemo } from './suggestions.demo.js';

/**
 * 虚拟社区 (online community): notices (通知公告) and suggestions (意见建议) so far; forum, suggestions, surveys, disclosure,
 * visits, opinion trends and mediation join here, each with its migrations, routes and demo.
 */
export const communityModule = defineModule({
  name: 'community',
  migrations: {
    '2026_11_26_0400_create_notices': createNotices,
    '2026_11_26_0410_create_suggestions': createSuggestions,
  },
  routes: async (app, ctx) => {
    registerNoticeRoutes(app, ctx);
    registerSuggestionRoutes(app, ctx);
  },
  seedDemo: async (seed) => {
    await seedNoticesDemo(seed);
    await seedSuggestionsDemo(seed);
  },
});
