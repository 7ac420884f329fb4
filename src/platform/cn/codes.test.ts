import { describe, expect, it } from 'vitest';
import { CODE_LISTS, EDUCATION, ETHNICITY, HEAD_RELATIONS, MARITAL_STATUS, POLITICAL_STATUS, RELATION_TO_HEAD, codeName, findCode } from './codes.js';

describe('national code lists', () => {
  it('GB 3304 lists the 56 ethnic groups with two-digit codes, 汉族 01 … 基诺族 56', () => {
    const groups = ETHNICITY.entries.filter((e) => Number(e.code) <= 56);
    expect(groups).toHaveLength(56);
    expect(groups.map((e) => e.code)).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(findCode(ETHNICITY, '01')?.name).toBe('汉族');
    expect(findCode(ETHNICITY, '22')?.name).toBe('畲族');
    expect(findCode(ETHNICITY, '56')?.name).toBe('基诺族');
    expect(new Set(ETHNICITY.entries.map((e) => e.name)).size).toBe(ETHNICITY.entries.length);
  });

  it('accepts what people type: short names, spaces, full names', () => {
    expect(findCode(ETHNICITY, '汉')?.name).toBe('汉族');
    expect(findCode(ETHNICITY, ' 蒙古 ')?.name).toBe('蒙古族');
    expect(findCode(POLITICAL_STATUS, '中国共产党党员')?.name).toBe('中共党员');
    expect(findCode(POLITICAL_STATUS, '团员')?.name).toBe('共青团员');
    expect(findCode(EDUCATION, '本科')?.name).toBe('大学本科');
    expect(findCode(EDUCATION, '大专')?.name).toBe('大学专科');
    expect(findCode(MARITAL_STATUS, '离异')?.name).toBe('离婚');
    expect(findCode(ETHNICITY, '火星族')).toBeUndefined();
    expect(findCode(ETHNICITY, '')).toBeUndefined();
  });

  it('GB/T 4761 relation to head uses the standard codes', () => {
    expect(findCode(RELATION_TO_HEAD, '户主')?.code).toBe('02');
    expect(findCode(RELATION_TO_HEAD, '配偶')?.code).toBe('10');
    expect(findCode(RELATION_TO_HEAD, '妻子')?.code).toBe('12');
    expect(findCode(RELATION_TO_HEAD, '儿子')?.code).toBe('20');
    expect(findCode(RELATION_TO_HEAD, '女')?.code).toBe('30');
    expect(findCode(RELATION_TO_HEAD, '99')?.name).toBe('非亲属');
    expect(codeName(RELATION_TO_HEAD, '51')).toBe('父亲');
    expect(HEAD_RELATIONS.has('02')).toBe(true);
    expect(HEAD_RELATIONS.has('10')).toBe(false);
  });

  it('GB/T 4762 and GB/T 2261.2 lists hold what forms need', () => {
    expect(POLITICAL_STATUS.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['中共党员', '中共预备党员', '共青团员', '民盟盟员', '九三学社社员', '无党派人士', '群众']));
    expect(MARITAL_STATUS.entries.map((e) => e.name)).toEqual(['未婚', '已婚', '初婚', '再婚', '复婚', '丧偶', '离婚', '未说明的婚姻状况']);
  });

  it('no alias names two entries of one list', () => {
    for (const list of Object.values(CODE_LISTS)) {
      const seen = new Map<string, string>();
      for (const e of list.entries) {
        for (const key of [e.name, ...(e.aliases ?? [])]) {
          expect(seen.get(key) ?? e.code, `${list.standard}: ${key}`).toBe(e.code);
          seen.set(key, e.code);
        }
      }
    }
  });
});
