import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './messages.js';
import './party.css';
import './engagement.messages.js';
import './engagement.css';
import { EngagementNav } from './EngagementNav.js';

/** Shapes of src/modules/party/meetings.routes.ts (ZMyParty, ZMyMeeting). */
type Label = { 'zh-CN': string; en: string };
export interface MyParty {
  member: {
    id: string;
    category: 'full' | 'probationary';
    joinedOn: string;
    confirmedOn: string | null;
    isMobile: boolean;
    mobileLocation: string | null;
    branch: { id: string; name: string; chain: string[]; memberCount: number; leaders: { name: string; post: string }[] };
    group: { id: string; name: string } | null;
    posts: { orgName: string; post: string }[];
  } | null;
  leads: { id: string; name: string; kind: string }[];
  duties: { pendingLeave: number };
}
interface MyMeeting {
  id: string;
  orgName: string;
  kindLabel: Label;
  title: string;
  agenda: string;
  place: string;
  startsAt: string;
  endsAt: string;
  status: string;
  phase: string;
  attendance: 'expected' | 'present' | 'leave';
  absent: boolean;
  checkedInAt: string | null;
  leave: { status: string; reason: string; decisionNote: string | null } | null;
  canAskLeave: boolean;
}

export const MY_PARTY = '/api/v1/me/party';

export function LoginFirst() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <section className="r-card">
      <p className="r-muted">{t('rpt.loginFirst')}</p>
      <Button block color="primary" size="large" onClick={() => navigate('/login')}>
        {t('common.login')}
      </Button>
    </section>
  );
}

/** 我的 → 我的党组织: shown to members and to those who lead a branch. */
/** The roles holding party.participate (src/modules/party/party.policy.ts). */
const PARTICIPANT_ROLES = ['resident', 'volunteer', 'grid_worker', 'community_staff', 'party_secretary', 'dispatcher', 'department_officer'];

export function PartyMeLink() {
  const { t } = useI18n();
  const session = useSession();
  // Only accounts that may take part (party.participate) ask: a provider's 我的 page asks nothing.
  const ready = session.status === 'ready' && session.me.roles.some((r) => PARTICIPANT_ROLES.includes(r.role));
  const me = useApi((signal) => (ready ? api.get<MyParty>(MY_PARTY, undefined, signal) : Promise.resolve(undefined)), [ready]);
  if (!me.data || (!me.data.member && me.data.leads.length === 0)) return null;
  return (
    <Link href="/party" className="r-nav-link" data-testid="me-party-link">
      <span>
        <strong>{t('rpt.link')}</strong>
        <span className="r-muted r-nav-link-hint">{t('rpt.linkHint')}</span>
      </span>
      <span aria-hidden="true">›</span>
    </Link>
  );
}

