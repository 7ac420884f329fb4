import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { REPORT_REASONS, StatusTag, type ForumComment, type ForumPost } from './ForumShared.js';

type Target = { type: 'post' | 'comment'; id: string };

/** 举报: inline (长辈模式 allows no dialog): a reason, a few words, send. */
function ReportForm({ target, onDone }: { target: Target; onDone: (text: string) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState(REPORT_REASONS[0]!);
  const [detail, setDetail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const res = await api.post<{ alreadyReported: boolean }>('/api/v1/forum/reports', { targetType: target.type, targetId: target.id, reason, detail: detail.trim() || undefined });
      onDone(t(res.alreadyReported ? 'forum.alreadyReported' : 'forum.reported'));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void send(e)} data-testid="forum-report-form" style={{ marginTop: 8 }}>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <label className="r-field">
        <span>{t('forum.reportReason')}</span>
        <select className="r-select" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="forum-report-reason">
          {REPORT_REASONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <label className="r-field">
        <span>{t('forum.reportDetail')}</span>
        <input value={detail} maxLength={200} onChange={(e) => setDetail(e.target.value)} />
      </label>
      <div className="rf-actions">
        <Button color="danger" type="submit" loading={busy} data-testid="forum-report-send">
          {t('forum.reportSend')}
        </Button>
        <Button fill="outline" type="button" onClick={() => onDone('')}>
          {t('forum.cancel')}
        </Button>
      </div>
    </form>
  );
}

function Comments({ post }: { post: ForumPost }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: ForumComment[]; total: number }>(`/api/v1/forum/posts/${post.id}/comments`, { page: 1, pageSize: 50 }, signal), [post.id]);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [reporting, setReporting] = useState<string | null>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    setBusy(true);
    try {
      const c = await api.post<ForumComment>(`/api/v1/forum/posts/${post.id}/comments`, { body: body.trim() });
      setBody('');
      if (c.status === 'pending') setMessage({ kind: 'info', text: t('forum.commentHeld') });
      list.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const remove = async (id: string) => {
    setMessage(null);
    try {
      await api.delete(`/api/v1/forum/comments/${id}`);
      list.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    }
  };
  const items = list.data?.items ?? [];
  const open = post.status === 'published' && post.groupOpen;
  return (
    <section className="r-card" aria-labelledby="forum-comments">
      <h2 id="forum-comments">
        {t('forum.commentsTitle')} {list.data ? `(${list.data.total})` : ''}
      </h2>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {message && <InlineMessage kind={message.kind}>{message.text}</InlineMessage>}
      {items.length === 0 && !list.loading ? (
        <p className="r-muted">{t('forum.noComments')}</p>
      ) : (
        <ul className="rf-list" data-testid="forum-comments">
          {items.map((c) => (
            <li key={c.id} data-testid="forum-comment">
              <div className="r-entry-head">
                <strong>{c.nickname}</strong>
                {c.authorIsStaff && <span className="rf-badge">{t('forum.staff')}</span>}
                <span className="rf-meta">{formatDateTimeLong(c.createdAt)}</span>
                <StatusTag status={c.status} />
              </div>
              {/* Plain text, rendered as text. */}
              <p className="rf-comment">{c.body}</p>
              {c.moderationReason && <p className="r-muted">{t('forum.reason', { reason: c.moderationReason })}</p>}
              <div className="rf-actions">
                {c.mine ? (
                  <Button size="small" fill="outline" onClick={() => void remove(c.id)}>
                    {t('forum.deleteComment')}
                  </Button>
                ) : (
                  c.status === 'published' && (
                    <Button size="small" fill="none" onClick={() => setReporting(reporting === c.id ? null : c.id)}>
                      {t('forum.report')}
                    </Button>
                  )
                )}
              </div>
              {reporting === c.id && (
                <ReportForm
                  target={{ type: 'comment', id: c.id }}
                  onDone={(text) => {
                    setReporting(null);
                    if (text) setMessage({ kind: 'success', text });
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <form onSubmit={(e) => void send(e)} data-testid="forum-comment-form">
          <TextArea value={body} onChange={setBody} rows={3} maxLength={500} placeholder={t('forum.commentPlaceholder')} data-testid="forum-comment-body" />
          <Button block color="primary" size="large" type="submit" loading={busy} disabled={!body.trim()} data-testid="forum-comment-send">
            {t('forum.send')}
          </Button>
        </form>
      )}
    </section>
  );
}

/** A post: its sanitised rich text and pictures, likes, report, comments; its author may delete it. */
export default function ForumPostPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const post = useApi((signal) => (ready ? api.get<ForumPost>(`/api/v1/forum/posts/${id}`, undefined, signal) : Promise.resolve(undefined)), [ready, id]);
  const [liked, setLiked] = useState<{ liked: boolean; likeCount: number } | null>(null);
  const [reporting, setReporting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card" style={{ marginTop: 0 }}>
        <p className="r-muted">{t('forum.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (deleted)
    return (
      <section className="r-card" style={{ marginTop: 0 }}>
        <InlineMessage kind="success">{t('forum.deleted')}</InlineMessage>
        <Link href="/groups">{t('forum.backGroups')}</Link>
      </section>
    );
  if (post.error) return <InlineMessage kind="error">{post.error.message}</InlineMessage>;
  const p = post.data;
  if (!p) return <div className="r-loading">{t('common.loading')}</div>;

  const like = liked ?? { liked: p.likedByMe, likeCount: p.likeCount };
  const toggleLike = async () => {
    setMessage(null);
    try {
      const res = like.liked ? await api.delete<{ liked: boolean; likeCount: number }>(`/api/v1/forum/posts/${p.id}/like`) : await api.put<{ liked: boolean; likeCount: number }>(`/api/v1/forum/posts/${p.id}/like`);
      setLiked(res);
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    }
  };
  const remove = async () => {
    setMessage(null);
    try {
      await api.delete(`/api/v1/forum/posts/${p.id}`);
      setDeleted(true);
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    }
  };
  // Inline pictures already in the text are not repeated below it.
  const inline = new Set(p.images.filter((img) => p.html.includes(img.url)).map((img) => img.id));
  const gallery = p.images.filter((img) => !inline.has(img.id));
  const canAct = p.status === 'published' && p.groupOpen;
  return (
    <>
      <article className="r-card" style={{ marginTop: 0 }} data-testid="forum-post">
        <div className="r-entry-head">
          <h2 style={{ margin: 0 }}>{p.title}</h2>
          <StatusTag status={p.status} />
        </div>
        <div className="rf-meta">
          {p.nickname}
          {p.authorIsStaff && <span className="rf-badge">{t('forum.staff')}</span>} · <Link href={`/groups/${p.groupId}`}>{p.groupName}</Link> · {formatDateTimeLong(p.createdAt)}
          {p.editedAt ? ` · ${t('forum.edited')}` : ''}
        </div>
        {p.moderationReason && <InlineMessage kind="info">{t('forum.reason', { reason: p.moderationReason })}</InlineMessage>}
        {/* Sanitised by the server (sanitize-html allow-list): the only HTML this app renders. */}
        <div className="rf-html" data-testid="forum-post-html" dangerouslySetInnerHTML={{ __html: p.html }} />
        {gallery.length > 0 && (
          <ul className="rf-gallery" data-testid="forum-post-images">
            {gallery.map((img, i) => (
              <li key={img.id}>
                <a href={img.url} target="_blank" rel="noopener">
                  <img src={img.url} alt={`${p.title} ${i + 1}`} loading="lazy" />
                </a>
              </li>
            ))}
          </ul>
        )}
        {message && <InlineMessage kind={message.kind}>{message.text}</InlineMessage>}
        <div className="rf-actions">
          <Button className="rf-like" color="primary" fill={like.liked ? 'solid' : 'outline'} aria-pressed={like.liked} disabled={!canAct} onClick={() => void toggleLike()} data-testid="forum-like">
            {like.liked ? '♥ ' : '♡ '}
            {like.liked ? t('forum.liked') : t('forum.like')} {like.likeCount}
          </Button>
          {p.mine ? (
            confirmDelete ? (
              <>
                <Button color="danger" onClick={() => void remove()} data-testid="forum-delete-confirm">
                  {t('forum.deleteConfirm')}
                </Button>
                <Button fill="outline" onClick={() => setConfirmDelete(false)}>
                  {t('forum.cancel')}
                </Button>
              </>
            ) : (
              <Button fill="outline" onClick={() => setConfirmDelete(true)} data-testid="forum-delete">
                {t('forum.delete')}
              </Button>
            )
          ) : (
            canAct && (
              <Button fill="outline" onClick={() => setReporting((r) => !r)} data-testid="forum-report">
                {t('forum.report')}
              </Button>
            )
          )}
        </div>
        {reporting && (
          <ReportForm
            target={{ type: 'post', id: p.id }}
            onDone={(text) => {
              setReporting(false);
              if (text) setMessage({ kind: 'success', text });
            }}
          />
        )}
        <p style={{ marginBottom: 0 }}>
          <Link href={`/groups/${p.groupId}`}>{t('forum.back')}</Link>
        </p>
      </article>
      <Comments post={p} />
    </>
  );
}
