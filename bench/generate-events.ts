import { sql } from 'kysely';
import type { PlatformContext } from '../src/platform/context.js';
import { getWorkCalendar } from '../src/platform/calendar/calendar.service.js';
import { addWorkingHours, isWorkingDay, type WorkCalendar } from '../src/platform/calendar/working-time.js';
import { newId } from '../src/platform/ids.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import type { OrgNodeTable } from '../src/platform/platform.table.js';
import { DEMO_DEPARTMENTS } from '../src/demo/accounts.js';
import { gridCode } from '../src/demo/community.js';
import { boundsAround } from '../src/demo/layout.js';
import { chineseNumber } from '../src/demo/names.js';
import { mulberry32, weighted, type Random } from '../src/demo/random.js';
import { linkDefaultDepartments } from '../src/modules/events/categories.service.js';
import { warnAtFor } from '../src/modules/events/events.deadlines.js';
import type { EventChannel, EventRating, EventState, EventUrgency, GridEventTable } from '../src/modules/events/events.table.js';
import { URGENCY_FACTOR } from '../src/modules/events/events.workflow.js';
import { workSecondsBetween } from '../src/modules/events/indicators.durations.js';
import { ensureWorkClock } from '../src/modules/events/indicators.clock.js';

export interface GenerateEventsOptions {
  /** How many events over the year before `end`. */
  events: number;
  streets?: number;
  communitiesPerStreet?: number;
  /** Grids per community: a square number (3 × 3 by default). */
  gridsPerCommunity?: number;
  seed?: number;
  log?: (msg: string) => void;
  /**
   * Spread the events over the grids of a tree already in the database (e.g. one made by
   * bench/generate-city.ts) instead of building a tree; the shape options above are then ignored.
   */
  existingTree?: boolean;
}

export interface EventCity {
  cityPath: string;
  streets: { id: string; path: string; name: string }[];
  communities: { id: string; path: string; name: string; parentId: string }[];
  grids: { id: string; path: string; name: string; parentId: string; box: { west: number; south: number; east: number; north: number } }[];
  events: number;
  /** The year the events cover, as Beijing dates. */
  from: string;
  to: string;
  states: Record<string, number>;
  ms: number;
}

const PLACE_WORDS = ['文昌', '锦绣', '阳光', '和平', '金都', '春晖', '银湖', '翠苑', '东方', '紫金', '新城', '嘉禾', '百合', '长安', '宁安', '盐官', '袁花', '丁桥', '斜桥', '许村'];

/** What residents and grid workers write, by category group: short, concrete, as typed on a phone. */
const DESCRIPTIONS: Record<string, string[]> = {
  '01': ['楼下垃圾桶满了好几天没人清运，味道很大', '小区门口有人乱扔建筑垃圾', '电线杆上贴满小广告', '人行道上有流动摊贩占道经营', '楼道里堆满杂物，影响通行'],
  '02': ['路灯晚上不亮，走路看不清', '井盖松动，车开过去响', '路面坑洼积水，电动车容易摔', '电梯停在两层之间，里面没人', '水管爆裂，路面一直在冒水'],
  '03': ['一套房子住了十几个人，进出很杂', '单元门禁坏了，外人随便进', '地下室晚上有人聚集打牌'],
  '04': ['楼上装修噪音大，协商不成', '物业费问题和物业起了争执', '夫妻吵架声音很大，担心出事', '工地拖欠工资，工人在门口聚集'],
  '05': ['独居老人家里没人照顾，需要帮扶', '想咨询居家养老服务怎么申请', '夜里广场舞音响太响', '小区里老鼠很多'],
  '06': ['工地夜间施工没有围挡', '闻到燃气味，不知道哪里漏气', '仓库里堆放了很多油漆桶'],
  '07': ['电动车在楼道里充电', '消防通道被私家车堵住', '消防栓被拆掉了水带'],
};

