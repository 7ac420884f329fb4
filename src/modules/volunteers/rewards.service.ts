import { randomInt } from 'node:crypto';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { Executor } from '../../platform/db/database.js';
import { toBool } from '../../platform/db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { useAttachments } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { residentFacts } from '../registry/registry.facts.js';
import { pointsAccountCode, pointsBalances, spendPoints } from './points.accounts.js';
import { ancestorPaths } from './points.repository.js';
import { holderOfActor } from './points.service.js';
import { REWARDS_MANAGE } from './rewards.policy.js';
import * as repo from './rewards.repository.js';
import type { ItemInput, ItemPatch } from './rewards.schema.js';
import * as volunteersRepo from './volunteers.repository.js';

/**
 * 爱心超市: a community's catalogue of rewards bought with points, and the orders. Ordering is
 * one transaction: the stock is taken by a conditional UPDATE (never below zero), the per-person
 * limit is counted behind that row lock, and the points are debited from the holder's ledger
 * account (never below zero: the ledger locks the account and refuses an overdraft) with the
 * order as the journal's source. An order waits 待核销 until staff at the 爱心超市 enter its code
 * (已核销), or is cancelled — by the holder, by staff with a reason, or by the expiry job after
 * the item's `hold_days` — which returns the stock and the points by a reversing journal, once.
 */

export const PICTURE_PURPOSE = 'volunteers.reward';
export const ORDER_SOURCE = 'reward_order';
const DAY = 86_400_000;

addMessages({
  'error.REWARD_ITEM_NOT_FOUND': { 'zh-CN': '兑换物品不存在或不在您的管辖范围内', en: 'No such reward in your area' },
  'error.REWARD_ITEM_STALE': { 'zh-CN': '该物品刚被他人修改，请刷新后重试', en: 'Someone else just changed this item; reload and try again' },
  'error.REWARD_STOCK_NEGATIVE': { 'zh-CN': '库存不能少于 0（当前 {stock}）', en: 'Stock cannot go below 0 (now {stock})' },
  'error.REWARD_NODE_INVALID': { 'zh-CN': '请选择您管辖范围内的社区', en: 'Choose a community inside your area' },
  'error.REWARD_PICTURE_INVALID': { 'zh-CN': '图片须为您上传的图片文件', en: 'The picture must be an image you uploaded' },
  'error.REWARD_PERIOD_INVALID': { 'zh-CN': '上架的开始日期不能晚于结束日期', en: 'Availability cannot start after it ends' },
  'error.REWARD_NOT_AVAILABLE': { 'zh-CN': '该物品暂不可兑换', en: 'This item cannot be ordered now' },
  'error.REWARD_OUT_OF_STOCK': { 'zh-CN': '库存不足，已兑完', en: 'Out of stock' },
  'error.REWARD_LIMIT_REACHED': { 'zh-CN': '超过每人限兑数量（{period}限 {limit} 件，已兑 {ordered} 件）', en: 'Over the limit per person ({limit} per {period}; you have {ordered})' },
  'error.REWARD_POINTS_INSUFFICIENT': { 'zh-CN': '积分不足：需要 {needed} 分，当前 {balance} 分', en: 'Not enough points: {needed} needed, you have {balance}' },
  'error.REWARD_NO_HOLDER': { 'zh-CN': '您的账号未关联居民或志愿者信息，暂不能使用积分', en: 'Your account is not linked to a resident or volunteer record, so it holds no points' },
  'error.REWARD_ORDER_NOT_FOUND': { 'zh-CN': '兑换单不存在或不在您的管辖范围内', en: 'No such order in your area' },
  'error.REWARD_ORDER_FULFILLED': { 'zh-CN': '该兑换单已于 {at} 核销', en: 'This order was fulfilled at {at}' },
  'error.REWARD_ORDER_CANCELLED': { 'zh-CN': '该兑换单已取消', en: 'This order was cancelled' },
});

