/**
 * 驾驶舱 statistics, precomputed: one row per (cell node, metric, dimensions). A cell node is a grid,
 * or the community for people and things without a grid. Rebuilt in full by refreshStatistics.
 */
export interface StatCellTable {
  org_node_id: string;
  /** Path of the cell node: a subtree's cells are a prefix range on it. */
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

/** When the cells were last rebuilt, how many and how long it took (one row, id 'cells'). */
export interface StatRefreshTable {
  id: string;
  computed_at: string;
  cells: number;
  ms: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    stat_cell: StatCellTable;
    stat_refresh: StatRefreshTable;
  }
}
