/** 便民服务 tables (see migrations/2026_11_26_0320_create_convenience.ts). */

export type ProviderKind = 'social_org' | 'merchant' | 'professional';
export type ProviderStatus = 'pending' | 'approved' | 'rejected' | 'suspended';
export type PriceUnit = '次' | '小时' | '餐';
export type OrderStatus = 'requested' | 'accepted' | 'declined' | 'cancelled' | 'in_service' | 'completed' | 'closed';
export type ComplaintStatus = 'submitted' | 'accepted' | 'closed';

export interface ConvenienceProviderTable {
  id: string;
  name: string;
  kind: ProviderKind;
  contact_name: string;
  /** The provider's published business line (not a resident's number). */
  contact_phone: string;
  /** 服务区域: a community or street. */
  org_node_id: string;
  org_path: string;
  /** 营业执照 / 资质 note: licence number, certificates. */
  licence_note: string;
  description: string | null;
  status: ProviderStatus;
  status_reason: string | null;
  /** The `provider` account that runs it (one provider per account). */
  user_id: string | null;
  applied_by: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  rating_sum: number;
  rating_count: number;
  complaints_upheld: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConvenienceOfferingTable {
  id: string;
  provider_id: string;
  category: string;
  name: string;
  description: string | null;
  price_fen: number;
  price_unit: PriceUnit;
  /** Typical length of one unit of service, minutes (an hour's unit: 60). */
  duration_minutes: number;
  org_node_id: string;
  org_path: string;
  /** The provider's own switch (上架/下架). */
  active: number;
  /** Staff hid it (违规, 投诉) with a reason; hidden offerings are out of the catalogue. */
  hidden: number;
  hidden_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConvenienceOrderTable {
  id: string;
  /** 订单号 BM20261201-0003. */
  code: string;
  offering_id: string;
  provider_id: string;
  resident_user_id: string;
  person_id: string | null;
  /** The resident's dwelling (or grid / community): staff see the orders of their subtree. */
  org_node_id: string;
  org_path: string;
  category: string;
  offering_name: string;
  price_fen: number;
  price_unit: PriceUnit;
  duration_minutes: number;
  wanted_at: string;
  address: string;
  address_source: 'registry' | 'typed';
  note: string | null;
  status: OrderStatus;
  /** What the quote said at ordering (an estimate). */
  quote_rule_id: string | null;
  quote_free_minutes: number;
  accepted_at: string | null;
  declined_reason: string | null;
  started_at: string | null;
  completed_at: string | null;
  /** Counted units for 次/餐; null for hourly offerings. */
  quantity: number | null;
  /** Minutes of service delivered (hourly: as reported; per unit: quantity × duration). */
  service_minutes: number | null;
  total_fen: number | null;
  /** 政府购买服务 applied at completion. */
  rule_id: string | null;
  free_minutes: number;
  free_fen: number;
  resident_fen: number | null;
  /** Beijing month (YYYY-MM) of the allowance used. */
  ledger_month: string | null;
  ledger_journal_id: string | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConvenienceOrderEventTable {
  id: string;
  order_id: string;
  seq: number;
  /** ordered, accepted, declined, cancelled, started, completed, rated, complaint … */
  action: string;
  actor_user_id: string | null;
  actor_role: 'resident' | 'provider' | 'staff' | 'system';
  note: string | null;
  at: string;
}

export interface ConvenienceRuleTable {
  id: string;
  name: string;
  /** The community (or street) that pays. */
  org_node_id: string;
  org_path: string;
  /** JSON string[] of registry tag codes. */
  tags: string;
  tag_match: 'any' | 'all';
  /** JSON string[] of offering category codes. */
  categories: string;
  monthly_minutes: number;
  valid_from: string;
  valid_to: string | null;
  active: number;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConvenienceComplaintTable {
  id: string;
  order_id: string;
  provider_id: string;
  resident_user_id: string;
  org_node_id: string;
  org_path: string;
  content: string;
  status: ComplaintStatus;
  accepted_by: string | null;
  accepted_at: string | null;
  provider_reply: string | null;
  provider_replied_at: string | null;
  result: string | null;
  upheld: number | null;
  closed_by: string | null;
  closed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    convenience_provider: ConvenienceProviderTable;
    convenience_offering: ConvenienceOfferingTable;
    convenience_order: ConvenienceOrderTable;
    convenience_order_event: ConvenienceOrderEventTable;
    convenience_rule: ConvenienceRuleTable;
    convenience_complaint: ConvenienceComplaintTable;
    convenience_order_code_seq: { day: string; seq: number };
  }
}