const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
/** The instant the Beijing month of `d` began. */
const monthStart = (d: Date) => new Date(`${beijingDay(d).slice(0, 7)}-01T00:00:00+08:00`).toISOString();

// ---------------------------------------------------------------- presenting

async function presentItems(ctx: PlatformContext, rows: repo.ItemRow[]) {
  const nodes = new Map((await volunteersRepo.getNodesByIds(ctx.db.kysely, rows.map((r) => r.org_node_id))).map((n) => [n.id, n.name]));
  return rows.map((i) => ({
    id: i.id,
    orgNodeId: i.org_node_id,
    orgNodeName: nodes.get(i.org_node_id) ?? null,
    name: i.name,
    description: i.description,
    category: i.category,
    pricePoints: i.price_points,
    stock: i.stock,
    limitPerPerson: i.limit_per_person,
    limitPeriod: i.limit_period,
    holdDays: i.hold_days,
    pictureUrl: i.picture_attachment_id ? `/api/v1/public/reward-items/${i.id}/picture?v=${i.picture_attachment_id}` : null,
    pictureAttachmentId: i.picture_attachment_id,
    availableFrom: i.available_from,
    availableTo: i.available_to,
    onSale: toBool(i.on_sale),
    sort: i.sort,
    version: i.version,
  }));
}

export function presentOrder(o: repo.OrderRow) {
  return {
    id: o.id,
    code: o.code,
    itemId: o.item_id,
    itemName: o.item_name,
    orgNodeId: o.org_node_id,
    holderName: o.holder_name,
    quantity: o.quantity,
    points: o.points,
    status: o.status,
    expiresAt: o.expires_at,
    fulfilledAt: o.fulfilled_at,
    fulfilledByName: o.fulfilled_by_name,
    cancelledAt: o.cancelled_at,
    cancelKind: o.cancel_kind,
    cancelReason: o.cancel_reason,
    journalId: o.journal_id,
    reversalJournalId: o.reversal_journal_id,
    createdAt: o.created_at,
  };
}

// ---------------------------------------------------------------- catalogue (staff)

async function checkPicture(ctx: PlatformContext, actor: Actor, id: string | null | undefined) {
  if (!id) return;
  const a = await repo.getAttachment(ctx.db.kysely, id);
  if (!a || a.purpose !== PICTURE_PURPOSE || !a.mime.startsWith('image/') || a.owner_user_id !== actor.userId) throw badRequest('REWARD_PICTURE_INVALID');
}

async function loadItemForStaff(ctx: PlatformContext, actor: Actor, id: string) {
  const item = await repo.getItem(ctx.db.kysely, id);
  if (!item || !canAt(actor, REWARDS_MANAGE, item.org_path)) throw notFound('REWARD_ITEM_NOT_FOUND');
  return item;
}

export async function listItems(ctx: PlatformContext, actor: Actor) {
  const paths = scopePaths(actor, REWARDS_MANAGE);
  if (paths.length === 0) throw forbidden();
  return { items: await presentItems(ctx, await repo.listItems(ctx.db.kysely, paths)) };
}

export async function createItem(ctx: PlatformContext, actor: Actor, input: ItemInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await volunteersRepo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at || !['community', 'street'].includes(node.kind) || !canAt(actor, REWARDS_MANAGE, node.path)) throw badRequest('REWARD_NODE_INVALID');
  await checkPicture(ctx, actor, input.pictureAttachmentId);
  const now = ctx.now().toISOString();
  const row: repo.ItemRow = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    name: input.name,
    description: input.description,
    category: input.category,
    price_points: input.pricePoints,
    stock: input.stock,
    limit_per_person: input.limitPerPerson,
    limit_period: input.limitPeriod,
    hold_days: input.holdDays,
    picture_attachment_id: input.pictureAttachmentId,
    available_from: input.availableFrom,
    available_to: input.availableTo,
    on_sale: 1,
    sort: input.sort,
    created_by: actor.userId,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertItem(trx, row);
    if (row.picture_attachment_id) await useAttachments(trx, 'reward_item', row.id, [row.picture_attachment_id]);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.rewards.item.create', targetType: 'reward_item', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { name: row.name, price: row.price_points, stock: row.stock } }, trx);
  });
  return (await presentItems(ctx, [row]))[0]!;
}

