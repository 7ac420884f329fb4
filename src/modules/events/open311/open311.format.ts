import { XMLBuilder } from 'fast-xml-parser';

/**
 * GeoReport v2 serialisers. XML is the standard's required format; JSON is its "Spark"
 * mapping: a list element (<services><service>…) becomes an array, a single element an object.
 * Each answer is built once as plain data and written either way.
 */
export type Format = 'json' | 'xml';
export const FORMATS = ['json', 'xml'] as const;

export const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The spec's names for each list: root element and the element of each item. */
export const LISTS = {
  services: { root: 'services', item: 'service' },
  requests: { root: 'service_requests', item: 'request' },
  errors: { root: 'errors', item: 'error' },
} as const;

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false, processEntities: true });

// XML 1.0 forbids most control characters even escaped; a stray one in a description would break the document.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(XML_INVALID, '');
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Absent fields stay absent; null ones are written as empty elements (<account_id/>), as the spec's examples do.
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

/** `<?xml …?><root>…</root>` with the UTF-8 declaration the spec requires. */
export function xmlDocument(root: string, content: unknown): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, [root]: clean(content) ?? '' });
}

/** A list answer: `[{…}, …]` in JSON, `<root><item>…</item>…</root>` in XML. */
export function renderList(format: Format, list: { root: string; item: string }, items: object[]): string {
  if (format === 'json') return JSON.stringify(items);
  return xmlDocument(list.root, items.length ? { [list.item]: items } : '');
}

/** Wraps the nested lists of an object for XML: `{attributes: [a, b]}` → `{attributes: {attribute: [a, b]}}`. */
export function nestForXml(value: Record<string, unknown>, lists: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v) && lists[k]) {
      out[k] = v.length ? { [lists[k]]: v.map((x) => (x && typeof x === 'object' ? nestForXml(x as Record<string, unknown>, lists) : x)) } : '';
    } else out[k] = v;
  }
  return out;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * W3C date-time in Beijing time with its offset (2026-11-26T09:30:00+08:00): the spec requires
 * the zone, and Chinese clients read local time.
 */
export function w3c(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** Shown in service notices: 2026年11月26日 09:30 in Beijing time. */
export function beijingText(iso: string): string {
  const d = new Date(new Date(iso).getTime() + BEIJING_OFFSET_MS).toISOString();
  return `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日 ${d.slice(11, 16)}`;
}

const W3C_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the W3C date-times clients send (2010-01-01T00:00:00Z). A value without a zone, or a
 * bare date, is read in Beijing time, as a person in the community would mean it.
 */
export function parseW3c(text: string): Date | null {
  const m = W3C_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  let offset = '+08:00';
  if (zone) offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  // Reject dates Date would quietly roll over (2026-02-31 → 3 March).
  const daysInMonth = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
