import type { Executor } from '../../platform/db/database.js';
import { eventDemandSource } from '../events/events.facts.js';
import { applicationDemandSource, consultationDemandSource, orderDemandSource } from '../services/services.facts.js';
import { forumDemandSource, suggestionDemandSource } from '../community/community.facts.js';
import { correctionDemandSource } from '../registry/registry.facts.js';
import type { DemandSource } from '../../platform/demands/demand-source.js';
import type { DemandKind } from './demands.sql.js';

/** Where each kind of demand comes from: a facts function of its own module (the only SQL on its table). */
export const DEMAND_SOURCES: Record<DemandKind, (db: Executor) => DemandSource> = {
  event: eventDemandSource,
  application: applicationDemandSource,
  order: orderDemandSource,
  consultation: consultationDemandSource,
  suggestion: suggestionDemandSource,
  correction: correctionDemandSource,
  forum: forumDemandSource,
};

/** Labels and the unit that answers each kind (groupBy=unit). */
export const KIND_LABELS: Record<DemandKind, { 'zh-CN': string; en: string; unit: string; unitEn: string }> = {
  event: { 'zh-CN': '网格事件', en: 'Grid event', unit: '网格与街道指挥中心', unitEn: 'Grids and dispatch centre' },
  application: { 'zh-CN': '办事申请', en: 'Application', unit: '便民服务中心', unitEn: 'Service centre' },
  order: { 'zh-CN': '便民服务订单', en: 'Service order', unit: '便民服务商', unitEn: 'Service providers' },
  consultation: { 'zh-CN': '专业咨询', en: 'Consultation', unit: '法律 / 医疗专业人员', unitEn: 'Lawyers and doctors' },
  suggestion: { 'zh-CN': '意见建议', en: 'Suggestion', unit: '社区居委会', unitEn: 'Community office' },
  correction: { 'zh-CN': '信息更正', en: 'Correction request', unit: '网格员（人口信息）', unitEn: 'Grid workers (registry)' },
  forum: { 'zh-CN': '论坛提问', en: 'Forum question', unit: '社区居委会', unitEn: 'Community office' },
};

/** Where a demand opens: in the console for staff, under /m/ for its resident. */
export function consoleLink(kind: DemandKind, id: string): string {
  switch (kind) {
    case 'event':
      return `/console/events/${id}`;
    case 'application':
      return `/console/service-applications/${id}`;
    case 'order':
      return '/console/service-convenience';
    case 'consultation':
      return '/console/service-consultations';
    case 'suggestion':
      return '/console/community/suggestions';
    case 'correction':
      return '/console/corrections';
    case 'forum':
      return '/console/community/forum';
  }
}

export function residentLink(kind: DemandKind, id: string): string {
  switch (kind) {
    case 'event':
      return `/m/me/events/${id}`;
    case 'application':
      return `/m/services/applications/${id}`;
    case 'order':
      return `/m/me/convenience/${id}`;
    case 'consultation':
      return `/m/me/consultations/${id}`;
    case 'suggestion':
      return '/m/suggestions';
    case 'correction':
      return '/m/me/record';
    case 'forum':
      return `/m/posts/${id}`;
  }
}

/** States as residents and staff say them (unknown states show as stored). */
const STATE_LABELS: Record<DemandKind, Record<string, string>> = {
  event: {
    reported: '已上报',
    accepted: '已受理',
    dispatched: '已派遣',
    handling: '处置中',
    extension_requested: '申请延期',
    suspended: '已挂起',
    checking: '待核查',
    closed: '已办结',
    rated: '已评价',
    rejected: '不予受理',
    withdrawn: '已撤回',
    void_requested: '申请作废',
    voided: '已作废',
  },
  application: { submitted: '已提交', returned: '退回补正', accepted: '已受理', approved: '已审批', completed: '已办结', rated: '已评价', refused: '不予受理', denied: '不予批准', withdrawn: '已撤回' },
  order: { requested: '待接单', accepted: '已接单', declined: '已拒单', cancelled: '已取消', in_service: '服务中', completed: '已完成', closed: '已关闭' },
  consultation: { submitted: '待分配', assigned: '待答复', answered: '已答复', closed: '已结束' },
  suggestion: { submitted: '待答复', answered: '已答复', hidden: '不予公开' },
  correction: { open: '待处理', done: '已更正', rejected: '不予更正' },
  forum: { pending: '待审核', published: '已发布', rejected: '未通过', hidden: '已隐藏' },
};

export function stateLabel(kind: DemandKind, state: string): string {
  return STATE_LABELS[kind][state] ?? state;
}
