import type { JobHandlerDefinition } from '../../platform/module.js';
import { closeExpiredSurveys } from './surveys.service.js';

/** Every five minutes: surveys past their closing time are closed. */
export const surveyCloseJob: JobHandlerDefinition = {
  kind: 'community.survey-close',
  everySeconds: 300,
  handler: async (ctx) => {
    await closeExpiredSurveys(ctx);
  },
};
