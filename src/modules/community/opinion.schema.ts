import * as z from 'zod';

/** zod shapes of 舆情: the trends query and answer, alerts, watch words and stop words. */

const zId = () => z.string().min(1).max(32);
/** A word as staff type it: no spaces, 2–16 characters (a single character matches far too much). */
const zWord = () =>
  z
    .string()
    .trim()
    .min(2)
    .max(16)
    .refine((w) => /^[^\s\p{P}\p{S}]+$/u.test(w), { params: { code: 'OPINION_WORD_INVALID' }, message: 'letters only' });

export const ZTrendsQuery = z.object({
  /** The subtree (community, grid, street); default: the caller's own. */
  orgNodeId: zId().optional(),
  /** The Monday of the week to show (Beijing time); default: this week. */
  week: z.iso.date().optional(),
  /** How many weeks the term's series covers, ending with `week`. */
  weeks: z.coerce.number().int().min(2).max(26).default(8),
  /** One source only (suggestions, events, visits, forum …). */
  source: z.string().trim().min(1).max(32).optional(),
  /** The term of the weekly series; default: the week's top term. */
  term: z.string().trim().min(1).max(16).optional(),
  limit: z.coerce.number().int().min(5).max(50).default(20),
});
export type TrendsQuery = z.infer<typeof ZTrendsQuery>;

const ZTermCount = z.object({ term: z.string(), count: z.number() });

export const ZTrends = z.object({
  orgNode: z.object({ id: z.string(), name: z.string() }),
  week: z.string(),
  previousWeek: z.string(),
  source: z.string().nullable(),
  sources: z.array(z.object({ name: z.string(), label: z.string() })),
  /** Top terms of the week: texts that used each, the week before, and the rise ((now − before) / before; null when new). */
  terms: z.array(z.object({ term: z.string(), count: z.number(), previous: z.number(), rise: z.number().nullable() })),
  /** Terms used by at least 2 texts this week that rose the most (new ones first). */
  rising: z.array(z.object({ term: z.string(), count: z.number(), previous: z.number(), rise: z.number().nullable() })),
  /** Per grid (or community, for texts placed there): its top terms of the week and the sum of its counts. */
  grids: z.array(z.object({ orgNodeId: z.string(), name: z.string(), mentions: z.number(), terms: z.array(ZTermCount) })),
  series: z.object({ term: z.string().nullable(), points: z.array(z.object({ week: z.string(), count: z.number() })) }),
  /** The latest time any source was read up to (null before the first ingest). */
  ingestedAt: z.string().nullable(),
});

export const ZAlertsQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'all']).default('open'),
  orgNodeId: zId().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZAlert = z.object({
  id: z.string(),
  source: z.string(),
  sourceLabel: z.string(),
  sourceId: z.string(),
  /** The console page of the text, when the source has one. */
  link: z.string().nullable(),
  word: z.string(),
  level: z.enum(['urgent', 'attention']),
  orgNodeId: z.string(),
  orgNodeName: z.string(),
  at: z.string(),
  excerpt: z.string(),
  status: z.enum(['open', 'acknowledged']),
  acknowledgedByName: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  note: z.string().nullable(),
});

export const ZAlerts = z.object({ items: z.array(ZAlert), total: z.number(), open: z.number(), page: z.number(), pageSize: z.number() });

export const ZAcknowledge = z.object({ note: z.string().trim().max(200).optional() });

export const ZWatchWordInput = z.object({ word: zWord(), level: z.enum(['urgent', 'attention']), orgNodeId: zId() });

export const ZWatchWord = z.object({
  id: z.string(),
  word: z.string(),
  level: z.enum(['urgent', 'attention']),
  /** Null: everywhere (the platform's defaults). */
  orgNodeId: z.string().nullable(),
  orgNodeName: z.string(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  /** Whether the caller may remove it. */
  editable: z.boolean(),
});

/** Single characters are never terms, so a stop word has two or more. */
export const ZStopWordInput = z.object({ word: zWord() });
