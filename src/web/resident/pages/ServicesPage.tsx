import { Link } from 'wouter';
import { useI18n } from '../../shared/i18n.js';
import { MatterGroupGrid, MatterSearchBox } from '../services/MattersPage.js';

/** Links under the 办事 tab: [path, title key, hint key, test id]. */
const LINKS: [string, string, string, string][] = [
  ['/services/applications', 'rsv.mine', 'rsv.mineHint', 'services-mine'],
  ['/services/report', 'rev.title.report', 'rev.reportHint', 'services-report'],
  // 预约, 咨询, 周边商圈 … (UI-B): their titles are in ../services/more.titles.ts.
  ['/services/appointments', 'rap.title', 'rap.hint', 'services-appointments'],
  ['/services/consultations', 'rcs.title', 'rcs.hint', 'services-consultations'],
  ['/services/merchants', 'rmc.title', 'rmc.hint', 'services-merchants'],
  ['/services/convenience', 'rcv.title', 'rcv.hint', 'services-convenience'],
];

/** The 办事 tab: the service hall's entry (search the guide, its groups, and the other services). */
export default function ServicesPage() {
  const { t } = useI18n();
  return (
    <>
      <MatterSearchBox />
      <MatterGroupGrid />
      <nav className="r-card" aria-label={t('services.title')} data-testid="services-links">
        {LINKS.map(([href, title, hint, testId], i) => (
          <Link key={href} href={href} className="r-nav-link" style={i === 0 ? { marginTop: 0 } : undefined} data-testid={testId}>
            <span>
              <strong>{t(title)}</strong>
              <span className="r-muted r-nav-link-hint">{t(hint)}</span>
            </span>
            <span aria-hidden="true">›</span>
          </Link>
        ))}
      </nav>
    </>
  );
}
