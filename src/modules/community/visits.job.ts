import type { JobHandlerDefinition } from '../../platform/module.js';
import { sendVisitAlerts } from './visits.service.js';

/** Hourly, but each grid worker is told once a day: who in their grid is overdue for a visit. */
export const visitAlertJob: JobHandlerDefinition = {
  kind: 'community.visit-alerts',
  everySeconds: 3600,
  handler: async (ctx) => {
    await sendVisitAlerts(ctx);
  },
};
