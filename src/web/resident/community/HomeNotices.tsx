import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { useI18n } from '../../shared/i18n.js';
import { useArrivals, type LiveNotification } from '../../shared/live.js';
import { useSession } from '../../shared/session.js';
import { NoticeList, useMyNotices } from './NoticesPage.js';
import './messages.js';

/** The home page's notices: the latest three, and a line when a new one arrives while the page is open. */
export function HomeNotices() {
  const { t } = useI18n();
  const session = useSession();
  const list = useMyNotices(3);
  const [arrived, setArrived] = useState<LiveNotification | null>(null);
  useArrivals(useCallback((n: LiveNotification) => setArrived(n), []));
  if (session.status !== 'ready') {
    return (
      <p className="r-muted" style={{ margin: 0 }}>
        {t('home.noticesHint')}
      </p>
    );
  }
  const items = list.data?.items ?? [];
  return (
    <>
      {arrived && (
        <p className="r-msg r-msg-info" role="status" data-testid="live-arrival">
          {t('notices.arrived', { title: arrived.title })}
        </p>
      )}
      {items.length === 0 ? <p className="r-muted">{list.loading ? t('common.loading') : t('notices.none')}</p> : <NoticeList items={items} />}
      <Link href="/notices" className="r-nav-link" data-testid="notices-all">
        {t('notices.all')}
        {list.data && list.data.unread > 0 ? ` · ${t('notices.unreadCount', { n: list.data.unread })}` : ''}
      </Link>
    </>
  );
}
