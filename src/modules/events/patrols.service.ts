import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { isWorkingDay, localDateOf, type WorkCalendar } from '../../platform/calendar/working-time.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { getNode } from '../../platform/org/org.repository.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import type { EventPatrolPointTable, EventPatrolTable } from './events.table.js';
import * as repo from './patrols.repository.js';
import type { CoverageQuery, CoverageView, PatrolDetailView, PatrolListQuery, PatrolPointInput, PatrolView, StartPatrolInput } from './patrols.schema.js';
import './events.policy.js';

export const PATROL_RUN = 'events.patrol.run';
export const PATROL_READ = 'events.patrol.read';

addMessages({
  'error.PATROL_NOT_FOUND': { 'zh-CN': '巡查记录不存在', en: 'No such patrol' },
  'error.PATROL_NOT_YOURS': { 'zh-CN': '这不是您本人的巡查', en: 'This is not your patrol' },
  'error.PATROL_ENDED': { 'zh-CN': '该巡查已结束', en: 'This patrol has ended' },
  'error.PATROL_ALREADY_OPEN': { 'zh-CN': '您有一次巡查尚未结束，请先结束后再开始新的巡查', en: 'You have a patrol in progress; end it before starting another' },
  'error.PATROL_GRID_REQUIRED': { 'zh-CN': '请选择要巡查的网格', en: 'Choose the grid to patrol' },
  'error.PATROL_NOT_A_GRID': { 'zh-CN': '只能在网格内开展巡查', en: 'A patrol runs in a grid' },
  'error.PATROL_GRID_CLOSED': { 'zh-CN': '该网格已撤销', en: 'This grid has been closed' },
  'error.PATROL_CONFLICT': { 'zh-CN': '轨迹点同时提交，请重试', en: 'Points were sent at the same time; send them again' },
  'error.PATROL_POINT_OUTSIDE': { 'zh-CN': '第{n}个轨迹点的位置不在网格附近，已拒收', en: 'Point {n} is not near the grid and was refused' },
  'error.PATROL_POINT_TIME': { 'zh-CN': '第{n}个轨迹点的时间不在本次巡查期间，已拒收', en: 'Point {n} is not timed within this patrol and was refused' },
  'error.PATROL_POINT_JUMP': { 'zh-CN': '第{n}个轨迹点与上一点相距过远（折合时速超过{kmh}公里），已拒收', en: 'Point {n} is too far from the one before (over {kmh} km/h) and was refused' },
  'error.PATROL_PERIOD_INVALID': { 'zh-CN': '统计期间无效：开始日期不能晚于结束日期，且不超过{days}天', en: 'Invalid period: the start must not be after the end, and at most {days} days' },
});

// ---------------------------------------------------------------- geometry

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine; ample for a walk around a grid). */
export function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Where a patrol of this deployment can be at all, when its grid has no drawn boundary. */
const CHINA_EXTENT = { minLat: 3.5, maxLat: 53.6, minLng: 73.4, maxLng: 135.1 };
/** A route may leave the grid for a street or two. */
const GRID_MARGIN_M = 2000;
/** Faster than any patrol on foot, bicycle or e-bike: a GPS glitch (0,0, a cell-tower fix). */
export const MAX_SPEED_KMH = 120;
/** Below this, a jump is GPS jitter, whatever the time between the fixes. */
const JITTER_M = 100;
/** A phone's clock may run a little ahead of the server's. */
const CLOCK_SKEW_MS = 2 * 60_000;

