import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { Icon } from '../../shared/icons.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { ElderlyPanel } from '../components/ElderlyPanel.js';
import { HomeNotices } from '../community/HomeNotices.js';

const QUICK: { href: string; label: string; icon: ReactNode }[] = [
  { href: '/services', label: 'services.guide', icon: <Icon name="file" /> },
  { href: '/services/report', label: 'services.report', icon: <Icon name="sound" /> },
  { href: '/services', label: 'services.elderCare', icon: <Icon name="heart" /> },
  { href: '/services', label: 'services.progress', icon: <Icon name="clock" /> },
];

export default function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  return (
    <>
      <section className="r-card" aria-labelledby="home-greeting">
        <h2 id="home-greeting">{session.status === 'ready' ? t('home.greeting', { name: session.me.displayName }) : t('home.guest')}</h2>
        {session.status === 'anonymous' && (
          <>
            <p className="r-muted">{t('home.guestHint')}</p>
            <Button block color="primary" size="large" onClick={() => navigate('/login')} data-testid="home-login">
              {t('common.login')}
            </Button>
          </>
        )}
      </section>

      <ElderlyPanel />

      <section className="r-card" aria-labelledby="home-quick">
        <h2 id="home-quick">{t('home.quick')}</h2>
        <div className="r-quick">
          {QUICK.map((q) => (
            <Link key={q.label} href={q.href}>
              <span className="r-quick-icon" aria-hidden="true">
                {q.icon}
              </span>
              {t(q.label)}
            </Link>
          ))}
        </div>
      </section>

      <section className="r-card" aria-labelledby="home-notices">
        <h2 id="home-notices">{t('home.notices')}</h2>
        <HomeNotices />
      </section>
    </>
  );
}
