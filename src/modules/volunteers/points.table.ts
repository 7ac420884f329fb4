export type PointsPerUnit = 'hour' | 'item';

export interface PointsRuleTable {
  id: string;
  org_node_id: string;
  org_path: string;
  name: string;
  source_kind: string;
  per_unit: PointsPerUnit;
  points_per_unit: number;
  max_per_award: number | null;
  max_per_month: number | null;
  valid_from: string | null;
  valid_to: string | null;
  active: number;
  description: string;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PointsAwardTable {
  id: string;
  rule_id: string;
  source_type: string;
  source_id: string;
  revision: number;
  holder_code: string;
  org_node_id: string;
  org_path: string;
  quantity: number;
  points: number;
  uncapped_points: number;
  month: string;
  memo: string;
  journal_id: string | null;
  created_by: string | null;
  created_at: string;
}

export interface PointsAwardMonthTable {
  rule_id: string;
  holder_code: string;
  month: string;
  points: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    points_rule: PointsRuleTable;
    points_award: PointsAwardTable;
    points_award_month: PointsAwardMonthTable;
  }
}
