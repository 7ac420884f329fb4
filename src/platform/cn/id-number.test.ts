import { describe, expect, it } from 'vitest';
import { composeIdNumber, idBirthDate, idCheckChar, idGender, isValidIdNumber, normaliseIdNumber, parseIdNumber, upgradeIdNumber15 } from './id-number.js';

/*
 * Expected check characters are worked out by hand here, not by the code under test.
 * Weights for digits 1..17: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = "10X98765432"[sum mod 11].
 *
 * 11010519491231002X (the example printed in GB 11643-1999):
 *   1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2
 *   = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
 * 440524188001010014 (also from the standard):
 *   28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → '4'
 * 33048119800101001X (Haining, 1980-01-01, sequence 001):
 *   21+27+0+20+64+4+2+9+48+0+0+9+0+5+0+0+2 = 211; 211 mod 11 = 2 → 'X'
 * 330481198001010028 (same, sequence 002): the last weighted term is 2·2=4, sum 213; 213 mod 11 = 4 → '8'
 * 810000199006150037 (Hong Kong residence permit, 1990-06-15, sequence 003):
 *   56+9+0+0+0+0+2+9+54+0+0+54+10+25+0+0+6 = 225; 225 mod 11 = 5 → '7'
 */
const TODAY = new Date('2026-11-26T00:00:00Z');

describe('GB 11643 resident ID numbers', () => {
  it('computes the MOD 11-2 check character', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(idCheckChar('33048119800101001')).toBe('X');
    expect(idCheckChar('33048119800101002')).toBe('8');
    expect(idCheckChar('81000019900615003')).toBe('7');
  });

  it('accepts valid numbers and derives birth date and gender', () => {
    expect(parseIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      info: { number: '11010519491231002X', region: '110105', birthDate: '1949-12-31', gender: '女' },
    });
    expect(parseIdNumber('440524188001010014', TODAY)).toEqual({
      ok: true,
      info: { number: '440524188001010014', region: '440524', birthDate: '1880-01-01', gender: '男' },
    });
    expect(parseIdNumber('330481198001010028', TODAY)).toMatchObject({ ok: true, info: { gender: '女', birthDate: '1980-01-01' } });
    expect(parseIdNumber('810000199006150037', TODAY)).toMatchObject({ ok: true, info: { region: '810000', gender: '男' } });
  });

  it('normalises spacing and a lower-case x', () => {
    expect(normaliseIdNumber(' 330481 19800101 001x ', TODAY)).toBe('33048119800101001X');
  });

  it('rejects a wrong check character', () => {
    expect(parseIdNumber('330481198001010010', TODAY)).toEqual({ ok: false, problem: 'check_digit' });
    expect(parseIdNumber('11010519491231002', TODAY)).toEqual({ ok: false, problem: 'format' });
    expect(isValidIdNumber('110105194912310021', TODAY)).toBe(false);
  });

  it('rejects impossible birth dates and future births', () => {
    // 1980-02-30 does not exist; the check character is irrelevant because the date fails first.
    expect(parseIdNumber('330481198002300011', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber('330481209912310011', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber('330481184912310011', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('rejects unknown regions', () => {
    expect(parseIdNumber('990481198001010011', TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(parseIdNumber('330000198001010011', TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(parseIdNumber('000000198001010011', TODAY)).toEqual({ ok: false, problem: 'region' });
  });

  it('upgrades first-generation 15-digit numbers', () => {
    // 330481 800101 001 → 330481 19 800101 001 + 'X' (sum 211, see above)
    expect(upgradeIdNumber15('330481800101001')).toBe('33048119800101001X');
    // … 002 → '8' (sum 213)
    expect(upgradeIdNumber15('330481800101002')).toBe('330481198001010028');
    expect(normaliseIdNumber('330481800101001', TODAY)).toBe('33048119800101001X');
    expect(idGender('330481800101001')).toBe('男');
    expect(idGender('330481800101002')).toBe('女');
    expect(idBirthDate('330481800101002')).toBe('1980-01-01');
  });

  it('composes numbers whose check character matches the hand computation', () => {
    expect(composeIdNumber('330481', '1980-01-01', 1)).toBe('33048119800101001X');
    expect(composeIdNumber('810000', '1990-06-15', 3)).toBe('810000199006150037');
    expect(idGender('33048119800101001X')).toBe('男');
    expect(idBirthDate('11010519491231002X')).toBe('1949-12-31');
  });
});
