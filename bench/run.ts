/**
 * npm run bench → docs/benchmarks.md
 *
 * Figures: demo seed time; login round trips per second; an authorised, audited list endpoint
 * next to a bare Fastify route running the same database query (the ratio is the figure); the
 * JavaScript a resident's phone downloads for the home page (gzip); org-tree subtree queries at
 * 1,000,000 dwellings; the synthetic city generator.
 *
 * The registry at BENCH_RESIDENTS residents, on both databases: a 100,000-row xlsx import next
 * to its bare cost, search p95 through the service layer, a community's ledger.
 *
 * Env: BENCH_SECONDS (per load test, default 10), BENCH_RESIDENTS (synthetic city, default
 * 1,000,000), BENCH_DWELLINGS (org tree, default 1,000,000), BENCH_IMPORT_ROWS (default
 * 100,000), BENCH_PG_URL (default the test database; set to "off" to skip PostgreSQL),
 * BENCH_ONLY=server (a quick look, no document) or BENCH_ONLY=registry (only the registry
 * section, spliced into docs/benchmarks.md; BENCH_DB=sqlite or postgres for one database;
 * while tuning: BENCH_DOC=off leaves the document alone, BENCH_IMPORT_ONLY=1 runs the first
 * import only, BENCH_IMPORT_CHUNK sets its rows per transaction, BENCH_IMPORT_CACHE_MB SQLite's page
 * cache during it, BENCH_READ_ALONE=1 first times the reader thread alone, BENCH_CITY_CACHE=dir keeps
 * the generated SQLite city in dir for the next run to copy, BENCH_SEARCH_INDEXES=city|area rebuilds the
 * name and address indexes in that shape before the import (an A/B), BENCH_PROFILE=dir writes CPU profiles;
 * BENCH_FIGURES=dir keeps each database's figures there, BENCH_FIGURES_RENDER=1 writes the section from them).
 *
 * Grid events (bench/events.ts) at BENCH_EVENTS events (default 1,000,000), BENCH_EVENT_REPORTS
 * reports each way (default 2,000): BENCH_ONLY=events runs only that section and splices it in
 * (BENCH_DB as above; BENCH_EXPLAIN=1 prints the indicators' query plan).
 *
 * The service hall (bench/services.ts): guide search p95 over the seeded catalogue
 * (BENCH_GUIDE_SEARCHES queries per row, default 1,000) and application submissions per second
 * (BENCH_APPLICATIONS, default 300): BENCH_ONLY=services runs only that section and splices it in.
 * Opinion trends (bench/community.ts): BENCH_OPINION_TEXTS (default 20,000) ingested;
 * BENCH_ONLY=community runs only that section and splices it in. Webhook deliveries (bench/exchange.ts):
 * BENCH_ONLY=exchange.
 * The ledger (bench/ledger.ts) at BENCH_LEDGER_ENTRIES entries (default 10,000,000): postings per
 * second and balance look-up p95; BENCH_ONLY=ledger runs only that section and splices it in.
 * Volunteers (bench/volunteers.ts): BENCH_SIGNUPS sign-ups (default 1,000) for BENCH_SIGNUP_QUOTA places
 * (default 200) of one opportunity, BENCH_SIGNUP_INFLIGHT (default 100) in flight, then QR check-in and
 * check-out latency: BENCH_ONLY=volunteers runs only that section and splices it in (not with BENCH_DOC=off).
 * The cockpit (bench/cockpit.ts) at BENCH_RESIDENTS residents with BENCH_COCKPIT_EVENTS grid events
 * (default 300,000) on their grids: the full statistics refresh, then overview, map and open-data
 * p50/p95 over BENCH_COCKPIT_RUNS runs each (default 50), target < 300 ms: BENCH_ONLY=cockpit runs only
 * that section and splices it in (BENCH_DB, BENCH_DOC=off, BENCH_FIGURES and BENCH_FIGURES_RENDER as above).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { loadConfig, type Config } from '../src/platform/config.js';
import { openPlatform } from '../src/platform/bootstrap.js';
import { dropSchema, ensureSchema, openDatabase } from '../src/platform/db/database.js';
import { buildApp } from '../src/platform/http/app.js';
import { modules } from '../src/modules/index.js';
import { seedDemoIfEmpty } from '../src/demo/seed.js';
import { loadDemoRefs } from '../src/demo/refs.js';
import * as people from '../src/modules/registry/registry.repository.js';
import { addressTextsOf } from '../src/modules/registry/search.index.js';
import { countInSubtree, getAncestors, insertNodes, listInSubtree } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import { generateCity } from './generate-city.js';
import { benchEvents, eventsSection, type EventsFigures } from './events.js';
import { benchServices, servicesSection, type ServicesFigures } from './services.js';
import { benchCommunity, communitySection, type CommunityFigures } from './community.js';
import { benchExchange, exchangeSection, type ExchangeFigures } from './exchange.js';
import { benchLedger, ledgerSection, type LedgerFigures } from './ledger.js';
import { benchVolunteers, volunteersSection, type VolunteersFigures } from './volunteers.js';
import { benchCockpit, cockpitSection, type CockpitFigures } from './cockpit.js';
import ExcelJS from 'exceljs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import type { PlatformContext } from '../src/platform/context.js';
import type { Actor } from '../src/platform/policy/actor.js';
import { createUser } from '../src/platform/auth/users.service.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import { importSettings, runImportJob } from '../src/modules/registry/imports.job.js';
import { startImport } from '../src/modules/registry/imports.service.js';
import { importTimings, timed } from '../src/modules/registry/imports.timings.js';
import { readInWorker } from '../src/modules/registry/imports.read.js';
import { writePeopleXlsx, type PeopleXlsxRow } from '../src/modules/registry/imports.template.js';
import { listPeople as listPeopleAs } from '../src/modules/registry/registry.service.js';
import type { PeopleQuery } from '../src/modules/registry/registry.schema.js';
import { createLedger, generateLedger } from '../src/modules/registry/ledgers.service.js';
import { refreshDerivedTags } from '../src/modules/registry/tags.derived.js';
import { searchTermsOf } from '../src/modules/registry/search.index.js';
import { PeopleGenerator, fullName } from '../src/demo/people.js';
import { mulberry32 } from '../src/demo/random.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 1_000_000);
const DWELLINGS = Number(process.env.BENCH_DWELLINGS ?? 1_000_000);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const EVENT_REPORTS = Number(process.env.BENCH_EVENT_REPORTS ?? 2_000);
const GUIDE_SEARCHES = Number(process.env.BENCH_GUIDE_SEARCHES ?? 1_000);
const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 300);
const OPINION_TEXTS = Number(process.env.BENCH_OPINION_TEXTS ?? 20_000);
/** bench/ledger.ts: entries loaded, holders, postings per kind, balance look-ups. */
const LEDGER = { entries: Number(process.env.BENCH_LEDGER_ENTRIES ?? 10_000_000), holders: Number(process.env.BENCH_LEDGER_HOLDERS ?? 100_000), posts: Number(process.env.BENCH_LEDGER_POSTS ?? 2_000), lookups: Number(process.env.BENCH_LEDGER_LOOKUPS ?? 2_000), log: (m: string) => console.log(m) };

