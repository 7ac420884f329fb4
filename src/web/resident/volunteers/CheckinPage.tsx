import { Link } from 'wouter';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { SignedScan } from '../components/SignedScan.js';
import { timeRange } from './common.js';

interface Result {
  action: 'in' | 'out';
  already: boolean;
  record: { checkInAt: string; checkOutAt: string | null; creditedMinutes: number };
  opportunity: { id: string; title: string; place: string; startsAt: string; endsAt: string };
}

/** Where a scan of the code shown on site lands (`/m/volunteer/checkin?t=…`): checked in (or out) once. */
export default function CheckinPage() {
  const { t } = useI18n();
  return (
    <SignedScan<Result>
      url="/api/v1/me/volunteer/attendance"
      texts={{ noToken: t('rvo.checkin.noToken'), loginFirst: t('rvo.checkin.loginFirst'), working: t('rvo.checkin.working') }}
      back={{ href: '/volunteer', label: t('rvo.back.home') }}
      testId="volunteer-checkin"
    >
      {(result) => <CheckinResult result={result} />}
    </SignedScan>
  );
}

function CheckinResult({ result }: { result: Result }) {
  const { t } = useI18n();
  const r = result.record;
  const text =
    result.action === 'in'
      ? result.already
        ? t('rvo.checkin.alreadyIn', { at: formatDateTime(r.checkInAt) })
        : t('rvo.checkin.in')
      : result.already
        ? t('rvo.checkin.alreadyOut', { at: formatDateTime(r.checkOutAt), minutes: r.creditedMinutes })
        : t('rvo.checkin.out', { minutes: r.creditedMinutes });
  return (
    <section className="r-card" data-testid="volunteer-checkin-result" data-action={result.action} data-already={String(result.already)}>
      <p className="rvo-result">✓ {text}</p>
      <h2>{result.opportunity.title}</h2>
      <p className="r-muted">
        {timeRange(result.opportunity.startsAt, result.opportunity.endsAt)} · {result.opportunity.place}
      </p>
      <Link href={`/volunteer/opportunities/${result.opportunity.id}`} className="r-nav-link">
        <span>{t('rvo.checkin.toOpportunity')}</span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/volunteer" className="r-nav-link" data-testid="volunteer-checkin-to-hours">
        <span>{t('rvo.checkin.toHours')}</span>
        <span aria-hidden="true">›</span>
      </Link>
    </section>
  );
}
