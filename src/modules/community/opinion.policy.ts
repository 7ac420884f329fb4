import { registerPermissions } from '../../platform/policy/roles.js';

/** 舆情: staff of an area read its trends and alerts; community staff and the street keep the word lists. */
export const OPINION_READ = 'community.opinion.read';
export const OPINION_MANAGE = 'community.opinion.manage';
export const OPINION_STOP_WORDS = 'community.opinion.stop-words';

registerPermissions({
  /** Trends, per-grid breakdown and alerts (with excerpts: audited) of a subtree; acknowledge alerts there. */
  [OPINION_READ]: ['community_staff', 'grid_worker', 'dispatcher'],
  /** Watch words (预警词) for a subtree. */
  [OPINION_MANAGE]: ['community_staff', 'dispatcher'],
  /** The stop-word list, which is the same everywhere: the street's command centre keeps it. */
  [OPINION_STOP_WORDS]: ['dispatcher'],
});
