import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('never repeats and keeps order within one millisecond, as bulk inserts make them', () => {
    const at = Date.parse('2026-11-26T02:00:00Z');
    const ids = Array.from({ length: 300_000 }, () => newId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(ids.every((id) => /^[0-9a-hjkmnp-tv-z]{16}$/.test(id))).toBe(true);
  });

  it('orders ids by time first', () => {
    const a = newId(Date.parse('2026-11-26T02:00:00Z'));
    const b = newId(Date.parse('2026-11-26T02:00:00.001Z'));
    expect(b > a).toBe(true);
    expect(b.slice(0, 10) > a.slice(0, 10)).toBe(true);
  });
});
