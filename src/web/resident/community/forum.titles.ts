import { addMessages } from '../../shared/i18n.js';

// Top-bar titles of the 兴趣社区 pages and the 社区 tab's link, needed before the pages' chunk loads.
addMessages({
  'forum.title': { 'zh-CN': '兴趣社区', en: 'Interest groups' },
  'forum.titleGroup': { 'zh-CN': '小组', en: 'Group' },
  'forum.titlePost': { 'zh-CN': '帖子', en: 'Post' },
  'forum.linkHint': { 'zh-CN': '书画、广场舞、太极拳、育儿、宠物、二手闲置……和邻居聊起来', en: 'Calligraphy, dancing, tai chi, parenting, pets, swaps: talk with your neighbours' },
});
