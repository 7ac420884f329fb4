import { describe, expect, it } from 'vitest';
import { formatDateLong, formatDateShort, formatDateTime, formatDateTimeLong } from './dates.js';

describe('web date formatting', () => {
  it('writes dates as Chinese users do, long in prose and short in tables', () => {
    expect(formatDateLong('2026-11-26', 'zh-CN')).toBe('2026年11月26日');
    expect(formatDateLong('2026-01-05', 'zh-CN')).toBe('2026年1月5日');
    expect(formatDateLong('2026-11-26', 'en')).toBe('26 Nov 2026');
    expect(formatDateShort('2026-11-26')).toBe('2026-11-26');
  });

  it('uses Beijing time for instants, whatever the browser zone', () => {
    // 17:30 UTC on the 25th is already the 26th in Beijing.
    expect(formatDateShort('2026-11-25T17:30:00Z')).toBe('2026-11-26');
    expect(formatDateLong('2026-11-25T17:30:00Z', 'zh-CN')).toBe('2026年11月26日');
    expect(formatDateTime('2026-11-25T17:30:00Z')).toBe('2026-11-26 01:30');
    expect(formatDateTimeLong('2026-11-25T17:30:00Z', 'zh-CN')).toBe('2026年11月26日 01:30');
    expect(formatDateTimeLong('2026-11-25T17:30:00Z', 'en')).toBe('26 Nov 2026 01:30');
  });

  it('returns an empty string for missing or invalid dates', () => {
    expect(formatDateShort(null)).toBe('');
    expect(formatDateLong(undefined)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
    expect(formatDateTimeLong(null)).toBe('');
  });
});
