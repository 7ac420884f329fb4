import { defineModule } from '../../platform/module.js';
import { createEvents } from './migrations/2026_11_26_0200_create_events.js';
import { defaultEventCategories } from './migrations/2026_11_26_0201_default_event_categories.js';
import { createEventCodeSeq } from './migrations/2026_11_26_0202_event_code_seq.js';
import { patrolIndexes } from './migrations/2026_11_26_0237_patrol_indexes.js';
import { registerPatrolRoutes } from './patrols.routes.js';
import { deadlineCheckJob } from './events.deadlines.job.js';
import { registerEventRoutes } from './events.routes.js';
import { registerCategoryRoutes } from './categories.routes.js';
import { seedEventsDemo } from './events.demo.js';
import { seedPatrolsDemo } from './patrols.demo.js';
import { open311MediaUrl } from './migrations/2026_11_26_0270_open311_media_url.js';
import { eventCoordinatesDouble } from './migrations/2026_11_26_0280_event_coordinates_double.js';
import { registerOpen311Routes } from './open311/open311.routes.js';
import { seedOpen311Demo } from './open311/open311.demo.js';
import { createEventWorkClock } from './migrations/2026_11_26_0290_event_work_clock.js';
import { eventIndicatorIndexes } from './migrations/2026_11_26_0291_event_indicator_indexes.js';
import { createEventNotes } from './migrations/2026_11_27_0210_event_notes.js';
import { registerIndicatorRoutes } from './indicators.routes.js';
import { durationsJob } from './indicators.durations.js';
import './events.table.js';
import './events.policy.js';
import './events.workflow.js';

/**
 * 网格事件: every problem seen in a grid, reported from any channel, dispatched, handled,
 * checked, closed and rated on time (全响应), with patrols, indicators and Open311.
 */
export const eventsModule = defineModule({
  name: 'events',
  migrations: {
    '2026_11_26_0200_create_events': createEvents,
    '2026_11_26_0201_default_event_categories': defaultEventCategories,
    '2026_11_26_0202_event_code_seq': createEventCodeSeq,
    '2026_11_26_0237_patrol_indexes': patrolIndexes,
    '2026_11_26_0290_event_work_clock': createEventWorkClock,
    '2026_11_26_0291_event_indicator_indexes': eventIndicatorIndexes,
    '2026_11_26_0270_open311_media_url': open311MediaUrl,
    '2026_11_26_0280_event_coordinates_double': eventCoordinatesDouble,
    '2026_11_27_0210_event_notes': createEventNotes,
  },
  routes: async (app, ctx) => {
    registerCategoryRoutes(app, ctx);
    registerEventRoutes(app, ctx);
    registerPatrolRoutes(app, ctx);
    registerIndicatorRoutes(app, ctx);
    await registerOpen311Routes(app, ctx);
  },
  jobs: [deadlineCheckJob, durationsJob],
  seedDemo: async (seed) => {
    const { ctx, log } = seed;
    // The event history first (it links the default categories to the demo departments).
    await seedEventsDemo(seed);
    // Then the grid workers' rounds (and what they found), after the history they report into.
    await seedPatrolsDemo(seed);
    await seedOpen311Demo(ctx, log);
  },
});
