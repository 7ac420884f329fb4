/**
 * The grid events section of `npm run bench`: a city's year of events (bench/generate-events.ts),
 * then through the service layer (no HTTP): reporting with workflow and audit, the dispatcher's
 * queue, and the indicators of a sub-district over the year.
 */
import os from 'node:os';
import { CompiledQuery, sql } from 'kysely';
import type { PlatformContext } from '../src/platform/context.js';
import type { Platform } from '../src/platform/bootstrap.js';
import { createUser } from '../src/platform/auth/users.service.js';
import type { Actor } from '../src/platform/policy/actor.js';
import type { Role } from '../src/platform/policy/roles.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import { mulberry32 } from '../src/demo/random.js';
import { listEvents, reportEvent } from '../src/modules/events/events.service.js';
import { OPEN_STATES } from '../src/modules/events/events.repository.js';
import { computeIndicators } from '../src/modules/events/events.indicators.js';
import { exportIndicators } from '../src/modules/events/indicators.xlsx.js';
import { indicatorsQuery, placesIn } from '../src/modules/events/indicators.repository.js';
import { ensureWorkClock } from '../src/modules/events/indicators.clock.js';
import type { IndicatorGroupBy } from '../src/modules/events/indicators.schema.js';
import { generateEvents, type EventCity } from './generate-events.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildApp } from '../src/platform/http/app.js';
import { modules } from '../src/modules/index.js';
import { verifyAuditChain } from '../src/platform/audit/audit.js';
import { writeBatchStats } from '../src/platform/db/write-batch.js';

/** Seconds of HTTP load for the reporting row through HTTP (BENCH_SECONDS, as the other load tests). */
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** autocannon in a child process, so load generation does not share the server's event loop. */
function autocannon(url: string, opts: { method: string; body: string; headers: Record<string, string>; connections: number; seconds: number }) {
  const args = ['-j', '-d', String(opts.seconds), '-c', String(opts.connections), '-m', opts.method, '-b', opts.body];
  for (const [k, v] of Object.entries(opts.headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise<{ ok: number; p50: number; p97_5: number; errors: number; non2xx: number }>((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules/.bin/autocannon'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out);
        resolve({ ok: r['2xx'], p50: r.latency.p50, p97_5: r.latency.p97_5, errors: r.errors, non2xx: r.non2xx });
      } catch (err) {
        reject(new Error(`autocannon output unreadable: ${out.slice(0, 200)} ${String(err)}`));
      }
    });
  });
}

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export interface EventsFigures {
  dialect: 'sqlite' | 'postgres';
  events: number;
  city: Pick<EventCity, 'from' | 'to' | 'states'> & { streets: number; communities: number; grids: number; ms: number };
  vacuumMs: number | null;
  create: { label: string; n: number; perSecond: number; t: Timing; note?: string }[];
  queue: { label: string; open: number; t: Timing }[];
  indicators: { groupBy: IndicatorGroupBy; groups: number; reported: number; t: Timing }[];
  xlsx: Timing;
  streetEvents: number;
  loadavg: [number, number];
}

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

