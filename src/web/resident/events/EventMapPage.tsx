import { useMemo, useState } from 'react';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import type { PublicArea, PublicAreas, PublicEvent, PublicEvents } from '../../shared/events.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { AreaShapes, areaPositions, fitTo, shortName } from './areas.js';
import { StateBadge } from './common.js';

const DAYS = 30;
const W = 360;
const H = 260;
const PAD = 24;
const LIST_PAGE = 30;

type Filter = 'all' | 'open' | 'closed';

/**
 * The outlines to draw: the communities the events lie in, with all their grids (every
 * community when there is no event to place).
 */
function areasFor(all: PublicArea[], items: PublicEvent[]): PublicArea[] {
  const byId = new Map(all.map((a) => [a.id, a]));
  const communities = new Set<string>();
  for (const e of items) {
    const a = byId.get(e.gridId);
    if (a) communities.add(a.kind === 'community' ? a.id : (a.parentId ?? a.id));
  }
  if (communities.size === 0) return all;
  return all.filter((a) => communities.has(a.id) || (a.parentId !== null && communities.has(a.parentId)));
}

/**
 * 在线实时监督: the anonymised events of the last weeks as points over the community and grid
 * outlines, a dot for open and a square for closed (shape and word as well as colour), and the
 * same events as a list.
 */
function EventMap({ items, areas: allAreas }: { items: PublicEvent[]; areas: PublicArea[] }) {
  const { t } = useI18n();
  const placed = items.filter((e): e is PublicEvent & { lat: number; lng: number } => e.lat !== null && e.lng !== null);
  const areas = useMemo(() => areasFor(allAreas, items), [allAreas, items]);
  const fit = useMemo(() => fitTo([...areaPositions(areas), ...placed.map((e): [number, number] => [e.lng, e.lat])], W, H, PAD), [areas, placed]);
  const project = fit ? (p: { lat: number; lng: number }) => fit.project([p.lng, p.lat]) : null;
  // Names where events cluster, for grids that have no outline to carry their name.
  const grids = useMemo(() => {
    const outlined = new Set(areas.map((a) => a.id));
    const by = new Map<string, { name: string; lat: number; lng: number; n: number }>();
    for (const e of placed) {
      if (outlined.has(e.gridId)) continue;
      const g = by.get(e.gridId) ?? { name: e.gridName, lat: 0, lng: 0, n: 0 };
      g.lat += e.lat;
      g.lng += e.lng;
      g.n += 1;
      by.set(e.gridId, g);
    }
    return [...by.values()].map((g) => ({ name: g.name, lat: g.lat / g.n, lng: g.lng / g.n }));
  }, [placed, areas]);
  const open = placed.filter((e) => !e.closed).length;
  if (!fit || !project) return <p className="r-muted">{t('rev.map.empty')}</p>;
  return (
    <div className="rev-map" data-testid="event-map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${t('rev.map.title')}：${t('rev.map.count', { total: placed.length, open, closed: placed.length - open })}`}>
        <AreaShapes areas={areas} fit={fit} />
        {placed.map((e) => {
          const [x, y] = project(e);
          return e.closed ? (
            <rect key={e.code} x={x - 5} y={y - 5} width={10} height={10} fill="#1b6e3a" stroke="#ffffff" strokeWidth={1.5} data-testid="map-event" data-code={e.code} />
          ) : (
            <circle key={e.code} cx={x} cy={y} r={6} fill="#c25e00" stroke="#ffffff" strokeWidth={1.5} data-testid="map-event" data-code={e.code} />
          );
        })}
        {grids.map((g) => {
          const [x, y] = project(g);
          return (
            <text key={g.name} x={x} y={y - 10} textAnchor="middle" className="rev-map-label">
              {shortName(g.name)}
            </text>
          );
        })}
      </svg>
      <div className="rev-legend">
        <span className="rev-legend-open">{t('rev.map.legendOpen')}</span>
        <span className="rev-legend-closed">{t('rev.map.legendClosed')}</span>
      </div>
    </div>
  );
}

export default function EventMapPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>('all');
  const [listed, setListed] = useState(LIST_PAGE);
  const events = useApi((signal) => api.get<PublicEvents>('/api/v1/public/events', { days: DAYS, limit: 500 }, signal), []);
  // Outlines are a backdrop: without them the points still show.
  const areas = useApi((signal) => api.get<PublicAreas>('/api/v1/public/event-map/areas', undefined, signal).catch(() => ({ items: [] })), []);
  const all = events.data?.items ?? [];
  const shown = all.filter((e) => filter === 'all' || (filter === 'closed') === e.closed);
  const unplaced = shown.filter((e) => e.lat === null || e.lng === null).length;
  const open = all.filter((e) => !e.closed).length;
  return (
    <>
      <section className="r-card" aria-labelledby="rev-map-title" data-testid="public-map">
        <h2 id="rev-map-title">{t('rev.title.map')}</h2>
        <p className="r-muted">{t('rev.map.hint', { days: DAYS })}</p>
        {events.error ? (
          <InlineMessage kind="error">{events.error.message}</InlineMessage>
        ) : events.loading && !events.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : (
          <>
            <p data-testid="map-count">{t('rev.map.count', { total: all.length, open, closed: all.length - open })}</p>
            <div className="rev-choices rev-choices-3" role="group" aria-label={t('rev.map.list')} style={{ marginBottom: 12 }}>
              {(['all', 'open', 'closed'] as const).map((f) => (
                <button
                  key={f}
                  type="button"
                  className="rev-choice"
                  aria-pressed={filter === f}
                  onClick={() => {
                    setFilter(f);
                    setListed(LIST_PAGE);
                  }}
                  data-testid={`map-filter-${f}`}
                >
                  {filter === f ? '✓ ' : ''}
                  {t(`rev.map.${f}`)}
                </button>
              ))}
            </div>
            <EventMap items={shown} areas={areas.data?.items ?? []} />
            {unplaced > 0 && <p className="r-muted">{t('rev.map.noPoint', { n: unplaced })}</p>}
          </>
        )}
      </section>
      {shown.length > 0 && (
        <section className="r-card" aria-labelledby="rev-map-list">
          <h2 id="rev-map-list">{t('rev.map.list')}</h2>
          <ul className="r-entries" data-testid="public-events">
            {shown.slice(0, listed).map((e) => (
              <li key={e.code} data-testid="public-event" data-code={e.code}>
                <div className="r-entry-head">
                  <strong>{e.title}</strong>
                  <StateBadge state={e.state} label={e.stateLabel} testId="public-event-state" />
                </div>
                <div className="r-muted">
                  {e.categoryName} · {e.gridName} · {t('rev.reportedOn', { date: formatDateLong(e.reportedOn) })}
                  {e.closedOn ? ` · ${t('rev.map.closedOn', { date: formatDateLong(e.closedOn) })}` : ''}
                </div>
              </li>
            ))}
          </ul>
          {shown.length > listed && (
            <Button block fill="outline" onClick={() => setListed((n) => n + LIST_PAGE)}>
              {t('rev.mine.more')}
            </Button>
          )}
        </section>
      )}
    </>
  );
}
