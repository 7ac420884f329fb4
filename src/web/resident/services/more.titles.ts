import { addMessages } from '../../shared/i18n.js';

// Top-bar titles and entry links of 预约, 咨询, 周边商圈 and 便民服务, needed before their chunks load.
addMessages({
  'rap.title': { 'zh-CN': '预约办事', en: 'Book a visit' },
  'rap.title.mine': { 'zh-CN': '我的预约', en: 'My bookings' },
  'rap.title.detail': { 'zh-CN': '预约详情', en: 'Booking' },
  'rap.hint': { 'zh-CN': '选好窗口和时段，到点直接办理，不用排队', en: 'Pick a window and a time; no queueing' },
  'rcs.title': { 'zh-CN': '法律医疗咨询', en: 'Legal and medical questions' },
  'rcs.title.detail': { 'zh-CN': '咨询详情', en: 'Question' },
  'rcs.hint': { 'zh-CN': '律师、医生在线解答，仅您本人可见', en: 'Lawyers and doctors answer; only you can see it' },
  'rmc.title': { 'zh-CN': '周边商圈', en: 'Local shops' },
  'rmc.hint': { 'zh-CN': '附近商户、营业时间和优惠', en: 'Nearby shops, hours and offers' },
  'rcv.title': { 'zh-CN': '便民服务', en: 'Convenience services' },
  'rcv.title.mine': { 'zh-CN': '我的服务订单', en: 'My service orders' },
  'rcv.title.order': { 'zh-CN': '服务订单', en: 'Service order' },
  'rcv.hint': { 'zh-CN': '家政、助餐、上门护理、维修；政府购买服务可免费', en: 'Cleaning, meals, home care, repairs; some free for you' },
  'rcv.title.provider': { 'zh-CN': '服务商工作台', en: 'Provider desk' },
  'rcv.providerHint': { 'zh-CN': '我的服务项目、订单、评价和投诉', en: 'My offerings, orders, ratings and complaints' },
  'rcs.title.answer': { 'zh-CN': '我负责的咨询', en: 'Questions assigned to me' },
});
