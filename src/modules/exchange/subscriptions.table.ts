/** Change subscriptions, the captured changes and their webhook deliveries (an outbox). */

export const EXCHANGE_EVENTS = ['tag.gained', 'tag.lost', 'person.born', 'person.died'] as const;
export type ExchangeEvent = (typeof EXCHANGE_EVENTS)[number];
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface ExchangeSubscriptionTable {
  id: string;
  client_id: string;
  event: ExchangeEvent;
  /** JSON array of tag codes for tag events; `[]` for life events. */
  tags: string;
  org_node_id: string;
  org_path: string;
  url: string;
  /** HMAC-SHA256 secret, encrypted with the platform key (shown once at creation). */
  secret_enc: string;
  purpose: string;
  status: 'active' | 'paused';
  created_by: string | null;
  created_at: string;
}

/** A change of the registry, captured once (its id says what changed: `tag+:<person_tag id>` …). */
export interface ExchangeChangeTable {
  id: string;
  event: ExchangeEvent;
  person_id: string;
  tag: string | null;
  org_path: string;
  occurred_at: string;
  captured_at: string;
}

export interface ExchangeDeliveryTable {
  /** Sent as `X-Linli-Delivery`; the same on every retry and replay (receivers deduplicate by it). */
  id: string;
  subscription_id: string;
  change_id: string;
  event: ExchangeEvent;
  person_id: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  last_status: number | null;
  created_at: string;
  delivered_at: string | null;
  dead_at: string | null;
  replays: number;
  /** When the delivered payload was cleared after the retention period (the record stays). */
  pruned_at: string | null;
}

/** Where the change capture has read up to. */
export interface ExchangeCursorTable {
  name: string;
  watermark: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    exchange_subscription: ExchangeSubscriptionTable;
    exchange_change: ExchangeChangeTable;
    exchange_delivery: ExchangeDeliveryTable;
    exchange_cursor: ExchangeCursorTable;
  }
}
