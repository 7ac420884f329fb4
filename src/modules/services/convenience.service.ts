import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import { activeTagCodes, knownTagCodes, residentFacts } from '../registry/registry.facts.js';
import { chinaToday } from '../registry/tags.filter.js';
import { bjDate } from './appointments.slots.js';
import { CONVENIENCE_LEDGER_READ, CONVENIENCE_MANAGE, CONVENIENCE_ORDER_OWN } from './convenience.policy.js';
import * as repo from './convenience.repository.js';
import { CONVENIENCE_CATEGORIES, type ConvenienceCategory } from './convenience.schema.js';
import type { ComplaintStatus, OrderStatus, PriceUnit, ProviderKind, ProviderStatus } from './convenience.table.js';
import './convenience.policy.js';
import './merchants.service.js'; // MERCHANT_PHONE_INVALID: the provider's phone uses the shop-phone check

/**
 * 便民服务 (convenience services).
 *
 * Providers (服务商) apply (a `provider` account for itself, or staff for them) and community
 * staff approve, reject or suspend them; only approved providers and their visible offerings
 * reach residents. An order runs requested → accepted → in_service → completed → closed
 * (rated), or ends declined (provider, with a reason) or cancelled (resident, before
 * acceptance). Every step is audited, kept on the order's timeline and notified to the other side.
 *
 * 政府购买服务: a rule (registry tags any/all, offering categories, monthly free minutes,
 * validity, the paying community) covers a resident's order. The quote shows what would be
 * free now; at completion, in the completion's transaction, the free minutes are posted to the
 * platform ledger: the person's allowance for the month is opened (granted once) and drawn
 * down, the community's purchased-service expense rises and so does the provider's payable.
 * When the month's allowance is used up, the order is charged in full.
 */

// ---------------------------------------------------------------- labels and messages

export const PROVIDER_KIND_LABELS: Record<ProviderKind, string> = { social_org: '社会组织', merchant: '商户', professional: '专业人员' };
export const PROVIDER_STATUS_LABELS: Record<ProviderStatus, string> = { pending: '待审核', approved: '已通过', rejected: '已驳回', suspended: '已暂停' };
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  requested: '待接单',
  accepted: '已接单',
  declined: '已拒单',
  cancelled: '已取消',
  in_service: '服务中',
  completed: '待确认',
  closed: '已完成',
};
export const COMPLAINT_STATUS_LABELS: Record<ComplaintStatus, string> = { submitted: '待受理', accepted: '处理中', closed: '已办结' };
const ACTION_LABELS: Record<string, string> = {
  ordered: '下单',
  accepted: '服务商接单',
  declined: '服务商拒单',
  cancelled: '居民取消',
  started: '到达并开始服务',
  completed: '服务完成',
  rated: '居民确认并评价',
  complaint: '居民投诉',
  'complaint.accepted': '投诉已受理',
  'complaint.replied': '服务商答复投诉',
  'complaint.closed': '投诉办结',
};

const categoryName = (code: string) => CONVENIENCE_CATEGORIES.find((c) => c.code === code)?.name ?? code;
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const hoursLabel = (minutes: number) => `${Math.round((minutes / 60) * 100) / 100}小时`;

addMessages({
  'error.CONVENIENCE_PROVIDER_NOT_FOUND': { 'zh-CN': '服务商不存在', en: 'No such provider' },
  'error.CONVENIENCE_NO_PROVIDER': { 'zh-CN': '本账号尚未登记服务商，请先申请入驻', en: 'This account has no provider yet; apply to register first' },
  'error.CONVENIENCE_PROVIDER_EXISTS': { 'zh-CN': '该账号已关联一个服务商', en: 'This account is already linked to a provider' },
  'error.CONVENIENCE_PROVIDER_ACCOUNT': { 'zh-CN': '只能关联启用的服务商账号', en: 'Only an enabled provider account can be linked' },
  'error.CONVENIENCE_PROVIDER_NOT_APPROVED': { 'zh-CN': '服务商未通过审核或已暂停，不能接单', en: 'The provider is not approved or is suspended and cannot take orders' },
  'error.CONVENIENCE_PROVIDER_CLOSED': { 'zh-CN': '服务商已被驳回或暂停，不能发布服务项目', en: 'A rejected or suspended provider cannot publish offerings' },
  'error.CONVENIENCE_REVIEW_STATE': { 'zh-CN': '服务商当前状态为“{status}”，不能{action}', en: 'The provider is "{status}"; it cannot be {action}' },
  'error.CONVENIENCE_AREA_INVALID': { 'zh-CN': '服务区域须为社区或街道', en: 'The service area must be a community or a street' },
  'error.CONVENIENCE_OUTSIDE_AREA': { 'zh-CN': '服务项目的区域须在服务商的服务区域内', en: "An offering's area must lie within the provider's area" },
  'error.CONVENIENCE_NOT_SERVED': { 'zh-CN': '该服务项目不覆盖您所在的社区', en: 'This offering does not serve your community' },
  'error.CONVENIENCE_OFFERING_NOT_FOUND': { 'zh-CN': '服务项目不存在或已下架', en: 'No such offering, or it is no longer offered' },
  'error.CONVENIENCE_ORDER_NOT_FOUND': { 'zh-CN': '订单不存在', en: 'No such order' },
  'error.CONVENIENCE_ORDER_STATE': { 'zh-CN': '订单当前状态为“{status}”，不能{action}', en: 'The order is "{status}"; you cannot {action} it' },
  'error.CONVENIENCE_STALE': { 'zh-CN': '数据刚有更新，请刷新后重试', en: 'It was just updated; reload and try again' },
  'error.CONVENIENCE_REASON_REQUIRED': { 'zh-CN': '请填写原因', en: 'Please give a reason' },
  'error.CONVENIENCE_ADDRESS_REQUIRED': { 'zh-CN': '请填写服务地址，或选择使用登记的住址', en: 'Type the address, or choose your registered address' },
  'error.CONVENIENCE_NO_REGISTRY_ADDRESS': { 'zh-CN': '未找到您登记的住址，请手动填写服务地址', en: 'No registered address was found; please type the address' },
  'error.CONVENIENCE_WANTED_TIME': { 'zh-CN': '预约服务时间须在当前时间之后的60天内', en: 'The time wanted must be within the next 60 days' },
  'error.CONVENIENCE_QUANTITY_REQUIRED': {
    'zh-CN': '请填写实际服务量：按小时计费填实际分钟数，按次或按餐计费填数量',
    en: 'Give what was delivered: minutes for hourly offerings, a quantity for per-time or per-meal ones',
  },
  'error.CONVENIENCE_NO_HOME': { 'zh-CN': '账号未关联所在社区，暂不能下单', en: 'Your account is not linked to a community yet' },
  'error.CONVENIENCE_COMPLAINT_EXISTS': { 'zh-CN': '该订单已投诉过，请等待处理结果', en: 'This order already has a complaint; please wait for the outcome' },
  'error.CONVENIENCE_COMPLAINT_NOT_FOUND': { 'zh-CN': '投诉不存在', en: 'No such complaint' },
  'error.CONVENIENCE_COMPLAINT_STATE': { 'zh-CN': '投诉当前状态为“{status}”，不能{action}', en: 'The complaint is "{status}"; you cannot {action} it' },
  'error.CONVENIENCE_RULE_NOT_FOUND': { 'zh-CN': '政府购买服务规则不存在', en: 'No such purchased-service rule' },
  'error.CONVENIENCE_RULE_DATES': { 'zh-CN': '结束日期不能早于开始日期', en: 'The end date cannot be before the start date' },
  'error.CONVENIENCE_RULE_TAG_UNKNOWN': { 'zh-CN': '标签“{tag}”未在人口库中定义', en: 'The tag "{tag}" is not defined in the registry' },
});

const ACTION_ZH: Record<string, string> = {
  accept: '接单',
  decline: '拒单',
  start: '开始服务',
  complete: '完成服务',
  cancel: '取消',
  confirm: '确认评价',
  complain: '投诉',
  approve: '通过',
  reject: '驳回',
  suspend: '暂停',
  reinstate: '恢复',
  reply: '答复',
  close: '办结',
};

function orderState(status: OrderStatus, action: string) {
  return conflict('CONVENIENCE_ORDER_STATE', { status: ORDER_STATUS_LABELS[status], action: ACTION_ZH[action] ?? action });
}

const page = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

function personalName(displayName: string): string {
  const parts = displayName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? displayName;
}

function audit(actor: Actor | null, action: string, target: { type: string; id: string; orgNodeId?: string | null }, meta: RequestMeta, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success') {
  return {
    actorId: actor?.userId ?? null,
    actorName: actor?.username ?? 'system',
    action,
    targetType: target.type,
    targetId: target.id,
    orgNodeId: target.orgNodeId ?? null,
    ip: meta.ip,
    requestId: meta.requestId,
    outcome,
    details,
  };
}

/** Beijing month YYYY-MM of a moment. */
export const bjMonth = (at: Date) => bjDate(at).slice(0, 7);

// ---------------------------------------------------------------- presenters

function providerRating(p: { rating_sum: number; rating_count: number }): number | null {
  return Number(p.rating_count) > 0 ? Math.round((Number(p.rating_sum) / Number(p.rating_count)) * 10) / 10 : null;
}