const pickUrgency = weighted<EventUrgency>([
  ['一般', 90],
  ['紧急', 8],
  ['特急', 2],
]);
const pickChannel = weighted<EventChannel>([
  ['patrol', 42],
  ['resident_app', 33],
  ['phone', 10],
  ['hotline', 10],
  ['visit', 3],
  ['suggestion', 2],
]);
const pickRating = weighted<EventRating>([
  ['满意', 80],
  ['基本满意', 15],
  ['不满意', 5],
]);
/** How often each group is reported: most of a grid's work is cityscape and facilities. */
const GROUP_WEIGHT: Record<string, number> = { '01': 40, '02': 22, '03': 5, '04': 10, '05': 12, '06': 5, '07': 6 };

interface Leaf {
  id: string;
  code: string;
  name: string;
  group: string;
  unit: string;
  department: string | null;
  responseHours: number;
  handlingHours: number;
}

const DAY = 86_400_000;

/**
 * A city's year of grid events for the benchmarks, written straight into grid_event with the
 * facts the loop would have left on each row (acceptance, dispatches and returns, handling,
 * extensions, suspensions, rework, closing, ratings), and the open ones in the state and stage
 * clock they would be in now. Times follow the working-hours calendar; deadlines are the
 * categories' own; working times measured onto the rows as the indicators' job does.
 * Deterministic for a seed. The tree is streets × communities × grids (org
 * nodes only, grids with polygons so residents can report by location), or with `existingTree`
 * the grids already in the database (bench/cockpit.ts spreads a year over bench/generate-city.ts's).
 */
