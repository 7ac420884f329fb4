/**
 * The cockpit section of `npm run bench` (BENCH_ONLY=cockpit runs only this one; BENCH_DB picks one
 * database; BENCH_DOC=off leaves docs/benchmarks.md alone): 驾驶舱 and open-data reads of a
 * BENCH_RESIDENTS-resident city (default 1,000,000), target under 300 ms each on both databases.
 *
 * The city: bench/generate-city.ts (org tree, dwellings, households, people), a year of
 * BENCH_COCKPIT_EVENTS grid events on its grids (default 300,000, bench/generate-events.ts with
 * `existingTree`), and what else the refresh reads, written straight as multi-row inserts from one
 * pass over the people (deterministic for a seed): people who moved out or died, special-group
 * tags (typed ones at fixed rates, derived ones by the tag definitions' own rules), a year of
 * service applications and of volunteer service (teams, weekly opportunities, sign-ups, service
 * records with credited minutes). PostgreSQL then vacuumed and analysed, SQLite analysed.
 *
 * Measured: `refreshStatistics` in full (after a warm-up refresh), then through the service layer as
 * the city's dispatcher, BENCH_COCKPIT_RUNS runs each (default 50, after 3 warm-ups): the overview
 * at city, street, community and grid; the map at city, street and community for two indicators;
 * open data (population, events) at community and grid level, as a dataset (parsed) and as the JSON
 * text the portal sends.
 */
import os from 'node:os';
import { CompiledQuery, sql } from 'kysely';
import type { Platform } from '../src/platform/bootstrap.js';
import type { PlatformContext } from '../src/platform/context.js';
import type { Database } from '../src/platform/db/schema.js';
import { newId } from '../src/platform/ids.js';
import { createUser } from '../src/platform/auth/users.service.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import type { Actor } from '../src/platform/policy/actor.js';
import { mulberry32 } from '../src/demo/random.js';
import { derivedRules, derivedTagsOfNewPeople, ageOnDate } from '../src/modules/registry/tags.derived.js';
import { chinaToday } from '../src/modules/registry/tags.filter.js';
import type { PersonTagTable } from '../src/modules/registry/tags.table.js';
import { cockpitMap, cockpitOverview, refreshStatistics } from '../src/modules/cockpit/cockpit.service.js';
import { openDataset, openDatasetText, type OpenDataset } from '../src/modules/cockpit/opendata.service.js';
import { forgetStatistics } from '../src/modules/cockpit/cockpit.cache.js';
import { generateCity } from './generate-city.js';
import { generateEvents } from './generate-events.js';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export interface CockpitFigures {
  dialect: 'sqlite' | 'postgres';
  city: { residents: number; households: number; dwellings: number; streets: number; communities: number; grids: number; ms: number };
  events: { n: number; ms: number; from: string; to: string };
  extras: { movedOut: number; tags: number; applications: number; volunteers: number; opportunities: number; records: number; ms: number };
  vacuumMs: number;
  /** stallMs: the longest the event loop stood still during the measured refresh (better-sqlite3 is synchronous). */
  refresh: { ms: number; cells: number; warmMs: number; stallMs?: number };
  reads: { group: 'overview' | 'map' | 'open data'; label: string; t: Timing; detail: string }[];
  loadavg: [number, number];
}

const TARGET_MS = 300;

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

