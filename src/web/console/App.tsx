import { useEffect } from 'react';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { Button, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useI18n } from '../shared/i18n.js';
import { loadSession, logout, useSession } from '../shared/session.js';
import { isStaff, type Me } from '../shared/types.js';
import { LoginPage } from './auth/LoginPage.js';
import { PasswordPage } from './auth/PasswordPage.js';
import { TotpPage } from './auth/TotpPage.js';
import { ConsoleLayout } from './layout/ConsoleLayout.js';
import { rememberReturnTo } from './layout/return-to.js';

export const CONSOLE_BASE = '/console';

/** Sends an anonymous visitor to the login page and remembers where they were going. */
function ToLogin() {
  const [location] = useLocation();
  // The query too: a scanned check-in link (/services/check-in?t=…) must survive the login.
  rememberReturnTo(location + window.location.search);
  return <Redirect to="/login" replace />;
}

function NotStaff() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <Result
      status="info"
      title={t('notStaff.title')}
      subTitle={t('notStaff.hint')}
      extra={[
        <Button key="go" type="primary" href="/m/">
          {t('notStaff.go')}
        </Button>,
        <Button key="out" onClick={() => void logout().then(() => navigate('/login'))}>
          {t('common.logout')}
        </Button>,
      ]}
    />
  );
}

/** Where a logged-in person must go first: a forced password change, then TOTP enrolment. */
function Authenticated({ me }: { me: Me }) {
  if (me.mustChangePassword) {
    return (
      <Switch>
        <Route key="password" path="/password" component={PasswordPage} />
        <Route key="to-password">
          <Redirect to="/password" replace />
        </Route>
      </Switch>
    );
  }
  if (me.mustEnrolTotp) {
    return (
      <Switch>
        <Route key="totp" path="/totp" component={TotpPage} />
        <Route key="to-totp">
          <Redirect to="/totp" replace />
        </Route>
      </Switch>
    );
  }
  if (!isStaff(me)) return <NotStaff />;
  return <ConsoleLayout me={me} />;
}

export function App() {
  const { locale, t } = useI18n();
  const session = useSession();
  useEffect(() => {
    void loadSession();
  }, []);
  useEffect(() => {
    document.title = t('console.title');
  }, [locale, t]);

  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1456c8', borderRadius: 6 } }}>
      <Router base={CONSOLE_BASE}>
        {session.status === 'loading' ? (
          <div className="c-auth">
            <Spin size="large" />
          </div>
        ) : session.status === 'anonymous' ? (
          <Switch>
            <Route key="login" path="/login" component={LoginPage} />
            <Route key="to-login">
              <ToLogin />
            </Route>
          </Switch>
        ) : (
          <Authenticated me={session.me} />
        )}
      </Router>
    </ConfigProvider>
  );
}
