import sanitizeHtml from 'sanitize-html';

/**
 * Text rules of 兴趣社区, pure functions: the rich-text allow-list (no script ever gets through),
 * the plain-text copy, and the normal form sensitive words are matched in.
 */

/** Our own files endpoint: the only source an <img> in a post may have. */
const OWN_FILE = /^\/api\/v1\/files\/([0-9a-z]{1,32})$/;

/**
 * Rich text of a post, sanitised with sanitize-html: p, br, strong, em, ul/ol/li, blockquote;
 * links to http(s) only, opened with rel="nofollow noopener noreferrer"; images only from
 * `/api/v1/files/<id>` where the id is one of the post's own pictures. Everything else (script,
 * style, iframe, event handlers, style attributes, javascript: and data: URLs) is dropped;
 * the text inside a dropped script or style goes with it.
 */
export function sanitizePostHtml(html: string, allowedImageIds: ReadonlySet<string>): string {
  return sanitizeHtml(html, {
    allowedTags: ['p', 'br', 'strong', 'em', 'ul', 'ol', 'li', 'blockquote', 'a', 'img'],
    allowedAttributes: { a: ['href', 'rel', 'target'], img: ['src'] },
    allowedSchemes: ['http', 'https'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      b: 'strong',
      i: 'em',
      // Only absolute http(s) links survive; the rel is ours whatever the author wrote.
      a: (tagName, attribs): sanitizeHtml.Tag => {
        const href = (attribs.href ?? '').trim();
        const kept: sanitizeHtml.Attributes = /^https?:\/\/[^\s/]/i.test(href) ? { href, rel: 'nofollow noopener noreferrer', target: '_blank' } : {};
        return { tagName, attribs: kept };
      },
    },
    exclusiveFilter: (frame) => {
      if (frame.tag !== 'img') return false;
      const m = OWN_FILE.exec(frame.attribs.src ?? '');
      return !m || !allowedImageIds.has(m[1]!);
    },
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The plain text of sanitised HTML: blocks and <br> become line breaks, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|blockquote|ul|ol)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Escapes plain text for HTML (a plain-text body becomes paragraphs). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The normal form words and text are compared in: NFKC (full-width letters and digits become
 * ASCII, compatibility ideographs their unified form), lower case, and without whitespace,
 * punctuation, symbols, invisible format characters and combining marks — so 刷 单, 刷\u3000单,
 * 刷-单, 刷\u200b单 and ＳＢ all match their word.
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}\p{Z}\p{Cf}\p{Cc}\p{Mn}\p{Me}]/gu, '');
}

export interface WordEntry {
  word: string;
  key: string;
  level: 'review' | 'block';
}

/** The words of a list found in the texts, block-level ones first, each once. */
export function findWords(texts: string[], words: WordEntry[]): { block: string[]; review: string[] } {
  const hay = texts.map(normaliseForMatch).join('\u0000');
  const block = new Set<string>();
  const review = new Set<string>();
  for (const w of words) {
    if (!w.key || !hay.includes(w.key)) continue;
    (w.level === 'block' ? block : review).add(w.word);
  }
  return { block: [...block], review: [...review].filter((w) => !block.has(w)) };
}