export async function generateEvents(ctx: PlatformContext, opts: GenerateEventsOptions): Promise<EventCity> {
  const started = performance.now();
  const rnd = mulberry32(opts.seed ?? 2_026_112_6);
  const log = opts.log ?? (() => {});
  const db = ctx.db.kysely;
  const at = ctx.now().toISOString();
  if (ctx.db.dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(db);

  // Departments (a deployment's data) and the categories' links to them.
  const known = new Set((await db.selectFrom('department').select('code').execute()).map((d) => d.code));
  for (const d of DEMO_DEPARTMENTS) if (!known.has(d.code)) await db.insertInto('department').values({ code: d.code, name: d.name, mandate: JSON.stringify(d.mandate) }).execute();
  await linkDefaultDepartments(ctx);

  // The tree.
  const streets: EventCity['streets'] = [];
  const communities: EventCity['communities'] = [];
  const grids: EventCity['grids'] = [];
  const cityPath = opts.existingTree ? await loadTree(ctx, streets, communities, grids) : await buildTree(ctx, opts, at, streets, communities, grids);
  const streetOf = new Map(communities.map((c) => [c.id, streets.find((s) => s.id === c.parentId)!]));
  const communityOf = new Map(grids.map((g) => [g.id, communities.find((c) => c.id === g.parentId)!]));

  const cats = await db.selectFrom('event_category as c').innerJoin('event_category as p', 'p.id', 'c.parent_id').select(['c.id', 'c.code', 'c.name', 'p.code as group', 'c.default_unit', 'c.default_department_code', 'c.response_hours', 'c.handling_hours']).where('c.active', '=', 1).execute();
  const leaves: Leaf[] = cats.map((c) => ({ id: c.id, code: c.code, name: c.name, group: c.group, unit: c.default_unit, department: c.default_department_code, responseHours: Number(c.response_hours), handlingHours: Number(c.handling_hours) }));
  const pickLeaf = weighted<Leaf>(leaves.map((l) => [l, (GROUP_WEIGHT[l.group] ?? 5) / leaves.filter((x) => x.group === l.group).length] as const));
  // Some grids are busier than others (markets, old estates): a weight per grid.
  const pickGrid = weighted(grids.map((g) => [g, 0.4 + rnd() * rnd() * 3] as const));

  // The calendar as a table first, as the indicators' job has it before it measures anything.
  await ensureWorkClock(ctx);
  const cal = await getWorkCalendar(ctx);
  const now = ctx.now();
  const endDay = localDate(now.getTime());
  const startDay = addDays(endDay, -364);
  // Events a day: working days busier than weekends and holidays.
  const days: { date: string; weight: number }[] = [];
  for (let d = startDay; d <= endDay; d = addDays(d, 1)) days.push({ date: d, weight: isWorkingDay(cal, d) ? 1 : 0.55 });
  const totalWeight = days.reduce((s, d) => s + d.weight, 0);

  const insertChunk = ctx.db.dialect === 'postgres' ? 1000 : 500;
  const states: Record<string, number> = {};
  const codeSeq: { day: string; seq: number }[] = [];
  let made = 0;
  let carry = 0;
  let pending: GridEventTable[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += insertChunk) await trx.insertInto('grid_event').values(batch.slice(i, i + insertChunk) as never).execute();
    });
  };
  for (const [i, day] of days.entries()) {
    carry += (opts.events * day.weight) / totalWeight;
    let n = Math.floor(carry);
    if (i === days.length - 1) n = opts.events - made;
    carry -= n;
    const midnight = Date.parse(`${day.date}T00:00:00Z`) - 8 * 3_600_000;
    // Reports cluster in the day: most between 07:30 and 19:00, a few at night.
    // Today only up to now.
    const span = Math.min(DAY, now.getTime() - midnight);
    const draw = () => midnight + (rnd() < 0.85 ? (7.5 + rnd() * 11.5) * 3_600_000 : rnd() * DAY);
    const times = Array.from({ length: n }, () => {
      let t = draw();
      for (let k = 0; k < 8 && t - midnight >= span; k++) t = draw();
      return t - midnight >= span ? midnight + rnd() * span : t;
    }).sort((a, b) => a - b);
    let seq = 0;
    for (const t of times) {
      const created = new Date(t);
      if (created > now) continue;
      const grid = pickGrid(rnd);
      const leaf = pickLeaf(rnd);
      const row = simulate(rnd, cal, now, created, leaf, grid, communityOf.get(grid.id)!, streetOf.get(communityOf.get(grid.id)!.id)!);
      row.code = `SJ${day.date.replace(/-/g, '')}-${String(++seq).padStart(4, '0')}`;
      // The working times the indicators' job measures onto each row as the year goes by.
      Object.assign(row, {
        response_work_seconds: row.accepted_at ? workSecondsBetween(cal, row.created_at, row.accepted_at) : null,
        handling_work_seconds: row.handled_at && row.first_dispatched_at ? workSecondsBetween(cal, row.first_dispatched_at, row.handled_at) : null,
        handling_work_for: row.handled_at && row.first_dispatched_at ? row.handled_at : null,
      });
      states[row.state] = (states[row.state] ?? 0) + 1;
      pending.push(row);
      made++;
      if (pending.length >= 20_000) await flush();
    }
    codeSeq.push({ day: day.date.replace(/-/g, ''), seq });
    if ((i + 1) % 60 === 0) log(`  ${day.date}: ${made.toLocaleString()} events`);
  }
  if (pending.length) await flush();
  // Today's reports through the service continue the day's numbering.
  await db.deleteFrom('event_code_seq').execute();
  for (let i = 0; i < codeSeq.length; i += 500) await db.insertInto('event_code_seq').values(codeSeq.slice(i, i + 500)).execute();
  if (ctx.db.dialect === 'sqlite') await sql`pragma cache_size = -2000`.execute(db);
  return { cityPath, streets, communities, grids, events: made, from: startDay, to: endDay, states, ms: Math.round(performance.now() - started) };
}

