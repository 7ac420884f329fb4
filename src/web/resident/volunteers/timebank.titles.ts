import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of 时间银行 and 微课, needed before their chunks load.
addMessages({
  'rtb.title': { 'zh-CN': '邻里时间银行', en: 'Neighbours’ time bank' },
  'rtb.titleDetail': { 'zh-CN': '时间银行', en: 'Time bank' },
  'rlc.title': { 'zh-CN': '社区微课', en: 'Micro-lectures' },
  'rlc.titleDetail': { 'zh-CN': '微课', en: 'Lecture' },
  'rtb.tile': { 'zh-CN': '邻里时间银行', en: 'Neighbours’ time bank' },
  'rtb.tileHint': { 'zh-CN': '我帮人人，人人帮我：用时间互助', en: 'Help neighbours, get help back: pay in hours' },
  'rlc.tile': { 'zh-CN': '社区微课', en: 'Micro-lectures' },
  'rlc.tileHint': { 'zh-CN': '防诈骗、急救、智能手机……报名听课、扫码签到', en: 'Fraud, first aid, smartphones … sign up and check in' },
});
