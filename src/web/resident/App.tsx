import { lazy, Suspense, useEffect } from 'react';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import ConfigProvider from 'antd-mobile/es/components/config-provider';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useI18n } from '../shared/i18n.js';
import { loadSession } from '../shared/session.js';
import { TabBar, TABS } from './components/TabBar.js';
import HomePage from './pages/HomePage.js';
import './services/more.titles.js';
import './services/titles.js';
import './community/surveys.titles.js';
import './community/forum.titles.js';
import './volunteers/titles.js';
import './volunteers/rewards.titles.js';
import './volunteers/timebank.titles.js';
import './party/titles.js';
import './party/engagement.titles.js';

// Only the home page is in the entry chunk; the other tabs load when first opened.
const ServicesPage = lazy(() => import('./pages/ServicesPage.js'));
const CommunityPage = lazy(() => import('./pages/CommunityPage.js'));
const MePage = lazy(() => import('./pages/MePage.js'));
const LoginPage = lazy(() => import('./pages/LoginPage.js'));
const MyRecordPage = lazy(() => import('./pages/MyRecordPage.js'));
const ReportEventPage = lazy(() => import('./events/ReportEventPage.js'));
const MyEventsPage = lazy(() => import('./events/MyEventsPage.js'));
const MyEventDetailPage = lazy(() => import('./events/MyEventsPage.js').then((m) => ({ default: m.MyEventDetailPage })));
const EventMapPage = lazy(() => import('./events/EventMapPage.js'));
const NoticesPage = lazy(() => import('./community/NoticesPage.js'));
const NoticeDetailPage = lazy(() => import('./community/NoticesPage.js').then((m) => ({ default: m.NoticeDetailPage })));
const NotificationSettingsPage = lazy(() => import('./community/NotificationSettingsPage.js'));
const SuggestionsPage = lazy(() => import('./community/SuggestionsPage.js'));
const SurveysPage = lazy(() => import('./community/SurveysPage.js'));
const SurveyDetailPage = lazy(() => import('./community/SurveysPage.js').then((m) => ({ default: m.SurveyDetailPage })));
const DisclosuresPage = lazy(() => import('./community/DisclosuresPage.js'));
const DisclosureDetailPage = lazy(() => import('./community/DisclosuresPage.js').then((m) => ({ default: m.DisclosureDetailPage })));
// 兴趣社区
const ForumGroupsPage = lazy(() => import('./community/ForumGroupsPage.js'));
const ForumGroupPage = lazy(() => import('./community/ForumGroupPage.js'));
const ForumPostPage = lazy(() => import('./community/ForumPostPage.js'));
const MediationListPage = lazy(() => import('./community/MediationPage.js'));
const MediationDetailPage = lazy(() => import('./community/MediationPage.js').then((m) => ({ default: m.MediationDetailPage })));
// 办事指南, 在线办理, 我的办事 (UI-A)
const MattersPage = lazy(() => import('./services/MattersPage.js'));
const GuidePage = lazy(() => import('./services/GuidePage.js'));
const ApplyPage = lazy(() => import('./services/ApplyPage.js'));
const MyApplicationsPage = lazy(() => import('./services/MyApplicationsPage.js'));
const MyApplicationDetailPage = lazy(() => import('./services/MyApplicationsPage.js').then((m) => ({ default: m.MyApplicationDetailPage })));
// 预约, 咨询, 周边商圈 (UI-B)
const AppointmentsPage = lazy(() => import('./services/appointments.js'));
const MyAppointmentsPage = lazy(() => import('./services/appointments.js').then((m) => ({ default: m.MyAppointmentsPage })));
const MyAppointmentPage = lazy(() => import('./services/appointments.js').then((m) => ({ default: m.MyAppointmentPage })));
const ConsultationsPage = lazy(() => import('./services/consultations.js'));
const MyConsultationPage = lazy(() => import('./services/consultations.js').then((m) => ({ default: m.MyConsultationPage })));
const AnswerListPage = lazy(() => import('./services/consultations.js').then((m) => ({ default: m.AnswerListPage })));
const AnswerConsultationPage = lazy(() => import('./services/consultations.js').then((m) => ({ default: m.AnswerConsultationPage })));
const MerchantsPage = lazy(() => import('./services/merchants.js'));
const ConveniencePage = lazy(() => import('./services/convenience.js'));
const MyOrdersPage = lazy(() => import('./services/convenience.js').then((m) => ({ default: m.MyOrdersPage })));
const MyDemandsPage = lazy(() => import('./pages/MyDemandsPage.js'));
const MyOrderPage = lazy(() => import('./services/convenience.js').then((m) => ({ default: m.MyOrderPage })));
const ProviderPage = lazy(() => import('./services/convenience-provider.js'));
// 智慧党建 (party, part 1)
const PartyPage = lazy(() => import('./party/PartyPage.js'));
const PartyCheckinPage = lazy(() => import('./party/CheckinPage.js'));
const PartyTransfersPage = lazy(() => import('./party/TransfersPage.js'));
const PartyDutiesPage = lazy(() => import('./party/DutiesPage.js'));
const PartyQrPage = lazy(() => import('./party/DutiesPage.js').then((m) => ({ default: m.QrPage })));
// 志愿服务
const VolunteerHomePage = lazy(() => import('./volunteers/VolunteerHomePage.js'));
const VolunteerShopPage = lazy(() => import('./volunteers/ShopPage.js'));
const VolunteerOpportunityPage = lazy(() => import('./volunteers/OpportunityPage.js'));
const VolunteerCheckinPage = lazy(() => import('./volunteers/CheckinPage.js'));
// 爱心超市 and 互助基金 (volunteers part B)
const RewardsPage = lazy(() => import('./volunteers/RewardsPage.js'));
const FundPublicPage = lazy(() => import('./volunteers/FundPage.js'));
const FundApplyPage = lazy(() => import('./volunteers/FundPage.js').then((m) => ({ default: m.FundApplyPage })));
// 邻里时间银行 and 微课 (volunteers part C)
const TimebankPage = lazy(() => import('./volunteers/TimebankPage.js'));
const TimebankPostPage = lazy(() => import('./volunteers/TimebankPostPage.js'));
const LecturesPage = lazy(() => import('./volunteers/LecturesPage.js'));
const LectureDetailPage = lazy(() => import('./volunteers/LecturesPage.js').then((m) => ({ default: m.LectureDetailPage })));
// 党员学习, 网上E支部, 好人好事, 党员积分 (party part 2)
const PartyStudyPage = lazy(() => import('./party/StudyPage.js'));
const PartyBranchPage = lazy(() => import('./party/BranchPage.js'));
const PartyPointsPage = lazy(() => import('./party/PointsPage.js'));
const DeedsPage = lazy(() => import('./party/DeedsPage.js'));
const DeedsHonourPage = lazy(() => import('./party/HonourPage.js'));

