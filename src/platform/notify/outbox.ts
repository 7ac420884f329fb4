import type { PlatformContext } from '../context.js';
import { maskSensitiveText } from '../crypto/mask.js';
import { claimDueRows, type Claim } from '../db/lease.js';
import { PermanentDeliveryError, type NotificationChannel, type OutboundMessage } from './channels.js';
import './notify.table.js';

export interface OutboxDispatcherOptions {
  channels: NotificationChannel[];
  /** Tries per message before it is marked failed. */
  maxAttempts?: number;
  /** Messages claimed per round. */
  batchSize?: number;
  /**
   * How long a claim lasts. A process that dies mid-send leaves the row pending; another one
   * takes it up after the lease (at-least-once: a provider may see a message twice, never zero).
   */
  leaseMs?: number;
  /** Wait after the n-th failed try (n ≥ 1). */
  backoffMs?: (attempt: number) => number;
}

export interface DeliveryReport {
  claimed: number;
  sent: number;
  /** Failed this time, will be tried again. */
  retrying: number;
  /** Given up: permanent error or out of attempts. */
  failed: number;
}

/** 1 min, 4 min, 16 min, 64 min … capped at 6 h. */
export const defaultBackoff = (attempt: number) => Math.min(60_000 * 4 ** (attempt - 1), 6 * 3600_000);

/**
 * Delivers the notification outbox through the channel adapters, with retries and back-off.
 * Safe with several server processes: a row is claimed before it is sent — on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED` (no two claimers wait on or take the same row), on SQLite with a
 * conditional update that only one claimer can win.
 */
export class OutboxDispatcher {
  private readonly channels: Map<string, NotificationChannel>;
  private readonly maxAttempts: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoffMs: (attempt: number) => number;

  constructor(opts: OutboxDispatcherOptions) {
    this.channels = new Map(opts.channels.map((c) => [c.name, c]));
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.batchSize = opts.batchSize ?? 50;
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.backoffMs = opts.backoffMs ?? defaultBackoff;
  }

  /** One round: claims what is due, sends it, records each outcome. */
  async deliverPending(ctx: PlatformContext): Promise<DeliveryReport> {
    const claims = await this.claim(ctx);
    const report: DeliveryReport = { claimed: claims.length, sent: 0, retrying: 0, failed: 0 };
    if (claims.length === 0) return report;
    const attemptOf = new Map(claims.map((c) => [c.id, c.attempt]));
    const rows = await ctx.db.kysely
      .selectFrom('notification_outbox as o')
      .innerJoin('notification as n', 'n.id', 'o.notification_id')
      .select(['o.id', 'o.channel', 'o.recipient', 'o.notification_id', 'n.user_id', 'n.kind', 'n.title', 'n.body', 'n.link'])
      .where('o.id', 'in', claims.map((c) => c.id))
      .execute();
    for (const row of rows) {
      const attempt = attemptOf.get(row.id)!;
      const msg: OutboundMessage = {
        outboxId: row.id,
        notificationId: row.notification_id,
        channel: row.channel,
        recipient: row.recipient,
        userId: row.user_id,
        kind: row.kind,
        title: row.title,
        body: row.body,
        link: row.link,
        attempt,
      };
      const outcome = await this.sendOne(msg);
      const now = ctx.now();
      // Guarded by the attempt number: if our lease ran out and another process re-claimed the
      // row meanwhile, its outcome is the one that counts.
      const update = ctx.db.kysely.updateTable('notification_outbox').where('id', '=', row.id).where('attempts', '=', attempt).where('status', '=', 'pending');
      if (outcome.ok) {
        await update.set({ status: 'sent', sent_at: now.toISOString(), last_error: null }).execute();
        report.sent++;
      } else if (outcome.permanent || attempt >= this.maxAttempts) {
        await update.set({ status: 'failed', last_error: outcome.error }).execute();
        report.failed++;
      } else {
        const next = new Date(now.getTime() + this.backoffMs(attempt)).toISOString();
        await update.set({ next_attempt_at: next, last_error: outcome.error }).execute();
        report.retrying++;
      }
    }
    return report;
  }

  private async sendOne(msg: OutboundMessage): Promise<{ ok: true } | { ok: false; permanent: boolean; error: string }> {
    const channel = this.channels.get(msg.channel);
    if (!channel) return { ok: false, permanent: true, error: `no adapter for channel ${msg.channel}` };
    try {
      await channel.send(msg);
      return { ok: true };
    } catch (e) {
      const error = maskSensitiveText(e instanceof Error ? e.message : String(e)).slice(0, 500);
      return { ok: false, permanent: e instanceof PermanentDeliveryError, error };
    }
  }

  private claim(ctx: PlatformContext): Promise<Claim[]> {
    const now = ctx.now();
    return claimDueRows(ctx.db, 'notification_outbox', { now: now.toISOString(), leaseUntil: new Date(now.getTime() + this.leaseMs).toISOString(), limit: this.batchSize });
  }
}
