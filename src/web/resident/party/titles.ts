import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the party pages and the link to them, needed before their chunks load.
addMessages({
  'rpt.title': { 'zh-CN': '我的党组织', en: 'My party branch' },
  'rpt.title.checkin': { 'zh-CN': '会议签到', en: 'Meeting check-in' },
  'rpt.title.transfers': { 'zh-CN': '组织关系转接', en: 'Relation transfers' },
  'rpt.title.duties': { 'zh-CN': '支部工作', en: 'Branch duties' },
  'rpt.title.qr': { 'zh-CN': '签到二维码', en: 'Check-in code' },
  'rpt.link': { 'zh-CN': '我的党组织', en: 'My party branch' },
  'rpt.linkHint': { 'zh-CN': '所在支部、三会一课签到请假、组织关系转接', en: 'Branch, meetings with check-in and leave, relation transfers' },
});