async function presentProviders(ctx: PlatformContext, rows: repo.ProviderRow[]) {
  const nodes = await repo.nodeNames(ctx.db.kysely, rows.map((p) => p.org_node_id));
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    kindLabel: PROVIDER_KIND_LABELS[p.kind],
    contactName: p.contact_name,
    contactPhone: p.contact_phone,
    orgNodeId: p.org_node_id,
    orgNodeName: nodes.get(p.org_node_id) ?? null,
    licenceNote: p.licence_note,
    description: p.description,
    status: p.status,
    statusLabel: PROVIDER_STATUS_LABELS[p.status],
    statusReason: p.status_reason,
    linkedAccount: !!p.user_id,
    rating: providerRating(p),
    ratingCount: Number(p.rating_count),
    complaintsUpheld: Number(p.complaints_upheld),
    reviewedAt: p.reviewed_at,
    createdAt: p.created_at,
    version: Number(p.version),
  }));
}

async function presentOfferings(ctx: PlatformContext, rows: repo.OfferingRow[]) {
  const db = ctx.db.kysely;
  const providers = new Map((await repo.providersByIds(db, rows.map((o) => o.provider_id))).map((p) => [p.id, p]));
  const nodes = await repo.nodeNames(db, rows.map((o) => o.org_node_id));
  return rows.map((o) => {
    const p = providers.get(o.provider_id);
    return {
      id: o.id,
      providerId: o.provider_id,
      providerName: p?.name ?? '',
      providerRating: p ? providerRating(p) : null,
      category: o.category as ConvenienceCategory,
      categoryName: categoryName(o.category),
      name: o.name,
      description: o.description,
      priceFen: Number(o.price_fen),
      priceUnit: o.price_unit,
      priceLabel: `${yuan(Number(o.price_fen))}/${o.price_unit}`,
      durationMinutes: Number(o.duration_minutes),
      orgNodeId: o.org_node_id,
      orgNodeName: nodes.get(o.org_node_id) ?? null,
      active: o.active === 1,
      hidden: o.hidden === 1,
      hiddenReason: o.hidden_reason,
      version: Number(o.version),
    };
  });
}

async function presentComplaints(ctx: PlatformContext, rows: repo.ComplaintRow[]) {
  const db = ctx.db.kysely;
  const providers = new Map((await repo.providersByIds(db, rows.map((c) => c.provider_id))).map((p) => [p.id, p]));
  const codes = new Map((await repo.ordersByIds(db, rows.map((c) => c.order_id))).map((o) => [o.id, o.code]));
  return rows.map((c) => ({
    id: c.id,
    orderId: c.order_id,
    orderCode: codes.get(c.order_id) ?? '',
    providerId: c.provider_id,
    providerName: providers.get(c.provider_id)?.name ?? '',
    content: c.content,
    status: c.status,
    statusLabel: COMPLAINT_STATUS_LABELS[c.status],
    acceptedAt: c.accepted_at,
    providerReply: c.provider_reply,
    providerRepliedAt: c.provider_replied_at,
    result: c.result,
    upheld: c.upheld === null ? null : c.upheld === 1,
    closedAt: c.closed_at,
    createdAt: c.created_at,
    version: Number(c.version),
  }));
}

type Viewer = 'resident' | 'provider' | 'staff';

async function presentOrders(ctx: PlatformContext, rows: repo.OrderRow[], as: Viewer) {
  const db = ctx.db.kysely;
  const providers = new Map((await repo.providersByIds(db, rows.map((o) => o.provider_id))).map((p) => [p.id, p]));
  const rules = new Map((await repo.rulesByIds(db, rows.map((o) => o.rule_id).filter((x): x is string => !!x))).map((r) => [r.id, r]));
  const names = as === 'resident' ? new Map<string, string>() : await repo.userNames(db, rows.map((o) => o.resident_user_id));
  return rows.map((o) => ({
    id: o.id,
    code: o.code,
    status: o.status,
    statusLabel: ORDER_STATUS_LABELS[o.status],
    offeringId: o.offering_id,
    offeringName: o.offering_name,
    category: o.category,
    categoryName: categoryName(o.category),
    providerId: o.provider_id,
    providerName: providers.get(o.provider_id)?.name ?? '',
    residentName: as === 'resident' ? null : personalName(names.get(o.resident_user_id) ?? ''),
    priceFen: Number(o.price_fen),
    priceUnit: o.price_unit,
    wantedAt: o.wanted_at,
    address: o.address,
    addressSource: o.address_source,
    note: o.note,
    quoteFreeMinutes: Number(o.quote_free_minutes),
    declinedReason: o.declined_reason,
    cancelReason: o.cancel_reason,
    quantity: o.quantity === null ? null : Number(o.quantity),
    serviceMinutes: o.service_minutes === null ? null : Number(o.service_minutes),
    totalFen: o.total_fen === null ? null : Number(o.total_fen),
    ruleId: o.rule_id,
    ruleName: o.rule_id ? (rules.get(o.rule_id)?.name ?? null) : null,
    freeMinutes: Number(o.free_minutes),
    freeFen: Number(o.free_fen),
    residentFen: o.resident_fen === null ? null : Number(o.resident_fen),
    rating: o.rating === null ? null : Number(o.rating),
    ratingComment: o.rating_comment,
    createdAt: o.created_at,
    acceptedAt: o.accepted_at,
    startedAt: o.started_at,
    completedAt: o.completed_at,
    closedAt: o.closed_at,
    version: Number(o.version),
  }));
}

async function presentOrderDetail(ctx: PlatformContext, o: repo.OrderRow, as: Viewer) {
  const db = ctx.db.kysely;
  const [summary] = await presentOrders(ctx, [o], as);
  const events = await repo.orderEvents(db, o.id);
  const names = await repo.userNames(db, events.map((e) => e.actor_user_id));
  const provider = await repo.getProvider(db, o.provider_id);
  const complaint = await repo.complaintOfOrder(db, o.id);
  const actions: string[] = [];
  if (as === 'resident') {
    if (o.status === 'requested') actions.push('cancel');
    if (o.status === 'completed') actions.push('confirm');
    if (!complaint && ['accepted', 'in_service', 'completed', 'closed', 'declined'].includes(o.status)) actions.push('complain');
  } else if (as === 'provider') {
    if (o.status === 'requested') actions.push('accept', 'decline');
    if (o.status === 'accepted') actions.push('start');
    if (o.status === 'in_service') actions.push('complete');
  }
  return {
    ...summary!,
    timeline: events.map((e) => ({
      seq: Number(e.seq),
      action: e.action,
      label: ACTION_LABELS[e.action] ?? e.action,
      actorRole: e.actor_role,
      // Residents see the provider's name for its steps, never staff names beyond their role.
      actorName:
        e.actor_role === 'provider'
          ? (provider?.name ?? null)
          : e.actor_role === 'resident'
            ? as === 'resident'
              ? '我'
              : personalName(names.get(e.actor_user_id ?? '') ?? '')
            : e.actor_role === 'staff'
              ? as === 'staff'
                ? (names.get(e.actor_user_id ?? '') ?? null)
                : '社区工作人员'
              : null,
      note: e.note,
      at: e.at,
    })),
    complaint: complaint ? (await presentComplaints(ctx, [complaint]))[0]! : null,
    actions,
  };
}

// ---------------------------------------------------------------- public catalogue

async function nodePath(ctx: PlatformContext, id: string | undefined): Promise<string | null> {
  if (!id) return null;
  const node = await repo.getNode(ctx.db.kysely, id);
  if (!node) throw notFound('NOT_FOUND');
  return node.path;
}

export async function listCategories(ctx: PlatformContext, query: { orgNodeId?: string }) {
  const rows = await repo.visibleOfferings(ctx.db.kysely, { path: await nodePath(ctx, query.orgNodeId) });
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  return { items: CONVENIENCE_CATEGORIES.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, count: counts.get(c.code) ?? 0 })) };
}

export async function listPublicProviders(ctx: PlatformContext, query: { orgNodeId?: string; kind?: ProviderKind; category?: ConvenienceCategory }) {
  const db = ctx.db.kysely;
  const path = await nodePath(ctx, query.orgNodeId);
  let rows = await repo.approvedProvidersServing(db, path, { below: true, kind: query.kind });
  if (query.category) {
    const offering = new Set((await repo.visibleOfferings(db, { path, category: query.category })).map((o) => o.provider_id));
    rows = rows.filter((p) => offering.has(p.id));
  }
  return { items: await presentProviders(ctx, rows) };
}

export async function getPublicProvider(ctx: PlatformContext, id: string) {
  const p = await repo.getProvider(ctx.db.kysely, id);
  if (!p || p.status !== 'approved') throw notFound('CONVENIENCE_PROVIDER_NOT_FOUND');
  return (await presentProviders(ctx, [p]))[0]!;
}

export async function listPublicOfferings(ctx: PlatformContext, query: { category?: ConvenienceCategory; orgNodeId?: string; providerId?: string; q?: string }) {
  const rows = await repo.visibleOfferings(ctx.db.kysely, { path: await nodePath(ctx, query.orgNodeId), category: query.category, providerId: query.providerId, q: query.q });
  return { items: await presentOfferings(ctx, rows) };
}

/** A visible offering of an approved provider, or 404. */
async function visibleOffering(ctx: PlatformContext, id: string) {
  const db = ctx.db.kysely;
  const o = await repo.getOffering(db, id);
  const p = o ? await repo.getProvider(db, o.provider_id) : undefined;
  if (!o || !p || o.active !== 1 || o.hidden === 1 || p.status !== 'approved') throw notFound('CONVENIENCE_OFFERING_NOT_FOUND');
  return { offering: o, provider: p };
}

