export type VolunteerStatus = 'active' | 'inactive';
export type TeamKind = 'service' | 'supervision';
export type TeamRole = 'leader' | 'member';
export type ObservationStatus = 'filed' | 'forwarded' | 'dismissed';

export interface VolunteerNumberSeqTable {
  scope: string;
  seq: number;
}

export interface VolunteerTable {
  id: string;
  org_node_id: string;
  org_path: string;
  number: string;
  user_id: string | null;
  person_id: string | null;
  name: string;
  id_type: string;
  id_number_enc: string | null;
  id_number_idx: string | null;
  id_masked: string | null;
  phone_enc: string | null;
  phone_masked: string | null;
  skills: string;
  availability: string;
  intro: string | null;
  status: VolunteerStatus;
  consent_version: string;
  consent_text: string;
  consent_at: string;
  consent_how: 'online' | 'paper';
  registered_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolunteerTeamTable {
  id: string;
  org_node_id: string;
  org_path: string;
  name: string;
  kind: TeamKind;
  description: string;
  active: number;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolunteerTeamMemberTable {
  team_id: string;
  volunteer_id: string;
  role: TeamRole;
  joined_at: string;
}

export interface VolunteerObservationTable {
  id: string;
  team_id: string;
  volunteer_id: string;
  org_node_id: string;
  org_path: string;
  title: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  attachments: string;
  status: ObservationStatus;
  event_id: string | null;
  handled_by: string | null;
  handled_by_name: string | null;
  handled_at: string | null;
  dismiss_reason: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    volunteer_number_seq: VolunteerNumberSeqTable;
    volunteer: VolunteerTable;
    volunteer_team: VolunteerTeamTable;
    volunteer_team_member: VolunteerTeamMemberTable;
    volunteer_observation: VolunteerObservationTable;
  }
}
