import type { Role } from '../platform/policy/roles.js';

/** The roles `linli create-admin` may grant: the three separated admin roles of 等保. */
export const CLI_ADMIN_ROLES = ['system_admin', 'security_admin', 'auditor'] as const satisfies readonly Role[];
export type CliAdminRole = (typeof CLI_ADMIN_ROLES)[number];
