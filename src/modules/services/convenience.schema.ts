import * as z from 'zod';
import { ZShopPhone } from './merchants.schema.js';

/** Request and response shapes of 便民服务 (convenience services). */

const zId = () => z.string().min(1).max(32);
const zBool = () => z.enum(['0', '1', 'true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'));
const zPage = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

/** Offering categories as data: codes are stable, names are what people see. */
export const CONVENIENCE_CATEGORIES = [
  { code: 'housekeeping', name: '家政保洁', nameEn: 'Housekeeping and cleaning' },
  { code: 'meals', name: '养老助餐', nameEn: 'Meals for the elderly' },
  { code: 'home-care', name: '上门护理', nameEn: 'Home nursing care' },
  { code: 'medical-advice', name: '医疗咨询', nameEn: 'Medical advice' },
  { code: 'legal-advice', name: '法律咨询', nameEn: 'Legal advice' },
  { code: 'appliance-repair', name: '家电维修', nameEn: 'Appliance repair' },
  { code: 'plumbing-electrical', name: '水电维修', nameEn: 'Plumbing and electrical repair' },
  { code: 'errands', name: '代购跑腿', nameEn: 'Shopping and errands' },
  { code: 'bathing', name: '助浴理发', nameEn: 'Bathing and haircuts at home' },
  { code: 'rehab', name: '康复理疗', nameEn: 'Rehabilitation and physiotherapy' },
] as const;
export type ConvenienceCategory = (typeof CONVENIENCE_CATEGORIES)[number]['code'];
export const CATEGORY_CODES = CONVENIENCE_CATEGORIES.map((c) => c.code) as [ConvenienceCategory, ...ConvenienceCategory[]];

export const PROVIDER_KINDS = ['social_org', 'merchant', 'professional'] as const;
export const PROVIDER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export const PRICE_UNITS = ['次', '小时', '餐'] as const;
export const ORDER_STATUSES = ['requested', 'accepted', 'declined', 'cancelled', 'in_service', 'completed', 'closed'] as const;
export const COMPLAINT_STATUSES = ['submitted', 'accepted', 'closed'] as const;

export const ZIdParams = z.object({ id: zId() });

// ---------------------------------------------------------------- providers

export const ZProviderInput = z.object({
  name: z.string().trim().min(2).max(60),
  /** social_org 社会组织 · merchant 商户 · professional 专业人员. */
  kind: z.enum(PROVIDER_KINDS),
  contactName: z.string().trim().min(1).max(30),
  contactPhone: ZShopPhone,
  /** 服务区域: a community or street node. */
  orgNodeId: zId(),
  /** 营业执照 / 资质: licence number, certificates. */
  licenceNote: z.string().trim().min(2).max(500),
  description: z.string().trim().max(1000).optional(),
});

/** Staff register a provider (pending until approved), optionally linked to a provider account. */
export const ZStaffProviderInput = ZProviderInput.extend({ userId: zId().optional() });

export const ZProviderPatch = z
  .object({
    expectedVersion: z.number().int().min(1),
    name: z.string().trim().min(2).max(60).optional(),
    contactName: z.string().trim().min(1).max(30).optional(),
    contactPhone: ZShopPhone.optional(),
    licenceNote: z.string().trim().min(2).max(500).optional(),
    description: z.string().trim().max(1000).nullable().optional(),
  });

