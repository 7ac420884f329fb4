/** 咨询 tables (see migrations/2026_11_26_0311_create_consultations.ts). */

export type ConsultationKind = 'legal' | 'medical';
/** submitted 待指派 → assigned 待答复 ⇄ answered 已答复 → closed 已结束. */
export type ConsultationStatus = 'submitted' | 'assigned' | 'answered' | 'closed';

export interface ConsultationProfessionalTable {
  id: string;
  user_id: string;
  kind: ConsultationKind;
  title: string;
  organisation: string;
  intro: string | null;
  org_node_id: string;
  org_path: string;
  active: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConsultationTable {
  id: string;
  code: string;
  kind: ConsultationKind;
  subject_enc: string;
  asker_user_id: string;
  asker_person_id: string | null;
  org_node_id: string;
  org_path: string;
  status: ConsultationStatus;
  assignee_user_id: string | null;
  assigned_by: string | null;
  assigned_at: string | null;
  first_answered_at: string | null;
  last_message_at: string;
  message_count: number;
  closed_at: string | null;
  rating: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConsultationMessageTable {
  id: string;
  consultation_id: string;
  seq: number;
  author_user_id: string;
  author_role: 'asker' | 'professional';
  body_enc: string;
  created_at: string;
}

export interface ConsultationCodeSeqTable {
  day: string;
  seq: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    consultation_professional: ConsultationProfessionalTable;
    consultation: ConsultationTable;
    consultation_message: ConsultationMessageTable;
    consultation_code_seq: ConsultationCodeSeqTable;
  }
}
