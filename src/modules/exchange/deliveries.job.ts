import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { maskSensitiveText } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { claimDueRows } from '../../platform/db/lease.js';
import { parseJson } from '../../platform/db/dialect.js';
import { newId } from '../../platform/ids.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { recordPersonAccess } from '../registry/access-log.js';
import type { Mandate } from '../registry/registry.policy.js';
import * as registryRepo from '../registry/registry.repository.js';
import { maskedIdNumber } from '../registry/registry.service.js';
import { addressTextsOf } from '../registry/search.index.js';
import * as repo from './subscriptions.repository.js';
import { signature } from './deliveries.sign.js';
import type { ExchangeChangeTable, ExchangeDeliveryTable, ExchangeEvent } from './subscriptions.table.js';

/**
 * Change capture and webhook delivery (数据共享交换 · 变更订阅).
 *
 * Capture reads the registry's own time-stamped rows (person_tag created/ended, person created
 * and ended as deceased) since the watermark, minus a look-back that covers transactions which
 * committed late. Each change has an id of what changed (`tag+:<person_tag id>` …), so reading a
 * row twice captures it once. In ONE transaction the new changes, a delivery row per matching
 * subscription (the outbox) and the watermark are written: a process killed before the commit
 * leaves everything to the next run, after it leaves the deliveries to any process.
 *
 * Delivery claims due rows (SKIP LOCKED / guarded update), POSTs the signed payload, and records
 * the outcome: delivered, retried after a back-off, or dead after `maxAttempts` (replayable). The
 * delivery id never changes, so a receiver that deduplicates by it sees each change once.
 */

export const LOOKBACK_MS = 10 * 60_000;
export const DEFAULT_MAX_ATTEMPTS = 8;
/** 30 s, 1 min, 2 min, 4 min … capped at 1 h. */
export const deliveryBackoff = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 3600_000);

interface Candidate {
  id: string;
  event: ExchangeEvent;
  personId: string;
  tag: string | null;
  orgPath: string;
  at: string;
}

const DAY = 86_400_000;

async function candidates(db: Executor, from: string, to: string): Promise<Candidate[]> {
  const [gained, lost, registered, died] = await Promise.all([repo.tagsGained(db, from, to), repo.tagsLost(db, from, to), repo.peopleRegistered(db, from, to), repo.peopleDied(db, from, to)]);
  const out: Candidate[] = [];
  for (const r of gained) out.push({ id: `tag+:${r.id}`, event: 'tag.gained', personId: r.person_id, tag: r.tag, orgPath: r.org_path, at: r.at });
  for (const r of lost) out.push({ id: `tag-:${r.id}`, event: 'tag.lost', personId: r.person_id, tag: r.tag, orgPath: r.org_path, at: r.at! });
  // A birth: someone registered within a year of being born (新生儿落户).
  for (const r of registered) {
    if (r.birth_date && new Date(r.at).getTime() - new Date(`${r.birth_date}T00:00:00+08:00`).getTime() <= 366 * DAY) out.push({ id: `born:${r.id}`, event: 'person.born', personId: r.id, tag: null, orgPath: r.org_path, at: r.at });
  }
  for (const r of died) out.push({ id: `died:${r.id}`, event: 'person.died', personId: r.id, tag: null, orgPath: r.org_path, at: r.at! });
  return out;
}

/** The person as the department's mandate lets it see them (numbers masked), for the payload. */
async function payloadPeople(db: Executor, personIds: string[]) {
  const rows = await registryRepo.getPeopleByIds(db, personIds);
  const addresses = await addressTextsOf(db, [...new Set(rows.map((r) => r.org_path))]);
  return new Map(rows.map((r) => [r.id, { row: r, address: addresses.get(r.org_path) ?? null }]));
}

function personPayload(p: NonNullable<Awaited<ReturnType<typeof payloadPeople>> extends Map<string, infer V> ? V : never>, fields: readonly string[]) {
  const out: Record<string, unknown> = { id: p.row.id };
  if (fields.includes('name')) out.name = p.row.name;
  if (fields.includes('gender')) out.gender = p.row.gender;
  if (fields.includes('birthDate')) out.birthDate = p.row.birth_date;
  if (fields.includes('idNumber')) out.idNumber = maskedIdNumber(p.row);
  if (fields.includes('address')) out.address = p.address;
  if (p.row.end_kind === 'deceased') out.end = { kind: p.row.end_kind, date: p.row.end_date };
  return out;
}

export interface CaptureReport {
  changes: number;
  deliveries: number;
}

