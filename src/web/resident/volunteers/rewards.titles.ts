import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the 爱心超市 and 互助基金 pages, needed before their chunks load.
addMessages({
  'rrw.title': { 'zh-CN': '积分与爱心超市', en: 'Points and rewards' },
  'rfd.title.public': { 'zh-CN': '互助基金公开账目', en: 'Mutual-aid fund: public books' },
  'rfd.title.apply': { 'zh-CN': '申请互助基金救助', en: 'Apply to the mutual-aid fund' },
});
