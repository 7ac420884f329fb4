import { findSensitive, maskSensitive } from '../../platform/cn/sensitive-scan.js';

/**
 * 舆情 text processing, pure (no database): Chinese word segmentation with the ICU word breaker
 * that ships in Node (`Intl.Segmenter('zh', { granularity: 'word' })`, a dictionary segmenter:
 * 电梯|故障, 漏水, 停车位 …, offline), stop words, watch-word matching, and the Beijing week.
 *
 * What becomes a term: a word-like segment that is not a stop word, has at least two characters
 * (single characters — 的, 了, 楼, 跳 — carry little on their own; `keepSingle` keeps them), has no
 * digit, is not a Chinese numeral with a measure word (三天, 十点), and is at most 16 characters.
 * ID, mobile and bank card numbers are blanked before segmenting (src/platform/cn/sensitive-scan.ts),
 * and any token with a digit is dropped anyway, so no personal number can become a term.
 */

let segmenter: Intl.Segmenter | undefined;
const words = () => (segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' }));

const HAS_DIGIT = /\p{Nd}/u;
const NUMERAL = /^(?:第)?[零〇一二三四五六七八九十百千万两几半]+[天年月日号点个次岁楼层幢栋户位件元块分钟小时周遍趟]*$/u;
const LETTERS_ONLY = /^[a-z]+$/;
const MAX_TERM = 16;

/** NFKC (full-width letters and digits to ASCII) and lower case, as every comparison here uses. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The text with ID, mobile and bank card numbers replaced by spaces (same length, offsets kept). */
function blankSensitive(text: string): string {
  const found = findSensitive(text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + ' '.repeat(f.end - f.start);
    at = f.end;
  }
  return out + text.slice(at);
}

/** Whether a word-like segment counts as a term (before the stop-word check). */
function isTerm(seg: string, keepSingle: boolean): boolean {
  const len = [...seg].length;
  if (len > MAX_TERM) return false;
  if (len < 2 && !keepSingle) return false;
  if (HAS_DIGIT.test(seg)) return false;
  if (NUMERAL.test(seg)) return false;
  if (LETTERS_ONLY.test(seg) && len < 2) return false;
  return true;
}

/**
 * Every term of a text, in order, with repeats: `segmentTerms('电梯又坏了，电梯故障', stop)` →
 * `['电梯', '电梯', '故障']`. `stopWords` holds normalised words (see `normalizeText`).
 */
export function segmentTerms(text: string, stopWords: ReadonlySet<string>, opts: { keepSingle?: boolean } = {}): string[] {
  const clean = blankSensitive(normalizeText(text));
  const out: string[] = [];
  for (const s of words().segment(clean)) {
    if (!s.isWordLike) continue;
    const seg = s.segment;
    if (!isTerm(seg, opts.keepSingle ?? false)) continue;
    if (stopWords.has(seg)) continue;
    out.push(seg);
  }
  return out;
}

/** The terms of a text, each once: what the trend store counts (texts mentioning a term, not mentions). */
export function distinctTerms(text: string, stopWords: ReadonlySet<string>): string[] {
  return [...new Set(segmentTerms(text, stopWords))];
}

/** Counts of terms over many texts, each text counted once per term; highest first, then by term. */
export function topTerms(texts: string[], stopWords: ReadonlySet<string>, limit = 10): { term: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of texts) for (const term of distinctTerms(t, stopWords)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return [...counts]
    .map(([term, count]) => ({ term, count }))
    .sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, limit);
}

// Spaces, punctuation, symbols and invisible characters a writer may put between the characters of a word.
const SEPARATORS = /[\s\p{P}\p{S}\u200b-\u200f\u2060\ufeff]/gu;

/** The form watch words are matched in: normalised, with spaces and punctuation removed (跳 楼, 跳-楼 → 跳楼). */
export function compactText(text: string): string {
  return normalizeText(text).replace(SEPARATORS, '');
}

/** The watch words a text contains (substring match on the compact form, so 燃气泄漏 is found unsegmented). */
export function matchWatchWords(text: string, watchWords: readonly string[]): string[] {
  const compact = compactText(text);
  const found: string[] = [];
  for (const w of watchWords) {
    const cw = compactText(w);
    if (cw && compact.includes(cw) && !found.includes(w)) found.push(w);
  }
  return found;
}

/**
 * A short piece of the text around a watch word for the alert (at most 2 × `radius` + the word,
 * numbers of IDs, phones and bank cards masked), or the text's start if the word was spread out.
 */
export function excerptAround(text: string, word: string, radius = 30): string {
  // Masked first, so a number is never cut in half at the edge and left readable.
  const flat = maskSensitive(text.replace(/\s+/g, ' ').trim());
  // The word as written, spaces or punctuation between its characters allowed (跳 楼).
  const chars = [...compactText(word)].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = chars.length ? new RegExp(chars.join('[\\s\\p{P}\\p{S}]*'), 'iu').exec(flat.normalize('NFKC')) : null;
  const i = m ? m.index : -1;
  const len = m ? m[0].length : 0;
  const from = i < 0 ? 0 : Math.max(0, i - radius);
  const to = i < 0 ? 2 * radius : Math.min(flat.length, i + len + radius);
  return `${from > 0 ? '…' : ''}${flat.slice(from, to).trim()}${to < flat.length ? '…' : ''}`;
}

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;

/** The Monday (Beijing time) of the week a moment falls in, `YYYY-MM-DD`. */
export function beijingWeekStart(at: string | Date): string {
  const t = (typeof at === 'string' ? new Date(at) : at).getTime() + BEIJING;
  const day = Math.floor(t / DAY);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  return new Date(monday * DAY).toISOString().slice(0, 10);
}

/** The Monday `weeks` weeks before (negative) or after a Monday. */
export function addWeeks(weekStart: string, weeks: number): string {
  return new Date(new Date(`${weekStart}T00:00:00Z`).getTime() + weeks * 7 * DAY).toISOString().slice(0, 10);
}
