import { describe, expect, it } from 'vitest';
import { addressKeyOf, addressPattern, looksLikeAddress, pinyinQuery, searchTermsOf } from './search.index.js';

/** LIKE with `\` as escape character, as both databases run it. */
function like(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

describe('name search terms', () => {
  it.each([
    ['张三', 'zhangsan', 'zs'],
    ['朱志强', 'zhuzhiqiang', 'zzq'],
    ['吕小龙', 'lvxiaolong', 'lxl'],
    ['欧阳娜娜', 'ouyangnana', 'oynn'],
    // Surnames are read as surnames.
    ['单田芳', 'shantianfang', 'stf'],
    ['曾小贤', 'zengxiaoxian', 'zxx'],
    ['阿卜杜·热合曼', 'abudureheman', 'abdrhm'],
  ])('%s → %s, %s', (name, full, initials) => {
    expect(searchTermsOf(name)).toEqual({ name_pinyin: full, name_initials: initials });
  });

  it('reads what people type for pinyin', () => {
    expect(pinyinQuery('ZS')).toBe('zs');
    expect(pinyinQuery("zhang'san")).toBe('zhangsan');
    expect(pinyinQuery('lü xiao')).toBe('lvxiao');
    expect(pinyinQuery('ｚｓ')).toBe('zs');
    expect(pinyinQuery('张三')).toBeNull();
    expect(pinyinQuery('3-2')).toBeNull();
  });
});

describe('address search', () => {
  it('keys a dwelling by estate, building, unit and room', () => {
    expect(addressKeyOf({ building: '1幢', unit: '1单元', dwelling: '101室' })).toBe('#1-1-101#');
    expect(addressKeyOf({ building: '文昌花园3幢', unit: '2单元', dwelling: '501室' })).toBe('文昌花园#3-2-501#');
    expect(addressKeyOf({ building: '东山路2号', unit: '1单元', dwelling: '201室' })).toBe('东山路#2-1-201#');
    expect(addressKeyOf({ building: 'Ａ座', unit: '1单元', dwelling: '1201室' })).toBe('#a-1-1201#');
    expect(addressKeyOf({ building: '8幢' })).toBe('#8#');
    expect(addressKeyOf({})).toBeNull();
  });

  const KEYS = {
    w3_2_501: '文昌花园#3-2-501#',
    w13_2_501: '文昌花园#13-2-501#',
    w3_2_1501: '文昌花园#3-2-1501#',
    w3_1_501: '文昌花园#3-1-501#',
    j3_2_501: '锦绣苑#3-2-501#',
    road: '东山路#2-1-201#',
  };
  const cases: [string, (keyof typeof KEYS)[]][] = [
    ['3幢2单元501室', ['w3_2_501', 'j3_2_501']],
    ['3幢2单元501', ['w3_2_501', 'j3_2_501']],
    ['3-2-501', ['w3_2_501', 'j3_2_501']],
    ['3－2－501', ['w3_2_501', 'j3_2_501']],
    ['3栋2单元501', ['w3_2_501', 'j3_2_501']],
    [' 3 幢 2 单元 501 室 ', ['w3_2_501', 'j3_2_501']],
    ['文昌花园3幢2单元501室', ['w3_2_501']],
    ['文昌3-2-501', ['w3_2_501']],
    ['13-2-501', ['w13_2_501']],
    ['3-2', ['w3_2_501', 'w3_2_1501', 'j3_2_501']],
    ['3幢', ['w3_2_501', 'w3_2_1501', 'w3_1_501', 'j3_2_501']],
    ['3幢501', ['w3_2_501', 'w3_1_501', 'j3_2_501']],
    ['2单元501室', ['w3_2_501', 'w13_2_501', 'j3_2_501']],
    ['501室', ['w3_2_501', 'w13_2_501', 'w3_1_501', 'j3_2_501']],
    ['东山路2号1单元201室', ['road']],
    ['东山路2号', ['road']],
    ['锦绣苑', ['j3_2_501']],
  ];
  it.each(cases)('%s', (typed, expected) => {
    const pattern = addressPattern(typed);
    expect(pattern).not.toBeNull();
    const matched = (Object.keys(KEYS) as (keyof typeof KEYS)[]).filter((k) => like(pattern!, KEYS[k]));
    expect(matched.sort()).toEqual([...expected].sort());
  });

  it('escapes LIKE wildcards and refuses what names no place', () => {
    expect(addressPattern('%_%')).toBeNull();
    expect(addressPattern('1-2-3-4')).toBeNull();
    // Estate text is matched literally: % and _ typed by someone are not wildcards.
    expect(like(addressPattern('文%花园3幢')!, '文昌花园#3-2-501#')).toBe(false);
    expect(like(addressPattern('文_花园3幢')!, '文昌花园#3-2-501#')).toBe(false);
    expect(like(addressPattern('文昌花园3幢')!, '文昌花园#3-2-501#')).toBe(true);
  });

  it('tells addresses from names', () => {
    for (const a of ['3-2-501', '501室', '文昌花园', '东山路', '3幢']) expect(looksLikeAddress(a)).toBe(true);
    for (const n of ['张三', '欧阳娜娜', '路明', '朱志强']) expect(looksLikeAddress(n)).toBe(false);
  });
});
