import type { KeyboardEvent, MouseEvent } from 'react';
import type { PublicArea } from '../../shared/events.js';

/**
 * Community and grid outlines as SVG for the resident pages: the Web Mercator fit of the
 * console's components/projection.ts, copied small (the resident bundle loads no console code),
 * plus the inverse so a tap on the map becomes a point the server locates to its grid.
 */

type Pos = [number, number]; // [lng, lat], as GeoJSON writes it
type XY = [number, number];

const RAD = Math.PI / 180;
const merc = ([lng, lat]: Pos): XY => [lng * RAD, Math.log(Math.tan(Math.PI / 4 + (lat * RAD) / 2))];
const unmerc = ([x, y]: XY): Pos => [x / RAD, (2 * Math.atan(Math.exp(y)) - Math.PI / 2) / RAD];

export interface Fit {
  project: (p: Pos) => XY;
  invert: (xy: XY) => Pos;
}

/** Fits the positions into w×h minus the padding, north up, one scale for both axes. */
export function fitTo(positions: Pos[], w: number, h: number, pad = 16): Fit | null {
  if (positions.length === 0) return null;
  const xy = positions.map(merc);
  const xs = xy.map((p) => p[0]);
  const ys = xy.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const dx = maxX - minX;
  const dy = maxY - minY;
  // A lone point gets a street-level zoom.
  const scale = dx === 0 && dy === 0 ? 1e6 : Math.min(dx > 0 ? (w - 2 * pad) / dx : Infinity, dy > 0 ? (h - 2 * pad) / dy : Infinity);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return {
    project: (p) => {
      const [x, y] = merc(p);
      return [w / 2 + (x - cx) * scale, h / 2 - (y - cy) * scale];
    },
    invert: ([sx, sy]) => unmerc([cx + (sx - w / 2) / scale, cy - (sy - h / 2) / scale]),
  };
}

function polygonsOf(a: PublicArea): Pos[][][] {
  if (!a.geometry) return []; // a community drawn only through its grids
  return (a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates) as Pos[][][];
}

export function areaPositions(areas: PublicArea[]): Pos[] {
  return areas.flatMap((a) => polygonsOf(a).flatMap((rings) => rings[0] ?? []));
}

function pathOf(a: PublicArea, fit: Fit): string {
  return polygonsOf(a)
    .flatMap((rings) => rings.filter((r) => r.length).map((r) => r.map((p, i) => `${i ? 'L' : 'M'}${fit.project(p).map((v) => v.toFixed(1)).join(',')}`).join('') + 'Z'))
    .join('');
}

/** The area centroid of the largest outer ring, in screen space: where the label (and a keyboard pick) goes. */
function centreOf(a: PublicArea, fit: Fit): XY {
  let best: XY = [0, 0];
  let bestArea = -1;
  for (const rings of polygonsOf(a)) {
    const ring = (rings[0] ?? []).map(fit.project);
    if (!ring.length) continue;
    let s = 0;
    let x = 0;
    let y = 0;
    ring.forEach(([x0, y0], i) => {
      const [x1, y1] = ring[(i + 1) % ring.length]!;
      const c = x0 * y1 - x1 * y0;
      s += c;
      x += (x0 + x1) * c;
      y += (y0 + y1) * c;
    });
    const c: XY = s === 0 ? ring[0]! : [x / (3 * s), y / (3 * s)];
    if (Math.abs(s) > bestArea) {
      bestArea = Math.abs(s);
      best = c;
    }
  }
  return best;
}

export const shortName = (name: string) => name.replace(/^.*社区(?=.)/, '');

export interface Pick {
  gridId: string;
  gridName: string;
  lat: number;
  lng: number;
}

/**
 * The outlines, under whatever the caller draws on top: communities as a heavy line, grids
 * light with a dashed edge and their short names. With `onPick`, each grid is a button: a tap
 * picks that spot, Enter or Space the grid's centre.
 */
export function AreaShapes({ areas, fit, selectedId, onPick }: { areas: PublicArea[]; fit: Fit; selectedId?: string | null; onPick?: (p: Pick) => void }) {
  const grids = areas.filter((a) => a.kind === 'grid' && a.geometry);
  const communities = areas.filter((a) => a.kind === 'community' && a.geometry);
  const pickAt = (a: PublicArea, xy: XY) => {
    const [lng, lat] = fit.invert(xy);
    onPick?.({ gridId: a.id, gridName: a.name, lat: Number(lat.toFixed(6)), lng: Number(lng.toFixed(6)) });
  };
  const onClick = (a: PublicArea) => (e: MouseEvent<SVGPathElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    const ctm = svg?.getScreenCTM();
    if (!ctm) return pickAt(a, centreOf(a, fit));
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    pickAt(a, [p.x, p.y]);
  };
  const onKey = (a: PublicArea) => (e: KeyboardEvent<SVGPathElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    pickAt(a, centreOf(a, fit));
  };
  return (
    <g data-testid="map-areas">
      {grids.map((a) => {
        const selected = a.id === selectedId;
        return (
          <path
            key={a.id}
            d={pathOf(a, fit)}
            fillRule="evenodd"
            fill={selected ? '#cfe3ff' : '#eef3fa'}
            stroke={selected ? '#0b57d0' : '#8a94a6'}
            strokeWidth={selected ? 3 : 1}
            strokeDasharray={selected ? undefined : '4 3'}
            data-testid="map-area"
            data-area-id={a.id}
            data-kind="grid"
            {...(onPick
              ? { role: 'button', tabIndex: 0, 'aria-label': a.name, 'aria-pressed': selected, onClick: onClick(a), onKeyDown: onKey(a), style: { cursor: 'pointer' } }
              : {})}
          />
        );
      })}
      {communities.map((a) => (
        <path key={a.id} d={pathOf(a, fit)} fill="none" stroke="#3d4a5c" strokeWidth={2} pointerEvents="none" data-testid="map-area" data-area-id={a.id} data-kind="community" />
      ))}
      {grids.map((a) => {
        const [x, y] = centreOf(a, fit);
        return (
          <text key={a.id} x={x} y={y} textAnchor="middle" className="rev-map-label" pointerEvents="none" fontWeight={a.id === selectedId ? 700 : 400}>
            {a.id === selectedId ? '✓ ' : ''}
            {shortName(a.name)}
          </text>
        );
      })}
    </g>
  );
}
