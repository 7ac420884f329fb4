/**
 * npm run bench → docs/benchmarks.md
 *
 * Figures: demo seed time; login round trips per second; an authorised, audited list endpoint
 * next to a bare Fastify route running the same database query (the ratio is the figure); the
 * JavaScript a resident's phone downloads for the home page (gzip); org-tree subtree queries at
 * 1,000,000 dwellings; the synthetic city generator.
 *
 * Env: BENCH_SECONDS (per load test, default 10), BENCH_RESIDENTS (synthetic city, default
 * 1,000,000), BENCH_DWELLINGS (org tree, default 1,000,000), BENCH_PG_URL (default the test
 * database; set to "off" to skip PostgreSQL).
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
import { countInSubtree, getAncestors, insertNodes, listInSubtree } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import { generateCity } from './generate-city.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 1_000_000);
const DWELLINGS = Number(process.env.BENCH_DWELLINGS ?? 1_000_000);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const lines: string[] = [];
const log = (msg: string) => console.log(msg);

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

async function openFresh(dialect: 'sqlite' | 'postgres', overrides: Partial<Config> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-'));
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
  return { platform, cleanup };
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
  bare.get('/bare/people', async () => {
    const filter = { paths: [grid.path] };
    const rows = await people.listPeople(platform.ctx.db.kysely, filter, { limit: 20, offset: 0 });
    const total = await people.countPeople(platform.ctx.db.kysely, filter);
    return { items: rows, total };
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

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/web/resident/index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
  }
  const withPg = await pgReachable();
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
  row('`GET /api/v1/registry/people` (session, policy, subtree, masking, audit row) req/s', (s) => `${s.listed.rps.toFixed(0)} (p50 ${s.listed.p50} ms, p99 ${s.listed.p99} ms)`);
  row('bare Fastify route, same two queries, req/s', (s) => `${s.bare.rps.toFixed(0)} (p50 ${s.bare.p50} ms, p99 ${s.bare.p99} ms)`);
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
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), lines.join('\n'));
  console.log('\n' + lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
