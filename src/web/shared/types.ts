/**
 * Shapes the web app reads from the API. They follow the server's zod schemas
 * (src/platform/auth/auth.routes.ts, src/platform/org/org.routes.ts); type-only imports keep
 * server code out of the bundles.
 */
import type { Role } from '../../platform/policy/roles.js';

export type { Role };
export type Locale = 'zh-CN' | 'en';

export interface RoleGrant {
  role: Role;
  orgNodeId: string;
  departmentCode: string | null;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: RoleGrant[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  mustEnrolTotp: boolean;
  personId: string | null;
  csrfToken?: string;
}

export type OrgNodeKind = 'city' | 'district' | 'street' | 'community' | 'grid' | 'building' | 'unit' | 'dwelling';
export const ORG_NODE_KINDS: OrgNodeKind[] = ['city', 'district', 'street', 'community', 'grid', 'building', 'unit', 'dwelling'];

export type Position = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface OrgNode {
  id: string;
  parentId: string | null;
  kind: OrgNodeKind;
  name: string;
  code: string | null;
  depth: number;
  geometry: Geometry | null;
}

export interface OrgNodeWithAncestors extends OrgNode {
  ancestors: { id: string; name: string; kind: OrgNodeKind }[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
}

export interface Feature<P = Record<string, unknown>> {
  type: 'Feature';
  id?: string | number;
  properties: P;
  geometry: Geometry | null;
}

export interface FeatureCollection<P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: Feature<P>[];
}

export interface OrgFeatureProps {
  id: string;
  name: string;
  kind: OrgNodeKind;
  code: string | null;
}

export interface OrgGeoJson extends FeatureCollection<OrgFeatureProps> {
  parent: OrgNode;
}

/** Mirrors STAFF_ROLES in src/platform/policy/roles.ts: these roles work the console. */
export const STAFF_ROLES: readonly Role[] = [
  'system_admin',
  'security_admin',
  'auditor',
  'dispatcher',
  'community_staff',
  'grid_worker',
  'department_officer',
  'party_secretary',
];

export function hasRole(me: Me | null | undefined, ...roles: Role[]): boolean {
  return !!me && me.roles.some((g) => roles.includes(g.role));
}

export function isStaff(me: Me | null | undefined): boolean {
  return hasRole(me, ...STAFF_ROLES);
}

/** Mirrors CHILD_KIND in src/platform/org/org.service.ts: the kind one level down. */
export const CHILD_KIND: Record<OrgNodeKind, OrgNodeKind | null> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'building',
  building: 'unit',
  unit: 'dwelling',
  dwelling: null,
};
