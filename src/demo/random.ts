/**
 * A small seeded PRNG (mulberry32) and the draws the generators need. Same seed, same
 * community: names, numbers and layout repeat exactly from one `npm start` to the next.
 */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from text (FNV-1a), so each module's demo seed gets its own stable stream. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Integer in [min, max]. */
export function intBetween(rnd: Random, min: number, max: number): number {
  return min + Math.floor(rnd() * (max - min + 1));
}

export function chance(rnd: Random, p: number): boolean {
  return rnd() < p;
}

export function pick<T>(rnd: Random, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

/** A sampler over weighted items, built once (binary search over the cumulative weights). */
export function weighted<T>(entries: readonly (readonly [T, number])[]): (rnd: Random) => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (const [, w] of entries) cumulative.push((sum += w));
  return (rnd) => {
    const x = rnd() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo][0];
  };
}
