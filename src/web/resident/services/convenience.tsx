import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { hours, yuan, type ConvenienceCategoryList, type Offering, type OfferingList, type Quote, type ServiceOrder, type ServiceOrderDetail, type ServiceOrderPage } from '../../shared/services-more.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { BackLink, LoginFirst } from './appointments.js';
import '../events/events.css';
import './more.css';
import './more.messages.js';

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

const ENDED = new Set(['declined', 'cancelled']);
const DONE = new Set(['completed', 'closed']);

export function OrderStatus({ o }: { o: Pick<ServiceOrder, 'status' | 'statusLabel'> }) {
  const kind = DONE.has(o.status) ? 'closed' : ENDED.has(o.status) ? 'ended' : 'open';
  return (
    <span className={`rev-state rev-state-${kind}`} data-testid="order-status" data-status={o.status}>
      <span aria-hidden="true">{kind === 'closed' ? '✓ ' : kind === 'ended' ? '– ' : '● '}</span>
      {o.statusLabel}
    </span>
  );
}

/** `YYYY-MM-DDTHH:MM` of a datetime-local input, read as Beijing time. */
const beijingIso = (local: string) => `${local}:00+08:00`;

function tomorrowAtNine(): string {
  const d = new Date(Date.now() + 86_400_000);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
  return `${day}T09:00`;
}

