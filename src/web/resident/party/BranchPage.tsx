import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { EngagementNav } from './EngagementNav.js';
import './engagement.messages.js';
import './engagement.css';

/** Shapes of src/modules/party/branch.schema.ts. */
interface MyBranch {
  branch: { id: string; name: string; orgNodeName: string | null; memberCount: number };
  abilities: { run: boolean; moderate: boolean };
  openTasks: number;
  overdueTasks: number;
}
interface Notice {
  id: string;
  title: string;
  body: string;
  pinned: boolean;
  createdByName: string;
  createdAt: string;
}
interface MyTask {
  id: string;
  title: string;
  description: string;
  dueOn: string;
  status: 'open' | 'closed';
  overdue: boolean;
  myStatus: 'open' | 'done';
  myDoneAt: string | null;
  myNote: string | null;
  createdByName: string;
}
interface Post {
  id: string;
  authorName: string;
  body: string;
  mine: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  commentCount: number;
  createdAt: string;
}
interface PostDetail extends Post {
  canModerate: boolean;
  comments: { id: string; authorName: string; body: string; mine: boolean; createdAt: string }[];
}

/** 网上E支部 (/m/party/branch): my branch's notices, my tasks, and its discussion. */
export default function BranchPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const mine = useApi((signal) => (ready ? api.get<MyBranch>('/api/v1/me/party/branch', undefined, signal) : Promise.resolve(undefined)), [ready]);
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
  if (mine.error?.code === 'PARTY_NOT_A_MEMBER') return <InlineMessage kind="info">{t('rpe.notMember')}</InlineMessage>;
  if (mine.error) return <InlineMessage kind="error">{mine.error.message}</InlineMessage>;
  if (!mine.data) return <div className="r-loading">{t('common.loading')}</div>;
  const b = mine.data;
  return (
    <>
      <EngagementNav />
      <section className="r-card" style={{ marginTop: 0 }} data-testid="branch-summary">
        <h2 style={{ marginTop: 0 }}>{t('rpb.summary', { name: b.branch.name, n: b.branch.memberCount })}</h2>
        <p className="r-muted" style={{ margin: 0 }}>
          {t('rpb.openTasks', { n: b.openTasks, late: b.overdueTasks })}
        </p>
      </section>
      <Notices branchId={b.branch.id} />
      <Tasks onChanged={mine.reload} />
      <Discussion branchId={b.branch.id} />
    </>
  );
}

