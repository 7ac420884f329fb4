import { useState } from 'react';
import { Link } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { type Complaint, type ComplaintPage, type ConvenienceCategoryList, type Offering, type OfferingList, type Provider, type ServiceOrder, type ServiceOrderPage } from '../../shared/services-more.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { LoginFirst } from './appointments.js';
import { OrderStatus } from './convenience.js';
import '../events/events.css';
import './more.css';
import './more.messages.js';

const P = '/api/v1/convenience/provider';
type Outcome = { kind: 'success' | 'error' | 'info'; text: string };
type Tab = 'orders' | 'offerings' | 'ratings' | 'complaints';

/** One incoming order with the provider's next step: accept / decline, start, complete. */
function ProviderOrder({ o, onDone }: { o: ServiceOrder; onDone: (out: Outcome) => void }) {
  const { t } = useI18n();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  // Hourly orders: the provider types the minutes served (the order does not carry the hours asked for).
  const [amount, setAmount] = useState(o.priceUnit === '小时' ? '' : String(o.quantity ?? 1));
  const [busy, setBusy] = useState<string | null>(null);
  const step = async (name: string, body: unknown, done: string) => {
    setBusy(name);
    try {
      await api.post(`${P}/orders/${encodeURIComponent(o.id)}/${name}`, body);
      onDone({ kind: 'success', text: `${o.code} ${done}` });
    } catch (e) {
      onDone({ kind: e instanceof ApiError && e.status === 409 ? 'info' : 'error', text: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  const hourly = o.priceUnit === '小时';
  return (
    <li data-testid="provider-order" data-code={o.code} data-status={o.status}>
      <div className="r-entry-head">
        <strong>{o.offeringName}</strong>
        <OrderStatus o={o} />
      </div>
      <div className="r-muted">
        {o.code} · {t('rcv.p.resident', { name: o.residentName ?? '—' })}
      </div>
      <div>
        {formatDateTimeLong(o.wantedAt)} · {o.address}
      </div>
      {o.note && <div className="r-muted">{o.note}</div>}
      {o.status === 'requested' && !declining && (
        <div className="hall-row" style={{ marginTop: 8 }}>
          <Button color="primary" size="large" loading={busy === 'accept'} onClick={() => void step('accept', {}, t('rcv.p.accepted'))} data-testid="provider-accept">
            {t('rcv.p.accept')}
          </Button>
          <Button size="large" color="danger" fill="outline" onClick={() => setDeclining(true)} data-testid="provider-decline">
            {t('rcv.p.decline')}
          </Button>
        </div>
      )}
      {o.status === 'requested' && declining && (
        <div style={{ marginTop: 8 }}>
          <div className="r-input">
            <Input value={reason} onChange={setReason} placeholder={t('rcv.p.declineReason')} aria-label={t('rcv.p.declineReason')} maxLength={500} />
          </div>
          <Button block size="large" color="danger" style={{ marginTop: 8 }} disabled={reason.trim().length < 2} loading={busy === 'decline'} onClick={() => void step('decline', { reason: reason.trim() }, t('rcv.p.declinedOk'))}>
            {t('rcv.p.decline')}
          </Button>
        </div>
      )}
      {o.status === 'accepted' && (
        <Button block size="large" color="primary" style={{ marginTop: 8 }} loading={busy === 'start'} onClick={() => void step('start', {}, t('rcv.p.started'))} data-testid="provider-start">
          {t('rcv.p.start')}
        </Button>
      )}
      {o.status === 'in_service' && (
        <div style={{ marginTop: 8 }}>
          <label className="r-field-label" htmlFor={`amount-${o.id}`}>
            {hourly ? t('rcv.p.minutes') : t('rcv.p.units', { unit: o.priceUnit })}
          </label>
          <div className="r-input">
            <Input id={`amount-${o.id}`} type="number" inputMode="numeric" value={amount} onChange={setAmount} data-testid="provider-amount" />
          </div>
          <Button
            block
            size="large"
            color="success"
            style={{ marginTop: 8 }}
            loading={busy === 'complete'}
            disabled={!(Number(amount) >= 1)}
            onClick={() => void step('complete', hourly ? { actualMinutes: Number(amount) } : { quantity: Number(amount) }, t('rcv.p.completed'))}
            data-testid="provider-complete"
          >
            {t('rcv.p.complete')}
          </Button>
        </div>
      )}
      {o.rating !== null && (
        <div>
          {'★'.repeat(o.rating)}
          {o.ratingComment ? ` ${o.ratingComment}` : ''}
        </div>
      )}
    </li>
  );
}

function OrdersTab({ onOutcome }: { onOutcome: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<'incoming' | 'active' | 'done'>('incoming');
  const list = useApi((signal) => api.get<ServiceOrderPage>(`${P}/orders`, { pageSize: 200 }, signal), []);
  const groups = { incoming: ['requested'], active: ['accepted', 'in_service'], done: ['completed', 'closed', 'declined', 'cancelled'] };
  const items = (list.data?.items ?? []).filter((o) => groups[filter].includes(o.status));
  return (
    <>
      <div className="rev-choices" role="group" aria-label={t('rcv.p.tab.orders')} style={{ marginBottom: 8 }}>
        {(['incoming', 'active', 'done'] as const).map((f) => (
          <button key={f} type="button" className="rev-choice" aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`provider-filter-${f}`}>
            {filter === f ? '✓ ' : ''}
            {t(`rcv.p.${f}`)}（{(list.data?.items ?? []).filter((o) => groups[f].includes(o.status)).length}）
          </button>
        ))}
      </div>
      {list.error ? (
        <InlineMessage kind="error">{list.error.message}</InlineMessage>
      ) : items.length === 0 ? (
        <p className="r-muted">{list.loading ? t('common.loading') : t('rcv.p.noOrders')}</p>
      ) : (
        <ul className="r-entries">
          {items.map((o) => (
            <ProviderOrder
              key={`${o.id}-${o.version}`}
              o={o}
              onDone={(out) => {
                onOutcome(out);
                list.reload();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function OfferingsTab({ onOutcome }: { onOutcome: (o: Outcome) => void }) {
  const { t, locale } = useI18n();
  const list = useApi((signal) => api.get<OfferingList>(`${P}/offerings`, undefined, signal), []);
  const cats = useApi((signal) => api.get<ConvenienceCategoryList>('/api/v1/convenience/categories', undefined, signal), []);
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState({ category: '', name: '', price: '', unit: '次', duration: '60', description: '' });
  const set = (k: keyof typeof draft) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const save = async () => {
    try {
      await api.post(`${P}/offerings`, {
        category: draft.category,
        name: draft.name.trim(),
        priceFen: Math.round(Number(draft.price) * 100),
        priceUnit: draft.unit,
        durationMinutes: Number(draft.duration),
        description: draft.description.trim() || undefined,
      });
      setAdding(false);
      onOutcome({ kind: 'success', text: t('rcv.p.saved') });
      list.reload();
    } catch (e) {
      onOutcome({ kind: 'error', text: errorMessage(e) });
    }
  };
  const toggle = async (o: Offering) => {
    try {
      await api.patch(`${P}/offerings/${o.id}`, { expectedVersion: o.version, active: !o.active });
      list.reload();
    } catch (e) {
      onOutcome({ kind: 'error', text: errorMessage(e) });
    }
  };
  return (
    <>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      <ul className="r-entries">
        {(list.data?.items ?? []).map((o) => (
          <li key={o.id} data-testid="provider-offering">
            <div className="r-entry-head">
              <strong>{o.name}</strong>
              <span className="hall-price" style={{ marginLeft: 'auto' }}>
                {o.priceLabel}
              </span>
            </div>
            <div className="r-muted">
              {o.categoryName} · {o.active ? t('rcv.p.activeOn') : t('rcv.p.activeOff')}
            </div>
            {o.hidden && <InlineMessage kind="info">{t('rcv.p.hidden', { reason: o.hiddenReason ?? '' })}</InlineMessage>}
            <Button size="small" fill="outline" onClick={() => void toggle(o)} style={{ marginTop: 4 }}>
              {o.active ? t('rcv.p.unlist') : t('rcv.p.list')}
            </Button>
          </li>
        ))}
      </ul>
      {adding ? (
        <div className="hall-order-form">
          <div className="r-field">
            <label htmlFor="po-cat">{t('rcv.p.category')}</label>
            <select id="po-cat" className="r-select" value={draft.category} onChange={(e) => set('category')(e.target.value)}>
              <option value="" />
              {(cats.data?.items ?? []).map((c) => (
                <option key={c.code} value={c.code}>
                  {locale === 'en' ? c.nameEn : c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="r-field">
            <label htmlFor="po-name">{t('rcv.p.name')}</label>
            <div className="r-input">
              <Input id="po-name" value={draft.name} onChange={set('name')} maxLength={60} />
            </div>
          </div>
          <div className="hall-row">
            <div className="r-field">
              <label htmlFor="po-price">{t('rcv.p.priceYuan')}</label>
              <div className="r-input">
                <Input id="po-price" type="number" inputMode="decimal" value={draft.price} onChange={set('price')} />
              </div>
            </div>
            <div className="r-field">
              <label htmlFor="po-unit">{t('rcv.p.unit')}</label>
              <select id="po-unit" className="r-select" value={draft.unit} onChange={(e) => set('unit')(e.target.value)}>
                {['次', '小时', '餐'].map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            </div>
            <div className="r-field">
              <label htmlFor="po-duration">{t('rcv.p.duration')}</label>
              <div className="r-input">
                <Input id="po-duration" type="number" inputMode="numeric" value={draft.duration} onChange={set('duration')} />
              </div>
            </div>
          </div>
          <div className="r-field">
            <label htmlFor="po-desc">{t('rcv.p.description')}</label>
            <div className="r-input">
              <TextArea id="po-desc" value={draft.description} onChange={set('description')} maxLength={1000} rows={2} />
            </div>
          </div>
          <Button block color="primary" size="large" onClick={() => void save()}>
            {t('rcv.p.save')}
          </Button>
        </div>
      ) : (
        <Button block fill="outline" color="primary" size="large" style={{ marginTop: 12 }} onClick={() => setAdding(true)}>
          {t('rcv.p.newOffering')}
        </Button>
      )}
    </>
  );
}

function RatingsTab({ provider }: { provider: Provider }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<ServiceOrderPage>(`${P}/orders`, { status: 'closed', pageSize: 200 }, signal), []);
  const rated = (list.data?.items ?? []).filter((o) => o.rating !== null);
  return (
    <>
      <p data-testid="provider-rating">{provider.rating !== null ? t('rcv.p.avg', { rating: provider.rating, n: provider.ratingCount }) : t('rcv.p.noRatings')}</p>
      <ul className="r-entries">
        {rated.map((o) => (
          <li key={o.id}>
            <div className="r-entry-head">
              <strong>{'★'.repeat(o.rating ?? 0)}</strong>
              <span className="r-muted" style={{ marginLeft: 'auto' }}>
                {o.code}
              </span>
            </div>
            <div className="r-muted">
              {o.offeringName} · {o.closedAt ? formatDateTimeLong(o.closedAt) : ''}
            </div>
            {o.ratingComment && <div>{o.ratingComment}</div>}
          </li>
        ))}
      </ul>
    </>
  );
}

function ComplaintItem({ c, onDone }: { c: Complaint; onDone: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    try {
      await api.post(`${P}/complaints/${c.id}/reply`, { reply: reply.trim() });
      onDone({ kind: 'success', text: t('rcv.p.replied') });
    } catch (e) {
      onDone({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <li data-testid="provider-complaint">
      <div className="r-entry-head">
        <strong>{c.orderCode}</strong>
        <span className="rev-state rev-state-open" style={{ marginLeft: 'auto' }}>
          {c.statusLabel}
        </span>
      </div>
      <div style={{ whiteSpace: 'pre-wrap' }}>{c.content}</div>
      {c.providerReply && <div className="r-muted">{t('rcv.complaintReply', { reply: c.providerReply })}</div>}
      {c.result && <div>{t('rcv.complaintResult', { result: c.result })}</div>}
      {c.status !== 'closed' && !c.providerReply && (
        <div style={{ marginTop: 8 }}>
          <div className="r-input">
            <TextArea value={reply} onChange={setReply} maxLength={2000} rows={2} aria-label={t('rcv.p.reply')} />
          </div>
          <Button block size="large" style={{ marginTop: 8 }} disabled={reply.trim().length < 2} loading={busy} onClick={() => void send()}>
            {t('rcv.p.reply')}
          </Button>
        </div>
      )}
    </li>
  );
}

function ComplaintsTab({ onOutcome }: { onOutcome: (o: Outcome) => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<ComplaintPage>(`${P}/complaints`, { pageSize: 100 }, signal), []);
  const items = list.data?.items ?? [];
  if (list.error) return <InlineMessage kind="error">{list.error.message}</InlineMessage>;
  if (items.length === 0) return <p className="r-muted">{list.loading ? t('common.loading') : t('rcv.p.noComplaints')}</p>;
  return (
    <ul className="r-entries">
      {items.map((c) => (
        <ComplaintItem
          key={`${c.id}-${c.version}`}
          c={c}
          onDone={(o) => {
            onOutcome(o);
            list.reload();
          }}
        />
      ))}
    </ul>
  );
}

/** 服务商工作台 (role provider, e.g. provider01): orders, offerings, ratings, complaints, on the phone. */
export default function ProviderPage() {
  const { t } = useI18n();
  const session = useSession();
  const [tab, setTab] = useState<Tab>('orders');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const profile = useApi((signal) => (session.status === 'ready' ? api.get<Provider>(`${P}/profile`, undefined, signal) : Promise.resolve(undefined)), [session.status]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (profile.error) return <InlineMessage kind={profile.error.status === 404 ? 'info' : 'error'}>{profile.error.status === 404 ? t('rcv.p.notProvider') : profile.error.message}</InlineMessage>;
  const p = profile.data;
  if (!p) return <div className="r-loading">{t('common.loading')}</div>;
  return (
    <>
      <section className="r-card" aria-labelledby="prov-name" data-testid="provider-page">
        <h2 id="prov-name">{p.name}</h2>
        <p className="r-muted">
          {p.kindLabel} · {t('rcv.p.status', { status: p.statusLabel })}
          {p.rating !== null ? ` · ${p.rating}★` : ''}
        </p>
        {p.statusReason && <InlineMessage kind="info">{p.statusReason}</InlineMessage>}
        <Link href="/provider/consultations" className="r-nav-link">
          <span>{t('rcv.p.consultations')}</span>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
      <div className="rev-choices" role="tablist" aria-label={t('rcv.title.provider')} style={{ marginBottom: 12 }}>
        {(['orders', 'offerings', 'ratings', 'complaints'] as const).map((k) => (
          <button key={k} type="button" role="tab" className="rev-choice" aria-selected={tab === k} aria-pressed={tab === k} onClick={() => (setTab(k), setOutcome(null))} data-testid={`provider-tab-${k}`}>
            {tab === k ? '✓ ' : ''}
            {t(`rcv.p.tab.${k}`)}
          </button>
        ))}
      </div>
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <section className="r-card" aria-label={t(`rcv.p.tab.${tab}`)}>
        {tab === 'orders' && <OrdersTab onOutcome={setOutcome} />}
        {tab === 'offerings' && <OfferingsTab onOutcome={setOutcome} />}
        {tab === 'ratings' && <RatingsTab provider={p} />}
        {tab === 'complaints' && <ComplaintsTab onOutcome={setOutcome} />}
      </section>
    </>
  );
}