const lines: string[] = [];
const log = (msg: string) => console.log(msg);
const COCKPIT_OPTS = { residents: RESIDENTS, events: Number(process.env.BENCH_COCKPIT_EVENTS ?? 300_000), runs: Number(process.env.BENCH_COCKPIT_RUNS ?? 50), log };
const VOLUNTEER_OPTS = { signups: Number(process.env.BENCH_SIGNUPS ?? 1_000), quota: Number(process.env.BENCH_SIGNUP_QUOTA ?? 200), inflight: Number(process.env.BENCH_SIGNUP_INFLIGHT ?? 100), log };

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** autocannon in a child process, so load generation does not share the server's event loop. */
function load(url: string, opts: { method?: string; body?: string; headers?: Record<string, string>; connections?: number }): Promise<LoadResult> {
  const args = ['-j', '-d', String(SECONDS), '-c', String(opts.connections ?? 8)];
  if (opts.method) args.push('-m', opts.method);
  if (opts.body) args.push('-b', opts.body);
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules/.bin/autocannon'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out);
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      } catch (err) {
        reject(new Error(`autocannon output unreadable: ${out.slice(0, 200)} ${String(err)}`));
      }
    });
  });
}

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p99: q(0.99) };
}

async function timeQuery(n: number, fn: () => Promise<unknown>) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return quantiles(samples);
}

