import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound, unauthenticated } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import { bjDate } from './appointments.slots.js';
import { hoursOn, isOpenAt } from './merchants.hours.js';
import { MERCHANT_MANAGE } from './merchants.policy.js';
import * as repo from './merchants.repository.js';
import { MERCHANT_CATEGORIES, type MerchantCategory } from './merchants.schema.js';
import type { OpeningHours } from './merchants.table.js';
import './merchants.policy.js';

/**
 * 周边商圈资讯: a directory of merchants near a community, by category, with opening hours
 * (open now?) and running offers. Anyone reads it; community staff keep it (audited).
 */

addMessages({
  'error.MERCHANT_NOT_FOUND': { 'zh-CN': '商户不存在', en: 'No such merchant' },
  'error.MERCHANT_OFFER_NOT_FOUND': { 'zh-CN': '优惠信息不存在', en: 'No such offer' },
  'error.MERCHANT_STALE': { 'zh-CN': '商户信息已被他人修改，请刷新后重试', en: 'Someone else changed this merchant; reload and try again' },
  'error.MERCHANT_HOURS_INVALID': {
    'zh-CN': '营业时间有误：开门与打烊时间不能相同，每天只能写一次',
    en: 'Bad opening hours: opening and closing times must differ, and each day appears once',
  },
  'error.MERCHANT_PHONE_INVALID': {
    'zh-CN': '电话格式有误：手机号、带区号的固话（0573-87012345）或 400 电话',
    en: 'Bad phone number: a mobile, a landline with area code (0573-87012345) or a 400 number',
  },
  'error.MERCHANT_OFFER_DATES': { 'zh-CN': '优惠结束日期不能早于开始日期', en: 'An offer cannot end before it starts' },
  'error.MERCHANT_NODE_INVALID': { 'zh-CN': '商户只能登记在街道、社区或网格下', en: 'A merchant is listed under a sub-district, a community or a grid' },
});

const categoryName = (code: string) => MERCHANT_CATEGORIES.find((c) => c.code === code)?.name ?? code;

function presentOffer(o: repo.OfferRow, today: string) {
  return {
    id: o.id,
    title: o.title,
    description: o.description,
    startsOn: o.starts_on,
    endsOn: o.ends_on,
    active: o.active === 1,
    current: o.active === 1 && o.starts_on <= today && o.ends_on >= today,
  };
}

async function present(ctx: PlatformContext, actor: Actor | null, rows: repo.MerchantRow[]) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const today = bjDate(now);
  const offers = await repo.offersOf(db, rows.map((m) => m.id));
  const nodes = new Map(
    rows.length === 0 ? [] : (await db.selectFrom('org_node').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((m) => m.org_node_id))]).execute()).map((n) => [n.id, n.name]),
  );
  return rows.map((m) => {
    const hours = parseJson<OpeningHours>(m.opening_hours, { periods: [] });
    const keeper = canAt(actor, MERCHANT_MANAGE, m.org_path);
    return {
      id: m.id,
      orgNodeId: m.org_node_id,
      orgNodeName: nodes.get(m.org_node_id) ?? null,
      name: m.name,
      category: m.category as MerchantCategory,
      categoryName: categoryName(m.category),
      address: m.address,
      phone: m.phone,
      lat: m.lat,
      lng: m.lng,
      openingHours: hours,
      openNow: m.active === 1 && isOpenAt(hours, now),
      todayHours: hoursOn(hours, now),
      description: m.description,
      offers: offers
        .filter((o) => o.merchant_id === m.id)
        .map((o) => presentOffer(o, today))
        .filter((o) => keeper || o.current),
      active: m.active === 1,
      version: m.version,
    };
  });
}

