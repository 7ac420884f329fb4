import type { JobHandlerDefinition } from '../../platform/module.js';
import { warnLateDisclosures } from './disclosures.service.js';

/** Hourly: periods past their due date with nothing published warn the node's staff (once each). */
export const disclosureLateJob: JobHandlerDefinition = {
  kind: 'community.disclosure-late',
  everySeconds: 3600,
  handler: async (ctx) => {
    await warnLateDisclosures(ctx);
  },
};
