/**
 * 统一社会信用代码, GB 32100-2015: 18 characters from 0–9 and the capitals without I, O, Z, S
 * and V. 1: registration authority, 2: organisation category, 3–8: region (GB/T 2260),
 * 9–17: organisation code (GB 11714), 18: check character, MOD 31 over weights 3^i mod 31.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Registration authority → the category characters it issues (GB 32100 table 1). */
const CATEGORIES: Record<string, string> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
  '5': '1239', // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '9': '123', // 工商: 企业, 个体工商户, 农民专业合作社
  Y: '1', // 其他
  // Less common authorities; any category character is accepted.
  '2': '', '3': '', '4': '', '6': '', '7': '', '8': '', A: '', N: '',
};

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]!);
    if (v < 0) throw new Error('not a credit-code character');
    sum += v * WEIGHTS[i]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

export type CreditCodeProblem = 'format' | 'authority' | 'check_digit';

/** The normalised code (upper case, no spaces), or what is wrong with it. */
export function parseCreditCode(input: string): { ok: true; code: string } | { ok: false; problem: CreditCodeProblem } {
  const code = input.replace(/\s+/g, '').toUpperCase();
  if (code.length !== 18 || [...code].some((c) => !CHARSET.includes(c))) return { ok: false, problem: 'format' };
  const categories = CATEGORIES[code[0]!];
  if (categories === undefined || (categories !== '' && !categories.includes(code[1]!))) return { ok: false, problem: 'authority' };
  if (!/^\d{6}$/.test(code.slice(2, 8))) return { ok: false, problem: 'format' };
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, code };
}