export async function getPublicOffering(ctx: PlatformContext, id: string) {
  const { offering } = await visibleOffering(ctx, id);
  return (await presentOfferings(ctx, [offering]))[0]!;
}

// ---------------------------------------------------------------- 政府购买服务: eligibility and allowance

export const accountCodes = {
  allowance: (ruleId: string, personId: string, month: string) => `conv:allowance:${ruleId}:${personId}:${month}`,
  issued: (ruleId: string) => `conv:rule:${ruleId}:issued`,
  expense: (orgNodeId: string) => `conv:${orgNodeId}:purchased-service`,
  payable: (providerId: string) => `conv:provider:${providerId}:payable`,
};

function parseList(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * The rule covering this person and category today: active, valid, paid by the person's
 * community (or street), on the category, and matching the person's registry tags (any/all).
 * The oldest matching rule wins. Tags are read through the registry's own query of active tags.
 */
export async function coveringRule(db: Executor, personId: string | null, category: string, now: Date): Promise<repo.RuleRow | null> {
  if (!personId) return null;
  const person = await residentFacts(db, personId);
  if (!person) return null;
  const today = chinaToday(now);
  const rules = (await repo.rulesCovering(db, person.orgPath, today)).filter((r) => parseList(r.categories).includes(category));
  if (rules.length === 0) return null;
  const held = new Set(await activeTagCodes(db, personId, today));
  return (
    rules.find((r) => {
      const tags = parseList(r.tags);
      return r.tag_match === 'all' ? tags.every((t) => held.has(t)) : tags.some((t) => held.has(t));
    }) ?? null
  );
}

/** Free minutes left this month: the allowance account's balance, or the full allowance before its first use. */
async function allowanceLeft(db: Executor, rule: repo.RuleRow, personId: string, month: string): Promise<number> {
  const code = accountCodes.allowance(rule.id, personId, month);
  const found = (await ledger.balances(db, [code])).get(code);
  return found ? found.balance : Number(rule.monthly_minutes);
}

function serviceMinutesOf(unit: PriceUnit, durationMinutes: number, quantity: number) {
  return unit === '小时' ? quantity * 60 : quantity * durationMinutes;
}

function totalFenOf(priceFen: number, unit: PriceUnit, quantity: number, minutes: number) {
  return unit === '小时' ? Math.round((priceFen * minutes) / 60) : priceFen * quantity;
}

function split(totalFen: number, serviceMinutes: number, allowance: number) {
  const freeMinutes = Math.max(0, Math.min(allowance, serviceMinutes));
  const freeFen = serviceMinutes > 0 ? Math.round((totalFen * freeMinutes) / serviceMinutes) : 0;
  return { freeMinutes, freeFen, residentFen: totalFen - freeFen };
}

async function registryAddress(db: Executor, personId: string | null): Promise<string | null> {
  if (!personId) return null;
  const person = await residentFacts(db, personId);
  if (!person) return null;
  const place = person.address;
  const community = person.chain.filter((n) => n.kind === 'community').pop()?.name;
  const label = [community, place].filter(Boolean).join('');
  return label || null;
}

export async function quote(ctx: PlatformContext, actor: Actor, query: { offeringId: string; quantity: number }) {
  const db = ctx.db.kysely;
  const { offering: o } = await visibleOffering(ctx, query.offeringId);
  const now = ctx.now();
  const month = bjMonth(now);
  const minutes = serviceMinutesOf(o.price_unit, Number(o.duration_minutes), query.quantity);
  const total = totalFenOf(Number(o.price_fen), o.price_unit, query.quantity, minutes);
  const rule = await coveringRule(db, actor.personId, o.category, now);
  const left = rule ? await allowanceLeft(db, rule, actor.personId!, month) : 0;
  const s = split(total, minutes, left);
  const coverage = !rule ? 'none' : left <= 0 ? 'exhausted' : s.freeMinutes >= minutes ? 'covered' : 'partial';
  const message =
    coverage === 'none'
      ? `按价格收费：${yuan(total)}`
      : coverage === 'exhausted'
        ? `本月“${rule!.name}”免费额度已用完，本单按价格收费：${yuan(total)}`
        : coverage === 'covered'
          ? `“${rule!.name}”本月还剩${hoursLabel(left)}，本单免费（由社区购买服务支付）`
          : `“${rule!.name}”本月还剩${hoursLabel(left)}，本单免费${hoursLabel(s.freeMinutes)}，您需支付${yuan(s.residentFen)}`;
  return {
    offeringId: o.id,
    offeringName: o.name,
    priceFen: Number(o.price_fen),
    priceUnit: o.price_unit,
    quantity: query.quantity,
    serviceMinutes: minutes,
    totalFen: total,
    rule: rule ? { id: rule.id, name: rule.name, monthlyMinutes: Number(rule.monthly_minutes) } : null,
    month,
    allowanceLeftMinutes: left,
    freeMinutes: s.freeMinutes,
    freeFen: s.freeFen,
    residentFen: s.residentFen,
    coverage: coverage as 'covered' | 'partial' | 'exhausted' | 'none',
    message,
    registryAddress: await registryAddress(db, actor.personId),
  };
}

// ---------------------------------------------------------------- the resident's orders

async function staffOver(db: Executor, path: string) {
  return repo.usersWithRolesOver(db, [...rolesWith(CONVENIENCE_MANAGE)], path);
}

export async function placeOrder(
  ctx: PlatformContext,
  actor: Actor,
  input: { offeringId: string; wantedAt: string; address?: string; useRegistryAddress: boolean; quantity: number; note?: string },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const { offering: o, provider } = await visibleOffering(ctx, input.offeringId);
  const now = ctx.now();
  const wanted = new Date(input.wantedAt);
  if (wanted.getTime() < now.getTime() - 5 * 60_000 || wanted.getTime() > now.getTime() + 60 * 86_400_000) throw badRequest('CONVENIENCE_WANTED_TIME');
  // Where the order belongs: the resident's dwelling, or the community of their account.
  const person = actor.personId ? await residentFacts(db, actor.personId) : undefined;
  const home = actor.grants.find((g) => rolesWith(CONVENIENCE_ORDER_OWN).has(g.role));
  if (!person && !home) throw forbidden('CONVENIENCE_NO_HOME');
  const orgPath = person?.orgPath ?? home!.orgPath;
  const orgNodeId = person ? orgPath.split('/').filter(Boolean).pop()! : home!.orgNodeId;
  // The offering serves its area (a street-wide one every community below it).
  if (!orgPath.startsWith(o.org_path)) throw badRequest('CONVENIENCE_NOT_SERVED');
  let address = input.address ?? '';
  let source: 'registry' | 'typed' = 'typed';
  if (input.useRegistryAddress) {
    const found = await registryAddress(db, actor.personId);
    if (!found) throw badRequest('CONVENIENCE_NO_REGISTRY_ADDRESS');
    address = found;
    source = 'registry';
  }
  const q = await quote(ctx, actor, { offeringId: o.id, quantity: input.quantity });
  const at = now.toISOString();
  const row: repo.OrderRow = {
    id: newId(),
    code: '',
    offering_id: o.id,
    provider_id: provider.id,
    resident_user_id: actor.userId,
    person_id: actor.personId,
    org_node_id: orgNodeId,
    org_path: orgPath,
    category: o.category,
    offering_name: o.name,
    price_fen: Number(o.price_fen),
    price_unit: o.price_unit,
    duration_minutes: Number(o.duration_minutes),
    wanted_at: wanted.toISOString(),
    address,
    address_source: source,
    note: input.note ?? null,
    status: 'requested',
    quote_rule_id: q.rule?.id ?? null,
    quote_free_minutes: q.freeMinutes,
    accepted_at: null,
    declined_reason: null,
    started_at: null,
    completed_at: null,
    quantity: o.price_unit === '小时' ? null : input.quantity,
    service_minutes: null,
    total_fen: null,
    rule_id: null,
    free_minutes: 0,
    free_fen: 0,
    resident_fen: null,
    ledger_month: null,
    ledger_journal_id: null,
    rating: null,
    rating_comment: null,
    rated_at: null,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    const day = bjDate(now).replace(/-/g, '');
    row.code = `BM${day}-${String(await repo.nextOrderSeq(trx, day)).padStart(4, '0')}`;
    await repo.insertOrder(trx, row);
    await repo.appendOrderEvent(trx, { id: newId(), order_id: row.id, action: 'ordered', actor_user_id: actor.userId, actor_role: 'resident', note: q.rule ? q.message : null, at });
    await appendAudit(ctx.db, audit(actor, 'services.convenience.order.create', { type: 'convenience_order', id: row.id, orgNodeId: row.org_node_id }, meta, { code: row.code, offeringId: o.id, providerId: provider.id, quoteFreeMinutes: q.freeMinutes }), trx);
    if (provider.user_id) {
      await notify(trx, { recipients: [provider.user_id], kind: 'services.convenience.ordered', title: `新订单：${o.name}`, body: `订单 ${row.code} 等待接单，预约时间 ${bjDate(wanted)}。`, link: '/m/provider', at: now });
    }
  });
  return presentOrderDetail(ctx, row, 'resident');
}

export async function listMyOrders(ctx: PlatformContext, actor: Actor, query: { status?: OrderStatus; page: number; pageSize: number }) {
  const { rows, total } = await repo.listOrders(ctx.db.kysely, { residentUserId: actor.userId, status: query.status }, page(query));
  return { items: await presentOrders(ctx, rows, 'resident'), total, page: query.page, pageSize: query.pageSize };
}

