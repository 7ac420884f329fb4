import * as z from 'zod';

/** The indicators a map can colour grids by (GET /api/v1/cockpit/indicators lists them with labels). */
export const INDICATOR_KEYS = ['residents', 'households', 'elderly', 'specialGroups', 'events', 'onTimeRate', 'satisfaction', 'applications', 'volunteerHours'] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

/** 5-year age bands, youngest first; '85+' last. */
export const AGE_BANDS = [...Array.from({ length: 17 }, (_, i) => `${i * 5}-${i * 5 + 4}`), '85+'] as const;

const zId = z.string().trim().min(1).max(64);

export const ZOverviewQuery = z.object({ nodeId: zId.optional() });
export const ZMapQuery = z.object({ nodeId: zId.optional(), indicator: z.enum(INDICATOR_KEYS) });

const zNodeBrief = z.object({ id: z.string(), name: z.string(), kind: z.string() });
const zSeries = z.array(z.number());
const zRates = z.array(z.number().nullable());

export const ZOverview = z.object({
  node: zNodeBrief.extend({ path: z.string() }),
  trail: z.array(zNodeBrief),
  children: z.array(zNodeBrief),
  asOf: z.string().nullable(),
  population: z.object({
    residents: z.number(),
    households: z.number(),
    dwellings: z.number(),
    pyramid: z.array(z.object({ band: z.string(), male: z.number(), female: z.number() })),
    residence: z.array(z.object({ type: z.string(), count: z.number() })),
    groups: z.array(z.object({ tag: z.string(), count: z.number() })),
  }),
  months: z.array(z.string()),
  events: z.object({ reported: zSeries, closed: zSeries, onTimeRate: zRates, satisfaction: zRates }),
  applications: z.object({ submitted: zSeries, completed: zSeries }),
  volunteerHours: zSeries,
  fund: z.object({ balanceFen: z.number() }).nullable(),
  satisfaction: z.object({ rate: z.number().nullable(), rated: z.number() }),
});
export type Overview = z.infer<typeof ZOverview>;

export const ZMap = z.object({
  node: zNodeBrief,
  indicator: z.enum(INDICATOR_KEYS),
  items: z.array(zNodeBrief.extend({ value: z.number().nullable() })),
});
export type CockpitMap = z.infer<typeof ZMap>;

const zLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
/** `mapTileUrl`: the raster tile template (MAP_TILE_URL) drawn under the map, or null for none. */
export const ZIndicators = z.object({ items: z.array(z.object({ key: z.enum(INDICATOR_KEYS), label: zLabel, unit: zLabel })), mapTileUrl: z.string().nullable() });
export const ZRefreshResult = z.object({ cells: z.number(), ms: z.number() });

/* Open data */
export const OPEN_LEVELS = ['street', 'community', 'grid'] as const;
export type OpenLevel = (typeof OPEN_LEVELS)[number];
export const OPEN_DATASETS = ['population', 'residence', 'special-groups', 'households', 'events'] as const;
export type OpenDatasetName = (typeof OPEN_DATASETS)[number];

export const ZOpenDataParams = z.object({
  file: z
    .string()
    .max(80)
    .regex(/^[a-z-]+\.(json|csv)$/),
});
export const ZOpenDataQuery = z.object({ level: z.enum(OPEN_LEVELS).default('community') });
