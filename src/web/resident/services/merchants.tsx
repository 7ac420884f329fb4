import { useState, type FormEvent } from 'react';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import { api } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import type { Merchant, MerchantCategoryList, MerchantPage } from '../../shared/services-more.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';
import './more.css';
import './more.messages.js';

const PAGE = 20;

function MerchantCard({ m }: { m: Merchant }) {
  const { t } = useI18n();
  const offers = m.offers.filter((o) => o.current);
  return (
    <li data-testid="merchant" data-name={m.name}>
      <div className="r-entry-head">
        <strong>{m.name}</strong>
        <span className={`rev-state rev-state-${m.openNow ? 'closed' : 'ended'}`} data-testid="merchant-open" data-open={m.openNow ? '1' : '0'}>
          <span aria-hidden="true">{m.openNow ? '● ' : '– '}</span>
          {m.openNow ? t('rmc.open') : t('rmc.closed')}
        </span>
      </div>
      <div className="r-muted">
        {m.categoryName} · {m.address}
      </div>
      <div>{t('rmc.today', { hours: m.todayHours })}</div>
      {m.openingHours.note && <div className="r-muted">{m.openingHours.note}</div>}
      {m.description && <div className="r-muted">{m.description}</div>}
      {offers.map((o) => (
        <div key={o.id} className="hall-offer" data-testid="merchant-offer">
          <strong>
            {t('rmc.offers')}：{o.title}
          </strong>{' '}
          <span className="r-muted">{t('rmc.offerUntil', { date: o.endsOn })}</span>
          {o.description && <div>{o.description}</div>}
        </div>
      ))}
      {m.phone && (
        <a className="hall-call" href={`tel:${m.phone}`} data-testid="merchant-call">
          ☎ {t('rmc.call', { phone: m.phone })}
        </a>
      )}
    </li>
  );
}

/** 周边商圈: the public directory, by category, open now, with offers and a tap-to-call link. */
export default function MerchantsPage() {
  const { t, locale } = useI18n();
  const [category, setCategory] = useState<string | null>(null);
  const [openNow, setOpenNow] = useState(false);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [pages, setPages] = useState(1);
  const categories = useApi((signal) => api.get<MerchantCategoryList>('/api/v1/merchants/categories', undefined, signal), []);
  const list = useApi(
    (signal) => api.get<MerchantPage>('/api/v1/merchants', { category: category ?? undefined, q: q || undefined, openNow: openNow ? 1 : undefined, page: 1, pageSize: PAGE * pages }, signal),
    [category, q, openNow, pages],
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
    setPages(1);
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <form className="r-card" onSubmit={search} role="search">
        <div className="hall-row">
          <div className="r-input">
            <Input value={typed} onChange={setTyped} placeholder={t('rmc.search')} aria-label={t('rmc.search')} maxLength={50} data-testid="merchant-search" />
          </div>
          <Button type="submit" color="primary" style={{ flex: 'none' }}>
            {t('rmc.searchButton')}
          </Button>
        </div>
        <div className="rev-choices" role="group" aria-label={t('rmc.title')} style={{ marginTop: 12 }}>
          <button type="button" className="rev-choice" aria-pressed={category === null} onClick={() => (setCategory(null), setPages(1))} data-testid="merchant-category-all">
            {t('rmc.all')}
          </button>
          {(categories.data?.items ?? [])
            .filter((c) => c.count > 0)
            .map((c) => (
              <button key={c.code} type="button" className="rev-choice" aria-pressed={category === c.code} onClick={() => (setCategory(c.code), setPages(1))} data-testid={`merchant-category-${c.code}`}>
                {category === c.code ? '✓ ' : ''}
                {locale === 'en' ? c.nameEn : c.name}（{c.count}）
              </button>
            ))}
        </div>
        <label className="rev-check" style={{ marginTop: 8 }}>
          <input type="checkbox" checked={openNow} onChange={(e) => (setOpenNow(e.target.checked), setPages(1))} data-testid="merchant-open-now" />
          {t('rmc.openNow')}
        </label>
      </form>
      <section className="r-card" aria-label={t('rmc.title')} data-testid="merchants">
        {list.error ? (
          <InlineMessage kind="error">{list.error.message}</InlineMessage>
        ) : list.loading && !list.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('rmc.empty')}</p>
        ) : (
          <>
            <p className="r-muted">{t('rmc.count', { n: list.data?.total ?? 0 })}</p>
            <ul className="r-entries">
              {items.map((m) => (
                <MerchantCard key={m.id} m={m} />
              ))}
            </ul>
          </>
        )}
        {(list.data?.total ?? 0) > items.length && (
          <Button block fill="outline" loading={list.loading} onClick={() => setPages((p) => p + 1)}>
            {t('hall.more')}
          </Button>
        )}
      </section>
    </>
  );
}
