import { lazy } from 'react';
import { addMessages } from '../../../shared/i18n.js';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';

addMessages({
  'registry.menu': { 'zh-CN': '居民', en: 'Residents' },
  'registry.title': { 'zh-CN': '居民信息', en: 'Residents' },
  'registry.keyword': { 'zh-CN': '姓名 / 证件号 / 手机号', en: 'Name / ID / mobile' },
  'registry.name': { 'zh-CN': '姓名', en: 'Name' },
  'registry.gender': { 'zh-CN': '性别', en: 'Gender' },
  'registry.birthDate': { 'zh-CN': '出生日期', en: 'Date of birth' },
  'registry.idNumber': { 'zh-CN': '证件号码', en: 'ID number' },
  'registry.phone': { 'zh-CN': '联系电话', en: 'Phone' },
  'registry.address': { 'zh-CN': '住址', en: 'Address' },
  'registry.age': { 'zh-CN': '年龄', en: 'Age' },
  'registry.residenceType': { 'zh-CN': '人口类型', en: 'Residence' },
  'registry.status': { 'zh-CN': '状态', en: 'Status' },
  'registry.status.active': { 'zh-CN': '在册', en: 'Registered' },
  'registry.status.moved_out': { 'zh-CN': '已迁出', en: 'Moved out' },
  'registry.status.deceased': { 'zh-CN': '已故', en: 'Deceased' },
  'registry.keywordHint': { 'zh-CN': '姓名、完整证件号或手机号，或其后四位', en: 'A name, a full ID or mobile number, or its last four characters' },
  'registry.masked': { 'zh-CN': '敏感信息已脱敏显示', en: 'Personal numbers are masked' },
});

// Mirrors registry.person.read in src/modules/registry/registry.policy.ts.
const PeoplePage = lazy(() => import('./PeoplePage.js'));

export const registryModule: ConsoleModule = {
  name: 'registry',
  menu: [{ key: 'people', path: '/people', label: 'registry.menu', icon: <Icon name="team" />, order: 30, visible: (me) => hasRole(me, 'community_staff', 'grid_worker', 'department_officer', 'dispatcher') }],
  routes: [{ path: '/people', component: PeoplePage }],
};
