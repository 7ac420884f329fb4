import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { ExchangeStatus, fromLocalInput, hours, MINUTE_CHOICES, toLocalInput, type TbExchange, type TbPost } from './timebank.common.js';

type Outcome = { kind: 'success' | 'error'; text: string };

/** One exchange of this post that I am part of, with what I can do now. */
function ExchangeCard({ x, onChanged }: { x: TbExchange; onChanged: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      await api.post(`/api/v1/me/timebank/exchanges/${x.id}/${path}`, body);
      onChanged({ kind: 'success', text: t('rtb.done') });
    } catch (e) {
      onChanged({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="rtb-exchange" data-testid="timebank-exchange" data-status={x.status} data-role={x.role}>
      <div className="rvo-row">
        <strong>
          {t(`rtb.role.${x.role}`)} · {t('rtb.hours', { h: hours(x.minutes) })}
        </strong>
        <ExchangeStatus status={x.status} />
      </div>
      <div>{t('rtb.with', { name: x.counterpart.name, place: x.counterpart.place ?? '' })}</div>
      {x.counterpart.contactNote && <div>{t('rtb.contact', { note: x.counterpart.contactNote })}</div>}
      {x.note && <div className="r-muted">{x.note}</div>}
      {x.doneNote && <div className="r-muted">{x.doneNote}</div>}
      {x.status === 'held' && <div className="r-muted">{t('rtb.dueAt', { at: formatDateTime(x.dueAt) })}</div>}
      {x.autoAcceptAt && <div className="r-muted">{t('rtb.autoAccept', { at: formatDateTime(x.autoAcceptAt) })}</div>}
      {x.disputeReason && <div>{t('rtb.disputeShown', { reason: x.disputeReason })}</div>}
      {x.resolution && <div>{t(`rtb.resolution.${x.resolution}`, { reason: x.resolutionReason ?? '' })}</div>}
      <div className="rvo-form" style={{ marginTop: 8 }}>
        {x.can.done && (
          <>
            <label>
              <span>{t('rtb.doneNote')}</span>
              <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
            </label>
            <Button block color="primary" size="large" loading={busy} onClick={() => void act('done', { note: note.trim() || undefined })} data-testid="timebank-done">
              {t('rtb.markDone')}
            </Button>
          </>
        )}
        {x.can.accept && (
          <Button block color="primary" size="large" loading={busy} onClick={() => void act('accept')} data-testid="timebank-accept">
            {t('rtb.accept')}
          </Button>
        )}
        {x.can.dispute && (
          <>
            <label style={{ marginTop: 12 }}>
              <span>{t('rtb.disputeReason')}</span>
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} rows={2} data-testid="timebank-dispute-reason" />
            </label>
            <Button block size="large" disabled={reason.trim().length < 5} loading={busy} onClick={() => void act('dispute', { reason: reason.trim() })} data-testid="timebank-dispute">
              {t('rtb.dispute')}
            </Button>
          </>
        )}
        {x.can.withdraw && (
          <Button block size="large" loading={busy} style={{ marginTop: 8 }} onClick={() => void act('withdraw', {})} data-testid="timebank-withdraw">
            {t('rtb.withdraw')}
          </Button>
        )}
      </div>
    </div>
  );
}

/** 预约: how long and by when; the booker's hours are held at once. */
function BookForm({ post, onBooked }: { post: TbPost; onBooked: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState(post.minutes);
  const [neededBy, setNeededBy] = useState(toLocalInput(Date.now() + 3 * 86_400_000));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.post(`/api/v1/me/timebank/posts/${post.id}/book`, { minutes, neededBy: fromLocalInput(neededBy), note: note.trim() || undefined });
      onBooked({ kind: 'success', text: t('rtb.booked') });
    } catch (err) {
      onBooked({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const choices = [...new Set([...MINUTE_CHOICES, post.minutes])].sort((a, b) => a - b);
  return (
    <form className="rvo-form" onSubmit={(e) => void submit(e)} data-testid="timebank-book-form">
      <label>
        <span>{t('rtb.form.minutes')}</span>
        <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {choices.map((m) => (
            <option key={m} value={m}>
              {t('rtb.hours', { h: hours(m) })}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('rtb.form.neededBy')}</span>
        <input type="datetime-local" value={neededBy} onChange={(e) => setNeededBy(e.target.value)} required />
      </label>
      <label>
        <span>{t('rtb.bookNote')}</span>
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
      </label>
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="timebank-book">
        {t('rtb.book')}
      </Button>
    </form>
  );
}

/** 时间银行: one offer or need — take it, book it, or close it; the exchanges I am part of, with their steps. */
export default function TimebankPostPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const data = useApi((signal) => api.get<{ post: TbPost; exchanges: TbExchange[] }>(`/api/v1/me/timebank/posts/${id}`, undefined, signal), [id]);
  const changed = (o: Outcome) => {
    setOutcome(o);
    data.reload();
  };
  const post = async (path: string, body: unknown, text: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await api.post(`/api/v1/me/timebank/posts/${id}/${path}`, body);
      changed({ kind: 'success', text });
    } catch (e) {
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const back = (
    <Link href="/timebank" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
      <span>‹ {t('rtb.back')}</span>
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
  const { post: p, exchanges } = data.data;
  return (
    <>
      {back}
      <article className="r-card" data-testid="timebank-post-detail" data-id={p.id} data-status={p.status}>
        <div className="rvo-card-tags">
          <span className={`rtb-kind rtb-kind-${p.kind}`}>{t(`rtb.kind.${p.kind}`)}</span>
          <span className="rvo-phase">{p.category}</span>
          <span className="rvo-phase">{t(`rtb.status.${p.status}`)}</span>
        </div>
        <h2 style={{ margin: '8px 0' }}>{p.title}</h2>
        <dl className="r-facts">
          <div className="r-fact">
            <dt>{t('rtb.minutes')}</dt>
            <dd>
              <strong className="rtb-hours">{t('rtb.hours', { h: hours(p.minutes) })}</strong>
            </dd>
          </div>
          {p.neededBy && (
            <div className="r-fact">
              <dt>{t('rtb.form.neededBy')}</dt>
              <dd>{formatDateTime(p.neededBy)}</dd>
            </div>
          )}
          {p.place && (
            <div className="r-fact">
              <dt>{t('rtb.form.place')}</dt>
              <dd>{p.place}</dd>
            </div>
          )}
          <div className="r-fact">
            <dt>{t(`rtb.kind.${p.kind}Long`)}</dt>
            <dd>{t('rtb.by', { name: p.author.name, place: p.author.place ?? '' })}</dd>
          </div>
        </dl>
        {p.description && <p style={{ whiteSpace: 'pre-wrap' }}>{p.description}</p>}
        {p.closedReason && <p className="r-muted">{p.closedReason}</p>}
      </article>

      <section className="r-card">
        {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
        {p.canTake && (
          <Button block color="primary" size="large" loading={busy} onClick={() => void post('take', undefined, t('rtb.taken'))} data-testid="timebank-take">
            {t('rtb.take')}
          </Button>
        )}
        {p.canBook && <BookForm post={p} onBooked={changed} />}
        {p.canClose && (
          <Button block size="large" loading={busy} style={{ marginTop: 8 }} onClick={() => void post('close', {}, t('rtb.closedNow'))} data-testid="timebank-close">
            {t('rtb.close')}
          </Button>
        )}
        {exchanges.map((x) => (
          <ExchangeCard key={x.id} x={x} onChanged={changed} />
        ))}
      </section>
    </>
  );
}
