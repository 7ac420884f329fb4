/**
 * Raster tiles under GridMap's shapes: which Web Mercator (XYZ, "slippy map") tiles cover the
 * SVG viewport of a fitted projection, and where each one sits. Pure; tested in tiles.test.ts.
 */
import type { Projection } from './projection.js';

export interface Tile {
  z: number;
  x: number;
  y: number;
  url: string;
  /** Top-left corner and side in SVG units. */
  left: number;
  top: number;
  size: number;
}

/** Tile servers serve 256 px squares; OpenStreetMap-style servers stop at 19. */
export const TILE_PX = 256;
export const MAX_ZOOM = 19;
/** A fitted map never needs more; past this the viewport is mostly outside the world. */
const MAX_TILES = 64;
const TAU = 2 * Math.PI;

/** `https://t.example/{z}/{x}/{y}.png` → a URL; any `{s}` becomes a subdomain chosen by the tile. */
export function tileUrlOf(template: string, z: number, x: number, y: number): string {
  return template
    .replace(/\{z\}/g, String(z))
    .replace(/\{x\}/g, String(x))
    .replace(/\{y\}/g, String(y))
    .replace(/\{s\}/g, 'abc'[(x + y) % 3]!);
}

/**
 * The zoom at which one tile is about `TILE_PX` SVG units wide, given the projection's scale
 * (SVG units per Web Mercator radian): the world is 2π radians and 2^z tiles wide.
 */
export function zoomFor(scale: number): number {
  const z = Math.round(Math.log2((scale * TAU) / TILE_PX));
  return Math.max(0, Math.min(MAX_ZOOM, Number.isFinite(z) ? z : 0));
}

/**
 * The tiles that cover a `width`×`height` viewport of `project`. The projection's offset is
 * read from where it puts lon/lat (0, 0), the Mercator origin, so any fitted projection works.
 * Columns wrap around the antimeridian; rows outside the world are left out.
 */
export function tilesFor(project: Projection, width: number, height: number, template: string): Tile[] {
  if (!template || !(project.scale > 0)) return [];
  const [ox, oy] = project([0, 0]);
  const z = zoomFor(project.scale);
  const n = 2 ** z;
  const size = (project.scale * TAU) / n;
  // SVG x of tile column tx's west edge, SVG y of tile row ty's north edge.
  const left = (tx: number) => ox + (-Math.PI + tx * (TAU / n)) * project.scale;
  const top = (ty: number) => oy - (Math.PI - ty * (TAU / n)) * project.scale;
  const x0 = Math.floor((0 - left(0)) / size);
  const x1 = Math.floor((width - left(0)) / size);
  const y0 = Math.max(0, Math.floor((0 - top(0)) / size));
  const y1 = Math.min(n - 1, Math.floor((height - top(0)) / size));
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES || y1 < y0) return [];
  const tiles: Tile[] = [];
  for (let ty = y0; ty <= y1; ty++) {
    for (let tx = x0; tx <= x1; tx++) {
      const wrapped = ((tx % n) + n) % n;
      tiles.push({ z, x: wrapped, y: ty, url: tileUrlOf(template, z, wrapped, ty), left: left(tx), top: top(ty), size });
    }
  }
  return tiles;
}
