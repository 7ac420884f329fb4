import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isMobile, normaliseMobile } from './phone.js';
import { zIdNumber, zMobile } from './zod.js';

describe('mainland mobile numbers', () => {
  it('normalises the ways people write them', () => {
    expect(normaliseMobile('13800138000')).toBe('13800138000');
    expect(normaliseMobile('+86 138-0013-8000')).toBe('13800138000');
    expect(normaliseMobile('0086 13800138000')).toBe('13800138000');
    expect(normaliseMobile('86 13800138000')).toBe('13800138000');
    expect(normaliseMobile('(138) 0013 8000')).toBe('13800138000');
    expect(normaliseMobile(' 199 1234 5678 ')).toBe('19912345678');
  });

  it('rejects what is not a mobile number', () => {
    expect(normaliseMobile('12800138000')).toBeNull(); // second digit must be 3-9
    expect(normaliseMobile('1380013800')).toBeNull(); // 10 digits
    expect(normaliseMobile('138001380001')).toBeNull(); // 12 digits
    expect(normaliseMobile('0573-87012345')).toBeNull(); // a landline
    expect(normaliseMobile('+85291234567')).toBeNull(); // Hong Kong
    expect(isMobile('abc')).toBe(false);
  });
});

describe('zod helpers', () => {
  const schema = z.object({ idNumber: zIdNumber(), phone: zMobile() });

  it('validates and normalises in one step', () => {
    const r = schema.safeParse({ idNumber: ' 33048119800101001x ', phone: '+86 138-0013-8000' });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ idNumber: '33048119800101001X', phone: '13800138000' });
    // a 15-digit number arrives upgraded
    expect(schema.parse({ idNumber: '330481800101002', phone: '13800138000' }).idNumber).toBe('330481198001010028');
  });

  it('reports which field is wrong, with a code', () => {
    const r = schema.safeParse({ idNumber: '330481198001010010', phone: '12800138000' });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => ({ path: i.path.join('.'), code: i.code, params: (i as { params?: unknown }).params }));
    expect(issues).toEqual([
      { path: 'idNumber', code: 'custom', params: { code: 'ID_NUMBER_INVALID' } },
      { path: 'phone', code: 'custom', params: { code: 'MOBILE_INVALID' } },
    ]);
  });
});
