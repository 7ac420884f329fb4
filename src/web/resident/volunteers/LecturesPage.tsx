import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { SignedScan } from '../components/SignedScan.js';
import './lectures.messages.js';
import './volunteers.css';
import './timebank.css';

/** Shapes of src/modules/volunteers/lectures.routes.ts. */
interface Lecture {
  id: string;
  organiser: string;
  title: string;
  speaker: string;
  body: string;
  videoUrl: string | null;
  videoHost: string | null;
  place: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  taken: number;
  seatsLeft: number;
  status: 'draft' | 'published' | 'cancelled';
  cancelReason: string | null;
  phase: 'upcoming' | 'ongoing' | 'past';
  signupOpen: boolean;
}

interface Mine {
  id: string;
  status: 'signed' | 'cancelled';
  attendedAt: string | null;
  attendedMethod: 'staff' | 'qr' | null;
}

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

function when(l: Lecture) {
  const from = formatDateTime(l.startsAt);
  const to = formatDateTime(l.endsAt);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from}–${to.slice(11)}` : `${from} – ${to}`;
}

function Seats({ l }: { l: Lecture }) {
  const { t } = useI18n();
  if (l.status === 'cancelled') return <span className="rvo-places rvo-places-full">{t('rlc.cancelledLecture')}</span>;
  return l.seatsLeft > 0 ? <span className="rvo-places">{t('rlc.seatsLeft', { capacity: l.capacity, left: l.seatsLeft })}</span> : <span className="rvo-places rvo-places-full">{t('rlc.full')}</span>;
}

function LectureCard({ l, mine }: { l: Lecture; mine?: Mine | null }) {
  const { t } = useI18n();
  return (
    <Link href={`/lectures/${l.id}`} className="r-card rtb-card" data-testid="lecture-card" data-title={l.title}>
      <div className="rvo-card-tags">
        <span className="rvo-category">{t(`rlc.phase.${l.phase}`)}</span>
        {mine && <span className="rvo-phase">{mine.attendedAt ? t('rlc.attended', { at: formatDateTime(mine.attendedAt).slice(11) }) : t(`rlc.status.${mine.status}`)}</span>}
      </div>
      <strong className="rvo-card-title">{l.title}</strong>
      <span className="rvo-line">
        {t('rlc.speaker')}：{l.speaker}
      </span>
      <span className="rvo-line">
        {t('rlc.time')}：{when(l)}
      </span>
      <span className="rvo-line">
        {t('rlc.place')}：{l.place}
      </span>
      <span className="rvo-line">
        <Seats l={l} />
      </span>
    </Link>
  );
}

/** 社区微课: what is coming and what was held (anyone may read), and what I signed up for. */
export default function LecturesPage() {
  const { t } = useI18n();
  const session = useSession();
  const [tab, setTab] = useState<'upcoming' | 'past' | 'mine'>('upcoming');
  const list = useApi((signal) => (tab === 'mine' ? Promise.resolve(undefined) : api.get<{ items: Lecture[] }>('/api/v1/public/lectures', { when: tab, pageSize: 50 }, signal)), [tab]);
  const mine = useApi((signal) => (tab === 'mine' && session.status === 'ready' ? api.get<{ items: { lecture: Lecture; mine: Mine }[] }>('/api/v1/me/lectures', undefined, signal) : Promise.resolve(undefined)), [tab, session.status]);
  const tabs = session.status === 'ready' ? (['upcoming', 'past', 'mine'] as const) : (['upcoming', 'past'] as const);
  const error = list.error ?? mine.error;
  return (
    <>
      <div className="rvo-chips" role="tablist">
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" className="rvo-chip" aria-pressed={tab === k} aria-selected={tab === k} onClick={() => setTab(k)} data-testid={`lectures-tab-${k}`}>
            {t(`rlc.${k}`)}
          </button>
        ))}
      </div>
      {error && <InlineMessage kind="error">{error.message}</InlineMessage>}
      {tab === 'mine' ? (
        !mine.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : mine.data.items.length === 0 ? (
          <p className="r-muted">{t('rlc.none')}</p>
        ) : (
          <div data-testid="lectures-mine">
            {mine.data.items.map((i) => (
              <LectureCard key={i.lecture.id} l={i.lecture} mine={i.mine} />
            ))}
          </div>
        )
      ) : !list.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : list.data.items.length === 0 ? (
        <p className="r-muted">{t('rlc.none')}</p>
      ) : (
        <div data-testid="lectures-list">
          {list.data.items.map((l) => (
            <LectureCard key={l.id} l={l} />
          ))}
        </div>
      )}
    </>
  );
}

/**
 * 微课: the page in full, the video as a plain link to its site (never embedded), sign-up and
 * cancelling; opened from the room's QR (`?t=…`) it checks the caller in once, then shows the page.
 */
export function LectureDetailPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const token = new URLSearchParams(useSearch()).get('t');
  if (!token) return <LectureDetail id={id} />;
  return (
    <SignedScan<{ already: boolean }>
      url={`/api/v1/me/lectures/${id}/checkin`}
      // noToken is never shown: SignedScan is only used here with a token.
      texts={{ noToken: '', loginFirst: t('rlc.loginToCheckIn'), working: t('rlc.checkingIn') }}
      back={{ href: `/lectures/${id}`, label: t('rlc.toLecture') }}
      testId="lecture-checkin"
    >
      {(r) => <LectureDetail id={id} checkedIn={{ kind: 'success', text: r.already ? t('rlc.alreadyIn') : t('rlc.checkedIn') }} />}
    </SignedScan>
  );
}

function LectureDetail({ id, checkedIn }: { id: string; checkedIn?: Outcome }) {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const [outcome, setOutcome] = useState<Outcome | null>(checkedIn ?? null);
  const [busy, setBusy] = useState(false);
  const data = useApi(
    (signal) =>
      session.status === 'loading'
        ? Promise.resolve(undefined)
        : session.status === 'ready'
          ? api.get<{ lecture: Lecture; mine: Mine | null }>(`/api/v1/me/lectures/${id}`, undefined, signal)
          : api.get<Lecture>(`/api/v1/public/lectures/${id}`, undefined, signal).then((lecture) => ({ lecture, mine: null })),
    [id, session.status],
  );

  const act = async (path: 'signup' | 'cancel', text: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await api.post(`/api/v1/me/lectures/${id}/${path}`);
      setOutcome({ kind: 'success', text });
      data.reload();
    } catch (e) {
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <Link href="/lectures" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
      <span>‹ {t('rlc.back')}</span>
    </Link>
  );
  if (data.error)
    return (
      <>
        {back}
        <InlineMessage kind="error">{data.error.message}</InlineMessage>
      </>
    );
  if (!data.data) return <div className="r-loading">{t('common.loading')}</div>;
  const { lecture: l, mine } = data.data;
  const signed = mine?.status === 'signed';
  return (
    <>
      {back}
      {outcome && (
        <div data-testid="lecture-outcome">
          <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>
        </div>
      )}
      <article className="r-card" data-testid="lecture-detail" data-id={l.id}>
        <div className="rvo-card-tags">
          <span className="rvo-category">{t(`rlc.phase.${l.phase}`)}</span>
        </div>
        <h2 style={{ margin: '8px 0' }}>{l.title}</h2>
        <dl className="r-facts">
          <div className="r-fact">
            <dt>{t('rlc.speaker')}</dt>
            <dd>{l.speaker}</dd>
          </div>
          <div className="r-fact">
            <dt>{t('rlc.time')}</dt>
            <dd>{when(l)}</dd>
          </div>
          <div className="r-fact">
            <dt>{t('rlc.place')}</dt>
            <dd>{l.place}</dd>
          </div>
          <div className="r-fact">
            <dt>{t('rlc.seats')}</dt>
            <dd>
              <Seats l={l} />
            </dd>
          </div>
          <div className="r-fact">
            <dt>{t('rlc.organiser')}</dt>
            <dd>{l.organiser}</dd>
          </div>
        </dl>
        {l.status === 'cancelled' && l.cancelReason && <InlineMessage kind="info">{l.cancelReason}</InlineMessage>}
        {l.body && <p style={{ whiteSpace: 'pre-wrap' }}>{l.body}</p>}
        {l.videoUrl && (
          <p className="rtb-video">
            <a href={l.videoUrl} target="_blank" rel="noopener noreferrer nofollow" data-testid="lecture-video">
              {t('rlc.video', { host: l.videoHost ?? '' })}
            </a>
            <br />
            <small className="r-muted">{t('rlc.videoHint')}</small>
          </p>
        )}
      </article>
      <section className="r-card">
        {mine && (
          <p data-testid="lecture-mine" data-status={mine.status} data-attended={mine.attendedAt ? '1' : '0'}>
            <strong>{mine.attendedAt ? t('rlc.attended', { at: formatDateTime(mine.attendedAt) }) : t(`rlc.status.${mine.status}`)}</strong>
          </p>
        )}
        {session.status !== 'ready' ? (
          <>
            <p className="r-muted">{t('rlc.loginToSign')}</p>
            <Button block color="primary" size="large" onClick={() => navigate('/login')}>
              {t('common.login')}
            </Button>
          </>
        ) : signed ? (
          !mine?.attendedAt &&
          l.phase === 'upcoming' && (
            <Button block size="large" loading={busy} onClick={() => void act('cancel', t('rlc.cancelled'))} data-testid="lecture-cancel">
              {t('rlc.cancel')}
            </Button>
          )
        ) : (
          l.signupOpen && (
            <Button block color="primary" size="large" loading={busy} onClick={() => void act('signup', t('rlc.signedUp'))} data-testid="lecture-signup">
              {t('rlc.signUp')}
            </Button>
          )
        )}
      </section>
    </>
  );
}
