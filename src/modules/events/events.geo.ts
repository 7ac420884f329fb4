/**
 * Point in GeoJSON polygon (RFC 7946: [lng, lat], first ring the boundary, the rest holes), for
 * locating a reported point to its grid. Planar ray casting is exact enough at a grid's size.
 */
type Ring = [number, number][];
export type Geometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] } | { type: string; coordinates?: unknown };

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

function inRing(lng: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lng: number, lat: number, rings: Ring[]): boolean {
  if (!rings.length || !inRing(lng, lat, rings[0]!)) return false;
  for (let h = 1; h < rings.length; h++) if (inRing(lng, lat, rings[h]!)) return false;
  return true;
}

function polygonsOf(g: Geometry): Ring[][] {
  if (g.type === 'Polygon' && Array.isArray(g.coordinates)) return [g.coordinates as Ring[]];
  if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) return g.coordinates as Ring[][];
  return [];
}

export function containsPoint(g: Geometry, lat: number, lng: number): boolean {
  return polygonsOf(g).some((rings) => inPolygon(lng, lat, rings));
}

/** Bounding box of a polygon's outer rings; null for anything that is not a polygon. */
export function boxOf(g: Geometry): Box | null {
  let box: Box | null = null;
  for (const rings of polygonsOf(g)) {
    for (const [x, y] of rings[0] ?? []) {
      if (!box) box = { west: x, south: y, east: x, north: y };
      else {
        box.west = Math.min(box.west, x);
        box.east = Math.max(box.east, x);
        box.south = Math.min(box.south, y);
        box.north = Math.max(box.north, y);
      }
    }
  }
  return box;
}

export function inBox(b: Box, lat: number, lng: number): boolean {
  return lng >= b.west && lng <= b.east && lat >= b.south && lat <= b.north;
}

/** About 100 m: three decimals of a degree (111 m of latitude, ~95 m of longitude at 30°N). */
export function coarse(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

/** Centre of a polygon's bounding box (a place to draw an event that only has an address). */
export function centreOf(g: Geometry): { lat: number; lng: number } | null {
  const b = boxOf(g);
  return b ? { lat: (b.south + b.north) / 2, lng: (b.west + b.east) / 2 } : null;
}
