import type { JobHandlerDefinition } from '../../platform/module.js';
import { runDeadlines } from './timebank.service.js';

/**
 * Every five minutes: needs nobody took expire, held hours of exchanges never done go back to the
 * requester, and exchanges done but neither confirmed nor disputed for 7 days are confirmed —
 * each once across processes (conditional UPDATE from the state found, with its journal).
 */
export const timebankDeadlinesJob: JobHandlerDefinition = {
  kind: 'volunteers.timebank-deadlines',
  everySeconds: 300,
  handler: async (ctx) => {
    await runDeadlines(ctx);
  },
};
