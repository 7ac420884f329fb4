import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import type { EventDetail, EventPage, EventRating, EventSummary } from '../../shared/events.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { StateBadge, useLabel } from './common.js';

const PAGE = 20;
const RATINGS: EventRating[] = ['满意', '基本满意', '不满意'];

function LoginFirst() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <section className="r-card">
      <p className="r-muted">{t('rev.loginFirst')}</p>
      <Button block color="primary" size="large" onClick={() => navigate('/login')}>
        {t('common.login')}
      </Button>
    </section>
  );
}

function EventItem({ e }: { e: EventSummary }) {
  const { t } = useI18n();
  return (
    <li>
      <Link href={`/me/events/${e.id}`} className="rev-item-link" data-testid="my-event" data-code={e.code}>
        <div className="r-entry-head">
          <strong>{e.title}</strong>
          <StateBadge state={e.state} label={e.stateLabel} />
        </div>
        <div className="r-muted">
          {e.code} · {t('rev.reportedOn', { date: formatDateLong(e.createdAt) })}
        </div>
      </Link>
    </li>
  );
}

export default function MyEventsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [pages, setPages] = useState(1);
  const mine = useApi(
    (signal) => (session.status === 'ready' ? api.get<EventPage>('/api/v1/me/events', { page: 1, pageSize: PAGE * pages }, signal) : Promise.resolve(undefined)),
    [session.status, pages],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = mine.data?.items ?? [];
  return (
    <>
      <Link href="/services/report" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }} data-testid="my-events-report">
        <strong>{t('rev.mine.report')}</strong>
        <span aria-hidden="true">›</span>
      </Link>
      <section className="r-card" aria-labelledby="my-events-title" data-testid="my-events">
        <h2 id="my-events-title">{t('rev.title.mine')}</h2>
        {mine.error ? (
          <InlineMessage kind="error">{mine.error.message}</InlineMessage>
        ) : mine.loading && !mine.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('rev.mine.empty')}</p>
        ) : (
          <>
            <ul className="r-entries">
              {items.map((e) => (
                <EventItem key={e.id} e={e} />
              ))}
            </ul>
            {(mine.data?.total ?? 0) > items.length && (
              <Button block fill="outline" loading={mine.loading} onClick={() => setPages((p) => p + 1)}>
                {t('rev.mine.more')}
              </Button>
            )}
          </>
        )}
      </section>
    </>
  );
}

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

/** The steps a reporter may take on their own event, each as a small inline form (no dialogs). */
function ReporterSteps({ event, onChanged }: { event: EventDetail; onChanged: (o: Outcome) => void }) {
  const { t } = useI18n();
  const can = new Set(event.transitions.map((s) => s.name));
  const [comment, setComment] = useState('');
  const [rating, setRating] = useState<EventRating | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const step = async (name: string, body: Record<string, unknown>, done: string) => {
    setBusy(name);
    setError(null);
    try {
      await api.post(`/api/v1/events/${encodeURIComponent(event.id)}/steps/${name}`, { expectedVersion: event.version, ...body });
      setComment('');
      onChanged({ kind: 'success', text: done });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) onChanged({ kind: 'info', text: t('rev.stale') });
      else setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  if (can.has('rate')) {
    const submit = (e: FormEvent) => {
      e.preventDefault();
      if (!rating) return setError(t('rev.rateNeed'));
      void step('rate', { rating, comment: comment.trim() || undefined }, t('rev.rated'));
    };
    return (
      <form className="r-card" onSubmit={submit} noValidate aria-labelledby="rev-rate" data-testid="rate-form">
        <h2 id="rev-rate">{t('rev.rate')}</h2>
        <p className="r-muted">{t('rev.rateHint')}</p>
        <div className="rev-choices" role="group" aria-label={t('rev.rate')}>
          {RATINGS.map((r) => (
            <button key={r} type="button" className="rev-choice" aria-pressed={rating === r} onClick={() => setRating(r)} data-testid={`rate-${r}`}>
              {rating === r ? '✓ ' : ''}
              {t(`rev.rating.${r}`)}
            </button>
          ))}
        </div>
        <div className="r-field" style={{ marginTop: 12 }}>
          <label htmlFor="rev-rate-comment">{t('rev.rateComment')}</label>
          <div className="r-input">
            <TextArea id="rev-rate-comment" value={comment} onChange={setComment} maxLength={1000} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="rate-comment" />
          </div>
        </div>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        <Button block color="primary" size="large" type="submit" loading={busy === 'rate'} data-testid="rate-submit">
          {t('rev.rateSubmit')}
        </Button>
      </form>
    );
  }

  if (can.has('verify') || can.has('rework')) {
    return (
      <section className="r-card" aria-labelledby="rev-check" data-testid="check-form">
        <h2 id="rev-check">{t('rev.check')}</h2>
        <p className="r-muted">{t('rev.checkHint')}</p>
        {can.has('verify') && (
          <Button block color="primary" size="large" loading={busy === 'verify'} onClick={() => void step('verify', { comment: comment.trim() || undefined }, t('rev.verified'))} data-testid="check-verify">
            {t('rev.verify')}
          </Button>
        )}
        {can.has('rework') && (
          <>
            <div className="r-field" style={{ marginTop: 12 }}>
              <label htmlFor="rev-rework">{t('rev.reworkReason')}</label>
              <div className="r-input">
                <TextArea id="rev-rework" value={comment} onChange={setComment} maxLength={1000} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} />
              </div>
            </div>
            <Button
              block
              size="large"
              color="danger"
              fill="outline"
              loading={busy === 'rework'}
              onClick={() => (comment.trim() ? void step('rework', { comment: comment.trim() }, t('rev.reworked')) : setError(t('rev.reworkNeedReason')))}
              data-testid="check-rework"
            >
              {t('rev.rework')}
            </Button>
          </>
        )}
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
      </section>
    );
  }

  if (can.has('withdraw')) {
    return (
      <section className="r-card" aria-labelledby="rev-withdraw" data-testid="withdraw-form">
        <h2 id="rev-withdraw">{t('rev.withdraw')}</h2>
        <p className="r-muted">{t('rev.withdrawHint')}</p>
        <div className="r-field">
          <label htmlFor="rev-withdraw-reason">{t('rev.withdrawReason')}</label>
          <div className="r-input">
            <TextArea id="rev-withdraw-reason" value={comment} onChange={setComment} maxLength={1000} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} />
          </div>
        </div>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        <Button block size="large" color="danger" fill="outline" loading={busy === 'withdraw'} onClick={() => void step('withdraw', { comment: comment.trim() || undefined }, t('rev.withdrawn'))} data-testid="withdraw-submit">
          {t('rev.withdrawConfirm')}
        </Button>
      </section>
    );
  }
  return null;
}

