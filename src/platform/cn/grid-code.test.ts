import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { assertGridCode, composeGridCode, gridCodeProblem, isGridCode, parseGridCode } from './grid-code.js';

// 西山社区 of 硖石街道, 海宁市: 330481 + 001 + 003.
const XISHAN = '330481001003';

describe('CJ/T 349 grid codes', () => {
  it('splits a 20-digit code into object, region, street, community and grid sequence', () => {
    const r = parseGridCode('110100' + XISHAN + '07');
    expect(r).toEqual({ ok: true, parts: { objectCode: '110100', region: '330481', street: '001', community: '003', sequence: '07' } });
  });

  it('composes the code of a grid from its community', () => {
    expect(composeGridCode('110100', XISHAN, 12)).toBe('11010033048100100312');
    expect(composeGridCode('110100', XISHAN, 0)).toBe('11010033048100100300');
    expect(() => composeGridCode('1101', XISHAN, 1)).toThrow();
    expect(() => composeGridCode('110100', '330481001', 1)).toThrow();
    expect(() => composeGridCode('110100', XISHAN, 100)).toThrow();
  });

  it('accepts 00 as the sequence of a community that is not subdivided', () => {
    expect(isGridCode('110100' + XISHAN + '00')).toBe(true);
  });

  it('names what is wrong', () => {
    expect(gridCodeProblem('1101003304810010030')).toBe('format'); // 19 digits
    expect(gridCodeProblem('110100' + XISHAN + '0A')).toBe('format');
    expect(gridCodeProblem('000100' + XISHAN + '01')).toBe('object_code');
    expect(gridCodeProblem('110100' + '330000001003' + '01')).toBe('region'); // a province, not a county
    expect(gridCodeProblem('110100' + '990481001003' + '01')).toBe('region'); // no such province
    expect(gridCodeProblem('110100' + '810000001003' + '01')).toBe('region');
    expect(gridCodeProblem('110100' + '330481000003' + '01')).toBe('street');
    expect(gridCodeProblem('110100' + '330481001000' + '01')).toBe('community');
  });

  it('checks that the code carries the code of its community', () => {
    expect(gridCodeProblem('110100' + XISHAN + '01', { communityCode: XISHAN })).toBeNull();
    expect(gridCodeProblem('110100' + '330481001004' + '01', { communityCode: XISHAN })).toBe('community_mismatch');
    // A community without a 12-digit code cannot be compared; the structure still is.
    expect(gridCodeProblem('110100' + XISHAN + '01', { communityCode: null })).toBeNull();
  });

  it('throws a 400 GRID_CODE_INVALID naming the problem', () => {
    expect(() => assertGridCode('110100' + XISHAN + '01', { communityCode: XISHAN })).not.toThrow();
    try {
      assertGridCode('12345');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect((e as AppError).code).toBe('GRID_CODE_INVALID');
      expect((e as AppError).params).toEqual({ problem: 'format' });
    }
  });
});
