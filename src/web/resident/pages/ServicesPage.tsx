import List from 'antd-mobile/es/components/list';
import { useI18n } from '../../shared/i18n.js';

// Placeholders until the services and events modules publish their resident endpoints.
const SERVICES = [
  { key: 'guide', label: 'services.guide', desc: 'services.guideDesc' },
  { key: 'report', label: 'services.report', desc: 'services.reportDesc' },
  { key: 'elderCare', label: 'services.elderCare', desc: 'services.elderCareDesc' },
  { key: 'progress', label: 'services.progress', desc: 'services.progressDesc' },
];

export default function ServicesPage() {
  const { t } = useI18n();
  return (
    <List header={t('services.title')} mode="card">
      {SERVICES.map((s) => (
        <List.Item key={s.key} description={t(s.desc)} extra={<span className="r-status-tag">{t('services.comingSoon')}</span>}>
          {t(s.label)}
        </List.Item>
      ))}
    </List>
  );
}
