import type { Role } from '../platform/policy/roles.js';

export const DEMO_PASSWORD = 'Linli@2026';

/** Where a demo account's grant sits, by the demo tree's well-known node keys. */
export type DemoNodeKey = 'city' | 'street' | 'xishan' | 'grid01' | 'grid02' | 'dongshan';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  node: DemoNodeKey;
  departmentCode?: string;
  /** Residents, volunteers and party members are people in the registry too. */
  isPerson?: boolean;
}

/** The accounts listed in the README, all with password Linli@2026. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'system_admin', node: 'city' },
  { username: 'security', displayName: '安全管理员', role: 'security_admin', node: 'city' },
  { username: 'auditor', displayName: '审计员', role: 'auditor', node: 'city' },
  { username: 'street', displayName: '硖石街道指挥中心 周建国', role: 'dispatcher', node: 'street' },
  { username: 'xishan', displayName: '西山社区 王秀英', role: 'community_staff', node: 'xishan' },
  { username: 'grid01', displayName: '网格员 李建华', role: 'grid_worker', node: 'grid01' },
  { username: 'grid02', displayName: '网格员 陈丽娟', role: 'grid_worker', node: 'grid02' },
  { username: 'civil', displayName: '民政办 张伟', role: 'department_officer', node: 'street', departmentCode: 'civil' },
  { username: 'party', displayName: '西山社区党委书记 沈国良', role: 'party_secretary', node: 'xishan' },
  { username: 'volunteer01', displayName: '志愿者 徐美玲', role: 'volunteer', node: 'xishan', isPerson: true },
  { username: 'provider01', displayName: '海宁市乐龄居家养老服务中心', role: 'provider', node: 'xishan' },
  { username: 'resident01', displayName: '居民 朱志强', role: 'resident', node: 'grid01', isPerson: true },
  // An outside system: reports through Open311 with the demo API token (see src/modules/events/open311).
  { username: 'open311', displayName: 'Open311 演示客户端（随手拍）', role: 'api_client', node: 'city' },
];

/**
 * Departments and their legal mandate: which special-group tags and which fields of a person
 * each may see. The registry enforces it; the data exchange module scopes keys with it.
 */
export const DEMO_DEPARTMENTS = [
  {
    code: 'civil',
    name: '民政',
    mandate: { tags: ['低保', '特困', '残疾人', '独居老人', '高龄老人', '空巢老人', '留守儿童'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] },
  },
  { code: 'health', name: '卫健', mandate: { tags: ['育龄妇女', '高龄老人', '残疾人'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] } },
  { code: 'social-security', name: '人社', mandate: { tags: ['低保', '退役军人'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'tags'] } },
  { code: 'veterans', name: '退役军人事务', mandate: { tags: ['退役军人'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] } },
  { code: 'public-security', name: '综治', mandate: { tags: ['重点人员'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] } },
];
