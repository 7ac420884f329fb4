import { pinyin } from 'pinyin-pro';
import type { MatterContent } from './matters.schema.js';

/**
 * Search over the guide, planned like the registry's person_search: matter names are short
 * and Chinese, below what full-text engines tokenise well, so each published matter gets a
 * few hundred plain terms in a b-tree (service_matter_term), the same on SQLite and PostgreSQL:
 *
 * - characters and bigrams of its name, keywords, group, conditions and materials (汉字 fragments);
 * - the full pinyin and the initials of its name and keywords from every syllable on, so a
 *   prefix range finds "dibao", "dbsq", "shenghuo" or "shbz" wherever in the name it starts.
 *
 * A query is split into words; a Chinese word matches a matter holding all its bigrams (a
 * single character: that character), a Latin word matches as a pinyin or initials prefix; a
 * matter must match every word. Ranking adds the weights of the fields that matched.
 */

export type TermField = 'name' | 'pinyin' | 'initials' | 'keyword' | 'keyword_pinyin' | 'group' | 'condition' | 'material' | 'summary';

export const FIELD_WEIGHT: Record<TermField, number> = {
  name: 10,
  pinyin: 8,
  initials: 7,
  keyword: 6,
  keyword_pinyin: 4,
  group: 3,
  material: 2,
  condition: 1,
  summary: 1,
};

export interface Term {
  term: string;
  field: TermField;
  weight: number;
}

const HAN = /\p{Script=Han}/u;

/** Lower case, full-width to half-width, no spaces or punctuation inside a word. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Runs of letters/digits/Han in the text (punctuation and spaces split them). */
function runs(text: string): string[] {
  return normalise(text).match(/[\p{Script=Han}\p{L}\p{N}]+/gu) ?? [];
}

/** Every character and every bigram of each run. */
export function grams(text: string): string[] {
  const out = new Set<string>();
  for (const run of runs(text)) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      out.add(chars[i]!);
      if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
    }
  }
  return [...out];
}

/** Syllables of a Chinese text as input methods type them (ü as v), without tones or digits. */
export function syllables(text: string): string[] {
  return pinyin(normalise(text), { toneType: 'none', type: 'array', nonZh: 'removed', v: true })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ''))
    .filter(Boolean);
}

/** Full pinyin and initials from every syllable on: 低保 → dibao, bao; db, b. */
export function pinyinSuffixes(text: string): { pinyin: string[]; initials: string[] } {
  const s = syllables(text);
  const py: string[] = [];
  const ini: string[] = [];
  for (let i = 0; i < s.length; i++) {
    py.push(s.slice(i).join(''));
    ini.push(
      s
        .slice(i)
        .map((x) => x[0])
        .join(''),
    );
  }
  return { pinyin: py, initials: ini };
}

/** The search terms of one published version of a matter. */
export function matterTerms(content: Pick<MatterContent, 'name' | 'keywords' | 'conditions' | 'materials' | 'summary'>, groupName: string): Term[] {
  const best = new Map<string, Term>();
  const add = (term: string, field: TermField) => {
    if (!term || term.length > 100) return;
    const key = `${field}\u0000${term}`;
    if (!best.has(key)) best.set(key, { term, field, weight: FIELD_WEIGHT[field] });
  };
  for (const g of grams(content.name)) add(g, 'name');
  const namePy = pinyinSuffixes(content.name);
  namePy.pinyin.forEach((p) => add(p, 'pinyin'));
  namePy.initials.forEach((p) => add(p, 'initials'));
  for (const k of content.keywords ?? []) {
    for (const g of grams(k)) add(g, 'keyword');
    const kp = pinyinSuffixes(k);
    // Only from the keyword's start: "db" for 低保, not "b" for every keyword with a 保.
    if (kp.pinyin[0]) add(kp.pinyin[0], 'keyword_pinyin');
    if (kp.initials[0] && kp.initials[0].length > 1) add(kp.initials[0], 'keyword_pinyin');
  }
  for (const g of grams(groupName)) add(g, 'group');
  for (const c of content.conditions) for (const g of grams(c)) add(g, 'condition');
  for (const m of content.materials) for (const g of grams(m.name)) add(g, 'material');
  for (const g of grams(content.summary)) add(g, 'summary');
  // A term in several fields keeps each (the query reports which fields matched).
  return [...best.values()];
}

export type QueryWord = { kind: 'han'; text: string; grams: string[] } | { kind: 'latin'; text: string };

/**
 * Words of a query: Han text becomes the bigrams it must contain (one character stays itself);
 * Latin letters are a pinyin or initials prefix (ü typed as v or u:); digits and other
 * letters go with the Han path. Returns [] for a query with nothing searchable.
 */
export function parseQuery(q: string): QueryWord[] {
  const words: QueryWord[] = [];
  const cleaned = normalise(q).replace(/u:/g, 'v').replace(/ü/g, 'v');
  for (const run of cleaned.match(/[\p{Script=Han}\p{L}\p{N}]+/gu) ?? []) {
    // 低保dibao → 低保 + dibao: Han and Latin parts of one run are separate words.
    for (const part of run.match(/[a-z]+|[^a-z]+/g) ?? []) {
      if (/^[a-z]+$/.test(part)) {
        if (part.length <= 40) words.push({ kind: 'latin', text: part });
        continue;
      }
      const chars = [...part];
      const g = chars.length === 1 ? [part] : chars.slice(0, -1).map((c, i) => c + chars[i + 1]!);
      words.push({ kind: 'han', text: part, grams: [...new Set(g)].slice(0, 20) });
    }
  }
  return words.slice(0, 6);
}

export function isHan(text: string): boolean {
  return HAN.test(text);
}
