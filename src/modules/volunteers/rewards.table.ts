export type RewardOrderStatus = 'pending' | 'fulfilled' | 'cancelled';
export type RewardCancelKind = 'holder' | 'staff' | 'expired';

export interface RewardItemTable {
  id: string;
  org_node_id: string;
  org_path: string;
  name: string;
  description: string;
  category: string;
  price_points: number;
  stock: number;
  limit_per_person: number | null;
  limit_period: 'month' | 'total';
  hold_days: number;
  picture_attachment_id: string | null;
  available_from: string | null;
  available_to: string | null;
  on_sale: number;
  sort: number;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RewardOrderTable {
  id: string;
  code: string;
  item_id: string;
  org_node_id: string;
  org_path: string;
  holder_code: string;
  user_id: string;
  person_id: string | null;
  volunteer_id: string | null;
  holder_name: string;
  item_name: string;
  quantity: number;
  points: number;
  status: RewardOrderStatus;
  journal_id: string;
  reversal_journal_id: string | null;
  expires_at: string;
  fulfilled_at: string | null;
  fulfilled_by: string | null;
  fulfilled_by_name: string | null;
  cancelled_at: string | null;
  cancelled_by: string | null;
  cancel_kind: RewardCancelKind | null;
  cancel_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    reward_item: RewardItemTable;
    reward_order: RewardOrderTable;
  }
}
