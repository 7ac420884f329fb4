import path from 'node:path';
import type { PlatformContext } from '../../platform/context.js';
import { beijingDay, lastMonths, type StatMonth } from '../../platform/stats/months.js';
import { forgetStatistics } from './cockpit.cache.js';
import { FACT_PARTS, gatherFacts, type Facts } from './cockpit.facts.js';
import * as repo from './cockpit.repository.js';
import type { AreaNode, CellRow, NodeRow, OpenRow, Sum } from './cockpit.repository.js';
import { OPEN_DATASETS, OPEN_LEVELS } from './cockpit.schema.js';
import { areasOf, buildDataset, openDatasetCsvSliced, type OpenDataset } from './opendata.service.js';
import { streamFromWorker } from '../../platform/workers/worker-stream.js';
import type { FactSlice, FactsInput } from './cockpit.facts-worker.js';

/**
 * The statistics refresh (every 10 minutes, after the demo seed, POST /api/v1/cockpit/refresh):
 *
 * 1. read the facts in one snapshot (cockpit.facts.ts) — on SQLite (a file) in a worker thread on
 *    its own connection, so the server's single synchronous connection and event loop go on
 *    serving; on PostgreSQL in a REPEATABLE READ transaction;
 * 2. in JavaScript, in slices with a pause for the event loop between them: the cells (one row per
 *    cell node × metric × dims), every area node's subtree totals (what the overview and the map
 *    read), and every open dataset at every level with its JSON and CSV text (what the portal serves);
 * 3. write them as generation g + 1 beside the current g, a few hundred rows per statement with a
 *    pause between; flip `stat_refresh.generation` in one statement; delete generation g in slices.
 *
 * Readers join stat_refresh in the statement that reads, so they see g or g + 1, never a mix, and
 * never wait for a refresh. One refresh at a time: a queue per database in this process, and on
 * PostgreSQL an advisory lock across processes (SQLite: one server process per file).
 */

const pause = () => new Promise<void>((done) => setImmediate(done));
/** Rows handled between two pauses when computing, and rows per INSERT when writing. */
const SLICE = 2_000;
const INSERT_CELLS = 500;
const INSERT_NODES = 1_000;
/** Rows per DELETE on SQLite: stat_open rows carry 200,000 characters each, so a few at a time. */
const DELETE_SLICE = { stat_cell: 5_000, stat_node: 5_000, stat_open: 4 } as const;
/** Characters per stored part of an open dataset's text: a few hundred KB per INSERT. */
const OPEN_PART = 200_000;
const TABLES = ['stat_cell', 'stat_node', 'stat_open'] as const;

export interface RefreshOptions {
  /** Where the facts are read on SQLite: `worker` (default for a file), `inline` (default for :memory:). */
  facts?: 'worker' | 'inline';
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Rebuilds the statistics (cells, subtree totals, open datasets) as a new generation. */
export async function refreshStatistics(ctx: PlatformContext, opts: RefreshOptions = {}): Promise<{ cells: number; ms: number }> {
  const before = queues.get(ctx.db) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => refreshLocked(ctx, opts));
  queues.set(ctx.db, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(ctx.db) === mine) queues.delete(ctx.db);
  }
}

async function refreshLocked(ctx: PlatformContext, opts: RefreshOptions) {
  if (ctx.db.dialect !== 'postgres') return refreshOnce(ctx, opts);
  return ctx.db.kysely.connection().execute(async (conn) => {
    await repo.lockRefresh(conn);
    try {
      return await refreshOnce(ctx, opts);
    } finally {
      await repo.unlockRefresh(conn);
    }
  });
}

async function readFacts(ctx: PlatformContext, day: string, months: StatMonth[], opts: RefreshOptions): Promise<Facts> {
  const db = ctx.db;
  if (db.dialect === 'postgres') return db.kysely.transaction().setIsolationLevel('repeatable read').execute((trx) => gatherFacts(trx, day, months));
  const mode = opts.facts ?? (db.location === ':memory:' ? 'inline' : 'worker');
  if (mode === 'worker' && db.location !== ':memory:') return factsInWorker(path.resolve(db.location), day, months);
  return db.kysely.transaction().execute((trx) => gatherFacts(trx, day, months));
}

