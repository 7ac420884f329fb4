import { useRef, useState } from 'react';
import { useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { EngagementNav } from './EngagementNav.js';
import './engagement.messages.js';
import './engagement.css';

/** Shapes of src/modules/party/study.schema.ts (ZMyMaterial). */
interface MyMaterial {
  id: string;
  orgName: string;
  kind: 'article' | 'link';
  title: string;
  body: string;
  url: string | null;
  source: string | null;
  suggestedMinutes: number | null;
  dueOn: string | null;
  assignedAt: string;
  openedAt: string | null;
  readAt: string | null;
  seconds: number;
  overdue: boolean;
}

/** 党员学习 (/m/party/study): what my organisation gave me to read; open one, read it, mark it read. */
export default function StudyPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const list = useApi((signal) => (ready ? api.get<{ items: MyMaterial[]; unread: number }>('/api/v1/me/party/study', undefined, signal) : Promise.resolve(undefined)), [ready]);
  const [open, setOpen] = useState<string | null>(null);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rpe.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (list.error?.code === 'PARTY_NOT_A_MEMBER') return <InlineMessage kind="info">{t('rpe.notMember')}</InlineMessage>;
  return (
    <>
      <EngagementNav />
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {list.loading && !list.data && <div className="r-loading">{t('common.loading')}</div>}
      {list.data && (
        <section className="r-card" style={{ marginTop: 0 }}>
          <h2>{t('rps.unread', { n: list.data.unread })}</h2>
          {list.data.items.length === 0 ? (
            <p className="r-muted">{t('rps.none')}</p>
          ) : (
            <ul className="rpe-list" data-testid="study-list">
              {list.data.items.map((m) =>
                open === m.id ? (
                  <Material key={m.id} m={m} onClose={() => setOpen(null)} onSaved={list.reload} />
                ) : (
                  <li key={m.id} data-testid="study-item" data-read={m.readAt ? '1' : '0'}>
                    <button type="button" className="r-nav-link" style={{ width: '100%', background: 'none', font: 'inherit', textAlign: 'left', marginTop: 0 }} onClick={() => setOpen(m.id)}>
                      <span>
                        <strong>{m.title}</strong>
                        <span className="r-muted r-nav-link-hint">
                          {m.orgName}
                          {m.dueOn ? ` · ${t('rps.due', { day: m.dueOn })}` : ''}
                        </span>
                      </span>
                      <StudyTag m={m} />
                    </button>
                  </li>
                ),
              )}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

function StudyTag({ m }: { m: MyMaterial }) {
  const { t } = useI18n();
  if (m.readAt) return <span className="rpe-tag rpe-tag-done">✓ {t('rps.done')}</span>;
  if (m.overdue) return <span className="rpe-tag rpe-tag-late">! {t('rpe.overdue')}</span>;
  return <span className="rpe-tag rpe-tag-todo">{t('rps.todo')}</span>;
}

/** One material opened: its text (as text) or its link; the time on the page is reported when it is marked read or closed. */
function Material({ m, onClose, onSaved }: { m: MyMaterial; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const started = useRef(Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const report = async (done: boolean) => {
    const seconds = Math.min(7200, Math.round((Date.now() - started.current) / 1000));
    started.current = Date.now();
    if (!done && seconds < 5) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/me/party/study/${m.id}/progress`, { seconds, done });
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li data-testid="study-open">
      <div className="rpe-head">
        <h3 style={{ margin: 0 }}>{m.title}</h3>
        <StudyTag m={m} />
      </div>
      <p className="r-muted" style={{ margin: '4px 0' }}>
        {m.orgName}
        {m.source ? ` · ${t('rps.from', { source: m.source })}` : ''}
        {m.suggestedMinutes ? ` · ${t('rps.minutes', { n: m.suggestedMinutes })}` : ''}
        {m.seconds > 0 ? ` · ${t('rps.spent', { n: Math.round(m.seconds / 60) })}` : ''}
      </p>
      {m.body && <div className="rpe-text">{m.body}</div>}
      {m.kind === 'link' && m.url && (
        <>
          <a className="r-nav-link" href={m.url} target="_blank" rel="noopener noreferrer nofollow" data-testid="study-link">
            <span>
              <strong>{t('rps.link')}</strong>
              <span className="r-muted r-nav-link-hint">{new URL(m.url).host}</span>
            </span>
            <span aria-hidden="true">↗</span>
          </a>
          <p className="r-muted">{t('rps.linkHint')}</p>
        </>
      )}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {m.readAt ? (
        <InlineMessage kind="success">{t('rps.markedRead', { at: formatDateTime(m.readAt) })}</InlineMessage>
      ) : (
        <Button block color="primary" size="large" loading={busy} onClick={() => void report(true)} data-testid="study-mark-read">
          {t('rps.markRead')}
        </Button>
      )}
      <Button
        block
        size="large"
        style={{ marginTop: 8 }}
        onClick={() => {
          void report(false);
          onClose();
        }}
      >
        {t('rpe.back')}
      </Button>
    </li>
  );
}