interface Box {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** The bounding box of a GeoJSON geometry, widened by `margin` metres; null without coordinates. */
function boxOf(geometry: string | null, margin: number): Box | null {
  if (!geometry) return null;
  let box: Box | null = null;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [lng, lat] = c as [number, number];
      box = box
        ? { minLat: Math.min(box.minLat, lat), maxLat: Math.max(box.maxLat, lat), minLng: Math.min(box.minLng, lng), maxLng: Math.max(box.maxLng, lng) }
        : { minLat: lat, maxLat: lat, minLng: lng, maxLng: lng };
      return;
    }
    for (const x of c) visit(x);
  };
  try {
    visit((JSON.parse(geometry) as { coordinates?: unknown }).coordinates);
  } catch {
    return null;
  }
  if (!box) return null;
  const b: Box = box;
  const dLat = margin / 111_320;
  const dLng = margin / (111_320 * Math.max(0.1, Math.cos(((b.minLat + b.maxLat) / 2) * (Math.PI / 180))));
  return { minLat: b.minLat - dLat, maxLat: b.maxLat + dLat, minLng: b.minLng - dLng, maxLng: b.maxLng + dLng };
}

const inBox = (b: Box, p: { lat: number; lng: number }) => p.lat >= b.minLat && p.lat <= b.maxLat && p.lng >= b.minLng && p.lng <= b.maxLng;

// ---------------------------------------------------------------- helpers

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A refusal for a known caller, audited (after any rollback: SQLite has one connection). */
class PatrolDenial extends AppError {
  constructor(
    readonly action: string,
    readonly targetId: string | null,
    code = 'FORBIDDEN',
  ) {
    super(403, code);
  }
}

async function withDenials<T>(ctx: PlatformContext, actor: Actor, meta: RequestMeta, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof PatrolDenial) {
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: e.action, outcome: 'denied', targetType: 'event_patrol', targetId: e.targetId, ip: meta.ip, requestId: meta.requestId, details: { code: e.code } });
    }
    throw e;
  }
}

function audit(ctx: PlatformContext, trx: Executor | undefined, actor: Actor, action: string, meta: RequestMeta, extra: { targetId: string; orgNodeId?: string; details?: Record<string, unknown> }) {
  return appendAudit(
    ctx.db,
    { actorId: actor.userId, actorName: actor.username, action, targetType: 'event_patrol', targetId: extra.targetId, orgNodeId: extra.orgNodeId ?? null, ip: meta.ip, requestId: meta.requestId, details: extra.details ?? null },
    trx,
  );
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function minutesBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000);
}

function present(row: repo.PatrolRow, events: number, now: Date): PatrolView {
  return {
    id: row.id,
    gridId: row.grid_id,
    gridName: row.grid_name,
    workerUserId: row.worker_user_id,
    workerName: row.worker_name,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    open: row.ended_at === null,
    durationMinutes: round(minutesBetween(row.started_at, row.ended_at ?? now.toISOString()), 1),
    distanceKm: round(Number(row.distance_m) / 1000, 3),
    pointCount: Number(row.point_count),
    eventCount: events,
    summary: row.summary,
  };
}

async function presentOne(ctx: PlatformContext, db: Executor, id: string): Promise<PatrolView> {
  const row = (await repo.getPatrol(db, id))!;
  const counts = await repo.eventCounts(db, [id]);
  return present(row, counts.get(id) ?? 0, ctx.now());
}

/** The UTC instant a local date starts at, on the calendar's offset (Beijing time). */
function localDayStart(cal: WorkCalendar, date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - cal.officeHours.utcOffsetMinutes * 60_000).toISOString();
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The subtrees to read: the caller's, or one node of them. */
async function readPaths(ctx: PlatformContext, actor: Actor, orgNodeId: string | undefined, action: string): Promise<string[]> {
  const paths = scopePaths(actor, PATROL_READ);
  if (paths.length === 0) throw forbidden();
  if (!orgNodeId) return paths;
  const node = await getNode(ctx.db.kysely, orgNodeId);
  if (!node) throw notFound('NODE_NOT_FOUND');
  if (!canAt(actor, PATROL_READ, node.path)) throw new PatrolDenial(action, orgNodeId);
  return [node.path];
}

// ---------------------------------------------------------------- running a patrol