async function timed(n: number, warm: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warm; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

const DAY = 86_400_000;

/** Typed special-group tags at fixed rates (a share of those the condition admits). */
const TYPED_TAGS: { tag: string; rate: number; when: (p: { age: number; gender: string }) => boolean }[] = [
  { tag: '低保', rate: 0.015, when: () => true },
  { tag: '特困', rate: 0.01, when: (p) => p.age >= 60 },
  { tag: '残疾人', rate: 0.05, when: () => true },
  { tag: '独居老人', rate: 0.08, when: (p) => p.age >= 65 },
  { tag: '空巢老人', rate: 0.15, when: (p) => p.age >= 60 },
  { tag: '退役军人', rate: 0.02, when: (p) => p.gender === '男' && p.age >= 30 },
  { tag: '留守儿童', rate: 0.01, when: (p) => p.age < 16 },
  { tag: '重点人员', rate: 0.001, when: (p) => p.age >= 18 },
];

const RATINGS = ['满意', '满意', '满意', '满意', '满意', '满意', '基本满意', '基本满意', '不满意'] as const;
const ACTIVITIES = ['垃圾分类宣传', '敬老院慰问', '社区环境整治', '文明交通劝导', '关爱独居老人', '四点半课堂', '反诈宣传', '义诊服务'];

/**
 * One pass over the people (keyset pages by id): moved out or deceased, tags, applications,
 * volunteers; then the volunteers' year of service. Rows written as multi-row inserts.
 */
async function generateExtras(ctx: PlatformContext, userId: string, log: (m: string) => void, seed = 20_261_126) {
  const started = performance.now();
  const db = ctx.db.kysely;
  const rnd = mulberry32(seed);
  const now = ctx.now();
  const today = chinaToday(now);
  const at = now.toISOString();
  const chunk = ctx.db.dialect === 'postgres' ? 1000 : 300;
  const rules = await derivedRules(db);
  const known = new Set((await db.selectFrom('tag_definition').select('code').execute()).map((t) => t.code));
  const typed = TYPED_TAGS.filter((t) => known.has(t.tag));
  const matters = await db.selectFrom('service_matter').select(['id', 'code', 'name', 'group_code', 'latest_version', 'published_version', 'time_limit_days']).where('status', '=', 'published').orderBy('code').execute();
  if (matters.length === 0) throw new Error('no published service matters to apply for');
  const nodes = await db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('kind', 'in', ['community', 'grid']).orderBy('path').execute();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  /** The grid (or community) of a person's path: where an application goes and a volunteer registers. */
  const gridOf = (path: string) => {
    const ids = path.split('/').filter(Boolean);
    for (let i = ids.length - 1; i >= 0; i--) {
      const n = byId.get(ids[i]!);
      if (n && (n.kind === 'grid' || n.kind === 'community')) return n;
    }
    return null;
  };
  const communityOf = (path: string) => {
    const ids = path.split('/').filter(Boolean);
    for (const id of ids) if (byId.get(id)?.kind === 'community') return byId.get(id)!;
    return null;
  };

  const pending = { tags: [] as PersonTagTable[], apps: [] as Record<string, unknown>[], volunteers: [] as Record<string, unknown>[], ended: [] as { id: string; kind: 'moved_out' | 'deceased'; date: string }[] };
  const counts = { movedOut: 0, tags: 0, applications: 0, volunteers: 0, opportunities: 0, records: 0 };
  const volunteersOf = new Map<string, string[]>(); // community id → volunteer ids
  const flush = async () => {
    const p = { ...pending };
    pending.tags = [];
    pending.apps = [];
    pending.volunteers = [];
    pending.ended = [];
    await db.transaction().execute(async (trx) => {
      for (const kind of ['moved_out', 'deceased'] as const) {
        const ids = p.ended.filter((e) => e.kind === kind);
        for (let i = 0; i < ids.length; i += 500) {
          const part = ids.slice(i, i + 500);
          await trx
            .updateTable('person')
            .set({ status: kind, end_kind: kind, end_date: part[0]!.date, end_reason: kind === 'moved_out' ? '迁出' : '死亡', ended_at: at, updated_at: at })
            .where('id', 'in', part.map((e) => e.id))
            .execute();
        }
      }
      for (let i = 0; i < p.tags.length; i += chunk) await trx.insertInto('person_tag').values(p.tags.slice(i, i + chunk)).execute();
      for (let i = 0; i < p.volunteers.length; i += chunk) await trx.insertInto('volunteer').values(p.volunteers.slice(i, i + chunk) as never).execute();
      for (let i = 0; i < p.apps.length; i += chunk) await trx.insertInto('service_application').values(p.apps.slice(i, i + chunk) as never).execute();
    });
  };

  const yearStart = now.getTime() - 365 * DAY;
  /** A time on a day of the past year, in Beijing office hours (08:30–17:30). */
  const officeTime = (dayMs: number) => {
    const midnight = Math.floor((dayMs + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
    return midnight + (8.5 + rnd() * 9) * 3_600_000;
  };
  let after = '';
  let seen = 0;
  let appSeq = 0;
  let volunteerSeq = 0;
  for (;;) {
    const people = await db
      .selectFrom('person')
      .select(['id', 'name', 'gender', 'birth_date', 'political_status', 'status', 'org_path', 'id_type', 'id_number_tail'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(20_000)
      .execute();
    if (people.length === 0) break;
    after = people[people.length - 1]!.id;
    const stay: typeof people = [];
    for (const p of people) {
      // About 1.5 % of the register moved out during the year and 0.5 % died: kept, not counted.
      const u = rnd();
      if (p.status === 'active' && u < 0.02) {
        pending.ended.push({ id: p.id, kind: u < 0.015 ? 'moved_out' : 'deceased', date: new Date(yearStart + rnd() * 365 * DAY).toISOString().slice(0, 10) });
        counts.movedOut++;
        continue;
      }
      stay.push(p);
    }
    for (const p of stay) {
      const age = ageOnDate(p.birth_date, today) ?? 0;
      for (const t of typed) {
        if (!t.when({ age, gender: p.gender }) || rnd() >= t.rate) continue;
        pending.tags.push({
          id: newId(),
          person_id: p.id,
          tag: t.tag,
          source: 'typed',
          department_code: null,
          valid_from: null,
          valid_to: null,
          note: null,
          created_by: userId,
          created_at: at,
          ended_at: null,
          ended_by: null,
          end_reason: null,
        });
      }
      const place = gridOf(p.org_path);
      // About 6 % of adults applied for something during the year.
      if (place && age >= 18 && rnd() < 0.06) {
        const m = matters[Math.floor(rnd() * matters.length)]!;
        const submitted = officeTime(yearStart + rnd() * 365 * DAY);
        const days = 1 + rnd() * Math.max(1, Number(m.time_limit_days) * 1.2);
        const done = submitted + days * DAY;
        const fate = rnd();
        let state: string;
        let completed: number | null = null;
        let closed: number | null = null;
        let rated: number | null = null;
        let rating: string | null = null;
        if (fate < 0.04) {
          state = rnd() < 0.5 ? 'withdrawn' : 'refused';
          closed = Math.min(now.getTime(), submitted + rnd() * 3 * DAY);
        } else if (done > now.getTime()) {
          state = rnd() < 0.5 ? 'submitted' : 'accepted';
        } else {
          completed = done;
          state = 'completed';
          if (rnd() < 0.55 && done + 2 * DAY < now.getTime()) {
            rated = done + rnd() * 2 * DAY;
            rating = RATINGS[Math.floor(rnd() * RATINGS.length)]!;
            state = 'rated';
          }
        }
        const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
        const code = `BA${String(++appSeq).padStart(8, '0')}`;
        pending.apps.push({
          id: newId(submitted),
          code,
          matter_id: m.id,
          matter_code: m.code,
          matter_version: Number(m.published_version ?? m.latest_version),
          matter_name: m.name,
          group_code: m.group_code,
          state,
          workflow_instance_id: null,
          org_node_id: place.id,
          org_path: place.path,
          channel: rnd() < 0.7 ? 'online' : 'on_behalf',
          applicant_user_id: null,
          applicant_person_id: p.id,
          applicant_name: p.name,
          applicant_id_enc: null,
          applicant_id_masked: null,
          applicant_phone_enc: null,
          applicant_phone_masked: null,
          applicant_address: null,
          agent_user_id: null,
          agent_name: null,
          agent_reason: null,
          form_data: '{}',
          paper_materials: '[]',
          missing_materials: '[]',
          returned_from: null,
          assignee_user_id: null,
          submitted_at: iso(submitted),
          accepted_at: state === 'submitted' ? null : iso(submitted + 0.2 * DAY),
          approved_at: completed ? iso(completed - 0.1 * DAY) : null,
          completed_at: iso(completed),
          closed_at: iso(closed),
          last_returned_at: null,
          resubmitted_at: null,
          return_count: 0,
          refusal_reason: state === 'refused' ? '材料不符合要求' : null,
          result: completed ? '已办结' : null,
          stage_started_at: iso(submitted),
          due_at: null,
          warn_at: null,
          warned_at: null,
          overdue_at: null,
          promise_due_at: iso(submitted + Number(m.time_limit_days) * DAY),
          completed_on_time: completed ? (days <= Number(m.time_limit_days) ? 1 : 0) : null,
          rating,
          rating_comment: null,
          rated_at: iso(rated),
          version: 1,
          created_at: iso(submitted),
          updated_at: iso(rated ?? completed ?? closed ?? submitted),
        });
        counts.applications++;
      }
      // About 2 % of people aged 18–75 are registered volunteers of their community.
      const community = communityOf(p.org_path);
      if (community && age >= 18 && age <= 75 && rnd() < 0.02) {
        const id = newId();
        pending.volunteers.push({
          id,
          org_node_id: community.id,
          org_path: community.path,
          number: `ZY2026-B${String(++volunteerSeq).padStart(7, '0')}`,
          user_id: null,
          person_id: p.id,
          name: p.name,
          id_type: p.id_type,
          id_number_enc: null,
          id_number_idx: null,
          id_masked: null,
          phone_enc: null,
          phone_masked: null,
          skills: '[]',
          availability: '[]',
          intro: null,
          status: 'active',
          consent_version: '2026-01',
          consent_text: '本人自愿注册为志愿者，同意平台处理本人信息用于志愿服务管理。',
          consent_at: at,
          consent_how: 'paper',
          registered_by: userId,
          version: 1,
          created_at: at,
          updated_at: at,
        });
        const list = volunteersOf.get(community.id) ?? [];
        list.push(id);
        volunteersOf.set(community.id, list);
        counts.volunteers++;
      }
    }
    // Derived tags (高龄老人, 育龄妇女, 党员) by the definitions' own rules.
    const derived = derivedTagsOfNewPeople(rules, stay.map((p) => ({ id: p.id, gender: p.gender, birth_date: p.birth_date, political_status: p.political_status, status: p.status })), today, at);
    pending.tags.push(...derived);
    counts.tags += pending.tags.length;
    await flush();
    seen += people.length;
    if (seen % 200_000 < 20_000) log(`  ${seen.toLocaleString()} people: ${counts.tags.toLocaleString()} tags, ${counts.applications.toLocaleString()} applications, ${counts.volunteers.toLocaleString()} volunteers`);
  }

  // A year of volunteer service: one team per community, an activity a week (on odd weeks at one of
  // its grids), ~20 of its volunteers at each, checked in and out with their minutes credited.
  const communities = nodes.filter((n) => n.kind === 'community');
  const gridsOf = new Map<string, typeof nodes>();
  for (const g of nodes.filter((n) => n.kind === 'grid')) {
    const c = communityOf(g.path);
    if (c) gridsOf.set(c.id, [...(gridsOf.get(c.id) ?? []), g]);
  }
  for (const c of communities) {
    const vols = volunteersOf.get(c.id) ?? [];
    if (vols.length === 0) continue;
    const teamId = newId();
    const opportunities: Record<string, unknown>[] = [];
    const signups: Record<string, unknown>[] = [];
    const records: Record<string, unknown>[] = [];
    for (let w = 0; w < 52; w++) {
      const where = w % 2 === 1 && (gridsOf.get(c.id)?.length ?? 0) > 0 ? gridsOf.get(c.id)![w % gridsOf.get(c.id)!.length]! : c;
      const starts = officeTime(yearStart + (w * 7 + 5) * DAY);
      if (starts > now.getTime()) continue;
      const minutes = [90, 120, 150, 180, 240][Math.floor(rnd() * 5)]!;
      const ends = starts + minutes * 60_000;
      const oppId = newId(starts);
      const iso = (t: number) => new Date(t).toISOString();
      const take = Math.min(vols.length, 12 + Math.floor(rnd() * 16));
      opportunities.push({
        id: oppId,
        org_node_id: where.id,
        org_path: where.path,
        team_id: teamId,
        organiser: `${c.name}志愿服务队`,
        category: '社区服务',
        title: ACTIVITIES[w % ACTIVITIES.length]!,
        description: '',
        place: where.name,
        starts_at: iso(starts),
        ends_at: iso(ends),
        signup_deadline: iso(starts - DAY),
        quota: 30,
        taken: take,
        signup_seq: take,
        skills: '[]',
        credit_minutes: minutes,
        requires_approval: 0,
        cover_attachment_id: null,
        status: 'published',
        cancel_reason: null,
        created_by: userId,
        published_at: iso(starts - 7 * DAY),
        version: 1,
        created_at: iso(starts - 7 * DAY),
        updated_at: iso(starts - 7 * DAY),
      });
      const first = Math.floor(rnd() * vols.length);
      for (let k = 0; k < take; k++) {
        const volunteerId = vols[(first + k) % vols.length]!;
        const signupId = newId(starts - 3 * DAY);
        signups.push({ id: signupId, opportunity_id: oppId, volunteer_id: volunteerId, status: 'confirmed', seq: k + 1, placed_at: iso(starts - 3 * DAY), signed_up_by: userId, on_behalf: 0, decided_by: null, decided_at: null, decline_reason: null, cancelled_at: null, cancel_reason: null, version: 1, created_at: iso(starts - 3 * DAY), updated_at: iso(starts - 3 * DAY) });
        const credited = Math.max(30, minutes - Math.floor(rnd() * 30));
        records.push({ id: newId(starts), signup_id: signupId, opportunity_id: oppId, volunteer_id: volunteerId, org_path: where.path, check_in_at: iso(starts + rnd() * 600_000), check_in_method: 'qr', check_in_by: userId, check_out_at: iso(ends), check_out_method: 'qr', check_out_by: userId, credited_minutes: credited, journal_id: null, corrections: 0, version: 2, created_at: iso(starts), updated_at: iso(ends) });
      }
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('volunteer_team').values({ id: teamId, org_node_id: c.id, org_path: c.path, name: `${c.name}志愿服务队`, kind: 'service', description: '', active: 1, created_by: userId, version: 1, created_at: at, updated_at: at }).execute();
      const put = async (table: keyof Database, rows: Record<string, unknown>[]) => {
        for (let i = 0; i < rows.length; i += chunk) await trx.insertInto(table).values(rows.slice(i, i + chunk) as never).execute();
      };
      await put('volunteer_team_member', vols.map((v, i) => ({ team_id: teamId, volunteer_id: v, role: i === 0 ? 'leader' : 'member', joined_at: at })));
      await put('volunteer_opportunity', opportunities);
      await put('volunteer_signup', signups);
      await put('volunteer_service_record', records);
    });
    counts.opportunities += opportunities.length;
    counts.records += records.length;
  }
  return { ...counts, ms: Math.round(performance.now() - started) };
}

/**
 * The plan of the query behind a read (the same SQL as cockpit.repository.ts's nodeTotals /
 * nodesTotals / openText), printed when a read misses the target or with BENCH_EXPLAIN=1.
 */
type Explained = { kind: 'node'; nodeId: string } | { kind: 'children'; nodeIds: string[]; metrics: string[] } | { kind: 'open'; name: string; level: string };
async function explainRead(ctx: PlatformContext, what: Explained) {
  const q = (i: number) => (ctx.db.dialect === 'postgres' ? `$${i}` : '?');
  let text: string;
  let params: unknown[];
  if (what.kind === 'node') {
    text = `select r.computed_at, r.generation, n.metric, n.dim1, n.dim2, n.value from stat_refresh r left join stat_node n on n.generation = r.generation and n.org_node_id = ${q(1)} where r.id = 'cells'`;
    params = [what.nodeId];
  } else if (what.kind === 'children') {
    const ids = what.nodeIds.map((_, i) => q(i + 1)).join(', ');
    const ms = what.metrics.map((_, i) => q(what.nodeIds.length + i + 1)).join(', ');
    text = `select n.org_node_id, n.metric, n.dim1, n.dim2, n.value from stat_node n inner join stat_refresh r on r.generation = n.generation and r.id = 'cells' where n.org_node_id in (${ids}) and n.metric in (${ms})`;
    params = [...what.nodeIds, ...what.metrics];
  } else {
    text = `select month, body from stat_open where generation = (select generation from stat_refresh where id = 'cells') and name = ${q(1)} and level = ${q(2)} and format = 'json'`;
    params = [what.name, what.level];
  }
  const prefix = ctx.db.dialect === 'postgres' ? 'explain (analyze, buffers) ' : 'explain query plan ';
  const { rows } = await ctx.db.kysely.executeQuery(CompiledQuery.raw(prefix + text, params));
  return (rows as Record<string, unknown>[]).map((r) => String(r['QUERY PLAN'] ?? r.detail ?? JSON.stringify(r))).join('\n');
}

async function account(ctx: PlatformContext, username: string, role: 'dispatcher' | 'system_admin', orgNodeId: string): Promise<Actor> {
  const id = await createUser(ctx, { username, displayName: username, password: 'Linli@2026', mustChangePassword: false, grants: [{ role, orgNodeId }] });
  return (await loadActor(ctx.db.kysely, id))!;
}

export async function benchCockpit(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { residents: number; events: number; runs: number; log: (msg: string) => void },
): Promise<CockpitFigures> {
  const { log } = opts;
  const load0 = os.loadavg()[0]!;
  log(`\n[${dialect}] cockpit: generating a city of ${opts.residents.toLocaleString()} residents…`);
  const { platform, cleanup } = await openFresh(dialect);
  const ctx = platform.ctx;
  const db = ctx.db.kysely;
  try {
    const city = await generateCity(ctx, { residents: opts.residents, log });
    log(`[${dialect}] city: ${city.residents.toLocaleString()} residents, ${city.grids} grids in ${(city.ms / 1000).toFixed(1)} s`);
    const ev = await generateEvents(ctx, { events: opts.events, existingTree: true, log });
    log(`[${dialect}] events: ${ev.events.toLocaleString()} in ${(ev.ms / 1000).toFixed(1)} s`);
    const dispatcher = await account(ctx, 'bench_cockpit', 'dispatcher', city.cityId);
    const extras = await generateExtras(ctx, dispatcher.userId, log);
    log(`[${dialect}] extras in ${(extras.ms / 1000).toFixed(1)} s: ${JSON.stringify(extras)}`);
    const t0 = performance.now();
    // As autovacuum does within a minute or two of such a load: statistics and the visibility map.
    if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
    else await sql`analyze`.execute(db);
    const vacuumMs = performance.now() - t0;
    log(`[${dialect}] ${dialect === 'postgres' ? 'vacuum analyze' : 'analyze'}: ${(vacuumMs / 1000).toFixed(1)} s`);

    log(`[${dialect}] refreshStatistics (warm-up, then measured)…`);
    const warm = await refreshStatistics(ctx);
    // A 5 ms ticker: the longest gap between its ticks is the longest the event loop stood still.
    let last = performance.now();
    let stallMs = 0;
    const ticker = setInterval(() => {
      const t = performance.now();
      stallMs = Math.max(stallMs, t - last);
      last = t;
    }, 5);
    const r = await refreshStatistics(ctx);
    await new Promise((done) => setTimeout(done, 20));
    clearInterval(ticker);
    if (dialect === 'postgres') await sql`analyze stat_cell, stat_node, stat_open`.execute(db);
    log(`[${dialect}]   warm-up ${warm.ms} ms, measured ${r.ms} ms, ${r.cells.toLocaleString()} cells, longest event-loop stall ${ms(stallMs)}`);

    const street = ev.streets[0]!;
    const community = ev.communities.find((c) => c.parentId === street.id)!;
    const grid = ev.grids.find((g) => g.parentId === community.id)!;
    const reads: CockpitFigures['reads'] = [];
    const measure = async (group: CockpitFigures['reads'][number]['group'], label: string, fn: () => Promise<unknown>, describe: (r: unknown) => string, explain: Explained) => {
      const first = await fn();
      // Cold: the first read after a refresh (nothing of it in memory: the overview and the map read
      // stat_node, open data stat_open); later reads until the next refresh: the overview and the
      // map read the same, an open dataset comes from memory (cockpit.cache.ts). Both are figures.
      const cold = () => {
        forgetStatistics();
        return fn();
      };
      const t = await timed(opts.runs, 3, cold);
      reads.push({ group, label: `${label}, first read after a refresh`, t, detail: describe(first) });
      log(`[${dialect}]   ${group} ${label} (cold): p50 ${ms(t.p50)}, p95 ${ms(t.p95)} (${describe(first)})`);
      const warm = await timed(opts.runs, 3, fn);
      reads.push({ group, label: `${label}, later reads`, t: warm, detail: describe(first) });
      log(`[${dialect}]   ${group} ${label} (cached): p50 ${ms(warm.p50)}, p95 ${ms(warm.p95)}`);
      if (t.p95 > TARGET_MS || process.env.BENCH_EXPLAIN) log(await explainRead(ctx, explain));
    };
    type O = Awaited<ReturnType<typeof cockpitOverview>>;
    const ov = (x: unknown) => `${(x as O).population.residents.toLocaleString()} residents, ${(x as O).events.reported.reduce((s, n) => s + n, 0).toLocaleString()} events`;
    const one = (nodeId: string): Explained => ({ kind: 'node', nodeId });
    await measure('overview', `city (${city.streets} ${city.streets === 1 ? 'street' : 'streets'})`, () => cockpitOverview(ctx, dispatcher), ov, one(city.cityId));
    await measure('overview', `street`, () => cockpitOverview(ctx, dispatcher, street.id), ov, one(street.id));
    await measure('overview', `community`, () => cockpitOverview(ctx, dispatcher, community.id), ov, one(community.id));
    await measure('overview', `grid`, () => cockpitOverview(ctx, dispatcher, grid.id), ov, one(grid.id));
    type M = Awaited<ReturnType<typeof cockpitMap>>;
    const mp = (x: unknown) => `${(x as M).items.length} areas`;
    const METRICS = { residents: ['pop'], onTimeRate: ['ev_on_time', 'ev_closed_counted'] };
    for (const indicator of ['residents', 'onTimeRate'] as const) {
      const kids = (ids: string[]): Explained => ({ kind: 'children', nodeIds: ids, metrics: METRICS[indicator] });
      await measure('map', `city → streets, ${indicator}`, () => cockpitMap(ctx, dispatcher, city.cityId, indicator), mp, kids(ev.streets.map((x) => x.id)));
      await measure('map', `street → communities, ${indicator}`, () => cockpitMap(ctx, dispatcher, street.id, indicator), mp, kids(ev.communities.filter((x) => x.parentId === street.id).map((x) => x.id)));
      await measure('map', `community → grids, ${indicator}`, () => cockpitMap(ctx, dispatcher, community.id, indicator), mp, kids(ev.grids.filter((x) => x.parentId === community.id).map((x) => x.id)));
    }
    const od = (x: unknown) => describeDataset(x);
    for (const name of ['population', 'events'] as const) {
      for (const level of ['community', 'grid'] as const) {
        await measure('open data', `${name}, level=${level}`, () => openDataset(ctx, name, level), od, { kind: 'open', name, level });
      }
    }
    // What the portal sends (GET /api/v1/open-data/{name}.json): the stored text as it is.
    const size = (x: unknown) => `${((x as { text: string }).text.length / 1e6).toFixed(1)} M characters`;
    for (const name of ['population', 'events'] as const) {
      for (const level of ['community', 'grid'] as const) {
        await measure('open data', `${name}.json as sent, level=${level}`, () => openDatasetText(ctx, name, level, 'json'), size, { kind: 'open', name, level });
      }
    }
    return {
      dialect,
      city: { residents: city.residents, households: city.households, dwellings: city.dwellings, streets: city.streets, communities: city.communities, grids: city.grids, ms: city.ms },
      events: { n: ev.events, ms: ev.ms, from: ev.from, to: ev.to },
      extras,
      vacuumMs,
      refresh: { ms: r.ms, cells: r.cells, warmMs: warm.ms, stallMs },
      reads,
      loadavg: [load0, os.loadavg()[0]!],
    };
  } finally {
    await cleanup();
  }
}

/** Records of an open dataset and how many of them are withheld (small cells and secondary). */
function describeDataset(x: unknown): string {
  const { records } = x as OpenDataset;
  const withheld = records.filter((r) => r.suppressed === true).length;
  return `${records.length.toLocaleString()} records, ${withheld.toLocaleString()} withheld`;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

export function cockpitSection(figs: CockpitFigures[], machine: string): string[] {
  const out: string[] = [];
  if (figs.length === 0) return out;
  const f0 = figs[0]!;
  const date = new Date().toISOString().slice(0, 10);
  const c = f0.city;
  out.push(`## Cockpit at ${c.residents.toLocaleString()} residents`, '');
  out.push(
    `Run on **${date}**, ${machine}; the 2 cores are shared with other engineers' test runs, so the load average is shown. A city from bench/generate-city.ts (${c.residents.toLocaleString()} residents in ${c.households.toLocaleString()} households, ${c.dwellings.toLocaleString()} dwellings, ${c.grids} grids, ${c.communities} communities, ${c.streets} streets), a year of ${f0.events.n.toLocaleString()} grid events on its grids (bench/generate-events.ts, ${f0.events.from} to ${f0.events.to}), and what else the refresh reads, written straight as multi-row inserts in one deterministic pass over the people: ${f0.extras.movedOut.toLocaleString()} people moved out or died (kept, not counted), ${f0.extras.tags.toLocaleString()} special-group tags (typed at fixed rates; 高龄老人, 育龄妇女 by the definitions' rules), ${f0.extras.applications.toLocaleString()} service applications, ${f0.extras.volunteers.toLocaleString()} volunteers with ${f0.extras.records.toLocaleString()} service records at ${f0.extras.opportunities.toLocaleString()} weekly activities (no mutual-aid funds). PostgreSQL then vacuumed and analysed, SQLite analysed. \`refreshStatistics\` (measured after a warm-up refresh, a 5 ms timer recording the longest gap in the event loop meanwhile) reads the facts in one snapshot (SQLite: in a worker thread on its own connection), computes in slices with a pause between them the cells, every area node's subtree totals (\`stat_node\`) and every open dataset at every level with its JSON and CSV text (\`stat_open\`), writes them as a new generation a few hundred rows per statement, flips the current generation in one statement and deletes the old one in slices. The reads go through the service layer as the city's dispatcher (\`cockpitOverview\`, \`cockpitMap\`, \`openDataset\`), ${f0.reads[0]?.t.n ?? 0} runs each after 3 warm-ups: "first read after a refresh" with nothing in memory (the overview and the map read one node's or its children's \`stat_node\` rows; an open dataset reads its stored JSON and parses it, the text as sent — \`GET /api/v1/open-data/{name}.json\` — is the stored text as it is), "later reads" the same calls again (the overview and the map read \`stat_node\` again; an open dataset or its text is then kept in memory until the next refresh); target under ${TARGET_MS} ms each.`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' | target |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' | --- |');
  const row = (label: string, f: (x: CockpitFigures) => string, target = '') => out.push(`| ${label} | ${figs.map(f).join(' | ')} | ${target} |`);
  row('generate the city / the year of events / the rest (tags, applications, volunteers)', (f) => `${(f.city.ms / 1000).toFixed(0)} s / ${(f.events.ms / 1000).toFixed(0)} s / ${(f.extras.ms / 1000).toFixed(0)} s (+ ${(f.vacuumMs / 1000).toFixed(1)} s ${f.dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'})`);
  row('**`refreshStatistics`, full** (cells written)', (f) => `**${(f.refresh.ms / 1000).toFixed(1)} s** (${f.refresh.cells.toLocaleString()} cells; warm-up ${(f.refresh.warmMs / 1000).toFixed(1)} s)`, 'every 10 min');
  if (figs.some((f) => f.refresh.stallMs !== undefined)) row('… longest event-loop stall during it (every request waits that long)', (f) => (f.refresh.stallMs === undefined ? '—' : f.refresh.stallMs >= 1000 ? `${(f.refresh.stallMs / 1000).toFixed(1)} s` : ms(f.refresh.stallMs)));
  for (let k = 0; k < f0.reads.length; k++) {
    const r = f0.reads[k]!;
    const hit = (f: CockpitFigures) => {
      const x = f.reads[k];
      if (!x) return '—';
      const p95 = x.t.p95 <= TARGET_MS ? ms(x.t.p95) : `**${ms(x.t.p95)} (over)**`;
      return `${ms(x.t.p50)} / ${p95}`;
    };
    row(`${r.group} p50 / p95: ${r.label} (${r.detail})`, hit, k === 0 ? `p95 < ${TARGET_MS} ms` : '');
  }
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  const over = figs.flatMap((f) => f.reads.filter((r) => r.t.p95 > TARGET_MS).map((r) => `${f.dialect} ${r.group} ${r.label.replace(/ \(.*\)$/, '')} (p95 ${ms(r.t.p95)})`));
  out.push(over.length === 0 ? `Every read, first after a refresh or later, is under ${TARGET_MS} ms at p95 on ${figs.map((f) => f.dialect).join(' and ')}.` : `Over ${TARGET_MS} ms at p95: ${over.join('; ')}.`, '');
  const stall = (f: CockpitFigures) => `${f.dialect} ${f.refresh.stallMs === undefined ? '—' : f.refresh.stallMs >= 1000 ? `${(f.refresh.stallMs / 1000).toFixed(1)} s` : ms(f.refresh.stallMs)}`;
  out.push(
    `Before (the same generated city, measured earlier on 2026-11-26 on a 2 × Intel Xeon machine, also shared; cells summed by a path range at request time): the city overview p95 242.6 ms on SQLite and **341.2 ms** on PostgreSQL, open data population at grid level p95 **787.5 ms** / **1315.7 ms** (54,000 records built in JavaScript per read), and the refresh held the event loop **15.4 s** on SQLite (one transaction on the single synchronous connection) and 825 ms on PostgreSQL. Now a read costs an indexed look-up of one node's rows (a few hundred, \`stat_node\` primary key \`(generation, org_node_id, metric, dim1, dim2)\`, whatever the size of the city), or of the stored text of a dataset; the longest stall during a refresh: ${figs.map(stall).join(', ')}.`,
    '',
    ...(figs.some((f) => f.reads.some((r) => r.group === 'open data' && !r.label.includes('as sent') && r.t.p95 > TARGET_MS))
      ? [
          `Where an open dataset's first read after a refresh is over ${TARGET_MS} ms, it is \`openDataset\` (the dataset as an object, for the service layer and the tests) parsing the stored JSON of the largest dataset (population at grid level: 54,000 records, about 9 M characters) once per refresh and process; the portal's download (rows "as sent") sends the stored text without parsing it. Later reads are served from memory.`,
          '',
        ]
      : []),
    `The refresh itself takes longer than before (${figs.map((f) => `${f.dialect} ${(f.refresh.ms / 1000).toFixed(1)} s`).join(', ')}, against 12.4 s / 14.4 s): it writes the subtree totals and 30 dataset texts besides the cells, two generations stand side by side while it writes, and it pauses between slices so requests are served meanwhile; readers see the old generation until the flip. It runs every 10 minutes.`,
    '',
  );
  return out;
}
