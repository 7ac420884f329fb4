import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { LoginFirst } from './PartyPage.js';
import { TransferCard, type Transfer } from './TransfersPage.js';
import './messages.js';
import './party.css';

type Label = { 'zh-CN': string; en: string };
interface Leave {
  id: string;
  meetingTitle: string;
  meetingStartsAt: string;
  name: string;
  reason: string;
  version: number;
}
interface Meeting {
  id: string;
  orgName: string;
  kindLabel: Label;
  title: string;
  place: string;
  startsAt: string;
  status: string;
  phase: string;
  counts: { expected: number; present: number; leave: number; absent: number };
  abilities: { run: boolean };
}
interface MeetingDetail extends Meeting {
  attendees: { memberId: string; name: string; status: 'expected' | 'present' | 'leave' }[];
}
interface Qr {
  path: string;
  svg: string;
  expiresAt: string;
  refreshAt: string;
  counts: { expected: number; present: number; leave: number };
}

function LeaveItem({ l, onDone }: { l: Leave; onDone: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const decide = async (approve: boolean) => {
    setError(null);
    try {
      await api.post(`/api/v1/party/leave-requests/${l.id}/decide`, { approve, expectedVersion: l.version });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <li data-testid="party-duty-leave">
      <strong>{l.name}</strong>：{l.reason}
      <div className="r-muted">
        {l.meetingTitle} · {formatDateTimeLong(l.meetingStartsAt)}
      </div>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <div className="rpt-actions">
        <Button size="small" color="primary" onClick={() => void decide(true)}>
          {t('rpt.d.approve')}
        </Button>
        <Button size="small" onClick={() => void decide(false)}>
          {t('rpt.d.refuse')}
        </Button>
      </div>
    </li>
  );
}

/** 支部工作: for a member who is 书记/副书记 — leave to decide, transfers waiting, the branch's meetings with their check-in code. */
export default function DutiesPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const leave = useApi((signal) => (ready ? api.get<{ items: Leave[] }>('/api/v1/party/leave-requests', undefined, signal) : Promise.resolve(undefined)), [ready]);
  const transfers = useApi((signal) => (ready ? api.get<{ items: Transfer[] }>('/api/v1/party/transfers', { todo: '1' }, signal) : Promise.resolve(undefined)), [ready]);
  const since = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const meetings = useApi((signal) => (ready ? api.get<{ items: Meeting[] }>('/api/v1/party/meetings', { from: since }, signal) : Promise.resolve(undefined)), [ready]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  // Details for transfers: the list gives the steps allowed; the cards want their history too.
  const items = (transfers.data?.items ?? []).map((x) => ({ ...x, history: x.history ?? [] }));
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }} aria-labelledby="rpt-d-meetings">
        <h2 id="rpt-d-meetings">{t('rpt.d.meetings')}</h2>
        {meetings.error && <InlineMessage kind="error">{meetings.error.message}</InlineMessage>}
        <ul className="r-notice-list">
          {(meetings.data?.items ?? [])
            .filter((m) => m.status === 'planned' && m.abilities.run)
            .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
            .map((m) => (
              <li key={m.id} className="rpt-meeting">
                <div className="r-entry-head">
                  <strong>
                    {m.kindLabel[locale]} · {m.title}
                  </strong>
                </div>
                <div className="r-muted">
                  {m.orgName} · {formatDateTimeLong(m.startsAt)} · {m.place}
                </div>
                <div className="r-muted">{t('rpt.qr.counts', m.counts)}</div>
                {m.phase === 'checkin_open' && (
                  <Link href={`/party/meetings/${m.id}/qr`} className="r-nav-link" data-testid="party-duty-qr">
                    <strong>{t('rpt.d.showQr')}</strong>
                    <span aria-hidden="true">›</span>
                  </Link>
                )}
              </li>
            ))}
        </ul>
      </section>
      <section className="r-card" aria-labelledby="rpt-d-leave">
        <h2 id="rpt-d-leave">{t('rpt.d.leave')}</h2>
        {leave.error && <InlineMessage kind="error">{leave.error.message}</InlineMessage>}
        {leave.data && leave.data.items.length === 0 && <p className="r-muted">{t('rpt.d.noLeave')}</p>}
        <ul className="r-notice-list">
          {leave.data?.items.map((l) => <LeaveItem key={l.id} l={l} onDone={leave.reload} />)}
        </ul>
      </section>
      <section className="r-card" aria-labelledby="rpt-d-transfers">
        <h2 id="rpt-d-transfers">{t('rpt.d.transfers')}</h2>
        {transfers.error && <InlineMessage kind="error">{transfers.error.message}</InlineMessage>}
        {transfers.data && items.length === 0 && <p className="r-muted">{t('rpt.d.noTransfers')}</p>}
        <ul className="r-notice-list">
          {items.map((x) => <TransferCard key={x.id} x={x} onChanged={transfers.reload} />)}
        </ul>
      </section>
    </>
  );
}

/** 出示签到码 on the secretary's phone: the rotating code, the count, and checking in by hand. */
export function QrPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const ready = session.status === 'ready';
  const [tick, setTick] = useState(0);
  const qr = useApi((signal) => (ready ? api.get<Qr>(`/api/v1/party/meetings/${id}/checkin-qr`, undefined, signal) : Promise.resolve(undefined)), [id, ready, tick]);
  const detail = useApi((signal) => (ready ? api.get<MeetingDetail>(`/api/v1/party/meetings/${id}`, undefined, signal) : Promise.resolve(undefined)), [id, ready, tick]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!qr.data) return;
    const wait = Math.max(5_000, Math.min(30_000, Date.parse(qr.data.refreshAt) - Date.now() + 500));
    const timer = window.setTimeout(() => setTick((n) => n + 1), wait);
    return () => window.clearTimeout(timer);
  }, [qr.data]);
  if (session.status === 'anonymous') return <LoginFirst />;
  const byHand = async (memberId: string) => {
    setError(null);
    try {
      await api.post(`/api/v1/party/meetings/${id}/attendance`, { memberIds: [memberId] });
      setTick((n) => n + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="r-card" style={{ marginTop: 0 }} data-testid="party-qr-page">
      {detail.data && (
        <h2>
          {detail.data.title}
        </h2>
      )}
      {qr.error && <InlineMessage kind="error">{qr.error.message}</InlineMessage>}
      {qr.data && (
        <div className="rpt-qr" data-testid="party-mobile-qr" data-path={qr.data.path}>
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.data.svg)}`} alt={t('rpt.title.qr')} />
          <p>{t('rpt.qr.until', { at: formatDateTime(qr.data.expiresAt).slice(11) })}</p>
          <p className="r-muted">{t('rpt.qr.hint')}</p>
          <p>
            <strong>{t('rpt.qr.counts', qr.data.counts)}</strong>
          </p>
        </div>
      )}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <ul className="r-notice-list">
        {detail.data?.attendees
          .filter((a) => a.status === 'expected')
          .map((a) => (
            <li key={a.memberId} className="r-entry-head">
              <span>
                {a.name} <span className="r-muted">{t('rpt.qr.notIn')}</span>
              </span>
              <Button size="small" onClick={() => void byHand(a.memberId)}>
                {t('rpt.qr.byHand')}
              </Button>
            </li>
          ))}
      </ul>
    </section>
  );
}