/** SQLite: the facts read by cockpit.facts-worker.ts on its own connection, taken slice by slice. */
async function factsInWorker(file: string, day: string, months: StatMonth[]): Promise<Facts> {
  const self = import.meta.url;
  const entry = new URL(`./cockpit.facts-worker${self.endsWith('.ts') ? '.ts' : '.js'}`, self);
  const facts = Object.fromEntries(FACT_PARTS.map((p) => [p, [] as unknown[]])) as Record<string, unknown[]>;
  // One slice in flight: the main thread takes in at most one per turn of its event loop.
  const stream = streamFromWorker<FactSlice>(entry, { file, day, months } satisfies FactsInput, { batch: 1, window: 1 });
  for await (const slice of stream.items) {
    const into = facts[slice.part]!;
    for (const r of slice.rows) into.push(r);
  }
  return facts as unknown as Facts;
}

/**
 * Maps an org path (or a prefix of one) to the cell node holding it: the deepest grid on the
 * path, else the deepest community, else the deepest area node (a street, for an event filed there).
 */
function cellResolver(nodes: AreaNode[]) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const cache = new Map<string, AreaNode | null>();
  return (p: string): AreaNode | null => {
    const hit = cache.get(p);
    if (hit !== undefined) return hit;
    const chain = p
      .split('/')
      .filter(Boolean)
      .map((id) => byId.get(id))
      .filter((n): n is AreaNode => !!n);
    const pick = [...chain].reverse();
    const found = pick.find((n) => n.kind === 'grid') ?? pick.find((n) => n.kind === 'community') ?? pick[0] ?? null;
    cache.set(p, found);
    return found;
  };
}

/** Calls `fn` on every row, pausing for the event loop every SLICE rows. */
async function each<T>(rows: readonly T[], fn: (row: T) => void) {
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % SLICE === 0) await pause();
    fn(rows[i]!);
  }
}

/** One row per (cell node, metric, dim1, dim2): each fact given to the cell node holding its path. */
async function computeCells(f: Facts): Promise<CellRow[]> {
  const cellOf = cellResolver(f.nodes);
  const cells = new Map<string, CellRow>();
  const add = (p: string, metric: string, dim1: string, dim2: string, value: number) => {
    const node = cellOf(p);
    if (!node || value === 0) return;
    const key = `${node.id}\u0000${metric}\u0000${dim1}\u0000${dim2}`;
    const row = cells.get(key);
    if (row) row.value += value;
    else cells.set(key, { org_node_id: node.id, org_path: node.path, metric, dim1, dim2, value });
  };
  await each(f.population, (r) => add(r.path, 'pop', r.sex, r.band < 0 ? '' : String(r.band), r.n));
  await each(f.residence, (r) => add(r.path, 'residence', r.type, '', r.n));
  await each(f.tags, (r) => (r.tag === '' ? add(r.path, 'special', '', '', r.n) : add(r.path, 'tag', r.tag, r.sensitive ? 's' : 'p', r.n)));
  await each(f.households, (r) => add(r.path, 'households', '', '', r.n));
  await each(f.dwellings, (r) => add(r.path, 'dwellings', '', '', r.n));
  const EV = { reported: 'ev_reported', closed: 'ev_closed', closedCounted: 'ev_closed_counted', closedOnTime: 'ev_on_time', rated: 'ev_rated', satisfied: 'ev_satisfied' } as const;
  await each(f.events, (r) => add(r.path, EV[r.metric], r.month, '', r.n));
  await each(f.applications, (r) => add(r.path, `app_${r.metric}`, r.month, '', r.n));
  await each(f.minutes, (r) => add(r.path, 'vol_minutes', r.month, '', r.minutes));
  const byId = new Map(f.nodes.map((n) => [n.id, n]));
  for (const fund of f.funds) {
    const node = byId.get(fund.orgNodeId);
    // A fund's balance may be 0 and still shows (the community has a fund).
    if (node) cells.set(`${node.id}\u0000fund_fen\u0000\u0000`, { org_node_id: node.id, org_path: node.path, metric: 'fund_fen', dim1: '', dim2: '', value: fund.balanceFen });
  }
  return [...cells.values()];
}

/**
 * Every area node's subtree totals: the sums of the cells whose path starts with the node's path
 * (what a prefix range over the cells gave), one row per (node, metric, dim1, dim2).
 */
