import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import List from 'antd-mobile/es/components/list';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { useArrivals } from '../../shared/live.js';
import { InlineMessage } from '../components/InlineMessage.js';

/** A notification as GET /api/v1/inbox lists it (src/platform/notify/inbox.routes.ts). */
interface InboxItem {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

function Messages() {
  const { t } = useI18n();
  const inbox = useApi((signal) => api.get<{ items?: InboxItem[] }>('/api/v1/inbox', { page: 1, pageSize: 20 }, signal), []);
  // New messages appear while the page is open.
  useArrivals(inbox.reload);
  if (inbox.loading) return <div className="r-loading">{t('common.loading')}</div>;
  if (inbox.error && !inbox.missing) return <InlineMessage kind="error">{inbox.error.message}</InlineMessage>;
  const items = inbox.data?.items ?? [];
  if (items.length === 0) return <p className="r-muted">{t('community.noMessages')}</p>;
  return (
    <List>
      {items.map((m) => (
        <List.Item key={m.id} description={m.body} extra={formatDateLong(m.createdAt)}>
          {m.title}
          {!m.readAt && <span className="r-status-tag">{t('community.unread')}</span>}
        </List.Item>
      ))}
    </List>
  );
}

export default function CommunityPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  return (
    <>
      {/* 在线实时监督: open to everyone, logged in or not. */}
      <Link href="/disclosures" className="r-nav-link r-card" style={{ marginTop: 0 }} data-testid="community-disclosures-link">
        <span>
          <strong>{t('disc.pageTitle')}</strong>
          <span className="r-muted r-nav-link-hint">{t('disc.linkHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/suggestions" className="r-nav-link r-card" data-testid="community-suggestions-link">
        <span>
          <strong>{t('sug.pageTitle')}</strong>
          <span className="r-muted r-nav-link-hint">{t('sug.linkHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/groups" className="r-nav-link r-card" data-testid="community-forum-link">
        <span>
          <strong>{t('forum.title')}</strong>
          <span className="r-muted r-nav-link-hint">{t('forum.linkHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/volunteer" className="r-nav-link r-card" data-testid="community-volunteer-link">
        <span>
          <strong>{t('rvo.tile')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rvo.tileHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/timebank" className="r-nav-link r-card" data-testid="community-timebank-link">
        <span>
          <strong>{t('rtb.tile')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rtb.tileHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/lectures" className="r-nav-link r-card" data-testid="community-lectures-link">
        <span>
          <strong>{t('rlc.tile')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rlc.tileHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/deeds" className="r-nav-link r-card" data-testid="community-deeds-link">
        <span>
          <strong>{t('rgd.title')}</strong>
          <span className="r-muted r-nav-link-hint">{t('community.deedsHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/fund/apply" className="r-nav-link r-card" data-testid="community-fund-link">
        <span>
          <strong>{t('rfd.title.apply')}</strong>
          <span className="r-muted r-nav-link-hint">{t('community.fundHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/community/map" className="r-nav-link r-card" data-testid="community-map-link">
        <span>
          <strong>{t('rev.title.map')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rev.mapHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <section className="r-card" aria-labelledby="community-messages">
        <h2 id="community-messages">{t('community.messages')}</h2>
        {session.status === 'ready' ? (
          <Messages />
        ) : session.status === 'anonymous' ? (
          <>
            <p className="r-muted">{t('community.loginFirst')}</p>
            <Button block color="primary" onClick={() => navigate('/login')}>
              {t('common.login')}
            </Button>
          </>
        ) : (
          <div className="r-loading">{t('common.loading')}</div>
        )}
      </section>
    </>
  );
}
