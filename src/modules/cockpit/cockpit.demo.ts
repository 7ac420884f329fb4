import type { DemoSeedContext } from '../../platform/module.js';
import { refreshStatistics } from './cockpit.service.js';

/** The cockpit has no data of its own: compute the cells once the other modules have seeded, so `npm start` shows them at once. */
export async function seedCockpitDemo({ ctx, log }: DemoSeedContext) {
  const r = await refreshStatistics(ctx);
  log(`cockpit: ${r.cells} statistics cells in ${r.ms} ms`);
}