/** The resident's own order; anyone else's is simply not there (404, the attempt audited). */
async function myOrderOr404(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const o = await repo.getOrder(ctx.db.kysely, id);
  if (!o) throw notFound('CONVENIENCE_ORDER_NOT_FOUND');
  if (o.resident_user_id !== actor.userId) {
    await appendAudit(ctx.db, audit(actor, 'services.convenience.order.read', { type: 'convenience_order', id: o.id, orgNodeId: o.org_node_id }, meta, { as: 'resident' }, 'denied'));
    throw notFound('CONVENIENCE_ORDER_NOT_FOUND');
  }
  return o;
}

export async function getMyOrder(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  return presentOrderDetail(ctx, await myOrderOr404(ctx, actor, id, meta), 'resident');
}

interface StepSpec {
  from: OrderStatus[];
  action: string;
  event: string;
  role: 'resident' | 'provider';
  patch: Partial<repo.OrderRow>;
  note?: string | null;
  auditDetails?: Record<string, unknown>;
  notifyTo: string[];
  notice?: { kind: string; title: string; body: string; link: string };
  /** Extra work in the step's transaction (ledger, ratings). */
  extra?: (trx: Executor) => Promise<void>;
}

/** One order step: state check, optimistic update, timeline, audit, notice: one transaction. */
async function step(ctx: PlatformContext, actor: Actor, o: repo.OrderRow, spec: StepSpec, meta: RequestMeta) {
  if (!spec.from.includes(o.status)) throw orderState(o.status, spec.action);
  const now = ctx.now();
  const at = now.toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if ((await repo.updateOrderIf(trx, o.id, Number(o.version), { ...spec.patch, updated_at: at })) === 0) throw conflict('CONVENIENCE_STALE');
    await spec.extra?.(trx);
    await repo.appendOrderEvent(trx, { id: newId(), order_id: o.id, action: spec.event, actor_user_id: actor.userId, actor_role: spec.role, note: spec.note ?? null, at });
    await appendAudit(ctx.db, audit(actor, `services.convenience.order.${spec.action}`, { type: 'convenience_order', id: o.id, orgNodeId: o.org_node_id }, meta, { code: o.code, ...spec.auditDetails }), trx);
    if (spec.notice) await notify(trx, { recipients: spec.notifyTo, ...spec.notice, at: now });
  });
  return (await repo.getOrder(ctx.db.kysely, o.id))!;
}

export async function cancelMyOrder(ctx: PlatformContext, actor: Actor, id: string, input: { reason?: string }, meta: RequestMeta) {
  const o = await myOrderOr404(ctx, actor, id, meta);
  const provider = await repo.getProvider(ctx.db.kysely, o.provider_id);
  const at = ctx.now().toISOString();
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['requested'],
      action: 'cancel',
      event: 'cancelled',
      role: 'resident',
      patch: { status: 'cancelled', cancelled_at: at, cancel_reason: input.reason ?? null },
      note: input.reason ?? null,
      notifyTo: provider?.user_id ? [provider.user_id] : [],
      notice: { kind: 'services.convenience.cancelled', title: `订单 ${o.code} 已被居民取消`, body: `${o.offering_name}：居民已取消订单${input.reason ? `（${input.reason}）` : ''}。`, link: '/m/provider' },
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'resident');
}

export async function confirmMyOrder(ctx: PlatformContext, actor: Actor, id: string, input: { rating: number; comment?: string }, meta: RequestMeta) {
  const o = await myOrderOr404(ctx, actor, id, meta);
  const provider = await repo.getProvider(ctx.db.kysely, o.provider_id);
  const at = ctx.now().toISOString();
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['completed'],
      action: 'confirm',
      event: 'rated',
      role: 'resident',
      patch: { status: 'closed', rating: input.rating, rating_comment: input.comment ?? null, rated_at: at, closed_at: at },
      note: `${'★'.repeat(input.rating)}${input.comment ? ` ${input.comment}` : ''}`,
      auditDetails: { rating: input.rating },
      notifyTo: provider?.user_id ? [provider.user_id] : [],
      notice: { kind: 'services.convenience.rated', title: `订单 ${o.code} 已确认：${input.rating}星`, body: `${o.offering_name}：居民已确认服务并评价${input.rating}星。`, link: '/m/provider' },
      extra: (trx) => repo.addProviderRating(trx, o.provider_id, input.rating).then(() => undefined),
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'resident');
}

export async function fileComplaint(ctx: PlatformContext, actor: Actor, id: string, input: { content: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const o = await myOrderOr404(ctx, actor, id, meta);
  if (!['accepted', 'in_service', 'completed', 'closed', 'declined'].includes(o.status)) throw orderState(o.status, 'complain');
  if (await repo.complaintOfOrder(db, o.id)) throw conflict('CONVENIENCE_COMPLAINT_EXISTS');
  const now = ctx.now();
  const at = now.toISOString();
  const row: repo.ComplaintRow = {
    id: newId(),
    order_id: o.id,
    provider_id: o.provider_id,
    resident_user_id: actor.userId,
    org_node_id: o.org_node_id,
    org_path: o.org_path,
    content: input.content,
    status: 'submitted',
    accepted_by: null,
    accepted_at: null,
    provider_reply: null,
    provider_replied_at: null,
    result: null,
    upheld: null,
    closed_by: null,
    closed_at: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const staff = await staffOver(db, o.org_path);
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertComplaint(trx, row);
      await repo.appendOrderEvent(trx, { id: newId(), order_id: o.id, action: 'complaint', actor_user_id: actor.userId, actor_role: 'resident', note: null, at });
      await appendAudit(ctx.db, audit(actor, 'services.convenience.complaint.create', { type: 'convenience_complaint', id: row.id, orgNodeId: o.org_node_id }, meta, { code: o.code, providerId: o.provider_id }), trx);
      await notify(trx, { recipients: staff, kind: 'services.convenience.complaint', title: `便民服务投诉待受理：${o.code}`, body: `居民对订单 ${o.code}（${o.offering_name}）提出投诉，请及时受理。`, link: '/console/service-convenience', at: now });
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict('CONVENIENCE_COMPLAINT_EXISTS');
    throw e;
  }
  return presentOrderDetail(ctx, (await repo.getOrder(db, o.id))!, 'resident');
}

// ---------------------------------------------------------------- the provider's side

/** The provider run by this account; none yet is 404 (apply first). */
async function myProvider(ctx: PlatformContext, actor: Actor) {
  const p = await repo.providerOfUser(ctx.db.kysely, actor.userId);
  if (!p) throw notFound('CONVENIENCE_NO_PROVIDER');
  return p;
}

async function areaNode(ctx: PlatformContext, orgNodeId: string) {
  const node = await repo.getNode(ctx.db.kysely, orgNodeId);
  if (!node) throw notFound('NOT_FOUND');
  if (node.kind !== 'community' && node.kind !== 'street') throw badRequest('CONVENIENCE_AREA_INVALID');
  return node;
}

export interface ProviderInput {
  name: string;
  kind: ProviderKind;
  contactName: string;
  contactPhone: string;
  orgNodeId: string;
  licenceNote: string;
  description?: string;
  userId?: string;
}

async function createProvider(ctx: PlatformContext, actor: Actor, input: ProviderInput, linkUserId: string | null, meta: RequestMeta, action: string) {
  const db = ctx.db.kysely;
  const node = await areaNode(ctx, input.orgNodeId);
  const now = ctx.now();
  const at = now.toISOString();
  const row: repo.ProviderRow = {
    id: newId(),
    name: input.name,
    kind: input.kind,
    contact_name: input.contactName,
    contact_phone: input.contactPhone,
    org_node_id: node.id,
    org_path: node.path,
    licence_note: input.licenceNote,
    description: input.description ?? null,
    status: 'pending',
    status_reason: null,
    user_id: linkUserId,
    applied_by: actor.userId,
    reviewed_by: null,
    reviewed_at: null,
    rating_sum: 0,
    rating_count: 0,
    complaints_upheld: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const staff = await staffOver(db, node.path);
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertProvider(trx, row);
      await appendAudit(ctx.db, audit(actor, action, { type: 'convenience_provider', id: row.id, orgNodeId: node.id }, meta, { name: row.name, kind: row.kind, linked: !!linkUserId }), trx);
      await notify(trx, { recipients: staff.filter((u) => u !== actor.userId), kind: 'services.convenience.provider.applied', title: `服务商入驻申请：${row.name}`, body: `${row.name}（${PROVIDER_KIND_LABELS[row.kind]}）申请在${node.name}提供便民服务，请审核。`, link: '/console/service-convenience', at: now });
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict('CONVENIENCE_PROVIDER_EXISTS');
    throw e;
  }
  return (await presentProviders(ctx, [row]))[0]!;
}

/** A provider account applies to register its own provider (入驻申请). */
export async function applyAsProvider(ctx: PlatformContext, actor: Actor, input: ProviderInput, meta: RequestMeta) {
  if (await repo.providerOfUser(ctx.db.kysely, actor.userId)) throw conflict('CONVENIENCE_PROVIDER_EXISTS');
  return createProvider(ctx, actor, input, actor.userId, meta, 'services.convenience.provider.apply');
}

export async function getMyProvider(ctx: PlatformContext, actor: Actor) {
  return (await presentProviders(ctx, [await myProvider(ctx, actor)]))[0]!;
}

export async function updateMyProvider(
  ctx: PlatformContext,
  actor: Actor,
  input: { expectedVersion: number; name?: string; contactName?: string; contactPhone?: string; licenceNote?: string; description?: string | null },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const p = await myProvider(ctx, actor);
  if (Number(p.version) !== input.expectedVersion) throw conflict('CONVENIENCE_STALE');
  const now = ctx.now();
  const patch: Partial<repo.ProviderRow> = { updated_at: now.toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.contactName !== undefined) patch.contact_name = input.contactName;
  if (input.contactPhone !== undefined) patch.contact_phone = input.contactPhone;
  if (input.licenceNote !== undefined) patch.licence_note = input.licenceNote;
  if (input.description !== undefined) patch.description = input.description;
  // A rejected application edited is a new application.
  const reapply = p.status === 'rejected';
  if (reapply) Object.assign(patch, { status: 'pending', status_reason: null });
  const staff = reapply ? await staffOver(db, p.org_path) : [];
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateProviderIf(trx, p.id, Number(p.version), patch)) === 0) throw conflict('CONVENIENCE_STALE');
    await appendAudit(ctx.db, audit(actor, 'services.convenience.provider.update', { type: 'convenience_provider', id: p.id, orgNodeId: p.org_node_id }, meta, { changed: Object.keys(patch).filter((k) => k !== 'updated_at'), reapply }), trx);
    if (reapply) await notify(trx, { recipients: staff, kind: 'services.convenience.provider.applied', title: `服务商重新申请入驻：${patch.name ?? p.name}`, body: `${patch.name ?? p.name} 修改资料后重新申请，请审核。`, link: '/console/service-convenience', at: now });
  });
  return getMyProvider(ctx, actor);
}

