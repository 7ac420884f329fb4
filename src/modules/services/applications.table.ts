/** The application's states, mirrored on service_application.state (the workflow case holds the truth). */
export type ApplicationState = 'submitted' | 'returned' | 'accepted' | 'approved' | 'completed' | 'rated' | 'refused' | 'denied' | 'withdrawn';

/** `online`: the resident applied; `on_behalf`: staff applied for them (代办). */
export type ApplicationChannel = 'online' | 'on_behalf';
export type ApplicationRating = '满意' | '基本满意' | '不满意';

export interface ServiceApplicationTable {
  id: string;
  code: string;
  matter_id: string;
  matter_code: string;
  /** The version of the guide (and its form) the application was made against. */
  matter_version: number;
  matter_name: string;
  group_code: string;
  state: ApplicationState;
  workflow_instance_id: string | null;
  org_node_id: string;
  org_path: string;
  channel: ApplicationChannel;
  applicant_user_id: string | null;
  applicant_person_id: string;
  applicant_name: string;
  applicant_id_enc: string | null;
  applicant_id_masked: string | null;
  applicant_phone_enc: string | null;
  applicant_phone_masked: string | null;
  applicant_address: string | null;
  agent_user_id: string | null;
  agent_name: string | null;
  agent_reason: string | null;
  /** JSON: field key → value; ID and phone fields typed in the form are stored encrypted ({"enc": …}). */
  form_data: string;
  /** JSON string[]: material codes handed in on paper (代办 at the window). */
  paper_materials: string;
  /** JSON string[]: the materials the last 退回补正 asked for. */
  missing_materials: string;
  /** The state a 退回补正 came from (submitted or accepted): where the resubmission goes back to. */
  returned_from: string | null;
  assignee_user_id: string | null;
  submitted_at: string;
  accepted_at: string | null;
  approved_at: string | null;
  completed_at: string | null;
  /** When it ended without completion (refused, denied, withdrawn). */
  closed_at: string | null;
  last_returned_at: string | null;
  resubmitted_at: string | null;
  return_count: number;
  refusal_reason: string | null;
  /** 办结意见 / result. */
  result: string | null;
  stage_started_at: string | null;
  due_at: string | null;
  /** 80 % of the running stage's working time: the deadline job warns once it passes. */
  warn_at: string | null;
  warned_at: string | null;
  overdue_at: string | null;
  promise_due_at: string | null;
  completed_on_time: number | null;
  rating: ApplicationRating | null;
  rating_comment: string | null;
  rated_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ServiceApplicationMaterialTable {
  application_id: string;
  attachment_id: string;
  material_code: string;
  step: string;
  created_by: string | null;
  created_at: string;
}

export interface ServiceApplicationCodeSeqTable {
  day: string;
  seq: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    service_application: ServiceApplicationTable;
    service_application_material: ServiceApplicationMaterialTable;
    service_application_code_seq: ServiceApplicationCodeSeqTable;
  }
}
