import { Link } from 'wouter';
import { formatDateTime, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { SignedScan } from '../components/SignedScan.js';
import './messages.js';
import './party.css';

interface Result {
  already: boolean;
  checkedInAt: string;
  meeting: { id: string; title: string; kindLabel: { 'zh-CN': string; en: string }; orgName: string; place: string; startsAt: string; endsAt: string };
}

/** Where a scan of the meeting's code lands (`/m/party/checkin?t=…`): the member is checked in once. */
export default function CheckinPage() {
  const { t, locale } = useI18n();
  return (
    <SignedScan<Result>
      url="/api/v1/me/party/checkin"
      texts={{ noToken: t('rpt.checkin.noToken'), loginFirst: t('rpt.loginFirst'), working: t('rpt.checkin.working') }}
      back={{ href: '/party', label: t('rpt.back') }}
      testId="party-checkin"
    >
      {(result) => (
        <section className="r-card" data-testid="party-checkin-result" data-already={String(result.already)}>
          <p className="rpt-result">✓ {result.already ? t('rpt.checkin.already', { at: formatDateTime(result.checkedInAt).slice(11) }) : t('rpt.checkin.done')}</p>
          <h2>
            {result.meeting.kindLabel[locale]} · {result.meeting.title}
          </h2>
          <p className="r-muted">
            {result.meeting.orgName} · {formatDateTimeLong(result.meeting.startsAt)} · {result.meeting.place}
          </p>
          <Link href="/party" className="r-nav-link" data-testid="party-checkin-back">
            <span>{t('rpt.back')}</span>
            <span aria-hidden="true">›</span>
          </Link>
        </section>
      )}
    </SignedScan>
  );
}
