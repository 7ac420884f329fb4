/** 办事指南 groups: 纳税缴费, 就医保健, 婚育收养 … (data; a deployment may add its own). */
export interface ServiceMatterGroupTable {
  code: string;
  name: string;
  name_en: string;
  /** An icon name the web app knows (antd-mobile icons). */
  icon: string | null;
  sort: number;
}

export type MatterStatus = 'draft' | 'published' | 'withdrawn';

/**
 * One matter (事项) of the guide. Its content lives in versions; the row mirrors what lists,
 * search and applications need from the published one (or the latest draft before any is published).
 */
export interface ServiceMatterTable {
  id: string;
  /** Stable and short: the QR code and the mobile page use it (/m/services/matters/:code). */
  code: string;
  group_code: string;
  /** Owner: null for the deployment-wide catalogue, else a community's (or street's) own matter. */
  org_node_id: string | null;
  /** The owner's path, '' for the deployment-wide catalogue. */
  org_path: string;
  status: MatterStatus;
  published_version: number | null;
  latest_version: number;
  name: string;
  name_en: string | null;
  summary: string;
  department: string;
  mode: 'online' | 'offline' | 'both';
  time_limit_days: number;
  free: number;
  sort: number;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Every edit of a matter is a new version (修订记录); one of them is published. */
export interface ServiceMatterVersionTable {
  matter_id: string;
  version: number;
  /** JSON MatterContent. */
  content: string;
  note: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
  published_at: string | null;
  published_by_name: string | null;
}

/**
 * Search terms of a published matter (names are short, so no FTS): single characters and
 * bigrams of the name, keywords, group, conditions and materials; the name's full pinyin and
 * initials from every syllable on, so a prefix range on `term` finds 低保, "dibao", "dbsq" and
 * "baozhang" alike, on both databases.
 */
export interface ServiceMatterTermTable {
  term: string;
  matter_id: string;
  /** name | pinyin | initials | keyword | group | condition | material */
  field: string;
  weight: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    service_matter_group: ServiceMatterGroupTable;
    service_matter: ServiceMatterTable;
    service_matter_version: ServiceMatterVersionTable;
    service_matter_term: ServiceMatterTermTable;
  }
}
