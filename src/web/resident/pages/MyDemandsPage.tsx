import { useState } from 'react';
import { Link } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import './demands.messages.js';
import { formatDateLong } from '../../shared/dates.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';


/** Shape of GET /api/v1/me/demands (src/modules/demands/demands.schema.ts). */
interface Demand {
  kind: string;
  id: string;
  code: string | null;
  title: string;
  createdAt: string;
  respondedAt: string | null;
  open: boolean;
  overdue: boolean;
  link: string;
}
interface Page {
  items: Demand[];
  total: number;
}

const PAGE = 20;

/** State with a mark as well as a colour (readable in the elderly mode's high contrast). */
function StateBadge({ d }: { d: Demand }) {
  const { t } = useI18n();
  const [cls, mark, label] = d.overdue
    ? ['rev-state-open', '!', t('rdm.overdue')]
    : d.open
      ? ['rev-state-open', '●', d.respondedAt ? t('rdm.responded') : t('rdm.open')]
      : ['rev-state-closed', '✓', t('rdm.closed')];
  return (
    <span className={`rev-state ${cls}`} data-testid="my-demand-state">
      <span aria-hidden="true">{mark} </span>
      {label}
    </span>
  );
}

/** /me/demands — 我的诉求: everything this resident asked for, across modules, newest first. */
export default function MyDemandsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [pages, setPages] = useState(1);
  const mine = useApi(
    (signal) => (session.status === 'ready' ? api.get<Page>('/api/v1/me/demands', { page: 1, pageSize: Math.min(PAGE * pages, 100) }, signal) : Promise.resolve(undefined)),
    [session.status, pages],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rdm.login')}</p>
        <Link href="/login" className="r-nav-link">
          <strong>{t('common.login')}</strong>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
    );
  const items = mine.data?.items ?? [];
  return (
    <section className="r-card" aria-labelledby="rdm-title" data-testid="my-demands">
      <h2 id="rdm-title">{t('rdm.title')}</h2>
      <p className="r-muted">{t('rdm.hint')}</p>
      {mine.error ? (
        <InlineMessage kind="error">{mine.error.message}</InlineMessage>
      ) : mine.loading && !mine.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : items.length === 0 ? (
        <p className="r-muted">{t('rdm.empty')}</p>
      ) : (
        <>
          <ul className="r-entries">
            {items.map((d) => (
              <li key={`${d.kind}:${d.id}`}>
                {/* The API gives /m/… links; wouter's base is /m already. */}
                <Link href={d.link.replace(/^\/m(?=\/)/, '')} className="rev-item-link" data-testid="my-demand" data-kind={d.kind}>
                  <div className="r-entry-head">
                    <strong>{d.title}</strong>
                    <StateBadge d={d} />
                  </div>
                  <div className="r-muted">
                    {t(`rdm.kind.${d.kind}`)}
                    {d.code ? ` · ${d.code}` : ''} · {t('rdm.askedOn', { date: formatDateLong(d.createdAt) })}
                  </div>
                </Link>
              </li>
            ))}
          </ul>
          {(mine.data?.total ?? 0) > items.length && items.length < 100 && (
            <Button block fill="outline" size="large" loading={mine.loading} onClick={() => setPages((p) => p + 1)}>
              {t('rdm.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
