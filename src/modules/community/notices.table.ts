export type NoticeStatus = 'draft' | 'published' | 'withdrawn';
export type NoticeCategory = 'notice' | 'announcement' | 'news';

export interface NoticeTable {
  id: string;
  org_node_id: string;
  org_path: string;
  category: NoticeCategory;
  title: string;
  body: string;
  audience: string;
  audience_label: string;
  attachments: string;
  channels: string;
  pinned: number;
  status: NoticeStatus;
  recipient_count: number;
  published_at: string | null;
  published_by: string | null;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface NoticeRecipientTable {
  notice_id: string;
  person_id: string;
  user_id: string | null;
  org_path: string;
  read_at: string | null;
  informed_at: string | null;
  informed_by: string | null;
  informed_how: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    notice: NoticeTable;
    notice_recipient: NoticeRecipientTable;
  }
}
