import * as z from 'zod';

/** Request and response shapes of the patrol API (巡查), shared with the web app. */

const zId = () => z.string().min(1).max(32);
/** `YYYY-MM-DD`, a local (Beijing) date. */
const zDate = () => z.iso.date();

export const MAX_POINTS_PER_BATCH = 500;

export const ZPatrolParams = z.object({ id: zId() });

export const ZStartPatrol = z.object({
  /** The grid patrolled; may be left out by a worker who holds exactly one grid. */
  gridId: zId().optional(),
});

export const ZPatrolPoint = z.object({
  /** When the phone took the fix: ISO 8601 with Z or an offset (`2026-12-01T09:30:00+08:00`). */
  at: z.iso.datetime({ offset: true }),
  /** WGS-84. */
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  note: z.string().trim().min(1).max(500).optional(),
});

export const ZPostPoints = z.object({
  points: z.array(ZPatrolPoint).min(1).max(MAX_POINTS_PER_BATCH),
});

export const ZEndPatrol = z.object({
  /** 巡查小结: what was seen, what was done. */
  summary: z.string().trim().max(2000).optional(),
});

export const ZPatrolListQuery = z.object({
  /** A grid, community or street in the caller's subtree. */
  orgNodeId: zId().optional(),
  workerUserId: zId().optional(),
  /** First and last local day of the patrols' start (inclusive). */
  from: zDate().optional(),
  to: zDate().optional(),
  open: z.enum(['0', '1', 'true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true')),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZCoverageQuery = z.object({
  from: zDate(),
  to: zDate(),
  orgNodeId: zId().optional(),
});

export const ZPatrol = z.object({
  id: z.string(),
  gridId: z.string(),
  gridName: z.string(),
  workerUserId: z.string(),
  workerName: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  open: z.boolean(),
  /** Minutes from start to end (to now while open). */
  durationMinutes: z.number(),
  distanceKm: z.number(),
  pointCount: z.number().int(),
  eventCount: z.number().int(),
  summary: z.string().nullable(),
});

export const ZPatrolPage = z.object({
  items: z.array(ZPatrol),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZTrackPoint = z.object({ seq: z.number().int(), at: z.string(), lat: z.number(), lng: z.number(), note: z.string().nullable() });

export const ZPatrolDetail = ZPatrol.extend({
  points: z.array(ZTrackPoint),
  events: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      title: z.string(),
      state: z.string(),
      categoryName: z.string().nullable(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      createdAt: z.string(),
    }),
  ),
});

export const ZPointsAccepted = z.object({
  patrolId: z.string(),
  /** Points stored from this batch. */
  accepted: z.number().int(),
  /** Points at or before the last stored one: a batch sent again after a lost answer. */
  skipped: z.number().int(),
  pointCount: z.number().int(),
  distanceKm: z.number(),
});

const ZCoverageFigures = z.object({
  patrols: z.number().int(),
  durationMinutes: z.number(),
  distanceKm: z.number(),
  points: z.number().int(),
  eventsReported: z.number().int(),
  /** Calendar days with at least one patrol started / calendar days in the period. */
  days: z.object({ patrolled: z.number().int(), inPeriod: z.number().int() }),
  /** The same on working days of the working-day calendar (holidays and weekends left out, 调休 counted). */
  workingDays: z.object({ patrolled: z.number().int(), inPeriod: z.number().int() }),
});

export const ZCoverage = z.object({
  from: z.string(),
  to: z.string(),
  orgNodeId: z.string().nullable(),
  totals: ZCoverageFigures,
  grids: z.array(ZCoverageFigures.extend({ gridId: z.string(), gridName: z.string(), communityName: z.string().nullable() })),
  workers: z.array(ZCoverageFigures.extend({ workerUserId: z.string(), workerName: z.string() })),
});

export type StartPatrolInput = z.infer<typeof ZStartPatrol>;
export type PatrolPointInput = z.infer<typeof ZPatrolPoint>;
export type PatrolListQuery = z.infer<typeof ZPatrolListQuery>;
export type CoverageQuery = z.infer<typeof ZCoverageQuery>;
export type PatrolView = z.infer<typeof ZPatrol>;
export type PatrolDetailView = z.infer<typeof ZPatrolDetail>;
export type CoverageView = z.infer<typeof ZCoverage>;
