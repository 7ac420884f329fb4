import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of 党员学习, 网上E支部, 好人好事 and 党员积分 (needed before their chunks load).
addMessages({
  'rps.title': { 'zh-CN': '党员学习', en: 'Party study' },
  'rps.titleDetail': { 'zh-CN': '学习资料', en: 'Study material' },
  'rpb.title': { 'zh-CN': '网上E支部', en: 'Online branch' },
  'rpb.titlePost': { 'zh-CN': '支部讨论', en: 'Branch discussion' },
  'rgd.title': { 'zh-CN': '好人好事', en: 'Good deeds' },
  'rgd.titleHonour': { 'zh-CN': '好人好事光荣榜', en: 'Good-deeds honour roll' },
  'rpp.title': { 'zh-CN': '我的党员积分', en: 'My party points' },
});