/** Captures the registry's changes since the watermark and writes their deliveries, in one transaction. */
export async function captureChanges(ctx: PlatformContext, opts: { lookbackMs?: number } = {}): Promise<CaptureReport> {
  const postgres = ctx.db.dialect === 'postgres';
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const watermark = await repo.lockCursor(trx, postgres);
    if (watermark === undefined) return { changes: 0, deliveries: 0 };
    const now = ctx.now();
    const to = now.toISOString();
    const from = new Date(new Date(watermark).getTime() - (opts.lookbackMs ?? LOOKBACK_MS)).toISOString();
    const found = await candidates(trx, from, to);
    const seen = await repo.capturedAlready(trx, found.map((c) => c.id));
    const fresh = found.filter((c) => !seen.has(c.id));
    const subs = (await repo.activeSubscriptions(trx)).map((s) => ({ ...s, tagList: parseJson<string[]>(s.tags, []), lifeEvents: parseJson<string[]>(s.life_events, []) }));
    const mandates = new Map<string, Mandate>();
    for (const code of new Set(subs.map((s) => s.department_code))) {
      const d = await trx.selectFrom('department').select('mandate').where('code', '=', code).executeTakeFirst();
      mandates.set(code, parseJson<Mandate>(d?.mandate, { tags: [], fields: [] }));
    }
    const matches: { change: Candidate; sub: (typeof subs)[number] }[] = [];
    for (const change of fresh) {
      for (const sub of subs) {
        if (sub.event !== change.event || !change.orgPath.startsWith(sub.org_path) || !change.orgPath.startsWith(sub.client_path)) continue;
        // What happened before the subscription existed is history, not a change to send.
        if (change.at < sub.created_at) continue;
        const mandate = mandates.get(sub.department_code)!;
        if (change.tag !== null) {
          if (!sub.tagList.includes(change.tag) || !mandate.tags.includes(change.tag)) continue;
        } else if (!sub.lifeEvents.includes(change.event)) continue;
        matches.push({ change, sub });
      }
    }
    const people = await payloadPeople(trx, [...new Set(matches.map((m) => m.change.personId))]);
    const changes: ExchangeChangeTable[] = fresh.map((c) => ({ id: c.id, event: c.event, person_id: c.personId, tag: c.tag, org_path: c.orgPath, occurred_at: c.at, captured_at: to }));
    const deliveries: ExchangeDeliveryTable[] = [];
    for (const { change, sub } of matches) {
      const person = people.get(change.personId);
      if (!person) continue;
      const id = newId();
      const payload = {
        id,
        event: change.event,
        occurredAt: change.at,
        subscriptionId: sub.id,
        departmentCode: sub.department_code,
        tag: change.tag ?? undefined,
        person: personPayload(person, mandates.get(sub.department_code)!.fields),
      };
      deliveries.push({
        id,
        subscription_id: sub.id,
        change_id: change.id,
        event: change.event,
        person_id: change.personId,
        payload: JSON.stringify(payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: to,
        last_error: null,
        last_status: null,
        created_at: to,
        delivered_at: null,
        dead_at: null,
        replays: 0,
        pruned_at: null,
      });
    }
    await repo.insertChanges(trx, changes);
    await repo.insertDeliveries(trx, deliveries);
    await repo.moveCursor(trx, to > watermark ? to : watermark);
    return { changes: changes.length, deliveries: deliveries.length };
  });
}

// ------------------------------------------------------------------ targets

function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 6) {
    const v = ip.toLowerCase();
    if (v === '::1' || v === '::' || v.startsWith('fc') || v.startsWith('fd') || v.startsWith('fe80')) return true;
    const mapped = v.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    return mapped ? isPrivateAddress(mapped[1]!) : false;
  }
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/**
 * Whether a webhook target is allowed: http(s) always; in production never a private, loopback
 * or link-local address (by literal or by what the name resolves to). Test and demo allow them.
 */
export async function checkTarget(ctx: PlatformContext, url: string): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'WEBHOOK_URL_INVALID';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'WEBHOOK_URL_INVALID';
  if (ctx.config.env !== 'production') return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return 'WEBHOOK_URL_PRIVATE';
  if (isIP(host)) return isPrivateAddress(host) ? 'WEBHOOK_URL_PRIVATE' : null;
  try {
    const addrs = await lookup(host, { all: true });
    return addrs.some((a) => isPrivateAddress(a.address)) ? 'WEBHOOK_URL_PRIVATE' : null;
  } catch {
    return null; // an unresolvable name fails at delivery and is retried
  }
}

// ------------------------------------------------------------------ delivery

export interface DeliverOptions {
  batchSize?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  leaseMs?: number;
  backoffMs?: (attempt: number) => number;
  /** How many requests are in flight at once. */
  concurrency?: number;
}

export interface DeliverReport {
  claimed: number;
  delivered: number;
  retrying: number;
  dead: number;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (e) {
    // fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout …) is in its cause.
    const c = (e as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const reason = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (e instanceof Error ? e.name : '');
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, status: null, error: maskSensitiveText(reason ? `${message}: ${reason}` : message).slice(0, 300) };
  }
}

