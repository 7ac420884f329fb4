/** Table types of 好人好事银行 (migration 2026_11_26_0670_create_good_deeds). */

export type DeedStatus = 'pending' | 'verified' | 'rejected';
export type NameDisplay = 'masked' | 'consent';

/** A witness as stored: the phone only encrypted and masked. */
export interface StoredWitness {
  name: string;
  phoneEnc?: string;
  phoneMasked?: string;
}

export interface GoodDeedTable {
  id: string;
  org_node_id: string;
  org_path: string;
  doer_person_id: string | null;
  doer_name: string | null;
  title: string;
  description: string;
  happened_on: string;
  place: string | null;
  witnesses: string;
  photo_count: number;
  name_consent: number;
  status: DeedStatus;
  reporter_user_id: string;
  reporter_person_id: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  reject_reason: string | null;
  award_id: string | null;
  points: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GoodDeedSettingTable {
  org_node_id: string;
  org_path: string;
  name_display: NameDisplay;
  updated_by: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    good_deed: GoodDeedTable;
    good_deed_setting: GoodDeedSettingTable;
  }
}
