/** Table types of 党员学习 (migration 2026_11_26_0650_create_party_study). */

export type StudyKind = 'article' | 'link';

export interface PartyStudyMaterialTable {
  id: string;
  org_id: string;
  party_path: string;
  org_path: string;
  kind: StudyKind;
  title: string;
  body: string;
  url: string | null;
  source: string | null;
  suggested_minutes: number | null;
  due_on: string | null;
  status: 'published' | 'withdrawn';
  withdraw_reason: string | null;
  assigned_count: number;
  created_by: string;
  created_by_name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PartyStudyRecordTable {
  material_id: string;
  member_id: string;
  assigned_at: string;
  opened_at: string | null;
  read_at: string | null;
  seconds: number;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_study_material: PartyStudyMaterialTable;
    party_study_record: PartyStudyRecordTable;
  }
}