export async function listMyOfferings(ctx: PlatformContext, actor: Actor) {
  const p = await myProvider(ctx, actor);
  return { items: await presentOfferings(ctx, await repo.offeringsOfProviders(ctx.db.kysely, [p.id], { visibleOnly: false })) };
}

export async function createOffering(
  ctx: PlatformContext,
  actor: Actor,
  input: { category: ConvenienceCategory; name: string; description?: string; priceFen: number; priceUnit: PriceUnit; durationMinutes: number; orgNodeId?: string },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const p = await myProvider(ctx, actor);
  if (p.status === 'rejected' || p.status === 'suspended') throw forbidden('CONVENIENCE_PROVIDER_CLOSED');
  let node = { id: p.org_node_id, path: p.org_path };
  if (input.orgNodeId && input.orgNodeId !== p.org_node_id) {
    const n = await repo.getNode(db, input.orgNodeId);
    if (!n) throw notFound('NOT_FOUND');
    if (!n.path.startsWith(p.org_path)) throw badRequest('CONVENIENCE_OUTSIDE_AREA');
    node = n;
  }
  const at = ctx.now().toISOString();
  const row: repo.OfferingRow = {
    id: newId(),
    provider_id: p.id,
    category: input.category,
    name: input.name,
    description: input.description ?? null,
    price_fen: input.priceFen,
    price_unit: input.priceUnit,
    duration_minutes: input.priceUnit === '小时' ? 60 : input.durationMinutes,
    org_node_id: node.id,
    org_path: node.path,
    active: 1,
    hidden: 0,
    hidden_reason: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertOffering(trx, row);
    await appendAudit(ctx.db, audit(actor, 'services.convenience.offering.create', { type: 'convenience_offering', id: row.id, orgNodeId: node.id }, meta, { providerId: p.id, name: row.name, priceFen: row.price_fen, priceUnit: row.price_unit }), trx);
  });
  return (await presentOfferings(ctx, [row]))[0]!;
}

export async function updateOffering(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: { expectedVersion: number; category?: ConvenienceCategory; name?: string; description?: string | null; priceFen?: number; priceUnit?: PriceUnit; durationMinutes?: number; active?: boolean },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const p = await myProvider(ctx, actor);
  const o = await repo.getOffering(db, id);
  if (!o || o.provider_id !== p.id) throw notFound('CONVENIENCE_OFFERING_NOT_FOUND');
  if (Number(o.version) !== input.expectedVersion) throw conflict('CONVENIENCE_STALE');
  const patch: Partial<repo.OfferingRow> = { updated_at: ctx.now().toISOString() };
  if (input.category !== undefined) patch.category = input.category;
  if (input.name !== undefined) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  if (input.priceFen !== undefined) patch.price_fen = input.priceFen;
  if (input.priceUnit !== undefined) patch.price_unit = input.priceUnit;
  if (input.durationMinutes !== undefined) patch.duration_minutes = input.durationMinutes;
  if ((patch.price_unit ?? o.price_unit) === '小时') patch.duration_minutes = 60;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateOfferingIf(trx, o.id, Number(o.version), patch)) === 0) throw conflict('CONVENIENCE_STALE');
    await appendAudit(ctx.db, audit(actor, 'services.convenience.offering.update', { type: 'convenience_offering', id: o.id, orgNodeId: o.org_node_id }, meta, { changed: Object.keys(patch).filter((k) => k !== 'updated_at') }), trx);
  });
  return (await presentOfferings(ctx, [(await repo.getOffering(db, o.id))!]))[0]!;
}

/** The provider's own orders only; another provider's order is not there (404, audited). */
async function providerOrderOr404(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const p = await myProvider(ctx, actor);
  const o = await repo.getOrder(ctx.db.kysely, id);
  if (!o) throw notFound('CONVENIENCE_ORDER_NOT_FOUND');
  if (o.provider_id !== p.id) {
    await appendAudit(ctx.db, audit(actor, 'services.convenience.order.read', { type: 'convenience_order', id: o.id, orgNodeId: o.org_node_id }, meta, { as: 'provider' }, 'denied'));
    throw notFound('CONVENIENCE_ORDER_NOT_FOUND');
  }
  return { provider: p, order: o };
}

export async function listProviderOrders(ctx: PlatformContext, actor: Actor, query: { status?: OrderStatus; page: number; pageSize: number }, meta: RequestMeta) {
  const p = await myProvider(ctx, actor);
  const { rows, total } = await repo.listOrders(ctx.db.kysely, { providerId: p.id, status: query.status }, page(query));
  // Names and addresses of residents: a read of personal data.
  if (rows.length) await appendAudit(ctx.db, audit(actor, 'services.convenience.order.list', { type: 'convenience_order', id: '*', orgNodeId: p.org_node_id }, meta, { as: 'provider', codes: rows.map((r) => r.code) }));
  return { items: await presentOrders(ctx, rows, 'provider'), total, page: query.page, pageSize: query.pageSize };
}

export async function getProviderOrder(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { order } = await providerOrderOr404(ctx, actor, id, meta);
  await appendAudit(ctx.db, audit(actor, 'services.convenience.order.read', { type: 'convenience_order', id: order.id, orgNodeId: order.org_node_id }, meta, { code: order.code, as: 'provider' }));
  return presentOrderDetail(ctx, order, 'provider');
}

const residentLink = (id: string) => `/m/me/convenience/${id}`;

export async function acceptOrder(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { provider, order: o } = await providerOrderOr404(ctx, actor, id, meta);
  if (provider.status !== 'approved') throw forbidden('CONVENIENCE_PROVIDER_NOT_APPROVED');
  const at = ctx.now().toISOString();
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['requested'],
      action: 'accept',
      event: 'accepted',
      role: 'provider',
      patch: { status: 'accepted', accepted_at: at },
      notifyTo: [o.resident_user_id],
      notice: { kind: 'services.convenience.accepted', title: `您的订单已接单：${o.offering_name}`, body: `${provider.name} 已接单（${o.code}），将按约定时间上门。联系电话 ${provider.contact_phone}。`, link: residentLink(o.id) },
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'provider');
}

export async function declineOrder(ctx: PlatformContext, actor: Actor, id: string, input: { reason: string }, meta: RequestMeta) {
  const { provider, order: o } = await providerOrderOr404(ctx, actor, id, meta);
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['requested'],
      action: 'decline',
      event: 'declined',
      role: 'provider',
      patch: { status: 'declined', declined_reason: input.reason },
      note: input.reason,
      notifyTo: [o.resident_user_id],
      notice: { kind: 'services.convenience.declined', title: `订单未被接单：${o.offering_name}`, body: `${provider.name} 未能接单（${o.code}）：${input.reason}。您可以选择其他服务商。`, link: residentLink(o.id) },
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'provider');
}

export async function startOrder(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const { provider, order: o } = await providerOrderOr404(ctx, actor, id, meta);
  const at = ctx.now().toISOString();
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['accepted'],
      action: 'start',
      event: 'started',
      role: 'provider',
      patch: { status: 'in_service', started_at: at },
      notifyTo: [o.resident_user_id],
      notice: { kind: 'services.convenience.started', title: `服务人员已到达：${o.offering_name}`, body: `${provider.name} 已到达并开始服务（${o.code}）。`, link: residentLink(o.id) },
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'provider');
}

/**
 * 服务完成: the provider reports what was delivered; the price is settled, and the free part
 * under a 政府购买服务 rule is posted to the ledger in the same transaction. The allowance
 * account refuses to go below zero (the ledger locks it), so two completions racing for the
 * last free hour cannot both get it: the loser answers 409 and is retried.
 */