/** Top-bar titles of pages under a tab (their words are in messages.ts, before the chunk loads). */
const PAGE_TITLES: [RegExp, string][] = [
  [/^\/services\/report$/, 'rev.title.report'],
  [/^\/me\/events$/, 'rev.title.mine'],
  [/^\/me\/events\/[^/]+$/, 'rev.title.detail'],
  [/^\/community\/map$/, 'rev.title.map'],
  [/^\/notices$/, 'notices.title'],
  [/^\/notices\/[^/]+$/, 'notices.titleDetail'],
  [/^\/me\/notifications$/, 'prefs.title'],
  [/^\/suggestions$/, 'sug.pageTitle'],
  [/^\/surveys$/, 'rsv2.title'],
  [/^\/surveys\/[^/]+$/, 'rsv2.titleDetail'],
  [/^\/disclosures(\/[^/]+)?$/, 'disc.pageTitle'],
  [/^\/groups$/, 'forum.title'],
  [/^\/groups\/[^/]+$/, 'forum.titleGroup'],
  [/^\/posts\/[^/]+$/, 'forum.titlePost'],
  [/^\/me\/mediation$/, 'rmd.title'],
  [/^\/me\/mediation\/[^/]+$/, 'rmd.titleDetail'],
  // UI-A
  [/^\/services\/matters$/, 'rsv.title.guide'],
  [/^\/services\/matters\/[^/]+$/, 'rsv.title.matter'],
  [/^\/services\/matters\/[^/]+\/apply$/, 'rsv.title.apply'],
  [/^\/services\/applications$/, 'rsv.title.mine'],
  [/^\/services\/applications\/[^/]+$/, 'rsv.title.detail'],
  // UI-B
  [/^\/services\/appointments$/, 'rap.title'],
  [/^\/me\/appointments$/, 'rap.title.mine'],
  [/^\/me\/appointments\/[^/]+$/, 'rap.title.detail'],
  [/^\/services\/consultations$/, 'rcs.title'],
  [/^\/me\/consultations\/[^/]+$/, 'rcs.title.detail'],
  [/^\/provider\/consultations(\/[^/]+)?$/, 'rcs.title.answer'],
  [/^\/services\/merchants$/, 'rmc.title'],
  [/^\/services\/convenience$/, 'rcv.title'],
  [/^\/me\/convenience$/, 'rcv.title.mine'],
  [/^\/me\/convenience\/[^/]+$/, 'rcv.title.order'],
  [/^\/provider$/, 'rcv.title.provider'],
  [/^\/party$/, 'rpt.title'],
  [/^\/party\/checkin$/, 'rpt.title.checkin'],
  [/^\/party\/transfers$/, 'rpt.title.transfers'],
  [/^\/party\/duties$/, 'rpt.title.duties'],
  [/^\/party\/meetings\/[^/]+\/qr$/, 'rpt.title.qr'],
  [/^\/volunteer$/, 'rvo.title.home'],
  [/^\/volunteer\/shop$/, 'rvo.title.shop'],
  [/^\/volunteer\/opportunities\/[^/]+$/, 'rvo.title.opportunity'],
  [/^\/volunteer\/checkin$/, 'rvo.title.checkin'],
  [/^\/volunteer\/rewards$/, 'rrw.title'],
  [/^\/fund\/apply$/, 'rfd.title.apply'],
  [/^\/fund\/[^/]+$/, 'rfd.title.public'],
  [/^\/timebank$/, 'rtb.title'],
  [/^\/timebank\/[^/]+$/, 'rtb.titleDetail'],
  [/^\/lectures$/, 'rlc.title'],
  [/^\/lectures\/[^/]+$/, 'rlc.titleDetail'],
  [/^\/party\/study$/, 'rps.title'],
  [/^\/party\/branch$/, 'rpb.title'],
  [/^\/party\/points$/, 'rpp.title'],
  [/^\/deeds$/, 'rgd.title'],
  [/^\/deeds\/honour\/[^/]+$/, 'rgd.titleHonour'],
];