export function MyEventDetailPage() {
  const { t } = useI18n();
  const l = useLabel();
  const session = useSession();
  const { id } = useParams<{ id: string }>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const detail = useApi(
    (signal) => (session.status === 'ready' ? api.get<EventDetail>(`/api/v1/me/events/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)),
    [session.status, id],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const e = detail.data;
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  if (!e) return <div className="r-loading">{t('common.loading')}</div>;

  const photoById = new Map(e.photos.map((p) => [p.id, p]));
  const defs = new Map(e.attributeDefinitions.map((d) => [d.code, d]));
  const rows: [string, string][] = [
    ['rev.code', e.code],
    ['rev.category', e.categoryName ?? '—'],
    ...(e.address || e.addressNodeName ? [['rev.address', (e.address ?? e.addressNodeName)!] as [string, string]] : []),
    ['rev.grid', e.orgNodeName ?? '—'],
    ...(e.assignee?.nodeName ? [['rev.handler', [e.assignee.nodeName, e.assignee.departmentName].filter(Boolean).join(' ')] as [string, string]] : []),
    ...(e.rating ? [['rev.rating', `${t(`rev.rating.${e.rating}`)}${e.facts.ratingComment ? `（${e.facts.ratingComment}）` : ''}`] as [string, string]] : []),
  ];
  const attributeRows = Object.entries(e.attributes).map(([code, v]) => {
    const d = defs.get(code);
    const values = (Array.isArray(v) ? v : [v]).map((x) => d?.values?.find((o) => o.key === x)?.name ?? x);
    return [d?.label ?? code, values.join('、')] as [string, string];
  });

  return (
    <>
      <Link href="/me/events" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
        <span>‹ {t('rev.back')}</span>
      </Link>
      <section className="r-card" aria-labelledby="rev-event-title" data-testid="my-event-detail">
        <div className="r-entry-head">
          <h2 id="rev-event-title" style={{ margin: 0 }} data-testid="my-event-title">
            {e.title}
          </h2>
          <StateBadge state={e.state} label={e.stateLabel} testId="my-event-state" />
        </div>
        <p style={{ whiteSpace: 'pre-wrap' }}>{e.description}</p>
        <dl className="r-facts">
          {[...rows.map(([k, v]) => [t(k), v] as [string, string]), ...attributeRows].map(([k, v]) => (
            <div key={k} className="r-fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        {e.photos.length > 0 && (
          <ul className="rev-photos" data-testid="my-event-photos">
            {e.photos.map((p) => (
              <li key={p.id} className="rev-photo">
                <a href={p.url}>
                  <img src={p.url} alt={p.name} />
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <ReporterSteps
        key={e.version}
        event={e}
        onChanged={(o) => {
          setOutcome(o);
          detail.reload();
        }}
      />

      <section className="r-card" aria-labelledby="rev-progress" data-testid="my-event-timeline">
        <h2 id="rev-progress">{t('rev.progress')}</h2>
        <ol className="rev-timeline">
          {e.timeline.map((s, i) => (
            <li key={s.version ?? `note-${s.at}-${i}`} data-testid="my-event-step" data-transition={s.transition}>
              <div className="rev-step-title">
                {s.transition === 'start' ? t('rev.step.start') : l(s.label, s.transition)} → {l(s.toLabel, s.toState)}
              </div>
              <div className="r-muted">
                {formatDateTimeLong(s.at)}
                {s.transition !== 'start' && s.actorRoleLabel ? ` · ${t('rev.by', { role: l(s.actorRoleLabel) })}` : ''}
              </div>
              {s.comment && <div style={{ whiteSpace: 'pre-wrap' }}>{s.comment}</div>}
              {s.rating && <div>{t(`rev.rating.${s.rating}`)}</div>}
              {s.transition !== 'start' && s.attachmentIds.length > 0 && (
                <ul className="rev-photos">
                  {s.attachmentIds
                    .map((a) => photoById.get(a))
                    .filter((p) => !!p)
                    .map((p) => (
                      <li key={p!.id} className="rev-photo">
                        <a href={p!.url}>
                          <img src={p!.url} alt={p!.name} />
                        </a>
                      </li>
                    ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
