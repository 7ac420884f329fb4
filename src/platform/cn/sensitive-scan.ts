import { maskBankCard, maskIdNumber, maskPhone } from '../crypto/mask.js';
import { isValidIdNumber } from './id-number.js';

/**
 * Finds personal numbers in text meant for the public (居务公开 registers of aid recipients have
 * been published with full ID numbers): ID numbers (18 digits with a valid GB 11643 check digit,
 * or 15-digit old ones with a plausible birth date), mainland mobiles, and bank card numbers
 * (16–19 digits passing the Luhn check). Spaces and dashes inside a number are tolerated, since
 * spreadsheets and typists insert them. Already-masked numbers (330481********1234) are not found.
 */

export type SensitiveKind = 'id_number' | 'mobile' | 'bank_card';

export interface SensitiveFinding {
  kind: SensitiveKind;
  /** Offsets in the text scanned. */
  start: number;
  end: number;
  /** The number masked, safe to show and to log. */
  masked: string;
}

export const SENSITIVE_LABELS: Record<SensitiveKind, { 'zh-CN': string; en: string }> = {
  id_number: { 'zh-CN': '身份证号', en: 'ID number' },
  mobile: { 'zh-CN': '手机号', en: 'mobile number' },
  bank_card: { 'zh-CN': '银行卡号', en: 'bank card number' },
};

// A run of digits (and X) with optional single spaces/dashes between groups, not inside a longer run.
const CANDIDATE = /(?<![\dA-Za-z*])\d(?:[ -]?[\dXx]){13,22}(?![\dA-Za-z*])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function classify(raw: string): { kind: SensitiveKind; masked: string } | null {
  const s = raw.replace(/[ -]/g, '');
  if (/^\d{17}[\dXx]$/.test(s) && isValidIdNumber(s.toUpperCase())) return { kind: 'id_number', masked: maskIdNumber(s)! };
  if (/^\d{15}$/.test(s) && isValidIdNumber(s)) return { kind: 'id_number', masked: maskIdNumber(s)! };
  if (/^\d{16,19}$/.test(s) && luhn(s)) return { kind: 'bank_card', masked: maskBankCard(s) };
  return null;
}

const MOBILE = /(?<![\d*])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\d*])/g;

export function findSensitive(text: string): SensitiveFinding[] {
  const out: SensitiveFinding[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const c = classify(m[0]);
    if (c) out.push({ ...c, start: m.index!, end: m.index! + m[0].length });
  }
  for (const m of text.matchAll(MOBILE)) {
    const start = m.index!;
    if (out.some((f) => start < f.end && f.start < start + m[0].length)) continue;
    out.push({ kind: 'mobile', start, end: start + m[0].length, masked: maskPhone(m[0].replace(/[ -]/g, ''))! });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The text with every finding replaced by its masked form. */
export function maskSensitive(text: string): string {
  let out = '';
  let at = 0;
  for (const f of findSensitive(text)) {
    out += text.slice(at, f.start) + f.masked;
    at = f.end;
  }
  return out + text.slice(at);
}
