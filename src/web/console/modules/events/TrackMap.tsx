import { useMemo } from 'react';
import { useI18n } from '../../../shared/i18n.js';
import type { Geometry, Position } from '../../../shared/types.js';
import type { PatrolDetail } from '../../../shared/events.js';
import { fitProjection, geometryPositions, labelPoint, polygonPath } from '../../components/projection.js';

const W = 720;
const H = 460;

/**
 * A patrol's track over its grid, drawn like GridMap (SVG, Web Mercator fitted to the grid and
 * the track): the grid outline, the path walked, start (▲) and end (■), points with a note (◆)
 * and the events reported on the way (●). Shapes as well as colours tell them apart.
 */
export function TrackMap({ patrol, grid }: { patrol: PatrolDetail; grid: { name: string; geometry: Geometry | null } | null }) {
  const { t } = useI18n();
  const track: Position[] = patrol.points.map((p) => [p.lng, p.lat]);
  const events = patrol.events.filter((e) => e.lat !== null && e.lng !== null);
  const project = useMemo(
    () => fitProjection([...geometryPositions(grid?.geometry), ...track, ...events.map((e) => [e.lng!, e.lat!] as Position)], W, H, 32),
    [grid, patrol],
  );
  const path = track.map((p, i) => `${i === 0 ? 'M' : 'L'}${project(p).map((v) => v.toFixed(1)).join(',')}`).join('');
  const start = track[0] ? project(track[0]) : null;
  const end = track.length > 1 ? project(track[track.length - 1]!) : null;
  const noted = patrol.points.filter((p) => p.note);
  return (
    <div className="gm" data-testid="patrol-track">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('ev.pat.track', { grid: patrol.gridName })}>
        <title>{t('ev.pat.track', { grid: patrol.gridName })}</title>
        {grid?.geometry && grid.geometry.type !== 'Point' && (
          <>
            <path d={polygonPath(grid.geometry, project)} fill="#e8f0fd" stroke="#1f2937" strokeWidth={1.5} />
            <text x={labelPoint(grid.geometry, project)[0]} y={labelPoint(grid.geometry, project)[1]} textAnchor="middle" className="gm-label">
              {grid.name}
            </text>
          </>
        )}
        {path && <path d={path} fill="none" stroke="#1456c8" strokeWidth={3} strokeLinejoin="round" strokeLinecap="round" strokeDasharray={patrol.open ? '8 4' : undefined} />}
        {noted.map((p) => {
          const [x, y] = project([p.lng, p.lat]);
          return (
            <path key={p.seq} d={`M${x},${y - 8}L${x + 8},${y}L${x},${y + 8}L${x - 8},${y}Z`} fill="#7c3aed" stroke="#ffffff" strokeWidth={1.5}>
              <title>{`${t('ev.pat.note')}：${p.note}`}</title>
            </path>
          );
        })}
        {events.map((e) => {
          const [x, y] = project([e.lng!, e.lat!]);
          return (
            <circle key={e.id} cx={x} cy={y} r={7} fill="#c2410c" stroke="#ffffff" strokeWidth={2}>
              <title>{`${e.code} ${e.title}`}</title>
            </circle>
          );
        })}
        {start && (
          <path d={`M${start[0]},${start[1] - 10}L${start[0] + 9},${start[1] + 7}L${start[0] - 9},${start[1] + 7}Z`} fill="#15803d" stroke="#ffffff" strokeWidth={2}>
            <title>{t('ev.pat.start')}</title>
          </path>
        )}
        {end && (
          <rect x={end[0] - 7} y={end[1] - 7} width={14} height={14} fill="#111827" stroke="#ffffff" strokeWidth={2}>
            <title>{t('ev.pat.end')}</title>
          </rect>
        )}
      </svg>
      <div className="gm-legend">
        <span>▲ {t('ev.pat.start')}</span>
        <span>■ {t('ev.pat.end')}</span>
        <span>◆ {t('ev.pat.note')}</span>
        <span>● {t('ev.pat.events')}</span>
      </div>
    </div>
  );
}
