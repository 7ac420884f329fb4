import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Geometry } from '../../shared/types.js';
import { classBreaks, classOf, fitProjection, geometryPositions, labelPoint, polygonPath } from './projection.js';
import { tilesFor } from './tiles.js';

export interface MapFeature {
  id: string;
  name: string;
  geometry: Geometry;
  /** Shown in the hover box, e.g. 网格 / 楼栋. */
  kindLabel?: string;
}

export interface GridMapProps {
  features: MapFeature[];
  /** A number per feature id; colours the shapes and adds a legend. */
  values?: Record<string, number>;
  /** What the number counts, e.g. 楼栋数; shown in labels, the hover box and the legend. */
  valueLabel?: string;
  onFeatureClick?: (f: MapFeature) => void;
  /** Accessible name of the whole map. */
  title: string;
  emptyText?: string;
  width?: number;
  height?: number;
  /**
   * Raster tiles under the shapes, an XYZ template such as `https://t.example/{z}/{x}/{y}.png`
   * (the server's MAP_TILE_URL; its origin is in the CSP's img-src). Without it nothing
   * external is loaded.
   */
  tileUrl?: string;
}

/** Light to dark; text sits on a white halo so it stays legible on every class. */
const PALETTE = ['#dbeafe', '#93c5fd', '#3b82f6', '#1e3a8a'];
/** Each class also has its own pattern, so colour is never the only signal. */
const PATTERNS = ['none', 'dots', 'lines', 'cross'] as const;
const NEUTRAL = '#c7d7f0';

function paletteIndex(i: number, n: number): number {
  return n <= 1 ? 1 : Math.round((i * (PALETTE.length - 1)) / (n - 1));
}

function PatternDef({ id, index }: { id: string; index: number }) {
  const fill = PALETTE[index]!;
  const ink = index >= 2 ? '#ffffff' : '#1f2937';
  const kind = PATTERNS[index]!;
  return (
    <pattern id={id} width="10" height="10" patternUnits="userSpaceOnUse">
      <rect width="10" height="10" fill={fill} />
      {kind === 'dots' && <circle cx="5" cy="5" r="1.4" fill={ink} />}
      {kind === 'lines' && <line x1="0" y1="10" x2="10" y2="0" stroke={ink} strokeWidth="1.4" />}
      {kind === 'cross' && (
        <>
          <line x1="0" y1="10" x2="10" y2="0" stroke={ink} strokeWidth="1.4" />
          <line x1="0" y1="0" x2="10" y2="10" stroke={ink} strokeWidth="1.4" />
        </>
      )}
    </pattern>
  );
}

let instances = 0;

/**
 * Grids (polygons) and buildings (points) drawn as SVG from GeoJSON geometry, fitted to
 * their bounds: labels, hover, click (or Enter) to drill down, optional colouring by value
 * with a legend that repeats the numbers and the patterns.
 */
