import type { Gender } from '../../platform/cn/id-number.js';

export type ResidenceType = '户籍人口' | '流动人口' | '境外人员';
export type PersonStatus = 'active' | 'moved_out' | 'deceased' | 'transferred';
export type HouseholdResidenceStatus = '人户同在' | '户在人不在' | '人在户不在' | '空挂户';
export type DwellingRelation = 'owner' | 'tenant' | 'resident';
export type OrganisationKind = 'enterprise' | 'shop' | 'social_org' | 'public_institution' | 'other';
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
  /** 政治面貌 (中共党员, 共青团员, 群众 …). */
  political_status: string | null;
  /** 学历. */
  education: string | null;
  /** 婚姻状况 (未婚, 已婚, 离婚, 丧偶). */
  marital_status: string | null;
  /** 户籍地 (address text). */
  hukou_address: string | null;
  household_residence_status: HouseholdResidenceStatus | null;
  /** 与户主关系, GB/T 4761-2008 code ('02' 户主, '10' 配偶, '20' 子 …; see src/platform/cn/codes.ts). */
  relation_to_head: string | null;
  occupation: string | null;
  /** How the record ended: moved_out | deceased | transferred; with date and reason. Never deleted. */
  end_kind: string | null;
  end_date: string | null;
  end_reason: string | null;
  ended_at: string | null;
}

/** A person's link to a dwelling (人房关联): owner, tenant, or lives here. */
export interface PersonDwellingTable {
  id: string;
  person_id: string;
  dwelling_id: string;
  relation: DwellingRelation;
  from_date: string | null;
  to_date: string | null;
  created_at: string;
  ended_at: string | null;
}

/** One changed field of a person: who, when, old and new (sensitive values masked). */
export interface PersonChangeTable {
  id: string;
  person_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  reason: string | null;
  source: 'form' | 'import' | 'correction' | 'system' | 'party';
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

/** An organisation in a grid (企业, 商户, 社会组织 …) with its contact. */
export interface OrganisationTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  credit_code: string | null;
  org_node_id: string;
  org_path: string;
  address: string | null;
  legal_representative: string | null;
  contact_name: string | null;
  contact_phone_enc: string | null;
  contact_phone_idx: string | null;
  contact_phone_prefix: string | null;
  contact_phone_tail: string | null;
  employees: number | null;
  note: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

/** A resident's request to correct their record: a task for their grid worker. */
export interface CorrectionRequestTable {
  id: string;
  person_id: string;
  requester_user_id: string;
  field: string;
  requested_value: string | null;
  note: string | null;
  status: 'open' | 'done' | 'rejected';
  org_path: string;
  handled_by: string | null;
  handled_at: string | null;
  response: string | null;
  created_at: string;
}

/** Who looked at a person's data and why: what the resident sees (PIPL right to know). */
export interface PersonAccessTable {
  id: string;
  person_id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  department_code: string | null;
  kind: 'view' | 'unmask' | 'list' | 'export' | 'ledger' | 'lookup';
  purpose: string | null;
}

/** Search index of a person: name, full pinyin, initials and address text, under its path. */
export interface PersonSearchTable {
  person_id: string;
  org_path: string;
  name: string;
  name_pinyin: string;
  name_initials: string;
  address: string | null;
  /** The person's community (or the street, district or city node above any community): see search.index.ts. */
  area_path: string | null;
  /** The person's record status, copied so a search can keep to active records on the index (migration 0992). */
  status: string;
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
  rental_start: string | null;
  rental_end: string | null;
  rental_note: string | null;
  updated_at: string | null;
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
    person_dwelling_link: PersonDwellingTable;
    person_change: PersonChangeTable;
    organisation: OrganisationTable;
    correction_request: CorrectionRequestTable;
    person_access: PersonAccessTable;
    person_search: PersonSearchTable;
  }
}
