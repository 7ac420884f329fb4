/**
 * The ledger section of `npm run bench` (BENCH_ONLY=ledger runs only this one; BENCH_DB picks one
 * database; BENCH_DOC=off leaves docs/benchmarks.md alone): postings per second through
 * `ledger.post` and balance look-up p95 through `ledger.balances` with BENCH_LEDGER_ENTRIES
 * entries (default 10,000,000) already in the ledger.
 *
 * The load is honest and fast: balanced two-line journals (a community's points issued, debit;
 * a holder's points, credit) generated inside the database in batches (PostgreSQL
 * `generate_series`, SQLite a recursive CTE), straight into `ledger_journal` and `ledger_entry`
 * with every index and trigger in place — 100 communities' clearing accounts and
 * BENCH_LEDGER_HOLDERS holders (default 100,000: ~50 entries each at 5 M journals). Then
 * PostgreSQL is vacuumed and analysed (as autovacuum does after such a load), SQLite analysed.
 *
 * Measured, sequentially on one connection: earning postings (nothing to lock), spending postings
 * (the holder's account locked and its balance summed before the insert: the overdraft check),
 * 8 spending postings in flight, and balance look-ups of random holders (~50 entries) and of the
 * communities' clearing accounts (~50,000 entries each: the SUM the ledger does today).
 *
 * Env: BENCH_LEDGER_ENTRIES, BENCH_LEDGER_HOLDERS, BENCH_LEDGER_POSTS (default 2,000 per kind),
 * BENCH_LEDGER_LOOKUPS (default 2,000).
 */
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Platform } from '../src/platform/bootstrap.js';
import type { Database } from '../src/platform/db/schema.js';
import * as ledger from '../src/platform/ledger/ledger.service.js';
import { mulberry32 } from '../src/demo/random.js';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export interface LedgerFigures {
  dialect: 'sqlite' | 'postgres';
  entries: number;
  journals: number;
  holders: number;
  clearing: number;
  loadSeconds: number;
  vacuumSeconds: number;
  earn: { perSecond: number; t: Timing };
  spend: { perSecond: number; t: Timing };
  spendInFlight: { perSecond: number; n: number; inflight: number };
  holderBalance: Timing;
  holderBalanceBatch: Timing;
  clearingBalance: Timing;
  entriesPerHolder: number;
  entriesPerClearing: number;
  loadavg: [number, number];
}

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

const CLEARING = 100;
const BATCH = 250_000;
const holderCode = (k: number) => `points:volunteer:bench-${k}`;
const issuedCode = (c: number) => `points:issued:bench-${c}`;
const redeemedCode = (c: number) => `points:redeemed:bench-${c}`;

/** Accounts: holders (never negative), each community's issued and redeemed clearing accounts. */
async function loadAccounts(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', holders: number) {
  const at = new Date().toISOString();
  if (dialect === 'postgres') {
    await sql`INSERT INTO ledger_account (id, code, kind, unit, owner_type, owner_id, org_node_id, allow_negative, created_at)
      SELECT 'bh' || lpad(g::text, 14, '0'), 'points:volunteer:bench-' || g, 'liability', 'points', 'volunteer', 'bench-' || g, NULL, 0, ${at}
      FROM generate_series(0, ${holders - 1}) g`.execute(db);
  } else {
    await sql`WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < ${holders - 1})
      INSERT INTO ledger_account (id, code, kind, unit, owner_type, owner_id, org_node_id, allow_negative, created_at)
      SELECT 'bh' || printf('%014d', g), 'points:volunteer:bench-' || g, 'liability', 'points', 'volunteer', 'bench-' || g, NULL, 0, ${at} FROM s`.execute(db);
  }
  for (let c = 0; c < CLEARING; c++) {
    await ledger.ensureAccount(db, { code: issuedCode(c), kind: 'expense', unit: 'points', allowNegative: true });
    await ledger.ensureAccount(db, { code: redeemedCode(c), kind: 'income', unit: 'points', allowNegative: true });
  }
}

