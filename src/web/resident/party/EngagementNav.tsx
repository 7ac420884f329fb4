import { Link, useLocation } from 'wouter';
import { useI18n } from '../../shared/i18n.js';

/** Links between the party member's pages: study, the online branch, points, good deeds. */
export function EngagementNav() {
  const { t } = useI18n();
  const [location] = useLocation();
  const links: [string, string][] = [
    ['/party', 'rpe.nav.home'],
    ['/party/study', 'rpe.nav.study'],
    ['/party/branch', 'rpe.nav.branch'],
    ['/party/points', 'rpe.nav.points'],
    ['/deeds', 'rpe.nav.deeds'],
  ];
  return (
    <nav className="rpe-nav" aria-label={t('rpb.title')}>
      {links.map(([href, key]) => (
        <Link key={href} href={href} aria-current={location === href ? 'page' : undefined}>
          {t(key)}
        </Link>
      ))}
    </nav>
  );
}
