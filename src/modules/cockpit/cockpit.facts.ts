import type { Executor } from '../../platform/db/database.js';
import type { StatMonth } from '../../platform/stats/months.js';
import { householdCellsByGrid, populationCellsByGrid, residenceCellsByGrid, tagCellsByGrid } from '../registry/registry.facts.js';
import { eventCellsByPath } from '../events/events.facts.js';
import { applicationCellsByPath } from '../services/services.facts.js';
import { fundBalancesByCommunity, serviceMinutesByPath } from '../volunteers/volunteers.facts.js';
import * as repo from './cockpit.repository.js';

/**
 * What a refresh reads, in one snapshot: the area nodes and each source module's GROUP BY through
 * its facts file (people cut just below grid level, so a million residents give a few thousand
 * groups). Run in a transaction by the caller — on SQLite (a file) in a worker thread on its own
 * connection (cockpit.facts-worker.ts), so the server's event loop keeps serving meanwhile.
 */
export interface Facts {
  nodes: repo.AreaNode[];
  population: Awaited<ReturnType<typeof populationCellsByGrid>>;
  residence: Awaited<ReturnType<typeof residenceCellsByGrid>>;
  tags: Awaited<ReturnType<typeof tagCellsByGrid>>;
  households: Awaited<ReturnType<typeof householdCellsByGrid>>;
  dwellings: Awaited<ReturnType<typeof repo.dwellingCells>>;
  events: Awaited<ReturnType<typeof eventCellsByPath>>;
  applications: Awaited<ReturnType<typeof applicationCellsByPath>>;
  minutes: Awaited<ReturnType<typeof serviceMinutesByPath>>;
  funds: Awaited<ReturnType<typeof fundBalancesByCommunity>>;
}

export const FACT_PARTS = ['nodes', 'population', 'residence', 'tags', 'households', 'dwellings', 'events', 'applications', 'minutes', 'funds'] as const;

/** `day`: the refresh day (Beijing, `YYYY-MM-DD`); `months`: the 12 months ending with the current one. */
export async function gatherFacts(db: Executor, day: string, months: StatMonth[]): Promise<Facts> {
  const nodes = await repo.listAreaNodes(db);
  // Cut record paths just below grid level: few groups, each inside one grid (or community).
  const deepest = Math.max(0, ...nodes.filter((n) => n.kind === 'grid' || n.kind === 'community').map((n) => n.path.length));
  const prefixLength = deepest + 17;
  return {
    nodes,
    population: await populationCellsByGrid(db, day, prefixLength),
    residence: await residenceCellsByGrid(db, prefixLength),
    tags: await tagCellsByGrid(db, day, prefixLength),
    households: await householdCellsByGrid(db, prefixLength),
    dwellings: await repo.dwellingCells(db, prefixLength),
    events: await eventCellsByPath(db, months),
    applications: await applicationCellsByPath(db, months),
    minutes: await serviceMinutesByPath(db, months),
    funds: await fundBalancesByCommunity(db),
  };
}
