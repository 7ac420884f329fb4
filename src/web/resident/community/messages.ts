import { addMessages } from '../../shared/i18n.js';

// Words of the notice pages; titles the top bar needs before the chunk loads are in ../messages.ts.
addMessages({
  'notices.none': { 'zh-CN': '暂无通知', en: 'No notices yet' },
  'notices.loginFirst': { 'zh-CN': '登录后查看发给您的通知公告', en: 'Log in to see the notices sent to you' },
  'notices.unread': { 'zh-CN': '未读', en: 'Unread' },
  'notices.unreadCount': { 'zh-CN': '{n} 条未读', en: '{n} unread' },
  'notices.pinned': { 'zh-CN': '置顶', en: 'Pinned' },
  'notices.from': { 'zh-CN': '发布：{org}', en: 'From {org}' },
  'notices.attachments': { 'zh-CN': '附件', en: 'Attachments' },
  'notices.all': { 'zh-CN': '查看全部通知', en: 'All notices' },
  'notices.arrived': { 'zh-CN': '新消息：{title}', en: 'New: {title}' },
  'notices.back': { 'zh-CN': '返回通知列表', en: 'Back to notices' },
  'prefs.hint': {
    'zh-CN': '站内消息始终接收。以下可选择各类消息是否同时发送短信或微信。',
    en: 'The in-app inbox always receives everything. Choose which kinds also come by SMS or WeChat.',
  },
  'prefs.saved': { 'zh-CN': '已保存', en: 'Saved' },
});
