/**
 * Lon/lat → SVG x/y with a Web Mercator projection fitted to the features' bounds, so
 * shapes keep their proportions at any latitude (a plain lon/lat plot stretches east–west).
 * Pure functions, tested in projection.test.ts.
 */
import type { Geometry, Position } from '../../shared/types.js';

export interface Projection {
  (p: Position): [number, number];
  scale: number;
}

const RAD = Math.PI / 180;
const MAX_LAT = 85.05112878;

/** Web Mercator in radians-units: x east, y north. */
export function mercator([lon, lat]: Position): [number, number] {
  const φ = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
  return [lon * RAD, Math.log(Math.tan(Math.PI / 4 + φ / 2))];
}

export function geometryPositions(g: Geometry | null | undefined): Position[] {
  if (!g) return [];
  if (g.type === 'Point') return [g.coordinates];
  if (g.type === 'Polygon') return g.coordinates.flat();
  return g.coordinates.flat(2);
}

/**
 * A projection that fits all `positions` into `width`×`height` minus `padding`, centred,
 * north up. A single point (or none) lands in the middle.
 */
export function fitProjection(positions: Position[], width: number, height: number, padding = 24): Projection {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    const [x, y] = mercator(p);
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!Number.isFinite(minX)) {
    const project = (() => [width / 2, height / 2]) as unknown as Projection;
    project.scale = 1;
    return project;
  }
  const dx = maxX - minX;
  const dy = maxY - minY;
  const innerW = Math.max(1, width - 2 * padding);
  const innerH = Math.max(1, height - 2 * padding);
  // One scale for both axes keeps shapes true; a lone point gets a street-level zoom.
  const scale = dx === 0 && dy === 0 ? 1e6 : Math.min(dx > 0 ? innerW / dx : Infinity, dy > 0 ? innerH / dy : Infinity);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const project = ((p: Position) => {
    const [x, y] = mercator(p);
    return [width / 2 + (x - cx) * scale, height / 2 - (y - cy) * scale];
  }) as Projection;
  project.scale = scale;
  return project;
}

/** An SVG path for a (multi)polygon; rings are closed, holes follow the even-odd rule. */
export function polygonPath(g: Geometry, project: Projection): string {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  const parts: string[] = [];
  for (const rings of polygons) {
    for (const ring of rings) {
      if (ring.length === 0) continue;
      parts.push(ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(project(p))}`).join('') + 'Z');
    }
  }
  return parts.join('');
}

function round([x, y]: [number, number]): string {
  return `${x.toFixed(1)},${y.toFixed(1)}`;
}

/** Where to put a label: the area centroid of the largest outer ring (screen space). */
export function labelPoint(g: Geometry, project: Projection): [number, number] {
  if (g.type === 'Point') return project(g.coordinates);
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best: [number, number] = [0, 0];
  let bestArea = -1;
  for (const rings of polygons) {
    const ring = (rings[0] ?? []).map(project);
    if (ring.length === 0) continue;
    let a = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = ring[i]!;
      const [x1, y1] = ring[(i + 1) % ring.length]!;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      x += (x0 + x1) * cross;
      y += (y0 + y1) * cross;
    }
    const area = Math.abs(a / 2);
    const c: [number, number] =
      a === 0 ? [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length] : [x / (3 * a), y / (3 * a)];
    if (area > bestArea) {
      bestArea = area;
      best = c;
    }
  }
  return best;
}

/**
 * Class breaks for colouring by value: up to `k` equal-width integer-friendly classes.
 * Returns the upper bound of each class (the last is the maximum).
 */
export function classBreaks(values: number[], k = 4): number[] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min === max) return [max];
  const allInts = finite.every((v) => Number.isInteger(v));
  const classes = allInts ? Math.min(k, max - min + 1) : k;
  const step = (max - min) / classes;
  const breaks: number[] = [];
  for (let i = 1; i <= classes; i++) {
    const b = i === classes ? max : min + step * i;
    breaks.push(allInts ? Math.floor(b) : Number(b.toPrecision(3)));
  }
  return [...new Set(breaks)];
}

export function classOf(value: number, breaks: number[]): number {
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i]!) return i;
  return breaks.length - 1;
}
