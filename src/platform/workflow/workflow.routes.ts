import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';

/** Routes of the workflow engine and the working-day calendar (holidays, 调休). */
export function registerWorkflowRoutes(_app: LinliApp, _ctx: PlatformContext) {}
