import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { CATEGORIES, OpportunityCard, type Card } from './common.js';

/**
 * 志愿服务网店: opportunities as cards, by category, searchable; the volunteer's own community
 * (and what its street offers) when they are registered, everything published otherwise.
 */
export default function ShopPage() {
  const { t } = useI18n();
  const session = useSession();
  const [category, setCategory] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [when, setWhen] = useState<'current' | 'past'>('current');
  const me = useApi((signal) => (session.status === 'ready' ? api.get<{ volunteer: { orgNodeId: string } | null }>('/api/v1/me/volunteer', undefined, signal).catch(() => null) : Promise.resolve(null)), [session.status]);
  const orgNodeId = me.data?.volunteer?.orgNodeId;
  const list = useApi(
    (signal) => (me.loading ? Promise.resolve(undefined) : api.get<{ items: Card[]; total: number }>('/api/v1/public/volunteer-opportunities', { orgNodeId, category: category ?? undefined, q: q || undefined, when, pageSize: 50 }, signal)),
    [orgNodeId, category, q, when, me.loading],
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  return (
    <>
      {session.status === 'ready' && (
        <Link href="/volunteer" className="r-nav-link r-card" style={{ marginTop: 0 }} data-testid="volunteer-home-link">
          <span>
            <strong>{t('rvo.title.home')}</strong>
          </span>
          <span aria-hidden="true">›</span>
        </Link>
      )}
      <form className="rvo-search" role="search" onSubmit={search}>
        <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={t('rvo.shop.search')} aria-label={t('rvo.shop.search')} maxLength={40} data-testid="volunteer-search" />
        <button type="submit" className="rvo-chip" aria-pressed="false">
          {t('common.search')}
        </button>
      </form>
      <div className="rvo-chips" role="group" aria-label={t('rvo.card.phase.upcoming')}>
        <button type="button" className="rvo-chip" aria-pressed={category === null} onClick={() => setCategory(null)}>
          {t('rvo.shop.all')}
        </button>
        {CATEGORIES.map((c) => (
          <button key={c} type="button" className="rvo-chip" aria-pressed={category === c} onClick={() => setCategory(c)} data-testid={`volunteer-category-${c}`}>
            {c}
          </button>
        ))}
      </div>
      <div className="rvo-chips">
        {(['current', 'past'] as const).map((w) => (
          <button key={w} type="button" className="rvo-chip" aria-pressed={when === w} onClick={() => setWhen(w)}>
            {t(`rvo.shop.${w}`)}
          </button>
        ))}
      </div>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {list.loading && !list.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : (list.data?.items ?? []).length === 0 ? (
        <p className="r-muted">{t('rvo.shop.none')}</p>
      ) : (
        <div data-testid="volunteer-shop">
          {list.data!.items.map((c) => (
            <OpportunityCard key={c.id} card={c} />
          ))}
        </div>
      )}
    </>
  );
}
