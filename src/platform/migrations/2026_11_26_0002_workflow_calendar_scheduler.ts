import type { Kysely, Migration } from 'kysely';

/** Tables of the workflow engine, the working-day calendar and the scheduler. */
export const workflowCalendarScheduler: Migration = {
  async up(_db: Kysely<any>) {
    // filled in by the workflow/calendar/scheduler work
  },
};
