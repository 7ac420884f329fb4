import type { MemberCategory } from './organisations.table.js';

/** Table types of 组织关系转接 (migration 2026_11_26_0610_create_party_transfers). */

export const TRANSFER_STATES = ['branch_review', 'committee_review', 'awaiting_receipt', 'completed', 'refused', 'cancelled'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];
/** States whose stage clock runs (deadline marks). */
export const CLOCKED_TRANSFER_STATES: readonly TransferState[] = ['branch_review', 'committee_review', 'awaiting_receipt'];

export interface PartyTransferTable {
  id: string;
  direction: 'out' | 'in';
  state: TransferState;
  person_id: string;
  member_id: string | null;
  member_name: string;
  id_masked: string | null;
  gender: string | null;
  category: MemberCategory;
  joined_on: string;
  confirmed_on: string | null;
  from_org_id: string | null;
  from_org_name: string;
  from_party_path: string | null;
  from_org_path: string | null;
  to_org_id: string | null;
  to_org_name: string;
  to_party_path: string | null;
  to_org_path: string | null;
  reason: string;
  note: string | null;
  letter_number: string | null;
  letter_valid_days: number;
  letter_valid_until: string | null;
  dues_paid_until: string | null;
  started_by: string;
  started_by_name: string;
  started_at: string;
  warn_at: string | null;
  warned_at: string | null;
  due_at: string | null;
  overdue_at: string | null;
  refusal_reason: string | null;
  closed_at: string | null;
  version: number;
  updated_at: string;
}

export interface PartyTransferStepTable {
  id: string;
  transfer_id: string;
  version: number;
  action: string;
  from_state: string | null;
  to_state: string;
  note: string | null;
  actor_user_id: string | null;
  actor_name: string;
  at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_transfer: PartyTransferTable;
    party_transfer_step: PartyTransferStepTable;
  }
}