export async function completeOrder(ctx: PlatformContext, actor: Actor, id: string, input: { actualMinutes?: number; quantity?: number; note?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const { provider, order: o } = await providerOrderOr404(ctx, actor, id, meta);
  if (o.status !== 'in_service') throw orderState(o.status, 'complete');
  const hourly = o.price_unit === '小时';
  if (hourly ? !input.actualMinutes : !input.quantity) throw badRequest('CONVENIENCE_QUANTITY_REQUIRED');
  const quantity = hourly ? null : input.quantity!;
  const minutes = hourly ? input.actualMinutes! : quantity! * Number(o.duration_minutes);
  const total = totalFenOf(Number(o.price_fen), o.price_unit, quantity ?? 0, minutes);
  const now = ctx.now();
  const at = now.toISOString();
  const month = bjMonth(now);
  const rule = await coveringRule(db, o.person_id, o.category, now);
  const patch: Partial<repo.OrderRow> = { status: 'completed', completed_at: at, quantity, service_minutes: minutes, total_fen: total, free_minutes: 0, free_fen: 0, resident_fen: total };
  let settled = { freeMinutes: 0, freeFen: 0, residentFen: total };
  const extra = async (trx: Executor) => {
    if (!rule || !o.person_id) return;
    const codes = {
      allowance: accountCodes.allowance(rule.id, o.person_id, month),
      issued: accountCodes.issued(rule.id),
      expense: accountCodes.expense(rule.org_node_id),
      payable: accountCodes.payable(provider.id),
    };
    await ledger.ensureAccount(trx, { code: codes.issued, kind: 'asset', unit: 'minutes', ownerType: 'convenience_rule', ownerId: rule.id, orgNodeId: rule.org_node_id, allowNegative: true, at: now });
    await ledger.ensureAccount(trx, { code: codes.expense, kind: 'expense', unit: 'minutes', ownerType: 'org_node', ownerId: rule.org_node_id, orgNodeId: rule.org_node_id, allowNegative: true, at: now });
    await ledger.ensureAccount(trx, { code: codes.payable, kind: 'liability', unit: 'minutes', ownerType: 'convenience_provider', ownerId: provider.id, orgNodeId: provider.org_node_id, at: now });
    const allowance = await ledger.ensureAccount(trx, { code: codes.allowance, kind: 'liability', unit: 'minutes', ownerType: 'person', ownerId: o.person_id, orgNodeId: rule.org_node_id, at: now });
    // The month's allowance is granted once, when first drawn on.
    const hasEntries = await trx.selectFrom('ledger_entry').select('id').where('account_id', '=', allowance.id).limit(1).executeTakeFirst();
    if (!hasEntries) {
      await ledger.post(trx, {
        memo: `政府购买服务额度 ${month}：${rule.name}`,
        source: { type: 'convenience.allowance', id: `${rule.id}:${o.person_id}:${month}` },
        lines: [
          { accountCode: codes.issued, amount: Number(rule.monthly_minutes), unit: 'minutes' },
          { accountCode: codes.allowance, amount: -Number(rule.monthly_minutes), unit: 'minutes' },
        ],
        createdBy: actor.userId,
        at: now,
      });
    }
    const left = (await ledger.balances(trx, [codes.allowance])).get(codes.allowance)?.balance ?? 0;
    settled = split(total, minutes, left);
    if (settled.freeMinutes <= 0) return;
    let journal;
    try {
      journal = await ledger.post(trx, {
        memo: `政府购买服务 ${o.code}：${o.offering_name} ${hoursLabel(settled.freeMinutes)}`,
        source: { type: 'convenience.order', id: o.id },
        lines: [
          { accountCode: codes.allowance, amount: settled.freeMinutes, unit: 'minutes' },
          { accountCode: codes.issued, amount: -settled.freeMinutes, unit: 'minutes' },
          { accountCode: codes.expense, amount: settled.freeMinutes, unit: 'minutes' },
          { accountCode: codes.payable, amount: -settled.freeMinutes, unit: 'minutes' },
        ],
        createdBy: actor.userId,
        at: now,
      });
    } catch (e) {
      if (e instanceof AppError && e.code === 'LEDGER_INSUFFICIENT_BALANCE') throw conflict('CONVENIENCE_STALE');
      throw e;
    }
    await repo.updateOrderIf(trx, o.id, Number(o.version) + 1, {
      rule_id: rule.id,
      free_minutes: settled.freeMinutes,
      free_fen: settled.freeFen,
      resident_fen: settled.residentFen,
      ledger_month: month,
      ledger_journal_id: journal.id,
    });
  };
  const amounts = () =>
    settled.freeMinutes > 0
      ? `政府购买服务免费${hoursLabel(settled.freeMinutes)}（${yuan(settled.freeFen)}），您需支付${yuan(settled.residentFen)}`
      : `费用${yuan(total)}`;
  const done = await step(
    ctx,
    actor,
    o,
    {
      from: ['in_service'],
      action: 'complete',
      event: 'completed',
      role: 'provider',
      patch,
      note: input.note ?? null,
      auditDetails: { serviceMinutes: minutes, quantity, totalFen: total, ruleId: rule?.id ?? null },
      notifyTo: [o.resident_user_id],
      extra,
      get notice() {
        return { kind: 'services.convenience.completed', title: `服务已完成，请确认评价：${o.offering_name}`, body: `订单 ${o.code} 已完成：${amounts()}。请确认并评价。`, link: residentLink(o.id) };
      },
    },
    meta,
  );
  return presentOrderDetail(ctx, done, 'provider');
}

export async function listProviderComplaints(ctx: PlatformContext, actor: Actor, query: { status?: ComplaintStatus; page: number; pageSize: number }) {
  const p = await myProvider(ctx, actor);
  const { rows, total } = await repo.listComplaints(ctx.db.kysely, { providerId: p.id, status: query.status }, page(query));
  return { items: await presentComplaints(ctx, rows), total, page: query.page, pageSize: query.pageSize };
}

export async function replyToComplaint(ctx: PlatformContext, actor: Actor, id: string, input: { reply: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const p = await myProvider(ctx, actor);
  const c = await repo.getComplaint(db, id);
  if (!c || c.provider_id !== p.id) throw notFound('CONVENIENCE_COMPLAINT_NOT_FOUND');
  if (c.status === 'closed') throw conflict('CONVENIENCE_COMPLAINT_STATE', { status: COMPLAINT_STATUS_LABELS[c.status], action: ACTION_ZH.reply! });
  const now = ctx.now();
  const at = now.toISOString();
  const staff = c.accepted_by ? [c.accepted_by] : await staffOver(db, c.org_path);
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateComplaintIf(trx, c.id, Number(c.version), { provider_reply: input.reply, provider_replied_at: at, updated_at: at })) === 0) throw conflict('CONVENIENCE_STALE');
    await repo.appendOrderEvent(trx, { id: newId(), order_id: c.order_id, action: 'complaint.replied', actor_user_id: actor.userId, actor_role: 'provider', note: null, at });
    await appendAudit(ctx.db, audit(actor, 'services.convenience.complaint.reply', { type: 'convenience_complaint', id: c.id, orgNodeId: c.org_node_id }, meta, { providerId: p.id }), trx);
    await notify(trx, { recipients: staff, kind: 'services.convenience.complaint.replied', title: `服务商已答复投诉：${p.name}`, body: `${p.name} 对投诉作出答复，请查看并办结。`, link: '/console/service-convenience', at: now });
  });
  return (await presentComplaints(ctx, [(await repo.getComplaint(db, c.id))!]))[0]!;
}

// ---------------------------------------------------------------- community staff

/** A record of the staff's subtree, else 404 (another community sees nothing). */
function inScope<T extends { org_path: string }>(actor: Actor, row: T | undefined, code: string): T {
  if (!row || !canAt(actor, CONVENIENCE_MANAGE, row.org_path)) throw notFound(code);
  return row;
}

export async function staffListProviders(ctx: PlatformContext, actor: Actor, query: { status?: ProviderStatus }) {
  return { items: await presentProviders(ctx, await repo.providersUnder(ctx.db.kysely, scopePaths(actor, CONVENIENCE_MANAGE), query.status)) };
}

export async function staffGetProvider(ctx: PlatformContext, actor: Actor, id: string) {
  const p = inScope(actor, await repo.getProvider(ctx.db.kysely, id), 'CONVENIENCE_PROVIDER_NOT_FOUND');
  return (await presentProviders(ctx, [p]))[0]!;
}

export async function staffCreateProvider(ctx: PlatformContext, actor: Actor, input: ProviderInput, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await areaNode(ctx, input.orgNodeId);
  if (!canAt(actor, CONVENIENCE_MANAGE, node.path)) throw forbidden();
  if (input.userId) {
    if (!(await repo.accountHasRole(db, input.userId, 'provider'))) throw badRequest('CONVENIENCE_PROVIDER_ACCOUNT');
    if (await repo.providerOfUser(db, input.userId)) throw conflict('CONVENIENCE_PROVIDER_EXISTS');
  }
  return createProvider(ctx, actor, input, input.userId ?? null, meta, 'services.convenience.provider.create');
}

const REVIEW: Record<'approve' | 'reject' | 'suspend' | 'reinstate', { from: ProviderStatus[]; to: ProviderStatus; title: string }> = {
  approve: { from: ['pending'], to: 'approved', title: '入驻申请已通过' },
  reject: { from: ['pending'], to: 'rejected', title: '入驻申请未通过' },
  suspend: { from: ['approved'], to: 'suspended', title: '服务已被暂停' },
  reinstate: { from: ['suspended'], to: 'approved', title: '服务已恢复' },
};

