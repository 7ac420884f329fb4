export interface OpinionTermWeekTable {
  term: string;
  /** The Monday of the Beijing week, `YYYY-MM-DD`. */
  week_start: string;
  /** The grid (or the community, for texts not placed in a grid). */
  org_node_id: string;
  org_path: string;
  /** The source's registered name: suggestions, events, visits, forum … */
  source: string;
  /** How many texts of that week, place and source used the term. */
  count: number;
}

export interface OpinionWatermarkTable {
  source: string;
  at: string;
  last_id: string;
  /** Texts read so far (for the dashboard and the bench). */
  items: number;
  updated_at: string;
}

export interface OpinionStopWordTable {
  word: string;
  created_by: string | null;
  created_at: string;
}

export type WatchLevel = 'urgent' | 'attention';

export interface OpinionWatchWordTable {
  id: string;
  word: string;
  level: WatchLevel;
  /** Null: everywhere (the platform's defaults); else the subtree it watches. */
  org_node_id: string | null;
  /** `/` for everywhere. */
  org_path: string;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
}

export type AlertStatus = 'open' | 'acknowledged';

export interface OpinionAlertTable {
  id: string;
  source: string;
  source_id: string;
  word: string;
  level: WatchLevel;
  org_node_id: string;
  org_path: string;
  at: string;
  excerpt: string;
  status: AlertStatus;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  note: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    opinion_term_week: OpinionTermWeekTable;
    opinion_watermark: OpinionWatermarkTable;
    opinion_stop_word: OpinionStopWordTable;
    opinion_watch_word: OpinionWatchWordTable;
    opinion_alert: OpinionAlertTable;
  }
}