async function nodePath(db: Executor, id: string) {
  const node = await db.selectFrom('org_node').select(['id', 'path', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
  if (!node) throw notFound('NOT_FOUND');
  return node;
}

/** The public directory; `includeInactive` only for staff who keep it (their subtrees). */
export async function listMerchants(
  ctx: PlatformContext,
  actor: Actor | null,
  query: { category?: MerchantCategory; q?: string; orgNodeId?: string; openNow?: boolean; includeInactive?: boolean; page: number; pageSize: number },
) {
  const db = ctx.db.kysely;
  const under = query.orgNodeId ? (await nodePath(db, query.orgNodeId)).path : undefined;
  let underPaths = under ? [under] : undefined;
  if (query.includeInactive) {
    if (!actor) throw unauthenticated();
    const mine = scopePaths(actor, MERCHANT_MANAGE);
    if (mine.length === 0) throw forbidden();
    // The caller's subtrees, narrowed to the node asked for.
    underPaths = under ? (mine.some((m) => under.startsWith(m)) ? [under] : mine.filter((m) => m.startsWith(under))) : mine;
  }
  let rows = await repo.findMerchants(db, { underPaths, category: query.category, q: query.q, activeOnly: !query.includeInactive });
  if (query.openNow) {
    const now = ctx.now();
    rows = rows.filter((m) => isOpenAt(parseJson<OpeningHours>(m.opening_hours, { periods: [] }), now));
  }
  const slice = rows.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
  return { items: await present(ctx, actor, slice), total: rows.length, page: query.page, pageSize: query.pageSize };
}

export async function getMerchant(ctx: PlatformContext, actor: Actor | null, id: string) {
  const m = await repo.getMerchant(ctx.db.kysely, id);
  if (!m || (m.active === 0 && !canAt(actor, MERCHANT_MANAGE, m.org_path))) throw notFound('MERCHANT_NOT_FOUND');
  return (await present(ctx, actor, [m]))[0]!;
}

export async function listCategories(ctx: PlatformContext, query: { orgNodeId?: string }) {
  const underPath = query.orgNodeId ? (await nodePath(ctx.db.kysely, query.orgNodeId)).path : null;
  const counts = new Map((await repo.countByCategory(ctx.db.kysely, underPath)).map((c) => [c.category, c.n]));
  return { items: MERCHANT_CATEGORIES.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, count: counts.get(c.code) ?? 0 })) };
}

function audit(ctx: PlatformContext, actor: Actor, action: string, target: { type: string; id: string; nodeId: string }, meta: RequestMeta, details: Record<string, unknown>, trx: Executor) {
  return appendAudit(
    ctx.db,
    { actorId: actor.userId, actorName: actor.username, action, targetType: target.type, targetId: target.id, orgNodeId: target.nodeId, ip: meta.ip, requestId: meta.requestId, details },
    trx,
  );
}

export interface MerchantInput {
  orgNodeId: string;
  name: string;
  category: MerchantCategory;
  address: string;
  phone?: string;
  lat?: number;
  lng?: number;
  openingHours: OpeningHours;
  description?: string;
  sort: number;
}

export async function createMerchant(ctx: PlatformContext, actor: Actor, input: MerchantInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await nodePath(db, input.orgNodeId);
  if (!canAt(actor, MERCHANT_MANAGE, node.path)) throw forbidden();
  if (!['community', 'street', 'grid'].includes(node.kind)) throw badRequest('MERCHANT_NODE_INVALID');
  const at = ctx.now().toISOString();
  const row: repo.MerchantRow = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    name: input.name,
    category: input.category,
    address: input.address,
    phone: input.phone ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    opening_hours: JSON.stringify(input.openingHours),
    description: input.description ?? null,
    sort: input.sort,
    active: 1,
    version: 1,
    created_by: actor.userId,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertMerchant(trx, row);
    await audit(ctx, actor, 'services.merchant.create', { type: 'merchant', id: row.id, nodeId: node.id }, meta, { name: row.name, category: row.category }, trx);
  });
  return (await present(ctx, actor, [row]))[0]!;
}