/** The grid a worker patrols: the one named, or the only grid they hold. */
async function gridToPatrol(ctx: PlatformContext, actor: Actor, gridId: string | undefined) {
  const db = ctx.db.kysely;
  let id = gridId;
  if (!id) {
    const runners = rolesWith(PATROL_RUN);
    const held = [...new Set(actor.grants.filter((g) => runners.has(g.role)).map((g) => g.orgNodeId))];
    const nodes = await Promise.all(held.map((h) => getNode(db, h)));
    const grids = nodes.filter((n) => n?.kind === 'grid' && !n.ended_at);
    if (grids.length !== 1) throw badRequest('PATROL_GRID_REQUIRED', {}, [{ field: 'body.gridId', code: 'PATROL_GRID_REQUIRED' }]);
    id = grids[0]!.id;
  }
  const node = await getNode(db, id);
  if (!node) throw notFound('NODE_NOT_FOUND');
  if (!canAt(actor, PATROL_RUN, node.path)) throw new PatrolDenial('events.patrol.start', null);
  if (node.kind !== 'grid') throw badRequest('PATROL_NOT_A_GRID', {}, [{ field: 'body.gridId', code: 'PATROL_NOT_A_GRID' }]);
  if (node.ended_at) throw badRequest('PATROL_GRID_CLOSED');
  return node;
}

/** 开始巡查: a grid worker starts a patrol in a grid they hold; one open patrol per worker. */
export function startPatrol(ctx: PlatformContext, actor: Actor, input: StartPatrolInput, meta: RequestMeta): Promise<PatrolView> {
  return withDenials(ctx, actor, meta, async () => {
    const grid = await gridToPatrol(ctx, actor, input.gridId);
    if (await repo.openPatrolOf(ctx.db.kysely, actor.userId)) throw conflict('PATROL_ALREADY_OPEN');
    const now = ctx.now();
    const row: EventPatrolTable = {
      id: newId(now.getTime()),
      grid_id: grid.id,
      org_path: grid.path,
      worker_user_id: actor.userId,
      started_at: now.toISOString(),
      ended_at: null,
      distance_m: 0,
      point_count: 0,
      event_count: 0,
      summary: null,
    };
    try {
      await ctx.db.kysely.transaction().execute(async (trx) => {
        await repo.insertPatrol(trx, row);
        await audit(ctx, trx, actor, 'events.patrol.start', meta, { targetId: row.id, orgNodeId: grid.id });
      });
    } catch (e) {
      // Two starts at once: the partial unique index lets one through.
      if (isUniqueViolation(e)) throw conflict('PATROL_ALREADY_OPEN');
      throw e;
    }
    return presentOne(ctx, ctx.db.kysely, row.id);
  });
}

/** The worker's patrol in progress, if any (the phone resumes it after a restart). */
export async function currentPatrol(ctx: PlatformContext, actor: Actor): Promise<PatrolView | null> {
  const open = await repo.openPatrolOf(ctx.db.kysely, actor.userId);
  return open ? presentOne(ctx, ctx.db.kysely, open.id) : null;
}

/** An open patrol of the actor's own, for a write; refusals name what is wrong. */
async function ownOpenPatrol(ctx: PlatformContext, trx: Executor, actor: Actor, id: string, action: string): Promise<EventPatrolTable> {
  const p = await repo.lockPatrol(trx, ctx.db.dialect, id);
  if (!p) throw notFound('PATROL_NOT_FOUND');
  if (p.worker_user_id !== actor.userId) throw new PatrolDenial(action, id, 'PATROL_NOT_YOURS');
  // A worker moved off the grid keeps no right to add to its record.
  if (!canAt(actor, PATROL_RUN, p.org_path)) throw new PatrolDenial(action, id);
  if (p.ended_at) throw conflict('PATROL_ENDED');
  return p;
}