/** The order form of one offering: the quote (what is free for me), when, where, how many. */
function OrderForm({ offering, onCancel }: { offering: Offering; onCancel: () => void }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [quantity, setQuantity] = useState(1);
  const [wantedAt, setWantedAt] = useState(tomorrowAtNine());
  const [useHome, setUseHome] = useState(true);
  const [address, setAddress] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const quote = useApi((signal) => api.get<Quote>('/api/v1/me/convenience/quote', { offeringId: offering.id, quantity }, signal), [offering.id, quantity]);
  const q = quote.data;
  const home = q?.registryAddress ?? null;
  const submit = async () => {
    if (!wantedAt) return setError(t('rcv.needWhen'));
    const typed = !home || !useHome;
    if (typed && address.trim().length < 4) return setError(t('rcv.needAddress'));
    setBusy(true);
    setError(null);
    try {
      const o = await api.post<ServiceOrder>('/api/v1/me/convenience/orders', {
        offeringId: offering.id,
        wantedAt: beijingIso(wantedAt),
        quantity,
        note: note.trim() || undefined,
        ...(typed ? { address: address.trim() } : { useRegistryAddress: true }),
      });
      navigate(`/me/convenience/${o.id}?ordered=1`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <div className="hall-order-form" data-testid="order-form">
      <h3 style={{ margin: '8px 0' }}>{t('rcv.orderTitle', { name: offering.name })}</h3>
      <div className="r-field">
        <label htmlFor="rcv-qty">{t('rcv.quantity', { unit: offering.priceUnit })}</label>
        <select id="rcv-qty" className="r-select" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} data-testid="order-quantity">
          {Array.from({ length: 8 }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <section className="r-field" aria-label={t('rcv.quote')} data-testid="order-quote">
        <span className="r-field-label">{t('rcv.quote')}</span>
        {quote.error ? (
          <InlineMessage kind="error">{quote.error.message}</InlineMessage>
        ) : !q ? (
          <div className="r-muted">{t('common.loading')}</div>
        ) : (
          <div>
            <div>
              {t('rcv.total', { total: yuan(q.totalFen) })}（{offering.priceLabel} × {q.quantity}）
            </div>
            {q.freeMinutes > 0 && (
              <div className="hall-free" data-testid="order-free">
                {t('rcv.free', { hours: hours(q.freeMinutes), fen: yuan(q.freeFen) })}
              </div>
            )}
            <div className="hall-price" data-testid="order-pay">
              {t('rcv.pay', { fen: yuan(q.residentFen) })}
            </div>
            {q.rule && <div className="r-muted">{t('rcv.allowance', { hours: hours(q.allowanceLeftMinutes), rule: q.rule.name })}</div>}
            <div className="r-muted" data-testid="order-coverage" data-coverage={q.coverage}>
              {q.message}
            </div>
          </div>
        )}
      </section>
      <div className="r-field">
        <label htmlFor="rcv-when">{t('rcv.wantedAt')}</label>
        <input id="rcv-when" type="datetime-local" className="rev-textinput" value={wantedAt} onChange={(e) => setWantedAt(e.target.value)} data-testid="order-when" />
      </div>
      <div className="r-field">
        <span className="r-field-label">{t('rcv.address')}</span>
        {home && (
          <div className="rev-choices" role="group" aria-label={t('rcv.address')}>
            <button type="button" className="rev-choice hall-choice-wide" aria-pressed={useHome} onClick={() => setUseHome(true)} data-testid="order-home">
              {useHome ? '✓ ' : ''}
              {t('rcv.useRegistry', { address: home })}
            </button>
            <button type="button" className="rev-choice hall-choice-wide" aria-pressed={!useHome} onClick={() => setUseHome(false)}>
              {!useHome ? '✓ ' : ''}
              {t('rcv.typeAddress')}
            </button>
          </div>
        )}
        {(!home || !useHome) && (
          <div className="r-input" style={{ marginTop: 8 }}>
            <Input value={address} onChange={setAddress} maxLength={200} aria-label={t('rcv.address')} data-testid="order-address" />
          </div>
        )}
      </div>
      <div className="r-field">
        <label htmlFor="rcv-note">{t('rcv.note')}</label>
        <div className="r-input">
          <TextArea id="rcv-note" value={note} onChange={setNote} maxLength={500} rows={2} autoSize={{ minRows: 1, maxRows: 4 }} />
        </div>
      </div>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" loading={busy} onClick={() => void submit()} data-testid="order-submit">
        {t('rcv.submit')}
      </Button>
      <Button block size="large" fill="none" style={{ marginTop: 8 }} onClick={onCancel}>
        {t('common.cancel')}
      </Button>
    </div>
  );
}

/** 便民服务: offerings by category with prices and ratings; order one. */
export default function ConveniencePage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [category, setCategory] = useState<string | null>(null);
  const [ordering, setOrdering] = useState<string | null>(null);
  const categories = useApi((signal) => api.get<ConvenienceCategoryList>('/api/v1/convenience/categories', undefined, signal), []);
  const list = useApi((signal) => api.get<OfferingList>('/api/v1/convenience/offerings', { category: category ?? undefined }, signal), [category]);
  const items = list.data?.items ?? [];
  return (
    <>
      {session.status === 'ready' && (
        <Link href="/me/convenience" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }} data-testid="my-orders-link">
          <strong>{t('rcv.title.mine')}</strong>
          <span aria-hidden="true">›</span>
        </Link>
      )}
      <section className="r-card" aria-label={t('rcv.title')}>
        <div className="rev-choices" role="group" aria-label={t('rcv.title')}>
          <button type="button" className="rev-choice" aria-pressed={category === null} onClick={() => setCategory(null)}>
            {t('rcv.all')}
          </button>
          {(categories.data?.items ?? [])
            .filter((c) => c.count > 0)
            .map((c) => (
              <button key={c.code} type="button" className="rev-choice" aria-pressed={category === c.code} onClick={() => setCategory(c.code)} data-testid={`offering-category-${c.code}`}>
                {category === c.code ? '✓ ' : ''}
                {locale === 'en' ? c.nameEn : c.name}
              </button>
            ))}
        </div>
      </section>
      <section className="r-card" aria-label={t('rcv.title')} data-testid="offerings">
        {list.error ? (
          <InlineMessage kind="error">{list.error.message}</InlineMessage>
        ) : list.loading && !list.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('rcv.empty')}</p>
        ) : (
          <ul className="r-entries">
            {items.map((o) => (
              <li key={o.id} data-testid="offering" data-name={o.name}>
                <div className="r-entry-head">
                  <strong>{o.name}</strong>
                  <span className="hall-price" style={{ marginLeft: 'auto' }}>
                    {o.priceLabel}
                  </span>
                </div>
                <div className="r-muted">
                  {o.categoryName} · {t('rcv.by', { name: o.providerName })} · {o.providerRating !== null ? t('rcv.rating', { rating: `${o.providerRating}★` }) : t('rcv.noRating')}
                </div>
                {o.description && <div className="r-muted">{o.description}</div>}
                {ordering === o.id ? (
                  session.status === 'ready' ? (
                    <OrderForm offering={o} onCancel={() => setOrdering(null)} />
                  ) : (
                    <LoginFirst />
                  )
                ) : (
                  <Button block fill="outline" color="primary" style={{ marginTop: 8 }} onClick={() => setOrdering(o.id)} data-testid="offering-order">
                    {t('rcv.order')}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function MyOrdersPage() {
  const { t } = useI18n();
  const session = useSession();
  const list = useApi(
    (signal) => (session.status === 'ready' ? api.get<ServiceOrderPage>('/api/v1/me/convenience/orders', { pageSize: 100 }, signal) : Promise.resolve(undefined)),
    [session.status],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = list.data?.items ?? [];
  return (
    <>
      <BackLink href="/services/convenience" label={t('rcv.title')} />
      <section className="r-card" aria-labelledby="rcv-mine" data-testid="my-orders">
        <h2 id="rcv-mine">{t('rcv.title.mine')}</h2>
        {list.error ? (
          <InlineMessage kind="error">{list.error.message}</InlineMessage>
        ) : items.length === 0 ? (
          <p className="r-muted">{list.loading ? t('common.loading') : t('rcv.mine.empty')}</p>
        ) : (
          <ul className="r-entries">
            {items.map((o) => (
              <li key={o.id}>
                <Link href={`/me/convenience/${o.id}`} className="rev-item-link" data-testid="my-order" data-code={o.code}>
                  <div className="r-entry-head">
                    <strong>{o.offeringName}</strong>
                    <OrderStatus o={o} />
                  </div>
                  <div className="r-muted">
                    {o.code} · {o.providerName} · {formatDateTimeLong(o.wantedAt)}
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function Stars({ value, onChange, testId }: { value: number | null; onChange: (n: number) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <div className="rev-choices" role="group" aria-label={t('rcv.rate')}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button key={n} type="button" className="rev-choice hall-star" aria-pressed={value === n} aria-label={t('rcv.stars', { n })} onClick={() => onChange(n)} data-testid={`${testId}-${n}`}>
          {'★'.repeat(n)}
        </button>
      ))}
    </div>
  );
}

export function OrderFacts({ o }: { o: ServiceOrderDetail }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('rcv.code'), o.code],
    [t('rcv.provider'), o.providerName],
    ...(o.residentName ? [[t('rcv.residentLabel'), o.residentName] as [string, string]] : []),
    [t('rcv.when'), formatDateTimeLong(o.wantedAt)],
    [t('rcv.address'), o.address],
    [t('rcv.price'), `${yuan(o.priceFen)}/${o.priceUnit}`],
    ...(o.serviceMinutes !== null ? [[t('rcv.served'), t('rcv.servedMinutes', { hours: hours(o.serviceMinutes) })] as [string, string]] : []),
    ...(o.totalFen !== null ? [[t('rcv.quote'), yuan(o.totalFen)] as [string, string]] : []),
    ...(o.freeMinutes > 0 || o.quoteFreeMinutes > 0
      ? [[t('rcv.freePart'), `${hours(o.freeMinutes || o.quoteFreeMinutes)} h · ${yuan(o.freeFen)}${o.ruleName ? `（${o.ruleName}）` : ''}`] as [string, string]]
      : []),
    ...(o.residentFen !== null ? [[t('rcv.residentPart'), yuan(o.residentFen)] as [string, string]] : []),
    ...(o.note ? [[t('rcv.noteLabel'), o.note] as [string, string]] : []),
  ];
  return (
    <dl className="r-facts">
      {rows.map(([k, v]) => (
        <div key={k} className="r-fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function OrderTimeline({ o }: { o: ServiceOrderDetail }) {
  const { t } = useI18n();
  return (
    <section className="r-card" aria-labelledby="rcv-steps" data-testid="order-timeline">
      <h2 id="rcv-steps">{t('rcv.steps')}</h2>
      <ol className="rev-timeline">
        {o.timeline.map((s) => (
          <li key={s.seq} data-testid="order-step" data-action={s.action}>
            <div className="rev-step-title">{s.label}</div>
            <div className="r-muted">
              {formatDateTimeLong(s.at)}
              {s.actorName ? ` · ${s.actorName}` : ''}
            </div>
            {s.note && <div style={{ whiteSpace: 'pre-wrap' }}>{s.note}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function MyOrderPage() {
  const { t } = useI18n();
  const session = useSession();
  const { id } = useParams<{ id: string }>();
  const search = new URLSearchParams(useSearch());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [stars, setStars] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [complaint, setComplaint] = useState('');
  const [complaining, setComplaining] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const detail = useApi(
    (signal) => (session.status === 'ready' ? api.get<ServiceOrderDetail>(`/api/v1/me/convenience/orders/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)),
    [session.status, id],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  const o = detail.data;
  if (!o) return <div className="r-loading">{t('common.loading')}</div>;
  const can = new Set(o.actions);
  const act = async (name: string, path: string, body: unknown, done: string) => {
    setBusy(name);
    setOutcome(null);
    try {
      await api.post(`/api/v1/me/convenience/orders/${encodeURIComponent(o.id)}/${path}`, body);
      setOutcome({ kind: 'success', text: done });
      setComplaining(false);
      detail.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) detail.reload();
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <BackLink href="/me/convenience" label={t('rcv.title.mine')} />
      {search.get('ordered') === '1' && o.status === 'requested' && <InlineMessage kind="success">{t('rcv.ordered', { code: o.code })}</InlineMessage>}
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <section className="r-card" aria-labelledby="rcv-order" data-testid="order-detail">
        <div className="r-entry-head">
          <h2 id="rcv-order" style={{ margin: 0 }}>
            {o.offeringName}
          </h2>
          <OrderStatus o={o} />
        </div>
        <OrderFacts o={o} />
        {o.declinedReason && <p>{t('rcv.declined', { reason: o.declinedReason })}</p>}
        {o.rating !== null && (
          <p data-testid="order-rating">
            {t('rcv.myRating', { n: o.rating })}
            {o.ratingComment ? `：${o.ratingComment}` : ''}
          </p>
        )}
        {o.complaint && (
          <div className="hall-offer" data-testid="order-complaint">
            <div>{t('rcv.complaint', { status: o.complaint.statusLabel })}</div>
            <div>{o.complaint.content}</div>
            {o.complaint.providerReply && <div>{t('rcv.complaintReply', { reply: o.complaint.providerReply })}</div>}
            {o.complaint.result && <div>{t('rcv.complaintResult', { result: o.complaint.result })}</div>}
          </div>
        )}
      </section>
      {can.has('confirm') && (
        <section className="r-card" aria-labelledby="rcv-rate" data-testid="order-rate">
          <h2 id="rcv-rate">{t('rcv.rate')}</h2>
          <p className="r-muted">{t('rcv.rateHint')}</p>
          <Stars value={stars} onChange={setStars} testId="order-stars" />
          <div className="r-field" style={{ marginTop: 12 }}>
            <label htmlFor="rcv-comment">{t('rcv.comment')}</label>
            <div className="r-input">
              <TextArea id="rcv-comment" value={comment} onChange={setComment} maxLength={500} rows={2} data-testid="order-comment" />
            </div>
          </div>
          <Button
            block
            color="primary"
            size="large"
            loading={busy === 'confirm'}
            onClick={() => (stars ? void act('confirm', 'confirm', { rating: stars, comment: comment.trim() || undefined }, t('rcv.rated')) : setOutcome({ kind: 'error', text: t('rcv.needStars') }))}
            data-testid="order-confirm"
          >
            {t('rcv.rate')}
          </Button>
        </section>
      )}
      {can.has('cancel') && (
        <Button block size="large" color="danger" fill="outline" loading={busy === 'cancel'} onClick={() => void act('cancel', 'cancel', {}, t('rcv.cancelled'))} data-testid="order-cancel" style={{ marginBottom: 12 }}>
          {t('rcv.cancel')}
        </Button>
      )}
      {can.has('complain') &&
        (complaining ? (
          <section className="r-card" aria-labelledby="rcv-complain">
            <h2 id="rcv-complain">{t('rcv.complain')}</h2>
            <p className="r-muted">{t('rcv.complainHint')}</p>
            <div className="r-input">
              <TextArea value={complaint} onChange={setComplaint} maxLength={2000} rows={3} aria-label={t('rcv.complain')} data-testid="order-complaint-text" />
            </div>
            <Button
              block
              color="danger"
              size="large"
              style={{ marginTop: 12 }}
              loading={busy === 'complain'}
              onClick={() => (complaint.trim().length >= 5 ? void act('complain', 'complaint', { content: complaint.trim() }, t('rcv.complaintSent')) : setOutcome({ kind: 'error', text: t('rcv.needComplaint') }))}
              data-testid="order-complaint-send"
            >
              {t('rcv.send')}
            </Button>
          </section>
        ) : (
          <Button block size="large" fill="outline" onClick={() => setComplaining(true)} data-testid="order-complain" style={{ marginBottom: 12 }}>
            {t('rcv.complain')}
          </Button>
        ))}
      <OrderTimeline o={o} />
    </>
  );
}
