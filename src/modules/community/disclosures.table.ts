export type DisclosureCategory = 'affairs' | 'finance' | 'party';
export type DisclosureFrequency = 'monthly' | 'quarterly' | 'yearly';

export interface DisclosureScheduleTable {
  id: string;
  org_node_id: string;
  org_path: string;
  category: DisclosureCategory;
  title: string;
  frequency: DisclosureFrequency;
  due_days: number;
  active: number;
  created_at: string;
}

export interface DisclosureItemTable {
  id: string;
  org_node_id: string;
  org_path: string;
  category: DisclosureCategory;
  title: string;
  body: string;
  amount_fen: number | null;
  schedule_id: string | null;
  period: string | null;
  attachments: string;
  status: 'draft' | 'published' | 'withdrawn';
  findings: string | null;
  published_at: string | null;
  published_by: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DisclosureLateTable {
  schedule_id: string;
  period: string;
  due_at: string;
  warned_at: string;
}

export interface DisclosureQuestionTable {
  id: string;
  item_id: string;
  asker_user_id: string;
  asker_label: string;
  question: string;
  answer: string | null;
  answered_by_name: string | null;
  answered_at: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    disclosure_schedule: DisclosureScheduleTable;
    disclosure_item: DisclosureItemTable;
    disclosure_late: DisclosureLateTable;
    disclosure_question: DisclosureQuestionTable;
  }
}