/**
 * Adds a batch of track points (the phone sends what it gathered, e.g. every minute). Points
 * are put in time order and numbered on from the last one stored; a point at or before the
 * last stored one is a batch sent again and is skipped. The distance grows by the great-circle
 * legs between consecutive points. A point that cannot be true (far from the grid, timed
 * outside the patrol, a jump faster than any patrol moves) refuses the whole batch, so the
 * phone learns of it, drops that point and sends the rest again.
 */
export function addPoints(ctx: PlatformContext, actor: Actor, patrolId: string, points: PatrolPointInput[], meta: RequestMeta) {
  return withDenials(ctx, actor, meta, () =>
    ctx.db.kysely.transaction().execute(async (trx) => {
      const p = await ownOpenPatrol(ctx, trx, actor, patrolId, 'events.patrol.points');
      const grid = await getNode(trx, p.grid_id);
      const box = boxOf(grid?.geometry ?? null, GRID_MARGIN_M) ?? CHINA_EXTENT;
      const last = await repo.lastPoint(trx, p.id);
      const now = ctx.now().getTime();
      const earliest = Date.parse(p.started_at) - 60_000;

      const ordered = points.map((pt, index) => ({ ...pt, index, t: Date.parse(pt.at) })).sort((a, b) => a.t - b.t || a.index - b.index);
      let prev = last ? { lat: Number(last.lat), lng: Number(last.lng), t: Date.parse(last.at) } : null;
      let seq = Number(p.point_count);
      let distance = Number(p.distance_m);
      let skipped = 0;
      const rows: EventPatrolPointTable[] = [];
      for (const pt of ordered) {
        const n = pt.index + 1;
        const at = (code: string) => [{ field: `body.points.${pt.index}`, code }];
        if (last && pt.t <= Date.parse(last.at)) {
          skipped++;
          continue;
        }
        if (pt.t < earliest || pt.t > now + CLOCK_SKEW_MS) throw badRequest('PATROL_POINT_TIME', { n }, at('PATROL_POINT_TIME'));
        if (!inBox(box, pt)) throw badRequest('PATROL_POINT_OUTSIDE', { n }, at('PATROL_POINT_OUTSIDE'));
        if (prev) {
          const leg = haversineMetres(prev, pt);
          const seconds = Math.max(1, (pt.t - prev.t) / 1000);
          if (leg > JITTER_M && (leg / seconds) * 3.6 > MAX_SPEED_KMH) throw badRequest('PATROL_POINT_JUMP', { n, kmh: MAX_SPEED_KMH }, at('PATROL_POINT_JUMP'));
          distance += leg;
        }
        seq += 1;
        rows.push({ patrol_id: p.id, seq, at: new Date(pt.t).toISOString(), lat: pt.lat, lng: pt.lng, note: pt.note ?? null });
        prev = { lat: pt.lat, lng: pt.lng, t: pt.t };
      }
      if (rows.length > 0) {
        await repo.insertPoints(trx, rows);
        if (!(await repo.advancePatrol(trx, p.id, Number(p.point_count), { point_count: seq, distance_m: distance }))) throw conflict('PATROL_CONFLICT');
        await audit(ctx, trx, actor, 'events.patrol.points', meta, { targetId: p.id, orgNodeId: p.grid_id, details: { accepted: rows.length, skipped, notes: rows.filter((r) => r.note).length } });
      }
      return { patrolId: p.id, accepted: rows.length, skipped, pointCount: seq, distanceKm: round(distance / 1000, 3) };
    }),
  );
}

/** 结束巡查, with a summary of what was seen and done. */
export function endPatrol(ctx: PlatformContext, actor: Actor, patrolId: string, input: { summary?: string }, meta: RequestMeta): Promise<PatrolView> {
  return withDenials(ctx, actor, meta, async () => {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const p = await ownOpenPatrol(ctx, trx, actor, patrolId, 'events.patrol.end');
      const endedAt = ctx.now().toISOString();
      if (!(await repo.endPatrol(trx, p.id, { ended_at: endedAt, summary: input.summary || null }))) throw conflict('PATROL_ENDED');
      await audit(ctx, trx, actor, 'events.patrol.end', meta, {
        targetId: p.id,
        orgNodeId: p.grid_id,
        details: { minutes: round(minutesBetween(p.started_at, endedAt), 1), distanceM: Math.round(Number(p.distance_m)), points: Number(p.point_count) },
      });
    });
    return presentOne(ctx, ctx.db.kysely, patrolId);
  });
}

