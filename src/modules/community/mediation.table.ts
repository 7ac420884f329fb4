/** 纠纷调解: row types of the mediation tables (see migrations/2026_11_26_0470_create_mediation.ts). */

export const MEDIATION_STATUSES = ['accepted', 'in_mediation', 'agreed', 'failed', 'withdrawn', 'closed'] as const;
export type MediationStatus = (typeof MEDIATION_STATUSES)[number];

export const MEDIATION_CATEGORIES = ['邻里纠纷', '婚姻家庭', '物业纠纷', '房屋土地', '劳动争议', '损害赔偿', '其他'] as const;
export type MediationCategory = (typeof MEDIATION_CATEGORIES)[number];

export type MediationOutcome = 'agreed' | 'failed' | 'withdrawn';
export type MediationMemberRole = 'registrar' | 'assigner' | 'lead' | 'helper';
export type MediationSide = 'applicant' | 'respondent';

export interface MediationCaseTable {
  id: string;
  number: string;
  org_node_id: string;
  org_path: string;
  community_id: string;
  category: MediationCategory;
  summary_enc: string;
  /** `walk_in`, `referral` or `event:<id>`. */
  source: string;
  source_event_id: string | null;
  referral_from: string | null;
  status: MediationStatus;
  outcome: MediationOutcome | null;
  /** 调解不成: where the parties were pointed (诉讼, 仲裁 …); 撤回: why. */
  outcome_note_enc: string | null;
  /** 回访: what the follow-up found, written when closing. */
  follow_up_enc: string | null;
  accepted_at: string;
  started_at: string | null;
  decided_at: string | null;
  closed_at: string | null;
  registered_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MediationNumberSeqTable {
  scope: string;
  seq: number;
}

export interface MediationMemberTable {
  case_id: string;
  user_id: string;
  role: MediationMemberRole;
  added_by: string | null;
  added_at: string;
  /** A mediator taken off the case loses sight of it; registrar and assigner rows stay. */
  removed_at: string | null;
}

export interface MediationPartyTable {
  id: string;
  case_id: string;
  side: MediationSide;
  /** A registry person; null for someone typed by name and phone. */
  person_id: string | null;
  /** The registry name when the party was added, or the typed name. */
  name: string;
  /** Typed parties only (registry people keep theirs in the registry): encrypted, blind index, masking parts. */
  phone_enc: string | null;
  phone_idx: string | null;
  phone_prefix: string | null;
  phone_tail: string | null;
  note: string | null;
  added_by: string;
  added_at: string;
  removed_at: string | null;
}

export interface MediationSessionTable {
  id: string;
  case_id: string;
  seq: number;
  held_at: string;
  place: string;
  attendees_enc: string;
  record_enc: string;
  next_step_enc: string | null;
  created_by: string;
  created_at: string;
}

export interface MediationAgreementTable {
  case_id: string;
  text_enc: string;
  terms_enc: string;
  /** `YYYY-MM-DD`. */
  performance_deadline: string | null;
  /** `YYYY-MM-DD`; the agreement counts as signed once this is set. */
  signed_on: string | null;
  /** 1 performed, 0 not performed, null not yet known. */
  performed: number | null;
  performance_note_enc: string | null;
  performance_recorded_at: string | null;
  updated_by: string;
  created_at: string;
  updated_at: string;
}

export interface MediationStepTable {
  id: string;
  case_id: string;
  version: number;
  action: string;
  from_status: MediationStatus | null;
  to_status: MediationStatus | null;
  note_enc: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

export interface MediationAttachmentTable {
  case_id: string;
  attachment_id: string;
  added_by: string;
  added_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    mediation_case: MediationCaseTable;
    mediation_number_seq: MediationNumberSeqTable;
    mediation_member: MediationMemberTable;
    mediation_party: MediationPartyTable;
    mediation_session: MediationSessionTable;
    mediation_agreement: MediationAgreementTable;
    mediation_step: MediationStepTable;
    mediation_attachment: MediationAttachmentTable;
  }
}
