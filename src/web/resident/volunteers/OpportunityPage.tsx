import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { BackLink, hoursOf, Places, StatusTag, timeRange, type Card, type MySignup, type SignupStatus } from './common.js';

interface Mine {
  opportunity: Card;
  mine: MySignup | null;
  canLead: boolean;
  registered: boolean;
}

interface SignupRow {
  id: string;
  volunteerName: string;
  volunteerNumber: string;
  status: SignupStatus;
  waitingPosition: number | null;
  record: { checkInAt: string; checkOutAt: string | null; creditedMinutes: number } | null;
}

interface Qr {
  action: 'in' | 'out';
  path: string;
  svg: string;
  expiresAt: string;
}

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

/** The rotating check-in (or check-out) code for the leader to show: fetched again every 30 s (each is valid 2 min). */
function RotatingQr({ opportunityId, action }: { opportunityId: string; action: 'in' | 'out' }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const qr = useApi((signal) => api.get<Qr>(`/api/v1/volunteer-opportunities/${opportunityId}/attendance-qr`, { action }, signal), [opportunityId, action, tick]);
  if (qr.error) return <InlineMessage kind="error">{qr.error.message}</InlineMessage>;
  if (!qr.data) return <div className="r-loading">{t('common.loading')}</div>;
  return (
    <div className="rvo-qr" data-testid={`volunteer-qr-${action}`} data-path={qr.data.path}>
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.data.svg)}`} alt={t(action === 'in' ? 'rvo.lead.qrIn' : 'rvo.lead.qrOut')} />
      <p className="r-muted">{t('rvo.lead.qrHint', { until: formatDateTime(qr.data.expiresAt).slice(11) })}</p>
    </div>
  );
}

/** 队长工作台: the rotating code, the sign-ups with approve / decline and check-in / check-out for them. */
function LeaderDesk({ card }: { card: Card }) {
  const { t } = useI18n();
  const [showing, setShowing] = useState<'in' | 'out' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reason, setReason] = useState('');
  const list = useApi((signal) => api.get<{ items: SignupRow[] }>(`/api/v1/volunteer-opportunities/${card.id}/signups`, undefined, signal), [card.id]);
  const act = async (call: () => Promise<unknown>) => {
    setOutcome(null);
    try {
      await call();
      list.reload();
    } catch (e) {
      setOutcome({ kind: 'error', text: errorMessage(e) });
    }
  };
  const canAttend = card.phase !== 'upcoming' || Date.parse(card.startsAt) - Date.now() < 3_600_000;
  return (
    <section className="r-card" data-testid="volunteer-leader-desk">
      <h2>{t('rvo.lead.title')}</h2>
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      {canAttend && (
        <div className="rvo-actions">
          <Button color={showing === 'in' ? 'primary' : 'default'} onClick={() => setShowing(showing === 'in' ? null : 'in')} data-testid="volunteer-show-qr-in">
            {t('rvo.lead.qrIn')}
          </Button>
          <Button color={showing === 'out' ? 'primary' : 'default'} onClick={() => setShowing(showing === 'out' ? null : 'out')} data-testid="volunteer-show-qr-out">
            {t('rvo.lead.qrOut')}
          </Button>
        </div>
      )}
      {showing && <RotatingQr opportunityId={card.id} action={showing} />}
      <h3>{t('rvo.lead.signups')}</h3>
      <div className="rvo-form">
        <label>
          <span>{t('rvo.lead.declineReason')}</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
        </label>
      </div>
      <ul className="rvo-list">
        {(list.data?.items ?? []).map((s) => (
          <li key={s.id}>
            <div className="rvo-row">
              <span>
                {s.volunteerName} <span className="r-muted">{s.volunteerNumber}</span>
                {s.waitingPosition !== null && <span className="r-muted"> #{s.waitingPosition}</span>}
              </span>
              <StatusTag status={s.status} />
            </div>
            {s.record && <div className="r-muted">{t('rvo.mine.record', { in: formatDateTime(s.record.checkInAt).slice(11), out: s.record.checkOutAt ? t('rvo.mine.recordOut', { out: formatDateTime(s.record.checkOutAt).slice(11), minutes: s.record.creditedMinutes }) : '' })}</div>}
            <div className="rvo-actions">
              {s.status === 'pending' && (
                <Button size="small" color="primary" onClick={() => void act(() => api.post(`/api/v1/volunteer-signups/${s.id}/approve`))}>
                  {t('rvo.lead.approve')}
                </Button>
              )}
              {(s.status === 'pending' || s.status === 'confirmed' || s.status === 'waiting') && !s.record && (
                <Button size="small" disabled={reason.trim().length < 2} onClick={() => void act(() => api.post(`/api/v1/volunteer-signups/${s.id}/decline`, { reason: reason.trim() }))}>
                  {t('rvo.lead.decline')}
                </Button>
              )}
              {s.status === 'confirmed' && canAttend && !s.record && (
                <Button size="small" onClick={() => void act(() => api.post(`/api/v1/volunteer-opportunities/${card.id}/attendance`, { signupId: s.id, action: 'in' }))}>
                  {t('rvo.lead.checkIn')}
                </Button>
              )}
              {s.status === 'confirmed' && s.record && !s.record.checkOutAt && (
                <Button size="small" onClick={() => void act(() => api.post(`/api/v1/volunteer-opportunities/${card.id}/attendance`, { signupId: s.id, action: 'out' }))}>
                  {t('rvo.lead.checkOut')}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MySignupPanel({ mine }: { mine: MySignup }) {
  const { t } = useI18n();
  const text =
    mine.status === 'waiting'
      ? t('rvo.mine.waiting', { n: mine.waitingPosition ?? '' })
      : mine.status === 'pending'
        ? t('rvo.mine.pending')
        : mine.status === 'confirmed'
          ? t('rvo.mine.confirmed')
          : mine.status === 'declined'
            ? t('rvo.mine.declined', { reason: mine.declineReason ?? '' })
            : '';
  return (
    <div data-testid="volunteer-my-signup">
      <div className="rvo-row">
        <strong>{t('rvo.signups')}</strong>
        <StatusTag status={mine.status} />
      </div>
      {text && <p>{text}</p>}
      {mine.status === 'waiting' && (
        <p className="rvo-result" data-testid="volunteer-waiting-position">
          {t('rvo.waitingNow', { n: mine.waitingPosition ?? '' })}
        </p>
      )}
      {mine.record && (
        <p className="r-muted" data-testid="volunteer-my-record">
          {t('rvo.mine.record', { in: formatDateTime(mine.record.checkInAt), out: mine.record.checkOutAt ? t('rvo.mine.recordOut', { out: formatDateTime(mine.record.checkOutAt), minutes: mine.record.creditedMinutes }) : '' })}
        </p>
      )}
    </div>
  );
}

/** 志愿活动: the card in full, share link and QR, sign up / cancel / waiting position; the leader's desk. */
export default function OpportunityPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const [, navigate] = useLocation();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const data = useApi(
    (signal) =>
      session.status === 'loading'
        ? Promise.resolve(undefined)
        : session.status === 'ready'
          ? api.get<Mine>(`/api/v1/me/volunteer/opportunities/${id}`, undefined, signal)
          : api.get<Card>(`/api/v1/public/volunteer-opportunities/${id}`, undefined, signal).then((opportunity) => ({ opportunity, mine: null, canLead: false, registered: false }) as Mine),
    [id, session.status],
  );
  if (data.error) return <InlineMessage kind="error">{data.error.message}</InlineMessage>;
  if (!data.data) return <div className="r-loading">{t('common.loading')}</div>;
  const { opportunity: card, mine, canLead, registered } = data.data;
  const active = mine && (mine.status === 'pending' || mine.status === 'confirmed' || mine.status === 'waiting');
  const shareUrl = `${window.location.origin}${card.sharePath}`;

  const signUp = async () => {
    setOutcome(null);
    setBusy(true);
    try {
      const s = await api.post<MySignup>(`/api/v1/me/volunteer/opportunities/${card.id}/signup`);
      setOutcome({ kind: 'success', text: s.status === 'waiting' ? t('rvo.waitingNow', { n: s.waitingPosition ?? '' }) : t('rvo.signedUp') });
      data.reload();
    } catch (e) {
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!mine) return;
    setOutcome(null);
    setBusy(true);
    try {
      await api.post(`/api/v1/me/volunteer/signups/${mine.id}/cancel`, {});
      setOutcome({ kind: 'success', text: t('rvo.cancelled') });
      data.reload();
    } catch (e) {
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <BackLink href="/volunteer/shop" label={t('rvo.back.shop')} />
      <article className="rvo-card r-card" data-testid="volunteer-opportunity" data-id={card.id}>
        {card.coverUrl && <img className="rvo-cover" src={card.coverUrl} alt="" />}
        <div className="rvo-card-body">
          <div className="rvo-card-tags">
            <span className="rvo-category">{card.category}</span>
            <span className="rvo-phase">{t(`rvo.card.phase.${card.phase}`)}</span>
            {card.requiresApproval && <span className="rvo-phase">{t('rvo.card.approval')}</span>}
          </div>
          <h2 className="rvo-card-title" style={{ margin: 0 }}>
            {card.title}
          </h2>
          <dl className="r-facts">
            <div className="r-fact">
              <dt>{t('rvo.detail.time')}</dt>
              <dd>{timeRange(card.startsAt, card.endsAt)}</dd>
            </div>
            <div className="r-fact">
              <dt>{t('rvo.detail.place')}</dt>
              <dd>{card.place}</dd>
            </div>
            <div className="r-fact">
              <dt>{t('rvo.detail.organiser')}</dt>
              <dd>{card.organiser}</dd>
            </div>
            <div className="r-fact">
              <dt>{t('rvo.card.hours', { hours: hoursOf(card.creditMinutes) })}</dt>
              <dd>
                <Places card={card} />
              </dd>
            </div>
          </dl>
          {card.skills.length > 0 && <p className="r-muted">{t('rvo.card.skills', { skills: card.skills.join('、') })}</p>}
          <p style={{ whiteSpace: 'pre-wrap' }}>{card.description}</p>
          <p className="r-muted">{card.status === 'cancelled' ? `${t('rvo.card.cancelled')}：${card.cancelReason ?? ''}` : card.signupOpen ? t('rvo.card.deadline', { at: formatDateTime(card.signupDeadline) }) : t('rvo.card.closed')}</p>
        </div>
      </article>

      <section className="r-card">
        {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
        {mine && <MySignupPanel mine={mine} />}
        {session.status !== 'ready' ? (
          <>
            <p className="r-muted">{t('rvo.loginFirst')}</p>
            <Button block color="primary" size="large" onClick={() => navigate('/login')}>
              {t('common.login')}
            </Button>
          </>
        ) : !registered ? (
          <>
            <p className="r-muted">{t('rvo.detail.registerFirst')}</p>
            <Button block color="primary" size="large" onClick={() => navigate('/volunteer')}>
              {t('rvo.detail.toRegister')}
            </Button>
          </>
        ) : active ? (
          card.phase === 'upcoming' && (
            <Button block size="large" loading={busy} onClick={() => void cancel()} data-testid="volunteer-cancel">
              {t('rvo.detail.cancel')}
            </Button>
          )
        ) : (
          card.signupOpen && (
            <Button block color="primary" size="large" loading={busy} onClick={() => void signUp()} data-testid="volunteer-signup">
              {card.placesLeft > 0 ? t('rvo.detail.signUp') : t('rvo.detail.signUpWait')}
            </Button>
          )
        )}
      </section>

      {canLead && card.status === 'published' && <LeaderDesk card={card} />}

      <section className="r-card">
        <h2>{t('rvo.detail.share')}</h2>
        <div className="rvo-share">
          <img src={card.qrPath} alt={t('rvo.detail.share')} />
          <code data-testid="volunteer-share-link">{shareUrl}</code>
        </div>
        <p>
          <Link href="/volunteer">{t('rvo.back.home')}</Link>
        </p>
      </section>
    </>
  );
}