function MeetingItem({ m, onChanged }: { m: MyMeeting; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const state = m.status === 'cancelled' ? 'cancelled' : m.absent ? 'absent' : m.attendance;
  const send = async () => {
    setError(null);
    try {
      await api.post(`/api/v1/me/party/meetings/${m.id}/leave`, { reason: reason.trim() });
      setSent(true);
      setAsking(false);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <li className="rpt-meeting" data-testid="party-my-meeting" data-title={m.title}>
      <div className="r-entry-head">
        <strong>
          {m.kindLabel[locale]} · {m.title}
        </strong>
        <span className="r-status-tag" data-testid="party-my-attendance">
          {t(`rpt.att.${state}`)}
        </span>
      </div>
      <div className="r-muted">
        {formatDateTimeLong(m.startsAt)} · {m.place}
      </div>
      {m.leave && m.leave.status !== 'approved' && <div className="r-muted">{t(`rpt.leave.${m.leave.status}`)}{m.leave.decisionNote ? `：${m.leave.decisionNote}` : ''}</div>}
      {m.phase === 'checkin_open' && m.attendance === 'expected' && <div className="r-muted">{t('rpt.checkinHint')}</div>}
      {sent && <InlineMessage kind="success">{t('rpt.leaveSent')}</InlineMessage>}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {m.canAskLeave && !asking && !sent && (
        <div className="rpt-actions">
          <Button size="small" onClick={() => setAsking(true)} data-testid="party-ask-leave">
            {t('rpt.askLeave')}
          </Button>
        </div>
      )}
      {asking && (
        <div className="r-field">
          <label htmlFor={`leave-${m.id}`}>{t('rpt.leaveReason')}</label>
          <TextArea id={`leave-${m.id}`} rows={2} maxLength={200} value={reason} onChange={setReason} />
          <div className="rpt-actions">
            <Button color="primary" size="small" disabled={reason.trim().length < 2} onClick={() => void send()} data-testid="party-send-leave">
              {t('rpt.sendLeave')}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

/** 我的党组织: my record on the rolls, my branch, my meetings (with leave), links to transfers and — for secretaries — duties. */
export default function PartyPage() {
  const { t } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const me = useApi((signal) => (ready ? api.get<MyParty>(MY_PARTY, undefined, signal) : Promise.resolve(undefined)), [ready]);
  const meetings = useApi((signal) => (ready ? api.get<{ items: MyMeeting[] }>(`${MY_PARTY}/meetings`, undefined, signal) : Promise.resolve(undefined)), [ready]);
  if (session.status === 'loading' || (ready && me.loading && !me.data)) return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (me.error) return <InlineMessage kind="error">{me.error.message}</InlineMessage>;
  const p = me.data;
  if (!p) return null;
  const m = p.member;
  return (
    <>
      {m && <EngagementNav />}
      {!m && (
        <section className="r-card">
          <p>{t('rpt.notMember')}</p>
        </section>
      )}
      {m && (
        <section className="r-card" style={{ marginTop: 0 }} aria-labelledby="rpt-branch" data-testid="party-my-branch">
          <h2 id="rpt-branch">{m.branch.name}</h2>
          <p className="r-muted">{m.branch.chain.join(' › ')}</p>
          <dl className="r-facts">
            <div className="r-fact">
              <dt>{t('rpt.category')}</dt>
              <dd>{t(`rpt.cat.${m.category}`)}</dd>
            </div>
            <div className="r-fact">
              <dt>{t('rpt.joined')}</dt>
              <dd>{formatDateLong(m.joinedOn)}</dd>
            </div>
            {m.confirmedOn && (
              <div className="r-fact">
                <dt>{t('rpt.confirmed')}</dt>
                <dd>{formatDateLong(m.confirmedOn)}</dd>
              </div>
            )}
            {m.group && (
              <div className="r-fact">
                <dt>{t('rpt.group')}</dt>
                <dd>{m.group.name}</dd>
              </div>
            )}
            {m.posts.length > 0 && (
              <div className="r-fact">
                <dt>{t('rpt.posts')}</dt>
                <dd>{m.posts.map((x) => `${x.orgName}${x.post}`).join('、')}</dd>
              </div>
            )}
            {m.isMobile && (
              <div className="r-fact">
                <dt>{t('rpt.mobile')}</dt>
                <dd>{m.mobileLocation}</dd>
              </div>
            )}
            <div className="r-fact">
              <dt>{t('rpt.leaders')}</dt>
              <dd>{m.branch.leaders.map((l) => `${l.name}（${l.post}）`).join('、') || '—'}</dd>
            </div>
          </dl>
          <p className="r-muted">{t('rpt.count', { n: m.branch.memberCount })}</p>
        </section>
      )}
      {p.leads.length > 0 && (
        <Link href="/party/duties" className="r-nav-link r-card" data-testid="party-duties-link">
          <span>
            <strong>{t('rpt.duties')}</strong>
            <span className="r-muted r-nav-link-hint">{p.duties.pendingLeave > 0 ? t('rpt.pendingLeave', { n: p.duties.pendingLeave }) : t('rpt.dutiesHint')}</span>
          </span>
          <span aria-hidden="true">›</span>
        </Link>
      )}
      {m && (
        <section className="r-card" aria-labelledby="rpt-meetings">
          <h2 id="rpt-meetings">{t('rpt.meetings')}</h2>
          {meetings.error && <InlineMessage kind="error">{meetings.error.message}</InlineMessage>}
          {meetings.data && meetings.data.items.length === 0 && <p className="r-muted">{t('rpt.noMeetings')}</p>}
          <ul className="r-notice-list" data-testid="party-my-meetings">
            {meetings.data?.items.map((x) => <MeetingItem key={x.id} m={x} onChanged={meetings.reload} />)}
          </ul>
        </section>
      )}
      <Link href="/party/transfers" className="r-nav-link r-card" data-testid="party-transfers-link">
        <span>
          <strong>{t('rpt.transfers')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rpt.transfersHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
    </>
  );
}