async function openFresh(dialect: 'sqlite' | 'postgres', overrides: Partial<Config> = {}, from?: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-'));
  // A data directory kept from an earlier run (database file and its keys), copied, not reused.
  if (from) fs.cpSync(from, dataDir, { recursive: true });
  let url = `sqlite:${path.join(dataDir, 'bench.sqlite')}`;
  let schema: string | undefined;
  if (dialect === 'postgres') {
    schema = `bench_${randomBytes(4).toString('hex')}`;
    await ensureSchema(PG_URL, schema);
    url = PG_URL;
  }
  const config = loadConfig({ NODE_ENV: 'production' }, { env: 'test', dataDir, databaseUrl: url, demo: true, loginRateLimitPerMinute: 1e9, logLevel: 'silent', ...overrides });
  const db = openDatabase(url, { schema, poolSize: 10 });
  const platform = await openPlatform(config, modules, { db });
  const cleanup = async () => {
    await platform.close();
    if (schema) await dropSchema(PG_URL, schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { platform, cleanup, schema, dataDir };
}

async function pgReachable() {
  if (PG_URL === 'off') return false;
  try {
    const db = openDatabase(PG_URL, { poolSize: 1 });
    const { ping } = await import('../src/platform/db/database.js');
    const ok = await ping(db);
    await db.destroy();
    return ok;
  } catch {
    return false;
  }
}

async function benchServer(dialect: 'sqlite' | 'postgres') {
  log(`\n[${dialect}] seeding the demo community…`);
  const { platform, cleanup } = await openFresh(dialect);
  const t0 = performance.now();
  await seedDemoIfEmpty(platform.ctx, modules, () => {});
  const seedSeconds = (performance.now() - t0) / 1000;
  const residents = await platform.ctx.db.kysely.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  log(`[${dialect}] seeded ${residents.n} residents in ${seedSeconds.toFixed(1)} s`);

  const app = await buildApp(platform.ctx, modules, { logger: false, webDir: path.join(root, 'dist', 'web') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  log(`[${dialect}] login round trips…`);
  const login = await load(`${base}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'xishan', password: 'Linli@2026' }),
    headers: { 'content-type': 'application/json' },
    connections: 4,
  });

  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'xishan', password: 'Linli@2026' }) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const refs = await loadDemoRefs(platform.ctx);
  const grid = refs.node('grid01');
  const listUrl = `${base}/api/v1/people?orgNodeId=${grid.id}&pageSize=20`;
  const check = await fetch(listUrl, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`list endpoint answered ${check.status}: ${await check.text()}`);

  // The bare route: plain Fastify, no auth, no audit, no masking — the same two repository queries.
  const bare = Fastify({ logger: false });
  // The same data queries the endpoint runs (node, page, total, tags, addresses) and nothing else:
  // the ratio is what the platform adds (session, policy, validation, masking, serialisation, audit).
  bare.get('/bare/people', async () => {
    const db = platform.ctx.db.kysely;
    const node = await people.getOrgNode(db, grid.id);
    const filter = { paths: [node!.path], status: 'active' as const, today: new Date().toISOString().slice(0, 10) };
    const rows = await people.listPeople(db, filter, { limit: 20, offset: 0 });
    const total = await people.countPeople(db, filter);
    const tags = await people.activeTagsOf(db, rows.map((r) => r.id), filter.today);
    const addresses = await addressTextsOf(db, [...new Set(rows.map((r) => r.org_path))]);
    return { items: rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [], address: addresses.get(r.org_path) ?? null })), total };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare/people`;

  log(`[${dialect}] audited list vs bare route…`);
  const auditBefore = await platform.ctx.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'registry.person.list').executeTakeFirstOrThrow();
  const listed = await load(listUrl, { headers: { cookie } });
  const auditAfter = await platform.ctx.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'registry.person.list').executeTakeFirstOrThrow();
  const bareResult = await load(bareUrl, {});
  await bare.close();

  let residentJs: { files: number; raw: number; gzip: number; method: string } | null = null;
  if (dialect === 'sqlite') residentJs = await measureResidentJs(base);

  await app.close();
  await cleanup();
  return { dialect, seedSeconds, residents: Number(residents.n), login, listed, bare: bareResult, auditRows: Number(auditAfter.n) - Number(auditBefore.n), residentJs };
}

/** What the resident home page really downloads, by loading it in Chromium; gzip -9 of each script. */
async function measureResidentJs(base: string) {
  const gz = (buf: Buffer) => zlib.gzipSync(buf, { level: 9 }).length;
  if (fs.existsSync('/usr/bin/chromium')) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'] });
    const page = await browser.newPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    const scripts: string[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${base}/m/`, { waitUntil: 'networkidle' });
    await browser.close();
    let raw = 0;
    let gzip = 0;
    for (const s of new Set(scripts)) {
      const buf = fs.readFileSync(path.join(root, 'dist', 'web', s));
      raw += buf.length;
      gzip += gz(buf);
    }
    return { files: new Set(scripts).size, raw, gzip, method: 'loaded /m/ in Chromium (375×667), every script response, gzip -9' };
  }
  const html = fs.readFileSync(path.join(root, 'dist/web/resident/index.html'), 'utf8');
  const srcs = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const s of srcs) {
    const buf = fs.readFileSync(path.join(root, 'dist', 'web', s));
    raw += buf.length;
    gzip += gz(buf);
  }
  return { files: srcs.length, raw, gzip, method: 'scripts and modulepreloads named in resident/index.html (no Chromium found), gzip -9' };
}

/** A tree of DWELLINGS dwellings (org nodes only) and the subtree queries every module leans on. */
async function benchOrgTree(dialect: 'sqlite' | 'postgres') {
  log(`\n[${dialect}] building an org tree of ${DWELLINGS.toLocaleString()} dwellings…`);
  const { platform, cleanup } = await openFresh(dialect);
  const db = platform.ctx.db.kysely;
  const t0 = performance.now();
  const at = new Date().toISOString();
  const city = newNodeRow(null, 'city', '基准市', { at });
  await insertNodes(db, [city]);
  // 10 streets × 10 communities × 10 grids × 20 buildings × 5 units × 10 dwellings = 1,000,000
  const perUnit = 10;
  const units = 5;
  const buildings = 20;
  const grids = 10;
  const communities = 10;
  const perStreet = communities * grids * buildings * units * perUnit;
  const streets = Math.max(1, Math.round(DWELLINGS / perStreet));
  let sampleCommunity = city;
  let sampleGrid = city;
  let sampleStreet = city;
  for (let s = 0; s < streets; s++) {
    const street = newNodeRow(city, 'street', `第${s + 1}街道`, { at, sort: s });
    await db.transaction().execute(async (trx) => {
      const rows = [street];
      for (let c = 0; c < communities; c++) {
        const community = newNodeRow(street, 'community', `第${c + 1}社区`, { at, sort: c });
        rows.push(community);
        for (let g = 0; g < grids; g++) {
          const grid = newNodeRow(community, 'grid', `第${g + 1}网格`, { at, sort: g });
          rows.push(grid);
          if (s === 0 && c === 0 && g === 0) {
            sampleCommunity = community;
            sampleGrid = grid;
            sampleStreet = street;
          }
          for (let b = 0; b < buildings; b++) {
            const building = newNodeRow(grid, 'building', `${b + 1}幢`, { at, sort: b });
            rows.push(building);
            for (let u = 0; u < units; u++) {
              const unit = newNodeRow(building, 'unit', `${u + 1}单元`, { at, sort: u });
              rows.push(unit);
              for (let d = 0; d < perUnit; d++) rows.push(newNodeRow(unit, 'dwelling', `${Math.floor(d / 2) + 1}0${(d % 2) + 1}室`, { at, sort: d }));
            }
          }
        }
      }
      await insertNodes(trx, rows, dialect === 'postgres' ? 2000 : 500);
    });
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  const total = await countInSubtree(db, city.path, 'dwelling');
  const N = 200;
  const figures = {
    countCity: await timeQuery(20, () => countInSubtree(db, city.path, 'dwelling')),
    countStreet: await timeQuery(N, () => countInSubtree(db, sampleStreet.path, 'dwelling')),
    countCommunity: await timeQuery(N, () => countInSubtree(db, sampleCommunity.path, 'dwelling')),
    pageGrid: await timeQuery(N, () => listInSubtree(db, sampleGrid.path, 'dwelling', { limit: 50, offset: 0 })),
    ancestors: await timeQuery(N, async () => {
      const leaf = await listInSubtree(db, sampleGrid.path, 'dwelling', { limit: 1, offset: 500 });
      return getAncestors(db, leaf[0]!.path);
    }),
  };
  await cleanup();
  return { dialect, total, buildSeconds, figures };
}

async function benchCity() {
  log(`\n[sqlite] generating a synthetic city of ${RESIDENTS.toLocaleString()} residents…`);
  const { platform, cleanup } = await openFresh('sqlite');
  const city = await generateCity(platform.ctx, { residents: RESIDENTS, log: () => {} });
  const db = platform.ctx.db.kysely;
  const community = await db.selectFrom('org_node').select('path').where('kind', '=', 'community').orderBy('path').limit(1).executeTakeFirstOrThrow();
  const grid = await db.selectFrom('org_node').select('path').where('kind', '=', 'grid').orderBy('path').limit(1).executeTakeFirstOrThrow();
  const figures = {
    countCommunity: await timeQuery(100, () => people.countPeople(db, { paths: [community.path] })),
    pageGrid: await timeQuery(100, () => people.listPeople(db, { paths: [grid.path] }, { limit: 20, offset: 0 })),
    countCity: await timeQuery(5, () => people.countPeople(db, { paths: [city.cityPath] })),
  };
  await cleanup();
  return { city, figures };
}

// ---------------------------------------------------------------------------------------------
// Registry at BENCH_RESIDENTS residents: import, search, ledger

interface Timing {
  p50: number;
  p95: number;
  n: number;
}

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

interface ImportRun {
  ms: number;
  counts: { created: number; updated: number; unchanged: number; rejected: number };
}

interface RegistryFigures {
  dialect: 'sqlite' | 'postgres';
  residents: number;
  communities: number;
  cityMs: number;
  fileRows: number;
  fileBytes: number;
  bare: { ms: number; readMs: number };
  first: ImportRun;
  again: ImportRun;
  search: { label: string; staff: Timing; dispatcher: Timing; hits: [number, number] }[];
  ledger: { rows: number; ms: Timing; max: number };
  loadavg: [number, number];
}

const SEARCHES = 200;

/** Names of the building, unit and dwelling of a path (a roster's 楼栋, 单元, 房号). */
function placeOf(nodes: Map<string, { name: string; kind: string }>, path: string) {
  const parts: Partial<Record<'building' | 'unit' | 'dwelling' | 'grid', { id: string; name: string }>> = {};
  for (const id of path.split('/').filter(Boolean)) {
    const n = nodes.get(id);
    if (n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling' || n.kind === 'grid')) parts[n.kind as 'building'] = { id, name: n.name };
  }
  return parts;
}

async function nodesUnder(ctx: PlatformContext, path: string) {
  const rows = await ctx.db.kysely.selectFrom('org_node').select(['id', 'name', 'kind', 'path']).where('path', '>=', path).where('path', '<', `${path}\uffff`).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The roster of a community as staff would import it: everyone already registered there
 * (one in ten with a new mobile number), then new households placed in its dwellings (one in
 * five without a dwelling yet, kept at community level), one row in a hundred with a wrong
 * check digit, one in fifty with a typed special-group tag.
 */
async function* rosterRows(ctx: PlatformContext, communityPath: string, total: number): AsyncGenerator<PeopleXlsxRow> {
  const rnd = mulberry32(20_261_126);
  const nodes = await nodesUnder(ctx, communityPath);
  const existing = await ctx.db.kysely
    .selectFrom('person')
    .select(['name', 'id_type', 'id_number_enc', 'phone_enc', 'gender', 'ethnicity', 'residence_type', 'org_path'])
    .where('org_path', '>=', communityPath)
    .where('org_path', '<', `${communityPath}\uffff`)
    .where('status', '=', 'active')
    .orderBy('org_path')
    .execute();
  // The generator may give two estates of a community the same name: a roster names such a
  // building ambiguously (the import rejects it), so those people are listed without their room.
  const buildingNames = new Map<string, number>();
  for (const b of nodes.values()) if (b.kind === 'building') buildingNames.set(b.name, (buildingNames.get(b.name) ?? 0) + 1);
  const placeIn = (path: string) => {
    const place = placeOf(nodes, path);
    return place.building && buildingNames.get(place.building.name) === 1 ? place : {};
  };
  let n = 0;
  for (const p of existing) {
    if (n >= total) return;
    const place = placeIn(p.org_path);
    const phone = p.phone_enc ? ctx.pii.decrypt(p.phone_enc) : null;
    yield {
      name: p.name,
      idType: p.id_type,
      idNumber: p.id_number_enc ? ctx.pii.decrypt(p.id_number_enc) : null,
      gender: p.gender,
      ethnicity: p.ethnicity,
      phone: rnd() < 0.1 ? `139${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}` : phone,
      building: place.building?.name ?? null,
      unit: place.unit?.name ?? null,
      room: place.dwelling?.name ?? null,
      residenceType: p.residence_type,
    };
    n++;
  }
  const dwellings = [...nodes.values()].filter((d) => d.kind === 'dwelling' && placeIn(d.path).dwelling);
  const people = new PeopleGenerator(rnd, '330482');
  const TAGS = ['低保', '残疾人', '退役军人', '独居老人'];
  while (n < total) {
    const household = people.household(rnd() < 0.8 ? 'owner' : 'tenant');
    const dwelling = rnd() < 0.8 ? dwellings[Math.floor(rnd() * dwellings.length)]! : null;
    const place = dwelling ? placeIn(dwelling.path) : {};
    for (const m of household.members) {
      if (n >= total) return;
      let idNumber = m.idNumber;
      // A typo in the last digit: rejected with its row number and reason.
      if (rnd() < 0.01 && /^\d{17}[\dX]$/.test(idNumber)) idNumber = idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1');
      yield {
        name: fullName(m),
        idType: m.idType,
        idNumber,
        gender: m.gender,
        birthDate: m.birthDate,
        ethnicity: m.ethnicity,
        phone: m.phone,
        building: place.building?.name ?? null,
        unit: place.unit?.name ?? null,
        room: place.dwelling?.name ?? null,
        residenceType: m.residenceType,
        tags: rnd() < 0.02 ? TAGS[Math.floor(rnd() * TAGS.length)]! : null,
      };
      n++;
    }
  }
}

/**
 * The floor under any import: exceljs's streaming reader over the same file, and each row's
 * cells inserted as text by one prepared statement (one transaction) into a scratch table.
 */
async function bareImport(ctx: PlatformContext, file: string, schema: string | undefined) {
  const columns = 14;
  await sql.raw(`create table bench_bare (row_number integer, ${Array.from({ length: columns }, (_, i) => `c${i + 1} text`).join(', ')})`).execute(ctx.db.kysely);
  const text = `insert into bench_bare values (${Array.from({ length: columns + 1 }, (_, i) => (ctx.db.dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ')})`;
  const cellText = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'object') return 'richText' in v ? (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('') : 'text' in v ? String((v as { text: unknown }).text) : null;
    return String(v);
  };
  async function* rows() {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const out: (string | number | null)[] = [row.number];
        for (let i = 1; i <= columns; i++) out.push(cellText(values[i]));
        yield out;
      }
    }
  }
  // Reading alone, for the record.
  let t = performance.now();
  let count = 0;
  for await (const _ of rows()) count++;
  const readMs = performance.now() - t;

  t = performance.now();
  if (ctx.db.dialect === 'sqlite') {
    const raw = new SQLite(ctx.db.location);
    const insert = raw.prepare(text);
    raw.exec('begin');
    for await (const r of rows()) insert.run(r);
    raw.exec('commit');
    raw.close();
  } else {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query('begin');
    let pending: Promise<unknown>[] = [];
    for await (const r of rows()) {
      pending.push(client.query({ name: 'bench_bare_insert', text, values: r }));
      if (pending.length >= 1000) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    await client.query('commit');
    await client.end();
  }
  const ms = performance.now() - t;
  await sql`drop table bench_bare`.execute(ctx.db.kysely);
  return { ms, readMs, rows: count };
}

/** BENCH_PROFILE=dir: a CPU profile of each import, for `node --cpu-prof`-style reading in DevTools. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return work();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function importFile(ctx: PlatformContext, actor: Actor, file: string, community: { id: string; path: string; name: string; kind: string }, name: string): Promise<ImportRun> {
  // Where the time goes, phase by phase (printed, not in the document).
  importTimings.enabled = true;
  importTimings.reset();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const view = await profiled(`${ctx.db.dialect}-${name}`, async () => {
    const v = await timed('upload and queue', () => startImport(ctx, actor, { stream: fs.createReadStream(file), originalName: '社区人口花名册.xlsx' }, { community, target: community }, { dryRun: false }, {}));
    await runImportJob(ctx, v.id);
    return v;
  });
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  log(`  ${name}: ${(ms / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU of this process; ${importTimings.summary()}`);
  importTimings.enabled = false;
  const job = await ctx.db.kysely.selectFrom('import_job').selectAll().where('id', '=', view.id).executeTakeFirstOrThrow();
  if (job.status !== 'done') throw new Error(`import ${job.status}: ${job.error}`);
  const reasons = await ctx.db.kysely
    .selectFrom('import_rejection')
    .select(['reason', sql<number>`count(*)`.as('n')])
    .where('job_id', '=', view.id)
    .groupBy('reason')
    .orderBy(sql`count(*)`, 'desc')
    .limit(4)
    .execute();
  log(`  rejected: ${reasons.map((r) => `${r.reason} ×${r.n}`).join('; ')}`);
  return { ms, counts: { created: Number(job.created), updated: Number(job.updated), unchanged: Number(job.unchanged), rejected: Number(job.rejected) } };
}

/** ~200 searches of one kind through the service layer, as `actor`; p50/p95 of the calls. */
async function timeSearches(ctx: PlatformContext, actor: Actor, queries: { q: string; orgNodeId?: string }[]): Promise<{ t: Timing; hits: number }> {
  const run = (x: { q: string; orgNodeId?: string }) =>
    listPeopleAs(ctx, actor, { q: x.q, orgNodeId: x.orgNodeId, page: 1, pageSize: 20, status: 'active', sort: 'address', order: 'asc' } as PeopleQuery, {});
  for (const x of queries.slice(0, 5)) await run(x);
  const samples: number[] = [];
  let hits = 0;
  for (const x of queries) {
    const t = performance.now();
    const r = await run(x);
    samples.push(performance.now() - t);
    if (r.items.length > 0) hits++;
  }
  return { t: percentiles(samples), hits };
}

/** Search inputs drawn from people of `path`: what a clerk types for each kind. */
async function searchInputs(ctx: PlatformContext, path: string, seed: number) {
  const rnd = mulberry32(seed);
  const nodes = await nodesUnder(ctx, path);
  const all = await ctx.db.kysely
    .selectFrom('person')
    .select(['name', 'id_number_enc', 'org_path'])
    .where('org_path', '>=', path)
    .where('org_path', '<', `${path}\uffff`)
    .where('status', '=', 'active')
    .where('dwelling_id', 'is not', null)
    .execute();
  const sample = Array.from({ length: SEARCHES }, () => all[Math.floor(rnd() * all.length)]!);
  const number = (p: (typeof sample)[number]) => ctx.pii.decrypt(p.id_number_enc!);
  const address = (p: (typeof sample)[number], i: number) => {
    const place = placeOf(nodes, p.org_path);
    const b = place.building!.name;
    const u = place.unit!.name;
    const r = place.dwelling!.name;
    // Half typed in full (文昌花园3幢2单元501室), half as numbers (3-2-501).
    if (i % 2 === 0) return `${b}${u}${r}`;
    return `${/(\d+)\D*$/.exec(b)?.[1] ?? b}-${parseInt(u, 10)}-${parseInt(r, 10)}`;
  };
  return [
    { label: 'name (汉字, full name)', queries: sample.map((p) => ({ q: p.name })) },
    { label: 'pinyin initials (zsf)', queries: sample.map((p) => ({ q: searchTermsOf(p.name).name_initials })) },
    { label: 'full pinyin (zhangsanfeng)', queries: sample.map((p) => ({ q: searchTermsOf(p.name).name_pinyin })) },
    { label: 'ID number, exact (blind index)', queries: sample.map((p) => ({ q: number(p) })) },
    { label: 'ID last 4, in a grid', queries: sample.map((p) => ({ q: number(p).slice(-4), orgNodeId: placeOf(nodes, p.org_path).grid!.id })) },
    { label: 'address (building-unit-room)', queries: sample.map((p, i) => ({ q: address(p, i) })) },
  ];
}

class ImportOnlyDone extends Error {}

async function benchRegistry(dialect: 'sqlite' | 'postgres'): Promise<RegistryFigures> {
  const load0 = os.loadavg()[0]!;
  log(`\n[${dialect}] registry: generating a city of ${RESIDENTS.toLocaleString()} residents…`);
  // While tuning the import (BENCH_CITY_CACHE=dir, SQLite only): the generated city is kept in
  // dir and copied in by later runs instead of generated again (4–5 minutes at 1M).
  const cached = process.env.BENCH_CITY_CACHE && dialect === 'sqlite' ? path.join(process.env.BENCH_CITY_CACHE, `city-${RESIDENTS}`) : null;
  const reuse = cached !== null && fs.existsSync(path.join(cached, 'city.json'));
  const { platform, cleanup, schema, dataDir } = await openFresh(dialect, {}, reuse ? cached : undefined);
  const ctx = platform.ctx;
  const db = ctx.db.kysely;
  try {
    const city: Awaited<ReturnType<typeof generateCity>> = reuse
      ? JSON.parse(fs.readFileSync(path.join(cached, 'city.json'), 'utf8'))
      : await generateCity(ctx, { residents: RESIDENTS, residentsPerCommunity: 13_500, log });
    if (cached && !reuse) {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      fs.cpSync(dataDir, cached, { recursive: true });
      fs.writeFileSync(path.join(cached, 'city.json'), JSON.stringify(city));
    }
    log(`[${dialect}] city: ${city.residents.toLocaleString()} residents in ${(city.ms / 1000).toFixed(1)} s`);
    if (dialect === 'postgres') {
      // Tables bulk-loaded a moment ago have neither statistics nor a visibility map yet;
      // autovacuum makes both within a minute or two of such a load. Without them the planner
      // guesses row counts and every index-only scan visits the heap, as in no running deployment.
      const t = performance.now();
      await sql`vacuum analyze`.execute(db);
      log(`[${dialect}] vacuum analyze: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const communities = await db.selectFrom('org_node').select(['id', 'path', 'name', 'kind', 'parent_id']).where('kind', '=', 'community').orderBy('path').execute();
    // The import goes to the first community; searches and the ledger use a community of another street.
    const importInto = communities[0]!;
    const other = communities.find((c) => c.parent_id !== importInto.parent_id) ?? communities[communities.length - 1]!;
    const street = (await db.selectFrom('org_node').select(['id', 'path']).where('id', '=', other.parent_id!).executeTakeFirstOrThrow());
    const user = (username: string, role: 'community_staff' | 'dispatcher', orgNodeId: string) =>
      createUser(ctx, { username, displayName: username, password: 'Linli@2026', mustChangePassword: false, grants: [{ role, orgNodeId }] });
    const importer = (await loadActor(db, await user('bench_importer', 'community_staff', importInto.id)))!;
    const staff = (await loadActor(db, await user('bench_staff', 'community_staff', other.id)))!;
    const dispatcher = (await loadActor(db, await user('bench_dispatcher', 'dispatcher', street.id)))!;

    log(`[${dialect}] writing a ${IMPORT_ROWS.toLocaleString()}-row roster of ${importInto.name}…`);
    const file = path.join(dataDir, 'roster.xlsx');
    const fileRows = await writePeopleXlsx(file, rosterRows(ctx, importInto.path, IMPORT_ROWS), { title: `${importInto.name}人口花名册` });
    const fileBytes = fs.statSync(file).size;

    // While tuning (BENCH_IMPORT_ONLY=1): the import alone, no bare cost, second run, searches or ledger.
    const importOnly = !!process.env.BENCH_IMPORT_ONLY;
    if (process.env.BENCH_IMPORT_CHUNK) importSettings.chunkRows = Number(process.env.BENCH_IMPORT_CHUNK);
    if (process.env.BENCH_IMPORT_WAL_PAGES) importSettings.sqliteWalPages = Number(process.env.BENCH_IMPORT_WAL_PAGES);
    if (process.env.BENCH_IMPORT_CACHE_MB) importSettings.sqliteCacheBytes = Number(process.env.BENCH_IMPORT_CACHE_MB) * 2 ** 20;
    log(`[${dialect}] bare cost (exceljs read + prepared insert)…`);
    const bare = importOnly ? { ms: 1, readMs: 1, rows: 0 } : await bareImport(ctx, file, schema);
    log(`[${dialect}] bare: ${(bare.ms / 1000).toFixed(1)} s (read alone ${(bare.readMs / 1000).toFixed(1)} s)`);
    if (importOnly && process.env.BENCH_READ_ALONE) {
      // The reader thread alone, drained as fast as it yields: the floor under the import.
      const t = performance.now();
      const reader = await readInWorker({ file, format: 'xlsx', today: ctx.now().getTime(), count: true, keys: ctx.pii.threadKeys() }, 20_000);
      let n = 0;
      for await (const item of reader.items) if (item.kind === 'row') n++;
      await reader.close();
      log(`[${dialect}] reader alone: ${n} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    if (importOnly && process.env.BENCH_SEARCH_INDEXES) {
      // A/B of the name and address index shapes (area first as shipped, or city first as before 0991), both rebuilt just before the import.
      const cityFirst = process.env.BENCH_SEARCH_INDEXES === 'city';
      await sql`drop index person_search_name`.execute(db);
      await sql`drop index person_search_address`.execute(db);
      await sql.raw(`create index person_search_name on person_search (${cityFirst ? '' : 'area_path, '}name, org_path, person_id)`).execute(db);
      await sql.raw(`create index person_search_address on person_search (${cityFirst ? '' : 'area_path, '}substr(address, instr(address, '#')), org_path, person_id)`).execute(db);
      if (dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      log(`[${dialect}] search indexes rebuilt ${cityFirst ? 'city' : 'area'} first`);
    }
    log(`[${dialect}] importing…`);
    const first = await importFile(ctx, importer, file, importInto, 'import');
    log(`[${dialect}] import: ${(first.ms / 1000).toFixed(1)} s ${JSON.stringify(first.counts)}`);
    if (importOnly) {
      // The WAL frames the import wrote (all of them when BENCH_IMPORT_WAL_PAGES keeps checkpoints off).
      if (dialect === 'sqlite') log(`[${dialect}] wal_checkpoint: ${JSON.stringify((await sql`pragma wal_checkpoint(PASSIVE)`.execute(db)).rows)}`);
      throw new ImportOnlyDone();
    }
    const again = await importFile(ctx, importer, file, importInto, 'reimport');
    log(`[${dialect}] again: ${(again.ms / 1000).toFixed(1)} s ${JSON.stringify(again.counts)}`);

    log(`[${dialect}] searches…`);
    const staffInputs = await searchInputs(ctx, other.path, 7);
    const streetInputs = await searchInputs(ctx, street.path, 11);
    const search: RegistryFigures['search'] = [];
    for (let k = 0; k < staffInputs.length; k++) {
      const a = await timeSearches(ctx, staff, staffInputs[k]!.queries);
      const b = await timeSearches(ctx, dispatcher, streetInputs[k]!.queries);
      search.push({ label: staffInputs[k]!.label, staff: a.t, dispatcher: b.t, hits: [a.hits, b.hits] });
      log(`[${dialect}]   ${staffInputs[k]!.label}: staff p95 ${ms(a.t.p95)}, dispatcher p95 ${ms(b.t.p95)}`);
    }

    log(`[${dialect}] ledger of ${other.name}…`);
    const ids = (await db.selectFrom('person').select('id').where('org_path', '>=', other.path).where('org_path', '<', `${other.path}\uffff`).execute()).map((r) => r.id);
    await refreshDerivedTags(ctx, db, ids);
    const ledger = await createLedger(
      ctx,
      staff,
      {
        title: '社区居民花名册',
        tags: [],
        conditions: {},
        columns: (['seq', 'name', 'gender', 'birthDate', 'age', 'idNumber', 'phone', 'address', 'grid', 'householdNumber', 'ethnicity', 'residenceType', 'tags'] as const).map((field) => ({ field })),
        sort: [{ field: 'address', dir: 'asc' }],
      },
      {},
    );
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const g = await generateLedger(ctx, staff, ledger.id, { orgNodeId: other.id, unmask: false });
      if (i > 0) samples.push(performance.now() - t);
      rows = g.rows.length;
    }
    log(`[${dialect}] ledger: ${rows} rows, p50 ${ms(percentiles(samples).p50)}`);
    return {
      dialect,
      residents: city.residents,
      communities: city.communities,
      cityMs: city.ms,
      fileRows,
      fileBytes,
      bare: { ms: bare.ms, readMs: bare.readMs },
      first,
      again,
      search,
      ledger: { rows, ms: percentiles(samples), max: Math.max(...samples) },
      loadavg: [load0, os.loadavg()[0]!],
    };
  } finally {
    await cleanup();
  }
}

function registrySection(figs: RegistryFigures[]): string[] {
  const out: string[] = [];
  const f0 = figs[0]!;
  const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
  out.push(`## Registry at ${f0.residents.toLocaleString()} residents`, '');
  out.push(
    `A synthetic city (bench/generate-city.ts) of ${f0.residents.toLocaleString()} residents in ${f0.communities} communities of ~13,500, generated on each database (PostgreSQL then vacuumed and analysed, as autovacuum does after such a load); then, through the service layer (no HTTP): an import of a ${f0.fileRows.toLocaleString()}-row roster (${(f0.fileBytes / 2 ** 20).toFixed(1)} MB xlsx: a community's ~13,500 registered people, one in ten with a new mobile, and new households, one in five without a dwelling, 1 % with a wrong check digit, 2 % with a typed tag) as community staff, via the import job (one transaction per chunk of ${importSettings.chunkRows.toLocaleString()} rows); searches as community staff of another community and as the dispatcher of its street (${SEARCHES} queries each, page of 20 with its total and audit row); a ledger of every resident of that community (13 columns, derived tags refreshed first; 5 runs after a warm-up).`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' | target |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' | --- |');
  const row = (label: string, f: (x: RegistryFigures) => string, target = '') => out.push(`| ${label} | ${figs.map(f).join(' | ')} | ${target} |`);
  row('generate the city', (f) => sec(f.cityMs));
  row('bare cost: exceljs streaming read + prepared-statement insert of each row (one transaction)', (f) => `${sec(f.bare.ms)} (read alone ${sec(f.bare.readMs)})`);
  row(`**import of the ${f0.fileRows.toLocaleString()}-row xlsx** (job: parse, validate, upsert by blind index, history, search index, derived tags, audit)`, (f) => `**${sec(f.first.ms)}** (${(f.first.ms / f.bare.ms).toFixed(1)} × bare)`, 'SQLite < 10 s, PostgreSQL < 20 s');
  row('… its outcome', (f) => `${f.first.counts.created.toLocaleString()} created, ${f.first.counts.updated.toLocaleString()} updated, ${f.first.counts.unchanged.toLocaleString()} unchanged, ${f.first.counts.rejected.toLocaleString()} rejected`);
  row('the same file again (idempotent)', (f) => `${sec(f.again.ms)}: ${f.again.counts.unchanged.toLocaleString()} unchanged, ${(f.again.counts.created + f.again.counts.updated).toLocaleString()} written, ${f.again.counts.rejected.toLocaleString()} rejected`);
  for (let k = 0; k < f0.search.length; k++) {
    const label = f0.search[k]!.label;
    row(`search p95 — ${label} — community staff / street dispatcher`, (f) => `${ms(f.search[k]!.staff.p95)} / ${ms(f.search[k]!.dispatcher.p95)}`, k === 0 ? '< 20 ms' : '');
  }
  row(`ledger of a community (${f0.ledger.rows.toLocaleString()} people), p50 / slowest`, (f) => `${ms(f.ledger.ms.p50)} / ${ms(f.ledger.max)}`, '< 1 s');
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  out.push(`Search p50s, staff / dispatcher: ${f0.search.map((s, k) => `${s.label}: ${figs.map((f) => `${f.dialect} ${ms(f.search[k]!.staff.p50)} / ${ms(f.search[k]!.dispatcher.p50)}`).join(', ')}`).join('; ')}.`, '');
  return out;
}

/** Replaces (or appends) the section of docs/benchmarks.md whose heading starts with `heading`. */
function spliceSection(section: string[], heading = '## Registry at ') {
  const file = path.join(root, 'docs', 'benchmarks.md');
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const docLines = doc.split('\n');
  const start = docLines.findIndex((l) => l.startsWith(heading));
  let end = start < 0 ? -1 : docLines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (start >= 0 && end < 0) end = docLines.length;
  const next = start < 0 ? [...docLines, ...(docLines[docLines.length - 1] === '' ? [] : ['']), ...section] : [...docLines.slice(0, start), ...section, ...docLines.slice(end)];
  fs.writeFileSync(file, next.join('\n'));
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

async function main() {
  const withPg = await pgReachable();
  if (process.env.BENCH_ONLY === 'registry') {
    // BENCH_DB=sqlite or postgres: one database only, while tuning (the document then shows that column).
    const only = process.env.BENCH_DB;
    const figs: RegistryFigures[] = [];
    const run = async (dialect: 'sqlite' | 'postgres') => {
      try {
        figs.push(await benchRegistry(dialect));
      } catch (e) {
        if (!(e instanceof ImportOnlyDone)) throw e;
      }
    };
    // BENCH_FIGURES=dir: each database's figures are also kept as dir/<dialect>.json, and
    // BENCH_FIGURES_RENDER=1 writes the section from what that folder holds (two runs, one per
    // database, side by side in time, then one document).
    const kept = process.env.BENCH_FIGURES;
    if (kept && process.env.BENCH_FIGURES_RENDER) {
      for (const d of ['sqlite', 'postgres']) {
        const f = path.join(kept, `${d}.json`);
        if (fs.existsSync(f)) figs.push(JSON.parse(fs.readFileSync(f, 'utf8')) as RegistryFigures);
      }
    } else {
      if (only !== 'postgres') await run('sqlite');
      if (withPg && only !== 'sqlite') await run('postgres');
      if (kept) {
        fs.mkdirSync(kept, { recursive: true });
        for (const f of figs) fs.writeFileSync(path.join(kept, `${f.dialect}.json`), JSON.stringify(f));
      }
    }
    if (figs.length === 0) return;
    const section = registrySection(figs);
    // BENCH_DOC=off: a trial run while tuning leaves docs/benchmarks.md as it is.
    if (process.env.BENCH_DOC !== 'off') spliceSection(section);
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'events') {
    const only = process.env.BENCH_DB;
    const figs: EventsFigures[] = [];
    const opts = { events: EVENTS, reports: EVENT_REPORTS, log };
    if (only !== 'postgres') figs.push(await benchEvents('sqlite', openFresh, opts));
    if (withPg && only !== 'sqlite') figs.push(await benchEvents('postgres', openFresh, opts));
    const section = eventsSection(figs, machine());
    spliceSection(section, '## Grid events at ');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'ledger') {
    const only = process.env.BENCH_DB;
    const figs: LedgerFigures[] = [];
    if (only !== 'postgres') figs.push(await benchLedger('sqlite', openFresh, LEDGER));
    if (withPg && only !== 'sqlite') figs.push(await benchLedger('postgres', openFresh, LEDGER));
    const section = ledgerSection(figs, machine());
    if (process.env.BENCH_DOC !== 'off') spliceSection(section, '## Ledger at ');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'community') {
    const only = process.env.BENCH_DB;
    const figs: CommunityFigures[] = [];
    if (only !== 'postgres') figs.push(await benchCommunity('sqlite', openFresh, { texts: OPINION_TEXTS, log }));
    if (withPg && only !== 'sqlite') figs.push(await benchCommunity('postgres', openFresh, { texts: OPINION_TEXTS, log }));
    const section = communitySection(figs, machine());
    spliceSection(section, '## Online community');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'services') {
    const only = process.env.BENCH_DB;
    const figs: ServicesFigures[] = [];
    const opts = { searches: GUIDE_SEARCHES, submissions: APPLICATIONS, log };
    if (only !== 'postgres') figs.push(await benchServices('sqlite', openFresh, opts));
    if (withPg && only !== 'sqlite') figs.push(await benchServices('postgres', openFresh, opts));
    const section = servicesSection(figs, machine());
    spliceSection(section, '## Service hall');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'exchange') {
    const figs: ExchangeFigures[] = [];
    if (process.env.BENCH_DB !== 'postgres') figs.push(await benchExchange('sqlite'));
    if (withPg && process.env.BENCH_DB !== 'sqlite') figs.push(await benchExchange('postgres'));
    const section = exchangeSection(figs);
    if (process.env.BENCH_DOC !== 'off') spliceSection(section, '## 数据共享交换');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'volunteers') {
    const only = process.env.BENCH_DB;
    const figs: VolunteersFigures[] = [];
    if (only !== 'postgres') figs.push(await benchVolunteers('sqlite', openFresh, VOLUNTEER_OPTS));
    if (withPg && only !== 'sqlite') figs.push(await benchVolunteers('postgres', openFresh, VOLUNTEER_OPTS));
    const section = volunteersSection(figs, machine());
    if (process.env.BENCH_DOC !== 'off') spliceSection(section, '## Volunteers');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (process.env.BENCH_ONLY === 'cockpit') {
    const only = process.env.BENCH_DB;
    const figs: CockpitFigures[] = [];
    // BENCH_FIGURES=dir as for the registry: one process per database side by side, then
    // BENCH_FIGURES_RENDER=1 writes the section from dir/<dialect>.json.
    const kept = process.env.BENCH_FIGURES;
    if (kept && process.env.BENCH_FIGURES_RENDER) {
      for (const d of ['sqlite', 'postgres']) {
        const f = path.join(kept, `cockpit-${d}.json`);
        if (fs.existsSync(f)) figs.push(JSON.parse(fs.readFileSync(f, 'utf8')) as CockpitFigures);
      }
    } else {
      if (only !== 'postgres') figs.push(await benchCockpit('sqlite', openFresh, COCKPIT_OPTS));
      if (withPg && only !== 'sqlite') figs.push(await benchCockpit('postgres', openFresh, COCKPIT_OPTS));
      if (kept) {
        fs.mkdirSync(kept, { recursive: true });
        for (const f of figs) fs.writeFileSync(path.join(kept, `cockpit-${f.dialect}.json`), JSON.stringify(f));
      }
    }
    if (figs.length === 0) return;
    const section = cockpitSection(figs, machine());
    if (process.env.BENCH_DOC !== 'off') spliceSection(section, '## Cockpit at ');
    console.log('\n' + section.join('\n'));
    return;
  }
  if (!fs.existsSync(path.join(root, 'dist/web/resident/index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
  }
  const servers = [await benchServer('sqlite')];
  if (withPg) servers.push(await benchServer('postgres'));
  if (process.env.BENCH_ONLY === 'server') {
    // A quick look while tuning; the document is only written by a full run.
    console.log(servers.map((s) => `${s.dialect}: audited ${s.listed.rps.toFixed(0)} rps, bare ${s.bare.rps.toFixed(0)} rps, ratio ${(s.listed.rps / s.bare.rps).toFixed(2)}`).join('\n'));
    return;
  }
  const trees = [await benchOrgTree('sqlite')];
  if (withPg) trees.push(await benchOrgTree('postgres'));
  const city = await benchCity();
  const registry = [await benchRegistry('sqlite')];
  if (withPg) registry.push(await benchRegistry('postgres'));
  const events = [await benchEvents('sqlite', openFresh, { events: EVENTS, reports: EVENT_REPORTS, log })];
  if (withPg) events.push(await benchEvents('postgres', openFresh, { events: EVENTS, reports: EVENT_REPORTS, log }));
  const services = [await benchServices('sqlite', openFresh, { searches: GUIDE_SEARCHES, submissions: APPLICATIONS, log })];
  if (withPg) services.push(await benchServices('postgres', openFresh, { searches: GUIDE_SEARCHES, submissions: APPLICATIONS, log }));
  const community = [await benchCommunity('sqlite', openFresh, { texts: OPINION_TEXTS, log })];
  if (withPg) community.push(await benchCommunity('postgres', openFresh, { texts: OPINION_TEXTS, log }));
  const ledgerFigs = [await benchLedger('sqlite', openFresh, LEDGER)];
  if (withPg) ledgerFigs.push(await benchLedger('postgres', openFresh, LEDGER));
  const volunteerFigs = [await benchVolunteers('sqlite', openFresh, VOLUNTEER_OPTS)];
  if (withPg) volunteerFigs.push(await benchVolunteers('postgres', openFresh, VOLUNTEER_OPTS));
  const cockpitFigs = [await benchCockpit('sqlite', openFresh, COCKPIT_OPTS)];
  if (withPg) cockpitFigs.push(await benchCockpit('postgres', openFresh, COCKPIT_OPTS));
  const exchangeFigs = [await benchExchange('sqlite')];
  if (withPg) exchangeFigs.push(await benchExchange('postgres'));

  const date = new Date().toISOString().slice(0, 10);
  lines.push('# Benchmarks', '');
  lines.push(`Written by \`npm run bench\` (bench/run.ts) on **${date}**.`, '');
  lines.push(`Machine: ${machine()}. Load is generated by autocannon in a separate process (${SECONDS} s per run) on the same machine, so server and load share the 2 cores.`, '');
  lines.push('## Demo seed, logins, the audited list endpoint', '');
  lines.push('| figure | ' + servers.map((s) => s.dialect).join(' | ') + ' |');
  lines.push('| --- | ' + servers.map(() => '---').join(' | ') + ' |');
  const row = (label: string, f: (s: (typeof servers)[number]) => string) => lines.push(`| ${label} | ${servers.map(f).join(' | ')} |`);
  row('demo seed (residents)', (s) => `${s.seedSeconds.toFixed(1)} s (${s.residents.toLocaleString()})`);
  row('login round trips/s (argon2id, 4 connections)', (s) => `${s.login.rps.toFixed(1)} (p99 ${s.login.p99} ms, non-2xx ${s.login.non2xx})`);
  row('`GET /api/v1/people?orgNodeId=<grid>&pageSize=20` (session, policy, subtree, masking, tags, addresses, audit row) req/s', (s) => `${s.listed.rps.toFixed(0)} (p50 ${s.listed.p50} ms, p99 ${s.listed.p99} ms)`);
  row('bare Fastify route, the same five data queries, no session/policy/masking/audit, req/s', (s) => `${s.bare.rps.toFixed(0)} (p50 ${s.bare.p50} ms, p99 ${s.bare.p99} ms)`);
  row('**ratio audited / bare** (target ≥ 0.6)', (s) => `**${(s.listed.rps / s.bare.rps).toFixed(2)}**`);
  row('audit rows written by the list run (one per read)', (s) => `${s.auditRows.toLocaleString()} (non-2xx ${s.listed.non2xx})`);
  lines.push('');
  const js = servers[0]!.residentJs!;
  lines.push('## What a resident\'s phone downloads', '');
  lines.push(`Resident home page JavaScript: **${(js.gzip / 1024).toFixed(1)} KB gzip** (${(js.raw / 1024).toFixed(1)} KB raw, ${js.files} files); budget 150 KB. Method: ${js.method}.`, '');
  lines.push(`## Organisation tree at ${DWELLINGS.toLocaleString()} dwellings`, '');
  lines.push('Subtree queries are path-prefix range scans on `(kind, path)`. 200 runs each unless noted; p50 / p99.', '');
  lines.push('| query | ' + trees.map((t) => t.dialect).join(' | ') + ' |');
  lines.push('| --- | ' + trees.map(() => '---').join(' | ') + ' |');
  const trow = (label: string, f: (t: (typeof trees)[number]) => string) => lines.push(`| ${label} | ${trees.map(f).join(' | ')} |`);
  trow('build the tree (bulk insert)', (t) => `${t.buildSeconds.toFixed(1)} s (${t.total.toLocaleString()} dwellings)`);
  trow('count dwellings in the whole city (20 runs)', (t) => `${ms(t.figures.countCity.p50)} / ${ms(t.figures.countCity.p99)}`);
  trow('count dwellings in a street (100,000)', (t) => `${ms(t.figures.countStreet.p50)} / ${ms(t.figures.countStreet.p99)}`);
  trow('count dwellings in a community (10,000)', (t) => `${ms(t.figures.countCommunity.p50)} / ${ms(t.figures.countCommunity.p99)}`);
  trow('first page (50) of a grid\'s dwellings', (t) => `${ms(t.figures.pageGrid.p50)} / ${ms(t.figures.pageGrid.p99)}`);
  trow('a dwelling\'s ancestors (breadcrumbs)', (t) => `${ms(t.figures.ancestors.p50)} / ${ms(t.figures.ancestors.p99)}`);
  lines.push('');
  const c = city.city;
  lines.push(`## Synthetic city (bench/generate-city.ts), SQLite`, '');
  lines.push(`${c.residents.toLocaleString()} residents in ${c.households.toLocaleString()} households, ${c.dwellings.toLocaleString()} dwellings, ${c.grids} grids, ${c.communities} communities, ${c.streets} streets: generated in **${(c.ms / 1000).toFixed(1)} s** (ID and phone numbers encrypted and blind-indexed like real ones).`, '');
  lines.push('| query on the city | p50 / p99 |', '| --- | --- |');
  lines.push(`| count people in a community | ${ms(city.figures.countCommunity.p50)} / ${ms(city.figures.countCommunity.p99)} |`);
  lines.push(`| first page (20) of a grid's people | ${ms(city.figures.pageGrid.p50)} / ${ms(city.figures.pageGrid.p99)} |`);
  lines.push(`| count people in the whole city (5 runs) | ${ms(city.figures.countCity.p50)} / ${ms(city.figures.countCity.p99)} |`);
  lines.push('');
  lines.push(...registrySection(registry));
  lines.push(...eventsSection(events, machine()));
  lines.push(...servicesSection(services, machine()));
  lines.push(...communitySection(community, machine()));
  lines.push(...ledgerSection(ledgerFigs, machine()));
  lines.push(...volunteersSection(volunteerFigs, machine()));
  lines.push(...cockpitSection(cockpitFigs, machine()));
  lines.push(...exchangeSection(exchangeFigs));
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), lines.join('\n'));
  console.log('\n' + lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
