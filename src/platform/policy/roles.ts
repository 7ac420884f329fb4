/**
 * Roles, granted on a subtree of the organisation tree (role_grant.org_node_id). The three
 * admin roles of 等保 are separate: the system admin runs the system, the security admin
 * grants roles and unlocks accounts, the auditor alone reads the audit log; none can erase it.
 */
export const ROLES = [
  'system_admin',
  'security_admin',
  'auditor',
  'dispatcher',
  'community_staff',
  'grid_worker',
  'department_officer',
  'party_secretary',
  'volunteer',
  'provider',
  'resident',
  'api_client',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { 'zh-CN': string; en: string }> = {
  system_admin: { 'zh-CN': '系统管理员', en: 'System admin' },
  security_admin: { 'zh-CN': '安全管理员', en: 'Security admin' },
  auditor: { 'zh-CN': '审计员', en: 'Auditor' },
  dispatcher: { 'zh-CN': '街道指挥中心', en: 'Sub-district dispatcher' },
  community_staff: { 'zh-CN': '社区工作人员', en: 'Community staff' },
  grid_worker: { 'zh-CN': '网格员', en: 'Grid worker' },
  department_officer: { 'zh-CN': '部门人员', en: 'Department officer' },
  party_secretary: { 'zh-CN': '党组织书记', en: 'Party secretary' },
  volunteer: { 'zh-CN': '志愿者', en: 'Volunteer' },
  provider: { 'zh-CN': '服务商', en: 'Service provider' },
  resident: { 'zh-CN': '居民', en: 'Resident' },
  /** An outside system (an Open311 client) acting through an API token. */
  api_client: { 'zh-CN': '外部系统', en: 'API client' },
};

/** Roles that must use a second factor outside demo mode. */
export const ADMIN_ROLES: Role[] = ['system_admin', 'security_admin', 'auditor'];
/** Roles that work the console (the others use the resident pages). */
export const STAFF_ROLES: Role[] = [
  'system_admin',
  'security_admin',
  'auditor',
  'dispatcher',
  'community_staff',
  'grid_worker',
  'department_officer',
  'party_secretary',
];

/**
 * Permission → the roles that hold it, as data (modules add theirs with `registerPermissions`).
 * The subtree a permission reaches is the subtree of the grant that carries the role.
 */
const permissions = new Map<string, Set<Role>>();

export function registerPermissions(map: Record<string, readonly Role[]>): void {
  for (const [permission, roles] of Object.entries(map)) {
    const set = permissions.get(permission) ?? new Set<Role>();
    for (const r of roles) set.add(r);
    permissions.set(permission, set);
  }
}

export function rolesWith(permission: string): Set<Role> {
  return permissions.get(permission) ?? new Set();
}

export function knownPermission(permission: string): boolean {
  return permissions.has(permission);
}

export function allPermissions(): Record<string, Role[]> {
  return Object.fromEntries([...permissions].map(([p, r]) => [p, [...r]]));
}

registerPermissions({
  'org.read': ['system_admin', 'security_admin', 'dispatcher', 'community_staff', 'grid_worker', 'department_officer', 'party_secretary'],
  'org.manage': ['system_admin'],
  'user.read': ['system_admin', 'security_admin'],
  'user.manage': ['system_admin'],
  'grant.manage': ['security_admin'],
  'account.unlock': ['security_admin'],
  'audit.read': ['auditor'],
  /** See full ID and phone numbers, with a stated purpose (audited). */
  'pii.unmask': ['community_staff', 'grid_worker', 'department_officer'],
  // The holiday calendar is deployment-wide, so only the system admin edits it.
  'calendar.manage': ['system_admin'],
});
