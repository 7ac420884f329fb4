import { addMessages } from '../../shared/i18n.js';

/** 我的诉求 (/m/me/demands) and its link on 我的. */
addMessages({
  'rdm.title': { 'zh-CN': '我的诉求', en: 'Everything I asked for' },
  'rdm.hint': { 'zh-CN': '事件、办事、建议、订单、咨询、更正都在这里', en: 'Reports, applications, suggestions, orders, consultations and corrections in one list' },
  'rdm.empty': { 'zh-CN': '您还没有提出过诉求', en: 'You have not asked for anything yet' },
  'rdm.more': { 'zh-CN': '加载更多', en: 'Load more' },
  'rdm.login': { 'zh-CN': '请先登录查看您的诉求', en: 'Sign in to see what you asked for' },
  'rdm.open': { 'zh-CN': '办理中', en: 'In progress' },
  'rdm.closed': { 'zh-CN': '已办结', en: 'Done' },
  'rdm.overdue': { 'zh-CN': '已超期', en: 'Overdue' },
  'rdm.askedOn': { 'zh-CN': '{date} 提出', en: 'Asked on {date}' },
  'rdm.responded': { 'zh-CN': '已答复', en: 'Answered' },
  'rdm.kind.event': { 'zh-CN': '事件上报', en: 'Report' },
  'rdm.kind.application': { 'zh-CN': '办事', en: 'Application' },
  'rdm.kind.order': { 'zh-CN': '便民服务', en: 'Service order' },
  'rdm.kind.consultation': { 'zh-CN': '咨询', en: 'Consultation' },
  'rdm.kind.suggestion': { 'zh-CN': '意见建议', en: 'Suggestion' },
  'rdm.kind.correction': { 'zh-CN': '信息更正', en: 'Correction' },
  'rdm.kind.forum': { 'zh-CN': '论坛提问', en: 'Forum question' },
});
