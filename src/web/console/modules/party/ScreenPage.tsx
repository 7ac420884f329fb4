import { useParams } from 'wouter';
import { Alert, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { CheckinQrPanel } from './MeetingsTab.js';
import { MEETINGS_API, type MeetingDetail } from './types.js';

/** The check-in code large, for a projector at the meeting: it changes every minute by itself. */
export default function ScreenPage() {
  const { t, locale } = useI18n();
  const { id } = useParams<{ id: string }>();
  const m = useApi((signal) => api.get<MeetingDetail>(`${MEETINGS_API}/${id}`, undefined, signal), [id]);
  useBreadcrumbs([{ title: t('pty.menu'), href: '/party/meetings' }, { title: t('pty.mt.qr') }]);
  if (m.error) return <Alert type="error" showIcon title={m.error.message} />;
  return (
    <div style={{ textAlign: 'center' }} data-testid="party-screen">
      {m.data && (
        <>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {m.data.orgName} · {m.data.kindLabel[locale]}
          </Typography.Title>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {m.data.title}
          </Typography.Title>
          <Typography.Paragraph>
            {formatDateTime(m.data.startsAt)} · {m.data.place}
          </Typography.Paragraph>
        </>
      )}
      <CheckinQrPanel id={id} size={420} />
    </div>
  );
}
