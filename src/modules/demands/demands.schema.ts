import * as z from 'zod';
import { DEMAND_KINDS } from './demands.sql.js';

const zDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
/** A date (Beijing day start) or an instant, as ISO UTC text for comparing with stored timestamps. */
const toIso = (v: string) => (v.length === 10 ? new Date(`${v}T00:00:00+08:00`).toISOString() : new Date(v).toISOString());

export const ZDemandListQuery = z.object({
  /** One kind or several, comma separated. */
  kind: z
    .string()
    .max(200)
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(DEMAND_KINDS)).min(1).optional()),
  state: z.enum(['open', 'closed']).optional(),
  overdue: z.enum(['1', 'true', '0', 'false']).optional().transform((v) => v === '1' || v === 'true'),
  from: zDate.optional().transform((v) => (v ? toIso(v) : undefined)),
  to: zDate.optional().transform((v) => (v ? toIso(v) : undefined)),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZMineQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZStatsQuery = z.object({
  groupBy: z.enum(['community', 'grid', 'unit']).default('grid'),
  from: zDate.optional().transform((v) => (v ? toIso(v) : undefined)),
  to: zDate.optional().transform((v) => (v ? toIso(v) : undefined)),
});

const zByKind = z.object(Object.fromEntries(DEMAND_KINDS.map((k) => [k, z.number()])) as Record<(typeof DEMAND_KINDS)[number], z.ZodNumber>);

export const ZDemand = z.object({
  kind: z.enum(DEMAND_KINDS),
  kindLabel: z.string(),
  id: z.string(),
  code: z.string().nullable(),
  title: z.string(),
  channel: z.string(),
  state: z.string(),
  stateLabel: z.string(),
  orgPath: z.string(),
  orgNodeId: z.string().nullable(),
  createdAt: z.string(),
  dueAt: z.string().nullable(),
  respondedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  onTime: z.boolean().nullable(),
  satisfaction: z.number().nullable(),
  personId: z.string().nullable(),
  open: z.boolean(),
  overdue: z.boolean(),
  link: z.string(),
});

export const ZDemandPage = z.object({ items: z.array(ZDemand), total: z.number(), byKind: zByKind, page: z.number(), pageSize: z.number() });

const ZStatsRow = z.object({
  key: z.string(),
  name: z.string(),
  total: z.number(),
  responded: z.number(),
  responseRate: z.number().nullable(),
  closed: z.number(),
  open: z.number(),
  overdue: z.number(),
  onTime: z.number(),
  onTimeKnown: z.number(),
  onTimeRate: z.number().nullable(),
  satisfaction: z.number().nullable(),
  satisfactionCount: z.number(),
  byKind: zByKind,
});

export const ZStats = z.object({ groupBy: z.enum(['community', 'grid', 'unit']), rows: z.array(ZStatsRow), total: ZStatsRow });
