/** 数据共享交换: department systems registered as clients, their scoped keys, rate windows and residents' consents. */

export type ClientStatus = 'active' | 'suspended';

export interface ExchangeClientTable {
  id: string;
  /** The department (department.code) whose mandate bounds every key of this client. */
  department_code: string;
  name: string;
  /** Contact person and how to reach them (shown masked). */
  contact: string;
  status: ClientStatus;
  /** The widest subtree any key of the client may reach. */
  org_node_id: string;
  org_path: string;
  /** JSON array of life events (person.born, person.died) the department is entitled to by law. */
  life_events: string;
  /** The legal basis of the exchange (法律法规依据), shown on the department's page. */
  legal_basis: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExchangeKeyTable {
  id: string;
  client_id: string;
  name: string;
  /** First characters of the key, to recognise it in lists (`lx_ab12cd34`). */
  prefix: string;
  /** sha256 of the whole key: the key itself is shown once and never stored. */
  key_hash: string;
  /** JSON arrays: tags (⊆ mandate tags), fields (mandate fields, plus fields shared with consent). */
  tags: string;
  fields: string;
  org_node_id: string;
  org_path: string;
  purpose: string;
  rate_per_minute: number;
  created_by: string | null;
  created_at: string;
  /** The key stops working at this time (rotation's cut-over, or an expiry). */
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  /** The key that replaced this one at rotation. */
  replaced_by: string | null;
  last_used_at: string | null;
}

/** Requests per key and minute, counted in the database so the limit holds across processes. */
export interface ExchangeRateTable {
  key_id: string;
  /** `YYYY-MM-DDTHH:MM` (UTC). */
  window: string;
  count: number;
}

/** A resident's consent to share one field with one department beyond its legal mandate. */
export interface ExchangeConsentTable {
  id: string;
  person_id: string;
  department_code: string;
  field: string;
  /** `YYYY-MM-DD`, inclusive. */
  valid_from: string;
  valid_to: string | null;
  /** How the consent was given (书面同意书编号 …). */
  evidence: string;
  recorded_by: string | null;
  recorded_at: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  /** Why it was withdrawn (ID and phone numbers masked before storing). */
  withdraw_reason: string | null;
  /** The signed consent form, uploaded through /api/v1/files (purpose `exchange.consent`). */
  evidence_attachment_id: string | null;
}

/** One read through a key (or its refusal): the department's page lists these. */
export interface ExchangeReadTable {
  id: string;
  client_id: string;
  key_id: string;
  at: string;
  action: string;
  outcome: 'success' | 'denied';
  purpose: string;
  /** People in the answer. */
  people: number;
  /** Why it was refused, or what was asked (JSON). */
  detail: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    exchange_client: ExchangeClientTable;
    exchange_key: ExchangeKeyTable;
    exchange_rate: ExchangeRateTable;
    exchange_consent: ExchangeConsentTable;
    exchange_read: ExchangeReadTable;
  }
}