/**
 * For reporting an event from a patrol (called by the event service in its transaction): the
 * patrol must be the reporter's own and still open. Counts the event on the patrol.
 */
export async function patrolForReport(executor: Executor, actor: Actor, patrolId: string): Promise<{ id: string; gridId: string; orgPath: string }> {
  const p = await executor.selectFrom('event_patrol').selectAll().where('id', '=', patrolId).executeTakeFirst();
  if (!p) throw notFound('PATROL_NOT_FOUND');
  if (p.worker_user_id !== actor.userId) throw forbidden('PATROL_NOT_YOURS');
  if (p.ended_at) throw conflict('PATROL_ENDED');
  await repo.countEventOnPatrol(executor, p.id);
  return { id: p.id, gridId: p.grid_id, orgPath: p.org_path };
}

// ---------------------------------------------------------------- history and coverage

/** Patrols of the caller's subtree (or of one node, one worker, a range of days), newest first. */
export function listPatrols(ctx: PlatformContext, actor: Actor, query: PatrolListQuery, meta: RequestMeta) {
  return withDenials(ctx, actor, meta, async () => {
    const db = ctx.db.kysely;
    const paths = await readPaths(ctx, actor, query.orgNodeId, 'events.patrol.list');
    const cal = await getWorkCalendar(ctx);
    const filter: repo.PatrolFilter = {
      paths,
      workerUserId: query.workerUserId,
      startedFrom: query.from ? localDayStart(cal, query.from) : undefined,
      startedBefore: query.to ? localDayStart(cal, nextDate(query.to)) : undefined,
      open: query.open,
    };
    const [rows, total] = await Promise.all([repo.listPatrols(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }), repo.countPatrols(db, filter)]);
    const counts = await repo.eventCounts(db, rows.map((r) => r.id));
    const now = ctx.now();
    return { items: rows.map((r) => present(r, counts.get(r.id) ?? 0, now)), total, page: query.page, pageSize: query.pageSize };
  });
}

/** One patrol with its track and the events reported on it. A worker's track is personal data: the read is audited. */
export function getPatrol(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta): Promise<PatrolDetailView> {
  return withDenials(ctx, actor, meta, async () => {
    const db = ctx.db.kysely;
    const row = await repo.getPatrol(db, id);
    if (!row) throw notFound('PATROL_NOT_FOUND');
    if (row.worker_user_id !== actor.userId && !canAt(actor, PATROL_READ, row.org_path)) throw new PatrolDenial('events.patrol.read', id);
    const [points, events] = await Promise.all([repo.trackOf(db, id), repo.eventsOfPatrol(db, id)]);
    await audit(ctx, undefined, actor, 'events.patrol.read', meta, { targetId: id, orgNodeId: row.grid_id });
    return {
      ...present(row, events.length, ctx.now()),
      points: points.map((p) => ({ seq: Number(p.seq), at: p.at, lat: Number(p.lat), lng: Number(p.lng), note: p.note })),
      events: events.map((e) => ({
        id: e.id,
        code: e.code,
        title: e.title,
        state: e.state,
        categoryName: e.category_name ?? null,
        lat: e.lat === null ? null : Number(e.lat),
        lng: e.lng === null ? null : Number(e.lng),
        createdAt: e.created_at,
      })),
    };
  });
}

export const MAX_COVERAGE_DAYS = 366;

interface Tally {
  patrols: number;
  minutes: number;
  metres: number;
  points: number;
  events: number;
  days: Set<string>;
}

const emptyTally = (): Tally => ({ patrols: 0, minutes: 0, metres: 0, points: 0, events: 0, days: new Set() });

