import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import List from 'antd-mobile/es/components/list';
import { useI18n } from '../../shared/i18n.js';
import { logout, useSession } from '../../shared/session.js';
import { ElderlyPanel } from '../components/ElderlyPanel.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { MediationMeLink } from '../community/MediationPage.js';
import { PartyMeLink } from '../party/PartyPage.js';
import './demands.messages.js';

export default function MePage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const [loggedOut, setLoggedOut] = useState(false);
  const [busy, setBusy] = useState(false);

  const onLogout = async () => {
    setBusy(true);
    await logout();
    setBusy(false);
    setLoggedOut(true);
  };

  return (
    <>
      <section className="r-card" aria-labelledby="me-who">
        {session.status === 'ready' ? (
          <>
            <h2 id="me-who" data-testid="me-name">
              {session.me.displayName}
            </h2>
            <List>
              <List.Item extra={session.me.username}>{t('me.account')}</List.Item>
              <List.Item extra={[...new Set(session.me.roles.map((r) => t(`role.${r.role}`)))].join('、')}>{t('me.role')}</List.Item>
            </List>
            {(session.me.personId || session.me.roles.some((r) => r.role === 'resident')) && (
              // A real link: reachable by keyboard and announced as one.
              <Link href="/me/record" className="r-nav-link" data-testid="me-record-link">
                <span>
                  <strong>{t('myRecord.title')}</strong>
                  <span className="r-muted r-nav-link-hint">{t('me.myRecordHint')}</span>
                </span>
                <span aria-hidden="true">›</span>
              </Link>
            )}
            {/* 服务商工作台 (UI-B): providers work on the phone. */}
            {session.me.roles.some((r) => r.role === 'provider') && (
              <Link href="/provider" className="r-nav-link" data-testid="me-provider-link">
                <span>
                  <strong>{t('rcv.title.provider')}</strong>
                  <span className="r-muted r-nav-link-hint">{t('rcv.providerHint')}</span>
                </span>
                <span aria-hidden="true">›</span>
              </Link>
            )}
            {session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer') &&
              ([['/me/appointments', 'rap.title.mine', 'me-appointments-link'], ['/me/convenience', 'rcv.title.mine', 'me-orders-link']] as const).map(([href, label, testId]) => (
                <Link key={href} href={href} className="r-nav-link" data-testid={testId}>
                  <strong>{t(label)}</strong>
                  <span aria-hidden="true">›</span>
                </Link>
              ))}
            {session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer') && (
              <Link href="/me/events" className="r-nav-link" data-testid="me-events-link">
                <span>
                  <strong>{t('rev.title.mine')}</strong>
                  <span className="r-muted r-nav-link-hint">{t('rev.mineHint')}</span>
                </span>
                <span aria-hidden="true">›</span>
              </Link>
            )}
            {session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer') && (
              <Link href="/me/demands" className="r-nav-link" data-testid="me-demands-link">
                <span>
                  <strong>{t('rdm.title')}</strong>
                  <span className="r-muted r-nav-link-hint">{t('rdm.hint')}</span>
                </span>
                <span aria-hidden="true">›</span>
              </Link>
            )}
            <MediationMeLink />
            <PartyMeLink />
            <Link href="/me/notifications" className="r-nav-link" data-testid="me-notifications-link">
              <strong>{t('prefs.title')}</strong>
              <span aria-hidden="true">›</span>
            </Link>
          </>
        ) : (
          <>
            <h2 id="me-who">{t('me.notLoggedIn')}</h2>
            {loggedOut && <InlineMessage kind="success">{t('me.loggedOut')}</InlineMessage>}
            <Button block color="primary" size="large" onClick={() => navigate('/login')}>
              {t('common.login')}
            </Button>
          </>
        )}
      </section>

      <section className="r-card" aria-labelledby="me-lang">
        <h2 id="me-lang">{t('lang.label')}</h2>
        <LanguageSwitch />
      </section>

      <ElderlyPanel />

      {session.status === 'ready' && (
        <Button block size="large" color="danger" fill="outline" loading={busy} onClick={onLogout} data-testid="logout">
          {t('common.logout')}
        </Button>
      )}
    </>
  );
}