export async function updateItem(ctx: PlatformContext, actor: Actor, id: string, input: ItemPatch, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const item = await loadItemForStaff(ctx, actor, id);
  if (input.pictureAttachmentId) await checkPicture(ctx, actor, input.pictureAttachmentId);
  const patch: Partial<repo.ItemRow> = { updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  if (input.category !== undefined) patch.category = input.category;
  if (input.pricePoints !== undefined) patch.price_points = input.pricePoints;
  if (input.limitPerPerson !== undefined) patch.limit_per_person = input.limitPerPerson;
  if (input.limitPeriod !== undefined) patch.limit_period = input.limitPeriod;
  if (input.holdDays !== undefined) patch.hold_days = input.holdDays;
  if (input.pictureAttachmentId !== undefined) patch.picture_attachment_id = input.pictureAttachmentId;
  if (input.availableFrom !== undefined) patch.available_from = input.availableFrom;
  if (input.availableTo !== undefined) patch.available_to = input.availableTo;
  if (input.sort !== undefined) patch.sort = input.sort;
  if (input.onSale !== undefined) patch.on_sale = input.onSale ? 1 : 0;
  const from = patch.available_from !== undefined ? patch.available_from : item.available_from;
  const to = patch.available_to !== undefined ? patch.available_to : item.available_to;
  if (from && to && from > to) throw badRequest('REWARD_PERIOD_INVALID');
  const delta = input.stockDelta ?? 0;
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateItemIf(trx, id, input.expectedVersion, patch, delta)) !== 1) {
      const now = await repo.getItem(trx, id);
      if (now && now.version === input.expectedVersion && now.stock + delta < 0) throw badRequest('REWARD_STOCK_NEGATIVE', { stock: now.stock });
      throw conflict('REWARD_ITEM_STALE');
    }
    if (patch.picture_attachment_id !== undefined) await useAttachments(trx, 'reward_item', id, patch.picture_attachment_id ? [patch.picture_attachment_id] : []);
    const { expectedVersion: _v, ...changes } = input;
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.rewards.item.update', targetType: 'reward_item', targetId: id, orgNodeId: item.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { changes } }, trx);
  });
  return (await presentItems(ctx, [(await repo.getItem(db, id))!]))[0]!;
}

/** The picture of an item on sale (public: the catalogue is shown to residents and on posters). */
export async function pictureOf(ctx: PlatformContext, id: string) {
  const item = await repo.getItem(ctx.db.kysely, id);
  if (!item || !toBool(item.on_sale) || !item.picture_attachment_id) throw notFound('REWARD_ITEM_NOT_FOUND');
  return (await repo.getAttachment(ctx.db.kysely, item.picture_attachment_id))!;
}

// ---------------------------------------------------------------- the resident

/** Where the caller belongs: their registry record's path, else their volunteer record's, else their resident grant's. */
async function homePathOf(ctx: PlatformContext, actor: Actor, me: NonNullable<Awaited<ReturnType<typeof holderOfActor>>>): Promise<string | null> {
  if (me.personId) {
    const facts = await residentFacts(ctx.db.kysely, me.personId);
    if (facts) return facts.orgPath;
  }
  if (me.volunteer) return me.volunteer.org_path;
  const grant = actor.grants.filter((g) => g.role === 'resident' || g.role === 'volunteer').sort((a, b) => b.orgPath.length - a.orgPath.length)[0];
  return grant?.orgPath ?? null;
}

async function requireHolder(ctx: PlatformContext, actor: Actor) {
  const me = await holderOfActor(ctx, actor);
  if (!me) throw forbidden('REWARD_NO_HOLDER');
  return me;
}