export function GridMap({ features, values, valueLabel, onFeatureClick, title, emptyText, width = 800, height = 520, tileUrl }: GridMapProps) {
  const [uid] = useState(() => `gm${++instances}`);
  const [hover, setHover] = useState<string | null>(null);

  const project = useMemo(() => fitProjection(features.flatMap((f) => geometryPositions(f.geometry)), width, height, 32), [features, width, height]);
  const tiles = useMemo(() => (tileUrl && features.length > 0 ? tilesFor(project, width, height, tileUrl) : []), [project, width, height, tileUrl, features.length]);
  const hasValues = !!values && features.some((f) => values[f.id] !== undefined);
  const breaks = useMemo(() => (hasValues ? classBreaks(features.map((f) => values![f.id]).filter((v): v is number => v !== undefined)) : []), [features, values, hasValues]);
  const allInts = hasValues && features.every((f) => values![f.id] === undefined || Number.isInteger(values![f.id]));
  const minValue = hasValues ? Math.min(...features.map((f) => values![f.id]).filter((v): v is number => v !== undefined)) : 0;

  const classFor = (id: string) => {
    const v = values?.[id];
    if (!hasValues || v === undefined) return null;
    return paletteIndex(classOf(v, breaks), breaks.length);
  };
  const fillFor = (id: string) => {
    const c = classFor(id);
    return c === null ? NEUTRAL : `url(#${uid}-p${c})`;
  };

  const activate = (f: MapFeature) => onFeatureClick?.(f);
  const onKey = (e: KeyboardEvent, f: MapFeature) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(f);
    }
  };
  const describe = (f: MapFeature) => {
    const v = values?.[f.id];
    return v !== undefined && valueLabel ? `${f.name}：${valueLabel} ${v}` : f.name;
  };

  const hovered = features.find((f) => f.id === hover);
  const polygons = features.filter((f) => f.geometry.type !== 'Point');
  const points = features.filter((f) => f.geometry.type === 'Point');

  const ranges = breaks.map((b, i) => {
    const lo = i === 0 ? minValue : allInts ? breaks[i - 1]! + 1 : breaks[i - 1]!;
    if (lo >= b) return String(b);
    return allInts ? `${lo}–${b}` : `${i === 0 ? '' : '>'}${lo}–${b}`;
  });

  return (
    <div className="gm">
      <svg viewBox={`0 0 ${width} ${height}`} role="group" aria-label={title} data-testid="grid-map">
        <title>{title}</title>
        <defs>
          {PALETTE.map((_, i) => (
            <PatternDef key={i} id={`${uid}-p${i}`} index={i} />
          ))}
        </defs>
        {tiles.length > 0 && (
          <g aria-hidden="true" data-testid="grid-map-tiles">
            {tiles.map((tile) => (
              // Half a unit of overlap hides the hairline seams between neighbouring tiles.
              <image key={`${tile.z}/${tile.x}/${tile.y}/${tile.left}`} href={tile.url} x={tile.left} y={tile.top} width={tile.size + 0.5} height={tile.size + 0.5} preserveAspectRatio="none" />
            ))}
          </g>
        )}
        {features.length === 0 && (
          <text x={width / 2} y={height / 2} textAnchor="middle" className="gm-label">
            {emptyText}
          </text>
        )}
        <g>
          {polygons.map((f) => (
            <path
              key={f.id}
              d={polygonPath(f.geometry, project)}
              className={`gm-shape${hover === f.id ? ' is-hover' : ''}`}
              fill={fillFor(f.id)}
              fillOpacity={tiles.length > 0 ? 0.7 : undefined}
              fillRule="evenodd"
              data-feature-id={f.id}
              tabIndex={0}
              role="button"
              aria-label={describe(f)}
              onMouseEnter={() => setHover(f.id)}
              onMouseLeave={() => setHover((h) => (h === f.id ? null : h))}
              onFocus={() => setHover(f.id)}
              onBlur={() => setHover((h) => (h === f.id ? null : h))}
              onClick={() => activate(f)}
              onKeyDown={(e) => onKey(e, f)}
            >
              <title>{describe(f)}</title>
            </path>
          ))}
        </g>
        <g>
          {points.map((f) => {
            const [x, y] = project((f.geometry as { coordinates: [number, number] }).coordinates);
            const c = classFor(f.id);
            return (
              <circle
                key={f.id}
                cx={x}
                cy={y}
                r={hover === f.id ? 10 : 8}
                className={`gm-point${hover === f.id ? ' is-hover' : ''}`}
                fill={c === null ? '#1456c8' : PALETTE[c]}
                stroke={c !== null && c < 2 ? '#1f2937' : undefined}
                data-feature-id={f.id}
                tabIndex={0}
                role="button"
                aria-label={describe(f)}
                onMouseEnter={() => setHover(f.id)}
                onMouseLeave={() => setHover((h) => (h === f.id ? null : h))}
                onFocus={() => setHover(f.id)}
                onBlur={() => setHover((h) => (h === f.id ? null : h))}
                onClick={() => activate(f)}
                onKeyDown={(e) => onKey(e, f)}
              >
                <title>{describe(f)}</title>
              </circle>
            );
          })}
        </g>
        <g aria-hidden="true">
          {features.map((f) => {
            const [x, y] = labelPoint(f.geometry, project);
            const isPoint = f.geometry.type === 'Point';
            const v = values?.[f.id];
            return (
              <text key={f.id} x={x} y={isPoint ? y - 14 : y} textAnchor="middle" className="gm-label">
                <tspan x={x}>{f.name}</tspan>
                {v !== undefined && (
                  <tspan x={x} dy="1.2em" className="gm-label-value">
                    {valueLabel ? `${valueLabel} ${v}` : v}
                  </tspan>
                )}
              </text>
            );
          })}
        </g>
      </svg>
      {hovered && (
        <div className="gm-info" role="status" data-testid="grid-map-info">
          <div style={{ fontWeight: 600 }}>{hovered.name}</div>
          {hovered.kindLabel && <div>{hovered.kindLabel}</div>}
          {values?.[hovered.id] !== undefined && (
            <div>
              {valueLabel} {values[hovered.id]}
            </div>
          )}
        </div>
      )}
      {hasValues && breaks.length > 0 && (
        <div className="gm-legend" data-testid="grid-map-legend">
          <strong>{valueLabel}</strong>
          {breaks.map((_, i) => {
            const p = paletteIndex(i, breaks.length);
            return (
              <span key={i} className="gm-legend-item">
                <svg viewBox="0 0 28 18" aria-hidden="true">
                  <defs>
                    <PatternDef id={`${uid}-l${i}`} index={p} />
                  </defs>
                  <rect width="28" height="18" fill={`url(#${uid}-l${i})`} />
                </svg>
                <span>{ranges[i]}</span>
              </span>
            );
          })}
        </div>
      )}
    </div>
  );
}
