/** Table types of 党组织与党员 (migration 2026_11_26_0600_create_party_orgs). */

export const PARTY_ORG_KINDS = ['committee', 'general_branch', 'branch', 'group'] as const;
export type PartyOrgKind = (typeof PARTY_ORG_KINDS)[number];

export const MEMBER_CATEGORIES = ['full', 'probationary'] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];

export type MemberStatus = 'active' | 'transferred_out' | 'ended';

export interface PartyOrgTable {
  id: string;
  parent_id: string | null;
  kind: PartyOrgKind;
  name: string;
  path: string;
  org_node_id: string;
  org_path: string;
  established_on: string | null;
  sort: number;
  status: 'active' | 'dissolved';
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PartyMemberTable {
  id: string;
  person_id: string;
  org_id: string;
  group_id: string | null;
  org_path: string;
  party_path: string;
  category: MemberCategory;
  joined_on: string;
  confirmed_on: string | null;
  is_mobile: number;
  mobile_location: string | null;
  mobile_since: string | null;
  status: MemberStatus;
  ended_on: string | null;
  end_reason: string | null;
  source: 'manual' | 'import' | 'transfer_in';
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PartyMemberPostTable {
  id: string;
  member_id: string;
  org_id: string;
  post: string;
  from_on: string;
  to_on: string | null;
  created_at: string;
}

export interface PartyImportTable {
  id: string;
  attachment_id: string;
  file_name: string;
  format: string;
  org_id: string;
  org_path: string;
  columns: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total_rows: number | null;
  processed_rows: number;
  last_row: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  runner: string | null;
  heartbeat_at: string | null;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface PartyImportRejectionTable {
  import_id: string;
  row_number: number;
  reason: string;
  raw: string;
}

export interface PartyNumberSeqTable {
  scope: string;
  seq: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_org: PartyOrgTable;
    party_member: PartyMemberTable;
    party_member_post: PartyMemberPostTable;
    party_import: PartyImportTable;
    party_import_rejection: PartyImportRejectionTable;
    party_number_seq: PartyNumberSeqTable;
  }
}
