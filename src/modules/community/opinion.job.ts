import type { JobHandlerDefinition } from '../../platform/module.js';
import { ingestOpinion } from './opinion.service.js';

/**
 * Every two minutes: read what the sources wrote since their watermarks into the weekly term
 * counts, and raise watch-word alerts. Idempotent (watermarks move with the counts), so the
 * scheduler's at-least-once delivery and several processes are harmless.
 */
export const opinionIngestJob: JobHandlerDefinition = {
  kind: 'community.opinion-ingest',
  everySeconds: 120,
  handler: async (ctx) => {
    await ingestOpinion(ctx);
  },
};
