import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the volunteer pages and the tile that leads to them, needed before their chunks load.
addMessages({
  'rvo.title.home': { 'zh-CN': '我的志愿服务', en: 'My volunteering' },
  'rvo.title.shop': { 'zh-CN': '志愿服务网店', en: 'Volunteering shop' },
  'rvo.title.opportunity': { 'zh-CN': '志愿活动', en: 'Opportunity' },
  'rvo.title.checkin': { 'zh-CN': '扫码签到', en: 'Check in' },
  'rvo.tile': { 'zh-CN': '志愿服务', en: 'Volunteering' },
  'rvo.tileHint': { 'zh-CN': '报名志愿活动、扫码签到、查看服务时长和证明', en: 'Sign up, check in by QR, see your hours and certificates' },
});
