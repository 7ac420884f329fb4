import { Link } from 'wouter';
import List from 'antd-mobile/es/components/list';
import { useI18n } from '../../shared/i18n.js';

// Placeholders until the services module publishes its resident endpoints (报事报修 is 随手拍 above).
const SERVICES = [
  { key: 'guide', label: 'services.guide', desc: 'services.guideDesc' },
  { key: 'elderCare', label: 'services.elderCare', desc: 'services.elderCareDesc' },
  { key: 'progress', label: 'services.progress', desc: 'services.progressDesc' },
];

export default function ServicesPage() {
  const { t } = useI18n();
  return (
    <>
      {/* 随手拍 (grid events) is open; the other services follow with their modules. */}
      <Link href="/services/report" className="r-nav-link r-card" style={{ marginTop: 0 }} data-testid="services-report">
        <span>
          <strong>{t('rev.title.report')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rev.reportHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <List header={t('services.title')} mode="card">
        {SERVICES.map((s) => (
          <List.Item key={s.key} description={t(s.desc)} extra={<span className="r-status-tag">{t('services.comingSoon')}</span>}>
            {t(s.label)}
          </List.Item>
        ))}
      </List>
    </>
  );
}
