import { useCallback, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { addMessages, useI18n } from '../../shared/i18n.js';
import { useTopic } from '../../shared/live.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';
import './surveys.titles.js';

addMessages({
  'rsv2.loginFirst': { 'zh-CN': '登录后填写发给您的问卷', en: 'Log in to answer the surveys sent to you' },
  'rsv2.none': { 'zh-CN': '暂无需要填写的问卷', en: 'No surveys for you right now' },
  'rsv2.open': { 'zh-CN': '进行中', en: 'Open' },
  'rsv2.ended': { 'zh-CN': '已结束', en: 'Closed' },
  'rsv2.done': { 'zh-CN': '已填写', en: 'Answered' },
  'rsv2.until': { 'zh-CN': '截止 {date}', en: 'Until {date}' },
  'rsv2.anonymous': { 'zh-CN': '匿名问卷：您的答案不与姓名关联', en: 'Anonymous: your answers are not linked to your name' },
  'rsv2.named': { 'zh-CN': '实名问卷', en: 'Named survey' },
  'rsv2.required': { 'zh-CN': '必答', en: 'Required' },
  'rsv2.picks': { 'zh-CN': '选 {min}–{max} 项', en: 'Pick {min}–{max}' },
  'rsv2.submit': { 'zh-CN': '提交问卷', en: 'Submit' },
  'rsv2.thanks': { 'zh-CN': '感谢您的参与！', en: 'Thank you for taking part!' },
  'rsv2.answered': { 'zh-CN': '您已填写过本问卷', en: 'You have answered this survey' },
  'rsv2.results': { 'zh-CN': '调查结果', en: 'Results' },
  'rsv2.turnout': { 'zh-CN': '已有 {n} 人参与（{p}）', en: '{n} responses ({p})' },
  'rsv2.average': { 'zh-CN': '平均 {v} 分', en: 'Average {v}' },
  'rsv2.texts': { 'zh-CN': '{n} 人填写了文字意见', en: '{n} wrote a comment' },
  'rsv2.back': { 'zh-CN': '返回问卷列表', en: 'Back to surveys' },
  'rsv2.notOpen': { 'zh-CN': '问卷已结束或尚未开始', en: 'The survey is not open' },
});

/** Shapes of src/modules/community/surveys.schema.ts. */
interface Question {
  id: string;
  kind: 'single' | 'multiple' | 'text' | 'rating';
  title: string;
  required: boolean;
  options?: { id: string; label: string }[];
  minPicks?: number;
  maxPicks?: number;
  maxLength?: number;
}
interface MySurvey {
  id: string;
  title: string;
  description: string;
  questions: Question[];
  anonymous: boolean;
  resultsPublic: boolean;
  opensAt: string;
  closesAt: string;
  status: 'draft' | 'published' | 'closed';
  open: boolean;
  responded: boolean;
}
export interface Results {
  surveyId: string;
  eligible: number;
  responses: number;
  turnout: number | null;
  questions: { id: string; kind: Question['kind']; title: string; answered: number; options?: { id: string; label: string; count: number }[]; ratingCounts?: number[]; average?: number | null; texts?: number }[];
}
type Answer = { optionIds?: string[]; rating?: number; text?: string };

function LoginFirst() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <section className="r-card">
      <p className="r-muted">{t('rsv2.loginFirst')}</p>
      <Button block color="primary" size="large" onClick={() => navigate('/login')}>
        {t('common.login')}
      </Button>
    </section>
  );
}

