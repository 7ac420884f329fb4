import * as z from 'zod';
import { EXCHANGE_EVENTS } from './subscriptions.table.js';
import { zId } from './clients.schema.js';
import { ownFieldMessage } from '../../platform/http/errors.js';

/** Every failure of `url` (not a string, not a URL, not http(s), too long) answers with this message. */
export const WEBHOOK_URL_MESSAGE = ownFieldMessage('回调地址必须是 http(s) 网址 / the webhook URL must be http(s)');

export const ZSubscriptionInput = z.object({
  event: z.enum(EXCHANGE_EVENTS),
  tags: z.array(z.string().trim().min(1).max(40)).max(30).default([]),
  orgNodeId: zId(),
  url: z.url({ protocol: /^https?$/, error: WEBHOOK_URL_MESSAGE }).max(500),
  purpose: z.string().trim().min(2).max(200),
});
export type SubscriptionInput = z.infer<typeof ZSubscriptionInput>;

export const ZSubscription = z.object({
  id: z.string(),
  clientId: z.string(),
  event: z.enum(EXCHANGE_EVENTS),
  tags: z.array(z.string()),
  orgNodeId: z.string(),
  url: z.string(),
  purpose: z.string(),
  status: z.enum(['active', 'paused']),
  createdAt: z.string(),
  counts: z.object({ pending: z.number(), delivered: z.number(), dead: z.number() }),
});

export const ZDelivery = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  lastStatus: z.number().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  replays: z.number(),
});
