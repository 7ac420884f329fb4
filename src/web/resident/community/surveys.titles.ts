import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the survey pages, needed before their chunk loads.
addMessages({
  'rsv2.title': { 'zh-CN': '问卷调查', en: 'Surveys' },
  'rsv2.titleDetail': { 'zh-CN': '填写问卷', en: 'Survey' },
});