/** One round: claims due deliveries, sends them signed, records each outcome. */
export async function deliverDue(ctx: PlatformContext, opts: DeliverOptions = {}): Promise<DeliverReport> {
  const db = ctx.db.kysely;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = opts.backoffMs ?? deliveryBackoff;
  const now = ctx.now();
  const leaseUntil = new Date(now.getTime() + (opts.leaseMs ?? 5 * 60_000)).toISOString();
  const claims = await claimDueRows(ctx.db, 'exchange_delivery', { now: now.toISOString(), leaseUntil, limit: opts.batchSize ?? 100 });
  const report: DeliverReport = { claimed: claims.length, delivered: 0, retrying: 0, dead: 0 };
  if (claims.length === 0) return report;
  const attemptOf = new Map(claims.map((c) => [c.id, c.attempt]));
  const rows = await repo.deliveriesWithSubscription(db, claims.map((c) => c.id));
  const secrets = new Map<string, string>();
  const one = async (row: (typeof rows)[number]) => {
    const attempt = attemptOf.get(row.id)!;
    let outcome: { ok: boolean; status: number | null; error: string | null };
    const blocked = await checkTarget(ctx, row.url);
    if (row.subscription_status !== 'active' || row.client_status !== 'active') outcome = { ok: false, status: null, error: '订阅已暂停 / subscription or client paused' };
    else if (blocked) outcome = { ok: false, status: null, error: blocked };
    else {
      let secret = secrets.get(row.subscription_id);
      if (!secret) secrets.set(row.subscription_id, (secret = ctx.pii.decrypt(row.secret_enc)));
      const timestamp = Math.floor(ctx.now().getTime() / 1000);
      outcome = await post(row.url, row.payload, { 'x-linli-delivery': row.id, 'x-linli-event': row.event, 'x-linli-timestamp': String(timestamp), 'x-linli-signature': signature(secret, timestamp, row.id, row.payload), 'user-agent': 'Linli-Exchange/1' }, opts.timeoutMs ?? 10_000);
    }
    const at = ctx.now();
    if (outcome.ok) {
      await db.transaction().execute(async (trx) => {
        if (!(await repo.settle(trx, row.id, attempt, { status: 'delivered', delivered_at: at.toISOString(), last_status: outcome.status, last_error: null }))) return;
        await appendAudit(
          ctx.db,
          { actorId: row.client_id, actorName: `exchange:${row.department_code}`, action: 'exchange.delivery.sent', targetType: 'person', targetId: row.person_id, purpose: row.purpose, details: { deliveryId: row.id, subscriptionId: row.subscription_id, event: row.event, attempt } },
          trx,
        );
        const actor = { userId: row.client_id, username: `exchange:${row.department_code}`, displayName: `${row.client_name}（变更订阅推送）`, grants: [], personId: null, via: 'token' as const };
        await recordPersonAccess(trx, actor, [row.person_id], { kind: 'list', purpose: row.purpose, departmentCode: row.department_code, at: at.toISOString() });
      });
      report.delivered++;
    } else if (attempt >= maxAttempts) {
      await repo.settle(db, row.id, attempt, { status: 'dead', dead_at: at.toISOString(), last_status: outcome.status, last_error: outcome.error });
      report.dead++;
    } else {
      await repo.settle(db, row.id, attempt, { next_attempt_at: new Date(at.getTime() + backoff(attempt)).toISOString(), last_status: outcome.status, last_error: outcome.error });
      report.retrying++;
    }
  };
  const queue = [...rows];
  const workers = Array.from({ length: Math.min(opts.concurrency ?? 8, queue.length) }, async () => {
    for (let row = queue.shift(); row; row = queue.shift()) await one(row);
  });
  await Promise.all(workers);
  return report;
}

/** Days a delivered payload (personal data the receiver already holds) is kept for support and disputes. */
export const DELIVERED_PAYLOAD_DAYS = 30;

/**
 * Data minimisation: clears the payloads of deliveries delivered more than DELIVERED_PAYLOAD_DAYS
 * ago, in batches so no transaction grows large. Dead letters keep theirs until they are replayed
 * and delivered; the delivery record (who received which change, when) is never removed.
 */
export async function pruneDeliveredPayloads(ctx: PlatformContext, opts: { batch?: number } = {}): Promise<number> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - DELIVERED_PAYLOAD_DAYS * DAY).toISOString();
  let total = 0;
  for (;;) {
    const n = await repo.pruneDelivered(ctx.db.kysely, cutoff, now.toISOString(), opts.batch ?? 5_000);
    total += n;
    if (n < (opts.batch ?? 5_000)) return total;
  }
}

/** For the manifest: capture every 15 seconds, deliver every 10 seconds, prune hourly. */
export const exchangeJobs: JobHandlerDefinition[] = [
  { kind: 'exchange.capture', everySeconds: 15, handler: async (ctx) => void (await captureChanges(ctx)) },
  { kind: 'exchange.deliver', everySeconds: 10, handler: async (ctx) => void (await deliverDue(ctx)) },
  { kind: 'exchange.prune', everySeconds: 3600, handler: async (ctx) => void (await pruneDeliveredPayloads(ctx)) },
];
