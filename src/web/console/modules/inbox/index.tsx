import { lazy } from 'react';
import { addMessages } from '../../../shared/i18n.js';
import { Icon } from '../../../shared/icons.js';
import type { ConsoleModule } from '../types.js';

addMessages({
  'inbox.menu': { 'zh-CN': '消息', en: 'Messages' },
  'inbox.title': { 'zh-CN': '消息通知', en: 'Notifications' },
  'inbox.subject': { 'zh-CN': '标题', en: 'Subject' },
  'inbox.body': { 'zh-CN': '内容', en: 'Content' },
  'inbox.time': { 'zh-CN': '时间', en: 'Time' },
  'inbox.status': { 'zh-CN': '状态', en: 'Status' },
  'inbox.read': { 'zh-CN': '已读', en: 'Read' },
  'inbox.unread': { 'zh-CN': '未读', en: 'Unread' },
  'inbox.all': { 'zh-CN': '全部', en: 'All' },
  'inbox.onlyUnread': { 'zh-CN': '仅看未读', en: 'Unread only' },
  'inbox.unreadCount': { 'zh-CN': '未读 {n} 条', en: '{n} unread' },
  'inbox.markRead': { 'zh-CN': '标为已读', en: 'Mark read' },
  'inbox.markAllRead': { 'zh-CN': '全部标为已读', en: 'Mark all read' },
  'inbox.open': { 'zh-CN': '查看', en: 'Open' },
  'inbox.preferences': { 'zh-CN': '消息设置', en: 'Message settings' },
  'inbox.preferencesHint': { 'zh-CN': '站内消息始终接收；可选择各类消息是否同时发送短信或微信。', en: 'The inbox always receives everything; choose which kinds also go out by SMS or WeChat.' },
  'inbox.topic': { 'zh-CN': '消息类别', en: 'Kind' },
});

const InboxPage = lazy(() => import('./InboxPage.js'));

export const inboxModule: ConsoleModule = {
  name: 'inbox',
  menu: [{ key: 'inbox', path: '/inbox', label: 'inbox.menu', icon: <Icon name="bell" />, order: 80 }],
  routes: [{ path: '/inbox', component: InboxPage }],
};
