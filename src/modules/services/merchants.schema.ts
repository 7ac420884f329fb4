import * as z from 'zod';

/** Request and response shapes of 周边商圈 (the merchants directory). */

const zId = () => z.string().min(1).max(32);
const zBool = () => z.enum(['0', '1', 'true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'));

/** Categories as data: codes are stable, names are what people see. */
export const MERCHANT_CATEGORIES = [
  { code: 'food', name: '餐饮美食', nameEn: 'Food and drink' },
  { code: 'grocery', name: '超市便利', nameEn: 'Supermarkets and convenience stores' },
  { code: 'market', name: '菜场生鲜', nameEn: 'Fresh food markets' },
  { code: 'pharmacy', name: '医药健康', nameEn: 'Pharmacies and health' },
  { code: 'repair', name: '家政维修', nameEn: 'Housekeeping and repairs' },
  { code: 'beauty', name: '美容美发', nameEn: 'Hair and beauty' },
  { code: 'education', name: '教育培训', nameEn: 'Education and training' },
  { code: 'express', name: '快递驿站', nameEn: 'Parcel stations' },
  { code: 'laundry', name: '洗衣干洗', nameEn: 'Laundry and dry cleaning' },
  { code: 'life', name: '生活服务', nameEn: 'Other everyday services' },
] as const;
export type MerchantCategory = (typeof MERCHANT_CATEGORIES)[number]['code'];
const CATEGORY_CODES = MERCHANT_CATEGORIES.map((c) => c.code) as [MerchantCategory, ...MerchantCategory[]];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ZOpeningPeriod = z
  .object({
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    open: z.string().regex(HHMM),
    /** `24:00` for midnight; a close before the open runs past midnight (22:00–02:00). */
    close: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/),
  })
  .refine((p) => p.open !== p.close, { params: { code: 'MERCHANT_HOURS_INVALID' }, message: 'open and close differ' })
  .refine((p) => new Set(p.days).size === p.days.length, { params: { code: 'MERCHANT_HOURS_INVALID' }, message: 'each day once' });

export const ZOpeningHours = z.object({
  periods: z.array(ZOpeningPeriod).max(14),
  /** 节假日照常营业, 春节休息 … */
  note: z.string().trim().max(100).optional(),
});

/** A shop's published line: mobile, landline with area code, or a 400 number. */
export const ZShopPhone = z
  .string()
  .trim()
  .transform((v) => v.replace(/\s+/g, ''))
  .refine((v) => /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,5})?|400-?\d{3}-?\d{4})$/.test(v), { params: { code: 'MERCHANT_PHONE_INVALID' }, message: 'phone' });

export const ZMerchantParams = z.object({ id: zId() });
export const ZOfferParams = z.object({ id: zId(), offerId: zId() });

export const ZMerchantQuery = z.object({
  category: z.enum(CATEGORY_CODES).optional(),
  /** Words of the name, address or description. */
  q: z.string().trim().min(1).max(50).optional(),
  /** A community (or street): its directory. */
  orgNodeId: zId().optional(),
  /** Only those open now (Beijing time). */
  openNow: zBool(),
  /** Staff who keep the directory: inactive ones too. */
  includeInactive: zBool(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZCategoryQuery = z.object({ orgNodeId: zId().optional() });

export const ZCreateMerchant = z.object({
  orgNodeId: zId(),
  name: z.string().trim().min(2).max(60),
  category: z.enum(CATEGORY_CODES),
  address: z.string().trim().min(2).max(200),
  phone: ZShopPhone.optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  openingHours: ZOpeningHours,
  description: z.string().trim().max(1000).optional(),
  sort: z.number().int().min(0).max(10_000).default(0),
});

export const ZUpdateMerchant = z.object({
  expectedVersion: z.number().int().min(1),
  name: z.string().trim().min(2).max(60).optional(),
  category: z.enum(CATEGORY_CODES).optional(),
  address: z.string().trim().min(2).max(200).optional(),
  phone: ZShopPhone.nullable().optional(),
  lat: z.number().min(-90).max(90).nullable().optional(),
  lng: z.number().min(-180).max(180).nullable().optional(),
  openingHours: ZOpeningHours.optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  sort: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
});

export const ZCreateOffer = z
  .object({
    title: z.string().trim().min(2).max(60),
    description: z.string().trim().max(500).optional(),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
  })
  .refine((o) => o.startsOn <= o.endsOn, { params: { code: 'MERCHANT_OFFER_DATES' }, message: 'startsOn ≤ endsOn', path: ['endsOn'] });

export const ZUpdateOffer = z
  .object({
    title: z.string().trim().min(2).max(60).optional(),
    description: z.string().trim().max(500).nullable().optional(),
    startsOn: z.iso.date().optional(),
    endsOn: z.iso.date().optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });

export const ZOffer = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  active: z.boolean(),
  /** Active and running today. */
  current: z.boolean(),
});

export const ZMerchant = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  name: z.string(),
  category: z.enum(CATEGORY_CODES),
  categoryName: z.string(),
  address: z.string(),
  phone: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  openingHours: ZOpeningHours,
  /** Open at this moment, Beijing time. */
  openNow: z.boolean(),
  /** Today's hours as people write them: 07:00–21:00, or 今日休息. */
  todayHours: z.string(),
  description: z.string().nullable(),
  /** The public sees running offers; staff who keep the directory see all. */
  offers: z.array(ZOffer),
  active: z.boolean(),
  version: z.number().int(),
});

export const ZMerchantPage = z.object({ items: z.array(ZMerchant), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ZCategoryList = z.object({
  items: z.array(z.object({ code: z.enum(CATEGORY_CODES), name: z.string(), nameEn: z.string(), count: z.number().int() })),
});
