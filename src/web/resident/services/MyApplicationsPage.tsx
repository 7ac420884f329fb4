import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import type { ApplicationDetail, ApplicationPage, ApplicationSummary, ServiceRating } from '../../shared/service-hall.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { valueText } from './ApplyPage.js';
import { AppStateBadge, InlineLogin, MaterialFiles, materialOfError, MY_APPLICATIONS_API, RATINGS, useLabel, type UploadedFile } from './common.js';

const PAGE = 20;

function ApplicationItem({ a }: { a: ApplicationSummary }) {
  const { t } = useI18n();
  return (
    <li>
      <Link href={`/services/applications/${encodeURIComponent(a.id)}`} className="rev-item-link" data-testid="my-application" data-code={a.code}>
        <div className="r-entry-head">
          <strong>{a.matterName}</strong>
          <AppStateBadge state={a.state} label={a.stateLabel} />
        </div>
        <div className="r-muted">
          {a.code} · {t('rsv.m.submittedOn', { date: formatDateLong(a.submittedAt) })}
          {a.onBehalf ? ` · ${t('rsv.m.onBehalf')}` : ''}
        </div>
      </Link>
    </li>
  );
}

/** /services/applications — 我的办事. */
export default function MyApplicationsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [pages, setPages] = useState(1);
  const mine = useApi(
    (signal) => (session.status === 'ready' ? api.get<ApplicationPage>(MY_APPLICATIONS_API, { page: 1, pageSize: PAGE * pages }, signal) : Promise.resolve(undefined)),
    [session.status, pages],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <InlineLogin hint={t('rsv.mineHint')} />;
  const items = mine.data?.items ?? [];
  return (
    <section className="r-card" aria-labelledby="rsv-mine-title" data-testid="my-applications">
      <h2 id="rsv-mine-title">{t('rsv.mine')}</h2>
      {mine.error ? (
        <InlineMessage kind="error">{mine.error.message}</InlineMessage>
      ) : mine.loading && !mine.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : items.length === 0 ? (
        <>
          <p className="r-muted">{t('rsv.m.empty')}</p>
          <Link href="/services/matters" className="rsv-link-button">
            {t('rsv.m.find')}
          </Link>
        </>
      ) : (
        <>
          <ul className="r-entries">
            {items.map((a) => (
              <ApplicationItem key={a.id} a={a} />
            ))}
          </ul>
          {(mine.data?.total ?? 0) > items.length && (
            <Button block fill="outline" loading={mine.loading} onClick={() => setPages((p) => p + 1)}>
              {t('rsv.m.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

/** 补正: a file for every missing material, then 补正后提交. */
function ResubmitForm({ app, onChanged }: { app: ApplicationDetail; onChanged: (o: Outcome) => void }) {
  const { t } = useI18n();
  const missing = app.materials.filter((m) => m.missing);
  // Besides what is missing, the applicant may add any other uploadable material.
  const [files, setFiles] = useState<Record<string, UploadedFile[]>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const need = Object.fromEntries(missing.filter((m) => !files[m.code]?.length).map((m) => [m.code, t('rsv.a.needFile', { name: m.name })]));
    setErrors(need);
    if (Object.keys(need).length) return setError(t('rsv.a.fixFields'));
    setBusy(true);
    setError(null);
    try {
      await api.post(`${MY_APPLICATIONS_API}/${encodeURIComponent(app.id)}/steps/resubmit`, {
        expectedVersion: app.version,
        files: Object.entries(files).flatMap(([materialCode, list]) => list.map((f) => ({ materialCode, attachmentId: f.id }))),
      });
      onChanged({ kind: 'success', text: t('rsv.m.resubmitted') });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return onChanged({ kind: 'info', text: t('rsv.m.stale') });
      const mat = materialOfError(err);
      if (mat) setErrors((x) => ({ ...x, [mat]: errorMessage(err) }));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const shown = missing.length ? missing : app.materials.filter((m) => m.upload);
  return (
    <form className="r-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="rsv-resubmit" data-testid="resubmit-form">
      <h2 id="rsv-resubmit">{t('rsv.m.resubmit')}</h2>
      <ul className="rsv-materials">
        {shown.map((m) => (
          <MaterialFiles
            key={m.code}
            code={m.code}
            name={m.name}
            required={m.missing}
            files={files[m.code] ?? []}
            error={errors[m.code]}
            onChange={(list) => {
              setFiles((old) => ({ ...old, [m.code]: list }));
              if (list.length) setErrors(({ [m.code]: _gone, ...rest }) => rest);
            }}
          />
        ))}
      </ul>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="resubmit-submit">
        {t('rsv.m.resubmit')}
      </Button>
    </form>
  );
}

function WithdrawForm({ app, onChanged }: { app: ApplicationDetail; onChanged: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const withdraw = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${MY_APPLICATIONS_API}/${encodeURIComponent(app.id)}/steps/withdraw`, { expectedVersion: app.version, comment: comment.trim() || undefined });
      onChanged({ kind: 'success', text: t('rsv.m.withdrawn') });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) onChanged({ kind: 'info', text: t('rsv.m.stale') });
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="r-card" aria-labelledby="rsv-withdraw" data-testid="withdraw-form">
      <h2 id="rsv-withdraw">{t('rsv.m.withdraw')}</h2>
      <p className="r-muted">{t('rsv.m.withdrawHint')}</p>
      <div className="r-field">
        <label htmlFor="rsv-withdraw-reason">{t('rsv.m.withdrawReason')}</label>
        <div className="r-input">
          <TextArea id="rsv-withdraw-reason" value={comment} onChange={setComment} maxLength={1000} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} />
        </div>
      </div>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block size="large" color="danger" fill="outline" loading={busy} onClick={() => void withdraw()} data-testid="withdraw-submit">
        {t('rsv.m.withdrawConfirm')}
      </Button>
    </section>
  );
}

function RateForm({ app, onChanged }: { app: ApplicationDetail; onChanged: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [rating, setRating] = useState<ServiceRating | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return setError(t('rsv.m.rateNeed'));
    setBusy(true);
    setError(null);
    try {
      await api.post(`${MY_APPLICATIONS_API}/${encodeURIComponent(app.id)}/steps/rate`, { expectedVersion: app.version, rating, comment: comment.trim() || undefined });
      onChanged({ kind: 'success', text: t('rsv.m.rated') });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) onChanged({ kind: 'info', text: t('rsv.m.stale') });
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="r-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="rsv-rate" data-testid="rate-form">
      <h2 id="rsv-rate">{t('rsv.m.rate')}</h2>
      <p className="r-muted">{t('rsv.m.rateHint')}</p>
      <div className="rev-choices" role="group" aria-label={t('rsv.m.rate')}>
        {RATINGS.map((r) => (
          <button key={r} type="button" className="rev-choice" aria-pressed={rating === r} onClick={() => setRating(r)} data-testid={`rate-${r}`}>
            {rating === r ? '✓ ' : ''}
            {t(`rsv.rating.${r}`)}
          </button>
        ))}
      </div>
      <div className="r-field" style={{ marginTop: 12 }}>
        <label htmlFor="rsv-rate-comment">{t('rsv.m.rateComment')}</label>
        <div className="r-input">
          <TextArea id="rsv-rate-comment" value={comment} onChange={setComment} maxLength={1000} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} />
        </div>
      </div>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="rate-submit">
        {t('rsv.m.rateSubmit')}
      </Button>
    </form>
  );
}

/** /services/applications/:id — one application: facts, what is missing, the steps, 服务进度. */
export function MyApplicationDetailPage() {
  const { t, locale } = useI18n();
  const l = useLabel();
  const session = useSession();
  const { id } = useParams<{ id: string }>();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const detail = useApi(
    (signal) => (session.status === 'ready' ? api.get<ApplicationDetail>(`${MY_APPLICATIONS_API}/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)),
    [session.status, id],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <InlineLogin hint={t('rsv.mineHint')} />;
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  const a = detail.data;
  if (!a) return <div className="r-loading">{t('common.loading')}</div>;

  const can = new Set(a.transitions.map((s) => s.name));
  const lastReturn = [...a.timeline].reverse().find((s) => s.transition === 'return');
  const changed = (o: Outcome) => {
    setOutcome(o);
    detail.reload();
    window.scrollTo(0, 0);
  };
  const facts: [string, string][] = [
    [t('rsv.r.code'), a.code],
    [t('rsv.r.applicant'), a.applicant.name],
    [t('rsv.r.submittedAt'), formatDateTimeLong(a.submittedAt)],
    ...(a.promiseDueAt && !['completed', 'rated'].includes(a.state) ? [[t('rsv.m.promiseDue'), formatDateLong(a.promiseDueAt)] as [string, string]] : []),
    ...(a.dueAt ? [[t('rsv.m.dueAt'), formatDateTimeLong(a.dueAt)] as [string, string]] : []),
    ...(a.rating ? [[t('rsv.m.myRating'), `${t(`rsv.rating.${a.rating}`)}${a.ratingComment ? `（${a.ratingComment}）` : ''}`] as [string, string]] : []),
  ];

  return (
    <>
      <Link href="/services/applications" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
        <span>‹ {t('rsv.m.back')}</span>
      </Link>
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <section className="r-card" aria-labelledby="rsv-app-title" data-testid="application-detail">
        <div className="r-entry-head">
          <h2 id="rsv-app-title" style={{ margin: 0 }}>
            <Link href={`/services/matters/${encodeURIComponent(a.matter.code)}`}>{a.matter.name}</Link>
          </h2>
          <AppStateBadge state={a.state} label={a.stateLabel} testId="application-detail-state" />
        </div>
        {a.agent && (
          <p className="r-muted" data-testid="application-agent">
            {t('rsv.m.onBehalfBy', { name: a.agent.name ?? '—', reason: a.agent.reason ?? '' })}
          </p>
        )}
        <dl className="r-facts">
          {facts.map(([k, v]) => (
            <div key={k} className="r-fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>

      {a.state === 'returned' && (
        <section className="r-card" aria-labelledby="rsv-returned" data-testid="application-returned" style={{ borderColor: 'var(--danger)', borderWidth: 2 }}>
          <h2 id="rsv-returned" className="rsv-missing">
            ! {t('rsv.m.returned')}
          </h2>
          {lastReturn?.comment && <p>{t('rsv.m.returnReason', { reason: lastReturn.comment })}</p>}
          {a.missingMaterials.length > 0 && (
            <p className="rsv-missing" data-testid="application-missing">
              {t('rsv.m.missingList', { list: a.materials.filter((m) => m.missing).map((m) => m.name).join('、') })}
            </p>
          )}
        </section>
      )}
      {(a.state === 'refused' || a.state === 'denied') && a.refusalReason && (
        <InlineMessage kind="error">
          {l(a.stateLabel)} · {t('rsv.m.refusal', { reason: a.refusalReason })}
        </InlineMessage>
      )}
      {(a.state === 'completed' || a.state === 'rated') && (
        <section className="r-card" aria-labelledby="rsv-result" data-testid="application-result">
          <h2 id="rsv-result">{t('rsv.m.result')}</h2>
          {a.result && <p style={{ whiteSpace: 'pre-wrap' }}>{a.result}</p>}
          {a.completedOnTime !== null && <p className="r-muted">{a.completedOnTime ? `✓ ${t('rsv.m.onTime')}` : t('rsv.m.late')}</p>}
          {a.resultFiles.length > 0 && (
            <ul className="rsv-files">
              {a.resultFiles.map((f) => (
                <li key={f.id}>
                  <a href={f.url} target="_blank" rel="noopener">
                    {f.name}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {can.has('resubmit') && <ResubmitForm key={a.version} app={a} onChanged={changed} />}
      {can.has('rate') && <RateForm key={a.version} app={a} onChanged={changed} />}

      <section className="r-card" aria-labelledby="rsv-progress" data-testid="application-timeline">
        <h2 id="rsv-progress">{t('rsv.m.progress')}</h2>
        <ol className="rev-timeline">
          {a.timeline.map((s) => (
            <li key={s.version} data-testid="application-step" data-transition={s.transition} data-to={s.toState}>
              <div className="rev-step-title">
                {s.transition === 'start' || s.transition === 'submit' ? t('rsv.m.stepSubmit') : l(s.label, s.transition)} → {l(s.toLabel, s.toState)}
              </div>
              <div className="r-muted">
                {formatDateTimeLong(s.at)}
                {s.actorRoleLabel ? ` · ${t('rsv.m.by', { who: l(s.actorRoleLabel) })}` : ''}
              </div>
              {s.comment && <div style={{ whiteSpace: 'pre-wrap' }}>{s.comment}</div>}
              {s.missingMaterials.length > 0 && <div className="rsv-missing">{t('rsv.m.missingList', { list: s.missingMaterials.map((m) => m.name).join('、') })}</div>}
              {s.files > 0 && <div className="r-muted">{t('rsv.m.stepFiles', { n: s.files })}</div>}
              {s.rating && <div>{t(`rsv.rating.${s.rating}`)}</div>}
            </li>
          ))}
        </ol>
      </section>

      <section className="r-card" aria-labelledby="rsv-form" data-testid="application-form">
        <h2 id="rsv-form">{t('rsv.m.form')}</h2>
        <dl className="r-facts">
          {a.form.map((f) => (
            <div key={f.key} className="r-fact">
              <dt>{locale === 'en' && f.labelEn ? f.labelEn : f.label}</dt>
              <dd>{valueText(f.value, t)}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="r-card" aria-labelledby="rsv-app-materials" data-testid="application-materials">
        <h2 id="rsv-app-materials">{t('rsv.m.materials')}</h2>
        <ul className="rsv-materials">
          {a.materials.map((m) => (
            <li key={m.code} data-testid={`app-material-${m.code}`} data-missing={m.missing ? 'true' : undefined}>
              <div className="r-entry-head">
                <strong>{m.name}</strong>
                {m.missing && <span className="rsv-tag rsv-missing">! {t('rsv.m.missing')}</span>}
              </div>
              {m.files.length > 0 ? (
                <ul className="rsv-files">
                  {m.files.map((f) => (
                    <li key={f.id}>
                      <a href={f.url} target="_blank" rel="noopener">
                        {f.name}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                <div className="r-muted">{m.onPaper ? t('rsv.r.onPaper') : t('rsv.m.noFile')}</div>
              )}
            </li>
          ))}
        </ul>
      </section>

      {can.has('withdraw') && <WithdrawForm key={a.version} app={a} onChanged={changed} />}
    </>
  );
}
