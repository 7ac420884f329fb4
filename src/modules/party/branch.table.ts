/** Table types of 网上E支部 (migration 2026_11_26_0660_create_party_branch). */

export interface PartyBranchNoticeTable {
  id: string;
  org_id: string;
  party_path: string;
  org_path: string;
  title: string;
  body: string;
  pinned: number;
  status: 'published' | 'withdrawn';
  withdraw_reason: string | null;
  created_by: string;
  created_by_name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PartyBranchPostTable {
  id: string;
  org_id: string;
  party_path: string;
  author_member_id: string;
  author_user_id: string;
  body: string;
  status: 'visible' | 'hidden';
  hidden_reason: string | null;
  hidden_by: string | null;
  hidden_at: string | null;
  comment_count: number;
  last_activity_at: string;
  created_at: string;
  updated_at: string;
}

export interface PartyBranchCommentTable {
  id: string;
  post_id: string;
  author_member_id: string;
  author_user_id: string;
  body: string;
  status: 'visible' | 'hidden';
  hidden_reason: string | null;
  created_at: string;
}

export interface PartyBranchTaskTable {
  id: string;
  org_id: string;
  party_path: string;
  org_path: string;
  title: string;
  description: string;
  due_on: string;
  status: 'open' | 'closed';
  assignee_count: number;
  done_count: number;
  created_by: string;
  created_by_name: string;
  closed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PartyBranchTaskMemberTable {
  task_id: string;
  member_id: string;
  status: 'open' | 'done';
  done_at: string | null;
  note: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_branch_notice: PartyBranchNoticeTable;
    party_branch_post: PartyBranchPostTable;
    party_branch_comment: PartyBranchCommentTable;
    party_branch_task: PartyBranchTaskTable;
    party_branch_task_member: PartyBranchTaskMemberTable;
  }
}
