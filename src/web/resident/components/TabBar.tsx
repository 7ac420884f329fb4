import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { Icon } from '../../shared/icons.js';
import { useI18n } from '../../shared/i18n.js';

export const TABS: { path: string; label: string; icon: ReactNode }[] = [
  { path: '/', label: 'tab.home', icon: <Icon name="home" /> },
  { path: '/services', label: 'tab.services', icon: <Icon name="list" /> },
  { path: '/community', label: 'tab.community', icon: <Icon name="team" /> },
  { path: '/me', label: 'tab.me', icon: <Icon name="user" /> },
];

/** Bottom tabs as plain links: reachable by keyboard, announced as navigation. */
export function TabBar() {
  const { t } = useI18n();
  const [location] = useLocation();
  const current = location || '/';
  // A page under a tab (/me/record) keeps its tab marked.
  const isCurrent = (path: string) => current === path || (path !== '/' && current.startsWith(`${path}/`));
  return (
    <nav className="r-tabbar" aria-label={t('tab.nav')}>
      {TABS.map((tab) => (
        <Link key={tab.path} href={tab.path} className="r-tab" aria-current={isCurrent(tab.path) ? 'page' : undefined} data-testid={`tab-${tab.path}`}>
          <span className="r-tab-icon" aria-hidden="true">
            {tab.icon}
          </span>
          <span>{t(tab.label)}</span>
        </Link>
      ))}
    </nav>
  );
}
