import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import type { MatterGroups, MatterList, MatterSummary } from '../../shared/service-hall.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { daysText, MATTERS_API } from './common.js';

/** The search box of the guide: Chinese words, pinyin or initials (the server plans the search). */
export function MatterSearchBox({ initial = '', group }: { initial?: string; group?: string }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const qs = new URLSearchParams();
    if (q.trim()) qs.set('q', q.trim());
    if (group) qs.set('group', group);
    const s = qs.toString();
    navigate(`/services/matters${s ? `?${s}` : ''}`);
  };
  return (
    <form role="search" onSubmit={submit} className="r-card" aria-labelledby="rsv-search-label" data-testid="matter-search">
      <label id="rsv-search-label" htmlFor="rsv-search-input" style={{ display: 'block', fontWeight: 600, marginBottom: 4 }}>
        {t('rsv.search')}
      </label>
      <div className="rsv-search">
        <input
          id="rsv-search-input"
          className="rev-textinput"
          type="search"
          enterKeyHint="search"
          maxLength={40}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('rsv.searchPlaceholder')}
          aria-describedby="rsv-search-hint"
          data-testid="matter-search-input"
        />
        <Button color="primary" type="submit" data-testid="matter-search-submit">
          {t('rsv.searchButton')}
        </Button>
      </div>
      <div id="rsv-search-hint" className="r-muted">
        {t('rsv.searchHint')}
      </div>
    </form>
  );
}

/** The groups (纳税缴费, 就医保健 …) as large buttons; `current` marks the one shown. A group shows all its matters (the search words are dropped). */
export function MatterGroupGrid({ current }: { current?: string }) {
  const { t, locale } = useI18n();
  const groups = useApi((signal) => api.get<MatterGroups>(`${MATTERS_API}/groups`, undefined, signal), []);
  if (groups.error) return <InlineMessage kind="error">{groups.error.message}</InlineMessage>;
  const items = groups.data?.items ?? [];
  const href = (code?: string) => {
    return code ? `/services/matters?group=${encodeURIComponent(code)}` : '/services/matters';
  };
  return (
    <nav className="r-card" aria-labelledby="rsv-groups-title" data-testid="matter-groups">
      <h2 id="rsv-groups-title">{t('rsv.groups')}</h2>
      {groups.loading && !groups.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : (
        <ul className="rsv-groups">
          {current !== undefined && (
            <li>
              <Link href={href()} className="rsv-group" aria-current={current === '' ? 'true' : undefined}>
                <span>{t('rsv.allGroups')}</span>
              </Link>
            </li>
          )}
          {items.map((g) => (
            <li key={g.code}>
              <Link href={href(g.code)} className="rsv-group" aria-current={current === g.code ? 'true' : undefined} data-testid={`group-${g.code}`}>
                <span>{locale === 'en' && g.nameEn ? g.nameEn : g.name}</span>
                <span className="r-muted" style={current === g.code ? { color: 'inherit' } : undefined}>
                  {t('rsv.groupCount', { n: g.matterCount })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}

export function MatterItem({ m }: { m: MatterSummary }) {
  const { t, locale } = useI18n();
  return (
    <li>
      <Link href={`/services/matters/${encodeURIComponent(m.code)}`} className="rsv-matter" data-testid="matter-item" data-code={m.code}>
        <strong>{locale === 'en' && m.nameEn ? m.nameEn : m.name}</strong>
        <div className="r-muted">{m.summary.length > 60 ? `${m.summary.slice(0, 60)}…` : m.summary}</div>
        <div className="rsv-tags">
          <span className={`rsv-tag${m.onlineApply ? ' rsv-tag-online' : ''}`}>{t(`rsv.mode.${m.mode}`)}</span>
          <span className="rsv-tag">
            {t('rsv.g.timeLimit')} {daysText(t, m.timeLimitDays)}
          </span>
          {m.free && <span className="rsv-tag">{t('rsv.free')}</span>}
        </div>
      </Link>
    </li>
  );
}

/** /services/matters?q=&group=: the guide's list, by group or searched. */
export default function MattersPage() {
  const { t } = useI18n();
  const search = useSearch();
  const params = new URLSearchParams(search);
  const q = params.get('q') ?? '';
  const group = params.get('group') ?? '';
  const list = useApi((signal) => api.get<MatterList>(MATTERS_API, { q: q || undefined, group: group || undefined, limit: 200 }, signal), [q, group]);
  const items = list.data?.items ?? [];
  return (
    <>
      <MatterSearchBox key={q} initial={q} group={group || undefined} />
      <MatterGroupGrid current={group} />
      <section className="r-card" aria-labelledby="rsv-results" data-testid="matter-list">
        <h2 id="rsv-results">{list.data ? t('rsv.resultCount', { n: list.data.total }) : t('services.guide')}</h2>
        {list.error ? (
          <InlineMessage kind="error">{list.error.message}</InlineMessage>
        ) : list.loading && !list.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted" data-testid="matter-none">
            {t('rsv.noMatters')}
          </p>
        ) : (
          <ul className="r-entries">
            {items.map((m) => (
              <MatterItem key={m.id} m={m} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
