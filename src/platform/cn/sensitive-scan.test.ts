import { describe, expect, it } from 'vitest';
import { composeIdNumber } from './id-number.js';
import { findSensitive, maskSensitive } from './sensitive-scan.js';

describe('finding personal numbers in public text', () => {
  const id = composeIdNumber('330481', '1949-12-31', 2);
  it('finds valid ID numbers, mobiles and bank cards, also with spaces, and masks them', () => {
    const text = `低保户王秀英 身份证${id} 电话138 1234 5678，账户 6222 0212 3456 7890 128。`;
    const found = findSensitive(text);
    expect(found.map((f) => f.kind)).toEqual(['id_number', 'mobile', 'bank_card']);
    const masked = maskSensitive(text);
    expect(masked).toContain(`330481********${id.slice(-4)}`);
    expect(masked).toContain('138****5678');
    expect(masked).toContain('6222***********0128');
    expect(findSensitive(masked)).toEqual([]);
  });
  it('leaves alone what is not a personal number', () => {
    // A wrong check digit, an order number, an amount, a date, a masked number.
    const wrong = id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');
    const text = `${wrong} 工单号 20261126000123 金额 1234567.89 元 2026-11-26 330481********1234 138****5678`;
    expect(findSensitive(text)).toEqual([]);
  });
});