async function timed(n: number, warm: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warm; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

async function account(ctx: PlatformContext, username: string, role: Role, orgNodeId: string): Promise<Actor> {
  const id = await createUser(ctx, { username, displayName: username, password: 'Linli@2026', mustChangePassword: false, grants: [{ role, orgNodeId }] });
  return (await loadActor(ctx.db.kysely, id))!;
}

/** The plan of a query, for reading while tuning (BENCH_EXPLAIN=1). */
async function explain(ctx: PlatformContext, text: string, params: readonly unknown[]) {
  const prefix = ctx.db.dialect === 'postgres' ? 'explain (analyze, buffers) ' : 'explain query plan ';
  const { rows } = await ctx.db.kysely.executeQuery(CompiledQuery.raw(prefix + text, [...params]));
  return (rows as Record<string, unknown>[]).map((r) => String(r['QUERY PLAN'] ?? r.detail ?? JSON.stringify(r))).join('\n');
}

export async function benchEvents(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { events: number; reports: number; log: (msg: string) => void },
): Promise<EventsFigures> {
  const { log } = opts;
  const load0 = os.loadavg()[0]!;
  log(`\n[${dialect}] events: generating a city's year of ${opts.events.toLocaleString()} events…`);
  const { platform, cleanup } = await openFresh(dialect);
  const ctx = platform.ctx;
  const db = ctx.db.kysely;
  try {
    const city = await generateEvents(ctx, { events: opts.events, log });
    log(`[${dialect}] generated ${city.events.toLocaleString()} events in ${(city.ms / 1000).toFixed(1)} s: ${JSON.stringify(city.states)}`);
    let vacuumMs: number | null = null;
    if (dialect === 'postgres') {
      // As autovacuum does within a minute or two of such a load: statistics and the visibility map.
      const t = performance.now();
      await sql`vacuum analyze`.execute(db);
      vacuumMs = performance.now() - t;
      log(`[${dialect}] vacuum analyze: ${(vacuumMs / 1000).toFixed(1)} s`);
    }
    const street = city.streets[0]!;
    const community = city.communities.find((c) => c.parentId === street.id)!;
    const streetEvents = Number(
      (await db.selectFrom('grid_event').select(sql<number>`count(*)`.as('n')).where('org_path', '>=', street.path).where('org_path', '<', `${street.path}\uffff`).executeTakeFirstOrThrow()).n,
    );
    const dispatcher = await account(ctx, 'bench_dispatcher', 'dispatcher', street.id);
    const staff = await account(ctx, 'bench_staff', 'community_staff', community.id);
    const resident = await account(ctx, 'bench_resident', 'resident', city.grids.find((g) => g.parentId === community.id)!.id);

    // Reads first, on the year as generated.
    log(`[${dialect}] dispatcher queue…`);
    const queue: EventsFigures['queue'] = [];
    for (const [label, actor] of [
      [`street dispatcher (${street.name}, ${streetEvents.toLocaleString()} events)`, dispatcher],
      [`community staff (${community.name})`, staff],
    ] as const) {
      const run = () => listEvents(ctx, actor, { state: OPEN_STATES, sort: 'due_at', page: 1, pageSize: 20 });
      const first = await run();
      const t = await timed(200, 5, run);
      queue.push({ label, open: first.total, t });
      log(`[${dialect}]   ${label}: ${first.total} open, p50 ${ms(t.p50)}, p95 ${ms(t.p95)}`);
    }

    log(`[${dialect}] indicators of ${street.name} over ${city.from} – ${city.to}…`);
    const indicators: EventsFigures['indicators'] = [];
    for (const groupBy of ['grid', 'community', 'unit', 'category', 'month', 'day'] as IndicatorGroupBy[]) {
      const run = () => computeIndicators(ctx, dispatcher, { from: city.from, to: city.to, groupBy });
      const r = await run();
      const t = await timed(groupBy === 'grid' ? 20 : 5, 1, run);
      indicators.push({ groupBy, groups: r.groups.length, reported: r.total.counts.reported, t });
      log(`[${dialect}]   by ${groupBy}: ${r.groups.length} groups, ${r.total.counts.reported} events, p50 ${ms(t.p50)}, p95 ${ms(t.p95)}; total ${JSON.stringify(r.total.rates)}`);
    }
    const xlsx = await timed(5, 1, () => exportIndicators(ctx, dispatcher, { from: city.from, to: city.to, groupBy: 'grid' }));
    log(`[${dialect}]   xlsx by grid: p50 ${ms(xlsx.p50)}`);
    if (process.env.BENCH_EXPLAIN) {
      const clock = await ensureWorkClock(ctx);
      const range = { from: `${city.from}T00:00:00.000Z`, to: `${city.to}T16:00:00.000Z`, fromDate: city.from, toDate: city.to, asOf: ctx.now().toISOString() };
      const q = indicatorsQuery(ctx.db.dialect, clock, { paths: [street.path], departmentPaths: [] }, range, 'place', await placesIn(ctx.db, [street.path])).compile(db);
      log(await explain(ctx, q.sql, q.parameters));
    }

    // Reporting through the service: resident (located by point) and staff (a phone call), each
    // in a row (every report waits for the one before: a transaction each), then concurrently (the
    // way a server sees them: reports that arrive together share a transaction, each in its own
    // savepoint, see src/platform/db/write-batch.ts), then through HTTP with autocannon.
    log(`[${dialect}] reporting ${opts.reports.toLocaleString()} events per row as a resident and as staff…`);
    const rnd = mulberry32(311);
    const grids = city.grids.filter((g) => g.parentId === community.id);
    const point = () => {
      const g = grids[Math.floor(rnd() * grids.length)]!.box;
      return { lat: g.south + (0.1 + rnd() * 0.8) * (g.north - g.south), lng: g.west + (0.1 + rnd() * 0.8) * (g.east - g.west) };
    };
    const byResident = () => reportEvent(ctx, { kind: 'user', actor: resident }, { categoryCode: '0101', description: '楼下垃圾桶满了没人清运', channel: 'resident_app', attributes: { amount: 'small' }, ...point() }, {});
    const byStaff = () =>
      reportEvent(ctx, { kind: 'user', actor: staff }, { categoryCode: '0201', description: '来电反映路灯不亮', channel: 'phone', orgNodeId: grids[Math.floor(rnd() * grids.length)]!.id, reporterName: '王先生', reporterPhone: '13812345678' }, {});
    // Every report leaves its event, its workflow case and two audit rows (workflow.start, events.event.report).
    const written = async () => {
      const count = async (q: Promise<{ n: number | string }>) => Number((await q).n);
      return {
        events: await count(db.selectFrom('grid_event').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()),
        cases: await count(db.selectFrom('workflow_instance').select(sql<number>`count(*)`.as('n')).where('subject_type', '=', 'grid_event').executeTakeFirstOrThrow()),
        reportAudits: await count(db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('action', '=', 'events.event.report').executeTakeFirstOrThrow()),
        startAudits: await count(db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('action', '=', 'workflow.start').where('target_type', '=', 'grid_event').executeTakeFirstOrThrow()),
      };
    };
    const checkWritten = async (before: Awaited<ReturnType<typeof written>>, n: number, label: string) => {
      const after = await written();
      for (const k of Object.keys(after) as (keyof typeof after)[]) {
        if (after[k] - before[k] !== n) throw new Error(`${label}: expected ${n} new ${k}, found ${after[k] - before[k]}`);
      }
    };
    const create: EventsFigures['create'] = [];
    for (const [label, fn] of [
      ['resident (resident_app, located by point), in a row', byResident],
      ['community staff (phone call, caller name and phone encrypted), in a row', byStaff],
    ] as const) {
      await fn();
      const before = await written();
      const samples: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < opts.reports; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      const perSecond = opts.reports / ((performance.now() - t0) / 1000);
      await checkWritten(before, opts.reports, label);
      create.push({ label, n: opts.reports, perSecond, t: percentiles(samples) });
      log(`[${dialect}]   ${label}: ${perSecond.toFixed(0)}/s, p95 ${ms(percentiles(samples).p95)}`);
    }
    for (const inFlight of [8, 64]) {
      const label = `resident and staff alternately, ${inFlight} in flight`;
      const before = await written();
      const batches0 = writeBatchStats(ctx.db);
      const samples: number[] = [];
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < opts.reports) {
          const i = next++;
          const t = performance.now();
          await (i % 2 ? byStaff() : byResident());
          samples.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const perSecond = opts.reports / ((performance.now() - t0) / 1000);
      await checkWritten(before, opts.reports, label);
      const batches = writeBatchStats(ctx.db).batches - batches0.batches;
      const note = `${(opts.reports / batches).toFixed(1)} reports per transaction`;
      create.push({ label, n: opts.reports, perSecond, t: percentiles(samples), note });
      log(`[${dialect}]   ${label}: ${perSecond.toFixed(0)}/s, p95 ${ms(percentiles(samples).p95)}, ${note}`);
    }
    {
      // HTTP: POST /api/v1/events as community staff (session cookie + CSRF), autocannon in another process.
      const connections = 64;
      const label = `community staff through HTTP (POST /api/v1/events, autocannon, ${connections} connections, ${HTTP_SECONDS} s)`;
      const app = await buildApp(ctx, modules, { logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
        const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench_staff', password: 'Linli@2026' }) });
        if (login.status !== 200) throw new Error(`login answered ${login.status}`);
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
        const csrf = String(((await login.json()) as { csrfToken?: string }).csrfToken);
        const body = JSON.stringify({ categoryCode: '0201', description: '来电反映路灯不亮', channel: 'phone', orgNodeId: grids[0]!.id, reporterName: '王先生', reporterPhone: '13812345678' });
        const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
        const check = await fetch(`${base}/api/v1/events`, { method: 'POST', headers, body });
        if (check.status !== 201) throw new Error(`POST /api/v1/events answered ${check.status}: ${await check.text()}`);
        const before = await written();
        const r = await autocannon(`${base}/api/v1/events`, { method: 'POST', body, headers, connections, seconds: HTTP_SECONDS });
        if (r.non2xx || r.errors) throw new Error(`${label}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        // Requests still in flight when autocannon stops are not counted by it, but may be written:
        // wait until the writes have settled (the same counts twice, a moment apart).
        let after = await written();
        for (let tries = 0; tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          const again = await written();
          if (JSON.stringify(again) === JSON.stringify(after)) break;
          after = again;
        }
        const added = after.events - before.events;
        if (added < r.ok || added > r.ok + connections) throw new Error(`${label}: ${r.ok} answered 201 but ${added} events written`);
        await checkWritten(before, added, label);
        create.push({ label, n: r.ok, perSecond: r.ok / HTTP_SECONDS, t: { p50: r.p50, p95: r.p97_5, n: r.ok }, note: 'latency p50 / p97.5 as autocannon measures them' });
        log(`[${dialect}]   ${label}: ${(r.ok / HTTP_SECONDS).toFixed(0)}/s (${r.ok} created), p50 ${ms(r.p50)}, p97.5 ${ms(r.p97_5)}`);
      } finally {
        await app.close();
      }
    }
    const chain = await verifyAuditChain(ctx.db);
    if (!chain.ok) throw new Error(`audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
    log(`[${dialect}]   audit chain verified (${chain.rows.toLocaleString()} rows)`);

    return {
      dialect,
      events: city.events,
      city: { from: city.from, to: city.to, states: city.states, streets: city.streets.length, communities: city.communities.length, grids: city.grids.length, ms: city.ms },
      vacuumMs,
      create,
      queue,
      indicators,
      xlsx,
      streetEvents,
      loadavg: [load0, os.loadavg()[0]!],
    };
  } finally {
    await cleanup();
  }
}

const ms = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

export function eventsSection(figs: EventsFigures[], machine: string): string[] {
  const out: string[] = [];
  const f0 = figs[0]!;
  const date = new Date().toISOString().slice(0, 10);
  const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
  out.push(`## Grid events at ${f0.events.toLocaleString()} events`, '');
  out.push(
    `Run on **${date}**, ${machine}. A city's year of grid events (bench/generate-events.ts: ${f0.city.streets} streets × ${f0.city.communities / f0.city.streets} communities × ${f0.city.grids / f0.city.communities} grids, ${f0.city.from} to ${f0.city.to}, working days busier than weekends, every row with the facts the loop leaves — acceptance, dispatches and returns, extensions, suspensions, rework, closing on time or late, ratings — and the open ones in their stage with its clock) written straight into grid_event on each database (PostgreSQL then vacuumed and analysed, as autovacuum does after such a load). Then, through the service layer unless a row says HTTP: the dispatcher's queue (\`listEvents\`, open states, sorted by deadline, first page of 20 with its total; 200 runs), the indicators of one sub-district (${f0.streetEvents.toLocaleString()} events) over the year as its dispatcher (\`computeIndicators\`), and reporting (\`reportEvent\`: category, location, workflow case with its clock, code, two audit rows).`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' | target |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' | --- |');
  const row = (label: string, f: (x: EventsFigures) => string, target = '') => out.push(`| ${label} | ${figs.map(f).join(' | ')} | ${target} |`);
  row('generate the year (bulk insert)', (f) => `${sec(f.city.ms)}${f.vacuumMs !== null ? ` (+ vacuum analyze ${sec(f.vacuumMs)})` : ''}`);
  for (let k = 0; k < f0.create.length; k++) {
    const c = f0.create[k]!;
    row(
      `**reports per second** — ${c.label}${c.label.includes('HTTP') ? '' : ` (${c.n.toLocaleString()})`}`,
      (f) => {
        const x = f.create[k]!;
        const lat = Number.isNaN(x.t.p95) ? '' : x.label.includes('HTTP') ? ` (${x.n.toLocaleString()} created; p50 ${ms(x.t.p50)}, p97.5 ${ms(x.t.p95)})` : ` (p50 ${ms(x.t.p50)}, p95 ${ms(x.t.p95)})`;
        return `**${x.perSecond.toFixed(0)}/s**${lat}${x.note && !x.label.includes('HTTP') ? `; ${x.note}` : ''}`;
      },
      'SQLite ≥ 2,000/s',
    );
  }
  for (let k = 0; k < f0.queue.length; k++) {
    row(`**dispatcher queue p95** — ${f0.queue[k]!.label}`, (f) => `**${ms(f.queue[k]!.t.p95)}** (p50 ${ms(f.queue[k]!.t.p50)}, ${f.queue[k]!.open.toLocaleString()} open)`, '< 50 ms');
  }
  for (let k = 0; k < f0.indicators.length; k++) {
    const i = f0.indicators[k]!;
    const bold = i.groupBy === 'grid';
    row(
      `${bold ? '**' : ''}indicators of the sub-district over the year, by ${i.groupBy}${bold ? '**' : ''} (${i.groups} rows; p50 / p95 of ${i.t.n})`,
      (f) => `${bold ? '**' : ''}${ms(f.indicators[k]!.t.p50)} / ${ms(f.indicators[k]!.t.p95)}${bold ? '**' : ''}`,
      bold ? '< 500 ms' : '',
    );
  }
  row('the same as xlsx (by grid), p50', (f) => ms(f.xlsx.p50));
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  const sqlite = figs.find((f) => f.dialect === 'sqlite');
  if (sqlite) {
    const met = sqlite.create.filter((c) => c.perSecond >= 2000).map((c) => `${c.label} (${c.perSecond.toFixed(0)}/s)`);
    const missed = sqlite.create.filter((c) => c.perSecond < 2000).map((c) => `${c.label} (${c.perSecond.toFixed(0)}/s)`);
    out.push(
      `Reporting target (at least 2,000 events/s with workflow and audit on SQLite): ${met.length ? `**met** by ${met.join('; ')}` : '**not met** by any row'}${missed.length ? `; not met by ${missed.join('; ')}` : ''}. Every row does the full report (validation, category, place, event code, workflow case with its clock and first history row, caller's name and phone encrypted for staff, two audit rows in the write's transaction); each row checks afterwards that exactly as many events, cases and audit rows were written as reports answered, and the audit chain is verified at the end. Rows "in a row" wait for each report before the next (one transaction each); concurrent reports share transactions (group commit, src/platform/db/write-batch.ts: one transaction for the reports that arrive together; if one of them fails, the batch is written again with a savepoint per report so only that one is lost), which is how the server handles reports that arrive together.`,
      '',
    );
  }
  const s = f0.city.states;
  const total = Object.values(s).reduce((a, b) => a + b, 0);
  out.push(`States of the generated year: ${Object.entries(s).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)} %`).join(', ')}.`, '');
  return out;
}
