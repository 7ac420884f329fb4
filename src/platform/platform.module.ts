import { defineModule } from './module.js';
import { platformCore } from './migrations/2026_11_26_0001_platform_core.js';
import { workflowCalendarScheduler } from './migrations/2026_11_26_0002_workflow_calendar_scheduler.js';
import { notifyFilesLedger } from './migrations/2026_11_26_0003_notify_files_ledger.js';
import { notificationPreferences } from './migrations/2026_11_26_0004_notification_preferences.js';
import { attachmentUse } from './migrations/2026_11_26_0005_attachment_use.js';
import { registerAuthRoutes } from './auth/auth.routes.js';
import { registerUserAdminRoutes } from './auth/users.routes.js';
import { registerOrgRoutes } from './org/org.routes.js';
import { registerAuditRoutes } from './audit/audit.routes.js';
import { registerWorkflowRoutes } from './workflow/workflow.routes.js';
import { registerNotifyRoutes } from './notify/notify.routes.js';
import { notifyJobs } from './notify/notify.jobs.js';
import './platform.table.js';

/** The platform's own tables and routes, loaded before every business module. */
export const platformModule = defineModule({
  name: 'platform',
  migrations: {
    '2026_11_26_0001_platform_core': platformCore,
    '2026_11_26_0002_workflow_calendar_scheduler': workflowCalendarScheduler,
    '2026_11_26_0003_notify_files_ledger': notifyFilesLedger,
    '2026_11_26_0004_notification_preferences': notificationPreferences,
    '2026_11_26_0005_attachment_use': attachmentUse,
  },
  jobs: [...notifyJobs],
  routes: (app, ctx) => {
    registerAuthRoutes(app, ctx);
    registerUserAdminRoutes(app, ctx);
    registerOrgRoutes(app, ctx);
    registerAuditRoutes(app, ctx);
    registerWorkflowRoutes(app, ctx);
    registerNotifyRoutes(app, ctx);
  },
});
