import type { JobHandlerDefinition } from '../../platform/module.js';
import { ensureSlotsAhead, markNoShows } from './appointments.service.js';

/** 爽约: every five minutes, bookings still open half an hour after their slot are marked. */
export const NO_SHOW_JOB = 'services.appointment-no-shows';
/** Every hour, each active window's slots are laid out for its whole booking horizon. */
export const SLOTS_JOB = 'services.appointment-slots';

export const noShowJob: JobHandlerDefinition = {
  kind: NO_SHOW_JOB,
  everySeconds: 300,
  handler: async (ctx) => {
    await markNoShows(ctx);
  },
};

export const slotsJob: JobHandlerDefinition = {
  kind: SLOTS_JOB,
  everySeconds: 3600,
  handler: async (ctx) => {
    await ensureSlotsAhead(ctx);
  },
};
