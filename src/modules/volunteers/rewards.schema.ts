import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 爱心超市: the catalogue, orders, fulfilment. */

const zDay = () => z.iso.date();

export const REWARD_CATEGORIES = ['粮油', '日用品', '服务券', '文体用品', '其他'] as const;

const itemFields = {
  name: z.string().trim().min(2).max(40),
  description: z.string().trim().max(300),
  category: z.enum(REWARD_CATEGORIES),
  pricePoints: z.number().int().min(1).max(1_000_000),
  limitPerPerson: z.number().int().min(1).max(99).nullable(),
  limitPeriod: z.enum(['month', 'total']),
  holdDays: z.number().int().min(1).max(90),
  pictureAttachmentId: zId().nullable(),
  availableFrom: zDay().nullable(),
  availableTo: zDay().nullable(),
  sort: z.number().int().min(0).max(9999),
};

export const ZItemInput = z
  .object({
    orgNodeId: zId(),
    ...itemFields,
    description: itemFields.description.default(''),
    stock: z.number().int().min(0).max(100_000),
    limitPerPerson: itemFields.limitPerPerson.default(null),
    limitPeriod: itemFields.limitPeriod.default('month'),
    holdDays: itemFields.holdDays.default(7),
    pictureAttachmentId: itemFields.pictureAttachmentId.default(null),
    availableFrom: itemFields.availableFrom.default(null),
    availableTo: itemFields.availableTo.default(null),
    sort: itemFields.sort.default(0),
  })
  .refine((r) => !r.availableFrom || !r.availableTo || r.availableFrom <= r.availableTo, { message: 'availableFrom must not be after availableTo', path: ['availableTo'] });
export type ItemInput = z.infer<typeof ZItemInput>;

export const ZItemPatch = z.object({
  name: itemFields.name.optional(),
  description: itemFields.description.optional(),
  category: itemFields.category.optional(),
  pricePoints: itemFields.pricePoints.optional(),
  limitPerPerson: itemFields.limitPerPerson.optional(),
  limitPeriod: itemFields.limitPeriod.optional(),
  holdDays: itemFields.holdDays.optional(),
  pictureAttachmentId: itemFields.pictureAttachmentId.optional(),
  availableFrom: itemFields.availableFrom.optional(),
  availableTo: itemFields.availableTo.optional(),
  sort: itemFields.sort.optional(),
  onSale: z.boolean().optional(),
  /** Goods received (+) or written off (−): stock moves by this much, never below zero. */
  stockDelta: z.number().int().min(-100_000).max(100_000).optional(),
  expectedVersion: z.number().int().min(1),
});
export type ItemPatch = z.infer<typeof ZItemPatch>;

export const ZItem = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  pricePoints: z.number(),
  stock: z.number(),
  limitPerPerson: z.number().nullable(),
  limitPeriod: z.enum(['month', 'total']),
  holdDays: z.number(),
  pictureUrl: z.string().nullable(),
  pictureAttachmentId: z.string().nullable(),
  availableFrom: z.string().nullable(),
  availableTo: z.string().nullable(),
  onSale: z.boolean(),
  sort: z.number(),
  version: z.number(),
});

export const ZCatalogueItem = ZItem.omit({ version: true, pictureAttachmentId: true }).extend({
  /** How many more the caller may order now under the per-person limit (null: no limit). */
  myRemaining: z.number().nullable(),
});

export const ZCatalogue = z.object({ balance: z.number(), holderCode: z.string().nullable(), items: z.array(ZCatalogueItem) });

export const ZOrderInput = z.object({ itemId: zId(), quantity: z.number().int().min(1).max(99).default(1) });

export const ZOrder = z.object({
  id: z.string(),
  code: z.string(),
  itemId: z.string(),
  itemName: z.string(),
  orgNodeId: z.string(),
  holderName: z.string(),
  quantity: z.number(),
  points: z.number(),
  status: z.enum(['pending', 'fulfilled', 'cancelled']),
  expiresAt: z.string(),
  fulfilledAt: z.string().nullable(),
  fulfilledByName: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelKind: z.enum(['holder', 'staff', 'expired']).nullable(),
  cancelReason: z.string().nullable(),
  journalId: z.string(),
  reversalJournalId: z.string().nullable(),
  createdAt: z.string(),
});

export const ZOrderQuery = z.object({ status: z.enum(['pending', 'fulfilled', 'cancelled']).optional(), q: z.string().trim().max(30).optional(), ...ZPage });

export const ZFulfil = z.object({ code: z.string().trim().regex(/^\d{8}$/) });
export const ZStaffCancel = z.object({ reason: z.string().trim().min(2).max(200) });
