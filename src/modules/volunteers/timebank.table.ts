export type TimebankPostKind = 'offer' | 'need';
export type TimebankPostStatus = 'open' | 'taken' | 'closed' | 'expired';
export type TimebankExchangeStatus = 'held' | 'done' | 'completed' | 'disputed' | 'resolved' | 'released' | 'cancelled';
/** Exchanges whose hours still sit in escrow. */
export const LIVE_EXCHANGE: TimebankExchangeStatus[] = ['held', 'done', 'disputed'];

export interface TimebankMemberTable {
  id: string;
  person_id: string;
  user_id: string;
  org_node_id: string;
  org_path: string;
  home_node_id: string;
  contact_note: string | null;
  grant_journal_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface TimebankPostTable {
  id: string;
  kind: TimebankPostKind;
  member_id: string;
  org_node_id: string;
  org_path: string;
  category: string;
  title: string;
  description: string;
  minutes: number;
  place: string | null;
  needed_by: string | null;
  status: TimebankPostStatus;
  closed_reason: string | null;
  closed_by: string | null;
  exchange_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface TimebankExchangeTable {
  id: string;
  post_id: string;
  kind: TimebankPostKind;
  requester_member_id: string;
  helper_member_id: string;
  org_node_id: string;
  org_path: string;
  minutes: number;
  status: TimebankExchangeStatus;
  needed_by: string;
  due_at: string;
  note: string | null;
  done_at: string | null;
  done_note: string | null;
  accepted_at: string | null;
  accepted_how: 'requester' | 'auto' | null;
  disputed_at: string | null;
  disputed_by: string | null;
  dispute_reason: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: 'helper' | 'requester' | null;
  resolution_reason: string | null;
  released_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  hold_journal_id: string;
  settle_journal_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    timebank_member: TimebankMemberTable;
    timebank_post: TimebankPostTable;
    timebank_exchange: TimebankExchangeTable;
  }
}