/**
 * Journals [from, to): journal g credits holder (g · 48271 mod H) — a permutation, so holders get
 * the same number of entries — and debits community g mod 100, 1–50 points, one second apart.
 */
async function loadJournals(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', from: number, to: number, holders: number) {
  const issuedIds = new Map((await db.selectFrom('ledger_account').select(['id', 'code']).where('code', 'like', 'points:issued:bench-%').execute()).map((a) => [a.code, a.id]));
  // A lookup table of the 100 clearing account ids by number, so the SQL can join on g mod 100.
  const values = [...Array(CLEARING).keys()].map((c) => (dialect === 'postgres' ? sql`(${c}::int, ${issuedIds.get(issuedCode(c))!}::text)` : sql`(${c}, ${issuedIds.get(issuedCode(c))!})`));
  if (dialect === 'postgres') {
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO ledger_journal (id, at, memo, source_type, source_id, reverses_id, created_by)
        SELECT 'bj' || lpad(g::text, 14, '0'), to_char(to_timestamp(1700000000 + g) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '志愿服务积分', 'bench', g::text, NULL, NULL
        FROM generate_series(${from}::bigint, ${to - 1}::bigint) g`.execute(trx);
      await sql`INSERT INTO ledger_entry (id, journal_id, account_id, amount, unit)
        SELECT 'be' || lpad((2 * g)::text, 14, '0'), 'bj' || lpad(g::text, 14, '0'), c.id, 1 + (g * 7) % 50, 'points'
        FROM generate_series(${from}::bigint, ${to - 1}::bigint) g JOIN (VALUES ${sql.join(values)}) AS c(n, id) ON c.n = g % ${CLEARING}`.execute(trx);
      await sql`INSERT INTO ledger_entry (id, journal_id, account_id, amount, unit)
        SELECT 'be' || lpad((2 * g + 1)::text, 14, '0'), 'bj' || lpad(g::text, 14, '0'), 'bh' || lpad(((g * 48271) % ${holders})::text, 14, '0'), -(1 + (g * 7) % 50), 'points'
        FROM generate_series(${from}::bigint, ${to - 1}::bigint) g`.execute(trx);
    });
  } else {
    await db.transaction().execute(async (trx) => {
      const series = sql`WITH RECURSIVE s(g) AS (SELECT ${from} UNION ALL SELECT g + 1 FROM s WHERE g < ${to - 1})`;
      await sql`${series} INSERT INTO ledger_journal (id, at, memo, source_type, source_id, reverses_id, created_by)
        SELECT 'bj' || printf('%014d', g), strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + g, 'unixepoch'), '志愿服务积分', 'bench', CAST(g AS TEXT), NULL, NULL FROM s`.execute(trx);
      await sql`${series}, c(n, id) AS (VALUES ${sql.join(values)}) INSERT INTO ledger_entry (id, journal_id, account_id, amount, unit)
        SELECT 'be' || printf('%014d', 2 * g), 'bj' || printf('%014d', g), c.id, 1 + (g * 7) % 50, 'points' FROM s JOIN c ON c.n = g % ${CLEARING}`.execute(trx);
      await sql`${series} INSERT INTO ledger_entry (id, journal_id, account_id, amount, unit)
        SELECT 'be' || printf('%014d', 2 * g + 1), 'bj' || printf('%014d', g), 'bh' || printf('%014d', (g * 48271) % ${holders}), -(1 + (g * 7) % 50), 'points' FROM s`.execute(trx);
    });
  }
}

export async function benchLedger(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { entries: number; holders: number; posts: number; lookups: number; log: (msg: string) => void },
): Promise<LedgerFigures> {
  const { log } = opts;
  const load0 = os.loadavg()[0]!;
  const { platform, cleanup } = await openFresh(dialect);
  const db = platform.ctx.db.kysely;
  const rnd = mulberry32(7_000_001);
  const pick = (n: number) => Math.floor(rnd() * n);
  try {
    const journals = Math.ceil(opts.entries / 2);
    log(`\n[${dialect}] ledger: loading ${(journals * 2).toLocaleString()} entries (${journals.toLocaleString()} balanced journals) for ${opts.holders.toLocaleString()} holders and ${CLEARING} communities…`);
    const t0 = performance.now();
    await loadAccounts(db, dialect, opts.holders);
    for (let from = 0; from < journals; from += BATCH) {
      await loadJournals(db, dialect, from, Math.min(journals, from + BATCH), opts.holders);
      if ((from / BATCH) % 4 === 3) log(`[${dialect}]   ${(Math.min(journals, from + BATCH) * 2).toLocaleString()} entries, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    if (dialect === 'postgres') await sql`VACUUM ANALYZE ledger_entry, ledger_journal, ledger_account`.execute(db);
    else await sql`ANALYZE`.execute(db);
    const vacuumSeconds = (performance.now() - t1) / 1000;
    const entries = Number((await db.selectFrom('ledger_entry').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const unbalanced = await db.selectFrom('ledger_entry').select(sql<number>`coalesce(sum(amount), 0)`.as('s')).executeTakeFirstOrThrow();
    if (Number(unbalanced.s) !== 0) throw new Error(`the bench ledger does not balance: ${unbalanced.s}`);
    log(`[${dialect}]   loaded ${entries.toLocaleString()} entries in ${loadSeconds.toFixed(1)} s; ${dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'} ${vacuumSeconds.toFixed(1)} s`);

    // ---------------------------------------------- postings
    const at = new Date();
    const earn = () => {
      const c = pick(CLEARING);
      const points = 1 + pick(20);
      return ledger.post(db, { memo: '志愿服务积分', source: { type: 'bench.earn', id: String(c) }, lines: [{ accountCode: issuedCode(c), amount: points }, { accountCode: holderCode(pick(opts.holders)), amount: -points }], at });
    };
    // Spending 1 point: the holder's account is locked and its ~50 entries summed before the insert.
    const spend = (executor = db) => {
      const c = pick(CLEARING);
      return ledger.post(executor, { memo: '积分兑换', source: { type: 'bench.spend', id: String(c) }, lines: [{ accountCode: holderCode(pick(opts.holders)), amount: 1 }, { accountCode: redeemedCode(c), amount: -1 }], at });
    };
    const timed = async (n: number, fn: () => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) await fn(); // warm-up
      const samples: number[] = [];
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      return { perSecond: n / ((performance.now() - started) / 1000), t: percentiles(samples) };
    };
    log(`[${dialect}] ledger: ${opts.posts} earning and ${opts.posts} spending postings…`);
    const earned = await timed(opts.posts, earn);
    const spent = await timed(opts.posts, () => spend());
    log(`[${dialect}]   earn ${earned.perSecond.toFixed(0)}/s (p95 ${earned.t.p95.toFixed(2)} ms), spend ${spent.perSecond.toFixed(0)}/s (p95 ${spent.t.p95.toFixed(2)} ms)`);
    const inflight = 8;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (next < opts.posts) {
          next++;
          await db.transaction().execute((trx) => spend(trx));
        }
      }),
    );
    const spendInFlight = { perSecond: opts.posts / ((performance.now() - started) / 1000), n: opts.posts, inflight };
    log(`[${dialect}]   spend, ${inflight} in flight: ${spendInFlight.perSecond.toFixed(0)}/s`);

    // ---------------------------------------------- balances
    const lookup = async (n: number, codes: () => string[]) => {
      for (let i = 0; i < 20; i++) await ledger.balances(db, codes());
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const wanted = codes();
        const t = performance.now();
        const found = await ledger.balances(db, wanted);
        samples.push(performance.now() - t);
        if (found.size !== new Set(wanted).size) throw new Error('a balance is missing');
      }
      return percentiles(samples);
    };
    const holderBalance = await lookup(opts.lookups, () => [holderCode(pick(opts.holders))]);
    const holderBalanceBatch = await lookup(Math.ceil(opts.lookups / 4), () => Array.from({ length: 20 }, () => holderCode(pick(opts.holders))));
    const clearingBalance = await lookup(Math.min(200, opts.lookups), () => [issuedCode(pick(CLEARING))]);
    log(`[${dialect}]   balance p95: a holder ${holderBalance.p95.toFixed(2)} ms, 20 holders ${holderBalanceBatch.p95.toFixed(2)} ms, a community's clearing account ${clearingBalance.p95.toFixed(2)} ms`);
    return {
      dialect,
      entries,
      journals,
      holders: opts.holders,
      clearing: CLEARING,
      loadSeconds,
      vacuumSeconds,
      earn: earned,
      spend: spent,
      spendInFlight,
      holderBalance,
      holderBalanceBatch,
      clearingBalance,
      entriesPerHolder: Math.round(journals / opts.holders),
      entriesPerClearing: Math.round(journals / CLEARING),
      loadavg: [load0, os.loadavg()[0]!],
    };
  } finally {
    await cleanup();
  }
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

