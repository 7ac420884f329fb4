import { addMessages } from '../shared/i18n.js';

addMessages({
  'resident.title': { 'zh-CN': '邻里 · 居民服务', en: 'Linli · Resident services' },
  'tab.home': { 'zh-CN': '首页', en: 'Home' },
  'tab.services': { 'zh-CN': '办事', en: 'Services' },
  'tab.community': { 'zh-CN': '社区', en: 'Community' },
  'tab.me': { 'zh-CN': '我的', en: 'Me' },
  'tab.nav': { 'zh-CN': '主导航', en: 'Main navigation' },

  'home.greeting': { 'zh-CN': '您好，{name}', en: 'Hello, {name}' },
  'home.guest': { 'zh-CN': '欢迎来到邻里', en: 'Welcome to Linli' },
  'home.guestHint': { 'zh-CN': '登录后可办理业务、查看办理进度', en: 'Log in to apply for services and follow their progress' },
  'home.quick': { 'zh-CN': '常用服务', en: 'Common services' },
  'home.notices': { 'zh-CN': '社区公告', en: 'Community notices' },
  'home.noticesHint': { 'zh-CN': '社区发给您的通知会在这里出现', en: 'Notices your community sends you appear here' },
  'notices.title': { 'zh-CN': '通知公告', en: 'Notices' },
  'notices.titleDetail': { 'zh-CN': '通知详情', en: 'Notice' },
  'prefs.title': { 'zh-CN': '消息设置', en: 'Message settings' },
  'sug.pageTitle': { 'zh-CN': '意见建议', en: 'Suggestions' },
  'disc.pageTitle': { 'zh-CN': '居务公开', en: 'Public board' },
  'disc.linkHint': { 'zh-CN': '居务、财务、党务公开，可提问', en: 'Affairs, finances and party affairs in the open; ask questions' },
  'sug.linkHint': { 'zh-CN': '提建议，5个工作日内公开答复', en: 'Suggest something; answered in public within 5 working days' },

  'elderly.title': { 'zh-CN': '长辈模式', en: 'Elderly mode' },
  'elderly.subtitle': { 'zh-CN': '适老化 · 大字体 · 高对比 · 大按钮', en: 'Large text · high contrast · large buttons' },
  'elderly.turnOn': { 'zh-CN': '开启长辈模式', en: 'Turn on elderly mode' },
  'elderly.turnOff': { 'zh-CN': '退出长辈模式', en: 'Turn off elderly mode' },
  'elderly.isOn': { 'zh-CN': '长辈模式已开启', en: 'Elderly mode is on' },
  'elderly.isOff': { 'zh-CN': '长辈模式未开启', en: 'Elderly mode is off' },
  'elderly.fontSize': { 'zh-CN': '字号', en: 'Text size' },
  'elderly.current': { 'zh-CN': '字号 {size}', en: 'Size {size}' },
  'elderly.smaller': { 'zh-CN': '减小字号', en: 'Smaller text' },
  'elderly.larger': { 'zh-CN': '增大字号', en: 'Larger text' },
  'elderly.sample': { 'zh-CN': '示例：社区服务中心工作时间 8:30—17:00', en: 'Sample: the community service centre opens 8:30–17:00' },

  'services.title': { 'zh-CN': '办事服务', en: 'Services' },
  'services.guide': { 'zh-CN': '办事指南', en: 'Service guide' },
  'services.guideDesc': { 'zh-CN': '证明开具、居住登记等事项的材料与流程', en: 'Documents and steps for certificates, residence registration and more' },
  'services.report': { 'zh-CN': '报事报修', en: 'Report a problem' },
  'services.reportDesc': { 'zh-CN': '公共设施损坏、环境卫生、邻里纠纷', en: 'Broken facilities, sanitation, disputes between neighbours' },
  'services.elderCare': { 'zh-CN': '居家养老', en: 'Home care for the elderly' },
  'services.elderCareDesc': { 'zh-CN': '助餐、助洁、助浴、上门探访', en: 'Meals, cleaning, bathing, home visits' },
  'services.progress': { 'zh-CN': '办理进度', en: 'Progress' },
  'services.progressDesc': { 'zh-CN': '查看已提交事项的办理情况', en: 'Follow what you have submitted' },
  'services.comingSoon': { 'zh-CN': '即将开通', en: 'Coming soon' },

  'community.title': { 'zh-CN': '社区', en: 'Community' },
  'community.messages': { 'zh-CN': '我的消息', en: 'My messages' },
  'community.loginFirst': { 'zh-CN': '登录后查看社区消息', en: 'Log in to see community messages' },
  'community.noMessages': { 'zh-CN': '暂无消息', en: 'No messages' },
  'community.unread': { 'zh-CN': '未读', en: 'Unread' },

  'me.title': { 'zh-CN': '我的', en: 'Me' },
  'me.notLoggedIn': { 'zh-CN': '尚未登录', en: 'Not logged in' },
  'me.account': { 'zh-CN': '账号', en: 'Account' },
  'me.role': { 'zh-CN': '身份', en: 'Role' },
  'me.settings': { 'zh-CN': '设置', en: 'Settings' },
  'me.loggedOut': { 'zh-CN': '已退出登录', en: 'You have logged out' },
  'me.myRecordHint': { 'zh-CN': '个人信息、本户成员、申请更正、查阅记录', en: 'Your data, household, corrections and who viewed it' },

  // The title is needed by the top bar and 我的 before the page's own chunk loads.
  'myRecord.title': { 'zh-CN': '我的档案', en: 'My record' },

  // Grid events (网格事件): titles and the links that lead to them.
  'rev.title.report': { 'zh-CN': '随手拍', en: 'Report a problem' },
  'rev.title.mine': { 'zh-CN': '我的上报', en: 'My reports' },
  'rev.title.detail': { 'zh-CN': '事件详情', en: 'Event' },
  'rev.title.map': { 'zh-CN': '社区事件地图', en: 'Community event map' },
  'rev.reportHint': { 'zh-CN': '拍下身边的问题：环境卫生、设施损坏、安全隐患、邻里纠纷', en: 'Snap a problem: litter, broken facilities, hazards, disputes' },
  'rev.mineHint': { 'zh-CN': '我反映的问题和办理进度', en: 'What I reported and how it is going' },
  'rev.mapHint': { 'zh-CN': '社区里反映的问题和办理状态（匿名）', en: 'Problems in the community and where they stand (anonymous)' },

  // 纠纷调解: titles of a party's own pages (the top bar needs them before the chunk loads).
  'rmd.title': { 'zh-CN': '我的调解', en: 'My mediation cases' },
  'rmd.titleDetail': { 'zh-CN': '调解案件', en: 'Mediation case' },

  'login.title': { 'zh-CN': '居民登录', en: 'Resident login' },
  'login.usernamePlaceholder': { 'zh-CN': '请输入用户名', en: 'Your username' },
  'login.passwordPlaceholder': { 'zh-CN': '请输入密码', en: 'Your password' },
  'login.totpPlaceholder': { 'zh-CN': '6 位数字', en: '6 digits' },
  'login.missing': { 'zh-CN': '请输入用户名和密码', en: 'Enter your username and password' },
  'login.expired': { 'zh-CN': '登录已超时，请重新登录', en: 'Your session has expired; please log in again' },

  'message.error': { 'zh-CN': '错误', en: 'Error' },
  'message.info': { 'zh-CN': '提示', en: 'Note' },
  'message.success': { 'zh-CN': '成功', en: 'Done' },
});