function Notices({ branchId }: { branchId: string }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Notice[] }>(`/api/v1/party/branches/${branchId}/notices`, undefined, signal), [branchId]);
  return (
    <section className="r-card">
      <h2>{t('rpb.notices')}</h2>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {(list.data?.items ?? []).length === 0 && !list.loading && <p className="r-muted">{t('rpb.noNotices')}</p>}
      <ul className="rpe-list" data-testid="branch-notices">
        {(list.data?.items ?? []).map((n) => (
          <li key={n.id}>
            <div className="rpe-head">
              <strong>{n.title}</strong>
              {n.pinned && <span className="rpe-tag rpe-tag-open">{t('rpb.pinned')}</span>}
            </div>
            <div className="rpe-text">{n.body}</div>
            <div className="r-muted">
              {n.createdByName} · {formatDateTime(n.createdAt)}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tasks({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: MyTask[] }>('/api/v1/me/party/tasks', undefined, signal), []);
  return (
    <section className="r-card">
      <h2>{t('rpb.tasks')}</h2>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {(list.data?.items ?? []).length === 0 && !list.loading && <p className="r-muted">{t('rpb.noTasks')}</p>}
      <ul className="rpe-list" data-testid="branch-tasks">
        {(list.data?.items ?? []).map((task) => (
          <Task
            key={task.id}
            task={task}
            onDone={() => {
              list.reload();
              onChanged();
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function Task({ task, onDone }: { task: MyTask; onDone: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/party/branch-tasks/${task.id}/done`, { note });
      onDone();
    } catch (err) {
      setError(fieldErrors(err).note ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const tag =
    task.myStatus === 'done' ? (
      <span className="rpe-tag rpe-tag-done">✓ {t('rpb.taskDone')}</span>
    ) : task.status === 'closed' ? (
      <span className="rpe-tag rpe-tag-closed">{t('rpb.taskClosed')}</span>
    ) : task.overdue ? (
      <span className="rpe-tag rpe-tag-late">! {t('rpe.overdue')}</span>
    ) : (
      <span className="rpe-tag rpe-tag-open">{t('rpb.taskOpen')}</span>
    );
  return (
    <li data-testid="branch-task" data-status={task.myStatus}>
      <div className="rpe-head">
        <strong>{task.title}</strong>
        {tag}
      </div>
      <p className="r-muted" style={{ margin: '4px 0' }}>
        {t('rpb.taskDue', { day: task.dueOn })} · {task.createdByName}
      </p>
      {task.description && <div className="rpe-text">{task.description}</div>}
      {task.myNote && <p>{t('rpb.myNote', { note: task.myNote })}</p>}
      {task.myStatus === 'open' && task.status === 'open' && (
        <form className="rpe-form" onSubmit={(e) => void submit(e)}>
          <label>
            <span>{t('rpb.doneNote')}</span>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={500} placeholder={t('rpb.doneNoteHint')} data-testid="task-note" />
          </label>
          {error && <InlineMessage kind="error">{error}</InlineMessage>}
          <Button block color="primary" size="large" type="submit" loading={busy} data-testid="task-done">
            {t('rpb.markDone')}
          </Button>
        </form>
      )}
    </li>
  );
}

function Discussion({ branchId }: { branchId: string }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Post[]; canModerate: boolean }>(`/api/v1/party/branches/${branchId}/posts`, { pageSize: 50 }, signal), [branchId]);
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const post = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/party/branches/${branchId}/posts`, { body });
      setBody('');
      list.reload();
    } catch (err) {
      setError(fieldErrors(err).body ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="r-card">
      <h2>{t('rpb.discussion')}</h2>
      <p className="r-muted">{t('rpb.discussionHint')}</p>
      <form className="rpe-form" onSubmit={(e) => void post(e)}>
        <label>
          <span className="r-muted" style={{ fontWeight: 400 }}>
            {t('rpb.write')}
          </span>
          <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={3} maxLength={2000} data-testid="post-body" />
        </label>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        <Button block color="primary" size="large" type="submit" loading={busy} data-testid="post-submit">
          {t('rpb.post')}
        </Button>
      </form>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {(list.data?.items ?? []).length === 0 && !list.loading && <p className="r-muted">{t('rpb.noPosts')}</p>}
      <ul className="rpe-list" data-testid="branch-posts">
        {(list.data?.items ?? []).map((p) => (
          <li key={p.id} data-testid="branch-post">
            <div className="rpe-head">
              <strong>
                {p.authorName}
                {p.mine ? `（${t('rpb.mine')}）` : ''}
              </strong>
              <span className="r-muted">{formatDateTime(p.createdAt)}</span>
            </div>
            {p.hidden && <InlineMessage kind="info">{t('rpb.hidden', { reason: p.hiddenReason ?? '' })}</InlineMessage>}
            <div className="rpe-text">{p.body}</div>
            {open === p.id ? (
              <PostThread id={p.id} onChanged={list.reload} onClose={() => setOpen(null)} />
            ) : (
              <Button size="middle" onClick={() => setOpen(p.id)}>
                {t('rpb.comments', { n: p.commentCount })}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function PostThread({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<PostDetail>(`/api/v1/party/branch-posts/${id}`, undefined, signal), [id]);
  const [body, setBody] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (path: string, payload: unknown, after: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(path, payload);
      after();
      detail.reload();
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  if (!detail.data) return <div className="r-loading">{t('common.loading')}</div>;
  const d = detail.data;
  return (
    <div data-testid="post-thread">
      {d.comments.map((c) => (
        <div key={c.id} className="rpe-comment">
          <strong>
            {c.authorName}
            {c.mine ? `（${t('rpb.mine')}）` : ''}
          </strong>{' '}
          <span className="r-muted">{formatDateTime(c.createdAt)}</span>
          <div className="rpe-text" style={{ margin: '2px 0' }}>
            {c.body}
          </div>
        </div>
      ))}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {!d.hidden && (
        <form
          className="rpe-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act(`/api/v1/party/branch-posts/${id}/comments`, { body }, () => setBody(''));
          }}
        >
          <label>
            <span className="r-muted" style={{ fontWeight: 400 }}>
              {t('rpb.writeComment')}
            </span>
            <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} maxLength={1000} data-testid="comment-body" />
          </label>
          <Button block color="primary" type="submit" loading={busy} data-testid="comment-submit">
            {t('rpb.comment')}
          </Button>
        </form>
      )}
      {d.canModerate && !d.hidden && (
        <form
          className="rpe-form"
          style={{ marginTop: 12 }}
          onSubmit={(e) => {
            e.preventDefault();
            void act(`/api/v1/party/branch-posts/${id}/hide`, { reason }, () => setReason(''));
          }}
        >
          <label>
            <span>{t('rpb.hideReason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
          </label>
          <Button block color="danger" fill="outline" type="submit" loading={busy}>
            {t('rpb.hide')}
          </Button>
        </form>
      )}
      <Button block style={{ marginTop: 8 }} onClick={onClose}>
        {t('rpe.back')}
      </Button>
    </div>
  );
}
