import { lazy, Suspense, useEffect } from 'react';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import ConfigProvider from 'antd-mobile/es/components/config-provider';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useI18n } from '../shared/i18n.js';
import { loadSession } from '../shared/session.js';
import { TabBar, TABS } from './components/TabBar.js';
import HomePage from './pages/HomePage.js';

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

/** Top-bar titles of pages under a tab (their words are in messages.ts, before the chunk loads). */
const PAGE_TITLES: [RegExp, string][] = [
  [/^\/services\/report$/, 'rev.title.report'],
  [/^\/me\/events$/, 'rev.title.mine'],
  [/^\/me\/events\/[^/]+$/, 'rev.title.detail'],
  [/^\/community\/map$/, 'rev.title.map'],
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
