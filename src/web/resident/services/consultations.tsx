import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { CONSULTATION_RATINGS, type Consultation, type ConsultationDetail, type ConsultationPage } from '../../shared/services-more.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { BackLink, LoginFirst } from './appointments.js';
import '../events/events.css';
import './more.css';
import './more.messages.js';

type Kind = 'legal' | 'medical';
type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

function StatusBadge({ c }: { c: Pick<Consultation, 'status' | 'statusLabel'> }) {
  const kind = c.status === 'closed' ? 'closed' : c.status === 'answered' ? 'closed' : 'open';
  return (
    <span className={`rev-state rev-state-${kind}`} data-testid="consultation-status" data-status={c.status}>
      <span aria-hidden="true">{kind === 'closed' ? '✓ ' : '● '}</span>
      {c.statusLabel}
    </span>
  );
}

function ConsultationList({ items, base }: { items: Consultation[]; base: string }) {
  const { t } = useI18n();
  return (
    <ul className="r-entries">
      {items.map((c) => (
        <li key={c.id}>
          <Link href={`${base}/${c.id}`} className="rev-item-link" data-testid="consultation-item" data-code={c.code}>
            <div className="r-entry-head">
              <strong>{c.subject ?? c.code}</strong>
              <StatusBadge c={c} />
            </div>
            <div className="r-muted">
              {c.code} · {c.kindLabel} · {formatDateTimeLong(c.lastMessageAt)}
            </div>
            {c.professional ? <div className="r-muted">{t('rcs.assignedTo', { name: c.professional.name, title: c.professional.title })}</div> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** 法律医疗咨询: ask, and the list of my questions. */
export default function ConsultationsPage() {
  const { t } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const [kind, setKind] = useState<Kind | null>(null);
  const [subject, setSubject] = useState('');
  const [question, setQuestion] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const mine = useApi((signal) => (ready ? api.get<ConsultationPage>('/api/v1/me/consultations', { pageSize: 50 }, signal) : Promise.resolve(undefined)), [ready]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!kind) errs.kind = t('rcs.needKind');
    if (subject.trim().length < 2) errs.subject = t('rcs.needSubject');
    if (question.trim().length < 5) errs.question = t('rcs.needQuestion');
    setErrors(errs);
    setOutcome(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const c = await api.post<Consultation>('/api/v1/me/consultations', { kind, subject: subject.trim(), question: question.trim() });
      setSubject('');
      setQuestion('');
      setKind(null);
      setOutcome({ kind: 'success', text: t('rcs.sent', { code: c.code }) });
      mine.reload();
    } catch (err) {
      setErrors(fieldErrors(err));
      setOutcome({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const items = mine.data?.items ?? [];
  return (
    <>
      <form className="r-card" onSubmit={submit} noValidate aria-labelledby="rcs-ask" data-testid="consultation-form">
        <h2 id="rcs-ask">{t('rcs.ask')}</h2>
        <p className="r-muted">{t('rcs.privacy')}</p>
        <div className="r-field">
          <span className="r-field-label" id="rcs-kind">
            {t('rcs.kind')}
          </span>
          <div className="rev-choices" role="group" aria-labelledby="rcs-kind">
            {(['legal', 'medical'] as const).map((k) => (
              <button key={k} type="button" className="rev-choice" aria-pressed={kind === k} onClick={() => setKind(k)} data-testid={`consultation-kind-${k}`}>
                {kind === k ? '✓ ' : ''}
                {t(`rcs.kind.${k}`)}
              </button>
            ))}
          </div>
          {errors.kind && <InlineMessage kind="error">{errors.kind}</InlineMessage>}
        </div>
        <div className="r-field">
          <label htmlFor="rcs-subject">{t('rcs.subject')}</label>
          <div className="r-input">
            <Input id="rcs-subject" value={subject} onChange={setSubject} maxLength={100} placeholder={t('rcs.subjectPlaceholder')} data-testid="consultation-subject" />
          </div>
          {errors.subject && <InlineMessage kind="error">{errors.subject}</InlineMessage>}
        </div>
        <div className="r-field">
          <label htmlFor="rcs-question">{t('rcs.question')}</label>
          <div className="r-input">
            <TextArea id="rcs-question" value={question} onChange={setQuestion} maxLength={4000} rows={4} autoSize={{ minRows: 3, maxRows: 10 }} data-testid="consultation-question" />
          </div>
          {errors.question && <InlineMessage kind="error">{errors.question}</InlineMessage>}
        </div>
        {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
        <Button block color="primary" size="large" type="submit" loading={busy} data-testid="consultation-submit">
          {t('rcs.send')}
        </Button>
      </form>
      <section className="r-card" aria-labelledby="rcs-mine" data-testid="my-consultations">
        <h2 id="rcs-mine">{t('rcs.mine')}</h2>
        {mine.error ? (
          <InlineMessage kind="error">{mine.error.message}</InlineMessage>
        ) : mine.loading && !mine.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('rcs.mine.empty')}</p>
        ) : (
          <ConsultationList items={items} base="/me/consultations" />
        )}
      </section>
    </>
  );
}

/** A professional's list on the phone (a provider account: 律师, 医生, 健康管理师). */
export function AnswerListPage() {
  const { t } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const list = useApi((signal) => (ready ? api.get<ConsultationPage>('/api/v1/consultations', { assigned: 'me', pageSize: 100 }, signal) : Promise.resolve(undefined)), [ready]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = list.data?.items ?? [];
  return (
    <section className="r-card" aria-labelledby="rcs-answer" data-testid="answer-consultations">
      <h2 id="rcs-answer">{t('rcs.title.answer')}</h2>
      {list.error ? (
        <InlineMessage kind="error">{list.error.message}</InlineMessage>
      ) : items.length === 0 ? (
        <p className="r-muted">{list.loading ? t('common.loading') : t('rcs.answer.empty')}</p>
      ) : (
        <ConsultationList items={items} base="/provider/consultations" />
      )}
    </section>
  );
}

/** One consultation: the conversation, a reply box, and (for the asker) close and rate. */
function ConsultationView({ mode }: { mode: 'asker' | 'professional' }) {
  const { t } = useI18n();
  const session = useSession();
  const { id } = useParams<{ id: string }>();
  const base = mode === 'asker' ? '/api/v1/me/consultations' : '/api/v1/consultations';
  const [body, setBody] = useState('');
  const [rating, setRating] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const detail = useApi(
    (signal) => (session.status === 'ready' ? api.get<ConsultationDetail>(`${base}/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)),
    [session.status, id],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const back = mode === 'asker' ? <BackLink href="/services/consultations" label={t('rcs.mine')} /> : <BackLink href="/provider/consultations" label={t('rcs.title.answer')} />;
  if (detail.error)
    return (
      <>
        {back}
        <InlineMessage kind="error">{detail.error.message}</InlineMessage>
      </>
    );
  const c = detail.data;
  if (!c) return <div className="r-loading">{t('common.loading')}</div>;

  const act = async (name: string, path: string, payload: unknown, done: string) => {
    setBusy(name);
    setOutcome(null);
    try {
      await api.post(`${base}/${encodeURIComponent(c.id)}/${path}`, payload);
      setBody('');
      setOutcome({ kind: 'success', text: done });
      detail.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) detail.reload();
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {back}
      <section className="r-card" aria-labelledby="rcs-detail" data-testid="consultation-detail">
        <div className="r-entry-head">
          <h2 id="rcs-detail" style={{ margin: 0 }}>
            {c.subject ?? c.code}
          </h2>
          <StatusBadge c={c} />
        </div>
        <p className="r-muted">
          {c.code} · {c.kindLabel}
          {c.askerName ? ` · ${t('rcs.asker', { name: c.askerName })}` : ''}
        </p>
        <p className="r-muted">{c.professional ? t('rcs.assignedTo', { name: c.professional.name, title: c.professional.title }) : t('rcs.waitingAssign')}</p>
        {c.rating && <p>{t('rcs.rating', { rating: t(`hall.rating.${c.rating}`) })}</p>}
        <ol className="hall-chat" data-testid="consultation-messages">
          {c.messages.map((m) => (
            <li key={m.seq} className={m.mine ? 'mine' : undefined} data-testid="consultation-message" data-role={m.role}>
              <div className="hall-msg-head">
                {m.mine ? t('rcs.you') : m.authorName} <span className="r-muted">{formatDateTimeLong(m.createdAt)}</span>
              </div>
              <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
            </li>
          ))}
        </ol>
      </section>
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      {c.canReply && (
        <section className="r-card" aria-labelledby="rcs-reply">
          <div className="r-field">
            <label htmlFor="rcs-reply" id="rcs-reply-label">
              {mode === 'asker' ? t('rcs.followUp') : t('rcs.reply')}
            </label>
            <div className="r-input">
              <TextArea id="rcs-reply" value={body} onChange={setBody} maxLength={4000} rows={3} autoSize={{ minRows: 2, maxRows: 8 }} data-testid="consultation-reply" />
            </div>
          </div>
          <Button
            block
            color="primary"
            size="large"
            loading={busy === 'reply'}
            disabled={!body.trim()}
            onClick={() => void act('reply', 'messages', { body: body.trim() }, t('rcs.replySent'))}
            data-testid="consultation-reply-send"
          >
            {t('rcs.replySend')}
          </Button>
        </section>
      )}
      {mode === 'asker' && c.canClose && (
        <section className="r-card" aria-labelledby="rcs-close" data-testid="consultation-close">
          <h2 id="rcs-close">{t('rcs.close')}</h2>
          <p className="r-muted">{t('rcs.closeHint')}</p>
          <div className="rev-choices" role="group" aria-label={t('rcs.close')}>
            {CONSULTATION_RATINGS.map((r) => (
              <button key={r} type="button" className="rev-choice" aria-pressed={rating === r} onClick={() => setRating(r)} data-testid={`consultation-rate-${r}`}>
                {rating === r ? '✓ ' : ''}
                {t(`hall.rating.${r}`)}
              </button>
            ))}
          </div>
          <Button block size="large" style={{ marginTop: 12 }} loading={busy === 'close'} onClick={() => void act('close', 'close', { rating: rating ?? undefined }, t('rcs.closed'))} data-testid="consultation-close-submit">
            {t('rcs.close')}
          </Button>
        </section>
      )}
    </>
  );
}

export function MyConsultationPage() {
  return <ConsultationView mode="asker" />;
}

export function AnswerConsultationPage() {
  return <ConsultationView mode="professional" />;
}