export const RESIDENT_BASE = '/m';

function TopBar() {
  const { t } = useI18n();
  const [location] = useLocation();
  const tab = TABS.find((x) => x.path === (location || '/'));
  // A new tab starts at its top, as a new page would.
  // Braces matter: scrollTo returns a promise in newer browsers, which React would take for a cleanup.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location]);
  const page = PAGE_TITLES.find(([re]) => re.test(location));
  const title =
    location === '/login'
      ? t('login.title')
      : location === '/me/record'
        ? t('myRecord.title')
        : page
          ? t(page[1])
          : tab && tab.path !== '/'
            ? t(tab.label)
            : t('resident.title');
  return (
    <header className="r-topbar">
      <h1 style={{ font: 'inherit', margin: 0 }}>{title}</h1>
    </header>
  );
}

export function App() {
  const { locale, t } = useI18n();
  useEffect(() => {
    void loadSession();
  }, []);
  useEffect(() => {
    document.title = t('resident.title');
  }, [locale, t]);
  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN}>
      <Router base={RESIDENT_BASE}>
        <div className="r-app">
          <TopBar />
          <main className="r-main" id="main">
            <Suspense fallback={<div className="r-loading">{t('common.loading')}</div>}>
              <Switch>
                <Route path="/" component={HomePage} />
                <Route path="/services" component={ServicesPage} />
                <Route path="/community" component={CommunityPage} />
                <Route path="/me" component={MePage} />
                <Route path="/me/record" component={MyRecordPage} />
                <Route path="/services/report" component={ReportEventPage} />
                <Route path="/me/events" component={MyEventsPage} />
                <Route path="/me/events/:id" component={MyEventDetailPage} />
                <Route path="/community/map" component={EventMapPage} />
                <Route path="/notices" component={NoticesPage} />
                <Route path="/notices/:id" component={NoticeDetailPage} />
                <Route path="/me/notifications" component={NotificationSettingsPage} />
                <Route path="/suggestions" component={SuggestionsPage} />
                <Route path="/surveys" component={SurveysPage} />
                <Route path="/surveys/:id" component={SurveyDetailPage} />
                <Route path="/disclosures" component={DisclosuresPage} />
                <Route path="/disclosures/:id" component={DisclosureDetailPage} />
                <Route path="/groups" component={ForumGroupsPage} />
                <Route path="/groups/:id" component={ForumGroupPage} />
                <Route path="/posts/:id" component={ForumPostPage} />
                <Route path="/me/mediation" component={MediationListPage} />
                <Route path="/me/mediation/:id" component={MediationDetailPage} />
                <Route path="/services/matters" component={MattersPage} />
                <Route path="/services/matters/:code" component={GuidePage} />
                <Route path="/services/matters/:code/apply" component={ApplyPage} />
                <Route path="/services/applications" component={MyApplicationsPage} />
                <Route path="/services/applications/:id" component={MyApplicationDetailPage} />
                <Route path="/services/appointments" component={AppointmentsPage} />
                <Route path="/me/appointments" component={MyAppointmentsPage} />
                <Route path="/me/appointments/:id" component={MyAppointmentPage} />
                <Route path="/services/consultations" component={ConsultationsPage} />
                <Route path="/me/consultations/:id" component={MyConsultationPage} />
                <Route path="/provider/consultations" component={AnswerListPage} />
                <Route path="/provider/consultations/:id" component={AnswerConsultationPage} />
                <Route path="/services/merchants" component={MerchantsPage} />
                <Route path="/services/convenience" component={ConveniencePage} />
                <Route path="/me/convenience" component={MyOrdersPage} />
                <Route path="/me/demands" component={MyDemandsPage} />
                <Route path="/me/convenience/:id" component={MyOrderPage} />
                <Route path="/provider" component={ProviderPage} />
                <Route path="/party" component={PartyPage} />
                <Route path="/party/checkin" component={PartyCheckinPage} />
                <Route path="/party/transfers" component={PartyTransfersPage} />
                <Route path="/party/duties" component={PartyDutiesPage} />
                <Route path="/party/meetings/:id/qr" component={PartyQrPage} />
                <Route path="/volunteer" component={VolunteerHomePage} />
                <Route path="/volunteer/shop" component={VolunteerShopPage} />
                <Route path="/volunteer/opportunities/:id" component={VolunteerOpportunityPage} />
                <Route path="/volunteer/checkin" component={VolunteerCheckinPage} />
                <Route path="/volunteer/rewards" component={RewardsPage} />
                <Route path="/fund/apply" component={FundApplyPage} />
                <Route path="/fund/:orgNodeId" component={FundPublicPage} />
                <Route path="/timebank" component={TimebankPage} />
                <Route path="/timebank/:id" component={TimebankPostPage} />
                <Route path="/lectures" component={LecturesPage} />
                <Route path="/lectures/:id" component={LectureDetailPage} />
                <Route path="/party/study" component={PartyStudyPage} />
                <Route path="/party/branch" component={PartyBranchPage} />
                <Route path="/party/points" component={PartyPointsPage} />
                <Route path="/deeds" component={DeedsPage} />
                <Route path="/deeds/honour/:orgNodeId" component={DeedsHonourPage} />
                <Route path="/login" component={LoginPage} />
                <Route>
                  <Redirect to="/" replace />
                </Route>
              </Switch>
            </Suspense>
          </main>
          <TabBar />
        </div>
      </Router>
    </ConfigProvider>
  );
}
