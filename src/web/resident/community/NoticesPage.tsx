import { useCallback } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useArrivals } from '../../shared/live.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './messages.js';

/** A notice as GET /api/v1/me/notices lists it (src/modules/community/notices.schema.ts). */
export interface MyNotice {
  id: string;
  category: 'notice' | 'announcement' | 'news';
  categoryName: string;
  title: string;
  body: string;
  orgNodeName: string | null;
  attachments: { id: string; name: string; mime: string; size: number }[];
  pinned: boolean;
  publishedAt: string | null;
  readAt: string | null;
}
interface MyPage {
  items: MyNotice[];
  total: number;
  unread: number;
}

/** Reloads the list when a notice arrives on the live stream: no page reload needed. */
export function useMyNotices(pageSize: number) {
  const session = useSession();
  // Notices go to residents (and volunteers); a provider's or staff account has none to ask for.
  const reader = session.status === 'ready' && session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer');
  const list = useApi(
    (signal) => (reader ? api.get<MyPage>('/api/v1/me/notices', { page: 1, pageSize }, signal) : Promise.resolve(undefined)),
    [reader, pageSize],
  );
  const reload = list.reload;
  useArrivals(
    useCallback(
      (n) => {
        if (n.kind === 'community.notice') reload();
      },
      [reload],
    ),
  );
  return list;
}

export function NoticeList({ items }: { items: MyNotice[] }) {
  const { t } = useI18n();
  return (
    <ul className="r-notice-list" data-testid="notice-list">
      {items.map((n) => (
        <li key={n.id}>
          <Link href={`/notices/${n.id}`} className="rev-item-link" data-testid="notice-item" data-read={n.readAt ? '1' : '0'}>
            <div className="r-entry-head">
              <strong>
                {n.pinned && <span className="r-status-tag">{t('notices.pinned')}</span>} 【{n.categoryName}】{n.title}
              </strong>
              {!n.readAt && <span className="r-status-tag r-status-unread">{t('notices.unread')}</span>}
            </div>
            <div className="r-muted">
              {n.orgNodeName} · {formatDateLong(n.publishedAt)}
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export default function NoticesPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const list = useMyNotices(50);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p className="r-muted">{t('notices.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (list.error) return <InlineMessage kind="error">{list.error.message}</InlineMessage>;
  const items = list.data?.items ?? [];
  return (
    <section className="r-card" style={{ marginTop: 0 }}>
      {list.data && list.data.unread > 0 && <p className="r-muted">{t('notices.unreadCount', { n: list.data.unread })}</p>}
      {list.loading && !list.data ? <div className="r-loading">{t('common.loading')}</div> : items.length === 0 ? <p className="r-muted">{t('notices.none')}</p> : <NoticeList items={items} />}
    </section>
  );
}

export function NoticeDetailPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  // Opening it is the read receipt.
  const notice = useApi((signal) => (session.status === 'ready' ? api.get<MyNotice>(`/api/v1/me/notices/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)), [id, session.status]);
  if (notice.loading) return <div className="r-loading">{t('common.loading')}</div>;
  if (notice.error) return <InlineMessage kind="error">{notice.error.message}</InlineMessage>;
  const n = notice.data;
  if (!n) return null;
  return (
    <article className="r-card" style={{ marginTop: 0 }} data-testid="notice-detail">
      <h2>
        【{n.categoryName}】{n.title}
      </h2>
      <p className="r-muted">
        {t('notices.from', { org: n.orgNodeName ?? '' })} · {formatDateTimeLong(n.publishedAt)}
      </p>
      {/* Plain text from the server, rendered as text: nothing in it can run. */}
      <div className="r-notice-body">{n.body}</div>
      {n.attachments.length > 0 && (
        <>
          <h3>{t('notices.attachments')}</h3>
          <ul>
            {n.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/api/v1/files/${a.id}`} target="_blank" rel="noreferrer">
                  {a.name}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <Link href="/notices" className="r-nav-link">
        {t('notices.back')}
      </Link>
    </article>
  );
}
