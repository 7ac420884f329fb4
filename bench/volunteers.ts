/**
 * The volunteers section of `npm run bench` (BENCH_ONLY=volunteers runs only this one; BENCH_DB
 * picks one database; BENCH_DOC=off leaves docs/benchmarks.md alone): sign-ups per second when
 * everyone wants the same opportunity at once (the opportunity's row is the contended lock: a
 * numbered sign-up, a place by conditional UPDATE or the waiting list, audit), and the latency of
 * a QR check-in (signature, window, record, audit) and check-out (minutes posted to the ledger in
 * the same transaction). Through the service layer, no HTTP.
 *
 * Env: BENCH_SIGNUPS (default 1,000) sign-ups for BENCH_SIGNUP_QUOTA places (default 200), with
 * BENCH_SIGNUP_INFLIGHT (default 100) in flight.
 */
import os from 'node:os';
import { sql } from 'kysely';
import type { Platform } from '../src/platform/bootstrap.js';
import type { PlatformContext } from '../src/platform/context.js';
import { hashPassword } from '../src/platform/auth/passwords.js';
import { createUser } from '../src/platform/auth/users.service.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import { composeIdNumber } from '../src/platform/cn/id-number.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import type { Actor } from '../src/platform/policy/actor.js';
import { rotatingToken, signedLinkKey } from '../src/platform/qr/signed-link.js';
import * as volunteers from '../src/modules/volunteers/volunteers.service.js';
import * as shop from '../src/modules/volunteers/shop.service.js';
import * as hours from '../src/modules/volunteers/hours.service.js';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export interface VolunteersFigures {
  dialect: 'sqlite' | 'postgres';
  signups: { n: number; quota: number; inflight: number; perSecond: number; confirmed: number; waiting: number };
  checkIn: Timing;
  checkOut: Timing;
  loadavg: [number, number];
}

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export async function benchVolunteers(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { signups: number; quota: number; inflight: number; log: (msg: string) => void },
): Promise<VolunteersFigures> {
  const { log } = opts;
  const load0 = os.loadavg()[0]!;
  const { platform, cleanup } = await openFresh(dialect);
  const base = platform.ctx;
  const db = base.db.kysely;
  const t0 = Date.now();
  const at = (t: number): PlatformContext => ({ ...base, now: () => new Date(t) });
  const meta = { ip: '127.0.0.1', requestId: 'bench-volunteers' };
  try {
    const city = newNodeRow(null, 'city', '海宁市');
    const street = newNodeRow(city, 'street', '硖石街道');
    const community = newNodeRow(street, 'community', '西山社区');
    const grid = newNodeRow(community, 'grid', '西山社区第一网格');
    await insertNodes(db, [city, street, community, grid]);
    const hash = await hashPassword('Bench@2026x');
    const staffId = await createUser(base, { username: 'bench_staff', displayName: '社区 测试', password: 'Bench@2026x', mustChangePassword: false, grants: [{ role: 'community_staff', orgNodeId: community.id }] }, db, hash);
    const staff: Actor = { ...(await loadActor(db, staffId))!, via: 'session' };

    log(`\n[${dialect}] volunteers: registering ${opts.signups} volunteers…`);
    const people: Actor[] = [];
    for (let i = 0; i < opts.signups; i++) {
      const id = await createUser(at(t0), { username: `bench_v${i}`, displayName: `志愿者${i}`, password: 'Bench@2026x', mustChangePassword: false, grants: [{ role: 'resident', orgNodeId: grid.id }] }, db, hash);
      const actor: Actor = { ...(await loadActor(db, id))!, via: 'session' };
      await volunteers.registerSelf(at(t0), actor, { skills: [], availability: [], consent: true, consentVersion: volunteers.CONSENT_VERSION, identity: { name: `测试${i}`, idType: '居民身份证', idNumber: composeIdNumber('330481', `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 9}`, i % 1000), phone: `139${String(10_000_000 + i).padStart(8, '0')}` } }, meta);
      people.push(actor);
    }
    const o = await shop.createOpportunity(
      at(t0),
      staff,
      { orgNodeId: community.id, category: '环境', title: '护卫鹃湖：湖岸垃圾清理', description: '', place: '鹃湖公园东岸', startsAt: new Date(t0 + 2 * HOUR).toISOString(), endsAt: new Date(t0 + 4 * HOUR).toISOString(), signupDeadline: new Date(t0 + HOUR).toISOString(), quota: opts.quota, skills: [], requiresApproval: false, publish: true },
      meta,
    );

    // ------------------------------------------------ everyone at once on one opportunity
    log(`[${dialect}] volunteers: ${opts.signups} sign-ups for ${opts.quota} places, ${opts.inflight} in flight…`);
    const signupAt = at(t0 + 5 * MINUTE);
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < people.length) {
        const actor = people[next++]!;
        await shop.signUp(signupAt, actor, o.id, meta);
      }
    };
    await Promise.all(Array.from({ length: opts.inflight }, worker));
    const perSecond = people.length / ((performance.now() - started) / 1000);
    const counts = await db.selectFrom('volunteer_signup').select(['status', sql<number>`count(*)`.as('n')]).where('opportunity_id', '=', o.id).groupBy('status').execute();
    const confirmed = Number(counts.find((c) => c.status === 'confirmed')?.n ?? 0);
    const waiting = Number(counts.find((c) => c.status === 'waiting')?.n ?? 0);
    if (confirmed !== opts.quota || waiting !== people.length - opts.quota) throw new Error(`sign-ups went wrong: ${confirmed} confirmed, ${waiting} waiting`);
    log(`[${dialect}]   ${perSecond.toFixed(0)} sign-ups/s (${confirmed} confirmed, ${waiting} waiting)`);

    // ------------------------------------------------ scans at the place: check-in, then check-out
    const confirmedActors = (await db.selectFrom('volunteer_signup as s').innerJoin('volunteer as v', 'v.id', 's.volunteer_id').select('v.user_id').where('s.opportunity_id', '=', o.id).where('s.status', '=', 'confirmed').execute()).map((r) => r.user_id);
    const actors = people.filter((p) => confirmedActors.includes(p.userId));
    const key = signedLinkKey(base.sessionKey);
    const inAt = t0 + 2 * HOUR + 5 * MINUTE;
    const inSamples: number[] = [];
    for (const [i, actor] of actors.entries()) {
      const t = inAt + i * 500;
      const token = rotatingToken(key, { purpose: hours.CHECKIN_PURPOSE, subject: o.id, at: new Date(t) }).token;
      const s = performance.now();
      await hours.attendByQr(at(t), actor, token, meta);
      inSamples.push(performance.now() - s);
    }
    const outAt = t0 + 3 * HOUR + 50 * MINUTE;
    const outSamples: number[] = [];
    for (const [i, actor] of actors.entries()) {
      const t = outAt + i * 500;
      const token = rotatingToken(key, { purpose: hours.CHECKOUT_PURPOSE, subject: o.id, at: new Date(t) }).token;
      const s = performance.now();
      const r = await hours.attendByQr(at(t), actor, token, meta);
      outSamples.push(performance.now() - s);
      if (r.record.creditedMinutes <= 0) throw new Error('nothing credited');
    }
    const checkIn = percentiles(inSamples);
    const checkOut = percentiles(outSamples);
    log(`[${dialect}]   QR check-in p50 ${checkIn.p50.toFixed(2)} ms, p95 ${checkIn.p95.toFixed(2)} ms; check-out (ledger) p50 ${checkOut.p50.toFixed(2)} ms, p95 ${checkOut.p95.toFixed(2)} ms`);
    const journals = Number((await db.selectFrom('ledger_journal').select(sql<number>`count(*)`.as('n')).where('source_type', '=', 'volunteer.service').executeTakeFirstOrThrow()).n);
    if (journals !== actors.length) throw new Error(`expected ${actors.length} journals, found ${journals}`);
    return { dialect, signups: { n: people.length, quota: opts.quota, inflight: opts.inflight, perSecond, confirmed, waiting }, checkIn, checkOut, loadavg: [load0, os.loadavg()[0]!] };
  } finally {
    await cleanup();
  }
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

