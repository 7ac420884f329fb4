import type { PlatformContext } from '../../platform/context.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { randomToken } from '../../platform/auth/tokens.js';
import { parseJson } from '../../platform/db/dialect.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { canAt, type Actor } from '../../platform/policy/actor.js';
import * as clientsRepo from './clients.repository.js';
import { clientDetail, mandateOf } from './clients.service.js';
import { EXCHANGE_MANAGE } from './clients.policy.js';
import { checkTarget } from './deliveries.job.js';
import * as repo from './subscriptions.repository.js';
import type { SubscriptionInput } from './subscriptions.schema.js';
import type { DeliveryStatus, ExchangeDeliveryTable, ExchangeSubscriptionTable } from './subscriptions.table.js';

addMessages({
  'error.WEBHOOK_URL_INVALID': { 'zh-CN': '回调地址必须是 http(s) 网址', en: 'The webhook URL must be an http(s) URL' },
  'error.WEBHOOK_URL_PRIVATE': { 'zh-CN': '生产环境不允许回调到内网、本机或链路本地地址', en: 'In production a webhook may not target a private, loopback or link-local address' },
  'error.EXCHANGE_EVENT_NOT_ENTITLED': { 'zh-CN': '该部门无权订阅此类变更：{event}', en: 'The department is not entitled to this change: {event}' },
  'error.EXCHANGE_TAGS_REQUIRED': { 'zh-CN': '订阅标签变更时至少选择一个标签', en: 'Choose at least one tag for a tag subscription' },
  'error.EXCHANGE_NOT_DEAD': { 'zh-CN': '只有进入死信队列的推送可以重放', en: 'Only dead-lettered deliveries can be replayed' },
});

function presentSubscription(s: ExchangeSubscriptionTable, counts?: Record<DeliveryStatus, number>) {
  return {
    id: s.id,
    clientId: s.client_id,
    event: s.event,
    tags: parseJson<string[]>(s.tags, []),
    orgNodeId: s.org_node_id,
    url: s.url,
    purpose: s.purpose,
    status: s.status,
    createdAt: s.created_at,
    counts: counts ?? { pending: 0, delivered: 0, dead: 0 },
  };
}

export function presentDelivery(d: ExchangeDeliveryTable) {
  return {
    id: d.id,
    subscriptionId: d.subscription_id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.next_attempt_at,
    lastError: d.last_error,
    lastStatus: d.last_status,
    createdAt: d.created_at,
    deliveredAt: d.delivered_at,
    deadAt: d.dead_at,
    replays: d.replays,
  };
}

async function managedClient(ctx: PlatformContext, actor: Actor, clientId: string) {
  const c = await clientsRepo.getClient(ctx.db.kysely, clientId);
  if (!c || !canAt(actor, EXCHANGE_MANAGE, c.org_path)) throw notFound();
  return c;
}

/** A subscription; its signing secret is returned once. The change capture starts now if it never ran. */
export async function createSubscription(ctx: PlatformContext, actor: Actor, clientId: string, input: SubscriptionInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const c = await managedClient(ctx, actor, clientId);
  const dept = await mandateOf(ctx, c.department_code);
  if (!dept) throw badRequest('EXCHANGE_DEPARTMENT_UNKNOWN', { code: c.department_code });
  const isTag = input.event === 'tag.gained' || input.event === 'tag.lost';
  if (isTag) {
    if (input.tags.length === 0) throw badRequest('EXCHANGE_TAGS_REQUIRED');
    for (const tag of input.tags) if (!dept.mandate.tags.includes(tag)) throw badRequest('EXCHANGE_TAG_OUTSIDE_MANDATE', { tag });
  } else if (!parseJson<string[]>(c.life_events, []).includes(input.event)) throw badRequest('EXCHANGE_EVENT_NOT_ENTITLED', { event: input.event });
  const node = await clientsRepo.orgNode(db, input.orgNodeId);
  if (!node) throw badRequest('NOT_FOUND');
  if (!node.path.startsWith(c.org_path)) throw badRequest('EXCHANGE_NODE_OUTSIDE_CLIENT');
  const blocked = await checkTarget(ctx, input.url);
  if (blocked) throw badRequest(blocked);
  const secret = `whsec_${randomToken(24)}`;
  const at = ctx.now().toISOString();
  const row: ExchangeSubscriptionTable = {
    id: newId(),
    client_id: c.id,
    event: input.event,
    tags: JSON.stringify(isTag ? [...new Set(input.tags)] : []),
    org_node_id: node.id,
    org_path: node.path,
    url: input.url,
    secret_enc: ctx.pii.encrypt(secret),
    purpose: input.purpose,
    status: 'active',
    created_by: actor.userId,
    created_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertSubscription(trx, row);
    await repo.ensureCursor(trx, at);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'exchange.subscription.create', targetType: 'exchange_subscription', targetId: row.id, orgNodeId: node.id, purpose: input.purpose, details: { clientId: c.id, event: input.event, tags: input.tags, host: new URL(input.url).host }, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return { ...presentSubscription(row), secret };
}

export async function setSubscriptionStatus(ctx: PlatformContext, actor: Actor, id: string, status: 'active' | 'paused', meta: RequestMeta) {
  const s = await repo.getSubscription(ctx.db.kysely, id);
  if (!s) throw notFound();
  await managedClient(ctx, actor, s.client_id);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.setSubscriptionStatus(trx, id, status);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'exchange.subscription.status', targetType: 'exchange_subscription', targetId: id, details: { status }, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return presentSubscription({ ...s, status });
}

/** A client's subscriptions with their delivery counts (readers of the client may see them). */
export async function listSubscriptions(ctx: PlatformContext, actor: Actor, clientId: string) {
  await clientDetail(ctx, actor, clientId);
  const subs = await repo.subscriptionsOf(ctx.db.kysely, clientId);
  const counts = await repo.deliveryCounts(ctx.db.kysely, subs.map((s) => s.id));
  return { items: subs.map((s) => presentSubscription(s, counts.get(s.id))) };
}

/** A client's deliveries, newest first; `status=dead` is the dead-letter list. */
export async function listDeliveries(ctx: PlatformContext, actor: Actor, clientId: string, query: { status?: DeliveryStatus; page: number; pageSize: number }) {
  await clientDetail(ctx, actor, clientId);
  const subs = await repo.subscriptionsOf(ctx.db.kysely, clientId);
  const rows = await repo.listDeliveries(ctx.db.kysely, subs.map((s) => s.id), query.status, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
  return { items: rows.map(presentDelivery), page: query.page, pageSize: query.pageSize };
}

/** Puts a dead delivery back in the queue with the same delivery id (receivers deduplicate by it). */
export async function replayDelivery(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const d = await repo.getDelivery(db, id);
  if (!d) throw notFound();
  const s = (await repo.getSubscription(db, d.subscription_id))!;
  await managedClient(ctx, actor, s.client_id);
  if (d.status !== 'dead') throw badRequest('EXCHANGE_NOT_DEAD');
  await db.transaction().execute(async (trx) => {
    if (!(await repo.replay(trx, id, ctx.now().toISOString()))) throw badRequest('EXCHANGE_NOT_DEAD');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'exchange.delivery.replay', targetType: 'exchange_delivery', targetId: id, details: { subscriptionId: d.subscription_id, event: d.event }, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return presentDelivery((await repo.getDelivery(db, id))!);
}
