import type { DemoSeedContext } from '../../platform/module.js';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingHours, isWorkingDay } from '../../platform/calendar/working-time.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadDemoRefs, type DemoNode } from '../../demo/refs.js';
import { seedDeadlineHistory } from './events.demo.js';
import { loadEventActor } from './events.fixture.js';
import { containsPoint, type Geometry } from './events.geo.js';
import { reportEvent, takeStep, type StepInput } from './events.service.js';
import type { GridEventTransition } from './events.workflow.js';
import { haversineMetres } from './patrols.service.js';
import type { EventPatrolPointTable, EventPatrolTable } from './events.table.js';
import type { PatrolPointInput } from './patrols.schema.js';

/**
 * Four weeks of patrols (巡查) by the demo's grid workers, each in the grid they hold: most
 * working mornings, some afternoons, now and then a weekend round, walked from block to block
 * at a walking pace with a fix a minute, inside the grid's polygon, so the coverage screen has
 * something to show. The rounds are written in bulk as the phone would have left them (through
 * the patrol API they would cost seconds); now and then something is found and reported through
 * the event service on the open patrol, and walks the loop on a moving clock. Every choice comes
 * from the seed's `random`.
 */

const DAYS = 28;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const chance = (r: () => number, p: number) => r() < p;

const NOTES = ['消防通道畅通', '楼道无堆物', '电瓶车停放整齐', '走访独居老人，身体状况良好', '提醒沿街商户落实门前三包', '垃圾分类桶站整洁', '单元门禁正常'];

interface Finding {
  code: string;
  text: string;
  attributes?: (r: () => number) => Record<string, string>;
  /** Handled by the worker in the grid; otherwise by the community. */
  inGrid: boolean;
}

const FINDINGS: Finding[] = [
  { code: '0101', text: '巡查发现{b}旁垃圾桶满溢，周边散落生活垃圾', attributes: (r) => ({ amount: pick(r, ['small', 'cart']) }), inGrid: true },
  { code: '0102', text: '巡查发现{b}单元门口新贴了一批开锁、办证小广告', inGrid: true },
  { code: '0104', text: '巡查发现{b}一楼楼道堆放纸板和旧家具，影响通行', attributes: () => ({ place: 'stairwell' }), inGrid: true },
  { code: '0201', text: '巡查发现{b}旁庭院灯不亮，晚上路段较暗', inGrid: false },
  { code: '0202', text: '巡查发现{b}南侧窨井盖破损松动', attributes: (r) => ({ open: chance(r, 0.2) ? 'yes' : 'no' }), inGrid: false },
  { code: '0701', text: '巡查发现{b}有住户从窗口飞线给电动车充电', attributes: () => ({ how: 'flying' }), inGrid: true },
  { code: '0702', text: '巡查发现{b}旁消防通道被私家车占用', inGrid: true },
  { code: '0703', text: '巡查发现{b}楼道灭火器压力不足，需更换', inGrid: true },
];

interface Place {
  name: string;
  lat: number;
  lng: number;
}

interface Worker {
  username: string;
  actor: Actor;
  grid: DemoNode;
  geometry: Geometry;
  blocks: Place[];
  /** Share of working days with a morning round. */
  diligence: number;
  staff: Actor | null;
  community: { id: string } | null;
}

