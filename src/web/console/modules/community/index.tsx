import { lazy } from 'react';
import { addMessages } from '../../../shared/i18n.js';
import { Icon } from '../../../shared/icons.js';
import type { ConsoleModule } from '../types.js';

addMessages({
  'cn.menu': { 'zh-CN': '通知公告', en: 'Notices' },
  'cn.new': { 'zh-CN': '发布通知', en: 'New notice' },
  'cn.title': { 'zh-CN': '标题', en: 'Title' },
  'cn.category': { 'zh-CN': '类别', en: 'Category' },
  'cn.body': { 'zh-CN': '正文', en: 'Text' },
  'cn.publisher': { 'zh-CN': '发布单位', en: 'Published by' },
  'cn.audience': { 'zh-CN': '发送范围', en: 'Audience' },
  'cn.audienceNodes': { 'zh-CN': '范围（社区或网格）', en: 'Area (community or grids)' },
  'cn.tags': { 'zh-CN': '人员标签（可选，不选即全体居民）', en: 'Registry tags (optional; none = every resident)' },
  'cn.tagMode': { 'zh-CN': '多个标签时', en: 'With several tags' },
  'cn.tagAny': { 'zh-CN': '具备任一标签', en: 'Any of them' },
  'cn.tagAll': { 'zh-CN': '同时具备全部标签', en: 'All of them' },
  'cn.pinned': { 'zh-CN': '置顶', en: 'Pinned' },
  'cn.sms': { 'zh-CN': '同时发送短信', en: 'Also by SMS' },
  'cn.preview': { 'zh-CN': '预计送达 {people} 人，其中 {accounts} 人有账号（其余由网格员告知）', en: 'Reaches {people} people, {accounts} with an account (the rest are told by their grid worker)' },
  'cn.saveDraft': { 'zh-CN': '存为草稿', en: 'Save draft' },
  'cn.publishNow': { 'zh-CN': '立即发布', en: 'Publish now' },
  'cn.publish': { 'zh-CN': '发布', en: 'Publish' },
  'cn.withdraw': { 'zh-CN': '撤回', en: 'Withdraw' },
  'cn.withdrawReason': { 'zh-CN': '撤回原因', en: 'Reason for withdrawing' },
  'cn.pin': { 'zh-CN': '置顶', en: 'Pin' },
  'cn.unpin': { 'zh-CN': '取消置顶', en: 'Unpin' },
  'cn.status.draft': { 'zh-CN': '草稿', en: 'Draft' },
  'cn.status.published': { 'zh-CN': '已发布', en: 'Published' },
  'cn.status.withdrawn': { 'zh-CN': '已撤回', en: 'Withdrawn' },
  'cn.publishedAt': { 'zh-CN': '发布时间', en: 'Published' },
  'cn.reached': { 'zh-CN': '送达', en: 'Reached' },
  'cn.receipts': { 'zh-CN': '阅读回执', en: 'Read receipts' },
  'cn.read': { 'zh-CN': '已读', en: 'Read' },
  'cn.informed': { 'zh-CN': '已告知', en: 'Told' },
  'cn.unreached': { 'zh-CN': '未读未告知', en: 'Not reached' },
  'cn.byNode': { 'zh-CN': '按网格', en: 'By grid' },
  'cn.unreachedList': { 'zh-CN': '待告知居民', en: 'People still to tell' },
  'cn.name': { 'zh-CN': '姓名', en: 'Name' },
  'cn.phone': { 'zh-CN': '电话', en: 'Phone' },
  'cn.place': { 'zh-CN': '住址', en: 'Address' },
  'cn.hasAccount': { 'zh-CN': '有账号', en: 'Has account' },
  'cn.markInformed': { 'zh-CN': '登记已告知', en: 'Record as told' },
  'cn.how.visit': { 'zh-CN': '上门告知', en: 'In person' },
  'cn.how.phone': { 'zh-CN': '电话告知', en: 'By phone' },
  'cn.how.wechat': { 'zh-CN': '微信告知', en: 'By WeChat' },
  'cn.empty': { 'zh-CN': '暂无通知', en: 'No notices' },
  'cn.allReached': { 'zh-CN': '都已送达', en: 'Everyone reached' },
});

const NoticesPage = lazy(() => import('./NoticesPage.js'));

export const communityModule: ConsoleModule = {
  name: 'community',
  menu: [
    {
      key: 'notices',
      path: '/community/notices',
      label: 'cn.menu',
      icon: <Icon name="sound" />,
      order: 45,
      visible: (me) => me.roles.some((r) => ['community_staff', 'grid_worker', 'dispatcher', 'party_secretary'].includes(r.role)),
    },
  ],
  routes: [{ path: '/community/notices/:id?', component: NoticesPage }],
};
