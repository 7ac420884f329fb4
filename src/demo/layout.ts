import type { Random } from './random.js';

/** GeoJSON (RFC 7946): longitude first; exterior rings counter-clockwise. */
export type Position = [number, number];
export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface Point {
  type: 'Point';
  coordinates: Position;
}

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

const KM_PER_DEG_LAT = 110.95;

/** A box `widthKm` × `heightKm` centred on a point (good enough at a city's scale). */
export function boundsAround(lon: number, lat: number, widthKm: number, heightKm: number): Bounds {
  const dLon = widthKm / 2 / (111.32 * Math.cos((lat * Math.PI) / 180));
  const dLat = heightKm / 2 / KM_PER_DEG_LAT;
  return { west: lon - dLon, south: lat - dLat, east: lon + dLon, north: lat + dLat };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The corners of a cols × rows lattice over `bounds`, inner corners nudged so grid boundaries
 * look drawn rather than ruled. Neighbouring cells share their corners, so the cells still
 * tile the area exactly, without gaps or overlaps. `corners[i][j]`: i west→east, j south→north.
 */
export class Lattice {
  readonly corners: Position[][];

  constructor(
    rnd: Random,
    readonly bounds: Bounds,
    readonly cols: number,
    readonly rows: number,
    jitter = 0.15,
  ) {
    const w = (bounds.east - bounds.west) / cols;
    const h = (bounds.north - bounds.south) / rows;
    this.corners = [];
    for (let i = 0; i <= cols; i++) {
      const column: Position[] = [];
      for (let j = 0; j <= rows; j++) {
        const inner = i > 0 && i < cols && j > 0 && j < rows;
        const dx = inner ? (rnd() * 2 - 1) * jitter * w : 0;
        const dy = inner ? (rnd() * 2 - 1) * jitter * h : 0;
        column.push([round6(bounds.west + i * w + dx), round6(bounds.south + j * h + dy)]);
      }
      this.corners.push(column);
    }
  }

  /** Cell `index` counted row by row from the north-west corner (第一网格 is the north-west one). */
  cellOf(index: number): [number, number] {
    return [index % this.cols, this.rows - 1 - Math.floor(index / this.cols)];
  }

  cellPolygon(index: number): Polygon {
    const [i, j] = this.cellOf(index);
    const c = this.corners;
    return { type: 'Polygon', coordinates: [[c[i][j], c[i + 1][j], c[i + 1][j + 1], c[i][j + 1], c[i][j]]] };
  }

  /** The outer boundary (the community's polygon). */
  outline(): Polygon {
    const c = this.corners;
    const ring: Position[] = [];
    for (let i = 0; i <= this.cols; i++) ring.push(c[i][0]);
    for (let j = 1; j <= this.rows; j++) ring.push(c[this.cols][j]);
    for (let i = this.cols - 1; i >= 0; i--) ring.push(c[i][this.rows]);
    for (let j = this.rows - 1; j >= 0; j--) ring.push(c[0][j]);
    return { type: 'Polygon', coordinates: [ring] };
  }

  /**
   * A point inside cell `index`: bilinear in its four corners with a margin, so it stays
   * inside the (convex) cell.
   */
  pointIn(rnd: Random, index: number, margin = 0.08): Point {
    const [i, j] = this.cellOf(index);
    const c = this.corners;
    const u = margin + rnd() * (1 - 2 * margin);
    const v = margin + rnd() * (1 - 2 * margin);
    const [sw, se, ne, nw] = [c[i][j], c[i + 1][j], c[i + 1][j + 1], c[i][j + 1]];
    const lon = (1 - u) * (1 - v) * sw[0] + u * (1 - v) * se[0] + u * v * ne[0] + (1 - u) * v * nw[0];
    const lat = (1 - u) * (1 - v) * sw[1] + u * (1 - v) * se[1] + u * v * ne[1] + (1 - u) * v * nw[1];
    return { type: 'Point', coordinates: [round6(lon), round6(lat)] };
  }
}

/** Ray casting: whether a point lies inside a simple polygon's exterior ring. */
export function pointInPolygon([x, y]: Position, polygon: Polygon): boolean {
  const ring = polygon.coordinates[0];
  let inside = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a];
    const [xb, yb] = ring[b];
    if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}