export async function updateMerchant(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: Partial<Omit<MerchantInput, 'orgNodeId' | 'phone' | 'lat' | 'lng' | 'description'>> & {
    expectedVersion: number;
    phone?: string | null;
    lat?: number | null;
    lng?: number | null;
    description?: string | null;
    active?: boolean;
  },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const m = await repo.getMerchant(db, id);
  if (!m || !canAt(actor, MERCHANT_MANAGE, m.org_path)) throw notFound('MERCHANT_NOT_FOUND');
  const patch: Partial<repo.MerchantRow> = { updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.category !== undefined) patch.category = input.category;
  if (input.address !== undefined) patch.address = input.address;
  if (input.phone !== undefined) patch.phone = input.phone;
  if (input.lat !== undefined) patch.lat = input.lat;
  if (input.lng !== undefined) patch.lng = input.lng;
  if (input.openingHours !== undefined) patch.opening_hours = JSON.stringify(input.openingHours);
  if (input.description !== undefined) patch.description = input.description;
  if (input.sort !== undefined) patch.sort = input.sort;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateMerchant(trx, id, input.expectedVersion, patch)) === 0) throw conflict('MERCHANT_STALE');
    await audit(ctx, actor, 'services.merchant.update', { type: 'merchant', id, nodeId: m.org_node_id }, meta, { changed: Object.keys(patch).filter((k) => k !== 'updated_at') }, trx);
  });
  return (await present(ctx, actor, [(await repo.getMerchant(db, id))!]))[0]!;
}

export async function addOffer(ctx: PlatformContext, actor: Actor, merchantId: string, input: { title: string; description?: string; startsOn: string; endsOn: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const m = await repo.getMerchant(db, merchantId);
  if (!m || !canAt(actor, MERCHANT_MANAGE, m.org_path)) throw notFound('MERCHANT_NOT_FOUND');
  const at = ctx.now().toISOString();
  const row: repo.OfferRow = { id: newId(), merchant_id: m.id, title: input.title, description: input.description ?? null, starts_on: input.startsOn, ends_on: input.endsOn, active: 1, created_at: at, updated_at: at };
  await db.transaction().execute(async (trx) => {
    await repo.insertOffer(trx, row);
    await audit(ctx, actor, 'services.merchant.offer.create', { type: 'merchant_offer', id: row.id, nodeId: m.org_node_id }, meta, { merchant: m.id, title: row.title }, trx);
  });
  return presentOffer(row, bjDate(ctx.now()));
}

export async function updateOffer(
  ctx: PlatformContext,
  actor: Actor,
  merchantId: string,
  offerId: string,
  input: { title?: string; description?: string | null; startsOn?: string; endsOn?: string; active?: boolean },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const m = await repo.getMerchant(db, merchantId);
  if (!m || !canAt(actor, MERCHANT_MANAGE, m.org_path)) throw notFound('MERCHANT_NOT_FOUND');
  const o = await repo.getOffer(db, offerId);
  if (!o || o.merchant_id !== m.id) throw notFound('MERCHANT_OFFER_NOT_FOUND');
  const startsOn = input.startsOn ?? o.starts_on;
  const endsOn = input.endsOn ?? o.ends_on;
  if (startsOn > endsOn) throw badRequest('MERCHANT_OFFER_DATES');
  const patch: Partial<repo.OfferRow> = { starts_on: startsOn, ends_on: endsOn, updated_at: ctx.now().toISOString() };
  if (input.title !== undefined) patch.title = input.title;
  if (input.description !== undefined) patch.description = input.description;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    await repo.updateOffer(trx, o.id, patch);
    await audit(ctx, actor, 'services.merchant.offer.update', { type: 'merchant_offer', id: o.id, nodeId: m.org_node_id }, meta, { changed: Object.keys(patch).filter((k) => k !== 'updated_at') }, trx);
  });
  return presentOffer((await repo.getOffer(db, o.id))!, bjDate(ctx.now()));
}
