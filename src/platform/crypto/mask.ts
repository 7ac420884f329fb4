/**
 * Masking as Chinese government systems show it: the region code and the last four digits
 * of an ID number stay (330481********1234); a mobile keeps its first three and last four
 * (138****5678). Used in every response and every log line.
 */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  const s = id.trim();
  if (s.length <= 8) return '*'.repeat(s.length);
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
}

export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const s = phone.trim();
  if (s.length < 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** A Chinese name keeps its surname: 张** . */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

export function maskBankCard(card: string): string {
  const s = card.replace(/\s+/g, '');
  return s.slice(0, 4) + '*'.repeat(Math.max(0, s.length - 8)) + s.slice(-4);
}

const PHONE_RE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

/** Masks anything that looks like an ID or mobile number inside free text (log lines, URLs). */
export function maskSensitiveText(text: string): string {
  return text
    .replace(/(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)/g, (m) => maskIdNumber(m) ?? m)
    .replace(PHONE_RE, (_m, a, _b, c) => `${a}****${c}`);
}
