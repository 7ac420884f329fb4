import { describe, expect, it } from 'vitest';
import type { Position } from '../../shared/types.js';
import { fitProjection } from './projection.js';
import { MAX_ZOOM, TILE_PX, tilesFor, tileUrlOf, zoomFor } from './tiles.js';

/** The textbook slippy-map formula (OpenStreetMap wiki), independent of the code under test. */
function osmTile([lon, lat]: Position, z: number): [number, number] {
  const n = 2 ** z;
  const φ = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(φ) + 1 / Math.cos(φ)) / Math.PI) / 2) * n)];
}

/** 西山社区's box, about 2 km square. */
const XISHAN: Position[] = [
  [120.6776, 30.503],
  [120.6984, 30.521],
];
const TEMPLATE = 'https://tiles.example/{z}/{x}/{y}.png';

describe('GridMap raster tiles', () => {
  it('fills the URL template', () => {
    expect(tileUrlOf(TEMPLATE, 15, 27363, 13475)).toBe('https://tiles.example/15/27363/13475.png');
    expect(tileUrlOf('https://{s}.t.example/{z}/{x}/{y}.png?x={x}', 1, 1, 0)).toBe('https://b.t.example/1/1/0.png?x=1');
  });

  it('picks the zoom at which a tile is about 256 SVG units wide, within 0–19', () => {
    // A world 256 units wide is zoom 0; twice the scale is one zoom more.
    const s0 = TILE_PX / (2 * Math.PI);
    expect(zoomFor(s0)).toBe(0);
    expect(zoomFor(s0 * 2)).toBe(1);
    expect(zoomFor(s0 * 2 ** 14)).toBe(14);
    expect(zoomFor(s0 / 8)).toBe(0);
    expect(zoomFor(1e12)).toBe(MAX_ZOOM);
  });

  it('covers the viewport with the tiles the standard formula names, placed where the shapes are', () => {
    const project = fitProjection(XISHAN, 800, 520, 32);
    const tiles = tilesFor(project, 800, 520, TEMPLATE);
    const z = zoomFor(project.scale);
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((t) => t.z === z)).toBe(true);
    // Every tile is about 256 units (between 181 and 362 after rounding the zoom).
    expect(tiles[0]!.size).toBeGreaterThan(TILE_PX / Math.SQRT2 - 1e-9);
    expect(tiles[0]!.size).toBeLessThan(TILE_PX * Math.SQRT2 + 1e-9);
    for (const p of [XISHAN[0]!, XISHAN[1]!, [120.688, 30.512] as Position]) {
      const [tx, ty] = osmTile(p, z);
      const tile = tiles.find((t) => t.x === tx && t.y === ty);
      expect(tile, `tile ${z}/${tx}/${ty}`).toBeDefined();
      // The projected point falls inside the tile the formula names.
      const [sx, sy] = project(p);
      expect(sx).toBeGreaterThanOrEqual(tile!.left);
      expect(sx).toBeLessThan(tile!.left + tile!.size);
      expect(sy).toBeGreaterThanOrEqual(tile!.top);
      expect(sy).toBeLessThan(tile!.top + tile!.size);
      expect(tile!.url).toBe(`https://tiles.example/${z}/${tx}/${ty}.png`);
    }
    // Together they cover the whole viewport, with no tile wholly outside it.
    const minLeft = Math.min(...tiles.map((t) => t.left));
    const minTop = Math.min(...tiles.map((t) => t.top));
    const maxRight = Math.max(...tiles.map((t) => t.left + t.size));
    const maxBottom = Math.max(...tiles.map((t) => t.top + t.size));
    expect(minLeft).toBeLessThanOrEqual(0);
    expect(minTop).toBeLessThanOrEqual(0);
    expect(maxRight).toBeGreaterThanOrEqual(800);
    expect(maxBottom).toBeGreaterThanOrEqual(520);
    for (const t of tiles) {
      expect(t.left).toBeLessThan(800);
      expect(t.top).toBeLessThan(520);
      expect(t.left + t.size).toBeGreaterThan(0);
      expect(t.top + t.size).toBeGreaterThan(0);
    }
    // Neighbours share edges: no gaps between columns.
    const lefts = [...new Set(tiles.map((t) => t.left))].sort((a, b) => a - b);
    for (let i = 1; i < lefts.length; i++) expect(lefts[i]! - lefts[i - 1]!).toBeCloseTo(tiles[0]!.size, 6);
  });

  it('wraps columns across the antimeridian and drops rows beyond the poles', () => {
    const project = fitProjection(
      [
        [179.9, -0.1],
        [-179.9, 0.1],
      ].map(([lon, lat]) => [lon! < 0 ? lon! + 360 : lon!, lat!] as Position),
      800,
      520,
    );
    const tiles = tilesFor(project, 800, 520, TEMPLATE);
    const n = 2 ** tiles[0]!.z;
    expect(tiles.some((t) => t.x === 0)).toBe(true);
    expect(tiles.some((t) => t.x === n - 1)).toBe(true);
    expect(tiles.every((t) => t.x >= 0 && t.x < n && t.y >= 0 && t.y < n)).toBe(true);
  });

  it('loads nothing without a template, and never an unbounded number of tiles', () => {
    const project = fitProjection(XISHAN, 800, 520);
    expect(tilesFor(project, 800, 520, '')).toEqual([]);
    // The whole world squeezed into 40 units is zoom 0: one tile, not dozens of repeats.
    const world = fitProjection(
      [
        [-180, -85],
        [180, 85],
      ],
      800,
      520,
    );
    expect(tilesFor(world, 800, 520, TEMPLATE).length).toBeLessThanOrEqual(64);
  });
});