export async function reviewProvider(ctx: PlatformContext, actor: Actor, id: string, input: { action: keyof typeof REVIEW; reason?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const p = inScope(actor, await repo.getProvider(db, id), 'CONVENIENCE_PROVIDER_NOT_FOUND');
  const rule = REVIEW[input.action];
  if (!rule.from.includes(p.status)) throw conflict('CONVENIENCE_REVIEW_STATE', { status: PROVIDER_STATUS_LABELS[p.status], action: ACTION_ZH[input.action]! });
  const now = ctx.now();
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const patch = { status: rule.to, status_reason: input.reason ?? null, reviewed_by: actor.userId, reviewed_at: at, updated_at: at };
    if ((await repo.updateProviderIf(trx, p.id, Number(p.version), patch)) === 0) throw conflict('CONVENIENCE_STALE');
    await appendAudit(ctx.db, audit(actor, `services.convenience.provider.${input.action}`, { type: 'convenience_provider', id: p.id, orgNodeId: p.org_node_id }, meta, { from: p.status, to: rule.to, reason: input.reason ?? null, complaintsUpheld: Number(p.complaints_upheld) }), trx);
    if (p.user_id) {
      await notify(trx, { recipients: [p.user_id], kind: `services.convenience.provider.${input.action}`, title: `${p.name}：${rule.title}`, body: input.reason ? `原因：${input.reason}` : `${p.name}${rule.title}。`, link: '/m/provider', at: now });
    }
  });
  return staffGetProvider(ctx, actor, p.id);
}

export async function staffListOfferings(ctx: PlatformContext, actor: Actor, query: { providerId?: string; hidden?: boolean }) {
  const db = ctx.db.kysely;
  let providers = await repo.providersUnder(db, scopePaths(actor, CONVENIENCE_MANAGE));
  if (query.providerId) providers = providers.filter((p) => p.id === query.providerId);
  return { items: await presentOfferings(ctx, await repo.offeringsOfProviders(db, providers.map((p) => p.id), { visibleOnly: false, hidden: query.hidden })) };
}

export async function setOfferingVisibility(ctx: PlatformContext, actor: Actor, id: string, input: { hidden: boolean; reason?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const o = await repo.getOffering(db, id);
  const p = o ? await repo.getProvider(db, o.provider_id) : undefined;
  if (!o || !p || !(canAt(actor, CONVENIENCE_MANAGE, o.org_path) || canAt(actor, CONVENIENCE_MANAGE, p.org_path))) throw notFound('CONVENIENCE_OFFERING_NOT_FOUND');
  const now = ctx.now();
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateOfferingIf(trx, o.id, Number(o.version), { hidden: input.hidden ? 1 : 0, hidden_reason: input.hidden ? (input.reason ?? null) : null, updated_at: at })) === 0) throw conflict('CONVENIENCE_STALE');
    await appendAudit(ctx.db, audit(actor, input.hidden ? 'services.convenience.offering.hide' : 'services.convenience.offering.show', { type: 'convenience_offering', id: o.id, orgNodeId: o.org_node_id }, meta, { reason: input.reason ?? null }), trx);
    if (p.user_id) {
      await notify(trx, { recipients: [p.user_id], kind: 'services.convenience.offering.visibility', title: input.hidden ? `服务项目已被社区下架：${o.name}` : `服务项目已恢复展示：${o.name}`, body: input.hidden ? `原因：${input.reason}` : `${o.name} 已恢复展示。`, link: '/m/provider', at: now });
    }
  });
  return (await presentOfferings(ctx, [(await repo.getOffering(db, o.id))!]))[0]!;
}

/** Beijing date YYYY-MM-DD → the UTC instant of its midnight. */
const bjMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();

export async function staffListOrders(
  ctx: PlatformContext,
  actor: Actor,
  query: { status?: OrderStatus; providerId?: string; from?: string; to?: string; page: number; pageSize: number },
  meta: RequestMeta,
) {
  const paths = scopePaths(actor, CONVENIENCE_MANAGE);
  const to = query.to ? new Date(new Date(bjMidnight(query.to)).getTime() + 86_400_000).toISOString() : undefined;
  const { rows, total } = await repo.listOrders(ctx.db.kysely, { scopePaths: paths, status: query.status, providerId: query.providerId, from: query.from ? bjMidnight(query.from) : undefined, to }, page(query));
  await appendAudit(ctx.db, audit(actor, 'services.convenience.order.list', { type: 'convenience_order', id: '*' }, meta, { as: 'staff', count: rows.length, status: query.status ?? null }));
  return { items: await presentOrders(ctx, rows, 'staff'), total, page: query.page, pageSize: query.pageSize };
}

export async function staffGetOrder(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const o = inScope(actor, await repo.getOrder(ctx.db.kysely, id), 'CONVENIENCE_ORDER_NOT_FOUND');
  await appendAudit(ctx.db, audit(actor, 'services.convenience.order.read', { type: 'convenience_order', id: o.id, orgNodeId: o.org_node_id }, meta, { code: o.code, as: 'staff' }));
  return presentOrderDetail(ctx, o, 'staff');
}

export async function staffListComplaints(ctx: PlatformContext, actor: Actor, query: { status?: ComplaintStatus; page: number; pageSize: number }) {
  const { rows, total } = await repo.listComplaints(ctx.db.kysely, { scopePaths: scopePaths(actor, CONVENIENCE_MANAGE), status: query.status }, page(query));
  return { items: await presentComplaints(ctx, rows), total, page: query.page, pageSize: query.pageSize };
}

export async function staffGetComplaint(ctx: PlatformContext, actor: Actor, id: string) {
  const c = inScope(actor, await repo.getComplaint(ctx.db.kysely, id), 'CONVENIENCE_COMPLAINT_NOT_FOUND');
  return (await presentComplaints(ctx, [c]))[0]!;
}

/** 受理 (accept) then 办结 (close with 处理结果): the resident and the provider are told each time. */
export async function handleComplaint(ctx: PlatformContext, actor: Actor, id: string, input: { action: 'accept' } | { action: 'close'; result: string; upheld: boolean }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const c = inScope(actor, await repo.getComplaint(db, id), 'CONVENIENCE_COMPLAINT_NOT_FOUND');
  const from: ComplaintStatus[] = input.action === 'accept' ? ['submitted'] : ['submitted', 'accepted'];
  if (!from.includes(c.status)) throw conflict('CONVENIENCE_COMPLAINT_STATE', { status: COMPLAINT_STATUS_LABELS[c.status], action: ACTION_ZH[input.action]! });
  const provider = (await repo.getProvider(db, c.provider_id))!;
  const order = (await repo.getOrder(db, c.order_id))!;
  const now = ctx.now();
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const patch: Partial<repo.ComplaintRow> =
      input.action === 'accept'
        ? { status: 'accepted', accepted_by: actor.userId, accepted_at: at, updated_at: at }
        : { status: 'closed', result: input.result, upheld: input.upheld ? 1 : 0, closed_by: actor.userId, closed_at: at, updated_at: at, ...(c.accepted_at ? {} : { accepted_by: actor.userId, accepted_at: at }) };
    if ((await repo.updateComplaintIf(trx, c.id, Number(c.version), patch)) === 0) throw conflict('CONVENIENCE_STALE');
    if (input.action === 'close' && input.upheld) await repo.addUpheldComplaint(trx, provider.id);
    await repo.appendOrderEvent(trx, {
      id: newId(),
      order_id: c.order_id,
      action: input.action === 'accept' ? 'complaint.accepted' : 'complaint.closed',
      actor_user_id: actor.userId,
      actor_role: 'staff',
      note: input.action === 'close' ? input.result : null,
      at,
    });
    await appendAudit(ctx.db, audit(actor, `services.convenience.complaint.${input.action}`, { type: 'convenience_complaint', id: c.id, orgNodeId: c.org_node_id }, meta, input.action === 'close' ? { upheld: input.upheld, providerId: provider.id } : { providerId: provider.id }), trx);
    const title = input.action === 'accept' ? `投诉已受理：${order.code}` : `投诉已办结：${order.code}`;
    await notify(trx, { recipients: [c.resident_user_id], kind: `services.convenience.complaint.${input.action}`, title, body: input.action === 'accept' ? '社区已受理您的投诉，正在核实处理。' : `处理结果：${input.result}`, link: residentLink(order.id), at: now });
    if (provider.user_id) {
      await notify(trx, {
        recipients: [provider.user_id],
        kind: `services.convenience.complaint.${input.action}`,
        title: input.action === 'accept' ? `您有一条投诉待答复：${order.code}` : `投诉已办结：${order.code}`,
        body: input.action === 'accept' ? `居民对订单 ${order.code}（${order.offering_name}）的投诉已受理，请尽快答复。` : `处理结果：${input.result}${input.upheld ? '（投诉属实）' : ''}`,
        link: '/console/service-convenience',
        at: now,
      });
    }
  });
  return staffGetComplaint(ctx, actor, c.id);
}

// ---------------------------------------------------------------- rules

function describeRule(r: { tags: string[]; tag_match: 'any' | 'all'; categories: string[]; monthly_minutes: number }) {
  return `${r.tags.join(r.tag_match === 'any' ? ' 或 ' : ' 且 ')}，每月免费${hoursLabel(Number(r.monthly_minutes))}（${r.categories.map(categoryName).join('、')}）`;
}

