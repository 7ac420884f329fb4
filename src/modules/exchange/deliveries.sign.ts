import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. Each delivery is a POST of JSON with these headers:
 *
 *   X-Linli-Delivery:  the delivery id (the same on every retry and replay: deduplicate by it)
 *   X-Linli-Event:     tag.gained | tag.lost | person.born | person.died
 *   X-Linli-Timestamp: Unix seconds when this try was sent
 *   X-Linli-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${deliveryId}.${body}`)>
 *
 * A receiver recomputes the HMAC over the raw body with the subscription's secret, compares in
 * constant time, and rejects timestamps more than 5 minutes from its clock (replayed captures).
 */
export function signature(secret: string, timestamp: number, deliveryId: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.${body}`).digest('hex')}`;
}

/** What a receiver does (used by tests and the bench's receiver, and shown in the README). */
export function verifySignature(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const ts = Number(headers['x-linli-timestamp']);
  const id = String(headers['x-linli-delivery'] ?? '');
  const sent = String(headers['x-linli-signature'] ?? '');
  if (!Number.isFinite(ts) || !id || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, ts, id, body));
  const got = Buffer.from(sent);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
