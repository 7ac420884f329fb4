import { lazy } from 'react';
import { addMessages } from '../../../shared/i18n.js';
import { Icon } from '../../../shared/icons.js';
import { hasRole } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';

addMessages({
  'audit.menu': { 'zh-CN': '审计日志', en: 'Audit log' },
  'audit.title': { 'zh-CN': '审计日志', en: 'Audit log' },
  'audit.seq': { 'zh-CN': '序号', en: 'No.' },
  'audit.at': { 'zh-CN': '时间', en: 'Time' },
  'audit.actor': { 'zh-CN': '操作人', en: 'Actor' },
  'audit.action': { 'zh-CN': '操作', en: 'Action' },
  'audit.outcome': { 'zh-CN': '结果', en: 'Outcome' },
  'audit.target': { 'zh-CN': '对象', en: 'Target' },
  'audit.ip': { 'zh-CN': 'IP 地址', en: 'IP address' },
  'audit.details': { 'zh-CN': '详情', en: 'Details' },
  'audit.from': { 'zh-CN': '开始日期', en: 'From' },
  'audit.to': { 'zh-CN': '结束日期', en: 'To' },
  'audit.targetId': { 'zh-CN': '对象编号', en: 'Target id' },
  'audit.outcome.success': { 'zh-CN': '成功', en: 'Success' },
  'audit.outcome.failure': { 'zh-CN': '失败', en: 'Failure' },
  'audit.outcome.denied': { 'zh-CN': '拒绝', en: 'Denied' },
  'audit.prev': { 'zh-CN': '上一页', en: 'Previous' },
  'audit.next': { 'zh-CN': '下一页', en: 'Next' },
  'audit.perPage': { 'zh-CN': '{n} 条/页', en: '{n} / page' },
  'audit.pageNo': { 'zh-CN': '第 {n} 页', en: 'Page {n}' },
  'audit.readIsAudited': { 'zh-CN': '查询审计日志本身也会被记录。', en: 'Reading the audit log is itself recorded.' },
});

const AuditPage = lazy(() => import('./AuditPage.js'));

export const auditModule: ConsoleModule = {
  name: 'audit',
  // Only auditors read the trail (等保 separation of duties); the server enforces audit.read.
  menu: [{ key: 'audit', path: '/audit', label: 'audit.menu', icon: <Icon name="shield" />, order: 70, visible: (me) => hasRole(me, 'auditor') }],
  routes: [{ path: '/audit', component: AuditPage }],
};
