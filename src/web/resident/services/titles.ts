import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the guide and application pages (UI-A), needed before their chunks load.
addMessages({
  'rsv.title.guide': { 'zh-CN': '办事指南', en: 'Service guide' },
  'rsv.title.matter': { 'zh-CN': '事项详情', en: 'Service' },
  'rsv.title.apply': { 'zh-CN': '在线办理', en: 'Apply online' },
  'rsv.title.mine': { 'zh-CN': '我的办事', en: 'My applications' },
  'rsv.title.detail': { 'zh-CN': '办理进度', en: 'Progress' },
});