async function presentRules(ctx: PlatformContext, rows: repo.RuleRow[]) {
  const nodes = await repo.nodeNames(ctx.db.kysely, rows.map((r) => r.org_node_id));
  return rows.map((r) => {
    const tags = parseList(r.tags);
    const categories = parseList(r.categories) as ConvenienceCategory[];
    return {
      id: r.id,
      name: r.name,
      orgNodeId: r.org_node_id,
      orgNodeName: nodes.get(r.org_node_id) ?? null,
      tags,
      tagMatch: r.tag_match,
      categories,
      categoryNames: categories.map(categoryName),
      monthlyMinutes: Number(r.monthly_minutes),
      validFrom: r.valid_from,
      validTo: r.valid_to,
      active: r.active === 1,
      description: describeRule({ tags, tag_match: r.tag_match, categories, monthly_minutes: Number(r.monthly_minutes) }),
      version: Number(r.version),
    };
  });
}

async function checkTags(db: Executor, tags: string[]) {
  const known = await knownTagCodes(db, tags);
  const unknown = tags.find((t) => !known.has(t));
  if (unknown) throw badRequest('CONVENIENCE_RULE_TAG_UNKNOWN', { tag: unknown });
}

export async function listRules(ctx: PlatformContext, actor: Actor) {
  return { items: await presentRules(ctx, await repo.rulesUnder(ctx.db.kysely, scopePaths(actor, CONVENIENCE_MANAGE))) };
}

export async function createRule(
  ctx: PlatformContext,
  actor: Actor,
  input: { name: string; orgNodeId: string; tags: string[]; tagMatch: 'any' | 'all'; categories: ConvenienceCategory[]; monthlyHours: number; validFrom: string; validTo?: string },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const node = await areaNode(ctx, input.orgNodeId);
  if (!canAt(actor, CONVENIENCE_MANAGE, node.path)) throw forbidden();
  const tags = [...new Set(input.tags)];
  await checkTags(db, tags);
  const at = ctx.now().toISOString();
  const row: repo.RuleRow = {
    id: newId(),
    name: input.name,
    org_node_id: node.id,
    org_path: node.path,
    tags: JSON.stringify(tags),
    tag_match: input.tagMatch,
    categories: JSON.stringify([...new Set(input.categories)]),
    monthly_minutes: Math.round(input.monthlyHours * 60),
    valid_from: input.validFrom,
    valid_to: input.validTo ?? null,
    active: 1,
    created_by: actor.userId,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertRule(trx, row);
    await appendAudit(ctx.db, audit(actor, 'services.convenience.rule.create', { type: 'convenience_rule', id: row.id, orgNodeId: node.id }, meta, { name: row.name, tags, tagMatch: row.tag_match, categories: input.categories, monthlyMinutes: row.monthly_minutes }), trx);
  });
  return (await presentRules(ctx, [row]))[0]!;
}

export async function updateRule(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: { expectedVersion: number; name?: string; tags?: string[]; tagMatch?: 'any' | 'all'; categories?: ConvenienceCategory[]; monthlyHours?: number; validTo?: string | null; active?: boolean },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const r = inScope(actor, await repo.getRule(db, id), 'CONVENIENCE_RULE_NOT_FOUND');
  if (Number(r.version) !== input.expectedVersion) throw conflict('CONVENIENCE_STALE');
  const patch: Partial<repo.RuleRow> = { updated_at: ctx.now().toISOString() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.tags !== undefined) {
    const tags = [...new Set(input.tags)];
    await checkTags(db, tags);
    patch.tags = JSON.stringify(tags);
  }
  if (input.tagMatch !== undefined) patch.tag_match = input.tagMatch;
  if (input.categories !== undefined) patch.categories = JSON.stringify([...new Set(input.categories)]);
  if (input.monthlyHours !== undefined) patch.monthly_minutes = Math.round(input.monthlyHours * 60);
  if (input.validTo !== undefined) {
    if (input.validTo !== null && input.validTo < r.valid_from) throw badRequest('CONVENIENCE_RULE_DATES');
    patch.valid_to = input.validTo;
  }
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateRuleIf(trx, r.id, Number(r.version), patch)) === 0) throw conflict('CONVENIENCE_STALE');
    await appendAudit(ctx.db, audit(actor, 'services.convenience.rule.update', { type: 'convenience_rule', id: r.id, orgNodeId: r.org_node_id }, meta, { changed: Object.keys(patch).filter((k) => k !== 'updated_at') }), trx);
  });
  return (await presentRules(ctx, [(await repo.getRule(db, r.id))!]))[0]!;
}

// ---------------------------------------------------------------- 台账 (ledger report)

export async function allowanceLedger(ctx: PlatformContext, actor: Actor, query: { month?: string; fromMonth?: string; toMonth?: string; orgNodeId?: string }) {
  const db = ctx.db.kysely;
  if (!hasPermission(actor, CONVENIENCE_LEDGER_READ)) throw forbidden();
  let paths = scopePaths(actor, CONVENIENCE_LEDGER_READ);
  if (query.orgNodeId) {
    const node = await repo.getNode(db, query.orgNodeId);
    if (!node || !canAt(actor, CONVENIENCE_LEDGER_READ, node.path)) throw notFound('NOT_FOUND');
    paths = [node.path];
  }
  const current = bjMonth(ctx.now());
  const fromMonth = query.fromMonth ?? query.month ?? current;
  const toMonth = query.toMonth ?? query.month ?? fromMonth;
  if (fromMonth > toMonth) throw badRequest('CONVENIENCE_RULE_DATES');
  const usage = await repo.allowanceUsage(db, paths, fromMonth, toMonth);
  const rules = new Map((await repo.rulesByIds(db, usage.map((u) => u.ruleId))).map((r) => [r.id, r]));
  const providers = new Map((await repo.providersByIds(db, usage.map((u) => u.providerId))).map((p) => [p.id, p]));
  const rows = usage.map((u) => ({
    ...u,
    ruleName: rules.get(u.ruleId)?.name ?? '',
    providerName: providers.get(u.providerId)?.name ?? '',
    freeHours: Math.round((u.freeMinutes / 60) * 100) / 100,
  }));
  const sum = (k: 'orders' | 'freeMinutes' | 'freeFen' | 'residentFen') => rows.reduce((a, r) => a + r[k], 0);
  const inScopeRules = await repo.rulesUnder(db, paths);
  const expenseCodes = [...new Set(inScopeRules.map((r) => accountCodes.expense(r.org_node_id)))];
  const balances = await ledger.balances(db, expenseCodes);
  return {
    fromMonth,
    toMonth,
    rows,
    totals: { orders: sum('orders'), freeMinutes: sum('freeMinutes'), freeHours: Math.round((sum('freeMinutes') / 60) * 100) / 100, freeFen: sum('freeFen'), residentFen: sum('residentFen') },
    ledgerExpenseMinutes: [...balances.values()].reduce((a, b) => a + b.balance, 0),
  };
}

/** The 台账 as an xlsx sheet: one row per month, rule and provider, then the totals. */
export async function allowanceLedgerXlsx(ctx: PlatformContext, actor: Actor, query: { month?: string; fromMonth?: string; toMonth?: string; orgNodeId?: string }, meta: RequestMeta) {
  const report = await allowanceLedger(ctx, actor, query);
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Linli 邻里';
  const ws = wb.addWorksheet('政府购买服务台账', { views: [{ state: 'frozen', ySplit: 3 }], pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const columns = [
    { header: '月份', key: 'month', width: 10 },
    { header: '政府购买服务项目', key: 'ruleName', width: 34 },
    { header: '服务商', key: 'providerName', width: 30 },
    { header: '订单数', key: 'orders', width: 9 },
    { header: '服务人数', key: 'people', width: 9 },
    { header: '免费时长（小时）', key: 'freeHours', width: 14 },
    { header: '免费金额（元）', key: 'freeYuan', width: 14 },
    { header: '居民自付（元）', key: 'residentYuan', width: 14 },
  ];
  ws.columns = columns.map((c) => ({ key: c.key, width: c.width }));
  const range = report.fromMonth === report.toMonth ? report.fromMonth : `${report.fromMonth} 至 ${report.toMonth}`;
  ws.mergeCells(1, 1, 1, columns.length);
  ws.getCell(1, 1).value = `政府购买服务使用台账（${range}）`;
  ws.getCell(1, 1).font = { name: '宋体', size: 16, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, columns.length);
  ws.getCell(2, 1).value = `制表：${actor.displayName}    制表日期：${bjDate(ctx.now())}`;
  const header = ws.getRow(3);
  columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.header;
    header.getCell(i + 1).font = { bold: true };
  });
  for (const r of report.rows) {
    ws.addRow({ ...r, freeYuan: r.freeFen / 100, residentYuan: r.residentFen / 100 });
  }
  ws.addRow({ month: '合计', orders: report.totals.orders, freeHours: report.totals.freeHours, freeYuan: report.totals.freeFen / 100, residentYuan: report.totals.residentFen / 100 });
  await appendAudit(ctx.db, audit(actor, 'services.convenience.ledger.export', { type: 'convenience_rule', id: '*' }, meta, { fromMonth: report.fromMonth, toMonth: report.toMonth, rows: report.rows.length }));
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), filename: `政府购买服务台账-${report.fromMonth}${report.toMonth !== report.fromMonth ? `-${report.toMonth}` : ''}.xlsx` };
}
