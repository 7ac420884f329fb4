/**
 * Resident identity card numbers (居民身份证号码), GB 11643-1999: 6-digit region code,
 * 8-digit birth date, 3-digit sequence (odd for men, even for women) and an ISO 7064
 * MOD 11-2 check character. Residence permits of Hong Kong, Macao and Taiwan residents
 * (港澳台居民居住证, regions 810000/820000/830000) follow the same rule.
 */

/** Weight of each of the first 17 digits: 2^(17-i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character for each value of the weighted sum mod 11. */
const CHECK_CHARS = '10X98765432';

/** First two digits of a region code: the province-level divisions (plus 81/82/83 for residence permits). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

export type Gender = '男' | '女';

export interface IdNumberInfo {
  /** The normalised 18-character number (upper-case X). */
  number: string;
  /** 6-digit administrative region code of the place of first registration. */
  region: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  gender: Gender;
}

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'check_digit';

export type IdNumberResult = { ok: true; info: IdNumberInfo } | { ok: false; problem: IdNumberProblem };

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Whether `region` could be a region code: 6 digits under a known province, naming a county
 * (xx0000 is a whole province, which no citizen's number carries; residence permits use exactly 810000/820000/830000).
 */
export function isRegionCode(region: string): boolean {
  if (!/^\d{6}$/.test(region) || !PROVINCES.has(region.slice(0, 2))) return false;
  if (/^8[123]/.test(region)) return region.endsWith('0000');
  return !region.endsWith('0000');
}

/** Whether `yyyymmdd` is a real calendar date between 1850 and `today`. */
export function isBirthDate(yyyymmdd: string, today: Date = new Date()): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1850 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return date.getTime() <= today.getTime();
}

/** Upgrades a first-generation 15-digit number: insert `19` before the 2-digit year, append the check character. */
export function upgradeIdNumber15(id15: string): string {
  if (!/^\d{15}$/.test(id15)) throw new Error('upgradeIdNumber15 needs exactly 15 digits');
  const first17 = id15.slice(0, 6) + '19' + id15.slice(6);
  return first17 + idCheckChar(first17);
}

/**
 * Validates and normalises what a person typed: spaces trimmed, `x` upper-cased,
 * 15-digit numbers upgraded to 18. `today` bounds the birth date (tests pass the clock).
 */
export function parseIdNumber(input: string, today: Date = new Date()): IdNumberResult {
  let s = input.replace(/\s+/g, '').toUpperCase();
  if (/^\d{15}$/.test(s)) {
    if (!isBirthDate('19' + s.slice(6, 12), today)) return { ok: false, problem: 'birth_date' };
    s = upgradeIdNumber15(s);
  }
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, problem: 'format' };
  const region = s.slice(0, 6);
  if (!isRegionCode(region)) return { ok: false, problem: 'region' };
  const birth = s.slice(6, 14);
  if (!isBirthDate(birth, today)) return { ok: false, problem: 'birth_date' };
  if (idCheckChar(s.slice(0, 17)) !== s[17]) return { ok: false, problem: 'check_digit' };
  return {
    ok: true,
    info: {
      number: s,
      region,
      birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
      gender: genderOfSequence(s[16]),
    },
  };
}

export function isValidIdNumber(input: string, today?: Date): boolean {
  return parseIdNumber(input, today).ok;
}

/** The normalised 18-character number, or null when it is not a valid number. */
export function normaliseIdNumber(input: string, today?: Date): string | null {
  const r = parseIdNumber(input, today);
  return r.ok ? r.info.number : null;
}

/** Gender from the 17th character of an 18-digit number (or the 15th of a 15-digit one): odd is male. */
export function idGender(id: string): Gender {
  const s = id.trim();
  return genderOfSequence(s.length === 15 ? s[14] : s[16]);
}

/** Birth date `YYYY-MM-DD` of an 18- or 15-digit number (15-digit numbers are all 19xx births). */
export function idBirthDate(id: string): string {
  const s = id.trim();
  const ymd = s.length === 15 ? '19' + s.slice(6, 12) : s.slice(6, 14);
  return `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
}

/**
 * Builds a number from its parts (for generators and test data): the sequence is 1–999 and
 * its parity must agree with the gender.
 */
export function composeIdNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = region + birthDate.replace(/-/g, '') + String(sequence).padStart(3, '0');
  return first17 + idCheckChar(first17);
}

function genderOfSequence(digit: string): Gender {
  return Number(digit) % 2 === 1 ? '男' : '女';
}