/** Streets × communities × grids (org nodes only, grids with polygons): the events' own tree. */
async function buildTree(ctx: PlatformContext, opts: GenerateEventsOptions, at: string, streets: EventCity['streets'], communities: EventCity['communities'], grids: EventCity['grids']): Promise<string> {
  const nStreets = opts.streets ?? 10;
  const perStreet = opts.communitiesPerStreet ?? 10;
  const side = Math.round(Math.sqrt(opts.gridsPerCommunity ?? 9));
  const cityCode = '330499';
  const city = newNodeRow(null, 'city', '基准市', { code: cityCode, at });
  const rows: OrgNodeTable[] = [city];
  const across = Math.ceil(Math.sqrt(nStreets * perStreet));
  const cellKm = 2;
  for (let s = 0; s < nStreets; s++) {
    const streetCode = `${cityCode}${String(s + 1).padStart(3, '0')}`;
    const street = newNodeRow(city, 'street', `${PLACE_WORDS[s % PLACE_WORDS.length]}街道`, { code: streetCode, sort: s + 1, at });
    rows.push(street);
    streets.push({ id: street.id, path: street.path, name: street.name });
    for (let k = 0; k < perStreet; k++) {
      const c = s * perStreet + k;
      const lon = 120.75 + (c % across) * (cellKm / 95.9);
      const lat = 30.45 + Math.floor(c / across) * (cellKm / 110.95);
      const b = boundsAround(lon, lat, cellKm, cellKm);
      const communityCode = `${streetCode}${String(k + 1).padStart(3, '0')}`;
      const community = newNodeRow(street, 'community', `${PLACE_WORDS[(c * 7) % PLACE_WORDS.length]}${chineseNumber(k + 1)}社区`, {
        code: communityCode,
        sort: k + 1,
        at,
        geometry: JSON.stringify(rect(b.west, b.south, b.east, b.north)),
      });
      rows.push(community);
      communities.push({ id: community.id, path: community.path, name: community.name, parentId: street.id });
      const w = (b.east - b.west) / side;
      const h = (b.north - b.south) / side;
      for (let g = 0; g < side * side; g++) {
        const box = { west: b.west + (g % side) * w, south: b.south + Math.floor(g / side) * h, east: b.west + ((g % side) + 1) * w, north: b.south + (Math.floor(g / side) + 1) * h };
        const grid = newNodeRow(community, 'grid', `${community.name}第${chineseNumber(g + 1)}网格`, {
          code: gridCode(communityCode, g + 1),
          sort: g + 1,
          at,
          geometry: JSON.stringify(rect(box.west, box.south, box.east, box.north)),
        });
        rows.push(grid);
        grids.push({ id: grid.id, path: grid.path, name: grid.name, parentId: community.id, box });
      }
    }
  }
  await ctx.db.kysely.transaction().execute((trx) => insertNodes(trx, rows));
  return city.path;
}

/** The streets, communities and grids already in the database; each grid's box from its polygon. */
async function loadTree(ctx: PlatformContext, streets: EventCity['streets'], communities: EventCity['communities'], grids: EventCity['grids']): Promise<string> {
  const nodes = await ctx.db.kysely.selectFrom('org_node').select(['id', 'path', 'name', 'kind', 'parent_id', 'geometry']).where('kind', 'in', ['city', 'street', 'community', 'grid']).orderBy('path').execute();
  const city = nodes.find((n) => n.kind === 'city');
  if (!city) throw new Error('existingTree: no city in org_node');
  for (const n of nodes) {
    if (n.kind === 'street') streets.push({ id: n.id, path: n.path, name: n.name });
    else if (n.kind === 'community') communities.push({ id: n.id, path: n.path, name: n.name, parentId: n.parent_id! });
    else if (n.kind === 'grid') grids.push({ id: n.id, path: n.path, name: n.name, parentId: n.parent_id!, box: boxOf(n.geometry) });
  }
  if (grids.length === 0) throw new Error('existingTree: no grids in org_node');
  return city.path;
}

function boxOf(geometry: string | null) {
  const box = { west: 120.75, south: 30.45, east: 120.75, north: 30.45 };
  if (!geometry) return box;
  const points: number[][] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x) && typeof x[0] === 'number') points.push(x as number[]);
    else if (Array.isArray(x)) x.forEach(walk);
  };
  walk((JSON.parse(geometry) as { coordinates?: unknown }).coordinates);
  if (points.length === 0) return box;
  return { west: Math.min(...points.map((p) => p[0]!)), south: Math.min(...points.map((p) => p[1]!)), east: Math.max(...points.map((p) => p[0]!)), north: Math.max(...points.map((p) => p[1]!)) };
}