async function computeSubtreeTotals(nodes: AreaNode[], cells: CellRow[]): Promise<{ rows: NodeRow[]; byNode: Map<string, Sum[]> }> {
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  const holders = new Map<string, AreaNode[]>();
  const holdersOf = (p: string) => {
    let hit = holders.get(p);
    if (!hit) {
      hit = [];
      for (let i = 0; i < p.length; i++) {
        if (p[i] !== '/') continue;
        const n = byPath.get(p.slice(0, i + 1));
        if (n) hit.push(n);
      }
      holders.set(p, hit);
    }
    return hit;
  };
  const totals = new Map<string, NodeRow>();
  await each(cells, (c) => {
    for (const n of holdersOf(c.org_path)) {
      const key = `${n.id}\u0000${c.metric}\u0000${c.dim1}\u0000${c.dim2}`;
      const row = totals.get(key);
      if (row) row.value += c.value;
      else totals.set(key, { org_node_id: n.id, metric: c.metric, dim1: c.dim1, dim2: c.dim2, value: c.value });
    }
  });
  const rows = [...totals.values()];
  const byNode = new Map<string, Sum[]>();
  for (const r of rows) {
    const list = byNode.get(r.org_node_id) ?? [];
    list.push(r);
    byNode.set(r.org_node_id, list);
  }
  return { rows, byNode };
}

/** The same text as JSON.stringify(ds), made a few thousand records at a time (`records` is the last key). */
export async function jsonSliced(ds: OpenDataset, slice = SLICE): Promise<string> {
  const head = JSON.stringify({ ...ds, records: [] });
  const parts: string[] = [];
  for (let i = 0; i < ds.records.length; i += slice) {
    parts.push(JSON.stringify(ds.records.slice(i, i + slice)).slice(1, -1));
    await pause();
  }
  return `${head.slice(0, -2)}${parts.join(',')}]}`;
}

/** A text cut into parts of at most OPEN_PART characters (never between the two halves of a surrogate pair). */
export function cutText(text: string, size = OPEN_PART): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end = end - 1 > i ? end - 1 : end + 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out.length > 0 ? out : [''];
}

async function refreshOnce(ctx: PlatformContext, opts: RefreshOptions): Promise<{ cells: number; ms: number }> {
  const started = performance.now();
  const now = ctx.now();
  const at = now.toISOString();
  const months = lastMonths(now);
  const facts = await readFacts(ctx, beijingDay(now), months, opts);
  const cells = await computeCells(facts);
  const totals = await computeSubtreeTotals(facts.nodes, cells);
  // The open datasets as published: every name at every level, JSON and CSV text.
  const month = months[months.length - 1]!.key;
  const open: Omit<OpenRow, 'part'>[] = [];
  for (const level of OPEN_LEVELS) {
    const areas = areasOf(facts.nodes, level);
    for (const name of OPEN_DATASETS) {
      const ds = await buildDataset(
        name,
        level,
        areas,
        totals.byNode,
        months.map((m) => m.key),
        at,
      );
      open.push({ name, level, format: 'json', month, body: await jsonSliced(ds) });
      open.push({ name, level, format: 'csv', month, body: await openDatasetCsvSliced(ds) });
      await pause();
    }
  }

  const db = ctx.db.kysely;
  const dialect = ctx.db.dialect;
  const current = (await repo.lastRefresh(db))?.generation ?? 0;
  // Leftovers of a refresh that stopped half-way (generation above the current one).
  for (const t of TABLES) while (await repo.deleteGenerations(db, dialect, t, current, 'above', DELETE_SLICE[t])) await pause();
  const next = current + 1;
  for (let i = 0; i < cells.length; i += INSERT_CELLS) {
    await repo.insertCells(db, next, cells.slice(i, i + INSERT_CELLS), at);
    await pause();
  }
  for (let i = 0; i < totals.rows.length; i += INSERT_NODES) {
    await repo.insertNodeRows(db, next, totals.rows.slice(i, i + INSERT_NODES));
    await pause();
  }
  for (const row of open) {
    const parts = cutText(row.body);
    for (let k = 0; k < parts.length; k++) {
      await repo.insertOpen(db, next, { ...row, part: k, body: parts[k]! });
      await pause();
    }
  }
  const ms = Math.round(performance.now() - started);
  await repo.flipGeneration(db, next, at, cells.length, ms);
  forgetStatistics();
  for (const t of TABLES) while (await repo.deleteGenerations(db, dialect, t, next, 'below', DELETE_SLICE[t])) await pause();
  return { cells: cells.length, ms };
}
