import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './messages.js';

/** Shapes of src/modules/community/suggestions.routes.ts. */
interface MySuggestion {
  id: string;
  category: string;
  title: string;
  content: string;
  status: 'submitted' | 'answered' | 'hidden';
  answer: string | null;
  answeredByName: string | null;
  answeredAt: string | null;
  answerDueAt: string;
  createdAt: string;
  public: boolean;
  eventCode: string | null;
  hiddenReason: string | null;
}

const CATEGORIES = ['环境卫生', '物业管理', '公共设施', '治安消防', '社区活动', '为老服务', '其他'];

/** 意见建议: write one, and follow the answers to mine. */
export default function SuggestionsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const mine = useApi((signal) => (session.status === 'ready' ? api.get<{ items: MySuggestion[] }>('/api/v1/me/suggestions', undefined, signal) : Promise.resolve(undefined)), [session.status]);
  const [category, setCategory] = useState(CATEGORIES[0]!);
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [isPublic, setPublic] = useState(true);
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p className="r-muted">{t('sug.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFields({});
    setSent(false);
    setBusy(true);
    try {
      await api.post('/api/v1/me/suggestions', { category, title, content, public: isPublic, anonymous });
      setTitle('');
      setContent('');
      setSent(true);
      mine.reload();
    } catch (err) {
      setFields(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="r-card" style={{ marginTop: 0 }} onSubmit={(e) => void submit(e)} data-testid="suggestion-form">
        <h2>{t('sug.write')}</h2>
        <p className="r-muted">{t('sug.hint')}</p>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        {sent && <InlineMessage kind="success">{t('sug.sent')}</InlineMessage>}
        <label className="r-field">
          <span>{t('sug.category')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="suggestion-category">
            {CATEGORIES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="r-field">
          <span>{t('sug.title')}</span>
          <input value={title} maxLength={60} onChange={(e) => setTitle(e.target.value)} data-testid="suggestion-title" />
          {fields['body.title'] && <small className="r-error">{fields['body.title']}</small>}
        </label>
        <div className="r-field">
          <span>{t('sug.content')}</span>
          <TextArea value={content} onChange={setContent} rows={5} maxLength={2000} showCount data-testid="suggestion-content" />
          {fields['body.content'] && <small className="r-error">{fields['body.content']}</small>}
        </div>
        <label className="r-check">
          <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} /> {t('sug.public')}
        </label>
        <label className="r-check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} /> {t('sug.anonymous')}
        </label>
        <Button block color="primary" size="large" type="submit" loading={busy} data-testid="suggestion-submit">
          {t('sug.submit')}
        </Button>
      </form>
      <section className="r-card">
        <h2>{t('sug.mine')}</h2>
        {mine.error && <InlineMessage kind="error">{mine.error.message}</InlineMessage>}
        {(mine.data?.items ?? []).length === 0 ? (
          <p className="r-muted">{t('sug.none')}</p>
        ) : (
          <ul className="r-notice-list" data-testid="my-suggestions">
            {mine.data!.items.map((s) => (
              <li key={s.id} style={{ padding: '8px 0' }}>
                <div className="r-entry-head">
                  <strong>
                    【{s.category}】{s.title}
                  </strong>
                  <span className="r-status-tag">{t(`sug.status.${s.status}`)}</span>
                </div>
                <div className="r-muted">
                  {formatDateLong(s.createdAt)} · {s.status === 'submitted' ? t('sug.due', { date: formatDateLong(s.answerDueAt) }) : ''}
                  {s.eventCode ? ` · ${t('sug.event', { code: s.eventCode })}` : ''}
                </div>
                {s.answer && (
                  <p className="r-notice-body">
                    <strong>{t('sug.answer', { who: s.answeredByName ?? '' })}</strong>
                    {s.answer}
                  </p>
                )}
                {s.hiddenReason && <p className="r-muted">{t('sug.hidden', { reason: s.hiddenReason })}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