export function ledgerSection(figs: LedgerFigures[], machine: string): string[] {
  const out: string[] = [];
  if (figs.length === 0) return out;
  const f0 = figs[0]!;
  const date = new Date().toISOString().slice(0, 10);
  out.push(`## Ledger at ${f0.entries.toLocaleString()} entries`, '');
  out.push(
    `Run on **${date}**, ${machine}. The platform ledger (src/platform/ledger) with ${f0.entries.toLocaleString()} entries already in it: ${f0.journals.toLocaleString()} balanced two-line journals (a community's points issued, a holder's points) generated inside the database in batches of ${BATCH.toLocaleString()} with every index and trigger in place, spread over ${f0.holders.toLocaleString()} holders (~${f0.entriesPerHolder} entries each) and ${f0.clearing} communities' clearing accounts (~${f0.entriesPerClearing.toLocaleString()} entries each); PostgreSQL then vacuumed and analysed as autovacuum does after such a load. Postings go through \`ledger.post\` one after another on one connection (${f0.earn.t.n.toLocaleString()} of each kind after a warm-up): *earning* locks nothing; *spending* locks the holder's account and sums its entries before inserting (the overdraft check). Balances through \`ledger.balances\`: SUM over the account's entries on the \`(account_id, amount)\` index.`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' |');
  const row = (label: string, f: (x: LedgerFigures) => string) => out.push(`| ${label} | ${figs.map(f).join(' | ')} |`);
  row('bulk load of the entries (in-database batches)', (f) => `${f.loadSeconds.toFixed(0)} s (+ ${f.vacuumSeconds.toFixed(0)} s ${f.dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'})`);
  row('**postings per second**, earning (2 lines, nothing locked), one after another', (f) => `**${f.earn.perSecond.toFixed(0)}** (p50 ${ms(f.earn.t.p50)}, p95 ${ms(f.earn.t.p95)})`);
  row('postings per second, spending (holder locked, balance checked)', (f) => `${f.spend.perSecond.toFixed(0)} (p50 ${ms(f.spend.t.p50)}, p95 ${ms(f.spend.t.p95)})`);
  row(`postings per second, spending, ${f0.spendInFlight.inflight} in flight`, (f) => `${f.spendInFlight.perSecond.toFixed(0)}`);
  row(`**balance look-up p95**, a random holder (~${f0.entriesPerHolder} entries; ${f0.holderBalance.n.toLocaleString()} look-ups)`, (f) => `**${ms(f.holderBalance.p95)}** (p50 ${ms(f.holderBalance.p50)})`);
  row('balance look-up p95, 20 random holders in one call', (f) => `${ms(f.holderBalanceBatch.p95)} (p50 ${ms(f.holderBalanceBatch.p50)})`);
  row(`balance look-up p95, a community's clearing account (~${f0.entriesPerClearing.toLocaleString()} entries)`, (f) => `${ms(f.clearingBalance.p95)} (p50 ${ms(f.clearingBalance.p50)})`);
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  return out;
}