export function volunteersSection(figs: VolunteersFigures[], machine: string): string[] {
  const out: string[] = [];
  const f0 = figs[0]!;
  const date = new Date().toISOString().slice(0, 10);
  out.push('## Volunteers: sign-ups under contention, QR check-in and check-out', '');
  out.push(
    `Run on **${date}**, ${machine}. Through the service layer, no HTTP. ${f0.signups.n.toLocaleString()} registered volunteers sign up for one opportunity of ${f0.signups.quota} places, ${f0.signups.inflight} in flight (\`signUp\`: the opportunity's row updated first — its lock numbers the sign-up — a place by conditional UPDATE or the waiting list, audit; concurrent sign-ups share a transaction through \`batchedWrite\`); exactly ${f0.signups.quota} got places, the rest wait in order. Then each of them scans the rotating check-in code (\`attendByQr\`: HMAC check, window, record, audit) and later the check-out code (minutes posted to the ledger in the same transaction).`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' |');
  const row = (label: string, f: (x: VolunteersFigures) => string) => out.push(`| ${label} | ${figs.map(f).join(' | ')} |`);
  row(`**sign-ups per second**, ${f0.signups.n.toLocaleString()} for ${f0.signups.quota} places, ${f0.signups.inflight} in flight`, (f) => `**${f.signups.perSecond.toFixed(0)}/s** (${f.signups.confirmed} placed, ${f.signups.waiting} waiting)`);
  row(`**QR check-in p95** (${f0.checkIn.n} scans)`, (f) => `**${ms(f.checkIn.p95)}** (p50 ${ms(f.checkIn.p50)})`);
  row('QR check-out p95 (with the ledger journal)', (f) => `${ms(f.checkOut.p95)} (p50 ${ms(f.checkOut.p50)})`);
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  return out;
}
