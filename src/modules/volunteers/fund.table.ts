export type DonationKind = 'cash' | 'transfer' | 'in_kind';
export type FundApplicationStatus = 'submitted' | 'approving' | 'approved' | 'rejected' | 'withdrawn' | 'disbursed';

export interface FundTable {
  id: string;
  org_node_id: string;
  org_path: string;
  name: string;
  description: string;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface FundDonationTable {
  id: string;
  fund_id: string;
  org_path: string;
  receipt_number: string;
  kind: DonationKind;
  amount_fen: number;
  goods: string | null;
  donor_type: 'person' | 'organisation';
  donor_name: string;
  anonymous: number;
  received_on: string;
  note: string | null;
  journal_id: string;
  status: 'recorded' | 'reversed';
  reversal_journal_id: string | null;
  reversed_reason: string | null;
  recorded_by: string;
  recorded_by_name: string;
  created_at: string;
  updated_at: string;
}

export interface FundApplicationTable {
  id: string;
  fund_id: string;
  org_path: string;
  number: string;
  person_id: string;
  user_id: string | null;
  filed_by: string;
  applicant_name: string;
  category: string;
  reason_enc: string;
  amount_asked_fen: number;
  approved_fen: number;
  disbursed_fen: number;
  attachments: string;
  status: FundApplicationStatus;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface FundDecisionTable {
  id: string;
  application_id: string;
  decision: 'approve' | 'reject';
  amount_fen: number | null;
  comment: string;
  decided_by: string;
  decided_by_name: string;
  at: string;
}

export interface FundDisbursementTable {
  id: string;
  fund_id: string;
  application_id: string;
  org_path: string;
  voucher_number: string;
  method: DonationKind;
  amount_fen: number;
  paid_on: string;
  note: string | null;
  journal_id: string;
  status: 'recorded' | 'reversed';
  reversal_journal_id: string | null;
  reversed_reason: string | null;
  recorded_by: string;
  recorded_by_name: string;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    fund: FundTable;
    fund_donation: FundDonationTable;
    fund_application: FundApplicationTable;
    fund_decision: FundDecisionTable;
    fund_disbursement: FundDisbursementTable;
  }
}