/** 问卷调查: the surveys sent to me, open ones first. */
export default function SurveysPage() {
  const { t } = useI18n();
  const session = useSession();
  const list = useApi((signal) => (session.status === 'ready' ? api.get<{ items: MySurvey[] }>('/api/v1/me/surveys', undefined, signal) : Promise.resolve(undefined)), [session.status]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = [...(list.data?.items ?? [])].sort((a, b) => Number(b.open) - Number(a.open));
  return (
    <section className="r-card" style={{ marginTop: 0 }}>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {!list.loading && items.length === 0 && <p className="r-muted">{t('rsv2.none')}</p>}
      <ul className="r-notice-list" data-testid="survey-list">
        {items.map((s) => (
          <li key={s.id}>
            <Link href={`/surveys/${s.id}`} className="rev-item-link" data-testid="survey-item" data-open={s.open ? '1' : '0'}>
              <div className="r-entry-head">
                <strong>{s.title}</strong>
                <span className="r-status-tag">{s.responded ? t('rsv2.done') : s.open ? t('rsv2.open') : t('rsv2.ended')}</span>
              </div>
              <div className="r-muted">{t('rsv2.until', { date: formatDateLong(s.closesAt) })}</div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Results as plain bars (text and numbers first, so they read in 长辈模式 and to screen readers). */
export function ResultsView({ results }: { results: Results }) {
  const { t } = useI18n();
  return (
    <section data-testid="survey-results">
      <h3>{t('rsv2.results')}</h3>
      <p className="r-muted" data-testid="survey-turnout">
        {t('rsv2.turnout', { n: results.responses, p: pct(results.turnout) })}
      </p>
      {results.questions.map((q, i) => {
        const rows = q.options ? q.options.map((o) => ({ label: o.label, count: o.count })) : q.ratingCounts ? q.ratingCounts.map((c, v) => ({ label: `${v + 1} ★`, count: c })) : [];
        const max = Math.max(1, ...rows.map((r) => r.count));
        return (
          <div key={q.id} style={{ margin: '12px 0' }}>
            <strong>
              {i + 1}. {q.title}
            </strong>
            {rows.map((r) => (
              <div key={r.label} style={{ display: 'flex', alignItems: 'center', gap: 8, margin: '4px 0' }}>
                <span style={{ minWidth: '4em' }}>{r.label}</span>
                <span aria-hidden style={{ flex: 1, background: '#eef2f7', borderRadius: 4, height: '0.9em' }}>
                  <span style={{ display: 'block', width: `${(r.count / max) * 100}%`, background: '#1677ff', height: '100%', borderRadius: 4 }} />
                </span>
                <span style={{ minWidth: '2.5em', textAlign: 'right' }}>{r.count}</span>
              </div>
            ))}
            {q.average !== undefined && q.average !== null && <div className="r-muted">{t('rsv2.average', { v: q.average })}</div>}
            {q.texts !== undefined && <div className="r-muted">{t('rsv2.texts', { n: q.texts })}</div>}
          </div>
        );
      })}
    </section>
  );
}

/** One survey: answer it (once), then see the results when they are public. */
export function SurveyDetailPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const ready = session.status === 'ready';
  const survey = useApi((signal) => (ready ? api.get<MySurvey>(`/api/v1/me/surveys/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)), [id, ready]);
  const s = survey.data;
  const canSee = !!s && s.responded && s.resultsPublic;
  const results = useApi((signal) => (canSee ? api.get<Results>(`/api/v1/me/surveys/${encodeURIComponent(id)}/results`, undefined, signal) : Promise.resolve(undefined)), [id, canSee]);
  const reload = results.reload;
  const onSignal = useCallback(() => reload(), [reload]);
  useTopic(canSee ? `survey:${id}` : null, onSignal);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [thanks, setThanks] = useState(false);

  if (session.status === 'loading' || survey.loading) return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (survey.error) return <InlineMessage kind="error">{survey.error.message}</InlineMessage>;
  if (!s) return null;

  const set = (qid: string, a: Answer) => setAnswers((prev) => ({ ...prev, [qid]: a }));
  const toggle = (q: Question, optionId: string) => {
    const cur = answers[q.id]?.optionIds ?? [];
    set(q.id, { optionIds: cur.includes(optionId) ? cur.filter((x) => x !== optionId) : [...cur, optionId] });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems({});
    setBusy(true);
    try {
      const body = { answers: s.questions.filter((q) => answers[q.id]).map((q) => ({ questionId: q.id, ...answers[q.id] })) };
      await api.post(`/api/v1/me/surveys/${encodeURIComponent(id)}/responses`, body);
      setThanks(true);
      survey.reload();
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details)) {
        setProblems(Object.fromEntries((err.details as { questionId: string; message: string }[]).map((d) => [d.questionId, d.message])));
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="r-card" style={{ marginTop: 0 }} data-testid="survey-detail">
      <h2>{s.title}</h2>
      <p className="r-muted">
        {t('rsv2.until', { date: formatDateLong(s.closesAt) })} · {s.anonymous ? t('rsv2.anonymous') : t('rsv2.named')}
      </p>
      {s.description && <div className="r-notice-body">{s.description}</div>}
      {thanks && <InlineMessage kind="success">{t('rsv2.thanks')}</InlineMessage>}
      {s.responded && !thanks && <InlineMessage kind="info">{t('rsv2.answered')}</InlineMessage>}
      {!s.responded && !s.open && <InlineMessage kind="info">{t('rsv2.notOpen')}</InlineMessage>}
      {!s.responded && s.open && (
        <form onSubmit={(e) => void submit(e)} data-testid="survey-form">
          {error && <InlineMessage kind="error">{error}</InlineMessage>}
          {s.questions.map((q, i) => (
            <fieldset key={q.id} className="r-field" data-testid={`survey-q-${q.id}`} style={{ border: 0, padding: 0, margin: '16px 0' }}>
              <legend>
                <strong>
                  {i + 1}. {q.title}
                </strong>{' '}
                {q.required && <span className="r-status-tag">{t('rsv2.required')}</span>}{' '}
                {q.kind === 'multiple' && <span className="r-muted">{t('rsv2.picks', { min: q.minPicks ?? 0, max: q.maxPicks ?? q.options?.length ?? 0 })}</span>}
              </legend>
              {q.kind === 'single' &&
                q.options!.map((o) => (
                  <label key={o.id} className="rev-check">
                    <input type="radio" name={q.id} checked={answers[q.id]?.optionIds?.[0] === o.id} onChange={() => set(q.id, { optionIds: [o.id] })} /> {o.label}
                  </label>
                ))}
              {q.kind === 'multiple' &&
                q.options!.map((o) => (
                  <label key={o.id} className="rev-check">
                    <input type="checkbox" checked={!!answers[q.id]?.optionIds?.includes(o.id)} onChange={() => toggle(q, o.id)} /> {o.label}
                  </label>
                ))}
              {q.kind === 'rating' && (
                <div role="radiogroup" style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
                  {[1, 2, 3, 4, 5].map((v) => (
                    <label key={v} className="rev-check" style={{ minWidth: 60 }}>
                      <input type="radio" name={q.id} checked={answers[q.id]?.rating === v} onChange={() => set(q.id, { rating: v })} /> {v}
                    </label>
                  ))}
                </div>
              )}
              {q.kind === 'text' && <TextArea value={answers[q.id]?.text ?? ''} onChange={(v) => set(q.id, { text: v })} rows={3} maxLength={q.maxLength} showCount />}
              {problems[q.id] && (
                <small className="r-error" data-testid="survey-problem">
                  {problems[q.id]}
                </small>
              )}
            </fieldset>
          ))}
          <Button block color="primary" size="large" type="submit" loading={busy} data-testid="survey-submit">
            {t('rsv2.submit')}
          </Button>
        </form>
      )}
      {results.data && <ResultsView results={results.data} />}
      <Link href="/surveys" className="r-nav-link">
        {t('rsv2.back')}
      </Link>
    </article>
  );
}
