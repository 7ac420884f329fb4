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
import { createDisclosures } from './migrations/2026_11_26_0430_create_disclosures.js';
import './disclosures.table.js';
import './disclosures.policy.js';
import { registerDisclosureRoutes } from './disclosures.routes.js';
import { disclosureLateJob } from './disclosures.job.js';
import { seedDisclosuresDemo } from './disclosures.demo.js';
import { createVisits } from './migrations/2026_11_26_0440_create_visits.js';
import './visits.table.js';
import './visits.policy.js';
import { registerVisitRoutes } from './visits.routes.js';
import { visitAlertJob } from './visits.job.js';
import { seedVisitsDemo } from './visits.demo.js';
import { createSurveys } from './migrations/2026_11_26_0420_create_surveys.js';
import './surveys.table.js';
import './surveys.policy.js';
import { registerSurveyRoutes } from './surveys.routes.js';
import { seedSurveysDemo } from './surveys.demo.js';
import { surveyCloseJob } from './surveys.job.js';
import { createForum } from './migrations/2026_11_26_0450_create_forum.js';
import './forum.table.js';
import './forum.policy.js';
import { registerForumRoutes } from './forum.routes.js';
import { seedForumDemo } from './forum.demo.js';
import { createOpinion } from './migrations/2026_11_26_0460_create_opinion.js';
import './opinion.table.js';
import './opinion.policy.js';
import { registerOpinionRoutes } from './opinion.routes.js';
import { opinionIngestJob } from './opinion.job.js';
import { seedOpinionDemo } from './opinion.demo.js';
import { createMediation } from './migrations/2026_11_26_0470_create_mediation.js';
import './mediation.table.js';
import './mediation.policy.js';
import { registerMediationRoutes } from './mediation.routes.js';
import { seedMediationDemo } from './mediation.demo.js';

/**
 * 虚拟社区 (online community): notices (通知公告), suggestions (意见建议), surveys (民意调查) and
 * public disclosure (居务公开) so far; forum, visits, opinion trends and mediation join here, each
 * with its migrations, routes, jobs and demo.
 */
export const communityModule = defineModule({
  name: 'community',
  migrations: {
    '2026_11_26_0400_create_notices': createNotices,
    '2026_11_26_0410_create_suggestions': createSuggestions,
    '2026_11_26_0430_create_disclosures': createDisclosures,
    '2026_11_26_0440_create_visits': createVisits,
    '2026_11_26_0420_create_surveys': createSurveys,
    '2026_11_26_0450_create_forum': createForum,
    '2026_11_26_0460_create_opinion': createOpinion,
    '2026_11_26_0470_create_mediation': createMediation,
  },
  jobs: [disclosureLateJob, visitAlertJob, surveyCloseJob, opinionIngestJob],
  routes: async (app, ctx) => {
    registerNoticeRoutes(app, ctx);
    registerSuggestionRoutes(app, ctx);
    registerDisclosureRoutes(app, ctx);
    registerVisitRoutes(app, ctx);
    registerSurveyRoutes(app, ctx);
    registerForumRoutes(app, ctx);
    registerOpinionRoutes(app, ctx);
    registerMediationRoutes(app, ctx);
  },
  seedDemo: async (seed) => {
    await seedNoticesDemo(seed);
    await seedSuggestionsDemo(seed);
    await seedDisclosuresDemo(seed);
    await seedVisitsDemo(seed);
    await seedSurveysDemo(seed);
    await seedForumDemo(seed);
    await seedMediationDemo(seed);
    // Last: reads what the other seeds wrote.
    await seedOpinionDemo(seed);
  },
});
