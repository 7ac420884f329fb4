import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.js';
import { maskSensitiveText } from '../crypto/mask.js';
import { deferInBatch, type DeferredWork } from '../db/write-batch.js';

export interface AuditEntry {
  actorId?: string | null;
  actorName?: string | null;
  /** Verb-noun in the module's words, e.g. `registry.person.read`, `auth.login`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  orgNodeId?: string | null;
  ip?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
  /** Why sensitive data was read or shared (required for unmasking, department reads). */
  purpose?: string | null;
  /** Free detail; never put full ID numbers, phones or secrets here (they are masked anyway). */
  details?: Record<string, unknown> | null;
  requestId?: string | null;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  org_node_id: string | null;
  ip: string | null;
  outcome: string;
  purpose: string | null;
  details: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

/** The canonical text a row's hash covers; changing any field breaks the chain from there on. */
export function rowDigest(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.actor_id,
    row.actor_name,
    row.action,
    row.target_type,
    row.target_id,
    row.org_node_id,
    row.ip,
    row.outcome,
    row.purpose,
    row.details,
    row.request_id,
    row.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends to the hash-chained audit log. Pass the business transaction when there is one so the
 * record and the change commit together. Otherwise the entry joins a group commit: entries that
 * arrive while a batch is being written go into the next batch, one transaction for all of them,
 * and each caller still waits until its own row is committed. The chain head row is locked
 * (FOR UPDATE on PostgreSQL; SQLite has one writer), so several server processes build one chain.
 * Returns the row's seq; 0 inside a `batchedWrite` (src/platform/db/write-batch.ts), whose
 * entries are appended together just before its COMMIT.
 */
export async function appendAudit(db: Db, entry: AuditEntry, executor?: Executor): Promise<number> {
  // In a batchedWrite the entries of all its writes are appended together just before COMMIT
  // (seq not known yet: 0); an entry of a write that rolls back is dropped with it.
  if (executor && deferInBatch(executor, batchAudit, { db, entry })) return 0;
  if (executor && executor.isTransaction) return (await writeEntries(db, executor, [entry]))[0]!;
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new AuditBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher.push(entry);
}

const batchAudit: DeferredWork<{ db: Db; entry: AuditEntry }> = {
  flush: async (trx, items) => void (await writeEntries(items[0]!.db, trx, items.map((i) => i.entry))),
};

const MAX_BATCH = 200;
const batchers = new WeakMap<Db, AuditBatcher>();

class AuditBatcher {
  private pending: { entry: AuditEntry; resolve: (seq: number) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  push(entry: AuditEntry): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const seqs = await this.db.kysely.transaction().execute((trx) => writeEntries(this.db, trx, batch.map((b) => b.entry)));
          batch.forEach((b, i) => b.resolve(seqs[i]!));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

async function writeEntries(db: Db, trx: Executor, entries: AuditEntry[]): Promise<number[]> {
  const headQuery = trx.selectFrom('audit_chain_head').select(['last_seq', 'last_hash']).where('id', '=', 1);
  const head = await (db.dialect === 'postgres' ? headQuery.forUpdate() : headQuery).executeTakeFirstOrThrow();
  let seq = Number(head.last_seq);
  let prev = head.last_hash;
  const at = new Date().toISOString();
  const rows = entries.map((entry) => {
    seq += 1;
    const base = {
      seq,
      at,
      actor_id: entry.actorId ?? null,
      actor_name: entry.actorName ?? null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      org_node_id: entry.orgNodeId ?? null,
      ip: entry.ip ?? null,
      outcome: entry.outcome ?? 'success',
      purpose: entry.purpose ?? null,
      details: entry.details ? maskSensitiveText(JSON.stringify(entry.details)) : null,
      request_id: entry.requestId ?? null,
      prev_hash: prev,
    };
    const hash = rowDigest(base);
    prev = hash;
    return { ...base, hash };
  });
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
  await trx.updateTable('audit_chain_head').set({ last_seq: seq, last_hash: prev }).where('id', '=', 1).execute();
  return rows.map((r) => r.seq);
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  /** First sequence number whose hash or link does not match. */
  brokenAt?: number;
  reason?: string;
}

/** Walks the chain from the start (`linli audit verify`). */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<VerifyResult> {
  let prev = 'GENESIS';
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = (await db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batch)
      .execute()) as AuditRow[];
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows, brokenAt: expectedSeq, reason: 'missing row' };
      if (row.prev_hash !== prev) return { ok: false, rows, brokenAt: seq, reason: 'link mismatch' };
      const { hash, ...rest } = row;
      if (rowDigest({ ...rest, seq }) !== hash) return { ok: false, rows, brokenAt: seq, reason: 'hash mismatch' };
      prev = hash;
      expectedSeq++;
      rows++;
    }
  }
  const head = await db.kysely.selectFrom('audit_chain_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (head && Number(head.last_seq) !== rows) {
    return { ok: false, rows, brokenAt: rows + 1, reason: 'rows missing at the end' };
  }
  return { ok: true, rows };
}

export async function countAudit(db: Db, action?: string): Promise<number> {
  let q = db.kysely.selectFrom('audit_log').select(sql<number>`count(*)`.as('n'));
  if (action) q = q.where('action', '=', action);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}
