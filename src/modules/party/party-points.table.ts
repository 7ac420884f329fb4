/** Table types of 党员积分 (migration 2026_11_26_0680_create_party_points). */

export const POINTS_ITEMS = ['attendance', 'study', 'volunteering', 'good_deed'] as const;
export type PointsItem = (typeof POINTS_ITEMS)[number];

export interface PartyPointsRuleTable {
  id: string;
  scope: string;
  item: PointsItem;
  points_per_unit: number;
  yearly_cap: number | null;
  updated_by: string | null;
  updated_at: string;
}

export interface PartyPointsAdjustmentTable {
  id: string;
  member_id: string;
  year: number;
  points: number;
  reason: string;
  created_by: string;
  created_by_name: string;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_points_rule: PartyPointsRuleTable;
    party_points_adjustment: PartyPointsAdjustmentTable;
  }
}
