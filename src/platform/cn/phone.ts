/**
 * Mainland China mobile numbers: 11 digits, `1[3-9]` then 9 digits. People write them with
 * a +86 / 0086 prefix, spaces, dashes or brackets; we store the bare 11 digits.
 */
const MOBILE_RE = /^1[3-9]\d{9}$/;

/** The bare 11-digit number, or null when `input` is not a mainland mobile number. */
export function normaliseMobile(input: string): string | null {
  let s = input.trim().replace(/[\s\-()（）.]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  return MOBILE_RE.test(s) ? s : null;
}

export function isMobile(input: string): boolean {
  return normaliseMobile(input) !== null;
}
