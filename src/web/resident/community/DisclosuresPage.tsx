import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './messages.js';

/** Shapes of src/modules/community/disclosures.routes.ts. */
interface Item {
  id: string;
  orgNodeName: string | null;
  category: 'affairs' | 'finance' | 'party';
  categoryName: string;
  title: string;
  body: string;
  amountFen: number | null;
  period: string | null;
  attachments: { id: string; name: string }[];
  publishedAt: string | null;
}
interface Detail extends Item {
  questions: { id: string; askerLabel: string; question: string; answer: string | null; answeredByName: string | null; answeredAt: string | null; createdAt: string }[];
}

const CATS = ['all', 'affairs', 'finance', 'party'] as const;
const yuan = (fen: number) => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

/** Where the board is: `?org=` (a QR code on the notice board), else the resident's own area. */
function useBoardNode(): string | null {
  const search = new URLSearchParams(useSearch());
  const session = useSession();
  return search.get('org') ?? (session.status === 'ready' ? (session.me.roles[0]?.orgNodeId ?? null) : null);
}

/** 居务公开: the community's public board, by category. */
export default function DisclosuresPage() {
  const { t } = useI18n();
  const node = useBoardNode();
  const [, navigate] = useLocation();
  const [cat, setCat] = useState<(typeof CATS)[number]>('all');
  const list = useApi(
    (signal) => (node ? api.get<{ items: Item[]; total: number }>('/api/v1/public/disclosures', { orgNodeId: node, category: cat === 'all' ? undefined : cat, pageSize: 50 }, signal) : Promise.resolve(undefined)),
    [node, cat],
  );
  if (!node)
    return (
      <section className="r-card">
        <p className="r-muted">{t('disc.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  return (
    <section className="r-card" style={{ marginTop: 0 }}>
      <div className="r-chips" role="tablist">
        {CATS.map((c) => (
          <button key={c} type="button" role="tab" aria-selected={cat === c} className={cat === c ? 'r-chip r-chip-on' : 'r-chip'} onClick={() => setCat(c)}>
            {t(`disc.cat.${c}`)}
          </button>
        ))}
      </div>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {(list.data?.items ?? []).length === 0 ? (
        <p className="r-muted">{list.loading ? t('common.loading') : t('disc.none')}</p>
      ) : (
        <ul className="r-notice-list" data-testid="disclosure-list">
          {list.data!.items.map((i) => (
            <li key={i.id}>
              <Link href={`/disclosures/${i.id}`} className="rev-item-link">
                <div className="r-entry-head">
                  <strong>{i.title}</strong>
                  <span className="r-status-tag">{i.categoryName}</span>
                </div>
                <div className="r-muted">
                  {i.orgNodeName} · {formatDateLong(i.publishedAt)}
                  {i.amountFen !== null ? ` · ${yuan(i.amountFen)}` : ''}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function DisclosureDetailPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const item = useApi((signal) => api.get<Detail>(`/api/v1/public/disclosures/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const [question, setQuestion] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [data, setData] = useState<Detail | null>(null);
  const d = data ?? item.data;
  if (item.loading && !d) return <div className="r-loading">{t('common.loading')}</div>;
  if (item.error) return <InlineMessage kind="error">{item.error.message}</InlineMessage>;
  if (!d) return null;
  const canAsk = session.status === 'ready' && session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer');
  const ask = async () => {
    setError(null);
    try {
      setData(await api.post<Detail>(`/api/v1/public/disclosures/${d.id}/questions`, { question }));
      setQuestion('');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <article className="r-card" style={{ marginTop: 0 }} data-testid="disclosure-detail">
      <h2>{d.title}</h2>
      <p className="r-muted">
        {d.categoryName} · {d.orgNodeName} · {formatDateLong(d.publishedAt)}
        {d.period ? ` · ${d.period}` : ''}
      </p>
      {d.amountFen !== null && <p>{t('disc.amount', { amount: yuan(d.amountFen) })}</p>}
      <div className="r-notice-body">{d.body}</div>
      {d.attachments.length > 0 && (
        <ul>
          {d.attachments.map((a) => (
            <li key={a.id}>
              <a href={`/api/v1/public/disclosures/${d.id}/attachments/${a.id}`} target="_blank" rel="noreferrer">
                {a.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('disc.questions')}</h3>
      {d.questions.length === 0 && <p className="r-muted">{t('disc.noQuestions')}</p>}
      <ul className="r-notice-list">
        {d.questions.map((q) => (
          <li key={q.id} style={{ padding: '6px 0' }}>
            <div>
              <strong>{q.askerLabel}：</strong>
              {q.question}
            </div>
            {q.answer ? (
              <div className="r-notice-body">
                <strong>{t('disc.answer', { who: q.answeredByName ?? '' })}</strong>
                {q.answer}
              </div>
            ) : (
              <div className="r-muted">{t('disc.awaiting')}</div>
            )}
          </li>
        ))}
      </ul>
      {canAsk && (
        <>
          {error && <InlineMessage kind="error">{error}</InlineMessage>}
          <TextArea value={question} onChange={setQuestion} rows={3} maxLength={500} placeholder={t('disc.askPlaceholder')} />
          <Button block color="primary" disabled={question.trim().length < 5} onClick={() => void ask()}>
            {t('disc.ask')}
          </Button>
        </>
      )}
    </article>
  );
}