/** The demo accounts that patrol: grid workers granted on a grid, in username order. */
async function demoWorkers(ctx: PlatformContext, r: () => number): Promise<Worker[]> {
  const db = ctx.db.kysely;
  const refs = await loadDemoRefs(ctx);
  const rows = await db
    .selectFrom('role_grant')
    .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .select(['app_user.id', 'app_user.username', 'org_node.id as grid_id', 'org_node.path', 'org_node.name', 'org_node.code', 'org_node.geometry', 'org_node.parent_id'])
    .where('role_grant.role', '=', 'grid_worker')
    .where('org_node.kind', '=', 'grid')
    .where('app_user.is_demo', '=', 1)
    .where('app_user.disabled', '=', 0)
    .orderBy('app_user.username')
    .execute();
  const out: Worker[] = [];
  for (const w of rows) {
    const geometry = w.geometry ? (JSON.parse(w.geometry) as Geometry) : null;
    if (!geometry) continue;
    const grid: DemoNode = { id: w.grid_id, path: w.path, name: w.name, kind: 'grid', code: w.code, geometry };
    const blocks = (await refs.children(grid, 'building', 200))
      .map((b) => {
        const c = (b.geometry as { type?: string; coordinates?: number[] } | null)?.coordinates;
        return c && typeof c[0] === 'number' && typeof c[1] === 'number' ? { name: b.name, lng: c[0], lat: c[1] } : null;
      })
      .filter((b): b is Place => !!b && containsPoint(geometry, b.lat, b.lng))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (blocks.length < 2) continue;
    // The community's staff take in what the worker reports.
    const staffRow = w.parent_id
      ? await db
          .selectFrom('role_grant')
          .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
          .select('app_user.id')
          .where('role_grant.role', '=', 'community_staff')
          .where('role_grant.org_node_id', '=', w.parent_id)
          .where('app_user.is_demo', '=', 1)
          .where('app_user.disabled', '=', 0)
          .orderBy('app_user.username')
          .executeTakeFirst()
      : undefined;
    out.push({
      username: w.username,
      actor: await loadEventActor(db, w.id),
      grid,
      geometry,
      blocks,
      diligence: 0.75 + r() * 0.2,
      staff: staffRow ? await loadEventActor(db, staffRow.id) : null,
      community: w.parent_id ? { id: w.parent_id } : null,
    });
  }
  return out;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

interface Round {
  points: PatrolPointInput[];
  /** The block each point was at or walking to. */
  near: Place[];
  visited: Place[];
}

/**
 * A round from block to block: a fix a minute at 60–80 m a minute, a few minutes at each
 * block, a few metres of GPS scatter; every fix inside the grid.
 */
function walk(r: () => number, w: Worker, start: number, minutes: number): Round {
  const end = start + minutes * 60_000;
  const points: PatrolPointInput[] = [];
  const near: Place[] = [];
  const visited: Place[] = [];
  let t = start;
  let at = pick(r, w.blocks);
  const fix = (lat: number, lng: number, to: Place, note?: string) => {
    const jLat = lat + (r() - 0.5) * 0.00008;
    const jLng = lng + (r() - 0.5) * 0.00008;
    const [fLat, fLng] = containsPoint(w.geometry, jLat, jLng) ? [jLat, jLng] : [lat, lng];
    if (containsPoint(w.geometry, fLat, fLng)) {
      points.push({ at: new Date(t).toISOString(), lat: round6(fLat), lng: round6(fLng), ...(note ? { note } : {}) });
      near.push(to);
    }
    t += 60_000;
  };
  const notes = new Set<number>();
  for (let i = Math.floor(r() * 3); i > 0; i--) notes.add(Math.floor(r() * 8));
  while (t < end) {
    visited.push(at);
    const dwell = 1 + Math.floor(r() * 4);
    for (let i = 0; i < dwell && t < end; i++) fix(at.lat, at.lng, at, i === 0 && notes.has(visited.length - 1) ? `${at.name}：${pick(r, NOTES)}` : undefined);
    // On to one of the nearest blocks not yet seen on this round (any, once all are).
    const seen = new Set(visited.map((v) => v.name));
    const options = w.blocks.filter((b) => b !== at && !seen.has(b.name));
    const pool = (options.length ? options : w.blocks.filter((b) => b !== at)).map((b) => ({ b, d: haversineMetres(at, b) })).sort((a, b) => a.d - b.d);
    const next = pick(r, pool.slice(0, 3)).b;
    const pace = 60 + r() * 20;
    const steps = Math.max(1, Math.ceil(haversineMetres(at, next) / pace));
    for (let i = 1; i <= steps && t < end; i++) fix(at.lat + ((next.lat - at.lat) * i) / steps, at.lng + ((next.lng - at.lng) * i) / steps, next);
    at = next;
  }
  return { points, near, visited };
}

interface Planned {
  worker: Worker;
  row: EventPatrolTable;
  points: EventPatrolPointTable[];
  /** Something found at point `index`, reported two minutes later. */
  found: { index: number; finding: Finding; description: string; attributes?: Record<string, string> } | null;
}

export async function seedPatrolsDemo({ ctx, random: r, log }: DemoSeedContext): Promise<void> {
  const workers = await demoWorkers(ctx, r);
  if (workers.length === 0) return;
  const db = ctx.db.kysely;
  const calendar = await getWorkCalendar(ctx);
  const anchor = ctx.now().getTime();
  let clock = anchor;
  const sim: PlatformContext = { ...ctx, now: () => new Date(clock) };
  const dayStart = (daysAgo: number) => Math.floor((anchor + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000 - daysAgo * 86_400_000;

  // The rounds, drawn first.
  const rounds: Planned[] = [];
  const plan = (w: Worker, start: number, minutes: number) => {
    const end = start + minutes * 60_000;
    if (end >= anchor) return;
    const { points, near, visited } = walk(r, w, start, minutes);
    if (points.length < 2) return;
    let found: Planned['found'] = null;
    // About one round in five finds something, somewhere along the middle of the walk.
    if (w.staff && chance(r, 0.2)) {
      const index = Math.floor(points.length * (0.3 + r() * 0.4));
      const finding = pick(r, FINDINGS);
      found = { index, finding, description: finding.text.replace('{b}', near[index]!.name), attributes: finding.attributes?.(r) };
    }
    const id = newId(start);
    let metres = 0;
    const rows = points.map((pt, i) => {
      if (i > 0) metres += haversineMetres(points[i - 1]!, pt);
      return { patrol_id: id, seq: i + 1, at: pt.at, lat: pt.lat, lng: pt.lng, note: pt.note ?? null };
    });
    const names = [...new Set(visited.map((v) => v.name))];
    const summary = `巡查${names.slice(0, 3).join('、')}${names.length > 3 ? `等${names.length}处` : ''}，${found ? '发现问题1处，已现场上报' : '未发现异常'}`;
    rounds.push({
      worker: w,
      row: { id, grid_id: w.grid.id, org_path: w.grid.path, worker_user_id: w.actor.userId, started_at: new Date(start).toISOString(), ended_at: new Date(end).toISOString(), distance_m: metres, point_count: rows.length, event_count: 0, summary },
      points: rows,
      found,
    });
  };
  for (let d = DAYS - 1; d >= 0; d--) {
    const midnight = dayStart(d);
    const working = isWorkingDay(calendar, new Date(midnight + 12 * 3_600_000));
    for (const w of workers) {
      if (working ? chance(r, w.diligence) : chance(r, 0.12)) plan(w, midnight + (8 * 60 + 40 + Math.floor(r() * 60)) * 60_000, 50 + Math.floor(r() * 70));
      if (working && chance(r, 0.35)) plan(w, midnight + (14 * 60 + Math.floor(r() * 70)) * 60_000, 40 + Math.floor(r() * 50));
    }
  }

  // Written as the phone would have left them, in bulk: a walk through the patrol API for each
  // round costs seconds on PostgreSQL. One audit line says the demo wrote them.
  const finding = rounds.filter((x) => x.found);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rounds.length; i += 200) await trx.insertInto('event_patrol').values(rounds.slice(i, i + 200).map((x) => x.row)).execute();
    const points = rounds.flatMap((x) => x.points);
    for (let i = 0; i < points.length; i += 500) await trx.insertInto('event_patrol_point').values(points.slice(i, i + 500)).execute();
    await appendAudit(ctx.db, { action: 'demo.seed', targetType: 'event_patrol', details: { patrols: rounds.length, points: points.length, workers: workers.map((w) => w.username) } }, trx);
  });

  /** The event found on a patrol walks the loop on from `from`, as far as the seed's clock allows. */
  const follow = async (w: Worker, eventId: string, found: NonNullable<Planned['found']>, from: number) => {
    if (!w.staff) return;
    let t = from;
    const step = async (who: Actor, name: GridEventTransition, hours: number, body: StepInput = {}) => {
      const next = addWorkingHours(calendar, new Date(t), hours).getTime();
      if (next >= anchor) return false;
      t = next;
      clock = t;
      await takeStep(sim, who, eventId, name, body, {});
      return true;
    };
    const inGrid = found.finding.inGrid;
    const handler = inGrid ? w.actor : w.staff;
    const assignee = inGrid ? { orgNodeId: w.grid.id, userId: w.actor.userId } : { orgNodeId: w.community!.id };
    if (!(await step(w.staff, 'accept', 0.2 + r() * 1.2))) return;
    if (!(await step(w.staff, 'dispatch', 0.1 + r() * 0.8, { assignee }))) return;
    if (!(await step(handler, 'take', 0.1 + r() * 1.0))) return;
    if (!(await step(handler, 'finish', 1 + r() * 6, { comment: inGrid ? '已现场督促整改到位' : '已联系维修单位处理完毕' }))) return;
    if (!(await step(w.staff, 'verify', 0.5 + r() * 3, { comment: '经核查已处置到位' }))) return;
    if (chance(r, 0.7)) await step(w.staff, 'rate', 1 + r() * 6, { rating: chance(r, 0.85) ? '满意' : '基本满意' });
  };

  // What was found is reported through the event service, on the open patrol, then the round ends.
  for (const x of finding) {
    const f = x.found!;
    const here = x.points[f.index]!;
    clock = Date.parse(here.at) + 2 * 60_000;
    const reportedAt = clock;
    // Open again while it is reported: only an open patrol of the reporter's own takes a report.
    await db.updateTable('event_patrol').set({ ended_at: null }).where('id', '=', x.row.id).execute();
    const ev = await reportEvent(
      sim,
      { kind: 'user', actor: x.worker.actor },
      { categoryCode: f.finding.code, description: f.description, channel: 'patrol', patrolId: x.row.id, lat: Number(here.lat), lng: Number(here.lng), attributes: f.attributes },
      {},
    );
    await db.updateTable('event_patrol').set({ ended_at: x.row.ended_at }).where('id', '=', x.row.id).execute();
    await follow(x.worker, ev.id, f, reportedAt);
  }
  // The events found on the rounds carry their deadline marks and notices as history too.
  await seedDeadlineHistory(ctx, new Date(anchor));
  const points = rounds.reduce((n, x) => n + x.points.length, 0);
  log(`  patrols: ${rounds.length} demo patrols by ${workers.map((w) => w.username).join(', ')} over ${DAYS} days (${points} track points, ${finding.length} events reported)`);
}
