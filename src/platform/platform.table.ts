import type { Generated } from 'kysely';

export type OrgNodeKind = 'city' | 'district' | 'street' | 'community' | 'grid' | 'building' | 'unit' | 'dwelling';

export interface OrgNodeTable {
  id: string;
  parent_id: string | null;
  kind: OrgNodeKind;
  name: string;
  code: string | null;
  path: string;
  depth: number;
  sort: number;
  /** GeoJSON geometry: Polygon for grids and communities, Point for buildings. */
  geometry: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

export interface DepartmentTable {
  code: string;
  name: string;
  /** JSON `{ tags: string[], fields: string[] }`: what the department's legal mandate covers. */
  mandate: string;
}

export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: string | null;
  totp_secret_enc: string | null;
  totp_enabled: number;
  totp_last_step: number | null;
  disabled: number;
  is_demo: number;
  person_id: string | null;
  locale: string | null;
  created_at: string;
  password_changed_at: string | null;
}

export interface RoleGrantTable {
  id: string;
  user_id: string;
  role: string;
  org_node_id: string;
  department_code: string | null;
  granted_by: string | null;
  granted_at: string;
}

export interface UserSessionTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  org_node_id: string | null;
  ip: string | null;
  outcome: 'success' | 'denied' | 'failure';
  purpose: string | null;
  details: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

declare module './db/schema.js' {
  interface Database {
    org_node: OrgNodeTable;
    department: DepartmentTable;
    app_user: AppUserTable;
    role_grant: RoleGrantTable;
    user_session: UserSessionTable;
    api_token: ApiTokenTable;
    audit_log: AuditLogTable;
    audit_chain_head: AuditChainHeadTable;
  }
}
