import { useMemo, useState } from 'react';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import type { PublicEvent, PublicEvents } from '../../shared/events.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { StateBadge } from './common.js';

const DAYS = 30;
const W = 360;
const H = 260;
const PAD = 24;

type Filter = 'all' | 'open' | 'closed';

/** Web Mercator y, so the community keeps its shape (the console's map does the same). */
const mercY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

function fit(points: { lat: number; lng: number }[]) {
  const xs = points.map((p) => p.lng);
  const ys = points.map((p) => mercY(p.lat));
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const dx = maxX - minX;
  const dy = ((maxY - minY) * 180) / Math.PI;
  const scale = dx === 0 && dy === 0 ? 1 : Math.min(dx > 0 ? (W - 2 * PAD) / dx : Infinity, dy > 0 ? (H - 2 * PAD) / dy : Infinity);
  return (p: { lat: number; lng: number }): [number, number] => [W / 2 + (p.lng - (minX + maxX) / 2) * scale, H / 2 - ((mercY(p.lat) - (minY + maxY) / 2) * 180 * scale) / Math.PI];
}

/**
 * 在线实时监督: the anonymised events of the last weeks as points, a dot for open and a square
 * for closed (shape and word as well as colour), grid names where their events cluster, and the
 * same events as a list.
 */
function EventMap({ items }: { items: PublicEvent[] }) {
  const { t } = useI18n();
  const placed = items.filter((e): e is PublicEvent & { lat: number; lng: number } => e.lat !== null && e.lng !== null);
  const project = useMemo(() => (placed.length ? fit(placed) : null), [placed]);
  const grids = useMemo(() => {
    const by = new Map<string, { name: string; lat: number; lng: number; n: number }>();
    for (const e of placed) {
      const g = by.get(e.gridId) ?? { name: e.gridName, lat: 0, lng: 0, n: 0 };
      g.lat += e.lat;
      g.lng += e.lng;
      g.n += 1;
      by.set(e.gridId, g);
    }
    return [...by.values()].map((g) => ({ name: g.name, lat: g.lat / g.n, lng: g.lng / g.n }));
  }, [placed]);
  const open = placed.filter((e) => !e.closed).length;
  if (!project) return <p className="r-muted">{t('rev.map.empty')}</p>;
  return (
    <div className="rev-map" data-testid="event-map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${t('rev.map.title')}：${t('rev.map.count', { total: placed.length, open, closed: placed.length - open })}`}>
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
              {g.name.replace(/^.*社区/, '')}
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
  const events = useApi((signal) => api.get<PublicEvents>('/api/v1/public/events', { days: DAYS, limit: 500 }, signal), []);
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
            <div className="rev-choices" role="group" aria-label={t('rev.map.list')} style={{ marginBottom: 12 }}>
              {(['all', 'open', 'closed'] as const).map((f) => (
                <button key={f} type="button" className="rev-choice" aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`map-filter-${f}`}>
                  {filter === f ? '✓ ' : ''}
                  {t(`rev.map.${f}`)}
                </button>
              ))}
            </div>
            <EventMap items={shown} />
            {unplaced > 0 && <p className="r-muted">{t('rev.map.noPoint', { n: unplaced })}</p>}
          </>
        )}
      </section>
      {shown.length > 0 && (
        <section className="r-card" aria-labelledby="rev-map-list">
          <h2 id="rev-map-list">{t('rev.map.list')}</h2>
          <ul className="r-entries" data-testid="public-events">
            {shown.map((e) => (
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
        </section>
      )}
    </>
  );
}
