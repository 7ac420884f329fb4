import type { Gender } from '../../platform/cn/id-number.js';

export type ResidenceType = '户籍人口' | '流动人口' | '境外人员';
export type PersonStatus = 'active' | 'moved_out' | 'deceased';
export type IdType = '居民身份证' | '港澳台居民居住证' | '护照' | '外国人永久居留身份证';
export type DwellingUse = '自住' | '出租' | '空置' | '商用';

/**
 * A person (人). Full ID and phone numbers exist only encrypted (`*_enc`); beside them a
 * blind index for exact look-up (`*_idx`) and the parts that masking shows, kept in clear
 * so a list never decrypts: the 6-digit region of the ID number, the first three digits of
 * the mobile (the carrier block), the last four of each.
 */
export interface PersonTable {
  id: string;
  name: string;
  id_type: IdType;
  id_number_enc: string | null;
  id_number_idx: string | null;
  id_number_region: string | null;
  id_number_tail: string | null;
  gender: Gender;
  /** `YYYY-MM-DD`. */
  birth_date: string | null;
  phone_enc: string | null;
  phone_idx: string | null;
  phone_prefix: string | null;
  phone_tail: string | null;
  ethnicity: string | null;
  residence_type: ResidenceType;
  household_id: string | null;
  /** The org_node (kind dwelling) the person lives in (人房关联). */
  dwelling_id: string | null;
  /** The path of the person's node (its dwelling, or the community when the dwelling is unknown): subtree filters are a prefix range on it. */
  org_path: string;
  status: PersonStatus;
  created_at: string;
  updated_at: string;
}

/** A household (户): its 户号, its head, the dwelling it lives in. */
export interface HouseholdTable {
  id: string;
  number: string;
  head_person_id: string | null;
  dwelling_id: string | null;
  org_path: string;
  created_at: string;
}

/** What the registry knows about a dwelling org_node beyond its place in the tree. */
export interface DwellingInfoTable {
  org_node_id: string;
  area_m2: number | null;
  use: DwellingUse;
}

/**
 * What the registry knows about a building: the 居民小组 (resident group) it belongs to. The
 * seed paper's 67 resident groups cut across the 12 grids, so they are a property of the
 * building rather than a level of the organisation tree.
 */
export interface BuildingInfoTable {
  org_node_id: string;
  resident_group: number | null;
  floors: number | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    person: PersonTable;
    household: HouseholdTable;
    dwelling_info: DwellingInfoTable;
    building_info: BuildingInfoTable;
  }
}
