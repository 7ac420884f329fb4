import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { PhotoPicker, StatusTag, useForumProfile, usePhotos, type ForumGroup, type ForumPost, type PostSummary } from './ForumShared.js';

const PAGE = 20;

function PostForm({ groupId, onPosted }: { groupId: string; onPosted: () => void }) {
  const { t } = useI18n();
  const photos = usePhotos();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    setFields({});
    setBusy(true);
    try {
      // The textarea is plain text: the server turns blank-line-separated paragraphs into <p>.
      const created = await api.post<ForumPost>(`/api/v1/forum/groups/${groupId}/posts`, { title: title.trim(), body, imageIds: photos.photos.map((p) => p.id) });
      setTitle('');
      setBody('');
      photos.clear();
      setMessage(created.status === 'pending' ? { kind: 'info', text: t('forum.heldNotice') } : { kind: 'success', text: t('forum.publishedOk') });
      onPosted();
    } catch (err) {
      setFields(fieldErrors(err));
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="r-card" onSubmit={(e) => void submit(e)} data-testid="forum-post-form">
      <h2>{t('forum.write')}</h2>
      {message && <InlineMessage kind={message.kind}>{message.text}</InlineMessage>}
      <label className="r-field">
        <span>{t('forum.postTitle')}</span>
        <input value={title} maxLength={60} onChange={(e) => setTitle(e.target.value)} data-testid="forum-post-title" />
        {fields.title && <small className="r-error">{fields.title}</small>}
      </label>
      <div className="r-field">
        <span>{t('forum.postBody')}</span>
        <TextArea value={body} onChange={setBody} rows={5} maxLength={5000} showCount data-testid="forum-post-body" />
        <small className="r-muted">{t('forum.bodyHint')}</small>
      </div>
      <PhotoPicker state={photos} />
      <Button block color="primary" size="large" type="submit" loading={busy} disabled={photos.uploading > 0 || title.trim().length < 2} data-testid="forum-post-submit">
        {t('forum.publish')}
      </Button>
    </form>
  );
}

export function PostItem({ p }: { p: PostSummary }) {
  const { t } = useI18n();
  return (
    <li data-testid="forum-post-item" data-status={p.status}>
      <Link href={`/posts/${p.id}`} className="rf-link">
        <div className="r-entry-head">
          <span className="rf-title">{p.title}</span>
          <StatusTag status={p.status} />
        </div>
        {p.excerpt && <div>{p.excerpt}</div>}
        {p.images.length > 0 && (
          <ul className="rf-thumbs">
            {p.images.slice(0, 3).map((img) => (
              <li key={img.id}>
                <img src={img.url} alt="" loading="lazy" />
              </li>
            ))}
          </ul>
        )}
        <div className="rf-meta">
          {p.nickname}
          {p.authorIsStaff && <span className="rf-badge">{t('forum.staff')}</span>} · {formatDateLong(p.createdAt)} · {t('forum.likes', { n: p.likeCount })} · {t('forum.comments', { n: p.commentCount })}
        </div>
      </Link>
    </li>
  );
}

/** A group: join or leave, write a post with pictures, read the feed (my own posts under review marked 审核中). */
export default function ForumGroupPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const [more, setMore] = useState<PostSummary[]>([]);
  const [nextPage, setNextPage] = useState(2);
  const profile = useForumProfile(ready);
  const group = useApi((signal) => (ready ? api.get<ForumGroup>(`/api/v1/forum/groups/${id}`, undefined, signal) : Promise.resolve(undefined)), [ready, id]);
  const feed = useApi(
    (signal) => (ready ? api.get<{ items: PostSummary[]; total: number }>(`/api/v1/forum/groups/${id}/posts`, { page: 1, pageSize: PAGE }, signal) : Promise.resolve(undefined)),
    [ready, id],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

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
  if (group.error) return <InlineMessage kind="error">{group.error.message}</InlineMessage>;
  const g = group.data;
  if (!g) return <div className="r-loading">{t('common.loading')}</div>;

  const toggle = async () => {
    setError(null);
    setBusy(true);
    try {
      await api.post(`/api/v1/forum/groups/${g.id}/${g.joined ? 'leave' : 'join'}`);
      group.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const first = feed.data?.items ?? [];
  const seen = new Set(first.map((p) => p.id));
  const items = [...first, ...more.filter((p) => !seen.has(p.id))];
  const refresh = () => {
    setMore([]);
    setNextPage(2);
    feed.reload();
  };
  const loadMore = async () => {
    setError(null);
    try {
      const page = await api.get<{ items: PostSummary[] }>(`/api/v1/forum/groups/${id}/posts`, { page: nextPage, pageSize: PAGE });
      setMore((list) => [...list, ...page.items]);
      setNextPage((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }} data-testid="forum-group-head">
        <h2 style={{ marginTop: 0 }}>{g.name}</h2>
        <p className="r-muted">{g.description}</p>
        <div className="rf-meta">
          {g.communityName} · {t('forum.members', { n: g.memberCount })} · {t('forum.postCount', { n: g.postCount })}
        </div>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        {g.status === 'closed' ? (
          <InlineMessage kind="info">{t('forum.groupClosed')}</InlineMessage>
        ) : (
          <div className="rf-actions">
            <Button color={g.joined ? 'default' : 'primary'} fill={g.joined ? 'outline' : 'solid'} loading={busy} onClick={() => void toggle()} data-testid="forum-join">
              {g.joined ? t('forum.leave') : t('forum.join')}
            </Button>
            <Link href="/groups" className="r-muted" style={{ alignSelf: 'center' }}>
              {t('forum.backGroups')}
            </Link>
          </div>
        )}
      </section>
      {g.status === 'open' &&
        (!g.joined ? (
          <p className="r-card r-muted">{t('forum.joinToPost')}</p>
        ) : profile.data && !profile.data.nickname ? (
          <section className="r-card">
            <InlineMessage kind="info">{t('forum.nicknameNeeded')}</InlineMessage>
            <Link href="/groups">{t('forum.nickname')}</Link>
          </section>
        ) : (
          <PostForm groupId={g.id} onPosted={refresh} />
        ))}
      <section className="r-card" aria-label={g.name}>
        {feed.error && <InlineMessage kind="error">{feed.error.message}</InlineMessage>}
        {items.length === 0 && !feed.loading ? (
          <p className="r-muted">{t('forum.noPosts')}</p>
        ) : (
          <ul className="rf-list" data-testid="forum-feed">
            {items.map((p) => (
              <PostItem key={p.id} p={p} />
            ))}
          </ul>
        )}
        {feed.data && feed.data.total > items.length && (
          <Button block fill="outline" onClick={() => void loadMore()}>
            {t('forum.more')}
          </Button>
        )}
      </section>
    </>
  );
}
