import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './rewards.messages.js';
import './volunteers.css';
import './rewards.css';

/** Shapes of src/modules/volunteers/{rewards,points}.schema.ts. */
interface CatalogueItem {
  id: string;
  name: string;
  description: string;
  category: string;
  pricePoints: number;
  stock: number;
  limitPerPerson: number | null;
  limitPeriod: 'month' | 'total';
  holdDays: number;
  pictureUrl: string | null;
  myRemaining: number | null;
}
interface Catalogue {
  balance: number;
  holderCode: string | null;
  items: CatalogueItem[];
}
interface Order {
  id: string;
  code: string;
  itemName: string;
  quantity: number;
  points: number;
  status: 'pending' | 'fulfilled' | 'cancelled';
  expiresAt: string;
  fulfilledAt: string | null;
  cancelledAt: string | null;
  cancelKind: 'holder' | 'staff' | 'expired' | null;
  cancelReason: string | null;
  createdAt: string;
}
interface MyPoints {
  balance: number;
  entries: { journalId: string; at: string; memo: string; reversesId: string | null; amount: number }[];
}

/** 1234 5678: the code in two groups, easy to read out at the counter. */
const spaced = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

function ItemCard({ item, balance, onOrdered }: { item: CatalogueItem; balance: number; onOrdered: (o: Order) => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const blocked = item.stock === 0 ? t('rrw.soldOut') : item.myRemaining === 0 ? t('rrw.limitReached') : balance < item.pricePoints ? t('rrw.notEnough', { n: item.pricePoints - balance }) : null;
  const order = async () => {
    setBusy(true);
    setError(null);
    try {
      onOrdered(await api.post<Order>('/api/v1/me/reward-orders', { itemId: item.id, quantity: 1 }));
      setConfirming(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="r-card rrw-item" data-testid="reward-item" data-name={item.name}>
      {item.pictureUrl ? <img className="rrw-picture" src={item.pictureUrl} alt="" loading="lazy" /> : <div className="rrw-picture" aria-hidden="true" />}
      <div className="rrw-item-body">
        <h3 className="rrw-item-name">{item.name}</h3>
        <p className="rrw-price">
          <strong>{item.pricePoints}</strong> {t('rrw.pointsUnit')}
        </p>
        <p className="r-muted rrw-meta">
          {t('rrw.stock', { n: item.stock })}
          {item.limitPerPerson ? ` · ${t(item.limitPeriod === 'month' ? 'rrw.limitMonth' : 'rrw.limitTotal', { n: item.limitPerPerson })}` : ''}
        </p>
        {item.description && <p className="rrw-desc">{item.description}</p>}
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        {blocked ? (
          <p className="rrw-blocked">{blocked}</p>
        ) : confirming ? (
          <div className="rrw-confirm" data-testid="reward-confirm">
            <p>{t('rrw.confirm', { n: item.pricePoints, name: item.name, days: item.holdDays })}</p>
            <div className="rvo-actions">
              <Button color="primary" size="large" loading={busy} onClick={() => void order()} data-testid="reward-confirm-yes">
                {t('rrw.confirmYes')}
              </Button>
              <Button size="large" onClick={() => setConfirming(false)}>
                {t('rrw.confirmNo')}
              </Button>
            </div>
          </div>
        ) : (
          <Button block color="primary" size="large" onClick={() => setConfirming(true)} data-testid="reward-order">
            {t('rrw.order')}
          </Button>
        )}
      </div>
    </article>
  );
}

function OrderRow({ order, onCancelled }: { order: Order; onCancelled: () => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = async () => {
    try {
      await api.post(`/api/v1/me/reward-orders/${order.id}/cancel`);
      onCancelled();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  if (order.status === 'pending')
    return (
      <li className="rrw-order rrw-order-pending" data-testid="reward-pending-order">
        <div className="rvo-row">
          <strong>{`${order.itemName} × ${order.quantity}`}</strong>
          <span className="rrw-status">● {t('rrw.status.pending')}</span>
        </div>
        <p className="r-muted" style={{ margin: '4px 0' }}>{t('rrw.showCode')}</p>
        <p className="rrw-code" data-testid="reward-code" aria-label={order.code.split('').join(' ')}>
          {spaced(order.code)}
        </p>
        <p className="r-muted">{t('rrw.until', { at: formatDateTime(order.expiresAt), points: order.points })}</p>
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        {asking ? (
          <div className="rvo-actions">
            <Button color="danger" onClick={() => void cancel()}>
              {t('rrw.cancelYes')}
            </Button>
            <Button onClick={() => setAsking(false)}>{t('rrw.confirmNo')}</Button>
          </div>
        ) : (
          <Button size="small" onClick={() => setAsking(true)}>
            {t('rrw.cancel')}
          </Button>
        )}
      </li>
    );
  return (
    <li>
      <div className="rvo-row">
        <span>
          {`${order.itemName} × ${order.quantity}`}
          <br />
          <span className="r-muted">
            {formatDateTime(order.createdAt)} · {order.points} {t('rrw.pointsUnit')}
            {order.status === 'cancelled' && order.cancelReason ? ` · ${order.cancelReason}` : ''}
          </span>
        </span>
        <span className="rrw-status">{order.status === 'fulfilled' ? `✓ ${t('rrw.status.fulfilled')}` : `– ${t('rrw.status.cancelled')}`}</span>
      </div>
    </li>
  );
}

/** 爱心超市: my points, the catalogue of my community, my orders with the code to show at the counter. */
export default function RewardsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const catalogue = useApi((signal) => (ready ? api.get<Catalogue>('/api/v1/me/rewards', undefined, signal) : Promise.resolve(null)), [ready]);
  const orders = useApi((signal) => (ready ? api.get<{ items: Order[] }>('/api/v1/me/reward-orders', undefined, signal) : Promise.resolve({ items: [] })), [ready]);
  const points = useApi((signal) => (ready ? api.get<MyPoints>('/api/v1/me/points', undefined, signal) : Promise.resolve(null)), [ready]);
  const [placed, setPlaced] = useState<Order | null>(null);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rrw.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  const reload = () => {
    catalogue.reload();
    orders.reload();
    points.reload();
  };
  const c = catalogue.data;
  const pending = (orders.data?.items ?? []).filter((o) => o.status === 'pending');
  const past = (orders.data?.items ?? []).filter((o) => o.status !== 'pending');
  return (
    <>
      {catalogue.error && <InlineMessage kind="error">{catalogue.error.message}</InlineMessage>}
      <section className="r-card" style={{ marginTop: 0 }} data-testid="reward-balance">
        <div className="rvo-stats">
          <div className="rvo-stat">
            <span className="r-muted">{t('rrw.myPoints')}</span>
            <strong data-testid="reward-points" data-points={c?.balance ?? 0}>
              {t('rrw.pointsValue', { n: c?.balance ?? 0 })}
            </strong>
          </div>
        </div>
        {c && !c.holderCode && <p className="r-muted">{t('rrw.noHolder')}</p>}
        <p className="r-muted">{t('rrw.howToEarn')}</p>
        <Link href="/volunteer" className="r-nav-link">
          <span>{t('rrw.toVolunteer')}</span>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
      {placed && (
        <InlineMessage kind="success">
          {t('rrw.placed', { name: placed.itemName, code: spaced(placed.code) })}
        </InlineMessage>
      )}
      {pending.length > 0 && (
        <section className="r-card">
          <h2>{t('rrw.toCollect')}</h2>
          <ul className="rvo-list">
            {pending.map((o) => (
              <OrderRow key={o.id} order={o} onCancelled={reload} />
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="rrw-catalogue">
        <h2 id="rrw-catalogue" className="rrw-heading">
          {t('rrw.catalogue')}
        </h2>
        {c && c.items.length === 0 && <p className="r-card r-muted">{t('rrw.empty')}</p>}
        <div className="rrw-grid">
          {(c?.items ?? []).map((item) => (
            <ItemCard
              key={item.id}
              item={item}
              balance={c!.balance}
              onOrdered={(o) => {
                setPlaced(o);
                reload();
                window.scrollTo(0, 0);
              }}
            />
          ))}
        </div>
      </section>
      {past.length > 0 && (
        <section className="r-card">
          <h2>{t('rrw.history')}</h2>
          <ul className="rvo-list" data-testid="reward-history">
            {past.map((o) => (
              <OrderRow key={o.id} order={o} onCancelled={reload} />
            ))}
          </ul>
        </section>
      )}
      {(points.data?.entries ?? []).length > 0 && (
        <section className="r-card">
          <details>
            <summary className="rrw-summary">{t('rrw.statement')}</summary>
            <ul className="rvo-list" data-testid="reward-statement">
              {points.data!.entries.map((e) => (
                <li key={e.journalId} className="rvo-row">
                  <span>
                    {e.memo}
                    <br />
                    <span className="r-muted">
                      {formatDateTime(e.at)}
                      {e.reversesId ? ` · ${t('rrw.returned')}` : ''}
                    </span>
                  </span>
                  <strong>
                    {e.amount > 0 ? '+' : ''}
                    {e.amount}
                  </strong>
                </li>
              ))}
            </ul>
          </details>
        </section>
      )}
    </>
  );
}