/**
 * 巡查覆盖: for each grid of the subtree and each grid worker, the patrols started in the
 * period, their time (ended patrols only: an open one has no length yet), distance, points,
 * events reported, and on how many days there was a patrol, out of the calendar days and out
 * of the working days (working-day calendar: weekends and holidays out, 调休 days in). Grids
 * and workers without a patrol are listed too: they are what coverage is looked at for.
 */
export function coverage(ctx: PlatformContext, actor: Actor, query: CoverageQuery, meta: RequestMeta): Promise<CoverageView> {
  return withDenials(ctx, actor, meta, async () => {
    const db = ctx.db.kysely;
    const spanDays = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 + 1;
    if (!(spanDays >= 1 && spanDays <= MAX_COVERAGE_DAYS)) throw badRequest('PATROL_PERIOD_INVALID', { days: MAX_COVERAGE_DAYS });
    const paths = await readPaths(ctx, actor, query.orgNodeId, 'events.patrol.coverage');
    const cal = await getWorkCalendar(ctx);

    const periodDays: string[] = [];
    for (let d = query.from; d <= query.to; d = nextDate(d)) periodDays.push(d);
    const workingDays = new Set(periodDays.filter((d) => isWorkingDay(cal, d)));

    const [grids, workers, facts] = await Promise.all([
      repo.gridsUnder(db, paths),
      repo.gridWorkersUnder(db, paths),
      repo.patrolFacts(db, { paths, startedFrom: localDayStart(cal, query.from), startedBefore: localDayStart(cal, nextDate(query.to)) }),
    ]);
    const events = await repo.eventCounts(db, facts.map((f) => f.id));

    const total = emptyTally();
    const byGrid = new Map<string, Tally>(grids.map((g) => [g.id, emptyTally()]));
    const byWorker = new Map<string, Tally>(workers.map((w) => [w.id, emptyTally()]));
    for (const f of facts) {
      const day = localDateOf(cal, new Date(f.started_at));
      const minutes = f.ended_at ? minutesBetween(f.started_at, f.ended_at) : 0;
      const n = events.get(f.id) ?? 0;
      if (!byWorker.has(f.worker_user_id)) byWorker.set(f.worker_user_id, emptyTally());
      // A grid closed since still has its patrols counted in the totals and for its workers.
      for (const t of [total, byGrid.get(f.grid_id), byWorker.get(f.worker_user_id)!]) {
        if (!t) continue;
        t.patrols++;
        t.minutes += minutes;
        t.metres += Number(f.distance_m);
        t.points += Number(f.point_count);
        t.events += n;
        t.days.add(day);
      }
    }

    const names = new Map(workers.map((w) => [w.id, w.display_name]));
    const missing = [...byWorker.keys()].filter((id) => !names.has(id));
    for (const u of await repo.userNames(db, missing)) names.set(u.id, u.display_name);

    const figures = (t: Tally) => ({
      patrols: t.patrols,
      durationMinutes: round(t.minutes, 1),
      distanceKm: round(t.metres / 1000, 3),
      points: t.points,
      eventsReported: t.events,
      days: { patrolled: t.days.size, inPeriod: periodDays.length },
      workingDays: { patrolled: [...t.days].filter((d) => workingDays.has(d)).length, inPeriod: workingDays.size },
    });
    return {
      from: query.from,
      to: query.to,
      orgNodeId: query.orgNodeId ?? null,
      totals: figures(total),
      grids: grids.map((g) => ({ gridId: g.id, gridName: g.name, communityName: g.community_name ?? null, ...figures(byGrid.get(g.id)!) })),
      workers: [...byWorker.entries()]
        .map(([id, t]) => ({ workerUserId: id, workerName: names.get(id) ?? id, ...figures(t) }))
        .sort((a, b) => b.patrols - a.patrols || a.workerName.localeCompare(b.workerName, 'zh-CN')),
    };
  });
}