async function remainingFor(db: Executor, holderCode: string, item: repo.ItemRow, now: Date): Promise<number | null> {
  if (!item.limit_per_person) return null;
  const ordered = await repo.orderedQuantity(db, holderCode, item.id, item.limit_period === 'month' ? monthStart(now) : null);
  return Math.max(0, item.limit_per_person - ordered);
}

/** The catalogue of the caller's community (and the street above), with their balance and what each limit still allows. */
export async function catalogue(ctx: PlatformContext, actor: Actor) {
  const me = await holderOfActor(ctx, actor);
  if (!me) return { balance: 0, holderCode: null, items: [] };
  const db = ctx.db.kysely;
  const home = await homePathOf(ctx, actor, me);
  const now = ctx.now();
  const rows = home ? await repo.itemsOnSaleAt(db, ancestorPaths(home), beijingDay(now)) : [];
  const code = pointsAccountCode(me.holder);
  const balance = (await pointsBalances(db, [me.holder])).get(code) ?? 0;
  const items = await presentItems(ctx, rows);
  const out = [];
  for (const [k, i] of items.entries()) {
    const { version: _v, pictureAttachmentId: _p, ...rest } = i;
    out.push({ ...rest, myRemaining: await remainingFor(db, code, rows[k]!, now) });
  }
  return { balance, holderCode: code, items: out };
}

function newCode(): string {
  return String(randomInt(10_000_000, 100_000_000));
}

