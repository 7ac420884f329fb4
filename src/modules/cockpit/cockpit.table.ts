/**
 * 驾驶舱 statistics, precomputed by refreshStatistics (cockpit.refresh.ts) in generations: a refresh
 * writes generation g + 1 beside g, flips `stat_refresh.generation` in one short transaction, then
 * deletes g. Reads join `stat_refresh`, so one statement sees one generation, never a mix.
 */

/** One row per (generation, cell node, metric, dimensions). A cell node is a grid, or the community for people and things without a grid. */
export interface StatCellTable {
  generation: number;
  org_node_id: string;
  /** Path of the cell node. */
  org_path: string;
  /** See METRICS in cockpit.repository.ts (pop, residence, tag, households, ev_reported …). */
  metric: string;
  /** First dimension ('' when none): sex, residence type, tag code or month `YYYY-MM`. */
  dim1: string;
  /** Second dimension ('' when none): the 5-year age band, or the tag's sensitivity. */
  dim2: string;
  value: number;
  computed_at: string;
}

/**
 * Subtree totals: for every area node (city, district, street, community, grid), the sums of the
 * cells in its subtree, one row per (metric, dimensions). The overview reads one node's rows, the
 * map its children's.
 */
export interface StatNodeTable {
  generation: number;
  org_node_id: string;
  metric: string;
  dim1: string;
  dim2: string;
  value: number;
}

/** A published open dataset (name × level × format), built at refresh time: the text served. */
export interface StatOpenTable {
  generation: number;
  name: string;
  level: string;
  /** 'json' or 'csv'. */
  format: string;
  /** The text is stored in parts of a few hundred KB (0, 1, …), read in order and joined. */
  part: number;
  /** The last month (`YYYY-MM`, Beijing) of the 12 the dataset was built for (events are by month). */
  month: string;
  body: string;
}

/** When the statistics were last rebuilt, how many cells, how long it took and which generation is current (one row, id 'cells'). */
export interface StatRefreshTable {
  id: string;
  computed_at: string;
  cells: number;
  ms: number;
  generation: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    stat_cell: StatCellTable;
    stat_node: StatNodeTable;
    stat_open: StatOpenTable;
    stat_refresh: StatRefreshTable;
  }
}
