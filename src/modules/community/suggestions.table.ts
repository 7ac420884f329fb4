export type SuggestionStatus = 'submitted' | 'answered' | 'hidden';

export interface SuggestionTable {
  id: string;
  org_node_id: string;
  org_path: string;
  author_user_id: string;
  author_person_id: string | null;
  author_label: string;
  category: string;
  title: string;
  content: string;
  public: number;
  status: SuggestionStatus;
  answer: string | null;
  answered_by: string | null;
  answered_by_name: string | null;
  answered_at: string | null;
  answer_due_at: string;
  answered_on_time: number | null;
  event_id: string | null;
  hidden_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    suggestion: SuggestionTable;
  }
}