function rect(west: number, south: number, east: number, north: number) {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return { type: 'Polygon', coordinates: [[[r(west), r(south)], [r(east), r(south)], [r(east), r(north)], [r(west), r(north)], [r(west), r(south)]]] };
}

function localDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/**
 * One event's life up to `now`: each step a working-hours duration after the last, drawn so
 * that about one in ten acceptances and one in eight handlings run late; 5 % returned and
 * re-dispatched, 3 % extended, 1.5 % suspended, 4 % reworked, 1 % voided, 3 % rejected,
 * 2 % merged, 1 % withdrawn; 60 % of closed events rated.
 */
function simulate(rnd: Random, cal: WorkCalendar, now: Date, created: Date, leaf: Leaf, grid: EventCity['grids'][number], community: { id: string }, street: { id: string }): GridEventTable {
  const urgency = pickUrgency(rnd);
  const f = URGENCY_FACTOR[urgency];
  const respH = leaf.responseHours * f;
  const handH = leaf.handlingHours * f;
  const channel = pickChannel(rnd);
  const after = (t: Date, hours: number) => addWorkingHours(cal, t, Math.max(0, hours));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const texts = DESCRIPTIONS[leaf.group] ?? ['发现问题，请尽快处理'];
  const row: GridEventTable = {
    id: newId(created.getTime()),
    code: '',
    category_id: leaf.id,
    title: `${leaf.name}（${grid.name}）`,
    description: texts[Math.floor(rnd() * texts.length)]!,
    channel,
    source: channel === 'hotline' ? '12345' : null,
    source_order_no: channel === 'hotline' ? `HL${created.toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}` : null,
    urgency,
    state: 'reported',
    workflow_instance_id: null,
    org_node_id: grid.id,
    org_path: grid.path,
    lat: Math.round((grid.box.south + rnd() * (grid.box.north - grid.box.south)) * 1e6) / 1e6,
    lng: Math.round((grid.box.west + rnd() * (grid.box.east - grid.box.west)) * 1e6) / 1e6,
    address: null,
    address_node_id: null,
    attributes: '{}',
    reporter_user_id: null,
    reporter_person_id: null,
    reporter_token_id: null,
    reporter_name_enc: null,
    reporter_phone_enc: null,
    patrol_id: null,
    promoted_from: null,
    merged_into_id: null,
    assignee_node_id: null,
    assignee_department_code: null,
    assignee_user_id: null,
    escalated_at: null,
    stage_started_at: iso(created),
    due_at: null,
    warn_at: null,
    warned_at: null,
    overdue_at: null,
    accepted_at: null,
    first_dispatched_at: null,
    handling_started_at: null,
    handled_at: null,
    closed_at: null,
    close_due_at: null,
    closed_on_time: null,
    dispatch_count: 0,
    return_count: 0,
    handling_count: 0,
    rework_count: 0,
    extension_count: 0,
    suspended: 0,
    rating: null,
    rating_comment: null,
    rated_at: null,
    version: 1,
    created_at: created.toISOString(),
    updated_at: created.toISOString(),
  };
  // Stops the story at `now`: the event stays in `state`, its stage clock running from `start`.
  const open = (state: EventState, start: Date, due: Date | null) => {
    row.state = state;
    row.stage_started_at = start.toISOString();
    row.due_at = iso(due);
    row.warn_at = due ? warnAtFor(cal, start, due).toISOString() : null;
    if (due && row.warn_at! <= now.toISOString()) row.warned_at = row.warn_at;
    if (due && due <= now) row.overdue_at = due.toISOString();
    row.updated_at = start.toISOString();
    return row;
  };
  const close = (state: EventState, t: Date) => {
    row.state = state;
    row.stage_started_at = t.toISOString();
    row.updated_at = t.toISOString();
    return row;
  };

  const fate = rnd();
  const decided = after(created, respH * (rnd() < 0.9 ? rnd() * 0.9 : 1 + rnd() * 0.8));
  if (fate < 0.01) {
    const t = new Date(created.getTime() + (5 + rnd() * 60) * 60_000);
    return t > now ? open('reported', created, after(created, respH)) : close('withdrawn', t);
  }
  if (decided > now) return open('reported', created, after(created, respH));
  if (fate < 0.04) return close('rejected', decided);
  if (fate < 0.06) return close('merged', decided);
  row.accepted_at = iso(decided);
  row.version++;

  let t = after(decided, respH * rnd() * 0.6);
  if (t > now) return open('accepted', decided, after(decided, respH));
  row.first_dispatched_at = iso(t);
  row.dispatch_count = 1;
  let closeDue = after(t, handH);
  row.close_due_at = iso(closeDue);
  const unit = leaf.unit === 'community' ? (rnd() < 0.6 ? grid.id : community.id) : street.id;
  row.assignee_node_id = unit;
  row.assignee_department_code = leaf.unit === 'department' ? leaf.department : leaf.unit === 'street' && rnd() < 0.3 ? leaf.department : null;
  row.version++;
  if (rnd() < 0.05) {
    // Sent to the wrong unit: returned, then dispatched again (the limit keeps running).
    const back = after(t, 0.3 + rnd());
    if (back > now) return open('dispatched', t, after(t, respH));
    row.return_count = 1;
    const again = after(back, 0.5 + rnd());
    if (again > now) return open('accepted', back, after(back, respH));
    row.dispatch_count = 2;
    row.version += 2;
    t = again;
  }
  const taken = after(t, respH * rnd() * 0.5);
  if (taken > now) return open('dispatched', t, after(t, respH));
  row.handling_started_at = iso(taken);
  row.version++;
  if (fate < 0.07) {
    const v = after(taken, 1 + rnd() * 4);
    return v > now ? open('handling', taken, closeDue) : close('voided', v);
  }
  let work = handH * (rnd() < 0.88 ? 0.15 + rnd() * 0.8 : 1 + rnd() * 0.6);
  if (rnd() < 0.03) {
    // An approved extension: half the limit again.
    const asked = after(taken, work * 0.5);
    if (asked > now) return open('handling', taken, closeDue);
    closeDue = after(closeDue, handH * 0.5);
    row.close_due_at = iso(closeDue);
    row.extension_count = 1;
    row.version += 2;
    work = Math.min(work, handH * 1.4);
  }
  let handled = after(taken, work);
  if (rnd() < 0.015) {
    // Suspended (挂账) part-way; the limit moves by the time it stood still. One in five is still waiting.
    const from = after(taken, work * 0.3);
    if (from > now) return open('handling', taken, closeDue);
    row.suspended = 1;
    row.version++;
    const still = rnd() < 0.2;
    const stood = 8 + rnd() * 72;
    const resumed = after(from, stood);
    if (still || resumed > now) return open('suspended', from, null);
    closeDue = after(closeDue, stood);
    row.close_due_at = iso(closeDue);
    handled = after(resumed, work * 0.7);
    row.version++;
  }
  if (handled > now) return open('handling', taken, closeDue);
  row.handled_at = iso(handled);
  row.handling_count = 1;
  row.version++;
  let checked = after(handled, (1 + rnd() * 6) * f);
  if (checked > now) return open('checking', handled, after(handled, 8 * f));
  if (rnd() < 0.04) {
    // 返工: back to handling, done again, checked again.
    row.rework_count = 1;
    const redone = after(checked, 2 + rnd() * 6);
    if (redone > now) return open('handling', checked, closeDue > checked ? closeDue : checked);
    row.handled_at = iso(redone);
    row.handling_count = 2;
    row.version += 2;
    checked = after(redone, (1 + rnd() * 4) * f);
    if (checked > now) return open('checking', redone, after(redone, 8 * f));
  }
  row.closed_at = iso(checked);
  row.closed_on_time = checked <= closeDue ? 1 : 0;
  row.version++;
  if (rnd() < 0.6) {
    const rated = after(checked, 2 + rnd() * 22);
    if (rated <= now) {
      row.rating = pickRating(rnd);
      row.rated_at = iso(rated);
      row.version++;
      return close('rated', rated);
    }
  }
  return close('closed', checked);
}