export const ZReview = z
  .object({
    /** approve 通过 · reject 驳回 · suspend 暂停 · reinstate 恢复. */
    action: z.enum(['approve', 'reject', 'suspend', 'reinstate']),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((r) => !['reject', 'suspend'].includes(r.action) || (r.reason?.length ?? 0) >= 2, {
    params: { code: 'CONVENIENCE_REASON_REQUIRED' },
    message: 'reason required',
    path: ['reason'],
  });

export const ZPublicProviderQuery = z.object({
  orgNodeId: zId().optional(),
  kind: z.enum(PROVIDER_KINDS).optional(),
  category: z.enum(CATEGORY_CODES).optional(),
});

export const ZStaffProviderQuery = z.object({ status: z.enum(PROVIDER_STATUSES).optional() });

export const ZProvider = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  kindLabel: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  licenceNote: z.string(),
  description: z.string().nullable(),
  status: z.enum(PROVIDER_STATUSES),
  statusLabel: z.string(),
  statusReason: z.string().nullable(),
  linkedAccount: z.boolean(),
  /** Average of order ratings (1–5, one decimal), null before the first. */
  rating: z.number().nullable(),
  ratingCount: z.number().int(),
  complaintsUpheld: z.number().int(),
  reviewedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export const ZProviderList = z.object({ items: z.array(ZProvider) });

// ---------------------------------------------------------------- offerings

export const ZOfferingInput = z.object({
  category: z.enum(CATEGORY_CODES),
  name: z.string().trim().min(2).max(60),
  description: z.string().trim().max(1000).optional(),
  /** Price of one unit in fen (分): 5000 = ¥50.00. */
  priceFen: z.number().int().min(0).max(10_000_000),
  priceUnit: z.enum(PRICE_UNITS),
  /** Minutes one unit takes (hourly: 60). */
  durationMinutes: z.number().int().min(5).max(24 * 60),
  /** Within the provider's area; default the provider's area. */
  orgNodeId: zId().optional(),
});

export const ZOfferingPatch = z.object({
  expectedVersion: z.number().int().min(1),
  category: z.enum(CATEGORY_CODES).optional(),
  name: z.string().trim().min(2).max(60).optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  priceFen: z.number().int().min(0).max(10_000_000).optional(),
  priceUnit: z.enum(PRICE_UNITS).optional(),
  durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
  active: z.boolean().optional(),
});

export const ZVisibility = z
  .object({ hidden: z.boolean(), reason: z.string().trim().max(500).optional() })
  .refine((v) => !v.hidden || (v.reason?.length ?? 0) >= 2, { params: { code: 'CONVENIENCE_REASON_REQUIRED' }, message: 'reason required', path: ['reason'] });

export const ZOfferingQuery = z.object({
  category: z.enum(CATEGORY_CODES).optional(),
  orgNodeId: zId().optional(),
  providerId: zId().optional(),
  q: z.string().trim().min(1).max(50).optional(),
});

export const ZStaffOfferingQuery = z.object({ providerId: zId().optional(), hidden: zBool() });

export const ZOffering = z.object({
  id: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  providerRating: z.number().nullable(),
  category: z.enum(CATEGORY_CODES),
  categoryName: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceFen: z.number().int(),
  priceUnit: z.enum(PRICE_UNITS),
  /** ¥50.00/小时. */
  priceLabel: z.string(),
  durationMinutes: z.number().int(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  active: z.boolean(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  version: z.number().int(),
});
export const ZOfferingList = z.object({ items: z.array(ZOffering) });

export const ZCategoryList = z.object({
  items: z.array(z.object({ code: z.enum(CATEGORY_CODES), name: z.string(), nameEn: z.string(), count: z.number().int() })),
});

// ---------------------------------------------------------------- quote and orders

export const ZQuoteQuery = z.object({
  offeringId: zId(),
  /** Units wanted (hours, times, meals); default 1 (hourly: 1 hour). */
  quantity: z.coerce.number().int().min(1).max(24).default(1),
});

export const ZQuote = z.object({
  offeringId: z.string(),
  offeringName: z.string(),
  priceFen: z.number().int(),
  priceUnit: z.enum(PRICE_UNITS),
  quantity: z.number().int(),
  serviceMinutes: z.number().int(),
  totalFen: z.number().int(),
  /** 政府购买服务 that covers this offering for the caller, if any. */
  rule: z.object({ id: z.string(), name: z.string(), monthlyMinutes: z.number().int() }).nullable(),
  month: z.string(),
  /** Free minutes left this month before this order (ledger balance). */
  allowanceLeftMinutes: z.number().int(),
  /** Of this order, what the allowance would cover now (estimate: settled at completion). */
  freeMinutes: z.number().int(),
  freeFen: z.number().int(),
  residentFen: z.number().int(),
  /** covered 全部免费 · partial 部分免费 · exhausted 本月额度已用完 · none 不在政府购买服务范围. */
  coverage: z.enum(['covered', 'partial', 'exhausted', 'none']),
  message: z.string(),
  /** The caller's registry address (their dwelling), to order to without typing. */
  registryAddress: z.string().nullable(),
});

export const ZOrderInput = z
  .object({
    offeringId: zId(),
    /** When the resident wants it (ISO date-time). */
    wantedAt: z.iso.datetime({ offset: true }),
    /** Typed address; omit to use the registry dwelling. */
    address: z.string().trim().min(4).max(200).optional(),
    useRegistryAddress: z.boolean().default(false),
    quantity: z.number().int().min(1).max(24).default(1),
    note: z.string().trim().max(500).optional(),
  })
  .refine((o) => o.useRegistryAddress || !!o.address, { params: { code: 'CONVENIENCE_ADDRESS_REQUIRED' }, message: 'address', path: ['address'] });

export const ZMyOrderQuery = z.object({ status: z.enum(ORDER_STATUSES).optional(), ...zPage });
export const ZWorkOrderQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  providerId: zId().optional(),
  /** Created from / to (YYYY-MM-DD, Beijing). */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  ...zPage,
});

export const ZCancel = z.object({ reason: z.string().trim().max(200).optional() });
export const ZReason = z.object({ reason: z.string().trim().min(2).max(500) });
export const ZComplete = z.object({
  /** Hourly offerings: minutes served (e.g. 150 for 2.5 hours). */
  actualMinutes: z.number().int().min(1).max(24 * 60).optional(),
  /** 次 / 餐 offerings: units delivered. */
  quantity: z.number().int().min(1).max(100).optional(),
  note: z.string().trim().max(500).optional(),
});
export const ZRate = z.object({
  /** 1–5 stars. */
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500).optional(),
});

const ZTimelineItem = z.object({
  seq: z.number().int(),
  action: z.string(),
  label: z.string(),
  actorRole: z.enum(['resident', 'provider', 'staff', 'system']),
  actorName: z.string().nullable(),
  note: z.string().nullable(),
  at: z.string(),
});

export const ZComplaint = z.object({
  id: z.string(),
  orderId: z.string(),
  orderCode: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  content: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  statusLabel: z.string(),
  acceptedAt: z.string().nullable(),
  providerReply: z.string().nullable(),
  providerRepliedAt: z.string().nullable(),
  result: z.string().nullable(),
  upheld: z.boolean().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export const ZComplaintPage = z.object({ items: z.array(ZComplaint), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ZOrder = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(ORDER_STATUSES),
  statusLabel: z.string(),
  offeringId: z.string(),
  offeringName: z.string(),
  category: z.string(),
  categoryName: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  /** The resident's name: shown to the provider and staff, null on the resident's own list. */
  residentName: z.string().nullable(),
  priceFen: z.number().int(),
  priceUnit: z.enum(PRICE_UNITS),
  wantedAt: z.string(),
  address: z.string(),
  addressSource: z.enum(['registry', 'typed']),
  note: z.string().nullable(),
  quoteFreeMinutes: z.number().int(),
  declinedReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  quantity: z.number().int().nullable(),
  serviceMinutes: z.number().int().nullable(),
  totalFen: z.number().int().nullable(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  freeMinutes: z.number().int(),
  freeFen: z.number().int(),
  residentFen: z.number().int().nullable(),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number().int(),
});
export const ZOrderPage = z.object({ items: z.array(ZOrder), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const ZOrderDetail = ZOrder.extend({
  timeline: z.array(ZTimelineItem),
  complaint: ZComplaint.nullable(),
  /** What the caller may do now (buttons): cancel, confirm, complain, accept, decline, start, complete. */
  actions: z.array(z.string()),
});

// ---------------------------------------------------------------- complaints

export const ZComplaintInput = z.object({ content: z.string().trim().min(5).max(2000) });
export const ZComplaintReply = z.object({ reply: z.string().trim().min(2).max(2000) });
export const ZComplaintClose = z.object({
  /** 处理结果. */
  result: z.string().trim().min(2).max(2000),
  /** Whether the complaint was upheld (属实): counts against the provider. */
  upheld: z.boolean(),
});
export const ZComplaintQuery = z.object({ status: z.enum(COMPLAINT_STATUSES).optional(), ...zPage });

// ---------------------------------------------------------------- 政府购买服务 rules

const tagsArray = z.array(z.string().trim().min(1).max(30)).min(1).max(20);
export const ZRuleInput = z
  .object({
    name: z.string().trim().min(2).max(80),
    orgNodeId: zId(),
    tags: tagsArray,
    tagMatch: z.enum(['any', 'all']),
    categories: z.array(z.enum(CATEGORY_CODES)).min(1),
    /** Monthly allowance in hours (multiples of half an hour). */
    monthlyHours: z.number().min(0.5).max(200).multipleOf(0.5),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
  })
  .refine((r) => !r.validTo || r.validFrom <= r.validTo, { params: { code: 'CONVENIENCE_RULE_DATES' }, message: 'validFrom ≤ validTo', path: ['validTo'] });

export const ZRulePatch = z.object({
  expectedVersion: z.number().int().min(1),
  name: z.string().trim().min(2).max(80).optional(),
  tags: tagsArray.optional(),
  tagMatch: z.enum(['any', 'all']).optional(),
  categories: z.array(z.enum(CATEGORY_CODES)).min(1).optional(),
  monthlyHours: z.number().min(0.5).max(200).multipleOf(0.5).optional(),
  validTo: z.iso.date().nullable().optional(),
  active: z.boolean().optional(),
});

export const ZRule = z.object({
  id: z.string(),
  name: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  tags: z.array(z.string()),
  tagMatch: z.enum(['any', 'all']),
  categories: z.array(z.enum(CATEGORY_CODES)),
  categoryNames: z.array(z.string()),
  monthlyMinutes: z.number().int(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  active: z.boolean(),
  /** 独居老人 或 高龄老人，每月免费4小时（上门护理、家政保洁）. */
  description: z.string(),
  version: z.number().int(),
});
export const ZRuleList = z.object({ items: z.array(ZRule) });

// ---------------------------------------------------------------- 台账

export const ZLedgerQuery = z.object({
  /** YYYY-MM (Beijing); default the current month. */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  /** A range of months instead: from … to (YYYY-MM). */
  fromMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  toMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  orgNodeId: zId().optional(),
});

export const ZLedgerReport = z.object({
  fromMonth: z.string(),
  toMonth: z.string(),
  rows: z.array(
    z.object({
      month: z.string(),
      ruleId: z.string(),
      ruleName: z.string(),
      providerId: z.string(),
      providerName: z.string(),
      orders: z.number().int(),
      people: z.number().int(),
      freeMinutes: z.number().int(),
      freeHours: z.number(),
      freeFen: z.number().int(),
      residentFen: z.number().int(),
    }),
  ),
  totals: z.object({ orders: z.number().int(), freeMinutes: z.number().int(), freeHours: z.number(), freeFen: z.number().int(), residentFen: z.number().int() }),
  /** Balance of the communities' purchased-service expense accounts in the platform ledger (minutes, all months to date). */
  ledgerExpenseMinutes: z.number().int(),
});