/** 兑换: see the module comment. 409 with what is wrong: out of stock, over the limit, not enough points. */
export async function placeOrder(ctx: PlatformContext, actor: Actor, input: { itemId: string; quantity: number }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const me = await requireHolder(ctx, actor);
  const item = await repo.getItem(db, input.itemId);
  const home = await homePathOf(ctx, actor, me);
  if (!item || !home || !ancestorPaths(home).includes(item.org_path)) throw notFound('REWARD_ITEM_NOT_FOUND');
  const now = ctx.now();
  const day = beijingDay(now);
  if (!toBool(item.on_sale) || (item.available_from && item.available_from > day) || (item.available_to && item.available_to < day)) throw conflict('REWARD_NOT_AVAILABLE');
  const holderCode = pointsAccountCode(me.holder);
  const holderName = me.personId ? ((await residentFacts(db, me.personId))?.name ?? actor.displayName) : (me.volunteer?.name ?? actor.displayName);
  let code = newCode();
  for (let i = 0; i < 5 && (await repo.codeTaken(db, code)); i++) code = newCode();
  const id = newId();
  const points = item.price_points * input.quantity;
  const at = now.toISOString();
  const run = async (trx: Executor) => {
    // 1. The stock, by a conditional UPDATE that holds the item's row lock until COMMIT.
    if ((await repo.takeStock(trx, item.id, input.quantity, at)) !== 1) {
      const fresh = await repo.getItem(trx, item.id);
      throw conflict(fresh && !toBool(fresh.on_sale) ? 'REWARD_NOT_AVAILABLE' : 'REWARD_OUT_OF_STOCK');
    }
    // 2. The per-person limit, counted behind that lock (orders of this item queue on it).
    if (item.limit_per_person) {
      const ordered = await repo.orderedQuantity(trx, holderCode, item.id, item.limit_period === 'month' ? monthStart(now) : null);
      if (ordered + input.quantity > item.limit_per_person) throw conflict('REWARD_LIMIT_REACHED', { limit: item.limit_per_person, ordered, period: item.limit_period === 'month' ? '每月' : '累计' });
    }
    // 3. The points: the ledger locks the holder's account and refuses an overdraft before writing.
    let journalId: string;
    try {
      journalId = (await spendPoints(trx, { holder: me.holder, amount: points, orgNodeId: item.org_node_id, source: { type: ORDER_SOURCE, id }, memo: `积分兑换：${item.name} × ${input.quantity}`, createdBy: actor.userId, at: now })).journalId;
    } catch (e) {
      if (e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT_BALANCE') throw conflict('REWARD_POINTS_INSUFFICIENT', { balance: Number(e.params.balance), needed: points });
      throw e;
    }
    await repo.insertOrder(trx, {
      id,
      code,
      item_id: item.id,
      org_node_id: item.org_node_id,
      org_path: item.org_path,
      holder_code: holderCode,
      user_id: actor.userId,
      person_id: me.personId,
      volunteer_id: me.volunteerId,
      holder_name: holderName,
      item_name: item.name,
      quantity: input.quantity,
      points,
      status: 'pending',
      journal_id: journalId,
      reversal_journal_id: null,
      expires_at: new Date(now.getTime() + item.hold_days * DAY).toISOString(),
      fulfilled_at: null,
      fulfilled_by: null,
      fulfilled_by_name: null,
      cancelled_at: null,
      cancelled_by: null,
      cancel_kind: null,
      cancel_reason: null,
      version: 1,
      created_at: at,
      updated_at: at,
    });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.rewards.order', targetType: 'reward_order', targetId: id, orgNodeId: item.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { item: item.id, quantity: input.quantity, points, journal: journalId } }, trx);
  };
  await db.transaction().execute(run);
  return presentOrder((await repo.getOrder(db, id))!);
}

export async function myOrders(ctx: PlatformContext, actor: Actor) {
  const me = await holderOfActor(ctx, actor);
  if (!me) return { items: [] };
  return { items: (await repo.ordersOfHolder(ctx.db.kysely, pointsAccountCode(me.holder))).map(presentOrder) };
}

// ---------------------------------------------------------------- cancelling and fulfilling

/**
 * Cancels a pending order in the caller's transaction: marks it (once: a concurrent cancel or
 * fulfilment updates nothing and this returns false), returns the stock and the points (a
 * reversing journal of the order's), tells the holder and audits. False when it was not pending.
 */
async function cancelIn(ctx: PlatformContext, trx: Executor, order: repo.OrderRow, who: { actorId: string | null; actorName: string | null; kind: 'holder' | 'staff' | 'expired'; reason: string }, meta: RequestMeta): Promise<boolean> {
  const now = ctx.now();
  const at = now.toISOString();
  if ((await repo.markCancelled(trx, order.id, { at, by: who.actorId, kind: who.kind, reason: who.reason })) !== 1) return false;
  await repo.returnStock(trx, order.item_id, order.quantity, at);
  const reversal = await ledger.reverse(trx, order.journal_id, `${order.item_name} 兑换单 ${order.code} 取消：${who.reason}`, { createdBy: who.actorId, at: now });
  await repo.setReversal(trx, order.id, reversal.id);
  if (who.kind !== 'holder') {
    await notify(trx, { recipients: [order.user_id], kind: 'volunteers.rewards.cancelled', title: `兑换单已取消，积分已退回：${order.item_name}`, body: `${order.points} 分已退回。${who.reason}`, link: '/m/volunteer/rewards', at: now });
  }
  await appendAudit(ctx.db, { actorId: who.actorId, actorName: who.actorName ?? 'system', action: 'volunteers.rewards.order.cancel', targetType: 'reward_order', targetId: order.id, orgNodeId: order.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { kind: who.kind, reason: who.reason, points: order.points, reversal: reversal.id } }, trx);
  return true;
}

function stateError(o: repo.OrderRow): AppError {
  return o.status === 'fulfilled' ? conflict('REWARD_ORDER_FULFILLED', { at: beijing(o.fulfilled_at!) }) : conflict('REWARD_ORDER_CANCELLED');
}

export async function cancelMine(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const me = await holderOfActor(ctx, actor);
  const db = ctx.db.kysely;
  const order = await repo.getOrder(db, id);
  if (!order || !me || order.holder_code !== pointsAccountCode(me.holder)) throw notFound('REWARD_ORDER_NOT_FOUND');
  const done = await db.transaction().execute((trx) => cancelIn(ctx, trx, order, { actorId: actor.userId, actorName: actor.username, kind: 'holder', reason: '本人取消' }, meta));
  if (!done) throw stateError((await repo.getOrder(db, id))!);
  return presentOrder((await repo.getOrder(db, id))!);
}

async function loadOrderForStaff(ctx: PlatformContext, actor: Actor, order: repo.OrderRow | undefined) {
  if (!order || !canAt(actor, REWARDS_MANAGE, order.org_path)) throw notFound('REWARD_ORDER_NOT_FOUND');
  return order;
}

export async function cancelByStaff(ctx: PlatformContext, actor: Actor, id: string, reason: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const order = await loadOrderForStaff(ctx, actor, await repo.getOrder(db, id));
  const done = await db.transaction().execute((trx) => cancelIn(ctx, trx, order, { actorId: actor.userId, actorName: actor.username, kind: 'staff', reason }, meta));
  if (!done) throw stateError((await repo.getOrder(db, id))!);
  return presentOrder((await repo.getOrder(db, id))!);
}

/** The order behind a code, for staff to check before handing the goods over. */
export async function orderForCode(ctx: PlatformContext, actor: Actor, code: string) {
  return presentOrder(await loadOrderForStaff(ctx, actor, await repo.orderByCode(ctx.db.kysely, code)));
}

/** 核销: staff of the order's community enter (or scan) its code and hand the goods over; once. */
export async function fulfil(ctx: PlatformContext, actor: Actor, code: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const order = await loadOrderForStaff(ctx, actor, await repo.orderByCode(db, code));
  const now = ctx.now();
  const done = await db.transaction().execute(async (trx) => {
    if ((await repo.markFulfilled(trx, order.id, { at: now.toISOString(), by: actor.userId, byName: actor.displayName })) !== 1) return false;
    await notify(trx, { recipients: [order.user_id], kind: 'volunteers.rewards.fulfilled', title: `已领取：${order.item_name} × ${order.quantity}`, body: `兑换码 ${order.code}，消耗 ${order.points} 分。`, link: '/m/volunteer/rewards', at: now });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.rewards.order.fulfil', targetType: 'reward_order', targetId: order.id, orgNodeId: order.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { code: order.code, item: order.item_id, quantity: order.quantity } }, trx);
    return true;
  });
  if (!done) throw stateError((await repo.getOrder(db, order.id))!);
  return presentOrder((await repo.getOrder(db, order.id))!);
}

/** Orders of the caller's area (names of residents: the read is audited). */
export async function listOrders(ctx: PlatformContext, actor: Actor, q: { status?: 'pending' | 'fulfilled' | 'cancelled'; q?: string; page: number; pageSize: number }, meta: RequestMeta) {
  const paths = scopePaths(actor, REWARDS_MANAGE);
  if (paths.length === 0) throw forbidden();
  const { rows, total } = await repo.listOrders(ctx.db.kysely, { paths, status: q.status, q: q.q }, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'volunteers.rewards.orders.read', targetType: 'reward_order', ip: meta.ip, requestId: meta.requestId, details: { status: q.status ?? null, page: q.page, shown: rows.length } });
  return { items: rows.map(presentOrder), total, page: q.page, pageSize: q.pageSize };
}

/**
 * The expiry job: pending orders past their pick-up time are cancelled with the points returned.
 * Each in its own transaction by the conditional UPDATE of `cancelIn`: two processes running the
 * job at once cancel each order once (the second updates nothing and writes nothing).
 */
export async function cancelExpiredOrders(ctx: PlatformContext, limit = 200): Promise<number> {
  const db = ctx.db.kysely;
  const ids = await repo.expiredOrderIds(db, ctx.now().toISOString(), limit);
  let cancelled = 0;
  for (const id of ids) {
    const order = await repo.getOrder(db, id);
    if (!order || order.status !== 'pending') continue;
    const done = await db.transaction().execute((trx) => cancelIn(ctx, trx, order, { actorId: null, actorName: 'system', kind: 'expired', reason: `超过 ${beijing(order.expires_at)} 未领取，自动取消` }, {}));
    if (done) cancelled++;
  }
  return cancelled;
}
